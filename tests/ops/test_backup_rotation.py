"""Backups kept: the newest of each of the last 7 days and of the last 4 weeks (Dhaka time)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ops.backups import PARTIAL, PREFIX, STAMP, backups_list, backups_prune
from ops.rotation import backups_to_keep

DHAKA = ZoneInfo("Asia/Dhaka")


def _nightly(days: int, start: datetime) -> list[tuple[datetime, str]]:
    return [(start - timedelta(days=n), f"b{n}") for n in range(days)]


def test_sixty_nightly_backups_keep_seven_days_and_four_weeks():
    # 2026-12-02 is a Wednesday; 02:30 in Dhaka is 20:30 UTC the day before.
    start = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)
    keep = backups_to_keep(_nightly(60, start), daily=7, weekly=4, tz=DHAKA)
    # The last seven nights; the newest of each of the last four ISO weeks: this week's and
    # last week's (Sunday 29 Nov, b3) are among the seven, then Sundays 22 and 15 Nov.
    assert keep == {"b0", "b1", "b2", "b3", "b4", "b5", "b6", "b10", "b17"}
    assert len(keep) == 9


def test_several_backups_in_a_day_keep_the_newest_of_it():
    day = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)
    backups = [
        (day, "night"),
        (day + timedelta(hours=5), "morning"),
        (day - timedelta(days=1), "y"),
    ]
    keep = backups_to_keep(backups, daily=7, weekly=4, tz=DHAKA)
    assert keep == {"morning", "y"}


def test_days_are_dhaka_days_not_utc_days():
    # 19:00 and 17:00 UTC on the same UTC day are on two Dhaka days (01:00 and 23:00).
    late = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    early = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    keep = backups_to_keep([(late, "a"), (early, "b")], daily=2, weekly=0, tz=DHAKA)
    assert keep == {"a", "b"}


def test_the_newest_backup_is_always_kept():
    when = datetime(2026, 1, 1, tzinfo=UTC)
    assert backups_to_keep([(when, "only")], daily=1, weekly=0, tz=DHAKA) == {"only"}


def _make(directory, when: datetime, suffix: str = "") -> None:
    path = directory / (PREFIX + when.strftime(STAMP) + suffix)
    path.mkdir()
    (path / "manifest.json").write_text("{}")


@pytest.mark.parametrize(("daily", "weekly", "expected"), [(7, 4, 9), (3, 0, 3), (1, 1, 1)])
def test_prune_deletes_the_directories_outside_the_retention(
    tmp_path, settings, daily, weekly, expected
):
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = daily, weekly
    start = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)
    for when, _ in _nightly(40, start):
        _make(tmp_path, when)
    (tmp_path / "notes.txt").write_text("not a backup")
    deleted = backups_prune(tmp_path)
    assert len(deleted) == 40 - expected
    assert len(backups_list(tmp_path)) == expected
    assert backups_list(tmp_path)[0][0] == start  # the newest stays
    assert (tmp_path / "notes.txt").exists()


def test_prune_removes_interrupted_runs_only_when_a_day_old(tmp_path, settings):
    import os

    start = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)
    _make(tmp_path, start)
    _make(tmp_path, start - timedelta(days=3), PARTIAL)
    _make(tmp_path, start - timedelta(days=2), PARTIAL)
    old, fresh = sorted(p for p in tmp_path.iterdir() if p.name.endswith(PARTIAL))
    two_days_ago = datetime.now(tz=UTC).timestamp() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    deleted = backups_prune(tmp_path)
    assert deleted == [old]
    assert fresh.exists()
    assert [p.name for _, p in backups_list(tmp_path)] == [PREFIX + start.strftime(STAMP)]
