"""The port's contract: every test runs against the in-memory fake and HttpGraphApi -> fake
server over loopback, on the same data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from integrations.facebook.graph import (
    GraphApi,
    GraphAuthError,
    GraphCursorLimitError,
    GraphError,
    GraphNotFoundError,
    GraphPermanentError,
    GraphPolicyBlockError,
    GraphRateLimitError,
    GraphTransientError,
)
from integrations.facebook.graph_fake import FakeGraphApi
from tests.integrations.facebook.conftest import (
    CITIZEN,
    OTHER_PAGE_TOKEN,
    PAGE_ID,
    PAGE_TOKEN,
    PRIVATE_CITIZEN,
    T0,
    USER_TOKEN,
    seed_thread,
)


def test_both_adapters_satisfy_the_protocol(graph: GraphApi) -> None:
    assert isinstance(graph, GraphApi)


def test_page_posts_are_newest_first_with_visitor_and_unpublished_posts(
    graph: GraphApi, fake_graph: FakeGraphApi
) -> None:
    old = fake_graph.add_post(PAGE_ID, message="Office closed Friday", created_time=T0)
    visitor = fake_graph.add_post(
        PAGE_ID,
        message="No water in sector 4",
        created_time=T0 + timedelta(hours=1),
        from_id=CITIZEN[0],
        from_name=CITIZEN[1],
    )
    draft = fake_graph.add_post(
        PAGE_ID, message="draft", created_time=T0 + timedelta(hours=2), is_published=False
    )

    posts = list(graph.page_posts(PAGE_ID))

    assert [p.id for p in posts] == [draft, visitor, old]
    assert posts[1].is_visitor_post
    assert (posts[1].from_id, posts[1].from_name) == CITIZEN
    assert posts[0].is_published is False
    assert posts[2].created_time == T0
    assert posts[2].permalink_url.startswith(f"https://www.facebook.com/{PAGE_ID}/posts/")


def test_page_posts_since_and_edges(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    fake_graph.add_post(PAGE_ID, message="old", created_time=T0)
    new = fake_graph.add_post(PAGE_ID, message="new", created_time=T0 + timedelta(hours=3))
    fake_graph.add_post(
        PAGE_ID, message="visitor", created_time=T0 + timedelta(hours=4), from_id=CITIZEN[0]
    )
    fake_graph.add_post(
        PAGE_ID, message="draft", created_time=T0 + timedelta(hours=5), is_published=False
    )

    since = [p.message for p in graph.page_posts(PAGE_ID, since=T0 + timedelta(hours=1))]
    own = [p.message for p in graph.page_posts(PAGE_ID, edge="posts")]
    published = [p.id for p in graph.page_posts(PAGE_ID, edge="published_posts")]

    assert since == ["draft", "visitor", "new"]
    assert own == ["draft", "new", "old"]
    assert published[0] == new


def test_post_get_counts_comments(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    post_id = seed_thread(fake_graph, comments=3)

    post = graph.post_get(post_id)

    assert post.comment_count == 3
    assert post.updated_time == T0 + timedelta(minutes=3)


def test_stream_comments_include_replies_with_parents(
    graph: GraphApi, fake_graph: FakeGraphApi
) -> None:
    post_id = seed_thread(fake_graph, comments=5)
    first = next(iter(fake_graph.state.comments))
    reply = fake_graph.add_comment(
        first, message="still broken", from_id=CITIZEN[0], created_time=T0 + timedelta(hours=1)
    )

    stream = list(graph.object_comments(post_id))
    toplevel = list(graph.object_comments(post_id, filter_stream=False))

    assert [c.message for c in stream] == [*(f"complaint {n}" for n in range(5)), "still broken"]
    assert len(toplevel) == 5
    assert stream[-1].id == reply
    assert stream[-1].is_reply
    assert stream[-1].parent_id == first
    assert stream[-1].post_id == post_id
    assert stream[0].parent_id == post_id
    assert not stream[0].is_reply
    assert (stream[0].from_id, stream[0].from_name) == CITIZEN
    assert stream[0].created_time == T0 + timedelta(minutes=1)


def test_replies_of_a_comment(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    post_id = seed_thread(fake_graph, comments=1)
    parent = next(iter(fake_graph.state.comments))
    fake_graph.add_comment(parent, message="more details", from_id=CITIZEN[0])

    replies = list(graph.object_comments(parent))

    assert [(r.message, r.parent_id, r.post_id) for r in replies] == [
        ("more details", parent, post_id)
    ]


def test_reverse_order_and_since(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    post_id = seed_thread(fake_graph, comments=6)

    recent = list(
        graph.object_comments(
            post_id, order="reverse_chronological", since=T0 + timedelta(minutes=4)
        )
    )
    since = list(graph.object_comments(post_id, since=T0 + timedelta(minutes=5)))

    assert [c.message for c in recent] == ["complaint 5", "complaint 4", "complaint 3"]
    assert [c.message for c in since] == ["complaint 4", "complaint 5"]


def test_hidden_comment_is_listed_and_flagged(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    # F34
    post_id = seed_thread(fake_graph, comments=2)
    hidden = list(fake_graph.state.comments)[1]
    fake_graph.set_hidden(hidden, True)

    comments = {c.id: c for c in graph.object_comments(post_id)}

    assert comments[hidden].is_hidden
    assert len(comments) == 2


def test_withheld_author_gives_empty_from(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    # F31
    post_id = fake_graph.add_post(PAGE_ID, message="Notice", created_time=T0)
    fake_graph.add_comment(post_id, message="anonymous complaint", from_id=PRIVATE_CITIZEN[0])

    (comment,) = graph.object_comments(post_id)

    assert comment.from_id == ""
    assert comment.from_name == ""
    assert comment.message == "anonymous complaint"


def test_edit_changes_message_not_time(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    # F32
    post_id = seed_thread(fake_graph, comments=1)
    comment_id = next(iter(fake_graph.state.comments))
    before = graph.comment_get(comment_id)

    fake_graph.edit_comment(comment_id, "complaint 0, since April")
    after = graph.comment_get(comment_id)

    assert after.message == "complaint 0, since April"
    assert after.created_time == before.created_time
    assert after.post_id == post_id


def test_deleted_comment_disappears_and_reads_as_not_found(
    graph: GraphApi, fake_graph: FakeGraphApi
) -> None:
    # F33, F40
    post_id = seed_thread(fake_graph, comments=2)
    gone = next(iter(fake_graph.state.comments))
    fake_graph.delete_comment(gone)

    listed = [c.id for c in graph.object_comments(post_id)]
    with pytest.raises(GraphNotFoundError) as read:
        graph.comment_get(gone)
    with pytest.raises(GraphNotFoundError) as reply:
        graph.comment_reply(gone, "Thank you")

    assert gone not in listed
    assert (read.value.code, read.value.subcode) == (100, 33)
    assert "Unsupported post request" in reply.value.message


def test_reply_is_authored_by_the_page_and_found_by_the_duplicate_check(
    graph: GraphApi, fake_graph: FakeGraphApi
) -> None:
    post_id = seed_thread(fake_graph, comments=1)
    comment_id = next(iter(fake_graph.state.comments))

    reply = graph.comment_reply(comment_id, "আপনার অভিযোগ গ্রহণ করা হয়েছে (GRV-0042)")
    found = graph.recent_page_replies(comment_id, PAGE_ID)
    stream = list(graph.object_comments(post_id))

    assert reply.message == "আপনার অভিযোগ গ্রহণ করা হয়েছে (GRV-0042)"
    assert reply.created_time == fake_graph.state.clock.now().replace(microsecond=0)
    assert "reply_comment_id=" in reply.permalink_url
    assert [r.id for r in found] == [reply.id]
    assert found[0].message == reply.message
    assert stream[-1].is_by_page(PAGE_ID)
    assert stream[-1].parent_id == comment_id


def test_duplicate_check_ignores_citizen_replies(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    seed_thread(fake_graph, comments=1)
    comment_id = next(iter(fake_graph.state.comments))
    fake_graph.add_comment(comment_id, message="hello?", from_id=CITIZEN[0])

    assert graph.recent_page_replies(comment_id, PAGE_ID) == []


def test_reply_to_a_reply_threads_under_the_top_level_comment(
    graph: GraphApi, fake_graph: FakeGraphApi
) -> None:
    seed_thread(fake_graph, comments=1)
    top = next(iter(fake_graph.state.comments))
    second = fake_graph.add_comment(top, message="second level", from_id=CITIZEN[0])

    graph.comment_reply(second, "answer")

    assert [r.message for r in graph.recent_page_replies(top, PAGE_ID)] == ["answer"]


def test_hide_unhide_and_delete(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    post_id = seed_thread(fake_graph, comments=2)
    first, second = list(fake_graph.state.comments)

    graph.comment_set_hidden(first, True)
    hidden = graph.comment_get(first).is_hidden
    graph.comment_set_hidden(first, False)
    graph.comment_delete(second)

    assert hidden is True
    assert graph.comment_get(first).is_hidden is False
    assert [c.id for c in graph.object_comments(post_id)] == [first]


def test_page_cannot_hide_its_own_comment(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    # F41
    seed_thread(fake_graph, comments=1)
    reply = graph.comment_reply(next(iter(fake_graph.state.comments)), "our answer")

    with pytest.raises(GraphPermanentError) as excinfo:
        graph.comment_set_hidden(reply.id, True)

    assert excinfo.value.code == 100


def test_another_pages_token_cannot_write(
    graph_for: Callable[[str], GraphApi], fake_graph: FakeGraphApi
) -> None:
    seed_thread(fake_graph, comments=1)
    other = graph_for(OTHER_PAGE_TOKEN)

    with pytest.raises(GraphAuthError) as excinfo:
        other.comment_reply(next(iter(fake_graph.state.comments)), "not ours")

    assert excinfo.value.kind == "permission"


def test_private_reply_once_per_comment_within_seven_days(
    graph: GraphApi, fake_graph: FakeGraphApi
) -> None:
    # F42
    seed_thread(fake_graph, comments=1)
    comment_id = next(iter(fake_graph.state.comments))
    old = fake_graph.add_comment(
        fake_graph.add_post(PAGE_ID, message="old", created_time=T0 - timedelta(days=30)),
        message="old complaint",
        from_id=CITIZEN[0],
        created_time=T0 - timedelta(days=20),
    )

    sent = graph.private_reply(PAGE_ID, comment_id, "Please share your phone number")
    with pytest.raises(GraphPermanentError) as twice:
        graph.private_reply(PAGE_ID, comment_id, "again")
    with pytest.raises(GraphPermanentError) as late:
        graph.private_reply(PAGE_ID, old, "too late")

    assert sent.message_id.startswith("m_")
    assert twice.value.code == 10900
    assert late.value.code == 10903


def test_subscribe_app(graph: GraphApi) -> None:
    before = graph.subscribed_apps(PAGE_ID)

    graph.subscribe_app(PAGE_ID)

    assert before == []
    assert graph.subscribed_apps(PAGE_ID) == ["Shunani"]


def test_me_accounts_lists_pages_with_tokens(graph_for: Callable[[str], GraphApi]) -> None:
    pages = graph_for(USER_TOKEN).me_accounts()

    assert [(p.id, p.name, p.access_token) for p in pages] == [
        (PAGE_ID, "DC Office 12", PAGE_TOKEN)
    ]
    assert "MODERATE" in pages[0].tasks


def test_me_accounts_with_a_page_token_is_refused(graph: GraphApi) -> None:
    with pytest.raises(GraphPermanentError):
        graph.me_accounts()


def test_debug_token(graph: GraphApi) -> None:
    info = graph.debug_token(PAGE_TOKEN)
    unknown = graph.debug_token("nonsense")

    assert info.is_valid
    assert (info.type, info.profile_id, info.expires_at) == ("PAGE", PAGE_ID, None)
    assert "pages_manage_engagement" in info.scopes
    assert unknown.is_valid is False


@pytest.mark.parametrize(("subcode", "kind"), [(463, "token"), (460, "token"), (492, "role")])
def test_revoked_token_is_an_auth_error(
    graph: GraphApi, fake_graph: FakeGraphApi, subcode: int, kind: str
) -> None:
    # F15, F16
    fake_graph.revoke_token(PAGE_TOKEN, subcode=subcode)

    with pytest.raises(GraphAuthError) as excinfo:
        list(graph.page_posts(PAGE_ID))

    assert (excinfo.value.code, excinfo.value.subcode, excinfo.value.kind) == (190, subcode, kind)


def test_unknown_token_is_an_auth_error(graph_for: Callable[[str], GraphApi]) -> None:
    with pytest.raises(GraphAuthError) as excinfo:
        list(graph_for("not-a-token").page_posts(PAGE_ID))

    assert excinfo.value.code == 190


def test_comments_without_ids_mean_the_token_lacks_moderate(
    graph: GraphApi, fake_graph: FakeGraphApi
) -> None:
    # F30
    post_id = seed_thread(fake_graph, comments=1)
    fake_graph.state.tokens[PAGE_TOKEN].moderate = False

    with pytest.raises(GraphAuthError) as excinfo:
        list(graph.object_comments(post_id))

    assert excinfo.value.kind == "permission"
    assert "MODERATE" in excinfo.value.message


def test_accepted_reply_may_show_up_late(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    # F39: the duplicate check must tolerate lag
    seed_thread(fake_graph, comments=1)
    comment_id = next(iter(fake_graph.state.comments))
    fake_graph.add_comment(comment_id, message="ours", from_id=PAGE_ID, visible_after=30)

    early = graph.recent_page_replies(comment_id, PAGE_ID)
    fake_graph.state.clock.advance(31)
    late = graph.recent_page_replies(comment_id, PAGE_ID)

    assert early == []
    assert [r.message for r in late] == ["ours"]


@pytest.mark.parametrize(
    "error",
    [
        GraphTransientError("down"),
        GraphRateLimitError("slow down", retry_after=600, scope="page"),
        GraphAuthError("token expired"),
        GraphAuthError("no role", kind="role"),
        GraphPolicyBlockError("blocked"),
        GraphNotFoundError("gone"),
        GraphCursorLimitError("too deep"),
        GraphPermanentError("bad request"),
        GraphError("unclassified"),
    ],
    ids=lambda e: f"{type(e).__name__}-{getattr(e, 'kind', '')}",
)
def test_errors_keep_their_meaning(
    graph: GraphApi, fake_graph: FakeGraphApi, error: GraphError
) -> None:
    fake_graph.next_error = error

    with pytest.raises(type(error)) as excinfo:
        list(graph.page_posts(PAGE_ID))
    list(graph.page_posts(PAGE_ID))  # one-shot: the next call works

    assert type(excinfo.value) is type(error)
    if isinstance(error, GraphRateLimitError):
        assert isinstance(excinfo.value, GraphRateLimitError)
        assert (excinfo.value.retry_after, excinfo.value.scope) == (600, "page")
    if isinstance(error, GraphAuthError):
        assert isinstance(excinfo.value, GraphAuthError)
        assert excinfo.value.kind == error.kind


def test_usage_is_reported_after_a_call(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    fake_graph.state.page_call_budget = 4

    list(graph.page_posts(PAGE_ID))
    list(graph.page_posts(PAGE_ID))

    assert graph.last_usage is not None
    assert graph.last_usage.app is not None
    assert graph.last_usage.peak_for(PAGE_ID) == 50


def test_usage_starts_again_after_an_hour(graph: GraphApi, fake_graph: FakeGraphApi) -> None:
    fake_graph.state.page_call_budget = 4
    list(graph.page_posts(PAGE_ID))
    list(graph.page_posts(PAGE_ID))

    fake_graph.state.clock.advance(60 * 60)
    list(graph.page_posts(PAGE_ID))

    assert graph.last_usage is not None
    assert graph.last_usage.peak_for(PAGE_ID) == 25
