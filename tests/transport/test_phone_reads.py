"""A phone's join on PostgreSQL (issue 22, the QR-scan rush): the reads of its pages and its connect run
outside a transaction, each statement on its own (no BEGIN and ROLLBACK round trips), while the join's
writes still go in one transaction. Observed at the driver: the transaction status after each statement."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from psycopg.pq import TransactionStatus

from facilitation.extensions import db


@pytest.fixture
def database_url(postgres_url):
    # the conftest fixtures (app, facilitator, make_session, join, connect) on the real PostgreSQL
    return postgres_url


@pytest.fixture
def statements(app):
    """(statement, whether a transaction was open after it) for each statement the app runs."""
    seen: list[tuple[str, bool]] = []

    def after(connection, _cursor, statement, *_args):
        status = connection.connection.dbapi_connection.info.transaction_status
        seen.append((statement.split()[0].upper(), status != TransactionStatus.IDLE))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "after_cursor_execute", after)
    yield seen
    sa.event.remove(engine, "after_cursor_execute", after)


def test_a_phones_pages_and_connect_read_outside_a_transaction_and_its_join_writes_in_one(
    app, facilitator, make_session, connect, statements
):
    _, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    phone = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True  # a real phone's form, token and all
    statements.clear()
    page = phone.get(f"/j/{code}")
    assert page.status_code == 200 and statements and not any(open_ for _, open_ in statements)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)

    statements.clear()
    joined = phone.post(f"/j/{code}", data={"level": "execution", "accept_rules": "1", "csrf_token": token})
    assert joined.status_code == 302
    # the session is looked up on its own; the lock, the new participant and its event in one transaction
    writes = [(name, open_) for name, open_ in statements if name in ("UPDATE", "INSERT")]
    assert len(writes) >= 3 and all(open_ for _, open_ in writes)

    statements.clear()
    assert phone.get(f"/p/{code}").status_code == 200
    assert statements and not any(open_ for _, open_ in statements)

    statements.clear()
    sio = connect(phone, code, "participant")
    assert sio.is_connected("/live") and statements and not any(open_ for _, open_ in statements)
    # the snapshot still reads as of one moment (REPEATABLE READ): inside a transaction
    statements.clear()
    reply = sio.emit("resume", {"seq": -1}, namespace="/live", callback=True)
    assert reply["ok"] and "snapshot" in reply and all(open_ for _, open_ in statements)


def test_a_logged_in_account_keeps_its_transaction_on_a_phone_page(app, facilitator, make_session, statements):
    """Its row, read before the page, is not read a second time (ending the transaction would expire it)."""
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    statements.clear()
    assert http.get(f"/j/{code}").status_code == 200
    selects = [open_ for name, open_ in statements if name == "SELECT"]
    assert len(selects) == 2 and all(selects)  # the account, then the session
