"""Facebook ingestion benchmark (DESIGN.md §6): comments per second per process.

    python -m benchmarks.ingest [--comments 20000] [--batch 500] [--replies 0.2]
                                [--triage on|off|compare] [--mixed-texts]

Two ways of writing the same rows into the same tables, in the same run, in one process:

(a) the product path: Meta-shaped webhook bodies (bytes) → `json.loads` →
    `observations_from_webhook` → `comments_ingest` (row locks, merge, grievances through
    `grievance_create_batch`, events), one transaction per batch;
(b) the baseline: hand-written batched `INSERT ... ON CONFLICT DO NOTHING` of the same
    grievances, CREATED events and comment rows, with tracking numbers reserved by one upsert
    per batch, and nothing else (no merge, no locks, no reply threading).

Everything runs inside a transaction that is rolled back at the end, so it can be pointed at
any migrated database (the test database after a pytest run works). Target: (a) ≥ 2,000
comments/s and ≥ 30 % of (b).

Triage (issue 13): `--triage off` runs (a) without the classifier, `--triage compare` runs (a)
twice on the same comments, triage off then on (the office setting praise and spam aside at
0.90), and prints the drop (target ≤ 10 %). `--mixed-texts` takes the comments' texts from the
triage corpus (grievances, questions, praise, spam, chatter) instead of one repeated grievance.
"""

import argparse
import datetime as dt
import json
import os
import time
import uuid
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


class _Rollback(Exception):
    pass


def _payloads(
    page_id: str,
    run: str,
    count: int,
    batch: int,
    replies: float,
    texts: list[str] | None = None,
) -> list[tuple[bytes, int]]:
    """Webhook bodies of `batch` comments each, serialised like Meta (escaped, compact)."""
    bodies = []
    top_level: list[str] = []
    post_id = f"{page_id}_{run}"
    for start in range(0, count, batch):
        values = []
        for n in range(start, min(start + batch, count)):
            comment_id = f"{run}_{n}"
            author = f"70{n % 5000:012d}"
            is_reply = top_level and (n % 100) < replies * 100
            parent = top_level[(n * 7) % len(top_level)] if is_reply else post_id
            if not is_reply:
                top_level.append(comment_id)
            values.append(
                {
                    "from": {"id": author, "name": f"নাগরিক {n}"},
                    "item": "comment",
                    "verb": "add",
                    "comment_id": comment_id,
                    "post_id": post_id,
                    "parent_id": parent,
                    "message": f"{texts[n % len(texts)]} ({n})"
                    if texts
                    else f"রাস্তার বাতি নষ্ট, অভিযোগ নম্বর {n}. Please fix it soon.",
                    "created_time": 1_764_000_000 + n,
                }
            )
        body = {
            "object": "page",
            "entry": [
                {
                    "id": page_id,
                    "time": 1_764_100_000,
                    "changes": [{"field": "feed", "value": v} for v in values],
                }
            ],
        }
        text = json.dumps(body, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")
        bodies.append((text.encode("ascii"), len(values)))
    return bodies


def _product_path(page: Any, bodies: list[tuple[bytes, int]], *, triage: bool = True) -> float:
    from django.conf import settings

    from integrations.facebook.services import comments_ingest, observations_from_webhook
    from triage.services import current_model

    settings.TRIAGE_ENABLED = triage
    current_model()  # the model is read once per process: not part of the timing
    start = time.perf_counter()
    for body, _count in bodies:
        by_page = observations_from_webhook(json.loads(body))
        comments_ingest(page=page, observations=by_page[page.page_id])
    return time.perf_counter() - start


def _insert(cursor: Any, model: Any, objs: list[Any], *, tail: str = "") -> list[Any]:
    """One multi-row INSERT of `objs` written out by hand (no ORM query building)."""
    from django.db import connection

    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        f.get_db_prep_save(f.pre_save(obj, add=True), connection) for obj in objs for f in fields
    ]
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({columns}) VALUES "
        + ", ".join([row] * len(objs))
        + f" {tail}",
        params,
    )
    return [r[0] for r in cursor.fetchall()] if "RETURNING" in tail else []


def _baseline(page: Any, bodies: list[tuple[bytes, int]], run: str) -> float:
    """Hand-written batched INSERT ... ON CONFLICT into the same three tables."""
    from django.db import connection, transaction
    from django.utils import timezone

    from core.calendar import add_working_days
    from grievances.models import Grievance, GrievanceEvent
    from grievances.tracking import format_tracking_code
    from integrations.facebook.models import FacebookComment

    office = page.office
    now = timezone.now()
    due = add_working_days(now, 1)
    start = time.perf_counter()
    for body, _count in bodies:
        values = [c["value"] for c in json.loads(body)["entry"][0]["changes"]]
        top = [v for v in values if v["parent_id"] == v["post_id"]]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO grievances_trackingsequence (office_id, period, last_value) "
                "VALUES (%s, %s, %s) ON CONFLICT (office_id, period) DO UPDATE SET "
                "last_value = grievances_trackingsequence.last_value + EXCLUDED.last_value "
                "RETURNING last_value",
                [office.pk, "9912", len(top)],
            )
            (last,) = cursor.fetchone()
            first = last - len(top) + 1
            grievances = [
                Grievance(
                    tracking_code=format_tracking_code(
                        office_code=office.code, period="9912", number=first + i
                    ),
                    office=office,
                    district_id=office.district_id,
                    channel="facebook_comment",
                    description=v["message"],
                    citizen_name=v["from"]["name"],
                    received_at=now,
                    last_activity_at=now,
                    first_response_due_at=due,
                )
                for i, v in enumerate(top)
            ]
            ids = _insert(cursor, Grievance, grievances, tail="ON CONFLICT DO NOTHING RETURNING id")
            events = [
                GrievanceEvent(
                    grievance_id=gid,
                    kind="created",
                    to_status="new",
                    to_office=office,
                    is_public=True,
                    created_at=now,
                )
                for gid in ids
            ]
            _insert(cursor, GrievanceEvent, events)
            grievance_of = {v["comment_id"]: gid for v, gid in zip(top, ids, strict=True)}
            comments = [
                FacebookComment(
                    graph_id=f"b{v['comment_id']}",
                    page=page,
                    post_id=v["post_id"],
                    parent_id=v["parent_id"],
                    is_top_level=v["parent_id"] == v["post_id"],
                    author_id=v["from"]["id"],
                    author_name=v["from"]["name"],
                    message=v["message"],
                    created_time=dt.datetime.fromtimestamp(v["created_time"], tz=dt.UTC),
                    raw=v,
                    grievance_id=grievance_of.get(v["comment_id"])
                    or grievance_of.get(v["parent_id"]),
                )
                for v in values
            ]
            _insert(cursor, FacebookComment, comments, tail="ON CONFLICT (graph_id) DO NOTHING")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--replies", type=float, default=0.2, help="share that are replies")
    parser.add_argument("--triage", choices=["on", "off", "compare"], default="on")
    parser.add_argument("--mixed-texts", action="store_true", help="texts from the corpus")
    args = parser.parse_args()
    _setup()
    if args.triage == "compare":
        _compare_triage(args)
        return

    from django.db import transaction

    from integrations.facebook.models import FacebookComment, FacebookPage
    from offices.models import Office

    run = uuid.uuid4().hex[:10]
    results: dict[str, float] = {}
    try:
        with transaction.atomic():
            office = Office.objects.get(kind="district", code="DHA")
            page = FacebookPage.objects.create(page_id=f"bench{run}", office=office, name="bench")
            texts = _corpus_texts() if args.mixed_texts else None
            bodies = _payloads(page.page_id, run, args.comments, args.batch, args.replies, texts)
            results["product"] = _product_path(page, bodies, triage=args.triage == "on")
            made = FacebookComment.objects.filter(page=page).count()
            results["baseline"] = _baseline(page, bodies, run)
            raise _Rollback
    except _Rollback:
        pass

    n = args.comments
    product = n / results["product"]
    baseline = n / results["baseline"]
    print(f"comments: {n} in batches of {args.batch}, {args.replies:.0%} replies; rows {made}")
    print(f"triage {args.triage}; texts: {'corpus mix' if args.mixed_texts else 'one grievance'}")
    print(f"(a) product path  : {product:8.0f} comments/s  ({results['product']:.2f} s)")
    print(f"(b) baseline SQL  : {baseline:8.0f} comments/s  ({results['baseline']:.2f} s)")
    print(f"ratio (a)/(b)     : {product / baseline:8.0%}   target ≥ 2000/s and ≥ 30 %")


def _corpus_texts() -> list[str]:
    from triage.services import corpus_examples

    return [e.text for e in corpus_examples()]


def _compare_triage(args: argparse.Namespace) -> None:
    """The product path on the same comments with triage off, then on (then off and on again:
    the better of two runs each, so a cold cache does not count against either)."""
    from decimal import Decimal

    from django.db import transaction

    from integrations.facebook.models import FacebookPage
    from offices.models import Office
    from triage.models import Suggestion, TriageSetting

    texts = _corpus_texts() if args.mixed_texts else None
    seconds: dict[str, list[float]] = {"off": [], "on": []}
    set_aside = 0
    for attempt in range(2):
        for mode in ("off", "on"):
            run = uuid.uuid4().hex[:10]
            try:
                with transaction.atomic():
                    office = Office.objects.get(kind="district", code="DHA")
                    TriageSetting.objects.update_or_create(
                        office=office,
                        defaults={"auto_set_aside": True, "threshold": Decimal("0.90")},
                    )
                    page = FacebookPage.objects.create(
                        page_id=f"bench{run}", office=office, name="bench"
                    )
                    bodies = _payloads(
                        page.page_id, run, args.comments, args.batch, args.replies, texts
                    )
                    seconds[mode].append(_product_path(page, bodies, triage=mode == "on"))
                    if mode == "on" and attempt == 0:
                        set_aside = Suggestion.objects.filter(
                            grievance__facebook_items__page=page, set_aside=True
                        ).count()
                    raise _Rollback
            except _Rollback:
                pass
    n = args.comments
    off, on = n / min(seconds["off"]), n / min(seconds["on"])
    print(f"comments: {n} in batches of {args.batch}, {args.replies:.0%} replies")
    print(f"texts: {'corpus mix' if args.mixed_texts else 'one grievance'}")
    print(f"triage off : {off:8.0f} comments/s")
    print(f"triage on  : {on:8.0f} comments/s  ({set_aside} set aside as praise or spam)")
    print(f"drop       : {1 - on / off:8.1%}   target ≤ 10 %")


if __name__ == "__main__":
    main()
