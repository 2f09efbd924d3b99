"""The one detector of personal data in free text: phone numbers, NID numbers and e-mail.

Asked by everyone who publishes or logs text: the reply and resolution forms (the officer must
edit the finding out or confirm it), the Facebook "never post contact details" check, and the
log filter. Bangla digits (০-৯) count like Latin ones.

A number is read as a sequence of digit groups joined by the separators people type inside
numbers (spaces, hyphens, dots; at most three in a row), with an optional leading `+`. The
longest run of joined groups that is a phone number is a finding; then, in what is left, the
longest that is an NID number:

- phone: a Bangladeshi mobile number, `01[3-9]` and 8 digits, with or without `88`/`+88`
  (so also `+880 1711 234567`), or without its leading 0;
- NID: 10, 13 or 17 digits, whole or in groups of at least 3 digits.

Dates (2026-11-26), tracking codes (DHA-2611-00042), amounts (৳ 5,000), years and case numbers
(১২৩/২০২৫) are none of these.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from core.digits import to_latin_digits

PHONE: Final = "phone"
NID: Final = "nid"
EMAIL: Final = "email"
KINDS: Final = (PHONE, NID, EMAIL)

# Starts only where a local part can start: one attempt per word, not one per character.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_GROUP = re.compile(r"\d+")
# What may stand between two groups of one number: spaces, hyphens (and dashes), dots.
_SEPARATOR = re.compile(r"[\s\-.\u2010-\u2014]{1,3}")
_MOBILE = re.compile(r"(?:88)?0?1[3-9]\d{8}")
_NID_LENGTHS = frozenset({10, 13, 17})
_MAX_DIGITS = 17
_MASKS = {PHONE: "[phone]", NID: "[nid]", EMAIL: "[email]"}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # PHONE, NID or EMAIL
    text: str  # as written, Bangla digits and separators included
    start: int
    end: int


def _is_phone(groups: list[str]) -> bool:
    return bool(_MOBILE.fullmatch("".join(groups)))


def _is_nid(groups: list[str]) -> bool:
    # NIDs are written whole or in blocks of 3-5 digits; short groups are dates, rooms, counts.
    return all(len(g) >= 3 for g in groups) and len("".join(groups)) in _NID_LENGTHS


def _groups(latin: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the digit runs outside the e-mail addresses already found."""
    return [
        match.span()
        for match in _GROUP.finditer(latin)
        if not any(s <= match.start() < e for s, e in taken)
    ]


def _run(latin: str, groups: list[tuple[int, int]], used: set[int], i: int) -> list[str]:
    """The digit groups joined to group `i` by separators, at most _MAX_DIGITS digits in all."""
    run = [latin[slice(*groups[i])]]
    total = len(run[0])
    k = i + 1
    while k < len(groups) and k not in used:
        if not _SEPARATOR.fullmatch(latin[groups[k - 1][1] : groups[k][0]]):
            break
        total += groups[k][1] - groups[k][0]
        if total > _MAX_DIGITS:
            break
        run.append(latin[slice(*groups[k])])
        k += 1
    return run


def _continues_a_number(latin: str, groups: list[tuple[int, int]], i: int) -> bool:
    """Group `i` is glued to the one before by a dot or hyphen (the `0133205211` of
    `0.0133205211`, the last part of a date): no number starts there."""
    return i > 0 and latin[groups[i - 1][1] : groups[i][0]] in (".", "-")


def _scan(
    latin: str, groups: list[tuple[int, int]], used: set[int], test: Callable[[list[str]], bool]
) -> list[tuple[int, int]]:
    """Spans (first group, last group + 1) where joined groups pass `test`, the longest first.

    A run never crosses a group already used by an earlier scan.
    """
    spans = []
    i = 0
    while i < len(groups):
        found = 0
        if i not in used and not _continues_a_number(latin, groups, i):
            run = _run(latin, groups, used, i)
            for count in range(len(run), 0, -1):
                if test(run[:count]):
                    found = count
                    break
        if found:
            spans.append((i, i + found))
            used.update(range(i, i + found))
            i += found
        else:
            i += 1
    return spans


def _numbers(text: str, latin: str, taken: list[tuple[int, int]]) -> list[Finding]:
    groups = _groups(latin, taken)
    used: set[int] = set()
    # Phones first: a mobile number written after a date must not be read as a long NID.
    found = [(PHONE, span) for span in _scan(latin, groups, used, _is_phone)]
    found += [(NID, span) for span in _scan(latin, groups, used, _is_nid)]
    findings = []
    for kind, (first, last) in found:
        start, end = groups[first][0], groups[last - 1][1]
        if start > 0 and latin[start - 1] == "+":
            start -= 1
        findings.append(Finding(kind, text[start:end], start, end))
    return findings


def find(text: str, kinds: Iterable[str] = KINDS) -> list[Finding]:
    """Every phone number, NID number and e-mail address in `text`, in reading order."""
    wanted = set(kinds)
    latin = to_latin_digits(text)  # same length: positions map back to the original
    emails = [
        Finding(EMAIL, text[m.start() : m.end()], m.start(), m.end())
        for m in _EMAIL.finditer(latin)
    ]
    numbers = _numbers(text, latin, [(f.start, f.end) for f in emails])
    findings = sorted(emails + numbers, key=lambda f: f.start)
    return [f for f in findings if f.kind in wanted]


def contains(text: str, kinds: Iterable[str] = KINDS) -> bool:
    return bool(find(text, kinds))


def mask(text: str) -> str:
    """`text` with each finding replaced by `[phone]`, `[nid]` or `[email]` (for logs)."""
    findings = find(text)
    for finding in reversed(findings):
        text = text[: finding.start] + _MASKS[finding.kind] + text[finding.end :]
    return text
