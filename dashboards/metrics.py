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
from dashboards.models import CurrentSnapshot, DurationSummary, EventSummary, Grain, RefreshState
from dashboards.summaries import EVENT_MEASURES

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
        for mine, theirs in (
            (self.first_response_days, other.first_response_days),
            (self.resolution_days, other.resolution_days),
        ):
            for days, n in theirs.items():
                mine[days] = mine.get(days, 0) + n

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


def period_buckets(start: date, end: date) -> Q:
    """The summary rows of [start, end]: whole months at month grain, the days at the edges at
    day grain. At most two partial months are read day by day."""
    if end < start:
        return Q(pk__in=[])
    q = Q()
    first_full = start if start.day == 1 else _month_end(start) + timedelta(days=1)
    last_full_end = end if end == _month_end(end) else _month_start(end) - timedelta(days=1)
    if first_full > last_full_end:  # no whole month inside: days only
        return Q(grain=Grain.DAY, bucket__gte=start, bucket__lte=end)
    q |= Q(grain=Grain.MONTH, bucket__gte=first_full, bucket__lte=last_full_end)
    if start < first_full:
        q |= Q(grain=Grain.DAY, bucket__gte=start, bucket__lt=first_full)
    if end > last_full_end:
        q |= Q(grain=Grain.DAY, bucket__gt=last_full_end, bucket__lte=end)
    return q


def _filtered(qs: QuerySet[Any], filters: Filters, *, with_period: bool = True) -> QuerySet[Any]:
    if with_period:
        qs = qs.filter(period_buckets(filters.start, filters.end))
    if filters.district_ids is not None:
        qs = qs.filter(district_id__in=list(filters.district_ids))
    if filters.category_id is not None:
        qs = qs.filter(category_id=filters.category_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.order_by()


# --- reading ----------------------------------------------------------------------------------

Key = Any


def counts_by(filters: Filters, group: str | None = None) -> dict[Key, Counts]:
    """Every measure for the period, grouped by a summary column ("district_id",
    "office_id", "category_id", "channel") or not at all (key None)."""
    groups: dict[Key, Counts] = defaultdict(Counts)
    # Without a group, every row falls in one: grouped by a constant.
    fields = [group] if group else ["grouped"]
    sums = {m: Sum(m) for m in EVENT_MEASURES}

    def rows(qs: QuerySet[Any], **aggregates: Any) -> Iterable[dict[str, Any]]:
        if not group:
            qs = qs.annotate(grouped=Value(None, output_field=IntegerField()))
        return qs.values(*fields).annotate(**aggregates)

    for row in rows(_filtered(EventSummary.objects.all(), filters), **sums):
        key = row[fields[0]]
        groups[key].values = {m: row[m] or 0 for m in EVENT_MEASURES}
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
    durations = _filtered(DurationSummary.objects.all(), filters)
    if not group:
        durations = durations.annotate(grouped=Value(None, output_field=IntegerField()))
    for row in durations.values(*fields, "measure", "working_days").annotate(n=Sum("count")):
        counts = groups[row[fields[0]]]
        target = (
            counts.first_response_days
            if row["measure"] == DurationSummary.FIRST_RESPONSE
            else counts.resolution_days
        )
        target[row["working_days"]] = row["n"]
    return dict(groups)


def totals(filters: Filters) -> Counts:
    return counts_by(filters).get(None, Counts())


def weekly_series(filters: Filters, weeks: int = 12) -> list[tuple[date, Counts]]:
    """Received and resolved per week (weeks start on Sunday, the Bangladeshi working week),
    the last `weeks` weeks up to `filters.end`, from the day-grain rows."""
    end = filters.end
    first = end - timedelta(days=(end.weekday() + 1) % 7) - timedelta(weeks=weeks - 1)
    rows = (
        _filtered(EventSummary.objects.all(), filters, with_period=False)
        .filter(grain=Grain.DAY, bucket__gte=first, bucket__lte=end)
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
