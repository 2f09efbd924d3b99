"""Open311 GeoReport v2 (DESIGN.md §5.2 `/open311/v2/`): thin views over open311's selectors
and services, every answer in the format the path asks for (`.json` or `.xml`).

Reading is public and anonymous, like the tracking page, counted per client and cached for a
few minutes. Filing (POST requests) needs an `api_key` with the write scope (api/keys.py),
then goes through the web form's own limit, checks and service.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from api.keys import key_authenticate
from core.cache import cache_get, cache_set
from core.calendar import DHAKA
from core.client_ip import client_key
from core.links import site_link
from core.ratelimit import ratelimit_check, ratelimit_hit
from grievances.models import Category
from grievances.templatetags.citizen import local_date
from open311 import formats
from open311.formats import JSON, XML
from open311.selectors import (
    MAX_SPAN_DAYS,
    OPEN311_STATUSES,
    PublicRequest,
    RequestQuery,
    request_get,
    request_list,
    service_get,
    service_list,
    token_get,
)
from open311.services import FilingInput, FilingRefused, open311_request_file

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint last changed in a way clients should notice (discovery's `changeset`).
CHANGESET = "2026-12-02T00:00:00Z"
# Read limit per client; override with RATE_LIMITS["open311"] = (requests, seconds).
DEFAULT_READ_LIMIT = (300, 10 * 60)
DEFAULT_CACHE_SECONDS = 5 * 60

View = Callable[..., HttpResponse]


def _cache_seconds() -> int:
    return int(getattr(settings, "OPEN311_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset, in Dhaka time, to the second (the specification's form)."""
    return moment.astimezone(DHAKA).isoformat(timespec="seconds") if moment else None


def _too_many(fmt: str, retry_after: int) -> HttpResponse:
    response = formats.errors(fmt, 429, _("Too many requests. Try again later."))
    response["Retry-After"] = str(retry_after)
    return response


def open311_endpoint(view: View) -> View:
    """Counted per client (every method), answered from the cache for GETs (per path, query
    and language), and `Cache-Control: public` when the answer is a success."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        limit, window = getattr(settings, "RATE_LIMITS", {}).get("open311", DEFAULT_READ_LIMIT)
        counted = ratelimit_hit(
            scope="open311", client=client_key(request), limit=limit, window=window
        )
        if not counted.allowed:
            return _too_many(fmt, counted.retry_after)
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, fmt=fmt, **kwargs)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"open311:{get_language() or 'bn'}:{digest}"
        cached = cache_get(key)
        if cached is None:
            response = view(request, *args, fmt=fmt, **kwargs)
            cached = (response.status_code, response.content, response["Content-Type"])
            if response.status_code == 200:
                cache_set(key, cached, timeout=_cache_seconds())
            else:
                return response
        status, body, content_type = cached
        response = HttpResponse(body, status=status, content_type=content_type)
        response["Cache-Control"] = f"public, max-age={_cache_seconds()}"
        response["Vary"] = "Cookie"  # the language cookie: names are Bangla or English
        return response

    return wrapper


def _jurisdiction_error(request: HttpRequest, fmt: str) -> HttpResponse | None:
    """One jurisdiction: `jurisdiction_id` may be left out; if given, it must be ours."""
    given = request.GET.get("jurisdiction_id", "").strip()
    if given and given != settings.OPEN311_JURISDICTION_ID:
        return formats.errors(fmt, 404, _("jurisdiction_id %(id)s not found.") % {"id": given[:50]})
    return None


# --- discovery and services --------------------------------------------------------------------


@open311_endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return formats.errors(fmt, 405, _("Only GET is allowed here."))
    value = {
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT,
        "key_service": _("API keys for filing are issued by the portal's administrators."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _absolute(request, reverse("open311:root")),
                "changeset": CHANGESET,
                "type": "production",
                "formats": formats.SPEC_FORMATS,
            }
        ],
    }
    return formats.render(fmt, "discovery", value)


def _absolute(request: HttpRequest, path: str) -> str:
    """SITE_URL + path; on a machine without SITE_URL, the address the client used."""
    return site_link(path) if settings.SITE_URL else request.build_absolute_uri(path)


def _service_item(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": f"{category.name_bn} ({category.name_en})",
        # No category asks more than the grievance itself: no attributes to fetch.
        "metadata": False,
        "type": "realtime",
        "keywords": category.slug,
        "group": None,
    }


@open311_endpoint
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return formats.errors(fmt, 405, _("Only GET is allowed here."))
    if (error := _jurisdiction_error(request, fmt)) is not None:
        return error
    return formats.render(fmt, "services", [_service_item(c) for c in service_list()])


@open311_endpoint
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return formats.errors(fmt, 405, _("Only GET is allowed here."))
    if (error := _jurisdiction_error(request, fmt)) is not None:
        return error
    category = service_get(service_code=service_code)
    if category is None:
        return formats.errors(
            fmt, 404, _("service_code %(code)s not found.") % {"code": service_code[:50]}
        )
    value = {"service_code": category.slug, "attributes": []}
    return formats.render(fmt, "service_definition", value)


# --- service requests ---------------------------------------------------------------------------


def _request_item(request: PublicRequest, english: bool) -> dict[str, Any]:
    """What the public tracking page shows, in GeoReport's words. The place is the district's
    (its centre): never a point the citizen gave."""
    pick = 0 if english else 1
    place = [request.upazila[pick]] if request.upazila else []
    return {
        "service_request_id": request.code,
        "status": request.status,
        "status_notes": request.status_notes or None,
        "service_name": request.service[pick] if request.service else None,
        "service_code": request.service_code,
        "description": None,  # the citizen's words are private (the tracking page's rule)
        "agency_responsible": request.office[pick],
        "service_notice": None,
        "requested_datetime": _iso(request.received_at),
        "updated_datetime": _iso(request.updated_at),
        "expected_datetime": _iso(request.deadline),
        "address": ", ".join([*place, request.district[pick]]),
        "address_id": None,
        "zipcode": None,
        "lat": request.latitude,
        "long": request.longitude,
        "media_url": None,
    }


def _english() -> bool:
    return (get_language() or "bn").startswith("en")


def _parse_moment(text: str, *, end_of_day: bool) -> datetime | None:
    text = text.strip().replace(" ", "+")  # a "+" in a query string arrives as a space
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(text)
        return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=DHAKA)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=DHAKA)


def _split(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def _request_query(request: HttpRequest) -> RequestQuery | list[str]:
    """The GET parameters as a query, or the problems with them (400)."""
    params = request.GET
    ids = _split(params.get("service_request_id", ""))
    if ids:  # "overrides all other arguments"
        return RequestQuery(ids=ids)
    problems: list[str] = []
    bounds: dict[str, datetime | None] = {}
    for name in ("start_date", "end_date"):
        try:
            bounds[name] = (
                _parse_moment(params[name], end_of_day=name == "end_date")
                if params.get(name, "").strip()
                else None
            )
        except (ValueError, OverflowError):
            problems.append(_("%(name)s is not an ISO 8601 date and time.") % {"name": name})
            bounds[name] = None
    statuses = _split(params.get("status", "").lower())
    unknown = [s for s in statuses if s not in OPEN311_STATUSES]
    if unknown:
        problems.append(_("status must be open or closed."))
    if problems:
        return problems
    span = timedelta(days=MAX_SPAN_DAYS)
    start, end = bounds["start_date"], bounds["end_date"]
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None  # noqa: S101  # for the type checker
        start = end - span
    elif end is None:
        end = start + span
    if end < start:
        return [_("end_date is before start_date.")]
    if end - start > span:
        return [
            _("start_date and end_date may not span more than %(days)s days.")
            % {"days": MAX_SPAN_DAYS}
        ]
    return RequestQuery(
        start=start,
        end=end,
        service_codes=_split(params.get("service_code", "")),
        statuses=statuses,
    )


@csrf_exempt  # other systems, no cookies: the api_key is what authenticates a POST
@open311_endpoint
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _file(request, fmt)
    if request.method not in ("GET", "HEAD"):
        return formats.errors(fmt, 405, _("Only GET and POST are allowed here."))
    if (error := _jurisdiction_error(request, fmt)) is not None:
        return error
    query = _request_query(request)
    if isinstance(query, list):
        return formats.errors(fmt, 400, *query)
    english = _english()
    items = [_request_item(r, english) for r in request_list(query=query)]
    return formats.render(fmt, "service_requests", items)


class BadBody(ValueError):
    pass


def _post_params(request: HttpRequest) -> dict[str, str]:
    """The POST's parameters: form-encoded as GeoReport v2 sends them, or (for clients of the
    REST API) one JSON object of the same names, `attribute` possibly a nested object."""
    if request.content_type != "application/json":
        return {name: request.POST.get(name, "") for name in request.POST}
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise BadBody from None
    if not isinstance(body, dict):
        raise BadBody
    params = {}
    for name, value in body.items():
        if name == "attribute" and isinstance(value, dict):
            params.update({f"attribute[{k}]": _scalar(v) for k, v in value.items()})
        else:
            params[str(name)] = _scalar(value)
    return params


def _scalar(value: object) -> str:
    return (
        str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
    )


def _filing_input(params: dict[str, str]) -> FilingInput:
    attributes = {
        name[len("attribute[") : -1]: value
        for name, value in params.items()
        if name.startswith("attribute[") and name.endswith("]")
    }
    return FilingInput(
        service_code=params.get("service_code", "").strip(),
        lat=params.get("lat", "").strip(),
        long=params.get("long", "").strip(),
        address_string=params.get("address_string", "").strip(),
        description=params.get("description", ""),
        first_name=params.get("first_name", ""),
        last_name=params.get("last_name", ""),
        phone=params.get("phone", ""),
        email=params.get("email", ""),
        jurisdiction_id=params.get("jurisdiction_id", "").strip(),
        attributes=attributes,
    )


def _raw_key(request: HttpRequest, params: dict[str, str]) -> str:
    """`api_key` in the body, as GeoReport v2 sends it; or the REST API's header."""
    header = request.headers.get("Authorization", "")
    if header[:8].lower() == "api-key ":
        return header[8:].strip()
    return params.get("api_key", "").strip()


def _file(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        params = _post_params(request)
    except BadBody:
        return formats.errors(fmt, 400, _("The body is not a form or a JSON object."))
    key = key_authenticate(_raw_key(request, params))
    if key is None:
        return formats.errors(fmt, 403, _("api_key is missing, unknown, expired or revoked."))
    if not key.may_write:
        return formats.errors(
            fmt, 403, _("This api_key may read only; filing needs the write scope.")
        )
    given = params.get("jurisdiction_id", "").strip()
    if given and given != settings.OPEN311_JURISDICTION_ID:
        return formats.errors(fmt, 404, _("jurisdiction_id %(id)s not found.") % {"id": given[:50]})
    # The web form's limit, per client address, the same counter.
    limit = ratelimit_check(scope="grievance-file", client=client_key(request))
    if not limit.allowed:
        return _too_many(fmt, limit.retry_after)
    try:
        grievance, token = open311_request_file(
            data=_filing_input(params), api_key_prefix=key.prefix
        )
    except FilingRefused as refused:
        return formats.errors(fmt, 400, *refused.problems)
    notice = _("Filed with %(office)s. The first answer is due by %(date)s.") % {
        "office": grievance.office.name,
        "date": local_date(grievance.first_response_due_at),  # in the answer's language
    }
    item = {
        "service_request_id": grievance.tracking_code,
        "token": token,
        "service_notice": notice,
        "account_id": None,
    }
    return formats.render(fmt, "service_requests", [item], status=201)


@open311_endpoint
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return formats.errors(fmt, 405, _("Only GET is allowed here."))
    if (error := _jurisdiction_error(request, fmt)) is not None:
        return error
    found = request_get(service_request_id=service_request_id.strip().upper())
    if found is None:
        return formats.errors(
            fmt, 404, _("service_request_id %(id)s not found.") % {"id": service_request_id[:50]}
        )
    return formats.render(fmt, "service_requests", [_request_item(found, _english())])


@open311_endpoint
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return formats.errors(fmt, 405, _("Only GET is allowed here."))
    if (error := _jurisdiction_error(request, fmt)) is not None:
        return error
    found = token_get(token=token)
    if found is None:
        return formats.errors(fmt, 404, _("token %(token)s not found.") % {"token": token[:50]})
    item = {"service_request_id": found.grievance.tracking_code, "token": found.token}
    return formats.render(fmt, "service_requests", [item])


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /open311/v2/: the specification's 404, as JSON if the path ends
    in .json, else XML (the required format)."""
    fmt = JSON if rest.endswith(".json") else XML
    return formats.errors(fmt, 404, _("There is no such Open311 resource."))
