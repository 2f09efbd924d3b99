"""Read a citizen's written answer to "was it fixed?": fixed, not fixed, or unclear.

A pure function for answers typed under the office's reply on Facebook, in Bangla, Banglish
(Bangla in Latin letters) and English. It never guesses: anything it cannot read with
confidence is UNCLEAR, and an officer reads it.

How a text is read:

1. Normalised: Unicode NFC, Bangla digits to Latin, lower case, a letter repeated in a row
   kept once ("nooo" → "no", "হ্যাঁঁ" → "হ্যাঁ"), punctuation to spaces. Phrases below go through
   the same normalisation, so "য়" written either way matches.
2. Phrases are matched on whole words, the longest first, and a word belongs to one phrase
   only ("ঠিক হয়নি" is one not-fixed phrase, never "ঠিক" + something).
3. Phrases that say what the state is ("ঠিক হয়েছে", "hoy nai", "not fixed", "still") outrank
   a bare yes/no ("হ্যাঁ", "না", "yes", "no"). So "না, ঠিক হয়েছে" reads as FIXED: in Bangla a
   leading "না" is often "no (problem)", and the words about the state are the answer.
4. State phrases on both sides, or bare yes and no together, are UNCLEAR.
5. A question is UNCLEAR unless it says it is not fixed ("এখনো হয়নি কেন?" is not fixed;
   "ঠিক হয়েছে?" may be the citizen asking).
6. "ঠিক আছে", "ok", "thanks" on their own are acknowledgements, not answers: UNCLEAR.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from functools import cache

from core.digits import to_latin_digits


class FeedbackReading(enum.StrEnum):
    FIXED = "fixed"
    NOT_FIXED = "not_fixed"
    UNCLEAR = "unclear"


# What the state is.
_FIXED_STATE = (
    "ঠিক হয়েছে",
    "ঠিক হইছে",
    "ঠিক হইসে",
    "ঠিক হয়ে গেছে",
    "ঠিক করা হয়েছে",
    "ঠিক করে দিয়েছে",
    "ঠিক করে দেওয়া হয়েছে",
    "হয়েছে",
    "হইছে",
    "হইসে",
    "হয়ে গেছে",
    "সমাধান হয়েছে",
    "সমাধান হইছে",
    "সমাধান পেয়েছি",
    "এখন ঠিক আছে",
    "মেরামত হয়েছে",
    "কাজ হয়েছে",
    "hoyeche",
    "hoyche",
    "hoise",
    "hoiche",
    "hoyse",
    "hoye geche",
    "hoya geche",
    "thik hoyeche",
    "thik hoise",
    "thik hoiche",
    "thik hoye geche",
    "solve hoyeche",
    "solve hoise",
    "somadhan hoyeche",
    "kaj hoyeche",
    "kaj hoise",
    "ekhon thik ache",
    "fixed",
    "solved",
    "resolved",
    "repaired",
    "it is done",
    "it's done",
    "its done",
    "working now",
    "works now",
    "problem solved",
)
_NOT_FIXED_STATE = (
    "হয়নি",
    "হয় নি",
    "হয় নাই",
    "হয়নাই",
    "হইনি",
    "হয়নাই",
    "হই নাই",
    "হইনাই",
    "ঠিক হয়নি",
    "ঠিক হয় নি",
    "ঠিক হয় নাই",
    "ঠিক হইনি",
    "ঠিক হই নাই",
    "ঠিক হয়নাই",
    "সমাধান হয়নি",
    "সমাধান হয় নাই",
    "কিছুই হয়নি",
    "কিছুই হয় নাই",
    "এখনো",
    "এখনও",
    "আগের মতোই",
    "আগের মতই",
    "আবার শুরু হয়েছে",
    "আবার নষ্ট হয়েছে",
    "আবার নষ্ট হয়ে গেছে",
    "একই অবস্থা",
    "hoy nai",
    "hoynai",
    "hoy ni",
    "hoyni",
    "hoini",
    "hoi nai",
    "hoinai",
    "thik hoy nai",
    "thik hoynai",
    "thik hoyni",
    "thik hoini",
    "ekhono",
    "akhono",
    "ekhono hoy nai",
    "kichui hoy nai",
    "kisui hoy nai",
    "ager motoi",
    "same problem",
    "same as before",
    "not fixed",
    "not solved",
    "not resolved",
    "not repaired",
    "not done",
    "not yet",
    "not working",
    "isn't fixed",
    "isnt fixed",
    "wasn't fixed",
    "wasnt fixed",
    "never fixed",
    "still",
    "nothing happened",
    "nothing has been done",
    "nothing done",
    "broken again",
)
# A bare yes or no.
_YES = ("হ্যাঁ", "হ্যা", "হাঁ", "হা", "জি", "জ্বি", "জী", "yes", "yeah", "yep", "ha", "haa", "ji", "jee")
_NO = ("না", "নাহ", "নাই", "no", "nope", "nah", "na", "nai")
# Words that make a text a question (besides "?").
_QUESTION_WORDS = ("কবে", "কেন", "কখন", "কি", "কী", "kobe", "keno", "kokhon", "when", "why")

_SEPARATORS = re.compile(r"[\s\.,!;:।॥\-–—()\[\]\"“”‘’/\\*~|…]+")
_QUESTION = "?"


def _collapse_repeats(text: str) -> str:
    out: list[str] = []
    for char in text:
        if out and char == out[-1] and not char.isdigit() and not char.isspace():
            continue
        out.append(char)
    return "".join(out)


def normalise(text: str) -> str:
    """NFC, Latin digits, lower case, repeated letters once, punctuation to single spaces.
    A question mark stays, as its own word."""
    text = unicodedata.normalize("NFC", text)
    text = to_latin_digits(text).casefold()
    text = text.replace("？", "?").replace(_QUESTION, f" {_QUESTION} ")
    text = _collapse_repeats(text)
    return " ".join(part for part in _SEPARATORS.split(text) if part)


@cache
def _lexicon() -> list[tuple[tuple[str, ...], str]]:
    """(words of the phrase, its meaning), longest phrase first."""
    entries = [
        *((p, "fixed") for p in _FIXED_STATE),
        *((p, "not_fixed") for p in _NOT_FIXED_STATE),
        *((p, "yes") for p in _YES),
        *((p, "no") for p in _NO),
        *((p, "question") for p in _QUESTION_WORDS),
    ]
    found = {(tuple(normalise(p).split()), meaning) for p, meaning in entries}
    return sorted(found, key=lambda entry: (-len(entry[0]), entry[0]))


def _meanings(words: list[str]) -> list[str]:
    """What each matched phrase means, each word used by one phrase at most."""
    used = [False] * len(words)
    meanings: list[str] = []
    for phrase, meaning in _lexicon():
        size = len(phrase)
        for start in range(len(words) - size + 1):
            span = range(start, start + size)
            if tuple(words[start : start + size]) == phrase and not any(used[i] for i in span):
                for i in span:
                    used[i] = True
                meanings.append(meaning)
    return meanings


def read_feedback(text: str) -> FeedbackReading:
    """FIXED, NOT_FIXED or UNCLEAR for a citizen's answer (rules in the module docstring)."""
    words = normalise(text).split()
    meanings = set(_meanings(words))
    is_question = _QUESTION in words or "question" in meanings
    fixed, not_fixed = "fixed" in meanings, "not_fixed" in meanings
    if fixed and not_fixed:
        return FeedbackReading.UNCLEAR
    if not_fixed:
        return FeedbackReading.NOT_FIXED
    if is_question:
        return FeedbackReading.UNCLEAR
    if fixed:
        return FeedbackReading.FIXED
    yes, no = "yes" in meanings, "no" in meanings
    if yes and not no:
        return FeedbackReading.FIXED
    if no and not yes:
        return FeedbackReading.NOT_FIXED
    return FeedbackReading.UNCLEAR
