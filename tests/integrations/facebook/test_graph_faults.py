"""graph-api.md §10.2: each fault injected by the fake server, and how HttpGraphApi reacts."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.facebook.fake_server import FakeGraphServer, FaultRule
from integrations.facebook.graph import (
    GraphAuthError,
    GraphCursorLimitError,
    GraphNotFoundError,
    GraphPermanentError,
    GraphPolicyBlockError,
    GraphRateLimitError,
    GraphTransientError,
)
from integrations.facebook.graph_fake import FakeGraphApi
from integrations.facebook.graph_http import HttpGraphApi
from tests.integrations.facebook.conftest import (
    CITIZEN,
    PAGE_ID,
    http_graph_for,
    seed_thread,
)

Fault = Callable[..., FaultRule]


@pytest.fixture
def thread(fake_graph: FakeGraphApi) -> str:
    return seed_thread(fake_graph, comments=7)


def messages(graph: HttpGraphApi, post_id: str) -> list[str]:
    return [c.message for c in graph.object_comments(post_id)]


ALL = [f"complaint {n}" for n in range(7)]


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("transient_500", {}),  # F1
        ("unknown_500", {}),  # F2
        ("html_5xx", {"status": 502}),  # F3
        ("html_5xx", {"status": 503}),
        ("html_5xx", {"status": 504}),
        ("empty_500", {}),  # F4
        ("timeout", {"delay": 1.0}),  # F5
        ("reset", {}),  # F6
    ],
)
def test_outages_are_transient_and_the_retry_succeeds(
    http_graph: HttpGraphApi, fault: Fault, thread: str, action: str, params: dict[str, Any]
) -> None:
    fault(action, path="/comments$", params=params)

    with pytest.raises(GraphTransientError) as excinfo:
        messages(http_graph, thread)

    assert not isinstance(excinfo.value, GraphRateLimitError)
    assert messages(http_graph, thread) == ALL


def test_slow_answer_within_the_timeout_succeeds(
    http_graph: HttpGraphApi, fault: Fault, thread: str
) -> None:
    # F7
    fault("slow", path="/comments$", params={"delay": 0.2})
    started = time.monotonic()

    result = messages(http_graph, thread)

    assert result == ALL
    assert time.monotonic() - started >= 0.2


@pytest.mark.parametrize(
    ("action", "params", "scope", "code"),
    [
        ("app_limit", {}, "app", 4),  # F8 (403)
        ("app_limit", {"status": 400}, "app", 4),
        ("user_limit", {}, "user", 17),  # F9
        ("page_limit", {}, "page", 32),  # F10
        ("custom_limit", {"subcode": 1996}, "page", 613),  # F12
    ],
)
def test_rate_limits_carry_scope(
    http_graph: HttpGraphApi,
    fault: Fault,
    action: str,
    params: dict[str, Any],
    scope: str,
    code: int,
) -> None:
    fault(action, params=params)

    with pytest.raises(GraphRateLimitError) as excinfo:
        list(http_graph.page_posts(PAGE_ID))

    assert (excinfo.value.scope, excinfo.value.code) == (scope, code)
    assert excinfo.value.retry_after > 0


def test_app_limit_reports_full_app_usage(http_graph: HttpGraphApi, fault: Fault) -> None:
    fault("app_limit")

    with pytest.raises(GraphRateLimitError):
        list(http_graph.page_posts(PAGE_ID))

    assert http_graph.last_usage is not None
    assert http_graph.last_usage.app is not None
    assert http_graph.last_usage.app.call_count == 100


def test_buc_limit_pauses_the_page_for_the_announced_minutes(
    http_graph: HttpGraphApi, fault: Fault
) -> None:
    # F11
    fault("buc_limit", page_id=PAGE_ID, params={"minutes": 7})

    with pytest.raises(GraphRateLimitError) as excinfo:
        list(http_graph.page_posts(PAGE_ID))

    assert (excinfo.value.scope, excinfo.value.retry_after) == ("page", 420)
    assert http_graph.last_usage is not None
    assert http_graph.last_usage.regain_after_seconds(PAGE_ID) == 420


def test_buc_limit_on_one_page_leaves_the_other_alone(fake_graph_url: str, fault: Fault) -> None:
    from tests.integrations.facebook.conftest import OTHER_PAGE_ID, OTHER_PAGE_TOKEN

    fault("buc_limit", page_id=PAGE_ID, times=None)
    other = http_graph_for(fake_graph_url, OTHER_PAGE_TOKEN)

    assert list(other.page_posts(OTHER_PAGE_ID)) == []
    with pytest.raises(GraphRateLimitError):
        list(http_graph_for(fake_graph_url).page_posts(PAGE_ID))


def test_rising_usage_is_visible_before_any_error(http_graph: HttpGraphApi, fault: Fault) -> None:
    # F13
    fault("rising_usage", times=4, params={"start": 10, "end": 100})
    peaks = []

    for _ in range(4):
        list(http_graph.page_posts(PAGE_ID))
        assert http_graph.last_usage is not None
        peaks.append(http_graph.last_usage.peak_for(PAGE_ID))

    assert peaks == [10, 40, 70, 100]


def test_cputime_can_hit_100_while_call_count_is_low(
    http_graph: HttpGraphApi, fault: Fault
) -> None:
    # F13, variant
    fault("rising_usage", times=2, params={"start": 90, "end": 100, "cputime_only": True})

    list(http_graph.page_posts(PAGE_ID))
    list(http_graph.page_posts(PAGE_ID))

    usage = http_graph.last_usage
    assert usage is not None
    assert usage.app is not None
    assert (usage.app.call_count, usage.app.total_cputime) == (5, 100)
    assert usage.peak_for(PAGE_ID) == 100


def test_missing_usage_headers_mean_unknown(http_graph: HttpGraphApi, fault: Fault) -> None:
    # F14
    fault("no_usage_headers")

    list(http_graph.page_posts(PAGE_ID))

    assert http_graph.last_usage is not None
    assert http_graph.last_usage.app is None
    assert http_graph.last_usage.peak_for(PAGE_ID) is None


@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ({"subcode": 463}, "token"),  # F15
        ({"subcode": 458}, "token"),  # F16
        ({"subcode": 459}, "token"),
        ({"subcode": 460}, "token"),
        ({"subcode": 464}, "token"),
        ({"subcode": 467}, "token"),
        ({"subcode": 492}, "role"),
        ({}, "token"),
        ({"code": 102}, "token"),
    ],
)
def test_token_failures_are_auth_errors(
    http_graph: HttpGraphApi, fault: Fault, params: dict[str, Any], kind: str
) -> None:
    fault("token_error", params=params)

    with pytest.raises(GraphAuthError) as excinfo:
        list(http_graph.page_posts(PAGE_ID))

    assert excinfo.value.kind == kind
    assert excinfo.value.subcode == params.get("subcode")


def test_token_revoked_mid_pagination_keeps_page_one(
    http_graph: HttpGraphApi, fault: Fault, thread: str
) -> None:
    # F17
    fault("token_error", path="/comments$", query_has=["after"], params={"subcode": 460})
    comments = http_graph.object_comments(thread)

    seen = [next(comments).message, next(comments).message]
    with pytest.raises(GraphAuthError):
        next(comments)

    assert seen == ALL[:2]


@pytest.mark.parametrize("code", [200, 10, 283])
def test_missing_permission_is_an_auth_error(
    http_graph: HttpGraphApi, fault: Fault, code: int
) -> None:
    # F18
    fault("permission", params={"code": code})

    with pytest.raises(GraphAuthError) as excinfo:
        list(http_graph.page_posts(PAGE_ID))

    assert (excinfo.value.kind, excinfo.value.code) == ("permission", code)


def test_required_appsecret_proof_is_sent_on_every_page(
    fake_graph: FakeGraphApi, fake_server: FakeGraphServer, fake_graph_url: str, thread: str
) -> None:
    # F19
    fake_graph.state.require_appsecret_proof = True
    without = http_graph_for(fake_graph_url, app_secret=None)
    wrong = http_graph_for(fake_graph_url, app_secret="not-the-secret")

    with pytest.raises(GraphPermanentError) as missing:
        messages(without, thread)
    with pytest.raises(GraphPermanentError) as invalid:
        messages(wrong, thread)
    fake_server.request_log.clear()
    result = messages(http_graph_for(fake_graph_url), thread)

    assert "require an appsecret_proof" in missing.value.message
    assert "Invalid appsecret_proof" in invalid.value.message
    assert result == ALL
    assert len(fake_server.request_log) == 4
    assert all("appsecret_proof" in entry["query"] for entry in fake_server.request_log)


def test_policy_block_stops_writes(http_graph: HttpGraphApi, fault: Fault, thread: str) -> None:
    # F20
    fault("policy_block", method="POST", path="/comments$")
    comment_id = next(iter(http_graph.object_comments(thread))).id

    with pytest.raises(GraphPolicyBlockError) as excinfo:
        http_graph.comment_reply(comment_id, "reply")

    assert (excinfo.value.code, excinfo.value.subcode) == (368, 1390008)
    assert excinfo.value.retry_after >= 3600


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("empty_page_with_next", {}),  # F21
        ("short_page", {"keep": 1}),  # F22
        ("next_without_token", {}),  # F24
        ("next_other_host", {}),  # F25
        ("duplicate_item", {}),  # F26
    ],
)
def test_paging_oddities_still_read_every_comment_once(
    http_graph: HttpGraphApi, fault: Fault, thread: str, action: str, params: dict[str, Any]
) -> None:
    fault(action, path="/comments$", times=2, params=params)

    assert messages(http_graph, thread) == ALL


def test_short_page_with_next_keeps_paging(
    http_graph: HttpGraphApi, fault: Fault, fake_server: FakeGraphServer, thread: str
) -> None:
    # F22: fewer than `limit` items is not the end
    fault("short_page", path="/comments$", times=None, params={"keep": 1})

    result = messages(http_graph, thread)

    assert result == ALL
    assert len(fake_server.request_log) == 7  # one comment per page instead of two


def test_no_paging_key_means_a_single_page(
    http_graph: HttpGraphApi, fault: Fault, fake_server: FakeGraphServer, thread: str
) -> None:
    # F23
    fault("no_paging", path="/comments$")

    assert messages(http_graph, thread) == ALL[:2]
    assert len(fake_server.request_log) == 1


def test_next_on_another_host_is_followed_on_ours(
    http_graph: HttpGraphApi, fault: Fault, fake_server: FakeGraphServer, thread: str
) -> None:
    # F25
    fault("next_other_host", path="/comments$", times=None)

    messages(http_graph, thread)

    assert {e["version"] for e in fake_server.request_log} == {"v25.0"}
    assert len(fake_server.request_log) == 4


def test_skipped_item_is_found_by_the_next_run(
    http_graph: HttpGraphApi, fault: Fault, thread: str
) -> None:
    # F27: a shifted window loses an item this run; the reconciler's next run sees it
    fault("skip_item", path="/comments$", query_has=["after"])

    first_run = messages(http_graph, thread)
    second_run = messages(http_graph, thread)

    assert len(first_run) == 6
    assert second_run == ALL


def test_invalidated_cursor_restarts_from_page_one_without_duplicates(
    http_graph: HttpGraphApi, fault: Fault, fake_server: FakeGraphServer, thread: str
) -> None:
    # F28
    fault("invalid_cursor", path="/comments$", query_has=["after"], nth=2)

    result = messages(http_graph, thread)

    assert result == ALL
    assert len(fake_server.request_log) == 7  # 2 pages, refused, then 4 from the start


def test_invalidated_cursor_in_empty_mode_ends_the_run_quietly(
    http_graph: HttpGraphApi, fault: Fault, thread: str
) -> None:
    # F28, "empty page" variant
    fault("invalid_cursor", path="/comments$", query_has=["after"], params={"mode": "empty"})

    assert messages(http_graph, thread) == ALL[:2]


def test_cursor_limit_asks_for_recent_first(
    http_graph: HttpGraphApi, fault: Fault, thread: str
) -> None:
    # F29
    fault("cursor_limit", path="/comments$", query_has=["after"])

    with pytest.raises(GraphCursorLimitError):
        messages(http_graph, thread)
    recent = [c.message for c in http_graph.object_comments(thread, order="reverse_chronological")]

    assert recent == list(reversed(ALL))


def test_comments_without_ids_raise_a_permission_alert(
    http_graph: HttpGraphApi, fault: Fault, thread: str
) -> None:
    # F30
    fault("omit_ids", path="/comments$")

    with pytest.raises(GraphAuthError) as excinfo:
        messages(http_graph, thread)

    assert excinfo.value.kind == "permission"


def test_comments_without_from_have_an_unknown_author(
    http_graph: HttpGraphApi, fault: Fault, thread: str
) -> None:
    # F31
    fault("omit_from", path="/comments$", times=None)

    authors = {c.from_id for c in http_graph.object_comments(thread)}

    assert authors == {""}


def test_deleted_between_polls(
    http_graph: HttpGraphApi, fake_graph: FakeGraphApi, thread: str
) -> None:
    # F33
    gone = next(iter(http_graph.object_comments(thread))).id
    fake_graph.delete_comment(gone)

    with pytest.raises(GraphNotFoundError):
        http_graph.comment_get(gone)
    with pytest.raises(GraphNotFoundError):
        http_graph.comment_reply(gone, "thanks")
    assert gone not in {c.id for c in http_graph.object_comments(thread)}


def test_inflated_total_count_does_not_cause_endless_paging(
    http_graph: HttpGraphApi, fault: Fault, fake_graph: FakeGraphApi, thread: str
) -> None:
    # F35
    fault("inflate_total_count", path="/feed$", times=None, params={"extra": 50})
    fault("inflate_total_count", path="/comments$", times=None, params={"extra": 50})

    (post,) = [p for p in http_graph.page_posts(PAGE_ID) if p.id == thread]

    assert messages(http_graph, thread) == ALL
    assert post.comment_count == 7  # nested summary is not faulted; the edge's own is


def test_feed_limit_over_100_is_refused_by_the_fake_and_capped_by_the_client(
    fake_graph_url: str, fake_graph: FakeGraphApi, fake_server: FakeGraphServer
) -> None:
    # F36
    import requests as http

    fake_graph.add_post(PAGE_ID, message="x")
    raw = http.get(
        f"{fake_graph_url}/{PAGE_ID}/feed",
        params={"access_token": fake_graph.state.pages[PAGE_ID].access_token, "limit": 150},
        timeout=2,
    )

    posts = list(http_graph_for(fake_graph_url, page_size=150).page_posts(PAGE_ID))

    assert raw.status_code == 400
    assert raw.json()["error"]["code"] == 100
    assert len(posts) == 1
    assert fake_server.request_log[-1]["query"]["limit"] == "100"


def test_unpublished_post_is_flagged(http_graph: HttpGraphApi, fake_graph: FakeGraphApi) -> None:
    # F37
    draft = fake_graph.add_post(PAGE_ID, message="draft", is_published=False)

    (post,) = http_graph.page_posts(PAGE_ID)
    fake_graph.delete_post(draft)

    assert post.is_published is False
    assert list(http_graph.page_posts(PAGE_ID)) == []


@pytest.mark.parametrize(
    ("mode", "params"),
    [("reset", {}), ("500", {}), ("timeout", {"delay": 1.0})],
)
def test_lost_reply_response_is_found_by_the_duplicate_check(
    http_graph: HttpGraphApi,
    fault: Fault,
    fake_graph: FakeGraphApi,
    thread: str,
    mode: str,
    params: dict[str, Any],
) -> None:
    # F38 and graph-api.md §10.3
    fault("commit_then_drop", method="POST", path="/comments$", params={"mode": mode, **params})
    comment_id = next(iter(http_graph.object_comments(thread))).id

    with pytest.raises(GraphTransientError):
        http_graph.comment_reply(comment_id, "Forwarded (GRV-7)")
    found = http_graph.recent_page_replies(comment_id, PAGE_ID)

    assert [r.message for r in found] == ["Forwarded (GRV-7)"]
    assert len(fake_graph.replies_by_page(PAGE_ID)) == 1


def test_reply_visible_only_after_a_delay(
    http_graph: HttpGraphApi, fault: Fault, fake_graph: FakeGraphApi, thread: str
) -> None:
    # F39
    fault("delayed_visibility", method="POST", params={"seconds": 20})
    comment_id = next(iter(http_graph.object_comments(thread))).id

    reply = http_graph.comment_reply(comment_id, "ok")
    before = http_graph.recent_page_replies(comment_id, PAGE_ID)
    fake_graph.state.clock.advance(21)

    assert before == []
    assert [r.id for r in http_graph.recent_page_replies(comment_id, PAGE_ID)] == [reply.id]


def test_hiding_a_page_comment_is_refused(
    http_graph: HttpGraphApi, fake_graph: FakeGraphApi, thread: str
) -> None:
    # F41
    own = fake_graph.add_comment(thread, message="page notice", from_id=PAGE_ID)

    with pytest.raises(GraphPermanentError):
        http_graph.comment_set_hidden(own, True)


def test_second_private_reply_is_terminal(http_graph: HttpGraphApi, thread: str) -> None:
    # F42
    comment_id = next(iter(http_graph.object_comments(thread))).id
    http_graph.private_reply(PAGE_ID, comment_id, "Please send your phone number")

    with pytest.raises(GraphPermanentError) as excinfo:
        http_graph.private_reply(PAGE_ID, comment_id, "again")

    assert excinfo.value.code == 10900
    assert not isinstance(excinfo.value, GraphTransientError)


def test_forced_version_upgrade_is_logged(
    http_graph: HttpGraphApi, fault: Fault, caplog: pytest.LogCaptureFixture
) -> None:
    # F50
    fault("version", params={"served": "v26.0"})

    with caplog.at_level(logging.WARNING):
        list(http_graph.page_posts(PAGE_ID))

    assert http_graph.last_api_version == "v26.0"
    assert "v26.0" in caplog.text


def test_javascript_content_type_is_read_as_json(
    http_graph: HttpGraphApi, fault: Fault, thread: str
) -> None:
    # F51
    fault("javascript_content_type", path="/comments$", times=None)

    assert messages(http_graph, thread) == ALL


def test_generic_error_action(http_graph: HttpGraphApi, fault: Fault) -> None:
    fault("error", params={"status": 400, "code": 506, "message": "Duplicate Post"})

    with pytest.raises(GraphPermanentError) as excinfo:
        list(http_graph.page_posts(PAGE_ID))

    assert excinfo.value.code == 506


def test_citizen_from_is_kept_when_no_fault(http_graph: HttpGraphApi, thread: str) -> None:
    assert {c.from_id for c in http_graph.object_comments(thread)} == {CITIZEN[0]}


@settings(
    max_examples=30,
    deadline=None,
    database=None,  # deterministic runs; nothing written into the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    count=st.integers(min_value=0, max_value=25),
    page_size=st.integers(min_value=1, max_value=7),
    oddity=st.sampled_from(
        [None, "empty_page_with_next", "short_page", "duplicate_item", "next_other_host"]
    ),
    reverse=st.booleans(),
)
def test_pager_reads_every_comment_exactly_once_in_order(
    fake_graph: FakeGraphApi,
    fake_server: FakeGraphServer,
    fake_graph_url: str,
    count: int,
    page_size: int,
    oddity: str | None,
    reverse: bool,
) -> None:
    fake_graph.state.posts.clear()
    fake_graph.state.comments.clear()
    fake_graph.state.comments_by_post.clear()
    fake_graph.state.faults.clear()
    post_id = seed_thread(fake_graph, comments=count)
    if oddity:
        fake_server.add_fault(FaultRule(action=oddity, path="/comments$", times=2))
    order = "reverse_chronological" if reverse else "chronological"
    graph = http_graph_for(fake_graph_url, page_size=page_size)

    read = [c.message for c in graph.object_comments(post_id, order=order)]

    expected = [f"complaint {n}" for n in range(count)]
    assert read == (list(reversed(expected)) if reverse else expected)
