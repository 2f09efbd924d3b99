"""A citizen on a slow phone: resends, reloads, Back, and a photo kept across an error."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone

from grievances.models import Attachment, FilingToken, Grievance
from grievances.pending_uploads import PENDING_MAX_AGE, pending_sweep
from grievances.services import grievance_file_once
from grievances.tasks import citizen_leftovers_sweep_task
from integrations.notifications.models import Notification
from offices.models import District
from tests.grievances.citizen_files import (
    jpeg_with_exif,
    png,
    private_link,
    stored_files,
    valid_form,
)

pytestmark = pytest.mark.django_db

FILE_URL = "/grievances/new/"
TOKEN = "a-one-time-token-of-the-form-0001"


@pytest.fixture(autouse=True)
def _empty_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _form_token(client) -> str:
    html = client.get(FILE_URL, {"district": "dhaka"}).content.decode()
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "step two carries a one-time token"
    return match.group(1)


# --- 12: a double tap or a resend files one grievance ---------------------------------------


def test_a_resent_form_files_one_grievance_and_shows_that_one(client):
    form = valid_form(form_token=_form_token(client), citizen_phone="01712345678")

    first = client.post(FILE_URL, form)
    first_link = private_link(client.get(first["Location"]).content.decode())
    client.cookies.clear()  # the first answer never reached the phone
    second = client.post(FILE_URL, form)
    second_link = private_link(client.get(second["Location"]).content.decode())

    grievance = Grievance.objects.get()
    assert second_link == first_link
    assert first_link.startswith(f"/track/{grievance.tracking_code}/?key=")
    assert client.get(second_link).status_code == 200
    assert Notification.objects.filter(channel="sms").count() == 1  # one SMS, not two


def test_each_opening_of_the_form_gets_its_own_token(client):
    assert _form_token(client) != _form_token(client)
    client.post(FILE_URL, valid_form(form_token=_form_token(client)))
    client.post(FILE_URL, valid_form(form_token=_form_token(client)))
    assert Grievance.objects.count() == 2


def test_the_token_table_keeps_only_a_hash_and_a_sealed_key(client):
    token = _form_token(client)
    response = client.post(FILE_URL, valid_form(form_token=token))
    key = private_link(client.get(response["Location"]).content.decode()).split("key=")[1]
    row = FilingToken.objects.get()
    assert token not in row.token_hash
    assert key not in row.sealed_key
    assert key.encode().hex() != row.sealed_key


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_one_form_make_one_grievance():
    district = District.objects.get(slug="dhaka")
    results: list[str] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        try:
            barrier.wait()
            grievance, key = grievance_file_once(
                form_token=TOKEN, district=district, description="রাস্তা ভাঙা।"
            )
            results.append(f"{grievance.pk}:{key}")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Grievance.objects.count() == 1
    assert len(results) == 4
    assert len(set(results)) == 1


# --- 13: the filed page survives a reload; Back offers no ready form -------------------------


def test_a_reload_of_the_filed_page_still_shows_the_code_and_the_link(client):
    response = client.post(FILE_URL, valid_form(form_token=_form_token(client)))
    first = client.get(response["Location"])
    reload = client.get(response["Location"])

    assert reload.status_code == 200
    assert private_link(reload.content.decode()) == private_link(first.content.decode())
    assert "no-store" in reload["Cache-Control"]


def test_the_filed_page_is_for_that_browser_only(client):
    response = client.post(FILE_URL, valid_form(form_token=_form_token(client)))
    assert Client().get(response["Location"]).status_code == 302


def test_the_form_and_its_error_page_are_never_stored_by_the_browser(client):
    assert "no-store" in client.get(FILE_URL, {"district": "dhaka"})["Cache-Control"]
    refused = client.post(FILE_URL, valid_form(description="", form_token=_form_token(client)))
    assert refused.status_code == 200
    assert "no-store" in refused["Cache-Control"]


# --- 14: a valid photo is kept when another field has an error -------------------------------


def _kept_token(html: str) -> str:
    match = re.search(r'name="pending_files" value="([^"]+)"', html)
    assert match, "the refused form keeps the photo for the next submit"
    return match.group(1)


def test_a_photo_is_kept_when_another_field_has_an_error(client):
    refused = client.post(
        FILE_URL, valid_form(description="", attachments=jpeg_with_exif("rasta.jpg"))
    )
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "আগের চেষ্টা থেকে রাখা আছে, আবার যুক্ত করতে হবে না:" in html
    assert "rasta.jpg" in html
    assert not Grievance.objects.exists()

    client.post(FILE_URL, valid_form(pending_files=_kept_token(html)))

    attachment = Attachment.objects.get()
    assert attachment.original_name == "rasta.jpg"
    assert attachment.content_type == "image/jpeg"
    assert len(stored_files()) == 1


def test_a_new_file_replaces_the_kept_one(client):
    html = client.post(
        FILE_URL, valid_form(description="", attachments=jpeg_with_exif("old.jpg"))
    ).content.decode()

    client.post(FILE_URL, valid_form(pending_files=_kept_token(html), attachments=png("new.png")))

    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["new.png"]


def test_a_forged_kept_token_attaches_nothing(client):
    client.post(FILE_URL, valid_form(pending_files="pending/../../etc/passwd"))

    assert Grievance.objects.count() == 1
    assert not Attachment.objects.exists()


def test_kept_files_are_swept_after_an_hour(client):
    client.post(FILE_URL, valid_form(description="", attachments=jpeg_with_exif()))
    assert len(stored_files()) == 1

    assert pending_sweep(now=time.time() + PENDING_MAX_AGE - 60) == 0
    assert pending_sweep(now=time.time() + PENDING_MAX_AGE + 60) == 1
    assert stored_files() == []


def test_old_filing_tokens_and_kept_files_are_swept_by_the_hourly_task(client):
    client.post(FILE_URL, valid_form(form_token=_form_token(client)))
    FilingToken.objects.update(created_at=timezone.now() - timedelta(days=3))
    client.post(FILE_URL, valid_form(form_token=_form_token(client)))

    result = citizen_leftovers_sweep_task()

    assert result == {"pending_files": 0, "filing_tokens": 1}
    assert FilingToken.objects.count() == 1
    assert "grievances.tasks.citizen_leftovers_sweep_task" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
