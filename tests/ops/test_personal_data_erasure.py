"""Retention: personal data of grievances closed more than PERSONAL_DATA_RETENTION_YEARS ago is
erased by the nightly job, over a frozen clock; the anonymous record the statistics count is
left exactly as it was."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from grievances.attachments import attachment_storage
from grievances.models import (
    Attachment,
    Feedback,
    Grievance,
    GrievanceEvent,
    GrievanceOutcome,
    GrievanceStatus,
)
from integrations.facebook.models import FacebookComment
from ops.erasure import personal_data_erase, retention_cutoff
from ops.tasks import personal_data_erase_task
from tests.grievances.factories import GrievanceFactory
from tests.integrations.facebook.factories import FacebookPageFactory
from tests.ops.fill import CITIZEN_NAME, attachment_add, facebook_grievance

NOW = datetime(2031, 6, 15, 21, 40, tzinfo=UTC)  # 03:40 in Dhaka, when beat runs it

# What the dashboards and statistics are computed from (DESIGN.md §5.2): must not change.
STATISTICS_FIELDS = (
    "id",
    "tracking_code",
    "office_id",
    "district_id",
    "upazila_id",
    "category_id",
    "channel",
    "status",
    "tier",
    "outcome",
    "priority",
    "intake_via",
    "escalation_level",
    "is_anonymous",
    "received_at",
    "accepted_at",
    "due_at",
    "first_response_due_at",
    "first_responded_at",
    "resolved_at",
    "closed_at",
    "last_public_update_at",
    "last_activity_at",
)


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def _close(grievance: Grievance, closed_at: datetime, **extra) -> None:
    Grievance.objects.filter(pk=grievance.pk).update(
        status=GrievanceStatus.CLOSED,
        outcome=GrievanceOutcome.SERVICE_PROVIDED,
        accepted_at=closed_at - timedelta(days=20),
        resolved_at=closed_at - timedelta(days=12),
        closed_at=closed_at,
        **extra,
    )


def _statistics() -> dict:
    rows = {row["id"]: row for row in Grievance.objects.values(*STATISTICS_FIELDS)}
    feedback = sorted(Feedback.objects.values_list("grievance_id", "is_fixed", "rating", "channel"))
    return {"grievances": rows, "feedback": feedback}


@pytest.mark.django_db
def test_erases_personal_data_closed_more_than_five_years_ago(office, frozen_clock, settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    page = FacebookPageFactory(office=office)
    cutoff = retention_cutoff(NOW, 5)
    old = GrievanceFactory(
        office=office,
        citizen_name="রহিমা বেগম",
        citizen_phone="01711234567",
        citizen_email="rahima@example.org",
        show_name_publicly=True,
    )
    old_fb = facebook_grievance(office, page, 1)
    recent = GrievanceFactory(office=office, citizen_name="করিম", citizen_phone="01811234567")
    still_open = GrievanceFactory(office=office, citizen_name="সালমা", citizen_phone="01911234567")
    _close(old, cutoff - timedelta(days=1))
    _close(old_fb, cutoff - timedelta(days=400))
    _close(recent, cutoff + timedelta(days=1))
    Grievance.objects.filter(pk=still_open.pk).update(received_at=cutoff - timedelta(days=900))
    for grievance in (old, recent):
        Feedback.objects.create(grievance=grievance, is_fixed=True, rating=4, comment="ভালো")
    old_file = attachment_add(old)
    recent_file = attachment_add(recent)
    before = _statistics()
    events_before = GrievanceEvent.objects.count()

    assert personal_data_erase_task.delay().get() == 2

    old.refresh_from_db()
    assert (old.citizen_name, old.citizen_phone, old.citizen_email) == ("", "", "")
    assert old.show_name_publicly is False
    old_fb.refresh_from_db()
    assert old_fb.citizen_name == ""
    comment = FacebookComment.objects.get(grievance=old_fb)
    assert (comment.author_id, comment.author_name) == ("", "")
    assert "from" not in comment.raw
    assert comment.message  # the grievance's text stays: it was filed with a public office
    assert not Attachment.objects.filter(pk=old_file.pk).exists()
    assert not attachment_storage().exists(old_file.file.name)
    # One internal note per erased grievance says what happened.
    assert GrievanceEvent.objects.count() == events_before + 2
    assert (
        GrievanceEvent.objects.filter(grievance=old, kind="note")
        .last()
        .note.startswith("Personal data erased")
    )

    # Not yet five years, or not closed at all: untouched.
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert (recent.citizen_name, recent.citizen_phone) == ("করিম", "01811234567")
    assert (still_open.citizen_name, still_open.citizen_phone) == ("সালমা", "01911234567")
    assert attachment_storage().exists(recent_file.file.name)

    # The statistics' inputs are exactly as they were.
    assert _statistics() == before


@pytest.mark.django_db
def test_a_second_run_finds_nothing_to_do(office, frozen_clock):
    grievance = GrievanceFactory(office=office, citizen_name="রহিমা", citizen_phone="01711234567")
    _close(grievance, NOW - timedelta(days=6 * 366))
    assert personal_data_erase().grievances == 1
    events = GrievanceEvent.objects.count()
    assert personal_data_erase().grievances == 0
    assert GrievanceEvent.objects.count() == events


@pytest.mark.django_db
def test_the_clock_decides(office, monkeypatch):
    """The same grievance is kept one day before its fifth anniversary and erased on the day
    after."""
    closed = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
    grievance = GrievanceFactory(office=office, citizen_phone="01711234567")
    _close(grievance, closed)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2031, 2, 28, 6, 0, tzinfo=UTC))
    assert personal_data_erase().grievances == 0
    monkeypatch.setattr(timezone, "now", lambda: datetime(2031, 3, 1, 6, 1, tzinfo=UTC))
    assert personal_data_erase().grievances == 1


@pytest.mark.django_db
def test_the_number_of_years_is_a_setting(office, frozen_clock, settings):
    grievance = GrievanceFactory(office=office, citizen_phone="01711234567")
    _close(grievance, NOW - timedelta(days=3 * 366))
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    assert personal_data_erase().grievances == 0
    settings.PERSONAL_DATA_RETENTION_YEARS = 2
    assert personal_data_erase().grievances == 1


@pytest.mark.django_db
def test_the_facebook_data_deletion_callback_still_works_after_erasure(office, frozen_clock):
    from integrations.facebook.services.deletion import facebook_user_data_delete

    page = FacebookPageFactory(office=office)
    erased = facebook_grievance(office, page, 1)
    _close(erased, NOW - timedelta(days=6 * 366))
    kept = facebook_grievance(office, page, 2)
    personal_data_erase()
    assert FacebookComment.objects.get(grievance=kept).author_name == CITIZEN_NAME
    facebook_user_data_delete(user_id=FacebookComment.objects.get(grievance=kept).author_id or "")
    assert FacebookComment.objects.filter(author_name=CITIZEN_NAME).count() == 0


def test_retention_cutoff_on_29_february():
    assert retention_cutoff(datetime(2028, 2, 29, tzinfo=UTC), 5) == datetime(
        2023, 2, 28, tzinfo=UTC
    )
