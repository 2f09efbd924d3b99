"""Production settings refuse every value that is only safe on a developer's machine."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.safety import UNSAFE_CHECKS, refuse_unsafe_settings, unsafe_settings

ROOT = Path(__file__).resolve().parent.parent

SAFE = {
    "SECRET_KEY": "k3y-" + "r4nd0m-" * 10,
    "FIELD_ENCRYPTION_KEYS": ["Sr6Ga6xW-3s7jrVpbv8hXkMjvlbSbV3Sx7t1tM5nPZE="],
    "FACEBOOK_APP_SECRET": "a-real-app-secret",
    "FACEBOOK_WEBHOOK_VERIFY_TOKEN": "a-real-verify-token",
    "ALLOWED_HOSTS": ["shunani.example.gov.bd"],
    "OTP_REQUIRED_FOR_ROLES": ["gro", "head", "national"],
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "SMS_BACKEND": "http",
    "SMS_HTTP_URL": "https://sms.example.gov.bd/send",
    "FACEBOOK_GRAPH_URL": "https://graph.facebook.com/",
    "SITE_URL": "https://shunani.example.gov.bd",
}

UNSAFE = [
    ("dev_secret_key", {"SECRET_KEY": "local-only-not-a-secret"}),
    ("dev_secret_key", {"SECRET_KEY": "change-me-local-only"}),
    ("dev_secret_key", {"SECRET_KEY": "django-insecure-" + "x" * 50}),
    (
        "published_fernet_key",
        {
            "FIELD_ENCRYPTION_KEYS": [
                "Sr6Ga6xW-3s7jrVpbv8hXkMjvlbSbV3Sx7t1tM5nPZE=",
                "bG9jYWwtb25seS1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
            ]
        },
    ),
    ("empty_facebook_secrets", {"FACEBOOK_APP_SECRET": ""}),
    ("empty_facebook_secrets", {"FACEBOOK_WEBHOOK_VERIFY_TOKEN": "  "}),
    ("empty_facebook_secrets", {"FACEBOOK_APP_SECRET": "local-app-secret"}),
    ("any_host", {"ALLOWED_HOSTS": ["shunani.example.gov.bd", "*"]}),
    ("no_two_factor", {"OTP_REQUIRED_FOR_ROLES": []}),
    ("no_two_factor", {"OTP_REQUIRED_FOR_ROLES": [""]}),
    ("console_email", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
    ("console_email", {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}),
    ("outbox_sms", {"SMS_BACKEND": "outbox"}),
    ("outbox_sms", {"SMS_BACKEND": "http", "SMS_HTTP_URL": ""}),
    ("fake_graph", {"FACEBOOK_GRAPH_URL": "http://fake-graph:8088/"}),
    ("no_site_url", {"SITE_URL": ""}),
    ("no_site_url", {"SITE_URL": "http://127.0.0.1:8000"}),
]


def test_safe_settings_pass():
    assert unsafe_settings(SAFE, allowed=set()) == []


@pytest.mark.parametrize(("name", "override"), UNSAFE)
def test_each_unsafe_value_is_refused_by_name(name, override):
    with pytest.raises(ImproperlyConfigured) as refused:
        refuse_unsafe_settings({**SAFE, **override}, allowed=set())

    assert f"add {name} to SHUNANI_ALLOW_UNSAFE" in str(refused.value)
    assert str(refused.value).count("SHUNANI_ALLOW_UNSAFE") == 1


@pytest.mark.parametrize(("name", "override"), UNSAFE)
def test_each_unsafe_value_passes_only_when_explicitly_allowed(name, override):
    others = set(UNSAFE_CHECKS) - {name}

    assert unsafe_settings({**SAFE, **override}, allowed={name}) == []
    assert unsafe_settings({**SAFE, **override}, allowed=others) != []


def test_an_unknown_opt_out_is_refused():
    problems = unsafe_settings(SAFE, allowed={"fake_grpah"})

    assert len(problems) == 1
    assert "unknown checks fake_grpah" in problems[0]


def test_every_problem_is_listed_at_once():
    everything_wrong = dict(SAFE)
    for _name, override in UNSAFE:
        everything_wrong.update(override)

    assert len(unsafe_settings(everything_wrong, allowed=set())) == len(UNSAFE_CHECKS)


# --- the settings module itself, imported as a deployment would ------------------------------

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": SAFE["SECRET_KEY"],
    "DJANGO_ALLOWED_HOSTS": "shunani.example.gov.bd",
    "DATABASE_URL": "postgres://nobody@127.0.0.1:5432/nothing",
    "FIELD_ENCRYPTION_KEYS": SAFE["FIELD_ENCRYPTION_KEYS"][0],
    "FACEBOOK_APP_SECRET": "a-real-app-secret",
    "FACEBOOK_WEBHOOK_VERIFY_TOKEN": "a-real-verify-token",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.gov.bd:587",
    "SMS_BACKEND": "http",
    "SMS_HTTP_URL": "https://sms.example.gov.bd/send",
    "SITE_URL": "https://shunani.example.gov.bd",
}


def _import_production(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "FACEBOOK_", "SMS_", "EMAIL_", "OTP_", "SHUNANI_"))
    }
    env.update(PRODUCTION_ENV)
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_load_with_safe_values():
    result = _import_production()

    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_the_development_values_at_import():
    result = _import_production(
        DJANGO_SECRET_KEY="local-only-not-a-secret",
        FIELD_ENCRYPTION_KEYS="bG9jYWwtb25seS1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
        FACEBOOK_APP_SECRET="",
        DJANGO_ALLOWED_HOSTS="*",
        OTP_REQUIRED_FOR_ROLES="",
        EMAIL_URL="consolemail://",
        SMS_BACKEND="outbox",
        FACEBOOK_GRAPH_URL="http://fake-graph:8088/",
        SITE_URL="",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for name in UNSAFE_CHECKS:
        assert f"add {name} to SHUNANI_ALLOW_UNSAFE" in result.stderr


def test_an_opt_out_lets_production_start_and_says_so():
    result = _import_production(
        FACEBOOK_GRAPH_URL="http://fake-graph:8088/",
        SMS_BACKEND="outbox",
        SHUNANI_ALLOW_UNSAFE="fake_graph,outbox_sms",
    )

    assert result.returncode == 0, result.stderr
    assert "unsafe settings allowed by SHUNANI_ALLOW_UNSAFE: fake_graph, outbox_sms" in (
        result.stderr
    )
