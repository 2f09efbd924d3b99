"""Logging filter that masks phone numbers, e-mail addresses and tokens (DESIGN.md §3.2)."""

import logging
import re

_PATTERNS = [
    # Bangladeshi mobile numbers in Latin or Bangla digits, with or without +88.
    (re.compile(r"(?:\+?88)?0?1[3-9][0-9০-৯]{8}|(?:\+?৮৮)?০?১[৩-৯][০-৯]{8}"), "[phone]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"(access_token|appsecret_proof|key)=[^&\s]+"), r"\1=[hidden]"),
]


def mask_pii(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskPiiFilter(logging.Filter):
    """Masks the message, the traceback and the stack of every record a handler emits.

    A traceback quotes the exception's text (often the offending value, a phone number or an
    address) and source lines: it is formatted here, masked, and left in `exc_text`, which
    formatters print instead of formatting `exc_info` again.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_pii(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACK_FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_pii(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_pii(record.stack_info)
        return True


_TRACEBACK_FORMATTER = logging.Formatter()
