"""The heartbeat: every LIVE_HEARTBEAT_SECONDS each screen hears its session's seq as of the beat before, so
a screen that missed the last events notices without a new event (live.js then fetches them); it stops when
the worker holds no connection. The storm and Redis outage it exists for are in test_resync.py."""

from __future__ import annotations

import time

import pytest

from facilitation.extensions import db
from facilitation.models import Session
from facilitation.transport import realtime
from tests.conftest import NAMESPACE, run

BEAT = 0.2


@pytest.fixture
def app(make_app):
    return make_app(LIVE_HEARTBEAT_SECONDS=BEAT)


def _beats(sio) -> list[int]:
    return [item["args"][0]["seq"] for item in sio.get_received(NAMESPACE) if item["name"] == "heartbeat"]


def _until(condition, seconds=10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(BEAT / 4)
    return True


def test_every_screen_hears_the_seq_of_the_beat_before(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    console, phone = connect(http, code, "console"), connect(join(code), code, "participant")
    with app.app_context():
        seq = db.session.get(Session, session_id).last_seq
    heard = {console: [], phone: []}
    assert _until(lambda: all(heard[s].extend(_beats(s)) or heard[s] for s in heard))
    assert set(heard[console]) == set(heard[phone]) == {seq}
    # a change shows up a beat after it was read: what is on its way has a whole beat to arrive
    moved = run(app, session_id, account_id, "phase.goto", {"index": 2})
    later: list[int] = []
    assert _until(lambda: moved.seq in (later.extend(_beats(phone)) or later)), later
    console.disconnect(NAMESPACE)
    phone.disconnect(NAMESPACE)
    assert _until(lambda: realtime.heartbeat._app is None)  # no connection left: the task ended
