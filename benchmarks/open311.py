"""Open311 `requests.json` benchmark (DESIGN.md §6: p95 ≤ 50 ms server time at 1 M
grievances, ≤ 6 SQL queries), beside the bare SQL for the same rows.

    python manage.py generate_load 1000000        # once, into a scratch database
    python -m benchmarks.open311 [--runs 50]

The generated grievances have no replies, so first every grievance of the last 100 days that
is not set aside gets one public reply by staff (once; marked `{"bench": true}`), so that the
status-notes query has real work, and both tables are vacuumed as autovacuum would have
done (`--vacuum` does it again). For each scenario it prints p50/p95 of (a) the whole answer
as the server renders it (middleware, view, JSON, every query; the cache off), (b) the
selector alone, and (c) the bare SQL: the rows query as written by hand plus the status-notes
query; then the query count, and EXPLAIN ANALYZE of the rows statements, flagging any
sequential scan of grievances.
"""

import argparse
import sys
from typing import Any

from benchmarks.timing import django_setup, time_ms

BARE_ROWS = """
SELECT g.id, g.tracking_code, g.status, g.received_at, g.last_public_update_at,
       g.resolved_at, g.closed_at, g.due_at, g.first_response_due_at,
       o.name_bn, d.name_bn, d.latitude, d.longitude, u.name_bn, c.slug, c.name_bn
FROM grievances_grievance g
JOIN offices_office o ON o.id = g.office_id
JOIN offices_district d ON d.id = g.district_id
LEFT JOIN offices_upazila u ON u.id = g.upazila_id
LEFT JOIN grievances_category c ON c.id = g.category_id
WHERE g.status IN ('new', 'accepted', 'in_progress', 'resolved', 'closed', 'duplicate')
  AND g.received_at >= %s AND g.received_at <= %s {extra}
ORDER BY g.received_at DESC, g.id DESC
LIMIT 1000
"""
BARE_NOTES = """
SELECT DISTINCT ON (grievance_id) grievance_id, note
FROM grievances_grievanceevent
WHERE grievance_id = ANY(%s) AND is_public AND actor_id IS NOT NULL AND note <> ''
  AND (kind = 'public_reply' OR (kind = 'status_changed' AND to_status = 'resolved'))
ORDER BY grievance_id, created_at DESC, id DESC
"""


def _add_replies(user_id: int) -> int:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT 1 FROM grievances_grievanceevent WHERE data @> '{\"bench\": true}' LIMIT 1"
        )
        if c.fetchone():
            return 0
        c.execute(
            """
            INSERT INTO grievances_grievanceevent
                (grievance_id, kind, actor_id, from_status, to_status, note, is_public, data,
                 created_at)
            SELECT id, 'public_reply', %s, '', '', 'আপনার অভিযোগটি দেখা হচ্ছে', true,
                   '{"bench": true}', received_at + interval '1 day'
            FROM grievances_grievance
            WHERE received_at > now() - interval '100 days' AND status <> 'not_grievance'
            """,
            [user_id],
        )
        added = c.rowcount
    return added


def _vacuum() -> None:
    """As autovacuum would have by now: a freshly COPYed table has no visibility map and no
    hint bits, so the first reads of each page write it."""
    from django.db import connection

    with connection.cursor() as c:
        for table in ("grievances_grievance", "grievances_grievanceevent"):
            c.execute(f"VACUUM (ANALYZE) {table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--vacuum", action="store_true", help="VACUUM (ANALYZE) first")
    args = parser.parse_args()
    django_setup()

    from datetime import timedelta

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from grievances.models import Grievance
    from open311.selectors import RequestQuery, request_list

    out = sys.stdout.write
    total = Grievance.objects.count()
    if not total:
        out("No grievances: run `manage.py generate_load N` first.\n")
        return
    settings.OPEN311_CACHE_SECONDS = 0  # measure the work, not the cache (but see the end)
    settings.RATE_LIMITS = {**getattr(settings, "RATE_LIMITS", {}), "open311": (10**9, 60)}
    user, _created = User.objects.get_or_create(username="bench-officer")
    added = _add_replies(user.pk)
    if added or args.vacuum:
        _vacuum()
    now = timezone.now()
    start, end = now - timedelta(days=90), now
    in_window = Grievance.objects.filter(received_at__gte=start, received_at__lte=end).count()
    out(f"grievances: {total:,}; in the last 90 days: {in_window:,}; replies added: {added:,}\n\n")

    some_ids = list(
        Grievance.objects.filter(received_at__gte=start)
        .exclude(status="not_grievance")
        .order_by("-received_at")
        .values_list("tracking_code", flat=True)[:5000:100]
    )
    scenarios: dict[str, tuple[dict[str, str], RequestQuery, str, list[Any]]] = {
        "default window (90 days)": (
            {},
            RequestQuery(start=start, end=end),
            "",
            [],
        ),
        "status=open": (
            {"status": "open"},
            RequestQuery(start=start, end=end, statuses=("open",)),
            "AND g.status IN ('new', 'accepted', 'in_progress')",
            [],
        ),
        "service_code=land": (
            {"service_code": "land"},
            RequestQuery(start=start, end=end, service_codes=("land",)),
            "AND g.category_id = (SELECT id FROM grievances_category WHERE slug = 'land')",
            [],
        ),
        "30-day window, closed": (
            {
                "start_date": (now - timedelta(days=60)).isoformat(),
                "end_date": (now - timedelta(days=30)).isoformat(),
                "status": "closed",
            },
            RequestQuery(
                start=now - timedelta(days=60), end=now - timedelta(days=30), statuses=("closed",)
            ),
            "AND g.status IN ('resolved', 'closed', 'duplicate')",
            [],
        ),
        f"{len(some_ids)} ids": (
            {"service_request_id": ",".join(some_ids)},
            RequestQuery(ids=tuple(some_ids)),
            "",
            some_ids,
        ),
    }
    client = Client(SERVER_NAME="localhost")
    out(
        f"{'scenario':28} {'rows':>6} {'view p50/p95 ms':>18} {'selector p50/p95':>18} "
        f"{'bare SQL p50/p95':>18} {'queries':>8}\n"
    )
    plans: list[tuple[str, str]] = []
    for name, (params, query, extra, ids) in scenarios.items():
        if ids:
            rows_sql = BARE_ROWS.replace(
                "AND g.received_at >= %s AND g.received_at <= %s {extra}",
                "AND g.tracking_code = ANY(%s)",
            )
            rows_params: list[Any] = [ids]
        else:
            rows_sql = BARE_ROWS.format(extra=extra)
            rows_params = [query.start, query.end]

        def bare(sql: str = rows_sql, sql_params: list[Any] = rows_params) -> None:
            with connection.cursor() as c:
                c.execute(sql, sql_params)
                found = [row[0] for row in c.fetchall()]
                c.execute(BARE_NOTES, [found])
                c.fetchall()

        view = time_ms(lambda p=params: client.get("/open311/v2/requests.json", p), args.runs)
        selector = time_ms(lambda q=query: request_list(query=q), args.runs)
        bare_times = time_ms(bare, args.runs)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/open311/v2/requests.json", params)
        assert response.status_code == 200, response.content[:500]  # noqa: S101
        rows = len(response.json())
        out(
            f"{name:28} {rows:>6} {view[0]:8.1f}/{view[1]:<8.1f} "
            f"{selector[0]:8.1f}/{selector[1]:<8.1f} {bare_times[0]:8.2f}/{bare_times[1]:<8.2f} "
            f"{len(queries.captured_queries):>8}\n"
        )
        for captured in queries.captured_queries:
            sql = captured["sql"]
            if 'FROM "grievances_grievance"' not in sql:
                continue  # the service's id
            what = "rows, each with its status notes"
            with connection.cursor() as c:
                c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plans.append((f"{name}: {what}", "\n".join(r[0] for r in c.fetchall())))

    # What most callers get: the same answer from the cache (OPEN311_CACHE_SECONDS).
    settings.OPEN311_CACHE_SECONDS = 300
    cached = time_ms(lambda: client.get("/open311/v2/requests.json"), args.runs)
    out(f"{'default window, from cache':28} {'':>6} {cached[0]:8.1f}/{cached[1]:<8.1f}\n")

    out("\n")
    for title, plan in plans:
        seq = "Seq Scan on grievances_grievance" in plan
        out(f"--- EXPLAIN {title}{'  <-- SEQUENTIAL SCAN' if seq else ''}\n{plan}\n\n")


if __name__ == "__main__":
    main()
