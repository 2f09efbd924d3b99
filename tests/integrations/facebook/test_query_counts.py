"""Query-count guards: a regression that queries per comment fails here.

The limits are today's counts. Each is checked with a small and a large batch: the number of
queries does not grow with the number of comments.
"""

import hashlib

import pytest
from django.utils import timezone

from grievances.models import Grievance
from integrations.facebook.models import FacebookComment, WebhookDelivery
from integrations.facebook.services import (
    comments_ingest,
    observations_from_webhook,
    webhook_delivery_process,
)
from tests.integrations.facebook.factories import (
    CITIZEN,
    OTHER_CITIZEN,
    PAGE_ID,
    FacebookPageFactory,
    comment_value,
    meta_bytes,
    webhook_body,
)

pytestmark = pytest.mark.django_db

# Whatever the batch size: one query finds which of the batch's grievances are resolved (a
# citizen's reply may be feedback); the answers that joined a grievance tell its officer in 2
# more (the grievances, their offices' GROs). Triage adds 2 per batch: the office's set-aside
# setting and the suggestions' one INSERT.
DELIVERY_QUERIES = 29
INGEST_QUERIES = 22


@pytest.fixture
def page(office):
    return FacebookPageFactory(office=office)


def _thread(size: int) -> list[dict]:
    """`size` citizens' comments, each answered by its author, and one edit and one removal."""
    values = []
    for n in range(1, size + 1):
        author = CITIZEN if n % 2 else OTHER_CITIZEN
        values.append(comment_value(n, author=author))
        values.append(comment_value(1000 + n, author=author, parent=n))
    values.append(comment_value(1, verb="edited", message="রাস্তা এখনও ভাঙা"))
    values.append(comment_value(2, verb="remove"))
    return values


def _delivery(values: list[dict]) -> WebhookDelivery:
    body = meta_bytes(webhook_body(*values))
    return WebhookDelivery.objects.create(
        body=body,
        body_sha256=hashlib.sha256(body).hexdigest(),
        signature="sha256=test",
        received_at=timezone.now(),
    )


@pytest.mark.parametrize("size", [2, 40])
def test_processing_one_webhook_delivery(page, size, django_assert_max_num_queries):
    delivery = _delivery(_thread(size))

    with django_assert_max_num_queries(DELIVERY_QUERIES):
        result = webhook_delivery_process(delivery=delivery)

    assert result.grievances_created == size
    assert Grievance.objects.count() == size


@pytest.mark.parametrize("size", [2, 40])
def test_ingesting_one_batch(page, size, django_assert_max_num_queries):
    observations = observations_from_webhook(webhook_body(*_thread(size)))[PAGE_ID]

    with django_assert_max_num_queries(INGEST_QUERIES):
        result = comments_ingest(page=page, observations=observations)

    assert result.grievances_created == size
    assert FacebookComment.objects.filter(grievance__isnull=False).count() == 2 * size
