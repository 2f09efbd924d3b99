"""Dead ends speak Bangla (with English): error pages, unknown codes, wrong keys."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views import defaults

from grievances.models import Feedback
from tests.grievances.citizen_files import valid_form
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_address_is_a_404_in_bangla_and_english(client):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "পাতাটি পাওয়া যায়নি" in html
    assert "Page not found" in html


def test_a_refused_page_is_a_403_in_bangla_and_english():
    request = RequestFactory().get("/")
    response = defaults.permission_denied(request, PermissionDenied())

    html = response.content.decode()
    assert response.status_code == 403
    assert "এই পাতাটি আপনার জন্য খোলা নয়" in html
    assert "This page is not open to you" in html


def test_a_server_error_is_a_500_in_bangla_and_english():
    response = defaults.server_error(RequestFactory().get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "আমাদের দিকে একটি সমস্যা হয়েছে" in html
    assert "Something went wrong on our side" in html


def test_an_expired_form_is_explained_in_bangla_and_english():
    response = Client(enforce_csrf_checks=True).post("/grievances/new/", valid_form())

    html = response.content.decode()
    assert response.status_code == 403
    assert "ফর্মটির মেয়াদ শেষ হয়ে গিয়েছিল" in html
    assert "The form had expired" in html
    assert "কিছুই জমা হয়নি" in html


@pytest.mark.parametrize("code", ["DHA-2612-99999", "not-a-code"])
def test_an_unknown_tracking_code_shows_what_a_code_looks_like(client, code):
    response = client.get(f"/track/{code}/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "DHA-২৬১২-০০০১২" in html
    assert "কোডটি আবার দেখুন" in html
    assert 'name="code"' in html  # the lookup form, to try again


def test_an_unknown_tracking_code_is_shown_with_latin_digits_in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/track/DHA-2612-99999/").content.decode()

    assert "We found no grievance with the code DHA-2612-99999." in html
    assert "DHA-2612-00012" in html


def test_feedback_with_a_wrong_key_lands_on_a_page_that_says_so(client):
    grievance = GrievanceFactory()

    response = client.post(
        f"/track/{grievance.tracking_code}/feedback/",
        {"key": "damaged", "is_fixed": "yes", "rating": "5"},
        follow=True,
    )

    assert "এই ব্যক্তিগত লিংকটি ভুল বা অসম্পূর্ণ।" in response.content.decode()
    assert not Feedback.objects.exists()
