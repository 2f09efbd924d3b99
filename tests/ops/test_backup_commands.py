"""`manage.py backup` / `restore` around the drill: the nightly clock, choosing a backup, refusing
without --yes."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from ops.backups import PREFIX, STAMP
from ops.management.commands.backup import seconds_until


@pytest.mark.parametrize(
    ("now", "expected_hours"),
    [
        (datetime(2026, 12, 1, 20, 0, tzinfo=UTC), 0.5),  # 02:00 Dhaka -> 02:30 today
        (datetime(2026, 12, 1, 20, 30, tzinfo=UTC), 24.0),  # exactly 02:30 -> tomorrow's
        (datetime(2026, 12, 2, 6, 0, tzinfo=UTC), 14.5),  # 12:00 Dhaka -> 02:30 tomorrow
    ],
)
def test_the_nightly_backup_waits_until_the_next_0230_in_dhaka(now, expected_hours):
    assert seconds_until("02:30", now) == expected_hours * 3600


def test_restore_names_the_backups_newest_first(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path
    for stamp in ("20261130T203000Z", "20261201T203000Z"):
        (tmp_path / f"{PREFIX}{stamp}").mkdir()
    (tmp_path / f"{PREFIX}20261202T203000Z.partial").mkdir()  # an interrupted run
    out = io.StringIO()
    call_command("restore", list=True, stdout=out)
    names = [line.split()[0] for line in out.getvalue().splitlines()]
    assert names == [f"{PREFIX}20261201T203000Z", f"{PREFIX}20261130T203000Z"]


def test_restore_refuses_without_a_backup_or_without_yes(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", latest=True)
    with pytest.raises(CommandError, match="Name a backup"):
        call_command("restore")
    backup = tmp_path / (PREFIX + datetime(2026, 12, 1, tzinfo=UTC).strftime(STAMP))
    backup.mkdir()
    (backup / "manifest.json").write_text("{}")
    with pytest.raises(CommandError, match="Add --yes"):
        call_command("restore", latest=True)


def test_an_incomplete_backup_is_refused(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path
    (tmp_path / "half").mkdir()
    with pytest.raises(CommandError, match="not a complete backup"):
        call_command("restore", str(tmp_path / "half"), verify=True)
