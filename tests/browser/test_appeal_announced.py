"""The divisional appeal officer (GRO) in Bangla: an appeal arrives announced (the bell, the
notification) and badged in their default inbox tab, at 360 px and at 1366 px; axe-core clean.

The GRO signs in with two-factor: the test client's verified session is handed to the browser.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from core.digits import to_bangla_digits
from grievances.models import GrievanceOutcome, StaffNotification
from grievances.services import grievance_accept, grievance_appeal, grievance_resolve
from offices.models import OfficeRole
from tests.browser.conftest import PHONE
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
GRO_NAME_BN = "তাহমিনা চৌধুরী"
_axe = Axe()


def _check_page(page, width: int) -> None:  # type: ignore[no-untyped-def]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways ({scroll} px)"
    results = _axe.run(page)
    violations = [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]
    ]
    assert violations == [], f"{page.url}: {violations}"


@pytest.fixture
def appeal(office):
    """A Dhaka DC office grievance, answered, then appealed by the citizen."""
    officer = OfficeMembershipFactory(office=office, role=OfficeRole.OFFICER).user
    grievance = grievance_accept(grievance=GrievanceFactory(office=office), actor=officer)
    grievance = grievance_resolve(
        grievance=grievance, actor=officer, outcome=GrievanceOutcome.SERVICE_PROVIDED, note="ok"
    )
    return grievance


@pytest.fixture
def divisional_gro(office):
    return OfficeMembershipFactory(
        office=office.parent,
        role=OfficeRole.GRO,
        user__first_name="Tahmina",
        user__last_name="Chowdhury",
        user__full_name_bn=GRO_NAME_BN,
    ).user


def _signed_in(browser, live_server, user, viewport):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)  # two-factor verified (tests/conftest.py)
    context = browser.new_context(
        viewport=viewport,
        locale="bn-BD",
        base_url=live_server.url,
        is_mobile=viewport == PHONE,
        has_touch=viewport == PHONE,
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1366"])
def test_an_appeal_appears_announced_and_badged_in_the_divisional_gros_default_tab(
    browser, live_server, screenshot, appeal, divisional_gro, viewport
):
    appealed = grievance_appeal(grievance=appeal, actor=None, reason="সমস্যার সমাধান হয়নি")
    code_bn = to_bangla_digits(appealed.tracking_code)
    context, page = _signed_in(browser, live_server, divisional_gro, viewport)
    try:
        page.goto("/officer/")
        # The default tab is "appeals waiting", with the appeal on it, badged.
        current = page.locator("main .tabs li.current")
        assert "আপিল অপেক্ষমাণ" in current.inner_text()
        row = page.locator("main .inbox-row").filter(has_text=code_bn)
        assert row.locator(".badge-appeal").inner_text().strip() == "আপিল"
        # The bell announces it, counted in Bangla digits.
        bell = page.locator("nav.officer-nav a.bell")
        assert bell.locator(".badge").inner_text().strip().endswith("১")
        _check_page(page, viewport["width"])
        screenshot(page, "inbox")

        bell.click()
        page.wait_for_url("**/officer/notifications/")
        item = page.locator("main .notification.unread")
        assert "আপনার দপ্তরে আপিল" in item.inner_text()
        assert code_bn in item.inner_text()
        _check_page(page, viewport["width"])
        screenshot(page, "notifications")

        with page.expect_navigation():
            item.get_by_role("button").click()
        assert page.locator("main .notification.unread").count() == 0
        assert page.locator("nav.officer-nav a.bell .badge").count() == 0
        assert StaffNotification.objects.get(user=divisional_gro).read_at is not None
        screenshot(page, "notifications-read")
    finally:
        context.close()
