"""The officer's bell on every page: the unread notifications count, read only when a page
shows it (the officers' nav), and at most once per request."""

from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest

from grievances.inbox import COUNT_CAP
from grievances.selectors import staff_notification_unread_count


def staff_notifications(request: HttpRequest) -> dict[str, Callable[[], Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:  # every account is staff
        return {}

    @cache
    def count() -> int:
        return staff_notification_unread_count(user=user, cap=COUNT_CAP)

    # Templates call callables: nothing is counted unless the nav is rendered. A view that
    # already counted (the inbox) passes numbers, which take precedence.
    return {
        "notification_count": count,
        "notifications_capped": lambda: count() >= COUNT_CAP,
    }
