"""One id per request, in every log line it causes, in the Celery tasks it queues too.

The id comes from the `X-Request-ID` header (nginx or a load balancer in front may set it) when
it looks like an id, or is generated. It is answered in the response's `X-Request-ID`, put in
every log record (`RequestIdFilter`, core/logging.py), and sent with every task published while
it is current (a task header, `before_task_publish`), so the worker's log lines for that task
carry it as well (`task_prerun` makes it current there).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
TASK_HEADER = "shunani_request_id"
_VALID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


def request_id_get() -> str:
    return current_request_id.get()


def request_id_new() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: everything after it logs with the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if _VALID.fullmatch(given) else request_id_new()
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response.headers[HEADER] = request_id
        return response


def _publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = current_request_id.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


_task_tokens: dict[str, Any] = {}


def _prerun(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    request = getattr(task, "request", None)
    request_id = getattr(request, TASK_HEADER, None) or (
        (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    )
    # An eager task (tests) runs inside its caller and keeps its id; a task queued by beat
    # gets an id of its own.
    request_id = request_id or current_request_id.get() or request_id_new()
    _task_tokens[task_id] = current_request_id.set(str(request_id))


def _postrun(task_id: str = "", **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            current_request_id.reset(token)
        except ValueError:  # set in another context (eager tasks inside a request)
            current_request_id.set("")


def connect_signals() -> None:
    before_task_publish.connect(_publish, weak=False, dispatch_uid="core-request-id-publish")
    task_prerun.connect(_prerun, weak=False, dispatch_uid="core-request-id-prerun")
    task_postrun.connect(_postrun, weak=False, dispatch_uid="core-request-id-postrun")
