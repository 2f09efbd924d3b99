"""A citizen on a cheap phone, in Bangla: file with a photo, track, add information, feedback.

Screenshots of every page are saved under artifacts/screenshots/ (git-ignored).
"""

import io
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from core.digits import to_bangla_digits, to_latin_digits
from grievances.models import Attachment, Grievance, GrievanceEvent
from grievances.services import grievance_accept, grievance_resolve
from tests.browser.conftest import PHONE
from tests.grievances.factories import GrievanceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "আমাদের ইউনিয়নের রাস্তা তিন মাস ধরে ভাঙা। বর্ষায় স্কুলে যাওয়া যায় না।"
PHONE_BN = "০১৭১২৩৪৫৬৭৮"
_axe = Axe()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _photo_with_gps() -> dict[str, object]:
    image = Image.new("RGB", (1200, 900), (90, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"
    exif[0x8825] = {1: "N", 2: (23.0, 48.0, 0.0), 3: "E", 4: (90.0, 24.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return {"name": "rasta.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _check_page(page) -> None:  # type: ignore[no-untyped-def]
    """Fits a 360 px screen, and axe-core finds no accessibility violation."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways ({width} px)"
    results = _axe.run(page)
    violations = [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]
    ]
    assert violations == [], f"{page.url}: {violations}"


def test_a_citizen_files_with_a_photo_tracks_it_and_adds_information(phone, screenshot):
    page = phone

    # Home: what the service is, file, track, districts.
    page.goto("/")
    _check_page(page)
    screenshot(page, "01-home")
    page.get_by_role("link", name="অভিযোগ করুন").first.click()

    # Step 1: the district.
    page.get_by_label("জেলা").select_option("dhaka")
    _check_page(page)
    screenshot(page, "02-file-step1")
    page.get_by_role("button", name="পরবর্তী").click()

    # Step 2: the rest, with a photo that carries GPS in its EXIF.
    page.get_by_label("উপজেলা").select_option(index=1)
    page.get_by_label("অভিযোগটি কী বিষয়ে?").select_option(index=1)
    page.get_by_label("সমস্যাটি বর্ণনা করুন").fill(DESCRIPTION)
    page.get_by_label("ছবি বা নথি (ঐচ্ছিক)").set_input_files([_photo_with_gps()])
    page.get_by_label("মোবাইল নম্বর (ঐচ্ছিক)").fill(PHONE_BN)
    _check_page(page)
    screenshot(page, "03-file-step2-filled")
    page.get_by_role("button", name="অভিযোগ পাঠান").click()

    # The code and the private link, once.
    code_bn = page.locator("#tracking-code").inner_text().strip()
    code = to_latin_digits(code_bn)
    assert re.fullmatch(r"DHA-\d{4}-\d{5}", code)
    assert code_bn == to_bangla_digits(code)
    private_href = page.locator("#private-link").get_attribute("href")
    assert private_href.startswith(f"/track/{code}/?key=")
    _check_page(page)
    screenshot(page, "04-filed")

    grievance = Grievance.objects.get(tracking_code=code)
    assert grievance.citizen_phone == "+8801712345678"
    stored = Path(settings.MEDIA_ROOT) / "attachments" / Attachment.objects.get().file.name
    assert b"SecretPhoneMaker" not in stored.read_bytes()

    # Track publicly, typing the code with Bangla digits on the home page.
    page.goto("/")
    page.get_by_label("ট্র্যাকিং কোড").fill(code_bn.lower())
    page.get_by_role("button", name="দেখুন").click()
    page.wait_for_url(f"**/track/{code}/")
    public_html = page.content()
    assert "নতুন" in public_html
    for secret in (DESCRIPTION, PHONE_BN, "1712345678", "rasta.jpg"):
        assert secret not in public_html
    _check_page(page)
    screenshot(page, "05-track-public")

    # The private link: everything they sent, and "add information".
    page.goto(private_href)
    assert DESCRIPTION in page.content()
    assert "rasta.jpg" in page.content()
    _check_page(page)
    screenshot(page, "06-track-private")
    page.get_by_label("আপনি কী যোগ করতে চান?").fill("আজ আরও একটি গর্ত হয়েছে, ছবি দিলাম।")
    page.locator("#add").get_by_label("ছবি বা নথি (ঐচ্ছিক)").set_input_files([_photo_with_gps()])
    page.get_by_role("button", name="যোগ করুন").click()
    page.get_by_text("ধন্যবাদ। আপনার তথ্য যোগ করা হয়েছে।").wait_for()
    assert "আজ আরও একটি গর্ত হয়েছে" in page.content()
    _check_page(page)
    screenshot(page, "07-info-added")

    event = GrievanceEvent.objects.get(kind=GrievanceEvent.Kind.CITIZEN_INFO)
    assert event.grievance_id == grievance.pk
    assert event.attachments.count() == 1


def test_a_citizen_says_a_resolved_grievance_was_not_fixed_and_it_reopens(
    phone, screenshot, office, officer
):
    page = phone
    grievance = GrievanceFactory(office=office, description=DESCRIPTION)
    key = grievance.access_key
    grievance = grievance_accept(grievance=grievance, actor=officer)
    grievance_resolve(
        grievance=grievance, actor=officer, outcome="action_taken", note="রাস্তা মেরামত করা হয়েছে।"
    )

    page.goto(f"/track/{grievance.tracking_code}/?key={key}")
    assert "রাস্তা মেরামত করা হয়েছে।" in page.content()
    _check_page(page)
    screenshot(page, "01-resolved-private")

    form = page.locator("#feedback")
    form.get_by_role("radio", name="না", exact=True).check()
    form.get_by_role("radio", name="২", exact=True).check()  # Bangla digits in the Bangla UI
    form.get_by_label("মন্তব্য (ঐচ্ছিক)").fill("কাজ অর্ধেক হয়েছে।")
    form.get_by_label("আবার খুলুন: জেলা কার্যালয় আবার এটি নিয়ে কাজ করবে").check()
    screenshot(page, "02-feedback-filled")
    form.get_by_role("button", name="মতামত পাঠান").click()
    page.get_by_text("আপনার মতামতের জন্য ধন্যবাদ।").wait_for()
    _check_page(page)
    screenshot(page, "03-feedback-sent")

    grievance.refresh_from_db()
    assert grievance.status == "in_progress"
    assert grievance.tier == 1
    assert grievance.feedback.get().rating == 2


def test_filing_works_without_javascript(browser, live_server, screenshot):
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=False, locale="bn-BD", base_url=live_server.url
    )
    page = context.new_page()
    try:
        page.goto("/grievances/new/")
        page.get_by_label("জেলা").select_option("chattogram")
        page.get_by_role("button", name="পরবর্তী").click()
        upazila_options = page.get_by_label("উপজেলা").locator("option").count()
        page.get_by_label("অভিযোগটি কী বিষয়ে?").select_option(index=1)
        page.get_by_label("সমস্যাটি বর্ণনা করুন").fill(DESCRIPTION)
        screenshot(page, "01-no-js-step2")
        page.get_by_role("button", name="অভিযোগ পাঠান").click()

        assert page.locator("#tracking-code").inner_text().startswith("CTG-")
        assert upazila_options > 1
        assert Grievance.objects.get().district.slug == "chattogram"
    finally:
        context.close()


def test_with_javascript_the_upazila_list_follows_the_district(phone):
    page = phone
    page.goto("/grievances/new/?district=dhaka")

    page.locator("select[name=district]").select_option("chattogram")
    # Playwright's own waits: a string for wait_for_function is eval()ed, which the page's
    # Content-Security-Policy rightly refuses.
    upazila = page.get_by_label("উপজেলা")
    expect(upazila).to_be_enabled()
    expect(upazila).to_contain_text(re.compile("পটিয়া|হাটহাজারী"))

    names = upazila.locator("option").all_inner_texts()
    assert any("চট্টগ্রাম" in n or "পটিয়া" in n or "হাটহাজারী" in n for n in names[1:]), names


def test_a_mistake_is_explained_in_bangla_and_the_english_switch_works(phone, screenshot):
    page = phone
    page.goto("/grievances/new/?district=dhaka")

    page.get_by_label("মোবাইল নম্বর (ঐচ্ছিক)").fill("12345")
    page.get_by_role("button", name="অভিযোগ পাঠান").click()

    summary = page.locator("#error-summary")
    assert "সমস্যাটি বর্ণনা করুন।" in summary.inner_text()
    assert "এটি বাংলাদেশের মোবাইল নম্বর নয়।" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_by_label("মোবাইল নম্বর (ঐচ্ছিক)").get_attribute("aria-invalid") == "true"
    _check_page(page)
    screenshot(page, "01-errors-bn")
    assert not Grievance.objects.exists()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto("/grievances/new/?district=dhaka")
    assert page.get_by_label("Describe the problem").is_visible()
    _check_page(page)
    screenshot(page, "02-form-en")


def test_the_keyboard_moves_through_the_form_in_reading_order(phone):
    page = phone
    page.goto("/grievances/new/?district=dhaka")
    page.locator("select[name=district]").focus()

    order = []
    for _ in range(12):
        order.append(
            page.evaluate(
                "document.activeElement.name || document.activeElement.tagName.toLowerCase()"
            )
        )
        page.keyboard.press("Tab")

    assert order == [
        "district",
        "upazila",
        "category",
        "description",
        "attachments",
        "citizen_name",
        "citizen_phone",
        "citizen_email",
        "is_anonymous",
        "show_name_publicly",
        "summary",  # the privacy notice opens from the keyboard too
        "button",  # send; the honeypot field is never reached
    ]


def _fill_step_two(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/grievances/new/?district=dhaka")
    page.get_by_label("অভিযোগটি কী বিষয়ে?").select_option(index=1)
    page.get_by_label("সমস্যাটি বর্ণনা করুন").fill(DESCRIPTION)


def test_a_double_submit_makes_one_grievance(phone, screenshot):
    page = phone
    _fill_step_two(page)

    # A double tap, then the same form sent once more (a retry over a slow link).
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.get_by_role("button", name="অভিযোগ পাঠান").dblclick()
    page.locator("#tracking-code").wait_for()
    first_code = page.locator("#tracking-code").inner_text()
    first_link = page.locator("#private-link").get_attribute("href")
    resend = page.request.post(
        "/grievances/new/",
        headers={"content-type": sent.value.headers["content-type"]},
        data=sent.value.post_data_buffer,
    )
    assert resend.ok

    page.goto("/grievances/filed/")
    assert page.locator("#tracking-code").inner_text() == first_code
    assert page.locator("#private-link").get_attribute("href") == first_link
    assert Grievance.objects.count() == 1
    _check_page(page)
    screenshot(page, "01-filed-once")

    # Back: an empty form with a new token (the page is never stored and its text is not
    # restored), not a filled one ready to send the same grievance again.
    page.go_back()
    page.get_by_label("সমস্যাটি বর্ণনা করুন").wait_for()
    assert page.get_by_label("সমস্যাটি বর্ণনা করুন").input_value() == ""
    screenshot(page, "02-back-to-an-empty-form")
    page.get_by_role("button", name="অভিযোগ পাঠান").click()
    page.locator("#error-summary").wait_for()
    assert Grievance.objects.count() == 1


def test_reload_of_the_filed_page_still_shows_the_code(phone, browser, live_server, screenshot):
    page = phone
    _fill_step_two(page)
    page.get_by_role("button", name="অভিযোগ পাঠান").click()
    code = page.locator("#tracking-code").inner_text()
    link = page.locator("#private-link").get_attribute("href")

    page.reload()

    assert page.locator("#tracking-code").inner_text() == code
    assert page.locator("#private-link").get_attribute("href") == link
    _check_page(page)
    screenshot(page, "01-filed-after-reload-360")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "02-filed-after-reload-1366")

    # Another browser (or someone else later) does not get the code and the link.
    other = browser.new_context(locale="bn-BD", base_url=live_server.url)
    stranger = other.new_page()
    stranger.goto("/grievances/filed/")
    assert stranger.locator("#private-link").count() == 0
    other.close()


def test_a_photo_is_kept_when_the_description_is_missing(phone, screenshot):
    page = phone
    page.goto("/grievances/new/?district=dhaka")
    page.get_by_label("অভিযোগটি কী বিষয়ে?").select_option(index=1)
    page.get_by_label("ছবি বা নথি (ঐচ্ছিক)").set_input_files([_photo_with_gps()])
    page.get_by_role("button", name="অভিযোগ পাঠান").click()

    kept = page.locator("#kept-files")
    assert "rasta.jpg" in kept.inner_text()
    _check_page(page)
    screenshot(page, "01-photo-kept-360")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "02-photo-kept-1366")

    page.get_by_label("সমস্যাটি বর্ণনা করুন").fill(DESCRIPTION)
    page.get_by_role("button", name="অভিযোগ পাঠান").click()
    page.locator("#tracking-code").wait_for()
    assert Attachment.objects.get().original_name == "rasta.jpg"


def test_an_unknown_code_and_a_damaged_link_are_explained(phone, screenshot):
    page = phone
    grievance = GrievanceFactory()

    page.goto("/track/DHA-2612-99999/")
    assert "DHA-২৬১২-০০০১২" in page.locator("#code-not-found").inner_text()
    _check_page(page)
    screenshot(page, "01-unknown-code")

    page.goto(f"/track/{grievance.tracking_code}/?key={grievance.access_key[:-3]}")
    assert "ভুল বা অসম্পূর্ণ" in page.locator("#wrong-key").inner_text()
    _check_page(page)
    screenshot(page, "02-damaged-link")

    page.goto("/no-such-page/")
    assert "পাতাটি পাওয়া যায়নি" in page.content()
    _check_page(page)
    screenshot(page, "03-404")
