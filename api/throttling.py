"""Throttling per API key, per signed-in user and per client address, counted in Redis.

The counters are core.ratelimit's (atomic under concurrency, failing open without Redis). A
refused request is a 429 with `Retry-After` (DRF's Throttled, in the API's error shape).
Limits: API_RATE_LIMITS in settings, {scope: (requests, window seconds)}.
"""

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from api.models import ApiKey
from core.client_ip import client_key
from core.ratelimit import ratelimit_hit

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "api-key": (600, 60),  # a system: a burst of ten a second, on average
    "api-user": (300, 60),  # an officer's tool with their session
    "api-client": (120, 60),  # anyone else, per address: reference data, tracking, filing
}


def limit_for(scope: str) -> tuple[int, int]:
    configured: dict[str, tuple[int, int]] = getattr(settings, "API_RATE_LIMITS", {})
    return configured.get(scope, DEFAULT_LIMITS[scope])


class ApiThrottle(BaseThrottle):
    """One counter per key, else per user, else per client address."""

    def __init__(self) -> None:
        self.retry_after: int | None = None

    def identity(self, request: Request) -> tuple[str, str]:
        if isinstance(request.auth, ApiKey):
            return "api-key", str(request.auth.pk)
        if request.user and request.user.is_authenticated:
            return "api-user", str(request.user.pk)
        return "api-client", client_key(request._request)

    def allow_request(self, request: Request, view: APIView) -> bool:
        scope, who = self.identity(request)
        limit, window = limit_for(scope)
        result = ratelimit_hit(scope=scope, client=who, limit=limit, window=window)
        self.retry_after = result.retry_after
        return result.allowed

    def wait(self) -> float | None:
        return self.retry_after
