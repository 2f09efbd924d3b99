"""Find personal data in text an officer is about to publish: phone, NID and e-mail.

Public replies appear on the tracking page and under Facebook comments. Before one leaves, the
officer is shown what looks like a mobile number, a national ID number (10, 13 or 17 digits)
or an e-mail address, and must edit it out or confirm it may be published. Bangla digits count.
"""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.digits import to_latin_digits

# A run of digits with the separators people type inside numbers (space, dash, dot).
_NUMBER = re.compile(r"(?<![\d])\+?\d[\d\s\-.]{6,24}\d(?![\d])")
# Bangladeshi mobile numbers: 01[3-9] and 8 digits, with or without +88 / 88.
_MOBILE = re.compile(r"^(?:\+?88)?01[3-9]\d{8}$")
_NID_LENGTHS = (10, 13, 17)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Finding:
    kind: str  # "phone", "nid", "email"
    text: str  # as written

    @property
    def label(self) -> str | Promise:
        return {"phone": _("phone number"), "nid": _("NID number"), "email": _("e-mail")}[self.kind]


def privacy_findings(text: str) -> list[Finding]:
    """Everything in `text` that looks like a phone number, an NID number or an e-mail."""
    findings: list[Finding] = []
    latin = to_latin_digits(text)  # same length: positions map back to the original
    for match in _EMAIL.finditer(latin):
        findings.append(Finding("email", text[match.start() : match.end()]))
    for match in _NUMBER.finditer(latin):
        digits = re.sub(r"\D", "", match.group())
        original = text[match.start() : match.end()]
        if _MOBILE.match(digits.removeprefix("+")):
            findings.append(Finding("phone", original))
        elif len(digits) in _NID_LENGTHS:
            findings.append(Finding("nid", original))
    return findings
