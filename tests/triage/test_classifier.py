"""The classifier's API, its model file, and the `triage_predict` command."""

import io
import json
import socket
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from triage import classifier
from triage import services as triage
from triage.classifier import INTENTS, Prediction

TEXTS = [
    "ধন্যবাদ ডিসি স্যার, আপনার মতো অফিসার প্রতিটি জেলায় দরকার",
    "amar jomi dokhol kore niyeche prottibeshi, thana te gele kono kaj hoy na",
    "Where can I get a certified copy of the khatian?",
    "ঘরে বসে দৈনিক ৫০০০ টাকা আয় করুন, বিস্তারিত ইনবক্সে",
]
CATEGORIES = {
    "land",
    "law-and-order",
    "education",
    "health",
    "relief",
    "disputes",
    "public-services",
    "roads-utilities",
    "markets-prices",
    "environment",
    "corruption",
    "other",
}


@pytest.fixture(scope="module")
def small_model():
    """A model trained in a second on part of the corpus (the API, not the scores)."""
    examples = triage.corpus_examples(split="train")[::6]
    return classifier.train(examples)


def test_the_committed_model_reads_the_four_kinds_of_comment():
    model = classifier.load(triage.model_path())
    found = model.predict(TEXTS)

    assert [p.intent for p in found] == ["praise", "grievance", "question", "abuse_spam"]
    assert found[1].category == "land"
    assert found[2].category == "land"
    assert found[0].category is None
    assert found[0].category_confidence == 0.0


def test_predictions_are_in_order_with_probabilities_and_the_model_version(small_model):
    found = small_model.predict(TEXTS)

    assert len(found) == len(TEXTS)
    for p in found:
        assert isinstance(p, Prediction)
        assert p.intent in INTENTS
        assert 0.0 <= p.intent_confidence <= 1.0
        assert 0.0 <= p.category_confidence <= 1.0
        assert p.model_version == small_model.version
        if p.intent in ("grievance", "question"):
            assert p.category in CATEGORIES
        else:
            assert p.category is None
    # One batch or one at a time: the same answers.
    one_by_one = [small_model.predict([t])[0] for t in TEXTS]
    assert [p.intent for p in one_by_one] == [p.intent for p in found]
    assert small_model.predict([]) == []


def test_the_version_names_the_training_data(small_model):
    examples = triage.corpus_examples(split="train")[::6]
    assert small_model.version.endswith(classifier.data_version(examples))
    assert small_model.meta["examples"] == len(examples)


def test_a_saved_model_loads_again_and_answers_the_same(small_model, tmp_path):
    path = tmp_path / "m.joblib"
    classifier.save(small_model, path)
    loaded = classifier.load(path)

    assert loaded.version == small_model.version
    assert [p.as_json() for p in loaded.predict(TEXTS)] == [
        p.as_json() for p in small_model.predict(TEXTS)
    ]
    assert path.stat().st_size < 20_000_000


def test_the_model_loads_and_predicts_without_network(monkeypatch, tmp_path, small_model):
    path = tmp_path / "offline.joblib"
    classifier.save(small_model, path)

    def no_network(*args, **kwargs):
        raise AssertionError("the triage model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    model = classifier.load(path)
    assert len(model.predict(TEXTS)) == len(TEXTS)


def test_no_model_file_means_no_predictions(settings, tmp_path):
    settings.TRIAGE_MODEL_PATH = str(tmp_path / "missing.joblib")
    assert triage.current_model() is None
    assert triage.predict(TEXTS) == []


def test_an_unreadable_model_file_means_no_predictions(settings, tmp_path, caplog):
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"not a model")
    settings.TRIAGE_MODEL_PATH = str(broken)

    assert triage.predict(TEXTS) == []
    assert "cannot be loaded" in caplog.text


@pytest.mark.django_db
def test_grievances_still_arrive_when_the_model_cannot_be_read(settings, tmp_path, office):
    from tests.grievances.factories import GrievanceFactory
    from triage.models import Suggestion

    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"not a model")
    settings.TRIAGE_MODEL_PATH = str(broken)

    grievance = GrievanceFactory(office=office)

    assert grievance.pk
    assert not Suggestion.objects.exists()


def test_triage_switched_off_means_no_predictions(settings):
    settings.TRIAGE_ENABLED = False
    assert triage.predict(TEXTS) == []


def test_a_model_of_another_format_is_refused(tmp_path):
    import joblib

    path = tmp_path / "old.joblib"
    joblib.dump({"format": 0}, path)
    with pytest.raises(ValueError, match="format"):
        classifier.load(path)


# --- triage_predict ---------------------------------------------------------------------------


def test_triage_predict_round_trip_through_files(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(
            json.dumps({"text": t, "id": n}, ensure_ascii=False) + "\n" for n, t in enumerate(TEXTS)
        ),
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"

    call_command("triage_predict", "--input", str(source), "--output", str(target))

    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(TEXTS)
    expected = classifier.load(triage.model_path()).predict(TEXTS)
    for line, prediction in zip(lines, expected, strict=True):
        assert set(line) == {"intent", "intent_confidence", "category", "category_confidence"}
        assert line == prediction.as_json()
    assert [line["intent"] for line in lines] == ["praise", "grievance", "question", "abuse_spam"]


def test_triage_predict_reads_stdin_and_writes_stdout(monkeypatch):
    monkeypatch.setattr(
        sys, "stdin", io.StringIO('{"text": "ধন্যবাদ স্যার"}\n\n{"text": "amar jomi dokhol"}\n')
    )
    out = io.StringIO()
    call_command("triage_predict", stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 2  # the blank line is skipped
    assert all(0 <= line["intent_confidence"] <= 1 for line in lines)


def test_triage_predict_names_the_bad_line(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "ok"}\n{"txt": 1}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("triage_predict", "--input", str(source), stdout=io.StringIO())


def test_the_fast_features_are_the_vectorizers_own(small_model):
    corpus = [e.text for e in triage.corpus_examples(split="test")]
    odd = ["", "a b cd", "plzzzz 🙏🙏🙏", "জায\u09bcগা।।\u200d ০১৭", "A\u200bB  c\td"]
    texts = [*TEXTS, *odd, *corpus, *TEXTS]  # the second pass reads the cache

    fast = small_model.features(texts)
    slow = small_model.vectorizer.transform(texts)

    assert fast.shape == slow.shape
    assert abs(fast - slow).max() < 1e-6
