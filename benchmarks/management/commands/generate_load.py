"""Fill the database with N synthetic grievances and their histories, set-based in SQL.

    python manage.py generate_load 10000000 [--offices 64] [--chunk 250000] [--seed 42]
                                            [--indexes auto|rebuild|keep] [--jobs 2]

Every grievance is planned in SQL (`generate_series`, `random()` after `setseed`): its office
(district volumes differ, offices differ in speed), channel, category, upazila and a life
spread over the last two years — received, perhaps transferred, triaged (accepted, set aside,
a duplicate, or never looked at), first answered, worked on, resolved, the citizen's feedback
(fixed; not fixed and reopened; not fixed and appealed to the parent office), resolved again,
closed. Deadlines are the real working-day ones (`core.calendar`, holidays included). The
grievance row is the state that life has reached now; the events, public replies and feedback
are the steps already taken, as the services would have written them, so the dashboards and
the inbox read a consistent history. Tracking codes start with "LD" so they never collide
with real ones; columns this command does not know get their model default. Each chunk draws
from its own seed, so a load is the same whichever connection writes which chunk.

A big load (`auto`: at least 100,000 rows and at least as many as the tables hold) drops the
secondary indexes of the four tables and builds them once at the end: maintaining the search
(GIN) and keyset indexes row by row is what made the old loader slow. Foreign keys are not
checked row by row when the database role may skip them (`session_replication_role`): the
plan only uses ids it read from the database.

With `--jobs 1` (and always inside a caller's transaction) everything runs in one
transaction, so a failed load leaves no rows and every index in place. With more (by default
one per core), the chunks, then the index builds, then the VACUUMs are shared among that many
connections, each chunk committing on its own; the loaded ids are reserved first, and a load
that fails deletes its rows and builds the dropped indexes back.
"""

import os
import queue
import random
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TextIO, TypeVar

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from core.calendar import DHAKA, add_working_days
from core.threads import run_threads
from grievances.models import Category, Feedback, Grievance, GrievanceEvent, Reply
from offices.models import Office, Upazila

WORDS_BN = [
    "জমি",
    "নামজারি",
    "রাস্তা",
    "ভাঙা",
    "বিদ্যুৎ",
    "নেই",
    "ভাতা",
    "পাচ্ছি",
    "না",
    "হাসপাতাল",
    "ডাক্তার",
    "স্কুল",
    "শিক্ষক",
    "ত্রাণ",
    "বন্যা",
    "চাঁদাবাজি",
    "মাদক",
    "পানি",
    "সরবরাহ",
    "ড্রেন",
    "ময়লা",
    "ঘুষ",
    "দালাল",
    "সেবা",
    "দেরি",
]
WORDS_EN = [
    "land",
    "road",
    "broken",
    "electricity",
    "allowance",
    "hospital",
    "school",
    "relief",
    "flood",
    "drain",
    "bribe",
    "delay",
]
SPAN_DAYS = 2 * 365  # received over the last two years, more of them recently
BIG_LOAD = 100_000
MAX_JOBS = 4  # connections loading at once, by default one per core up to this
TABLES = [Grievance, GrievanceEvent, Reply, Feedback]
_Task = TypeVar("_Task")

# The plan of one chunk of grievances, ids %(first)s..%(last)s: the draws (d), the life's
# timestamps (t; NULL = never happens) and the state reached at %(now)s (p).
PLAN_SQL = """
CREATE TEMP TABLE _gl_plan AS
WITH d AS MATERIALIZED (
    SELECT n,
        width_bucket(random(), %(cuts)s::float8[]) AS oi,
        %(now_s)s - %(span)s * power(random(), 1.15) AS received_s,
        random() AS u_ch, random() AS u_pr, random() AS u_cat, random() AS u_upz,
        random() AS u_upz_pick, random() AS u_tri, random() AS u_tt, random() AS u_ign,
        random() AS u_tr, random() AS u_tr_to, random() AS u_tr_at, random() AS u_fr,
        random() AS u_frp, random() AS u_prog, random() AS u_prog_at, random() AS u_stuck,
        random() AS u_res, random() AS u_fb, random() AS u_fbk, random() AS u_fb_at,
        random() AS u_rating, random() AS u_res2, random() AS u_close, random() AS u_out,
        random() AS u_fbch, random() AS u_tofb, random() AS u_intake, random() AS u_ngr,
        concat_ws(' ',
            (%(bn)s::text[])[1 + floor(random() * %(nbn)s)::int],
            (%(bn)s::text[])[1 + floor(random() * %(nbn)s)::int],
            (%(bn)s::text[])[1 + floor(random() * %(nbn)s)::int],
            (%(bn)s::text[])[1 + floor(random() * %(nbn)s)::int],
            (%(bn)s::text[])[1 + floor(random() * %(nbn)s)::int],
            (%(bn)s::text[])[1 + floor(random() * %(nbn)s)::int],
            (%(en)s::text[])[1 + floor(random() * %(nen)s)::int],
            (%(en)s::text[])[1 + floor(random() * %(nen)s)::int],
            '#' || n) AS description
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
),
t AS MATERIALIZED (
    SELECT d.*, g.office_id AS office0, g.district_id, g.parent_id, g.speed,
        tr.office_id AS office_tr, c.id AS category_id, u.upazila_id, cal.fr AS fr_due_s,
        lag(d.n) OVER (PARTITION BY d.oi ORDER BY d.n) AS dup_of,
        CASE WHEN d.u_ch < 0.55 THEN 'facebook_comment' WHEN d.u_ch < 0.60 THEN 'facebook_post'
             WHEN d.u_ch < 0.90 THEN 'web' ELSE 'officer_entry' END AS channel,
        d.u_ch < 0.60 AS is_fb,
        CASE WHEN tr.office_id IS NOT NULL
             THEN d.received_s + 60 * (20 + 600 * d.u_tr_at) END AS transfer_s
    FROM d
    JOIN _gl_office g ON g.i = d.oi
    JOIN _gl_cal cal ON cal.dn = floor((d.received_s + 21600) / 86400)::int
    LEFT JOIN _gl_office tr ON %(k)s > 1 AND d.u_tr < 0.015
        AND tr.i = 1 + (d.oi + floor(d.u_tr_to * (%(k)s - 1))::int) %% %(k)s
    LEFT JOIN _gl_category c ON c.i = floor(d.u_cat * (%(ncat)s + 1))::int
    LEFT JOIN _gl_upazila u ON d.u_upz < 0.7 AND u.district_id = g.district_id
        AND u.i = floor(d.u_upz_pick * g.upazilas)::int
),
t1 AS MATERIALIZED (
    SELECT t.*,
        CASE WHEN t.u_ign < CASE WHEN t.is_fb THEN 0.02 ELSE 0.004 END THEN 'none'
             WHEN t.u_tri < 0.05 THEN 'not_grievance'
             WHEN t.u_tri < 0.07 AND t.dup_of IS NOT NULL THEN 'duplicate'
             ELSE 'accept' END AS triage,
        greatest(t.received_s + 60 * (5 + 2880 * t.u_tt * t.u_tt * t.u_tt),
                 t.transfer_s + 300) AS triage_s
    FROM t
),
t2 AS MATERIALIZED (
    SELECT t1.*,
        CASE WHEN t1.triage = 'accept' AND t1.u_frp < CASE WHEN t1.is_fb THEN 0.8 ELSE 0.9 END
             THEN t1.received_s + 60 * (10 + 4320 * t1.u_fr * t1.u_fr * t1.speed)
             END AS reply_s,
        CASE WHEN t1.triage = 'accept' AND t1.u_prog < 0.6
             THEN t1.triage_s + 60 * (30 + 4320 * t1.u_prog_at) END AS progress_s
    FROM t1
),
t3 AS MATERIALIZED (
    SELECT t2.*,
        CASE WHEN t2.triage = 'accept' AND t2.u_stuck >= 0.03
             THEN greatest(t2.triage_s, t2.progress_s, t2.reply_s)
                 + 86400 * (0.5 + 50 * power(t2.u_res, 1.8) * t2.speed)
             END AS resolve1_s,
        CASE WHEN t2.u_fbk < 0.72 THEN 'fixed'
             WHEN t2.u_fbk < 0.87 OR t2.parent_id IS NULL THEN 'reopen'
             ELSE 'appeal' END AS fb_kind
    FROM t2
),
t4 AS MATERIALIZED (
    SELECT t3.*,
        CASE WHEN t3.u_fb < 0.45 THEN t3.resolve1_s + 3600 * (2 + 200 * t3.u_fb_at)
             END AS feedback_s
    FROM t3
),
t5 AS MATERIALIZED (
    SELECT t4.*,
        CASE WHEN t4.feedback_s IS NULL THEN c1.cz + 60 * (1 + 120 * t4.u_close)
             WHEN t4.fb_kind = 'fixed' THEN t4.feedback_s + 1
             END AS close1_s,
        CASE WHEN t4.fb_kind <> 'fixed'
             THEN t4.feedback_s + 86400 * (1 + 25 * power(t4.u_res2, 1.5) * t4.speed)
             END AS resolve2_s,
        ct.t1 AS due1_s,
        CASE WHEN t4.fb_kind = 'appeal' THEN cf.t2 ELSE cf.t1 END AS due_fb_s
    FROM t4
    LEFT JOIN _gl_cal c1 ON c1.dn = floor((t4.resolve1_s + 21600) / 86400)::int
    LEFT JOIN _gl_cal ct ON ct.dn = floor((t4.triage_s + 21600) / 86400)::int
    LEFT JOIN _gl_cal cf ON cf.dn = floor((t4.feedback_s + 21600) / 86400)::int
),
t6 AS MATERIALIZED (
    SELECT t5.*, c2.cz + 60 * (1 + 120 * t5.u_close) AS close2_s
    FROM t5
    LEFT JOIN _gl_cal c2 ON c2.dn = floor((t5.resolve2_s + 21600) / 86400)::int
),
p AS MATERIALIZED (
    SELECT t6.*,
        CASE WHEN t6.triage = 'none' OR t6.triage_s > %(now_s)s THEN 'new'
             WHEN t6.triage IN ('not_grievance', 'duplicate') THEN t6.triage
             WHEN t6.close2_s <= %(now_s)s THEN 'closed'
             WHEN t6.resolve2_s <= %(now_s)s THEN 'resolved'
             WHEN t6.feedback_s <= %(now_s)s AND t6.fb_kind <> 'fixed' THEN 'in_progress'
             WHEN t6.close1_s <= %(now_s)s THEN 'closed'
             WHEN t6.resolve1_s <= %(now_s)s THEN 'resolved'
             WHEN t6.progress_s <= %(now_s)s THEN 'in_progress'
             ELSE 'accepted' END AS status,
        coalesce(t6.transfer_s <= %(now_s)s, false) AS transferred,
        coalesce(t6.fb_kind = 'appeal' AND t6.feedback_s <= %(now_s)s, false) AS appealed,
        coalesce(t6.fb_kind = 'reopen' AND t6.feedback_s <= %(now_s)s, false) AS reopened
    FROM t6
)
SELECT p.n, p.office0, p.district_id, p.parent_id, p.office_tr, p.category_id, p.upazila_id,
    p.channel, p.triage, p.fb_kind, p.status, p.transferred, p.appealed, p.reopened, p.dup_of,
    p.description, p.u_pr, p.u_intake, p.u_ngr,
    CASE WHEN p.u_out < 0.3 THEN 'service_provided'
         WHEN p.u_out < 0.5 THEN 'information_provided'
         WHEN p.u_out < 0.8 THEN 'action_taken'
         WHEN p.u_out < 0.9 THEN 'allegation_proved'
         ELSE 'allegation_not_proved' END AS outcome,
    CASE WHEN p.transferred THEN p.office_tr ELSE p.office0 END AS office_before_appeal,
    CASE WHEN p.appealed THEN p.parent_id WHEN p.transferred THEN p.office_tr
         ELSE p.office0 END AS office_id,
    %(reply_base)s + (p.n - %(first_all)s) AS reply_id,
    p.is_fb AND p.u_tofb < 0.7 AS reply_to_facebook,
    CASE WHEN p.is_fb AND p.u_fbch < 0.6 THEN 'facebook' ELSE 'web' END AS feedback_channel,
    CASE WHEN p.fb_kind = 'fixed' THEN
             CASE WHEN p.u_rating < 0.5 THEN 5 WHEN p.u_rating < 0.8 THEN 4
                  WHEN p.u_rating < 0.95 THEN 3 ELSE 2 END
         WHEN p.u_rating < 0.5 THEN NULL WHEN p.u_rating < 0.8 THEN 1 ELSE 2 END AS rating,
    -- Times: every step, as timestamps; NULL for a step that never happens.
    to_timestamp(p.received_s) AS received_at,
    to_timestamp(p.transfer_s) AS transfer_at,
    to_timestamp(p.triage_s) AS triage_at,
    to_timestamp(p.reply_s) AS reply_at,
    to_timestamp(p.progress_s) AS progress_at,
    to_timestamp(p.resolve1_s) AS resolve1_at,
    to_timestamp(p.feedback_s) AS feedback_at,
    to_timestamp(p.close1_s) AS close1_at,
    to_timestamp(p.resolve2_s) AS resolve2_at,
    to_timestamp(p.close2_s) AS close2_at,
    to_timestamp(p.fr_due_s) AS fr_due,
    to_timestamp(p.due1_s) AS due1,
    to_timestamp(p.due_fb_s) AS due_fb,
    -- And the grievance's own, as reached now.
    to_timestamp(CASE WHEN p.status IN ('resolved', 'closed') THEN
        CASE WHEN p.resolve2_s <= %(now_s)s THEN p.resolve2_s ELSE p.resolve1_s END
        END) AS resolved_at,
    to_timestamp(CASE WHEN p.status = 'closed' THEN
        CASE WHEN p.close2_s <= %(now_s)s THEN p.close2_s ELSE p.close1_s END
        END) AS closed_at,
    to_timestamp(greatest(p.received_s,
        CASE WHEN p.transfer_s <= %(now_s)s THEN p.transfer_s END,
        CASE WHEN p.status <> 'new' THEN p.triage_s END,
        CASE WHEN p.reply_s <= %(now_s)s THEN p.reply_s END,
        CASE WHEN p.progress_s <= %(now_s)s AND p.status <> 'new' THEN p.progress_s END,
        CASE WHEN p.resolve1_s <= %(now_s)s THEN p.resolve1_s END,
        CASE WHEN p.feedback_s <= %(now_s)s THEN p.feedback_s + 2 END,
        CASE WHEN p.resolve2_s <= %(now_s)s THEN p.resolve2_s END,
        CASE WHEN p.close1_s <= %(now_s)s THEN p.close1_s END,
        CASE WHEN p.close2_s <= %(now_s)s THEN p.close2_s END)) AS last_activity_at,
    to_timestamp(greatest(CASE WHEN p.reply_s <= %(now_s)s THEN p.reply_s END,
        CASE WHEN p.resolve1_s <= %(now_s)s THEN p.resolve1_s END,
        CASE WHEN p.resolve2_s <= %(now_s)s THEN p.resolve2_s END)) AS last_public_update_at
FROM p
"""

# The grievance row: what the plan has reached at %(now)s. Columns not named here get their
# model default (see `_grievance_columns`).
GRIEVANCE_EXPRESSIONS = {
    "id": "p.n",
    "created_at": "p.received_at",
    "updated_at": "p.last_activity_at",
    "tracking_code": "'LD' || p.office0 || '-' || p.n",
    "office_id": "p.office_id",
    "district_id": "p.district_id",
    "upazila_id": "p.upazila_id",
    "category_id": "p.category_id",
    "channel": "p.channel",
    "status": "p.status",
    "tier": "CASE WHEN p.appealed THEN 2 ELSE 1 END",
    "outcome": "CASE WHEN p.resolved_at IS NOT NULL THEN p.outcome ELSE '' END",
    "outcome_note": "CASE WHEN p.resolved_at IS NOT NULL THEN %(answer)s ELSE '' END",
    "not_grievance_reason": """CASE WHEN p.status = 'not_grievance' THEN
        CASE WHEN p.u_ngr < 0.3 THEN 'praise' WHEN p.u_ngr < 0.6 THEN 'question_answered'
             WHEN p.u_ngr < 0.9 THEN 'spam' ELSE 'abuse' END ELSE '' END""",
    "duplicate_of_id": "CASE WHEN p.status = 'duplicate' THEN p.dup_of END",
    "priority": """CASE WHEN p.u_pr < 0.8 THEN 'normal' WHEN p.u_pr < 0.92 THEN 'high'
        WHEN p.u_pr < 0.97 THEN 'low' ELSE 'urgent' END""",
    "description": "p.description",
    "intake_via": """CASE WHEN p.channel <> 'officer_entry' THEN ''
        WHEN p.u_intake < 0.5 THEN 'phone' WHEN p.u_intake < 0.75 THEN 'paper'
        WHEN p.u_intake < 0.95 THEN 'call_centre_333' ELSE 'hearing' END""",
    "received_at": "p.received_at",
    "accepted_at": """CASE WHEN p.triage = 'accept' AND p.status <> 'new'
        THEN p.triage_at END""",
    "due_at": """CASE WHEN p.triage <> 'accept' OR p.status = 'new' THEN NULL
        WHEN p.appealed OR p.reopened THEN p.due_fb ELSE p.due1 END""",
    "first_response_due_at": "p.fr_due",
    "first_responded_at": "CASE WHEN p.reply_at <= %(now)s THEN p.reply_at END",
    "last_public_update_at": "p.last_public_update_at",
    "last_activity_at": "p.last_activity_at",
    "resolved_at": "p.resolved_at",
    "closed_at": "p.closed_at",
}

# The steps already taken, as the services write them (grievances/services/).
EVENTS_SQL = """
INSERT INTO grievances_grievanceevent
    (grievance_id, kind, actor_id, from_status, to_status, from_office_id, to_office_id,
     note, is_public, data, created_at)
SELECT p.n, e.kind, NULL, e.from_status, e.to_status, e.from_office, e.to_office,
       e.note, e.is_public, e.data, e.at
FROM _gl_plan p
CROSS JOIN LATERAL (VALUES
    ('created', p.received_at, '', 'new', NULL::bigint, p.office0, '', true, '{}'::jsonb),
    ('transferred', p.transfer_at, '', '', p.office0, p.office_tr, %(transfer_note)s, true,
        '{}'),
    ('status_changed', CASE WHEN p.triage <> 'none' THEN p.triage_at END, 'new',
        CASE WHEN p.triage = 'accept' THEN 'accepted' ELSE p.triage END, NULL, NULL, '', true,
        '{}'),
    ('public_reply', p.reply_at, '', '', NULL, NULL, %(reply)s, true,
        jsonb_build_object('reply_id', p.reply_id, 'to_facebook', p.reply_to_facebook)),
    ('status_changed', p.progress_at, 'accepted', 'in_progress', NULL, NULL, '', true, '{}'),
    ('status_changed', p.resolve1_at,
        CASE WHEN p.progress_at IS NULL THEN 'accepted' ELSE 'in_progress' END, 'resolved',
        NULL, NULL, %(answer)s, true, '{}'),
    ('feedback', p.feedback_at, '', '', NULL, NULL, '', false,
        jsonb_build_object('is_fixed', p.fb_kind = 'fixed', 'rating', p.rating,
            'next_step', CASE WHEN p.fb_kind = 'fixed' THEN '' ELSE p.fb_kind END,
            'channel', p.feedback_channel)),
    ('status_changed', p.close1_at, 'resolved', 'closed', NULL, NULL,
        CASE WHEN p.feedback_at IS NULL THEN '' ELSE %(confirmed)s END, true, '{}'),
    ('status_changed', CASE WHEN p.fb_kind <> 'fixed'
            THEN p.feedback_at + interval '1 second' END,
        'resolved', 'in_progress', NULL, NULL, %(not_fixed)s, true,
        CASE WHEN p.fb_kind = 'reopen' THEN jsonb_build_object('reopened', true,
            'previous', jsonb_build_object('outcome', p.outcome, 'outcome_note', %(answer)s))
        ELSE '{}' END),
    ('appealed', CASE WHEN p.fb_kind = 'appeal' THEN p.feedback_at + interval '2 seconds' END,
        '', '', p.office_before_appeal, p.parent_id, %(not_fixed)s, true,
        jsonb_build_object('tier', 2)),
    ('status_changed', p.resolve2_at, 'in_progress', 'resolved', NULL, NULL, %(answer)s, true,
        '{}'),
    ('status_changed', p.close2_at, 'resolved', 'closed', NULL, NULL, '', true, '{}')
) AS e(kind, at, from_status, to_status, from_office, to_office, note, is_public, data)
WHERE e.at <= %(now)s
"""

REPLIES_SQL = """
INSERT INTO grievances_reply
    (id, created_at, updated_at, grievance_id, author_id, body, to_facebook, to_citizen, state,
     external_id, attempts, last_error, first_attempt_at, next_attempt_at, sent_at)
SELECT p.reply_id, p.reply_at, p.reply_at + interval '30 seconds', p.n, NULL, %(reply)s,
       p.reply_to_facebook, true, 'sent', '', 1, '', p.reply_at, NULL,
       p.reply_at + interval '30 seconds'
FROM _gl_plan p
WHERE p.reply_at <= %(now)s
"""

FEEDBACK_SQL = """
INSERT INTO grievances_feedback
    (created_at, updated_at, grievance_id, is_fixed, rating, comment, channel)
SELECT p.feedback_at, p.feedback_at, p.n, p.fb_kind = 'fixed', p.rating, '', p.feedback_channel
FROM _gl_plan p
WHERE p.feedback_at <= %(now)s
"""

# Indexes that belong to no constraint (not the primary key, not a UNIQUE constraint).
SECONDARY_INDEXES_SQL = """
SELECT c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = %s::regclass
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                  AND k.conrelid = i.indrelid)
ORDER BY c.relname
"""


class Progress:
    """A one-line text progress bar (a log line per step when not on a terminal)."""

    def __init__(self, out: TextIO, total: int, label: str) -> None:
        self.out, self.total, self.label = out, max(total, 1), label
        self.start = time.monotonic()
        self.tty = out.isatty()

    def update(self, done: int, note: str = "") -> None:
        elapsed = time.monotonic() - self.start
        share = min(done / self.total, 1.0)
        eta = elapsed / share - elapsed if share else 0.0
        bar = "#" * int(share * 30)
        line = (
            f"{self.label} [{bar:<30}] {share:4.0%} {done:,}/{self.total:,} "
            f"{_clock(elapsed)} elapsed, ~{_clock(eta)} left {note}"
        )
        self.out.write(("\r" + line.ljust(110)) if self.tty else line + "\n")
        self.out.flush()

    def finish(self) -> None:
        if self.tty:
            self.out.write("\n")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


class Command(BaseCommand):
    help = "Insert N synthetic grievances with events, replies, feedback and appeals, in SQL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--offices", type=int, default=64)
        parser.add_argument("--chunk", type=int, default=250_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--indexes",
            choices=["auto", "rebuild", "keep"],
            default="auto",
            help="drop the secondary indexes and build them after the load (auto: big loads)",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(os.cpu_count() or 1, MAX_JOBS),
            help="connections loading at once; 1 loads in one transaction",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["count"]
        self.timings: dict[str, float] = {}
        self._timing_lock = threading.Lock()
        started = time.monotonic()
        out: TextIO = getattr(self.stdout, "_out", sys.stdout)
        inputs = _Inputs.read(options)
        # Inside a caller's transaction (a test) other connections would not see its rows.
        if options["jobs"] > 1 and not connection.in_atomic_block:
            self._load_in_parallel(inputs, options, out)
        else:
            self._load_in_one_transaction(inputs, options, out)
        if options["verbosity"] > 1:
            self.stdout.write(
                "seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.timings.items())
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Inserted {count:,} grievances with their histories in "
                f"{_clock(time.monotonic() - started)}."
            )
        )

    # --- one connection, one transaction ---------------------------------------------------

    def _load_in_one_transaction(
        self, inputs: "_Inputs", options: dict[str, Any], out: TextIO
    ) -> None:
        count = options["count"]
        with transaction.atomic(), connection.cursor() as cursor:
            self._session(cursor, local=True)
            rebuild = self._wants_rebuild(cursor, options["indexes"], count)
            first, reply_base = self._id_bases(cursor)
            inputs.create_tables(cursor, temporary="TEMP", on_commit="ON COMMIT DROP")
            params = inputs.params(first, reply_base)
            dropped = self._drop_indexes(cursor) if rebuild else []
            bar = Progress(out, count, "grievances")
            for chunk in _chunks(first, count, options["chunk"]):
                self._chunk(cursor, params, chunk)
                bar.update(chunk[2] - first + 1)
            bar.finish()
            bar = Progress(out, len(dropped), "indexes   ")
            started = time.monotonic()
            for done, (name, definition) in enumerate(_costliest_first(dropped), start=1):
                cursor.execute(definition)
                bar.update(done, name)
            bar.finish()
            self.timings["indexes"] = time.monotonic() - started
            self._bump_sequences(cursor)
        self._analyze(out)

    # --- several connections ---------------------------------------------------------------

    def _load_in_parallel(self, inputs: "_Inputs", options: dict[str, Any], out: TextIO) -> None:
        """Chunks, then index builds, then VACUUMs shared among `--jobs` connections. Each
        chunk commits on its own; a load that fails deletes the rows it wrote and builds the
        dropped indexes back, so it leaves what the database held before."""
        count, jobs = options["count"], options["jobs"]
        with connection.cursor() as cursor:  # autocommit: each statement is committed
            rebuild = self._wants_rebuild(cursor, options["indexes"], count)
            first, reply_base = self._id_bases(cursor)
            # Grievances and replies written meanwhile take ids after the loaded ones.
            self._reserve_ids(cursor, first + count - 1, reply_base + count - 1)
            dropped = self._drop_indexes(cursor) if rebuild else []
        params = inputs.params(first, reply_base)

        def setup(cursor: CursorWrapper) -> None:
            self._session(cursor, local=False)
            inputs.create_tables(cursor, temporary="TEMP", on_commit="")

        def load(cursor: CursorWrapper, chunk: tuple[int, int, int]) -> None:
            with transaction.atomic():
                self._chunk(cursor, params, chunk)

        bar = Progress(out, count, "grievances")
        loaded = [0]

        def loaded_one(chunk: tuple[int, int, int]) -> None:
            loaded[0] += chunk[2] - chunk[1] + 1
            bar.update(loaded[0])

        try:
            started = time.monotonic()
            _in_connections(jobs, _chunks(first, count, options["chunk"]), setup, load, loaded_one)
            bar.finish()
            self.timings["load (wall)"] = time.monotonic() - started
            self._build_indexes(dropped, jobs, out)
        except BaseException:
            bar.finish()
            self.stdout.write("The load failed: deleting its rows and building the indexes back.")
            self._undo(first, first + count - 1, dropped)
            raise
        self._vacuum(jobs, out)

    def _reserve_ids(self, cursor: CursorWrapper, grievance_last: int, reply_last: int) -> None:
        for model, last in ((Grievance, grievance_last), (Reply, reply_last)):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [last])

    def _build_indexes(self, dropped: list[tuple[str, str]], jobs: int, out: TextIO) -> None:
        if not dropped:
            return
        bar = Progress(out, len(dropped), "indexes   ")
        built = [0]

        def setup(cursor: CursorWrapper) -> None:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            # The connections already keep every core busy.
            cursor.execute("SET max_parallel_maintenance_workers = 0")

        def build(cursor: CursorWrapper, index: tuple[str, str]) -> None:
            cursor.execute(index[1])

        def built_one(index: tuple[str, str]) -> None:
            built[0] += 1
            bar.update(built[0], index[0])

        started = time.monotonic()
        _in_connections(jobs, _costliest_first(dropped), setup, build, built_one)
        bar.finish()
        self.timings["indexes (wall)"] = time.monotonic() - started

    def _undo(self, first: int, last: int, dropped: list[tuple[str, str]]) -> None:
        with connection.cursor() as cursor:
            for model in reversed(TABLES):  # the grievances last: the others refer to them
                column = "id" if model is Grievance else "grievance_id"
                table = model._meta.db_table
                cursor.execute(
                    f"DELETE FROM {table} WHERE {column} BETWEEN %s AND %s",
                    [first, last],
                )
            for name, definition in dropped:
                cursor.execute(
                    "SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'i'", [name]
                )
                if cursor.fetchone() is None:
                    cursor.execute(definition)

    def _vacuum(self, jobs: int, out: TextIO) -> None:
        bar = Progress(out, len(TABLES), "vacuum    ")
        done = [0]

        def vacuum(cursor: CursorWrapper, table: str) -> None:
            cursor.execute(f"VACUUM (ANALYZE) {table}")

        def vacuumed(table: str) -> None:
            done[0] += 1
            bar.update(done[0], table)

        started = time.monotonic()
        tables = [model._meta.db_table for model in TABLES]
        _in_connections(jobs, tables, lambda cursor: None, vacuum, vacuumed)
        bar.finish()
        self.timings["vacuum (wall)"] = time.monotonic() - started

    # --- setup ---------------------------------------------------------------------------

    def _session(self, cursor: CursorWrapper, *, local: bool) -> None:
        """The load's settings, for its transaction (`local`) or its connection."""
        scope = "LOCAL " if local else ""
        cursor.execute(f"SET {scope}maintenance_work_mem = '1GB'")
        cursor.execute(f"SET {scope}work_mem = '64MB'")
        cursor.execute(f"SET {scope}max_parallel_maintenance_workers = 1")
        cursor.execute(f"SET {scope}synchronous_commit = off")
        # Compiling the plan's long expressions costs seconds per statement and saves nothing.
        cursor.execute(f"SET {scope}jit = off")
        try:  # the plan's ids come from the database: skip the row-by-row foreign-key checks
            with transaction.atomic():
                cursor.execute(f"SET {scope}session_replication_role = replica")
        except DatabaseError:
            if local or not self._warned_fk:
                self.stdout.write("Foreign keys are checked row by row (not a superuser).")
            self._warned_fk = True

    _warned_fk = False

    def _wants_rebuild(self, cursor: CursorWrapper, mode: str, count: int) -> bool:
        if mode != "auto":
            return mode == "rebuild"
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'grievances_grievance'::regclass"
        )
        existing = max(int(cursor.fetchone()[0]), 0)
        return count >= BIG_LOAD and count >= existing

    def _id_bases(self, cursor: CursorWrapper) -> tuple[int, int]:
        cursor.execute(
            "SELECT greatest((SELECT coalesce(max(id), 0) FROM grievances_grievance), "
            "(SELECT last_value FROM grievances_grievance_id_seq)), "
            "greatest((SELECT coalesce(max(id), 0) FROM grievances_reply), "
            "(SELECT last_value FROM grievances_reply_id_seq))"
        )
        grievance_max, reply_max = cursor.fetchone()
        return grievance_max + 1, reply_max + 1

    # --- one chunk -----------------------------------------------------------------------

    def _chunk(
        self, cursor: CursorWrapper, params: dict[str, Any], chunk: tuple[int, int, int]
    ) -> None:
        number, first, last = chunk
        values = {**params, "first": first, "last": last}
        columns, expressions, defaults = _grievance_columns()
        grievances_sql = (
            f"INSERT INTO grievances_grievance ({', '.join(columns)}) "
            f"SELECT {', '.join(expressions)} FROM _gl_plan p"
        )
        for step, sql, step_values in (
            ("plan", "SELECT setseed(%s)", [_chunk_seed(params["seed"], number)]),
            ("plan", PLAN_SQL, values),
            ("grievances", grievances_sql, {**values, **defaults}),
            ("events", EVENTS_SQL, values),
            ("replies", REPLIES_SQL, values),
            ("feedback", FEEDBACK_SQL, values),
            ("plan", "DROP TABLE _gl_plan", None),
        ):
            started = time.monotonic()
            cursor.execute(sql, step_values)
            with self._timing_lock:
                self.timings[step] = self.timings.get(step, 0.0) + time.monotonic() - started

    # --- indexes, sequences, statistics ----------------------------------------------------

    def _drop_indexes(self, cursor: CursorWrapper) -> list[tuple[str, str]]:
        dropped: list[tuple[str, str]] = []
        for model in TABLES:
            cursor.execute(SECONDARY_INDEXES_SQL, [model._meta.db_table])
            dropped.extend(cursor.fetchall())
        for name, _definition in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        return dropped

    def _bump_sequences(self, cursor: CursorWrapper) -> None:
        for model in (Grievance, Reply):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )

    def _analyze(self, out: TextIO) -> None:
        """Statistics, and the visibility map the index-only scans need (VACUUM cannot run
        inside a transaction: under a test's transaction, statistics only)."""
        tables = [model._meta.db_table for model in TABLES]
        bar = Progress(out, len(tables), "vacuum    ")
        started = time.monotonic()
        with connection.cursor() as cursor:
            for done, table in enumerate(tables):
                bar.update(done, table)
                if connection.in_atomic_block:
                    cursor.execute(f"ANALYZE {table}")
                else:
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
        bar.update(len(tables))
        bar.finish()
        self.timings["vacuum"] = time.monotonic() - started


class _Inputs:
    """What the plan looks up, read once: offices (volume, speed, appeal office), upazilas,
    categories and the working-day calendar, as rows for small tables of each connection."""

    def __init__(
        self, tables: dict[str, tuple[str, list[tuple[Any, ...]]]], params: dict[str, Any]
    ) -> None:
        self.tables, self.base = tables, params

    @classmethod
    def read(cls, options: dict[str, Any]) -> "_Inputs":
        rng = random.Random(options["seed"])
        offices = list(
            Office.objects.districts()
            .order_by("pk")
            .values_list("pk", "district_id", "parent_id")[: options["offices"]]
        )
        if not offices:
            raise SystemExit("No DC offices: run the migrations first.")
        weights = [rng.lognormvariate(0, 0.6) for _ in offices]
        speeds = [min(max(rng.lognormvariate(0, 0.35), 0.4), 2.5) for _ in offices]
        total, cuts, acc = sum(weights), [], 0.0
        for weight in weights:
            cuts.append(acc)
            acc += weight / total
        upazilas: dict[int, list[int]] = {}
        for pk, district_id in Upazila.objects.order_by("pk").values_list("pk", "district_id"):
            upazilas.setdefault(district_id, []).append(pk)
        categories = list(Category.objects.order_by("pk").values_list("pk", flat=True))
        now = timezone.now()
        tables: dict[str, tuple[str, list[tuple[Any, ...]]]] = {
            "_gl_office": (
                "i int PRIMARY KEY, office_id bigint, district_id bigint, parent_id bigint, "
                "speed float8, upazilas int",
                [
                    (i + 1, pk, district, parent, speeds[i], len(upazilas.get(district, [])))
                    for i, (pk, district, parent) in enumerate(offices)
                ],
            ),
            "_gl_upazila": (
                "district_id bigint, i int, upazila_id bigint, PRIMARY KEY (district_id, i)",
                [(d, i, pk) for d, pks in upazilas.items() for i, pk in enumerate(pks)],
            ),
            "_gl_category": ("i int PRIMARY KEY, id bigint", list(enumerate(categories))),
            "_gl_cal": (
                "dn int PRIMARY KEY, fr float8, t1 float8, t2 float8, cz float8",
                _calendar(now),
            ),
        }
        return cls(
            tables,
            {
                "seed": options["seed"],
                "now": now,
                "now_s": now.timestamp(),
                "span": SPAN_DAYS * 86400,
                "cuts": cuts,
                "k": len(offices),
                "ncat": len(categories),
                "bn": WORDS_BN,
                "nbn": len(WORDS_BN),
                "en": WORDS_EN,
                "nen": len(WORDS_EN),
                "answer": "অভিযোগটি নিষ্পত্তি করা হয়েছে; বিস্তারিত কার্যালয়ে জানানো হলো।",
                "reply": "আপনার অভিযোগ পেয়েছি; কার্যালয় বিষয়টি দেখছে।",
                "transfer_note": "সংশ্লিষ্ট কার্যালয়ে পাঠানো হলো।",
                "confirmed": "নাগরিক নিশ্চিত করেছেন যে সমস্যার সমাধান হয়েছে।",
                "not_fixed": "নাগরিক জানিয়েছেন যে সমস্যার সমাধান হয়নি।",
            },
        )

    def create_tables(self, cursor: CursorWrapper, *, temporary: str, on_commit: str) -> None:
        for name, (columns, rows) in self.tables.items():
            cursor.execute(f"CREATE {temporary} TABLE {name} ({columns}) {on_commit}")
            marks = ", ".join(["%s"] * len(rows[0])) if rows else ""
            if rows:
                cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)

    def params(self, first: int, reply_base: int) -> dict[str, Any]:
        return {**self.base, "first_all": first, "reply_base": reply_base}


def _calendar(now: datetime) -> list[tuple[int, float, float, float, float]]:
    """Per Dhaka date (as a day number: Dhaka is UTC+6 all year), the deadlines that start on
    it, from `core.calendar` itself, in epoch seconds (the plan computes in seconds: float
    arithmetic is many times cheaper than timestamps and intervals)."""
    first_day = (now - timedelta(days=SPAN_DAYS + 2)).astimezone(DHAKA).date()
    days = [first_day + timedelta(days=i) for i in range(SPAN_DAYS + 200)]
    tiers = settings.GRIEVANCE_TIER_DEADLINE_DAYS
    rows = []
    for day in days:
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=DHAKA)
        rows.append(
            (
                (day - date(1970, 1, 1)).days,
                add_working_days(noon, settings.GRIEVANCE_FIRST_RESPONSE_DAYS).timestamp(),
                add_working_days(noon, tiers[1]).timestamp(),
                add_working_days(noon, tiers[2]).timestamp(),
                add_working_days(noon, settings.GRIEVANCE_CITIZEN_RESPONSE_DAYS).timestamp(),
            )
        )
    return rows


def _chunks(first: int, count: int, size: int) -> list[tuple[int, int, int]]:
    """(number, first id, last id) of each chunk."""
    return [
        (number, start, min(start + size, first + count) - 1)
        for number, start in enumerate(range(first, first + count, size))
    ]


def _chunk_seed(seed: int, number: int) -> float:
    """`setseed`'s argument (-1..1) for a chunk: it draws the same numbers whichever
    connection loads it."""
    return ((seed * 7919 + number) % 20_000) / 10_000 - 1


def _costliest_first(indexes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The search indexes (GIN, by far the slowest to build) first, so that with several
    connections none is left building one alone at the end."""
    return sorted(indexes, key=lambda index: " USING gin " not in index[1])


def _in_connections(
    jobs: int,
    tasks: Sequence[_Task],
    setup: Callable[[CursorWrapper], None],
    do: Callable[[CursorWrapper, _Task], None],
    done: Callable[[_Task], None],
) -> None:
    """Run `do` for every task, in order, on `jobs` connections of their own (a thread each),
    `setup` once per connection. After a failure the others stop at their next task and the
    first error is raised."""
    pending: queue.SimpleQueue[_Task] = queue.SimpleQueue()
    for task in tasks:
        pending.put(task)
    failed: list[BaseException] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            with connection.cursor() as cursor:
                setup(cursor)
                while not failed:
                    try:
                        task = pending.get_nowait()
                    except queue.Empty:
                        return
                    do(cursor, task)
                    with lock:
                        done(task)
        except BaseException as error:
            failed.append(error)

    run_threads(jobs, work, failed.append)
    if failed:
        raise failed[0]


def _grievance_columns() -> tuple[list[str], list[str], dict[str, Any]]:
    """The INSERT's columns, their SELECT expressions and the model defaults as parameters."""
    columns, expressions, defaults = [], [], {}
    for field in Grievance._meta.concrete_fields:
        if field.generated:
            continue
        columns.append(field.column)
        if field.attname in GRIEVANCE_EXPRESSIONS:
            expressions.append(GRIEVANCE_EXPRESSIONS[field.attname])
        elif field.null:
            expressions.append("NULL")
        else:
            key = f"default_{field.attname}"
            defaults[key] = field.get_db_prep_save(field.get_default(), connection)
            expressions.append(f"%({key})s::{field.db_type(connection)}")
    return columns, expressions, defaults
