"""One JSON shape for every 4xx of /api/v1/:

    {
      "code": "validation_error",                 # machine-readable, stable
      "message": "…",                             # in the request's language (Bangla default)
      "messages": {"bn": "…", "en": "…"},          # the code's message in both languages
      "fields": {"note": [{"code": "required", "message": "…"}]}   # only for field errors
    }

`message` is the specific reason (a workflow rule, the access gate's refusal) when there is
one; `messages` the general meaning of `code` in Bangla and English.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError

# code → its general message. Every 4xx the API answers has one of these codes.
CODES: dict[str, Promise] = {
    "validation_error": _("Some of the input is not valid."),
    "parse_error": _("The request body is not valid JSON."),
    "unsupported_media_type": _("Send the body as JSON (Content-Type: application/json)."),
    "not_authenticated": _("Sign in, or send an API key."),
    "authentication_failed": _("The API key is unknown, expired or revoked."),
    "permission_denied": _("You may not do this."),
    "read_only_key": _("This API key may only read."),
    "two_factor_required": _("Verify your sign-in with the two-factor code first."),
    "not_found": _("Not found."),
    "method_not_allowed": _("This method is not allowed here."),
    "not_acceptable": _("This response format is not available."),
    "rule_violation": _("The grievance's rules do not allow this now."),
    "privacy_confirmation_required": _(
        "The text seems to contain personal information: confirm it may be published."
    ),
    "idempotency_key_reused": _("This Idempotency-Key was already used for a different request."),
    "idempotency_key_invalid": _("The Idempotency-Key header is not valid."),
    "invalid_cursor": _("The cursor is not valid for this list: start from the first page."),
    "request_too_large": _("The request body is too large."),
    "throttled": _("Too many requests: wait and try again."),
}


def messages_for(code: str) -> dict[str, str]:
    message = CODES[code]
    result = {}
    for language in ("bn", "en"):
        with translation.override(language):
            result[language] = str(message)
    return result


def error_body(
    code: str, message: str | None = None, fields: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": code,
        "message": message if message is not None else str(CODES[code]),
        "messages": messages_for(code),
    }
    if fields:
        body["fields"] = fields
    return body


class ApiError(exceptions.APIException):
    """A 4xx with one of CODES, and optionally a specific message and field errors."""

    def __init__(
        self,
        code: str,
        *,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        message: str | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=message or str(CODES[code]), code=code)
        self.status_code = status_code
        self.error_code = code
        self.message = message
        self.fields = fields


class ReadOnlyKey(exceptions.PermissionDenied):
    default_code = "read_only_key"


_DRF_CODES = {
    exceptions.ParseError: "parse_error",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.Throttled: "throttled",
}


def _field_errors(detail: Any) -> dict[str, Any]:
    """DRF's nested error details as {field: [{code, message}]}; nested fields dotted."""
    fields: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(f"{prefix}.{name}" if prefix else str(name), inner)
        elif isinstance(value, list) and value and not isinstance(value[0], (dict, list)):
            fields[prefix or "non_field_errors"] = [
                {"code": getattr(item, "code", "invalid"), "message": str(item)} for item in value
            ]
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            fields[prefix or "non_field_errors"] = [
                {"code": getattr(value, "code", "invalid"), "message": str(value)}
            ]

    walk("", detail)
    return fields


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every 4xx in the one shape. Anything unexpected stays a 500 (and is logged)."""
    if isinstance(exc, ApplicationError):
        exc = ApiError("rule_violation", message=exc.message)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        body = error_body(exc.error_code, exc.message, exc.fields)
    elif isinstance(exc, exceptions.ValidationError):
        body = error_body("validation_error", fields=_field_errors(exc.detail))
    elif isinstance(exc, ReadOnlyKey):
        body = error_body("read_only_key")
    elif isinstance(exc, exceptions.PermissionDenied):
        detail = str(exc.detail)
        generic = str(exceptions.PermissionDenied.default_detail)
        body = error_body("permission_denied", None if detail == generic else detail)
    else:
        code = next(
            (c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "validation_error"
        )
        body = error_body(code)
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            body["retry_after"] = int(wait + 0.999)
    response.data = body
    return response
