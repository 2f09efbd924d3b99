"""Working days in Asia/Dhaka: Friday and Saturday off, and the public holidays in `Holiday`.

A deadline of N working days ends at the last moment of the Nth working day after the day
something happened (in Dhaka), so a grievance filed at 23:50 on a Thursday and one filed at
09:00 the same Thursday share a deadline.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from core.models import Holiday

DHAKA = ZoneInfo("Asia/Dhaka")
_END_OF_DAY = time(23, 59, 59)


def calendar_days_holding(working_days: int) -> int:
    """Calendar days that surely hold `working_days` working days: weekends and holidays never
    take more than a few days out of any week. `add_working_days` never ends later."""
    return working_days * 3 + 30


def dhaka_date(moment: datetime) -> date:
    return moment.astimezone(DHAKA).date()


def holidays_between(start: date, end: date) -> set[date]:
    """The public holidays from `start` to `end` (inclusive): one query, to pass on to the
    functions below when many dates are counted at once."""
    return set(
        Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True)
    )


def is_working_day(day: date, holidays: set[date] | None = None) -> bool:
    if day.weekday() in settings.WEEKEND_DAYS:
        return False
    if holidays is None:
        holidays = holidays_between(day, day)
    return day not in holidays


def add_working_days(moment: datetime, days: int) -> datetime:
    """The end (23:59:59 Dhaka) of the `days`-th working day after `moment`'s Dhaka date."""
    start = dhaka_date(moment)
    holidays = holidays_between(start, start + timedelta(days=calendar_days_holding(days)))
    day, remaining = start, days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return datetime.combine(day, _END_OF_DAY, tzinfo=DHAKA)


def working_days_between(start: datetime, end: datetime, holidays: set[date] | None = None) -> int:
    """Working days after `start`'s Dhaka date, up to and including `end`'s. `holidays` (from
    `holidays_between`, covering the span) saves the query.

    Counted by whole weeks, not day by day: an inbox page of grievances years overdue would
    otherwise walk hundreds of days per row."""
    first, last = dhaka_date(start), dhaka_date(end)
    if last <= first:
        return 0
    if holidays is None:
        holidays = holidays_between(first, last)
    weekend = settings.WEEKEND_DAYS
    span = (last - first).days
    weeks, rest = divmod(span, 7)
    days = weeks * (7 - len(weekend))
    days += sum(
        1
        for offset in range(1, rest + 1)
        if (first + timedelta(days=offset)).weekday() not in weekend
    )
    days -= sum(1 for day in holidays if first < day <= last and day.weekday() not in weekend)
    return days
