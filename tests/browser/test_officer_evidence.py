"""A citizen files with a photo on a phone; the district office's GRO sees the thumbnail.

The GRO looks at the grievance page at 1366 px (two columns: the grievance and its record on
one side, the actions on the other) and at 360 px (one column, nothing scrolls sideways), and
without JavaScript. Screenshots go to artifacts/screenshots/.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from core.digits import to_latin_digits
from grievances.models import Attachment, Grievance
from offices.models import OfficeRole
from tests.browser.conftest import PHONE
from tests.browser.test_citizen_journeys import DESCRIPTION, _check_page, _photo_with_gps
from tests.offices.factories import OfficeMembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}
_axe = Axe()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _file_with_a_photo(page) -> Grievance:  # type: ignore[no-untyped-def]
    """The citizen's two steps on the phone, with a photo; the grievance they made."""
    page.goto("/grievances/new/")
    page.get_by_label("জেলা").select_option("dhaka")
    page.get_by_role("button", name="পরবর্তী").click()
    page.get_by_label("উপজেলা").select_option(index=1)
    page.get_by_label("অভিযোগটি কী বিষয়ে?").select_option(index=1)
    page.get_by_label("সমস্যাটি বর্ণনা করুন").fill(DESCRIPTION)
    page.get_by_label("ছবি বা নথি (ঐচ্ছিক)").set_input_files([_photo_with_gps()])
    page.get_by_role("button", name="অভিযোগ পাঠান").click()
    code = to_latin_digits(page.locator("#tracking-code").inner_text().strip())
    return Grievance.objects.select_related("upazila", "district").get(tracking_code=code)


def _signed_in_as(browser, live_server, user, **context_options):  # type: ignore[no-untyped-def]
    """A browser context holding `user`'s session (two-factor done, as after the sign-in pages)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="bn-BD", base_url=live_server.url, **context_options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _assert_thumbnail_shown(page, attachment: Attachment) -> None:  # type: ignore[no-untyped-def]
    thumb = page.locator("#evidence-title + ul img.thumb")
    assert thumb.count() == 1
    assert thumb.get_attribute("src").endswith(f"/files/{attachment.pk}/")
    # The browser fetched and decoded the picture (the download URL lets the GRO in).
    thumb.evaluate("img => img.decode()")
    assert thumb.evaluate("img => img.naturalWidth") == 1200
    box = thumb.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (160, 120)


def _assert_axe_clean(page) -> None:  # type: ignore[no-untyped-def]
    violations = [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}"
        for v in _axe.run(page).response["violations"]
    ]
    assert violations == [], f"{page.url}: {violations}"


def test_a_citizen_files_with_a_photo_and_the_gro_sees_the_thumbnail(
    browser, live_server, phone, screenshot, office
):
    grievance = _file_with_a_photo(phone)
    photo = Attachment.objects.get(grievance=grievance)
    gro = OfficeMembershipFactory(office=grievance.office, role=OfficeRole.GRO).user
    url = f"/officer/grievances/{grievance.pk}/"

    # At a desk: the grievance and its record on the left, the actions on the right.
    context, page = _signed_in_as(browser, live_server, gro, viewport=DESK)
    page.goto(url)
    _assert_thumbnail_shown(page, photo)
    main = page.locator("main")
    assert f"{grievance.upazila.name_bn}, {grievance.district.name_bn}" in main.inner_text()
    grievance_box = main.locator("article.grievance").bounding_box()
    actions_box = main.locator("section.actions").bounding_box()
    record_box = main.locator("section.timeline.internal").bounding_box()
    assert actions_box["x"] > grievance_box["x"] + grievance_box["width"]
    assert actions_box["y"] < grievance_box["y"] + grievance_box["height"]  # side by side
    assert record_box["x"] == grievance_box["x"]
    assert main.bounding_box()["width"] > 1024
    _assert_axe_clean(page)
    screenshot(page, "01-gro-1366")
    context.close()

    # On a phone: one column, nothing scrolls sideways, axe clean.
    context, page = _signed_in_as(
        browser, live_server, gro, viewport=PHONE, is_mobile=True, has_touch=True
    )
    page.goto(url)
    _assert_thumbnail_shown(page, photo)
    _check_page(page)
    screenshot(page, "02-gro-360")
    context.close()

    # Without JavaScript the picture and its download are still there.
    context, page = _signed_in_as(
        browser, live_server, gro, viewport=PHONE, java_script_enabled=False
    )
    page.goto(url)
    _assert_thumbnail_shown(page, photo)
    download = page.locator("#evidence-title + ul").get_by_role("link", name="ছবি ডাউনলোড করুন")
    assert download.get_attribute("href") == page.locator("img.thumb").get_attribute("src")
    context.close()
