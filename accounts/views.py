"""Sign-in: password (throttled), then a TOTP code when the user has a device or must have one.

Nothing is signed in until every required step has passed: after a good password a user who
needs a code only has a short-lived "pending" mark in the session.
"""

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import OtpTokenForm
from accounts.models import User
from accounts.services import (
    login_failure_record,
    login_failures_clear,
    login_is_throttled,
    user_requires_otp,
)
from core.client_ip import client_key

PENDING_USER = "otp_pending_user_id"
PENDING_BACKEND = "otp_pending_backend"
PENDING_AT = "otp_pending_at"
PENDING_NEXT = "otp_pending_next"
PENDING_SECONDS = 5 * 60


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = AuthenticationForm(request, data=request.POST or None)
    status, refusal = 200, ""
    if request.method == "POST":
        username = request.POST.get("username", "")
        client = client_key(request)
        if login_is_throttled(username=username, client=client):
            form = AuthenticationForm(request, initial={"username": username})
            refusal = _("Too many failed sign-ins. Wait %(minutes)s minutes and try again.") % {
                "minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
            }
            status = 429
        elif form.is_valid():
            user: User = form.get_user()
            login_failures_clear(username=username, client=client)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None and not user_requires_otp(user=user):
                login(request, user)
                return redirect(_safe_next(request, next_url))
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = user.backend  # type: ignore[attr-defined]
            request.session[PENDING_AT] = time.time()
            request.session[PENDING_NEXT] = _safe_next(request, next_url)
            return redirect("accounts:otp-verify" if device else "accounts:otp-setup")
        else:
            login_failure_record(username=username, client=client)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "refusal": refusal},
        status=status,
    )


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT, 0)
    if user_id is None or time.time() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _finish_login(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    next_url = request.session.get(PENDING_NEXT) or resolve_url(settings.LOGIN_REDIRECT_URL)
    backend = request.session.get(PENDING_BACKEND)
    for key in (PENDING_USER, PENDING_BACKEND, PENDING_AT, PENDING_NEXT):
        request.session.pop(key, None)
    login(request, user, backend=backend)
    otp_login(request, device)
    return redirect(next_url)


@csrf_protect
@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect_to_login(resolve_url(settings.LOGIN_REDIRECT_URL))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:otp-setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # django-otp throttles wrong codes on the device itself (growing delays).
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            return _finish_login(request, user, device)
        form.add_error(
            "token", _("That code is not right, or it has expired. Try the current one.")
        )
    return render(request, "accounts/otp_verify.html", {"form": form})


@csrf_protect
@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up TOTP: required roles during sign-in, anyone else from their session."""
    pending = _pending_user(request)
    user: Any = pending or (request.user if request.user.is_authenticated else None)
    if user is None:
        return redirect_to_login(request.get_full_path())
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            if pending is not None:
                return _finish_login(request, pending, device)
            otp_login(request, device)
            return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))
        form.add_error(
            "token", _("That code is not right, or it has expired. Try the current one.")
        )
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "secret": _base32(device.bin_key),
            "config_url": device.config_url,
            "required": pending is not None,
        },
    )


def _base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
