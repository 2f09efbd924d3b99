"""The inbox's one definition of overdue (untriaged grievances included), its labels, search
by the caller, national viewers' place filters, and the dense layout's filter panel."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.calendar import DHAKA
from core.models import Holiday
from grievances.deadlines import DUE_SOON, ON_TIME, OVERDUE, deadline_state, overdue_by_working_days
from grievances.inbox import InboxFilters
from grievances.models import Grievance
from grievances.selectors import grievance_inbox_for_user
from grievances.services import grievance_accept
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db

PHONE = "+8801711234567"


def _untriaged_overdue(office, days=3):
    grievance = GrievanceFactory(office=office)
    Grievance.objects.filter(pk=grievance.pk).update(
        first_response_due_at=timezone.now() - timedelta(days=days)
    )
    return Grievance.objects.get(pk=grievance.pk)


def _inbox(user, **filters):
    return grievance_inbox_for_user(user=user, filters=InboxFilters(**filters))


# --- one definition of overdue -----------------------------------------------------------------


def test_an_untriaged_grievance_past_its_first_response_deadline_is_overdue(office, officer):
    late = _untriaged_overdue(office)
    GrievanceFactory(office=office)  # new, its first-response deadline still ahead

    page = _inbox(officer, tab="overdue")

    assert [g.pk for g in page.rows] == [late.pk]
    assert page.counts["overdue"] == 1
    assert list(Grievance.objects.overdue()) == [late]
    assert late.is_overdue


def test_an_accepted_grievance_is_overdue_by_its_answer_deadline_not_the_first_response(
    office, officer
):
    grievance = GrievanceFactory(office=office)
    grievance_accept(grievance=grievance, actor=officer)
    Grievance.objects.filter(pk=grievance.pk).update(
        first_response_due_at=timezone.now() - timedelta(days=5)
    )

    assert _inbox(officer, tab="overdue").counts["overdue"] == 0
    assert not Grievance.objects.overdue().exists()


def test_overdue_by_working_days_skips_weekends_and_holidays(office):
    grievance = GrievanceFactory(office=office)
    thursday_end = datetime(2026, 11, 26, 23, 59, 59, tzinfo=DHAKA)
    Grievance.objects.filter(pk=grievance.pk).update(first_response_due_at=thursday_end)
    grievance.refresh_from_db()
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=DHAKA)  # Fri, Sat off; Sun, Mon, Tue

    assert overdue_by_working_days(grievance, now=tuesday) == 3
    Holiday.objects.create(date=tuesday.date() - timedelta(days=1), name_en="x", name_bn="x")
    assert overdue_by_working_days(grievance, now=tuesday) == 2
    state = deadline_state(grievance, now=tuesday, due_soon_until=tuesday)
    assert (state.state, state.overdue_by_working_days) == (OVERDUE, 2)


def test_due_soon_and_on_time_states(office):
    grievance = GrievanceFactory(office=office)
    now = grievance.first_response_due_at - timedelta(hours=1)

    assert deadline_state(grievance, now=now, due_soon_until=now + timedelta(days=1)).state == (
        DUE_SOON
    )
    assert deadline_state(grievance, now=now, due_soon_until=now).state == ON_TIME


def test_rows_are_labelled_overdue_by_working_days_and_due_soon(client, office, officer):
    late = _untriaged_overdue(office, days=10)
    soon = GrievanceFactory(office=office)
    Grievance.objects.filter(pk=soon.pk).update(
        first_response_due_at=timezone.now() + timedelta(hours=2)
    )
    client.force_login(officer)

    html = client.get(reverse("grievances:officer-inbox"), {"tab": "all"}).content.decode()

    days = overdue_by_working_days(late, now=timezone.now())
    assert days >= 5
    bangla_days = str(days).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert f"{bangla_days} কর্মদিবস দেরি" in html
    assert 'class="due-soon-label"' in html
    assert html.count('class="inbox-row deadline-overdue"') == 1


def test_the_grievance_page_shows_the_overdue_label(client, office, officer):
    late = _untriaged_overdue(office, days=10)
    client.force_login(officer)

    html = client.get(reverse("grievances:officer-grievance", args=[late.pk])).content.decode()

    assert "কর্মদিবস দেরি" in html


def test_the_overdue_tab_reads_its_keyset_off_an_index(office, officer):
    _untriaged_overdue(office)

    from grievances.inbox import apply_keyset, apply_tab
    from grievances.selectors import grievance_list_for_user

    now = timezone.now()
    tab = apply_tab(
        grievance_list_for_user(user=officer),
        tab="overdue",
        user_id=officer.pk,
        now=now,
        due_soon_until=now,
    )
    page_qs = apply_keyset(tab, filters=InboxFilters(tab="overdue"), after=None)[:26]
    sql, params = page_qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # One of the open-deadline indexes (the office's, or on a tiny table the national one).
    assert "_open_due on grievances_grievance" in plan
    assert "Sort" not in plan  # the keyset order comes straight off the index


# --- search by the caller ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["+880 1711-234567", "01711234567", "০১৭১১২৩৪৫৬৭"])
def test_officers_find_a_grievance_by_the_citizens_phone_in_any_form(office, officer, typed):
    called = GrievanceFactory(office=office, citizen_phone=PHONE, citizen_name="রহিম উদ্দিন")
    GrievanceFactory(office=office, citizen_phone="+8801811111111")

    assert [g.pk for g in _inbox(officer, tab="all", q=typed).rows] == [called.pk]


def test_gros_find_a_grievance_by_the_citizens_name_plain_officers_do_not(office, officer, gro):
    called = GrievanceFactory(office=office, citizen_phone=PHONE, citizen_name="রহিম উদ্দিন")
    GrievanceFactory(office=office, citizen_name="করিম")

    assert [g.pk for g in _inbox(gro, tab="all", q="রহিম").rows] == [called.pk]
    assert _inbox(officer, tab="all", q="রহিম").rows == []


# --- national viewers ------------------------------------------------------------------------------


def test_national_viewers_filter_by_division_and_district_and_see_the_district(
    client, office, other_office, national_user
):
    dhaka = GrievanceFactory(office=office)
    chattogram = GrievanceFactory(office=other_office)
    client.force_login(national_user)
    url = reverse("grievances:officer-inbox")

    everything = client.get(url, {"tab": "all"})
    by_district = client.get(url, {"tab": "all", "district": office.district_id})
    by_division = client.get(url, {"tab": "all", "division": other_office.division_id})

    assert {g.pk for g in everything.context["page"].rows} == {dhaka.pk, chattogram.pk}
    assert [g.pk for g in by_district.context["page"].rows] == [dhaka.pk]
    assert [g.pk for g in by_division.context["page"].rows] == [chattogram.pk]
    html = everything.content.decode()
    assert office.district.name_bn in html
    assert other_office.district.name_bn in html


def test_mine_tab_and_assignee_filter_are_hidden_from_national_viewers(
    client, national_user, officer
):
    client.force_login(national_user)
    response = client.get(reverse("grievances:officer-inbox"), {"tab": "mine"})

    assert "mine" not in [link["tab"] for link in response.context["tab_links"]]
    assert response.context["current_tab"] == "new"  # a hidden tab falls back to the default
    assert 'name="assignee"' not in response.content.decode()
    assert 'name="district"' in response.content.decode()

    client.force_login(officer)
    response = client.get(reverse("grievances:officer-inbox"))
    assert "mine" in [link["tab"] for link in response.context["tab_links"]]
    assert 'name="district"' not in response.content.decode()


# --- the filter panel ---------------------------------------------------------------------------


def test_the_filter_panel_opens_only_when_a_filter_is_set(client, officer):
    client.force_login(officer)
    url = reverse("grievances:officer-inbox")

    assert '<details class="card filters">' in client.get(url, {"tab": "all"}).content.decode()
    assert (
        '<details class="card filters" open>'
        in client.get(url, {"tab": "all", "q": "ময়লা"}).content.decode()
    )


def test_national_viewers_see_the_upazila_filter_once_a_district_is_picked(
    client, office, other_office, national_user
):
    from offices.models import Upazila

    client.force_login(national_user)
    url = reverse("grievances:officer-inbox")

    unpicked = client.get(url, {"tab": "all"})
    picked = client.get(url, {"tab": "all", "district": office.district_id})

    assert 'name="upazila"' not in unpicked.content.decode()
    choices = dict(picked.context["form"].fields["upazila"].choices)
    ours = set(Upazila.objects.filter(district=office.district).values_list("pk", flat=True))
    assert ours
    assert ours <= set(choices)
    theirs = Upazila.objects.filter(district=other_office.district).values_list("pk", flat=True)
    assert not set(theirs) & set(choices)


def test_national_inbox_stays_within_ten_queries(
    client, office, other_office, national_user, django_assert_max_num_queries
):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for place in (office, other_office):
        GrievanceFactory.create_batch(15, office=place)
    device = TOTPDevice.objects.create(user=national_user, name="phone", confirmed=True)
    client.force_login(national_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.get(reverse("grievances:officer-inbox"))  # warm the day's due-soon cut-off

    with django_assert_max_num_queries(10):
        response = client.get(reverse("grievances:officer-inbox"), {"tab": "all"})

    assert response.status_code == 200
    assert len(response.context["page"].rows) == 25
