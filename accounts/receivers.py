"""Upkeep on Django's own auth signals (connected in AccountsConfig.ready)."""

import time
from typing import Any

from django.http import HttpRequest

from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED


def session_stamp_on_login(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Start the idle and absolute session clocks at sign-in."""
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now
