"""Every action taken through the API leaves the state the officer's page leaves.

Two identical grievances of one office; the same user does the same action on one through the
page and on the other through the API; the grievances, their events, replies and staff
notifications are then compared field by field (ids, codes and clock times aside)."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from grievances import services
from grievances.models import Category, Grievance, StaffNotification
from offices.models import OfficeRole
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory, district_office

pytestmark = pytest.mark.django_db


def _accept(g, gro):
    services.grievance_accept(grievance=g, actor=gro)


def _resolve(g, gro, days_ago=0):
    _accept(g, gro)
    services.grievance_resolve(
        grievance=Grievance.objects.get(pk=g.pk), actor=gro, outcome="action_taken", note="Done."
    )
    if days_ago:
        Grievance.objects.filter(pk=g.pk).update(
            resolved_at=timezone.now() - timedelta(days=days_ago)
        )


# api action → (page action or "reply", setup, body(world))
CASES = {
    "accept": ("accept", None, lambda w: {"note": "It is one."}),
    "assign": ("assign", None, lambda w: {"assignee": w["officer"].pk}),
    "transfer": ("transfer", None, lambda w: {"office": w["other"].pk, "reason": "Theirs."}),
    "categorise": (
        "categorise",
        None,
        lambda w: {"category": Category.objects.filter(is_active=True).last().pk},
    ),
    "prioritise": ("priority", None, lambda w: {"priority": "urgent"}),
    "note": ("note", None, lambda w: {"note": "Called the UNO."}),
    "not-a-grievance": ("not-grievance", None, lambda w: {"reason": "praise", "note": "Thanks"}),
    "duplicate": ("duplicate", None, lambda w: {"original": w["original"].tracking_code}),
    "reply": ("reply", _accept, lambda w: {"body": "We are on it.", "to_facebook": False}),
    "resolve": (
        "resolve",
        _accept,
        lambda w: {
            "outcome": "referred",
            "referred_to": "WASA",
            "note": "Call 01712345678 for news.",
            "confirm_privacy": True,
        },
    ),
    "reopen": ("reopen", _resolve, lambda w: {"note": "Not fixed."}),
    "close": (
        "close",
        lambda g, gro: _resolve(g, gro, days_ago=60),
        lambda w: {"note": "No answer in time."},
    ),
}


@pytest.fixture
def world():
    office, other = district_office("DHA"), district_office("CTG")
    gro = OfficeMembershipFactory(office=office, role=OfficeRole.GRO).user
    officer = OfficeMembershipFactory(office=office, role=OfficeRole.OFFICER).user
    return {
        "office": office,
        "other": other,
        "gro": gro,
        "officer": officer,
        "original": GrievanceFactory(office=office),
    }


def _form(body):
    return {k: ("on" if v is True else "" if v is False else v) for k, v in body.items()}


def _without(data, key):
    return {k: v for k, v in data.items() if k != key}


def _snapshot(pk):
    g = Grievance.objects.get(pk=pk)
    fields = {
        name: getattr(g, name)
        for name in (
            "status",
            "tier",
            "outcome",
            "outcome_note",
            "referred_to",
            "not_grievance_reason",
            "duplicate_of_id",
            "priority",
            "category_id",
            "assigned_to_id",
            "office_id",
            "escalation_level",
            "channel",
        )
    }
    for moment in ("accepted_at", "due_at", "resolved_at", "closed_at", "first_responded_at"):
        fields[f"{moment} set"] = getattr(g, moment) is not None
    events = [  # a reply's event names its reply: compared through the replies instead
        (
            *(e.kind, e.actor_id, e.from_status, e.to_status, e.from_office_id, e.to_office_id),
            *(e.note, e.is_public, json.dumps(_without(e.data, "reply_id"), sort_keys=True)),
        )
        for e in g.events.order_by("created_at", "pk")
    ]
    replies = [
        (r.body, r.to_facebook, r.to_citizen, r.state, r.author_id)
        for r in g.replies.order_by("pk")
    ]
    notes = sorted((n.user_id, n.kind) for n in StaffNotification.objects.filter(grievance_id=pk))
    return {"fields": fields, "events": events, "replies": replies, "notifications": notes}


@pytest.mark.parametrize("action", sorted(CASES))
def test_the_page_and_the_api_leave_the_same_state(client, world, action):
    page_action, setup, make_body = CASES[action]
    on_page, on_api = (GrievanceFactory(office=world["office"]) for _ in range(2))
    for grievance in (on_page, on_api):
        if setup:
            setup(grievance, world["gro"])
    before = _snapshot(on_page.pk)
    assert before == _snapshot(on_api.pk)
    body = make_body(world)

    client.force_login(world["gro"])
    if page_action == "reply":
        page_url = reverse("grievances:officer-reply", args=[on_page.pk])
    else:
        page_url = reverse("grievances:officer-action", args=[on_page.pk, page_action])
    page = client.post(page_url, _form(body))
    api = APIClient()
    api.force_login(world["gro"])
    answer = api.post(reverse(f"api:grievance-{action}", args=[on_api.pk]), body, format="json")

    assert page.status_code == 302, page.content[:500]
    assert answer.status_code == 200, answer.json()
    page_state, api_state = _snapshot(on_page.pk), _snapshot(on_api.pk)
    assert page_state == api_state
    assert page_state != before  # the action did something: not two untouched grievances


@pytest.mark.parametrize("action", ["resolve", "reply", "close"])
def test_both_refuse_personal_data_without_the_confirmation(client, world, action):
    page_action, setup, make_body = CASES[action]
    on_page, on_api = (GrievanceFactory(office=world["office"]) for _ in range(2))
    for grievance in (on_page, on_api):
        if setup:
            setup(grievance, world["gro"])
    text = "Call 01712345678 for news."
    body = {**make_body(world), ("body" if action == "reply" else "note"): text}
    body.pop("confirm_privacy", None)
    before = _snapshot(on_page.pk)

    client.force_login(world["gro"])
    url = (
        reverse("grievances:officer-reply", args=[on_page.pk])
        if action == "reply"
        else reverse("grievances:officer-action", args=[on_page.pk, page_action])
    )
    page = client.post(url, _form(body))
    api = APIClient()
    api.force_login(world["gro"])
    answer = api.post(reverse(f"api:grievance-{action}", args=[on_api.pk]), body, format="json")

    assert page.status_code == 200  # the page shows the form again with the finding
    assert answer.status_code == 400
    assert answer.json()["code"] == "privacy_confirmation_required"
    assert _snapshot(on_page.pk) == before == _snapshot(on_api.pk)


def test_retrying_a_failed_reply_leaves_the_same_state(client, world):
    from grievances.models import Reply, ReplyState

    on_page, on_api = (GrievanceFactory(office=world["office"]) for _ in range(2))
    replies = {}
    for grievance in (on_page, on_api):
        reply = services.reply_create(
            grievance=grievance, author=world["gro"], body="On it.", to_facebook=False
        )
        Reply.objects.filter(pk=reply.pk).update(state=ReplyState.FAILED, attempts=3)
        replies[grievance.pk] = reply.pk
    before = _snapshot(on_page.pk)

    client.force_login(world["gro"])
    page = client.post(
        reverse("grievances:officer-reply-retry", args=[on_page.pk, replies[on_page.pk]])
    )
    api = APIClient()
    api.force_login(world["gro"])
    answer = api.post(
        reverse("api:grievance-reply-retry", args=[on_api.pk, replies[on_api.pk]]),
        {},
        format="json",
    )

    assert page.status_code == 302
    assert answer.status_code == 200, answer.json()
    assert _snapshot(on_page.pk) == _snapshot(on_api.pk) != before
