"""Production: JSON logs with the request id and the masking filter; Sentry only with a DSN, and
then with the scrubber and the app's secrets registered."""

import json
import os
import subprocess
import sys

from tests.test_production_settings import PRODUCTION_ENV, ROOT

PROBE = """
import json, logging, django
django.setup()
from django.conf import settings
import sentry_sdk
from core import sentry
client = sentry_sdk.get_client()
logging.getLogger("probe").warning("call 01711234567")
print(json.dumps({
    "formatter": settings.LOGGING["handlers"]["console"]["formatter"],
    "filters": settings.LOGGING["handlers"]["console"]["filters"],
    "sentry": client.is_active(),
    "before_send": getattr(client.options.get("before_send"), "__name__", None) if client.is_active() else None,
    "send_default_pii": client.options.get("send_default_pii") if client.is_active() else None,
    "secret_registered": "a-real-app-secret" in sentry._secrets,
    "redirect_exempt": settings.SECURE_REDIRECT_EXEMPT,
}))
"""


def _probe(**overrides: str) -> tuple[dict, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "FACEBOOK_", "SMS_", "EMAIL_", "SENTRY_", "LOG_"))
    }
    env.update(PRODUCTION_ENV)
    env.update(overrides)
    result = subprocess.run(  # noqa: S603 -- this interpreter, a fixed script
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_production_logs_json_lines_masked_with_a_request_id_and_no_sentry_without_dsn():
    probe, stderr = _probe()
    assert probe["formatter"] == "json"
    assert probe["filters"] == ["request_id", "mask_pii"]
    assert probe["sentry"] is False
    assert "^ops/metrics$" in probe["redirect_exempt"]
    line = json.loads(stderr.strip().splitlines()[-1])
    assert line["message"] == "call [phone]"
    assert line["logger"] == "probe"
    assert "request_id" in line


def test_sentry_starts_with_the_scrubber_when_a_dsn_is_set():
    probe, _ = _probe(SENTRY_DSN="https://public@sentry.example.org/1")
    assert probe["sentry"] is True
    assert probe["before_send"] == "scrub_event"
    assert probe["send_default_pii"] is False
    assert probe["secret_registered"] is True
