"""Classify texts with the current triage model: JSON Lines in, JSON Lines out, same order.

    python manage.py triage_predict [--input FILE] [--output FILE]

Each input line is an object with "text"; each output line is
{"intent": ..., "intent_confidence": 0..1, "category": slug or null, "category_confidence": 0..1}.
Standard input and output by default. This format is stable: evaluations depend on it.
"""

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from triage import services as triage

BATCH = 1000


class Command(BaseCommand):
    help = 'Classify JSON Lines {"text": ...} with the current triage model.'

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--input", type=Path, default=None, help="JSON Lines (stdin)")
        parser.add_argument("--output", type=Path, default=None, help="JSON Lines (stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        model = triage.current_model()
        if model is None:
            raise CommandError("No triage model: run `manage.py triage_train` first.")
        source: TextIO = options["input"].open(encoding="utf-8") if options["input"] else sys.stdin
        with source:
            texts = [self._text(n, line) for n, line in enumerate(source, 1) if line.strip()]
        out: Any = (
            options["output"].open("w", encoding="utf-8") if options["output"] else self.stdout
        )
        try:
            for start in range(0, len(texts), BATCH):
                for prediction in model.predict(texts[start : start + BATCH]):
                    out.write(json.dumps(prediction.as_json(), ensure_ascii=False) + "\n")
        finally:
            if options["output"]:
                out.close()

    @staticmethod
    def _text(number: int, line: str) -> str:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CommandError(f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise CommandError(f'line {number}: expected an object with a "text" string')
        return item["text"]
