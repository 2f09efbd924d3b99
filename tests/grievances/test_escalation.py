"""The deadline sweep with a frozen clock, across a weekend (Friday, Saturday) and a holiday.

December 2026 in Dhaka: Thu 10, (Fri 11, Sat 12 weekend), Sun 13, Mon 14, Tue 15,
Wed 16 Victory Day (holiday), Thu 17, (18, 19), Sun 20, Mon 21, ... Mon 28.
"""

from contextlib import contextmanager
from datetime import date, datetime
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail

from core.calendar import DHAKA
from core.models import Holiday
from grievances.escalation import office_deadlines_run
from grievances.models import (
    Grievance,
    GrievanceChannel,
    GrievanceEvent,
    GrievanceStatus,
    StaffNotification,
)
from grievances.services import grievance_accept, grievance_assign, grievance_resolve
from grievances.tasks import grievance_deadline_sweep_task
from integrations.notifications.models import Notification
from offices.models import OfficeRole
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def dhaka(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=DHAKA)


@contextmanager
def frozen(moment: datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture(autouse=True)
def victory_day(db):
    Holiday.objects.get_or_create(
        date=date(2026, 12, 16), defaults={"name_en": "Victory Day", "name_bn": "বিজয় দিবস"}
    )


@pytest.fixture
def head(office):
    return OfficeMembershipFactory(office=office, role=OfficeRole.HEAD).user


@pytest.fixture
def appeal_gro(office):
    return OfficeMembershipFactory(office=office.parent, role=OfficeRole.GRO).user


def run(office, day, hour=10):
    with frozen(dhaka(day, hour)):
        return office_deadlines_run(office_id=office.pk)


def notified(user, kind):
    return StaffNotification.objects.filter(user=user, kind=kind).count()


def test_due_soon_reminds_the_assignee_once(
    office, officer, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://shunani.example.gov.bd"
    officer.email = "officer@example.gov.bd"
    officer.save()
    with frozen(dhaka(1)):
        grievance = GrievanceFactory(office=office)
        grievance_assign(grievance=grievance, assignee=officer, actor=officer)
    Grievance.objects.filter(pk=grievance.pk).update(due_at=dhaka(13, 23))  # end of Sunday

    with django_capture_on_commit_callbacks(execute=True):
        first = run(office, 10)  # Thursday: Sunday is the next working day
        second = run(office, 10, 15)

    assert (first["due_soon"], second["due_soon"]) == (1, 0)
    assert notified(officer, "due_soon") == 1
    assert grievance.events.filter(kind="reminder").count() == 1
    assert [m.to for m in mail.outbox] == [["officer@example.gov.bd"]]
    # From SITE_URL, through the outbox (a row the sweeper can deliver), not SMTP on commit.
    assert (
        f"https://shunani.example.gov.bd/officer/grievances/{grievance.pk}/" in mail.outbox[0].body
    )
    assert Notification.objects.filter(recipient="officer@example.gov.bd", state="sent").exists()


def test_overdue_climbs_gro_head_appeal_office_skipping_weekend_and_holiday(
    office, officer, gro, head, appeal_gro
):
    with frozen(dhaka(1)):
        grievance = GrievanceFactory(office=office)
        grievance_accept(grievance=grievance, actor=officer)
    Grievance.objects.filter(pk=grievance.pk).update(due_at=dhaka(10, 23))  # end of Thursday

    run(office, 11)  # Friday: overdue from the first day, weekend or not
    run(office, 11, 18)  # the same day again: nothing more
    grievance.refresh_from_db()
    assert grievance.escalation_level == 1
    assert (notified(gro, "escalated"), notified(head, "escalated")) == (1, 0)

    run(office, 20)  # working day 5 overdue only because Victory Day does not count
    grievance.refresh_from_db()
    assert grievance.escalation_level == 1

    run(office, 21)  # working day 6: the head of office
    run(office, 21, 16)
    grievance.refresh_from_db()
    assert grievance.escalation_level == 2
    assert notified(head, "escalated") == 1

    run(office, 28)  # working day 11: the appeal officer's office
    grievance.refresh_from_db()
    assert grievance.escalation_level == 3
    assert notified(appeal_gro, "escalated") == 1
    levels = [e.data["level"] for e in grievance.events.filter(kind="escalated")]
    assert levels == [1, 2, 3]


def test_a_long_overdue_grievance_gets_every_step_in_one_run(
    office, officer, gro, head, appeal_gro
):
    with frozen(dhaka(1)):
        grievance = GrievanceFactory(office=office)
        grievance_accept(grievance=grievance, actor=officer)
    Grievance.objects.filter(pk=grievance.pk).update(due_at=dhaka(1, 23))

    result = run(office, 28)

    assert result["escalated"] == 3
    assert GrievanceEvent.objects.filter(grievance=grievance, kind="escalated").count() == 3


def test_ignored_facebook_posts_are_reported_to_the_gro_once(office, gro):
    with frozen(dhaka(10, 9)):  # first response due by the end of Sunday the 13th
        facebook = GrievanceFactory(office=office, channel=GrievanceChannel.FACEBOOK_COMMENT)
        GrievanceFactory(office=office)  # a web grievance is not an "ignored post"

    assert run(office, 13, 22)["ignored_posts"] == 0
    assert run(office, 14)["ignored_posts"] == 1
    assert run(office, 14, 15)["ignored_posts"] == 0

    assert notified(gro, "ignored_post") == 1
    assert StaffNotification.objects.get(user=gro).grievance == facebook


def test_interim_update_needed_after_ten_silent_working_days(office, officer):
    with frozen(dhaka(1)):  # Tuesday
        grievance = GrievanceFactory(office=office)
        grievance_assign(grievance=grievance, assignee=officer, actor=officer)

    assert run(office, 14)["interim_updates"] == 0  # working day 9
    assert run(office, 15)["interim_updates"] == 1  # working day 10
    assert run(office, 15, 18)["interim_updates"] == 0
    assert notified(officer, "interim_update") == 1

    Grievance.objects.filter(pk=grievance.pk).update(last_public_update_at=dhaka(15, 12))
    assert run(office, 17)["interim_updates"] == 0  # a public update restarts the count


def test_resolved_grievances_close_after_the_citizens_time_is_up(office, officer):
    with frozen(dhaka(10)):
        grievance = GrievanceFactory(office=office)
        grievance_accept(grievance=grievance, actor=officer)
        grievance_resolve(
            grievance=grievance, actor=officer, outcome="action_taken", note="করা হয়েছে"
        )

    assert run(office, 27)["auto_closed"] == 0  # working day 10: the citizen may still answer
    assert run(office, 28)["auto_closed"] == 1
    assert run(office, 28, 15)["auto_closed"] == 0

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.CLOSED
    assert grievance.closed_at == dhaka(28)


def test_beat_runs_the_sweep_and_it_fans_out_per_office(office, other_office, officer):
    with frozen(dhaka(10)):
        grievance = GrievanceFactory(office=office)
        grievance_accept(grievance=grievance, actor=officer)
        grievance_resolve(grievance=grievance, actor=officer, outcome="action_taken", note="করা")

    with (
        frozen(dhaka(28)),
        mock.patch(
            "grievances.tasks.grievance_deadlines_office_task.delay",
            wraps=lambda **kw: None,
        ) as fan_out,
    ):
        offices = grievance_deadline_sweep_task()

    schedule = settings.CELERY_BEAT_SCHEDULE["grievance-deadlines"]
    assert schedule["task"] == "grievances.tasks.grievance_deadline_sweep_task"
    assert offices == fan_out.call_count >= 64
    assert mock.call(office_id=office.pk) in fan_out.call_args_list


def test_notifications_without_an_email_address_stay_in_app(office, gro):
    UserFactory()  # nobody else is told
    with frozen(dhaka(10, 9)):
        GrievanceFactory(office=office, channel=GrievanceChannel.FACEBOOK_POST)

    run(office, 14)

    assert notified(gro, "ignored_post") == 1
    assert mail.outbox == []


@pytest.mark.parametrize("days", [1, 5, 6, 11])
@pytest.mark.parametrize("today", [11, 13, 17, 20, 21, 28])
def test_sql_cutoff_agrees_with_the_working_day_count(days, today):
    from core.calendar import working_days_between
    from grievances.escalation import _overdue_since_cutoff

    now = dhaka(today)
    cutoff = _overdue_since_cutoff(now, days)

    for due_day in range(1, today):
        due_at = dhaka(due_day, 23)
        assert (due_at < cutoff) is (working_days_between(due_at, now) >= days), due_day
