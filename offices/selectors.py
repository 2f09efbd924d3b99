from collections.abc import Collection

from django.db.models import CharField, Exists, F, Func, OrderBy, OuterRef, QuerySet
from django.db.models.functions import Collate
from django.utils.translation import get_language

from accounts.models import User
from offices.models import District, Office, OfficeMembership, Upazila


class _Decomposed(Func):
    """`normalize(text, NFD)`: য়, ড় and ঢ় become their base letter and a nukta."""

    template = "normalize(%(expressions)s, NFD)"
    output_field = CharField()


def name_order(prefix: str = "") -> OrderBy:
    """Order by the name in the active language: Bangla alphabetical in Bangla, else English.

    Bangla order is the names' canonical decomposition in code-point order ("C"). Bangla's code
    points run in alphabet order, consonants before vowel signs, so the inherent vowel comes
    before া (জয়পুরহাট before জামালপুর) and ড় sorts beside ড. It needs no ICU, which the embedded
    PostgreSQL of `make run` lacks. `prefix` reaches a related row's name, e.g.
    `name_order("district__")`.
    """
    if (get_language() or "bn").startswith("en"):
        return F(f"{prefix}name_en").asc()
    return Collate(_Decomposed(F(f"{prefix}name_bn")), "C").asc()


def district_list() -> QuerySet[District]:
    return District.objects.order_by(name_order())


def upazila_list(*, district: District) -> QuerySet[Upazila]:
    return Upazila.objects.filter(district=district).order_by(name_order())


def user_holds_office_role(roles: Collection[str]) -> Exists:
    """Subquery: the user of the outer query (OuterRef("pk")) is in some office in one of `roles`.

    Registered with accounts for two-factor sign-in (offices/apps.py)."""
    return Exists(OfficeMembership.objects.filter(user=OuterRef("pk"), role__in=roles))


def office_members(*, office: Office) -> QuerySet[User]:
    return User.objects.filter(memberships__office=office, is_active=True).order_by("username")


def office_for_district(*, district: District) -> Office:
    return Office.objects.get(kind="district", district=district)


def office_list(*, kind: str | None = None) -> QuerySet[Office]:
    offices = Office.objects.filter(is_active=True).select_related("district", "division")
    return offices.filter(kind=kind) if kind else offices
