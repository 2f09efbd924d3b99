"""The only writer of the dashboards' summary tables (`dashboards/models.py`).

What a row counts is said once, in `_FACTS_SQL`: each grievance, event and feedback becomes
"facts" (a Dhaka day, the office and district it counts for, its category and channel, a
measure name and a number), which are summed per day and per month. The measures' meanings
for readers are in `dashboards/metrics.py`.

Whose office a fact counts for (and its district: the office's, or for a divisional office
hearing an appeal, the grievance's own):
- what a grievance's own dates say (received, accepted, first response, resolved, closed),
  its feedback, reopenings, being set aside or marked duplicate: its *current* office and
  district (a transferred grievance takes its history with it);
- transferred out / in: the event's from / to office; appealed: the office appealed from.

Refresh (`summaries_refresh`, beat every few minutes): the offices touched since the last run
— by events after the watermark (or created in the last `OVERLAP`, for transactions that
committed late), by replies whose state changed, by Facebook grievances whose first-response
deadline passed unanswered since the last run — are recomputed from the month the earliest
touched grievance was received (every bucket of theirs from then on deleted and inserted
again, reading only the grievances active since a little before), so a run is idempotent.
Runs take a PostgreSQL advisory lock; a run that finds it held does nothing (the holder covers
its window), and each step of a rebuild waits for it, so the two never write the same rows at
once. The current snapshot is recomputed for the touched offices and those with a grievance
newly past its deadline, with `Grievance.objects.overdue(now)` counting overdue.

`summaries_rebuild` recomputes everything, a few offices per transaction; the offices still to do are kept in `RefreshState.rebuild_pending`, so an
interrupted rebuild resumes where it stopped (and the beat refresh finishes it).

Holidays edited after the fact change working-day counts only for offices recomputed later:
run a rebuild after changing past holidays.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.calendar import DHAKA, dhaka_date
from dashboards.models import CurrentSnapshot, RefreshState
from grievances.models import FACEBOOK_CHANNELS, Grievance, GrievanceEvent, Reply
from offices.models import Office

# Events of transactions that committed after a later one was seen: looked at again.
OVERLAP = timedelta(minutes=10)
# A grievance's facts lie no later than its last activity, except "ignored" on Facebook, dated
# at the first-response deadline, days after receipt: this margin covers it.
ACTIVE_MARGIN = timedelta(days=20)
_LOCK_KEY = 0x5348_4441_5348  # "SHDASH": the refresh's advisory lock
# Working-day histograms stop here: longer waits are counted in this last bucket.
MAX_WORKING_DAYS = 60

EVENT_MEASURES = (
    "received",
    "accepted",
    "not_grievance",
    "duplicate",
    "transferred_in",
    "transferred_out",
    "first_responded",
    "first_responded_on_time",
    "resolved",
    "resolved_on_time",
    "closed",
    "reopened",
    "appealed",
    "appeals_resolved",
    "appeals_resolved_on_time",
    "feedback",
    "feedback_fixed",
    "rating_count",
    "rating_sum",
    "facebook_received",
    "facebook_answered_publicly",
    "facebook_ignored",
)

UPAZILA_MEASURES = (
    "received",
    "first_responded",
    "first_responded_on_time",
    "resolved",
    "resolved_on_time",
    "feedback",
    "feedback_fixed",
)

_DAY = "(({col}) AT TIME ZONE 'Asia/Dhaka')::date"

# %(offices)s: the offices to (re)compute, NULL for all. %(now)s: the moment of the run.
_FACTS_SQL = f"""
WITH g AS (
    SELECT * FROM grievances_grievance
    WHERE (%(offices)s::bigint[] IS NULL OR office_id = ANY(%(offices)s::bigint[]))
      AND (%(since)s::date IS NULL OR last_activity_at >= %(active_since)s)
),
facts (day, office_id, district_id, upazila_id, category_id, channel, measure, n) AS MATERIALIZED (
    SELECT {_DAY.format(col="received_at")}, office_id, district_id, upazila_id, category_id, channel,
           'received', 1 FROM g
    UNION ALL
    SELECT {_DAY.format(col="accepted_at")}, office_id, district_id, upazila_id, category_id, channel,
           'accepted', 1 FROM g WHERE accepted_at IS NOT NULL
    UNION ALL
    SELECT {_DAY.format(col="first_responded_at")}, office_id, district_id, upazila_id, category_id, channel,
           m.measure, 1 FROM g
    CROSS JOIN LATERAL (VALUES ('first_responded', true),
                               ('first_responded_on_time',
                                g.first_responded_at <= g.first_response_due_at)) m(measure, ok)
    WHERE first_responded_at IS NOT NULL AND m.ok
    UNION ALL
    SELECT {_DAY.format(col="resolved_at")}, office_id, district_id, upazila_id, category_id, channel,
           m.measure, 1 FROM g
    CROSS JOIN LATERAL (VALUES ('resolved', true),
                               ('resolved_on_time', g.resolved_at <= g.due_at),
                               ('appeals_resolved', g.tier >= 2),
                               ('appeals_resolved_on_time',
                                g.tier >= 2 AND g.resolved_at <= g.due_at)) m(measure, ok)
    WHERE resolved_at IS NOT NULL AND m.ok
    UNION ALL
    SELECT {_DAY.format(col="closed_at")}, office_id, district_id, upazila_id, category_id, channel,
           'closed', 1 FROM g WHERE closed_at IS NOT NULL
    UNION ALL
    SELECT {_DAY.format(col="received_at")}, office_id, district_id, upazila_id, category_id, channel,
           m.measure, 1 FROM g
    CROSS JOIN LATERAL (VALUES ('facebook_received', true),
                               ('facebook_answered_publicly', EXISTS (
                                   SELECT 1 FROM grievances_reply r
                                   WHERE r.grievance_id = g.id AND r.to_facebook
                                     AND r.state = 'sent'))) m(measure, ok)
    WHERE channel = ANY(%(facebook)s) AND m.ok
    UNION ALL
    SELECT {_DAY.format(col="first_response_due_at")}, office_id, district_id, upazila_id,
           category_id, channel, 'facebook_ignored', 1 FROM g
    WHERE channel = ANY(%(facebook)s)
      AND status NOT IN ('not_grievance', 'duplicate')
      AND first_response_due_at < %(now)s
      AND (first_responded_at IS NULL OR first_responded_at > first_response_due_at)
    UNION ALL
    SELECT {_DAY.format(col="f.created_at")}, g.office_id, g.district_id, g.upazila_id,
           g.category_id, g.channel, m.measure, m.n FROM grievances_feedback f JOIN g ON g.id = f.grievance_id
    CROSS JOIN LATERAL (VALUES ('feedback', 1, true),
                               ('feedback_fixed', 1, f.is_fixed),
                               ('rating_count', 1, f.rating IS NOT NULL),
                               ('rating_sum', COALESCE(f.rating, 0), f.rating IS NOT NULL))
               m(measure, n, ok)
    WHERE m.ok
    UNION ALL
    SELECT {_DAY.format(col="e.created_at")}, g.office_id, g.district_id, g.upazila_id,
           g.category_id, g.channel, m.measure, 1
    FROM grievances_grievanceevent e JOIN g ON g.id = e.grievance_id
    CROSS JOIN LATERAL (VALUES
        ('not_grievance', e.to_status = 'not_grievance'),
        ('duplicate', e.to_status = 'duplicate'),
        ('reopened', e.data @> '{{"reopened": true}}'::jsonb)) m(measure, ok)
    WHERE e.kind = 'status_changed' AND m.ok
    UNION ALL
    SELECT {_DAY.format(col="e.created_at")}, m.office_id, ga.district_id,
           ga.upazila_id, ga.category_id, ga.channel, m.measure, 1
    FROM grievances_grievanceevent e JOIN grievances_grievance ga ON ga.id = e.grievance_id
    CROSS JOIN LATERAL (VALUES
        ('transferred_in', e.to_office_id, e.kind = 'transferred'),
        ('transferred_out', e.from_office_id, e.kind = 'transferred'),
        ('appealed', e.from_office_id, e.kind = 'appealed')) m(measure, office_id, ok)
    WHERE e.kind IN ('transferred', 'appealed') AND m.ok AND m.office_id IS NOT NULL
      AND (%(offices)s::bigint[] IS NULL
           OR e.from_office_id = ANY(%(offices)s::bigint[])
           OR e.to_office_id = ANY(%(offices)s::bigint[]))
      AND (%(since)s::date IS NULL OR e.created_at >= %(since_start)s)
)
"""  # noqa: S608 - built from constants only

_GRAINS = "CROSS JOIN (VALUES ('d'), ('m')) grains(grain)"
_BUCKET = "CASE WHEN grain = 'd' THEN day ELSE date_trunc('month', day)::date END"

_INSERT_TAIL = f""",
upazilas AS (
    INSERT INTO dashboards_upazilasummary
        (grain, bucket, office_id, district_id, upazila_id, {", ".join(UPAZILA_MEASURES)})
    SELECT grain, {_BUCKET}, office_id, COALESCE(o.district_id, facts.district_id),
           facts.upazila_id,
           {", ".join(f"COALESCE(SUM(n) FILTER (WHERE measure = '{m}'), 0)" for m in UPAZILA_MEASURES)}
    FROM facts JOIN offices_office o ON o.id = facts.office_id {_GRAINS}
    WHERE (%(offices)s::bigint[] IS NULL OR office_id = ANY(%(offices)s::bigint[]))
      AND (%(since)s::date IS NULL OR facts.day >= %(since)s::date)
      AND measure IN ({", ".join(f"'{m}'" for m in UPAZILA_MEASURES)})
    GROUP BY 1, 2, 3, 4, 5
)
INSERT INTO dashboards_eventsummary
    (grain, bucket, office_id, district_id, category_id, channel, {", ".join(EVENT_MEASURES)})
SELECT grain, {_BUCKET}, office_id, COALESCE(o.district_id, facts.district_id), category_id,
       channel,
       {", ".join(f"COALESCE(SUM(n) FILTER (WHERE measure = '{m}'), 0)" for m in EVENT_MEASURES)}
FROM facts JOIN offices_office o ON o.id = facts.office_id {_GRAINS}
WHERE (%(offices)s::bigint[] IS NULL OR office_id = ANY(%(offices)s::bigint[]))
  AND (%(since)s::date IS NULL OR facts.day >= %(since)s::date)
GROUP BY 1, 2, 3, 4, 5, 6
"""  # noqa: S608 - built from constants only
_INSERT_EVENTS_SQL = _FACTS_SQL + _INSERT_TAIL

# Working days from the day received to the day of the first response / resolution, as
# `core.calendar.working_days_between` counts them: working days after the first date, up to
# and including the second. `ordinal` numbers the working days of a calendar span.
_INSERT_DURATIONS_SQL = """
WITH cal AS (
    SELECT d::date AS day,
           count(*) FILTER (WHERE NOT (extract(isodow FROM d)::int = ANY(%(weekend)s))
                              AND NOT EXISTS (SELECT 1 FROM core_holiday h
                                              WHERE h.date = d::date))
               OVER (ORDER BY d) AS ordinal
    FROM generate_series(%(cal_start)s::date, %(cal_end)s::date, interval '1 day') d
),
g AS (
    SELECT * FROM grievances_grievance
    WHERE (%(offices)s::bigint[] IS NULL OR office_id = ANY(%(offices)s::bigint[]))
      AND (%(since)s::date IS NULL OR last_activity_at >= %(active_since)s)
),
facts AS (
    SELECT m.measure, (m.at AT TIME ZONE 'Asia/Dhaka')::date AS day, g.office_id,
           COALESCE(o.district_id, g.district_id) AS district_id, g.category_id, g.channel,
           LEAST(GREATEST(c2.ordinal - c1.ordinal, 0), %(max_days)s) AS working_days
    FROM g JOIN offices_office o ON o.id = g.office_id
    CROSS JOIN LATERAL (VALUES ('f', g.first_responded_at), ('r', g.resolved_at)) m(measure, at)
    JOIN cal c1 ON c1.day = (g.received_at AT TIME ZONE 'Asia/Dhaka')::date
    JOIN cal c2 ON c2.day = (m.at AT TIME ZONE 'Asia/Dhaka')::date
    WHERE m.at IS NOT NULL
)
INSERT INTO dashboards_durationsummary
    (measure, grain, bucket, office_id, district_id, category_id, channel, working_days, count)
SELECT measure, grain, CASE WHEN grain = 'd' THEN day ELSE date_trunc('month', day)::date END,
       office_id, district_id, category_id, channel, working_days, count(*)
FROM facts CROSS JOIN (VALUES ('d'), ('m')) grains(grain)
WHERE %(since)s::date IS NULL OR facts.day >= %(since)s::date
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""


def _recompute_offices(
    office_ids: list[int] | None, now: datetime, since: date | None = None
) -> None:
    """Delete and insert again the summary rows of these offices (None: all), from the month
    `since` on (None: all time). Every fact of a month from `since` on belongs to a grievance
    active since a little before it (`ACTIVE_MARGIN`), which is all this reads."""
    weekend = [day + 1 for day in settings.WEEKEND_DAYS]  # Python weekday() → ISO day of week
    since_start = None if since is None else datetime.combine(since, time.min, tzinfo=DHAKA)
    params = {
        "offices": office_ids,
        "now": now,
        "since": since,
        "since_start": since_start,
        "active_since": None if since_start is None else since_start - ACTIVE_MARGIN,
        "facebook": list(FACEBOOK_CHANNELS),
        "weekend": weekend,
        "max_days": MAX_WORKING_DAYS,
        "cal_start": "2000-01-01",
        "cal_end": (now + timedelta(days=366)).date().isoformat(),
    }
    with connection.cursor() as cursor:
        for table in (
            "dashboards_eventsummary",
            "dashboards_upazilasummary",
            "dashboards_durationsummary",
        ):
            cursor.execute(
                f"DELETE FROM {table} WHERE (%(offices)s::bigint[] IS NULL "  # noqa: S608
                "OR office_id = ANY(%(offices)s::bigint[])) "
                "AND (%(since)s::date IS NULL OR bucket >= %(since)s::date)",
                params,
            )
        cursor.execute(_INSERT_EVENTS_SQL, params)
        cursor.execute(_INSERT_DURATIONS_SQL, params)


def _snapshot(now: datetime, office_ids: set[int] | None = None) -> None:
    """Open and overdue now, per office × district × category × channel, for these offices
    (None: all). Overdue is `Grievance.objects.overdue(now)`: the inbox's definition, not a
    second one."""
    keys = ("office_id", "place_id", "category_id", "channel")
    rows: dict[tuple[Any, ...], CurrentSnapshot] = {}

    def add(qs: Iterable[dict[str, Any]], field: str) -> None:
        for row in qs:
            key = tuple(row[k] for k in keys)
            snap = rows.get(key)
            if snap is None:
                office_id, district_id, category_id, channel = key
                snap = rows[key] = CurrentSnapshot(
                    office_id=office_id,
                    district_id=district_id,
                    category_id=category_id,
                    channel=channel,
                )
            setattr(snap, field, row["n"])

    # A grievance counts in its office's district (an appeal office's: the grievance's own).
    base = Grievance.objects.order_by().annotate(
        place_id=Coalesce("office__district_id", "district_id")
    )
    if office_ids is not None:
        if not office_ids:
            return
        base = base.filter(office_id__in=sorted(office_ids))
    add(base.open().values(*keys).annotate(n=Count("id")), "open")
    add(base.open().filter(status="new").values(*keys).annotate(n=Count("id")), "untriaged")
    add(base.overdue(now).values(*keys).annotate(n=Count("id")), "overdue")
    add(
        base.overdue(now)
        .filter(
            channel__in=FACEBOOK_CHANNELS,
            first_responded_at__isnull=True,
            first_response_due_at__lt=now,
        )
        .values(*keys)
        .annotate(n=Count("id")),
        "facebook_unanswered_overdue",
    )
    stale = CurrentSnapshot.objects.all()
    if office_ids is not None:
        stale = stale.filter(office_id__in=sorted(office_ids))
    stale.delete()
    CurrentSnapshot.objects.bulk_create(rows.values(), batch_size=2000)


def _newly_overdue_offices(since: datetime, now: datetime) -> set[int]:
    """Offices with a grievance that became overdue since the last run, without any event (on
    the open-deadline index)."""
    return set(
        Grievance.objects.open()
        .filter(sort_due_at__gte=since, sort_due_at__lt=now)
        .order_by()
        .values_list("office_id", flat=True)
        .distinct()
    )


def _lock() -> None:
    """Wait for the refresh's lock: a rebuild's step and a refresh never write at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _try_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _state() -> RefreshState:
    RefreshState.objects.get_or_create(pk=1)
    return RefreshState.objects.select_for_update().get(pk=1)


def _month_of(moment: datetime) -> date:
    return dhaka_date(moment).replace(day=1)


def _touched_offices(state: RefreshState, now: datetime) -> dict[int, date]:
    """The offices whose summaries may have changed since the last run, each with the first
    month that may have changed: a grievance's facts all lie between the month it was
    received and now, so that month of each touched grievance is the earliest."""
    assert state.started_at is not None  # noqa: S101 - only after a first build
    since = state.started_at - OVERLAP
    touched: dict[int, date] = {}

    def touch(office_id: int | None, received_at: datetime) -> None:
        if office_id is None:
            return
        month = _month_of(received_at)
        if office_id not in touched or month < touched[office_id]:
            touched[office_id] = month

    events = GrievanceEvent.objects.filter(pk__gt=state.last_event_id) | (
        GrievanceEvent.objects.filter(created_at__gte=since)
    )
    for office_id, from_office, to_office, received_at in events.values_list(
        "grievance__office_id", "from_office_id", "to_office_id", "grievance__received_at"
    ).distinct():
        for pk in (office_id, from_office, to_office):
            touch(pk, received_at)
    for office_id, received_at in (
        Reply.objects.filter(updated_at__gte=since)
        .values_list("grievance__office_id", "grievance__received_at")
        .distinct()
    ):
        touch(office_id, received_at)
    # Facebook posts that became "ignored" since the last run, without any event.
    for office_id, received_at in Grievance.objects.filter(
        channel__in=FACEBOOK_CHANNELS,
        first_response_due_at__gte=state.started_at,
        first_response_due_at__lt=now,
        first_responded_at__isnull=True,
    ).values_list("office_id", "received_at"):
        touch(office_id, received_at)
    return touched


def _recompute_touched(touched: dict[int, date], now: datetime) -> None:
    by_month: dict[date, list[int]] = {}
    for office_id, month in touched.items():
        by_month.setdefault(month, []).append(office_id)
    for month, offices in sorted(by_month.items()):
        _recompute_offices(sorted(offices), now, since=month)


def _max_event_id() -> int:
    last = GrievanceEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def summaries_refresh(now: datetime | None = None) -> bool:
    """One incremental run. False when another run holds the lock (it covers this window)."""
    now = now or timezone.now()
    with transaction.atomic():
        if not _try_lock():
            return False
        state = _state()
        if state.started_at is None and not state.rebuild_pending:
            state.rebuild_pending = list(Office.objects.order_by("pk").values_list("pk", flat=True))
        if state.rebuild_pending or state.started_at is None:
            # A rebuild was started and not finished: finish it here.
            _recompute_offices(list(state.rebuild_pending), now)
            state.rebuild_pending = []
            _snapshot(now)
        else:
            touched = _touched_offices(state, now)
            _recompute_touched(touched, now)
            _snapshot(now, set(touched) | _newly_overdue_offices(state.started_at, now))
        state.last_event_id = _max_event_id()
        state.started_at = now
        state.finished_at = timezone.now()
        state.save()
    return True


def summaries_rebuild(
    now: datetime | None = None,
    *,
    chunk: int = 4,
    resume: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Recompute every summary from scratch, `chunk` offices per transaction. With `resume`, an
    interrupted rebuild goes on with the offices it had not done."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock()
        state = _state()
        if not (resume and state.rebuild_pending):
            state.rebuild_pending = list(Office.objects.order_by("pk").values_list("pk", flat=True))
            # Events from here on are seen again by the next refresh.
            state.last_event_id = _max_event_id()
            state.started_at = now
            state.save()
        total = Office.objects.count()
    while True:
        with transaction.atomic():
            _lock()
            state = _state()
            pending = list(state.rebuild_pending)
            if not pending:
                break
            batch, rest = pending[:chunk], pending[chunk:]
            _recompute_offices(batch, state.started_at or now)
            state.rebuild_pending = rest
            state.save(update_fields=["rebuild_pending"])
        if progress is not None:
            progress(total - len(rest), total)
    with transaction.atomic():
        _lock()
        state = _state()
        _snapshot(state.started_at or now)
        state.finished_at = timezone.now()
        state.save(update_fields=["finished_at"])
