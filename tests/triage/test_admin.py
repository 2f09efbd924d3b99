"""An administrator turns automatic set-aside on for an office, with a threshold in range;
suggestions and corrections are shown, never written, in the admin."""

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import RequestFactory
from django.urls import reverse

from tests.grievances.test_admin import admin_client, superuser  # noqa: F401
from triage.models import Correction, Suggestion, TriageSetting

pytestmark = pytest.mark.django_db


def test_an_administrator_turns_set_aside_on_for_an_office(admin_client, office):  # noqa: F811
    response = admin_client.post(
        reverse("admin:triage_triagesetting_add"),
        {"office": office.pk, "auto_set_aside": "on", "threshold": "0.92"},
    )

    assert response.status_code == 302
    setting = TriageSetting.objects.get(office=office)
    assert setting.auto_set_aside
    assert setting.threshold == Decimal("0.92")
    assert admin_client.get(reverse("admin:triage_triagesetting_changelist")).status_code == 200


@pytest.mark.parametrize("threshold", ["0.49", "1.01"])
def test_the_threshold_stays_between_half_and_one(office, threshold):
    setting = TriageSetting(office=office, auto_set_aside=True, threshold=Decimal(threshold))
    with pytest.raises(ValidationError):
        setting.full_clean()
    with pytest.raises(IntegrityError):
        setting.save()


def test_set_aside_is_off_unless_turned_on(office):
    setting = TriageSetting.objects.create(office=office)
    assert not setting.auto_set_aside
    assert setting.threshold == Decimal("0.95")


@pytest.mark.parametrize("model", [Suggestion, Correction])
def test_suggestions_and_corrections_are_only_shown(model, superuser):  # noqa: F811
    request = RequestFactory().get("/")
    request.user = superuser
    admin = site._registry[model]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert admin.has_view_permission(request)
