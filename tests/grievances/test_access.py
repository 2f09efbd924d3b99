"""The access gate: one answer to "what may this user do with this grievance?"."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import override

from grievances.access import access_for, forget_access, office_access_for, staff_access_for
from grievances.escalation import APPEAL_OFFICE_LEVEL
from grievances.models import Grievance
from offices.models import OfficeRole
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grievance(office):
    return GrievanceFactory(office=office)


def _rights(access):
    return (access.may_read, access.may_act, access.may_manage, access.sees_contact)


def test_an_officer_reads_and_acts_in_their_office_but_does_not_manage(officer, grievance):
    assert _rights(access_for(officer, grievance)) == (True, True, False, False)


def test_the_gro_manages_and_sees_the_contact(gro, grievance):
    assert _rights(access_for(gro, grievance)) == (True, True, True, True)


def test_another_offices_officer_may_do_nothing(other_officer, grievance):
    assert _rights(access_for(other_officer, grievance)) == (False, False, False, False)


def test_national_staff_read_everything_and_change_nothing(national_user, grievance):
    access = access_for(national_user, grievance)

    assert _rights(access) == (True, False, False, False)
    with override("en"), pytest.raises(PermissionDenied, match="National viewers"):
        access.ensure_may_act()
    assert staff_access_for(national_user).may_write is False


def test_a_superuser_may_do_everything(grievance):
    assert _rights(access_for(UserFactory(is_superuser=True), grievance)) == (True,) * 4


def test_nobody_signed_in_may_do_nothing(grievance):
    assert _rights(access_for(AnonymousUser(), grievance)) == (False,) * 4


def test_the_appeal_office_reads_what_is_escalated_to_it_and_changes_nothing(office, grievance):
    appeal_gro = OfficeMembershipFactory(office=office.parent, role=OfficeRole.GRO).user
    assert access_for(appeal_gro, grievance).may_read is False

    Grievance.objects.filter(pk=grievance.pk).update(escalation_level=APPEAL_OFFICE_LEVEL)
    grievance.refresh_from_db()
    access = access_for(appeal_gro, grievance)

    assert _rights(access) == (True, False, False, False)
    with override("en"), pytest.raises(PermissionDenied, match="another office"):
        access.ensure_may_act()


def test_an_officer_may_record_a_complaint_only_in_their_own_office(officer, office, other_office):
    assert office_access_for(officer, office).may_act is True
    assert office_access_for(officer, other_office).may_act is False


def test_the_users_memberships_are_read_once_per_user_object(
    officer, grievance, office, django_assert_num_queries
):
    with django_assert_num_queries(1):
        for _ in range(3):
            access_for(officer, grievance)
            office_access_for(officer, office)


def test_forget_access_reads_changed_memberships_again(officer, other_office):
    assert office_access_for(officer, other_office).may_act is False

    OfficeMembershipFactory(user=officer, office=other_office)
    forget_access(officer)

    assert office_access_for(officer, other_office).may_act is True
