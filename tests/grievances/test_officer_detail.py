"""The officer's grievance page: the citizen's files, the place, and the reply composer."""

import re

import pytest
from django.urls import reverse

from grievances.attachments import clean_upload
from grievances.models import Attachment, GrievanceChannel, Reply
from grievances.services import grievance_add_citizen_info
from offices.models import Upazila
from tests.grievances.citizen_files import jpeg_with_exif, real_pdf, valid_form
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _page(client, grievance, **params):
    return client.get(reverse("grievances:officer-grievance", args=[grievance.pk]), params)


def _reply(client, grievance, **data):
    return client.post(reverse("grievances:officer-reply", args=[grievance.pk]), data)


@pytest.fixture
def filed_with_photo(client):
    """Filed through the citizen's form with a photo; later a PDF added with the private key."""
    client.post("/grievances/new/", {**valid_form(), "attachments": [jpeg_with_exif("rasta.jpg")]})
    photo = Attachment.objects.get()
    grievance = photo.grievance
    grievance_add_citizen_info(
        grievance=grievance, text="রসিদ দিলাম", files=[clean_upload(real_pdf("receipt.pdf"))]
    )
    client.logout()
    return grievance


def _download_url(attachment):
    return reverse(
        "grievances:attachment-download", args=[attachment.grievance.tracking_code, attachment.pk]
    )


# --- item 1: evidence ---------------------------------------------------------------------------


def test_every_file_is_listed_images_as_thumbnails_pdfs_as_downloads(
    client, officer, filed_with_photo
):
    photo, pdf = Attachment.objects.order_by("pk")
    client.force_login(officer)

    html = _page(client, filed_with_photo).content.decode()

    evidence = html.split('id="evidence-title"')[1].split("</section>")[0]
    assert re.search(
        rf'<img class="thumb" src="{_download_url(photo)}" width="160" height="120"', evidence
    )
    assert f'href="{_download_url(pdf)}" download' in evidence
    assert f'<img class="thumb" src="{_download_url(pdf)}"' not in html  # a PDF is never an image
    assert "rasta.jpg" in evidence
    assert "receipt.pdf" in evidence
    assert 'style="' not in evidence  # the page's CSP allows no inline style


def test_the_thumbnail_loads_for_the_officer_and_for_no_other_office(
    client, officer, other_officer, filed_with_photo
):
    photo = Attachment.objects.order_by("pk").first()
    client.force_login(officer)
    assert client.get(_download_url(photo))["Content-Type"] == "image/jpeg"

    client.force_login(other_officer)
    assert _page(client, filed_with_photo).status_code == 404
    assert client.get(_download_url(photo)).status_code == 404


def test_the_citizens_addition_shows_in_the_timeline_with_its_file(
    client, officer, filed_with_photo
):
    pdf = Attachment.objects.order_by("pk").last()
    client.force_login(officer)

    html = _page(client, filed_with_photo).content.decode()

    addition = html.split('class="event event-citizen_info"')[1].split("</li>\n</ul>")[0]
    assert "রসিদ দিলাম" in addition
    assert _download_url(pdf) in addition


def test_a_grievance_without_files_says_so(client, officer, office):
    client.force_login(officer)

    html = _page(client, GrievanceFactory(office=office)).content.decode()

    assert "নাগরিক কোনো ফাইল পাঠাননি।" in html


def test_the_upazila_is_shown_with_the_district(client, officer, office):
    upazila = Upazila.objects.filter(district=office.district).first()
    grievance = GrievanceFactory(office=office, district=office.district, upazila=upazila)
    client.force_login(officer)

    html = _page(client, grievance).content.decode()

    assert f"<dd>{upazila.name}, {office.district.name}</dd>" in html


# --- item 7: a template's placeholder -----------------------------------------------------------


def test_a_reply_still_holding_the_templates_placeholder_is_not_sent(client, officer, office):
    grievance = GrievanceFactory(office=office)
    client.force_login(officer)
    body = _page(client, grievance, template="resolution").context["reply_form"].initial["body"]
    assert "…" in body

    response = _reply(client, grievance, body=body, send="1")

    assert response.status_code == 200
    assert not Reply.objects.exists()
    assert "পাঠানোর আগে লেখার “…” অংশে কী করা হয়েছে তা লিখুন।" in response.content.decode()

    _reply(client, grievance, body=body.replace("…", "রাস্তা মেরামত করা হয়েছে।"), send="1")
    assert Reply.objects.count() == 1


def test_the_placeholder_error_is_in_english_in_the_english_interface(client, officer, office):
    grievance = GrievanceFactory(office=office)
    client.force_login(officer)
    client.cookies["django_language"] = "en"

    response = _reply(client, grievance, body="We have done …", send="1")

    assert "Replace the “…” in the text with what was done before sending." in (
        response.content.decode()
    )
    assert not Reply.objects.exists()


# --- item 9: a Facebook citizen is answered on Facebook by default ------------------------------


@pytest.mark.parametrize(
    ("channel", "ticked"),
    [
        (GrievanceChannel.FACEBOOK_COMMENT, True),
        (GrievanceChannel.FACEBOOK_POST, True),
        (GrievanceChannel.WEB, False),
    ],
)
def test_the_facebook_box_is_ticked_by_default_on_a_facebook_grievance(
    client, officer, office, channel, ticked
):
    grievance = GrievanceFactory(office=office, channel=channel)
    client.force_login(officer)

    response = _page(client, grievance)

    assert response.context["reply_form"]["to_facebook"].value() is ticked
    checkbox = re.search(
        r'<input type="checkbox" name="to_facebook"[^>]*>', response.content.decode()
    )
    if channel == GrievanceChannel.WEB:
        assert checkbox is None  # nothing to post under
    else:
        assert checkbox is not None
        assert "checked" in checkbox.group(0)
        # The label sits with its box, in the same row.
        assert re.search(
            r'<div class="check"><input type="checkbox" name="to_facebook"[^>]*> '
            r'<label for="id_to_facebook">',
            response.content.decode(),
        )


def test_the_officer_may_untick_the_facebook_box(client, officer, office):
    grievance = GrievanceFactory(office=office, channel=GrievanceChannel.FACEBOOK_COMMENT)
    client.force_login(officer)

    preview = _reply(client, grievance, body="আমরা দেখছি", preview="1")
    assert preview.context["reply_form"]["to_facebook"].value() is False
    _reply(client, grievance, body="আমরা দেখছি", send="1")

    assert Reply.objects.get().to_facebook is False
