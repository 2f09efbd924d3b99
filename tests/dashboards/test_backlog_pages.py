"""The national and district pages and the district-table export show received by tier,
resolved by outcome, carried over and the weekly backlog; the national page still reads the
summaries only."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards.summaries import summaries_refresh
from grievances.models import GrievanceChannel
from grievances.services import grievance_accept, grievance_create, grievance_resolve
from tests.dashboards.conftest import at

pytestmark = pytest.mark.django_db

NATIONAL = reverse("dashboards:national")
DHAKA = reverse("dashboards:district", args=["dhaka"])


@pytest.fixture
def history(office, other_office):
    """Two grievances open since last month in Dhaka, one resolved this month; one new one in
    Chattogram."""
    now = timezone.now()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    grievances = []
    for _ in range(2):
        grievance, _ = grievance_create(
            office=office,
            channel=GrievanceChannel.WEB,
            description="পুরনো অভিযোগ",
            received_at=month_start - timedelta(days=3),
        )
        grievances.append(grievance)
    with at(now - timedelta(minutes=2)):
        accepted = grievance_accept(grievance=grievances[0], actor=None)
        grievance_resolve(grievance=accepted, actor=None, outcome="service_provided", note="হয়েছে")
    grievance_create(office=other_office, channel=GrievanceChannel.WEB, description="নতুন")
    summaries_refresh()
    return grievances


def test_the_national_page_shows_the_new_measures_from_summaries_only(
    client, national_user, history
):
    client.force_login(national_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(NATIONAL, {"period": "month"})
    carried = page.context["headline"][5]
    tiers = page.context["breakdown"]["tiers"]
    outcomes = page.context["breakdown"]["outcomes"]
    last_week = page.context["trend"]["weeks"][-1]

    assert page.status_code == 200
    assert carried.label == "আগের সময়কাল থেকে জের"
    assert carried.value == "২"  # both Dhaka grievances were open when the month began
    assert [line.count for line in tiers] == ["১", "০"]
    assert outcomes[0].count == "১"  # service provided
    assert "%" not in outcomes[0].share  # one of one: too few for a percentage
    assert last_week.open == 2  # still open at the end of this week: one in each district
    assert last_week.overdue is not None  # recorded by today's refresh
    assert not [q for q in queries.captured_queries if '"grievances_grievance"' in q["sql"]]
    body = page.content.decode()
    assert 'id="tiers-heading"' in body


def test_the_district_page_and_the_export_carry_them_too(client, national_user, office, history):
    client.force_login(national_user)
    district = client.get(DHAKA, {"period": "month"})
    export = client.get(reverse("dashboards:export_csv"), {"period": "month", "sort": "received"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8")[1:])))
    header = rows[0]
    dhaka_row = next(r for r in rows if r[0] == office.district.name)
    carried = header.index("আগের সময়কাল থেকে জের")

    assert district.context["counts"].carried_over == 2
    assert [line.count for line in district.context["breakdown"]["tiers"]] == ["০", "০"]
    assert district.context["trend"]["weeks"][-1].open == 1
    assert dhaka_row[carried] == "2"
    assert dhaka_row[carried + 1 : carried + 3] == ["0", "0"]  # received at tier 1 and 2
    assert dhaka_row[carried + 3] == "1"  # resolved: service provided
