"""Session timeouts and two-factor enforcement for staff.

`SessionTimeoutMiddleware` signs a user out after SESSION_IDLE_TIMEOUT_SECONDS without a
request, and SESSION_ABSOLUTE_TIMEOUT_SECONDS after sign-in whatever they do. The sign-in time
is in the session; the last request's time in the cache (no query), or in the session while
the cache cannot be reached.

Two-factor is enforced at sign-in (accounts/views.py: no session until the code is right) and
the admin's own login page refuses anyone who needs a code (accounts.forms.AdminLoginForm).
`OtpRequiredMiddleware` covers the sessions that began before the rule applied to them (e.g.
made GRO after signing in): on the officers' pages, the admin and the API, a signed-in user
who must use two-factor (accounts.selectors.user_must_use_otp) and has not is sent back to
verify a code, or to set up a device, before going on.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from accounts.models import User
from accounts.pending import pending_start
from accounts.selectors import user_must_use_otp

logger = logging.getLogger(__name__)

SESSION_STARTED = "auth_started_at"
SESSION_LAST_SEEN = "auth_last_seen_at"
# Where a signed-in user can see or change anything that is not public.
TWO_FACTOR_AREAS = ("/officer/", "/admin/", "/api/")
# The REST API answers JSON, not a redirect to the code page. A request authenticated by an
# API key (Authorization: Api-Key ...) is not a session: two-factor does not apply to it.
JSON_API_AREA = "/api/v1/"
API_KEY_SCHEME = "api-key "


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.session.session_key:
            now = time.time()
            key = f"session-seen:{request.session.session_key}"
            started = request.session.get(SESSION_STARTED, now)
            cached, cache_up = _cache_get(key)
            # The idle clock lives in the cache (Redis), so a page view writes no session row;
            # if the cache lost it, the session's stamp (sign-in, or a request made while Redis
            # was unreachable) holds.
            last_seen = cached or request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
            too_old = now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
            if idle or too_old:
                if cache_up:
                    _cache_call(cache.delete, key)
                logout(request)  # the request goes on as anonymous: sign-in where needed
            elif not (
                cache_up
                and _cache_call(
                    cache.set, key, now, timeout=settings.SESSION_IDLE_TIMEOUT_SECONDS + 60
                )
            ):
                request.session[SESSION_LAST_SEEN] = now  # a session write while Redis is away
        return self.get_response(request)


def _cache_get(key: str) -> tuple[float | None, bool]:
    """The cached value and whether the cache answered."""
    try:
        return cache.get(key), True
    except (RedisError, OSError) as exc:
        logger.warning("Session idle clock kept in the session, Redis unreachable: %s", exc)
        return None, False


def _cache_call(method: Callable[..., object], *args: object, **kwargs: object) -> bool:
    try:
        method(*args, **kwargs)
    except (RedisError, OSError) as exc:
        logger.warning("Session idle clock kept in the session, Redis unreachable: %s", exc)
        return False
    return True


class OtpRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(TWO_FACTOR_AREAS)
            and isinstance(user, User)
            and not _sent_api_key(request)
            and not user.is_verified()  # type: ignore[attr-defined]  # django-otp's middleware
            and user_must_use_otp(user=user)
        ):
            if request.path.startswith(JSON_API_AREA):
                return _two_factor_required()
            next_url = (
                request.get_full_path()
                if request.method == "GET"
                else resolve_url(settings.LOGIN_REDIRECT_URL)
            )
            backend = request.session.get(BACKEND_SESSION_KEY, "")
            return pending_start(request, user=user, backend=backend, next_url=next_url)
        return self.get_response(request)


def _sent_api_key(request: HttpRequest) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    return request.path.startswith(JSON_API_AREA) and header.lower().startswith(API_KEY_SCHEME)


def _two_factor_required() -> HttpResponse:
    """The API's error shape (api/errors.py): a 403 the client can act on."""
    message = _("Verify your sign-in with the two-factor code first.")
    messages = {}
    for language in ("bn", "en"):
        with translation.override(language):
            messages[language] = str(message)
    body = {"code": "two_factor_required", "message": str(message), "messages": messages}
    return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
