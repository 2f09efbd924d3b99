"""The dashboards' pages: thin views over `dashboards.selectors`."""

from django.http import Http404, HttpRequest, HttpResponse


def national(request: HttpRequest) -> HttpResponse:
    raise Http404


def district(request: HttpRequest, district: str) -> HttpResponse:
    raise Http404


def public_stats(request: HttpRequest) -> HttpResponse:
    raise Http404


def district_table_csv(request: HttpRequest) -> HttpResponse:
    raise Http404
