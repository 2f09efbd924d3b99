import re

import pytest
from django.conf import settings
from django.urls import reverse

from core.digits import to_bangla_digits
from grievances.models import Attachment, GrievanceEvent
from grievances.services import grievance_accept, grievance_resolve
from offices.models import OfficeRole
from tests.grievances.citizen_files import (
    jpeg_with_exif,
    private_link,
    real_pdf,
    stored_files,
    valid_form,
)
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory

pytestmark = pytest.mark.django_db

PHONE = "+8801819876543"
PHONE_LOCAL = "01819876543"
EMAIL = "rahim.secret@example.com"
DESCRIPTION = "গোপন বর্ণনা: চেয়ারম্যান টাকা চেয়েছেন"
NAME = "রহিম উদ্দিন গোপন"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def filed(client):
    """A grievance filed through the form with phone, e-mail, description, name and a photo."""
    response = client.post(
        "/grievances/new/",
        {
            **valid_form(
                description=DESCRIPTION,
                citizen_name=NAME,
                citizen_phone=PHONE_LOCAL,
                citizen_email=EMAIL,
            ),
            "attachments": [jpeg_with_exif("my-photo.jpg")],
        },
    )
    link = private_link(client.get(response["Location"]).content.decode())
    code = link.split("/")[2]
    key = link.split("key=")[1]
    return code, key


def _assert_no_private_data(html: str) -> None:
    for secret in (
        PHONE,
        PHONE_LOCAL,
        to_bangla_digits(PHONE_LOCAL),
        "1819876543",
        EMAIL,
        "rahim.secret",
        DESCRIPTION,
        "চেয়ারম্যান টাকা",
        NAME,
        "my-photo",
        "/files/",
    ):
        assert secret not in html, f"{secret!r} leaked"


def _public_urls(code: str) -> list[str]:
    return [
        "/",
        f"/track/{code}/",
        f"/track/?code={code}",
        f"/track/{code.lower()}/",
        f"/track/{to_bangla_digits(code)}/",
        f"/track/{code}/?key=wrong",
        f"/track/{code}/?key=",
        reverse("grievances:upazila-options") + "?district=dhaka",
    ]


def test_no_public_response_contains_phone_email_description_or_name(client, filed):
    code, _ = filed
    anonymous = type(client)()

    for url in _public_urls(code):
        response = anonymous.get(url, follow=True)
        assert response.status_code == 200, url
        _assert_no_private_data(response.content.decode())
        for _, redirect_headers in [(None, response)]:
            _assert_no_private_data(str(redirect_headers.headers))


def test_a_crawl_of_every_public_page_finds_no_private_data(client, filed):
    code, _ = filed
    anonymous = type(client)()
    seen: set[str] = set()
    queue = ["/", f"/track/{code}/", f"/track/?code={code}"]

    while queue and len(seen) < 300:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = anonymous.get(url)
        assert response.status_code in (200, 302, 404), url
        _assert_no_private_data(response.content.decode() + str(response.headers))
        if response.status_code == 302:
            queue.append(response["Location"])
        for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            if not href.startswith(("/static/", "/admin/", "/accounts/", "/officer/")):
                queue.append(href)

    assert f"/track/{code}/" in seen
    assert any(url.startswith("/grievances/new/?district=") for url in seen)


def test_the_public_page_shows_status_office_category_dates_and_deadline(client, filed):
    code, _ = filed

    html = type(client)().get(f"/track/{code}/").content.decode()

    assert "নতুন" in html or "New" in html
    assert "ঢাকা" in html
    assert "প্রথম জবাবের শেষ তারিখ" in html
    assert to_bangla_digits(code) in html  # Bangla digits in the Bangla UI


def test_the_public_page_shows_the_name_only_if_the_citizen_chose_to(client):
    shown = GrievanceFactory(citizen_name="করিম প্রকাশ্য", show_name_publicly=True)
    hidden = GrievanceFactory(citizen_name="করিম গোপন", show_name_publicly=False)

    assert "করিম প্রকাশ্য" in client.get(f"/track/{shown.tracking_code}/").content.decode()
    assert "করিম গোপন" not in client.get(f"/track/{hidden.tracking_code}/").content.decode()


def test_the_public_page_shows_the_deadline_and_that_it_is_overdue(client, office, officer):
    grievance = grievance_accept(grievance=GrievanceFactory(office=office), actor=officer)
    type(grievance).objects.filter(pk=grievance.pk).update(due_at="2020-01-01T00:00:00Z")

    html = client.get(f"/track/{grievance.tracking_code}/").content.decode()

    assert "জবাবের শেষ তারিখ" in html
    assert "২০২০" in html
    assert "সময় পেরিয়ে গেছে" in html


def test_the_public_page_shows_the_offices_answer(client, office, officer):
    grievance = grievance_accept(
        grievance=GrievanceFactory(office=office, description=DESCRIPTION), actor=officer
    )
    grievance_resolve(
        grievance=grievance, actor=officer, outcome="action_taken", note="রাস্তা মেরামত হয়েছে।"
    )

    html = client.get(f"/track/{grievance.tracking_code}/").content.decode()

    assert "রাস্তা মেরামত হয়েছে।" in html
    assert DESCRIPTION not in html


def test_a_wrong_key_shows_the_public_page_and_says_the_link_is_wrong(client, filed):
    code, key = filed

    public = client.get(f"/track/{code}/").content.decode()
    wrong = client.get(f"/track/{code}/?key={key[:-1]}x").content.decode()

    notice = re.compile(r'<div class="card warning" role="alert" id="wrong-key">.*?</div>', re.S)
    assert "এই ব্যক্তিগত লিংকটি ভুল বা অসম্পূর্ণ।" in wrong
    assert 'id="wrong-key"' not in public
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    strip_next = lambda html: re.sub(r'name="next" value="[^"]+"', "", strip(html))  # noqa: E731
    assert strip_next(notice.sub("", wrong)) == strip_next(public)  # nothing else differs


def test_codes_tried_in_sequence_reveal_nothing_private(client, office):
    grievances = [
        GrievanceFactory(
            office=office,
            description=f"{DESCRIPTION} {n}",
            citizen_phone=PHONE,
            citizen_email=EMAIL,
            citizen_name=NAME,
        )
        for n in range(3)
    ]
    prefix = grievances[0].tracking_code.rsplit("-", 1)[0]

    statuses = []
    for number in range(1, 8):
        response = client.get(f"/track/{prefix}-{number:05d}/")
        statuses.append(response.status_code)
        _assert_no_private_data(response.content.decode())

    assert statuses == [200, 200, 200, 404, 404, 404, 404]


def test_a_malformed_code_is_a_404_and_the_lookup_form_explains(client):
    assert client.get("/track/not-a-code/").status_code == 404

    response = client.get("/track/", {"code": "hello"})

    assert "এটি ট্র্যাকিং কোডের মতো নয়।" in response.content.decode()


def test_the_lookup_accepts_bangla_digits_and_any_spacing(client):
    grievance = GrievanceFactory()
    typed = to_bangla_digits(grievance.tracking_code.lower().replace("-", " "))

    response = client.get("/track/", {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == f"/track/{grievance.tracking_code}/"


# --- the citizen's own view -----------------------------------------------------------------


def test_the_key_opens_everything_the_citizen_sent(client, filed):
    code, key = filed

    response = client.get(f"/track/{code}/?key={key}")

    html = response.content.decode()
    assert DESCRIPTION in html
    assert EMAIL in html
    assert to_bangla_digits(PHONE) in html
    assert "my-photo.jpg" in html
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == "same-origin"


def test_files_download_only_with_the_key_and_never_inline(client, filed):
    code, key = filed
    attachment = Attachment.objects.get()
    url = reverse("grievances:attachment-download", args=[code, attachment.pk])

    allowed = client.get(f"{url}?key={key}")
    refused = [client.get(url), client.get(f"{url}?key=wrong")]

    assert allowed.status_code == 200
    assert allowed["Content-Disposition"].startswith("attachment;")
    assert allowed["Content-Type"] == "image/jpeg"
    assert allowed["X-Content-Type-Options"] == "nosniff"
    assert b"".join(allowed.streaming_content).startswith(b"\xff\xd8")
    assert [r.status_code for r in refused] == [404, 404]


def test_an_officer_of_the_office_may_download_and_others_may_not(client, filed, other_officer):
    code, _ = filed
    attachment = Attachment.objects.get()
    url = reverse("grievances:attachment-download", args=[code, attachment.pk])
    own_officer = OfficeMembershipFactory(
        office=attachment.grievance.office, role=OfficeRole.OFFICER
    ).user

    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    client.force_login(own_officer)
    assert client.get(url).status_code == 200


def test_the_key_of_one_grievance_opens_no_file_of_another(client, filed):
    code, key = filed
    other = GrievanceFactory()
    client.post(
        f"/track/{other.tracking_code}/add/",
        {"key": other.access_key, "text": "x", "attachments": [real_pdf()]},
    )
    other_file = Attachment.objects.get(grievance=other)

    response = client.get(
        reverse("grievances:attachment-download", args=[code, other_file.pk]) + f"?key={key}"
    )

    assert response.status_code == 404


def test_adding_information_records_a_private_event_with_files(client, filed):
    code, key = filed

    response = client.post(
        f"/track/{code}/add/",
        {"key": key, "text": "আরও একটি ছবি দিলাম", "attachments": [real_pdf("receipt.pdf")]},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(f"/track/{code}/?key={key}")
    event = GrievanceEvent.objects.get(kind=GrievanceEvent.Kind.CITIZEN_INFO)
    assert event.note == "আরও একটি ছবি দিলাম"
    assert not event.is_public
    assert event.actor is None
    assert [a.original_name for a in event.attachments.all()] == ["receipt.pdf"]
    html = client.get(response["Location"]).content.decode()
    assert "আরও একটি ছবি দিলাম" in html
    assert "আরও একটি ছবি দিলাম" not in client.get(f"/track/{code}/").content.decode()


def test_adding_nothing_is_refused(client, filed):
    code, key = filed

    response = client.post(f"/track/{code}/add/", {"key": key, "text": "  "})

    assert "কিছু লিখুন অথবা একটি ফাইল যুক্ত করুন।" in response.content.decode()
    assert not GrievanceEvent.objects.filter(kind=GrievanceEvent.Kind.CITIZEN_INFO).exists()


def test_adding_a_disguised_file_is_refused_and_nothing_is_stored(client, filed):
    code, key = filed
    exe = type(real_pdf())("notes.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")

    response = client.post(f"/track/{code}/add/", {"key": key, "text": "x", "attachments": [exe]})

    assert "PDF" in response.content.decode()
    assert Attachment.objects.count() == 1  # only the photo filed with the grievance
    assert not GrievanceEvent.objects.filter(kind=GrievanceEvent.Kind.CITIZEN_INFO).exists()


def test_adding_with_a_wrong_key_changes_nothing_and_says_the_link_is_wrong(client, filed):
    code, _ = filed

    response = client.post(f"/track/{code}/add/", {"key": "guess", "text": "spam"})

    assert response.status_code == 302
    assert response["Location"] == f"/track/{code}/?wrong_key=1"
    assert not GrievanceEvent.objects.filter(kind=GrievanceEvent.Kind.CITIZEN_INFO).exists()


def test_key_attempts_are_rate_limited_per_client(client, filed, settings):
    code, key = filed
    settings.RATE_LIMITS = {"access-key": (3, 600)}

    statuses = [client.get(f"/track/{code}/?key=guess{n}").status_code for n in range(3)]
    blocked = client.get(f"/track/{code}/?key={key}")

    assert statuses == [200, 200, 200]
    assert blocked.status_code == 429
    assert "অনেকবার চেষ্টা করা হয়েছে" in blocked.content.decode()
    assert "Too many attempts" in blocked.content.decode()
    assert int(blocked["Retry-After"]) > 0
    assert DESCRIPTION not in blocked.content.decode()


def test_a_spoofed_forwarded_for_does_not_escape_the_key_limit(client, filed, settings):
    code, _ = filed
    settings.RATE_LIMITS = {"access-key": (2, 600)}
    settings.TRUSTED_PROXY_COUNT = 0

    statuses = [
        client.get(f"/track/{code}/?key=g{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 429, 429]


def test_the_media_root_is_not_served(client, filed):
    attachment = Attachment.objects.get()

    for url in (f"/media/{attachment.file.name}", f"/attachments/{attachment.file.name}"):
        assert client.get(url).status_code == 404
    assert "media" not in settings.STATIC_URL


def test_a_grievance_collects_at_most_twelve_files(client, filed):
    code, key = filed  # one photo filed with it
    for n in range(11):
        client.post(f"/track/{code}/add/", {"key": key, "attachments": [real_pdf(f"r{n}.pdf")]})
    before = sorted(stored_files())

    response = client.post(f"/track/{code}/add/", {"key": key, "attachments": [real_pdf()]})

    assert "একটি অভিযোগে সর্বোচ্চ ১২টি ফাইল থাকতে পারে।" in response.content.decode()
    assert Attachment.objects.count() == 12
    assert sorted(stored_files()) == before


def test_public_lookups_without_a_key_are_rate_limited_per_client(client, filed, settings):
    code, key = filed
    settings.RATE_LIMITS = {"track": (3, 600)}
    walk = [f"/track/{code[:-5]}{n:05d}/" for n in range(90001, 90003)]  # codes are sequential

    statuses = [client.get(url).status_code for url in [f"/track/{code}/", *walk]]
    blocked = client.get(f"/track/{code}/")

    assert statuses == [200, 404, 404]
    assert blocked.status_code == 429
    assert "অনেকবার চেষ্টা করা হয়েছে" in blocked.content.decode()
    assert "Too many attempts" in blocked.content.decode()
    assert int(blocked["Retry-After"]) > 0
    assert client.get(f"/track/{code}/?key={key}").status_code == 200  # the citizen's own link
