"""Fixtures for the Graph port: the in-memory fake, the fake server, both adapters.

Nothing here needs Django or a database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from integrations.facebook.fake_server import FakeGraphServer, FaultRule, make_server
from integrations.facebook.graph import GraphApi
from integrations.facebook.graph_fake import FakeGraphApi
from integrations.facebook.graph_http import HttpGraphApi
from integrations.facebook.models import FacebookComment
from integrations.facebook.services import page_sync
from tests.integrations.facebook.factories import FacebookPageFactory

PAGE_ID = "104512345678901"
PAGE_TOKEN = "page-token-dc12"
OTHER_PAGE_ID = "104598765432109"
OTHER_PAGE_TOKEN = "page-token-dc34"
USER_ID = "100000000000042"
USER_TOKEN = "user-token-admin"
CITIZEN = ("7012345678901234", "Asha Verma")
PRIVATE_CITIZEN = ("7034567890123456", "Meena Das")
APP_SECRET = "test-app-secret"
# Two days ago at 04:00 UTC: inside the sync window on whatever day the suite runs, so no
# test depends on the date it was written.
T0 = datetime.combine(datetime.now(UTC).date() - timedelta(days=2), time(4, 0), tzinfo=UTC)


@pytest.fixture
def fake_graph() -> FakeGraphApi:
    """A store with two pages, an admin user and two citizens, clock frozen at T0 + 1 day."""
    fake = FakeGraphApi()
    fake.state.app_secret = APP_SECRET
    fake.state.clock.freeze(T0 + timedelta(days=1))
    fake.add_page(PAGE_ID, name="DC Office 12", access_token=PAGE_TOKEN)
    fake.add_page(OTHER_PAGE_ID, name="DC Office 34", access_token=OTHER_PAGE_TOKEN)
    fake.add_user(USER_ID, name="Admin", access_token=USER_TOKEN, page_ids=[PAGE_ID])
    fake.add_user(CITIZEN[0], name=CITIZEN[1])
    fake.add_user(PRIVATE_CITIZEN[0], name=PRIVATE_CITIZEN[1], hides_identity=True)
    return fake


@pytest.fixture
def fake_server(fake_graph: FakeGraphApi) -> Iterator[FakeGraphServer]:
    """The fake Graph API server on a free loopback port, serving `fake_graph`."""
    server = make_server(fake_graph, port=0)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    if server.webhooks is not None:
        server.webhooks.stop()


@pytest.fixture
def fake_graph_url(fake_server: FakeGraphServer) -> str:
    return f"{fake_server.base_url}/v25.0"


def http_graph_for(url: str, token: str = PAGE_TOKEN, **kwargs: Any) -> HttpGraphApi:
    options: dict[str, Any] = {"app_secret": APP_SECRET, "timeout": 0.5, "page_size": 2}
    options.update(kwargs)
    return HttpGraphApi(base_url=url, access_token=token, **options)


@pytest.fixture(params=["in_memory", "http_to_fake_server"])
def graph_for(
    request: pytest.FixtureRequest, fake_graph: FakeGraphApi
) -> Callable[[str], GraphApi]:
    """Both adapters over the same data, acting with a given token."""
    if request.param == "in_memory":
        return fake_graph.with_token
    url = request.getfixturevalue("fake_graph_url")
    # Proof required, small pages: the contract runs over the paths production takes.
    fake_graph.state.require_appsecret_proof = True
    return lambda token: http_graph_for(url, token)


@pytest.fixture
def graph(graph_for: Callable[[str], GraphApi]) -> GraphApi:
    """The page's adapter (each contract test runs once per adapter)."""
    return graph_for(PAGE_TOKEN)


@pytest.fixture
def http_graph(fake_graph_url: str) -> HttpGraphApi:
    """HttpGraphApi -> fake server, with a short timeout for the timeout faults."""
    return http_graph_for(fake_graph_url)


@pytest.fixture
def fault(fake_server: FakeGraphServer) -> Callable[..., FaultRule]:
    def add(action: str, **kwargs: Any) -> FaultRule:
        params = kwargs.pop("params", {})
        return fake_server.add_fault(FaultRule(action=action, params=params, **kwargs))

    return add


def seed_thread(fake: FakeGraphApi, *, comments: int = 5, post_id: str = "") -> str:
    """A page post with `comments` citizen comments a minute apart; returns the post id."""
    post_id = post_id or fake.add_post(PAGE_ID, message="Notice", created_time=T0)
    for n in range(comments):
        fake.add_comment(
            post_id,
            message=f"complaint {n}",
            from_id=CITIZEN[0],
            created_time=T0 + timedelta(minutes=n + 1),
            notify=False,
        )
    return post_id


# --- replies: a citizen's comment already ingested, Graph over HTTP ----------------------------


@pytest.fixture
def replies_over_http(settings, fake_server) -> None:
    """Replies go to the fake server over HTTP, and the duplicate check runs without waiting."""
    settings.FACEBOOK_GRAPH_URL = f"{fake_server.base_url}/"
    settings.FACEBOOK_GRAPH_TIMEOUT = 1.0
    settings.FACEBOOK_REPLY_CHECK_DELAY_SECONDS = 0


@pytest.fixture
def comment(office, fake_graph):
    """A citizen's comment on the page, already ingested as a grievance."""
    page = FacebookPageFactory(office=office, page_id=PAGE_ID, token=PAGE_TOKEN)
    post = fake_graph.add_post(PAGE_ID, message="নোটিশ", created_time=T0)
    comment_id = fake_graph.add_comment(
        post, message="রাস্তার বাতি নষ্ট", from_id=CITIZEN[0], created_time=T0
    )
    page_sync(page=page, graph=fake_graph.with_token(PAGE_TOKEN))
    # Replies are matched by time against our clock: let Facebook's clock run like ours.
    fake_graph.state.clock.unfreeze()
    return FacebookComment.objects.select_related("grievance").get(graph_id=comment_id)
