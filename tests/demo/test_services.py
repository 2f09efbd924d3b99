import json
import threading
from pathlib import Path

import pytest

from accounts.models import User
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


def test_demo_staff_have_names_in_english_and_in_bangla_and_a_rerun_keeps_them():
    demo_seed()
    gro = User.objects.get(username="dha-gro")
    before = (gro.first_name, gro.last_name, gro.full_name_bn)

    demo_seed()

    gro.refresh_from_db()
    assert (gro.first_name, gro.last_name, gro.full_name_bn) == before
    assert gro.first_name.isascii()
    assert gro.last_name.isascii()
    assert not gro.full_name_bn.isascii()  # Bangla
    names = list(User.objects.values_list("full_name_bn", flat=True))
    assert len(set(names)) == len(names)  # every demo person is someone else


def test_an_older_seeds_nameless_user_gets_a_name_on_the_next_run():
    User.objects.create(username="dha-officer", first_name="Dhaka officer")

    demo_seed()

    user = User.objects.get(username="dha-officer")
    assert user.full_name_bn
    assert user.last_name


def test_the_demo_pages_comments_arrive_with_triage_suggestions(seeded_fake_server, settings):
    from grievances.models import Grievance
    from integrations.facebook.services import page_sync
    from triage.models import Suggestion, TriageSetting

    settings.FACEBOOK_SYNC_WINDOW_DAYS = 3650  # the seed's posts are of a fixed date
    demo_seed()
    demo_connect_pages()
    for page in FacebookPage.objects.all():
        page_sync(page=page)

    suggestions = Suggestion.objects.all()
    assert suggestions.count() == Grievance.objects.filter(channel__startswith="facebook").count()
    assert {"grievance", "praise", "question", "abuse_spam"} <= set(
        suggestions.values_list("intent", flat=True)
    )
    assert TriageSetting.objects.get(office__code="DHA").auto_set_aside
    # The demo office sets praise and spam aside when sure: some were, none was a grievance.
    aside = suggestions.filter(set_aside=True)
    assert aside.exists()
    assert set(aside.values_list("intent", flat=True)) <= {"praise", "abuse_spam"}
    assert all(s.grievance.status == "not_grievance" for s in aside)
