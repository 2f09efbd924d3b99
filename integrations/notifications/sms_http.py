"""Adapter: an SMS gateway over HTTP. The only module here that imports `requests`.

Wire format (the common shape of Bangladeshi bulk-SMS gateways): `POST SMS_HTTP_URL` with a
bearer token and JSON `{"to": "+8801…", "from": SENDER_ID, "text": "…"}`; a 2xx answer with
JSON `{"id": "…"}` (or `message_id`) means accepted. Timeouts, connection errors, 5xx and 429
are transient; any other 4xx means the message itself was refused.
"""

import requests

from integrations.notifications.sms import NotificationError, NotificationTransientError


class HttpSmsApi:
    name = "http"
    delivers_externally = True

    def __init__(self, *, url: str, token: str, sender_id: str, timeout: float = 10.0) -> None:
        if not url:
            raise NotificationError("SMS_HTTP_URL is not set")
        self.url = url
        self.token = token
        self.sender_id = sender_id
        self.timeout = timeout
        self.session = requests.Session()

    def send(self, *, to: str, text: str) -> str:
        try:
            response = self.session.post(
                self.url,
                json={"to": to, "from": self.sender_id, "text": text},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
            )
        except (requests.Timeout, requests.ConnectionError) as exc:
            # The exception text may carry the URL; keep only the kind of failure.
            raise NotificationTransientError(type(exc).__name__) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise NotificationTransientError(f"gateway answered HTTP {response.status_code}")
        if not response.ok:
            raise NotificationError(f"gateway refused the message: HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        return str(payload.get("id") or payload.get("message_id") or "")[:100]
