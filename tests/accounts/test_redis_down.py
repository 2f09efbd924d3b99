"""With Redis unreachable, officers still sign in and use their session: the throttle and the
idle clock fail open with a log line, never a 500."""

import logging
import time
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import SESSION_LAST_SEEN

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests/offices/factories.py
NO_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def _login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@override_settings(CACHES=NO_REDIS)
def test_an_officer_signs_in_and_keeps_their_session_without_redis(client, officer, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts"):
        signed_in = _login(client, officer.username)
        wrong = _login(client.__class__(), officer.username, "guess")
        page = client.get(reverse("accounts:login"))  # through the session middleware

    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/officer/"
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert wrong.status_code == 200
    assert page.status_code == 200
    assert "_auth_user_id" in client.session
    warnings = [r for r in caplog.records if r.name.startswith("accounts")]
    assert len(warnings) == 3  # one line per request
    assert all("Redis unreachable" in r.getMessage() for r in warnings)


@override_settings(CACHES=NO_REDIS)
def test_a_gro_completes_two_factor_sign_in_without_redis(client, gro):
    device = TOTPDevice.objects.create(user=gro, name="phone", confirmed=True)
    assert _login(client, gro.username)["Location"] == reverse("accounts:otp-verify")

    code = str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits))
    done = client.post(reverse("accounts:otp-verify"), {"token": code.zfill(device.digits)})

    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(gro.pk)


@override_settings(CACHES=NO_REDIS, SESSION_IDLE_TIMEOUT_SECONDS=60)
def test_without_redis_the_idle_clock_runs_on_the_session(client, officer):
    client.force_login(officer)
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 50
    session.save()

    client.get(reverse("accounts:login"))  # seen now: kept in the session
    with mock.patch("accounts.middleware.time.time", return_value=time.time() + 50):
        still_in = client.get(reverse("accounts:login"))
    with mock.patch("accounts.middleware.time.time", return_value=time.time() + 200):
        idle = client.get(reverse("accounts:login"))

    assert still_in.wsgi_request.user.is_authenticated
    assert not idle.wsgi_request.user.is_authenticated
