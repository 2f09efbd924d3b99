"""Production refuses to start with values that are only safe on a developer's machine.

Each check has a name; `SHUNANI_ALLOW_UNSAFE` (comma-separated names) lets a deployment that
really means it through, e.g. a staging stack talking to the fake Graph server:
`SHUNANI_ALLOW_UNSAFE=fake_graph,outbox_sms`. An unknown name is itself refused, so a typo
cannot silently weaken production. What was allowed is logged at every start.

| name | refused value |
| --- | --- |
| dev_secret_key | DJANGO_SECRET_KEY is a value published in this repository |
| published_fernet_key | FIELD_ENCRYPTION_KEYS holds a key published in this repository |
| empty_facebook_secrets | FACEBOOK_APP_SECRET or FACEBOOK_WEBHOOK_VERIFY_TOKEN empty or published |
| any_host | DJANGO_ALLOWED_HOSTS contains `*` |
| no_two_factor | OTP_REQUIRED_FOR_ROLES is empty |
| console_email | EMAIL_URL is not SMTP (console, file, memory or dummy backends) |
| outbox_sms | SMS_BACKEND is not `http` with an SMS_HTTP_URL |
| fake_graph | FACEBOOK_GRAPH_URL is not https |
| no_site_url | SITE_URL is not an https address (links sent by SMS and e-mail would not open) |
"""

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("shunani.settings")

# Values that appear in this repository (settings defaults, .env.example, the Dockerfile's
# build step): anyone can read them, so they protect nothing.
PUBLISHED_SECRET_KEYS = frozenset(
    {"", "local-only-not-a-secret", "change-me-local-only", "build-only-not-secret"}
)
PUBLISHED_FERNET_KEYS = frozenset(
    {
        "bG9jYWwtb25seS1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
        "YnVpbGQtb25seS1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
    }
)
PUBLISHED_FACEBOOK_SECRETS = frozenset({"", "local-app-secret", "local-verify-token", "build-only"})
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def _dev_secret_key(s: Mapping[str, Any]) -> bool:
    key = str(s.get("SECRET_KEY", ""))
    return key in PUBLISHED_SECRET_KEYS or key.startswith("django-insecure-")


def _published_fernet_key(s: Mapping[str, Any]) -> bool:
    return bool(PUBLISHED_FERNET_KEYS & {str(k) for k in s.get("FIELD_ENCRYPTION_KEYS", [])})


def _empty_facebook_secrets(s: Mapping[str, Any]) -> bool:
    values = {s.get("FACEBOOK_APP_SECRET", ""), s.get("FACEBOOK_WEBHOOK_VERIFY_TOKEN", "")}
    return any(str(v).strip() in PUBLISHED_FACEBOOK_SECRETS for v in values)


def _any_host(s: Mapping[str, Any]) -> bool:
    return "*" in s.get("ALLOWED_HOSTS", [])


def _no_two_factor(s: Mapping[str, Any]) -> bool:
    return not [role for role in s.get("OTP_REQUIRED_FOR_ROLES", []) if role.strip()]


def _console_email(s: Mapping[str, Any]) -> bool:
    return s.get("EMAIL_BACKEND") != SMTP_BACKEND


def _outbox_sms(s: Mapping[str, Any]) -> bool:
    return s.get("SMS_BACKEND") != "http" or not str(s.get("SMS_HTTP_URL", "")).strip()


def _fake_graph(s: Mapping[str, Any]) -> bool:
    return not str(s.get("FACEBOOK_GRAPH_URL", "")).lower().startswith("https://")


def _no_site_url(s: Mapping[str, Any]) -> bool:
    return not str(s.get("SITE_URL", "")).lower().startswith("https://")


UNSAFE_CHECKS: dict[str, tuple[Callable[[Mapping[str, Any]], bool], str]] = {
    "dev_secret_key": (_dev_secret_key, "DJANGO_SECRET_KEY is a value published in the repository"),
    "published_fernet_key": (
        _published_fernet_key,
        "FIELD_ENCRYPTION_KEYS holds a key published in the repository",
    ),
    "empty_facebook_secrets": (
        _empty_facebook_secrets,
        "FACEBOOK_APP_SECRET or FACEBOOK_WEBHOOK_VERIFY_TOKEN is empty or a published value",
    ),
    "any_host": (_any_host, "DJANGO_ALLOWED_HOSTS contains '*'"),
    "no_two_factor": (_no_two_factor, "OTP_REQUIRED_FOR_ROLES is empty: nobody needs two-factor"),
    "console_email": (_console_email, "EMAIL_URL does not send (use smtp:// or smtp+tls://)"),
    "outbox_sms": (_outbox_sms, "SMS_BACKEND is not 'http' with an SMS_HTTP_URL: no SMS is sent"),
    "fake_graph": (_fake_graph, "FACEBOOK_GRAPH_URL is not https"),
    "no_site_url": (
        _no_site_url,
        "SITE_URL is not an https address: links sent by SMS and e-mail would not open",
    ),
}


def unsafe_settings(settings: Mapping[str, Any], allowed: set[str]) -> list[str]:
    """One line per unsafe value that `allowed` does not excuse (empty: all is well)."""
    unknown = sorted(allowed - set(UNSAFE_CHECKS))
    if unknown:
        return [
            f"SHUNANI_ALLOW_UNSAFE names unknown checks {', '.join(unknown)}"
            f" (known: {', '.join(UNSAFE_CHECKS)})"
        ]
    return [
        f"{problem} (to run anyway, add {name} to SHUNANI_ALLOW_UNSAFE)"
        for name, (is_unsafe, problem) in UNSAFE_CHECKS.items()
        if name not in allowed and is_unsafe(settings)
    ]


def refuse_unsafe_settings(settings: Mapping[str, Any], allowed: set[str]) -> None:
    """Raise ImproperlyConfigured listing every unsafe value; log the ones allowed."""
    problems = unsafe_settings(settings, allowed)
    if problems:
        raise ImproperlyConfigured("Production settings refused:\n  - " + "\n  - ".join(problems))
    excused = [name for name in sorted(allowed) if UNSAFE_CHECKS[name][0](settings)]
    if excused:
        logger.warning("unsafe settings allowed by SHUNANI_ALLOW_UNSAFE: %s", ", ".join(excused))
