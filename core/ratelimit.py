"""Per-client rate limits, exact under concurrency.

One Redis counter per (scope, client) and window. The count is an atomic INCR in a Lua script
that also sets the expiry, so 50 parallel requests against a limit of L admit exactly L, and a
counter can never be left without an expiry (which would block a client for ever).

Fails open: with Redis down or hung (short socket timeouts in CACHES) the attempt is allowed
and a line is logged. A citizen is never refused because a counter cannot be read.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient

from core.cache import CACHE_ERRORS, log_cache_failure

logger = logging.getLogger(__name__)

_INCR_WITH_EXPIRY = """
local count = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""

# (requests, window in seconds) per scope; override with the RATE_LIMITS setting.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "grievance-file": (20, 60 * 60),  # filing: generous, many phones share one carrier address
    "access-key": (30, 10 * 60),  # requests carrying a private key: guessing needs millions
    # public tracking pages without a key: codes are sequential, so this slows walking them
    # while many citizens behind one carrier address still look theirs up
    "track": (100, 10 * 60),
}


@dataclass(frozen=True)
class RateLimit:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends (when refused)


def rate_limit_for(scope: str) -> tuple[int, int]:
    configured: dict[str, tuple[int, int]] = getattr(settings, "RATE_LIMITS", {})
    return configured.get(scope, DEFAULT_LIMITS[scope])


def ratelimit_hit(*, scope: str, client: str, limit: int, window: int) -> RateLimit:
    """Count one attempt by `client` in `scope`; say whether it is within `limit` per `window`.

    Without the cache the attempt is allowed (count 0): fail open, with a log line."""
    try:
        count, ttl = _incr(f"ratelimit:{scope}:{client}", window)
    except CACHE_ERRORS as exc:
        log_cache_failure(f"rate limit {scope!r}", exc)
        return RateLimit(allowed=True, count=0, limit=limit, retry_after=0)
    return RateLimit(allowed=count <= limit, count=count, limit=limit, retry_after=max(ttl, 1))


def ratelimit_check(*, scope: str, client: str) -> RateLimit:
    limit, window = rate_limit_for(scope)
    return ratelimit_hit(scope=scope, client=client, limit=limit, window=window)


def _incr(key: str, window: int) -> tuple[int, int]:
    full_key = cache.make_and_validate_key(key)
    redis_client = _redis_client(full_key)
    if redis_client is not None:
        count = int(redis_client.eval(_INCR_WITH_EXPIRY, 1, full_key, window))
        return count, int(redis_client.ttl(full_key))
    # Not Redis (a developer's locmem cache): add-then-incr, atomic within one process.
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key)), window
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1, window


def _redis_client(key: str) -> Any:
    """The raw redis-py client behind Django's RedisCache, or None for other backends."""
    backend = getattr(cache, "_cache", None)
    if not isinstance(backend, RedisCacheClient):
        return None
    return backend.get_client(key, write=True)
