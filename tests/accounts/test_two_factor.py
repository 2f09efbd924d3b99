"""Two-factor sign-in: a password alone never makes a verified session for anyone who must use
a code, however the pages are visited."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from offices.models import OfficeMembership, OfficeRole
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests/offices/factories.py
INBOX = "/officer/"


def _login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _code(device):
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(
        device.digits
    )


def _signed_in(client):
    return "_auth_user_id" in client.session


def test_a_password_alone_cannot_enrol_a_new_device_beside_a_confirmed_one(client, gro):
    """The attack: the GRO's password, not their phone. After the password, go to the set-up
    page instead of the code page, add your own authenticator and type its code."""
    TOTPDevice.objects.create(user=gro, name="the GRO's phone", confirmed=True)
    assert _login(client, gro.username)["Location"] == reverse("accounts:otp-verify")

    page = client.get(reverse("accounts:otp-setup"))
    attacker_device = TOTPDevice.objects.filter(user=gro, confirmed=False).first()
    token = _code(attacker_device) if attacker_device else "123456"
    answer = client.post(reverse("accounts:otp-setup"), {"token": token})

    assert page.status_code == 302
    assert page["Location"] == reverse("accounts:otp-verify")
    assert answer["Location"] == reverse("accounts:otp-verify")
    assert list(TOTPDevice.objects.filter(user=gro).values_list("name", flat=True)) == [
        "the GRO's phone"
    ]
    assert not _signed_in(client)
    assert client.get(INBOX).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_a_half_finished_enrolment_is_removed_when_the_password_is_next_accepted(client, gro):
    """Someone who had the password started enrolling (and saw the secret); the GRO signs in
    later and must get a fresh secret, never the one someone else saw."""
    _login(client, gro.username)
    client.get(reverse("accounts:otp-setup"))
    seen = TOTPDevice.objects.get(user=gro, confirmed=False)

    other = client.__class__()
    _login(other, gro.username)
    other.get(reverse("accounts:otp-setup"))

    assert not TOTPDevice.objects.filter(pk=seen.pk).exists()
    fresh = TOTPDevice.objects.get(user=gro, confirmed=False)
    assert fresh.key != seen.key
    assert client.post(reverse("accounts:otp-setup"), {"token": _code(seen)}).status_code != 302
    assert not TOTPDevice.objects.filter(user=gro, confirmed=True).exists()


@pytest.mark.parametrize("flags", [{"is_superuser": True}, {"is_staff": True}])
def test_staff_and_superusers_must_use_two_factor(client, flags):
    admin = UserFactory(**flags)

    response = _login(client, admin.username)

    assert response["Location"] == reverse("accounts:otp-setup")
    assert not _signed_in(client)
    client.get(reverse("accounts:otp-setup"))
    device = TOTPDevice.objects.get(user=admin)
    done = client.post(reverse("accounts:otp-setup"), {"token": _code(device)})
    assert done["Location"] == INBOX
    assert _signed_in(client)


@override_settings(OTP_REQUIRED_FOR_ROLES=[])
def test_with_two_factor_switched_off_locally_a_superuser_signs_in_with_a_password(client):
    admin = UserFactory(is_superuser=True, is_staff=True)

    response = _login(client, admin.username)

    assert response["Location"] == INBOX
    assert _signed_in(client)


def test_an_officer_made_gro_mid_session_must_set_up_two_factor_on_the_next_officer_page(
    client, officer
):
    client.force_login(officer)
    assert client.get(INBOX).status_code == 200

    OfficeMembership.objects.filter(user=officer).update(role=OfficeRole.GRO)
    detour = client.get(f"{INBOX}?tab=all")

    assert detour.status_code == 302
    assert detour["Location"] == reverse("accounts:otp-setup")
    assert not _signed_in(client)
    assert client.get(INBOX).status_code == 302

    client.get(reverse("accounts:otp-setup"))
    device = TOTPDevice.objects.get(user=officer)
    done = client.post(reverse("accounts:otp-setup"), {"token": _code(device)})
    assert done["Location"] == f"{INBOX}?tab=all"
    assert client.get(INBOX).status_code == 200


def test_a_session_that_has_not_used_the_users_device_must_verify_on_the_officer_pages(
    client, officer
):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer, otp_verified=False)

    detour = client.get(INBOX)

    assert detour["Location"] == reverse("accounts:otp-verify")
    assert not _signed_in(client)
    done = client.post(reverse("accounts:otp-verify"), {"token": _code(device)})
    assert done["Location"] == INBOX
    assert client.get(INBOX).status_code == 200


def test_a_session_must_verify_its_device_before_adding_another(client, officer):
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer, otp_verified=False)

    response = client.get(reverse("accounts:otp-setup"))

    assert response["Location"] == reverse("accounts:otp-verify")
    assert TOTPDevice.objects.filter(user=officer).count() == 1
    assert not _signed_in(client)


def test_a_verified_session_may_add_a_second_device(client, gro):
    client.force_login(gro)  # verified with the device it has

    client.get(reverse("accounts:otp-setup"))
    second = TOTPDevice.objects.get(user=gro, confirmed=False)
    done = client.post(reverse("accounts:otp-setup"), {"token": _code(second)})

    assert done.status_code == 302
    assert TOTPDevice.objects.filter(user=gro, confirmed=True).count() == 2
