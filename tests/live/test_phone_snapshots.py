"""A phone's snapshot reuses what every phone of the room gets alike (issue 22, the QR-scan rush): built once
between two of the room's events, whatever the number of phones joining meanwhile. Each test compares the
snapshot a phone gets with the one it gets when nothing is kept (the kept parts dropped first), after joins
and after every kind of event that changes what phones see."""

from __future__ import annotations

import uuid

from facilitation.transport.realtime import NAMESPACE
from tests.conftest import command, run


def _resume(sio) -> dict:
    reply = sio.emit("resume", {"seq": -1}, namespace=NAMESPACE, callback=True)
    assert reply["ok"], reply
    return reply["snapshot"]


def _kept(app) -> dict:
    return app.extensions.get("phone_snapshots", {})


def _checked(app, sio) -> dict:
    """The phone's snapshot, and the same read again with nothing kept: they must agree (but the clock)."""
    got = _resume(sio)
    _kept(app).clear()
    fresh = _resume(sio)
    got.pop("server_now"), fresh.pop("server_now")
    assert got == fresh
    return got


def _phone(join, connect, code, level="execution"):
    return connect(join(code, level=level), code, "participant")


def _post(sio, text, kind="cause"):
    ack = command(sio, "reflection.post", {"text": text, "kind": kind}, client_id=uuid.uuid4().hex)
    assert ack["ok"], ack
    return ack["data"]["id"]


def test_phones_joining_share_one_read_and_each_gets_its_own_count_and_reflections(
    app, facilitator, make_session, join, connect
):
    _, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    # three at one level: enough for it to be shown (DISCIPLINE_MIN_GROUP), so more joining changes nothing
    first, *early = [_phone(join, connect, code) for _ in range(3)]
    mine = _post(first, "De wachttijd bij de toegang is te lang")
    before = _resume(first)
    kept = _kept(app)[(session_id, "execution")]
    assert before["participants"] == 3 and before["reflections"][0]["mine"] is True

    # three more phones join (events, but only joins): the shared part read for the first is used for all
    phones = [_phone(join, connect, code) for _ in range(3)]
    snapshots = [_resume(sio) for sio in phones]
    assert _kept(app)[(session_id, "execution")] is kept
    assert [s["participants"] for s in snapshots] == [6, 6, 6]
    assert all(s["seq"] == snapshots[0]["seq"] > before["seq"] for s in snapshots)
    assert [r["mine"] for r in snapshots[0]["reflections"]] == [False]
    assert len({s["me"]["id"] for s in snapshots}) == 3
    # and each is what the phone gets when nothing is kept
    for sio in [first, *early, *phones]:
        checked = _checked(app, sio)
        assert checked["participants"] == 6
        assert [(r["id"], r["mine"]) for r in checked["reflections"]] == [(mine, sio is first)]


def test_after_each_kind_of_event_a_phone_gets_the_room_as_it_is_now(app, facilitator, make_session, join, connect):
    _, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    a, b = _phone(join, connect, code), _phone(join, connect, code, level="management")
    _resume(a), _resume(b)  # the shared parts are kept now
    gone, kept = _post(a, "Niemand weet wie de regie heeft"), _post(b, "Wachtlijsten bij de schuldhulp")
    assert {r["id"] for r in _checked(app, a)["reflections"]} == {gone, kept}

    run(app, session_id, account_id, "reflection.hide", {"id": gone})
    assert [r["id"] for r in _checked(app, b)["reflections"]] == [kept]
    run(app, session_id, account_id, "timer.start", {"minutes": 5})
    assert _checked(app, a)["timer"]["running"] is True

    formats = app.extensions["formats"]["fishbowl"]
    harvest = [p.key for p in formats.phases].index("harvest")
    run(app, session_id, account_id, "phase.goto", {"index": harvest})
    assert _checked(app, b)["phase_index"] == harvest
    cluster = run(app, session_id, account_id, "cluster.create", {"title": "Regie"}).data["cluster"]["id"]
    assert [c["id"] for c in _checked(app, a)["clusters"]] == [cluster]
    round_id = run(app, session_id, account_id, "vote.open", {"budget": 3}).data["round"]["id"]
    assert command(a, "vote.set", {"round_id": round_id, "cluster_id": cluster, "dots": 2})["ok"]
    assert _checked(app, a)["voting"]["mine"] == {str(cluster): 2}
    assert _checked(app, b)["voting"]["mine"] == {}
    run(app, session_id, account_id, "vote.close")

    run(app, session_id, account_id, "phase.goto", {"index": [p.key for p in formats.phases].index("commitments")})
    what = {"what": "Wij bellen de woningcorporatie", "owner": "Team Noord"}
    ack = command(a, "commitment.propose", what, client_id=uuid.uuid4().hex)
    assert ack["ok"], ack
    assert [(c["pending"], c["mine"]) for c in _checked(app, a)["commitments"]] == [(True, True)]
    assert _checked(app, b)["commitments"] == []
    run(app, session_id, account_id, "commitment.confirm", {"id": ack["data"]["commitment"]["id"]})
    assert [c["mine"] for c in _checked(app, b)["commitments"]] == [False]
    assert [c["mine"] for c in _checked(app, a)["commitments"]] == [True]


def test_a_level_that_joins_alone_is_not_shown_until_enough_joined_at_it(app, facilitator, make_session, join, connect):
    """Joins alone change which levels are too small to be shown with a reflection: the kept part is read
    again when they do."""
    _, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    alone = _phone(join, connect, code, level="management")
    _post(alone, "Het bestuur ziet de knelpunten niet")
    assert [r["level"] for r in _resume(alone)["reflections"]] == [None]
    others = [_phone(join, connect, code, level="management") for _ in range(2)]
    assert [r["level"] for r in _checked(app, others[1])["reflections"]] == ["management"]
    assert [r["level"] for r in _checked(app, alone)["reflections"]] == ["management"]
