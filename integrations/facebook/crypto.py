"""Page access tokens at rest: MultiFernet over FIELD_ENCRYPTION_KEYS (DESIGN.md §3.3).

The first key encrypts; every key decrypts, so a new key is put first, every token is
re-encrypted (`manage.py rotate_encryption_keys`), then the old key is dropped. The keys are
independent of SECRET_KEY. Nothing here logs or returns a token inside an error message.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class TokenDecryptionError(Exception):
    """A stored token could not be decrypted with any configured key."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        # The message names no key: it would end up in logs.
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode("ascii")


def decrypt(ciphertext: str) -> str:
    try:
        return fernet().decrypt(ciphertext.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise TokenDecryptionError("The stored token cannot be decrypted with any key.") from None


def rotate(ciphertext: str) -> str:
    """The same secret, encrypted with the first key."""
    try:
        return fernet().rotate(ciphertext.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        raise TokenDecryptionError("The stored token cannot be decrypted with any key.") from None
