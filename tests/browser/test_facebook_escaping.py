"""What Facebook sends is shown as text: a hostile comment runs nothing and loads nothing."""

import pytest
from django.test import Client

from integrations.facebook.models import FacebookComment
from integrations.facebook.services import page_sync
from offices.models import OfficeRole
from tests.integrations.facebook.conftest import PAGE_ID, PAGE_TOKEN, T0, fake_graph  # noqa: F401
from tests.integrations.facebook.factories import FacebookPageFactory
from tests.offices.factories import OfficeMembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = (
    '<script>alert("script")</script> '
    "<img src=x onerror=\"alert('img')\"> "
    "<a href=\"javascript:alert('link')\">দেখুন</a> "
    '<img src="https://tracker.example/pixel.png">'
)
HOSTILE_NAME = "<img src=x onerror=\"alert('name')\">"


@pytest.fixture
def hostile_grievance(office, fake_graph):  # noqa: F811
    page = FacebookPageFactory(office=office, page_id=PAGE_ID, token=PAGE_TOKEN)
    post = fake_graph.add_post(PAGE_ID, message="<b>নোটিশ</b>", created_time=T0)
    comment_id = fake_graph.add_comment(
        post, message=HOSTILE, from_id="7099", from_name=HOSTILE_NAME, created_time=T0
    )
    page_sync(page=page, graph=fake_graph.with_token(PAGE_TOKEN))
    comment = FacebookComment.objects.get(graph_id=comment_id)
    # A permalink that is not Facebook's: it must never become a link.
    FacebookComment.objects.filter(pk=comment.pk).update(
        raw={**comment.raw, "permalink_url": "javascript:alert('permalink')"}
    )
    return comment.grievance


@pytest.fixture
def signed_in(browser, live_server, office):
    officer = OfficeMembershipFactory(office=office, role=OfficeRole.OFFICER).user
    client = Client()
    client.force_login(officer)
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_hostile_facebook_comment_is_shown_inert(
    signed_in, live_server, hostile_grievance, screenshot
):
    page = signed_in
    dialogs, foreign_requests = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url)
            else foreign_requests.append(request.url)
        ),
    )

    page.goto("/officer/")
    page.locator(f"main a[href='/officer/grievances/{hostile_grievance.pk}/']").first.click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "grievance")

    main = page.locator("main")
    assert dialogs == []
    assert foreign_requests == []
    assert main.locator("script").count() == 0
    assert main.locator("img").count() == 0
    assert main.locator("a[href^='javascript']").count() == 0
    assert '<script>alert("script")</script>' in main.inner_text()
    assert HOSTILE_NAME in main.inner_text()
