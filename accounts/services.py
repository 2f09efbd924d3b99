"""Sign-in rules: failed-attempt throttling, who must use two-factor, disabling a user."""

import hashlib

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from offices.models import OfficeMembership


def _keys(*, username: str, client: str) -> list[str]:
    # Hashed: usernames are typed by strangers and must not shape our cache keys.
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:user:{name}", f"login-fail:ip:{client}"]


def login_is_throttled(*, username: str, client: str) -> bool:
    """Too many recent failures for this username or from this client: refuse without asking."""
    user_key, ip_key = _keys(username=username, client=client)
    counts = cache.get_many([user_key, ip_key])
    return (
        counts.get(user_key, 0) >= settings.LOGIN_FAILURES_PER_USERNAME
        or counts.get(ip_key, 0) >= settings.LOGIN_FAILURES_PER_IP
    )


def login_failure_record(*, username: str, client: str) -> None:
    """Count one failure per username and per client, in Redis, for a fixed window."""
    for key in _keys(username=username, client=client):
        # add() only sets a missing key, so the window starts at the first failure.
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_failures_clear(*, username: str, client: str) -> None:
    """A good password clears the username's count (the client's stays: it may be guessing
    several accounts)."""
    cache.delete(_keys(username=username, client=client)[0])


def user_requires_otp(*, user: User) -> bool:
    """OTP_REQUIRED_FOR_ROLES lists office roles ("gro", "head") and/or "national"."""
    roles = set(settings.OTP_REQUIRED_FOR_ROLES)
    if user.is_national and "national" in roles:
        return True
    return OfficeMembership.objects.filter(user=user, role__in=roles).exists()


@transaction.atomic
def user_disable(*, user: User) -> int:
    """Deactivate `user` and end every session they have; returns how many were ended."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended
