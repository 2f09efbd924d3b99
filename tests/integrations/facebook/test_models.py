import base64
import hashlib
import hmac
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from grievances.models import Grievance
from integrations.facebook.models import FacebookComment, FacebookPage, FacebookPageState
from integrations.facebook.selectors import (
    facebook_permalink,
    facebook_source_for_grievance,
    facebook_thread_for_grievance,
    page_list_needing_attention,
)
from integrations.facebook.services import comments_ingest, observations_from_webhook
from tests.integrations.facebook.factories import (
    CITIZEN,
    PAGE_ID,
    FacebookPageFactory,
    comment_id,
    comment_value,
    webhook_body,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(office):
    return FacebookPageFactory(office=office)


def test_a_paused_page_must_say_until_when(page):
    with pytest.raises(IntegrityError), transaction.atomic():
        FacebookPage.objects.filter(pk=page.pk).update(state=FacebookPageState.PAUSED)


def test_an_unknown_state_is_refused_by_the_database(page):
    with pytest.raises(IntegrityError), transaction.atomic():
        FacebookPage.objects.filter(pk=page.pk).update(state="sleeping")


def test_graph_ids_are_unique(page):
    FacebookComment.objects.create(page=page, graph_id="1_2")

    with pytest.raises(IntegrityError), transaction.atomic():
        FacebookComment.objects.create(page=page, graph_id="1_2")


def test_syncable_pages_are_active_ones_and_those_whose_pause_ran_out(office, other_office):
    active = FacebookPageFactory(office=office, page_id="1")
    FacebookPageFactory(office=office, page_id="2")
    FacebookPageFactory(office=other_office, page_id="3")
    FacebookPage.objects.filter(page_id="2").update(
        state=FacebookPageState.PAUSED, paused_until=timezone.now() + timedelta(minutes=5)
    )
    FacebookPage.objects.filter(page_id="3").update(state=FacebookPageState.NEEDS_REAUTH)

    assert list(FacebookPage.objects.syncable()) == [active]

    FacebookPage.objects.filter(page_id="2").update(paused_until=timezone.now())
    assert FacebookPage.objects.syncable().count() == 2


def test_pages_needing_attention_are_the_unhealthy_ones(office):
    FacebookPageFactory(office=office, page_id="1")
    erring = FacebookPageFactory(office=office, page_id="2")
    FacebookPage.objects.filter(pk=erring.pk).update(last_error="Facebook answered: down")

    assert list(page_list_needing_attention()) == [erring]


def test_a_grievance_knows_its_facebook_source_and_thread(page):
    body = webhook_body(comment_value(1), comment_value(2, parent=1, message="আবারও"))
    comments_ingest(page=page, observations=observations_from_webhook(body)[PAGE_ID])
    grievance = Grievance.objects.get()

    assert facebook_source_for_grievance(grievance=grievance).graph_id == comment_id(1)
    assert [c.graph_id for c in facebook_thread_for_grievance(grievance=grievance)] == [
        comment_id(1),
        comment_id(2),
    ]


def _signed_request(payload: dict, secret: str = "test-app-secret") -> str:  # noqa: S107
    """Signed like Meta; issued now unless `payload` says otherwise."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    issued_at = int(timezone.now().timestamp())
    body = b64(json.dumps({"algorithm": "HMAC-SHA256", "issued_at": issued_at, **payload}).encode())
    signature = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{b64(signature)}.{body}"


def test_the_data_deletion_callback_forgets_the_author(client, page, settings):
    settings.SITE_URL = "https://shunani.example.gov.bd"
    body = webhook_body(comment_value(1))
    comments_ingest(page=page, observations=observations_from_webhook(body)[PAGE_ID])

    response = client.post(
        "/integrations/facebook/data-deletion/",
        {"signed_request": _signed_request({"user_id": CITIZEN[0]})},
    )

    assert response.status_code == 200
    answer = response.json()
    assert answer["confirmation_code"]
    assert answer["url"].startswith("https://shunani.example.gov.bd/")  # SITE_URL, not Host
    assert client.get(answer["url"]).status_code == 200
    row = FacebookComment.objects.get()
    assert (row.author_id, row.author_name) == ("", "")
    assert "from" not in row.raw
    assert row.grievance.citizen_name == ""


def test_a_forged_data_deletion_request_changes_nothing(client, page):
    body = webhook_body(comment_value(1))
    comments_ingest(page=page, observations=observations_from_webhook(body)[PAGE_ID])

    response = client.post(
        "/integrations/facebook/data-deletion/",
        {"signed_request": _signed_request({"user_id": CITIZEN[0]}, secret="not-ours")},
    )

    assert response.status_code == 400
    assert FacebookComment.objects.get().author_id == CITIZEN[0]


@pytest.mark.parametrize(
    "issued_at",
    [
        lambda now: int((now - timedelta(days=1, minutes=1)).timestamp()),  # a replay
        lambda now: int((now + timedelta(hours=1)).timestamp()),  # from the future
        lambda now: None,  # not said
        lambda now: str(int(now.timestamp())),  # not a number
    ],
    ids=["older-than-a-day", "an-hour-ahead", "missing", "a-string"],
)
def test_a_signed_data_deletion_request_not_issued_recently_changes_nothing(
    client, page, issued_at
):
    body = webhook_body(comment_value(1))
    comments_ingest(page=page, observations=observations_from_webhook(body)[PAGE_ID])

    response = client.post(
        "/integrations/facebook/data-deletion/",
        {
            "signed_request": _signed_request(
                {"user_id": CITIZEN[0], "issued_at": issued_at(timezone.now())}
            )
        },
    )

    assert response.status_code == 400
    assert FacebookComment.objects.get().author_id == CITIZEN[0]


def test_a_data_deletion_request_issued_a_moment_ahead_of_our_clock_is_accepted(client, page):
    ahead = int((timezone.now() + timedelta(minutes=2)).timestamp())

    response = client.post(
        "/integrations/facebook/data-deletion/",
        {"signed_request": _signed_request({"user_id": CITIZEN[0], "issued_at": ahead})},
    )

    assert response.status_code == 200


def test_the_data_deletion_signature_is_compared_in_constant_time(client, page):
    signed = _signed_request({"user_id": CITIZEN[0]}, secret="not-ours")

    with mock.patch(
        "integrations.facebook.graph_http.hmac.compare_digest", wraps=hmac.compare_digest
    ) as compare:
        response = client.post("/integrations/facebook/data-deletion/", {"signed_request": signed})

    assert response.status_code == 400
    compare.assert_called_once()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://www.facebook.com/104510000000001/posts/1?comment_id=2", True),
        ("https://m.facebook.com/story.php?id=1", True),
        ("javascript:alert(1)", False),
        ("http://www.facebook.com/insecure", False),
        ("https://facebook.com.evil.example/phish", False),
        ("https://evilfacebook.com/x", False),
        (None, False),
    ],
)
def test_only_https_facebook_permalinks_are_ever_linked(url, shown):
    comment = FacebookComment(graph_id="1_2", raw={"permalink_url": url} if url else {})

    assert (facebook_permalink(comment=comment) == url) is shown
