"""The refresh as beat runs it (routed, skipping while another run holds the lock) and the
rebuild command (progress bar, resuming an interrupted rebuild)."""

import pytest
from django.core.management import call_command
from django.db import connection

from config.celery import HOUSEKEEPING, TASK_QUEUES
from dashboards.models import EventSummary, RefreshState
from dashboards.summaries import (
    _LOCK_KEY,
    _READ_ORDER,
    _TABLES,
    summaries_rebuild,
    summaries_refresh,
)
from dashboards.tasks import dashboards_refresh_task
from grievances.models import GrievanceChannel
from grievances.services import grievance_create
from tests.dashboards.conftest import other_connection, summary_rows
from tests.offices.factories import district_office

pytestmark = pytest.mark.django_db


def _file(code):
    grievance_create(office=district_office(code), channel=GrievanceChannel.WEB, description="অ")


def test_the_beat_task_refreshes_on_the_housekeeping_queue():
    _file("DHA")

    assert TASK_QUEUES["dashboards.tasks.dashboards_refresh_task"] == HOUSEKEEPING
    assert dashboards_refresh_task() is True
    assert EventSummary.objects.filter(office__code="DHA", received=1, grain="d").exists()


def test_a_refresh_skips_while_another_holds_the_lock():
    _file("DHA")
    with other_connection() as other:
        with other.cursor() as cursor:
            cursor.execute("BEGIN; SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            assert summaries_refresh() is False
            assert not EventSummary.objects.exists()
        other.rollback()
        assert summaries_refresh() is True


def test_an_interrupted_rebuild_resumes_where_it_stopped(capsys):
    for code in ("DHA", "CTG", "SYL"):
        _file(code)
    summaries_rebuild(resume=False)
    complete = summary_rows()

    def interrupt(done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        summaries_rebuild(resume=False, progress=interrupt)
    assert RefreshState.objects.get().rebuild_step == 2  # the ledger and events done

    call_command("dashboards_rebuild")

    assert RefreshState.objects.get().rebuild_step is None
    assert summary_rows() == complete
    assert "steps" in capsys.readouterr().err  # the progress bar


def test_a_rebuild_left_unfinished_is_finished_by_the_next_refresh():
    _file("DHA")
    summaries_rebuild(resume=False)
    complete = summary_rows()

    def interrupt(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        summaries_rebuild(resume=False, progress=interrupt)
    assert RefreshState.objects.get().rebuild_step == 1

    assert summaries_refresh() is True

    assert RefreshState.objects.get().rebuild_step is None
    assert summary_rows()["events"] == complete["events"]


def _shape(table):
    """What migrations and the refresh rely on by name: indexes, constraints, the id's
    sequence."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass",
            [table],
        )
        constraints = set(cursor.fetchall())
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return indexes, constraints, cursor.fetchone()[0]


def test_a_rebuild_writes_each_table_in_read_order_and_keeps_its_shape():
    for code in ("DHA", "CTG", "SYL", "DHA"):
        _file(code)
    before = {table: _shape(table) for table, _keys, _measures in _TABLES.values()}

    summaries_rebuild(resume=False)

    written = {}
    for kind, order in _READ_ORDER.items():
        table = _TABLES[kind][0]
        assert _shape(table) == before[table]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {order} FROM {table} ORDER BY ctid")  # noqa: S608 - as stored
            stored = cursor.fetchall()
        assert stored == sorted(stored), kind
        written[kind] = len(stored)
    assert written["events"] > 3  # days, weeks and months at three levels
    _file("CTG")
    assert summaries_refresh() is True  # new rows take ids from the table's own sequence
    assert EventSummary.objects.filter(office__code="CTG", received=2, grain="d").exists()
