import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django.utils.translation import override

from core.exceptions import ApplicationError
from grievances.models import (
    Grievance,
    GrievanceEvent,
    GrievanceOutcome,
    GrievanceStatus,
    GrievanceTier,
)
from grievances.services import (
    grievance_accept,
    grievance_add_note,
    grievance_appeal,
    grievance_assign,
    grievance_change_status,
    grievance_close,
    grievance_create,
    grievance_mark_duplicate,
    grievance_mark_not_grievance,
    grievance_reopen,
    grievance_resolve,
    grievance_transfer,
)
from grievances.tracking import access_key_matches
from integrations.notifications.models import Notification
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory

pytestmark = pytest.mark.django_db
BANGLA_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
S = GrievanceStatus
Kind = GrievanceEvent.Kind


def accepted(grievance, actor):
    return grievance_accept(grievance=grievance, actor=actor)


def resolved(grievance, actor):
    grievance = accepted(grievance, actor)
    return grievance_resolve(
        grievance=grievance,
        actor=actor,
        outcome=GrievanceOutcome.SERVICE_PROVIDED,
        note="ময়লা পরিষ্কার করা হয়েছে।",
    )


def test_create_gives_a_readable_code_a_hashed_key_and_a_first_response_deadline(office):
    grievance, key = grievance_create(office=office, channel="web", description="রাস্তা ভাঙা")

    assert grievance.tracking_code.startswith("DHA-")
    assert len(grievance.tracking_code) == len("DHA-2611-00001")
    assert key not in grievance.access_key_hash
    assert access_key_matches(key=key, key_hash=grievance.access_key_hash)
    assert grievance.first_response_due_at > grievance.received_at
    assert grievance.due_at is None  # the tier clock starts at acceptance
    assert grievance.events.get().kind == Kind.CREATED


def test_anonymous_filing_keeps_no_name(office):
    grievance, _ = grievance_create(
        office=office,
        channel="web",
        description="x",
        citizen_name="রহিম",
        is_anonymous=True,
        show_name_publicly=True,
    )

    assert grievance.citizen_name == ""
    assert grievance.public_name == ""


def test_upazila_of_another_district_is_refused(office, other_office):
    upazila = other_office.district.upazilas.first()

    with pytest.raises(ApplicationError):
        grievance_create(office=office, channel="web", description="x", upazila=upazila)

    assert not Grievance.objects.exists()


def test_accept_starts_the_tier_one_clock(office, officer):
    grievance = GrievanceFactory(office=office)

    grievance = accepted(grievance, officer)

    assert grievance.status == S.ACCEPTED
    assert grievance.due_at > timezone.now() + timedelta(days=30)  # 30 working days
    event = grievance.events.get(kind=Kind.STATUS_CHANGED)
    assert (event.from_status, event.to_status, event.actor) == ("new", "accepted", officer)


def test_a_forbidden_move_is_refused_and_changes_nothing(office, officer):
    grievance = GrievanceFactory(office=office)

    with pytest.raises(ApplicationError):
        grievance_change_status(grievance=grievance, to=S.CLOSED, actor=officer)

    grievance.refresh_from_db()
    assert grievance.status == S.NEW
    assert grievance.events.count() == 1


@pytest.mark.parametrize(("language", "words"), [("bn", "রেফার"), ("en", "referred to")])
def test_referred_outcome_without_a_target_is_refused_with_a_clear_message(
    office, officer, language, words
):
    grievance = accepted(GrievanceFactory(office=office), officer)

    with override(language), pytest.raises(ApplicationError) as error:
        grievance_resolve(
            grievance=grievance, actor=officer, outcome=GrievanceOutcome.REFERRED, note="..."
        )

    assert words in error.value.message
    grievance.refresh_from_db()
    assert grievance.status == S.ACCEPTED


def test_resolve_requires_an_outcome_and_records_it(office, officer):
    grievance = accepted(GrievanceFactory(office=office), officer)

    with pytest.raises(ApplicationError):
        grievance_resolve(grievance=grievance, actor=officer, outcome="", note="done")
    grievance = grievance_resolve(
        grievance=grievance,
        actor=officer,
        outcome=GrievanceOutcome.REFERRED,
        note="ভূমি অফিসে পাঠানো হয়েছে",
        referred_to="উপজেলা ভূমি অফিস, সাভার",
    )

    assert grievance.status == S.RESOLVED
    assert grievance.referred_to == "উপজেলা ভূমি অফিস, সাভার"
    assert grievance.resolved_at is not None


def test_close_after_resolve_is_final(office, officer):
    grievance = grievance_close(
        grievance=resolved(GrievanceFactory(office=office), officer), actor=None
    )

    assert grievance.status == S.CLOSED
    with pytest.raises(ApplicationError):
        grievance_reopen(grievance=grievance, actor=None, note="not fixed")


def test_reopen_goes_back_to_work_with_a_new_deadline_and_no_outcome(office, officer):
    grievance = resolved(GrievanceFactory(office=office), officer)

    grievance = grievance_reopen(grievance=grievance, actor=None, note="এখনো ঠিক হয়নি")

    assert grievance.status == S.IN_PROGRESS
    assert grievance.outcome == ""
    assert grievance.tier == GrievanceTier.OFFICE
    event = grievance.events.filter(kind=Kind.STATUS_CHANGED).last()
    assert event.data["previous"]["outcome"] == GrievanceOutcome.SERVICE_PROVIDED


def test_reopen_after_the_citizens_time_is_up_is_refused(office, officer):
    grievance = resolved(GrievanceFactory(office=office), officer)
    later = timezone.now() + timedelta(days=30)

    with (
        mock.patch("grievances.services.resolution.timezone.now", return_value=later),
        pytest.raises(ApplicationError),
    ):
        grievance_reopen(grievance=grievance, actor=None, note="late")


def test_appeal_moves_to_tier_two_under_the_parent_office(office, officer):
    grievance = resolved(GrievanceFactory(office=office), officer)
    tier_one_due = grievance.due_at

    grievance = grievance_appeal(grievance=grievance, actor=None, reason="সমাধান হয়নি")

    assert grievance.tier == GrievanceTier.APPEAL
    assert grievance.office == office.parent
    assert grievance.status == S.IN_PROGRESS
    assert grievance.assigned_to is None
    assert grievance.due_at != tier_one_due
    appeal = grievance.events.get(kind=Kind.APPEALED)
    assert (appeal.from_office, appeal.to_office, appeal.is_public) == (office, office.parent, True)
    with pytest.raises(ApplicationError):
        grievance_appeal(grievance=grievance, actor=None, reason="again")


def test_transfer_changes_the_owner_and_keeps_status_and_deadline(office, other_office, gro):
    grievance = accepted(GrievanceFactory(office=office), gro)

    moved = grievance_transfer(
        grievance=grievance, to_office=other_office, actor=gro, reason="অন্য জেলার বিষয়"
    )

    assert moved.office == other_office
    assert (moved.status, moved.due_at) == (grievance.status, grievance.due_at)
    event = moved.events.get(kind=Kind.TRANSFERRED)
    assert (event.from_office, event.to_office) == (office, other_office)


def test_plain_officers_cannot_transfer(office, other_office, officer):
    grievance = GrievanceFactory(office=office)

    with pytest.raises(PermissionDenied):
        grievance_transfer(grievance=grievance, to_office=other_office, actor=officer, reason="x")


def test_assign_accepts_and_starts_work(office, gro, officer):
    grievance = GrievanceFactory(office=office)

    grievance = grievance_assign(grievance=grievance, assignee=officer, actor=gro)

    assert grievance.status == S.IN_PROGRESS
    assert grievance.assigned_to == officer
    kinds = list(grievance.events.values_list("kind", flat=True))
    assert kinds == [Kind.CREATED, Kind.STATUS_CHANGED, Kind.STATUS_CHANGED, Kind.ASSIGNED]


def test_an_officer_may_take_work_but_not_give_it(office, officer):
    colleague = OfficeMembershipFactory(office=office).user
    grievance = GrievanceFactory(office=office)

    with pytest.raises(PermissionDenied):
        grievance_assign(grievance=grievance, assignee=colleague, actor=officer)
    grievance = grievance_assign(grievance=grievance, assignee=officer, actor=officer)

    assert grievance.assigned_to == officer


def test_assignee_must_work_in_the_office(office, gro, other_officer):
    grievance = GrievanceFactory(office=office)

    with pytest.raises(ApplicationError):
        grievance_assign(grievance=grievance, assignee=other_officer, actor=gro)


def test_not_a_grievance_needs_a_known_reason(office, officer):
    grievance = GrievanceFactory(office=office)

    with pytest.raises(ApplicationError):
        grievance_mark_not_grievance(grievance=grievance, actor=officer, reason="bored")
    grievance = grievance_mark_not_grievance(grievance=grievance, actor=officer, reason="praise")

    assert (grievance.status, grievance.not_grievance_reason) == (S.NOT_GRIEVANCE, "praise")


def test_duplicate_links_to_the_first_grievance(office, officer):
    first, second, third = GrievanceFactory.create_batch(3, office=office)
    grievance_mark_duplicate(grievance=second, original=first, actor=officer)

    third = grievance_mark_duplicate(
        grievance=third, original=Grievance.objects.get(pk=second.pk), actor=officer
    )

    assert third.duplicate_of == first
    with pytest.raises(ApplicationError):
        grievance_mark_duplicate(grievance=first, original=first, actor=officer)


def test_national_users_can_change_nothing(office, national_user):
    grievance = GrievanceFactory(office=office)

    with pytest.raises(PermissionDenied):
        grievance_accept(grievance=grievance, actor=national_user)

    grievance.refresh_from_db()
    assert grievance.status == S.NEW


def test_officers_of_another_office_can_change_nothing(office, other_officer):
    grievance = GrievanceFactory(office=office)

    with pytest.raises(PermissionDenied):
        grievance_accept(grievance=grievance, actor=other_officer)


def _in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # collected and asserted on by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_creations_in_one_office_get_twenty_distinct_codes(office):
    def create():
        grievance, _ = grievance_create(office=office, channel="web", description="একই সময়ে")
        return grievance.tracking_code

    codes, errors = _in_threads(20, create)

    assert errors == []
    assert len(set(codes)) == 20
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 21))


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_status_changes_one_wins_and_the_events_agree(office, officer, gro):
    grievance = GrievanceFactory(office=office)
    actors = iter([officer, gro])

    def accept():
        return grievance_accept(grievance=grievance, actor=next(actors)).status

    results, errors = _in_threads(2, accept)

    assert results == [S.ACCEPTED]
    assert len(errors) == 1
    assert isinstance(errors[0], ApplicationError)
    grievance.refresh_from_db()
    assert grievance.status == S.ACCEPTED
    change = grievance.events.get(kind=Kind.STATUS_CHANGED)
    assert (change.from_status, change.to_status) == ("new", "accepted")


def test_officers_actions_reach_the_citizen_by_sms_once_committed(
    office, officer, django_capture_on_commit_callbacks
):
    grievance = GrievanceFactory(office=office, citizen_phone="+8801712345678")

    with django_capture_on_commit_callbacks(execute=True):
        resolved(grievance, officer)

    texts = list(
        Notification.objects.filter(recipient="+8801712345678").values_list("body", flat=True)
    )
    assert len(texts) == 2  # accepted, then resolved; "received" was the citizen's own doing
    assert all(grievance.tracking_code.translate(BANGLA_DIGITS) in text for text in texts)


def test_internal_notes_do_not_reach_the_citizen(
    office, officer, django_capture_on_commit_callbacks
):
    grievance = GrievanceFactory(office=office, citizen_phone="+8801712345678")

    with django_capture_on_commit_callbacks(execute=True):
        grievance_add_note(grievance=grievance, actor=officer, note="ভূমি অফিসে ফোন করা হয়েছে")

    assert not Notification.objects.exists()


# --- closing a resolved grievance: the citizen's time is theirs --------------------------------


def _resolved_days_ago(grievance, officer, days):
    grievance = resolved(grievance, officer)
    Grievance.objects.filter(pk=grievance.pk).update(
        resolved_at=timezone.now() - timedelta(days=days)
    )
    grievance.refresh_from_db()
    return grievance


def test_an_officer_cannot_close_a_resolved_grievance(office, officer):
    grievance = resolved(GrievanceFactory(office=office), officer)

    with pytest.raises(PermissionDenied):
        grievance_close(grievance=grievance, actor=officer, note="done")

    grievance.refresh_from_db()
    assert grievance.status == S.RESOLVED


def test_the_gro_cannot_close_while_the_citizen_may_still_answer(office, officer, gro):
    grievance = resolved(GrievanceFactory(office=office), officer)

    with pytest.raises(ApplicationError):
        grievance_close(grievance=grievance, actor=gro, note="নাগরিক সন্তুষ্ট")

    grievance.refresh_from_db()
    assert grievance.status == S.RESOLVED


def test_the_gro_closes_after_the_citizens_time_with_a_recorded_reason(office, officer, gro):
    grievance = _resolved_days_ago(GrievanceFactory(office=office), officer, days=30)

    grievance = grievance_close(grievance=grievance, actor=gro, note="  নাগরিক সাড়া দেননি  ")

    assert grievance.status == S.CLOSED
    event = grievance.events.filter(kind=Kind.STATUS_CHANGED, to_status=S.CLOSED).get()
    assert (event.actor, event.note, event.data) == (gro, "নাগরিক সাড়া দেননি", {"closed_by": "office"})


def test_the_gro_must_say_why_the_office_closes_it(office, officer, gro):
    grievance = _resolved_days_ago(GrievanceFactory(office=office), officer, days=30)

    with pytest.raises(ApplicationError):
        grievance_close(grievance=grievance, actor=gro, note="  ")

    grievance.refresh_from_db()
    assert grievance.status == S.RESOLVED


def test_the_citizens_answer_still_closes_at_once(office, officer):
    grievance = resolved(GrievanceFactory(office=office), officer)

    grievance = grievance_close(grievance=grievance, actor=None, note="ঠিক হয়েছে")

    assert grievance.status == S.CLOSED


# --- the row lock comes before the permission check -------------------------------------------


def _wait_for_a_lock_wait(timeout=10.0):
    """Until another connection is blocked on a row lock (seen from this test's connection)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


def _while_a_transfer_holds_the_lock(grievance, gro, other_office, action):
    """Run `action` in a second thread while a transfer sits uncommitted on the row; commit
    the transfer once the action waits on the lock. Returns what the action raised, if any."""
    from django.db import transaction

    transferred, release = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def transfer():
        try:
            with transaction.atomic():
                grievance_transfer(
                    grievance=grievance, to_office=other_office, actor=gro, reason="ভুল জেলা"
                )
                transferred.set()
                release.wait(10)
        finally:
            connection.close()

    def act():
        try:
            transferred.wait(10)
            action()
        except Exception as exc:  # asserted on by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=transfer), threading.Thread(target=act)]
    for thread in threads:
        thread.start()
    assert transferred.wait(10)
    waited = _wait_for_a_lock_wait()
    release.set()
    for thread in threads:
        thread.join(20)
    assert waited, "the action never waited on the transfer's row lock"
    return errors


STALE_ACTIONS = {
    "accept": lambda g, actor: grievance_accept(grievance=g, actor=actor),
    "not_grievance": lambda g, actor: grievance_mark_not_grievance(
        grievance=g, actor=actor, reason="spam"
    ),
    "duplicate": lambda g, actor: grievance_mark_duplicate(
        grievance=g, original=GrievanceFactory(office=g.office), actor=actor
    ),
    "resolve": lambda g, actor: grievance_resolve(
        grievance=g, actor=actor, outcome=GrievanceOutcome.ACTION_TAKEN, note="করা হয়েছে"
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(STALE_ACTIONS))
def test_a_transfer_that_commits_first_wins_over_an_action_waiting_on_the_lock(
    office, other_office, officer, gro, name
):
    grievance = GrievanceFactory(office=office)
    if name == "resolve":
        grievance = accepted(grievance, officer)
    status_before = grievance.status
    stale = Grievance.objects.get(pk=grievance.pk)  # what the officer's page had loaded

    errors = _while_a_transfer_holds_the_lock(
        grievance, gro, other_office, lambda: STALE_ACTIONS[name](stale, officer)
    )

    assert len(errors) == 1
    assert isinstance(errors[0], PermissionDenied)
    grievance.refresh_from_db()
    assert (grievance.office_id, grievance.status) == (other_office.pk, status_before)
