from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core.cache import cache
from django.utils import timezone

from grievances.models import Grievance
from integrations.facebook.graph import GraphTransientError
from integrations.facebook.models import FacebookPage, FacebookPageState, WebhookDelivery
from integrations.facebook.services.sync import APP_PAUSE_KEY
from integrations.facebook.tasks import (
    facebook_page_sync_task,
    facebook_sync_all_task,
    facebook_webhook_sweep_task,
)
from tests.integrations.facebook.conftest import (
    CITIZEN,
    OTHER_PAGE_ID,
    OTHER_PAGE_TOKEN,
    PAGE_ID,
    PAGE_TOKEN,
    T0,
)
from tests.integrations.facebook.factories import (
    FacebookPageFactory,
    comment_value,
    meta_bytes,
    sign,
    webhook_body,
)
from tests.offices.factories import district_office

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _graph_over_http(settings, fake_server):
    """Tasks build their own adapter: point it at the fake server, like `make run` does."""
    settings.FACEBOOK_GRAPH_URL = f"{fake_server.base_url}/"
    settings.FACEBOOK_GRAPH_TIMEOUT = 2.0


@pytest.fixture
def pages(office, other_office, fake_graph):
    for page_id in (PAGE_ID, OTHER_PAGE_ID):
        post = fake_graph.add_post(page_id, message="নোটিশ", created_time=T0)
        fake_graph.add_comment(
            post, message="রাস্তা ভাঙা", from_id=CITIZEN[0], created_time=T0 + timedelta(minutes=1)
        )
    return (
        FacebookPageFactory(office=office, page_id=PAGE_ID, token=PAGE_TOKEN),
        FacebookPageFactory(office=other_office, page_id=OTHER_PAGE_ID, token=OTHER_PAGE_TOKEN),
    )


def test_sync_all_syncs_every_page_into_its_own_office(pages):
    queued = facebook_sync_all_task()

    assert queued == 2
    assert Grievance.objects.filter(office=district_office("DHA")).count() == 1
    assert Grievance.objects.filter(office=district_office("CTG")).count() == 1


def test_a_sync_not_started_before_the_next_round_expires(pages, settings):
    settings.FACEBOOK_SYNC_INTERVAL_SECONDS = 300

    with mock.patch(
        "integrations.facebook.tasks.facebook_page_sync_task.apply_async"
    ) as apply_async:
        facebook_sync_all_task()

    assert apply_async.call_count == 2
    assert {c.kwargs["expires"] for c in apply_async.call_args_list} == {300}


def test_one_throttled_page_does_not_stop_the_other(pages, fault):
    fault("buc_limit", page_id=PAGE_ID, times=None, params={"minutes": 30})

    facebook_sync_all_task()

    throttled, other = (FacebookPage.objects.get(pk=p.pk) for p in pages)
    assert throttled.state == FacebookPageState.PAUSED
    assert throttled.paused_until >= timezone.now() + timedelta(minutes=29)
    assert other.state == FacebookPageState.ACTIVE
    assert Grievance.objects.get().office == other.office


def test_a_paused_page_is_not_synced_until_its_pause_ends(pages, fake_graph):
    throttled, _other = pages
    FacebookPage.objects.filter(pk=throttled.pk).update(
        state=FacebookPageState.PAUSED, paused_until=timezone.now() + timedelta(minutes=5)
    )

    assert facebook_sync_all_task() == 1
    FacebookPage.objects.filter(pk=throttled.pk).update(paused_until=timezone.now())
    assert facebook_sync_all_task() == 2
    assert FacebookPage.objects.get(pk=throttled.pk).state == FacebookPageState.ACTIVE


def test_a_dead_token_marks_one_page_and_causes_no_retry_storm(pages, fake_graph, fake_server):
    fake_graph.revoke_token(PAGE_TOKEN, subcode=460)

    facebook_sync_all_task()
    calls_after_first_run = fake_graph.state.page_calls.get(PAGE_ID, 0)
    facebook_sync_all_task()

    dead, other = (FacebookPage.objects.get(pk=p.pk) for p in pages)
    assert dead.state == FacebookPageState.NEEDS_REAUTH
    assert dead.last_error
    assert other.state == FacebookPageState.ACTIVE
    assert Grievance.objects.get().office == other.office
    # Not tried again: a person must reconnect it first.
    assert fake_graph.state.page_calls.get(PAGE_ID, 0) == calls_after_first_run


def test_transient_failures_are_retried_by_the_task(pages, fault):
    fault("transient_500", page_id=PAGE_ID, times=None)

    with pytest.raises((GraphTransientError, Retry)):
        facebook_page_sync_task(page_id=pages[0].pk)

    assert FacebookPage.objects.get(pk=pages[0].pk).state == FacebookPageState.ACTIVE


def test_an_app_wide_limit_stops_every_page(pages, fault):
    fault("app_limit", times=None)

    facebook_page_sync_task(page_id=pages[0].pk)

    assert cache.get(APP_PAUSE_KEY) is not None
    assert facebook_sync_all_task() == 0


def test_the_sweeper_processes_deliveries_a_lost_task_left_behind(pages, settings):
    body = meta_bytes(webhook_body(comment_value(1)))
    delivery = WebhookDelivery.objects.create(body=body, signature=sign(body))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        received_at=timezone.now() - timedelta(seconds=settings.FACEBOOK_WEBHOOK_RETRY_SECONDS + 1)
    )

    assert facebook_webhook_sweep_task() == 1

    delivery.refresh_from_db()
    assert delivery.processed_at is not None
    assert delivery.attempts == 1
    assert facebook_webhook_sweep_task() == 0


def test_the_sweeper_leaves_fresh_deliveries_to_their_task(pages):
    body = meta_bytes(webhook_body(comment_value(1)))
    WebhookDelivery.objects.create(body=body, signature=sign(body))

    assert facebook_webhook_sweep_task() == 0


def test_a_failed_processing_leaves_the_delivery_for_the_sweeper_with_the_reason(
    pages, monkeypatch
):
    from integrations.facebook.tasks import facebook_webhook_process_task

    body = meta_bytes(webhook_body(comment_value(1)))
    delivery = WebhookDelivery.objects.create(body=body, signature=sign(body))

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("integrations.facebook.services.webhook_delivery_process", broken)
    with pytest.raises(RuntimeError):
        facebook_webhook_process_task(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.processed_at is None
    assert delivery.error == "RuntimeError"


def test_the_reply_sweeper_requeues_stuck_facebook_replies(pages, monkeypatch):
    from grievances.models import Reply, ReplyState
    from integrations.facebook.tasks import facebook_reply_sweep_task

    facebook_sync_all_task()
    grievance = Grievance.objects.first()
    stuck = Reply.objects.create(grievance=grievance, body="উত্তর", to_facebook=True)
    Reply.objects.create(grievance=grievance, body="নতুন", to_facebook=True)
    Reply.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    delivered = []
    monkeypatch.setattr(
        "grievances.tasks.reply_deliver_task.delay",
        lambda **kwargs: delivered.append(kwargs["reply_id"]),
    )

    assert facebook_reply_sweep_task() == 1
    assert delivered == [stuck.pk]
    assert Reply.objects.get(pk=stuck.pk).state == ReplyState.QUEUED


def test_one_sweeper_queues_citizen_only_and_facebook_replies_but_not_on_a_paused_page(
    pages, monkeypatch
):
    from grievances.models import Reply
    from grievances.tasks import reply_sweep_task

    facebook_sync_all_task()
    here = Grievance.objects.get(office=pages[0].office)
    there = Grievance.objects.get(office=pages[1].office)
    citizen_only = Reply.objects.create(grievance=here, body="উত্তর", to_facebook=False)
    on_facebook = Reply.objects.create(grievance=here, body="উত্তর", to_facebook=True)
    on_paused_page = Reply.objects.create(grievance=there, body="উত্তর", to_facebook=True)
    Reply.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    FacebookPage.objects.filter(pk=pages[1].pk).update(
        writes_paused_until=timezone.now() + timedelta(hours=1)
    )
    delivered = []
    monkeypatch.setattr(
        "grievances.tasks.reply_deliver_task.delay",
        lambda **kwargs: delivered.append(kwargs["reply_id"]),
    )

    assert reply_sweep_task() == 2
    assert sorted(delivered) == sorted([citizen_only.pk, on_facebook.pk])
    assert on_paused_page.pk not in delivered


def test_the_old_facebook_delivery_task_name_still_delivers(pages):
    from grievances.models import Reply, ReplyState
    from integrations.facebook.tasks import facebook_reply_deliver_task

    facebook_sync_all_task()
    reply = Reply.objects.create(grievance=Grievance.objects.first(), body="উত্তর")

    facebook_reply_deliver_task(reply_id=reply.pk)  # a message queued before the change

    assert Reply.objects.get(pk=reply.pk).state == ReplyState.SENT
