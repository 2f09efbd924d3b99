"""Open311 is counted per client in Redis and its reads are cached for a few minutes."""

import pytest

from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import district_office
from tests.open311.conftest import BASE
from tests.open311.schemas import assert_valid

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_over_the_limit_a_client_gets_429_with_retry_after_in_the_format_asked(
    client, settings, fmt
):
    settings.RATE_LIMITS = {"open311": (3, 600)}

    statuses = [client.get(f"{BASE}/services.{fmt}").status_code for _ in range(4)]
    refused = client.get(f"{BASE}/discovery.{fmt}")

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert_valid(refused, "errors")


def test_another_client_has_its_own_count(client, settings):
    settings.RATE_LIMITS = {"open311": (1, 600)}

    first = client.get(f"{BASE}/services.json")
    other = client.get(f"{BASE}/services.json", REMOTE_ADDR="203.0.113.9")
    again = client.get(f"{BASE}/services.json")

    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)


def test_requests_are_served_from_the_cache_for_a_few_minutes(client, django_assert_num_queries):
    office = district_office("DHA")
    first = GrievanceFactory(office=office)
    client.get(f"{BASE}/requests.json")
    GrievanceFactory(office=office)

    with django_assert_num_queries(0):
        cached = client.get(f"{BASE}/requests.json")

    assert [r["service_request_id"] for r in cached.json()] == [first.tracking_code]
    assert cached["Cache-Control"] == "public, max-age=300"
    assert len(client.get(f"{BASE}/requests.json?status=open").json()) == 2  # another query


def test_errors_are_not_cached(client):
    response = client.get(f"{BASE}/services/nope.json")

    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_with_redis_down_open311_still_answers(client, redis_down):
    assert client.get(f"{BASE}/services.json").status_code == 200
