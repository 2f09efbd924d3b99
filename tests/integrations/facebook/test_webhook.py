import hashlib
import json
import logging
import threading
from unittest import mock

import kombu.exceptions
import pytest
from django.db import connection
from django.urls import reverse

from grievances.models import Grievance
from integrations.facebook.models import FacebookComment, WebhookDelivery
from integrations.facebook.services import webhook_delivery_store
from integrations.facebook.services.webhooks import MAX_ATTEMPTS
from integrations.facebook.tasks import facebook_webhook_process_task, facebook_webhook_sweep_task
from integrations.facebook.views import MAX_BODY_BYTES
from tests.integrations.facebook.factories import (
    FacebookPageFactory,
    comment_value,
    meta_bytes,
    sign,
    webhook_body,
)

pytestmark = pytest.mark.django_db
URL = "/integrations/facebook/webhook/"


@pytest.fixture
def page(office):
    return FacebookPageFactory(office=office)


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST like Meta, then run what the view queued after commit (the processing task)."""

    def send(body: bytes, signature: str | None):
        headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data=body, content_type="application/json", **headers)

    return send


def test_url_is_the_documented_one():
    assert reverse("facebook:webhook") == URL


def test_handshake_echoes_the_challenge_as_plain_text(client):
    response = client.get(
        URL,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "test-verify-token",
            "hub.challenge": "1158201444",
        },
    )

    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


def test_handshake_with_the_wrong_token_is_refused(client):
    response = client.get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"}
    )

    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_handshake_is_refused_when_no_verify_token_is_configured(client, settings):
    settings.FACEBOOK_WEBHOOK_VERIFY_TOKEN = ""

    response = client.get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    )

    assert response.status_code == 403


def test_valid_delivery_is_stored_acknowledged_and_processed_after_commit(
    client, page, django_capture_on_commit_callbacks
):
    body = meta_bytes(webhook_body(comment_value(1)))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            URL, data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sign(body)
        )

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert bytes(delivery.body) == body
    assert delivery.processed_at is None
    # Nothing ingested inside the request: only after commit, by the task.
    assert not FacebookComment.objects.exists()
    assert len(callbacks) == 1

    callbacks[0]()

    delivery.refresh_from_db()
    assert delivery.processed_at is not None
    assert Grievance.objects.filter(channel="facebook_comment").count() == 1


def test_the_request_makes_no_graph_call_and_no_grievance(client, page):
    body = meta_bytes(webhook_body(comment_value(1)))

    with mock.patch("integrations.facebook.services.pages.graph_api_with_token") as graph:
        response = client.post(
            URL, data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sign(body)
        )

    assert response.status_code == 200
    graph.assert_not_called()
    assert not Grievance.objects.exists()


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=",
        "sha256=" + "0" * 64,
        "sha1=0123456789abcdef0123456789abcdef01234567",
    ],
    ids=["missing", "empty", "no-digest", "wrong-digest", "sha1-only"],
)
def test_bad_or_missing_signature_is_rejected_logged_and_nothing_stored(
    post, page, signature, caplog
):
    body = meta_bytes(webhook_body(comment_value(1, message="আমার নম্বর 01711111111")))

    with caplog.at_level(logging.WARNING):
        response = post(body, signature)

    assert response.status_code == 403
    assert not WebhookDelivery.objects.exists()
    assert "facebook webhook rejected" in caplog.text
    assert "01711111111" not in caplog.text
    assert "comment" not in caplog.text  # no body in the log


def test_signature_made_with_another_secret_is_rejected(post, page):
    body = meta_bytes(webhook_body(comment_value(1)))

    response = post(body, sign(body, secret="another-secret"))

    assert response.status_code == 403
    assert not WebhookDelivery.objects.exists()


def test_reserialised_body_with_the_same_json_is_rejected(post, page):
    payload = webhook_body(comment_value(1, message="নালা বন্ধ ❤️ http://x.y/z"))
    signed_bytes = meta_bytes(payload)
    same_json_other_bytes = json.dumps(payload, ensure_ascii=False).encode()
    assert json.loads(same_json_other_bytes) == json.loads(signed_bytes)

    response = post(same_json_other_bytes, sign(signed_bytes))

    assert response.status_code == 403
    assert not WebhookDelivery.objects.exists()


def test_non_ascii_and_escaped_slash_body_verifies_on_the_raw_bytes(post, page):
    message = "পানি নেই ❤️ 10/12 <b> 100% @dc"
    body = meta_bytes(webhook_body(comment_value(1, message=message)), escape_slash=True)
    assert b"\\/" in body
    assert b"\\u" in body

    response = post(body, sign(body))

    assert response.status_code == 200
    assert FacebookComment.objects.get().message == message


def test_deliveries_are_refused_when_the_app_secret_is_not_set(post, page, settings, caplog):
    settings.FACEBOOK_APP_SECRET = ""
    body = meta_bytes(webhook_body(comment_value(1)))

    with caplog.at_level(logging.ERROR):
        response = post(body, sign(body, secret=""))

    assert response.status_code == 503
    assert not WebhookDelivery.objects.exists()
    assert "FACEBOOK_APP_SECRET" in caplog.text


def test_a_signed_body_that_is_not_json_is_kept_and_marked(post, page):
    body = b"not json at all"

    response = post(body, sign(body))

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.parked_at is not None
    assert delivery.processed_at is None
    assert delivery.error == "The body is not JSON."


def test_the_documented_list_wrapped_sample_is_accepted(post, page):
    body = meta_bytes([webhook_body(comment_value(1))])

    response = post(body, sign(body))

    assert response.status_code == 200
    assert FacebookComment.objects.count() == 1


def test_webhook_for_an_unknown_page_is_stored_and_ignored(post, page):
    body = meta_bytes(webhook_body(comment_value(1), page_id="999"))

    response = post(body, sign(body))

    assert response.status_code == 200
    assert WebhookDelivery.objects.get().processed_at is not None
    assert not FacebookComment.objects.exists()


def test_last_webhook_time_is_recorded_on_the_page(post, page):
    body = meta_bytes(webhook_body(comment_value(1)))

    post(body, sign(body))

    page.refresh_from_db()
    assert page.last_webhook_at is not None


def _sender(state, url, **options):
    from integrations.facebook.fake_server import WebhookSender

    options = {"app_secret": "test-app-secret", "verify_token": "test-verify-token", **options}
    return WebhookSender(state, url, escape_slashes=True, **options)


@pytest.mark.django_db(transaction=True)
def test_meta_style_deliveries_from_the_fake_server_are_verified_and_ingested(
    live_server, fake_graph, office
):
    from tests.integrations.facebook.conftest import CITIZEN as FB_CITIZEN
    from tests.integrations.facebook.conftest import PAGE_ID as FB_PAGE_ID

    FacebookPageFactory(office=office, page_id=FB_PAGE_ID)
    sender = _sender(fake_graph.state, live_server.url + URL, duplicate_probability=0.5, seed=3)
    try:
        assert sender.handshake() == (200, True)
        post = fake_graph.add_post(FB_PAGE_ID, message="নোটিশ")
        comment = fake_graph.add_comment(post, message="পানি নেই ❤️ 10/12", from_id=FB_CITIZEN[0])
        fake_graph.edit_comment(comment, "পানি নেই ❤️ 10/12, এখনও")
        assert sender.wait_idle(10)
    finally:
        sender.stop()

    assert sender.deliveries
    assert all(d.delivered for d in sender.deliveries)
    grievance = Grievance.objects.get()
    assert grievance.description == "পানি নেই ❤️ 10/12, এখনও"
    assert WebhookDelivery.objects.filter(processed_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_deliveries_signed_with_another_secret_are_refused_end_to_end(
    live_server, fake_graph, office
):
    from tests.integrations.facebook.conftest import CITIZEN as FB_CITIZEN
    from tests.integrations.facebook.conftest import PAGE_ID as FB_PAGE_ID

    FacebookPageFactory(office=office, page_id=FB_PAGE_ID)
    sender = _sender(
        fake_graph.state, live_server.url + URL, app_secret="not-ours", retry_delays=()
    )
    try:
        post = fake_graph.add_post(FB_PAGE_ID, message="নোটিশ")
        fake_graph.add_comment(post, message="পানি নেই", from_id=FB_CITIZEN[0])
        sender.wait_idle(10)
    finally:
        sender.stop()

    assert [d.status for d in sender.deliveries] == [403]
    assert not WebhookDelivery.objects.exists()
    assert not Grievance.objects.exists()


def test_with_the_broker_down_the_body_is_kept_and_acknowledged(post, page):
    body = meta_bytes(webhook_body(comment_value(1)))
    broker_down = kombu.exceptions.OperationalError("Error 111 connecting to redis")

    with mock.patch(
        "integrations.facebook.services.webhooks.facebook_webhook_process_task.delay",
        side_effect=broker_down,
    ):
        response = post(body, sign(body))

    assert response.status_code == 200  # Meta must not send it again: the sweeper will queue it
    assert WebhookDelivery.objects.get().processed_at is None


def test_the_same_signed_body_posted_twice_is_stored_and_processed_once(
    client, page, django_capture_on_commit_callbacks
):
    body = meta_bytes(webhook_body(comment_value(1)))
    queued = []

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(
                URL,
                data=body,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=sign(body),
            )
        assert response.status_code == 200  # Meta must stop sending it
        queued.append(len(callbacks))

    delivery = WebhookDelivery.objects.get()
    assert delivery.body_sha256 == hashlib.sha256(body).hexdigest()
    assert queued == [1, 0]
    assert Grievance.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_a_body_arriving_at_once_are_stored_once():
    body = meta_bytes(webhook_body(comment_value(1), page_id="999000111"))  # no such page
    start = threading.Barrier(2)
    stored = []

    def receive():
        try:
            start.wait()
            stored.append(webhook_delivery_store(body=body, signature=sign(body)))
        finally:
            connection.close()

    threads = [threading.Thread(target=receive) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert WebhookDelivery.objects.count() == 1
    assert sorted(d is None for d in stored) == [False, True]


def _padded(size: int) -> bytes:
    """A signed-able webhook body of exactly `size` bytes (JSON allows trailing spaces)."""
    body = meta_bytes(webhook_body(comment_value(1)))
    return body + b" " * (size - len(body))


def test_a_body_over_djangos_upload_limit_but_within_ours_is_accepted(post, page, settings):
    body = _padded(3 * 1024 * 1024)
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = post(body, sign(body))

    assert response.status_code == 200
    assert WebhookDelivery.objects.get().processed_at is not None
    assert Grievance.objects.count() == 1


def test_a_body_over_the_webhook_limit_is_refused_with_413_and_not_stored(post, page):
    body = _padded(MAX_BODY_BYTES + 1)

    response = post(body, sign(body))

    assert response.status_code == 413
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"entry": 5}, '"entry" is missing or not a list.'),
        ({"object": "page"}, '"entry" is missing or not a list.'),
        ([1], "The body is not a JSON object."),
        ({"entry": [5]}, 'An "entry" item is not an object.'),
        ({"entry": [{"changes": []}]}, 'An entry has no page "id".'),
        ({"entry": [{"id": "1", "changes": 5}]}, '"changes" is not a list.'),
        ({"entry": [{"id": "1", "changes": ["x"]}]}, 'A "changes" item is not an object.'),
        (
            {"entry": [{"id": "1", "changes": [{"value": 5}]}]},
            'A change\'s "value" is not an object.',
        ),
        (
            {"entry": [{"id": "1", "changes": [{"value": {"comment_id": {"a": 1}}}]}]},
            'A change\'s "comment_id" is not an id.',
        ),
        (
            {"entry": [{"id": "1", "changes": [{"value": {"post_id": "9" * 101}}]}]},
            'A change\'s "post_id" is not an id.',
        ),
        (
            {"entry": [{"id": "1", "changes": [{"value": {"from": "Asha"}}]}]},
            'A change\'s "from" is not an object.',
        ),
    ],
    ids=lambda value: json.dumps(value)[:40],
)
def test_a_malformed_delivery_is_parked_with_its_reason_and_never_retried(
    post, page, payload, reason, settings
):
    body = meta_bytes(payload)

    response = post(body, sign(body))

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert (delivery.error, delivery.attempts) == (reason, 1)
    assert delivery.parked_at is not None
    assert delivery.processed_at is None
    # Never picked up again: not by the sweeper, not by a stray task.
    settings.FACEBOOK_WEBHOOK_RETRY_SECONDS = 0
    assert facebook_webhook_sweep_task() == 0
    facebook_webhook_process_task(delivery_id=delivery.pk)
    assert WebhookDelivery.objects.get().attempts == 1


def test_a_delivery_that_keeps_failing_is_parked_once_its_attempts_run_out(page, settings):
    settings.FACEBOOK_WEBHOOK_RETRY_SECONDS = 0
    body = meta_bytes(webhook_body(comment_value(1)))
    delivery = WebhookDelivery.objects.create(
        body=body, signature=sign(body), attempts=MAX_ATTEMPTS, error="OperationalError"
    )

    assert facebook_webhook_sweep_task() == 0

    delivery.refresh_from_db()
    assert delivery.parked_at is not None
    assert delivery.error == "Gave up after 10 attempts. Last error: OperationalError"
    assert bytes(delivery.body) == body  # kept for a person to look at
