"""Train the triage classifiers on the corpus's training split and officers' corrections,
evaluate them on the corpus's held-out test split, and write the model and its report.

    python manage.py triage_train [--output PATH] [--without-corrections]

The report (JSON, beside the model: `<model>.evaluation.json`) has the macro-F1, accuracy and
confusion matrices for the intent and the category, overall and per script, the calibration
error, the speed, and the model's version, size and training data.
"""

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from triage import classifier
from triage import services as triage
from triage.models import Correction, Decision


def report_path(model_path: Path) -> Path:
    return model_path.with_name(model_path.stem + ".evaluation.json")


class Command(BaseCommand):
    help = "Train the triage classifiers and write the model with its evaluation report."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, default=None, help="model file to write")
        parser.add_argument(
            "--without-corrections",
            action="store_true",
            help="train on the corpus alone (officers' corrections left out)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"] or triage.model_path()
        train = triage.corpus_examples(split="train")
        corrections = [] if options["without_corrections"] else triage.correction_examples()
        test = triage.corpus_examples(split="test")
        started = time.perf_counter()
        model = classifier.train([*train, *corrections])
        seconds = time.perf_counter() - started

        # The corpus is labelled with the slugs of grievances/data/categories.json.
        categories = sorted({str(e.category) for e in [*train, *test] if e.category})
        texts = [e.text for e in test]
        report = classifier.evaluate(
            classifier.predict_for_evaluation(model, texts), test, categories=categories
        )
        report["intent_ece"] = classifier.evaluate(
            model.predict(texts), test, categories=categories
        ).get("intent_ece")
        report["texts_per_second"] = classifier.measure_speed(model, texts)
        classifier.save(model, output)
        report["model"] = {
            "version": model.version,
            "file": output.name,
            "bytes": output.stat().st_size,
            "train_seconds": round(seconds, 1),
            **model.meta,
        }
        report["test_examples"] = len(test)
        # How often officers decided what was suggested: the model's score on real comments.
        decided = list(Correction.objects.exclude(decision=Decision.UNDONE))
        report["officer_decisions"] = {
            "count": len(decided),
            "agreed_with_suggestion": sum(c.agrees for c in decided),
        }
        path = report_path(output)
        path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

        overall = report["overall"]
        self.stdout.write(
            f"model {model.version}: {len(train)} corpus + {len(corrections)} corrections, "
            f"trained in {seconds:.1f} s, {output.stat().st_size / 1e6:.1f} MB → {output}"
        )
        self.stdout.write(
            f"held-out test ({len(test)}): intent macro-F1 {overall['intent']['macro_f1']:.3f}, "
            f"category macro-F1 {overall['category']['macro_f1']:.3f}, "
            f"{report['texts_per_second']:.0f} texts/s; report → {path}"
        )
