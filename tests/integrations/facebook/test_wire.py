"""Graph's webhook JSON is decoded by `wire`, into the port's types, without Django."""

from datetime import UTC, datetime

from integrations.facebook.graph import GraphFeedChange
from integrations.facebook.wire import feed_changes_from_webhook, webhook_payload_problem
from tests.integrations.facebook.factories import PAGE_ID, POST_ID, comment_value, webhook_body

RECEIVED = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)


def test_a_comment_change_is_decoded_into_a_feed_change_sent_at_the_entrys_time():
    value = comment_value(1, message="রাস্তা ভাঙা")

    (change,) = feed_changes_from_webhook(
        webhook_body(value, time=1_714_986_072), received_at=RECEIVED
    )

    assert isinstance(change, GraphFeedChange)
    assert (change.page_id, change.item, change.verb) == (PAGE_ID, "comment", "add")
    assert change.object_id == value["comment_id"]
    assert change.parent_id == change.post_id == POST_ID
    assert change.message == "রাস্তা ভাঙা"
    assert change.sent_at == datetime.fromtimestamp(1_714_986_072, tz=UTC)
    assert change.created_time == datetime.fromtimestamp(value["created_time"], tz=UTC)


def test_edit_is_read_as_edited_and_a_removal_carries_no_text():
    body = webhook_body(
        comment_value(1, verb="edit", message="new text"),
        {**comment_value(2, verb="remove"), "message": "ignored"},
    )
    body["entry"][0].pop("time")

    edited, removed = feed_changes_from_webhook(body, received_at=RECEIVED)

    assert (edited.verb, edited.message) == ("edited", "new text")
    assert (removed.verb, removed.message) == ("remove", None)
    assert edited.sent_at == removed.sent_at == RECEIVED  # no entry time: when we got it


def test_a_visitor_post_is_a_post_change_and_unknown_items_are_skipped():
    post = {"item": "status", "verb": "add", "post_id": POST_ID, "is_hidden": True}
    like = {"item": "reaction", "verb": "add", "post_id": POST_ID}

    (change,) = feed_changes_from_webhook(webhook_body(post, like), received_at=RECEIVED)

    assert (change.item, change.object_id, change.is_hidden) == ("post", POST_ID, True)


def test_the_shape_check_lives_with_the_decoder():
    assert webhook_payload_problem(webhook_body(comment_value(1))) == ""
    assert webhook_payload_problem({"entry": "x"}) == '"entry" is missing or not a list.'
