"""Reads that may lag go to a read replica; everything else to the primary.

When `DATABASE_REPLICA_URL` is set, settings add the `replica` database alias and name it in
`DATABASE_READ_REPLICA`. Code marks the reads that may be a few seconds behind — dashboards
and exports, never a page that must show what the user just did — in one of two ways:

    with reading_replica():                   # every ORM read inside, on this thread/task
        rows = pages.district_rows(...)

    Grievance.objects.using(read_alias())     # one queryset, e.g. a streaming export
    connections[read_alias()].cursor()        # raw SQL

Without a replica both answer the primary ("default"), so the code is the same on one machine
and on two. Writes always go to the primary (a replica refuses them); migrations run on the
primary only (the replica copies them). Inside a transaction on the primary, reads stay on the
primary: a transaction must read what it wrote, and a test's transaction is invisible to
another connection.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def read_alias() -> str:
    """The database alias for reads that may lag: the replica if one is configured (and the
    primary is not in a transaction), else the primary."""
    alias: str = getattr(settings, "DATABASE_READ_REPLICA", "")
    if not alias or alias not in connections.settings:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return alias


@contextmanager
def reading_replica() -> Iterator[str]:
    """Route the ORM reads made inside to `read_alias()`; yields that alias (for raw SQL)."""
    token = _replica_reads.set(True)
    try:
        yield read_alias()
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """`DATABASE_ROUTERS`: reads inside `reading_replica()` to the replica, nothing else."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        # Outside: the primary, also for the related objects of a row read from the replica.
        return read_alias() if _replica_reads.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data, wherever it was read

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
