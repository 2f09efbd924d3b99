"""Sign-in: password (throttled), then a TOTP code when the user must use one.

Nothing is signed in until every required step has passed: after a good password a user who
needs a code only has a short-lived "pending" mark in the session (accounts/pending.py). A
pending user who already has a confirmed device can only verify a code from it; a new device
can be added only by a session that has verified one, or by an account that has none yet.
"""

import math
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, login
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
from accounts.pending import pending_finish, pending_start, pending_user
from accounts.selectors import user_confirmed_device, user_has_confirmed_device, user_must_use_otp
from accounts.services import (
    otp_device_confirm,
    otp_device_enrolment,
    otp_devices_discard_unconfirmed,
)
from accounts.throttle import login_attempt_begin, login_attempt_failed, login_attempt_succeeded
from core.client_ip import client_key


def _safe_next(request: HttpRequest, candidate: str, user: Any = None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return _default_destination(user)


def _default_destination(user: Any) -> str:
    """Where a sign-in without `next` goes: national staff to the national dashboard (the inbox
    stays a link away), everyone else to the inbox."""
    if user is not None and getattr(user, "is_national", False):
        return resolve_url(settings.NATIONAL_LOGIN_REDIRECT_URL)
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
        attempt = login_attempt_begin(username=username, client=client_key(request))
        if attempt.refused:
            form = AuthenticationForm(request, initial={"username": username})
            refusal = _("Too many failed sign-ins. Wait %(minutes)s minutes and try again.") % {
                "minutes": math.ceil(attempt.retry_after / 60)
            }
            status = 429
        elif form.is_valid():
            user = form.get_user()
            login_attempt_succeeded(attempt)
            otp_devices_discard_unconfirmed(user=user)
            if not user_must_use_otp(user=user):
                login(request, user)
                return redirect(_safe_next(request, next_url, user))
            return pending_start(
                request,
                user=user,
                backend=user.backend,  # type: ignore[attr-defined]
                next_url=_safe_next(request, next_url, user),
            )
        else:
            login_attempt_failed(attempt)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "refusal": refusal},
        status=status,
    )


@csrf_protect
@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = pending_user(request)
    if user is None:
        return redirect_to_login(resolve_url(settings.LOGIN_REDIRECT_URL))
    device = user_confirmed_device(user=user)
    if device is None:
        return redirect("accounts:otp-setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # django-otp throttles wrong codes on the device itself (growing delays).
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            return pending_finish(request, user=user, device=device)
        form.add_error(
            "token", _("That code is not right, or it has expired. Try the current one.")
        )
    return render(request, "accounts/otp_verify.html", {"form": form})


@csrf_protect
@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Add a TOTP device: during sign-in for a user who must have one and has none yet, or from
    a session that has already verified a code (or whose account has no device to verify)."""
    pending = pending_user(request)
    user: Any = pending or (request.user if request.user.is_authenticated else None)
    if user is None:
        return redirect_to_login(request.get_full_path())
    if user_has_confirmed_device(user=user) and not _session_verified(request):
        if pending is not None:
            return redirect("accounts:otp-verify")  # a password alone never adds a device
        return pending_start(  # step up first, then come back here
            request,
            user=user,
            backend=request.session.get(BACKEND_SESSION_KEY, ""),
            next_url=request.get_full_path(),
        )
    device = otp_device_enrolment(user=user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp_device_confirm(device=device, token=form.cleaned_data["token"]):
            return _enrolled(request, pending, device)
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


def _session_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)  # added by django-otp's middleware
    return bool(request.user.is_authenticated and is_verified and is_verified())


def _enrolled(request: HttpRequest, pending: Any, device: TOTPDevice) -> HttpResponse:
    if pending is not None:
        return pending_finish(request, user=pending, device=device)
    otp_login(request, device)
    return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))


def _base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
