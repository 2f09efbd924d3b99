import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from PIL import Image

from grievances.forms import normalise_bd_mobile
from grievances.models import Attachment, Grievance
from integrations.notifications.models import SECRET_PLACEHOLDER, Notification
from offices.models import District, Upazila
from tests.grievances.citizen_files import (
    executable_named_jpg,
    jpeg_with_exif,
    oversized_jpeg,
    png,
    private_link,
    real_pdf,
    stored_files,
    text_named_pdf,
    valid_form,
)

pytestmark = pytest.mark.django_db

FILE_URL = "/grievances/new/"


@pytest.fixture(autouse=True)
def _empty_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _nothing_stored() -> None:
    assert Grievance.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert Notification.objects.count() == 0
    assert stored_files() == []


# --- the form, step by step -------------------------------------------------------------------


def test_step_one_asks_for_the_district_only(client):
    response = client.get(FILE_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="district"' in html
    assert 'name="description"' not in html


def test_step_two_offers_only_the_chosen_districts_upazilas(client):
    dhaka = District.objects.get(slug="dhaka")

    response = client.get(FILE_URL, {"district": "dhaka"})

    html = response.content.decode()
    assert 'name="description"' in html
    for upazila in Upazila.objects.filter(district=dhaka):
        assert f'value="{upazila.pk}"' in html
    other = Upazila.objects.exclude(district=dhaka).first()
    assert f'value="{other.pk}"' not in html


def test_the_upazila_list_for_the_script_follows_the_district(client):
    ctg = District.objects.get(slug="chattogram")

    response = client.get(reverse("grievances:upazila-options"), {"district": "chattogram"})

    ids = {row["id"] for row in response.json()["upazilas"]}
    assert ids == set(Upazila.objects.filter(district=ctg).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "junk", ["\x00", "dha\x00ka", "%00", "../dhaka", "ঢাকা", "x" * 5000, "dhaka'--", " "]
)
def test_the_upazila_list_answers_junk_districts_with_an_empty_list(client, junk):
    response = client.get(reverse("grievances:upazila-options"), {"district": junk})

    assert response.status_code == 200
    assert response.json() == {"upazilas": []}


@pytest.mark.parametrize("junk", ["\x00", "dha\x00ka"])
def test_step_one_answers_a_junk_district_with_step_one_again(client, junk):
    response = client.get(FILE_URL, {"district": junk})

    assert response.status_code == 200
    assert 'name="district"' in response.content.decode()
    assert 'name="description"' not in response.content.decode()


def test_the_upazila_list_answers_a_repeated_district_with_the_last_one(client):
    url = reverse("grievances:upazila-options") + "?district=%00&district=chattogram"

    response = client.get(url)

    assert response.status_code == 200
    assert response.json()["upazilas"]


def test_every_asset_is_served_by_the_app(client):
    html = client.get(FILE_URL, {"district": "dhaka"}).content.decode()

    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
    assert "/static/js/upazila.js" in html


# --- bad input: a clear error in the page's language and nothing stored -------------------------


@pytest.mark.parametrize(
    ("overrides", "english_error"),
    [
        ({"description": ""}, "Describe the problem."),
        ({"description": "   "}, "Describe the problem."),
        ({"description": "x" * 5001}, "Keep the description under 5000 characters"),
        ({"citizen_name": "n" * 201}, "Keep the name under 200 characters."),
        ({"citizen_phone": "12345"}, "That is not a Bangladeshi mobile number."),
        ({"citizen_phone": "01212345678"}, "That is not a Bangladeshi mobile number."),
        ({"citizen_phone": "+447700900123"}, "That is not a Bangladeshi mobile number."),
        ({"citizen_email": "not-an-address"}, "That is not an e-mail address."),
        ({"citizen_email": "a@" + "b" * 260 + ".com"}, "That is not an e-mail address."),
        ({"district": "atlantis"}, "Choose a district from the list."),
        ({"district": ""}, "Choose your district."),
        ({"category": ""}, "Choose what the grievance is about."),
        ({"category": "999999"}, "Choose a subject from the list."),
        ({"upazila": "999999"}, "Choose an upazila from the list."),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(english, overrides, english_error):
    response = english.post(FILE_URL, valid_form(**overrides))

    assert response.status_code == 200
    assert english_error in response.content.decode()
    _nothing_stored()


_BAD_INPUTS = [
    {"description": ""},
    {"description": "x" * 5001},
    {"citizen_name": "n" * 201},
    {"citizen_phone": "12345"},
    {"citizen_email": "not-an-address"},
    {"district": "atlantis"},
    {"category": ""},
    {"upazila": "999999"},
]


@pytest.mark.parametrize("overrides", _BAD_INPUTS)
def test_on_the_bangla_page_every_error_is_in_bangla(client, overrides):
    response = client.post(FILE_URL, valid_form(**overrides))

    html = response.content.decode()
    errors = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, flags=re.S)
    assert errors, "the page shows the error next to the field"
    for error in errors:
        text = re.sub(r"<[^>]+>", "", error)
        assert re.search(r"[\u0980-\u09ff]", text), text  # Bangla script
        assert not re.search(r"[A-Za-z]{4,}", text), text  # no English sentence
    _nothing_stored()


def test_an_upazila_of_another_district_is_refused(english):
    chattogram_upazila = Upazila.objects.filter(district__slug="chattogram").first()

    response = english.post(FILE_URL, valid_form(upazila=chattogram_upazila.pk))

    assert "That upazila is not in the chosen district." in response.content.decode()
    _nothing_stored()


@pytest.mark.parametrize(
    ("upload", "english_error"),
    [
        (executable_named_jpg, "is not a photo (JPEG, PNG) or a PDF document."),
        (text_named_pdf, "is not a photo (JPEG, PNG) or a PDF document."),
        (
            lambda: type(real_pdf())("fake.pdf", b"%PDF-1.4 but nothing else", "application/pdf"),
            "is not a valid PDF document.",
        ),
        (
            lambda: type(real_pdf())(
                "broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg"
            ),
            "could not be read as a picture.",
        ),
    ],
)
def test_a_file_is_judged_by_its_content_not_its_name(english, upload, english_error):
    response = english.post(FILE_URL, {**valid_form(), "attachments": [upload()]})

    assert english_error in response.content.decode()
    _nothing_stored()


def test_an_oversized_file_is_refused(english, settings):
    settings.GRIEVANCE_ATTACHMENT_MAX_BYTES = 1024 * 1024

    response = english.post(
        FILE_URL, {**valid_form(), "attachments": [oversized_jpeg(1024 * 1024 + 1)]}
    )

    assert "is too large. Each file may be at most 1 MB." in response.content.decode()
    _nothing_stored()


def test_more_than_three_files_are_refused(english):
    files = [png(f"scan{n}.png") for n in range(4)]

    response = english.post(FILE_URL, {**valid_form(), "attachments": files})

    assert "You can send at most 3 files." in response.content.decode()
    _nothing_stored()


def test_a_pdf_with_javascript_is_refused(english):
    upload = real_pdf()
    content = upload.read().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /JS (x) >>")
    sneaky = type(upload)("sneaky.pdf", content, "application/pdf")

    response = english.post(FILE_URL, {**valid_form(), "attachments": [sneaky]})

    assert "contains scripts, links, forms or embedded files" in response.content.decode()
    _nothing_stored()


def test_errors_are_in_bangla_on_the_bangla_page(client):
    response = client.post(FILE_URL, valid_form(description="", citizen_phone="12345"))

    html = response.content.decode()
    assert "সমস্যাটি বর্ণনা করুন।" in html
    assert "এটি বাংলাদেশের মোবাইল নম্বর নয়।" in html
    assert "Describe the problem." not in html
    _nothing_stored()


def test_the_honeypot_stops_a_bot(english):
    response = english.post(FILE_URL, valid_form(website="http://spam.example"))

    assert "Please leave the last field empty." in response.content.decode()
    _nothing_stored()


# --- what is stored --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "01712345678",
        "০১৭১২৩৪৫৬৭৮",
        "+8801712345678",
        "+৮৮০১৭১২৩৪৫৬৭৮",
        "8801712345678",
        "01712-345678",
        "+880 1712 345 678",
    ],
)
def test_bangladeshi_mobile_numbers_are_normalised(typed):
    assert normalise_bd_mobile(typed) == "+8801712345678"


def test_a_grievance_is_filed_and_the_code_and_link_are_shown_to_that_browser(client):
    response = client.post(
        FILE_URL,
        valid_form(
            citizen_name="রহিম উদ্দিন",
            citizen_phone="০১৭১২৩৪৫৬৭৮",
            citizen_email="rahim@example.com",
        ),
    )

    assert response.status_code == 302
    grievance = Grievance.objects.get()
    assert grievance.citizen_phone == "+8801712345678"
    assert grievance.citizen_email == "rahim@example.com"
    assert grievance.channel == "web"
    assert grievance.language == "bn"
    assert grievance.office.district.slug == "dhaka"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert grievance.tracking_code.replace("-", "") not in html  # shown with Bangla digits
    assert "ঢাকা" in html or "DHA" in html
    link = private_link(html)
    assert link.startswith(f"/track/{grievance.tracking_code}/?key=")
    assert client.get(response["Location"]).status_code == 200  # a reload still shows it
    client.cookies.clear()
    assert client.get(response["Location"]).status_code == 302  # another browser: nothing
    key = link.split("key=")[1]
    assert not any(key in str(s.get_decoded()) for s in Session.objects.all())  # only its hash
    assert key not in grievance.access_key_hash


def test_the_code_and_link_go_by_sms_and_email_in_bangla(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            FILE_URL, valid_form(citizen_phone="01712345678", citizen_email="rahim@example.com")
        )

    assert Grievance.objects.count() == 1
    sms = Notification.objects.get(channel="sms")
    email = Notification.objects.get(channel="email")
    assert sms.recipient == "+8801712345678"
    assert email.recipient == "rahim@example.com"
    assert sms.state == "sent"  # the outbox adapter keeps the text for the admin
    assert "ট্র্যাকিং কোড" in sms.body
    # The link with the key is added only when a real gateway sends it: never stored, and
    # neither the outbox nor the test mailbox (like the console backend) ever sees it.
    for row in (sms, email):
        assert SECRET_PLACEHOLDER in row.body
        assert "key=" not in row.body + row.secret
    assert "key=" not in mail.outbox[0].body


def test_the_private_link_in_messages_comes_from_site_url_never_the_host_header(client, settings):
    settings.SITE_URL = "https://shunani.example.gov.bd"
    settings.ALLOWED_HOSTS = ["*"]

    response = client.post(
        FILE_URL, valid_form(citizen_phone="01712345678"), HTTP_HOST="evil.example.com"
    )

    grievance = Grievance.objects.get()
    sms = Notification.objects.get()  # queued: its task runs only after commit
    assert sms.secret.startswith(
        f"https://shunani.example.gov.bd/track/{grievance.tracking_code}/?key="
    )
    page = client.get(response["Location"], HTTP_HOST="evil.example.com").content.decode()
    assert "evil.example.com" not in page


def test_a_citizen_using_english_gets_english_texts(english):
    english.post(FILE_URL, valid_form(citizen_phone="01712345678"))

    grievance = Grievance.objects.get()
    sms = Notification.objects.get()
    assert grievance.language == "en"
    assert sms.body.startswith("Shunani: your grievance was received.")
    assert grievance.tracking_code in sms.body


def test_an_anonymous_citizens_name_is_not_kept(client):
    client.post(
        FILE_URL,
        valid_form(citizen_name="রহিম", is_anonymous="on", show_name_publicly="on"),
    )

    grievance = Grievance.objects.get()
    assert grievance.citizen_name == ""
    assert grievance.is_anonymous
    assert not grievance.show_name_publicly


def test_exif_is_gone_from_stored_images(client):
    client.post(FILE_URL, {**valid_form(), "attachments": [jpeg_with_exif(), png()]})

    attachments = list(Attachment.objects.order_by("pk"))
    assert [a.content_type for a in attachments] == ["image/jpeg", "image/png"]
    for attachment in attachments:
        path = Path(settings.MEDIA_ROOT) / "attachments" / attachment.file.name
        raw = path.read_bytes()
        assert b"Exif" not in raw
        assert b"SecretPhoneMaker" not in raw
        with Image.open(io.BytesIO(raw)) as image:
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info
    assert attachments[0].original_name == "photo.jpg"


def test_stored_files_get_random_names_outside_any_served_path(client):
    client.post(FILE_URL, {**valid_form(), "attachments": [real_pdf("../../evil.php.pdf")]})

    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert "evil" not in attachment.file.name
    assert attachment.file.name.endswith(".pdf")
    assert attachment.original_name == "evil.php.pdf"
    [stored] = stored_files()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not str(stored).startswith(str(settings.STATIC_ROOT))


def test_big_photos_are_scaled_down(client):
    client.post(FILE_URL, {**valid_form(), "attachments": [jpeg_with_exif(size=(4000, 3000))]})

    path = Path(settings.MEDIA_ROOT) / "attachments" / Attachment.objects.get().file.name
    with Image.open(path) as image:
        assert max(image.size) == 2000


def test_file_errors_are_in_bangla_on_the_bangla_page(client, settings):
    settings.GRIEVANCE_ATTACHMENT_MAX_BYTES = 1024 * 1024

    disguised = client.post(FILE_URL, {**valid_form(), "attachments": [executable_named_jpg()]})
    oversized = client.post(
        FILE_URL, {**valid_form(), "attachments": [oversized_jpeg(1024 * 1024 + 1)]}
    )

    assert "“photo.jpg” কোনো ছবি (JPEG, PNG) বা PDF নথি নয়।" in disguised.content.decode()
    assert "প্রতিটি ফাইল সর্বোচ্চ ১ মেগাবাইট হতে পারে।" in oversized.content.decode()
    _nothing_stored()


def test_the_numbers_in_a_length_error_are_in_bangla_digits_on_the_bangla_page(client):
    response = client.post(FILE_URL, valid_form(description="ক" * 5001))

    html = response.content.decode()
    assert "৫০০০" in html
    assert "৫০০১" in html
    assert "5001" not in html  # (5000 is also the field's maxlength attribute)
    _nothing_stored()


def test_the_numbers_in_a_length_error_stay_latin_on_the_english_page(english):
    response = english.post(FILE_URL, valid_form(description="ক" * 5001))

    assert "under 5000 characters (it has 5001)" in response.content.decode()
