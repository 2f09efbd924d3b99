"""Expired sessions are deleted by beat's daily purge (Django's clearsessions)."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from config.celery import app
from core.tasks import session_purge_task

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 15, 21, 20, tzinfo=UTC)


def _session(expires: datetime) -> str:
    store = SessionStore()
    store["officer"] = 1
    store.set_expiry(expires)
    store.save()
    return str(store.session_key)


def test_expired_sessions_are_purged_and_live_ones_kept():
    with mock.patch("django.utils.timezone.now", return_value=NOW - timedelta(days=20)):
        expired = _session(NOW - timedelta(seconds=1))
        live = _session(NOW + timedelta(hours=1))

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        session_purge_task()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert not Session.objects.filter(session_key=expired).exists()


def test_beat_runs_the_session_purge():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}

    assert "core.tasks.session_purge_task" in tasks
