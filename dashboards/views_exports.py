"""Grievance-level exports (CSV and XLSX), streamed: thin views over `dashboards.exports`.

    /dashboard/export/grievances.csv?district=<slug>&from=2026-01-01&to=2026-03-31
    /dashboard/export/grievances.xlsx?period=90&division=3&category=2&channel=web

The same filters as the dashboards (period, start/end or from/to, division, category,
channel) plus `district` (a slug). National staff may export the country, a divisional
office its division, a district's staff their district; anything else is a 404. Every export
is logged (`ExportLog`) before its first byte, and its row count when the last one is sent.
"""

from collections.abc import Iterator
from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from accounts.models import User
from dashboards.exports import (
    DATE_FIELDS,
    RowCount,
    csv_stream,
    export_headers,
    export_rows,
    xlsx_stream,
)
from dashboards.forms import DashboardFilterForm
from dashboards.metrics import today
from dashboards.models import ExportLog
from dashboards.selectors import dashboard_scope_for, district_get_for_scope, division_list
from dashboards.services import export_log_finish, export_log_start

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FIRST_DATE_COLUMN = 6  # the columns after code, office, district, upazila, category, channel


def _form_data(query: QueryDict) -> QueryDict | None:
    """`from`/`to` are a custom period's `start`/`end`."""
    data = query.copy()
    if "from" in data or "to" in data:
        data["period"] = "custom"
        data["start"] = data.pop("from", [""])[0]
        data["end"] = data.pop("to", [""])[0]
    return data or None


@require_GET
@login_required
def grievances_export(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    scope = dashboard_scope_for(request.user)
    if not scope.sees_any or fmt not in CONTENT_TYPES:
        raise Http404
    slug = request.GET.get("district", "")
    if slug:
        place = district_get_for_scope(scope=scope, slug=slug)  # 404 if not theirs
        visible: list[int] | None = [place.pk]
    else:
        visible = scope.visible_district_ids()
    divisions = division_list(None if scope.national else list(scope.division_ids))
    form = DashboardFilterForm(_form_data(request.GET), divisions=divisions)
    filters = form.filters(today=today(), district_ids=visible)
    user = cast(User, request.user)  # signed in (login_required)
    log = export_log_start(user=user, kind="grievances", format=fmt, filters=filters)

    count = RowCount()
    excel = fmt == ExportLog.Format.XLSX
    rows = export_rows(filters=filters, now=timezone.now(), excel_dates=excel, count=count)
    headers = export_headers()
    if excel:
        dates = range(FIRST_DATE_COLUMN, FIRST_DATE_COLUMN + len(DATE_FIELDS))
        title = pgettext("export sheet", "Grievances")
        body = xlsx_stream(headers, rows, sheet_title=title, date_columns=dates)
    else:
        body = csv_stream(headers, rows)

    response = StreamingHttpResponse(_logged(body, log, count), content_type=CONTENT_TYPES[fmt])
    where = slug or "bangladesh"
    name = f"grievances-{where}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx passes the stream on as it comes
    return response


def _logged(body: Iterator[bytes], log: ExportLog, count: RowCount) -> Iterator[bytes]:
    yield from body
    if count.finished:
        export_log_finish(log=log, rows=count.rows)
