"""The half-signed-in state: a password was accepted (or a session must step up to two-factor)
and the code is still to come. Until it does, the session holds only these marks, for
PENDING_SECONDS, and no user."""

import time

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.selectors import user_has_confirmed_device

PENDING_USER = "otp_pending_user_id"
PENDING_BACKEND = "otp_pending_backend"
PENDING_AT = "otp_pending_at"
PENDING_NEXT = "otp_pending_next"
PENDING_SECONDS = 5 * 60


def pending_start(request: HttpRequest, *, user: User, backend: str, next_url: str) -> HttpResponse:
    """End any session, mark `user` as pending, and send them to the step they need: the code
    from their device if they have one, else setting one up."""
    logout(request)  # a new, empty session: nothing of a previous one survives
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_BACKEND] = backend
    request.session[PENDING_AT] = time.time()
    request.session[PENDING_NEXT] = next_url
    return redirect(
        "accounts:otp-verify" if user_has_confirmed_device(user=user) else "accounts:otp-setup"
    )


def pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT, 0)
    if user_id is None or time.time() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def pending_finish(request: HttpRequest, *, user: User, device: TOTPDevice) -> HttpResponse:
    """The code was right: sign `user` in, verified by `device`, and go where they were going."""
    next_url = request.session.get(PENDING_NEXT) or resolve_url(settings.LOGIN_REDIRECT_URL)
    backend = request.session.get(PENDING_BACKEND)
    for key in (PENDING_USER, PENDING_BACKEND, PENDING_AT, PENDING_NEXT):
        request.session.pop(key, None)
    login(request, user, backend=backend)
    otp_login(request, device)
    return redirect(next_url)
