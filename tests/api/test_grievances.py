"""/api/v1/grievances: the inbox's scope, filters and keyset pages; detail; actions."""

import pytest
from django.urls import reverse

from grievances.models import GrievanceStatus
from tests.api.conftest import key_header
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


def test_list_is_office_scoped_and_pages_by_cursor(api, office, other_office, write_key):
    mine = [GrievanceFactory(office=office) for _ in range(5)]
    GrievanceFactory(office=other_office)

    first = api.get(reverse("api:grievance-list"), {"page_size": 3}, **key_header(write_key))
    assert first.status_code == 200, first.json()
    body = first.json()
    assert len(body["results"]) == 3
    assert body["next_cursor"]
    second = api.get(body["next"], **key_header(write_key))
    ids = [r["id"] for r in body["results"]] + [r["id"] for r in second.json()["results"]]
    assert sorted(ids) == sorted(g.pk for g in mine)
    assert second.json()["next_cursor"] is None


def test_accept_through_the_api(api, office, write_key):
    grievance = GrievanceFactory(office=office)

    response = api.post(
        reverse("api:grievance-accept", args=[grievance.pk]),
        {"note": "ok"},
        format="json",
        **key_header(write_key),
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == GrievanceStatus.ACCEPTED
