"""GET discovery, services, service definitions, requests, a request and a token: each answer
valid against the specification's shape in JSON and XML, errors included."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grievances.models import Grievance, GrievanceOutcome, NotGrievanceReason
from grievances.services import (
    grievance_accept,
    grievance_add_note,
    grievance_mark_not_grievance,
    grievance_resolve,
    reply_create,
)
from tests.grievances.factories import GrievanceFactory
from tests.open311.conftest import BASE
from tests.open311.schemas import assert_valid

pytestmark = pytest.mark.django_db
FORMATS = ["json", "xml"]


def _file(office, **fields) -> Grievance:
    return GrievanceFactory(office=office, **fields)


def _received(grievance: Grievance, days_ago: float) -> Grievance:
    moment = timezone.now() - timedelta(days=days_ago)
    Grievance.objects.filter(pk=grievance.pk).update(received_at=moment)
    grievance.refresh_from_db()
    return grievance


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_this_endpoint_in_both_formats(client, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")

    assert response.status_code == 200
    assert_valid(response, "discovery")
    assert b"http://wiki.open311.org/GeoReport_v2" in response.content
    assert b"/open311/v2/" in response.content


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_our_active_categories_without_metadata(client, fmt, land):
    response = client.get(f"{BASE}/services.{fmt}")

    assert response.status_code == 200
    assert_valid(response, "services")
    if fmt == "json":
        codes = {s["service_code"]: s for s in response.json()}
        assert codes["land"]["metadata"] is False
        assert codes["land"]["service_name"] == land.name_bn  # Bangla unless English is chosen
        assert codes["land"]["type"] == "realtime"


def test_service_names_follow_the_english_cookie(client, land, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(f"{BASE}/services.json")

    assert {s["service_name"] for s in response.json()} >= {land.name_en}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_has_no_attributes(client, fmt):
    response = client.get(f"{BASE}/services/land.{fmt}")

    assert response.status_code == 200
    assert_valid(response, "service_definition")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_is_a_404_in_the_specification_error_format(client, fmt):
    response = client.get(f"{BASE}/services/no-such-thing.{fmt}")

    assert response.status_code == 404
    assert_valid(response, "errors")
    if fmt == "json":
        assert response.json()[0]["code"] == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_show_what_the_tracking_page_shows(client, fmt, office, officer, land):
    grievance = _file(office, category=land)
    grievance_accept(grievance=grievance, actor=officer)

    response = client.get(f"{BASE}/requests.{fmt}")

    assert response.status_code == 200
    assert_valid(response, "requests")
    assert grievance.tracking_code.encode() in response.content
    assert office.name_bn.encode() in response.content  # agency_responsible


def test_a_request_reads_open_or_closed_with_the_office_and_the_district(client, office, land):
    grievance = _file(office, category=land)

    (item,) = client.get(f"{BASE}/requests.json").json()

    assert item["service_request_id"] == grievance.tracking_code
    assert item["status"] == "open"
    assert item["service_code"] == "land"
    assert item["agency_responsible"] == office.name_bn
    assert item["address"] == grievance.district.name_bn
    assert item["lat"] == float(grievance.district.latitude)
    assert item["expected_datetime"] is not None


def test_status_notes_are_the_latest_public_words_of_the_office_never_internal_notes(
    client, office, officer, land
):
    grievance = _file(office, category=land)
    grievance_accept(grievance=grievance, actor=officer)
    reply_create(grievance=grievance, author=officer, body="আমরা দেখছি", to_facebook=False)
    grievance_add_note(grievance=grievance, actor=officer, note="ভিতরের কথা: দালাল জড়িত")
    grievance_resolve(
        grievance=grievance,
        actor=officer,
        outcome=GrievanceOutcome.ACTION_TAKEN,
        note="নামজারি সম্পন্ন হয়েছে",
    )

    (item,) = client.get(f"{BASE}/requests.json").json()

    assert item["status"] == "closed"
    assert item["status_notes"] == "নামজারি সম্পন্ন হয়েছে"
    assert "ভিতরের কথা" not in client.get(f"{BASE}/requests.xml").content.decode()


def test_no_citizen_data_in_any_answer(client, office, officer, land):
    grievance = _file(
        office,
        category=land,
        citizen_name="Rahima Khatun",
        citizen_phone="+8801712345678",
        citizen_email="rahima@example.com",
        show_name_publicly=True,
        description="My neighbour Karim took my land, call 01712345678",
    )
    grievance_accept(grievance=grievance, actor=officer)

    bodies = [
        client.get(f"{BASE}/requests.{fmt}").content.decode()
        + client.get(f"{BASE}/requests/{grievance.tracking_code}.{fmt}").content.decode()
        for fmt in FORMATS
    ]

    for body in bodies:
        assert grievance.tracking_code in body
        for private in ("Rahima", "01712345678", "rahima@example.com", "Karim", "neighbour"):
            assert private not in body


def test_set_aside_grievances_are_not_service_requests(client, office, officer):
    spam = _file(office)
    grievance_mark_not_grievance(grievance=spam, actor=officer, reason=NotGrievanceReason.SPAM)

    assert client.get(f"{BASE}/requests.json").json() == []
    assert client.get(f"{BASE}/requests/{spam.tracking_code}.json").status_code == 404


def test_the_default_window_is_the_last_90_days_newest_first(client, office):
    old = _received(_file(office), days_ago=91)
    older = _received(_file(office), days_ago=10)
    newer = _received(_file(office), days_ago=1)

    ids = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]

    assert ids == [newer.tracking_code, older.tracking_code]
    assert old.tracking_code not in ids


def test_at_most_1000_requests(client, office, settings):
    from open311 import selectors

    settings.OPEN311_CACHE_SECONDS = 0
    grievances = [_file(office) for _ in range(3)]
    original = selectors.MAX_REQUESTS
    selectors.MAX_REQUESTS = 2
    try:
        ids = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    finally:
        selectors.MAX_REQUESTS = original

    assert ids == [grievances[2].tracking_code, grievances[1].tracking_code]
    assert original == 1000


def test_filters_by_service_status_and_dates(client, office, officer, land):
    on_land = _received(_file(office, category=land), days_ago=5)
    other = _received(_file(office), days_ago=5)
    accepted = _received(_file(office, category=land), days_ago=40)
    grievance_accept(grievance=accepted, actor=officer)
    resolved = _received(_file(office, category=land), days_ago=3)
    grievance_accept(grievance=resolved, actor=officer)
    grievance_resolve(
        grievance=resolved, actor=officer, outcome=GrievanceOutcome.OTHER, note="done"
    )

    def ids(query: str) -> set[str]:
        return {r["service_request_id"] for r in client.get(f"{BASE}/requests.json?{query}").json()}

    assert ids("service_code=land") == {
        on_land.tracking_code,
        accepted.tracking_code,
        resolved.tracking_code,
    }
    assert ids("service_code=land&status=closed") == {resolved.tracking_code}
    assert ids("status=open") == {
        on_land.tracking_code,
        other.tracking_code,
        accepted.tracking_code,
    }
    start = (timezone.now() - timedelta(days=45)).date().isoformat()
    end = (timezone.now() - timedelta(days=20)).isoformat()
    assert ids(f"start_date={start}&end_date={end}") == {accepted.tracking_code}
    both = f"{on_land.tracking_code},{other.tracking_code}"
    # A list of ids overrides every other argument.
    assert ids(f"service_request_id={both}&status=closed") == {
        on_land.tracking_code,
        other.tracking_code,
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "query",
    [
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",  # over 90 days
        "start_date=yesterday",
        "status=pending",
        "start_date=2026-06-01&end_date=2026-05-01",
    ],
)
def test_bad_arguments_are_400_in_the_specification_error_format(client, fmt, query):
    response = client.get(f"{BASE}/requests.{fmt}?{query}")

    assert response.status_code == 400
    assert_valid(response, "errors")


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_by_id(client, fmt, office):
    grievance = _file(office)

    response = client.get(f"{BASE}/requests/{grievance.tracking_code}.{fmt}")

    assert response.status_code == 200
    assert_valid(response, "requests")
    assert grievance.tracking_code.encode() in response.content


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_request_or_token_or_path_is_a_404_in_the_specification_format(client, fmt):
    for path in ("requests/DHA-2611-99999", "tokens/nope", "nothing-here"):
        response = client.get(f"{BASE}/{path}.{fmt}")

        assert response.status_code == 404, path
        assert_valid(response, "errors")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_foreign_jurisdiction_is_a_404(client, fmt, settings):
    response = client.get(f"{BASE}/services.{fmt}?jurisdiction_id=sf.gov")
    ours = client.get(f"{BASE}/services.{fmt}?jurisdiction_id={settings.OPEN311_JURISDICTION_ID}")

    assert response.status_code == 404
    assert_valid(response, "errors")
    assert ours.status_code == 200


def test_requests_take_one_query_whatever_their_number(
    client, office, officer, land, django_assert_max_num_queries
):
    for _ in range(5):
        grievance = _file(office, category=land)
        reply_create(grievance=grievance, author=officer, body="দেখছি", to_facebook=False)

    with django_assert_max_num_queries(1):
        response = client.get(f"{BASE}/requests.json")
    with django_assert_max_num_queries(2):  # the service's id first
        by_service = client.get(f"{BASE}/requests.json?service_code=land")

    assert len(response.json()) == 5
    assert len(by_service.json()) == 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_other_methods_are_405_in_the_specification_error_format(client, fmt):
    for path in ("discovery", "services", "services/land", "requests"):
        response = client.put(f"{BASE}/{path}.{fmt}")

        assert response.status_code == 405, path
        assert_valid(response, "errors")
