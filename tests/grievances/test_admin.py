"""The grievances admin shows; services change. No edit without an event, no add, no delete."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from grievances.models import Feedback, Grievance, Reply
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="support", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    """A superuser who has signed in with a password and a confirmed code."""
    device = TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    client.force_login(superuser)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.mark.parametrize("model", [Grievance, Reply, Feedback])
def test_the_admin_may_only_view(model, superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = site._registry[model]

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_posting_the_grievance_change_form_changes_nothing(admin_client):
    grievance = GrievanceFactory(citizen_phone="01711234567")
    url = f"/admin/grievances/grievance/{grievance.pk}/change/"

    response = admin_client.post(
        url,
        {
            "citizen_phone": "01811111111",
            "citizen_email": "someone@example.com",
            "citizen_name": "Changed",
            "show_name_publicly": "on",
            "priority": "urgent",
        },
    )

    grievance.refresh_from_db()
    assert response.status_code == 403
    assert grievance.citizen_phone == "01711234567"
    assert grievance.priority == "normal"
    assert not grievance.show_name_publicly


def test_the_grievance_page_in_the_admin_is_still_readable(admin_client):
    grievance = GrievanceFactory()

    response = admin_client.get(f"/admin/grievances/grievance/{grievance.pk}/change/")

    assert response.status_code == 200
    assert grievance.tracking_code in response.content.decode()


@pytest.mark.parametrize("model", ["reply", "feedback"])
def test_adding_replies_or_feedback_in_the_admin_is_refused_not_a_500(admin_client, model):
    response = admin_client.get(f"/admin/grievances/{model}/add/")

    assert response.status_code == 403
