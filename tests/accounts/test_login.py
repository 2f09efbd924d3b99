import time
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from accounts.services import user_disable

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests/offices/factories.py


def _login(client, username, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def _code(device):
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(
        device.digits
    )


def test_officer_without_two_factor_signs_in_with_a_password(client, officer):
    response = _login(client, officer.username)

    assert response.status_code == 302
    assert response["Location"] == "/officer/"
    assert client.get(reverse("grievances:officer-inbox")).status_code == 200


@override_settings(LOGIN_FAILURES_PER_USERNAME=3)
def test_failed_attempts_per_username_are_throttled_even_with_the_right_password(client, officer):
    for _ in range(3):
        assert _login(client, officer.username, "wrong").status_code == 200

    response = _login(client, officer.username)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURES_PER_IP=4, LOGIN_FAILURES_PER_USERNAME=100)
def test_failed_attempts_per_client_address_are_throttled_across_usernames(client, officer):
    for n in range(4):
        _login(client, f"guess{n}", "wrong")

    blocked = _login(client, officer.username)
    elsewhere = _login(client, officer.username, REMOTE_ADDR="10.9.8.7")

    assert blocked.status_code == 429
    assert elsewhere.status_code == 302


@override_settings(LOGIN_FAILURES_PER_IP=2, TRUSTED_PROXY_COUNT=0)
def test_a_spoofed_forwarded_for_header_does_not_reset_the_client_count(client, officer):
    for n in range(2):
        _login(client, f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = _login(client, officer.username, HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert response.status_code == 429


def test_gro_must_set_up_two_factor_before_any_session_exists(client, gro):
    response = _login(client, gro.username)

    assert response["Location"] == reverse("accounts:otp-setup")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("grievances:officer-inbox")).status_code == 302

    client.get(reverse("accounts:otp-setup"))
    device = TOTPDevice.objects.get(user=gro)
    done = client.post(reverse("accounts:otp-setup"), {"token": _code(device)})

    device.refresh_from_db()
    assert device.confirmed
    assert done["Location"] == "/officer/"
    assert client.get(reverse("grievances:officer-inbox")).status_code == 200


def test_national_viewer_with_a_device_needs_the_current_code(client, national_user):
    device = TOTPDevice.objects.create(user=national_user, name="phone", confirmed=True)
    assert _login(client, national_user.username)["Location"] == reverse("accounts:otp-verify")

    wrong = client.post(reverse("accounts:otp-verify"), {"token": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp's own delay after a wrong code
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post(reverse("accounts:otp-verify"), {"token": _code(device)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(national_user.pk)


def test_officer_may_turn_on_two_factor_and_then_needs_it(client, officer):
    client.force_login(officer)
    client.get(reverse("accounts:otp-setup"))
    device = TOTPDevice.objects.get(user=officer)
    client.post(reverse("accounts:otp-setup"), {"token": _code(device)})
    client.logout()

    response = _login(client, officer.username)

    assert response["Location"] == reverse("accounts:otp-verify")


@override_settings(SESSION_IDLE_TIMEOUT_SECONDS=60)
def test_idle_session_ends(client, officer):
    client.force_login(officer)
    assert client.get(reverse("grievances:officer-inbox")).status_code == 200

    with mock.patch("accounts.middleware.time.time", return_value=time.time() + 120):
        response = client.get(reverse("grievances:officer-inbox"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@override_settings(SESSION_IDLE_TIMEOUT_SECONDS=60)
def test_idle_clock_falls_back_to_the_sign_in_time_without_the_cache(client, officer):
    client.force_login(officer)
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 120
    session.save()

    response = client.get(reverse("grievances:officer-inbox"))

    assert response.status_code == 302


@override_settings(SESSION_ABSOLUTE_TIMEOUT_SECONDS=3600)
def test_session_ends_after_the_absolute_limit_however_active(client, officer):
    client.force_login(officer)
    session = client.session
    session[SESSION_STARTED] = time.time() - 3700
    session.save()

    response = client.get(reverse("grievances:officer-inbox"))

    assert response.status_code == 302


def test_active_session_within_limits_stays(client, officer):
    client.force_login(officer)
    client.get(reverse("grievances:officer-inbox"))

    with mock.patch("accounts.middleware.time.time", return_value=time.time() + 25 * 60):
        response = client.get(reverse("grievances:officer-inbox"))

    assert response.status_code == 200


def test_disabling_a_user_ends_their_sessions(client, officer):
    client.force_login(officer)
    assert client.get(reverse("grievances:officer-inbox")).status_code == 200

    ended = user_disable(user=officer)

    assert ended == 1
    assert not Session.objects.exists()
    assert client.get(reverse("grievances:officer-inbox")).status_code == 302


def test_admin_password_sign_in_is_closed_to_users_who_need_two_factor(client, gro):
    gro.is_staff = True
    gro.save()

    response = client.post(
        "/admin/login/?next=/admin/", {"username": gro.username, "password": PASSWORD}
    )

    assert response.status_code == 200  # the form again, with the reason
    assert "_auth_user_id" not in client.session


def test_admin_refuses_a_session_that_skipped_two_factor(client, gro):
    gro.is_staff = True
    gro.save()
    client.force_login(gro, otp_verified=False)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp-setup")
    assert "_auth_user_id" not in client.session


def test_admin_action_disables_and_signs_out(client, admin_client, officer):
    client.force_login(officer)

    admin_client.post(
        "/admin/accounts/user/",
        {"action": "disable_and_sign_out", "_selected_action": [officer.pk]},
    )

    officer.refresh_from_db()
    assert not officer.is_active
    assert client.get(reverse("grievances:officer-inbox")).status_code == 302
