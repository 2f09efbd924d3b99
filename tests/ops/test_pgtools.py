"""pg_dump / pg_restore of the server's major version, else the oldest newer one, never older."""

from pathlib import Path

import pytest
from django.db import connection

from ops import pgtools
from ops.pgtools import PgTool, PgToolError, choose

TOOLS = [PgTool(Path("/a/15"), 15), PgTool(Path("/b/18"), 18), PgTool(Path("/c/16"), 16)]


@pytest.mark.parametrize(
    ("server", "minimum", "expected"),
    [(15, 0, 15), (16, 0, 16), (18, 0, 18), (17, 0, 18), (14, 0, 15), (15, 18, 18), (16, 17, 18)],
)
def test_choose(server, minimum, expected):
    chosen = choose(TOOLS, server_major=server, minimum=minimum)
    assert chosen is not None
    assert chosen.major == expected


def test_nothing_older_than_the_server_is_chosen():
    assert choose(TOOLS, server_major=19) is None
    with pytest.raises(PgToolError, match="PostgreSQL 99"):
        pgtools.find("pg_dump", server_major=99)


def test_the_embedded_postgresql_binaries_are_found():
    """`make run` / `make test`'s embedded PostgreSQL ships its own client programs."""
    embedded = pgtools._embedded_bin_dir()
    assert embedded is not None
    found = {tool.path for tool in pgtools.installed("pg_dump")}
    assert embedded / "pg_dump" in found


@pytest.mark.django_db
def test_the_tool_found_for_this_server_has_its_major_version():
    major = connection.pg_version // 10000
    tool = pgtools.find("pg_dump", server_major=major)
    assert tool.major == major
    assert pgtools.tool_major(tool.path) == major


def test_a_configured_directory_is_looked_at_first(settings, tmp_path):
    settings.BACKUP_PG_BIN_DIR = str(tmp_path)
    assert pgtools.candidate_dirs()[0] == tmp_path
