"""A rebuild whose steps after the ledger run side by side on connections of their own
(`dashboards_rebuild --jobs 2`): the same summaries as one connection writes, and steps that
still commit in order, so an interrupted rebuild resumes where it stopped."""

import io
import threading
from datetime import datetime

import psycopg2
import pytest
from django.core.management import call_command
from django.db import transaction

from core.calendar import DHAKA
from dashboards.models import Grain, Level, RefreshState
from dashboards.summaries import REBUILD_STEPS, summaries_rebuild
from tests.dashboards.conftest import other_connection, summary_rows

# Other connections must see the grievances: committed, not inside a test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 11, 30, 15, tzinfo=DHAKA)


@pytest.fixture
def history():
    call_command("generate_load", 400, offices=4, chunk=200, jobs=1, stdout=io.StringIO())


def test_a_rebuild_on_two_connections_writes_what_one_connection_writes(history):
    summaries_rebuild(NOW, resume=False)
    alone = summary_rows()
    threads = set()

    summaries_rebuild(
        NOW,
        resume=False,
        jobs=2,
        progress=lambda done, total: threads.add(threading.current_thread()),
    )

    assert summary_rows() == alone
    assert all(alone[kind] for kind in ("events", "durations", "upazilas"))
    assert RefreshState.objects.get().rebuild_step is None
    assert threading.current_thread() in threads  # the ledger, on the caller's connection
    assert len(threads) >= 2  # and the others on their own


def test_an_interrupted_rebuild_on_two_connections_resumes_where_it_stopped(history):
    summaries_rebuild(NOW, resume=False)
    complete = summary_rows()

    def interrupt(done, total):
        if done == 3:  # the ledger, events and durations committed
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        summaries_rebuild(NOW, resume=False, jobs=2, progress=interrupt)
    # The steps after it rolled back, even one that had finished its work.
    assert RefreshState.objects.get().rebuild_step == 3

    call_command("dashboards_rebuild", jobs=2, verbosity=0)

    assert RefreshState.objects.get().rebuild_step is None
    assert summary_rows() == complete


def _national(reader):
    """What a national page reads, every office's months of all time, as a page would."""
    reader.execute(
        "SELECT COUNT(*), SUM(received) FROM dashboards_eventsummary "
        "WHERE level = %s AND grain = %s",
        [int(Level.OFFICE), str(Grain.MONTH)],
    )
    return reader.fetchone()


def test_pages_read_the_old_figures_while_a_step_rebuilds_their_table(history):
    summaries_rebuild(NOW, resume=False)
    call_command("generate_load", 100, offices=4, seed=7, jobs=1, stdout=io.StringIO())

    with other_connection() as page:
        page.autocommit = True
        with page.cursor() as reader:
            reader.execute("SET lock_timeout = '1s'")
            before = _national(reader)
            with transaction.atomic():
                REBUILD_STEPS[0][1](NOW)()  # the grievances as counted now
                swap = REBUILD_STEPS[1][1](NOW)  # the events, built beside the table
                assert _national(reader) == before  # at once: the step holds no lock on it
                swap()
                with pytest.raises(psycopg2.errors.LockNotAvailable):
                    _national(reader)  # from the swap to the commit, a page waits
            after = _national(reader)
            summaries_rebuild(NOW, resume=False)
            rebuilt = _national(reader)

    assert after[1] == before[1] + 100
    assert after == rebuilt
