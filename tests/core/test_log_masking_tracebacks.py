"""Tracebacks and stacks are masked like messages, in the web process and in Celery workers."""

import io
import logging
import logging.config
from collections.abc import Iterator

import pytest
from django.conf import settings

from config.celery import app as celery_app

PHONE = "01711234567"
EMAIL = "rahima@example.com"


@pytest.fixture
def project_logging() -> Iterator[io.StringIO]:
    """The project's LOGGING, writing to a buffer; the previous configuration restored after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logging.config.dictConfig(settings.LOGGING)
    stream = io.StringIO()
    for handler in root.handlers:
        handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    root.handlers, root.level = saved[0], saved[1]


def _fail_with_personal_data() -> None:
    raise ValueError(f"cannot send to {PHONE} or {EMAIL}")


def test_an_exception_logged_with_its_traceback_is_masked(project_logging):
    try:
        _fail_with_personal_data()
    except ValueError:
        logging.getLogger("grievances").exception("sending failed")

    output = project_logging.getvalue()
    assert "Traceback" in output
    assert "ValueError: cannot send to [phone] or [email]" in output
    assert PHONE not in output
    assert EMAIL not in output


def test_a_stack_logged_with_stack_info_is_masked(project_logging):
    logging.getLogger("grievances").warning("odd", stack_info=True)  # for 01711234567

    output = project_logging.getvalue()
    assert "Stack (most recent call last)" in output
    assert "for [phone]" in output


def test_a_celery_worker_keeps_the_masking_filter(project_logging):
    root = logging.getLogger()
    celery_app.log.already_setup = False

    celery_app.log.setup_logging_subsystem(loglevel=logging.INFO)
    try:
        raise ValueError(f"no such number {PHONE}")
    except ValueError:
        logging.getLogger("celery.app.trace").exception("Task failed for %s", EMAIL)

    assert root.handlers
    for handler in root.handlers:
        assert any(type(f).__name__ == "MaskPiiFilter" for f in handler.filters)
    celery_app.log.already_setup = False


def test_celery_leaves_the_root_logger_alone():
    assert celery_app.conf.worker_hijack_root_logger is False
