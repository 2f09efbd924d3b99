"""The incremental refresh equals a full rebuild, whatever happened in between (a property
test): random grievances, handling, replies, feedback, reopenings, appeals, transfers and
duplicates, with refreshes at random moments, then a rebuild at the same moment."""

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.exceptions import ApplicationError
from dashboards.summaries import summaries_rebuild, summaries_refresh
from grievances.models import Category, GrievanceChannel, Reply
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
CHANNELS = (GrievanceChannel.WEB, GrievanceChannel.FACEBOOK_COMMENT, GrievanceChannel.FACEBOOK_POST)

g = st.integers(0, 5)  # which grievance (modulo those filed so far)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("file"), st.integers(0, 2), st.integers(0, 2)),
        st.tuples(st.just("accept"), g),
        st.tuples(st.just("reply"), g, st.booleans()),
        st.tuples(st.just("resolve"), g),
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
            grievance_resolve(grievance=grievance, actor=None, outcome="action_taken", note="হয়েছে")
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
        ("resolve", 0),
        ("refresh",),
        ("feedback", 0, "appeal"),
        ("resolve", 0),
        ("wait", 48),
    ],
)
@example(
    first=[1, 1, 2],
    steps=[
        ("reply", 1, True),
        ("wait", 72),
        ("refresh",),
        ("resolve", 1),
        ("feedback", 1, "reopen"),
    ],
)
@example(first=[2, 0, 1], steps=[("wait", 50), ("refresh",), ("categorise", 0, 2), ("wait", 50)])
@example(first=[0, 0, 0], steps=[("duplicate", 1, 0), ("not_grievance", 2), ("wait", 5)])
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
        transaction.set_rollback(True)
