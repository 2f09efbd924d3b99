"""POST requests: an api_key with the write scope files a citizen's grievance through the web
form's own checks, limit and service; officers of the district find it in their inbox."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from core.calendar import DHAKA
from core.digits import to_bangla_digits
from grievances.models import Grievance, GrievanceChannel
from integrations.notifications.models import Notification
from open311.models import Open311Token
from tests.grievances.citizen_files import valid_form
from tests.offices.factories import OfficeMembershipFactory, district_office
from tests.open311.conftest import BASE, filing
from tests.open311.schemas import assert_valid

pytestmark = pytest.mark.django_db
FORMATS = ["json", "xml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_write_key_files_a_grievance_the_district_office_sees(client, fmt, write_key):
    dhaka_officer = OfficeMembershipFactory(office=district_office("DHA")).user

    response = client.post(f"{BASE}/requests.{fmt}", {**filing(), "api_key": write_key})

    assert response.status_code == 201
    assert_valid(response, "post_response")
    grievance = Grievance.objects.get()
    assert grievance.channel == GrievanceChannel.OPEN311
    assert grievance.office.code == "DHA"
    assert grievance.category.slug == "land"
    assert grievance.description.startswith("নামজারির আবেদন ছয় মাস ধরে পড়ে আছে")
    assert grievance.tracking_code.encode() in response.content
    client.force_login(dhaka_officer)
    inbox = client.get(reverse("grievances:officer-inbox"))
    assert grievance.tracking_code in inbox.content.decode()


def test_the_answer_carries_the_id_and_a_token_that_gives_the_id_again(client, write_key):
    (answer,) = client.post(f"{BASE}/requests.json", {**filing(), "api_key": write_key}).json()

    for fmt in FORMATS:
        response = client.get(f"{BASE}/tokens/{answer['token']}.{fmt}")
        assert response.status_code == 200
        assert_valid(response, "token")
    (found,) = client.get(f"{BASE}/tokens/{answer['token']}.json").json()
    assert found["service_request_id"] == answer["service_request_id"]
    assert Open311Token.objects.get().api_key_prefix == write_key.split("_")[1]


@pytest.mark.parametrize(
    ("lat", "long", "office_code"),
    [("22.3569", "91.7832", "CTG"), ("24.8949", "91.8687", "SYL"), ("23.8103", "90.4125", "DHA")],
)
def test_the_district_comes_from_the_point(client, write_key, lat, long, office_code):
    client.post(f"{BASE}/requests.json", {**filing(lat=lat, long=long), "api_key": write_key})

    assert Grievance.objects.get().office.code == office_code


def test_without_a_point_the_address_or_the_district_attribute_names_the_district(
    client, write_key
):
    no_point = {"lat": "", "long": ""}
    client.post(
        f"{BASE}/requests.json",
        {
            **filing(**no_point),
            "address_string": "Zindabazar, Sylhet Sadar, Sylhet",
            "api_key": write_key,
        },
    )
    client.post(
        f"{BASE}/requests.json",
        {**filing(**no_point), "attribute[district]": "Chittagong", "api_key": write_key},
    )
    client.post(
        f"{BASE}/requests.json",
        {**filing(**no_point), "address_string": "মিরপুর, ঢাকা", "api_key": write_key},
    )

    codes = list(Grievance.objects.order_by("pk").values_list("office__code", flat=True))
    assert codes == ["SYL", "CTG", "DHA"]


def test_the_citizen_gets_their_tracking_code_by_sms_as_from_the_web_form(client, write_key):
    client.post(
        f"{BASE}/requests.json",
        {**filing(), "phone": "01712345678", "first_name": "Rahima", "api_key": write_key},
    )

    grievance = Grievance.objects.get()
    assert grievance.citizen_phone == "+8801712345678"
    assert grievance.citizen_name == "Rahima"
    assert Notification.objects.filter(channel="sms").exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"service_code": "potholes"}, b"service_code"),
        ({"service_code": ""}, b"service_code"),
        ({"lat": "", "long": ""}, b"lat"),
        ({"lat": "20.5", "long": "90.0"}, b"lat"),  # the Bay of Bengal
        ({"lat": "north", "long": "90.0"}, b"lat"),
        ({"description": ""}, b"description"),
        ({"description": "x" * 4001}, b"4000"),
        ({"phone": "12345"}, b"phone"),
        ({"email": "not-an-address"}, b"email"),
    ],
)
def test_what_the_web_form_refuses_is_a_400_listing_the_problem(
    client, fmt, write_key, change, problem
):
    response = client.post(f"{BASE}/requests.{fmt}", {**filing(**change), "api_key": write_key})

    assert response.status_code == 400
    assert_valid(response, "errors")
    assert problem in response.content
    assert not Grievance.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("which", ["none", "wrong", "read", "revoked", "expired"])
def test_filing_without_a_usable_write_key_is_403(
    client, fmt, which, read_key, revoked_key, expired_key
):
    keys = {
        "none": "",
        "wrong": "shk_00000000_" + "A" * 43,
        "read": read_key,
        "revoked": revoked_key,
        "expired": expired_key,
    }

    response = client.post(f"{BASE}/requests.{fmt}", {**filing(), "api_key": keys[which]})

    assert response.status_code == 403
    assert_valid(response, "errors")
    assert not Grievance.objects.exists()


def test_the_key_may_come_in_the_rest_api_header(client, write_key):
    response = client.post(
        f"{BASE}/requests.json", filing(), HTTP_AUTHORIZATION=f"Api-Key {write_key}"
    )

    assert response.status_code == 201


def test_a_jurisdiction_is_accepted_when_it_is_ours(client, write_key, settings):
    ours = {"jurisdiction_id": settings.OPEN311_JURISDICTION_ID, "api_key": write_key}
    theirs = {"jurisdiction_id": "sf.gov", "api_key": write_key}

    assert client.post(f"{BASE}/requests.json", {**filing(), **ours}).status_code == 201
    assert client.post(f"{BASE}/requests.json", {**filing(), **theirs}).status_code == 404
    assert Open311Token.objects.get().jurisdiction_id == settings.OPEN311_JURISDICTION_ID


def test_filing_shares_the_web_forms_limit_per_client(client, write_key, settings):
    settings.RATE_LIMITS = {"grievance-file": (2, 3600)}
    client.post(reverse("grievances:file"), valid_form())  # one from the web form

    statuses = [
        client.post(f"{BASE}/requests.json", {**filing(), "api_key": write_key}).status_code
        for _ in range(2)
    ]

    assert statuses == [201, 429]
    assert Grievance.objects.count() == 2


def test_other_systems_post_without_a_csrf_token(write_key):
    from django.test import Client

    browserless = Client(enforce_csrf_checks=True)

    response = browserless.post(f"{BASE}/requests.json", {**filing(), "api_key": write_key})

    assert response.status_code == 201


def test_a_json_object_body_is_read_like_the_form(client, write_key):
    body = {**filing(lat="", long=""), "attribute": {"district": "sylhet"}, "api_key": write_key}

    response = client.post(f"{BASE}/requests.json", body, content_type="application/json")
    broken = client.post(f"{BASE}/requests.json", "[1,", content_type="application/json")

    assert response.status_code == 201
    assert Grievance.objects.get().office.code == "SYL"
    assert broken.status_code == 400
    assert_valid(broken, "errors")


def test_the_notice_gives_the_first_answers_date_in_the_answers_language(client, write_key):
    (bangla,) = client.post(f"{BASE}/requests.json", {**filing(), "api_key": write_key}).json()
    due = Grievance.objects.get().first_response_due_at.astimezone(DHAKA)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    (english,) = client.post(f"{BASE}/requests.json", {**filing(), "api_key": write_key}).json()

    assert to_bangla_digits(str(due.year)) in bangla["service_notice"]
    assert not re.search(r"[0-9]", bangla["service_notice"])  # no Latin digits in Bangla
    assert f"{due.day} {due:%B} {due.year}" in english["service_notice"]
