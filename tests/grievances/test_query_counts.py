"""Query-count guards for the grievance page and every officer action (one POST each).

The counts are today's: a change that adds a query per request (a second role lookup, a
second row lock, an N+1 on the timeline) fails here. Lower them when a change saves one.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grievances.models import Category, Grievance, Reply
from grievances.services import grievance_accept, grievance_resolve
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db

# The most queries one request may make, session and sign-in checks included.
# The grievance page: one query lists the citizen's files (the evidence and the timeline's),
# one counts the bell's unread notifications; triage's suggestion and its category, 2 more.
DETAIL_MAX_QUERIES = 13
ACTION_MAX_QUERIES = {
    # Most of an action's queries are the citizen's news (SMS/e-mail outbox rows, capped).
    # Accept, categorise and not-grievance record the triage correction (2: suggestion, row).
    "accept": 44,
    # a new grievance: accepted, then in progress, then assigned; the assignee told (2)
    "assign": 75,
    "transfer": 20,
    "categorise": 14,
    "priority": 10,
    "note": 10,
    "not-grievance": 36,
    "duplicate": 36,
    "resolve": 41,
    "reopen": 39,  # the officer or GRO told (4)
    "close": 42,
}
REPLY_MAX_QUERIES = 26


@pytest.fixture
def grievance(office):
    return GrievanceFactory(office=office, citizen_phone="01712345678")


def _accepted(grievance, officer):
    return grievance_accept(grievance=grievance, actor=officer)


def _resolved(grievance, officer, days_ago=0):
    grievance_resolve(
        grievance=_accepted(grievance, officer),
        actor=officer,
        outcome="action_taken",
        note="করা হয়েছে",
    )
    Grievance.objects.filter(pk=grievance.pk).update(
        resolved_at=timezone.now() - timedelta(days=days_ago)
    )
    grievance.refresh_from_db()
    return grievance


def _post(client, grievance, action, data):
    url = reverse("grievances:officer-action", args=[grievance.pk, action])
    return client.post(url, data)


def test_the_grievance_page_stays_within_its_query_count(
    client, officer, grievance, django_assert_max_num_queries
):
    _accepted(grievance, officer)
    client.force_login(officer)
    url = reverse("grievances:officer-grievance", args=[grievance.pk])

    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = client.get(url)

    assert response.status_code == 200


def _setup(action, *, grievance, officer, gro, office, other_office):
    """(who clicks, the form data) for `action` on `grievance`, put in the state it needs."""
    if action in ("assign", "accept"):
        return gro, {"assignee": officer.pk}
    if action == "transfer":
        return gro, {"office": other_office.pk, "reason": "অন্য জেলার বিষয়"}
    if action == "categorise":
        return officer, {"category": Category.objects.filter(is_active=True).first().pk}
    if action == "priority":
        return officer, {"priority": "high"}
    if action == "note":
        return officer, {"note": "ফোন করা হয়েছে"}
    if action == "not-grievance":
        return officer, {"reason": "praise"}
    if action == "duplicate":
        return officer, {"original": GrievanceFactory(office=office).tracking_code}
    if action == "resolve":
        _accepted(grievance, officer)
        return officer, {"outcome": "action_taken", "note": "রাস্তা মেরামত হয়েছে"}
    if action == "reopen":
        _resolved(grievance, officer)
        return officer, {"note": "সমস্যা রয়ে গেছে"}
    if action == "close":
        _resolved(grievance, officer, days_ago=30)
        return gro, {"note": "নাগরিক সাড়া দেননি"}
    return officer, {}


@pytest.mark.parametrize("action", list(ACTION_MAX_QUERIES))
def test_each_officer_action_stays_within_its_query_count(
    client, action, grievance, officer, gro, office, other_office, django_assert_max_num_queries
):
    user, data = _setup(
        action,
        grievance=grievance,
        officer=officer,
        gro=gro,
        office=office,
        other_office=other_office,
    )
    before = Grievance.objects.get(pk=grievance.pk)
    client.force_login(user)

    with django_assert_max_num_queries(ACTION_MAX_QUERIES[action]):
        response = _post(client, grievance, action, data)

    assert response.status_code == 302
    assert Grievance.objects.get(pk=grievance.pk).updated_at > before.updated_at


def test_one_assign_click_asks_for_the_users_roles_once_and_locks_the_row_once(
    client, grievance, officer, gro
):
    client.force_login(gro)

    with CaptureQueriesContext(connection) as ctx:
        response = _post(client, grievance, "assign", {"assignee": officer.pk})

    assert response.status_code == 302
    sql = [q["sql"] for q in ctx.captured_queries]
    role_lookups = [s for s in sql if f'"offices_officemembership"."user_id" = {gro.pk}' in s]
    locks = [s for s in sql if 'FROM "grievances_grievance"' in s and "FOR UPDATE" in s]
    assert (len(role_lookups), len(locks)) == (1, 1)
    assert Grievance.objects.get(pk=grievance.pk).assigned_to == officer


def test_sending_a_reply_stays_within_its_query_count(
    client, grievance, officer, django_assert_max_num_queries
):
    client.force_login(officer)
    url = reverse("grievances:officer-reply", args=[grievance.pk])

    with (
        mock.patch("grievances.services.replies.reply_deliver_task.delay"),
        django_assert_max_num_queries(REPLY_MAX_QUERIES),
    ):
        response = client.post(url, {"body": "আপনার অভিযোগ গ্রহণ করা হয়েছে।"})

    assert response.status_code == 302
    assert Reply.objects.filter(grievance=grievance).count() == 1
