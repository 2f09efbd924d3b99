"""A rebuild whose steps after the ledger run side by side on connections of their own
(`dashboards_rebuild --jobs 2`): the same summaries as one connection writes, and steps that
still commit in order, so an interrupted rebuild resumes where it stopped."""

import io
import threading
from datetime import datetime

import pytest
from django.core.management import call_command

from core.calendar import DHAKA
from dashboards.models import RefreshState
from dashboards.summaries import summaries_rebuild
from tests.dashboards.conftest import summary_rows

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
