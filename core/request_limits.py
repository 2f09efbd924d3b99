"""Refuse request bodies that are too large before anything reads them.

Django parses a multipart body (CSRF middleware reads `request.POST`) before any view or form
can look at file sizes, so a 96 MB upload was read in full and only then judged. This
middleware runs before CsrfViewMiddleware and answers 413 from the declared length alone. A
body sent with `Transfer-Encoding: chunked` and no length is refused too (411): Django could
not tell its size before reading it. The buffering proxy in front (deploy/nginx.conf) enforces
the same ceiling and turns slow or chunked uploads into complete, sized requests.

Paths in REQUEST_BODY_LIMIT_EXEMPT_PATHS (Meta's webhook) enforce their own limit in the view.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Paths answered in JSON (the REST API's error shape, api/errors.py), not with the HTML page.
JSON_PATHS = ("/api/v1/",)

_JSON_REFUSALS = {
    413: ("request_too_large", _("The request body is too large.")),
    411: ("length_required", _("Send the body with a Content-Length.")),
}


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(tuple(settings.REQUEST_BODY_LIMIT_EXEMPT_PATHS)):
            refusal = body_refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)


def body_refusal(request: HttpRequest) -> HttpResponse | None:
    """A 413 (too large) or 411 (size unknown) page, or None when the body may be read."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    if not declared.strip():
        return _refuse(request, status=411) if chunked else None
    try:
        length = int(declared)
    except ValueError:
        return _refuse(request, status=411)
    if length > settings.REQUEST_BODY_MAX_BYTES:
        return _refuse(request, status=413)
    return None


def _refuse(request: HttpRequest, *, status: int) -> HttpResponse:
    megabytes = max(1, settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024))
    if request.path.startswith(JSON_PATHS):
        response: HttpResponse = JsonResponse(
            _json_refusal(status), status=status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = render(request, "413.html", {"max_mb": megabytes}, status=status)
    # The client may still be sending; don't keep the connection for the rest of it.
    response["Connection"] = "close"
    return response


def _json_refusal(status: int) -> dict[str, object]:
    code, message = _JSON_REFUSALS[status]
    messages = {}
    for language in ("bn", "en"):
        with translation.override(language):
            messages[language] = str(message)
    return {"code": code, "message": str(message), "messages": messages}
