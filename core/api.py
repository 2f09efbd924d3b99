"""DRF glue shared by every API: one error shape, typed requests."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.models import User
from core.exceptions import ApplicationError


class AuthenticatedRequest(Request):
    user: User


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error is `{"message": ..., "extra": {...}}`. Anything unexpected stays a 500."""
    if isinstance(exc, ApplicationError):
        return Response({"message": exc.message, "extra": exc.extra}, status=400)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc.detail, (list, dict)):  # type: ignore[attr-defined]
        response.data = {"message": str(_("Invalid input.")), "extra": {"fields": response.data}}
    else:
        response.data = {"message": str(exc.detail), "extra": {}}  # type: ignore[attr-defined]
    return response
