"""Housekeeping that belongs to no domain app."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def session_purge_task() -> None:
    """Beat, daily: delete expired sessions (Django's `clearsessions`). A session expires
    SESSION_COOKIE_AGE after its last save; officers' idle and absolute timeouts end it sooner
    in the middleware, and this removes the row."""
    call_command("clearsessions")
