"""A worker on PostgreSQL keeps its database connections open (issue 22: in a reconnect storm the library's
pool of 5 made most reconnects open and close a new connection, several ms of CPU each)."""

from __future__ import annotations

import contextlib

import pytest

pytestmark = pytest.mark.services


def _kept_after(app, at_once: int) -> int:
    """Connections the pool still holds after `at_once` were in use together and given back."""
    from facilitation.extensions import db

    with app.app_context(), contextlib.ExitStack() as stack:
        for _ in range(at_once):
            stack.enter_context(db.engine.connect())
        assert db.engine.pool.checkedout() == at_once
        stack.close()
        return db.engine.pool.checkedin()


def test_a_burst_of_fifteen_leaves_fifteen_connections_open(make_app, postgres_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=postgres_url)
    assert _kept_after(app, 15) == 15
    # five more may open for a moment, and close when given back
    assert _kept_after(app, 20) == 15


def test_the_pool_size_is_a_setting(make_app, postgres_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=postgres_url, DATABASE_POOL_SIZE=3, DATABASE_MAX_OVERFLOW=1)
    assert _kept_after(app, 4) == 3
