"""Triage of new grievances (issue 13): the classifier's suggestion kept with each, praise and
spam set aside automatically where the office chose so (undone in one click), and officers'
decisions recorded as corrections for the next training.

The classifier only suggests. It never deletes or hides anything: a grievance it set aside
stays in the inbox (tab "all", filter "likely not a grievance"), keeps its Facebook thread and
can be answered publicly like any other; an officer takes it back with `grievance_triage_undo`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

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
from offices.models import Office
from triage import services as triage
from triage.classifier import SET_ASIDE_INTENTS, Prediction
from triage.models import Decision

if TYPE_CHECKING:
    from grievances.services.intake import GrievanceDraft

Kind = GrievanceEvent.Kind
S = GrievanceStatus

# The reason recorded when the classifier sets a comment aside, by the intent it read.
SET_ASIDE_REASONS: dict[str, str] = {
    "praise": NotGrievanceReason.PRAISE,
    "abuse_spam": NotGrievanceReason.SPAM,
}
# An officer's "not a grievance" reason, read as the intent the text had.
REASON_INTENTS: dict[str, str] = {
    NotGrievanceReason.PRAISE: "praise",
    NotGrievanceReason.QUESTION_ANSWERED: "question",
    NotGrievanceReason.SPAM: "abuse_spam",
    NotGrievanceReason.ABUSE: "abuse_spam",
    NotGrievanceReason.OTHER: "other",
}


def _sets_aside(channel: str, prediction: Prediction, threshold: Decimal | None) -> bool:
    return (
        threshold is not None
        and channel in FACEBOOK_CHANNELS
        and prediction.intent in SET_ASIDE_INTENTS
        and Decimal(str(prediction.intent_confidence)) >= threshold
    )


@dataclass
class TriagePlan:
    """What the classifier made of a batch of drafts, before they are written: a prediction
    for each (none without a model) and which are set aside."""

    predictions: list[Prediction]
    set_aside: list[bool]

    def apply(self, grievances: Sequence[Grievance]) -> None:
        """Unsaved grievances: those set aside become "not a grievance" with the reason."""
        for grievance, prediction, aside in self._rows(grievances):
            if aside:
                grievance.status = S.NOT_GRIEVANCE
                grievance.not_grievance_reason = SET_ASIDE_REASONS[prediction.intent]

    def events(self, grievances: Sequence[Grievance]) -> list[GrievanceEvent]:
        """For each grievance set aside, its internal STATUS_CHANGED event (new → not a
        grievance) saying why: the classifier's reading, confidence and model. Not public:
        nothing is sent to the citizen."""
        return [
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
                created_at=grievance.received_at,
            )
            for grievance, prediction, aside in self._rows(grievances)
            if aside
        ]

    def store(self, grievances: Sequence[Grievance]) -> None:
        """The suggestions of saved grievances (one INSERT)."""
        triage.suggestions_store(
            suggestions=[
                triage.NewSuggestion(grievance.pk, prediction, set_aside=aside)
                for grievance, prediction, aside in self._rows(grievances)
            ]
        )

    def _rows(self, grievances: Sequence[Grievance]) -> list[tuple[Grievance, Prediction, bool]]:
        if not self.predictions:
            return []
        return list(zip(grievances, self.predictions, self.set_aside, strict=True))


def triage_plan(*, office: Office, drafts: Sequence[GrievanceDraft]) -> TriagePlan:
    """Read a channel's batch of drafts for one office in one pass, and decide which are set
    aside: Facebook comments read as praise or abuse/spam with at least the confidence the
    office asked for (`TriageSetting`; none unless it asked)."""
    predictions = triage.predict([d.description for d in drafts])
    if not predictions:
        return TriagePlan([], [])
    wants = any(_may_set_aside(d.channel, p) for d, p in zip(drafts, predictions, strict=True))
    threshold = triage.set_aside_thresholds([office.pk]).get(office.pk) if wants else None
    # `S.NEW` → `S.NOT_GRIEVANCE` is a move the workflow table allows.
    assert can_transition(S.NEW, S.NOT_GRIEVANCE)  # noqa: S101
    return TriagePlan(
        predictions,
        [_sets_aside(d.channel, p, threshold) for d, p in zip(drafts, predictions, strict=True)],
    )


def _may_set_aside(channel: str, prediction: Prediction) -> bool:
    return channel in FACEBOOK_CHANNELS and prediction.intent in SET_ASIDE_INTENTS


def grievances_triage(*, grievances: Sequence[Grievance]) -> None:
    """A suggested intent and category for grievances already saved (a web filing, an
    officer's entry): shown to the officer, never acted on. In the caller's transaction."""
    predictions = triage.predict([g.description for g in grievances]) if grievances else []
    if predictions:
        triage.suggestions_store(
            suggestions=[
                triage.NewSuggestion(g.pk, p) for g, p in zip(grievances, predictions, strict=True)
            ]
        )


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
