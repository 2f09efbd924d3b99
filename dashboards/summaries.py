"""The only writer of the dashboards' summary tables (`dashboards/models.py`).

What a row counts is said once, in `_FACTS` below: each grievance, event and feedback becomes
a "fact" (a Dhaka day, the office and district it counts for, its category and channel, and
the measures it adds to), and the facts are summed per day, per week within its month and per
month, at three levels of detail (`Level`). The measures' meanings for readers are in
`dashboards/metrics.py`.

Whose office a fact counts for (and its district: the office's, or for a divisional office
hearing an appeal, the grievance's own):
- what a grievance's own dates say (received, accepted, first response, resolved, closed),
  its feedback, reopenings, being set aside or marked duplicate: its *current* office and
  district (a transferred grievance takes its history with it);
- transferred out / in: the event's from / to office; appealed: the office appealed from.

The facts are read from `SummarisedGrievance`, each grievance as the summaries counted it,
with its events and feedback up to the last ids counted. A grievance's events are written
under a lock on its row, so the events it had when it was counted are exactly those up to
that id.

Refresh (`summaries_refresh`, beat every few minutes): the grievances that may have changed
since the last run are counted again. These are the ones with an event after the watermark
or in the last `OVERLAP` (transactions that committed late), active since, given feedback or
a delivered Facebook reply since, or with a deadline passed since (overdue now, or a Facebook
post ignored). What each counted before (its `SummarisedGrievance` row, at the last run's
moment) is taken out of every bucket and of the current snapshot, what it counts now is
added, and its row is replaced. A run costs what changed, not the history, and running it
twice changes nothing. Runs take a PostgreSQL advisory lock; a run that finds it held does
nothing (the holder covers its window), and each step of a rebuild waits for it, so the two
never write the same rows at once. Open, untriaged and overdue now are counted with the
conditions of `Grievance.objects.open()` and `.overdue(now)`; the snapshot's totals per
office × district are then recorded as the day's row of `BacklogHistory` (the overdue
history, which cannot be rebuilt from events).

`summaries_rebuild` recomputes everything in a few steps of one transaction each: the
grievances as counted, then each summary table in one pass, built beside the one pages read
and swapped in as its step commits (pages show the old figures until then, never wait for a
step's minutes of work). The next step is kept in
`RefreshState.rebuild_step`, so an interrupted rebuild resumes where it stopped (and the beat
refresh finishes it).

Holidays edited after the fact change working-day counts only for grievances counted again
later: run a rebuild after changing past holidays.
"""

import queue
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from core.calendar import dhaka_date
from core.threads import run_threads
from dashboards.models import RefreshState
from grievances.models import (
    FACEBOOK_CHANNELS,
    OPEN_STATUSES,
    Feedback,
    Grievance,
    GrievanceEvent,
    GrievanceOutcome,
    Reply,
    ReplyState,
)

# Events of transactions that committed after a later one was seen: looked at again.
OVERLAP = timedelta(minutes=10)
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
    # Appeals lodged, counted for the office appealed to (tier 2), on the day of the appeal.
    "appeals_received",
    # Left the open statuses (as the grievance stands now): the day it was resolved, or
    # closed, or set aside as not a grievance or a duplicate. Received - finished, summed over
    # every bucket before a day, is what was open at its start (`metrics.carried_over_by`).
    "finished",
    # Resolved, by the outcome recorded (the current resolution, like "resolved").
    *(f"resolved_{outcome}" for outcome in GrievanceOutcome.values),
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

# The columns of `SummarisedGrievance`, in the order every statement here writes them.
LEDGER_COLUMNS = (
    "grievance_id",
    "office_id",
    "district_id",
    "upazila_id",
    "category_id",
    "channel",
    "tier",
    "outcome",
    "received_day",
    "accepted_day",
    "first_responded_day",
    "first_responded_on_time",
    "first_response_days",
    "resolved_day",
    "resolved_on_time",
    "resolution_days",
    "closed_day",
    "finished_day",
    "facebook",
    "answered_publicly",
    "ignored_day",
    "open",
    "untriaged",
    "sort_due_at",
    "first_response_due_at",
    "last_event_id",
    "last_feedback_id",
)

# Working days from the day received to the day of the first response / resolution, as
# `core.calendar.working_days_between` counts them: working days after the first date, up to
# and including the second. `ord.o` numbers the working days, one element per calendar day
# from %(cal_start)s.
_WORKING_DAYS = (
    "LEAST(GREATEST(ord.o[({to} - %(cal_start)s::date) + 1] "
    "- ord.o[({frm} - %(cal_start)s::date) + 1], 0), %(max_days)s)"
)
# When a grievance that is not open now left the open statuses: resolved (a closed one was
# resolved first), closed, or set aside (its last change to the status it has now).
_FINISHED_AT = """COALESCE(g.resolved_at, g.closed_at, (
    SELECT max(e.created_at) FROM grievances_grievanceevent e
    WHERE e.grievance_id = g.id AND e.kind = 'status_changed' AND e.to_status = g.status),
    g.last_activity_at)"""

# Each grievance (all, or those in %(ids)s) as the summaries count it at %(now)s, in the
# order of `LEDGER_COLUMNS`. One statement, so a grievance's row, events and feedback are read
# at one moment.
_LEDGER_SQL = f"""
WITH cal AS (
    SELECT d::date AS day,
           count(*) FILTER (WHERE NOT (extract(isodow FROM d)::int = ANY(%(weekend)s))
                              AND NOT EXISTS (SELECT 1 FROM core_holiday h
                                              WHERE h.date = d::date))
               OVER (ORDER BY d) AS ordinal
    FROM generate_series(%(cal_start)s::date, %(cal_end)s::date, interval '1 day') d
),
ord AS (SELECT array_agg(ordinal ORDER BY day) AS o FROM cal),
g AS (
    SELECT g.*, {_DAY.format(col="received_at")} AS received_day,
           {_DAY.format(col="first_responded_at")} AS first_responded_day,
           {_DAY.format(col="resolved_at")} AS resolved_day
    FROM grievances_grievance g
    WHERE %(ids)s::bigint[] IS NULL OR g.id = ANY(%(ids)s::bigint[])
),
ev AS (
    SELECT grievance_id, max(id) AS last_id FROM grievances_grievanceevent
    WHERE %(ids)s::bigint[] IS NULL OR grievance_id = ANY(%(ids)s::bigint[])
    GROUP BY grievance_id
),
fb AS (
    SELECT grievance_id, max(id) AS last_id FROM grievances_feedback
    WHERE %(ids)s::bigint[] IS NULL OR grievance_id = ANY(%(ids)s::bigint[])
    GROUP BY grievance_id
),
answered AS (
    SELECT DISTINCT grievance_id FROM grievances_reply
    WHERE to_facebook AND state = 'sent'
      AND (%(ids)s::bigint[] IS NULL OR grievance_id = ANY(%(ids)s::bigint[]))
)
SELECT g.id AS grievance_id, g.office_id, g.district_id, g.upazila_id, g.category_id,
       g.channel, g.tier, g.outcome, g.received_day,
       {_DAY.format(col="g.accepted_at")} AS accepted_day,
       g.first_responded_day,
       COALESCE(g.first_responded_at <= g.first_response_due_at, false)
           AS first_responded_on_time,
       CASE WHEN g.first_responded_day IS NOT NULL
            THEN {_WORKING_DAYS.format(frm="g.received_day", to="g.first_responded_day")}
       END AS first_response_days,
       g.resolved_day,
       COALESCE(g.resolved_at <= g.due_at, false) AS resolved_on_time,
       CASE WHEN g.resolved_day IS NOT NULL
            THEN {_WORKING_DAYS.format(frm="g.received_day", to="g.resolved_day")}
       END AS resolution_days,
       {_DAY.format(col="g.closed_at")} AS closed_day,
       CASE WHEN g.status <> ALL(%(open_statuses)s)
            THEN {_DAY.format(col=_FINISHED_AT)} END AS finished_day,
       g.channel = ANY(%(facebook)s) AS facebook,
       g.channel = ANY(%(facebook)s) AND answered.grievance_id IS NOT NULL
           AS answered_publicly,
       CASE WHEN g.channel = ANY(%(facebook)s)
                 AND g.status NOT IN ('not_grievance', 'duplicate')
                 AND g.first_response_due_at < %(now)s
                 AND (g.first_responded_at IS NULL
                      OR g.first_responded_at > g.first_response_due_at)
            THEN {_DAY.format(col="g.first_response_due_at")} END AS ignored_day,
       g.status = ANY(%(open_statuses)s) AS open, g.status = 'new' AS untriaged,
       g.sort_due_at, g.first_response_due_at,
       COALESCE(ev.last_id, 0) AS last_event_id,
       COALESCE(fb.last_id, 0) AS last_feedback_id
FROM g CROSS JOIN ord
LEFT JOIN ev ON ev.grievance_id = g.id
LEFT JOIN fb ON fb.grievance_id = g.id
LEFT JOIN answered ON answered.grievance_id = g.id
"""  # noqa: S608 - built from constants only


def _branch(
    day: str,
    values: dict[str, str],
    *,
    office: str = "g.office_id",
    join: str = "",
    where: str = "",
) -> tuple[str, frozenset[str]]:
    """One kind of fact, as wide rows: the measures it adds to, 0 for the others (and which
    those are, so a table that needs none of them does not read it)."""
    measures = ", ".join(
        f"({values[m]})::int AS {m}" if m in values else f"0 AS {m}" for m in EVENT_MEASURES
    )
    columns = f"{day} AS day, {office} AS office_id, g.district_id, g.upazila_id, g.category_id"
    sql = f"SELECT {columns}, g.channel, g.sign, {measures} FROM g {join} {where}"  # noqa: S608
    return sql, frozenset(values)


_EVENTS = "JOIN grievances_grievanceevent e ON e.grievance_id = g.grievance_id "
_EVENTS_COUNTED = _EVENTS + "AND e.id <= g.last_event_id "

# Every fact of the ledger rows in `g` (each with a `sign`: +1 added, -1 taken out).
_FACTS = (
    _branch(
        "g.received_day",
        {
            "received": "1",
            "facebook_received": "g.facebook",
            "facebook_answered_publicly": "g.answered_publicly",
        },
    ),
    _branch("g.accepted_day", {"accepted": "1"}, where="WHERE g.accepted_day IS NOT NULL"),
    _branch(
        "g.first_responded_day",
        {"first_responded": "1", "first_responded_on_time": "g.first_responded_on_time"},
        where="WHERE g.first_responded_day IS NOT NULL",
    ),
    _branch(
        "g.resolved_day",
        {
            "resolved": "1",
            "resolved_on_time": "g.resolved_on_time",
            "appeals_resolved": "g.tier >= 2",
            "appeals_resolved_on_time": "g.tier >= 2 AND g.resolved_on_time",
            **{f"resolved_{o}": f"g.outcome = '{o}'" for o in GrievanceOutcome.values},
        },
        where="WHERE g.resolved_day IS NOT NULL",
    ),
    _branch("g.closed_day", {"closed": "1"}, where="WHERE g.closed_day IS NOT NULL"),
    _branch("g.finished_day", {"finished": "1"}, where="WHERE g.finished_day IS NOT NULL"),
    _branch("g.ignored_day", {"facebook_ignored": "1"}, where="WHERE g.ignored_day IS NOT NULL"),
    _branch(
        _DAY.format(col="f.created_at"),
        {
            "feedback": "1",
            "feedback_fixed": "f.is_fixed",
            "rating_count": "f.rating IS NOT NULL",
            "rating_sum": "COALESCE(f.rating, 0)",
        },
        join="JOIN grievances_feedback f ON f.grievance_id = g.grievance_id "
        "AND f.id <= g.last_feedback_id",
    ),
    _branch(
        _DAY.format(col="e.created_at"),
        {
            "not_grievance": "e.to_status = 'not_grievance'",
            "duplicate": "e.to_status = 'duplicate'",
            "reopened": """e.data @> '{"reopened": true}'::jsonb""",
        },
        join=_EVENTS_COUNTED + "AND e.kind = 'status_changed'",
        where="""WHERE e.to_status IN ('not_grievance', 'duplicate')
                        OR e.data @> '{"reopened": true}'::jsonb""",
    ),
    # Moves count for the office left and the office reached, not the grievance's own.
    _branch(
        _DAY.format(col="e.created_at"),
        {
            "transferred_in": "m.arriving AND e.kind = 'transferred'",
            "transferred_out": "NOT m.arriving AND e.kind = 'transferred'",
            "appeals_received": "m.arriving AND e.kind = 'appealed'",
            "appealed": "NOT m.arriving AND e.kind = 'appealed'",
        },
        office="m.office_id",
        join=_EVENTS_COUNTED + "AND e.kind IN ('transferred', 'appealed') "
        "CROSS JOIN LATERAL (VALUES (true, e.to_office_id), (false, e.from_office_id)) "
        "m(arriving, office_id)",
        where="WHERE m.office_id IS NOT NULL",
    ),
)

_DURATION_FACTS = """
SELECT first_responded_day AS day, office_id, district_id, category_id, channel, sign,
       'f' AS measure, first_response_days AS working_days, 1 AS count
FROM g WHERE first_responded_day IS NOT NULL
UNION ALL
SELECT resolved_day, office_id, district_id, category_id, channel, sign,
       'r', resolution_days, 1
FROM g WHERE resolved_day IS NOT NULL
"""

# The week within its month of a day: Sunday to Saturday, cut at the month's ends.
_WEEK_OF_DAY = "GREATEST(day - extract(dow FROM day)::int, date_trunc('month', day)::date)"
_PLACE = "COALESCE(o.district_id, f.district_id)"

# kind → (table, key columns, measures)
_TABLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "events": (
        "dashboards_eventsummary",
        ("level", "grain", "bucket", "office_id", "district_id", "category_id", "channel"),
        EVENT_MEASURES,
    ),
    "upazilas": (
        "dashboards_upazilasummary",
        ("grain", "bucket", "office_id", "district_id", "upazila_id"),
        UPAZILA_MEASURES,
    ),
    "durations": (
        "dashboards_durationsummary",
        (
            "level",
            "grain",
            "bucket",
            "office_id",
            "district_id",
            "category_id",
            "channel",
            "measure",
            "working_days",
        ),
        ("count",),
    ),
    "snapshot": (
        "dashboards_currentsnapshot",
        ("office_id", "district_id", "category_id", "channel"),
        ("open", "untriaged", "overdue", "facebook_unanswered_overdue"),
    ),
}


def _summed(
    sql: str, adds: frozenset[str], measures: tuple[str, ...], detail: tuple[str, ...]
) -> str:
    """One kind of fact summed per day and place before the kinds are put together: narrow
    rows, a few per day and place, rather than a wide row per fact for one sum over all of
    them (at 10 M grievances, 60 M rows of 34 columns)."""
    keys = ", ".join(f"b.{k}" for k in ("day", "office_id", "district_id", *detail))
    sums = ", ".join(
        f"SUM(b.{m} * b.sign)::int AS {m}" if m in adds else f"0 AS {m}" for m in measures
    )
    return f"SELECT {keys}, 1 AS sign, {sums} FROM ({sql}) b GROUP BY {keys}"  # noqa: S608


def _rows_sql(kind: str, source: str) -> str:
    """The rows of a summary table (`_TABLES`, in its column order) that the ledger rows of
    `source` add up to, at every grain and level, leaving out those that add nothing. The sums
    are signed, so for grievances counted again they are the difference those make. Each grain
    and level is summed from the one below it (days, then weeks and months; every category and
    channel, then per category, then per office), so the facts are read once."""
    if kind == "snapshot":
        return _SNAPSHOT_SQL.format(source=source)
    _table, keys, measures = _TABLES[kind]
    detail = {
        "upazilas": ("upazila_id",),
        "events": ("category_id", "channel"),
        "durations": ("category_id", "channel", "measure", "working_days"),
    }[kind]
    # Integer sums (SUM of a bigint would be a numeric: wide rows, slow to add up).
    signed = ", ".join(f"SUM(f.{m} * f.sign)::int AS {m}" for m in measures)
    sums = ", ".join(f"SUM({m})::int AS {m}" for m in measures)
    nonzero = "HAVING " + " OR ".join(f"SUM({m}) <> 0" for m in measures)
    day_keys = ", ".join(f"f.{k}" for k in detail)
    place = ("office_id", "district_id", *detail)

    def grain(name: str, bucket: str) -> str:
        columns = f"'{name}' AS grain, {bucket} AS bucket, {', '.join(place)}, {sums}"
        return f"SELECT {columns} FROM days GROUP BY {bucket}, {', '.join(place)} {nonzero}"  # noqa: S608

    def part(table: str, given: dict[str, str], group: str = "") -> str:
        columns = ", ".join(given.get(k, k) for k in keys)
        values = sums if group else ", ".join(measures)
        return f"SELECT {columns}, {values} FROM {table} {group}"  # noqa: S608

    if kind == "upazilas":
        levels = part("grains", {})
        by_category = ""
    else:
        extra = ("measure", "working_days") if kind == "durations" else ()
        office_keys = ", ".join(("grain", "bucket", "office_id", "district_id", *extra))
        by_category = f""",
by_category AS MATERIALIZED (
    SELECT {office_keys}, category_id, {sums} FROM grains
    GROUP BY {office_keys}, category_id {nonzero}
)"""  # noqa: S608
        per_office = {"level": "2", "channel": "''", "category_id": "NULL::bigint"}
        if kind == "durations":
            # Histograms have no per-category level (a row per working day made it 40 % of
            # the table): a category alone is read from the full level, its channels summed.
            by_category = ""
            parts: tuple[str, ...] = (
                part("grains", {"level": "0 AS level"}),
                part("grains", per_office, f"GROUP BY {office_keys} {nonzero}"),
            )
        else:
            parts = (
                part("grains", {"level": "0 AS level"}),
                part("by_category", {"level": "1", "channel": "''"}),
                part("by_category", per_office, f"GROUP BY {office_keys} {nonzero}"),
            )
        levels = "\nUNION ALL\n".join(parts)
    facts = (
        _DURATION_FACTS
        if kind == "durations"
        else "\nUNION ALL\n".join(
            _summed(sql, adds, measures, detail) for sql, adds in _FACTS if adds & set(measures)
        )
    )
    return f"""
WITH g AS ({source}),
facts AS ({facts}),
days AS MATERIALIZED (
    SELECT f.day, f.office_id, {_PLACE} AS district_id, {day_keys}, {signed}
    FROM facts f JOIN offices_office o ON o.id = f.office_id
    GROUP BY f.day, f.office_id, {_PLACE}, {day_keys}
),
grains AS MATERIALIZED (
    SELECT 'd' AS grain, day AS bucket, {", ".join(place)}, {", ".join(measures)} FROM days
    WHERE {" OR ".join(f"{m} <> 0" for m in measures)}
    UNION ALL
    {grain("w", _WEEK_OF_DAY)}
    UNION ALL
    {grain("m", "date_trunc('month', day)::date")}
){by_category}
{levels}
"""  # noqa: S608 - built from constants only


# Open and overdue at the moment `at` of each ledger row in `g`: the conditions of
# `Grievance.objects.open()` and `.overdue(at)` (`grievances.models.overdue_q`: open and past
# `sort_due_at`), on the grievance as counted. The property test checks them against the live
# querysets.
_SNAPSHOT_SQL = """
WITH g AS ({source})
SELECT g.office_id, COALESCE(o.district_id, g.district_id) AS district_id, g.category_id,
       g.channel, SUM(g.sign)::int AS open,
       COALESCE(SUM(g.sign) FILTER (WHERE g.untriaged), 0)::int AS untriaged,
       COALESCE(SUM(g.sign) FILTER (WHERE g.sort_due_at < g.at), 0)::int AS overdue,
       COALESCE(SUM(g.sign) FILTER (
           WHERE g.sort_due_at < g.at AND g.facebook AND g.first_responded_day IS NULL
             AND g.first_response_due_at < g.at), 0)::int AS facebook_unanswered_overdue
FROM g JOIN offices_office o ON o.id = g.office_id
WHERE g.open
GROUP BY 1, 2, 3, 4
"""
# (Rows adding nothing are left out by the merge; a rebuild's rows all have open > 0.)


def _insert_sql(kind: str, source: str, into: str | None = None) -> str:
    table, keys, measures = _TABLES[kind]
    columns = ", ".join((*keys, *measures))
    return f"INSERT INTO {into or table} ({columns})" + _rows_sql(kind, source)


# Key columns that may be NULL, matched as 0 (as the tables' key indexes hold them).
_NULLABLE = ("category_id", "upazila_id")


def _merge_sql(kind: str, source: str) -> str:
    """Add the signed rows of `source` to the table's: each row they touch is taken out and
    put back with the sum, and a row that sums to nothing is left out."""
    table, keys, measures = _TABLES[kind]
    match = " AND ".join(
        f"COALESCE(t.{k}, 0) = COALESCE(d.{k}, 0)" if k in _NULLABLE else f"t.{k} = d.{k}"
        for k in keys
    )
    columns = ", ".join((*keys, *measures))
    return f"""
WITH delta AS MATERIALIZED ({_rows_sql(kind, source)}),
gone AS (
    DELETE FROM {table} t USING delta d WHERE {match}
    RETURNING {", ".join(f"t.{c}" for c in (*keys, *measures))}
)
INSERT INTO {table} ({columns})
SELECT {", ".join(keys)}, {", ".join(f"SUM({m})" for m in measures)}
FROM (SELECT {columns} FROM gone UNION ALL SELECT {columns} FROM delta) both_rows
GROUP BY {", ".join(keys)}
HAVING {" OR ".join(f"SUM({m}) <> 0" for m in measures)}
"""  # noqa: S608 - built from constants only


_LEDGER = "dashboards_summarisedgrievance"
_COLUMNS = ", ".join(LEDGER_COLUMNS)
# Each source row carries the moment it is counted at (`at`: what is overdue then).
_EVERY_COUNTED = f"SELECT {_COLUMNS}, 1 AS sign, %(now)s AS at FROM {_LEDGER}"  # noqa: S608
# In a refresh: what the changed grievances counted at the last run, taken out; what they
# count now (the temporary table `_dash_now`), added.
_CHANGED = (
    f"SELECT {_COLUMNS}, -1 AS sign, %(before)s AS at FROM {_LEDGER} "  # noqa: S608
    "WHERE grievance_id = ANY(%(ids)s::bigint[]) "
    f"UNION ALL SELECT {_COLUMNS}, 1 AS sign, %(now)s AS at FROM _dash_now"
)


def _params(
    now: datetime, ids: Sequence[int] | None = None, before: datetime | None = None
) -> dict[str, Any]:
    return {
        "ids": None if ids is None else sorted(ids),
        "now": now,
        "before": before,
        "facebook": list(FACEBOOK_CHANNELS),
        "open_statuses": [str(status) for status in OPEN_STATUSES],
        "weekend": [day + 1 for day in settings.WEEKEND_DAYS],  # weekday() → ISO day of week
        "max_days": MAX_WORKING_DAYS,
        "cal_start": "2000-01-01",
        "cal_end": (now + timedelta(days=366)).date().isoformat(),
    }


def _count_again(ids: Sequence[int], now: datetime, before: datetime) -> None:
    """Count these grievances again: take out what they counted at the last run (`before`),
    add what they count now."""
    params = _params(now, ids, before)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # compiling costs more than these few rows
        cursor.execute("DROP TABLE IF EXISTS _dash_now")
        cursor.execute(f"CREATE TEMPORARY TABLE _dash_now AS {_LEDGER_SQL}", params)
        cursor.execute("ANALYZE _dash_now")  # a few rows: planned as such, on the indexes
        for kind in _TABLES:
            cursor.execute(_merge_sql(kind, _CHANGED), params)
        cursor.execute(f"DELETE FROM {_LEDGER} WHERE grievance_id = ANY(%(ids)s::bigint[])", params)  # noqa: S608
        cursor.execute(f"INSERT INTO {_LEDGER} ({_COLUMNS}) SELECT {_COLUMNS} FROM _dash_now")  # noqa: S608
        cursor.execute("DROP TABLE _dash_now")


def _record_backlog(now: datetime) -> None:
    """Today's row per office × district of `BacklogHistory`: the current snapshot's open and
    overdue totals. Each run of the day replaces the day's rows, so the day keeps what its last
    run saw (its end), and a run twice changes nothing."""
    day = dhaka_date(now)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dashboards_backloghistory WHERE day = %s", [day])
        cursor.execute(
            """
            INSERT INTO dashboards_backloghistory (day, office_id, district_id, open, overdue)
            SELECT %s, office_id, district_id, SUM(open), SUM(overdue)
            FROM dashboards_currentsnapshot GROUP BY office_id, district_id
            """,
            [day],
        )


def _lock(*, shared: bool = False) -> None:
    """Wait for the refresh's lock: a rebuild's step and a refresh never write at once.
    Shared, steps of one rebuild run side by side (each writes its own table)."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [_LOCK_KEY])


def _try_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _state() -> RefreshState:
    RefreshState.objects.get_or_create(pk=1)
    return RefreshState.objects.select_for_update().get(pk=1)


def _changed_grievances(state: RefreshState, now: datetime) -> set[int]:
    """The grievances whose facts may have changed since the last run (more is harmless:
    counted again, a grievance that did not change changes nothing)."""
    assert state.started_at is not None  # noqa: S101 - only after a first build
    since = state.started_at - OVERLAP
    events = GrievanceEvent.objects.filter(pk__gt=state.last_event_id) | (
        GrievanceEvent.objects.filter(created_at__gte=since)
    )
    changed = set(events.values_list("grievance_id", flat=True))
    changed |= set(
        Grievance.objects.filter(last_activity_at__gte=since).values_list("pk", flat=True)
    )
    changed |= set(
        Feedback.objects.filter(created_at__gte=since).values_list("grievance_id", flat=True)
    )
    changed |= set(
        Reply.objects.filter(
            to_facebook=True, state=ReplyState.SENT, sent_at__gte=since
        ).values_list("grievance_id", flat=True)
    )
    # Open grievances that became overdue since the last run, and Facebook posts that became
    # "ignored" (and perhaps overdue unanswered), without any event (answered late, they were
    # counted again when answered).
    changed |= set(
        Grievance.objects.open()
        .filter(sort_due_at__gte=state.started_at, sort_due_at__lt=now)
        .values_list("pk", flat=True)
    )
    changed |= set(
        Grievance.objects.filter(
            channel__in=FACEBOOK_CHANNELS,
            first_responded_at__isnull=True,
            first_response_due_at__gte=state.started_at,
            first_response_due_at__lt=now,
        ).values_list("pk", flat=True)
    )
    return changed


def _max_event_id() -> int:
    last = GrievanceEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


# --- the rebuild, step by step ----------------------------------------------------------------


# A rebuild step sums millions of rows: enough memory to hash them rather than sort on disk
# (a hash table may take REBUILD_HASH_MEM_MULTIPLIER times the work memory). The groups are
# bounded by days × offices × categories × channels, not by the grievances: at 10 M
# grievances a sort would spill many gigabytes to disk, a hash table does not grow.
REBUILD_WORK_MEM = "1GB"
REBUILD_HASH_MEM_MULTIPLIER = 4
# The order a rebuild writes each table in: its pages' reads (`dashboards/metrics.py`), so the
# rows of a period lie together on a few pages, not one row on each of thousands.
_READ_ORDER = {
    "events": "level, grain, bucket, district_id",
    "upazilas": "district_id, grain, bucket",
    "durations": "level, grain, bucket, district_id",
}


def _bulk_session(cursor: CursorWrapper) -> None:
    cursor.execute(f"SET LOCAL work_mem = '{REBUILD_WORK_MEM}'")
    cursor.execute(f"SET LOCAL hash_mem_multiplier = {REBUILD_HASH_MEM_MULTIPLIER}")
    # Compiling the wide sums costs seconds per statement and saves less than it costs.
    cursor.execute("SET LOCAL jit = off")


def _nothing() -> None:
    pass


# A rebuild step does its work and returns what it must do last, just before it commits.
Step = Callable[[datetime], Callable[[], None]]


def _rebuild_ledger(now: datetime) -> Callable[[], None]:
    with connection.cursor() as cursor:
        _bulk_session(cursor)
        cursor.execute(f"TRUNCATE {_LEDGER}")  # read by the summaries' writers only
        cursor.execute(f"INSERT INTO {_LEDGER} ({_COLUMNS}) {_LEDGER_SQL}", _params(now))
        cursor.execute(f"ANALYZE {_LEDGER}")
    return _nothing


def _rebuild_table(kind: str) -> Step:
    """Build the table anew beside the one pages read (`<table>_rebuilt`: its columns and
    checks, the rows in read order, then its indexes, one sort each), and return the swap
    that puts it in that one's place under the same names. Pages go on reading the old rows
    while the step works; they wait only for the swap and the commit that follows it."""

    def step(now: datetime) -> Callable[[], None]:
        table = _TABLES[kind][0]
        new = f"{table}_rebuilt"
        with connection.cursor() as cursor:
            _bulk_session(cursor)
            cursor.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING ALL EXCLUDING INDEXES)")
            order = f" ORDER BY {_READ_ORDER[kind]}"
            cursor.execute(_insert_sql(kind, _EVERY_COUNTED, into=new) + order, _params(now))
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, i.indisprimary, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = %s::regclass",
                [table],
            )
            indexes = cursor.fetchall()
            for name, primary, definition in indexes:
                unique = "UNIQUE " if definition.startswith("CREATE UNIQUE ") else ""
                method = definition.split(" USING ", 1)[1]
                cursor.execute(f"CREATE {unique}INDEX {name}_rebuilt ON {new} USING {method}")
                if primary:
                    cursor.execute(
                        f"ALTER TABLE {new} ADD CONSTRAINT {name}_rebuilt "
                        f"PRIMARY KEY USING INDEX {name}_rebuilt"
                    )
            # Statistics for the refresh's lookups by whole key (an expression index's are
            # only gathered by ANALYZE): without them it scans a bucket's rows per lookup.
            cursor.execute(f"ANALYZE {new}")

        def swap() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0].rsplit(".", 1)[-1]
                cursor.execute(f"DROP TABLE {table}")
                cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
                for name, _primary, _definition in indexes:
                    cursor.execute(f"ALTER INDEX {name}_rebuilt RENAME TO {name}")
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                cursor.execute(f"ALTER SEQUENCE {cursor.fetchone()[0]} RENAME TO {sequence}")

        return swap

    return step


def _rebuild_snapshot(now: datetime) -> Callable[[], None]:
    # Small, and keeps its foreign keys: rewritten in place (readers see the old rows until
    # the step commits).
    table = _TABLES["snapshot"][0]
    with connection.cursor() as cursor:
        _bulk_session(cursor)
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a constant
        cursor.execute(_insert_sql("snapshot", _EVERY_COUNTED), _params(now))
        cursor.execute(f"ANALYZE {table}")
    _record_backlog(now)
    return _nothing


# The two long steps first: run side by side (`_rebuild_in_parallel`), the short ones fit in
# behind them.
REBUILD_STEPS: tuple[tuple[str, Step], ...] = (
    ("grievances", _rebuild_ledger),
    ("events", _rebuild_table("events")),
    ("durations", _rebuild_table("durations")),
    ("upazilas", _rebuild_table("upazilas")),
    ("open and overdue now", _rebuild_snapshot),
)


def _rebuild_from(
    state: RefreshState,
    progress: Callable[[int, int], None] | None,
    *,
    in_steps: bool,
    last: int | None = None,
) -> None:
    """Run the rebuild's steps from `state.rebuild_step` on (to `last`), each in its own
    transaction (or all in the caller's when not `in_steps`), with the time the rebuild
    began."""
    now = state.started_at or timezone.now()
    while True:
        with transaction.atomic():
            if in_steps:
                _lock()
                state = _state()
            current = state.rebuild_step
            if current is None or (last is not None and current > last):
                return  # done (a refresh may have finished it between two steps)
            REBUILD_STEPS[current][1](now)()
            _finish_step(state, current)
        if progress is not None:
            progress(current + 1, len(REBUILD_STEPS))


def _rebuild_in_parallel(
    state: RefreshState, progress: Callable[[int, int], None] | None, jobs: int
) -> None:
    """The ledger (every other step reads it), then the other steps `jobs` at a time, each
    on a connection of its own. They still commit in order, a step done early waiting for
    those before it, so `rebuild_step` keeps saying which are done: after a failure or an
    interruption, the steps after the first unfinished one run again."""
    if state.rebuild_step == 0:
        _rebuild_from(state, progress, in_steps=True, last=0)
    first = _state_now().rebuild_step
    if first is None:
        return
    now = state.started_at or timezone.now()
    turn = threading.Condition()
    committed = [first]  # every step before this one is committed
    failed: list[BaseException] = []

    def run(step: int) -> None:
        with transaction.atomic():
            _lock(shared=True)
            current = _state_now().rebuild_step
            todo = current is not None and current <= step  # or done by a refresh meanwhile
            last = REBUILD_STEPS[step][1](now) if todo else _nothing
            with turn:
                turn.wait_for(lambda: committed[0] == step or bool(failed))
                if failed:
                    raise RuntimeError("an earlier step failed")
            if todo:
                last()  # a table swapped only now: pages wait for its commit, not its turn
                _finish_step(_state(), step)
        if todo and progress is not None:  # before the next step may commit: it may stop them
            progress(step + 1, len(REBUILD_STEPS))
        with turn:
            committed[0] = step + 1
            turn.notify_all()

    def stop(error: BaseException) -> None:
        with turn:
            failed.append(error)
            turn.notify_all()

    steps: queue.SimpleQueue[int] = queue.SimpleQueue()
    for step in range(first, len(REBUILD_STEPS)):
        steps.put(step)

    def work() -> None:
        try:
            while not failed:
                try:
                    step = steps.get_nowait()
                except queue.Empty:
                    return
                run(step)
        except BaseException as error:
            stop(error)

    run_threads(jobs, work, stop)  # interrupted: the steps not yet committed roll back
    if failed:
        raise failed[0]


def _state_now() -> RefreshState:
    """The state as committed, without waiting for a writer."""
    return RefreshState.objects.get(pk=1)


def _finish_step(state: RefreshState, step: int) -> None:
    done = step + 1
    state.rebuild_step = done if done < len(REBUILD_STEPS) else None
    if state.rebuild_step is None:
        state.finished_at = timezone.now()
    state.save(update_fields=["rebuild_step", "finished_at"])


def summaries_refresh(now: datetime | None = None) -> bool:
    """One incremental run. False when another run holds the lock (it covers this window)."""
    now = now or timezone.now()
    with transaction.atomic():
        if not _try_lock():
            return False
        state = _state()
        if state.started_at is None or state.rebuild_step is not None:
            # Never built, or a rebuild was started and not finished: finish it here.
            if state.started_at is None:
                _begin_rebuild(state, now)
            _rebuild_from(state, None, in_steps=False)
        else:
            changed = _changed_grievances(state, now)
            if changed:
                _count_again(sorted(changed), now, state.started_at)
            _record_backlog(now)
            state.last_event_id = _max_event_id()
            state.started_at = now
            state.finished_at = timezone.now()
            state.save()
    return True


def _begin_rebuild(state: RefreshState, now: datetime) -> None:
    # Events from here on are seen again by the next refresh.
    state.last_event_id = _max_event_id()
    state.started_at = now
    state.rebuild_step = 0
    state.save()


def summaries_rebuild(
    now: datetime | None = None,
    *,
    resume: bool = True,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
) -> None:
    """Recompute every summary from scratch, a step per transaction. With `resume`, an
    interrupted rebuild goes on from the step it had not done. With `jobs` above 1 the steps
    after the ledger run that many at a time, each on a connection of its own (not inside a
    caller's transaction, whose rows the others would not see)."""
    with transaction.atomic():
        _lock()
        state = _state()
        if not (resume and state.rebuild_step is not None):
            _begin_rebuild(state, now or timezone.now())
    if jobs > 1 and not connection.in_atomic_block:
        _rebuild_in_parallel(state, progress, jobs)
    else:
        _rebuild_from(state, progress, in_steps=True)
