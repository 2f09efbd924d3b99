from collections.abc import Collection

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from offices.models import District, Office, OfficeMembership, OfficeRole


def user_reads_everything(user: User | AnonymousUser) -> bool:
    """National staff and superusers see every office."""
    return bool(user.is_authenticated and (user.is_national or user.is_superuser))


def office_ids_for_user(*, user: User | AnonymousUser) -> list[int] | None:
    """The offices whose grievances `user` may read; None means every office."""
    if not user.is_authenticated:
        return []
    if user_reads_everything(user):
        return None
    return list(OfficeMembership.objects.filter(user=user).values_list("office_id", flat=True))


def user_holds_office_role(roles: Collection[str]) -> Exists:
    """Subquery: the user of the outer query (OuterRef("pk")) is in some office in one of `roles`.

    Registered with accounts for two-factor sign-in (offices/apps.py)."""
    return Exists(OfficeMembership.objects.filter(user=OuterRef("pk"), role__in=roles))


def office_role_for_user(*, user: User, office: Office) -> str | None:
    return (
        OfficeMembership.objects.filter(user=user, office=office)
        .values_list("role", flat=True)
        .first()
    )


def office_user_may_manage(*, user: User, office: Office) -> bool:
    """GROs and heads assign others' work and transfer; so do superusers."""
    if user.is_superuser:
        return True
    return office_role_for_user(user=user, office=office) in (OfficeRole.GRO, OfficeRole.HEAD)


def office_members(*, office: Office) -> QuerySet[User]:
    return User.objects.filter(memberships__office=office, is_active=True).order_by("username")


def office_for_district(*, district: District) -> Office:
    return Office.objects.get(kind="district", district=district)


def office_list(*, kind: str | None = None) -> QuerySet[Office]:
    offices = Office.objects.filter(is_active=True).select_related("district", "division")
    return offices.filter(kind=kind) if kind else offices
