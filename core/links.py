"""Absolute links for messages that leave the site (SMS, e-mail): one home for how they are built.

Always from SITE_URL, never from the request's Host header, which the client writes: a forged
Host must not put someone else's address into a message carrying a citizen's private key.
"""

from django.conf import settings


def site_link(path: str) -> str:
    """SITE_URL + `path`; just `path` when SITE_URL is not set (a developer's machine)."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"
