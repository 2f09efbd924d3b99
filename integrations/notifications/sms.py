"""The port: what the rest of the project may ask of an SMS gateway, in our own types.

Adapters: `OutboxSmsApi` (default; the row in the admin is the message) and `HttpSmsApi`
(a gateway over HTTP, configured by settings). Nothing outside `sms_http.py` sees HTTP.
"""

from typing import Protocol


class NotificationError(Exception):
    """Delivery failed and retrying will not help (bad number, rejected text)."""


class NotificationTransientError(NotificationError):
    """The gateway or mail server is down, slow or throttling: try again later."""


class SmsApi(Protocol):
    #: Short name stored on the row ("outbox", "http").
    name: str
    #: False when "sending" only keeps the row (nothing leaves the machine).
    delivers_externally: bool

    def send(self, *, to: str, text: str) -> str:
        """Send one text to one E.164 number; return the gateway's message id."""
        ...
