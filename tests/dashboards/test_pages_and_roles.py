"""Who sees which dashboard (DESIGN.md §7): national staff everything, a divisional office its
division's districts, a DC office's head, GRO and officers their district, another district's
officer a 404, the anonymous the sign-in page — and `/stats/` for everyone, with no personal
data and from a cache."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards.models import ExportLog
from dashboards.summaries import summaries_refresh
from dashboards.tasks import dashboards_refresh_task
from grievances.models import Grievance, GrievanceChannel
from grievances.services import grievance_create
from integrations.facebook.models import FacebookPage
from offices.models import District, Office, OfficeRole
from tests.integrations.facebook.factories import FacebookPageFactory
from tests.offices.factories import OfficeMembershipFactory

pytestmark = pytest.mark.django_db

NATIONAL = reverse("dashboards:national")
DHAKA = reverse("dashboards:district", args=["dhaka"])
CHATTOGRAM = reverse("dashboards:district", args=["chattogram"])
STATS = reverse("dashboards:stats")


@pytest.fixture
def data(office, other_office):
    """An overdue grievance in Dhaka with a citizen's name, phone and text; one in Chattogram."""
    late, _ = grievance_create(
        office=office,
        channel=GrievanceChannel.WEB,
        description="গোপন অভিযোগের লেখা",
        citizen_name="রহিম উদ্দিন",
        citizen_phone="+8801711234567",
        received_at=timezone.now() - timedelta(days=10),
    )
    Grievance.objects.filter(pk=late.pk).update(
        first_response_due_at=timezone.now() - timedelta(days=5)
    )
    grievance_create(office=other_office, channel=GrievanceChannel.WEB, description="অন্য")
    summaries_refresh()
    return late


def _member(code, role, kind="district"):
    office = Office.objects.get(kind=kind, code=code)
    return OfficeMembershipFactory(office=office, role=role).user


@pytest.fixture
def division_gro(office):
    division_office = Office.objects.get(kind="division", division=office.division)
    return OfficeMembershipFactory(office=division_office, role=OfficeRole.GRO).user


def test_national_staff_see_every_district_and_every_district_page(client, national_user, data):
    client.force_login(national_user)
    page = client.get(NATIONAL)

    assert page.status_code == 200
    assert len(page.context["rows"]) == 64
    assert page.content.decode().count('<path class="district') == 64
    assert client.get(DHAKA).status_code == 200
    assert client.get(CHATTOGRAM).status_code == 200
    # The oldest overdue grievance links to the grievance for someone who may read it.
    district_page = client.get(DHAKA).content.decode()
    assert reverse("grievances:officer-grievance", args=[data.pk]) in district_page


def test_a_divisional_gro_sees_the_division_s_districts_only(client, division_gro, office, data):
    client.force_login(division_gro)
    page = client.get(NATIONAL)
    in_division = set(
        District.objects.filter(division=office.division).values_list("pk", flat=True)
    )

    assert page.status_code == 200
    assert {row.district.pk for row in page.context["rows"]} == in_division
    assert client.get(DHAKA).status_code == 200
    assert client.get(CHATTOGRAM).status_code == 404
    # Overdue Dhaka grievances are listed, but not linked: the division reads only appeals.
    district_page = client.get(DHAKA).content.decode()
    assert data.tracking_code in district_page
    assert reverse("grievances:officer-grievance", args=[data.pk]) not in district_page


@pytest.mark.parametrize("role", [OfficeRole.HEAD, OfficeRole.GRO, OfficeRole.OFFICER])
def test_a_dc_office_s_staff_land_on_their_district(client, role, data):
    client.force_login(_member("DHA", role))

    assert client.get(NATIONAL).url == DHAKA
    page = client.get(DHAKA)
    assert page.status_code == 200
    assert reverse("grievances:officer-grievance", args=[data.pk]) in page.content.decode()
    assert client.get(CHATTOGRAM).status_code == 404
    assert client.get(reverse("dashboards:export_csv")).status_code == 404


def test_another_district_s_officer_gets_404(client, other_officer, data):
    client.force_login(other_officer)

    assert client.get(DHAKA).status_code == 404
    assert client.get(NATIONAL).url == CHATTOGRAM


def test_a_user_without_an_office_gets_404(client, data):
    from tests.offices.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get(NATIONAL).status_code == 404
    assert client.get(DHAKA).status_code == 404


def test_the_anonymous_are_sent_to_sign_in_but_read_the_public_statistics(client, data):
    cache.clear()
    assert client.get(NATIONAL).url.startswith(reverse("accounts:login"))
    assert client.get(DHAKA).url.startswith(reverse("accounts:login"))

    page = client.get(STATS)
    text = page.content.decode()

    assert page.status_code == 200
    assert text.count('<path class="district') == 64
    for private in ("রহিম", "1711234567", "১৭১১২৩৪৫৬৭", "গোপন", data.tracking_code):
        assert private not in text


def test_public_statistics_are_cached(client, data):
    cache.clear()
    client.get(STATS)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(STATS)

    assert again.status_code == 200
    assert not [q for q in queries.captured_queries if "dashboards_" in q["sql"]]


def test_the_overview_counts_overdue_untriaged_grievances(client, national_user, data):
    client.force_login(national_user)
    page = client.get(NATIONAL)
    dhaka_row = next(r for r in page.context["rows"] if r.district.slug == "dhaka")

    assert dhaka_row.counts.overdue_now == 1
    assert page.context["updated"]


def test_the_district_table_sorts_by_get_parameters(client, national_user, data):
    client.force_login(national_user)
    by_received = client.get(NATIONAL, {"sort": "received", "dir": "desc"}).context["sorted_rows"]
    by_name_desc = client.get(NATIONAL, {"sort": "name", "dir": "desc"}).context["sorted_rows"]
    by_name = client.get(NATIONAL, {"sort": "name", "dir": "asc"}).context["sorted_rows"]

    assert {by_received[0].district.slug, by_received[1].district.slug} == {"dhaka", "chattogram"}
    assert by_name_desc == list(reversed(by_name))
    assert [r.counts.received for r in by_received[:3]] == [1, 1, 0]


def test_the_district_table_exports_as_csv_with_a_bom_and_its_filters(
    client, national_user, office, data
):
    client.force_login(national_user)
    response = client.get(
        reverse("dashboards:export_csv"), {"division": office.division_id, "sort": "received"}
    )
    body = response.content.decode("utf-8")

    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    in_division = District.objects.filter(division=office.division).count()
    assert len(rows) == 1 + in_division
    assert rows[1][0] == office.district.name  # sorted by received, as on the page
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.format, log.row_count) == (
        national_user,
        "districts",
        "csv",
        in_division,
    )
    assert log.finished_at is not None


def test_the_district_table_exports_as_xlsx(client, national_user, office, data):
    from openpyxl import load_workbook

    client.force_login(national_user)
    response = client.get(
        reverse("dashboards:export_xlsx"), {"division": office.division_id, "sort": "received"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))

    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert len(rows) == 2 + District.objects.filter(division=office.division).count()
    assert rows[2][0] == office.district.name
    assert rows[2][2] == 1  # received, a number
    assert ExportLog.objects.get().format == "xlsx"


def test_filters_are_get_parameters_a_bookmark_keeps(client, national_user, office, data):
    from datetime import date

    client.force_login(national_user)
    custom = client.get(NATIONAL, {"period": "custom", "start": "2026-06-01", "end": "2026-06-15"})
    division = client.get(NATIONAL, {"division": office.division_id, "channel": "web"})

    assert (custom.context["filters"].start, custom.context["filters"].end) == (
        date(2026, 6, 1),
        date(2026, 6, 15),
    )
    assert all(r.counts.received == 0 for r in custom.context["rows"])  # nothing in June
    assert {r.district.division_id for r in division.context["rows"]} == {office.division_id}
    assert division.context["filters"].channel == "web"


def test_a_trend_whose_last_week_is_not_over_says_so(client, national_user, data):
    client.force_login(national_user)
    tuesday = {"period": "custom", "start": "2026-05-01", "end": "2026-06-16"}
    saturday = {"period": "custom", "start": "2026-05-01", "end": "2026-06-20"}

    unfinished = client.get(NATIONAL, tuesday)
    whole = client.get(NATIONAL, saturday, HTTP_ACCEPT_LANGUAGE="en")

    assert unfinished.context["trend"]["partial_days"] == 3  # Sunday 14 to Tuesday 16 June
    page = unfinished.content.decode()
    assert 'class="partial"' in page
    assert "৭ দিনের মধ্যে ৩ দিনের, ১৬ জুন পর্যন্ত" in page
    assert "(এ পর্যন্ত)" in page
    assert whole.context["trend"]["partial_days"] is None
    assert 'class="partial"' not in whole.content.decode()
    assert "so far" not in whole.content.decode()


FIGURE_TEMPLATES = {"dashboards/_figures.html", "dashboards/_map.html", "dashboards/_trend.html"}


def _rendered(page):
    return {template.name for template in page.templates}


def test_a_dashboard_served_again_renders_its_figures_once_per_refresh(client, national_user, data):
    cache.clear()
    client.force_login(national_user)

    first = client.get(NATIONAL)
    again = client.get(NATIONAL)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(NATIONAL)
    grievance_create(office=data.office, channel=GrievanceChannel.WEB, description="নতুন")
    summaries_refresh()
    refreshed = client.get(NATIONAL)

    assert _rendered(first) >= FIGURE_TEMPLATES
    assert not FIGURE_TEMPLATES & _rendered(again)
    assert again.content.count(b'<path class="district') == 64  # the map, from the cache
    assert _rendered(english) >= FIGURE_TEMPLATES  # each language has its own
    assert "Received" in english.content.decode()
    assert _rendered(refreshed) >= FIGURE_TEMPLATES  # new figures, rendered anew
    dhaka = next(r for r in refreshed.context["rows"] if r.district.slug == "dhaka")
    assert dhaka.counts.received == 2


def test_the_facebook_pages_table_shows_a_pause_at_once(client, national_user, data):
    cache.clear()
    client.force_login(national_user)
    page = FacebookPageFactory(office=data.office, name="ডিসি অফিস ঢাকা")
    before = client.get(NATIONAL).content.decode()

    FacebookPage.objects.filter(pk=page.pk).update(
        writes_paused_until=timezone.now() + timedelta(hours=1)
    )
    after = client.get(NATIONAL)

    row = "ডিসি অফিস ঢাকা</td>"
    shown_before = before.split(row, 1)[1].split("</tr>", 1)[0]
    shown_after = after.content.decode().split(row, 1)[1].split("</tr>", 1)[0]

    assert not FIGURE_TEMPLATES & _rendered(after)  # the figures still come from the cache
    assert "overdue-text" not in shown_before
    assert "overdue-text" in shown_after  # "Paused", marked


def test_a_district_page_served_again_keeps_the_viewers_own_parts_live(client, national_user, data):
    cache.clear()
    client.force_login(national_user)
    client.get(DHAKA)

    # No longer overdue, with no refresh: the figures stay as they were counted.
    later = timezone.now() + timedelta(days=9)
    Grievance.objects.filter(pk=data.pk).update(first_response_due_at=later)
    again = client.get(DHAKA)

    assert not FIGURE_TEMPLATES & _rendered(again)
    assert again.context["overdue"] == []  # the oldest overdue list is read live
    assert data.tracking_code not in again.content.decode()


def test_the_refresh_task_draws_the_national_page_and_the_statistics_before_anyone_asks(
    client, national_user, data
):
    cache.clear()
    grievance_create(office=data.office, channel=GrievanceChannel.WEB, description="নতুন")

    assert dashboards_refresh_task() is True

    client.force_login(national_user)
    national = client.get(NATIONAL)
    stats = client.get(STATS)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(NATIONAL)
    filtered = client.get(NATIONAL, {"channel": "web"})

    # The first requests after the refresh find their figures drawn, in each language...
    for page in (national, stats, english):
        assert page.status_code == 200
        assert not FIGURE_TEMPLATES & _rendered(page)
    assert national.content.count(b'<path class="district') == 64
    dhaka = next(r for r in national.context["rows"] if r.district.slug == "dhaka")
    assert dhaka.counts.received == 2  # ...from the new figures
    assert "Received" in english.content.decode()
    # A filtered view is drawn when first asked for, as before.
    assert _rendered(filtered) >= FIGURE_TEMPLATES


def test_a_district_page_counts_open_grievances_per_assignee(
    client, national_user, office, other_office, officer, other_officer
):
    colleague = OfficeMembershipFactory(office=office, role=OfficeRole.OFFICER).user

    def filed(where, assignee, status="accepted", **done):
        grievance, _ = grievance_create(office=where, channel=GrievanceChannel.WEB, description="অ")
        Grievance.objects.filter(pk=grievance.pk).update(
            assigned_to=assignee, status=status, **done
        )

    filed(office, officer)
    filed(office, officer, status="new")
    filed(office, colleague, status="in_progress")
    filed(  # no longer open
        office, colleague, status="resolved", outcome="service_provided", resolved_at=timezone.now()
    )
    filed(office, None)
    filed(other_office, officer)  # another district's
    summaries_refresh()
    client.force_login(national_user)

    page = client.get(DHAKA)

    assert page.context["workload"] == [(officer, 2), (colleague, 1), (None, 1)]
