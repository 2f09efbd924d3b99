"""Failed sign-ins: paused per (username, client), with ceilings per username and per client.

- Per (username, client): every attempt is counted *before* its password is checked (an atomic
  INCR in Redis, core.ratelimit), so a burst of parallel guesses gets exactly
  LOGIN_FAILURES_PER_USERNAME_AND_CLIENT tries. The failure that uses up the tries pauses that
  pair for LOGIN_LOCK_SECONDS, doubled after each further burst (1, 2, 4 … minutes, at most
  LOGIN_LOCK_MAX_SECONDS; the doubling is remembered for a day). A good password starts afresh.
- Per username: LOGIN_FAILURES_PER_USERNAME failures from anywhere within
  LOGIN_USERNAME_WINDOW_SECONDS pause the username for everyone until the window ends. It is a
  ceiling against guessing from many addresses: one address, paused ever longer, fails at most
  about 30 times an hour, so a stranger cannot lock a real officer out from one address.
- Per client: LOGIN_FAILURES_PER_IP failures across usernames within
  LOGIN_FAILURE_WINDOW_SECONDS pause the client.

Only failures feed the ceilings; refused attempts are not failures. If Redis cannot be reached,
sign-in goes on unthrottled and one line is logged.
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

from core.ratelimit import ratelimit_hit

logger = logging.getLogger(__name__)

STATE_SECONDS = 24 * 60 * 60  # how long a pair's growing pause is remembered
T = TypeVar("T")


@dataclass(frozen=True)
class LoginAttempt:
    """One sign-in attempt, as counted by `login_attempt_begin`."""

    name: str  # hashed username
    client: str
    generation: int = 0  # the pair's current count: a new one after each pause or success
    count: int = 0  # this attempt's place in the pair's count
    retry_after: int = 0  # refused: seconds until the client may try again
    degraded: bool = False  # Redis was unreachable: not counted

    @property
    def refused(self) -> bool:
        return self.retry_after > 0


def login_attempt_begin(*, username: str, client: str) -> LoginAttempt:
    """Count an attempt before its password is checked; `refused` if it must not be checked."""
    attempt = LoginAttempt(name=_name(username), client=client)
    return _fail_open(lambda: _begin(attempt), replace(attempt, degraded=True))


def login_attempt_failed(attempt: LoginAttempt) -> None:
    """The password was wrong: feed the ceilings and pause the pair when its tries are used up."""
    if not attempt.degraded:
        _fail_open(lambda: _failed(attempt), None)


def login_attempt_succeeded(attempt: LoginAttempt) -> None:
    """The password was right: the pair starts a fresh count and its pauses stop growing."""
    if not attempt.degraded:
        _fail_open(lambda: _set_state(attempt, generation=attempt.generation + 1, bursts=0), None)


def _begin(attempt: LoginAttempt) -> LoginAttempt:
    if waiting := _waiting(attempt):
        return replace(attempt, retry_after=waiting)
    generation, _bursts = _state(attempt)
    hit = ratelimit_hit(
        scope="login",
        client=f"{attempt.name}:{attempt.client}:{generation}",
        limit=settings.LOGIN_FAILURES_PER_USERNAME_AND_CLIENT,
        window=settings.LOGIN_FAILURE_WINDOW_SECONDS,
    )
    attempt = replace(attempt, generation=generation, count=hit.count)
    if not hit.allowed:  # in flight with the burst's last tries, before the pause is set
        return replace(attempt, retry_after=settings.LOGIN_LOCK_SECONDS)
    # The burst's last failure may have paused the pair and started its fresh count since the
    # first look: it sets the pause first, so a count in the fresh generation sees it here.
    if waiting := _waiting(attempt):
        return replace(attempt, retry_after=waiting)
    return attempt


def _waiting(attempt: LoginAttempt) -> int:
    """Seconds until the longest pause on the attempt's pair, username or client ends."""
    now = time.time()
    locks = cache.get_many(_lock_keys(attempt))
    return max([0, *(math.ceil(until - now) for until in locks.values())])


def _failed(attempt: LoginAttempt) -> None:
    if attempt.count == settings.LOGIN_FAILURES_PER_USERNAME_AND_CLIENT:
        _pause_pair(attempt)
    _, user_lock, ip_lock = _lock_keys(attempt)
    ceilings = (
        (user_lock, "login-user", attempt.name, settings.LOGIN_FAILURES_PER_USERNAME,
         settings.LOGIN_USERNAME_WINDOW_SECONDS),
        (ip_lock, "login-ip", attempt.client, settings.LOGIN_FAILURES_PER_IP,
         settings.LOGIN_FAILURE_WINDOW_SECONDS),
    )  # fmt: skip
    for lock_key, scope, key, limit, window in ceilings:
        hit = ratelimit_hit(scope=scope, client=key, limit=limit, window=window)
        if hit.count >= limit:  # the ceiling is reached: paused until its window ends
            _lock(lock_key, hit.retry_after)


def _pause_pair(attempt: LoginAttempt) -> None:
    """The pair's tries are used up: pause it, twice as long as last time, with a fresh count."""
    generation, bursts = _state(attempt)
    seconds = min(settings.LOGIN_LOCK_SECONDS * 2**bursts, settings.LOGIN_LOCK_MAX_SECONDS)
    _lock(_lock_keys(attempt)[0], seconds)
    _set_state(attempt, generation=max(generation, attempt.generation) + 1, bursts=bursts + 1)


def _lock(key: str, seconds: int) -> None:
    # The value is the end of the pause (so a test can move the clock); the expiry cleans up.
    cache.set(key, time.time() + seconds, timeout=seconds + 60)


def _state(attempt: LoginAttempt) -> tuple[int, int]:
    value = cache.get(_state_key(attempt)) or (0, 0)
    return int(value[0]), int(value[1])


def _set_state(attempt: LoginAttempt, *, generation: int, bursts: int) -> None:
    cache.set(_state_key(attempt), (generation, bursts), timeout=STATE_SECONDS)


def _state_key(attempt: LoginAttempt) -> str:
    return f"login-state:{attempt.name}:{attempt.client}"


def _lock_keys(attempt: LoginAttempt) -> list[str]:
    return [
        f"login-lock:pair:{attempt.name}:{attempt.client}",
        f"login-lock:user:{attempt.name}",
        f"login-lock:ip:{attempt.client}",
    ]


def _name(username: str) -> str:
    # Hashed: usernames are typed by strangers and must not shape our cache keys.
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _fail_open(work: Callable[[], T], fallback: T) -> T:
    try:
        return work()
    except (RedisError, OSError) as exc:
        logger.warning("Sign-in throttling skipped, Redis unreachable: %s", exc)
        return fallback
