"""The national dashboard, a district page and the public statistics at 360 px and 1366 px:
the 64-district map, no sideways scrolling, axe-core clean. Screenshots go to
artifacts/screenshots/."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from dashboards.summaries import summaries_refresh
from grievances.models import Grievance, GrievanceChannel
from grievances.services import grievance_accept, grievance_create, grievance_resolve
from tests.offices.factories import UserFactory, district_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests"  # UserFactory's password
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 740}
_axe = Axe()


@pytest.fixture(params=["phone", "desktop"])
def page(request, browser, live_server) -> Iterator[object]:
    size = PHONE if request.param == "phone" else DESKTOP
    context = browser.new_context(
        viewport=size,
        locale="bn-BD",
        base_url=live_server.url,
        is_mobile=request.param == "phone",
        has_touch=request.param == "phone",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.size = request.param
    yield page
    context.close()


@pytest.fixture
def history(db):
    """Enough in Dhaka for a coloured district; a little elsewhere; one overdue."""
    now = timezone.now()
    dhaka = district_office("DHA")
    for i in range(24):
        grievance, _ = grievance_create(
            office=dhaka,
            channel=GrievanceChannel.FACEBOOK_COMMENT if i % 3 == 0 else GrievanceChannel.WEB,
            description=f"অভিযোগ {i}",
            received_at=now - timedelta(days=40 - i),
        )
        grievance_accept(grievance=grievance, actor=None)
        if i < 22:
            grievance_resolve(
                grievance=grievance, actor=None, outcome="action_taken", note="করা হয়েছে"
            )
    for code in ("CTG", "SYL", "RAJ"):
        grievance_create(office=district_office(code), channel="web", description="অভিযোগ")
    late = Grievance.objects.filter(office=dhaka, status="accepted").first()
    Grievance.objects.filter(pk=late.pk).update(due_at=now - timedelta(days=3))
    summaries_refresh()


def _sign_in(page, user, live_server) -> None:  # type: ignore[no-untyped-def]
    """Signed in with every step passed (two-factor included), as the test client does."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto("/officer/")


def _check(page, name: str, screenshot) -> None:  # type: ignore[no-untyped-def]
    max_width = PHONE["width"] if page.size == "phone" else DESKTOP["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= max_width, f"{page.url} scrolls sideways ({width} px)"
    violations = [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}"
        for v in _axe.run(page).response["violations"]
    ]
    assert violations == [], f"{page.url}: {violations}"
    screenshot(page, f"{name}-{page.size}")


def test_the_national_dashboard(page, history, screenshot, live_server):
    _sign_in(page, UserFactory(is_national=True), live_server)
    page.get_by_role("link", name="ড্যাশবোর্ড").first.click()
    page.wait_for_url("**/dashboard/")

    expect(page.locator("svg.bd-map path.district")).to_have_count(64)
    expect(page.locator("svg.bd-map path.district.band-4")).to_have_count(1)  # Dhaka, 100 %
    expect(page.locator(".ranking tbody tr")).to_have_count(64)
    expect(page.locator(".updated")).to_contain_text("হালনাগাদ")
    _check(page, "national", screenshot)

    # Sorting is a link: it works without JavaScript.
    page.locator(".ranking thead a").nth(1).click()
    expect(page.locator(".ranking tbody tr").first).to_contain_text("ঢাকা")


def test_a_district_page(page, history, screenshot, live_server):
    _sign_in(page, UserFactory(is_national=True), live_server)
    page.goto("/dashboard/dhaka/")

    expect(page.locator("h1")).to_contain_text("ঢাকা")
    expect(page.locator(".overdue-list li")).to_have_count(1)
    _check(page, "district", screenshot)


def test_the_public_statistics(page, history, screenshot):
    page.goto("/stats/")

    expect(page.locator("svg.bd-map path.district")).to_have_count(64)
    expect(page.locator("#d-dhaka")).to_contain_text("২৪")
    _check(page, "stats", screenshot)
