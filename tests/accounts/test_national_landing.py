"""National staff land on the national dashboard after signing in (when no `next` is given),
with a password alone or after their two-factor code; everyone else on the inbox, and an
explicit `next` still wins. The page keeps the link to the inbox."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests/offices/factories.py
DASHBOARD = "/dashboard/"


def _login(client, username, query=""):
    return client.post(
        reverse("accounts:login") + query, {"username": username, "password": PASSWORD}
    )


@override_settings(OTP_REQUIRED_FOR_ROLES=[])
def test_national_staff_land_on_the_dashboard_with_a_link_to_the_inbox(client):
    national = UserFactory(is_national=True)

    response = _login(client, national.username)
    page = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert page.status_code == 200
    assert f'href="{reverse("grievances:officer-inbox")}"' in page.content.decode()


@override_settings(OTP_REQUIRED_FOR_ROLES=[])
def test_an_explicit_next_still_wins_and_officers_still_land_on_the_inbox(client, officer):
    national = UserFactory(is_national=True)

    assert _login(client, national.username, "?next=/officer/")["Location"] == "/officer/"
    client.logout()
    assert _login(client, officer.username)["Location"] == "/officer/"


@override_settings(OTP_REQUIRED_FOR_ROLES=["national"])
def test_after_the_two_factor_code_national_staff_land_on_the_dashboard(client):
    national = UserFactory(is_national=True)
    device = TOTPDevice.objects.create(user=national, name="phone", confirmed=True)

    to_code = _login(client, national.username)
    code = str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits))
    done = client.post(reverse("accounts:otp-verify"), {"token": code.zfill(device.digits)})

    assert to_code["Location"] == reverse("accounts:otp-verify")
    assert done.status_code == 302
    assert done["Location"] == DASHBOARD
