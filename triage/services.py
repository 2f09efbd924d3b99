"""Triage for the rest of the product: predictions with the current model, suggestions and
corrections stored, the per-office setting read, training examples gathered.

Callers (grievances' services) pass ids and texts; nothing here imports grievances."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from accounts.models import User
from triage.classifier import (
    CATEGORISED_INTENTS,
    Example,
    Prediction,
    TriageModel,
    load_current,
    read_jsonl,
)
from triage.models import Correction, Decision, Suggestion, TriageSetting

logger = logging.getLogger(__name__)

CORPUS_PATH = Path(__file__).resolve().parent / "data" / "corpus.jsonl"


def model_path() -> Path:
    return Path(settings.TRIAGE_MODEL_PATH)


def current_model() -> TriageModel | None:
    """The model in use, or None when triage is switched off, no model was trained yet, or
    the file cannot be read (then it is logged): triage never stops a grievance arriving."""
    if not settings.TRIAGE_ENABLED:
        return None
    try:
        model = load_current(model_path())
    except Exception:
        logger.exception("The triage model at %s cannot be loaded.", model_path())
        return None
    if model is None:
        logger.warning("No triage model at %s: run `manage.py triage_train`.", model_path())
    return model


def predict(texts: Sequence[str]) -> list[Prediction]:
    """One prediction per text, in order, in one batch; [] when there is no model."""
    model = current_model()
    if model is None or not texts:
        return []
    return model.predict(texts)


def set_aside_thresholds(office_ids: Iterable[int]) -> dict[int, Decimal]:
    """The offices (of `office_ids`) that set praise and spam aside, with their threshold."""
    return dict(
        TriageSetting.objects.filter(office_id__in=set(office_ids), auto_set_aside=True)
        .values_list("office_id", "threshold")
        .order_by()
    )


@dataclass(frozen=True, slots=True)
class NewSuggestion:
    grievance_id: int
    prediction: Prediction
    set_aside: bool = False


def suggestions_store(*, suggestions: Sequence[NewSuggestion]) -> list[Suggestion]:
    """Keeps what was suggested for each grievance (one row each; a second call changes
    nothing)."""
    return Suggestion.objects.bulk_create(
        [
            Suggestion(
                grievance_id=s.grievance_id,
                intent=s.prediction.intent,
                intent_confidence=s.prediction.intent_confidence,
                category=s.prediction.category or "",
                category_confidence=s.prediction.category_confidence,
                model_version=s.prediction.model_version,
                set_aside=s.set_aside,
            )
            for s in suggestions
        ],
        ignore_conflicts=True,
    )


def suggestion_for(grievance_id: int) -> Suggestion | None:
    return Suggestion.objects.filter(grievance_id=grievance_id).first()


def correction_record(
    *,
    grievance_id: int,
    text: str,
    decision: str,
    actor: User | None,
    intent: str = "",
    category: str = "",
) -> Correction | None:
    """An officer's decision, kept as a labelled example for the next training. Recorded only
    for grievances the classifier made a suggestion for, and never for the system's own acts.
    Called inside the deciding service's transaction (2 queries: the suggestion, the row)."""
    if actor is None:
        return None
    suggestion = Suggestion.objects.filter(grievance_id=grievance_id).first()
    if suggestion is None:
        return None
    if suggestion.set_aside and decision != Decision.CATEGORISED:
        # An officer has decided what it is: there is no automatic set-aside left to undo.
        Suggestion.objects.filter(pk=suggestion.pk).update(set_aside=False)
    return Correction.objects.create(
        grievance_id=grievance_id,
        text=text,
        decision=decision,
        intent=intent,
        category=category,
        suggested_intent=suggestion.intent,
        suggested_category=suggestion.category,
        model_version=suggestion.model_version,
        actor=actor,
    )


# --------------------------------------------------------------------------- training data


def corpus_examples(path: Path = CORPUS_PATH, *, split: str | None = None) -> list[Example]:
    return [
        Example(
            text=row["text"],
            intent=row["intent"],
            category=row["category"],
            script=row["script"],
            group=row["template"],
        )
        for row in read_jsonl(path)
        if split is None or row["split"] == split
    ]


def correction_examples() -> list[Example]:
    """Officers' corrections as examples: the latest decision per grievance that names an
    intent. A category decision alone completes the intent of the grievance's other decision
    (a grievance categorised was accepted); a correction without any intent is left out."""
    latest: dict[int, dict[str, str]] = {}
    texts: dict[int, str] = {}
    for c in Correction.objects.order_by("created_at", "id").iterator():
        key: int = c.grievance_id if c.grievance_id is not None else -c.pk
        labels = latest.setdefault(key, {})
        if c.decision == Decision.UNDONE:
            labels.pop("intent", None)
        if c.intent:
            labels["intent"] = c.intent
        if c.category:
            labels["category"] = c.category
        texts[key] = c.text
    examples = []
    for key, labels in latest.items():
        intent = labels.get("intent")
        if not intent:
            continue
        category = labels.get("category") if intent in CATEGORISED_INTENTS else None
        examples.append(
            Example(
                text=texts[key],
                intent=intent,
                category=category,
                source="correction",
                group=f"correction:{key}",
            )
        )
    return examples
