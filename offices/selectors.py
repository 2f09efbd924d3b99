from collections.abc import Collection

from django.db.models import Exists, F, OrderBy, OuterRef, QuerySet
from django.db.models.functions import Collate
from django.utils.translation import get_language

from accounts.models import User
from offices.models import District, Office, OfficeMembership, Upazila

# Created by offices/migrations/0003_bn_icu_collation.py: CLDR's Bangla alphabetical order.
BANGLA_COLLATION = "bn_icu"


def name_order(prefix: str = "") -> OrderBy:
    """Order by the name in the active language: Bangla alphabetical in Bangla, else English.

    `prefix` reaches a related row's name, e.g. `name_order("district__")`.
    """
    if (get_language() or "bn").startswith("en"):
        return F(f"{prefix}name_en").asc()
    return Collate(F(f"{prefix}name_bn"), BANGLA_COLLATION).asc()


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
