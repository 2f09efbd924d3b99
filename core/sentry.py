"""Optional error reporting to Sentry (`SENTRY_DSN`), masked like the logs.

Nothing personal leaves: `send_default_pii` is off (no user names, e-mail or IP addresses,
cookies, SQL parameters), local variables are not captured (they hold citizens' names and
comment text), request bodies, query strings and headers other than a few harmless ones are
dropped, a logged error keeps its message template without its parameters, and every string
that is left goes through the log masking (core/logging.py: phone
numbers, NID, e-mail, `access_token=`/`key=` values) plus the configured secrets themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.logging import mask_pii

SAFE_HEADERS = frozenset({"host", "user-agent", "x-request-id", "content-type", "content-length"})
SECRET = "[secret]"  # noqa: S105 -- the mask, not a secret
_secrets: list[str] = []


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        for secret in _secrets:
            if secret in value:
                value = value.replace(secret, SECRET)
        return mask_pii(value)
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(item) for item in value]
    return value


def _frames(event: dict[str, Any]) -> Iterable[dict[str, Any]]:
    containers = [event.get("exception"), event.get("threads")]
    for container in containers:
        for value in (container or {}).get("values", []) or []:
            yield from ((value.get("stacktrace") or {}).get("frames") or [])


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """`before_send` (and `before_send_transaction`): the event without personal data."""
    for frame in _frames(event):
        frame.pop("vars", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in SAFE_HEADERS}
        if "url" in request:
            request["url"] = str(request["url"]).split("?", 1)[0]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # The template only ("SMS to %s failed"): its parameters are where names, numbers and
        # comment text would be, and no pattern finds a name.
        event["logentry"] = {"message": str(logentry.get("message") or "")}
    event.pop("extra", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values", []) or []:
        crumb.pop("data", None)
    masked: dict[str, Any] = _mask(event)
    return masked


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    crumb.pop("data", None)
    masked: dict[str, Any] = _mask(crumb)
    return masked


def secrets_register(values: Iterable[str]) -> None:
    """Values that must never appear in an event, whatever the pattern (keys, app secret)."""
    for value in values:
        if value and len(value) >= 8 and value not in _secrets:
            _secrets.append(value)


def sentry_init(*, dsn: str, environment: str, release: str, secrets: Iterable[str]) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    secrets_register(secrets)
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,  # type: ignore[arg-type]
        before_send_transaction=scrub_event,  # type: ignore[arg-type]
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=0.0,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
