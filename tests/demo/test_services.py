import json
import threading
from pathlib import Path

import pytest

from demo.services import FAKE_PAGE_OFFICES, demo_connect_pages, demo_seed
from integrations.facebook.fake_server import make_server
from integrations.facebook.graph_fake import FakeGraphApi, load_seed
from integrations.facebook.models import FacebookPage
from offices.models import OfficeMembership

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[2] / "integrations" / "facebook" / "fake_seed.json"


@pytest.fixture
def seeded_fake_server(settings):
    fake = FakeGraphApi()
    load_seed(fake, json.loads(SEED.read_text(encoding="utf-8")))
    server = make_server(fake, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.FACEBOOK_GRAPH_URL = f"{server.base_url}/"
    yield fake
    server.shutdown()
    server.server_close()


def test_demo_seed_is_idempotent_and_gives_each_demo_office_three_roles():
    first = demo_seed()
    second = demo_seed()

    assert [login.username for login in first] == [login.username for login in second]
    assert OfficeMembership.objects.filter(office__code="DHA").count() == 3


def test_the_fake_servers_demo_pages_are_connected_to_their_offices(seeded_fake_server):
    demo_connect_pages()
    demo_connect_pages()  # again: nothing doubles

    pages = {page.page_id: page.office.code for page in FacebookPage.objects.all()}
    assert pages == FAKE_PAGE_OFFICES
    dhaka = FacebookPage.objects.get(office__code="DHA")
    assert dhaka.access_token.startswith("EAAShunaniFakePageToken")
    assert set(seeded_fake_server.state.subscriptions) == set(FAKE_PAGE_OFFICES)
