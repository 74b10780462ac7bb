"""Retention: a session's data is gone, from every table, once its retention period has passed or when its
facilitator deletes it; other sessions keep everything. The table walk reads the SQLAlchemy metadata, so
tables added later are checked without changing this file."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Base, Commitment, CommitmentCluster, Participant, Session, utcnow
from facilitation.privacy import retention
from tests.conftest import run

ROOT = Path(__file__).resolve().parents[2]


def populate(app, owner_id, make_session, join, *, close=True, retention_days=None) -> int:
    """A session with something in every kind of table: phones, reflections, clusters, a vote, a commitment."""
    session_id, code = make_session(owner_id, phase="write")
    phone = join(code, name="Mo")
    join(code, level="policy")
    api = f"/api/s/{code}/command"
    for text in ("Geen regie bij schulden", "Te veel loketten"):
        ack = phone.post(
            api,
            json={
                "name": "reflection.post",
                "client_id": uuid.uuid4().hex,
                "args": {"kind": "bottleneck", "text": text, "show_name": True},
            },
        ).get_json()
        assert ack["ok"], ack
        reflection_id = ack["data"]["id"]
    cluster = run(app, session_id, owner_id, "cluster.create", {"title": "Regie", "reflection_ids": [reflection_id]})
    # a round of its own budget before the voting phase, whose entry then opens none (leaving it open asks)
    voting_round = run(app, session_id, owner_id, "vote.open", {"budget": 2})
    run(app, session_id, owner_id, "phase.goto", {"index": 3, "confirm": True})
    ack = phone.post(
        api,
        json={
            "name": "vote.set",
            "args": {
                "round_id": voting_round.data["round"]["id"],
                "cluster_id": cluster.data["cluster"]["id"],
                "dots": 1,
            },
        },
    ).get_json()
    assert ack["ok"], ack
    run(app, session_id, owner_id, "vote.close")
    with app.app_context():
        commitment = Commitment(session_id=session_id, what="Eén regisseur per gezin", owner="Team")
        db.session.add(commitment)
        db.session.flush()
        db.session.add(CommitmentCluster(commitment_id=commitment.id, cluster_id=cluster.data["cluster"]["id"]))
        db.session.get(Session, session_id).retention_days = retention_days
        db.session.commit()
    if close:
        run(app, session_id, owner_id, "session.close")
    return session_id


def rows_of(app, session_id: int) -> dict[str, set]:
    """Every row, in every table, that belongs to the session: its own row, rows with its session_id or one of
    its participants' ids, and rows that point (by foreign key) at any of those, followed to the end."""
    with app.app_context():
        db.session.rollback()
        participants = set(db.session.scalars(sa.select(Participant.id).where(Participant.session_id == session_id)))
        found: dict[str, set] = {"sessions": {session_id}} if db.session.get(Session, session_id) else {}
        changed = True
        while changed:
            changed = False
            for table in Base.metadata.sorted_tables:
                pk = list(table.primary_key.columns)[0]
                conditions = []
                if table.name == "sessions":
                    conditions.append(pk == session_id)
                if "session_id" in table.c:
                    conditions.append(table.c.session_id == session_id)
                if "participant_id" in table.c and participants:
                    conditions.append(table.c.participant_id.in_(participants))
                for column in table.c:
                    for fk in column.foreign_keys:
                        ids = found.get(fk.column.table.name)
                        if ids:
                            conditions.append(column.in_(ids))
                if not conditions:
                    continue
                ids = set(db.session.scalars(sa.select(pk).where(sa.or_(*conditions))))
                if ids - found.get(table.name, set()):
                    found.setdefault(table.name, set()).update(ids)
                    changed = True
        return found


def test_purge_deletes_everything_of_an_expired_session_and_nothing_else(app, make_account, make_session, join):
    owner_id, _ = make_account()
    expired = populate(app, owner_id, make_session, join)
    kept_longer = populate(app, owner_id, make_session, join, retention_days=365)
    still_live = populate(app, owner_id, make_session, join, close=False)
    before = {sid: rows_of(app, sid) for sid in (expired, kept_longer, still_live)}
    # the arrangement really filled the tables the purge must empty
    for table in (
        "sessions",
        "participants",
        "reflections",
        "clusters",
        "voting_rounds",
        "votes",
        "events",
        "commitments",
    ):
        assert before[expired].get(table), table

    with app.app_context():
        assert retention.purge(utcnow() + timedelta(days=89), 90) == 0
    assert rows_of(app, expired) == before[expired]

    with app.app_context():
        assert retention.purge(utcnow() + timedelta(days=91), app.config["RETENTION_DAYS"]) == 1
    assert rows_of(app, expired) == {}
    with app.app_context():
        # nothing that carries the purged participants' ids either (events.participant_id has no foreign key)
        for table in Base.metadata.sorted_tables:
            if "session_id" in table.c:
                assert not db.session.scalar(
                    sa.select(sa.func.count()).select_from(table).where(table.c.session_id == expired)
                ), table.name
    assert rows_of(app, kept_longer) == before[kept_longer]
    assert rows_of(app, still_live) == before[still_live]

    with app.app_context():
        assert retention.purge(utcnow() + timedelta(days=366), 90) == 1
    assert rows_of(app, kept_longer) == {}
    assert rows_of(app, still_live) == before[still_live]


def test_the_database_cascades_a_deleted_session_by_itself(app, make_account, make_session, join):
    """Foreign keys are enforced (SQLite too): deleting only the session row takes every dependent row along."""
    owner_id, _ = make_account()
    doomed = populate(app, owner_id, make_session, join)
    other = populate(app, owner_id, make_session, join)
    other_rows = rows_of(app, other)
    with app.app_context():
        db.session.execute(sa.delete(Session).where(Session.id == doomed))
        db.session.commit()
    assert rows_of(app, doomed) == {}
    assert rows_of(app, other) == other_rows


def test_facilitator_deletes_a_session_after_confirming(app, facilitator, make_account, make_session, join):
    client, owner_id = facilitator
    doomed = populate(app, owner_id, make_session, join, close=False)
    other = populate(app, owner_id, make_session, join)
    other_rows = rows_of(app, other)

    page = client.get(f"/sessions/{doomed}/data")
    assert page.status_code == 200 and "confirm-delete" in page.get_data(as_text=True)
    # without the tick nothing happens
    response = client.post(f"/sessions/{doomed}/delete", data={})
    assert response.status_code == 302 and rows_of(app, doomed)["sessions"] == {doomed}
    # somebody else's session cannot be deleted
    intruder_id, intruder_email = make_account()
    intruder = app.test_client()
    intruder.post("/login", data={"email": intruder_email, "password": "correct horse battery"})
    assert intruder.post(f"/sessions/{doomed}/delete", data={"confirm": "delete"}).status_code == 403
    assert rows_of(app, doomed)["sessions"] == {doomed}

    response = client.post(f"/sessions/{doomed}/delete", data={"confirm": "delete"})
    assert response.status_code == 302 and "/programmes/" in response.headers["Location"]
    assert rows_of(app, doomed) == {}
    assert rows_of(app, other) == other_rows
    assert client.get(f"/sessions/{doomed}/console").status_code == 404


def test_delete_needs_the_csrf_token(make_app, make_account, make_session, login):
    app = make_app(WTF_CSRF_ENABLED=True)
    owner_id, email = make_account()
    session_id, _ = make_session(owner_id)
    client = app.test_client()
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"email": email, "password": "correct horse battery", "csrf_token": token})
    assert client.post(f"/sessions/{session_id}/delete", data={"confirm": "delete"}).status_code == 400
    with app.app_context():
        assert db.session.get(Session, session_id) is not None


def test_retention_days_are_set_per_session(app, facilitator, make_session):
    client, owner_id = facilitator
    session_id, _ = make_session(owner_id)
    assert client.post(f"/sessions/{session_id}/data", data={"retention_days": "30"}).status_code == 302
    with app.app_context():
        assert db.session.get(Session, session_id).retention_days == 30
    for bad in ("0", "-5", "abc", "99999", "1e3"):
        response = client.post(f"/sessions/{session_id}/data", data={"retention_days": bad})
        assert response.status_code == 400, bad
        with app.app_context():
            assert db.session.get(Session, session_id).retention_days == 30
    assert client.post(f"/sessions/{session_id}/data", data={"retention_days": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(Session, session_id).retention_days is None


def test_new_session_form_takes_retention_days(app, facilitator):
    client, owner_id = facilitator
    client.post("/programmes", data={"title": "Traject"})
    with app.app_context():
        from facilitation.models import Programme

        programme_id = db.session.scalar(sa.select(Programme.id))
    response = client.post(
        f"/programmes/{programme_id}/sessions",
        data={
            "title": "Kort bewaard",
            "format": "learning-table",
            "levels": ["execution"],
            "language": "nl",
            "retention_days": "14",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Session.retention_days).where(Session.title == "Kort bewaard")) == 14


def test_purge_command_for_cron(tmp_path):
    """`python app.py purge` on an installation: a session closed 100 days ago goes, a recent one stays."""
    from facilitation import create_app
    from facilitation.live import sessions
    from facilitation.people.accounts import create_account
    from facilitation.programmes import manage as programmes

    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    with app.app_context():
        owner = create_account("cron@example.org", "Cron", "correct horse battery", "facilitator")
        db.session.flush()
        owner_id = owner.id
        programme = programmes.create_programme(owner, "Traject")
        db.session.flush()
        ids = []
        for title in ("Oud", "Recent"):
            s = sessions.create_session(
                programme=programme,
                facilitator=owner,
                title=title,
                fmt=app.extensions["formats"]["learning-table"],
                levels=["execution"],
                language="nl",
            )
            db.session.flush()
            ids.append(s.id)
        db.session.commit()
    for session_id in ids:
        run(app, session_id, owner_id, "session.start")
        run(app, session_id, owner_id, "session.close")
    with app.app_context():
        db.session.get(Session, ids[0]).closed_at = utcnow() - timedelta(days=100)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    result = subprocess.run(
        [sys.executable, "app.py", "--instance", str(instance), "purge"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Purged 1 session past" in result.stdout
    with app.app_context():
        assert db.session.get(Session, ids[0]) is None
        assert db.session.get(Session, ids[1]) is not None
        db.session.remove()
        db.engine.dispose()


def test_the_server_purges_by_itself_at_start_and_then_periodically(make_app):
    app = make_app(RETENTION_PURGE_INTERVAL=0.2)
    with app.app_context():
        from facilitation.live import sessions
        from facilitation.people import accounts
        from facilitation.programmes import manage as programmes

        owner = accounts.create_account("bg@example.org", "Bg", "correct horse battery", "facilitator")
        db.session.flush()
        programme = programmes.create_programme(owner, "Traject")
        db.session.flush()
        made = sessions.create_session(
            programme=programme,
            facilitator=owner,
            title="Oud",
            fmt=app.extensions["formats"]["learning-table"],
            levels=["execution"],
            language="nl",
        )
        db.session.commit()
        session_id, owner_id = made.id, owner.id
    run(app, session_id, owner_id, "session.start")
    run(app, session_id, owner_id, "session.close")
    stop = retention.start_schedule(app)
    try:
        time.sleep(0.5)
        with app.app_context():
            assert db.session.get(Session, session_id) is not None  # closed just now: kept
            db.session.get(Session, session_id).closed_at = utcnow() - timedelta(days=91)
            db.session.commit()
        deadline = time.time() + 10
        while time.time() < deadline:
            with app.app_context():
                db.session.rollback()
                if db.session.get(Session, session_id) is None:
                    break
            time.sleep(0.1)
        with app.app_context():
            assert db.session.get(Session, session_id) is None
    finally:
        stop.set()
        time.sleep(0.3)
    assert retention.start_schedule(make_app(RETENTION_PURGE_INTERVAL=0)) is None
