from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness plus the two dependencies: 200 only when PostgreSQL and Redis both answer."""
    checks = {"database": "ok", "redis": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure means "not ok"; the detail belongs in logs, not here
        checks["database"] = "error"
    try:
        cache.set("healthz", "1", timeout=5)
        if cache.get("healthz") != "1":
            checks["redis"] = "error"
    except Exception:
        checks["redis"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form that expired or came without its cookie, said in Bangla."""
    return render(request, "403_csrf.html", status=403)
