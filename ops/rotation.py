"""Which backups to keep: the newest of each of the last N days and of the last M weeks.

Days and weeks are Asia/Dhaka's (TIME_ZONE): a backup taken at 02:30 belongs to that night.
The newest backup is always kept (it is the newest of its day).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import TypeVar

T = TypeVar("T")


def backups_to_keep(
    backups: Iterable[tuple[datetime, T]], *, daily: int, weekly: int, tz: tzinfo
) -> set[T]:
    """The items to keep among (time, item) pairs; any order in, a set out."""
    ordered = sorted(backups, key=lambda pair: pair[0], reverse=True)
    keep: set[T] = set()
    days: set[object] = set()
    weeks: set[object] = set()
    for when, item in ordered:
        local = when.astimezone(tz)
        day = local.date()
        week = local.isocalendar()[:2]
        if day not in days and len(days) < daily:
            days.add(day)
            keep.add(item)
        if week not in weeks and len(weeks) < weekly:
            weeks.add(week)
            keep.add(item)
    return keep
