"""Months of synthetic grievance history across all 64 districts, so the demo's dashboards, map
and trends mean something. Written in bulk (a few thousand grievances with their events,
replies and feedback in seconds), deterministic, and only once: a database that already holds
the history is left alone. The dashboards' summaries are rebuilt at the end.

The rows are shaped as the services write them (events for receipt, acceptance, resolution,
closure, reopening, appeal and transfer; deadlines in working days; a first response that is a
public reply), but they are made directly: running every service for each would take minutes.
"""

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.calendar import DHAKA, dhaka_date, holidays_between
from dashboards.summaries import summaries_rebuild
from grievances.models import (
    FACEBOOK_CHANNELS,
    Category,
    Feedback,
    Grievance,
    GrievanceChannel,
    GrievanceEvent,
    GrievanceOutcome,
    GrievanceStatus,
    GrievanceTier,
    Reply,
    ReplyState,
)
from grievances.tracking import format_tracking_code
from offices.models import Office, OfficeKind, Upazila

MARKER = "[demo history]"  # in each generated grievance's subject: how a rerun knows
MONTHS = 6
_END_OF_DAY = time(23, 59, 59)

_TEXTS = (
    "ইউনিয়ন ভূমি অফিসে নামজারির আবেদন তিন মাস ধরে পড়ে আছে।",
    "গ্রামের রাস্তাটি ভেঙে গেছে, বর্ষায় চলাচল করা যায় না।",
    "স্কুলে শিক্ষক নিয়মিত আসেন না।",
    "উপজেলা স্বাস্থ্য কমপ্লেক্সে ওষুধ পাওয়া যায় না।",
    "বয়স্ক ভাতার কার্ড পাইনি, বারবার ঘুরছি।",
    "বাজারে ওজনে কম দেওয়া হয়।",
    "জন্ম নিবন্ধন সনদ পেতে দেরি হচ্ছে।",
    "খালে ময়লা ফেলে পানি আটকে গেছে।",
)


class _Calendar:
    """Working-day deadlines for many dates, with the holidays read once."""

    def __init__(self, start: date, end: date) -> None:
        self.holidays = holidays_between(start, end)

    def working(self, day: date) -> bool:
        return day.weekday() not in settings.WEEKEND_DAYS and day not in self.holidays

    def add(self, moment: datetime, days: int) -> datetime:
        day, remaining = dhaka_date(moment), days
        while remaining > 0:
            day += timedelta(days=1)
            if self.working(day):
                remaining -= 1
        return datetime.combine(day, _END_OF_DAY, tzinfo=DHAKA)


def _codes(office: Office, period: str, count: int) -> list[str]:
    """`count` tracking codes of `office` for the month, reserved with one upsert."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO grievances_trackingsequence (office_id, period, last_value)
            VALUES (%s, %s, %s)
            ON CONFLICT (office_id, period)
            DO UPDATE SET last_value = grievances_trackingsequence.last_value + EXCLUDED.last_value
            RETURNING last_value
            """,
            [office.pk, period, count],
        )
        (last,) = cursor.fetchone()
    return [
        format_tracking_code(office_code=office.code, period=period, number=n)
        for n in range(last - count + 1, last + 1)
    ]


def demo_history_exists() -> bool:
    return Grievance.objects.filter(subject__startswith=MARKER).exists()


@transaction.atomic
def demo_seed_history(*, per_month: int = 12, seed: int = 8) -> int:
    """Create the history (about `per_month` grievances a month for an average district) and
    rebuild the summaries. Returns how many grievances were made (0 when already there)."""
    if demo_history_exists():
        summaries_rebuild(resume=False)
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    now = timezone.now()
    start = now - timedelta(days=31 * MONTHS)
    cal = _Calendar(dhaka_date(start) - timedelta(days=5), dhaka_date(now) + timedelta(days=200))
    categories = list(Category.objects.filter(is_active=True))
    offices = list(
        Office.objects.filter(kind=OfficeKind.DISTRICT).select_related("district", "parent")
    )
    upazilas_of: dict[int | None, list[Upazila]] = {}
    for upazila in Upazila.objects.order_by("pk"):
        upazilas_of.setdefault(upazila.district_id, []).append(upazila)
    first_days = settings.GRIEVANCE_FIRST_RESPONSE_DAYS
    tier_days = settings.GRIEVANCE_TIER_DEADLINE_DAYS

    planned: list[tuple[Office, datetime, dict[str, Any]]] = []
    for office in offices:
        # Each district its own size and habits: the map has something to show.
        size = rng.choice((0.7, 1.0, 1.0, 1.3, 1.8, 2.5)) * (3 if office.code == "DHA" else 1)
        punctual = rng.uniform(0.35, 0.98)  # chance a resolution is on time
        facebook_heavy = rng.random() < 0.5
        days = (now - start).days
        for _ in range(int(per_month * MONTHS * size)):
            received = start + timedelta(days=rng.uniform(0, days), hours=rng.uniform(-3, 3))
            if received > now:
                received = now - timedelta(hours=1)
            channel = rng.choices(
                [
                    GrievanceChannel.WEB,
                    GrievanceChannel.FACEBOOK_COMMENT,
                    GrievanceChannel.FACEBOOK_POST,
                    GrievanceChannel.OFFICER_ENTRY,
                ],
                weights=[3, 5 if facebook_heavy else 2, 1, 2],
            )[0]
            planned.append((office, received, {"channel": channel, "punctual": punctual}))
    planned.sort(key=lambda p: p[1])

    # Codes per office and month, reserved in bulk.
    wanted: dict[tuple[int, str], int] = {}
    for office, received, _ in planned:
        key = (office.pk, received.astimezone(DHAKA).strftime("%y%m"))
        wanted[key] = wanted.get(key, 0) + 1
    by_pk = {o.pk: o for o in offices}
    codes = {key: _codes(by_pk[key[0]], key[1], n) for key, n in wanted.items()}

    grievances: list[Grievance] = []
    plans: list[dict[str, Any]] = []
    for office, received, plan in planned:
        key = (office.pk, received.astimezone(DHAKA).strftime("%y%m"))
        punctual = float(plan["punctual"])
        first_due = cal.add(received, first_days)
        g = Grievance(
            tracking_code=codes[key].pop(0),
            office=office,
            district=office.district,
            upazila=None,
            category=rng.choice(categories),
            channel=plan["channel"],
            subject=f"{MARKER} {rng.choice(_TEXTS)[:40]}",
            description=rng.choice(_TEXTS),
            received_at=received,
            first_response_due_at=first_due,
            last_activity_at=received,
        )
        upazilas = upazilas_of.get(office.district_id, [])
        if upazilas and rng.random() < 0.8:
            g.upazila = rng.choice(upazilas)
        age_days = (now - received).days
        fate = rng.random()
        events: list[tuple[str, datetime, dict[str, Any]]] = [("created", received, {})]
        if fate < 0.06:  # praise, spam, a question answered at once
            g.status = GrievanceStatus.NOT_GRIEVANCE
            g.not_grievance_reason = "praise"
            events.append(("set_aside", received + timedelta(hours=5), {}))
        else:
            responded = received + timedelta(
                hours=rng.choice((2, 6, 20, 30, 50, 90)) * (1 if rng.random() < punctual else 3)
            )
            if responded < now and rng.random() < 0.9:
                g.first_responded_at = responded
                g.last_public_update_at = responded
            accepted = received + timedelta(hours=rng.uniform(1, 40))
            if accepted < now:
                g.status = GrievanceStatus.ACCEPTED
                g.accepted_at = accepted
                g.due_at = cal.add(accepted, tier_days[1])
                events.append(("accept", accepted, {}))
                span = tier_days[1] * 1.4
                took = timedelta(
                    days=rng.uniform(2, span * 0.6)
                    if rng.random() < punctual
                    else rng.uniform(span * 0.75, span * 1.6)
                )
                resolved = accepted + took
                if resolved < now and age_days > 3:
                    g.status = GrievanceStatus.RESOLVED
                    g.outcome = rng.choice(
                        [GrievanceOutcome.SERVICE_PROVIDED, GrievanceOutcome.ACTION_TAKEN]
                    )
                    g.outcome_note = "ব্যবস্থা নেওয়া হয়েছে।"
                    g.resolved_at = resolved
                    g.first_responded_at = g.first_responded_at or resolved
                    events.append(("resolve", resolved, {}))
                    answered = resolved + timedelta(days=rng.uniform(1, 6))
                    if answered < now and rng.random() < 0.45:
                        fixed = rng.random() < 0.7
                        plan["feedback"] = (answered, fixed, rng.randint(3, 5) if fixed else None)
                        if fixed:
                            g.status = GrievanceStatus.CLOSED
                            g.closed_at = answered
                            events.append(("close", answered, {}))
                        else:
                            # Not fixed: reopened at the office, or appealed to the division.
                            g.status = GrievanceStatus.IN_PROGRESS
                            g.resolved_at = None
                            g.outcome = ""
                            g.outcome_note = ""
                            if office.parent is not None and rng.random() < 0.4:
                                g.tier = GrievanceTier.APPEAL
                                g.office = office.parent
                                g.due_at = cal.add(answered, tier_days[2])
                                events.append(("appeal", answered, {"from": office}))
                            else:
                                g.due_at = cal.add(answered, tier_days[1])
                                events.append(("reopen", answered, {}))
            elif rng.random() < 0.02:
                plan["transfer"] = True
        g.last_activity_at = max(when for _, when, _ in events)
        if g.channel in FACEBOOK_CHANNELS and g.first_responded_at is not None:
            plan["reply"] = g.first_responded_at
        plan["events"] = events
        grievances.append(g)
        plans.append(plan)

    Grievance.objects.bulk_create(grievances, batch_size=2000)

    status_events = {
        "set_aside": ("new", "not_grievance"),
        "accept": ("new", "accepted"),
        "resolve": ("accepted", "resolved"),
        "close": ("resolved", "closed"),
    }
    event_rows: list[GrievanceEvent] = []
    replies: list[Reply] = []
    feedback: list[Feedback] = []
    for g, plan in zip(grievances, plans, strict=True):
        for kind, when, extra in plan["events"]:
            if kind == "created":
                event_rows.append(
                    GrievanceEvent(
                        grievance=g,
                        kind=GrievanceEvent.Kind.CREATED,
                        to_status="new",
                        to_office=g.office,
                        is_public=True,
                        created_at=when,
                    )
                )
            elif kind == "appeal":
                event_rows.append(
                    GrievanceEvent(
                        grievance=g,
                        kind=GrievanceEvent.Kind.STATUS_CHANGED,
                        from_status="resolved",
                        to_status="in_progress",
                        is_public=True,
                        created_at=when,
                    )
                )
                event_rows.append(
                    GrievanceEvent(
                        grievance=g,
                        kind=GrievanceEvent.Kind.APPEALED,
                        from_office=extra["from"],
                        to_office=g.office,
                        is_public=True,
                        data={"tier": GrievanceTier.APPEAL},
                        created_at=when,
                    )
                )
            elif kind == "reopen":
                event_rows.append(
                    GrievanceEvent(
                        grievance=g,
                        kind=GrievanceEvent.Kind.STATUS_CHANGED,
                        from_status="resolved",
                        to_status="in_progress",
                        is_public=True,
                        data={"reopened": True},
                        created_at=when,
                    )
                )
            else:
                before, after = status_events[kind]
                event_rows.append(
                    GrievanceEvent(
                        grievance=g,
                        kind=GrievanceEvent.Kind.STATUS_CHANGED,
                        from_status=before,
                        to_status=after,
                        is_public=True,
                        created_at=when,
                    )
                )
        if "reply" in plan:
            sent = plan["reply"]
            replies.append(
                Reply(
                    grievance=g,
                    body="আপনার অভিযোগটি আমরা দেখছি।",
                    to_facebook=True,
                    state=ReplyState.SENT,
                    attempts=1,
                    first_attempt_at=sent,
                    sent_at=sent,
                )
            )
            event_rows.append(
                GrievanceEvent(
                    grievance=g,
                    kind=GrievanceEvent.Kind.PUBLIC_REPLY,
                    is_public=True,
                    created_at=sent,
                )
            )
        if "feedback" in plan:
            answered, fixed, rating = plan["feedback"]
            feedback.append(Feedback(grievance=g, is_fixed=fixed, rating=rating))
            event_rows.append(
                GrievanceEvent(
                    grievance=g,
                    kind=GrievanceEvent.Kind.FEEDBACK,
                    data={"is_fixed": fixed, "rating": rating},
                    created_at=answered,
                )
            )
    GrievanceEvent.objects.bulk_create(event_rows, batch_size=5000)
    Reply.objects.bulk_create(replies, batch_size=2000)
    Feedback.objects.bulk_create(feedback, batch_size=2000)
    # Feedback's time is the citizen's answer (auto_now_add wrote the present).
    _backdate_feedback(grievances, plans)
    _transfers(rng, grievances, plans)
    summaries_rebuild(resume=False)
    return len(grievances)


def _backdate_feedback(grievances: list[Grievance], plans: list[dict[str, Any]]) -> None:
    """Feedback's time is the citizen's answer (`auto_now_add` wrote the present)."""
    rows = [
        (g.pk, p["feedback"][0]) for g, p in zip(grievances, plans, strict=True) if "feedback" in p
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE grievances_feedback SET created_at = %s, updated_at = %s WHERE grievance_id = %s",
            [(at, at, pk) for pk, at in rows],
        )


def _transfers(
    rng: random.Random, grievances: list[Grievance], plans: list[dict[str, Any]]
) -> None:
    """A few untriaged grievances moved to another DC office (the district stays the one the
    grievance is about, as `grievance_transfer` leaves it)."""
    offices = list(Office.objects.filter(kind=OfficeKind.DISTRICT))
    for g, plan in zip(grievances, plans, strict=True):
        if plan.get("transfer"):
            target = rng.choice([o for o in offices if o.pk != g.office_id])
            GrievanceEvent.objects.create(
                grievance=g,
                kind=GrievanceEvent.Kind.TRANSFERRED,
                from_office_id=g.office_id,
                to_office=target,
                is_public=True,
                created_at=g.received_at + timedelta(hours=3),
            )
            Grievance.objects.filter(pk=g.pk).update(office=target)
