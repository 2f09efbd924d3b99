"""Facebook comments get a suggestion; praise and spam are set aside automatically above the
office's threshold (and only where the office asked for it), and one click undoes it."""

import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from grievances.models import Grievance, GrievanceEvent, GrievanceStatus, NotGrievanceReason
from grievances.services import grievance_triage_undo
from integrations.facebook.models import FacebookComment
from integrations.facebook.services import comments_ingest, observations_from_webhook
from tests.grievances.factories import GrievanceFactory
from tests.integrations.facebook.factories import (
    PAGE_ID,
    FacebookPageFactory,
    comment_value,
    webhook_body,
)
from triage.models import Correction, Suggestion, TriageSetting

pytestmark = pytest.mark.django_db
S = GrievanceStatus

PRAISE = "ধন্যবাদ ডিসি স্যার, আপনার মতো অফিসার প্রতিটি জেলায় দরকার"
SPAM = "ঘরে বসে দৈনিক ৫০০০ টাকা আয় করুন, বিস্তারিত ইনবক্সে"
GRIEVANCE = "amar jomi dokhol kore niyeche prottibeshi, thana te gele kono kaj hoy na"


@pytest.fixture
def page(office):
    return FacebookPageFactory(office=office)


_numbers = itertools.count(1)


def deliver(page, *messages):
    """New top-level comments; their grievances, in order."""
    values = [comment_value(next(_numbers), message=m) for m in messages]
    observations = observations_from_webhook(webhook_body(*values)).get(PAGE_ID, [])
    comments_ingest(page=page, observations=observations)
    ids = FacebookComment.objects.filter(
        graph_id__in=[v["comment_id"] for v in values]
    ).values_list("graph_id", "grievance_id")
    by_comment = dict(ids)
    grievances = Grievance.objects.select_related("triage").in_bulk(by_comment.values())
    return [grievances[by_comment[v["comment_id"]]] for v in values]


def auto(office, threshold="0.50"):
    return TriageSetting.objects.create(
        office=office, auto_set_aside=True, threshold=Decimal(threshold)
    )


def test_every_new_comment_gets_a_suggestion_with_confidence_and_model_version(page):
    praise, grievance = deliver(page, PRAISE, GRIEVANCE)

    assert praise.triage.intent == "praise"
    assert grievance.triage.intent == "grievance"
    assert grievance.triage.category == "land"
    assert 0 < grievance.triage.intent_confidence <= 1
    assert 0 < grievance.triage.category_confidence <= 1
    assert praise.triage.model_version
    assert praise.triage.model_version == grievance.triage.model_version
    # Without the office's say-so nothing is set aside.
    assert {praise.status, grievance.status} == {S.NEW}
    assert not praise.triage.set_aside


def test_above_the_offices_threshold_praise_and_spam_are_set_aside_with_the_reason(page, office):
    auto(office)
    praise, spam, grievance = deliver(page, PRAISE, SPAM, GRIEVANCE)

    assert (praise.status, praise.not_grievance_reason) == (
        S.NOT_GRIEVANCE,
        NotGrievanceReason.PRAISE,
    )
    assert (spam.status, spam.not_grievance_reason) == (S.NOT_GRIEVANCE, NotGrievanceReason.SPAM)
    assert grievance.status == S.NEW
    assert praise.triage.set_aside
    assert spam.triage.set_aside
    assert not grievance.triage.set_aside
    event = praise.events.get(kind=GrievanceEvent.Kind.STATUS_CHANGED)
    assert (event.from_status, event.to_status, event.is_public, event.actor) == (
        S.NEW,
        S.NOT_GRIEVANCE,
        False,
        None,
    )
    assert event.data["triage"]["intent"] == "praise"
    assert event.data["triage"]["confidence"] == pytest.approx(
        praise.triage.intent_confidence, abs=1e-4
    )
    assert event.data["triage"]["model_version"] == praise.triage.model_version
    # Nothing deleted: the grievance and its comment are all still there.
    assert Grievance.objects.count() == 3


def test_below_the_threshold_it_is_only_a_suggestion(page, office):
    auto(office, threshold="1.00")
    (praise,) = deliver(page, PRAISE)

    assert praise.triage.intent == "praise"
    assert praise.status == S.NEW
    assert not praise.triage.set_aside


def test_the_threshold_is_compared_with_the_confidence(page, office):
    """Just above and just below the praise's own confidence."""
    (probe,) = deliver(page, PRAISE)
    confidence = Decimal(str(round(probe.triage.intent_confidence, 2)))
    setting = auto(office, threshold=str(min(confidence + Decimal("0.01"), Decimal("1.00"))))
    (threshold_above_confidence,) = deliver(page, PRAISE)
    assert threshold_above_confidence.status == S.NEW
    setting.threshold = max(confidence - Decimal("0.01"), Decimal("0.50"))
    setting.save()
    (threshold_below_confidence,) = deliver(page, PRAISE)
    assert threshold_below_confidence.status == S.NOT_GRIEVANCE


def test_another_offices_setting_does_not_apply(page, other_office):
    auto(other_office)
    (praise,) = deliver(page, PRAISE)
    assert praise.status == S.NEW


def test_web_grievances_get_a_category_suggestion_and_are_never_set_aside(office):
    auto(office)
    grievance = GrievanceFactory(office=office, description=PRAISE)
    land = GrievanceFactory(office=office, description=GRIEVANCE)

    assert grievance.status == S.NEW
    assert Suggestion.objects.get(grievance=land).category == "land"


def test_one_click_undo_makes_it_new_again_and_is_a_correction(client, page, office, officer):
    auto(office)
    (praise,) = deliver(page, PRAISE)
    client.force_login(officer)

    detail = client.get(reverse("grievances:officer-grievance", args=[praise.pk]))
    assert "triage-undo" in detail.content.decode()
    response = client.post(reverse("grievances:officer-action", args=[praise.pk, "triage-undo"]))

    assert response.status_code == 302
    praise.refresh_from_db()
    assert (praise.status, praise.not_grievance_reason) == (S.NEW, "")
    undo = praise.events.filter(kind=GrievanceEvent.Kind.STATUS_CHANGED).latest("pk")
    assert (undo.from_status, undo.to_status, undo.actor, undo.is_public) == (
        S.NOT_GRIEVANCE,
        S.NEW,
        officer,
        False,
    )
    correction = Correction.objects.get(grievance=praise)
    assert (correction.decision, correction.suggested_intent, correction.actor) == (
        "undone",
        "praise",
        officer,
    )
    assert not Suggestion.objects.get(grievance=praise).set_aside
    # Undone once: there is nothing left to undo.
    with pytest.raises(ApplicationError):
        grievance_triage_undo(grievance=praise, actor=officer)


def test_only_an_automatic_set_aside_can_be_undone(page, officer):
    (praise,) = deliver(page, PRAISE)
    praise.status = S.NOT_GRIEVANCE  # set aside by hand is not the classifier's to undo
    praise.not_grievance_reason = NotGrievanceReason.PRAISE
    praise.save()
    with pytest.raises(ApplicationError):
        grievance_triage_undo(grievance=praise, actor=officer)


def test_another_offices_officer_cannot_undo(client, page, office, other_officer):
    auto(office)
    (praise,) = deliver(page, PRAISE)
    client.force_login(other_officer)

    response = client.post(reverse("grievances:officer-action", args=[praise.pk, "triage-undo"]))

    assert response.status_code == 404
    praise.refresh_from_db()
    assert praise.status == S.NOT_GRIEVANCE


def test_a_set_aside_comment_can_still_be_answered_publicly(client, page, office, officer):
    auto(office)
    (praise,) = deliver(page, PRAISE)
    client.force_login(officer)

    page_html = client.get(
        reverse("grievances:officer-grievance", args=[praise.pk])
    ).content.decode()

    assert reverse("grievances:officer-reply", args=[praise.pk]) in page_html
