"""The incremental refresh equals a full rebuild, whatever happened in between (a property
test): random grievances, handling, replies, feedback, reopenings, appeals, transfers and
duplicates, with refreshes at random moments, then a rebuild at the same moment."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.calendar import dhaka_date
from core.exceptions import ApplicationError
from dashboards.metrics import Counts, Filters, counts_by
from dashboards.models import CurrentSnapshot, EventSummary, Level
from dashboards.summaries import summaries_rebuild, summaries_refresh
from grievances.models import Category, Grievance, GrievanceChannel, Reply
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
from tests.dashboards.conftest import at, dhaka, summary_rows
from tests.offices.factories import UserFactory, district_office

pytestmark = pytest.mark.django_db

OFFICES = ("DHA", "CTG", "SYL")
OUTCOMES = ("action_taken", "information_provided", "allegation_not_proved", "other")
CHANNELS = (GrievanceChannel.WEB, GrievanceChannel.FACEBOOK_COMMENT, GrievanceChannel.FACEBOOK_POST)

g = st.integers(0, 5)  # which grievance (modulo those filed so far)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("file"), st.integers(0, 2), st.integers(0, 2)),
        st.tuples(st.just("accept"), g),
        st.tuples(st.just("reply"), g, st.booleans()),
        st.tuples(st.just("resolve"), g, st.sampled_from(OUTCOMES)),
        st.tuples(st.just("feedback"), g, st.sampled_from(["fixed", "reopen", "appeal"])),
        st.tuples(st.just("transfer"), g, st.integers(0, 2)),
        st.tuples(st.just("duplicate"), g, g),
        st.tuples(st.just("not_grievance"), g),
        st.tuples(st.just("categorise"), g, st.integers(0, 3)),
        st.tuples(st.just("refresh")),
        st.tuples(st.just("wait"), st.integers(1, 72)),  # hours
    ),
    min_size=3,
    max_size=25,
)


def _apply(step, state):
    kind, *args = step
    grievances, now = state["grievances"], state["now"]
    if kind == "wait":
        state["now"] = now + timedelta(hours=args[0])
        return
    if kind == "refresh":
        summaries_refresh(now=now)
        return
    if kind == "file":
        with at(now):
            grievance, _ = grievance_create(
                office=district_office(OFFICES[args[0]]),
                channel=CHANNELS[args[1]],
                description="অভিযোগ",
                received_at=now,
            )
        grievances.append(grievance)
        return
    if not grievances:
        return
    grievance = grievances[args[0] % len(grievances)]
    grievance.refresh_from_db()
    with at(now):
        if kind == "accept":
            grievance_accept(grievance=grievance, actor=None)
        elif kind == "reply":
            reply = reply_create(
                grievance=grievance, author=state["admin"], body="উত্তর", to_facebook=args[1]
            )
            if args[1]:
                reply_mark_sent(reply=Reply.objects.get(pk=reply.pk), external_id="x")
        elif kind == "resolve":
            grievance_resolve(grievance=grievance, actor=None, outcome=args[1], note="হয়েছে")
        elif kind == "feedback":
            if args[1] == "fixed":
                feedback_submit(grievance=grievance, is_fixed=True, rating=5)
            else:
                next_step = FEEDBACK_REOPEN if args[1] == "reopen" else FEEDBACK_APPEAL
                feedback_submit(
                    grievance=grievance, is_fixed=False, rating=None, next_step=next_step
                )
        elif kind == "transfer":
            grievance_transfer(
                grievance=grievance,
                to_office=district_office(OFFICES[args[1]]),
                actor=None,
                reason="অন্য অফিসের",
            )
        elif kind == "duplicate":
            original = grievances[args[1] % len(grievances)]
            grievance_mark_duplicate(grievance=grievance, original=original, actor=None)
        elif kind == "not_grievance":
            grievance_mark_not_grievance(grievance=grievance, actor=None, reason="spam")
        elif kind == "categorise":
            category = Category.objects.order_by("pk")[args[1]]
            grievance_categorise(grievance=grievance, category=category, actor=None)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=st.lists(st.integers(0, 2), min_size=3, max_size=3), steps=steps)
# Always tried, besides the random ones: each kind of change after a refresh.
@example(first=[0, 1, 2], steps=[("transfer", 0, 1), ("wait", 30)])
@example(
    first=[0, 0, 0],
    steps=[
        ("accept", 0),
        ("resolve", 0, "action_taken"),
        ("refresh",),
        ("feedback", 0, "appeal"),
        ("resolve", 0, "action_taken"),
        ("wait", 48),
    ],
)
@example(
    first=[1, 1, 2],
    steps=[
        ("reply", 1, True),
        ("wait", 72),
        ("refresh",),
        ("resolve", 1, "other"),
        ("feedback", 1, "reopen"),
    ],
)
@example(first=[2, 0, 1], steps=[("wait", 50), ("refresh",), ("categorise", 0, 2), ("wait", 50)])
@example(first=[0, 0, 0], steps=[("duplicate", 1, 0), ("not_grievance", 2), ("wait", 5)])
# Resolved one day, closed by the citizen's "fixed" on another, set aside days after arriving:
# the running balance must follow the day each left the open statuses.
@example(
    first=[0, 0, 0],
    steps=[
        ("accept", 0),
        ("resolve", 0, "information_provided"),
        ("wait", 30),
        ("feedback", 0, "fixed"),
        ("wait", 30),
        ("not_grievance", 1),
        ("wait", 30),
    ],
)
def test_incremental_refreshes_equal_a_full_rebuild(first, steps):
    with transaction.atomic():
        admin = UserFactory(username="summary-admin", is_superuser=True)
        start = dhaka(2026, 2, 26, 9)  # across a month's end
        state = {"grievances": [], "now": start, "admin": admin}
        for office, channel in enumerate(first):  # one grievance in each office to begin with
            _apply(("file", office, channel), state)
        summaries_refresh(now=start)
        for step in steps:
            try:
                with transaction.atomic():
                    _apply(step, state)
            except ApplicationError:
                pass  # not allowed in this state: nothing happened
        end = state["now"] + timedelta(hours=1)
        summaries_refresh(now=end)
        incremental = summary_rows()

        summaries_rebuild(now=end, resume=False)

        assert summary_rows() == incremental
        # Open, untriaged and overdue now, counted from the grievances as the summaries last
        # saw them, are what the inbox's own querysets count.
        for field, live in (
            ("open", Grievance.objects.open()),
            ("untriaged", Grievance.objects.open().filter(status="new")),
            ("overdue", Grievance.objects.overdue(end)),
        ):
            snapshot = {
                office: n
                for office, n in CurrentSnapshot.objects.values_list("office_id")
                .annotate(Sum(field))
                .order_by()
                if n
            }
            assert snapshot == dict(
                live.values_list("office_id").annotate(n=Count("id")).order_by()
            ), field
        # The running balance (received - finished) over all time is what is open now, per
        # office (carried over is read as open now - the balance since, so this must hold),
        # and at each day in between it is what was open then by the grievances' own dates.
        balance = {
            office: received - finished
            for office, received, finished in EventSummary.objects.filter(
                grain="m", level=Level.OFFICE
            )
            .values_list("office_id")
            .annotate(Sum("received"), Sum("finished"))
            .order_by()
        }
        open_now = dict(
            Grievance.objects.open().values_list("office_id").annotate(n=Count("id")).order_by()
        )
        assert {k: n for k, n in balance.items() if n} == open_now
        for day in _days(start, end):
            carried = counts_by(Filters(start=day, end=day), carried_over=True)
            assert carried.get(None, Counts()).carried_over == _open_at_start_of(day), day
        transaction.set_rollback(True)


def _days(start, end):
    day = dhaka_date(start)
    while day <= dhaka_date(end):
        yield day
        day += timedelta(days=1)


def _open_at_start_of(day):
    """Grievances received before `day` and not finished before it, by each grievance's own
    dates (the definition in dashboards/metrics.py, counted directly)."""
    n = 0
    for grievance in Grievance.objects.all():
        if dhaka_date(grievance.received_at) >= day:
            continue
        if grievance.is_open:
            n += 1
            continue
        left = grievance.resolved_at or grievance.closed_at
        if left is None:
            left = max(
                (
                    e.created_at
                    for e in grievance.events.filter(
                        kind="status_changed", to_status=grievance.status
                    )
                ),
                default=grievance.last_activity_at,
            )
        if dhaka_date(left) >= day:
            n += 1
    return n
