"""Dashboards benchmark (issue 8 §5): the pages and the export, beside live aggregation.

    python manage.py generate_load 1000000        # once, into a scratch database
    python -m benchmarks.dashboard [--runs 30] [--export-runs 1] [--skip-export]

If the summaries have never been computed it first runs `summaries_rebuild` (timed). Then,
for each scenario, p50/p95 in ms of (a) the page as the server renders it (view, template,
every query, reading the summary tables) and (b) the same figures computed by live
aggregation over `grievances_grievance` (+ feedback and events) in the same run — the
baseline the summaries exist to beat:

- the national dashboard (`/dashboard/`, the default period) vs a per-district GROUP BY, as
  served and with the cache emptied before each request;
- the busiest district's page vs a per-upazila and per-category GROUP BY of that district
  (as served and with the cache emptied);
- `/stats/` with its cache emptied before each request (and as the public gets it, cached)
  vs the national GROUP BY;
- the export of every grievance (CSV and XLSX, country-wide, the whole history): time to the
  first byte and to the last, rows, the process's peak memory growth, vs the bare
  `COPY (the export's query) TO STDOUT` of the same rows;
- the incremental refresh (`summaries_refresh`) of one 5-minute window of activity (new
  grievances filed, open ones accepted and resolved at this load's daily rate, x3 for a busy
  hour) vs a full `summaries_rebuild` when one was run here.

Targets (issue 8): national dashboard p95 <= 100 ms, district page <= 100 ms, export of 1 M
rows <= 60 s with the first byte <= 1 s, refresh of a 5-minute window <= 5 s.
"""

import argparse
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks.timing import django_setup, time_ms

# The live baseline: the dashboard's district table straight from the grievances.
LIVE_DISTRICTS_SQL = """
WITH g AS (
    SELECT district_id,
        count(*) FILTER (WHERE received_at >= %(start)s AND received_at < %(end)s) AS received,
        count(*) FILTER (WHERE status IN ('new', 'accepted', 'in_progress')
                         AND sort_due_at < %(now)s) AS overdue_now,
        count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s) AS resolved,
        count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s
                         AND resolved_at <= due_at) AS resolved_on_time,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY first_responded_at - received_at)
            FILTER (WHERE first_responded_at >= %(start)s AND first_responded_at < %(end)s)
            AS first_response_median,
        count(*) FILTER (WHERE channel IN ('facebook_comment', 'facebook_post')
                         AND received_at >= %(start)s AND received_at < %(end)s
                         AND first_responded_at IS NULL
                         AND first_response_due_at < %(now)s) AS facebook_ignored
    FROM grievances_grievance {where} GROUP BY district_id
), f AS (
    SELECT g.district_id, count(*) AS feedback, count(*) FILTER (WHERE f.is_fixed) AS fixed
    FROM grievances_feedback f JOIN grievances_grievance g ON g.id = f.grievance_id
    WHERE f.created_at >= %(start)s AND f.created_at < %(end)s {and_where}
    GROUP BY g.district_id
), a AS (
    SELECT g.district_id, count(*) AS appealed
    FROM grievances_grievanceevent e JOIN grievances_grievance g ON g.id = e.grievance_id
    WHERE e.kind = 'appealed' AND e.created_at >= %(start)s AND e.created_at < %(end)s
        {and_where}
    GROUP BY g.district_id
)
SELECT g.*, f.feedback, f.fixed, a.appealed
FROM g LEFT JOIN f USING (district_id) LEFT JOIN a USING (district_id)
"""

LIVE_DISTRICT_PAGE_SQL = """
SELECT upazila_id, category_id,
    count(*) FILTER (WHERE received_at >= %(start)s AND received_at < %(end)s) AS received,
    count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s
                     AND resolved_at <= due_at) AS resolved_on_time,
    count(*) FILTER (WHERE status IN ('new', 'accepted', 'in_progress')
                     AND sort_due_at < %(now)s) AS overdue_now
FROM grievances_grievance WHERE district_id = %(district)s
GROUP BY GROUPING SETS ((upazila_id), (category_id))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--export-runs", type=int, default=1)
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument(
        "--only", default="pages,export,refresh", help="comma-separated: pages, export, refresh"
    )
    parser.add_argument("--window-factor", type=float, default=3.0)
    parser.add_argument("--rebuild", action="store_true", help="time a full rebuild first")
    args = parser.parse_args()
    django_setup()

    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from dashboards.exports import grievance_export_queryset, period_bounds
    from dashboards.forms import DEFAULT_PERIOD, period_dates
    from dashboards.metrics import Filters, today
    from dashboards.models import RefreshState
    from dashboards.summaries import summaries_rebuild, summaries_refresh
    from grievances.models import Grievance
    from offices.models import District

    out = sys.stdout.write
    total = Grievance.objects.count()
    if not total:
        out("No grievances: run `manage.py generate_load N` first.\n")
        return
    busiest = Grievance.objects.values("district_id").annotate(n=Count("id")).order_by("-n")[0]
    district = District.objects.get(pk=busiest["district_id"])
    out(f"grievances: {total:,}; busiest district {district.slug}: {busiest['n']:,}\n\n")

    only = set(args.only.split(","))
    rebuild_ms = None
    state = RefreshState.objects.filter(pk=1).first()
    if args.rebuild or state is None or state.finished_at is None or state.rebuild_step is not None:
        started = time.perf_counter()
        summaries_rebuild(resume=not args.rebuild)
        rebuild_ms = (time.perf_counter() - started) * 1000
        out(f"summaries_rebuild (full): {rebuild_ms / 1000:.1f} s\n\n")
    if "pages" in only:
        summaries_refresh()  # the pages show what the refresh has seen

    national, _created = User.objects.get_or_create(
        username="bench-national", defaults={"is_national": True}
    )
    staff = Client(SERVER_NAME="localhost")
    staff.force_login(national)
    public = Client(SERVER_NAME="localhost")

    now = timezone.now()
    start_day, end_day = period_dates(DEFAULT_PERIOD, today(), None, None)
    start, end = period_bounds(Filters(start=start_day, end=end_day))
    params = {"start": start, "end": end, "now": now, "district": district.pk}

    def live(sql: str, where: str = "", and_where: str = "") -> Callable[[], None]:
        text = sql.format(where=where, and_where=and_where)

        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute(text, params)
                cursor.fetchall()

        return run

    def page(client: Client, url: str) -> Callable[[], None]:
        def run() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)  # noqa: S101

        return run

    if "pages" in only:
        out(f"{'scenario':44} {'page p50/p95 ms':>20} {'live aggregation p50/p95 ms':>30}\n")

        def row(name: str, page_times: tuple, live_times: tuple) -> None:
            out(
                f"{name:44} {page_times[0]:9.1f}/{page_times[1]:<10.1f} "
                f"{live_times[0]:14.1f}/{live_times[1]:<14.1f}\n"
            )

        live_national = time_ms(live(LIVE_DISTRICTS_SQL), args.runs)
        row(
            "national dashboard /dashboard/",
            time_ms(page(staff, "/dashboard/"), args.runs),
            live_national,
        )
        row(
            "national dashboard (cache emptied each time)",
            time_ms(page(staff, "/dashboard/"), args.runs, before=cache.clear),
            live_national,
        )
        row(
            f"district page /dashboard/{district.slug}/",
            time_ms(page(staff, f"/dashboard/{district.slug}/"), args.runs),
            time_ms(live(LIVE_DISTRICT_PAGE_SQL), args.runs),
        )
        row(
            "district page (cache emptied each time)",
            time_ms(page(staff, f"/dashboard/{district.slug}/"), args.runs, before=cache.clear),
            time_ms(live(LIVE_DISTRICT_PAGE_SQL), args.runs),
        )
        row(
            "/stats/ (cache emptied before each request)",
            time_ms(page(public, "/stats/"), args.runs, before=cache.clear),
            live_national,
        )
        row(
            "/stats/ (as served: cached)",
            time_ms(page(public, "/stats/"), args.runs),
            live_national,
        )
        out("\n")

    if "export" in only and not args.skip_export:
        _export(args, out, staff, grievance_export_queryset, Filters, now, connection)
    if "refresh" in only:
        _refresh_window(args, out, total, rebuild_ms, summaries_refresh)


def _export(args, out, staff, grievance_export_queryset, Filters, now, connection) -> None:
    from django.utils import timezone

    from dashboards.models import ExportLog

    first = _first_day()
    query = {"from": first.isoformat(), "to": timezone.now().date().isoformat()}
    out(
        f"{'export (country, whole history)':44} {'first byte s':>12} {'all rows s':>11} "
        f"{'rows':>10} {'MB':>8} {'peak RSS +MB':>13} {'COPY of the same rows s':>24}\n"
    )
    qs = grievance_export_queryset(
        filters=Filters(start=first, end=timezone.now().date()), now=now, using="default"
    )
    sql, sql_params = qs.query.sql_with_params()
    for fmt in ("csv", "xlsx"):
        for _ in range(args.export_runs):
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            response = staff.get(f"/dashboard/export/grievances.{fmt}", query)
            first_byte = None
            size = 0
            for chunk in response.streaming_content:
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                size += len(chunk)
            elapsed = time.perf_counter() - started
            rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
            rows = ExportLog.objects.order_by("-pk").values_list("row_count", flat=True)[0]
            with connection.cursor() as cursor:
                copy_started = time.perf_counter()
                cursor.cursor.copy_expert(
                    "COPY (" + cursor.cursor.mogrify(sql, sql_params).decode() + ") TO STDOUT",
                    _NullSink(),
                )
                copy_s = time.perf_counter() - copy_started
            out(
                f"{fmt:44} {first_byte or 0:12.3f} {elapsed:11.1f} {rows or 0:>10,} "
                f"{size / 1e6:8.1f} {rss_growth:13.1f} {copy_s:24.1f}\n"
            )
    out("\n")


def _first_day():
    from django.db.models import Min

    from core.calendar import dhaka_date
    from grievances.models import Grievance

    return dhaka_date(Grievance.objects.aggregate(m=Min("received_at"))["m"])


class _NullSink:
    def write(self, data: Any) -> int:
        return len(data)


def _refresh_window(args, out, total, rebuild_ms, summaries_refresh) -> None:
    """One 5-minute window of activity at this load's rate, then the incremental refresh."""
    from django.db.models import Q
    from django.utils import timezone

    from grievances.models import Grievance, GrievanceStatus
    from grievances.services import grievance_accept, grievance_create, grievance_resolve
    from offices.models import Office

    per_window = max(1, round(total / (730 * 24 * 12) * args.window_factor))
    offices = list(Office.objects.districts().order_by("pk")[:64])
    now = timezone.now()
    for n in range(per_window):
        grievance_create(
            office=offices[n % len(offices)],
            channel="web",
            description=f"বেঞ্চমার্ক অভিযোগ {n}",
            received_at=now,
        )
    new = list(Grievance.objects.filter(status=GrievanceStatus.NEW).order_by("-id")[:per_window])
    for grievance in new:
        grievance_accept(grievance=grievance, actor=None)
    open_ones = list(
        Grievance.objects.filter(Q(status=GrievanceStatus.ACCEPTED)).order_by("id")[:per_window]
    )
    for grievance in open_ones:
        grievance_resolve(grievance=grievance, actor=None, outcome="action_taken", note="সমাধান")
    started = time.perf_counter()
    summaries_refresh()
    refresh_ms = (time.perf_counter() - started) * 1000
    rebuild = f"{rebuild_ms / 1000:.1f} s" if rebuild_ms else "not run here"
    out(
        f"incremental refresh of a 5-minute window ({per_window} filed, {len(new)} accepted, "
        f"{len(open_ones)} resolved): {refresh_ms:.0f} ms; full rebuild: {rebuild}\n"
    )


if __name__ == "__main__":
    main()
