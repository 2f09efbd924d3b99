from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest import mock

import psycopg2
import pytest
from django.db import connection

from core.calendar import DHAKA
from dashboards.models import (
    BacklogHistory,
    CurrentSnapshot,
    DurationSummary,
    EventSummary,
    UpazilaSummary,
)
from grievances.models import GrievanceEvent


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    """Services, and the events they record, happen at `moment`."""
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        # Field.get_default caches the default's callable: patch what it calls.
        mock.patch.object(
            GrievanceEvent._meta.get_field("created_at"),
            "_get_default",
            mock.Mock(return_value=moment),
        ),
    ):
        yield moment


@contextmanager
def other_connection() -> Iterator["psycopg2.extensions.connection"]:
    """A second connection to the test database, as another process (a page, a beat run)
    would hold: it sees only what is committed and waits for other connections' locks."""
    settings = connection.settings_dict
    given = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "host": settings["HOST"],
        "port": settings["PORT"],
    }
    other = psycopg2.connect(**{key: value for key, value in given.items() if value})
    try:
        yield other
    finally:
        other.close()


def dhaka(*args: int) -> datetime:
    return datetime(*args, tzinfo=DHAKA)  # type: ignore[misc]


def summary_rows() -> dict[str, set[tuple[object, ...]]]:
    """Every summary row as plain tuples (without ids), to compare two computations."""
    skip = {"id"}

    def rows(model: type) -> set[tuple[object, ...]]:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        return set(model.objects.values_list(*names))

    return {
        "events": rows(EventSummary),
        "durations": rows(DurationSummary),
        "upazilas": rows(UpazilaSummary),
        "snapshot": rows(CurrentSnapshot),
        "backlog": rows(BacklogHistory),
    }


@pytest.fixture
def clock() -> Callable[[datetime], object]:
    return at
