from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone, translation

from grievances.models import Reply, ReplyState
from grievances.reply_channels import FACEBOOK, reply_channel
from integrations.facebook.graph import GraphTransientError
from integrations.facebook.models import FacebookComment, FacebookPage, FacebookPageState
from integrations.facebook.services import replies_may_attempt_now, reply_deliver
from tests.integrations.facebook.conftest import PAGE_ID, PAGE_TOKEN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("replies_over_http")]
BODY = "আপনার অভিযোগটি বিদ্যুৎ বিভাগে পাঠানো হয়েছে।"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; Bangla is checked in test_replies.py."""
    with translation.override("en"):
        yield


def make_reply(comment, body=BODY):
    return Reply.objects.create(grievance=comment.grievance, body=body, to_facebook=True)


def later(reply, by=timedelta(minutes=10)):
    """Let the attempt's lease and waits run out, as if the worker died or time passed."""
    Reply.objects.filter(pk=reply.pk).update(
        updated_at=F("updated_at") - by, next_attempt_at=F("next_attempt_at") - by
    )
    FacebookPage.objects.update(
        paused_until=F("paused_until") - by, writes_paused_until=F("writes_paused_until") - by
    )


def page_replies(fake_graph, comment):
    return [c for c in fake_graph.replies_by_page(PAGE_ID) if c.parent_id == comment.graph_id]


def test_a_reply_is_posted_under_the_citizens_comment(comment, fake_graph):
    reply = make_reply(comment)

    reply_deliver(reply=reply)

    reply.refresh_from_db()
    posted = page_replies(fake_graph, comment)
    assert [p.message for p in posted] == [BODY]
    assert reply.state == ReplyState.SENT
    assert reply.external_id == posted[0].id
    assert reply.attempts == 1
    assert reply.sent_at is not None


def test_delivering_a_sent_reply_again_posts_nothing(comment, fake_graph):
    reply = make_reply(comment)
    reply_deliver(reply=reply)

    reply_deliver(reply=reply)

    assert len(page_replies(fake_graph, comment)) == 1


@pytest.mark.parametrize("mode", ["500", "reset", "timeout"])
def test_a_lost_response_is_found_before_retrying_so_exactly_one_reply_exists(
    comment, fake_graph, fault, mode
):
    fault("commit_then_drop", method="POST", path="comments", params={"mode": mode, "delay": 1.5})
    reply = make_reply(comment)

    reply_deliver(reply=reply)
    reply.refresh_from_db()
    assert reply.state == ReplyState.SENDING
    assert reply.last_error
    later(reply)
    reply_deliver(reply=reply)

    reply.refresh_from_db()
    posted = page_replies(fake_graph, comment)
    assert len(posted) == 1
    assert reply.state == ReplyState.SENT
    assert reply.external_id == posted[0].id


def test_a_failure_before_posting_is_retried_and_posts_once(comment, fake_graph, fault):
    fault("transient_500", method="POST", path="comments")
    reply = make_reply(comment)

    reply_deliver(reply=reply)
    later(reply)
    reply_deliver(reply=reply)

    reply.refresh_from_db()
    assert len(page_replies(fake_graph, comment)) == 1
    assert reply.state == ReplyState.SENT
    assert reply.attempts == 2


def test_a_deleted_comment_fails_the_reply_with_a_reason_a_person_can_read(comment, fake_graph):
    fake_graph.delete_comment(comment.graph_id, notify=False)
    reply = make_reply(comment)

    reply_deliver(reply=reply)

    reply.refresh_from_db()
    assert reply.state == ReplyState.FAILED
    assert "removed from Facebook" in reply.last_error
    assert FacebookComment.objects.get(pk=comment.pk).is_removed


def test_a_reply_with_a_phone_number_is_never_posted(comment, fake_graph):
    reply = make_reply(comment, body="ফোন করুন 01711223344")

    reply_deliver(reply=reply)

    reply.refresh_from_db()
    assert reply.state == ReplyState.FAILED
    assert "phone number" in reply.last_error
    assert page_replies(fake_graph, comment) == []


def test_a_reply_with_the_citizens_email_is_never_posted(comment, fake_graph):
    reply = make_reply(comment, body="লিখুন rahim@example.com")

    reply_deliver(reply=reply)

    assert Reply.objects.get(pk=reply.pk).state == ReplyState.FAILED
    assert page_replies(fake_graph, comment) == []


def test_a_dead_token_fails_the_reply_and_flags_the_page(
    comment, fake_graph, django_capture_on_commit_callbacks
):
    fake_graph.revoke_token(PAGE_TOKEN, subcode=463)
    reply = make_reply(comment)

    with django_capture_on_commit_callbacks(execute=True):
        reply_deliver(reply=reply)

    reply.refresh_from_db()
    assert reply.state == ReplyState.FAILED
    assert "connected again" in reply.last_error
    assert FacebookPage.objects.get().state == FacebookPageState.NEEDS_REAUTH


def test_the_facebook_app_registers_its_reply_delivery_with_grievances():
    channel = reply_channel(FACEBOOK)

    assert channel is not None
    assert channel.deliver is reply_deliver
    assert channel.may_attempt_now is replies_may_attempt_now


class _SlowToShow:
    """The in-memory adapter, but the POST's answer is lost and the reply shows up late (F39)."""

    def __init__(self, graph):
        self.graph = graph

    def __getattr__(self, name):
        return getattr(self.graph, name)

    def comment_reply(self, comment_id, message):
        posted = self.graph.comment_reply(comment_id, message)
        clock = self.graph.state.clock
        self.graph.state.comments[posted.id].visible_from = clock.now() + timedelta(hours=1)
        raise GraphTransientError("timed out", code=None)


def test_a_reply_not_yet_visible_is_not_sent_again_before_the_check_delay(
    comment, fake_graph, settings
):
    settings.FACEBOOK_REPLY_CHECK_DELAY_SECONDS = 3600
    graph = _SlowToShow(fake_graph.with_token(PAGE_TOKEN))
    reply = make_reply(comment)

    reply_deliver(reply=reply, graph=graph)
    later(reply)
    reply_deliver(reply=reply, graph=graph)

    reply.refresh_from_db()
    assert len(page_replies(fake_graph, comment)) == 1
    assert reply.state == ReplyState.SENDING


def test_errors_are_in_bangla_by_default(comment, fake_graph):
    reply = make_reply(comment, body="ফোন করুন 01711223344")

    with translation.override("bn"):
        reply_deliver(reply=reply)

    assert "ফোন নম্বর" in Reply.objects.get(pk=reply.pk).last_error


def test_a_throttled_duplicate_check_keeps_the_reply_sending_so_it_is_never_posted_twice(
    comment, fake_graph, fault
):
    fault("commit_then_drop", method="POST", path="comments", params={"mode": "500"})
    reply = make_reply(comment)
    reply_deliver(reply=reply)  # posted on Facebook, answer lost
    fault("user_limit", method="GET", path="comments")
    later(reply)

    reply_deliver(reply=reply)  # the look for it is throttled
    reply.refresh_from_db()
    assert reply.state == ReplyState.SENDING
    later(reply)
    reply_deliver(reply=reply)

    reply.refresh_from_db()
    posted = page_replies(fake_graph, comment)
    assert len(posted) == 1
    assert (reply.state, reply.external_id) == (ReplyState.SENT, posted[0].id)


def test_a_policy_block_holds_the_pages_replies_without_using_up_attempts(
    comment, fake_graph, fault
):
    fault("policy_block", method="POST", path="comments")
    reply = make_reply(comment)

    reply_deliver(reply=reply)
    later(reply)
    reply_deliver(reply=reply)  # the sweeper or a retry comes back while the block lasts

    reply.refresh_from_db()
    page = FacebookPage.objects.get(page_id=PAGE_ID)
    assert page.writes_paused_until > timezone.now()
    assert (reply.state, reply.attempts) == (ReplyState.QUEUED, 0)
    assert reply.next_attempt_at == page.writes_paused_until
    assert page_replies(fake_graph, comment) == []
