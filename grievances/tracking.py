"""Tracking codes (readable over the phone) and access keys (secret, stored as a hash)."""

import hashlib
import hmac
import re
import secrets

from django.urls import reverse

from core.digits import to_latin_digits
from core.links import site_link

# OFFICE-YYMM-NNNNN, e.g. DHA-2611-00042. Hyphens and spaces are optional on input.
_CODE = re.compile(r"^([A-Z]{3,12})[-\s]*(\d{4})[-\s]*(\d{5,7})$")


def format_tracking_code(*, office_code: str, period: str, number: int) -> str:
    return f"{office_code}-{period}-{number:05d}"


def normalise_tracking_code(text: str) -> str | None:
    """`dha ২৬১১ ০০০৪২` → `DHA-2611-00042`; None if it cannot be a tracking code."""
    match = _CODE.match(to_latin_digits(text.strip()).upper())
    if match is None:
        return None
    office_code, period, number = match.groups()
    return format_tracking_code(office_code=office_code, period=period, number=int(number))


def new_access_key() -> str:
    return secrets.token_urlsafe(18)


def hash_access_key(key: str) -> str:
    # A random 144-bit key needs no slow hash: nobody can guess it, and a leaked hash is useless.
    return hashlib.sha256(key.encode()).hexdigest()


def access_key_matches(*, key: str, key_hash: str) -> bool:
    if not key or not key_hash:
        return False
    return hmac.compare_digest(hash_access_key(key), key_hash)


def tracking_link(*, code: str, key: str = "") -> str:
    """The tracking page's public address; with `key`, the citizen's private link."""
    path = reverse("grievances:track", args=[code])
    return site_link(f"{path}?key={key}" if key else path)
