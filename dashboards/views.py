"""The dashboards' pages: thin views over `dashboards.selectors` (who sees what) and
`dashboards.pages` (what is shown). Every figure comes from the summary tables."""

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.views.decorators.http import require_GET
from openpyxl import Workbook  # type: ignore[import-untyped]

from accounts.models import User
from dashboards import pages
from dashboards.forms import DashboardFilterForm
from dashboards.metrics import Filters, computed_at, today
from dashboards.selectors import (
    dashboard_scope_for,
    district_get_for_scope,
    district_list,
    division_list,
    facebook_page_health,
    officer_workload,
    oldest_overdue,
)
from dashboards.services import export_log_finish, export_log_start
from grievances.templatetags.citizen import local_number

STATS_CACHE_SECONDS = 300


def _updated(now: datetime, at: datetime | None = None) -> str:
    """The "updated 3 minutes ago" line, in the page's language and digits."""
    at = at or computed_at()
    if at is None:
        return ""
    minutes = max(0, int((now - at).total_seconds() // 60))
    return ngettext("Updated %(n)s minute ago", "Updated %(n)s minutes ago", minutes) % {
        "n": local_number(str(minutes))
    }


def _sort_links(request: HttpRequest, current: str, descending: bool) -> dict[str, dict[str, Any]]:
    links = {}
    for key in pages.SORTS:
        query = request.GET.copy()
        query["sort"] = key
        # A second click on the current column turns its order round.
        default_desc = key not in ("name", "first", "overdue", "ignored", "appeal")
        desc = (not descending) if key == current else default_desc
        query["dir"] = "desc" if desc else "asc"
        links[key] = {
            "query": query.urlencode(),
            "label": pages.sort_label(key),
            "current": key == current,
            "aria": ("descending" if descending else "ascending") if key == current else "none",
        }
    return links


FIGURES_CACHE_SECONDS = 600


def _figures_key(what: tuple[object, ...], request: HttpRequest, at: datetime | None) -> str:
    """What a page's figures depend on: the time the summaries were computed, the language,
    the viewer's scope and the query string."""
    query = "&".join(f"{k}={v}" for k, v in sorted(request.GET.items()))
    stamp = "none" if at is None else at.timestamp()
    return "dash:{}:{}:{}:{}".format(stamp, get_language(), ":".join(map(str, what)), query)


def _cached(
    what: tuple[object, ...],
    request: HttpRequest,
    at: datetime | None,
    compute: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """A page's figures, computed once per refresh of the summaries, with `figures_key`: the
    templates keep the HTML they render from them under it too (`{% cache %}`), so a page
    served again renders only what is per request."""
    key = _figures_key(what, request, at)
    if at is None:
        data = compute()
    else:
        data = cache.get_or_set(key, compute, FIGURES_CACHE_SECONDS) or compute()
    return {**data, "figures_key": key, "figures_seconds": FIGURES_CACHE_SECONDS}


def _sort_params(request: HttpRequest) -> tuple[str, bool]:
    sort = request.GET.get("sort", pages.DEFAULT_SORT)
    if sort not in pages.SORTS:
        sort = pages.DEFAULT_SORT
    return sort, request.GET.get("dir", "desc") != "asc"


def _overview(request: HttpRequest) -> dict[str, Any]:
    """The national page's (or a division's) data, shared with the export."""
    scope = dashboard_scope_for(request.user)
    if not scope.sees_overview:
        raise Http404
    visible = scope.visible_district_ids()
    divisions = division_list(None if scope.national else list(scope.division_ids))
    form = DashboardFilterForm(request.GET or None, divisions=divisions)
    filters = form.filters(today=today(), district_ids=visible)
    districts = district_list(None if filters.district_ids is None else list(filters.district_ids))
    rows = pages.district_rows(filters, districts)
    sort, descending = _sort_params(request)
    return {
        "scope": scope,
        "form": form,
        "filters": filters,
        "divisions": divisions,
        "rows": rows,
        "sorted_rows": pages.sort_rows(rows, sort, descending),
        "sort": sort,
        "descending": descending,
    }


@require_GET
@login_required
def national(request: HttpRequest) -> HttpResponse:
    scope = dashboard_scope_for(request.user)
    if not scope.sees_any:
        raise Http404
    if not scope.sees_overview:  # a district's staff: their district's page
        district = district_list(list(scope.district_ids))[0]
        return redirect("dashboards:district", district=district.slug)
    now = timezone.now()
    at = computed_at()

    def figures() -> dict[str, Any]:
        data = _overview(request)
        filters = data["filters"]
        del data["form"], data["scope"]  # per request; the rest is the same for everyone
        # The districts shown add up to the whole: the headline is their sum.
        current = pages.sum_counts(row.counts for row in data["rows"])
        return {
            **data,
            "headline": pages.headline(filters, current=current),
            "division_totals": pages.division_totals(data["rows"], data["divisions"]),
            "map": pages.map_context(data["rows"], link=pages.district_link),
            "trend": pages.trend_context(filters),
            "categories": pages.category_breakdown(filters),
            "breakdown": pages.tiers_and_outcomes(current),
        }

    data = _cached(("national", *scope.division_ids), request, at, figures)
    context = {
        **data,
        "scope": scope,
        "form": DashboardFilterForm(request.GET or None, divisions=data["divisions"]),
        "page_health": facebook_page_health(data["filters"].district_ids, now),
        "sort_links": _sort_links(request, data["sort"], data["descending"]),
        "export_query": request.GET.urlencode(),
        "updated": _updated(now, at),
        "min_base": pages.MIN_BASE,
    }
    return render(request, "dashboards/national.html", context)


@require_GET
@login_required
def district(request: HttpRequest, district: str) -> HttpResponse:
    scope = dashboard_scope_for(request.user)
    place = district_get_for_scope(scope=scope, slug=district)
    form = DashboardFilterForm(request.GET or None, divisions=[])
    filters = pages.filters_for_district(form.filters(today=today(), district_ids=None), place)
    now = timezone.now()
    at = computed_at()

    def figures() -> dict[str, Any]:
        counts = pages.district_counts(filters)
        return {
            "filters": filters,
            "counts": counts,
            "headline": pages.headline(filters, current=counts),
            "rank": pages.position_among_comparable(filters, place),
            "upazilas": pages.upazila_breakdown(filters, place),
            "categories": pages.category_breakdown(filters),
            "trend": pages.trend_context(filters),
            "breakdown": pages.tiers_and_outcomes(counts),
        }

    context = {
        **_cached(("district", place.pk), request, at, figures),
        "district": place,
        "scope": scope,
        "form": form,
        # Live, and per user: who may open which grievance.
        "overdue": oldest_overdue(user=request.user, district=place, now=now),
        "workload": officer_workload(district=place),
        "page_health": facebook_page_health([place.pk], now).get(place.pk, []),
        "updated": _updated(now, at),
        "min_base": pages.MIN_BASE,
    }
    return render(request, "dashboards/district.html", context)


@require_GET
def public_stats(request: HttpRequest) -> HttpResponse:
    """Public: per-district counts and rates, the map. No names, no free text, nothing about
    one citizen. The figures are cached a few minutes per language and filter, so a crawler
    cannot make the database work for each request."""
    form = DashboardFilterForm(
        {k: v for k, v in request.GET.items() if k in ("period", "division")} or None,
        divisions=division_list(),
    )
    filters = form.filters(today=today(), district_ids=None)
    key = "stats:{}:{}:{}:{}".format(
        get_language(), filters.start, filters.end, ",".join(map(str, filters.district_ids or []))
    )

    def compute() -> dict[str, Any]:
        visible = None if filters.district_ids is None else list(filters.district_ids)
        rows = pages.district_rows(filters, district_list(visible))
        current = pages.sum_counts(row.counts for row in rows)
        return {
            "headline": pages.headline(filters, with_change=False, current=current),
            "rows": pages.sort_rows(rows, "name", False),
            "map": pages.map_context(rows, link=lambda d: f"#d-{d.slug}"),
            "updated_at": computed_at(),
        }

    data: dict[str, Any] = cache.get_or_set(key, compute, STATS_CACHE_SECONDS) or compute()
    now = timezone.now()
    context = {
        **data,
        "form": form,
        "filters": filters,
        "min_base": pages.MIN_BASE,
        "figures_key": f"{key}:{data['updated_at']}",
        "figures_seconds": STATS_CACHE_SECONDS,
    }
    context["updated"] = _updated(now, data["updated_at"]) if data["updated_at"] else ""
    return render(request, "dashboards/stats.html", context)


def _log_table_export(request: HttpRequest, fmt: str, filters: Filters, rows: int) -> None:
    """The district table is small and built whole: logged as started and finished at once."""
    user: User = request.user  # type: ignore[assignment]
    log = export_log_start(user=user, kind="districts", format=fmt, filters=filters)
    export_log_finish(log=log, rows=rows)


@require_GET
@login_required
def district_table_csv(request: HttpRequest) -> HttpResponse:
    """The district table as shown, with its filters and order: UTF-8 with a BOM, so Excel
    reads Bangla."""
    data = _overview(request)
    table = pages.district_table_export(data["sorted_rows"], data["filters"])
    filters = data["filters"]
    _log_table_export(request, "csv", filters, len(table.rows))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"districts-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return response


@require_GET
@login_required
def district_table_xlsx(request: HttpRequest) -> HttpResponse:
    """The district table as shown, as an Excel workbook (the period in its first rows)."""
    data = _overview(request)
    filters = data["filters"]
    table = pages.district_table_export(data["sorted_rows"], filters)
    _log_table_export(request, "xlsx", filters, len(table.rows))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="districts")
    sheet.append([f"{filters.start:%Y-%m-%d}", f"{filters.end:%Y-%m-%d}"])
    sheet.append(table.headers)
    for row in table.rows:
        sheet.append(row)
    body = io.BytesIO()
    workbook.save(body)
    response = HttpResponse(
        body.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"districts-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
