import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ops.metrics import REQUEST_LATENCY

UNRESOLVED = (
    "unresolved"  # 404s and everything no URL pattern matched: one series, not one per path
)


class RouteLatencyMiddleware:
    """Request latency by the resolved route's name (`grievances:track`), never the raw path:
    paths carry tracking codes and ids, and one series per grievance would swamp Prometheus."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.view_name or match.route) if match is not None else UNRESOLVED
        REQUEST_LATENCY.labels(route=route or UNRESOLVED, method=request.method or "").observe(
            time.perf_counter() - start
        )
        return response
