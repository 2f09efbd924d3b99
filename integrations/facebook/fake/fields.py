"""The `fields` grammar (graph-api.md §2.4) and the fakes' opaque cursors."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from integrations.facebook.fake.errors import FakeGraphFailure, compact_json, graph_error


def nonexisting_field(name: str, node: str) -> FakeGraphFailure:
    return graph_error(
        100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})"
    )


@dataclass
class FieldSpec:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)
    children: list[FieldSpec] | None = None

    def children_or(self, default: str = "id,message,created_time") -> list[FieldSpec]:
        return self.children or parse_fields(default)


def parse_fields(text: str) -> list[FieldSpec]:
    """`fields := field ("," field)*; field := NAME ("." NAME "(" VALUE ")")* ("{" fields "}")?`"""
    specs, pos = _parse_field_list(text.replace(" ", ""), 0)
    if pos != len(text.replace(" ", "")):
        raise graph_error(100, f'(#100) Syntax error "Expected end of string" at character {pos}')
    return specs


def _parse_field_list(text: str, pos: int) -> tuple[list[FieldSpec], int]:
    specs: list[FieldSpec] = []
    while pos < len(text):
        start = pos
        while pos < len(text) and (text[pos].isalnum() or text[pos] == "_"):
            pos += 1
        if start == pos:
            raise graph_error(100, f"(#100) Syntax error at character {pos}")
        spec = FieldSpec(text[start:pos])
        while pos < len(text) and text[pos] == ".":
            name_start = pos + 1
            open_at = text.find("(", name_start)
            close_at = text.find(")", open_at)
            if open_at < 0 or close_at < 0:
                raise graph_error(100, f"(#100) Syntax error at character {pos}")
            spec.modifiers[text[name_start:open_at]] = text[open_at + 1 : close_at]
            pos = close_at + 1
        if pos < len(text) and text[pos] == "{":
            spec.children, pos = _parse_field_list(text, pos + 1)
            if pos >= len(text) or text[pos] != "}":
                raise graph_error(100, f"(#100) Syntax error at character {pos}")
            pos += 1
        specs.append(spec)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return specs, pos


def pick_fields(values: dict[str, Any], spec: FieldSpec) -> dict[str, Any]:
    if not spec.children:
        return values
    return {c.name: values[c.name] for c in spec.children if c.name in values}


def encode_cursor(item_id: str, offset: int) -> str:
    """Opaque base64url cursor naming an item, plus its offset for when it has gone."""
    raw = compact_json({"id": item_id, "o": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return str(data["id"]), int(data["o"])
    except (ValueError, KeyError, TypeError) as exc:
        raise graph_error(100, "(#100) Invalid cursor") from exc
