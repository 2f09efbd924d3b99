"""Adapter: no gateway. The `Notification` row is the message; staff read it in the admin."""

import logging

from core.logging import mask_pii

logger = logging.getLogger(__name__)


class OutboxSmsApi:
    name = "outbox"
    delivers_externally = False

    def send(self, *, to: str, text: str) -> str:
        logger.info("SMS kept in the outbox for %s (%d characters)", mask_pii(to), len(text))
        return ""
