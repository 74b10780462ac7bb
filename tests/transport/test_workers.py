"""Two production workers (`python app.py serve --workers 2`) sharing the real PostgreSQL and Redis: screens on
either worker see every event of the session exactly once, and its seq stays gap-free across workers."""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio as socketio_client

from facilitation import create_app
from facilitation.extensions import db
from tests.conftest import PASSWORD, run

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = "/live"
pytestmark = pytest.mark.services


def _free_port_pair() -> int:
    for _ in range(200):
        port = random.randint(20000, 60000)
        sockets = []
        try:
            for candidate in (port, port + 1):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", candidate))
            return port
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no two free ports next to each other")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Screen:
    """A python-socketio client with the cookies of an HTTP session, recording what it receives."""

    def __init__(self, base: str, http: requests.Session, code: str, audience: str):
        self.events: list[dict] = []
        self.batches: list[list[dict]] = []
        self.lock = threading.Lock()
        self.sio = socketio_client.Client(reconnection=False)
        self.sio.on("event", self._event, namespace=NAMESPACE)
        self.sio.on("batch", self._batch, namespace=NAMESPACE)
        cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
        self.sio.connect(
            base,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            headers={"Cookie": cookie},
            auth={"code": code, "audience": audience},
            wait_timeout=20,
        )

    def _event(self, envelope):
        with self.lock:
            self.events.append(envelope)

    def _batch(self, batch):
        with self.lock:
            self.batches.append(batch["events"])
            self.events.extend(batch["events"])

    def command(self, name, args, client_id=None):
        return self.sio.call(
            "command", {"name": name, "args": args, "client_id": client_id}, namespace=NAMESPACE, timeout=20
        )

    def seqs(self, name=None) -> list[int]:
        with self.lock:
            return [e["seq"] for e in self.events if name is None or e["name"] == name]


@pytest.fixture
def workers(postgres_url, redis_url, tmp_path):
    """Set up a fishbowl session in its writing phase, then start the two workers on it."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": postgres_url,
            "SECRET_KEY": "workers-test",
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    from facilitation.live import sessions
    from facilitation.people import accounts
    from facilitation.programmes import manage as programmes

    with app.app_context():
        owner = accounts.create_account("host@example.org", "Host", PASSWORD, "facilitator")
        db.session.flush()
        programme = programmes.create_programme(owner, "Programme")
        db.session.flush()
        session_ = sessions.create_session(
            programme=programme,
            facilitator=owner,
            title="Fishbowl",
            fmt=app.extensions["formats"]["fishbowl"],
            levels=["execution"],
            language="nl",
        )
        db.session.commit()
        session_id, code, owner_id = session_.id, session_.join_code, owner.id
    run(app, session_id, owner_id, "session.start")
    run(app, session_id, owner_id, "phase.goto", {"index": 1})  # rounds: participants write
    with app.app_context():
        db.session.remove()
        db.engine.dispose()

    port = _free_port_pair()
    env = dict(
        os.environ,
        DATABASE_URL=postgres_url,
        REDIS_URL=redis_url,
        SECRET_KEY="workers-test",
        FACILITATION_SOCKETIO_CHANNEL=f"test-{uuid.uuid4().hex}",
        FACILITATION_SESSION_COOKIE_SECURE="false",
        FACILITATION_REMEMBER_COOKIE_SECURE="false",
    )
    log = open(tmp_path / "workers.log", "wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "app.py",
            "--instance",
            str(tmp_path / "instance"),
            "serve",
            "--workers",
            "2",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    bases = [f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}"]
    try:
        deadline = time.monotonic() + 90
        for base in bases:
            while True:
                assert process.poll() is None, (tmp_path / "workers.log").read_text()
                try:
                    if requests.get(f"{base}/join", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                assert time.monotonic() < deadline, "workers did not start"
                time.sleep(0.3)
        yield bases, code
    finally:
        process.terminate()
        try:
            stopped = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            stopped = "still running after 20 s"
        log.close()
    # as a service manager stops them: the parent tells its workers to go and reports a clean stop
    assert stopped == 0, (tmp_path / "workers.log").read_text()[-3000:]


def _log_in(base: str) -> requests.Session:
    http = requests.Session()
    token = _csrf(http.get(f"{base}/login", timeout=10).text)
    response = http.post(
        f"{base}/login",
        data={"email": "host@example.org", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    return http


def _join(base: str, code: str) -> requests.Session:
    """The real join flow of a phone: the form, then its post, which sets the participant cookie."""
    http = requests.Session()
    token = _csrf(http.get(f"{base}/j/{code}", timeout=10).text)
    response = http.post(
        f"{base}/j/{code}",
        data={"level": "execution", "accept_rules": "1", "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302 and f"p_{code}" in http.cookies
    return http


def _wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_events_reach_screens_on_both_workers_exactly_once_with_gap_free_seq(workers):
    (base_a, base_b), code = workers
    projector = Screen(base_b, _log_in(base_b), code, "projector")
    console = Screen(base_a, _log_in(base_a), code, "console")
    phone_a = Screen(base_a, _join(base_a, code), code, "participant")
    phone_b = Screen(base_b, _join(base_b, code), code, "participant")
    screens = [projector, console, phone_a, phone_b]
    try:
        # one reflection from a phone on worker A reaches the projector on worker B, once
        first_id = uuid.uuid4().hex
        ack = phone_a.command("reflection.post", {"text": "Wie pakt de regie?", "kind": "question"}, client_id=first_id)
        assert ack["ok"], ack
        first = ack["seq"]
        assert _wait_for(lambda: first in projector.seqs())
        assert _wait_for(lambda: first in phone_b.seqs())  # in a batch, on the other worker

        # then reflections from both workers, one after the other, and a resend of the first
        posted = [first]
        for i in range(10):
            phone = (phone_a, phone_b)[i % 2]
            ack = phone.command(
                "reflection.post", {"text": f"Knelpunt {i}", "kind": "question"}, client_id=uuid.uuid4().hex
            )
            assert ack["ok"], ack
            posted.append(ack["seq"])
        # a resend (the phone lost the acknowledgement) makes no second event
        resent = phone_a.command(
            "reflection.post", {"text": "Wie pakt de regie?", "kind": "question"}, client_id=first_id
        )
        assert resent["ok"] and resent["seq"] == first

        for screen in screens:
            assert _wait_for(lambda s=screen: set(posted) <= set(s.seqs("reflection.post"))), screen.seqs()
        time.sleep(1.0)  # anything late or doubled would arrive now
        for screen in screens:
            seqs = screen.seqs("reflection.post")
            assert sorted(seqs) == sorted(posted), (screen, seqs, posted)  # each exactly once
        # staff see every event of the session: gap-free across the two workers that wrote them
        staff_seqs = sorted(projector.seqs())
        assert staff_seqs == list(range(staff_seqs[0], staff_seqs[-1] + 1))
        assert sorted(console.seqs()) == staff_seqs
        # the phones got the others' reflections coalesced, not one message each
        assert phone_b.batches and sum(len(b) for b in phone_b.batches) == len(posted)
        # a resume from before the first reflection replays the same gap-free numbers
        reply = projector.sio.call("resume", {"seq": first - 1}, namespace=NAMESPACE, timeout=20)
        replayed = [e["seq"] for e in reply["events"]]
        assert replayed == list(range(first, reply["seq"] + 1)) and replayed[-1] == staff_seqs[-1]
    finally:
        for screen in screens:
            screen.sio.disconnect()


def test_migrate_command_brings_a_fresh_database_up_to_date(postgres_url, tmp_path):
    """What the parent of `serve --workers N` runs before it starts them (and operators before a restart)."""
    import sqlalchemy as sa

    env = dict(os.environ, DATABASE_URL=postgres_url, SECRET_KEY="workers-test")
    result = subprocess.run(
        [sys.executable, "app.py", "--instance", str(tmp_path / "instance"), "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Database up to date" in result.stderr
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            assert {"accounts", "sessions", "events", "reflections", "alembic_version"} <= tables
            assert connection.scalar(sa.text("SELECT count(*) FROM alembic_version")) == 1
    finally:
        engine.dispose()


def test_several_workers_without_a_message_queue_are_refused(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "REDIS_URL",
            "FACILITATION_SOCKETIO_MESSAGE_QUEUE",
            "DATABASE_URL",
            "FACILITATION_SQLALCHEMY_DATABASE_URI",
        )
    }
    result = subprocess.run(
        [
            sys.executable,
            "app.py",
            "--instance",
            str(tmp_path / "instance"),
            "serve",
            "--workers",
            "2",
            "--port",
            str(_free_port_pair()),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Several workers need a message queue: set REDIS_URL" in result.stderr
    assert not (tmp_path / "instance" / "facilitation.sqlite").exists()  # nothing was started or migrated
