"""A citizen's reply under the office's answer on Facebook is read as their feedback."""

import time

import pytest

from grievances.models import Feedback, FeedbackChannel, Grievance, GrievanceEvent, GrievanceStatus
from grievances.services import grievance_accept, grievance_resolve, reply_create
from integrations.facebook.services import comments_ingest, observations_from_webhook
from tests.integrations.facebook.factories import (
    OTHER_CITIZEN,
    PAGE_ID,
    FacebookPageFactory,
    comment_value,
    webhook_body,
)

pytestmark = pytest.mark.django_db
Kind = GrievanceEvent.Kind
S = GrievanceStatus


@pytest.fixture
def page(office):
    return FacebookPageFactory(office=office)


def deliver(page, *values):
    observations = observations_from_webhook(webhook_body(*values)).get(PAGE_ID, [])
    return comments_ingest(page=page, observations=observations)


def now_ts() -> int:
    return int(time.time())


@pytest.fixture
def resolved(page):
    deliver(page, comment_value(1, message="ড্রেনের ময়লা পরিষ্কার হয় না"))
    grievance = Grievance.objects.get()
    grievance_accept(grievance=grievance, actor=None)
    return grievance_resolve(
        grievance=grievance, actor=None, outcome="action_taken", note="ড্রেন পরিষ্কার করা হয়েছে।"
    )


def answer(page, text, n=5, *, author=None, created_time=None):
    kwargs = {"author": author} if author else {}
    deliver(
        page,
        comment_value(
            n, parent=1, message=text, created_time=(created_time or now_ts() + 60) - n, **kwargs
        ),
    )


def test_a_hoy_nai_reply_after_resolution_reopens_the_grievance(page, resolved):
    answer(page, "hoy nai")

    grievance = Grievance.objects.get()
    assert grievance.status == S.IN_PROGRESS
    feedback = Feedback.objects.get()
    assert (feedback.is_fixed, feedback.rating) == (False, None)
    assert feedback.channel == FeedbackChannel.FACEBOOK
    assert feedback.comment == "hoy nai"
    event = grievance.events.get(kind=Kind.FEEDBACK)
    assert event.data["channel"] == "facebook"
    assert event.data["next_step"] == "reopen"
    assert grievance.events.filter(kind=Kind.STATUS_CHANGED, data__reopened=True).exists()


def test_a_thik_hoyeche_reply_closes_the_grievance(page, resolved):
    answer(page, "ঠিক হয়েছে, ধন্যবাদ")

    grievance = Grievance.objects.get()
    assert grievance.status == S.CLOSED
    assert Feedback.objects.get().is_fixed is True


def test_an_unclear_reply_is_shown_to_the_officer_and_changes_nothing(page, resolved):
    answer(page, "কবে ঠিক হবে?")

    grievance = Grievance.objects.get()
    assert grievance.status == S.RESOLVED
    assert not Feedback.objects.exists()
    note = grievance.events.get(kind=Kind.NOTE)
    assert note.data["facebook_feedback"] == "unclear"
    assert note.is_public is False
    # The citizen's words themselves are in the timeline as their message.
    assert grievance.events.get(kind=Kind.SOURCE_MESSAGE).note == "কবে ঠিক হবে?"


def test_a_later_clear_answer_counts_after_an_unclear_one(page, resolved):
    answer(page, "ভাই?", n=5)
    answer(page, "না, এখনো হয়নি", n=6)

    assert Grievance.objects.get().status == S.IN_PROGRESS
    assert Feedback.objects.count() == 1


def test_the_same_reply_delivered_twice_is_read_once(page, resolved):
    answer(page, "hoy nai")
    answer(page, "hoy nai")

    assert Feedback.objects.count() == 1
    assert Grievance.objects.get().status == S.IN_PROGRESS


def test_a_reply_written_before_the_resolution_is_not_feedback(page, resolved):
    answer(page, "না", created_time=now_ts() - 3600)

    assert Grievance.objects.get().status == S.RESOLVED
    assert not Feedback.objects.exists()


def test_a_reply_while_the_grievance_is_open_is_only_a_message(page):
    deliver(page, comment_value(1))
    answer(page, "hoy nai")

    grievance = Grievance.objects.get()
    assert grievance.status == S.NEW
    assert not Feedback.objects.exists()
    assert not grievance.events.filter(kind=Kind.NOTE).exists()


def test_someone_elses_reply_is_not_the_citizens_feedback(page, resolved):
    answer(page, "hoy nai", author=OTHER_CITIZEN)

    assert Grievance.objects.get().status == S.RESOLVED
    assert not Feedback.objects.exists()


def test_the_public_reply_on_a_resolved_facebook_grievance_asks_whether_it_was_fixed(resolved, gro):
    reply = reply_create(grievance=resolved, author=gro, body="কাজ শেষ।", to_facebook=True)

    assert reply.body.startswith("কাজ শেষ।")
    assert "হ্যাঁ, ঠিক হয়েছে" in reply.body


def test_a_reply_before_resolution_asks_nothing(page, gro):
    deliver(page, comment_value(1))
    grievance = Grievance.objects.get()

    reply = reply_create(grievance=grievance, author=gro, body="দেখছি।", to_facebook=True)

    assert reply.body == "দেখছি।"


def test_hoy_nai_under_the_offices_answer_on_the_fake_server_reopens_the_grievance(
    office, gro, fake_graph, fake_server, settings, django_capture_on_commit_callbacks
):
    """The acceptance walk, without a browser: the office's answer goes under the comment on
    the fake Graph server, the citizen answers "hoy nai" under it, the grievance reopens."""
    from datetime import UTC, datetime, timedelta

    from integrations.facebook.services import observation_from_comment
    from tests.integrations.facebook.conftest import CITIZEN, T0

    settings.FACEBOOK_GRAPH_URL = f"{fake_server.base_url}/"
    settings.FACEBOOK_GRAPH_TIMEOUT = 2.0
    page = FacebookPageFactory(office=office)
    post = fake_graph.add_post(PAGE_ID, message="নোটিশ", created_time=T0)
    complaint = fake_graph.add_comment(
        post, message="ড্রেন বন্ধ", from_id=CITIZEN[0], from_name=CITIZEN[1], created_time=T0
    )

    def ingest(comment_id):
        seen = observation_from_comment(
            fake_graph.comment_get(comment_id), seen_at=datetime.now(UTC)
        )
        comments_ingest(page=page, observations=[seen])

    ingest(complaint)
    grievance = Grievance.objects.get()
    grievance_accept(grievance=grievance, actor=gro)
    grievance_resolve(grievance=grievance, actor=gro, outcome="action_taken", note="পরিষ্কার।")
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_create(grievance=grievance, author=gro, body="ড্রেন পরিষ্কার।", to_facebook=True)
    reply.refresh_from_db()
    assert reply.state == "sent"
    ours = fake_graph.state.comments[reply.external_id]
    assert "হ্যাঁ, ঠিক হয়েছে" in ours.message

    fake_graph.state.clock.freeze(datetime.now(UTC) + timedelta(minutes=5))
    answer_id = fake_graph.add_comment(
        reply.external_id, message="hoy nai", from_id=CITIZEN[0], from_name=CITIZEN[1]
    )
    ingest(answer_id)

    grievance.refresh_from_db()
    assert grievance.status == S.IN_PROGRESS
    assert Feedback.objects.get().channel == FeedbackChannel.FACEBOOK
