"""Silent writing: the learning table's writing phase keeps the projector's wall covered until the facilitator
reveals it; the reveal is one event in the log, refused where there is nothing to reveal."""

from __future__ import annotations

from facilitation.extensions import db
from facilitation.live import commands, snapshots
from facilitation.models import Session
from tests.conftest import run


def attempt(app, session_id: int, account_id: int, name: str):
    with app.test_request_context():
        return commands.apply(session_id, commands.Actor(account_id=account_id), name, {})


def staff_snapshot(app, session_id: int) -> dict:
    with app.app_context():
        return snapshots.snapshot(db.session.get(Session, session_id), snapshots.STAFF, None)


def test_the_writing_phase_is_covered_until_revealed_once(app, facilitator, make_session):
    _, account_id = facilitator
    session_id, _ = make_session(account_id, phase="write")
    state = staff_snapshot(app, session_id)
    write = state["format"]["phases"][state["phase_index"]]
    assert write["covered"] is True and state["revealed"] == []
    result = run(app, session_id, account_id, "wall.reveal")
    assert result.ok and result.data == {"phase": "write"}
    assert staff_snapshot(app, session_id)["revealed"] == ["write"]
    again = attempt(app, session_id, account_id, "wall.reveal")
    assert not again.ok and again.error == "no_change"


def test_a_phase_that_is_not_covered_has_nothing_to_reveal(app, facilitator, make_session):
    _, account_id = facilitator
    session_id, _ = make_session(account_id, phase="cluster")
    result = attempt(app, session_id, account_id, "wall.reveal")
    assert not result.ok and result.error == "not_covered"
