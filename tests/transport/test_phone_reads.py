"""A phone's join on PostgreSQL (issue 22, the QR-scan rush): the reads of its pages and its connect run
outside a transaction, each statement on its own (no BEGIN and ROLLBACK round trips), while the join's
writes still go in one transaction; the session and the phone's participant row are read in one query.
Observed at the driver: each statement, and the transaction status after it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from psycopg.pq import TransactionStatus

from facilitation.extensions import db


@pytest.fixture
def database_url(postgres_url):
    # the conftest fixtures (app, facilitator, make_session, join, connect) on the real PostgreSQL
    return postgres_url


@dataclass
class Statement:
    verb: str  # SELECT, INSERT ...
    in_transaction: bool  # whether a transaction was open after it
    text: str


@pytest.fixture
def statements(app):
    """Each statement the app runs."""
    seen: list[Statement] = []

    def after(connection, _cursor, statement, *_args):
        status = connection.connection.dbapi_connection.info.transaction_status
        text = " ".join(statement.split())
        seen.append(Statement(text.split()[0].upper(), status != TransactionStatus.IDLE, text))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "after_cursor_execute", after)
    yield seen
    sa.event.remove(engine, "after_cursor_execute", after)


def _outside_a_transaction(seen: list[Statement]) -> bool:
    return bool(seen) and not any(s.in_transaction for s in seen)


def test_a_phones_pages_and_connect_read_outside_a_transaction_and_its_join_writes_in_one(
    app, facilitator, make_session, connect, statements
):
    _, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    phone = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True  # a real phone's form, token and all
    statements.clear()
    page = phone.get(f"/j/{code}")
    assert page.status_code == 200 and _outside_a_transaction(statements)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)

    statements.clear()
    joined = phone.post(f"/j/{code}", data={"level": "execution", "accept_rules": "1", "csrf_token": token})
    assert joined.status_code == 302
    # the session is looked up on its own; the lock, the new participant and its event in one transaction
    writes = [s for s in statements if s.verb in ("UPDATE", "INSERT")]
    assert len(writes) >= 3 and all(s.in_transaction for s in writes)

    statements.clear()
    assert phone.get(f"/p/{code}").status_code == 200
    assert _outside_a_transaction(statements)

    statements.clear()
    sio = connect(phone, code, "participant")
    assert sio.is_connected("/live") and _outside_a_transaction(statements)
    # the snapshot still reads as of one moment (REPEATABLE READ): inside a transaction
    statements.clear()
    reply = sio.emit("resume", {"seq": -1}, namespace="/live", callback=True)
    assert reply["ok"] and "snapshot" in reply and all(s.in_transaction for s in statements)


def test_a_joined_phone_reads_its_session_and_itself_in_one_query(
    app, facilitator, make_session, join, connect, statements
):
    _, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    phone = join(code)

    def lookups() -> list[str]:
        """Statements that read the session, or a participant by its cookie's token or by its id."""
        return [
            s.text
            for s in statements
            if any(
                f" FROM {what}" in s.text
                for what in (
                    "sessions",
                    "participants WHERE participants.token_hash",
                    "participants WHERE participants.id",
                )
            )
        ]

    statements.clear()
    assert phone.get(f"/p/{code}").status_code == 200
    both = lookups()
    assert len(both) == 1 and "JOIN participants" in both[0]
    statements.clear()
    assert phone.get(f"/j/{code}").status_code == 302  # the same phone again: back to its screen
    assert len(lookups()) == 1

    statements.clear()
    sio = connect(phone, code, "participant")
    assert sio.is_connected("/live") and len(statements) == 1
    statements.clear()
    assert sio.emit("resume", {"seq": -1}, namespace="/live", callback=True)["ok"]
    # the participant came with the session: not read again by its id to check its role
    assert len(lookups()) == 1

    # a cookie that names nobody in the session opens nothing
    stranger = app.test_client()
    stranger.set_cookie(f"p_{code}", "not-a-token-of-this-session")
    assert stranger.get(f"/p/{code}").status_code == 302
    assert not connect(stranger, code, "participant").is_connected("/live")


def test_a_logged_in_account_keeps_its_transaction_on_a_phone_page(app, facilitator, make_session, statements):
    """Its row, read before the page, is not read a second time (ending the transaction would expire it)."""
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    statements.clear()
    assert http.get(f"/j/{code}").status_code == 200
    selects = [s for s in statements if s.verb == "SELECT"]
    assert len(selects) == 2 and all(s.in_transaction for s in selects)  # the account, then the session
