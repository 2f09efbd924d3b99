from django.db.models import QuerySet

from accounts.models import User
from offices.models import District, Office


def office_members(*, office: Office) -> QuerySet[User]:
    return User.objects.filter(memberships__office=office, is_active=True).order_by("username")


def office_for_district(*, district: District) -> Office:
    return Office.objects.get(kind="district", district=district)


def office_list(*, kind: str | None = None) -> QuerySet[Office]:
    offices = Office.objects.filter(is_active=True).select_related("district", "division")
    return offices.filter(kind=kind) if kind else offices
