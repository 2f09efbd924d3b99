import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from grievances.selectors import (
    grievance_get_by_tracking_code,
    grievance_get_for_citizen,
    grievance_get_for_user,
    grievance_get_for_user_to_change,
    grievance_list_for_user,
)
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


def test_officer_sees_only_own_office(office, other_office, officer):
    mine = GrievanceFactory.create_batch(2, office=office)
    GrievanceFactory(office=other_office)

    assert set(grievance_list_for_user(user=officer)) == set(mine)


def test_other_office_grievance_is_404_not_403(other_office, officer):
    theirs = GrievanceFactory(office=other_office)

    with pytest.raises(Http404):
        grievance_get_for_user(user=officer, pk=theirs.pk)
    with pytest.raises(Http404):
        grievance_get_for_user_to_change(user=officer, pk=theirs.pk)


def test_national_user_reads_every_office_but_may_not_change(office, other_office, national_user):
    grievances = [GrievanceFactory(office=office), GrievanceFactory(office=other_office)]

    assert set(grievance_list_for_user(user=national_user)) == set(grievances)
    assert grievance_get_for_user(user=national_user, pk=grievances[1].pk) == grievances[1]
    with pytest.raises(PermissionDenied):
        grievance_get_for_user_to_change(user=national_user, pk=grievances[1].pk)


def test_anonymous_users_read_nothing(office):
    GrievanceFactory(office=office)

    assert not grievance_list_for_user(user=AnonymousUser()).exists()


def test_tracking_code_lookup_accepts_bangla_digits_and_lower_case(office):
    grievance = GrievanceFactory(office=office)
    typed = grievance.tracking_code.lower().translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))

    assert grievance_get_by_tracking_code(code=typed) == grievance
    assert grievance_get_by_tracking_code(code="not a code") is None


def test_citizen_view_needs_the_right_key(office):
    grievance = GrievanceFactory(office=office)

    assert grievance_get_for_citizen(code=grievance.tracking_code, key=grievance.access_key)
    assert grievance_get_for_citizen(code=grievance.tracking_code, key="wrong") is None
    assert grievance_get_for_citizen(code=grievance.tracking_code, key="") is None
