"""Oversized request bodies are refused before anything reads or parses them."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from grievances.models import Attachment, Grievance
from tests.grievances.citizen_files import png, stored_files, valid_form

pytestmark = pytest.mark.django_db

FILE_URL = "/grievances/new/"
WEBHOOK_URL = "/integrations/facebook/webhook/"


@pytest.fixture(autouse=True)
def _small_limit(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REQUEST_BODY_MAX_BYTES = 256 * 1024


class _UnreadableBody(io.RawIOBase):
    """A wsgi.input that fails the test if anyone reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def _nothing_stored() -> None:
    assert Grievance.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files() == []


def _big_file(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * size, "image/png")


def test_a_body_over_the_limit_is_refused_with_413_and_nothing_is_stored(client):
    response = client.post(FILE_URL, {**valid_form(), "attachments": [_big_file(300 * 1024)]})

    assert response.status_code == 413
    assert response["Connection"] == "close"
    _nothing_stored()


def test_the_413_page_is_in_bangla_and_english(client):
    response = client.post(FILE_URL, {**valid_form(), "attachments": [_big_file(300 * 1024)]})

    html = response.content.decode()
    assert "একবারে অনেক বেশি পাঠানো হয়েছে" in html
    assert "Too much sent at once" in html
    assert "At most 0 MB" not in html


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body():
    response = Client().generic(
        "POST",
        FILE_URL,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(96 * 1024 * 1024),
        **{"wsgi.input": _UnreadableBody()},
    )

    assert response.status_code == 413


def test_a_refusal_comes_before_the_csrf_check():
    client = Client(enforce_csrf_checks=True)

    response = client.post(FILE_URL, {**valid_form(), "attachments": [_big_file(300 * 1024)]})

    assert response.status_code == 413


def test_a_chunked_body_without_a_length_is_refused():
    response = Client().generic(
        "POST",
        FILE_URL,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": _UnreadableBody()},
    )

    assert response.status_code == 411
    _nothing_stored()


def test_a_body_under_the_limit_is_filed(client):
    response = client.post(FILE_URL, {**valid_form(), "attachments": [png()]})

    assert response.status_code == 302
    assert Grievance.objects.count() == 1


def test_the_webhook_keeps_its_own_limit(client):
    body = b"{" + b" " * (300 * 1024) + b"}"

    response = client.post(WEBHOOK_URL, body, content_type="application/json")

    assert response.status_code != 413


def test_more_files_than_a_request_may_carry_are_refused_before_any_is_stored(client):
    files = [png(f"scan{n}.png") for n in range(12)]

    response = client.post(FILE_URL, {**valid_form(), "attachments": files})

    assert response.status_code == 400
    assert "একবারে সর্বোচ্চ ৩টি ফাইল" in response.content.decode()
    _nothing_stored()


def test_the_default_limits_are_well_below_the_attack():
    from config.settings import base

    assert base.REQUEST_BODY_MAX_BYTES == 16 * 1024 * 1024
    assert base.DATA_UPLOAD_MAX_NUMBER_FILES == 10
    middleware = settings.MIDDLEWARE
    assert middleware.index("core.request_limits.RequestBodyLimitMiddleware") < middleware.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )
