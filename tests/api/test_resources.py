"""What the API shows: lists and their filters, one grievance, officer entry, reference data,
and the citizens' endpoints."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from grievances import services
from grievances.models import Category, Grievance, GrievanceChannel, GrievanceStatus
from integrations.facebook.models import FacebookComment, FacebookPage
from integrations.notifications.models import Notification
from offices.models import District, OfficeRole
from tests.api.conftest import key_header
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/grievances/"


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- the list ------------------------------------------------------------------------------


def test_filters(api, office, officer, write_key):
    categories = list(Category.objects.filter(is_active=True)[:2])
    a = GrievanceFactory(office=office, category=categories[0], subject="broken streetlight")
    b = GrievanceFactory(office=office, category=categories[1], channel=GrievanceChannel.API)
    services.grievance_assign(grievance=b, assignee=officer, actor=officer)
    h = key_header(write_key)

    assert _ids(api.get(LIST, {"category": categories[0].pk}, **h)) == {a.pk}
    assert _ids(api.get(LIST, {"channel": "api"}, **h)) == {b.pk}
    assert _ids(api.get(LIST, {"status": "in_progress"}, **h)) == {b.pk}
    assert _ids(api.get(LIST, {"assignee": officer.pk}, **h)) == {b.pk}
    assert _ids(api.get(LIST, {"q": "streetlight"}, **h)) == {a.pk}
    today = timezone.localdate().isoformat()
    assert _ids(api.get(LIST, {"received_from": today}, **h)) == {a.pk, b.pk}
    assert _ids(api.get(LIST, {"received_to": "2000-01-01"}, **h)) == set()


def test_overdue_is_the_one_definition(api, office, write_key):
    late, on_time = GrievanceFactory(office=office), GrievanceFactory(office=office)
    Grievance.objects.filter(pk=late.pk).update(
        first_response_due_at=timezone.now() - timedelta(days=1)
    )
    overdue_ids = set(Grievance.objects.overdue().values_list("pk", flat=True))

    h = key_header(write_key)
    assert _ids(api.get(LIST, {"overdue": "true"}, **h)) == overdue_ids & {late.pk, on_time.pk}
    assert _ids(api.get(LIST, {"overdue": "false"}, **h)) == {on_time.pk}
    rows = {r["id"]: r for r in api.get(LIST, **h).json()["results"]}
    assert (rows[late.pk]["is_overdue"], rows[on_time.pk]["is_overdue"]) == (True, False)


def test_a_forged_or_foreign_cursor_is_a_400(api, office, write_key):
    for _ in range(3):
        GrievanceFactory(office=office)
    h = key_header(write_key)
    cursor = api.get(LIST, {"page_size": 1}, **h).json()["next_cursor"]

    assert api.get(LIST, {"cursor": cursor + "x"}, **h).json()["code"] == "invalid_cursor"
    # A cursor of another sort order does not silently restart the list.
    other_sort = api.get(LIST, {"cursor": cursor, "sort": "activity"}, **h)
    assert other_sort.status_code == 400


def test_the_list_is_a_few_queries_whatever_the_page(api, office, write_key):
    for _ in range(30):
        GrievanceFactory(office=office)
    h = key_header(write_key)
    first = api.get(LIST, {"page_size": 10}, **h).json()

    with CaptureQueriesContext(connection) as queries:
        second = api.get(LIST, {"page_size": 10, "cursor": first["next_cursor"]}, **h)

    assert len(second.json()["results"]) == 10
    assert len(queries) <= 6, [q["sql"][:120] for q in queries]
    assert not any("OFFSET" in q["sql"] or "COUNT(" in q["sql"].upper() for q in queries)


def test_national_keys_read_every_office_and_the_list_says_so(api, national_user, other_office):
    from api.keys import api_key_create

    theirs = GrievanceFactory(office=other_office)
    raw, _ = api_key_create(name="n", owner=national_user, national_read=True)

    assert theirs.pk in _ids(api.get(LIST, **key_header(raw)))


# --- one grievance -------------------------------------------------------------------------


def test_detail_has_timeline_replies_notes_and_masks_contact_for_officers(
    api, office, officer, gro, write_key
):
    grievance = GrievanceFactory(office=office, citizen_phone="+8801712345678")
    services.grievance_accept(grievance=grievance, actor=officer)
    services.grievance_add_note(grievance=grievance, actor=officer, note="internal: called")
    services.reply_create(
        grievance=grievance, author=officer, body="We are on it.", to_facebook=False
    )
    url = reverse("api:grievance-detail", args=[grievance.pk])

    api.force_login(officer)
    body = api.get(url).json()

    assert [e["kind"] for e in body["public_timeline"]][:2] == ["created", "status_changed"]
    assert any(e["note"] == "internal: called" for e in body["internal_events"])
    assert not any(e["note"] == "internal: called" for e in body["public_timeline"])
    assert body["replies"][0]["body"] == "We are on it."
    assert body["contact"]["phone"].endswith("678")
    assert body["contact"]["masked"]
    assert "1712345" not in json.dumps(body["contact"])
    assert body["permissions"] == {"may_act": True, "may_manage": False}
    # The GRO sees the contact (and so does a key acting as the GRO's role would).
    api.force_login(gro)
    assert api.get(url).json()["contact"]["phone"] == "+8801712345678"


def test_detail_shows_the_facebook_source(api, office, write_key):
    grievance = GrievanceFactory(office=office, channel=GrievanceChannel.FACEBOOK_COMMENT)
    page = FacebookPage.objects.create(page_id="123", office=office)
    FacebookComment.objects.create(
        graph_id="123_456", page=page, post_id="123_1", message="রাস্তা ভাঙা", grievance=grievance
    )

    body = api.get(
        reverse("api:grievance-detail", args=[grievance.pk]), **key_header(write_key)
    ).json()

    assert body["facebook_source"][0]["graph_id"] == "123_456"
    assert body["facebook_source"][0]["message"] == "রাস্তা ভাঙা"


def test_transfer_answers_with_the_grievance_now_in_the_other_office(office, other_office, gro):
    grievance = GrievanceFactory(office=office)
    api = APIClient()  # a session without CSRF checks: those are tested in test_errors.py
    api.force_login(gro)
    response = api.post(
        reverse("api:grievance-transfer", args=[grievance.pk]),
        {"office": other_office.pk, "reason": "Theirs."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["office"]["id"] == other_office.pk
    # From now on it is another office's grievance: 404.
    assert api.get(reverse("api:grievance-detail", args=[grievance.pk])).status_code == 404


# --- officer entry ---------------------------------------------------------------------------


def test_officer_entry_records_and_notifies_like_the_page(api, office, write_key):
    response = api.post(
        reverse("api:grievance-create"),
        {
            "office": office.pk,
            "intake_via": "call_centre_333",
            "description": "পানি নেই",
            "citizen_phone": "01712345678",
        },
        format="json",
        **key_header(write_key),
    )

    assert response.status_code == 201, response.json()
    grievance = Grievance.objects.get(pk=response.json()["id"])
    assert (grievance.channel, grievance.intake_via) == ("officer_entry", "call_centre_333")
    assert grievance.citizen_phone == "+8801712345678"
    assert Notification.objects.filter(channel="sms", recipient="+8801712345678").exists()
    assert "access_key" not in response.json()  # the officer never holds the citizen's key


def test_officer_entry_checks_the_phone_like_the_page(api, office, write_key):
    response = api.post(
        reverse("api:grievance-create"),
        {"office": office.pk, "intake_via": "phone", "description": "x", "citizen_phone": "12"},
        format="json",
        **key_header(write_key),
    )
    assert response.status_code == 400
    assert response.json()["fields"]["citizen_phone"][0]["code"] == "bad_phone"


# --- reference data ---------------------------------------------------------------------------


def test_reference_data_is_public_cacheable_and_bilingual(api):
    dhaka = District.objects.get(code="DHA")
    response = api.get(reverse("api:upazila-list"), {"district": dhaka.pk})

    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    rows = response.json()
    assert rows
    assert {r["district"] for r in rows} == {dhaka.pk}
    assert rows[0]["name_bn"] != rows[0]["name_en"]
    assert len(api.get(reverse("api:district-list")).json()) == 64
    assert len(api.get(reverse("api:division-list")).json()) == 8
    categories = api.get(reverse("api:category-list")).json()
    assert {c["id"] for c in categories} == set(
        Category.objects.filter(is_active=True).values_list("pk", flat=True)
    )
    offices = api.get(reverse("api:office-list"), {"district": dhaka.pk}).json()
    assert any(o["code"] == "DHA" for o in offices)
    assert api.get(reverse("api:upazila-list"), {"district": "x"}).status_code == 400


# --- citizens ---------------------------------------------------------------------------------


def _filing(**extra):
    category = Category.objects.filter(is_active=True).first()
    return {
        "district": "dhaka",
        "category": category.pk,
        "description": "রাস্তার পাশে ময়লা জমে আছে।",
        "citizen_phone": "01712345678",
        **extra,
    }


def test_a_citizen_files_and_gets_the_code_and_key_once(api, settings):
    settings.SITE_URL = "https://shunani.example.gov.bd"
    response = api.post(reverse("api:citizen-file"), _filing(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    grievance = Grievance.objects.get(tracking_code=body["tracking_code"])
    assert grievance.channel == "web"
    assert body["access_key"] not in grievance.access_key_hash
    assert body["private_url"].startswith("https://shunani.example.gov.bd/track/")
    assert body["sms"] is True
    assert Notification.objects.filter(channel="sms", recipient="+8801712345678").exists()
    assert response["Cache-Control"] == "no-store, private"


def test_filing_checks_like_the_form(api):
    response = api.post(
        reverse("api:citizen-file"),
        _filing(upazila=999999, citizen_phone="123"),
        format="json",
    )
    assert response.status_code == 400
    assert {"upazila", "citizen_phone"} <= set(response.json()["fields"])


def test_filing_is_rate_limited_like_the_form(api, settings):
    settings.RATE_LIMITS = {"grievance-file": (1, 3600)}
    assert api.post(reverse("api:citizen-file"), _filing(), format="json").status_code == 201

    refused = api.post(reverse("api:citizen-file"), _filing(), format="json")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0


def test_a_resent_filing_with_the_same_idempotency_key_files_once(api):
    token = "f" * 32
    first = api.post(
        reverse("api:citizen-file"), _filing(), format="json", HTTP_IDEMPOTENCY_KEY=token
    )
    again = api.post(
        reverse("api:citizen-file"), _filing(), format="json", HTTP_IDEMPOTENCY_KEY=token
    )

    assert first.json() == again.json()
    assert Grievance.objects.filter(tracking_code=first.json()["tracking_code"]).count() == 1
    assert Grievance.objects.count() == 1


def test_tracking_public_and_private(api, office):
    grievance = GrievanceFactory(
        office=office, citizen_name="Rahim", citizen_phone="+8801712345678"
    )
    url = reverse("api:citizen-track", args=[grievance.tracking_code])

    public = api.get(url).json()
    private = api.get(url, {"key": grievance.access_key}).json()

    assert public["private"] is False
    assert "description" not in public
    assert "Rahim" not in json.dumps(public)
    assert "1712345678" not in json.dumps(public)
    assert private["private"] is True
    assert public["yours"] is None
    assert private["yours"]["description"] == grievance.description
    assert private["yours"]["citizen_phone"] == "+8801712345678"
    assert api.get(url, {"key": "wrong"}).status_code == 404
    assert api.get(reverse("api:citizen-track", args=["nonsense"])).status_code == 404
    # Bangla digits and lower case are the same code.
    assert (
        api.get(url.replace(grievance.tracking_code, grievance.tracking_code.lower())).json()[
            "tracking_code"
        ]
        == grievance.tracking_code
    )


def test_status_is_public_for_a_grievance_closed_as_not_one(api, office, officer):
    grievance = GrievanceFactory(office=office)
    services.grievance_mark_not_grievance(
        grievance=grievance, actor=officer, reason="praise", note=""
    )
    url = reverse("api:citizen-track", args=[grievance.tracking_code])
    assert api.get(url).json()["status"] == GrievanceStatus.NOT_GRIEVANCE


def test_another_offices_head_sees_nothing_of_ours(api, office, other_office):
    head = OfficeMembershipFactory(office=other_office, role=OfficeRole.HEAD).user
    GrievanceFactory(office=office)
    api.force_login(head)
    assert _ids(api.get(LIST)) == set()


def test_the_fast_list_rows_are_the_serializers(office, officer):
    from api.serializers import GrievanceListItemSerializer, list_item

    assigned = GrievanceFactory(office=office, subject="x")
    services.grievance_assign(grievance=assigned, assignee=officer, actor=officer)
    rows = [
        Grievance.objects.select_related("office", "assigned_to").get(pk=pk)
        for pk in (assigned.pk, GrievanceFactory(office=office).pk)
    ]
    now = timezone.now()

    for row in rows:
        expected = GrievanceListItemSerializer(row, context={"now": now}).data
        assert list_item(row, now) == json.loads(json.dumps(expected))
