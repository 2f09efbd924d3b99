import re
from unittest import mock

import pytest
from django.urls import reverse

from grievances.models import (
    Grievance,
    GrievanceChannel,
    GrievanceEvent,
    GrievanceStatus,
    Reply,
    ReplyState,
)
from grievances.services import grievance_accept, grievance_resolve
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


def _action(client, grievance, action, data=None):
    url = reverse("grievances:officer-action", args=[grievance.pk, action])
    return client.post(url, data or {}, follow=True)


@pytest.fixture
def grievance(office):
    return GrievanceFactory(
        office=office, citizen_phone="01712345678", citizen_email="rahim@example.com"
    )


def test_grievance_page_separates_public_timeline_from_internal_notes(client, officer, grievance):
    client.force_login(officer)
    _action(client, grievance, "note", {"note": "ভূমি অফিসে ফোন করা হয়েছে"})

    response = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))

    assert response.status_code == 200
    assert [e.kind for e in response.context["internal_events"]] == ["note"]
    assert "note" not in {e.kind for e in response.context["public_events"]}


def test_officer_sees_the_citizens_contact_masked(client, officer, grievance):
    client.force_login(officer)

    response = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))

    body = response.content.decode()
    assert "01712345678" not in body
    assert "rahim@example.com" not in body
    assert "••••••••678" in body


def test_gro_sees_the_citizens_contact_in_full(client, gro, grievance):
    client.force_login(gro)

    response = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))

    assert "01712345678" in response.content.decode()


def test_accept_then_assign_to_a_colleague(client, gro, officer, grievance):
    client.force_login(gro)

    _action(client, grievance, "accept")
    _action(client, grievance, "assign", {"assignee": officer.pk})

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.IN_PROGRESS
    assert grievance.assigned_to == officer


def test_transfer_needs_a_reason_and_the_error_is_in_bangla(client, gro, grievance, other_office):
    client.force_login(gro)

    response = _action(client, grievance, "transfer", {"office": other_office.pk, "reason": ""})

    grievance.refresh_from_db()
    assert grievance.office_id != other_office.pk
    assert "এটি আবশ্যক।" in response.content.decode()  # "This field is required."


def test_transfer_moves_the_grievance_out_of_sight(client, gro, grievance, other_office):
    client.force_login(gro)

    response = _action(
        client, grievance, "transfer", {"office": other_office.pk, "reason": "চট্টগ্রামের বিষয়"}
    )

    grievance.refresh_from_db()
    assert grievance.office_id == other_office.pk
    assert response.status_code == 404  # redirected back to a page the GRO may no longer see


def test_resolve_as_referred_must_name_the_target(client, officer, grievance):
    client.force_login(officer)
    grievance_accept(grievance=grievance, actor=officer)

    _action(client, grievance, "resolve", {"outcome": "referred", "note": "পাঠানো হলো"})
    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.ACCEPTED

    _action(
        client,
        grievance,
        "resolve",
        {"outcome": "referred", "note": "পাঠানো হলো", "referred_to": "উপজেলা ভূমি অফিস"},
    )
    grievance.refresh_from_db()
    assert (grievance.status, grievance.referred_to) == ("resolved", "উপজেলা ভূমি অফিস")


def test_reopen_a_resolved_grievance(client, officer, grievance):
    client.force_login(officer)
    grievance_accept(grievance=grievance, actor=officer)
    grievance_resolve(grievance=grievance, actor=officer, outcome="action_taken", note="করা হয়েছে")

    _action(client, grievance, "reopen", {"note": "নাগরিক জানিয়েছেন সমস্যা রয়ে গেছে"})

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.IN_PROGRESS


def test_merge_as_duplicate_by_tracking_code(client, officer, office, grievance):
    original = GrievanceFactory(office=office)
    client.force_login(officer)

    _action(client, grievance, "duplicate", {"original": original.tracking_code.lower()})

    grievance.refresh_from_db()
    assert (grievance.status, grievance.duplicate_of_id) == ("duplicate", original.pk)


def test_categorise_priority_and_not_a_grievance(client, officer, grievance):
    from grievances.models import Category

    category = Category.objects.first()
    client.force_login(officer)

    _action(client, grievance, "categorise", {"category": category.pk})
    _action(client, grievance, "priority", {"priority": "high"})
    _action(client, grievance, "not-grievance", {"reason": "praise"})

    grievance.refresh_from_db()
    assert (grievance.category, grievance.priority, grievance.status) == (
        category,
        "high",
        "not_grievance",
    )


def test_an_action_the_workflow_forbids_shows_the_services_message(client, gro, grievance):
    client.force_login(gro)

    response = _action(client, grievance, "close", {"note": "বন্ধ"})

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.NEW
    assert "থেকে" in str(next(iter(response.context["messages"])))  # "cannot move from … to …"


def test_bulk_mark_not_a_grievance_skips_other_offices(client, officer, office, other_office):
    mine = GrievanceFactory.create_batch(2, office=office)
    theirs = GrievanceFactory(office=other_office)
    client.force_login(officer)

    client.post(
        reverse("grievances:officer-bulk"),
        {"ids": [g.pk for g in [*mine, theirs]], "action": "not_grievance", "reason": "spam"},
    )

    statuses = dict(Grievance.objects.values_list("pk", "status"))
    assert [statuses[g.pk] for g in mine] == ["not_grievance", "not_grievance"]
    assert statuses[theirs.pk] == "new"


def test_bulk_assign_and_categorise(client, gro, officer, office):
    from grievances.models import Category

    grievances = GrievanceFactory.create_batch(2, office=office)
    category = Category.objects.first()
    client.force_login(gro)
    ids = [g.pk for g in grievances]

    client.post(
        reverse("grievances:officer-bulk"), {"ids": ids, "action": "assign", "assignee": officer.pk}
    )
    client.post(
        reverse("grievances:officer-bulk"),
        {"ids": ids, "action": "categorise", "category": category.pk},
    )

    for g in grievances:
        g.refresh_from_db()
        assert (g.assigned_to, g.category) == (officer, category)


def test_officer_records_a_phone_complaint(client, officer, office):
    client.force_login(officer)

    response = client.post(
        reverse("grievances:officer-grievance-new"),
        {
            "office": office.pk,
            "intake_via": "phone",
            "description": "৩৩৩ নম্বরে ফোন করে জানালেন: বয়স্ক ভাতা পাচ্ছেন না",
            "citizen_phone": "০১৭১২৩৪৫৬৭৮",
        },
    )

    grievance = Grievance.objects.get()
    assert response.status_code == 302
    assert (grievance.channel, grievance.intake_via, grievance.citizen_phone) == (
        GrievanceChannel.OFFICER_ENTRY,
        "phone",
        "+8801712345678",
    )
    assert grievance.events.get().actor == officer


# --- public replies -----------------------------------------------------------------------------


def _reply(client, grievance, **data):
    return client.post(reverse("grievances:officer-reply", args=[grievance.pk]), data)


def test_reply_with_a_phone_number_needs_confirmation(client, officer, grievance):
    client.force_login(officer)

    response = _reply(client, grievance, body="আপনার নম্বর ০১৭১২৩৪৫৬৭৮ এ ফোন করা হবে", send="1")

    assert response.status_code == 200
    assert not Reply.objects.exists()
    assert "confirm_privacy" in response.content.decode()

    _reply(
        client, grievance, body="আপনার নম্বর ০১৭১২৩৪৫৬৭৮ এ ফোন করা হবে", send="1", confirm_privacy="on"
    )
    assert Reply.objects.count() == 1


def test_preview_shows_the_text_and_its_length_and_sends_nothing(client, officer, grievance):
    client.force_login(officer)

    response = _reply(client, grievance, body="ধন্যবাদ", preview="1")

    assert response.context["preview"] == "ধন্যবাদ"
    assert not Reply.objects.exists()


def test_template_link_fills_the_composer_in_bangla(client, officer, grievance):
    client.force_login(officer)

    response = client.get(
        reverse("grievances:officer-grievance", args=[grievance.pk]),
        {"template": "acknowledgement"},
    )

    body = response.context["reply_form"].initial["body"]
    assert grievance.tracking_code in body
    assert "ধন্যবাদ" in body


def test_sent_reply_shows_its_state_and_a_failed_one_can_be_retried(
    client, officer, grievance, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        _reply(client, grievance, body="আমরা বিষয়টি দেখছি", send="1")
    reply = Reply.objects.get()
    assert reply.state == ReplyState.SENT  # citizen-only: on the tracking page at once

    Reply.objects.filter(pk=reply.pk).update(state=ReplyState.FAILED, last_error="Graph said no")
    page = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))
    assert "Graph said no" in page.content.decode()

    with (
        mock.patch("grievances.services.replies.reply_deliver_task.delay") as deliver,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("grievances:officer-reply-retry", args=[grievance.pk, reply.pk]))
    reply.refresh_from_db()
    assert reply.state == ReplyState.QUEUED
    deliver.assert_called_once_with(reply_id=reply.pk)
    assert GrievanceEvent.objects.filter(kind="public_reply").count() == 1


def test_officers_may_take_work_and_gros_hand_it_to_anyone(client, officer, gro, grievance):
    client.force_login(officer)
    as_officer = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))
    client.force_login(gro)
    as_gro = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))

    officer_choices = dict(as_officer.context["assign_form"].fields["assignee"].choices)
    gro_choices = dict(as_gro.context["assign_form"].fields["assignee"].choices)
    assert set(officer_choices) == {officer.pk}
    assert {officer.pk, gro.pk} <= set(gro_choices)


def test_timeline_names_statuses_in_the_users_language(client, officer, grievance):
    client.force_login(officer)
    _action(client, grievance, "accept")

    response = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))

    assert "→ গৃহীত" in response.content.decode()  # not the stored value "accepted"


def test_every_label_on_the_grievance_page_names_one_field_of_its_own(client, gro, grievance):
    client.force_login(gro)

    html = client.get(reverse("grievances:officer-grievance", args=[grievance.pk])).content.decode()

    ids = re.findall(r'\sid="([^"]+)"', html)
    targets = re.findall(r'<label[^>]*\sfor="([^"]+)"', html)
    assert targets
    assert len(ids) == len(set(ids)), "an id is used twice"
    assert set(targets) <= set(ids), "a label points at nothing"


# --- the resolution note is published: the same personal-data check as a reply ------------------


RESOLUTION_WITH_A_NUMBER = "ইউএনও অফিসে 01711-234567 নম্বরে যোগাযোগ করে সমাধান হয়েছে"


def test_a_resolution_note_with_a_phone_number_needs_confirmation(client, officer, grievance):
    client.force_login(officer)
    grievance_accept(grievance=grievance, actor=officer)
    data = {"outcome": "action_taken", "note": RESOLUTION_WITH_A_NUMBER}

    response = _action(client, grievance, "resolve", data)

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.ACCEPTED
    body = response.content.decode()
    assert "01711-234567" in body  # the finding is named, and the typed answer is kept
    assert 'name="confirm_privacy"' in body

    _action(client, grievance, "resolve", {**data, "confirm_privacy": "on"})

    grievance.refresh_from_db()
    assert (grievance.status, grievance.outcome_note) == ("resolved", RESOLUTION_WITH_A_NUMBER)


def test_a_resolution_note_without_personal_data_needs_no_confirmation(client, officer, grievance):
    client.force_login(officer)
    grievance_accept(grievance=grievance, actor=officer)

    _action(
        client,
        grievance,
        "resolve",
        {"outcome": "action_taken", "note": "২০২৬-১১-২৬ তারিখে রাস্তা মেরামত হয়েছে, খরচ ৳ ৫,০০০"},
    )

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.RESOLVED


# --- closing: the citizen's time to answer is not the office's to take ---------------------------


def _resolved(grievance, officer, days_ago=0):
    from datetime import timedelta

    from django.utils import timezone

    grievance_accept(grievance=grievance, actor=officer)
    grievance_resolve(grievance=grievance, actor=officer, outcome="action_taken", note="করা হয়েছে")
    Grievance.objects.filter(pk=grievance.pk).update(
        resolved_at=timezone.now() - timedelta(days=days_ago)
    )
    grievance.refresh_from_db()
    return grievance


def _page(client, grievance):
    return client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))


@pytest.mark.parametrize("who", ["officer", "gro"])
def test_no_close_button_while_the_citizen_may_answer(client, request, officer, grievance, who):
    _resolved(grievance, officer)
    client.force_login(request.getfixturevalue(who))

    response = _page(client, grievance)

    assert response.context["may_close"] is False
    assert "/close/" not in response.content.decode()
    assert "নাগরিকের উত্তরের অপেক্ষা" in response.content.decode()  # "Waiting for the citizen"


def test_an_officer_posting_close_anyway_is_refused(client, officer, grievance):
    _resolved(grievance, officer, days_ago=30)
    client.force_login(officer)

    response = client.post(
        reverse("grievances:officer-action", args=[grievance.pk, "close"]), {"note": "বন্ধ"}
    )

    grievance.refresh_from_db()
    assert response.status_code == 403
    assert grievance.status == GrievanceStatus.RESOLVED


def test_the_gro_may_close_after_the_citizens_time_saying_why(client, officer, gro, grievance):
    _resolved(grievance, officer, days_ago=30)
    client.force_login(gro)

    assert _page(client, grievance).context["may_close"] is True
    response = _action(client, grievance, "close", {"note": ""})
    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.RESOLVED  # no reason, no close
    assert response.context["close_form"].errors

    _action(client, grievance, "close", {"note": "নাগরিক সাড়া দেননি"})
    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.CLOSED
    assert grievance.events.get(to_status="closed").note == "নাগরিক সাড়া দেননি"


def test_the_offices_closing_reason_with_a_phone_number_needs_confirmation(
    client, officer, gro, grievance
):
    _resolved(grievance, officer, days_ago=30)
    client.force_login(gro)
    reason = "নাগরিককে 01711 234 567 নম্বরে পাওয়া যায়নি"

    response = _action(client, grievance, "close", {"note": reason})

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.RESOLVED
    assert 'name="confirm_privacy"' in response.content.decode()

    _action(client, grievance, "close", {"note": reason, "confirm_privacy": "on"})

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.CLOSED


# --- a complaint typed in by an officer: the citizen gets their code and private link -----------


def _record(client, office, **citizen):
    return client.post(
        reverse("grievances:officer-grievance-new"),
        {
            "office": office.pk,
            "intake_via": "paper",
            "description": "লিখিত অভিযোগ: বয়স্ক ভাতা পাচ্ছেন না",
            **citizen,
        },
        follow=True,
    )


def test_an_officer_entry_sends_the_citizen_the_code_and_private_link(
    client, officer, office, django_capture_on_commit_callbacks
):
    from grievances.selectors import grievance_get_for_citizen
    from integrations.notifications.models import Notification

    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=False):  # still queued: the link is kept
        response = _record(
            client, office, citizen_phone="01712345678", citizen_email="rahim@example.com"
        )

    grievance = Grievance.objects.get()
    sms = Notification.objects.get(channel="sms")
    email = Notification.objects.get(channel="email")
    assert (sms.recipient, email.recipient) == ("+8801712345678", "rahim@example.com")
    assert "key=" not in sms.body + email.body  # apart from the text until it is sent
    key = re.search(r"\?key=(\S+)", email.secret).group(1)
    assert grievance_get_for_citizen(code=grievance.tracking_code, key=key) == grievance
    message = str(next(iter(response.context["messages"])))
    assert "••••••••678" in message
    assert "r•••@example.com" in message
    assert "01712345678" not in message
    assert key not in response.content.decode()  # the officer never holds the citizen's key


def test_an_officer_entry_without_contact_says_nothing_was_sent(client, officer, office):
    from integrations.notifications.models import Notification

    client.force_login(officer)

    response = _record(client, office)

    assert not Notification.objects.exists()
    message = str(next(iter(response.context["messages"])))
    assert Grievance.objects.get().tracking_code in message


def test_an_officer_entry_with_a_number_that_is_not_a_mobile_is_refused(client, officer, office):
    client.force_login(officer)

    response = _record(client, office, citizen_phone="12345")

    assert response.status_code == 200
    assert not Grievance.objects.exists()
