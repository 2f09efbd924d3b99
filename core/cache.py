"""The cache, failing open: Redis down or hung is a log line and a miss, never a 500.

The cache holds nothing that cannot be lost (DESIGN.md §4), so every caller can carry on
without it: a read misses, a write is dropped. Socket timeouts in CACHES keep the wait short.
"""

import logging
from typing import Any

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is gone: redis-py's errors, and socket errors
# from backends that do not wrap them.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)


def log_cache_failure(what: str, exc: Exception) -> None:
    logger.warning("cache unavailable, %s skipped (%s)", what, type(exc).__name__)


def cache_get(key: str, default: Any = None) -> Any:
    try:
        return cache.get(key, default)
    except CACHE_ERRORS as exc:
        log_cache_failure("read", exc)
        return default


def cache_set(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except CACHE_ERRORS as exc:
        log_cache_failure("write", exc)


def cache_delete(key: str) -> None:
    try:
        cache.delete(key)
    except CACHE_ERRORS as exc:
        log_cache_failure("delete", exc)
