"""The "never post contact details" check asks the one detector (core/pii.py)."""

import pytest
from django.utils import translation

from grievances.models import Reply, ReplyState
from integrations.facebook.models import FacebookComment
from integrations.facebook.services import page_sync, reply_deliver
from tests.integrations.facebook.conftest import CITIZEN, PAGE_ID, PAGE_TOKEN, T0
from tests.integrations.facebook.factories import FacebookPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _graph_over_http(settings, fake_server):
    settings.FACEBOOK_GRAPH_URL = f"{fake_server.base_url}/"
    settings.FACEBOOK_GRAPH_TIMEOUT = 1.0
    settings.FACEBOOK_REPLY_CHECK_DELAY_SECONDS = 0


@pytest.fixture
def comment(office, fake_graph):
    page = FacebookPageFactory(office=office, page_id=PAGE_ID, token=PAGE_TOKEN)
    post = fake_graph.add_post(PAGE_ID, message="নোটিশ", created_time=T0)
    comment_id = fake_graph.add_comment(
        post, message="রাস্তার বাতি নষ্ট", from_id=CITIZEN[0], created_time=T0
    )
    page_sync(page=page, graph=fake_graph.with_token(PAGE_TOKEN))
    fake_graph.state.clock.unfreeze()
    return FacebookComment.objects.select_related("grievance").get(graph_id=comment_id)


def _posted(fake_graph, comment):
    return [c for c in fake_graph.replies_by_page(PAGE_ID) if c.parent_id == comment.graph_id]


@pytest.mark.parametrize(
    "number", ["01711-234567", "01711 234 567", "+880 1711 234567", "০১৭১১ ২৩৪ ৫৬৭"]
)
def test_a_reply_with_a_phone_number_written_with_separators_is_never_posted(
    comment, fake_graph, number
):
    reply = Reply.objects.create(
        grievance=comment.grievance, body=f"ফোন করুন {number} নম্বরে", to_facebook=True
    )

    with translation.override("en"):
        reply_deliver(reply=reply)

    reply.refresh_from_db()
    assert reply.state == ReplyState.FAILED
    assert "phone number" in reply.last_error
    assert _posted(fake_graph, comment) == []


def test_a_reply_with_a_date_and_a_tracking_code_is_posted(comment, fake_graph):
    code = comment.grievance.tracking_code
    reply = Reply.objects.create(
        grievance=comment.grievance,
        body=f"২০২৬-১১-২৬ তারিখে শুনানি। কোড {code}। জরিমানা ৳ ৫,০০০।",
        to_facebook=True,
    )

    reply_deliver(reply=reply)

    assert Reply.objects.get(pk=reply.pk).state == ReplyState.SENT
    assert len(_posted(fake_graph, comment)) == 1
