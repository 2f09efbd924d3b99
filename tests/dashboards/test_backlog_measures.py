"""The measures added to dashboards/metrics.py on hand-built scenarios: received by tier,
resolved by outcome, carried over from the previous period (through transfers, reopenings,
appeals and set-asides), and the backlog at the end of each week (open from the summaries,
overdue from the daily record)."""

from datetime import date, timedelta

import pytest

from dashboards.metrics import Filters, carried_over_by, counts_by, totals, weekly_backlog
from dashboards.models import BacklogHistory
from dashboards.summaries import summaries_rebuild, summaries_refresh
from grievances.models import Category, Grievance
from grievances.services import (
    FEEDBACK_APPEAL,
    FEEDBACK_REOPEN,
    feedback_submit,
    grievance_accept,
    grievance_mark_not_grievance,
    grievance_resolve,
    grievance_transfer,
)
from offices.models import Office
from tests.dashboards.conftest import at, dhaka
from tests.dashboards.test_measures import _file

pytestmark = pytest.mark.django_db


def _resolve(grievance, moment, outcome="action_taken"):
    """Accepted (when new) an hour before, then resolved with `outcome`."""
    grievance.refresh_from_db()
    if grievance.status == "new":
        with at(moment - timedelta(hours=1)):
            grievance = grievance_accept(grievance=grievance, actor=None)
    with at(moment):
        return grievance_resolve(grievance=grievance, actor=None, outcome=outcome, note="করা হয়েছে")


def _feedback(grievance, moment, next_step):
    grievance.refresh_from_db()
    with at(moment):
        feedback_submit(grievance=grievance, is_fixed=False, rating=None, next_step=next_step)


def _period(start, end, district=None):
    return Filters(start=start, end=end, district_ids=None if district is None else [district.pk])


def test_received_by_tier_and_resolved_by_outcome(office):
    informed = _file(office, dhaka(2026, 1, 4, 10))
    appealed = _file(office, dhaka(2026, 1, 4, 11))
    _file(office, dhaka(2026, 1, 4, 12))  # still open
    _resolve(informed, dhaka(2026, 1, 5, 10), "information_provided")
    _resolve(appealed, dhaka(2026, 1, 5, 11), "action_taken")
    _feedback(appealed, dhaka(2026, 1, 6, 10), FEEDBACK_APPEAL)  # tier 2: the division office
    _resolve(appealed, dhaka(2026, 1, 8, 10), "allegation_not_proved")

    summaries_refresh(now=dhaka(2026, 1, 20))
    january = totals(_period(date(2026, 1, 1), date(2026, 1, 31), office.district))
    by_office = counts_by(_period(date(2026, 1, 1), date(2026, 1, 31)), "office_id")
    division_office = Office.objects.get(kind="division", division=office.division)
    outcomes = {value: n for value, _label, n in january.resolved_by_outcome}

    assert [(tier, n) for tier, _label, n in january.received_by_tier] == [(1, 3), (2, 1)]
    assert by_office[division_office.pk].appeals_received == 1  # the office appealed to
    assert by_office[office.pk].appeals_received == 0
    assert outcomes["information_provided"] == 1
    assert outcomes["allegation_not_proved"] == 1
    assert outcomes["action_taken"] == 0  # the appeal cleared the first resolution
    assert sum(outcomes.values()) == january.resolved == 2


def test_carried_over_is_what_was_open_at_the_start(office, other_office):
    resolved_in_january = _file(office, dhaka(2026, 1, 5, 10))
    _file(office, dhaka(2026, 1, 6, 10))  # open still
    resolved_in_february = _file(office, dhaka(2026, 1, 7, 10))
    set_aside = _file(office, dhaka(2026, 1, 8, 10))
    transferred = _file(office, dhaka(2026, 1, 8, 11))
    reopened_open = _file(office, dhaka(2026, 1, 5, 11))
    reopened_resolved_again = _file(office, dhaka(2026, 1, 5, 12))
    appealed = _file(office, dhaka(2026, 1, 5, 13))
    _file(office, dhaka(2026, 2, 2, 10))  # arrived in the period: not carried over

    _resolve(resolved_in_january, dhaka(2026, 1, 10, 10))
    _resolve(resolved_in_february, dhaka(2026, 2, 3, 10))
    with at(dhaka(2026, 1, 9, 10)):
        grievance_mark_not_grievance(grievance=set_aside, actor=None, reason="praise")
    with at(dhaka(2026, 1, 20, 10)):
        grievance_transfer(grievance=transferred, to_office=other_office, actor=None, reason="ভুল")
    for grievance in (reopened_open, reopened_resolved_again, appealed):
        _resolve(grievance, dhaka(2026, 1, 6, 10))
    _feedback(reopened_open, dhaka(2026, 1, 7, 10), FEEDBACK_REOPEN)
    _feedback(reopened_resolved_again, dhaka(2026, 1, 7, 10), FEEDBACK_REOPEN)
    _resolve(reopened_resolved_again, dhaka(2026, 1, 12, 10))
    _feedback(appealed, dhaka(2026, 1, 7, 11), FEEDBACK_APPEAL)

    summaries_refresh(now=dhaka(2026, 2, 20))
    february = _period(date(2026, 2, 1), date(2026, 2, 28))
    by_district = carried_over_by(february, "district_id")

    # open at 1 February: open_still, resolved_in_february, reopened_open, appealed (now at
    # the division office, still in its district) here; the transferred one in its new district
    assert by_district[office.district_id] == 4
    assert by_district[other_office.district_id] == 1
    assert totals(february).carried_over == 0  # only asked for where it is shown
    assert counts_by(february, carried_over=True)[None].carried_over == 5
    # from the middle of a month (months and days of the summaries together): on 8 January
    # the resolved one (10 January) and the reopened ones were still open
    mid_january = _period(date(2026, 1, 8), date(2026, 1, 31), office.district)
    assert counts_by(mid_january, carried_over=True)[None].carried_over == 6
    # over all time the balance is what is open now
    tomorrow = _period(date(2026, 2, 21), date(2026, 2, 21))
    assert counts_by(tomorrow, carried_over=True)[None].carried_over == (
        Grievance.objects.open().count()
    )
    assert Grievance.objects.open().count() == 5


def test_the_backlog_at_the_end_of_each_week(office, other_office):
    # Weeks start on Sunday: 4, 11 and 18 January 2026.
    old = _file(office, dhaka(2025, 12, 20, 10))  # open before the chart starts
    first_week = _file(office, dhaka(2026, 1, 5, 10))
    _file(office, dhaka(2026, 1, 6, 10))
    _file(other_office, dhaka(2026, 1, 6, 10))
    summaries_refresh(now=dhaka(2026, 1, 7, 23))  # recorded on the 7th
    summaries_refresh(now=dhaka(2026, 1, 10, 20))  # and on the 10th: the week's last record
    overdue_on_10th = Grievance.objects.filter(office=office).overdue(dhaka(2026, 1, 10, 20))
    overdue_on_10th_n = overdue_on_10th.count()
    _resolve(first_week, dhaka(2026, 1, 12, 10))
    _resolve(old, dhaka(2026, 1, 13, 10))
    summaries_refresh(now=dhaka(2026, 1, 20, 9))  # nothing recorded in the week of the 11th

    filters = _period(date(2026, 1, 1), date(2026, 1, 20), office.district)
    weeks = weekly_backlog(filters, weeks=3)
    recorded_10th = BacklogHistory.objects.filter(
        day=date(2026, 1, 10), district=office.district
    ).get()
    everywhere = weekly_backlog(_period(date(2026, 1, 1), date(2026, 1, 20)), weeks=3)

    assert [w.start for w in weeks] == [date(2026, 1, 4), date(2026, 1, 11), date(2026, 1, 18)]
    assert [w.open_at_end for w in weeks] == [3, 1, 1]
    assert [w.open_at_end for w in everywhere] == [4, 2, 2]
    assert everywhere[-1].open_at_end == totals(filters).open_now + 1  # the other district's
    # overdue as the snapshot recorded it: the 10th's row (the last in its week), none in the
    # week of the 11th, the 20th's in the last week
    assert recorded_10th.open == 3
    assert weeks[0].overdue_at_end == recorded_10th.overdue
    assert recorded_10th.overdue == overdue_on_10th_n == 3  # untriaged, past their deadline
    assert weeks[1].overdue_at_end is None
    assert weeks[2].overdue_at_end == 1  # the one still open, untriaged since the 6th
    # the record is per office and district: nothing to show for a category
    category = Category.objects.order_by("pk").first()
    by_category = Filters(start=filters.start, end=filters.end, category_id=category.pk)
    assert all(w.overdue_at_end is None for w in weekly_backlog(by_category, weeks=3))


def test_the_backlog_record_keeps_one_row_per_day_and_office(office):
    _file(office, dhaka(2026, 1, 5, 10))
    summaries_refresh(now=dhaka(2026, 1, 8, 9))
    _file(office, dhaka(2026, 1, 8, 10))
    summaries_refresh(now=dhaka(2026, 1, 8, 18))  # later the same day: the day's row replaced
    summaries_rebuild(now=dhaka(2026, 1, 8, 18), resume=False)
    summaries_refresh(now=dhaka(2026, 1, 8, 18) + timedelta(minutes=5))

    rows = list(BacklogHistory.objects.filter(office=office).values_list("day", "open"))

    assert rows == [(date(2026, 1, 8), 2)]
