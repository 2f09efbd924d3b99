"""Text normalisation for Bangla, romanised Bangla ("Banglish") and English.

One module, two users: the inbox search (`normalise_query`) and the triage classifier
(`normalise`: everything below, so that the many ways people type the same words on a phone
look alike to the model). Search applies only the steps that cannot stop a query from
matching a text stored as the citizen typed it (stored texts are not normalised: that would
need the grievance's generated search columns changed), i.e. Latin digits and single spaces.

What `normalise` does, in order:

1. Unicode NFC. Bangla has letters with two encodings (য় as U+09DF or U+09AF U+09BC, ড়, ঢ়;
   ো as U+09CB or U+09C7 U+09BE): NFC makes them one.
2. Zero-width characters (ZWJ, ZWNJ, ZWSP, BOM, soft hyphen, word joiner) are removed: Bangla
   keyboards insert them to shape conjuncts, and they split words invisibly.
3. Bangla digits become Latin digits (the two are used interchangeably).
4. Latin letters are lower-cased; typographic quotes and the dari (।) become ASCII.
5. A letter repeated three or more times is cut to two ("plzzzz", "ধন্যবাদদদদ" → two); a run of
   the same emoji or punctuation mark is cut to one ("🙏🙏🙏" → "🙏", "!!!" → "!").
6. Common romanised spellings are mapped to one spelling per word ("amr", "amar", "amer" →
   "amar"; "plz", "pls" → "please"), see `ROMAN_SPELLINGS`.
7. White space is collapsed.
"""

from __future__ import annotations

import re
import unicodedata

from core.digits import to_latin_digits

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH_TABLE = {ord(c): None for c in ZERO_WIDTH}
_PUNCTUATION_TABLE = str.maketrans(
    {
        "\u0964": ".",  # dari
        "\u0965": ".",  # double dari
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
    }
)

# Letters (Latin, Bangla) repeated 3+ times → 2; any other non-space character repeated 2+
# times (emoji, "!", "?", ".") → 1. Emoji with a variation selector (❤️) repeat as a pair.
_REPEATED_LETTER = re.compile(r"([a-z\u0980-\u09ff])\1{2,}")
_REPEATED_MARK = re.compile(r"([^\w\s]\ufe0f?)\1+")
_SPACES = re.compile(r"\s+")
_LATIN_WORD = re.compile(r"[a-z]+")

# Romanised Bangla and chat English: the spellings seen for one word → the one we use.
ROMAN_SPELLINGS: dict[str, str] = {}
for _canonical, _variants in {
    "amar": "amr amer amaar",
    "amader": "amder amadr amderr",
    "apnar": "apnr apner",
    "apni": "apne apny",
    "apnara": "apnra apnera",
    "ache": "ase asey ache acche ache",
    "nai": "nei nay nae",
    "hoye": "hoiye hoe hoie hoey",
    "hoyeche": "hoiche hoise hoyse hoyeche hoisey hoyechhe hoese",
    "hocche": "hosse hoche hochhe hochche",
    "kichu": "kisu kicu kissu",
    "kora": "kra korah",
    "korte": "krte korty",
    "korun": "korun korn koren",
    "jomi": "zomi jmi",
    "jonno": "jnno jonne jonnno",
    "please": "plz pls plss plse plez plis pleas",
    "thanks": "thx thnx tnx thanx thankss thenks",
    "thank": "thnk tnk",
    "you": "u yu",
    "your": "ur",
    "sir": "sirr sr",
    "bhai": "vai bai vaii vhai",
    "bhalo": "valo bhlo vlo",
    "ekhon": "akhon ekhn akhn",
    "keno": "kno keno kenu",
    "kobe": "kbe",
    "kothay": "kothai kotha koi",
    "rasta": "rastha rsta",
    "taka": "tk tka",
    "police": "polis pulish pulis",
    "office": "ofis offis ofice",
    "chairman": "cheyarman chairmen",
    "member": "membar",
    "dhonnobad": "dhonnobaad dhonyobad dhonnobd donnobad",
    "onek": "anek onk",
    "durniti": "dhurniti durnity",
    "bidyut": "biddut bidut biddyut",
    "current": "karent",
    "problem": "prblm problm prob",
    "because": "bcz bcoz becoz",
    "message": "msg",
    "people": "ppl",
}.items():
    for _variant in _variants.split():
        if _variant != _canonical:
            ROMAN_SPELLINGS[_variant] = _canonical


def strip_zero_width(text: str) -> str:
    return text.translate(_ZERO_WIDTH_TABLE)


def normalise_query(text: str) -> str:
    """For search boxes: Latin digits (the search columns hold codes with Latin digits) and
    single spaces. No NFC or zero-width removal: the stored text was not changed either."""
    return _SPACES.sub(" ", to_latin_digits(text)).strip()


_DOUBLE = re.compile(r"([a-z])\1")


def _roman_word(match: re.Match[str]) -> str:
    """The one spelling of a word; "plzz" is looked up as "plz" too."""
    word = match.group(0)
    found = ROMAN_SPELLINGS.get(word)
    if found is None:
        single = _DOUBLE.sub(r"\1", word)
        found = ROMAN_SPELLINGS.get(single, word) if single != word else word
    return found


def _twice(match: re.Match[str]) -> str:
    return match.group(1) * 2


def _once(match: re.Match[str]) -> str:
    return match.group(1)


def normalise(text: str) -> str:
    """The classifier's view of a text (see the module's docstring for each step)."""
    text = unicodedata.normalize("NFC", text)
    text = strip_zero_width(text)
    text = to_latin_digits(text).translate(_PUNCTUATION_TABLE).lower()
    text = _REPEATED_LETTER.sub(_twice, text)
    text = _REPEATED_MARK.sub(_once, text)
    text = _LATIN_WORD.sub(_roman_word, text)
    return _SPACES.sub(" ", text).strip()


_BANGLA_LETTER = re.compile(r"[\u0980-\u09ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def script_of(text: str) -> str:
    """ "bn" (Bangla script), "latin" (romanised Bangla or English: not told apart here) or
    "mixed" (both, each at least a fifth of the letters), for reports."""
    bangla = len(_BANGLA_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    total = bangla + latin
    if total == 0:
        return "none"
    if bangla / total >= 0.8:
        return "bn"
    if latin / total >= 0.8:
        return "latin"
    return "mixed"
