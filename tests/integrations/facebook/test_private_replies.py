"""The private link by Messenger: one private reply per comment that became a grievance."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from grievances.models import Grievance
from grievances.services import grievance_issue_facebook_link
from grievances.tracking import access_key_matches
from integrations.facebook.models import FacebookPrivateReply, PrivateReplyState
from integrations.facebook.services import (
    comments_ingest,
    observation_from_comment,
    observation_from_post,
    private_replies_requeue,
    private_reply_deliver,
)
from tests.grievances.factories import GrievanceFactory
from tests.integrations.facebook.conftest import CITIZEN, PAGE_ID, T0
from tests.integrations.facebook.factories import FacebookPageFactory

pytestmark = pytest.mark.django_db
MESSAGING = {
    "granted_scopes": ["pages_read_engagement", "pages_messaging"],
    "tasks": ["MODERATE", "MESSAGING"],
}


class RecordingGraph:
    """The fake Graph, remembering the private replies it was asked to send."""

    def __init__(self, inner):
        self.inner = inner
        self.sent: list[tuple[str, str, str]] = []

    def private_reply(self, page_id, comment_id, message):
        self.sent.append((page_id, comment_id, message))
        return self.inner.private_reply(page_id, comment_id, message)


@pytest.fixture
def messaging_page(office):
    return FacebookPageFactory(office=office, **MESSAGING)


def citizen_comment(fake_graph, *, written=None) -> str:
    post = fake_graph.add_post(PAGE_ID, message="নোটিশ", created_time=T0)
    return fake_graph.add_comment(
        post,
        message="রাস্তার বাতি নষ্ট",
        from_id=CITIZEN[0],
        from_name=CITIZEN[1],
        created_time=written or T0 + timedelta(hours=1),
    )


def ingest_from_fake(page, fake_graph, comment_id):
    comment = fake_graph.comment_get(comment_id)
    observation = observation_from_comment(comment, seen_at=datetime.now(UTC))
    return comments_ingest(page=page, observations=[observation])


def link_in(message: str) -> tuple[str, str]:
    url = next(word for word in message.split() if "://" in word)
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query)["key"][0]


def test_a_new_facebook_grievance_gets_its_private_link_on_the_fake_server(
    messaging_page, fake_graph, fake_server, settings, django_capture_on_commit_callbacks
):
    settings.FACEBOOK_GRAPH_URL = f"{fake_server.base_url}/"
    settings.FACEBOOK_GRAPH_TIMEOUT = 2.0
    comment_id = citizen_comment(fake_graph)

    # The task runs after commit, over HTTP to the fake Graph server (POST /{page}/messages).
    with django_capture_on_commit_callbacks(execute=True):
        ingest_from_fake(messaging_page, fake_graph, comment_id)

    row = FacebookPrivateReply.objects.get()
    assert row.state == PrivateReplyState.SENT
    assert row.message_id == fake_graph.state.private_replies[comment_id]["message_id"]
    assert row.comment.graph_id == comment_id
    assert row.sent_at is not None


def test_the_message_carries_a_working_private_key_stored_only_as_a_hash(
    messaging_page, fake_graph, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://shunani.example.gov.bd"
    comment_id = citizen_comment(fake_graph)
    with django_capture_on_commit_callbacks(execute=False):
        ingest_from_fake(messaging_page, fake_graph, comment_id)
    graph = RecordingGraph(fake_graph)

    private_reply_deliver(private_reply_id=FacebookPrivateReply.objects.get().pk, graph=graph)

    grievance = Grievance.objects.get()
    [(page_id, to_comment, message)] = graph.sent
    assert (page_id, to_comment) == (PAGE_ID, comment_id)
    assert grievance.tracking_code in message
    assert "https://shunani.example.gov.bd/" in message
    path, key = link_in(message)
    assert path.endswith(f"/{grievance.tracking_code}/")
    assert key not in grievance.access_key_hash
    assert access_key_matches(key=key, key_hash=grievance.access_key_hash)


def test_exactly_one_private_reply_per_comment(
    messaging_page, fake_graph, django_capture_on_commit_callbacks
):
    comment_id = citizen_comment(fake_graph)
    with django_capture_on_commit_callbacks(execute=False):
        ingest_from_fake(messaging_page, fake_graph, comment_id)
        ingest_from_fake(messaging_page, fake_graph, comment_id)  # seen again by a poll
    graph = RecordingGraph(fake_graph)
    row = FacebookPrivateReply.objects.get()

    private_reply_deliver(private_reply_id=row.pk, graph=graph)
    private_reply_deliver(private_reply_id=row.pk, graph=graph)  # the task delivered twice

    assert len(graph.sent) == 1
    row.refresh_from_db()
    assert row.state == PrivateReplyState.SENT


def test_no_private_reply_without_the_messaging_permission(office, fake_graph):
    page = FacebookPageFactory(office=office)  # connected with a pasted token: nothing known
    comment_id = citizen_comment(fake_graph)

    ingest_from_fake(page, fake_graph, comment_id)

    assert Grievance.objects.count() == 1
    assert not FacebookPrivateReply.objects.exists()


def test_no_private_reply_after_facebooks_seven_days(messaging_page, fake_graph):
    comment_id = citizen_comment(fake_graph, written=datetime.now(UTC) - timedelta(days=8))

    ingest_from_fake(messaging_page, fake_graph, comment_id)

    assert Grievance.objects.count() == 1
    assert not FacebookPrivateReply.objects.exists()


def test_facebooks_refusal_is_recorded_and_not_retried(
    messaging_page, fake_graph, django_capture_on_commit_callbacks
):
    comment_id = citizen_comment(fake_graph)
    fake_graph.private_reply(PAGE_ID, comment_id, "someone else already wrote")  # F42
    with django_capture_on_commit_callbacks(execute=False):
        ingest_from_fake(messaging_page, fake_graph, comment_id)
    row = FacebookPrivateReply.objects.get()

    private_reply_deliver(private_reply_id=row.pk, graph=fake_graph)
    private_reply_deliver(private_reply_id=row.pk, graph=fake_graph)

    row.refresh_from_db()
    assert row.state == PrivateReplyState.FAILED
    assert "10900" in row.error


def test_a_private_reply_left_sending_is_never_sent_again(
    messaging_page, fake_graph, django_capture_on_commit_callbacks
):
    comment_id = citizen_comment(fake_graph)
    with django_capture_on_commit_callbacks(execute=False):
        ingest_from_fake(messaging_page, fake_graph, comment_id)
    row = FacebookPrivateReply.objects.get()
    row.state = PrivateReplyState.SENDING  # a worker died after the POST
    row.save()
    graph = RecordingGraph(fake_graph)

    private_reply_deliver(private_reply_id=row.pk, graph=graph)

    row.refresh_from_db()
    assert graph.sent == []
    assert row.state == PrivateReplyState.FAILED
    assert row.error


def test_a_link_is_issued_only_for_a_facebook_grievance(office):
    grievance = GrievanceFactory(office=office, channel="web")
    before = grievance.access_key_hash

    with pytest.raises(ApplicationError):
        grievance_issue_facebook_link(grievance_id=grievance.pk)

    grievance.refresh_from_db()
    assert grievance.access_key_hash == before


def test_the_sweeper_sends_a_private_link_whose_task_was_lost(
    messaging_page, fake_graph, fake_server, settings, django_capture_on_commit_callbacks
):
    settings.FACEBOOK_GRAPH_URL = f"{fake_server.base_url}/"
    settings.FACEBOOK_GRAPH_TIMEOUT = 2.0
    comment_id = citizen_comment(fake_graph)
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost the task
        ingest_from_fake(messaging_page, fake_graph, comment_id)
    FacebookPrivateReply.objects.update(updated_at=datetime.now(UTC) - timedelta(minutes=10))

    with django_capture_on_commit_callbacks(execute=True):
        queued = private_replies_requeue()

    assert queued == 1
    assert FacebookPrivateReply.objects.get().state == PrivateReplyState.SENT
    assert comment_id in fake_graph.state.private_replies


def test_the_admin_lists_private_replies_with_their_errors(
    admin_client, messaging_page, fake_graph, django_capture_on_commit_callbacks
):
    comment_id = citizen_comment(fake_graph)
    fake_graph.private_reply(PAGE_ID, comment_id, "first")
    with django_capture_on_commit_callbacks(execute=False):
        ingest_from_fake(messaging_page, fake_graph, comment_id)
    private_reply_deliver(private_reply_id=FacebookPrivateReply.objects.get().pk, graph=fake_graph)

    page = admin_client.get(reverse("admin:facebook_facebookprivatereply_changelist"))

    assert page.status_code == 200
    assert "10900" in page.content.decode()


def test_a_visitor_post_gets_no_private_reply(messaging_page, fake_graph):
    post_id = fake_graph.add_post(
        PAGE_ID,
        message="ইউনিয়ন পরিষদে সেবা পাচ্ছি না",
        from_id=CITIZEN[0],
        from_name=CITIZEN[1],
        created_time=T0,
    )
    observation = observation_from_post(fake_graph.post_get(post_id), seen_at=datetime.now(UTC))

    comments_ingest(page=messaging_page, observations=[observation])

    assert Grievance.objects.get().channel == "facebook_post"
    assert not FacebookPrivateReply.objects.exists()
