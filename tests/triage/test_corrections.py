"""Officers' decisions become corrections, the next training reads them, and the inbox and the
grievance page show the suggestion."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from grievances.models import Category, GrievanceChannel, GrievanceStatus, NotGrievanceReason
from grievances.services import (
    grievance_accept,
    grievance_categorise,
    grievance_create_batch,
    grievance_mark_not_grievance,
)
from grievances.services.intake import GrievanceDraft
from tests.grievances.factories import GrievanceFactory
from triage import services as triage
from triage.models import Correction, Suggestion

pytestmark = pytest.mark.django_db

PRAISE = "ধন্যবাদ ডিসি স্যার, আপনার মতো অফিসার প্রতিটি জেলায় দরকার"
GRIEVANCE = "amar jomi dokhol kore niyeche prottibeshi, thana te gele kono kaj hoy na"
QUESTION = "ডিসি অফিস শনিবার খোলা থাকে? কয়টা পর্যন্ত খোলা?"


def facebook(office, *texts):
    from django.utils import timezone

    grievances = grievance_create_batch(
        office=office,
        drafts=[
            GrievanceDraft(
                channel=GrievanceChannel.FACEBOOK_COMMENT,
                description=t,
                received_at=timezone.now(),
            )
            for t in texts
        ],
    )
    return grievances


def test_accepting_records_a_grievance_correction(office, officer):
    (grievance,) = facebook(office, PRAISE)

    grievance_accept(grievance=grievance, actor=officer)

    c = Correction.objects.get()
    assert (c.decision, c.intent, c.category, c.text) == ("accepted", "grievance", "", PRAISE)
    assert (c.suggested_intent, c.actor) == ("praise", officer)
    assert c.model_version == Suggestion.objects.get(grievance=grievance).model_version
    assert not c.agrees


def test_not_a_grievance_records_the_intent_its_reason_means(office, officer):
    praise, question = facebook(office, PRAISE, QUESTION)

    grievance_mark_not_grievance(grievance=praise, actor=officer, reason=NotGrievanceReason.PRAISE)
    grievance_mark_not_grievance(
        grievance=question, actor=officer, reason=NotGrievanceReason.QUESTION_ANSWERED
    )

    assert dict(Correction.objects.values_list("grievance_id", "intent")) == {
        praise.pk: "praise",
        question.pk: "question",
    }
    assert Correction.objects.get(grievance=praise).agrees


def test_categorising_records_the_category_only(office, officer):
    (grievance,) = facebook(office, GRIEVANCE)
    health = Category.objects.get(slug="health")

    grievance_categorise(grievance=grievance, category=health, actor=officer)

    c = Correction.objects.get()
    assert (c.decision, c.intent, c.category, c.suggested_category) == (
        "categorised",
        "",
        "health",
        "land",
    )


def test_the_system_acting_and_grievances_without_a_suggestion_record_nothing(
    office, officer, settings
):
    (grievance,) = facebook(office, GRIEVANCE)
    grievance_accept(grievance=grievance, actor=None)  # the system, not an officer
    settings.TRIAGE_ENABLED = False
    untriaged = GrievanceFactory(office=office)
    grievance_accept(grievance=untriaged, actor=officer)

    assert not Correction.objects.exists()


def test_corrections_become_training_examples_with_the_latest_decision(office, officer):
    praise, land = facebook(office, PRAISE, GRIEVANCE)
    grievance_accept(grievance=praise, actor=officer)  # first "a grievance" ...
    grievance_mark_not_grievance(grievance=praise, actor=officer, reason=NotGrievanceReason.SPAM)
    grievance_accept(grievance=land, actor=officer)
    grievance_categorise(
        grievance=land, category=Category.objects.get(slug="health"), actor=officer
    )

    examples = {e.text: e for e in triage.correction_examples()}

    assert (examples[PRAISE].intent, examples[PRAISE].category) == ("abuse_spam", None)
    assert (examples[GRIEVANCE].intent, examples[GRIEVANCE].category) == ("grievance", "health")
    assert {e.source for e in examples.values()} == {"correction"}


def test_triage_train_learns_from_corrections_and_writes_its_report(office, officer, tmp_path):
    (grievance,) = facebook(office, PRAISE)
    grievance_accept(grievance=grievance, actor=officer)
    output = tmp_path / "model.joblib"

    call_command("triage_train", "--output", str(output), stdout=io.StringIO())

    report = json.loads((tmp_path / "model.evaluation.json").read_text(encoding="utf-8"))
    assert report["model"]["from_corrections"] == 1
    assert report["officer_decisions"] == {"count": 1, "agreed_with_suggestion": 0}
    assert report["model"]["bytes"] == output.stat().st_size < 20_000_000
    assert report["overall"]["intent"]["macro_f1"] > 0.8
    assert set(report["by_script"]) == {"bn", "rom", "en", "mixed"}
    assert len(report["intent_confusion"]["matrix"]) == 5


# --- shown to officers ------------------------------------------------------------------------


def test_the_inbox_filter_finds_the_likely_not_grievances(client, office, officer):
    praise, grievance = facebook(office, PRAISE, GRIEVANCE)
    client.force_login(officer)

    response = client.get(
        reverse("grievances:officer-inbox"), {"tab": "all", "suggested": "not_grievance"}
    )
    html = response.content.decode()
    assert praise.tracking_code in html
    assert grievance.tracking_code not in html
    assert "triage-badge" in html

    response = client.get(
        reverse("grievances:officer-inbox"), {"tab": "all", "suggested": "grievance"}
    )
    html = response.content.decode()
    assert grievance.tracking_code in html
    assert praise.tracking_code not in html


def test_the_grievance_page_shows_the_suggestion_and_offers_its_category(client, office, officer):
    (grievance,) = facebook(office, GRIEVANCE)
    client.force_login(officer)

    response = client.get(reverse("grievances:officer-grievance", args=[grievance.pk]))

    html = response.content.decode()
    land = Category.objects.get(slug="land")
    assert "triage-title" in html
    assert land.name_bn in html
    assert response.context["categorise_form"].initial["category"] == land.pk
    assert response.context["suggestion"].model_version in html


def test_a_set_aside_grievance_stays_in_the_all_tab(client, office, officer):
    from decimal import Decimal

    from triage.models import TriageSetting

    TriageSetting.objects.create(office=office, auto_set_aside=True, threshold=Decimal("0.5"))
    (praise,) = facebook(office, PRAISE)
    assert praise.status == GrievanceStatus.NOT_GRIEVANCE
    client.force_login(officer)

    html = client.get(reverse("grievances:officer-inbox"), {"tab": "all"}).content.decode()

    assert praise.tracking_code in html
