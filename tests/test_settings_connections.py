"""Timeouts and connection checks that keep a slow or restarted dependency from becoming 500s."""

import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.mail import get_connection

from config.celery import app


def test_smtp_has_a_timeout():
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend")

    assert connection.timeout == settings.EMAIL_TIMEOUT
    assert 0 < settings.EMAIL_TIMEOUT <= 30


def test_the_cache_and_the_broker_give_up_quickly():
    options = settings.CACHES["default"]["OPTIONS"]
    transport = app.conf.broker_transport_options

    assert 0 < options["socket_connect_timeout"] <= 0.5
    assert 0 < options["socket_timeout"] <= 0.5
    assert 0 < transport["socket_connect_timeout"] <= 0.5
    assert 1 < transport["socket_timeout"] <= 5  # above the worker's 1-second BRPOP wait
    assert app.conf.task_publish_retry_policy["max_retries"] <= 1


def test_every_outbox_has_a_sweeper_on_the_beat():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    app.loader.import_default_modules()
    for sweeper in (
        "grievances.tasks.reply_sweep_task",
        "integrations.notifications.tasks.notification_sweep_task",
        "integrations.facebook.tasks.facebook_webhook_sweep_task",
    ):
        assert sweeper in tasks
        assert sweeper in app.tasks


def test_production_keeps_database_connection_health_checks():
    # Values a real deployment would have, so production's own start-up checks pass.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "shunani.example.gov.bd",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FACEBOOK_APP_ID": "100000000000001",
        "FACEBOOK_APP_SECRET": secrets.token_hex(16),
        "FACEBOOK_WEBHOOK_VERIFY_TOKEN": secrets.token_hex(16),
        "EMAIL_URL": "smtp+tls://mailer:pw@mail.example.gov.bd:587",
        "SMS_BACKEND": "http",
        "SMS_HTTP_URL": "https://sms.example.gov.bd/send",
        "SITE_URL": "https://shunani.example.gov.bd",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )

    result = subprocess.run(  # noqa: S603  # our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )

    assert result.stdout.strip().splitlines()[-1:] == ["True"], result.stderr[-2000:]
