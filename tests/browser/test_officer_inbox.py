"""The officer's inbox at 360 px and 1366 px: an overdue untriaged grievance is labelled and
counted, the dense desktop table, axe-core clean. Screenshots go to artifacts/screenshots/."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from core.digits import to_bangla_digits
from grievances.models import Grievance
from grievances.services import grievance_create
from offices.models import OfficeRole
from tests.browser.conftest import PHONE
from tests.offices.factories import OfficeMembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests"  # UserFactory's password
DESKTOP = {"width": 1366, "height": 900}
_axe = Axe()


@pytest.fixture
def desktop(browser, live_server) -> Iterator[object]:
    context = browser.new_context(viewport=DESKTOP, locale="bn-BD", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _sign_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/officer/")
    page.wait_for_url("**/accounts/login/**")
    main = page.locator("main")
    main.locator("#id_username").fill(user.username)
    main.locator("#id_password").fill(PASSWORD)
    main.get_by_role("button", name="লগইন করুন").click()
    page.wait_for_url("**/officer/")


def _check_page(page, max_width: int) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= max_width, f"{page.url} scrolls sideways ({width} px)"
    violations = [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}"
        for v in _axe.run(page).response["violations"]
    ]
    assert violations == [], f"{page.url}: {violations}"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_an_overdue_untriaged_grievance_is_labelled_and_counted(request, office, screenshot, size):
    page = request.getfixturevalue(size)
    officer = OfficeMembershipFactory(office=office, role=OfficeRole.OFFICER).user
    late, _key = grievance_create(
        office=office,
        channel="web",
        description="ইউনিয়ন পরিষদের সামনের নালা বন্ধ, পানি জমে থাকে।",
        citizen_name="রহিম উদ্দিন",
        citizen_phone="+8801711234567",
    )
    Grievance.objects.filter(pk=late.pk).update(
        first_response_due_at=timezone.now() - timedelta(days=10)
    )
    for n in range(3):
        grievance_create(office=office, channel="web", description=f"রাস্তার বাতি নষ্ট {n}")
    width = PHONE["width"] if size == "phone" else DESKTOP["width"]

    _sign_in(page, officer)
    main = page.locator("main")
    overdue_tab = main.locator(".tabs a", has_text="মেয়াদোত্তীর্ণ")
    assert overdue_tab.locator(".count").inner_text().strip() == "১"
    row = main.locator(
        ".inbox-row", has=page.get_by_role("link", name=to_bangla_digits(late.tracking_code))
    )
    assert "কর্মদিবস দেরি" in row.locator(".overdue-label").inner_text()
    assert not main.locator("details.filters").evaluate("d => d.open")  # no filter set
    _check_page(page, width)
    screenshot(page, f"inbox-{size}")

    if size == "desktop":  # j / k move between rows, Enter opens one (static/js/inbox-keys.js)
        page.keyboard.press("j")
        page.keyboard.press("j")
        page.keyboard.press("k")
        focused = page.evaluate("document.activeElement.textContent")
        assert focused == to_bangla_digits(late.tracking_code)

    overdue_tab.click()
    page.wait_for_url("**tab=overdue**")
    assert main.locator(".inbox-row").count() == 1
    screenshot(page, f"inbox-overdue-{size}")

    # Found by the caller's number, typed as they say it.
    page.goto("/officer/?tab=all&q=০১৭১১-২৩৪৫৬৭")
    assert main.locator(".inbox-row").count() == 1
    assert main.locator("details.filters").evaluate("d => d.open")
    _check_page(page, width)
    screenshot(page, f"inbox-search-{size}")

    main.get_by_role("link", name=to_bangla_digits(late.tracking_code)).click()
    page.wait_for_url(f"**/officer/grievances/{late.pk}/")
    assert "কর্মদিবস দেরি" in main.locator(".overdue-label").first.inner_text()
    screenshot(page, f"detail-{size}")


def test_national_viewers_get_the_dense_table_too(
    desktop, live_server, screenshot, office, national_user
):
    """Without the tick column (national viewers write nothing) every cell of a row still sits
    on one line under its heading at desktop width."""
    from django.conf import settings
    from django.test import Client

    grievance_create(office=office, channel="web", description="রাস্তার বাতি দুই সপ্তাহ ধরে নষ্ট।")
    client = Client()
    client.force_login(national_user)  # two-factor verified (tests/conftest.py)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page = desktop
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto("/officer/?tab=all")

    row = page.locator("main .inbox-row").first
    code = row.locator(".code-cell").bounding_box()
    for cell in ("place", "category", "channel", "age", "deadline-cell", "assignee"):
        box = row.locator(f".{cell}").bounding_box()
        assert abs(box["y"] - code["y"]) < 4, f"{cell} is not on the row's line"
        head = page.locator(f"main .inbox-head .{cell}").bounding_box()
        assert abs(box["x"] - head["x"]) < 2, f"{cell} is not under its heading"
    _check_page(page, DESKTOP["width"])
    screenshot(page, "inbox-national-desktop")


def test_the_tick_box_sits_in_its_own_column_at_desktop_width(desktop, office):
    """The tick box is not stretched to a form field's width over the tracking code."""
    officer = OfficeMembershipFactory(office=office, role=OfficeRole.OFFICER).user
    grievance_create(office=office, channel="web", description="রাস্তার বাতি দুই সপ্তাহ ধরে নষ্ট।")
    _sign_in(desktop, officer)

    row = desktop.locator("main .inbox-row").first
    tick = row.locator(".select input").bounding_box()
    code = row.locator("a.code").bounding_box()
    assert tick["width"] < 40
    assert tick["x"] + tick["width"] <= code["x"]
    for cell in ("code-cell", "place", "assignee"):
        box = row.locator(f".{cell}").bounding_box()
        head = desktop.locator(f"main .inbox-head .{cell}").bounding_box()
        assert abs(box["x"] - head["x"]) < 2, f"{cell} is not under its heading"
