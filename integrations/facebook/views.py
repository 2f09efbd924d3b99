"""Meta's callbacks: the webhook (handshake + signed deliveries) and data deletion."""

import hashlib
import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.links import site_link
from integrations.facebook.graph_http import parse_signed_request, signed_request_is_fresh
from integrations.facebook.services import webhook_delivery_store
from integrations.facebook.services.deletion import facebook_user_data_delete

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "HTTP_X_HUB_SIGNATURE_256"
# Meta batches up to 1000 changes; far below this. Our own limit, not Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE: the body is read from the stream (see `_read_body`).
MAX_BODY_BYTES = 5 * 1024 * 1024


def _read_body(request: HttpRequest) -> bytes | None:
    """The raw body, read within MAX_BODY_BYTES; None when it is larger.

    Read from the stream before anything touches `request.body` or `request.POST`: those
    answer 400 above DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), and Meta retries a 4xx for 36 h.
    A declared length over the limit is refused without reading a byte.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return None
    body = request.read(MAX_BODY_BYTES + 1)
    return body if len(body) <= MAX_BODY_BYTES else None


def _signature_is_valid(body: bytes, header: str) -> bool:
    """graph-api.md §4.2: HMAC-SHA256 of the exact bytes, keyed with the app secret."""
    if not header.startswith("sha256="):
        return False
    expected = hmac.new(settings.FACEBOOK_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


@csrf_exempt
@require_http_methods(["GET", "POST"])
def facebook_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _handshake(request)
    if not settings.FACEBOOK_APP_SECRET:
        # Without the secret nothing can be verified: refuse rather than trust anyone.
        logger.error("facebook webhook refused: FACEBOOK_APP_SECRET is not set")
        return HttpResponse("not configured", status=503, content_type="text/plain")
    body = _read_body(request)
    if body is None:
        logger.warning(
            "facebook webhook rejected: body over %d bytes (declared %s)",
            MAX_BODY_BYTES,
            request.META.get("CONTENT_LENGTH") or "nothing",
        )
        return HttpResponse("body too large", status=413, content_type="text/plain")
    signature = request.META.get(SIGNATURE_HEADER, "")
    if not _signature_is_valid(body, signature):
        # No body, header value or client data in the log: only that it happened.
        logger.warning(
            "facebook webhook rejected: %s signature (%d bytes)",
            "bad" if signature else "missing",
            len(body),
        )
        return HttpResponse("invalid signature", status=403, content_type="text/plain")
    webhook_delivery_store(body=body, signature=signature)
    return HttpResponse("ok", content_type="text/plain")


def _handshake(request: HttpRequest) -> HttpResponse:
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    expected = settings.FACEBOOK_WEBHOOK_VERIFY_TOKEN
    if mode == "subscribe" and expected and hmac.compare_digest(token.encode(), expected.encode()):
        return HttpResponse(challenge, content_type="text/plain")
    logger.warning("facebook webhook handshake refused")
    return HttpResponse("forbidden", status=403, content_type="text/plain")


@csrf_exempt
@require_POST
def facebook_data_deletion(request: HttpRequest) -> HttpResponse:
    """Meta's data-deletion callback: forget what we keep about one Facebook user."""
    if not settings.FACEBOOK_APP_SECRET:
        return HttpResponse(status=503)
    data = parse_signed_request(
        request.POST.get("signed_request", ""), settings.FACEBOOK_APP_SECRET
    )
    if not data or not data.get("user_id"):
        logger.warning("facebook data deletion request with a bad signature")
        return HttpResponse(status=400)
    if not signed_request_is_fresh(data, now=timezone.now()):
        # Signed by Meta, but too old (a replay) or from the future: refuse, change nothing.
        logger.warning("facebook data deletion request refused: issued_at missing or stale")
        return HttpResponse(status=400)
    code = facebook_user_data_delete(user_id=str(data["user_id"]))
    url = site_link(reverse("facebook:data-deletion-status", args=[code]))
    return JsonResponse({"url": url, "confirmation_code": code})


def facebook_data_deletion_status(request: HttpRequest, code: str) -> HttpResponse:
    """Where Meta sends the person: their data is deleted as soon as the callback runs."""
    return HttpResponse(
        _("Your Facebook data was deleted from Shunani. Confirmation code: %(code)s")
        % {"code": code[:40]},
        content_type="text/plain; charset=utf-8",
    )
