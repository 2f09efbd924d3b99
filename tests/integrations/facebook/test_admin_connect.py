import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from integrations.facebook.models import FacebookPage, FacebookPageState
from tests.integrations.facebook.conftest import PAGE_ID, PAGE_TOKEN, USER_TOKEN
from tests.integrations.facebook.factories import FacebookPageFactory
from tests.offices.factories import district_office

pytestmark = pytest.mark.django_db
CONNECT = "admin:facebook_facebookpage_connect"


@pytest.fixture(autouse=True)
def _graph_is_the_fake(settings, fake_server, fake_graph):
    settings.FACEBOOK_GRAPH_URL = f"{fake_server.base_url}/"
    settings.FACEBOOK_GRAPH_TIMEOUT = 2.0
    fake_graph.state.app_id = settings.FACEBOOK_APP_ID


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def facebook_login(dialog_url: str) -> str:
    """What the browser does at Facebook: consent, then the redirect back to us."""
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(dialog_url, timeout=5)
    assert answer.value.code == 302
    location = urlsplit(answer.value.headers["Location"])
    return f"{location.path}?{location.query}"


def test_the_facebook_login_flow_connects_a_page_end_to_end(admin_client, fake_graph):
    office = district_office("DHA")

    start = admin_client.post(reverse(CONNECT), {"office": office.pk})
    assert start.status_code == 302
    callback = facebook_login(start["Location"])
    choose = admin_client.get(callback)
    assert choose.status_code == 200
    assert "DC Office 12" in choose.content.decode()
    assert PAGE_TOKEN not in choose.content.decode()
    assert USER_TOKEN not in choose.content.decode()
    done = admin_client.post(
        reverse("admin:facebook_facebookpage_connect_callback"), {"page_id": PAGE_ID}
    )

    assert done.status_code == 302
    page = FacebookPage.objects.get()
    assert page.office == office
    assert page.name == "DC Office 12"
    assert page.access_token == PAGE_TOKEN
    assert fake_graph.subscribed_apps(PAGE_ID) == [fake_graph.state.app_name]
    # What the login granted, so private replies are tried only where Facebook allows them.
    assert "MESSAGING" in page.tasks
    assert "pages_messaging" in page.granted_scopes
    assert page.may_send_private_replies


def test_no_token_is_left_in_the_session_table(admin_client):
    start = admin_client.post(reverse(CONNECT), {"office": district_office("DHA").pk})
    admin_client.get(facebook_login(start["Location"]))

    sessions = " ".join(str(s.get_decoded()) for s in Session.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_data FROM django_session")
        raw = " ".join(row[0] for row in cursor.fetchall())

    assert USER_TOKEN not in sessions
    assert USER_TOKEN not in raw


def test_a_forged_state_is_refused(admin_client):
    admin_client.post(reverse(CONNECT), {"office": district_office("DHA").pk})

    response = admin_client.get(
        reverse("admin:facebook_facebookpage_connect_callback"),
        {"code": "fake-code-x", "state": "forged"},
    )

    assert response.status_code == 302
    assert not FacebookPage.objects.exists()


def test_someone_who_is_not_a_superuser_cannot_connect_pages(client, django_user_model):
    staff = django_user_model.objects.create_user(username="staff", password="pw", is_staff=True)
    client.force_login(staff)

    response = client.get(reverse(CONNECT))

    assert response.status_code == 403


def test_the_page_list_shows_pages_needing_attention_first(admin_client, office, other_office):
    FacebookPageFactory(office=office, page_id="1", name="A healthy page")
    FacebookPageFactory(office=other_office, page_id="2", name="B paused page")
    FacebookPageFactory(office=office, page_id="3", name="C dead token")
    FacebookPage.objects.filter(page_id="2").update(
        state=FacebookPageState.PAUSED, paused_until=timezone.now()
    )
    FacebookPage.objects.filter(page_id="3").update(
        state=FacebookPageState.NEEDS_REAUTH, last_error="The page's token has expired"
    )

    response = admin_client.get(reverse("admin:facebook_facebookpage_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("C dead token") < html.index("B paused page") < html.index("A healthy page")
    assert "The page&#x27;s token has expired" in html or "The page's token has expired" in html
    assert PAGE_TOKEN not in html


def test_sync_now_with_the_broker_down_answers_with_the_page_list(
    admin_client, office, broker_down
):
    page = FacebookPageFactory(office=office, page_id=PAGE_ID, token=PAGE_TOKEN)

    response = admin_client.post(
        reverse("admin:facebook_facebookpage_changelist"),
        {"action": "sync_now", "_selected_action": [page.pk]},
    )

    assert response.status_code == 302
