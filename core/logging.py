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


class RequestIdFilter(logging.Filter):
    """Puts the current request id (core/request_id.py) on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        from core.request_id import request_id_get

        if not getattr(record, "request_id", ""):
            record.request_id = request_id_get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (production): time, level, logger, message, request id, and
    the traceback. Attach it after MaskPiiFilter: what it prints has been masked already."""

    def format(self, record: logging.LogRecord) -> str:
        import json

        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_pii(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)
