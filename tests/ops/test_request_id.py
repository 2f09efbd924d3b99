"""A request id in every log line of a request, answered in X-Request-ID, and carried into the
Celery tasks the request queues (a task header read back when the worker runs the task)."""

import io
import json
import logging

import pytest
from celery import current_app
from celery.signals import task_prerun
from celery.worker.request import Request
from django.http import HttpResponse
from django.test import RequestFactory

from core.logging import JsonFormatter, MaskPiiFilter, RequestIdFilter
from core.request_id import (
    HEADER,
    TASK_HEADER,
    RequestIdMiddleware,
    current_request_id,
    request_id_get,
)
from ops.tasks import personal_data_erase_task

logger = logging.getLogger("tests.request_id")


def _handler(formatter: logging.Formatter) -> tuple[logging.Handler, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(MaskPiiFilter())
    handler.setFormatter(formatter)
    return handler, stream


@pytest.fixture
def eager_off():
    current_app.conf.task_always_eager = False
    yield
    current_app.conf.task_always_eager = True


def _view(request):
    logger.warning("handling the citizen 01711-234567")
    return HttpResponse(request_id_get())


def test_the_request_id_comes_from_the_header_and_reaches_the_log_and_response():
    handler, stream = _handler(JsonFormatter())
    logger.addHandler(handler)
    try:
        request = RequestFactory().get("/", HTTP_X_REQUEST_ID="edge-1234abcd")
        response = RequestIdMiddleware(_view)(request)
    finally:
        logger.removeHandler(handler)
    assert response[HEADER] == "edge-1234abcd"
    assert response.content == b"edge-1234abcd"
    entry = json.loads(stream.getvalue())
    assert entry["request_id"] == "edge-1234abcd"
    assert entry["level"] == "WARNING"
    assert entry["message"] == "handling the citizen [phone]"  # masked before formatting
    assert request_id_get() == ""  # nothing leaks into the next request on this thread


@pytest.mark.parametrize("given", ["", "short", "has spaces in it!", "x" * 200, "a\nb-12345678"])
def test_a_missing_or_odd_header_gets_a_generated_id(given):
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID=given)
    response = RequestIdMiddleware(_view)(request)
    assert response[HEADER] != given
    assert len(response[HEADER]) == 32
    assert response.content.decode() == response[HEADER]


def test_json_lines_carry_a_masked_traceback():
    handler, stream = _handler(JsonFormatter())
    logger.addHandler(handler)
    try:
        raise ValueError("bad number 01711234567")
    except ValueError:
        logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert "ValueError: bad number [phone]" in entry["exception"]
    assert "01711234567" not in stream.getvalue()


def test_the_production_settings_log_json_with_the_filters():
    from config.settings import base

    console = base.LOGGING["handlers"]["console"]
    assert console["filters"] == ["request_id", "mask_pii"]
    assert base.LOGGING["formatters"]["json"] == {"()": "core.logging.JsonFormatter"}


@pytest.mark.django_db
def test_a_queued_task_carries_the_request_id_into_the_worker(eager_off):
    """Published for real (in-memory broker), then executed as the worker executes it."""
    seen: list[str] = []

    def record(**kwargs):
        seen.append(request_id_get())

    task_prerun.connect(record, weak=False)
    token = current_request_id.set("req-from-web-123")
    try:
        personal_data_erase_task.apply_async()
    finally:
        current_request_id.reset(token)
    try:
        with current_app.connection_for_read() as conn:
            queue = conn.SimpleQueue("housekeeping")
            message = queue.get(timeout=2)
            assert message.headers[TASK_HEADER] == "req-from-web-123"
            assert message.headers["task"] == "ops.tasks.personal_data_erase_task"
            request = Request(message, app=current_app, task=personal_data_erase_task)
            request.execute()
            message.ack()
            queue.close()
    finally:
        task_prerun.disconnect(record)
    assert seen == ["req-from-web-123"]
    assert request_id_get() == ""


@pytest.mark.django_db
def test_a_task_queued_outside_a_request_gets_an_id_of_its_own():
    seen: list[str] = []

    def record(**kwargs):
        seen.append(request_id_get())

    task_prerun.connect(record, weak=False)
    try:
        personal_data_erase_task.apply()
    finally:
        task_prerun.disconnect(record)
    assert len(seen[0]) == 32
