"""Logging filter that masks phone numbers, NID numbers, e-mail addresses and tokens.

What counts as personal data is `core.pii`'s to say (DESIGN.md §3.2); secrets in URLs
(`access_token=`, `key=`) are masked here.
"""

import logging
import re

from core import pii

_SECRETS = re.compile(r"(access_token|appsecret_proof|key)=[^&\s]+")


def mask_pii(text: str) -> str:
    return _SECRETS.sub(r"\1=[hidden]", pii.mask(text))


class MaskPiiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_pii(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
