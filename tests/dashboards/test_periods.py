"""A period is read from whole months, whole weeks within a month and single days, at the least
detailed level that answers its filters: every period, filter and grouping must give the same
figures as counting the grievances themselves. And a refresh counts again only what changed."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.calendar import dhaka_date
from dashboards.metrics import Filters, _buckets, counts_by, totals, week_buckets
from dashboards.models import EventSummary, Grain, Level, RefreshState, SummarisedGrievance
from dashboards.summaries import _changed_grievances, summaries_rebuild, summaries_refresh
from grievances.models import Category, Grievance, GrievanceChannel
from grievances.services import grievance_categorise, grievance_create
from tests.dashboards.conftest import at, dhaka
from tests.offices.factories import district_office

pytestmark = pytest.mark.django_db

FIRST = date(2026, 1, 20)
LAST = date(2026, 4, 10)


def _month_after(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def test_the_buckets_of_a_period_cover_each_day_once():
    for start, length in (
        (date(2026, 1, 1), 1),
        (date(2026, 1, 4), 9),
        (date(2026, 1, 6), 40),
        (date(2026, 2, 1), 28),
        (date(2026, 1, 21), 100),
        (date(2025, 12, 2), 365),
    ):
        end = start + timedelta(days=length - 1)
        months, weeks, days = _buckets(start, end)
        covered = list(days)
        for first in weeks:  # Sunday (or the 1st) to Saturday (or the month's end)
            last = min(first + timedelta(days=(5 - first.weekday()) % 7), _month_after(first))
            last = min(last, _month_after(first) - timedelta(days=1))
            covered += [first + timedelta(days=i) for i in range((last - first).days + 1)]
        for first in months:
            covered += [
                first + timedelta(days=i) for i in range((_month_after(first) - first).days)
            ]
        assert sorted(covered) == [start + timedelta(days=i) for i in range(length)], start
        # However long the period, a few dozen buckets at most, not one per day.
        assert len(months) + len(weeks) + len(days) <= 12 + 2 * (4 + 6)


@pytest.fixture
def history():
    """Grievances on every few days from late January to early April, in three categories and
    two channels, then the summaries built."""
    categories = list(Category.objects.order_by("pk")[:3])
    offices = [district_office("DHA"), district_office("CTG")]
    day = FIRST
    n = 0
    while day <= LAST:
        moment = dhaka(day.year, day.month, day.day, 10)
        with at(moment):
            grievance, _ = grievance_create(
                office=offices[n % 2],
                channel=(GrievanceChannel.WEB, GrievanceChannel.FACEBOOK_COMMENT)[n % 3 % 2],
                description="অভিযোগ",
                received_at=moment,
            )
            grievance_categorise(grievance=grievance, category=categories[n % 3], actor=None)
        n += 1
        day += timedelta(days=(n % 4) + 1)
    summaries_rebuild(now=dhaka(2026, 4, 11, 9), resume=False)
    return {"categories": categories, "offices": offices}


def _received(start, end, **where):
    return sum(
        1 for g in Grievance.objects.filter(**where) if start <= dhaka_date(g.received_at) <= end
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    start=st.integers(0, (LAST - FIRST).days),
    length=st.integers(1, 80),
    which=st.integers(0, 3),
)
def test_every_period_filter_and_grouping_counts_what_happened(history, start, length, which):
    start_day = FIRST + timedelta(days=start)
    end_day = start_day + timedelta(days=length - 1)
    category = history["categories"][1]
    filters = Filters(start=start_day, end=end_day)
    if which == 0:  # no filter: the per-office level
        assert totals(filters).received == _received(start_day, end_day)
    elif which == 1:  # a category: channels summed
        filtered = Filters(start=start_day, end=end_day, category_id=category.pk)
        assert totals(filtered).received == _received(start_day, end_day, category=category)
    elif which == 2:  # a channel: every category and channel apart
        filtered = Filters(start=start_day, end=end_day, channel=GrievanceChannel.FACEBOOK_COMMENT)
        assert totals(filtered).received == _received(
            start_day, end_day, channel=GrievanceChannel.FACEBOOK_COMMENT
        )
    else:  # grouped by category and by district
        by_category = counts_by(filters, "category_id", durations=False)
        for cat in history["categories"]:
            got = by_category.get(cat.pk)
            assert (got.received if got else 0) == _received(start_day, end_day, category=cat)
        by_district = counts_by(filters, "district_id")
        for office in history["offices"]:
            got = by_district.get(office.district_id)
            assert (got.received if got else 0) == _received(start_day, end_day, office=office)


def test_the_weeks_of_a_trend_never_span_two_weeks(history):
    first = date(2026, 2, 22)  # a Sunday
    rows = EventSummary.objects.filter(week_buckets(first, date(2026, 3, 18)), level=Level.OFFICE)
    assert {row.grain for row in rows} <= {Grain.WEEK, Grain.DAY}
    for row in rows:
        week = (row.bucket - first).days // 7
        assert 0 <= week <= 3
    received = sum(r.received for r in rows)
    assert received == _received(first, date(2026, 3, 18))


def test_a_refresh_counts_again_only_the_grievances_that_changed(history):
    now = dhaka(2026, 4, 11, 9)
    summaries_refresh(now=now)
    before = dict(SummarisedGrievance.objects.values_list("grievance_id", "category_id"))
    changed = Grievance.objects.order_by("pk")[3]
    later = now + timedelta(hours=2)
    with at(later):
        grievance_categorise(grievance=changed, category=history["categories"][2], actor=None)

    assert _changed_grievances(RefreshState.objects.get(), later) == {changed.pk}
    summaries_refresh(now=later)

    after = dict(SummarisedGrievance.objects.values_list("grievance_id", "category_id"))
    assert {k for k in after if after[k] != before[k]} == {changed.pk}
    everything = Filters(start=FIRST, end=LAST)
    moved = counts_by(everything, "category_id", durations=False)
    assert moved[history["categories"][2].pk].received == _received(
        FIRST, LAST, category=history["categories"][2]
    )
