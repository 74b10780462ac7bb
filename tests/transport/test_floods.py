"""Floods from phones and from one address, as the attack run sent them (issue 20): one phone toggled its
fishbowl request 300 times at 61/s, pulled 344 snapshots in 10 s, and one address made 200 joins in 3.9 s.
Every participant command and resume now counts per participant, joins per address - high enough that a
venue behind one NAT address still joins 300 phones in a minute."""

from __future__ import annotations

import time
import uuid

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Event, Participant, Session
from tests.conftest import command

NAMESPACE = "/live"


def events_written(app, session_id, name):
    with app.app_context():
        db.session.rollback()
        return db.session.scalar(
            sa.select(sa.func.count(Event.id)).where(Event.session_id == session_id, Event.name == name)
        )


def test_toggling_the_fishbowl_queue_is_limited_per_phone(app, facilitator, make_session, join, connect):
    _, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds", levels=("execution", "policy"))
    phone, other = connect(join(code), code, "participant"), connect(join(code, "policy"), code, "participant")
    acks = [command(phone, "fishbowl.request" if n % 2 == 0 else "fishbowl.withdraw") for n in range(300)]
    allowed = [ack for ack in acks if ack.get("error") != "rate_limited"]
    assert len(allowed) == 20 and all(ack["ok"] for ack in allowed)
    assert acks[-1]["message"]  # the refusal says why, in words
    written = events_written(app, session_id, "fishbowl.request") + events_written(app, session_id, "fishbowl.withdraw")
    assert written == 20  # not 300 events to every screen
    # another phone in the room is not held up
    assert command(other, "fishbowl.request")["ok"]


def test_snapshot_floods_are_limited_per_phone(app, facilitator, make_session, join, connect):
    _, account_id = facilitator
    _, code = make_session(account_id, phase="write")
    phone, other = connect(join(code), code, "participant"), connect(join(code), code, "participant")
    console = connect(facilitator[0], code, "console")
    replies = [phone.emit("resume", {"seq": -1}, namespace=NAMESPACE, callback=True) for _ in range(344)]
    snapshots = [reply for reply in replies if reply["ok"]]
    assert len(snapshots) == 60 and all("snapshot" in reply for reply in snapshots)
    assert all(reply == {"ok": False, "error": "rate_limited"} for reply in replies[60:])
    assert other.emit("resume", {"seq": -1}, namespace=NAMESPACE, callback=True)["ok"]
    # staff screens are never held up
    assert all(console.emit("resume", {"seq": -1}, namespace=NAMESPACE, callback=True)["ok"] for _ in range(40))


def test_every_participant_command_counts_over_http_too(app, facilitator, make_session, join):
    _, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds", levels=("execution",))
    phone = join(code)
    names = ("fishbowl.request", "fishbowl.withdraw")
    statuses = [phone.post(f"/api/s/{code}/command", json={"name": names[n % 2]}).status_code for n in range(40)]
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}


def test_a_venue_behind_one_address_joins_300_phones_in_a_minute_and_a_flood_is_refused(app, facilitator, make_session):
    _, account_id = facilitator
    session_id, code = make_session(account_id, start=True)
    venue = {"REMOTE_ADDR": "192.0.2.50"}
    started = time.monotonic()
    for n in range(300):
        response = app.test_client().post(
            f"/j/{code}", data={"level": "execution", "accept_rules": "1"}, environ_base=venue
        )
        assert response.status_code == 302, (n, response.status_code)
    assert time.monotonic() - started < 60
    # a script far above that: refused with 429 once the minute's budget is spent, and nothing written
    statuses = []
    for _ in range(200):
        response = app.test_client().post(
            f"/j/{code}", data={"level": "execution", "accept_rules": "1"}, environ_base=venue
        )
        statuses.append(response.status_code)
    assert statuses.count(302) == 100 and statuses[-100:] == [429] * 100
    over_api = app.test_client().post(
        f"/api/s/{code}/command",
        json={"name": "participant.join", "args": {"level": "execution", "accept_rules": True}},
        environ_base=venue,
    )
    assert over_api.status_code == 429
    with app.app_context():
        joined = db.session.scalar(sa.select(sa.func.count(Participant.id)).where(Participant.session_id == session_id))
        assert joined == 400
        assert db.session.get(Session, session_id).last_seq == events_written(app, session_id, "participant.join") + 1
    # another address joins as always
    assert (
        app.test_client()
        .post(
            f"/j/{code}", data={"level": "execution", "accept_rules": "1"}, environ_base={"REMOTE_ADDR": "192.0.2.51"}
        )
        .status_code
        == 302
    )


def test_posting_still_has_its_own_stricter_limit(app, facilitator, make_session, join, connect):
    _, account_id = facilitator
    _, code = make_session(account_id, phase="write")
    phone = connect(join(code), code, "participant")
    acks = [
        command(phone, "reflection.post", {"kind": "success", "text": f"Punt {n}"}, uuid.uuid4().hex) for n in range(12)
    ]
    assert [ack["ok"] for ack in acks] == [True] * 10 + [False] * 2


def test_deployments_sharing_one_redis_count_apart(make_app, redis_url):
    """Participant ids start at 1 in every database: two installations (or test runs) on one Redis must not
    share phone 1's budget. They count apart by their Socket.IO channel."""
    from facilitation.transport.ratelimit import limiter

    channel = uuid.uuid4().hex
    apps = [
        make_app(RATE_LIMIT_STORAGE=redis_url, SOCKETIO_CHANNEL=f"{channel}-{n}", RESUME_RATE_LIMIT="3 per minute")
        for n in range(2)
    ]
    for app in apps:
        with app.test_request_context():
            assert [limiter().hit("RESUME_RATE_LIMIT", "participant:1") for _ in range(4)] == [True] * 3 + [False]
