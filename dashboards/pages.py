"""What the dashboard pages, `/stats/` and the district-table export show, built from
`dashboards/metrics.py` (the measures) and `dashboards/maps.py` (the map). No view computes a
figure itself."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from dashboards.maps import BANDS, NO_DATA, band_for, map_shape
from dashboards.metrics import (
    MIN_BASE,
    Counts,
    Filters,
    Rate,
    counts_by,
    period_buckets,
    rank_within_groups,
    sum_counts,
    volume_groups,
    weekly_backlog,
    weekly_series,
)
from dashboards.models import UpazilaSummary
from dashboards.summaries import UPAZILA_MEASURES
from grievances.models import Category
from grievances.templatetags.citizen import local_number
from offices.models import District, Division, Upazila
from offices.selectors import name_order

# --- formatting -------------------------------------------------------------------------------


def fmt_int(value: int | None) -> str:
    if value is None:
        return "—"
    return local_number(f"{value:,}")


def fmt_rate(rate: Rate) -> str:
    """ "85 %", or for a small base "3 of 5" (not a percentage anyone should compare)."""
    if rate.base == 0:
        return "—"
    if not rate.comparable:
        return _("%(n)s of %(base)s") % {"n": fmt_int(rate.numerator), "base": fmt_int(rate.base)}
    return local_number(f"{rate.value:.0f}") + " %"


def fmt_days(days: int | None) -> str:
    if days is None:
        return "—"
    return local_number(str(days))


def fmt_change_count(now: int, before: int) -> str:
    if before == 0:
        return ""
    change = 100.0 * (now - before) / before
    sign = "+" if change >= 0 else "−"
    return local_number(f"{sign}{abs(change):.0f} %")


def fmt_change_rate(now: Rate, before: Rate) -> str:
    if not (now.comparable and before.comparable) or now.value is None or before.value is None:
        return ""
    points = now.value - before.value
    sign = "+" if points >= 0 else "−"
    return local_number(f"{sign}{abs(points):.0f}") + " " + _("points")


# --- headline ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    value: str
    change: str = ""
    note: str = ""


def headline(
    filters: Filters, *, with_change: bool = True, current: Counts | None = None
) -> list[Figure]:
    """The headline figures; `current`: the period's counts when the caller has them (the
    sum of the district table's rows), read otherwise."""
    # Carried over is a change from the previous period too: shown where changes are.
    now = (
        current
        if current is not None
        else counts_by(filters, carried_over=with_change).get(None, Counts())
    )
    before = (
        counts_by(filters.previous(), durations=False).get(None, Counts())
        if with_change
        else Counts()
    )

    def count(label: str, name: str, note: str = "") -> Figure:
        return Figure(
            label,
            fmt_int(now[name]),
            fmt_change_count(now[name], before[name]) if with_change else "",
            note,
        )

    def rate(label: str, name: str, note: str = "") -> Figure:
        return Figure(
            label,
            fmt_rate(now[name]),
            fmt_change_rate(now[name], before[name]) if with_change else "",
            note,
        )

    return [
        count(_("Received"), "received"),
        count(_("Resolved"), "resolved"),
        rate(_("Resolved within deadline"), "within_deadline", _("GRS target: 90 %")),
        Figure(_("Overdue now"), fmt_int(now.overdue_now), "", _("open and past their deadline")),
        Figure(_("Open now"), fmt_int(now.open_now)),
        *(
            [
                Figure(
                    _("Carried over from the previous period"),
                    fmt_int(now.carried_over),
                    "",
                    _("open when the period began"),
                )
            ]
            if with_change
            else []
        ),
        Figure(
            _("Median working days to first response"),
            fmt_days(now.first_response_median),
            "",
            _("p90: %(days)s") % {"days": fmt_days(now.first_response_p90)},
        ),
        Figure(
            _("Median working days to resolution"),
            fmt_days(now.resolution_median),
            "",
            _("p90: %(days)s") % {"days": fmt_days(now.resolution_p90)},
        ),
        count(_("Ignored Facebook posts"), "facebook_ignored"),
        rate(_("Confirmed fixed by the citizen"), "confirmed_fixes"),
        rate(_("Appeal rate"), "appeal_rate"),
    ]


@dataclass(frozen=True, slots=True)
class BreakdownLine:
    label: str
    count: str
    share: str = ""  # of the whole (a rate: "3 of 5" below the small-number base)


def tiers_and_outcomes(counts: Counts) -> dict[str, list[BreakdownLine]]:
    """Received by tier and resolved by outcome, each with its share."""
    received = counts.received + counts.appeals_received
    return {
        "tiers": [
            BreakdownLine(label, fmt_int(n), fmt_rate(Rate(n, received)))
            for _tier, label, n in counts.received_by_tier
        ],
        "outcomes": [
            BreakdownLine(label, fmt_int(n), fmt_rate(Rate(n, counts.resolved)))
            for _outcome, label, n in counts.resolved_by_outcome
        ],
    }


# --- the district table -----------------------------------------------------------------------


@dataclass(slots=True)
class DistrictRow:
    district: District
    counts: Counts
    rank: tuple[int, int] | None = None  # position among comparable districts, out of
    band: str = NO_DATA

    @property
    def comparable(self) -> bool:
        return self.counts.within_deadline.comparable


# sort key → (label, value for sorting, best first when descending?)
SORTS: dict[str, tuple[str, Callable[[DistrictRow], Any]]] = {
    "name": ("District", lambda r: 0),
    "received": ("Received", lambda r: r.counts.received),
    "overdue": ("Overdue now", lambda r: r.counts.overdue_now),
    "within": (
        "Within deadline",
        lambda r: r.counts.within_deadline.value if r.comparable else None,
    ),
    "first": ("Median days to first response", lambda r: r.counts.first_response_median),
    "ignored": ("Ignored Facebook posts", lambda r: r.counts.facebook_ignored),
    "fixes": (
        "Confirmed fixes",
        lambda r: r.counts.confirmed_fixes.value if r.counts.confirmed_fixes.comparable else None,
    ),
    "appeal": (
        "Appeal rate",
        lambda r: r.counts.appeal_rate.value if r.counts.appeal_rate.comparable else None,
    ),
}
DEFAULT_SORT = "within"


def sort_label(key: str) -> str:
    return {
        "name": _("District"),
        "received": _("Received"),
        "overdue": _("Overdue now"),
        "within": _("Within deadline"),
        "first": _("Median days to first response"),
        "ignored": _("Ignored Facebook posts"),
        "fixes": _("Confirmed fixes"),
        "appeal": _("Appeal rate"),
    }[key]


def district_rows(filters: Filters, districts: list[District]) -> list[DistrictRow]:
    """One row per district (in `districts`' order), ranked within its volume group."""
    by_district = counts_by(filters, "district_id", carried_over=True)
    rows = [DistrictRow(d, by_district.get(d.pk, Counts())) for d in districts]
    bands = volume_groups({r.district.pk: r.counts.received for r in rows})
    ranks = rank_within_groups({r.district.pk: r.counts.within_deadline for r in rows}, bands)
    for row in rows:
        row.rank = ranks.get(row.district.pk)
        rate = row.counts.within_deadline
        row.band = band_for(rate.value, rate.comparable)
    return rows


def sort_rows(rows: list[DistrictRow], sort: str, descending: bool) -> list[DistrictRow]:
    if sort not in SORTS or sort == "name":
        return list(reversed(rows)) if descending and sort == "name" else list(rows)
    key = SORTS[sort][1]
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]  # never ranked: always last
    present.sort(key=key, reverse=descending)
    return present + missing


@dataclass(slots=True)
class DivisionTotal:
    division: Division
    counts: Counts
    districts: int


def division_totals(rows: list[DistrictRow], divisions: list[Division]) -> list[DivisionTotal]:
    totals = []
    for division in divisions:
        members = [r for r in rows if r.district.division_id == division.pk]
        if members:
            totals.append(
                DivisionTotal(division, sum_counts(r.counts for r in members), len(members))
            )
    return totals


# --- the map ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapDistrict:
    slug: str
    name: str
    path: str
    css: str
    title: str
    href: str


@dataclass(frozen=True, slots=True)
class LegendEntry:
    css: str
    label: str


def map_context(rows: list[DistrictRow], *, link: Callable[[District], str]) -> dict[str, Any]:
    shape = map_shape()
    shapes = []
    for row in rows:
        outline = shape.outlines.get(row.district.name_en)
        if outline is None:
            continue
        rate = row.counts.within_deadline
        if rate.base == 0:
            detail = _("nothing resolved in this period")
        elif not rate.comparable:
            detail = _("%(rate)s resolved within deadline: too few to compare") % {
                "rate": fmt_rate(rate)
            }
        else:
            detail = _("%(rate)s resolved within deadline (%(n)s resolved)") % {
                "rate": fmt_rate(rate),
                "n": fmt_int(rate.base),
            }
        shapes.append(
            MapDistrict(
                slug=row.district.slug,
                name=row.district.name,
                path=outline.path,
                css=row.band,
                title=f"{row.district.name}: {detail}",
                href=link(row.district),
            )
        )
    legend = [
        LegendEntry(css, _("%(from)s %% and more") % {"from": local_number(f"{floor:.0f}")})
        for floor, css in BANDS
    ]
    legend[0] = LegendEntry(BANDS[0][1], _("below %(to)s %%") % {"to": local_number("50")})
    legend.append(
        LegendEntry(NO_DATA, _("fewer than %(n)s resolved") % {"n": local_number(str(MIN_BASE))})
    )
    return {"width": shape.width, "height": shape.height, "districts": shapes, "legend": legend}


# --- the trend chart --------------------------------------------------------------------------

CHART_W, CHART_H, PAD_L, PAD_B, PAD_T = 640, 220, 44, 28, 12


@dataclass(frozen=True, slots=True)
class TrendWeek:
    start: date
    received: int
    resolved: int
    ignored: int
    open: int = 0  # at the end of the week
    overdue: int | None = None  # at the end of the week, as recorded; None: not recorded


def trend_context(filters: Filters, weeks: int = 12) -> dict[str, Any]:
    series = weekly_series(filters, weeks)
    backlog = weekly_backlog(filters, weeks)
    data = [
        TrendWeek(
            start, c.received, c.resolved, c.facebook_ignored, b.open_at_end, b.overdue_at_end
        )
        for (start, c), b in zip(series, backlog, strict=True)
    ]
    top = max([1] + [max(w.received, w.resolved, w.ignored, w.open, w.overdue or 0) for w in data])
    plot_w, plot_h = CHART_W - PAD_L - 8, CHART_H - PAD_B - PAD_T
    step = plot_w / max(len(data) - 1, 1)

    def points(attr: str) -> str:
        return " ".join(
            f"{PAD_L + i * step:.1f},{PAD_T + plot_h - plot_h * getattr(w, attr) / top:.1f}"
            for i, w in enumerate(data)
        )

    def recorded_points(attr: str) -> list[tuple[str, str]]:
        """(x, y) of the weeks with a value: a line may have gaps and single points."""
        return [
            (f"{PAD_L + i * step:.1f}", f"{PAD_T + plot_h - plot_h * getattr(w, attr) / top:.1f}")
            for i, w in enumerate(data)
            if getattr(w, attr) is not None
        ]

    overdue_recorded = [w for w in data if w.overdue is not None]
    ticks = [
        {"y": f"{PAD_T + plot_h - plot_h * v / top:.1f}", "label": fmt_int(v)}
        for v in sorted({0, top // 2, top})
    ]
    x_labels = [
        {"x": f"{PAD_L + i * step:.1f}", "label": local_number(w.start.strftime("%d/%m"))}
        for i, w in enumerate(data)
        if i % 2 == 0
    ]
    # The last week runs to the period's end: before its Saturday, its counts are of a few
    # days and its dip is no trend. Its stretch of the chart is shaded and the text says so.
    days_counted = (filters.end - data[-1].start).days + 1 if data else 7
    return {
        "width": CHART_W,
        "height": CHART_H,
        "weeks": data,
        "received": points("received"),
        "resolved": points("resolved"),
        "ignored": points("ignored"),
        "open": points("open"),
        "overdue": " ".join(f"{x},{y}" for x, y in recorded_points("overdue")),
        "overdue_dots": recorded_points("overdue"),
        "overdue_recorded": len(overdue_recorded),
        "overdue_from": overdue_recorded[0].start if overdue_recorded else None,
        "overdue_filtered_out": filters.category_id is not None or bool(filters.channel),
        "ticks": ticks,
        "x_labels": x_labels,
        "left": PAD_L,
        "right": CHART_W - 8,
        "bottom": PAD_T + plot_h,
        "label_y": CHART_H - 8,
        "top": PAD_T,
        "plot_height": plot_h,
        "partial_days": days_counted if days_counted < 7 else None,
        "partial_x": f"{PAD_L + (len(data) - 2) * step:.1f}",
        "partial_width": f"{step:.1f}",
        "partial_until": filters.end,
    }


# --- breakdowns -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Breakdown:
    label: str
    counts: Counts
    bar: int  # 0..100, the share of the largest


def category_breakdown(filters: Filters) -> list[Breakdown]:
    by_category = counts_by(
        filters,
        "category_id",
        durations=False,
        measures=("received", "resolved", "resolved_on_time"),
    )
    categories = {c.pk: c for c in Category.objects.all()}
    top = max([1] + [c.received for c in by_category.values()])
    items = []
    for key, counts in by_category.items():
        if not counts.received and not counts.open_now:
            continue
        label = categories[key].name if key in categories else _("No category yet")
        items.append(Breakdown(label, counts, round(100 * counts.received / top)))
    items.sort(key=lambda b: -b.counts.received)
    return items


def upazila_breakdown(filters: Filters, district: District) -> list[Breakdown]:
    """Per upazila the grievance is about (the upazila summary knows no category/channel)."""
    rows: Any = (
        UpazilaSummary.objects.filter(period_buckets(filters.start, filters.end), district=district)
        .order_by()
        .values("upazila_id")
        .annotate(**{m: Sum(m) for m in UPAZILA_MEASURES})
    )
    upazilas = {u.pk: u for u in Upazila.objects.filter(district=district).order_by(name_order())}
    found: dict[int | None, dict[str, Any]] = {r["upazila_id"]: r for r in rows}
    top = max([1] + [r["received"] or 0 for r in found.values()])
    items = []
    for key in [*upazilas, None]:
        row = found.get(key)
        if row is None:
            continue
        counts = Counts(values={m: row[m] or 0 for m in UPAZILA_MEASURES})
        label = upazilas[key].name if key in upazilas else _("Upazila not given")
        items.append(Breakdown(label, counts, round(100 * counts.received / top)))
    return items


def position_among_comparable(filters: Filters, district: District) -> tuple[int, int] | None:
    """The district's rank by within-deadline % among districts of comparable volume, with the
    same period, category and channel (as the national table ranks them: the same
    `volume_groups` and `rank_within_groups`, read with only the counts they need)."""
    everywhere = Filters(
        start=filters.start,
        end=filters.end,
        category_id=filters.category_id,
        channel=filters.channel,
    )
    by_district = counts_by(
        everywhere,
        "district_id",
        durations=False,
        measures=("received", "resolved", "resolved_on_time"),
    )
    bands = volume_groups({key: c.received for key, c in by_district.items()})
    ranks = rank_within_groups({key: c.within_deadline for key, c in by_district.items()}, bands)
    return ranks.get(district.pk)


def district_counts(filters: Filters) -> Counts:
    """Every measure of a district's period (`filters` limited to it), with carried over."""
    return counts_by(filters, carried_over=True).get(None, Counts())


def district_link(district: District) -> str:
    return reverse("dashboards:district", args=[district.slug])


def period_days(filters: Filters) -> int:
    return (filters.end - filters.start).days + 1


def filters_for_district(filters: Filters, district: District) -> Filters:
    return Filters(
        start=filters.start,
        end=filters.end,
        district_ids=[district.pk],
        category_id=filters.category_id,
        channel=filters.channel,
    )


@dataclass
class TableExport:
    headers: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)


def district_table_export(rows: list[DistrictRow], filters: Filters) -> TableExport:
    """The ranking table as shown, as plain values (rates in per cent, empty when too few)."""

    def pct(rate: Rate) -> object:
        return "" if not rate.comparable or rate.value is None else round(rate.value, 1)

    table = TableExport(
        headers=[
            _("District"),
            _("Division"),
            _("Received"),
            _("Resolved"),
            _("Overdue now"),
            _("Within deadline %"),
            _("Resolved (base)"),
            _("Median working days to first response"),
            _("Ignored Facebook posts"),
            _("Confirmed fixes %"),
            _("Appeal rate %"),
            _("Position among comparable districts"),
            _("Carried over from the previous period"),
            _("Received at tier 1 (the office)"),
            _("Received at tier 2 (appeal)"),
            *(
                _("Resolved: %(outcome)s") % {"outcome": label}
                for _value, label, _n in Counts().resolved_by_outcome
            ),
        ]
    )
    for row in rows:
        c = row.counts
        table.rows.append(
            [
                row.district.name,
                row.district.division.name,
                c.received,
                c.resolved,
                c.overdue_now,
                pct(c.within_deadline),
                c.resolved,
                "" if c.first_response_median is None else c.first_response_median,
                c.facebook_ignored,
                pct(c.confirmed_fixes),
                pct(c.appeal_rate),
                f"{row.rank[0]}/{row.rank[1]}" if row.rank else "",
                c.carried_over,
                c.received,
                c.appeals_received,
                *(n for _value, _label, n in c.resolved_by_outcome),
            ]
        )
    return table
