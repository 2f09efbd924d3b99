from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grievances.inbox import InboxFilters
from grievances.models import Grievance, GrievanceChannel, GrievancePriority, StaffNotification
from grievances.selectors import grievance_inbox_for_user
from grievances.services import grievance_accept, grievance_assign, grievance_set_priority
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


def _walk(user, filters, page_size):
    """Every page of a tab by following cursors; returns the ids in order."""
    seen, cursor = [], ""
    with mock.patch("grievances.inbox.PAGE_SIZE", page_size):
        while True:
            page = grievance_inbox_for_user(user=user, filters=filters, cursor=cursor)
            seen.extend(g.pk for g in page.rows)
            if not page.next_cursor:
                return seen
            cursor = page.next_cursor


def test_keyset_pages_cover_equal_sort_keys_exactly_once(office, officer):
    moment = timezone.now()
    grievances = GrievanceFactory.create_batch(7, office=office, received_at=moment)
    # Same received_at, so the same first-response deadline: every sort key is equal.
    assert len({g.first_response_due_at for g in grievances}) == 1

    for sort in ("due", "priority", "activity"):
        ids = _walk(officer, InboxFilters(tab="all", sort=sort), page_size=3)
        assert sorted(ids) == sorted(g.pk for g in grievances), sort
        assert len(ids) == len(set(ids)) == 7


def test_keyset_follows_sort_order_across_pages(office, officer):
    now = timezone.now()
    due_late = GrievanceFactory(office=office, received_at=now)
    due_early = GrievanceFactory(office=office, received_at=now - timedelta(days=20))
    due_middle = GrievanceFactory(office=office, received_at=now - timedelta(days=7))

    ids = _walk(officer, InboxFilters(tab="all", sort="due"), page_size=1)

    assert ids == [due_early.pk, due_middle.pk, due_late.pk]


def test_activity_sort_is_most_recent_first(office, officer):
    old = GrievanceFactory(office=office)
    recent = GrievanceFactory(office=office)
    Grievance.objects.filter(pk=old.pk).update(last_activity_at=timezone.now() - timedelta(days=3))

    ids = _walk(officer, InboxFilters(tab="all", sort="activity"), page_size=1)

    assert ids == [recent.pk, old.pk]


def test_priority_sort_puts_urgent_first(office, officer):
    normal = GrievanceFactory(office=office)
    urgent = GrievanceFactory(office=office)
    grievance_set_priority(grievance=urgent, priority=GrievancePriority.URGENT, actor=officer)

    ids = _walk(officer, InboxFilters(tab="all", sort="priority"), page_size=5)

    assert ids == [urgent.pk, normal.pk]


def test_new_tab_shows_facebook_first_then_oldest(office, officer):
    now = timezone.now()
    web_old = GrievanceFactory(office=office, received_at=now - timedelta(hours=5))
    facebook = GrievanceFactory(
        office=office, channel=GrievanceChannel.FACEBOOK_COMMENT, received_at=now
    )
    web_new = GrievanceFactory(office=office, received_at=now - timedelta(hours=1))
    accepted = GrievanceFactory(office=office)
    grievance_accept(grievance=accepted, actor=officer)

    ids = _walk(officer, InboxFilters(tab="new"), page_size=2)

    assert ids == [facebook.pk, web_old.pk, web_new.pk]


def test_forged_cursor_falls_back_to_the_first_page(office, officer):
    GrievanceFactory.create_batch(2, office=office)

    page = grievance_inbox_for_user(user=officer, filters=InboxFilters(tab="all"), cursor="x:y")

    assert len(page.rows) == 2


def test_tabs_mine_unassigned_overdue_and_resolved(office, officer):
    mine = GrievanceFactory(office=office)
    grievance_assign(grievance=mine, assignee=officer, actor=officer)
    unassigned = GrievanceFactory(office=office)
    overdue = GrievanceFactory(office=office)
    grievance_accept(grievance=overdue, actor=officer)
    Grievance.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(days=1))

    def tab(name):
        return {
            g.pk
            for g in grievance_inbox_for_user(user=officer, filters=InboxFilters(tab=name)).rows
        }

    assert tab("mine") == {mine.pk}
    assert tab("unassigned") == {unassigned.pk, overdue.pk}
    assert tab("overdue") == {overdue.pk}
    assert tab("resolved") == set()


def test_other_offices_grievances_never_appear(office, officer, other_office):
    GrievanceFactory(office=other_office)
    own = GrievanceFactory(office=office)

    page = grievance_inbox_for_user(user=officer, filters=InboxFilters(tab="all"))

    assert [g.pk for g in page.rows] == [own.pk]
    assert page.counts["all"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("জমি", "land"),  # a whole Bangla word: full-text
        ("নামজার", "land"),  # part of a Bangla word: trigram
        ("Streetlight", "light"),  # English, any case
        ("broken", "light"),
    ],
)
def test_search_finds_bangla_and_english(office, officer, query, expected):
    by_name = {
        "land": GrievanceFactory(office=office, description="জমি নামজারি হচ্ছে না, তিন মাস ধরে"),
        "light": GrievanceFactory(office=office, description="The streetlight is broken on Road 5"),
    }

    page = grievance_inbox_for_user(user=officer, filters=InboxFilters(tab="all", q=query))

    assert [g.pk for g in page.rows] == [by_name[expected].pk]


def test_search_by_tracking_code_with_bangla_digits(office, officer):
    grievance = GrievanceFactory(office=office)
    GrievanceFactory(office=office)
    code = grievance.tracking_code.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))

    page = grievance_inbox_for_user(user=officer, filters=InboxFilters(tab="all", q=code))

    assert [g.pk for g in page.rows] == [grievance.pk]


def test_counts_are_capped_and_never_count_the_whole_table(office, officer):
    GrievanceFactory.create_batch(3, office=office)

    with CaptureQueriesContext(connection) as queries, mock.patch("grievances.inbox.COUNT_CAP", 2):
        page = grievance_inbox_for_user(user=officer, filters=InboxFilters(tab="all"))

    assert page.counts["all"] == 2  # capped: the page shows "99+" at the real cap
    count_sql = [q["sql"] for q in queries.captured_queries if "count(*)" in q["sql"].lower()]
    assert len(count_sql) == 1  # every tab in one statement
    assert count_sql[0].count("LIMIT") >= 8  # each tab and the notifications badge limited
    assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)


def test_inbox_page_stays_within_ten_queries(
    client, office, officer, django_assert_max_num_queries
):
    for _ in range(30):
        GrievanceFactory(office=office)
    client.force_login(officer)
    client.get(reverse("grievances:officer-inbox"))  # warm the day's due-soon cut-off

    with django_assert_max_num_queries(10):
        response = client.get(reverse("grievances:officer-inbox"), {"tab": "all", "q": "ময়লা"})
    cursor = response.context["page"].next_cursor
    with django_assert_max_num_queries(10):
        deep = client.get(
            reverse("grievances:officer-inbox"), {"tab": "all", "q": "ময়লা", "cursor": cursor}
        )

    assert response.status_code == deep.status_code == 200
    first_ids = {g.pk for g in response.context["page"].rows}
    assert first_ids.isdisjoint({g.pk for g in deep.context["page"].rows})


def test_inbox_shows_a_capped_count_as_cap_minus_one_plus_and_the_badge(client, office, officer):
    grievance, *_ = GrievanceFactory.create_batch(4, office=office)
    StaffNotification.objects.create(
        user=officer, grievance=grievance, kind="due_soon", dedupe_key="k"
    )
    client.force_login(officer)

    with mock.patch("grievances.inbox.COUNT_CAP", 3):  # 100 in production: "99+"
        response = client.get(reverse("grievances:officer-inbox"), {"tab": "all"})

    assert response.context["notification_count"] == 1
    assert '<span class="count">২+</span>' in response.content.decode()  # Bangla digits


def test_inbox_page_for_a_two_factor_session_stays_within_ten_queries(
    client, office, gro, django_assert_max_num_queries
):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for _ in range(30):
        GrievanceFactory(office=office)
    device = TOTPDevice.objects.create(user=gro, name="phone", confirmed=True)
    client.force_login(gro)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.get(reverse("grievances:officer-inbox"))  # warm the day's due-soon cut-off

    with django_assert_max_num_queries(10):
        response = client.get(reverse("grievances:officer-inbox"), {"tab": "unassigned"})

    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified()
    assert len(response.context["page"].rows) == 25


def test_filters_by_category_channel_assignee_and_dates_from_the_page(client, office, officer):

    from grievances.models import Category
    from grievances.services import grievance_categorise

    category = Category.objects.first()
    land = GrievanceFactory(office=office)
    grievance_categorise(grievance=land, category=category, actor=officer)
    facebook = GrievanceFactory(office=office, channel=GrievanceChannel.FACEBOOK_POST)
    mine = GrievanceFactory(office=office)
    grievance_assign(grievance=mine, assignee=officer, actor=officer)
    old = GrievanceFactory(office=office, received_at=timezone.now() - timedelta(days=40))
    client.force_login(officer)

    def shown(**params):
        response = client.get(reverse("grievances:officer-inbox"), {"tab": "all", **params})
        assert response.status_code == 200
        return {g.pk for g in response.context["page"].rows}

    assert shown(category=category.pk) == {land.pk}
    assert shown(channel="facebook_post") == {facebook.pk}
    assert shown(assignee=officer.pk) == {mine.pk}
    assert old.pk not in shown(received_from=(timezone.now() - timedelta(days=5)).date())
    assert shown(received_to=(timezone.now() - timedelta(days=30)).date()) == {old.pk}
    page = client.get(reverse("grievances:officer-inbox"), {"tab": "all", "category": category.pk})
    assert f'<option value="{category.pk}" selected>' in page.content.decode()
