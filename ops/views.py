"""/ops/metrics: Prometheus' scrape target. Never public (docs/operations.md, "Metrics").

Allowed when the request carries `Authorization: Bearer <METRICS_TOKEN>`, or comes from an
address in METRICS_ALLOWED_NETWORKS (the client address as core/client_ip.py reads it, so a
forged X-Forwarded-For does not help). Both empty: refused to everyone. Everything else is
refused with 403 and the figures are not computed.
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from core.client_ip import client_ip
from ops.metrics import metrics_text


def _token_ok(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given, token)


def _network_ok(request: HttpRequest) -> bool:
    networks = settings.METRICS_ALLOWED_NETWORKS
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def metrics_allowed(request: HttpRequest) -> bool:
    return _token_ok(request) or _network_ok(request)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
