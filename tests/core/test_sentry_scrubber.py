"""Events sent to Sentry carry no phone numbers, names, keys or comment text (core/sentry.py).

The event is built by the real sentry-sdk from a real exception inside a request-like scope,
with a transport that keeps what would be sent."""

import json
import logging

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from core import sentry as scrubber

PHONE = "01711-234567"
NAME = "Rahima Begum"
COMMENT = "আমার জমির দলিল হারিয়ে গেছে"
FERNET_KEY = "bG9jYWwtb25seS1rZXktMDAwMDAwMDAwMDAwMDAwMDA="
APP_SECRET = "0123456789abcdef-app-secret"


class KeepEnvelopes(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.sent: list[str] = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            self.sent.append(item.payload.get_bytes().decode())


@pytest.fixture
def sentry():
    transport = KeepEnvelopes()
    scrubber.secrets_register([FERNET_KEY, APP_SECRET])
    sentry_sdk.init(
        dsn="https://public@sentry.example.org/1",
        transport=transport,
        send_default_pii=False,
        include_local_variables=False,
        before_send=scrubber.scrub_event,
        before_breadcrumb=scrubber.scrub_breadcrumb,
        default_integrations=False,
    )
    yield transport
    sentry_sdk.init(dsn=None)


def _without_source_lines(event: dict) -> dict:
    """The frames' lines of source code (this test's own literals) are not event data."""
    for value in event.get("exception", {}).get("values", []):
        for frame in value.get("stacktrace", {}).get("frames", []):
            for key in ("pre_context", "context_line", "post_context"):
                frame.pop(key, None)
    return event


def _fail(citizen_name: str, comment: str) -> None:
    token = f"access_token={APP_SECRET}"  # noqa: F841 -- a local the SDK must not send
    raise ValueError(f"could not reach {PHONE} with key={FERNET_KEY}")


def test_an_exception_event_is_scrubbed(sentry):
    with sentry_sdk.new_scope() as scope:
        scope.set_user({"id": "42", "username": NAME, "email": "rahima@example.org"})
        scope.set_extra("comment", COMMENT)
        scope.add_event_processor(
            lambda event, hint: {
                **event,
                "request": {
                    "url": "https://shunani.example/track/DHA-2611-00042/?key=secret-key-123",
                    "method": "POST",
                    "data": {"citizen_name": NAME, "description": COMMENT},
                    "cookies": {"sessionid": "cookie-value-xyz"},
                    "query_string": "key=secret-key-123",
                    "headers": {
                        "User-Agent": "phone",
                        "Cookie": "sessionid=cookie-value-xyz",
                        "X-Name": NAME,
                    },
                },
            }
        )
        sentry_sdk.add_breadcrumb(
            category="query", message=f"SELECT {PHONE}", data={"params": [NAME, COMMENT]}
        )
        try:
            _fail(NAME, COMMENT)
        except ValueError:
            sentry_sdk.capture_exception()
    sentry_sdk.flush()
    (payload,) = sentry.sent
    event = json.loads(payload)
    text = json.dumps(_without_source_lines(event), ensure_ascii=False)
    for secret in (
        PHONE,
        "01711234567",
        NAME,
        COMMENT,
        FERNET_KEY,
        APP_SECRET,
        "secret-key-123",
        "rahima@example.org",
        "cookie-value-xyz",
    ):
        assert secret not in text, secret
    value = event["exception"]["values"][0]
    assert value["type"] == "ValueError"
    assert value["value"] == "could not reach [phone] with key=[hidden]"
    assert all("vars" not in frame for frame in value["stacktrace"]["frames"])
    assert event["request"]["url"] == "https://shunani.example/track/DHA-2611-00042/"
    assert event["request"]["headers"] == {"User-Agent": "phone"}
    assert event["user"] == {"id": "42"}
    assert "extra" not in event


def test_a_logged_error_is_masked_from_its_parameters(sentry):
    from sentry_sdk.integrations.logging import EventHandler

    log = logging.getLogger("tests.sentry")
    handler = EventHandler(level=logging.ERROR)
    log.addHandler(handler)
    try:
        log.error("SMS to %s failed for %s", PHONE, NAME)
    finally:
        log.removeHandler(handler)
    sentry_sdk.flush()
    (payload,) = sentry.sent
    event = json.loads(payload)
    text = json.dumps(_without_source_lines(event), ensure_ascii=False)
    assert PHONE not in text
    assert NAME not in text
    assert event["logentry"] == {"message": "SMS to %s failed for %s"}


def test_a_built_event_dictionary_directly():
    scrubber.secrets_register([APP_SECRET])
    event = {
        "message": f"call {PHONE} or write to rahima@example.org, secret {APP_SECRET}",
        "exception": {"values": [{"stacktrace": {"frames": [{"vars": {"name": NAME}}]}}]},
        "breadcrumbs": {"values": [{"message": f"sent to {PHONE}", "data": {"body": COMMENT}}]},
    }
    scrubbed = scrubber.scrub_event(event)
    text = json.dumps(scrubbed, ensure_ascii=False)
    for secret in (PHONE, NAME, COMMENT, APP_SECRET, "rahima@example.org"):
        assert secret not in text
    assert scrubbed["message"] == "call [phone] or write to [email], secret [secret]"
