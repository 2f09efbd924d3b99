"""Feedback, reopen and appeal (DESIGN.md §3.2), through the citizen's private page."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.calendar import add_working_days
from grievances.models import Feedback, Grievance, GrievanceEvent
from grievances.services import grievance_accept, grievance_resolve
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db
Kind = GrievanceEvent.Kind


@pytest.fixture
def resolved(office, officer):
    grievance = GrievanceFactory(office=office)
    key = grievance.access_key
    grievance = grievance_accept(grievance=grievance, actor=officer)
    grievance = grievance_resolve(
        grievance=grievance, actor=officer, outcome="action_taken", note="মেরামত করা হয়েছে।"
    )
    grievance.access_key = key
    return grievance


def _post(client, grievance, **data):
    return client.post(
        f"/track/{grievance.tracking_code}/feedback/", {"key": grievance.access_key, **data}
    )


def test_the_feedback_form_appears_only_once_resolved(client, office, resolved):
    new = GrievanceFactory(office=office)

    on_resolved = client.get(f"/track/{resolved.tracking_code}/?key={resolved.access_key}")
    on_new = client.get(f"/track/{new.tracking_code}/?key={new.access_key}")

    assert f'action="/track/{resolved.tracking_code}/feedback/"' in on_resolved.content.decode()
    assert "/feedback/" not in on_new.content.decode()


def test_fixed_closes_the_grievance_and_keeps_the_rating(client, resolved):
    response = _post(client, resolved, is_fixed="yes", rating="5", comment="ধন্যবাদ")

    assert response.status_code == 302
    grievance = Grievance.objects.get(pk=resolved.pk)
    assert grievance.status == "closed"
    assert grievance.closed_at is not None
    feedback = Feedback.objects.get()
    assert (feedback.is_fixed, feedback.rating, feedback.comment) == (True, 5, "ধন্যবাদ")
    kinds = list(grievance.events.values_list("kind", "to_status"))
    assert kinds[-2:] == [(Kind.FEEDBACK, ""), (Kind.STATUS_CHANGED, "closed")]


def test_not_fixed_and_reopen_goes_back_to_work_at_the_same_tier_with_a_new_deadline(
    client, resolved
):
    before = timezone.now()

    _post(client, resolved, is_fixed="no", rating="2", comment="একই অবস্থা", next_step="reopen")

    grievance = Grievance.objects.get(pk=resolved.pk)
    assert grievance.status == "in_progress"
    assert grievance.tier == 1
    assert grievance.office_id == resolved.office_id
    assert grievance.outcome == ""
    assert grievance.resolved_at is None
    assert grievance.due_at == add_working_days(before, settings.GRIEVANCE_TIER_DEADLINE_DAYS[1])
    change = grievance.events.filter(kind=Kind.STATUS_CHANGED).last()
    assert (change.from_status, change.to_status, change.actor) == ("resolved", "in_progress", None)
    assert change.data["reopened"] is True
    feedback_event = grievance.events.get(kind=Kind.FEEDBACK)
    assert not feedback_event.is_public
    assert feedback_event.note == "একই অবস্থা"


def test_not_fixed_and_appeal_moves_it_to_tier_two_at_the_parent_office(client, resolved):
    before = timezone.now()
    parent = resolved.office.parent

    _post(client, resolved, is_fixed="no", rating="1", next_step="appeal")

    grievance = Grievance.objects.get(pk=resolved.pk)
    assert grievance.status == "in_progress"
    assert grievance.tier == 2
    assert grievance.office == parent
    assert grievance.assigned_to is None
    assert grievance.due_at == add_working_days(before, settings.GRIEVANCE_TIER_DEADLINE_DAYS[2])
    appealed = grievance.events.get(kind=Kind.APPEALED)
    assert (appealed.from_office_id, appealed.to_office) == (resolved.office_id, parent)
    assert appealed.is_public


def test_the_citizens_comment_never_reaches_the_public_page(client, resolved):
    _post(client, resolved, is_fixed="no", rating="1", comment="ঘুষ চেয়েছে", next_step="appeal")

    public = client.get(f"/track/{resolved.tracking_code}/").content.decode()

    assert "ঘুষ চেয়েছে" not in public
    assert "আপিল" in public


def test_reopen_is_refused_after_ten_working_days(client, resolved):
    Grievance.objects.filter(pk=resolved.pk).update(resolved_at=timezone.now() - timedelta(days=30))

    response = _post(client, resolved, is_fixed="no", rating="2", next_step="reopen")

    assert "পেরিয়ে গেছে" in response.content.decode() or "has passed" in response.content.decode()
    assert Grievance.objects.get(pk=resolved.pk).status == "resolved"
    assert not Feedback.objects.exists()


def test_not_fixed_needs_a_choice_between_reopen_and_appeal(client, resolved):
    response = _post(client, resolved, is_fixed="no", rating="3")

    assert "আবার খুলবেন নাকি আপিল করবেন, বেছে নিন।" in response.content.decode()
    assert Grievance.objects.get(pk=resolved.pk).status == "resolved"


@pytest.mark.parametrize("rating", ["", "0", "6", "five"])
def test_a_rating_outside_one_to_five_is_refused(client, resolved, rating):
    response = _post(client, resolved, is_fixed="yes", rating=rating)

    assert "১ থেকে ৫ এর মধ্যে একটি মান বেছে নিন।" in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_on_a_grievance_not_yet_resolved_is_refused(client, office):
    grievance = GrievanceFactory(office=office)

    response = _post(client, grievance, is_fixed="yes", rating="5")

    assert "কার্যালয় নিষ্পত্তি করার পরেই মতামত দেওয়া যাবে।" in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_with_a_wrong_key_changes_nothing(client, resolved):
    resolved.access_key = "wrong"

    response = _post(client, resolved, is_fixed="yes", rating="5")

    assert response.status_code == 302
    assert Grievance.objects.get(pk=resolved.pk).status == "resolved"
    assert not Feedback.objects.exists()


def test_an_appealed_grievance_cannot_be_appealed_again(client, resolved, officer):
    _post(client, resolved, is_fixed="no", rating="1", next_step="appeal")
    grievance = Grievance.objects.get(pk=resolved.pk)
    # The appeal office answers; the citizen is still unhappy.
    grievance_resolve(grievance=grievance, actor=None, outcome="action_taken", note="দেখা হয়েছে")
    html = client.get(f"/track/{grievance.tracking_code}/?key={resolved.access_key}")

    response = _post(client, resolved, is_fixed="no", rating="1", next_step="appeal")

    assert 'value="appeal"' not in html.content.decode()
    assert Grievance.objects.get(pk=resolved.pk).tier == 2
    assert response.status_code == 200


def test_not_fixed_needs_no_rating(client, resolved):
    _post(client, resolved, is_fixed="no", next_step="reopen")

    assert Grievance.objects.get(pk=resolved.pk).status == "in_progress"
    assert Feedback.objects.get().rating is None


def test_fixed_still_needs_a_rating(client, resolved):
    response = _post(client, resolved, is_fixed="yes")

    assert "১ থেকে ৫ এর মধ্যে একটি মান বেছে নিন।" in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_limit_in_a_comment_error_is_in_bangla_digits(client, resolved):
    response = _post(client, resolved, is_fixed="yes", rating="4", comment="ক" * 2001)

    html = response.content.decode()
    assert "মন্তব্য ২০০০ অক্ষরের মধ্যে রাখুন।" in html
    assert "মন্তব্য 2000" not in html
    assert not Feedback.objects.exists()
