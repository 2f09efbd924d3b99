"""The `system` fixture: the whole product as separate processes, once per session."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest
from django.conf import settings

from tests.system.harness import SystemStack


def _admin_dsn() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    return {
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "",
        "port": db.get("PORT") or "",
    }


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SystemStack]:
    """The whole product running as separate processes. Started once per session."""
    stack = SystemStack(
        workdir=tmp_path_factory.mktemp("system"),
        admin_dsn=_admin_dsn(),
        db_name=f"shunani_system_{os.getpid()}",
    )
    created = False
    try:
        stack.start_redis()
        stack.start_broker()
        stack.start_fake()
        stack.create_database()
        created = True
        stack.start_web()
        stack.start_worker()
        stack.start_beat()
        yield stack
    finally:
        stack.stop_all()
        if created or _database_exists(stack):
            stack.drop_database()


def _database_exists(stack: SystemStack) -> bool:
    try:
        with contextlib.closing(stack._admin_connection()) as conn, conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (stack.db_name,))
            return cur.fetchone() is not None
    except psycopg2.Error:
        return False
