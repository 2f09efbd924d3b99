from unittest import mock

import pytest
from django.test import override_settings

from core.exceptions import ApplicationError
from grievances import reply_channels
from grievances.models import GrievanceChannel, Reply, ReplyState
from grievances.privacy import privacy_findings
from grievances.services import reply_create, reply_retry
from grievances.tasks import reply_deliver_task
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db

delivered: list[int] = []


def fake_facebook_deliver(*, reply: Reply) -> None:
    """Stands in for integrations.facebook.services.reply_deliver."""
    delivered.append(reply.pk)


def every_reply(replies, now):
    return replies


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("ফোন করুন ০১৭১২-৩৪৫৬৭৮ নম্বরে", ["phone"]),
        ("call +8801812345678", ["phone"]),
        ("NID 1234567890", ["nid"]),
        ("এনআইডি ১২৩৪৫৬৭৮৯০১২৩", ["nid"]),
        ("NID 19901234567890123", ["nid"]),
        ("লিখুন rahim.uddin@example.com এ", ["email"]),
        ("মামলা নং ১২৩/২০২৫, রাস্তা ৫", []),
        ("তারিখ 2026-11-26", []),
    ],
)
def test_privacy_check_finds_phones_nids_and_emails(text, kinds):
    assert [f.kind for f in privacy_findings(text)] == kinds


def test_first_public_reply_records_the_first_response_and_enqueues_delivery(
    office, officer, django_capture_on_commit_callbacks
):
    grievance = GrievanceFactory(office=office)

    with (
        mock.patch("grievances.services.replies.reply_deliver_task.delay") as deliver,
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = reply_create(grievance=grievance, author=officer, body="দেখছি", to_facebook=False)
    grievance.refresh_from_db()
    first_response = grievance.first_responded_at
    with mock.patch("grievances.services.replies.reply_deliver_task.delay"):
        reply_create(grievance=grievance, author=officer, body="হালনাগাদ", to_facebook=False)
    grievance.refresh_from_db()

    assert first.state == ReplyState.QUEUED
    deliver.assert_called_once_with(reply_id=first.pk)
    assert first_response is not None
    assert grievance.first_responded_at == first_response  # only the first counts
    assert grievance.last_public_update_at > first_response
    event = grievance.events.filter(kind="public_reply").first()
    assert (event.is_public, event.data["reply_id"], event.actor) == (True, first.pk, officer)


def test_facebook_reply_only_for_facebook_grievances(office, officer):
    grievance = GrievanceFactory(office=office)

    with pytest.raises(ApplicationError):
        reply_create(grievance=grievance, author=officer, body="দেখছি", to_facebook=True)


def test_national_viewer_cannot_reply(office, national_user):
    from django.core.exceptions import PermissionDenied

    grievance = GrievanceFactory(office=office)

    with pytest.raises(PermissionDenied):
        reply_create(grievance=grievance, author=national_user, body="x", to_facebook=False)


def test_citizen_only_reply_is_sent_by_the_task_and_a_rerun_changes_nothing(office, officer):
    grievance = GrievanceFactory(office=office)
    reply = reply_create(grievance=grievance, author=officer, body="দেখছি", to_facebook=False)

    reply_deliver_task(reply_id=reply.pk)
    reply.refresh_from_db()
    sent_at = reply.sent_at
    reply_deliver_task(reply_id=reply.pk)
    reply.refresh_from_db()

    assert reply.state == ReplyState.SENT
    assert (reply.sent_at, reply.attempts) == (sent_at, 1)


def test_facebook_reply_stays_queued_with_a_reason_when_delivery_is_missing(
    office, officer, monkeypatch
):
    monkeypatch.setattr(reply_channels, "_CHANNELS", {})  # no Facebook app installed
    grievance = GrievanceFactory(office=office, channel=GrievanceChannel.FACEBOOK_COMMENT)
    reply = reply_create(grievance=grievance, author=officer, body="দেখছি", to_facebook=True)

    reply_deliver_task(reply_id=reply.pk)
    reply.refresh_from_db()

    assert reply.state == ReplyState.QUEUED
    assert "no reply channel registered" in reply.last_error


def test_facebook_reply_goes_to_the_registered_channel(office, officer, monkeypatch):
    monkeypatch.setattr(reply_channels, "_CHANNELS", {})
    reply_channels.register_reply_channel(
        reply_channels.FACEBOOK, deliver=fake_facebook_deliver, may_attempt_now=every_reply
    )
    grievance = GrievanceFactory(office=office, channel=GrievanceChannel.FACEBOOK_POST)
    reply = reply_create(grievance=grievance, author=officer, body="দেখছি", to_facebook=True)
    delivered.clear()

    reply_deliver_task(reply_id=reply.pk)

    assert delivered == [reply.pk]


def test_only_a_failed_reply_can_be_retried(office, officer):
    grievance = GrievanceFactory(office=office)
    reply = Reply.objects.create(grievance=grievance, body="x", state=ReplyState.QUEUED)

    with pytest.raises(ApplicationError):
        reply_retry(reply=reply, actor=officer)


def test_facebook_source_hook_renders_nothing_without_the_integration(client, office, officer):
    from django.urls import reverse

    grievance = GrievanceFactory(office=office, channel=GrievanceChannel.FACEBOOK_COMMENT)
    client.force_login(officer)

    with mock.patch(
        "grievances.views.officer.detail.FACEBOOK_SOURCE_TEMPLATE", "facebook/_absent.html"
    ):
        response = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))

    assert response.status_code == 200
    assert response.context["facebook_source_template"] == ""


def test_facebook_source_hook_includes_the_integrations_partial(client, office, officer, tmp_path):
    from django.urls import reverse

    (tmp_path / "facebook").mkdir()
    (tmp_path / "facebook" / "_grievance_source.html").write_text(
        "<p id='fb-source'>post {{ grievance.tracking_code }}</p>"
    )
    grievance = GrievanceFactory(office=office, channel=GrievanceChannel.FACEBOOK_COMMENT)
    client.force_login(officer)
    from django.conf import settings

    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with override_settings(TEMPLATES=templates):
        response = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))

    assert f"<p id='fb-source'>post {grievance.tracking_code}</p>" in response.content.decode()


def test_national_viewer_sees_the_page_without_any_action_form(client, office, national_user):
    from django.urls import reverse

    grievance = GrievanceFactory(office=office, citizen_phone="01712345678")
    client.force_login(national_user)

    response = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"/officer/grievances/{grievance.pk}/accept/" not in body
    assert "01712345678" not in body  # masked for national viewers too
