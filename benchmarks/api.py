"""REST API benchmark: the grievance list's first page and a deep cursor page, beside bare SQL.

    python manage.py generate_load 1000000        # once, into a scratch database
    python -m benchmarks.api [--runs 50] [--deep 200]

For each scenario (an officer's session, an office API key, a national read key; with and
without filters) it prints p50/p95 of (a) the whole API request as the server handles it
(authentication, throttle, selector, serialisation, JSON), and (b) the bare keyset SQL for
the same rows, the baseline; then the SQL queries per request and EXPLAIN ANALYZE of the deep
page's rows statement, flagging a sequential scan of grievances. Targets: p95 ≤ 50 ms and
≤ 6 queries per request.
"""

import argparse
import sys
from typing import Any

from benchmarks.timing import django_setup, time_ms, time_sql_ms

TARGET_P95_MS = 50.0
TARGET_QUERIES = 6
PAGE_SIZE = 25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--deep", type=int, default=200, help="which page is 'deep'")
    args = parser.parse_args()
    django_setup()

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from api.keys import api_key_create
    from api.models import ApiKey, ApiKeyScope
    from api.selectors import GrievanceListQuery, inbox_filters_for
    from grievances.inbox import apply_filters, apply_keyset, apply_tab, decode_cursor
    from grievances.models import Grievance
    from grievances.selectors import grievance_list_for_user
    from offices.models import Office, OfficeMembership, OfficeRole

    # The benchmark makes thousands of requests a minute: no throttling here.
    settings.API_RATE_LIMITS = dict.fromkeys(("api-key", "api-user", "api-client"), (10**9, 60))
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]

    out = sys.stdout.write
    busiest = Grievance.objects.values("office_id").annotate(n=Count("id")).order_by("-n").first()
    if busiest is None:
        out("No grievances: run `manage.py generate_load N` first.\n")
        return
    office = Office.objects.get(pk=busiest["office_id"])
    officer, _created = User.objects.get_or_create(username="bench-api-officer")
    # An officer (a GRO would need a second factor for the session scenario).
    OfficeMembership.objects.filter(user=officer).exclude(office=office).delete()
    OfficeMembership.objects.update_or_create(
        user=officer, office=office, defaults={"role": OfficeRole.OFFICER}
    )
    national, _created = User.objects.get_or_create(
        username="bench-api-national", defaults={"is_national": True}
    )
    ApiKey.objects.filter(name__startswith="bench-").delete()
    office_key, _key = api_key_create(
        name="bench-office", owner=officer, scope=ApiKeyScope.WRITE, offices=[office]
    )
    national_key, _key = api_key_create(name="bench-national", owner=national, national_read=True)
    total = Grievance.objects.count()
    out(f"grievances: {total:,}; office {office.code}: {busiest['n']:,}\n\n")

    session = Client(SERVER_NAME="localhost")
    session.force_login(officer)
    keyed = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Api-Key {office_key}")
    national_client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Api-Key {national_key}")
    category_id = (
        Grievance.objects.filter(office=office, category__isnull=False)
        .values_list("category_id", flat=True)
        .first()
    )
    scenarios: list[tuple[str, Any, User, dict[str, str]]] = [
        ("session: all, by due date", session, officer, {}),
        ("office key: all, by due date", keyed, officer, {}),
        ("office key: by last activity, category", keyed, officer, {"sort": "activity"}),
        ("office key: open, by priority", keyed, officer, {"sort": "priority"}),
        ("office key: overdue", keyed, officer, {"overdue": "true"}),
        ("office key: search 'নামজারি'", keyed, officer, {"q": "নামজারি"}),
        ("national key: all offices, by due date", national_client, national, {}),
        ("national key: overdue", national_client, national, {"overdue": "true"}),
    ]
    if category_id:
        scenarios[2][3]["category"] = str(category_id)

    out(
        f"{'scenario':42} {'page':>6} {'API p50/p95 ms':>18} {'bare SQL p50/p95':>18} "
        f"{'queries':>8}  target\n"
    )
    plans: list[tuple[str, str]] = []
    failures = 0
    for name, client, user, params in scenarios:
        # Walk to the deep page through the API itself, by cursor.
        cursor, depth = "", 1
        while depth < args.deep:
            page = client.get("/api/v1/grievances/", {**params, "cursor": cursor}).json()
            if not page.get("next_cursor"):
                break
            cursor, depth = page["next_cursor"], depth + 1

        query = GrievanceListQuery(
            overdue=params.get("overdue") == "true" or None,
            category_id=int(params["category"]) if "category" in params else None,
            q=params.get("q", ""),
            sort=params.get("sort", "due"),
        )
        filters = inbox_filters_for(query)
        # The statement the selector runs for the scoped user (a key limits its owner's access).
        if client is keyed or client is national_client:
            from api.keys import key_authenticate, key_scope_user

            raw = office_key if client is keyed else national_key
            scoped = key_scope_user(key_authenticate(raw))  # type: ignore[arg-type]
        else:
            scoped = user
        now = timezone.now()
        tab_qs = apply_tab(
            apply_filters(grievance_list_for_user(user=scoped), filters),
            tab=filters.tab,
            user_id=user.pk,
            now=now,
            due_soon_until=now,
        )
        for label, page_cursor in (("1", ""), (str(depth), cursor)):
            request_params = {**params, **({"cursor": page_cursor} if page_cursor else {})}
            api_times = time_ms(
                lambda p=request_params, cl=client: cl.get("/api/v1/grievances/", p), args.runs
            )
            after = decode_cursor(filters=filters, cursor=page_cursor)
            sql, sql_params = (
                apply_keyset(tab_qs, filters=filters, after=after)
                .values_list("id", flat=True)[: PAGE_SIZE + 1]
                .query.sql_with_params()
            )

            bare_times = time_sql_ms(sql, sql_params, args.runs)
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/api/v1/grievances/", request_params)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {response.status_code} {response.content[:300]!r}")
            n_queries = len(queries.captured_queries)
            ok = api_times[1] <= TARGET_P95_MS and n_queries <= TARGET_QUERIES
            failures += not ok
            out(
                f"{name:42} {label:>6} {api_times[0]:8.1f}/{api_times[1]:<8.1f} "
                f"{bare_times[0]:8.2f}/{bare_times[1]:<8.2f} {n_queries:>8}  "
                f"{'ok' if ok else 'MISSED'}\n"
            )
            if label != "1":
                with connection.cursor() as c:
                    c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
                    plans.append(
                        (f"{name}, page {label}: rows", "\n".join(r[0] for r in c.fetchall()))
                    )

    out(
        f"\n{failures} scenario page(s) missed p95 ≤ {TARGET_P95_MS:g} ms or ≤ {TARGET_QUERIES} "
        "queries\n\n"
    )
    for title, plan in plans:
        seq = "Seq Scan on grievances_grievance" in plan
        out(f"--- EXPLAIN {title}{'  <-- SEQUENTIAL SCAN' if seq else ''}\n{plan}\n\n")
    ApiKey.objects.filter(name__startswith="bench-").delete()


if __name__ == "__main__":
    main()
