"""Restore drill (issue 14): fill a database, back it up with `manage.py backup`, restore it
into an empty database with `manage.py restore`, and find every table equal, row for row, and
the attachments readable.

This is what docs/operations.md's "Restore from a backup" does by hand. It runs the real
pg_dump and pg_restore (the ones matching the server, ops/pgtools.py), encrypted as production
backups are.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from grievances.attachments import attachment_storage
from grievances.models import Attachment, GrievanceEvent, Reply
from integrations.facebook.models import FacebookComment, WebhookDelivery
from ops.backups import Database, backups_list
from tests.integrations.facebook.factories import FacebookPageFactory
from tests.offices.factories import district_office
from tests.ops.fill import fill

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def _tables(conn: Any) -> list[str]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        return [row[0] for row in cur.fetchall()]


def _fingerprint(conn: Any) -> dict[str, tuple[int, str]]:
    """Row count and an MD5 of every row's text, in a stable order, per table."""
    result = {}
    with conn.cursor() as cur:
        for table in _tables(conn):
            cur.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "  # noqa: S608
                f'FROM "{table}" t'
            )
            count, digest = cur.fetchone()
            result[table] = (count, digest)
    return result


def _sequences(conn: Any) -> dict[str, int | None]:
    with conn.cursor() as cur:
        cur.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        return dict(cur.fetchall())


@pytest.fixture
def empty_database(settings) -> Iterator[Database]:
    source = Database.from_settings()
    target = Database(
        name=f"shunani_drill_{os.getpid()}",
        host=source.host,
        port=source.port,
        user=source.user,
        password=source.password,
    )
    admin = psycopg2.connect(
        dbname="postgres",
        host=source.host or None,
        port=source.port or None,
        user=source.user or None,
        password=source.password or None,
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{target.name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{target.name}"')
    try:
        yield target
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target.name}" WITH (FORCE)')
        admin.close()


def _url(db: Database) -> str:
    auth = db.user + (f":{db.password}" if db.password else "")
    return f"postgres://{auth}@{db.host or '127.0.0.1'}:{db.port or 5432}/{db.name}"


def test_restore_drill(settings, tmp_path: Path, empty_database: Database):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    office = district_office("DHA")
    page = FacebookPageFactory(office=office)
    grievances = fill(office, page, grievances=12)
    assert GrievanceEvent.objects.filter(grievance__in=grievances).exists()
    assert Reply.objects.count() >= 12
    assert FacebookComment.objects.count() == 4
    assert WebhookDelivery.objects.count() == 1
    attachments = list(Attachment.objects.all())
    assert len(attachments) == 6

    call_command("backup", stdout=io.StringIO())
    (backup,) = [path for _, path in backups_list()]
    # Encrypted: neither the dump nor the tar shows a citizen's name or a PNG header.
    for item in backup.iterdir():
        if item.suffix == ".enc":
            data = item.read_bytes()
            assert b"PGDMP" not in data[:100]
            assert "নাগরিক".encode() not in data
            assert b"Rahima" not in data
    out = io.StringIO()
    call_command("restore", str(backup), verify=True, stdout=out)
    assert "is complete" in out.getvalue()

    restored_media = tmp_path / "restored-media"
    call_command(
        "restore",
        backup.name,
        database_url=_url(empty_database),
        media_root=restored_media,
        yes=True,
        stdout=io.StringIO(),
    )

    connection.ensure_connection()
    source = connection.connection
    with contextlib.closing(empty_database.connect()) as target:
        expected, got = _fingerprint(source), _fingerprint(target)
        assert set(got) == set(expected)
        assert len(expected) > 30  # every app's tables, not a handful
        different = {t for t in expected if expected[t] != got[t]}
        assert not different, {t: (expected[t], got[t]) for t in different}
        for table in (
            "grievances_grievance",
            "grievances_grievanceevent",
            "grievances_reply",
            "facebook_facebookcomment",
            "facebook_webhookdelivery",
            "grievances_attachment",
        ):
            assert got[table][0] > 0, table
        # New rows after the restore must not collide with restored ids.
        assert _sequences(target) == _sequences(source)

    # The attachments, from the restored media directory, read through the app's storage.
    settings.MEDIA_ROOT = restored_media
    storage = attachment_storage()
    for attachment in attachments:
        with storage.open(attachment.file.name) as handle:
            content = handle.read()
        assert hashlib.sha256(content).hexdigest() == attachment.sha256
    with storage.open(attachments[0].file.name) as handle:
        image = Image.open(handle)
        image.load()
        assert image.size == (32, 24)


def test_a_restore_over_a_newer_schema_leaves_exactly_the_backup(
    settings, tmp_path: Path, empty_database: Database
):
    """After a bad migration: a table the backup does not have is dropped, so the next
    `migrate` can run that migration again; the backup's tables come back as they were."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_ENCRYPTION_KEY = ""
    fill(district_office("DHA"), FacebookPageFactory(office=district_office("DHA")), grievances=3)
    call_command("backup", stdout=io.StringIO())
    (backup,) = [path for _, path in backups_list()]
    restore = {"database_url": _url(empty_database), "no_media": True, "yes": True}
    call_command("restore", backup.name, stdout=io.StringIO(), **restore)
    with contextlib.closing(empty_database.connect()) as target:
        before = _fingerprint(target)
        with target.cursor() as cur:  # what a bad migration did after the backup
            cur.execute("CREATE TABLE grievances_newthing (id bigint PRIMARY KEY)")
            cur.execute("DELETE FROM grievances_reply")
            cur.execute("ALTER TABLE grievances_grievance ADD COLUMN broken integer")
        target.commit()
    call_command("restore", backup.name, stdout=io.StringIO(), **restore)
    with contextlib.closing(empty_database.connect()) as target:
        after = _fingerprint(target)
    assert "grievances_newthing" not in after
    assert after == before


def test_a_damaged_backup_is_refused_before_the_database_is_touched(
    settings, tmp_path: Path, empty_database: Database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    fill(district_office("DHA"), FacebookPageFactory(office=district_office("DHA")), grievances=2)
    call_command("backup", stdout=io.StringIO())
    (backup,) = [path for _, path in backups_list()]
    dump = backup / "database.dump.enc"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with contextlib.closing(empty_database.connect()) as target, target.cursor() as cur:
        cur.execute("CREATE TABLE keep_me (id int)")
        target.commit()
    with pytest.raises(CommandError, match="does not decrypt"):
        call_command(
            "restore",
            backup.name,
            database_url=_url(empty_database),
            yes=True,
            stdout=io.StringIO(),
        )
    with contextlib.closing(empty_database.connect()) as target:
        assert _tables(target) == ["keep_me"]
