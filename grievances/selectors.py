"""Every read of grievances that depends on who is asking starts here."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from grievances.models import Category, Grievance, GrievanceQuerySet
from grievances.tracking import access_key_matches, normalise_tracking_code
from offices.selectors import office_ids_for_user


def grievance_list_for_user(*, user: User | AnonymousUser) -> GrievanceQuerySet:
    """The grievances `user` may read: their offices' only; national staff read all."""
    office_ids = office_ids_for_user(user=user)
    grievances = Grievance.objects.select_related("office", "district", "category", "assigned_to")
    if office_ids is None:
        return grievances.all()
    return grievances.for_offices(office_ids)


def grievance_get_for_user(*, user: User | AnonymousUser, pk: int) -> Grievance:
    """404, not 403, for other offices' grievances: don't reveal that they exist."""
    grievance = grievance_list_for_user(user=user).filter(pk=pk).first()
    if grievance is None:
        raise Http404
    return grievance


def grievance_get_for_user_to_change(*, user: User | AnonymousUser, pk: int) -> Grievance:
    """As `grievance_get_for_user`, and national viewers are refused: they never write."""
    grievance = grievance_get_for_user(user=user, pk=pk)
    if isinstance(user, User) and user.is_national and not user.is_superuser:
        raise PermissionDenied(_("National viewers can read but not change grievances."))
    return grievance


def grievance_get_by_tracking_code(*, code: str) -> Grievance | None:
    """For the public tracking page. The code is not a secret; what the page shows is public."""
    normalised = normalise_tracking_code(code)
    if normalised is None:
        return None
    return (
        Grievance.objects.select_related("office", "district", "upazila", "category")
        .filter(tracking_code=normalised)
        .first()
    )


def grievance_get_for_citizen(*, code: str, key: str) -> Grievance | None:
    """The citizen's own view: only with the right access key. A wrong key looks like no key."""
    grievance = grievance_get_by_tracking_code(code=code)
    if grievance is None or not access_key_matches(key=key, key_hash=grievance.access_key_hash):
        return None
    return grievance


def category_list() -> list[Category]:
    return list(Category.objects.filter(is_active=True))
