"""Helpers the officers' pages share: choices for forms, links, masked contacts."""

from django import forms
from django.urls import reverse

from accounts.models import User
from grievances.access import staff_access_for
from grievances.models import (
    Grievance,
)
from grievances.selectors import (
    category_list,
)
from offices.models import Upazila

# --- helpers ------------------------------------------------------------------------------------


def _category_choices() -> list[tuple[int, str]]:
    return [(c.pk, c.name) for c in category_list()]


def _upazila_choices(user: User, *, district_id: int | None = None) -> list[tuple[int, str]]:
    """The upazilas of the user's districts; for national viewers, of `district_id` only
    (none without one)."""
    upazilas = Upazila.objects.all()
    if staff_access_for(user).reads_everything:
        if district_id is None:
            return []
        upazilas = upazilas.filter(district_id=district_id)
    else:
        # A subquery, not the office id list: one query fewer per page.
        upazilas = upazilas.filter(district__offices__memberships__user=user)
    return [(u.pk, u.name) for u in upazilas.distinct().order_by("name_en")]


def _member_choices(user: User) -> list[tuple[int, str]]:
    if staff_access_for(user).reads_everything:
        return []  # national viewers assign nothing; the filter by assignee is per office
    users = User.objects.filter(
        memberships__office__memberships__user=user, is_active=True
    ).distinct()
    return [(u.pk, str(u)) for u in users.order_by("username")]


def _detail_url(grievance: Grievance) -> str:
    return reverse("grievances:officer-grievance", args=[grievance.pk])


def _form_errors(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
