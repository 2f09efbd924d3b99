"""Session timeouts and two-factor enforcement for staff.

`SessionTimeoutMiddleware` signs a user out after SESSION_IDLE_TIMEOUT_SECONDS without a
request, and SESSION_ABSOLUTE_TIMEOUT_SECONDS after sign-in whatever they do. The sign-in time
is in the session; the last request's time in the cache. Neither costs a query.

Two-factor is enforced at sign-in (accounts/views.py: no session until the code is right). The
admin's own login page refuses anyone who needs a code (accounts.forms.AdminLoginForm), and
`OtpRequiredMiddleware` refuses /admin/ to a signed-in user who should have used a code and
did not (e.g. made GRO after signing in).
"""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from accounts.models import User
from core.cache import cache_delete, cache_get, cache_set

SESSION_STARTED = "auth_started_at"
SESSION_LAST_SEEN = "auth_last_seen_at"


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.session.session_key:
            now = time.time()
            seen_key = f"session-seen:{request.session.session_key}"
            started = request.session.get(SESSION_STARTED, now)
            # The idle clock lives in the cache (Redis), so a page view writes no session row;
            # if the cache lost it, the absolute limit still holds.
            last_seen = cache_get(seen_key) or request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
            too_old = now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
            if idle or too_old:
                cache_delete(seen_key)
                logout(request)  # the request goes on as anonymous: sign-in where needed
            else:
                cache_set(seen_key, now, timeout=settings.SESSION_IDLE_TIMEOUT_SECONDS + 60)
        return self.get_response(request)


class OtpRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/") and not request.path.startswith("/admin/login/"):
            login_url = resolve_url(settings.LOGIN_URL)
            user = request.user
            is_verified = getattr(user, "is_verified", None)  # added by django-otp's middleware
            if isinstance(user, User) and not (is_verified and is_verified()):
                from django_otp import user_has_device

                from accounts.services import user_requires_otp

                if user_has_device(user) or user_requires_otp(user=user):
                    logout(request)
                    return redirect(f"{login_url}?{urlencode({'next': request.path})}")
        return self.get_response(request)
