"""Personal data in text an officer is about to publish, with labels for the officer's page.

Public replies and resolution notes appear on the tracking page (replies also under Facebook
comments). Before one is published, the officer is shown what looks like a mobile number, a
national ID number or an e-mail address, and must edit it out or confirm it may be published.
What counts as personal data is decided by `core.pii`; this module only names the findings.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import pii


@dataclass(frozen=True)
class Finding:
    kind: str  # "phone", "nid", "email"
    text: str  # as written

    @property
    def label(self) -> str | Promise:
        return {pii.PHONE: _("phone number"), pii.NID: _("NID number"), pii.EMAIL: _("e-mail")}[
            self.kind
        ]


def privacy_findings(text: str) -> list[Finding]:
    """Everything in `text` that looks like a phone number, an NID number or an e-mail."""
    return [Finding(f.kind, f.text) for f in pii.find(text)]


def privacy_message(findings: list[Finding]) -> str:
    """The findings as the officer reads them: “phone number: 01711-234567, e-mail: …”."""
    return ", ".join(f"{f.label}: {f.text}" for f in findings)
