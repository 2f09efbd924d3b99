from datetime import timedelta

import pytest
from django.utils import timezone, translation

from grievances.models import Grievance, GrievanceEvent
from integrations.facebook.graph import GraphRateLimitError, GraphTransientError
from integrations.facebook.models import FacebookComment, FacebookPage, FacebookPageState
from integrations.facebook.services import page_sync, page_sync_is_due
from tests.integrations.facebook.conftest import CITIZEN, PAGE_ID, PAGE_TOKEN, PRIVATE_CITIZEN, T0
from tests.integrations.facebook.factories import FacebookPageFactory

pytestmark = pytest.mark.django_db
Kind = GrievanceEvent.Kind


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; Bangla is checked in test_replies.py."""
    with translation.override("en"):
        yield


@pytest.fixture
def page(office):
    return FacebookPageFactory(office=office, page_id=PAGE_ID, token=PAGE_TOKEN)


@pytest.fixture
def graph(fake_graph):
    return fake_graph.with_token(PAGE_TOKEN)


def thread(fake_graph):
    post = fake_graph.add_post(PAGE_ID, message="নোটিশ", created_time=T0)
    first = fake_graph.add_comment(
        post, message="রাস্তা ভাঙা", from_id=CITIZEN[0], created_time=T0 + timedelta(minutes=1)
    )
    fake_graph.add_comment(
        first, message="এখনও ঠিক হয়নি", from_id=CITIZEN[0], created_time=T0 + timedelta(minutes=5)
    )
    fake_graph.add_comment(
        first, message="দেখছি", from_id=PAGE_ID, created_time=T0 + timedelta(minutes=6)
    )
    fake_graph.add_comment(
        post,
        message="বিদ্যুৎ নেই",
        from_id=PRIVATE_CITIZEN[0],
        created_time=T0 + timedelta(minutes=7),
    )
    return post, first


def test_sync_makes_one_grievance_per_citizen_top_level_comment(page, fake_graph, graph):
    _post, first = thread(fake_graph)

    result = page_sync(page=page, graph=graph)

    assert result.completed
    assert result.ingested.grievances_created == 2
    grievance = FacebookComment.objects.get(graph_id=first).grievance
    assert sorted(grievance.events.values_list("kind", flat=True)) == ["created", "source_message"]
    assert FacebookComment.objects.filter(is_page_reply=True, kind="comment").count() == 1
    assert FacebookComment.objects.count() == 5  # the post, 3 comments and the page's reply


def test_sync_twice_adds_nothing(page, fake_graph, graph):
    thread(fake_graph)
    page_sync(page=page, graph=graph)

    page.refresh_from_db()
    second = page_sync(page=page, graph=graph)

    assert second.ingested.grievances_created == 0
    assert second.ingested.events == 0
    assert Grievance.objects.count() == 2


def test_the_position_moves_forward_and_never_back(page, fake_graph, graph):
    thread(fake_graph)
    page_sync(page=page, graph=graph)
    page.refresh_from_db()
    assert page.synced_until == T0 + timedelta(minutes=7)
    future = T0 + timedelta(days=30)
    FacebookPage.objects.filter(pk=page.pk).update(synced_until=future)

    page.refresh_from_db()
    page_sync(page=page, graph=graph)

    page.refresh_from_db()
    assert page.synced_until == future
    assert page.last_synced_at is not None


def test_an_edit_seen_by_polling_updates_the_grievance(page, fake_graph, graph):
    _post, first = thread(fake_graph)
    page_sync(page=page, graph=graph)

    fake_graph.edit_comment(first, "রাস্তা ভাঙা, স্কুলের সামনে")
    page.refresh_from_db()
    page_sync(page=page, graph=graph)

    grievance = FacebookComment.objects.get(graph_id=first).grievance
    assert grievance.description == "রাস্তা ভাঙা, স্কুলের সামনে"
    assert grievance.events.filter(kind=Kind.SOURCE_EDITED).count() == 1


def test_a_visitor_post_becomes_a_grievance_through_polling(page, fake_graph, graph):
    fake_graph.add_post(PAGE_ID, message="পানি নেই", from_id=CITIZEN[0], created_time=T0)

    page_sync(page=page, graph=graph)

    assert Grievance.objects.get().channel == "facebook_post"


def test_throttling_pauses_the_page_until_facebook_says(page, fake_graph, graph):
    thread(fake_graph)
    fake_graph.next_error = GraphRateLimitError(
        "(#80001)", retry_after=1800, scope="page", code=80001
    )

    result = page_sync(page=page, graph=graph)

    page.refresh_from_db()
    assert not result.completed
    assert page.state == FacebookPageState.PAUSED
    assert page.paused_until >= timezone.now() + timedelta(seconds=1790)
    assert "80001" in page.last_error
    assert not FacebookPage.objects.syncable().exists()


def test_a_dead_token_marks_the_page_for_reconnection(page, fake_graph, graph):
    thread(fake_graph)
    fake_graph.revoke_token(PAGE_TOKEN, subcode=463)

    result = page_sync(page=page, graph=graph)

    page.refresh_from_db()
    assert not result.completed
    assert page.state == FacebookPageState.NEEDS_REAUTH
    assert "connect the page again" in page.last_error
    assert not Grievance.objects.exists()


def test_a_transient_failure_is_recorded_and_raised_for_the_task_to_retry(page, fake_graph, graph):
    fake_graph.next_error = GraphTransientError("down", code=2)

    with pytest.raises(GraphTransientError):
        page_sync(page=page, graph=graph)

    page.refresh_from_db()
    assert page.state == FacebookPageState.ACTIVE
    assert page.last_error


def test_usage_figures_are_kept_from_the_usage_headers(page, fake_graph, graph):
    thread(fake_graph)
    fake_graph.state.page_call_budget = 2  # the two calls of this sync use it all

    page_sync(page=page, graph=graph)

    page.refresh_from_db()
    assert page.usage_peak == 100
    assert "page:pages" in page.usage


@pytest.mark.parametrize(
    ("peak", "minutes_ago", "due"),
    [
        (None, 1, True),
        (50, 1, True),
        (80, 1, False),
        (80, 20, True),
        (95, 20, False),
        (95, 61, True),
    ],
)
def test_busy_pages_are_polled_less_often(page, peak, minutes_ago, due):
    page.usage_peak = peak
    page.last_synced_at = timezone.now() - timedelta(minutes=minutes_ago)

    assert page_sync_is_due(page=page) is due


def test_a_token_no_key_can_decrypt_marks_the_page_instead_of_crashing(page, settings):
    from cryptography.fernet import Fernet

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    result = page_sync(page=page)

    page.refresh_from_db()
    assert not result.completed
    assert page.state == FacebookPageState.NEEDS_REAUTH
    assert "FIELD_ENCRYPTION_KEYS" in page.last_error
