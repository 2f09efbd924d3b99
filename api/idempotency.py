"""`Idempotency-Key`: a retried POST (a lost answer on a slow link) applies once.

The first request with a key runs inside a transaction that also writes the key's row; the
row's unique constraint makes a concurrent twin wait for it and then replay its answer. A
request that fails (any 4xx) rolls the row back with everything else: it changed nothing, and
may be retried with the same key. Reusing a key for a different request is a 422.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import ApiError
from api.models import ApiKey, IdempotentRequest

HEADER = "Idempotency-Key"
IDEMPOTENCY_HOURS = 24
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


def _principal(request: Request) -> str:
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.pk}"
    return f"user:{request.user.pk}"


def _fingerprint(request: Request, data: Any) -> str:
    body = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotency_key(request: Request) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if not _VALID_KEY.match(raw):
        raise ApiError("idempotency_key_invalid")
    return raw


def _replay(record: IdempotentRequest, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise ApiError("idempotency_key_reused", status_code=422)
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def run_once(request: Request, data: Any, action: Callable[[], Response]) -> Response:
    """`action()` in a transaction, at most once per Idempotency-Key (if the header is sent)."""
    key = idempotency_key(request)
    if key is None:
        with transaction.atomic():
            return action()
    principal = _principal(request)
    fingerprint = _fingerprint(request, data)
    cutoff = timezone.now() - timedelta(hours=IDEMPOTENCY_HOURS)
    earlier = IdempotentRequest.objects.filter(principal=principal, key=key).first()
    if earlier is not None and earlier.created_at >= cutoff:
        return _replay(earlier, fingerprint)
    with transaction.atomic():
        if earlier is not None:  # expired: the key may be used afresh
            earlier.delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    principal=principal,
                    key=key,
                    fingerprint=fingerprint,
                    status_code=status.HTTP_200_OK,
                    body={},
                )
        except IntegrityError:
            record = None  # a twin committed first (we waited for it): replay its answer
        if record is not None:
            response = action()
            record.status_code = response.status_code
            record.body = response.data
            record.save(update_fields=["status_code", "body"])
            return response
    twin = IdempotentRequest.objects.get(principal=principal, key=key)
    return _replay(twin, fingerprint)
