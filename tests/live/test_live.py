"""The live session core through the Socket.IO test client and real SQLite: join, post, broadcast, moderate,
phases and timer, idempotent resends, resume, refusals."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Event, Participant, Reflection, Session
from tests.conftest import command, received_events, run


def cid():
    return uuid.uuid4().hex


def test_participant_joins_anonymously_and_gets_a_cookie(app, facilitator, make_session, join):
    _, account_id = facilitator
    _, code = make_session(account_id)
    phone = join(code, level="policy")
    response = phone.get(f"/p/{code}")
    assert response.status_code == 200
    with app.app_context():
        participant = db.session.scalar(sa.select(Participant))
        assert participant.level == "policy" and participant.display_name is None
        # the cookie holds a random token; the database only its hash
        cookie = phone.get_cookie(f"p_{code}")
        assert cookie is not None and cookie.value not in participant.token_hash


def test_rejoining_from_the_same_phone_keeps_the_identity(app, facilitator, make_session, join):
    _, account_id = facilitator
    _, code = make_session(account_id)
    phone = join(code)
    again = phone.get(f"/j/{code}")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/p/{code}")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 1


def test_unknown_and_closed_codes_get_a_clear_message(app, client, facilitator, make_session):
    _, account_id = facilitator
    session_id, code = make_session(account_id, start=True)
    unknown = client.get("/j/ZZZZZZ")
    assert unknown.status_code == 404 and "ZZZZZZ" in unknown.get_data(as_text=True)
    typed = client.post("/join", data={"code": "zzz zzz"})
    assert typed.status_code == 404
    run(app, session_id, account_id, "session.close")
    closed = client.get(f"/j/{code}")
    assert closed.status_code == 410
    assert "gesloten" in closed.get_data(as_text=True)  # the session's language (Dutch)


def test_typed_code_is_forgiving_about_case_and_spaces(client, facilitator, make_session):
    _, account_id = facilitator
    _, code = make_session(account_id)
    response = client.post("/join", data={"code": f" {code[:3].lower()} {code[3:].lower()} "})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/j/{code}")


def test_reflection_reaches_projector_and_console_but_not_other_phones(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, phase="write")
    console = connect(http, code, "console")
    projector = connect(http, code, "projector")
    author, other = join(code), join(code, level="management")
    author_socket, other_socket = connect(author, code, "participant"), connect(other, code, "participant")
    for sio in (console, projector, author_socket, other_socket):
        sio.get_received("/live")

    ack = command(author_socket, "reflection.post", {"kind": "bottleneck", "text": "Niemand had de regie"}, cid())
    assert ack["ok"] and ack["data"]["text"] == "Niemand had de regie"

    for screen in (console, projector):
        events = received_events(screen)
        assert [e["name"] for e in events] == ["reflection.post"]
        assert events[0]["data"]["author"] is None  # anonymous by default
    assert [e["name"] for e in received_events(author_socket)] == ["reflection.post"]
    # the learning-table format does not share reflections between phones
    assert received_events(other_socket) == []


def test_shared_format_sends_reflections_to_every_phone(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    author, other = join(code), join(code)
    author_socket, other_socket = connect(author, code, "participant"), connect(other, code, "participant")
    other_socket.get_received("/live")
    assert command(author_socket, "reflection.post", {"kind": "question", "text": "Wie beslist?"}, cid())["ok"]
    assert [e["data"]["text"] for e in received_events(other_socket)] == ["Wie beslist?"]


def test_display_name_shows_only_when_the_participant_chooses(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, phase="write")
    phone = connect(join(code, name="Sanne"), code, "participant")
    anonymous = command(phone, "reflection.post", {"kind": "success", "text": "Goed overleg"}, cid())
    named = command(phone, "reflection.post", {"kind": "success", "text": "Snelle intake", "show_name": True}, cid())
    assert anonymous["data"]["author"] is None
    assert named["data"]["author"] == "Sanne"


def test_resend_with_the_same_client_id_creates_one_reflection(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, phase="write")
    console = connect(http, code, "console")
    phone = connect(join(code), code, "participant")
    console.get_received("/live")
    client_id = cid()
    acks = [
        command(phone, "reflection.post", {"kind": "bottleneck", "text": "Wachtlijst"}, client_id) for _ in range(5)
    ]
    assert all(ack["ok"] for ack in acks)
    assert len({ack["seq"] for ack in acks}) == 1 and [a["duplicate"] for a in acks] == [False] + [True] * 4
    assert len(received_events(console)) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Reflection.id))) == 1


def test_resend_over_http_after_socket_is_still_one_reflection(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, phase="write")
    phone_http = join(code)
    phone = connect(phone_http, code, "participant")
    client_id = cid()
    assert command(phone, "reflection.post", {"kind": "question", "text": "Eén plan?"}, client_id)["ok"]
    response = phone_http.post(
        f"/api/s/{code}/command",
        json={"name": "reflection.post", "args": {"kind": "question", "text": "Eén plan?"}, "client_id": client_id},
    )
    assert response.status_code == 200 and response.get_json()["duplicate"] is True
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Reflection.id))) == 1


def test_another_participant_cannot_reuse_a_client_id(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, phase="write")
    first, second = connect(join(code), code, "participant"), connect(join(code), code, "participant")
    client_id = cid()
    assert command(first, "reflection.post", {"kind": "success", "text": "Mijn idee"}, client_id)["ok"]
    stolen = command(second, "reflection.post", {"kind": "success", "text": "Ander"}, client_id)
    assert stolen["ok"] is False and "data" not in stolen


def test_hide_removes_a_reflection_everywhere_and_keeps_it_in_the_record(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    console = connect(http, code, "console")
    phone_http = join(code)
    phone, watcher = connect(phone_http, code, "participant"), connect(join(code), code, "participant")
    posted = command(phone, "reflection.post", {"kind": "question", "text": "Ongepast"}, cid())
    for sio in (console, phone, watcher):
        sio.get_received("/live")
    assert command(console, "reflection.hide", {"id": posted["data"]["id"]})["ok"]
    for sio in (console, phone, watcher):
        assert [e["name"] for e in received_events(sio)] == ["reflection.hide"]
    with app.app_context():
        assert db.session.scalar(sa.select(Reflection.hidden)) is True
    resumed = phone.emit("resume", {"seq": -1}, namespace="/live", callback=True)
    assert resumed["snapshot"]["reflections"] == []
    staff = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)
    assert staff["snapshot"]["reflections"][0]["hidden"] is True


def test_phases_and_timer_reach_every_screen_with_server_time(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id)
    console = connect(http, code, "console")
    phone = connect(join(code), code, "participant")
    assert command(console, "session.start")["ok"]
    goto = command(console, "phase.goto", {"index": 1})
    # the timer starts with the phase (the format's start_timer, on by default)
    assert goto["data"]["phase_index"] == 1 and goto["data"]["timer"]["running"] is True
    assert command(console, "timer.pause")["data"]["timer"]["remaining_ms"] <= 15 * 60_000
    started = command(console, "timer.start")
    ends_at = datetime.fromisoformat(started["data"]["timer"]["ends_at"])
    extended = command(console, "timer.extend", {"minutes": 5})
    assert (datetime.fromisoformat(extended["data"]["timer"]["ends_at"]) - ends_at).total_seconds() == 300
    paused = command(console, "timer.pause")
    assert (
        paused["data"]["timer"]["running"] is False
        and 19 * 60_000 < paused["data"]["timer"]["remaining_ms"] <= 20 * 60_000
    )
    names = [e["name"] for e in received_events(phone)]
    assert names == ["session.start", "phase.goto", "timer.pause", "timer.start", "timer.extend", "timer.pause"]
    snapshot = phone.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snapshot["phase_index"] == 1 and "server_now" in snapshot
    # a phone gets the prompt for its own level only
    assert set(snapshot["format"]["phases"][1]["prompts"]) == {"mine"}
    assert "eigen werk" in snapshot["format"]["phases"][1]["prompts"]["mine"]


def test_writing_is_refused_in_a_phase_without_write(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, start=True)  # intro phase: read only
    phone = connect(join(code), code, "participant")
    ack = command(phone, "reflection.post", {"kind": "bottleneck", "text": "Te vroeg"}, cid())
    assert ack["ok"] is False and ack["error"] == "phase_does_not_allow"
    assert ack["message"] == "Dat kan niet in deze fase."


def test_kind_must_be_one_the_phase_allows(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, phase="write")
    phone = connect(join(code), code, "participant")
    ack = command(phone, "reflection.post", {"kind": "cause", "text": "Oorzaak"}, cid())
    assert ack["error"] == "kind_not_allowed"


def test_resume_from_seq_returns_only_the_missed_events(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, phase="write")
    console = connect(http, code, "console")
    seen = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]["seq"]
    console.disconnect("/live")
    phone = connect(join(code), code, "participant")
    for text in ("een", "twee", "drie"):
        command(phone, "reflection.post", {"kind": "success", "text": text}, cid())
    console = connect(http, code, "console")
    reply = console.emit("resume", {"seq": seen}, namespace="/live", callback=True)
    assert [e["seq"] for e in reply["events"]] == list(range(seen + 1, seen + 5))  # a join and three posts
    assert [e["data"].get("text") for e in reply["events"][1:]] == ["een", "twee", "drie"]


def test_participant_resume_leaves_out_other_phones_private_reflections(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, phase="write")
    mine, theirs = connect(join(code), code, "participant"), connect(join(code), code, "participant")
    start = mine.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]["seq"]
    command(theirs, "reflection.post", {"kind": "success", "text": "van een ander"}, cid())
    command(mine, "reflection.post", {"kind": "success", "text": "van mij"}, cid())
    reply = mine.emit("resume", {"seq": start}, namespace="/live", callback=True)
    assert [e["data"]["text"] for e in reply["events"]] == ["van mij"]
    snapshot = mine.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert [(r["text"], r["mine"]) for r in snapshot["reflections"]] == [("van mij", True)]


def test_event_seq_is_gap_free_and_in_commit_order(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phone = connect(join(code), code, "participant")
    for n in range(10):
        command(phone, "reflection.post", {"kind": "success", "text": f"r{n}"}, cid())
    with app.app_context():
        seqs = db.session.scalars(sa.select(Event.seq).where(Event.session_id == session_id).order_by(Event.id)).all()
        assert seqs == list(range(1, len(seqs) + 1))
        assert db.session.get(Session, session_id).last_seq == len(seqs)


def test_participant_socket_needs_the_participant_cookie(app, client, facilitator, make_session, connect):
    http, account_id = facilitator
    _, code = make_session(account_id)
    stranger = connect(client, code, "participant")
    assert not stranger.is_connected("/live")
    # a participant cannot open the console or projector feed either
    assert not connect(client, code, "console").is_connected("/live")


def test_facilitator_of_another_session_cannot_connect_or_command(app, make_account, login, make_session, connect):
    owner_id, _ = make_account()
    _, other_email = make_account()
    _, code = make_session(owner_id, start=True)
    intruder = login(app.test_client(), other_email)
    assert not connect(intruder, code, "console").is_connected("/live")
    response = intruder.post(f"/api/s/{code}/command", json={"name": "phase.goto", "args": {"index": 1}})
    assert response.status_code == 403
    assert intruder.get("/sessions/1/console").status_code == 403
    assert intruder.get("/sessions/1/projector").status_code == 403


def test_connect_with_garbage_auth_is_refused(app, client, connect, facilitator, make_session):
    _, account_id = facilitator
    make_session(account_id)
    for auth in (None, {}, {"code": 5, "audience": "console"}, {"code": "X", "audience": "root"}):
        sio = __import__("facilitation.extensions", fromlist=["socketio"]).socketio.test_client(
            app, namespace="/live", flask_test_client=client, auth=auth
        )
        assert not sio.is_connected("/live")
