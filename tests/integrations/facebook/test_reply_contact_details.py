"""The "never post contact details" check asks the one detector (core/pii.py)."""

import pytest
from django.utils import translation

from grievances.models import Reply, ReplyState
from integrations.facebook.services import reply_deliver
from tests.integrations.facebook.conftest import PAGE_ID

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("replies_over_http")]


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
