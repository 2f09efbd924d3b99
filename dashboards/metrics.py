"""Every dashboard measure, defined once. The dashboards, `/stats/`, the exports (and later the
API) read them here; they read the summary tables (`dashboards/summaries.py`), never the
grievances table.

Counts of what happened in a period (a grievance counts where it belongs now; see
`dashboards/summaries.py` for transfers and appeals):

- received — grievances that arrived (by channel, category, upazila office), at `received_at`
- accepted — accepted as grievances (the working-day clock started)
- not_grievance, duplicate — set aside as not a grievance / marked a duplicate
- transferred_in, transferred_out — moved to / from the office
- first_responded — the first public reply; `on time` when by the first-response deadline
- resolved — resolved (the grievance's current resolution: a reopened one counts when it is
  resolved again); `on time` when by its deadline (`due_at`, in working days)
- closed; reopened (the citizen or the office said not fixed); appealed (to tier 2)
- appeals resolved / within the appeal deadline — resolutions at tier 2 or above
- feedback given / fixed; rating count and sum (satisfaction is their mean, 1–5)
- received by tier: tier 1 (the office) = received — every grievance arrives at its office;
  tier 2 (appeal) = `appeals_received`, appeals lodged, counted for the office appealed to on
  the day of the appeal
- resolved by outcome (`resolved_<outcome>`, the outcome choices on Grievance): they add up to
  resolved
- finished — left the open statuses, as the grievance stands now (resolved, closed, or set
  aside); it exists to compute what was open on a day (below)
- Facebook received; answered publicly (a reply delivered under the citizen's comment or
  post; counted with the month the grievance arrived); ignored (no first response by the
  first-response deadline, unless set aside or a duplicate; counted at that deadline)

Rates (a `Rate`: numerator, base, and whether the base is big enough to compare):

- within deadline % = resolved on time / resolved (GRS's target: 90 %)
- first response on time % = first responded on time / first responded
- confirmed fixes % = feedback "fixed" / feedback given
- satisfaction = mean rating
- reopen rate = reopened / resolved; appeal rate = appealed / resolved
- appeals within deadline % = appeals resolved on time / appeals resolved
- Facebook answered publicly % = answered publicly / Facebook received

Durations: median and p90 of working days (Asia/Dhaka, Friday/Saturday and holidays off) from
received to first response, and from received to resolution, among those in the period.

Carried over from the previous period (`carried_over_by`): open at the period's start — a
running balance, received − finished summed over every bucket before the start (read as open
now − received + finished from the start on, which is the same: see below). Both count
where the grievance is now (its current office and district, like every fact), so a transfer
or an appeal moves the whole grievance and is never counted twice; a grievance counts as
open from the day it arrived to the day it last left the open statuses (one that was
resolved, then reopened and is open now, counts as open since it arrived). Summed over all
time the balance is the open-now figure of the current snapshot.

Backlog trend (`weekly_backlog`): open at the end of each week, the same running balance;
overdue at the end of each week, as recorded once a day from the current snapshot
(`BacklogHistory`) — overdue cannot be reconstructed from events, so weeks before the
recording began have no figure, and the recording is per office and district only (none
with a category or channel filter).

Now (the current snapshot, refreshed with the summaries): open now; overdue now =
`Grievance.objects.overdue(now)` (open and past the current deadline, untriaged grievances
past their first-response deadline included — the inbox's Overdue tab counts the same).

Comparison: a rate from fewer than `MIN_BASE` (20) grievances is shown as such and not
ranked; districts are ranked only within their volume group (`volume_groups`), so one
resolved grievance never tops a league table.
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import IntegerField, Q, QuerySet, Sum, Value
from django.utils import timezone

from core.calendar import dhaka_date
from dashboards.models import (
    BacklogHistory,
    CurrentSnapshot,
    DurationSummary,
    EventSummary,
    Grain,
    Level,
    RefreshState,
)
from dashboards.summaries import EVENT_MEASURES
from grievances.models import GrievanceOutcome, GrievanceTier

MIN_BASE = 20  # a rate from fewer grievances is not compared
GRS_TARGET = 90  # per cent resolved within deadline


@dataclass(frozen=True, slots=True)
class Filters:
    """What the dashboards' GET parameters select; dates are Dhaka days, both inclusive."""

    start: date
    end: date
    district_ids: Sequence[int] | None = None  # None: every district
    category_id: int | None = None
    channel: str | None = None

    def previous(self) -> "Filters":
        """The period of the same length just before, for "change since"."""
        length = (self.end - self.start).days + 1
        return Filters(
            start=self.start - timedelta(days=length),
            end=self.start - timedelta(days=1),
            district_ids=self.district_ids,
            category_id=self.category_id,
            channel=self.channel,
        )


@dataclass(frozen=True, slots=True)
class Rate:
    numerator: int
    base: int

    @property
    def value(self) -> float | None:
        return None if self.base == 0 else 100.0 * self.numerator / self.base

    @property
    def comparable(self) -> bool:
        """Big enough a base to show as a comparable figure and to rank."""
        return self.base >= MIN_BASE


@dataclass(slots=True)
class Counts:
    """The summed counts of `EVENT_MEASURES` for one group, with the measures built on them."""

    values: dict[str, int] = field(default_factory=dict)
    open_now: int = 0
    overdue_now: int = 0
    untriaged_now: int = 0
    facebook_unanswered_overdue_now: int = 0
    carried_over: int = 0  # open at the period's start (`counts_by(..., carried_over=True)`)
    first_response_days: dict[int, int] = field(default_factory=dict)
    resolution_days: dict[int, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        if name in EVENT_MEASURES:
            return self.values.get(name, 0)
        raise AttributeError(name)

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def add(self, other: "Counts") -> None:
        for key, value in other.values.items():
            self.values[key] = self.values.get(key, 0) + value
        self.open_now += other.open_now
        self.overdue_now += other.overdue_now
        self.untriaged_now += other.untriaged_now
        self.facebook_unanswered_overdue_now += other.facebook_unanswered_overdue_now
        self.carried_over += other.carried_over
        for mine, theirs in (
            (self.first_response_days, other.first_response_days),
            (self.resolution_days, other.resolution_days),
        ):
            for days, n in theirs.items():
                mine[days] = mine.get(days, 0) + n

    # --- breakdowns ----------------------------------------------------------------------
    @property
    def received_by_tier(self) -> list[tuple[int, str, int]]:
        """(tier, its label, received): tier 1 what arrived at the office, tier 2 appeals."""
        return [
            (GrievanceTier.OFFICE.value, str(GrievanceTier.OFFICE.label), self.received),
            (GrievanceTier.APPEAL.value, str(GrievanceTier.APPEAL.label), self.appeals_received),
        ]

    @property
    def resolved_by_outcome(self) -> list[tuple[str, str, int]]:
        """(outcome, its label, resolved with it), in the order of the outcome choices."""
        return [
            (value, str(label), self.values.get(f"resolved_{value}", 0))
            for value, label in GrievanceOutcome.choices
        ]

    # --- rates ---------------------------------------------------------------------------
    @property
    def within_deadline(self) -> Rate:
        return Rate(self.resolved_on_time, self.resolved)

    @property
    def first_response_on_time(self) -> Rate:
        return Rate(self.first_responded_on_time, self.first_responded)

    @property
    def confirmed_fixes(self) -> Rate:
        return Rate(self.feedback_fixed, self.feedback)

    @property
    def reopen_rate(self) -> Rate:
        return Rate(self.reopened, self.resolved)

    @property
    def appeal_rate(self) -> Rate:
        return Rate(self.appealed, self.resolved)

    @property
    def appeals_within_deadline(self) -> Rate:
        return Rate(self.appeals_resolved_on_time, self.appeals_resolved)

    @property
    def facebook_answered_share(self) -> Rate:
        return Rate(self.facebook_answered_publicly, self.facebook_received)

    @property
    def satisfaction(self) -> float | None:
        return None if not self.rating_count else self.rating_sum / self.rating_count

    # --- durations -----------------------------------------------------------------------
    @property
    def first_response_median(self) -> int | None:
        return percentile(self.first_response_days, 50)

    @property
    def first_response_p90(self) -> int | None:
        return percentile(self.first_response_days, 90)

    @property
    def resolution_median(self) -> int | None:
        return percentile(self.resolution_days, 50)

    @property
    def resolution_p90(self) -> int | None:
        return percentile(self.resolution_days, 90)


def percentile(histogram: dict[int, int], pct: int) -> int | None:
    """The smallest number of working days at or below which `pct` % of the counts lie."""
    total = sum(histogram.values())
    if not total:
        return None
    needed = total * pct / 100
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= needed:
            return days
    return max(histogram)


# --- periods ----------------------------------------------------------------------------------


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _week_start(day: date) -> date:
    """The first day of the day's week within its month: its Sunday, or the month's 1st."""
    return max(day - timedelta(days=(day.weekday() + 1) % 7), _month_start(day))


def _week_end(day: date) -> date:
    """The last day of the day's week within its month: its Saturday, or the month's end."""
    return min(day + timedelta(days=(5 - day.weekday()) % 7), _month_end(day))


def _buckets(start: date, end: date) -> tuple[list[date], list[date], list[date]]:
    """[start, end] as whole months, then whole weeks within a month, then single days (the
    buckets of each grain): a few dozen at most, whatever the period's length."""
    months: list[date] = []
    weeks: list[date] = []
    days: list[date] = []
    day = start
    while day <= end:
        if day.day == 1 and _month_end(day) <= end:
            months.append(day)
            day = _month_end(day) + timedelta(days=1)
        elif _week_start(day) == day and _week_end(day) <= end:
            weeks.append(day)
            day = _week_end(day) + timedelta(days=1)
        else:
            days.append(day)
            day += timedelta(days=1)
    return months, weeks, days


def _buckets_q(months: list[date], weeks: list[date], days: list[date]) -> Q:
    q = Q(pk__in=[])
    for grain, buckets in ((Grain.MONTH, months), (Grain.WEEK, weeks), (Grain.DAY, days)):
        if buckets:
            q |= Q(grain=grain, bucket__in=buckets)
    return q


def period_buckets(start: date, end: date) -> Q:
    """The summary rows of [start, end] (Dhaka days, both included)."""
    return _buckets_q(*_buckets(start, end))


def week_buckets(first: date, end: date) -> Q:
    """The summary rows of the weeks (Sunday to Saturday) from `first` (a Sunday) to `end`,
    none of which spans two weeks: each row's bucket lies in its week."""
    months: list[date] = []
    weeks: list[date] = []
    days: list[date] = []
    start = first
    while start <= end:
        _m, w, d = _buckets(start, min(start + timedelta(days=6), end))
        weeks += w
        days += d
        start += timedelta(weeks=1)
    return _buckets_q(months, weeks, days)


def _level(filters: Filters, group: str | None) -> int:
    """The least detailed level of the summaries that answers: per office, per category, or
    every category and channel apart."""
    if filters.channel or group == "channel":
        return Level.FULL
    if filters.category_id is not None or group in ("category", "category_id"):
        return Level.CATEGORY
    return Level.OFFICE


def _duration_level(level: int) -> int:
    """`DurationSummary` has no per-category level: a category is read from the full one."""
    return Level.FULL if level == Level.CATEGORY else level


def _filtered(
    qs: QuerySet[Any],
    filters: Filters,
    *,
    with_period: bool = True,
    level: int | None = None,
) -> QuerySet[Any]:
    if with_period:
        qs = qs.filter(period_buckets(filters.start, filters.end))
    if level is not None:
        qs = qs.filter(level=level)
    if filters.district_ids is not None:
        qs = qs.filter(district_id__in=list(filters.district_ids))
    if filters.category_id is not None:
        qs = qs.filter(category_id=filters.category_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.order_by()


# --- reading ----------------------------------------------------------------------------------

Key = Any


def counts_by(
    filters: Filters,
    group: str | None = None,
    *,
    carried_over: bool = False,
    durations: bool = True,
    measures: Sequence[str] = EVENT_MEASURES,
) -> dict[Key, Counts]:
    """Every measure for the period, grouped by a summary column ("district_id",
    "office_id", "category_id", "channel") or not at all (key None); with `carried_over`,
    also what was open at the period's start (one more query); without `durations`, no
    medians (one query fewer); with `measures`, only those counts (the rest read 0)."""
    groups: dict[Key, Counts] = defaultdict(Counts)
    level = _level(filters, group)
    # Without a group, every row falls in one: grouped by a constant.
    fields = [group] if group else ["grouped"]
    sums = {m: Sum(m) for m in measures}

    def rows(qs: QuerySet[Any], **aggregates: Any) -> Iterable[dict[str, Any]]:
        if not group:
            qs = qs.annotate(grouped=Value(None, output_field=IntegerField()))
        return qs.values(*fields).annotate(**aggregates)

    for row in rows(_filtered(EventSummary.objects.all(), filters, level=level), **sums):
        key = row[fields[0]]
        groups[key].values = {m: row[m] or 0 for m in measures}
    snap_sums = {
        "open_n": Sum("open"),
        "overdue_n": Sum("overdue"),
        "untriaged_n": Sum("untriaged"),
        "fb_n": Sum("facebook_unanswered_overdue"),
    }
    snapshot = _filtered(CurrentSnapshot.objects.all(), filters, with_period=False)
    for row in rows(snapshot, **snap_sums):
        counts = groups[row[fields[0]]]
        counts.open_now = row["open_n"] or 0
        counts.overdue_now = row["overdue_n"] or 0
        counts.untriaged_now = row["untriaged_n"] or 0
        counts.facebook_unanswered_overdue_now = row["fb_n"] or 0
    histograms = _filtered(DurationSummary.objects.all(), filters, level=_duration_level(level))
    if not group:
        histograms = histograms.annotate(grouped=Value(None, output_field=IntegerField()))
    if not durations:
        histograms = histograms.none()
    for row in histograms.values(*fields, "measure", "working_days").annotate(n=Sum("count")):
        counts = groups[row[fields[0]]]
        target = (
            counts.first_response_days
            if row["measure"] == DurationSummary.FIRST_RESPONSE
            else counts.resolution_days
        )
        target[row["working_days"]] = row["n"]
    if carried_over:
        for key, n in carried_over_by(filters, group).items():
            if n or key in groups:
                groups[key].carried_over = n
    return dict(groups)


def _from(day: date) -> Q:
    """Every summary row from `day` on: the rest of its month, then whole months after."""
    month_end = _month_end(day)
    return period_buckets(day, month_end) | Q(grain=Grain.MONTH, bucket__gt=month_end)


def carried_over_by(filters: Filters, group: str | None = None) -> dict[Key, int]:
    """Open at the start of the period (carried over from before it), grouped like
    `counts_by`: received − finished over every summary row before `filters.start`.

    Over all time that balance is open now (the current snapshot, computed in the same
    refresh from the same grievances; the property test checks it per office), so it is read
    as open now − (received − finished) from the start on: the rows since the start, not the
    whole history."""
    since = _filtered(
        EventSummary.objects.filter(_from(filters.start)),
        filters,
        with_period=False,
        level=_level(filters, group),
    )
    snapshot = _filtered(CurrentSnapshot.objects.all(), filters, with_period=False)
    if group:
        result: dict[Key, int] = defaultdict(int)
        for row in snapshot.values(group).annotate(n=Sum("open")):
            result[row[group]] += row["n"] or 0
        for row in since.values(group).annotate(r=Sum("received"), f=Sum("finished")):
            result[row[group]] -= (row["r"] or 0) - (row["f"] or 0)
        return dict(result)
    open_now = snapshot.aggregate(n=Sum("open"))["n"] or 0
    sums = since.aggregate(r=Sum("received"), f=Sum("finished"))
    return {None: open_now - ((sums["r"] or 0) - (sums["f"] or 0))}


def totals(filters: Filters) -> Counts:
    return counts_by(filters).get(None, Counts())


def weekly_series(filters: Filters, weeks: int = 12) -> list[tuple[date, Counts]]:
    """Received and resolved per week (weeks start on Sunday, the Bangladeshi working week),
    the last `weeks` weeks up to `filters.end`."""
    end = filters.end
    first = end - timedelta(days=(end.weekday() + 1) % 7) - timedelta(weeks=weeks - 1)
    rows = (
        _filtered(
            EventSummary.objects.all(), filters, with_period=False, level=_level(filters, None)
        )
        .filter(week_buckets(first, end))
        .values("bucket")
        .annotate(
            received=Sum("received"), resolved=Sum("resolved"), ignored=Sum("facebook_ignored")
        )
    )
    series = [(first + timedelta(weeks=i), Counts()) for i in range(weeks)]
    for row in rows:
        index = (row["bucket"] - first).days // 7
        counts = series[index][1]
        for name in ("received", "resolved"):
            counts.values[name] = counts.values.get(name, 0) + (row[name] or 0)
        counts.values["facebook_ignored"] = counts.values.get("facebook_ignored", 0) + (
            row["ignored"] or 0
        )
    return series


@dataclass(frozen=True, slots=True)
class BacklogWeek:
    start: date
    open_at_end: int  # open at the end of the week (or at `filters.end`, if sooner)
    overdue_at_end: int | None  # as last recorded in the week; None: nothing recorded


def weekly_backlog(filters: Filters, weeks: int = 12) -> list[BacklogWeek]:
    """The backlog at the end of each of the weeks of `weekly_series`: open from the running
    balance of the summaries, overdue from the daily record of the current snapshot (none
    with a category or channel filter: the record is per office and district only)."""
    end = filters.end
    first = end - timedelta(days=(end.weekday() + 1) % 7) - timedelta(weeks=weeks - 1)
    since_first = Filters(
        start=first,
        end=end,
        district_ids=filters.district_ids,
        category_id=filters.category_id,
        channel=filters.channel,
    )
    balance = carried_over_by(since_first).get(None, 0)
    change = [0] * weeks
    rows = (
        _filtered(
            EventSummary.objects.all(), filters, with_period=False, level=_level(filters, None)
        )
        .filter(week_buckets(first, end))
        .values("bucket")
        .annotate(r=Sum("received"), f=Sum("finished"))
    )
    for row in rows:
        change[(row["bucket"] - first).days // 7] += (row["r"] or 0) - (row["f"] or 0)
    overdue: dict[int, tuple[date, int]] = {}
    if filters.category_id is None and not filters.channel:
        recorded = BacklogHistory.objects.filter(day__gte=first, day__lte=end)
        if filters.district_ids is not None:
            recorded = recorded.filter(district_id__in=list(filters.district_ids))
        for row in recorded.order_by().values("day").annotate(n=Sum("overdue")):
            index = (row["day"] - first).days // 7
            if index not in overdue or row["day"] > overdue[index][0]:
                overdue[index] = (row["day"], row["n"] or 0)
    series = []
    for index in range(weeks):
        balance += change[index]
        recorded_n = overdue.get(index)
        series.append(
            BacklogWeek(
                start=first + timedelta(weeks=index),
                open_at_end=balance,
                overdue_at_end=None if recorded_n is None else recorded_n[1],
            )
        )
    return series


def volume_groups(received: dict[Key, int], *, groups: int = 3) -> dict[Key, int]:
    """Comparable volume: the keys with at least `MIN_BASE` received, split into `groups`
    bands of equal size by volume (0 = the lowest). Keys below `MIN_BASE` get no band."""
    ranked = sorted((n, key) for key, n in received.items() if n >= MIN_BASE)
    if not ranked:
        return {}
    size = -(-len(ranked) // groups)
    return {key: index // size for index, (_, key) in enumerate(ranked)}


def rank_within_groups(rates: dict[Key, Rate], bands: dict[Key, int]) -> dict[Key, tuple[int, int]]:
    """(position, out of) by rate, best first, among the keys of the same volume band whose
    rate is comparable. Keys without a band or a comparable rate are not ranked."""
    members: dict[int, list[tuple[float, Key]]] = defaultdict(list)
    for key, band in bands.items():
        rate = rates.get(key)
        if rate is not None and rate.comparable and rate.value is not None:
            members[band].append((rate.value, key))
    positions: dict[Key, tuple[int, int]] = {}
    for entries in members.values():
        entries.sort(key=lambda e: -e[0])
        position = 0
        for index, (value, key) in enumerate(entries):
            if index == 0 or value != entries[index - 1][0]:
                position = index + 1  # equal rates share a position (1, 1, 3, ...)
            positions[key] = (position, len(entries))
    return positions


def computed_at() -> datetime | None:
    """When the summaries were last computed (the "updated N minutes ago" of the pages)."""
    state = RefreshState.objects.filter(pk=1).values_list("finished_at", flat=True).first()
    return state


def today() -> date:
    return dhaka_date(timezone.now())


def sum_counts(items: Iterable[Counts]) -> Counts:
    total = Counts()
    for item in items:
        total.add(item)
    return total
