from collections.abc import Collection

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from offices.models import District, Office, OfficeMembership


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
