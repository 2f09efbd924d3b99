"""Filing a service request through Open311: the web form's validation and filing service,
with the district found from the point, the address or an attribute naming it."""

import re
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from grievances.forms import GrievanceFileForm
from grievances.models import Category, Grievance, GrievanceChannel
from grievances.services import grievance_file_by_citizen
from offices.models import District, Upazila
from open311.geo import district_name_at
from open311.models import Open311Token

# GeoReport v2: the description is "limited to 4,000 characters".
DESCRIPTION_MAX = 4000

# Other spellings people write for a district, beside our records' English and Bangla names,
# slugs and the outlines' spellings (offices.District.map_name).
_DISTRICT_SPELLINGS = {
    "barishal": "barisal",
    "chittagong": "chattogram",
    "cumilla": "comilla",
    "cox's bazar": "coxsbazar",
    "coxs bazar": "coxsbazar",
    "cox bazar": "coxsbazar",
    "bogra": "bogura",
    "jessore": "jashore",
    "jhalokati": "jhalakathi",
    "moulvi bazar": "moulvibazar",
    "nawabganj": "chapainawabganj",
    "chapai nawabganj": "chapainawabganj",
    "netrakona": "netrokona",
}


@dataclass(frozen=True)
class FilingInput:
    """What an Open311 POST carried, as text (the view reads the request, nothing else)."""

    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    description: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    jurisdiction_id: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


class FilingRefused(ApplicationError):
    """The request cannot be filed; `problems` are the Open311 error descriptions."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _words(text: str) -> str:
    return " " + re.sub(r"[\s,;/()\-]+", " ", text.casefold()).strip() + " "


def district_from_text(text: str) -> District | None:
    """The district a free-text address or attribute names: whole words, English or Bangla,
    any of our spellings. Addresses run from the house to the district, so when several
    districts are named (a "Dhaka Road" in Sylhet) the one named last wins."""
    haystack = _words(text)
    if not haystack.strip():
        return None
    best: tuple[int, District] | None = None
    for district in District.objects.all():
        names = {district.name_en, district.name_bn, district.slug, district.map_name}
        names |= {alias for alias, slug in _DISTRICT_SPELLINGS.items() if slug == district.slug}
        for name in names:
            position = haystack.rfind(_words(name))
            if position >= 0 and (best is None or position > best[0]):
                best = (position, district)
    return best[1] if best else None


def upazila_from_text(*, district: District, text: str) -> Upazila | None:
    haystack = _words(text)
    if not haystack.strip():
        return None
    for upazila in Upazila.objects.filter(district=district):
        if any(_words(name) in haystack for name in (upazila.name_en, upazila.name_bn) if name):
            return upazila
    return None


def _point(data: FilingInput) -> tuple[float, float] | None:
    if not data.lat and not data.long:
        return None
    try:
        lat, lon = float(data.lat), float(data.long)
    except ValueError:
        raise FilingRefused([_("lat and long must be decimal degrees (WGS84).")]) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FilingRefused([_("lat and long must be decimal degrees (WGS84).")])
    return lat, lon


def district_for(data: FilingInput) -> District:
    """From `lat`/`long` (point in polygon), else an attribute naming the district, else the
    address. GeoReport v2 asks for a point or an address."""
    point = _point(data)
    if point is not None:
        name = district_name_at(lat=point[0], lon=point[1])
        district = District.objects.filter(name_en=name).first() if name else None
        if district is None:
            raise FilingRefused([_("The location (lat, long) is not in a district of Bangladesh.")])
        return district
    named = data.attributes.get("district", "")
    if named:
        district = District.objects.filter(slug=named.strip().lower()).first()
        district = district or district_from_text(named)
        if district is None:
            raise FilingRefused([_("attribute[district] does not name a district.")])
        return district
    if data.address_string.strip():
        district = district_from_text(data.address_string)
        if district is None:
            raise FilingRefused([_("address_string does not name a district of Bangladesh.")])
        return district
    raise FilingRefused(
        [_("Give the location: lat and long, or an address_string naming the district.")]
    )


# Which Open311 parameter each field of the web form comes from, for the error messages.
_PARAMETERS = {
    "district": "address_string",
    "upazila": "attribute[upazila]",
    "category": "service_code",
    "description": "description",
    "citizen_name": "first_name",
    "citizen_phone": "phone",
    "citizen_email": "email",
}


def _location_note(data: FilingInput) -> str:
    parts = [data.address_string.strip()] if data.address_string.strip() else []
    if data.lat and data.long:
        parts.append(f"({data.lat.strip()}, {data.long.strip()})")
    if not parts:
        return ""
    return _("Location given through Open311: %(place)s") % {"place": " ".join(parts)}


def open311_request_file(*, data: FilingInput, api_key_prefix: str) -> tuple[Grievance, str]:
    """File a citizen's grievance exactly as the web form does (its form's checks, its
    service, its SMS/e-mail to the citizen), on the `open311` channel. Returns the grievance
    and the receipt token. Raises FilingRefused with every problem found."""
    problems = []
    category = Category.objects.filter(slug=data.service_code, is_active=True).first()
    if not data.service_code:
        problems.append(_("service_code is required."))
    elif category is None:
        problems.append(
            _("service_code %(code)s is not a service.") % {"code": data.service_code[:50]}
        )
    if len(data.description) > DESCRIPTION_MAX:
        problems.append(
            _("description is limited to %(max)s characters.") % {"max": DESCRIPTION_MAX}
        )
    try:
        district = district_for(data)
    except FilingRefused as refused:
        problems += refused.problems
        district = None
    if problems:
        raise FilingRefused(problems)
    assert district is not None  # noqa: S101  # for the type checker

    upazila = None
    if data.attributes.get("upazila"):
        upazila = upazila_from_text(district=district, text=data.attributes["upazila"])
    upazila = upazila or upazila_from_text(district=district, text=data.address_string)
    name = " ".join(part.strip() for part in (data.first_name, data.last_name) if part.strip())
    form = GrievanceFileForm(
        data={
            "district": district.slug,
            "upazila": str(upazila.pk) if upazila else "",
            "category": str(category.pk) if category else "",
            "description": data.description,
            "citizen_name": name,
            "citizen_phone": data.phone,
            "citizen_email": data.email,
        },
        files=MultiValueDict(),
        district=district,
    )
    if not form.is_valid():
        raise FilingRefused(
            [
                f"{_PARAMETERS.get(field_name, field_name)}: {message}"
                for field_name, messages in form.errors.items()
                for message in messages
            ]
        )
    cleaned = form.cleaned_data
    note = _location_note(data)
    description = f"{cleaned['description']}\n\n{note}" if note else cleaned["description"]
    with transaction.atomic():
        grievance, _access_key = grievance_file_by_citizen(
            district=cleaned["district"],
            upazila=cleaned["upazila"],
            category=cleaned["category"],
            description=description,
            citizen_name=cleaned["citizen_name"],
            citizen_phone=cleaned["citizen_phone"],
            citizen_email=cleaned["citizen_email"],
            language=(get_language() or "bn")[:2],
            channel=GrievanceChannel.OPEN311,
        )
        token = Open311Token.objects.create(
            token=secrets.token_urlsafe(16),
            grievance=grievance,
            api_key_prefix=api_key_prefix,
            jurisdiction_id=data.jurisdiction_id[:100],
        )
    return grievance, token.token
