from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendar import DHAKA, add_working_days, is_working_day, working_days_between
from core.models import Holiday

pytestmark = pytest.mark.django_db


def dhaka(*args: int) -> datetime:
    return datetime(*args, tzinfo=DHAKA)


def test_friday_and_saturday_are_not_working_days():
    assert not is_working_day(date(2026, 11, 27))  # Friday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert is_working_day(date(2026, 11, 29))  # Sunday


def test_one_working_day_from_thursday_ends_on_sunday():
    due = add_working_days(dhaka(2026, 11, 26, 10, 0), 1)

    assert due == dhaka(2026, 11, 29, 23, 59, 59)


def test_thirty_working_days_skip_weekends_and_holidays():
    # From Sunday 2026-11-29: 30 working days, Victory Day (16 Dec) and Christmas (25 Dec,
    # a Friday anyway) included in the seeded calendar.
    due = add_working_days(dhaka(2026, 11, 29, 9, 0), 30)

    assert due.date() == date(2027, 1, 11)


def test_an_added_holiday_moves_the_deadline():
    before = add_working_days(dhaka(2026, 11, 29, 9, 0), 1)
    Holiday.objects.create(date=date(2026, 11, 30), name_en="Test", name_bn="পরীক্ষা")

    after = add_working_days(dhaka(2026, 11, 29, 9, 0), 1)

    assert before.date() == date(2026, 11, 30)
    assert after.date() == date(2026, 12, 1)


def test_the_day_changes_at_dhaka_midnight_not_utc_midnight():
    wednesday_late = dhaka(2026, 11, 25, 23, 30)
    # 18:30 UTC on Wednesday is already 00:30 on Thursday in Dhaka.
    thursday_early = datetime.fromisoformat("2026-11-25T18:30:00+00:00")

    assert add_working_days(wednesday_late, 1).date() == date(2026, 11, 26)
    assert add_working_days(thursday_early, 1).date() == date(2026, 11, 29)


def test_working_days_between_counts_days_after_the_start():
    start = dhaka(2026, 11, 26, 12, 0)  # Thursday

    assert working_days_between(start, dhaka(2026, 11, 28, 12, 0)) == 0  # Fri, Sat
    assert working_days_between(start, dhaka(2026, 11, 29, 0, 1)) == 1  # Sunday
    assert working_days_between(start, start) == 0


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    span=st.integers(min_value=0, max_value=900),
    holiday_offsets=st.sets(st.integers(min_value=-10, max_value=910), max_size=12),
)
@settings(max_examples=200, deadline=None)
def test_working_days_between_counts_whole_weeks_as_a_day_by_day_walk_would(
    start: date, span: int, holiday_offsets: set[int]
):
    """Years-overdue rows are counted by whole weeks; the count must equal walking each day
    (holidays outside the span, and holidays on a weekend, change nothing)."""
    holidays = {start + timedelta(days=offset) for offset in holiday_offsets}
    end = start + timedelta(days=span)
    walked = sum(
        1
        for offset in range(1, span + 1)
        if is_working_day(start + timedelta(days=offset), holidays)
    )
    counted = working_days_between(
        datetime.combine(start, time(9), tzinfo=DHAKA),
        datetime.combine(end, time(17), tzinfo=DHAKA),
        holidays,
    )
    assert counted == walked
