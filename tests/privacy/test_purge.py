"""Retention as issue 20 found it broken: the production server never purged, a purge took the download audit log
and a follow-up session's commitment updates along, and on SQLite purged text stayed on disk in the -wal file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from facilitation import create_app
from facilitation.extensions import db
from facilitation.models import AuditEntry, Commitment, CommitmentUpdate, Session, utcnow
from facilitation.privacy import retention
from tests.conftest import PASSWORD, run

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Geheimtekst-" + uuid.uuid4().hex[:10]


def _post(phone, code: str, text: str) -> int:
    ack = phone.post(
        f"/api/s/{code}/command",
        json={"name": "reflection.post", "client_id": uuid.uuid4().hex, "args": {"kind": "bottleneck", "text": text}},
    ).get_json()
    assert ack["ok"], ack
    return ack["data"]["id"]


def _age(app, session_id: int, days: int) -> None:
    with app.app_context():
        db.session.get(Session, session_id).closed_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_purge_and_delete_keep_what_is_declared_to_survive(app, facilitator, make_session, join):
    """A commitment made in session A and updated in follow-up session B; a report of B downloaded. Purging B,
    or deleting it at once, keeps the update and the audit row (ON DELETE SET NULL), without the session."""
    client, owner_id = facilitator
    first, _ = make_session(owner_id, start=True)
    kept = []
    for how in ("purge", "delete"):
        follow_up, _ = make_session(owner_id, start=True)
        with app.app_context():
            commitment = Commitment(session_id=first, what=f"Eén regisseur ({how})", owner="Team")
            db.session.add(commitment)
            db.session.flush()
            update = CommitmentUpdate(commitment_id=commitment.id, session_id=follow_up, status="done", note="klaar")
            audit = AuditEntry(action="session_report", file_format="docx", session_id=follow_up, subject="Vervolg")
            db.session.add_all([update, audit])
            db.session.commit()
            kept.append((update.id, audit.id))
        if how == "purge":
            run(app, follow_up, owner_id, "session.close")
            _age(app, follow_up, 100)
            with app.app_context():
                assert retention.purge(utcnow(), 90) == 1
        else:
            assert client.post(f"/sessions/{follow_up}/delete", data={"confirm": "delete"}).status_code == 302
        with app.app_context():
            db.session.rollback()
            assert db.session.get(Session, follow_up) is None
            update_id, audit_id = kept[-1]
            update, audit = db.session.get(CommitmentUpdate, update_id), db.session.get(AuditEntry, audit_id)
            assert update is not None and update.session_id is None and update.note == "klaar", how
            assert audit is not None and audit.session_id is None and audit.subject == "Vervolg", how
    # the commitment's own session going takes its commitments and their updates along, as declared
    run(app, first, owner_id, "session.close")
    _age(app, first, 100)
    with app.app_context():
        assert retention.purge(utcnow(), 90) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CommitmentUpdate)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 2


@pytest.mark.database("sqlite")
def test_sqlite_purge_leaves_no_purged_text_in_the_database_files(app, make_account, make_session, join):
    owner_id, _ = make_account()
    doomed, code = make_session(owner_id, phase="write")
    phone = join(code)
    for i in range(3):
        _post(phone, code, f"{SECRET} deel {i}")
    kept, kept_code = make_session(owner_id, phase="write")
    _post(join(kept_code), kept_code, "Blijft staan")
    run(app, doomed, owner_id, "session.close")
    _age(app, doomed, 100)
    path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))

    assert SECRET.encode() in on_disk()  # the arrangement wrote it where the purge must remove it
    assert retention.purge_app(app) == 1
    assert SECRET.encode() not in on_disk()
    assert b"Blijft staan" in on_disk()
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


@pytest.mark.database("postgresql")
def test_one_purge_at_a_time_on_postgresql(app, make_account, make_session):
    """Workers and a cron job may purge at the same moment: while one holds the lock, another skips the round."""
    owner_id, _ = make_account()
    session_id, _ = make_session(owner_id, start=True)
    run(app, session_id, owner_id, "session.close")
    _age(app, session_id, 100)
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with other.begin() as connection:
            schema_key = sa.func.hashtext(sa.func.current_schema())
            held = sa.select(sa.func.pg_try_advisory_xact_lock(retention.PURGE_LOCK_KEY, schema_key))
            assert connection.scalar(held)
            with app.app_context():
                assert retention.purge(utcnow(), 90) == 0
                assert db.session.get(Session, session_id) is not None
        with app.app_context():
            assert retention.purge(utcnow(), 90) == 1
    finally:
        other.dispose()


# --- the production server ---------------------------------------------------------------------------------------


def _free_port(count: int = 1) -> int:
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            for candidate in range(port, port + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", candidate))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


def _expired_installation(tmp_path, database_url: str) -> tuple[dict, list[int]]:
    """An installation with one session closed 100 days ago and one closed today."""
    from facilitation.live import sessions
    from facilitation.people import accounts
    from facilitation.programmes import manage as programmes

    config = {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True}
    app = create_app(dict(config))
    with app.app_context():
        owner = accounts.create_account("serve@example.org", "Serve", PASSWORD, "facilitator")
        db.session.flush()
        programme = programmes.create_programme(owner, "Traject")
        db.session.flush()
        ids = []
        for title in ("Oud", "Recent"):
            made = sessions.create_session(
                programme=programme,
                facilitator=owner,
                title=title,
                fmt=app.extensions["formats"]["learning-table"],
                levels=["execution"],
                language="nl",
            )
            db.session.flush()
            ids.append(made.id)
        db.session.commit()
        owner_id = owner.id
    for session_id in ids:
        run(app, session_id, owner_id, "session.start")
        run(app, session_id, owner_id, "session.close")
    _age(app, ids[0], 100)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return config, ids


def _wait_for_purge(config: dict, ids: list[int], process, log: Path) -> None:
    app = create_app(dict(config))
    try:
        deadline = time.monotonic() + 60
        with app.app_context():
            while db.session.get(Session, ids[0]) is not None:
                assert process.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "the server did not purge: " + log.read_text()[-3000:]
                db.session.rollback()
                time.sleep(0.2)
            assert db.session.get(Session, ids[1]) is not None  # closed today: kept
            db.session.remove()
            db.engine.dispose()
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _serve(tmp_path, config: dict, extra_env: dict, *serve_args: str):
    log = tmp_path / "serve.log"
    env = dict(
        os.environ,
        SECRET_KEY="serve-test",
        FACILITATION_RETENTION_PURGE_INTERVAL="0.5",
        DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
        **extra_env,
    )
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "app.py", "--instance", config["INSTANCE_PATH"], "serve", *serve_args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, log


def test_production_server_purges_on_its_schedule(tmp_path, database_url):
    config, ids = _expired_installation(tmp_path, database_url)
    process, log = _serve(tmp_path, config, {}, "--port", str(_free_port()))
    _wait_for_purge(config, ids, process, log)
    assert "retention purge failed" not in log.read_text()


@pytest.mark.services
def test_two_production_workers_purge_on_postgresql(tmp_path, postgres_url, redis_url):
    config, ids = _expired_installation(tmp_path, postgres_url)
    channel = {"REDIS_URL": redis_url, "FACILITATION_SOCKETIO_CHANNEL": f"test-{uuid.uuid4().hex}"}
    process, log = _serve(tmp_path, config, channel, "--workers", "2", "--port", str(_free_port(2)))
    _wait_for_purge(config, ids, process, log)
    assert "retention purge failed" not in log.read_text()
