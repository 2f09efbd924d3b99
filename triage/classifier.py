"""The two triage classifiers: features, training, evaluation, saving, loading, prediction.

Knows nothing of grievances or Django models: texts in, suggestions out.

Model: one character n-gram TF-IDF (`char_wb`, 2-5 characters, over `core.textnorm.normalise`)
shared by two calibrated linear SVMs, one for the intent and one for the category (trained on
the grievances and questions only). Character n-grams read Bangla script, romanised Bangla and
English alike, survive misspellings ("jomi"/"zomi", ি/ী) and need no tokeniser. The SVM's
scores are turned into probabilities by sigmoid calibration fitted on out-of-fold predictions,
with folds grouped by template (`Example.group`), so a confidence says how often the model is
right on wording it has not seen: a threshold for setting comments aside can be trusted. (A
plain logistic regression scored the same macro-F1 but was under-confident: expected
calibration error 0.18 against 0.10.) It trains in seconds and predicts thousands of texts a
second on one core, offline.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import GroupKFold
from sklearn.svm import LinearSVC

from core.textnorm import normalise

INTENTS = ("grievance", "question", "praise", "abuse_spam", "other")
# Intents whose text is about something an office handles: they get a category.
CATEGORISED_INTENTS = ("grievance", "question")
# Intents that may be set aside automatically as "not a grievance" (per office, opt-in).
SET_ASIDE_INTENTS = ("praise", "abuse_spam")
FORMAT = 1  # of the saved bundle; a model saved in another format is not loaded


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    category: str | None = None
    script: str = ""
    source: str = "corpus"  # corpus or correction
    group: str = ""  # examples written from one template: kept in one calibration fold


@dataclass(frozen=True, slots=True)
class Prediction:
    intent: str
    intent_confidence: float
    category: str | None  # None when the intent has no category
    category_confidence: float
    model_version: str

    def as_json(self) -> dict[str, Any]:
        """The line `triage_predict` writes (its format is stable)."""
        return {
            "intent": self.intent,
            "intent_confidence": round(self.intent_confidence, 4),
            "category": self.category,
            "category_confidence": round(self.category_confidence, 4),
        }


@dataclass
class TriageModel:
    version: str
    vectorizer: TfidfVectorizer
    intent_model: CalibratedClassifierCV
    category_model: CalibratedClassifierCV
    meta: dict[str, Any] = field(default_factory=dict)
    # token → its n-grams' feature numbers: most of a prediction's time is finding them.
    _word_features: dict[str, list[int]] = field(default_factory=dict, repr=False)

    def features(self, texts: Sequence[str]) -> Any:
        """`self.vectorizer.transform(texts)`, the same matrix, several times faster: each
        token (as typed, between spaces) is normalised and its n-grams looked up in the
        vocabulary once per process, not once per text. `normalise` works token by token
        (NFC, digits, case, repeats and spellings never cross a space), so this is exact."""
        vocabulary = self.vectorizer.vocabulary_
        cache = self._word_features
        indices: list[int] = []
        indptr = [0]
        for text in texts:
            for token in text.split():
                found = cache.get(token)
                if found is None:
                    found = [
                        vocabulary[g]
                        for word in normalise(token).split()
                        for g in _word_ngrams(word)
                        if g in vocabulary
                    ]
                    if len(cache) < WORD_CACHE_SIZE:
                        cache[token] = found
                indices.extend(found)
            indptr.append(len(indices))
        counts = sparse.csr_matrix(
            (
                np.ones(len(indices), dtype=self.vectorizer.dtype),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int32),
            ),
            shape=(len(texts), len(vocabulary)),
        )
        counts.sum_duplicates()
        return self.vectorizer._tfidf.transform(counts, copy=False)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Predictions for `texts`, in order, in one pass (batch it: one call per batch)."""
        if not texts:
            return []
        features = self.features(texts)
        intent_p = self.intent_model.predict_proba(features)
        category_p = self.category_model.predict_proba(features)
        intents = self.intent_model.classes_[intent_p.argmax(axis=1)].tolist()
        intent_confidence = intent_p.max(axis=1).tolist()
        categories = self.category_model.classes_[category_p.argmax(axis=1)].tolist()
        category_confidence = category_p.max(axis=1).tolist()
        out = []
        for intent, i_conf, category, c_conf in zip(
            intents, intent_confidence, categories, category_confidence, strict=True
        ):
            categorised = intent in CATEGORISED_INTENTS
            out.append(
                Prediction(
                    intent=intent,
                    intent_confidence=i_conf,
                    category=category if categorised else None,
                    category_confidence=c_conf if categorised else 0.0,
                    model_version=self.version,
                )
            )
        return out


# --------------------------------------------------------------------------- training


NGRAM_SIZES = range(2, 6)
WORD_CACHE_SIZE = 200_000


@lru_cache(maxsize=200_000)
def _word_ngrams(word: str) -> tuple[str, ...]:
    """scikit-learn's `char_wb` n-grams (2-5) of one word, padded with a space each side,
    remembered: comments repeat their words, and this is most of the prediction's time."""
    padded = f" {word} "
    grams: list[str] = []
    for n in NGRAM_SIZES:
        grams.extend(padded[i : i + n] for i in range(max(len(padded) - n + 1, 1)))
        if len(padded) <= n:  # as char_wb does: the whole word once, then no longer grams
            break
    return tuple(grams)


def char_wb_ngrams(text: str) -> list[str]:
    """The analyzer: `core.textnorm.normalise`, then the `char_wb` n-grams of each word."""
    grams: list[str] = []
    for word in normalise(text).split():
        grams.extend(_word_ngrams(word))
    return grams


def make_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=char_wb_ngrams,
        min_df=2,
        max_features=60_000,
        sublinear_tf=True,
        dtype=np.float32,
    )


def _calibrated_linear(features: Any, labels: list[str], groups: list[str]) -> Any:
    folds = list(GroupKFold(n_splits=5).split(features, labels, groups))
    model = CalibratedClassifierCV(
        LinearSVC(C=0.5, class_weight="balanced", random_state=0),  # reproducible
        method="sigmoid",
        cv=folds,
        ensemble=False,  # one SVM on all the data, calibrated on the folds: a fifth the size
    )
    return model.fit(features, labels)


def data_version(examples: Iterable[Example]) -> str:
    digest = hashlib.sha256()
    for e in examples:
        digest.update(f"{e.text}\t{e.intent}\t{e.category}\n".encode())
    return digest.hexdigest()[:10]


def train(examples: Sequence[Example]) -> TriageModel:
    texts = [e.text for e in examples]
    vectorizer = make_vectorizer()
    features = vectorizer.fit_transform(texts)
    groups = [e.group or f"{e.source}:{n}" for n, e in enumerate(examples)]
    intent_model = _calibrated_linear(features, [e.intent for e in examples], groups)
    rows = [i for i, e in enumerate(examples) if e.intent in CATEGORISED_INTENTS and e.category]
    category_model = _calibrated_linear(
        features[rows], [str(examples[i].category) for i in rows], [groups[i] for i in rows]
    )
    now = datetime.now(UTC)
    version = f"{now:%Y%m%d}-{data_version(examples)}"
    counts = Counter(e.source for e in examples)
    return TriageModel(
        version=version,
        vectorizer=vectorizer,
        intent_model=intent_model,
        category_model=category_model,
        meta={
            "trained_at": now.isoformat(timespec="seconds"),
            "examples": len(examples),
            "from_corpus": counts.get("corpus", 0),
            "from_corrections": counts.get("correction", 0),
            "features": len(vectorizer.vocabulary_),
            "sklearn": sklearn.__version__,
        },
    )


# --------------------------------------------------------------------------- evaluation


def _ece(confidences: list[float], correct: list[bool], bins: int = 10) -> float:
    """Expected calibration error: how far confidence is from accuracy, on average."""
    if not confidences:
        return 0.0
    conf = np.array(confidences)
    ok = np.array(correct, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for low, high in pairwise(edges):
        inside = (conf > low) & (conf <= high)
        if inside.any():
            total += inside.mean() * abs(conf[inside].mean() - ok[inside].mean())
    return float(total)


def _scores(truth: list[str], predicted: list[str], labels: list[str]) -> dict[str, Any]:
    return {
        "n": len(truth),
        "macro_f1": float(f1_score(truth, predicted, labels=labels, average="macro"))
        if truth
        else 0.0,
        "accuracy": float(np.mean([t == p for t, p in zip(truth, predicted, strict=True)]))
        if truth
        else 0.0,
    }


def evaluate(
    predictions: Sequence[Prediction] | Sequence[tuple[str, str | None]],
    examples: Sequence[Example],
    *,
    categories: Sequence[str],
) -> dict[str, Any]:
    """Macro-F1, accuracy and confusion matrices of `predictions` (Predictions, or pairs of
    intent and category from another predictor) against `examples`, overall and by script.

    The category is scored on the examples that have one (grievances and questions), with the
    category the model would give whatever the intent it predicted."""
    pairs = [(p.intent, p.category) if isinstance(p, Prediction) else p for p in predictions]
    intent_labels = list(INTENTS)
    category_labels = list(categories)
    report: dict[str, Any] = {}

    def block(indexes: list[int]) -> dict[str, Any]:
        truth_i = [examples[i].intent for i in indexes]
        pred_i = [pairs[i][0] for i in indexes]
        cat_rows = [i for i in indexes if examples[i].category]
        truth_c = [str(examples[i].category) for i in cat_rows]
        pred_c = [str(pairs[i][1]) for i in cat_rows]
        return {
            "intent": _scores(truth_i, pred_i, intent_labels),
            "category": _scores(truth_c, pred_c, category_labels),
        }

    everything = list(range(len(examples)))
    report["overall"] = block(everything)
    report["intent_confusion"] = {
        "labels": intent_labels,
        "matrix": confusion_matrix(
            [examples[i].intent for i in everything],
            [pairs[i][0] for i in everything],
            labels=intent_labels,
        ).tolist(),
    }
    cat_rows = [i for i in everything if examples[i].category]
    report["category_confusion"] = {
        "labels": category_labels,
        "matrix": confusion_matrix(
            [str(examples[i].category) for i in cat_rows],
            [str(pairs[i][1]) for i in cat_rows],
            labels=category_labels,
        ).tolist(),
    }
    by_script: dict[str, list[int]] = {}
    for i, e in enumerate(examples):
        by_script.setdefault(e.script or "unknown", []).append(i)
    report["by_script"] = {s: block(ix) for s, ix in sorted(by_script.items())}
    suggestions = [p for p in predictions if isinstance(p, Prediction)]
    if len(suggestions) == len(examples):
        report["intent_ece"] = _ece(
            [s.intent_confidence for s in suggestions],
            [s.intent == e.intent for s, e in zip(suggestions, examples, strict=True)],
        )
    return report


def predict_for_evaluation(model: TriageModel, texts: Sequence[str]) -> list[tuple[str, str]]:
    """Intent and category for every text (the category even when the intent has none)."""
    features = model.features(texts)
    intents = model.intent_model.predict(features)
    categories = model.category_model.predict(features)
    return [(str(i), str(c)) for i, c in zip(intents, categories, strict=True)]


def measure_speed(model: TriageModel, texts: Sequence[str], *, batch: int = 500) -> float:
    """Texts per second through `predict`, in batches."""
    start = time.perf_counter()
    for at in range(0, len(texts), batch):
        model.predict(texts[at : at + batch])
    return len(texts) / (time.perf_counter() - start)


# --------------------------------------------------------------------------- files


def save(model: TriageModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    bundle = {
        "format": FORMAT,
        "version": model.version,
        "vectorizer": model.vectorizer,
        "intent_model": model.intent_model,
        "category_model": model.category_model,
        "meta": model.meta,
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    joblib.dump(bundle, tmp, compress=3)
    tmp.replace(path)  # a reader never sees half a file


def load(path: Path) -> TriageModel:
    """The model at `path`: a local file, read without any network access."""
    bundle = joblib.load(path)
    if bundle.get("format") != FORMAT:
        raise ValueError(f"unknown triage model format {bundle.get('format')!r}")
    return TriageModel(
        version=bundle["version"],
        vectorizer=bundle["vectorizer"],
        intent_model=bundle["intent_model"],
        category_model=bundle["category_model"],
        meta=bundle["meta"],
    )


@lru_cache(maxsize=2)
def _load_cached(path: str, mtime_ns: int) -> TriageModel:
    return load(Path(path))


def load_current(path: Path) -> TriageModel | None:
    """The model at `path`, loaded once per process and again after the file changes; None
    when there is no model yet (triage is then skipped, nothing else changes)."""
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _load_cached(str(path), mtime)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
