"""The Celery app: `celery -A config worker` / `celery -A config beat`.

Workers and beat log through the project's LOGGING (config/settings/base.py), never through
Celery's own setup: that would replace the root handlers and with them the filter that masks
phone numbers, e-mail addresses and keys (core/logging.py).
"""

import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("shunani")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Belt and braces: even if Celery configured logging itself, it must leave the root alone.
app.conf.worker_hijack_root_logger = False
app.autodiscover_tasks()


@setup_logging.connect
def use_the_project_logging(**kwargs: Any) -> None:
    """Connected, so Celery skips its own logging setup; apply the project's instead."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
