"""Officer inbox benchmark (DESIGN.md §6): page 1 and a deep keyset page, beside bare SQL.

    python manage.py generate_load 1000000        # once, into a scratch database
    python -m benchmarks.inbox [--runs 50] [--deep 200]

For each scenario it prints p50/p95 of (a) the whole page as the server renders it (view,
template, every query), (b) the inbox selector alone (rows + capped counts), and (c) the bare
keyset SQL for the same rows, the baseline; then the SQL query count per page and EXPLAIN
ANALYZE of the rows and counts statements, flagging any sequential scan of grievances.
"""

import argparse
import sys

from benchmarks.timing import django_setup, time_ms, time_sql_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--deep", type=int, default=200, help="which page is 'deep'")
    parser.add_argument("--only", default="", help="run the scenarios whose name contains this")
    args = parser.parse_args()
    django_setup()

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from core.calendar import add_working_days
    from grievances.inbox import (
        InboxFilters,
        apply_filters,
        apply_keyset,
        apply_tab,
        decode_cursor,
        page_rows,
    )
    from grievances.models import Grievance
    from grievances.selectors import grievance_inbox_for_user, grievance_list_for_user
    from offices.models import OfficeMembership

    out = sys.stdout.write
    busiest = Grievance.objects.values("office_id").annotate(n=Count("id")).order_by("-n").first()
    if busiest is None:
        out("No grievances: run `manage.py generate_load N` first.\n")
        return
    office_id = busiest["office_id"]
    user, _created = User.objects.get_or_create(username="bench-officer")
    OfficeMembership.objects.get_or_create(user=user, office_id=office_id)
    total = Grievance.objects.count()
    out(f"grievances: {total:,}; office {office_id}: {busiest['n']:,}\n\n")

    officer = user
    national, _created = User.objects.get_or_create(
        username="bench-national", defaults={"is_national": True}
    )
    clients = {}
    for who in (officer, national):
        clients[who.pk] = Client(SERVER_NAME="localhost")
        clients[who.pk].force_login(who)
    # National staff sign in with two factors (OTP_REQUIRED_FOR_ROLES): give the session a
    # confirmed device, so the national pages are measured as they are served, not redirected.
    device, _created = TOTPDevice.objects.get_or_create(
        user=national, name="benchmark", defaults={"confirmed": True}
    )
    session = clients[national.pk].session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    scenarios = {
        "all, by due date": InboxFilters(tab="all", sort="due"),
        "open/unassigned, by priority": InboxFilters(tab="unassigned", sort="priority"),
        "new (Facebook first)": InboxFilters(tab="new"),
        "all, by last activity, category filter": InboxFilters(
            tab="all",
            sort="activity",
            category_id=Grievance.objects.filter(office_id=office_id, category__isnull=False)
            .values_list("category_id", flat=True)
            .first(),
        ),
        "search 'নামজারি'": InboxFilters(tab="all", q="নামজারি"),
        "national: all offices, by due date": InboxFilters(tab="all", sort="due"),
        "national: overdue, by due date": InboxFilters(tab="overdue", sort="due"),
    }
    out(
        f"{'scenario':44} {'page':>6} {'view p50/p95 ms':>18} {'selector p50/p95':>18} "
        f"{'bare SQL p50/p95':>18} {'counts p50/p95':>18} {'queries':>8}\n"
    )
    plans: list[tuple[str, str]] = []
    for name, filters in scenarios.items():
        if args.only not in name:
            continue
        user = national if name.startswith("national") else officer
        client = clients[user.pk]
        base = grievance_list_for_user(user=user)
        now = timezone.now()
        tab_qs = apply_tab(
            apply_filters(base, filters),
            tab=filters.tab,
            user_id=user.pk,
            now=now,
            due_soon_until=add_working_days(now, settings.GRIEVANCE_DUE_SOON_DAYS),
        )
        # Walk to the deep page by cursor (cheap: that is the point of keyset paging).
        cursor, depth = "", 1
        while depth < args.deep:
            _rows, next_cursor = page_rows(tab_qs, filters=filters, cursor=cursor)
            if not next_cursor:
                break
            cursor, depth = next_cursor, depth + 1

        for label, page_cursor in (("1", ""), (str(depth), cursor)):
            params = {"tab": filters.tab, "sort": filters.sort, "q": filters.q}
            if filters.category_id:
                params["category"] = str(filters.category_id)
            if page_cursor:
                params["cursor"] = page_cursor
            view = time_ms(lambda p=params, cl=client: cl.get("/officer/", p), args.runs)
            selector = time_ms(
                lambda c=page_cursor, f=filters, u=user: grievance_inbox_for_user(
                    user=u, filters=f, cursor=c
                ),
                args.runs,
            )
            after = decode_cursor(filters=filters, cursor=page_cursor)
            sql, sql_params = (
                apply_keyset(tab_qs, filters=filters, after=after)
                .values_list("id", flat=True)[:26]
                .query.sql_with_params()
            )

            bare_times = time_sql_ms(sql, sql_params, args.runs)
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/officer/", params)
            if response.status_code != 200:
                sys.exit(f"{name}: the inbox answered {response.status_code}, not 200")
            counts_sql = [
                q["sql"] for q in queries.captured_queries if "count(*)" in q["sql"].lower()
            ]

            counts_times = time_sql_ms(counts_sql[0], None, args.runs)
            out(
                f"{name:44} {label:>6} {view[0]:8.1f}/{view[1]:<8.1f} "
                f"{selector[0]:8.1f}/{selector[1]:<8.1f} {bare_times[0]:8.2f}/{bare_times[1]:<8.2f} "
                f"{counts_times[0]:8.2f}/{counts_times[1]:<8.2f} "
                f"{len(queries.captured_queries):>8}\n"
            )
            if label != "1":
                with connection.cursor() as c:
                    c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
                    plans.append(
                        (f"{name}, page {label}: rows", "\n".join(r[0] for r in c.fetchall()))
                    )
                if counts_sql:
                    with connection.cursor() as c:
                        c.execute("EXPLAIN (ANALYZE) " + counts_sql[0])
                        plans.append(
                            (f"{name}: capped counts", "\n".join(r[0] for r in c.fetchall()))
                        )

    out("\n")
    for title, plan in plans:
        seq = "Seq Scan on grievances_grievance" in plan
        out(f"--- EXPLAIN {title}{'  <-- SEQUENTIAL SCAN' if seq else ''}\n{plan}\n\n")


if __name__ == "__main__":
    main()
