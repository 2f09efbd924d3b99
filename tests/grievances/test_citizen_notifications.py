"""The citizen hears about public events by SMS / e-mail, in their language, exactly once."""

import pytest

from grievances.models import GrievanceEvent
from grievances.services import grievance_accept, grievance_add_citizen_info, grievance_resolve
from grievances.tasks import grievance_notify_citizen_task
from integrations.notifications.models import Notification
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db
Kind = GrievanceEvent.Kind


@pytest.fixture
def contactable(office):
    return GrievanceFactory(
        office=office, citizen_phone="+8801712345678", citizen_email="rahim@example.com"
    )


def _last(grievance, kind, **filters):
    return grievance.events.filter(kind=kind, **filters).latest("pk")


def test_resolution_is_sent_by_sms_and_email_in_bangla(contactable, officer, settings):
    settings.SITE_URL = "https://shunani.example.gov.bd"
    grievance = grievance_accept(grievance=contactable, actor=officer)
    grievance = grievance_resolve(
        grievance=grievance, actor=officer, outcome="action_taken", note="মেরামত হয়েছে"
    )

    sms = Notification.objects.filter(channel="sms").latest("pk")
    email = Notification.objects.filter(channel="email").latest("pk")
    assert sms.recipient == "+8801712345678"
    assert "নিষ্পত্তি" in sms.body
    assert f"https://shunani.example.gov.bd/track/{grievance.tracking_code}/" in sms.body
    assert "key=" not in sms.body + email.body  # the private key is never re-sent
    assert email.recipient == "rahim@example.com"


def test_a_citizen_who_wrote_in_english_gets_english(office, officer):
    grievance = GrievanceFactory(office=office, citizen_phone="+8801712345678", language="en")
    grievance = grievance_accept(grievance=grievance, actor=officer)

    body = Notification.objects.get().body
    assert body.startswith(f"Shunani {grievance.tracking_code}:")
    assert "Accepted" in body


def test_the_messages_are_written_with_the_event_and_a_rerun_adds_none(contactable, officer):
    grievance = grievance_accept(grievance=contactable, actor=officer)
    event = _last(grievance, Kind.STATUS_CHANGED)
    assert Notification.objects.count() == 2  # no task needed: the rows commit with the event

    grievance_notify_citizen_task(event_id=event.pk)  # an old queued task, or a retry

    assert Notification.objects.filter(channel="sms").count() == 1
    assert Notification.objects.filter(channel="email").count() == 1


def test_private_events_and_the_citizens_own_actions_send_nothing(contactable):
    event = grievance_add_citizen_info(grievance=contactable, text="আরও তথ্য")
    created = _last(contactable, Kind.CREATED)

    grievance_notify_citizen_task(event_id=event.pk)
    grievance_notify_citizen_task(event_id=created.pk)

    assert not Notification.objects.exists()


def test_nothing_is_sent_without_a_phone_or_email(office, officer):
    grievance_accept(grievance=GrievanceFactory(office=office), actor=officer)

    assert not Notification.objects.exists()


def test_a_vanished_event_is_ignored():
    grievance_notify_citizen_task(event_id=987654321)

    assert not Notification.objects.exists()
