"""Property: webhook deliveries in any order, each 1-3 times, and polls at any moment converge.

A random conversation happens on Facebook (the in-memory fake): citizens comment, reply, edit,
get hidden and unhidden, remove comments; the page replies. Every change produces the webhook
Meta would send. The reference run ingests each delivery once, in order, then polls. Every
other run shuffles and repeats the deliveries and polls between them. All end in the same
comment rows, the same grievances and the same events.
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievances.models import Grievance, GrievanceEvent
from integrations.facebook.graph_fake import FakeGraphApi
from integrations.facebook.models import FacebookComment
from integrations.facebook.services import comments_ingest, observations_from_webhook, page_sync
from integrations.facebook.services.webhooks import webhook_payload_problem
from tests.integrations.facebook.conftest import T0
from tests.integrations.facebook.factories import FacebookPageFactory

pytestmark = pytest.mark.django_db

PAGE_ID = "104512345678901"
TOKEN = "page-token-property"
CITIZENS = [("7012345678901234", "Asha Verma"), ("7023456789012345", "Ravi Kumar")]

# One step of the conversation: (action, target index, author index).
STEP = st.tuples(
    st.sampled_from(["comment", "reply", "page_reply", "edit", "hide", "unhide", "remove"]),
    st.integers(0, 7),
    st.integers(0, 1),
)


def play(steps):
    """Run the conversation on a fresh fake; return it and the webhook bodies it caused."""
    fake = FakeGraphApi()
    fake.state.clock.freeze(T0)
    fake.add_page(PAGE_ID, name="DC Office", access_token=TOKEN)
    for user_id, name in CITIZENS:
        fake.add_user(user_id, name=name)
    bodies = []

    def listen(page_id, value):
        entry_time = int(fake.state.clock.now().timestamp())
        change = {"field": "feed", "value": value}
        bodies.append(
            {"object": "page", "entry": [{"id": page_id, "time": entry_time, "changes": [change]}]}
        )

    fake.state.listeners.append(listen)
    post = fake.add_post(PAGE_ID, message="নোটিশ: রাস্তা মেরামত", created_time=T0)
    top, alive = [], []
    n = 0
    for action, target, author in steps:
        fake.state.clock.advance(7)
        n += 1
        if action == "comment" or not top:
            cid = fake.add_comment(post, message=f"অভিযোগ {n}", from_id=CITIZENS[author][0])
            top.append(cid)
            alive.append(cid)
            continue
        if not alive:
            continue
        cid = alive[target % len(alive)]
        if action == "reply":
            alive.append(fake.add_comment(cid, message=f"আবার {n}", from_id=CITIZENS[author][0]))
        elif action == "page_reply":
            fake.add_comment(cid, message=f"দেখছি {n}", from_id=PAGE_ID)
        elif action == "edit":
            fake.edit_comment(cid, f"সম্পাদিত {n}")
        elif action in ("hide", "unhide"):
            fake.set_hidden(cid, action == "hide")
        elif action == "remove":
            fake.delete_comment(cid)
            alive.remove(cid)
    return fake, bodies


def snapshot():
    root_of = {
        row.grievance_id: row.graph_id
        for row in FacebookComment.objects.filter(is_top_level=True, grievance__isnull=False)
    }
    rows = sorted(
        (
            r.graph_id,
            r.kind,
            r.post_id,
            r.parent_id,
            r.is_top_level,
            r.is_page_reply,
            r.author_id,
            r.message,
            r.is_edited,
            r.is_removed,
            r.is_hidden,
            root_of.get(r.grievance_id),
        )
        for r in FacebookComment.objects.all()
    )
    grievances = sorted(
        (root_of[g.pk], g.channel, g.status, g.description, g.citizen_name)
        for g in Grievance.objects.all()
    )
    events = sorted(
        (root_of[e.grievance_id], e.kind, e.data.get("comment_id", ""), e.data.get("text_hash", ""))
        for e in GrievanceEvent.objects.all()
    )
    return rows, grievances, events


def run(page, fake, bodies, order, polls):
    """Ingest `bodies` in `order` (indexes, repeats allowed) with polls before given positions."""
    with transaction.atomic():
        for position, index in enumerate(order):
            if position in polls:
                page_sync(page=page, graph=fake.with_token(TOKEN))
            observations = observations_from_webhook(bodies[index]).get(PAGE_ID, [])
            comments_ingest(page=page, observations=observations)
        if len(order) in polls or not order:
            page_sync(page=page, graph=fake.with_token(TOKEN))
        result = snapshot()
        transaction.set_rollback(True)
    return result


@pytest.fixture
def page(office):
    return FacebookPageFactory(office=office, page_id=PAGE_ID, token=TOKEN)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_order_and_repetition_of_deliveries_and_polls_converge(page, data):
    steps = data.draw(st.lists(STEP, min_size=1, max_size=10), label="conversation")
    fake, bodies = play(steps)
    n = len(bodies)
    reference = run(page, fake, bodies, list(range(n)), polls={n})

    permutation = data.draw(st.permutations(range(n)), label="order")
    repeats = data.draw(st.lists(st.integers(1, 3), min_size=n, max_size=n), label="repeats")
    order = [i for i in permutation for _ in range(repeats[i])]
    order = data.draw(st.permutations(order), label="shuffled") if order else order
    polls = data.draw(
        st.sets(st.integers(0, len(order)), min_size=1, max_size=3), label="poll positions"
    )

    assert run(page, fake, bodies, order, polls) == reference


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["comment", "reply", "page_reply"]),
            st.integers(0, 7),
            st.integers(0, 1),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_polling_alone_and_webhooks_alone_make_the_same_grievances(page, steps):
    fake, bodies = play(steps)
    # Without edits or removals, either path alone sees everything there is to see.
    by_webhook = run(page, fake, bodies, list(range(len(bodies))), polls=set())
    by_polling = run(page, fake, bodies, [], polls={0})

    webhook_rows, webhook_grievances, webhook_events = by_webhook
    poll_rows, poll_grievances, poll_events = by_polling
    assert webhook_grievances == poll_grievances
    assert webhook_events == poll_events
    assert [r for r in webhook_rows if r[1] == "comment"] == [
        r for r in poll_rows if r[1] == "comment"
    ]
    # The page's own post is only seen by polling: webhooks carried just its comments.
    assert {r[0] for r in poll_rows} - {r[0] for r in webhook_rows} == {
        fake.state.posts.popitem()[0]
    }


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "entry",
                    "id",
                    "time",
                    "changes",
                    "value",
                    "field",
                    "item",
                    "verb",
                    "comment_id",
                    "post_id",
                    "parent_id",
                    "from",
                    "message",
                    "created_time",
                    "object",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(payload=JSON)
def test_a_body_the_shape_check_accepts_never_breaks_ingestion(payload):
    """Whatever Meta (or anyone with the secret) signs: either parked with a reason, or read."""
    if not webhook_payload_problem(payload):
        observations_from_webhook(payload, received_at=T0)
