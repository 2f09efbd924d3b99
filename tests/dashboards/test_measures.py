"""The measures of dashboards/metrics.py on hand-built scenarios: working-day durations over a
weekend and a holiday, transfers, reopening, appeals, duplicates, ignored Facebook posts, and
overdue now agreeing with the inbox's Overdue tab."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.calendar import working_days_between
from core.models import Holiday
from dashboards.metrics import Filters, Rate, counts_by, rank_within_groups, totals, volume_groups
from dashboards.models import DurationSummary, Level
from dashboards.summaries import summaries_rebuild, summaries_refresh
from grievances.inbox import InboxFilters
from grievances.models import Category, Grievance, GrievanceChannel, Reply
from grievances.selectors import grievance_inbox_for_user
from grievances.services import (
    FEEDBACK_APPEAL,
    FEEDBACK_REOPEN,
    feedback_submit,
    grievance_accept,
    grievance_categorise,
    grievance_create,
    grievance_mark_duplicate,
    grievance_mark_not_grievance,
    grievance_resolve,
    grievance_transfer,
    reply_create,
    reply_mark_sent,
)
from offices.models import Office
from tests.dashboards.conftest import at, dhaka

pytestmark = pytest.mark.django_db


def _file(office, moment, channel=GrievanceChannel.WEB):
    with at(moment):
        grievance, _ = grievance_create(
            office=office, channel=channel, description="রাস্তা ভাঙা", received_at=moment
        )
    return grievance


def _resolve(grievance, moment):
    with at(moment):
        return grievance_resolve(
            grievance=grievance, actor=None, outcome="action_taken", note="মেরামত করা হয়েছে"
        )


def _january(district):
    return Filters(start=date(2026, 1, 1), end=date(2026, 1, 31), district_ids=[district.pk])


def test_working_days_skip_the_weekend_and_a_holiday(office, gro):
    # Thursday 8 January 2026; Friday and Saturday off, Sunday 11 a holiday.
    Holiday.objects.get_or_create(
        date=date(2026, 1, 11), defaults={"name_en": "Test", "name_bn": "পরীক্ষা"}
    )
    thursday = dhaka(2026, 1, 8, 10)
    quick = _file(office, thursday)
    slow = _file(office, thursday)
    with at(dhaka(2026, 1, 8, 12)):
        grievance_accept(grievance=quick, actor=None)
    with at(dhaka(2026, 1, 12, 11)):  # Monday: the first working day after Thursday
        reply_create(grievance=quick, author=gro, body="দেখছি", to_facebook=False)
    with at(dhaka(2026, 1, 13, 11)):  # Tuesday: a day after the first-response deadline
        reply_create(grievance=slow, author=gro, body="দেখছি", to_facebook=False)
    _resolve(quick, dhaka(2026, 1, 14, 15))  # Wednesday: the third working day

    summaries_refresh(now=dhaka(2026, 1, 20))
    january = totals(_january(office.district))

    assert working_days_between(thursday, dhaka(2026, 1, 14, 15)) == 3
    assert january.received == 2
    assert january.first_responded == 2
    assert january.first_responded_on_time == 1  # Monday's was due that Monday night
    assert january.first_response_days == {1: 1, 2: 1}
    assert january.resolution_days == {3: 1}
    assert january.resolved_on_time == 1
    assert january.first_response_median == 1
    assert january.resolution_median == 3


def test_a_transfer_moves_the_grievance_and_is_counted_out_and_in(office, other_office):
    grievance = _file(office, dhaka(2026, 1, 5, 10))
    with at(dhaka(2026, 1, 6, 10)):
        grievance_transfer(grievance=grievance, to_office=other_office, actor=None, reason="ভুল")

    summaries_refresh(now=dhaka(2026, 1, 20))
    dhaka_district = totals(_january(office.district))
    chattogram = totals(_january(other_office.district))

    assert (dhaka_district.received, dhaka_district.transferred_out) == (0, 1)
    assert (chattogram.received, chattogram.transferred_in) == (1, 1)


def test_reopened_then_resolved_again_counts_one_resolution_one_reopening(office):
    grievance = _file(office, dhaka(2026, 1, 4, 10))
    with at(dhaka(2026, 1, 4, 11)):
        grievance_accept(grievance=grievance, actor=None)
    _resolve(grievance, dhaka(2026, 1, 5, 10))
    with at(dhaka(2026, 1, 6, 10)):
        feedback_submit(grievance=grievance, is_fixed=False, rating=None, next_step=FEEDBACK_REOPEN)
    _resolve(grievance, dhaka(2026, 1, 7, 10))
    with at(dhaka(2026, 1, 8, 10)):
        feedback_submit(grievance=grievance, is_fixed=True, rating=4)

    summaries_refresh(now=dhaka(2026, 1, 20))
    january = totals(_january(office.district))

    assert january.reopened == 1
    assert january.resolved == 1  # the current resolution only
    assert january.closed == 1
    assert (january.feedback, january.feedback_fixed) == (2, 1)
    assert january.confirmed_fixes == Rate(1, 2)
    assert january.satisfaction == 4
    assert january.reopen_rate == Rate(1, 1)


def test_an_appeal_counts_for_the_office_appealed_from_and_resolves_in_the_district(office):
    grievance = _file(office, dhaka(2026, 1, 4, 10))
    with at(dhaka(2026, 1, 4, 11)):
        grievance_accept(grievance=grievance, actor=None)
    _resolve(grievance, dhaka(2026, 1, 5, 10))
    with at(dhaka(2026, 1, 6, 10)):
        feedback_submit(grievance=grievance, is_fixed=False, rating=None, next_step=FEEDBACK_APPEAL)
    grievance.refresh_from_db()
    _resolve(grievance, dhaka(2026, 1, 8, 10))

    summaries_refresh(now=dhaka(2026, 1, 20))
    by_office = counts_by(_january(office.district), "office_id")
    division_office = Office.objects.get(kind="division", division=office.division)

    assert grievance.office == division_office
    assert by_office[office.pk].appealed == 1
    assert by_office[division_office.pk].appeals_resolved == 1
    assert by_office[division_office.pk].appeals_resolved_on_time == 1
    assert totals(_january(office.district)).appeal_rate.numerator == 1


def test_duplicates_and_not_grievances_are_set_aside(office):
    original = _file(office, dhaka(2026, 1, 4, 10))
    repeat = _file(office, dhaka(2026, 1, 4, 11))
    praise = _file(office, dhaka(2026, 1, 4, 12))
    with at(dhaka(2026, 1, 5, 10)):
        grievance_mark_duplicate(grievance=repeat, original=original, actor=None)
        grievance_mark_not_grievance(grievance=praise, actor=None, reason="praise")

    summaries_refresh(now=dhaka(2026, 1, 20))
    january = totals(_january(office.district))

    assert (january.received, january.duplicate, january.not_grievance) == (3, 1, 1)


def test_facebook_posts_unanswered_by_their_deadline_are_ignored(office, gro):
    ignored = _file(office, dhaka(2026, 1, 4, 10), GrievanceChannel.FACEBOOK_COMMENT)
    answered = _file(office, dhaka(2026, 1, 4, 10), GrievanceChannel.FACEBOOK_COMMENT)
    with at(dhaka(2026, 1, 4, 12)):
        reply = reply_create(grievance=answered, author=gro, body="দেখছি", to_facebook=True)
        reply_mark_sent(reply=Reply.objects.get(pk=reply.pk), external_id="c_1")

    summaries_refresh(now=dhaka(2026, 1, 4, 13))  # before the deadline: nothing ignored yet
    assert totals(_january(office.district)).facebook_ignored == 0

    summaries_refresh(now=dhaka(2026, 1, 20))  # the deadline passed with no event at all
    january = totals(_january(office.district))

    assert ignored.first_response_due_at < dhaka(2026, 1, 20)
    assert january.facebook_received == 2
    assert january.facebook_ignored == 1
    assert january.facebook_answered_share == Rate(1, 2)


def test_overdue_now_agrees_with_the_inbox_overdue_tab(office, other_office, gro, national_user):
    now = timezone.now()
    untriaged_late = _file(office, now - timedelta(days=10))
    accepted_late = _file(office, now - timedelta(days=60))
    with at(now - timedelta(days=59)):
        grievance_accept(grievance=accepted_late, actor=None)
    _file(office, now)  # open, not overdue
    _file(other_office, now - timedelta(days=10))  # another district's
    summaries_refresh(now=now)

    def inbox_overdue(user):
        return grievance_inbox_for_user(user=user, filters=InboxFilters(tab="overdue")).counts[
            "overdue"
        ]

    today = Filters(start=now.date(), end=now.date())
    district_figure = totals(
        Filters(start=today.start, end=today.end, district_ids=[office.district_id])
    )
    assert {untriaged_late.pk, accepted_late.pk} == set(
        Grievance.objects.overdue(now).filter(office=office).values_list("pk", flat=True)
    )
    assert district_figure.overdue_now == inbox_overdue(gro) == 2
    assert totals(today).overdue_now == inbox_overdue(national_user) == 3


def test_a_rebuild_equals_the_refreshes(office, other_office):
    grievance = _file(office, dhaka(2026, 1, 4, 10))
    summaries_refresh(now=dhaka(2026, 1, 5))
    with at(dhaka(2026, 1, 6, 10)):
        grievance_transfer(grievance=grievance, to_office=other_office, actor=None, reason="ভুল")
    summaries_refresh(now=dhaka(2026, 1, 7))
    incremental = counts_by(_january(office.district), "office_id")

    summaries_rebuild(now=dhaka(2026, 1, 7), resume=False)

    assert counts_by(_january(office.district), "office_id") == incremental


def test_small_bases_are_not_ranked_and_ranks_are_within_volume_groups():
    received = {"a": 5, "b": 25, "c": 30, "d": 400, "e": 500, "f": 600}
    rates = {
        "a": Rate(5, 5),  # 100 % of five: not ranked
        "b": Rate(20, 25),
        "c": Rate(21, 30),
        "d": Rate(300, 400),
        "e": Rate(100, 500),
        "f": Rate(590, 600),
    }
    bands = volume_groups(received)
    positions = rank_within_groups(rates, bands)

    assert "a" not in bands
    assert "a" not in positions
    assert not Rate(19, 19).comparable
    assert Rate(19, 20).comparable
    assert bands["b"] == bands["c"] != bands["f"]
    assert positions["b"] == (1, 2)
    assert positions["f"][0] == 1  # first among the large districts, not against "b"


def test_equal_rates_share_a_position():
    bands = {"a": 0, "b": 0, "c": 0}
    rates = {"a": Rate(20, 20), "b": Rate(30, 30), "c": Rate(10, 20)}

    assert rank_within_groups(rates, bands) == {"a": (1, 3), "b": (1, 3), "c": (3, 3)}


def test_a_categorys_durations_sum_its_channels_and_leave_out_other_categories(office):
    land, health = list(Category.objects.order_by("pk")[:2])
    monday = dhaka(2026, 1, 5, 10)
    for channel, category, days in (
        (GrievanceChannel.WEB, land, 1),
        (GrievanceChannel.FACEBOOK_COMMENT, land, 2),
        (GrievanceChannel.FACEBOOK_COMMENT, land, 2),
        (GrievanceChannel.WEB, health, 4),
    ):
        grievance = _file(office, monday, channel)
        with at(monday):
            grievance_categorise(grievance=grievance, category=category, actor=None)
            grievance_accept(grievance=grievance, actor=None)
        # Monday + n working days (Tuesday, Wednesday, Thursday, then Sunday).
        _resolve(grievance, dhaka(2026, 1, 5 + days + (2 if days > 3 else 0), 12))

    summaries_rebuild(now=dhaka(2026, 1, 20), resume=False)
    january = _january(office.district)
    by_land = totals(Filters(start=january.start, end=january.end, category_id=land.pk))
    land_on_facebook = totals(
        Filters(
            start=january.start,
            end=january.end,
            category_id=land.pk,
            channel=GrievanceChannel.FACEBOOK_COMMENT,
        )
    )

    assert by_land.resolution_days == {1: 1, 2: 2}
    assert land_on_facebook.resolution_days == {2: 2}
    assert totals(january).resolution_days == {1: 1, 2: 2, 4: 1}
    assert not DurationSummary.objects.filter(level=Level.CATEGORY).exists()
