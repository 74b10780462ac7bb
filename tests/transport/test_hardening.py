"""Entry points under abuse: Socket.IO from a foreign origin, oversized frames, and the rate limits on
posting, join-code guessing and logging in. Limits come from the `limits` library (ratelimit.py)."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid

import pytest
import socketio
import sqlalchemy as sa
import websocket

from facilitation.extensions import db
from facilitation.models import Session
from tests.conftest import PASSWORD, command
from tests.e2e.conftest import Server

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def last_seq(app, session_id):
    with app.app_context():
        db.session.rollback()
        return db.session.scalar(sa.select(Session.last_seq).where(Session.id == session_id))


# --- origins ------------------------------------------------------------------------------------


def test_socket_handshake_from_a_foreign_origin_is_refused(client):
    refused = client.get(HANDSHAKE, headers={"Origin": "http://evil.example"})
    assert refused.status_code == 400
    own = client.get(HANDSHAKE, headers={"Origin": "http://localhost"})
    assert own.status_code == 200 and b'"sid"' in own.data


def test_allowed_origins_and_public_url_are_accepted(make_app):
    app = make_app(
        ALLOWED_ORIGINS="https://intranet.example.nl, https://other.example", PUBLIC_URL="https://leertafel.example.nl/"
    )
    client = app.test_client()
    for origin in ("https://intranet.example.nl", "https://other.example", "https://leertafel.example.nl"):
        assert client.get(HANDSHAKE, headers={"Origin": origin}).status_code == 200, origin
    assert client.get(HANDSHAKE, headers={"Origin": "https://evil.example"}).status_code == 400
    # "*" in the list never switches the check off
    star = make_app(ALLOWED_ORIGINS=["*"]).test_client()
    assert star.get(HANDSHAKE, headers={"Origin": "https://evil.example"}).status_code == 400


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("hardening") / "instance")
    srv.instance.mkdir()
    srv.start()
    yield srv
    srv.stop()


def healthy(srv) -> bool:
    with urllib.request.urlopen(f"{srv.url}/healthz", timeout=5) as response:
        return response.status == 200


def test_real_websocket_from_a_foreign_origin_is_refused(live_server):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            live_server.url, headers={"Origin": "http://evil.example"}, transports=["websocket"], wait_timeout=5
        )
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{live_server.port}/socket.io/?EIO=4&transport=websocket", origin=live_server.url, timeout=5
    )
    assert ws.recv().startswith("0{")
    ws.close()


def test_a_200_kb_frame_closes_that_connection_and_the_server_carries_on(live_server):
    url = f"ws://127.0.0.1:{live_server.port}/socket.io/?EIO=4&transport=websocket"
    ws = websocket.create_connection(url, origin=live_server.url, timeout=5)
    opened = json.loads(ws.recv()[1:])
    assert opened["maxPayload"] == 64 * 1024
    # a normal frame is read and answered (here: connecting without a session code is refused)
    ws.send("40/live,{}")
    assert ws.recv().startswith("44/live,")
    ws.send("42/live," + json.dumps(["command", {"name": "reflection.post", "args": {"text": "x" * 200_000}}]))
    closed = False
    deadline = time.time() + 10
    while time.time() < deadline and not closed:
        try:
            if not ws.recv():
                closed = True
        except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
            closed = True
    assert closed
    assert healthy(live_server)
    again = websocket.create_connection(url, origin=live_server.url, timeout=5)
    assert again.recv().startswith("0{")
    again.close()
    assert "Traceback" not in live_server.log.read_text()


# --- posting ------------------------------------------------------------------------------------


def test_reflection_posting_is_limited_per_participant(app, make_account, make_session, join, connect):
    owner_id, _ = make_account()
    session_id, code = make_session(owner_id, phase="write")
    phone = connect(join(code), code, "participant")
    other = connect(join(code), code, "participant")
    acks = [
        command(phone, "reflection.post", {"kind": "success", "text": f"Punt {n}"}, uuid.uuid4().hex) for n in range(10)
    ]
    assert all(ack["ok"] for ack in acks)
    seq = last_seq(app, session_id)
    refused = command(phone, "reflection.post", {"kind": "success", "text": "Nog een"}, uuid.uuid4().hex)
    assert refused == {"ok": False, "error": "rate_limited", "message": refused["message"]} and refused["message"]
    assert last_seq(app, session_id) == seq
    # someone else in the room is not held up
    assert command(other, "reflection.post", {"kind": "success", "text": "Ik ook"}, uuid.uuid4().hex)["ok"]


def test_reflection_posting_over_http_is_limited_with_429(app, make_account, make_session, join):
    owner_id, _ = make_account()
    session_id, code = make_session(owner_id, phase="write")
    phone = join(code)

    def post():
        return phone.post(
            f"/api/s/{code}/command",
            json={
                "name": "reflection.post",
                "client_id": uuid.uuid4().hex,
                "args": {"kind": "success", "text": "Punt"},
            },
        )

    assert all(post().status_code == 200 for _ in range(10))
    seq = last_seq(app, session_id)
    response = post()
    assert response.status_code == 429 and response.get_json()["error"] == "rate_limited"
    assert response.get_json()["message"]
    assert last_seq(app, session_id) == seq


def test_limits_are_settings_and_an_empty_one_is_off(make_app):
    app = make_app(REFLECTION_RATE_LIMIT="2 per minute", LOGIN_RATE_LIMIT="")
    with app.test_request_context():
        from facilitation.transport.ratelimit import limiter

        assert [limiter().hit("REFLECTION_RATE_LIMIT", "participant:1") for _ in range(3)] == [True, True, False]
        assert limiter().hit("REFLECTION_RATE_LIMIT", "participant:2")
        assert all(limiter().hit("LOGIN_RATE_LIMIT", "email", "a@b.nl") for _ in range(100))


# --- join codes ---------------------------------------------------------------------------------


def test_guessing_join_codes_is_slowed_down_and_logged(app, make_account, make_session, caplog):
    owner_id, _ = make_account()
    _, code = make_session(owner_id)
    guesser = app.test_client()
    for n in range(20):
        assert guesser.post("/join", data={"code": f"ZZZZ{n:02d}"}).status_code == 404
    assert "unknown join code tried" in caplog.text
    # now even a right code waits: the answer must not tell which codes exist
    blocked = guesser.post("/join", data={"code": code})
    assert blocked.status_code == 429
    assert guesser.get(f"/j/{code}").status_code == 429
    assert guesser.post(f"/api/s/{code}/command", json={"name": "session.start"}).status_code == 429
    # a socket connection with a code is refused with a clear reason
    from facilitation.extensions import socketio as sio
    from facilitation.transport.realtime import NAMESPACE

    refused = sio.test_client(
        app, namespace=NAMESPACE, flask_test_client=guesser, auth={"code": code, "audience": "participant"}
    )
    assert not refused.is_connected(NAMESPACE)


def test_socket_connections_with_unknown_codes_count_too(app, connect):
    guesser = app.test_client()
    for n in range(20):
        sio = connect(guesser, f"QQQQ{n:02d}", "participant")
        assert not sio.is_connected("/live")
    assert guesser.post("/join", data={"code": "QQQQ99"}).status_code == 429


def test_people_already_in_are_not_held_up_by_a_guesser_at_their_address(
    app, make_account, make_session, join, connect, login
):
    owner_id, email = make_account()
    _, code = make_session(owner_id, start=True)
    phone = join(code)
    guesser = app.test_client()
    for n in range(21):
        guesser.post("/join", data={"code": f"ZZZZ{n:02d}"})
    assert guesser.post("/join", data={"code": code}).status_code == 429
    # the test clients share one address: the phone with its cookie and the logged-in facilitator go on
    assert phone.get(f"/p/{code}").status_code == 200
    assert connect(phone, code, "participant").is_connected("/live")
    facilitator = login(app.test_client(), email)
    assert connect(facilitator, code, "console").is_connected("/live")


# --- logging in ---------------------------------------------------------------------------------


def test_login_attempts_are_limited(app, make_account, caplog):
    _, email = make_account()
    client = app.test_client()
    for _ in range(10):
        assert client.post("/login", data={"email": email, "password": "wrong password"}).status_code == 401
    # the right password no longer helps until the window has passed
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True) or "Te veel" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in
    assert "failed login" in caplog.text
