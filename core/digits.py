"""Bangla and Latin digits: citizens type either; the Bangla UI shows Bangla ones."""

_BANGLA = "০১২৩৪৫৬৭৮৯"
_TO_LATIN = str.maketrans(_BANGLA, "0123456789")
_TO_BANGLA = str.maketrans("0123456789", _BANGLA)


def to_latin_digits(text: str) -> str:
    return text.translate(_TO_LATIN)


def to_bangla_digits(text: str) -> str:
    return text.translate(_TO_BANGLA)
