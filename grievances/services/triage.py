"""Triage of new grievances (issue 13): the classifier's suggestion kept with each, praise and
spam set aside automatically where the office chose so (undone in one click), and officers'
decisions recorded as corrections for the next training.

The classifier only suggests. It never deletes or hides anything: a grievance it set aside
stays in the inbox (tab "all", filter "likely not a grievance"), keeps its Facebook thread and
can be answered publicly like any other; an officer takes it back with `grievance_triage_undo`.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ApplicationError
from grievances.models import (
    FACEBOOK_CHANNELS,
    Grievance,
    GrievanceEvent,
    GrievanceStatus,
    NotGrievanceReason,
)
from grievances.services._common import _ensure_may_act, _event, _lock
from grievances.workflow import can_transition, may_undo_set_aside
from triage import services as triage
from triage.classifier import SET_ASIDE_INTENTS, Prediction
from triage.models import Decision

Kind = GrievanceEvent.Kind
S = GrievanceStatus

# The reason recorded when the classifier sets a comment aside, by the intent it read.
SET_ASIDE_REASONS = {"praise": NotGrievanceReason.PRAISE, "abuse_spam": NotGrievanceReason.SPAM}
# An officer's "not a grievance" reason, read as the intent the text had.
REASON_INTENTS = {
    NotGrievanceReason.PRAISE: "praise",
    NotGrievanceReason.QUESTION_ANSWERED: "question",
    NotGrievanceReason.SPAM: "abuse_spam",
    NotGrievanceReason.ABUSE: "abuse_spam",
    NotGrievanceReason.OTHER: "other",
}


def _sets_aside(grievance: Grievance, prediction: Prediction, threshold: Decimal | None) -> bool:
    return (
        threshold is not None
        and grievance.channel in FACEBOOK_CHANNELS
        and grievance.status == S.NEW
        and prediction.intent in SET_ASIDE_INTENTS
        and Decimal(str(prediction.intent_confidence)) >= threshold
    )


def grievances_triage(*, grievances: Sequence[Grievance]) -> int:
    """Call it in the transaction that created `grievances` (no savepoint of its own: the
    ingestion's query budget). Suggest an intent and a category for grievances just created, in one batch, and set
    aside the Facebook comments read as praise or abuse/spam with at least the confidence
    their office asked for (`TriageSetting`). Returns how many were set aside.

    The grievances in memory are updated too (status, reason)."""
    if not grievances:
        return 0
    predictions = triage.predict([g.description for g in grievances])
    if not predictions:
        return 0
    facebook_offices = {g.office_id for g in grievances if g.channel in FACEBOOK_CHANNELS}
    thresholds = triage.set_aside_thresholds(facebook_offices) if facebook_offices else {}
    new, aside = [], []
    for grievance, prediction in zip(grievances, predictions, strict=True):
        sets_aside = _sets_aside(grievance, prediction, thresholds.get(grievance.office_id))
        new.append(triage.NewSuggestion(grievance.pk, prediction, set_aside=sets_aside))
        if sets_aside:
            aside.append((grievance, prediction))
    triage.suggestions_store(suggestions=new)
    if aside:
        _set_aside(aside)
    return len(aside)


def _set_aside(items: list[tuple[Grievance, Prediction]]) -> None:
    """new → not a grievance for a batch, with an internal STATUS_CHANGED event each saying
    why (the classifier's reading, confidence and model). In a few queries, under the rules of
    the workflow table; nothing is sent to the citizen (the event is not public)."""
    assert can_transition(S.NEW, S.NOT_GRIEVANCE)  # noqa: S101 -- the table must allow it
    now = timezone.now()
    by_reason: dict[str, list[int]] = {}
    for grievance, prediction in items:
        by_reason.setdefault(SET_ASIDE_REASONS[prediction.intent], []).append(grievance.pk)
    for reason, ids in by_reason.items():
        Grievance.objects.filter(pk__in=ids, status=S.NEW).update(
            status=S.NOT_GRIEVANCE,
            not_grievance_reason=reason,
            last_activity_at=now,
            updated_at=now,
        )
    GrievanceEvent.objects.bulk_create(
        GrievanceEvent(
            grievance=grievance,
            kind=Kind.STATUS_CHANGED,
            from_status=S.NEW,
            to_status=S.NOT_GRIEVANCE,
            is_public=False,
            data={
                "triage": {
                    "intent": prediction.intent,
                    "confidence": round(prediction.intent_confidence, 4),
                    "model_version": prediction.model_version,
                }
            },
            created_at=now,
        )
        for grievance, prediction in items
    )
    for grievance, prediction in items:
        grievance.status = S.NOT_GRIEVANCE
        grievance.not_grievance_reason = SET_ASIDE_REASONS[prediction.intent]
        grievance.last_activity_at = now


@transaction.atomic
def grievance_triage_undo(*, grievance: Grievance, actor: User | None) -> Grievance:
    """Take back a grievance the classifier set aside: it is new again, as it arrived, and the
    officer's "no" is a correction for the next training."""
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance)
    suggestion = triage.suggestion_for(grievance.pk)
    if not may_undo_set_aside(
        status=grievance.status, set_aside=suggestion is not None and suggestion.set_aside
    ):
        raise ApplicationError(_("This grievance was not set aside automatically."))
    grievance.status = S.NEW
    grievance.not_grievance_reason = ""
    grievance.last_activity_at = timezone.now()
    grievance.save(
        update_fields=["status", "not_grievance_reason", "last_activity_at", "updated_at"]
    )
    _event(
        grievance,
        Kind.STATUS_CHANGED,
        actor,
        from_status=S.NOT_GRIEVANCE,
        to_status=S.NEW,
        is_public=False,
        data={"triage_undone": True},
    )
    triage.correction_record(
        grievance_id=grievance.pk,
        text=grievance.description,
        decision=Decision.UNDONE,
        actor=actor,
    )
    return grievance


def record_decision(
    grievance: Grievance,
    *,
    decision: str,
    actor: User | None,
    reason: str = "",
    category: str = "",
) -> None:
    """An officer's accept / not a grievance / categorise, as a correction (when the
    classifier had made a suggestion for this grievance)."""
    intent = ""
    if decision == Decision.ACCEPTED:
        intent = "grievance"
    elif decision == Decision.NOT_GRIEVANCE:
        intent = REASON_INTENTS.get(reason, "other")
    triage.correction_record(
        grievance_id=grievance.pk,
        text=grievance.description,
        decision=decision,
        actor=actor,
        intent=intent,
        category=category,
    )
