"""Work arrives announced: who is told (in the app and by e-mail through the outbox) when a
grievance is assigned, reopened, appealed, added to by the citizen, answered on Facebook, or
a reply fails; the bell and marking notifications read; the appeal officer's inbox tab."""

import pytest
from django.urls import reverse

from grievances.models import (
    GrievanceOutcome,
    Reply,
    StaffNotification,
    StaffNotificationKind,
)
from grievances.services import (
    grievance_accept,
    grievance_add_citizen_info,
    grievance_appeal,
    grievance_assign,
    grievance_reopen,
    grievance_resolve,
    reply_mark_failed,
)
from integrations.facebook.services import comments_ingest, observations_from_webhook
from integrations.notifications.models import Notification
from offices.models import OfficeRole
from tests.grievances.factories import GrievanceFactory
from tests.integrations.facebook.factories import (
    PAGE_ID,
    FacebookPageFactory,
    comment_value,
    webhook_body,
)
from tests.offices.factories import OfficeMembershipFactory

pytestmark = pytest.mark.django_db
N = StaffNotificationKind


@pytest.fixture
def appeal_gro(office):
    return OfficeMembershipFactory(
        office=office.parent, role=OfficeRole.GRO, user__email="appeal@example.gov.bd"
    ).user


def told(user, kind):
    return list(StaffNotification.objects.filter(user=user, kind=kind))


def emails_to(user):
    return Notification.objects.filter(channel="email", recipient=user.email).count()


def resolved(grievance, actor):
    if grievance.status == "new":
        grievance = grievance_accept(grievance=grievance, actor=actor)
    return grievance_resolve(
        grievance=grievance, actor=actor, outcome=GrievanceOutcome.SERVICE_PROVIDED, note="done"
    )


def test_assigning_tells_the_assignee_in_the_app_and_by_email(office, gro, officer):
    officer.email = "officer@example.gov.bd"
    officer.save()
    grievance = GrievanceFactory(office=office)

    grievance_assign(grievance=grievance, assignee=officer, actor=gro)

    [notice] = told(officer, N.ASSIGNED)
    assert notice.grievance == grievance
    assert emails_to(officer) == 1
    assert told(gro, N.ASSIGNED) == []


def test_taking_a_grievance_yourself_tells_nobody(office, officer):
    grievance_assign(grievance=GrievanceFactory(office=office), assignee=officer, actor=officer)

    assert StaffNotification.objects.count() == 0


def test_a_reopened_grievance_is_announced_to_its_officer(office, gro, officer):
    grievance = GrievanceFactory(office=office)
    grievance = grievance_assign(grievance=grievance, assignee=officer, actor=gro)
    grievance = resolved(grievance, officer)

    grievance_reopen(grievance=grievance, actor=None, note="এখনো ঠিক হয়নি")

    assert len(told(officer, N.REOPENED)) == 1
    assert told(gro, N.REOPENED) == []


def test_a_reopened_grievance_without_an_officer_goes_to_the_gro(office, gro, officer):
    grievance = resolved(GrievanceFactory(office=office), officer)
    grievance.assigned_to = None
    grievance.save(update_fields=["assigned_to"])

    grievance_reopen(grievance=grievance, actor=None, note="not fixed")

    assert len(told(gro, N.REOPENED)) == 1


def test_an_appeal_is_announced_to_the_appeal_office_gro(office, gro, officer, appeal_gro):
    grievance = resolved(GrievanceFactory(office=office), officer)

    grievance_appeal(grievance=grievance, actor=None, reason="সমাধান হয়নি")

    [notice] = told(appeal_gro, N.APPEALED)
    assert notice.grievance == grievance
    assert emails_to(appeal_gro) == 1
    assert told(gro, N.APPEALED) == []


def test_the_citizen_adding_information_tells_the_gro_of_an_unassigned_grievance(office, gro):
    grievance = GrievanceFactory(office=office)

    grievance_add_citizen_info(grievance=grievance, text="আরও একটি ছবি")
    grievance_add_citizen_info(grievance=grievance, text="আর একটি কথা")

    assert len(told(gro, N.CITIZEN_INFO)) == 2  # one per addition


def test_a_citizens_answer_on_facebook_tells_the_officer_once(office, gro, officer):
    page = FacebookPageFactory(office=office)

    def deliver(*values):
        observations = observations_from_webhook(webhook_body(*values)).get(PAGE_ID, [])
        comments_ingest(page=page, observations=observations)

    deliver(comment_value(1))
    grievance = page.office.grievances.get()
    grievance_assign(grievance=grievance, assignee=officer, actor=gro)

    deliver(comment_value(4, parent=1, message="hoy nai"))
    deliver(comment_value(4, parent=1, message="hoy nai"))  # Meta sends it again

    [notice] = told(officer, N.FACEBOOK_ANSWER)
    assert notice.grievance == grievance


def test_a_failed_reply_is_announced_to_its_author(office, officer):
    reply = Reply.objects.create(
        grievance=GrievanceFactory(office=office), author=officer, body="উত্তর", to_facebook=True
    )

    reply_mark_failed(reply=reply, reason="(#100) Invalid parameter")

    [notice] = told(officer, N.REPLY_FAILED)
    assert notice.grievance == reply.grievance


def test_the_bell_counts_unread_notifications_on_the_notifications_page(client, office, officer):
    grievance = GrievanceFactory(office=office)
    for key in ("a", "b"):
        StaffNotification.objects.create(
            user=officer, grievance=grievance, kind=N.ASSIGNED, dedupe_key=key
        )
    client.force_login(officer)

    page = client.get(reverse("grievances:officer-notifications")).content.decode()

    assert '<span class="badge"><span class="visually-hidden">' in page
    assert "২</span></a>" in page  # the count, in Bangla digits


def test_mark_one_read_leaves_the_others_and_someone_elses(client, office, officer, gro):
    grievance = GrievanceFactory(office=office)
    mine, other = (
        StaffNotification.objects.create(
            user=officer, grievance=grievance, kind=N.ASSIGNED, dedupe_key=key
        )
        for key in ("a", "b")
    )
    theirs = StaffNotification.objects.create(
        user=gro, grievance=grievance, kind=N.ASSIGNED, dedupe_key="a"
    )
    client.force_login(officer)
    url = reverse("grievances:officer-notifications")

    client.post(url, {"notification": mine.pk})
    client.post(url, {"notification": theirs.pk})

    states = {n.pk: n.read_at is not None for n in StaffNotification.objects.all()}
    assert states == {mine.pk: True, other.pk: False, theirs.pk: False}
    client.post(url)
    assert not StaffNotification.objects.filter(user=officer, read_at__isnull=True).exists()


def test_a_bad_notification_id_changes_nothing(client, office, officer):
    notice = StaffNotification.objects.create(
        user=officer, grievance=GrievanceFactory(office=office), kind=N.ASSIGNED, dedupe_key="a"
    )
    client.force_login(officer)

    client.post(reverse("grievances:officer-notifications"), {"notification": "x"})

    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_appeal_officer_starts_on_appeals_waiting_with_an_appeal_badge(
    client, office, officer, appeal_gro
):
    appealed = grievance_appeal(
        grievance=resolved(GrievanceFactory(office=office), officer), actor=None, reason="না"
    )
    client.force_login(appeal_gro)

    response = client.get(reverse("grievances:officer-inbox"))

    assert response.context["filters"].tab == "appeals"
    assert [g.pk for g in response.context["page"].rows] == [appealed.pk]
    assert 'class="badge-appeal"' in response.content.decode()


def test_a_district_officer_still_starts_on_new(client, office, officer):
    client.force_login(officer)

    response = client.get(reverse("grievances:officer-inbox"))

    assert response.context["filters"].tab == "new"


def test_the_appeals_tab_is_shown_only_where_appeals_arrive(client, officer, appeal_gro):
    client.force_login(officer)
    district = client.get(reverse("grievances:officer-inbox")).context["page"].counts
    client.force_login(appeal_gro)
    division = client.get(reverse("grievances:officer-inbox")).context["page"].counts

    assert "appeals" not in district
    assert "appeals" in division
