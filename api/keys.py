"""Making, checking and scoping API keys. The one place a raw key is looked at.

    raw, key = api_key_create(name=..., owner=..., scope=..., offices=[...])  # raw shown once
    key = key_authenticate(raw)            # ApiKey (usable, last use noted) or None
    key_scope_user(key)                    # the owner, limited to what the key may do

A raw key is `shk_<prefix>_<secret>`: the prefix (8 hex characters) finds the row, the secret
(43 URL-safe characters, 256 bits) is never stored; the row keeps the SHA-256 of the whole key.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import transaction
from django.db.models import Value
from django.utils import timezone

from accounts.models import User
from api.models import ApiKey, ApiKeyScope
from grievances.access import limit_access
from offices.models import Office

KEY_PREFIX = "shk"
PREFIX_BYTES = 4
SECRET_BYTES = 32
# Writing "last used" on every request would make each API call a write: once a minute is
# precise enough to see which keys are alive.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _split(raw_key: str) -> str | None:
    """The prefix of a well-formed key, or None."""
    parts = raw_key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != PREFIX_BYTES * 2:
        return None
    return parts[1]


def new_raw_key() -> tuple[str, str, str]:
    """A fresh key: (raw key, prefix, hash)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return raw, prefix, hash_key(raw)


def api_key_create(
    *,
    name: str,
    owner: User,
    scope: str = ApiKeyScope.READ,
    offices: Iterable[Office] = (),
    national_read: bool = False,
    expires_at: datetime | None = None,
) -> tuple[str, ApiKey]:
    """A new key and its raw value, which is never retrievable again."""
    raw, prefix, hashed = new_raw_key()
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name,
            owner=owner,
            scope=scope,
            national_read=national_read,
            prefix=prefix,
            hashed_key=hashed,
            expires_at=expires_at,
        )
        key.offices.set(list(offices))
    return raw, key


def key_assign_secret(key: ApiKey) -> str:
    """Give an unsaved key (the admin's form) its prefix and hash; returns the raw key."""
    raw, key.prefix, key.hashed_key = new_raw_key()
    return raw


def api_key_revoke(*, key: ApiKey) -> None:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])


def key_lookup(raw_key: str) -> ApiKey | None:
    """The key row matching `raw_key` (usable or not), compared in constant time."""
    prefix = _split(raw_key or "")
    if prefix is None:
        return None
    # The key, its owner and its offices' ids in one query (a request authenticates per call).
    key = (
        ApiKey.objects.select_related("owner")
        .annotate(office_id_list=ArrayAgg("offices__pk", default=Value([])))
        .filter(prefix=prefix)
        .first()
    )
    if key is None or not hmac.compare_digest(key.hashed_key, hash_key(raw_key.strip())):
        return None
    return key


def key_authenticate(raw_key: str) -> ApiKey | None:
    """The usable key (not revoked, not expired, its owner active) for `raw_key`, or None.
    Notes the time of use (at most once a minute)."""
    key = key_lookup(raw_key)
    now = timezone.now()
    if key is None or not key.is_usable_at(now) or not key.owner.is_active:
        return None
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def key_office_ids(key: ApiKey) -> list[int]:
    listed = getattr(key, "office_id_list", None)  # read with the key by `key_lookup`
    if listed is None:
        return sorted(key.offices.values_list("pk", flat=True))
    return sorted(pk for pk in listed if pk is not None)


def key_scope_user(key: ApiKey) -> User:
    """The key's owner, limited for this request to what the key may do: the key's offices
    among the owner's (all of the owner's standing never more), every office only for a
    national viewer's national-read key. Services and selectors asking the access gate
    (grievances/access.py) about this user object get the limited answer."""
    user = key.owner
    limit_access(user, office_ids=key_office_ids(key), reads_everything=key.national_read)
    return user
