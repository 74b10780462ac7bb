"""The PostgreSQL template the test databases start from (tests/conftest.py): made from a dump of a migrated
schema, whichever pg_dump the machine has. A pg_dump that cannot dump this server, or writes settings this server
does not know, must not fail every test: the first leaves each test to migrate its own schema, the second's
settings are left out."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap

import pytest
import sqlalchemy as sa

from tests import conftest


def _pg_dump_on_path(monkeypatch, tmp_path, body: str) -> None:
    """A pg_dump of our own first on PATH (a Python script), and no template made yet in this process."""
    script = tmp_path / "bin" / "pg_dump"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(conftest, "_MIGRATED", {})


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return set(sa.inspect(connection).get_table_names())
    finally:
        engine.dispose()


def _base() -> str:
    return os.environ.get("TEST_DATABASE_URL") or conftest.SERVICES_DATABASE_URL


def test_a_pg_dump_older_than_the_server_leaves_each_test_to_migrate_its_own_schema(monkeypatch, tmp_path):
    _pg_dump_on_path(
        monkeypatch,
        tmp_path,
        """
        import sys
        print("pg_dump: error: aborting because of server version mismatch", file=sys.stderr)
        sys.exit(1)
        """,
    )
    with conftest._fresh_schema(_base(), "t", "at the test database", template=True) as url:
        assert _tables(url) == set()  # an empty schema: the app's upgrade makes the tables


def test_settings_of_a_newer_pg_dump_are_left_out_of_the_template(monkeypatch, tmp_path):
    real = shutil.which("pg_dump")
    if real is None:
        pytest.skip("no pg_dump")
    # what pg_dump 17 writes at the top of every dump; PostgreSQL 16 and older do not know the setting
    _pg_dump_on_path(
        monkeypatch,
        tmp_path,
        f"""
        import subprocess, sys
        dumped = subprocess.run([{real!r}, *sys.argv[1:]], capture_output=True, text=True)
        sys.stderr.write(dumped.stderr)
        newer = "SET lock_timeout = 0;\\nSET transaction_timeout = 0;"
        sys.stdout.write(dumped.stdout.replace("SET lock_timeout = 0;", newer))
        sys.exit(dumped.returncode)
        """,
    )
    with conftest._fresh_schema(_base(), "t", "at the test database", template=True) as url:
        assert {"sessions", "participants", "alembic_version"} <= _tables(url)
