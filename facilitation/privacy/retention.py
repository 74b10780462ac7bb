"""Retention: everything of a session is deleted `retention_days` after it closed (the installation's
RETENTION_DAYS unless the session sets its own). purge() runs at start, every RETENTION_PURGE_INTERVAL
seconds while the server runs, and as `python app.py purge` for cron; delete_session() at once on request.

Deleting a session row cascades in the database (every foreign key to sessions, participants, clusters and
reflections is ON DELETE CASCADE, and SQLite enforces foreign keys on every connection). To hold even for a
table whose key was forgotten, rows are also deleted explicitly, dependants first, from every table in the
metadata that has a session_id column, except where that key is declared ON DELETE SET NULL: those rows are
meant to outlive the session (the download audit log, a follow-up session's update of an earlier session's
commitment) and only lose the reference. A register entry whose last linked cluster goes is deleted with it.
Reports are made on request and never stored, so no files remain.

Several server processes (workers, a cron `purge`) may purge at once: on PostgreSQL one transaction-level
advisory lock lets one of them purge and the others skip that round. On SQLite writes take turns anyway; after
a purge the write-ahead log is checkpointed and truncated, so deleted text does not linger in the -wal file."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from flask_babel import gettext as _

from facilitation.extensions import db, socketio
from facilitation.models import Base, Cluster, RegisterEntry, RegisterLink, Session, Status, utcnow
from facilitation.unit_of_work import unit_of_work
from facilitation.validation import CommandError

log = logging.getLogger(__name__)

MAX_RETENTION_DAYS = 3650


def parse_days(value: object) -> int | None:
    """What a person typed for "keep data for (days)": blank is the installation's default, else whole days
    from 1 to MAX_RETENTION_DAYS."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        days = int(value.strip() if isinstance(value, str) else value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise CommandError("wrong_type", field=_("Keep data for (days)")) from None
    if isinstance(value, bool) or not 1 <= days <= MAX_RETENTION_DAYS:
        raise CommandError("out_of_range", field="retention_days", low=1, high=MAX_RETENTION_DAYS)
    return days


def set_retention(ctx, payload: dict) -> dict:
    """Command `session.set_retention` {days}: how long this session's data is kept after it closes (blank or
    null: the installation's default). Staff only; the event records who changed it and when. A payload
    without `days` is refused: blank is a choice a person makes, a missing field is a broken form."""
    if "days" not in payload:
        raise CommandError("missing_field", field="days")
    ctx.session.retention_days = parse_days(payload.get("days"))
    ctx.audience = "staff"
    return {"retention_days": ctx.session.retention_days}


def retention_days(session_: Session, default: int) -> int:
    return session_.retention_days if session_.retention_days is not None else default


def purge_due_at(session_: Session, default: int) -> datetime | None:
    if session_.status != Status.CLOSED.value or session_.closed_at is None:
        return None
    return session_.closed_at + timedelta(days=retention_days(session_, default))


def expired_sessions(now: datetime, default: int) -> list[int]:
    closed = db.session.scalars(
        sa.select(Session).where(Session.status == Status.CLOSED.value, Session.closed_at.is_not(None))
    )
    return [s.id for s in closed if (due := purge_due_at(s, default)) is not None and due < now]


#: any fixed number, the same in every process: the key of the PostgreSQL advisory lock a purge holds
PURGE_LOCK_KEY = 720_200_031


def _survives(column: sa.Column) -> bool:
    """A key declared ON DELETE SET NULL: the row is meant to outlive what it points at."""
    return any((fk.ondelete or "").upper() == "SET NULL" for fk in column.foreign_keys)


def delete_sessions(session_ids: list[int]) -> None:
    """Delete the sessions and every row that belongs to them (the caller commits). Rows whose session_id is
    ON DELETE SET NULL stay, without the reference, as the database itself would leave them."""
    if not session_ids:
        return
    # register entries that count a cluster of these sessions: those left with no occurrence go too, since
    # their title is usually the purged cluster's own wording (create_entry and confirm copy it)
    linked_entries = sa.select(RegisterLink.entry_id).join(Cluster, Cluster.id == RegisterLink.cluster_id)
    entry_ids = set(db.session.scalars(linked_entries.where(Cluster.session_id.in_(session_ids))))
    for table in reversed(Base.metadata.sorted_tables):
        column = table.c.get("session_id")
        if table.name == Session.__tablename__ or column is None:
            continue
        if _survives(column):
            db.session.execute(sa.update(table).where(column.in_(session_ids)).values(session_id=None))
        else:
            db.session.execute(sa.delete(table).where(column.in_(session_ids)))
    db.session.execute(sa.delete(Session).where(Session.id.in_(session_ids)))
    if entry_ids:
        still_linked = sa.select(RegisterLink.id).where(RegisterLink.entry_id == RegisterEntry.id).exists()
        orphans = sa.delete(RegisterEntry).where(RegisterEntry.id.in_(entry_ids), ~still_linked)
        db.session.execute(orphans, execution_options={"synchronize_session": False})
    db.session.expunge_all()


def delete_session(session_id: int) -> None:
    with unit_of_work():
        delete_sessions([session_id])
    checkpoint()
    log.info("deleted session %s and all its data on request", session_id)


def _purge_lock() -> bool:
    """True when this transaction may purge: always on SQLite, on PostgreSQL when no other process is purging
    (the lock ends with the transaction, also when a process dies)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    # the schema is part of the key, so installations sharing one database (in schemas of their own) do not wait
    # for each other
    schema_key = sa.func.hashtext(sa.func.current_schema())
    return bool(db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(PURGE_LOCK_KEY, schema_key))))


def checkpoint() -> None:
    """SQLite keeps deleted pages in its write-ahead log until a checkpoint copies them over; TRUNCATE also
    empties the -wal file, so purged text is gone from disk and not only from the database. A reader still
    busy elsewhere can make the checkpoint partial; the next one finishes it."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def purge(now: datetime | None = None, default_days: int = 90) -> int:
    """Delete every session whose retention has run out; returns how many (0 as well when another process
    holds the purge lock: it is purging the same sessions)."""
    with unit_of_work():
        if not _purge_lock():
            log.info("retention: another process is purging")
            return 0
        ids = expired_sessions(now or utcnow(), default_days)
        delete_sessions(ids)
    if ids:
        checkpoint()
        log.info("retention: purged %d sessions", len(ids))
    return len(ids)


def purge_app(app: Flask, now: datetime | None = None) -> int:
    with app.app_context():
        try:
            return purge(now, app.config["RETENTION_DAYS"])
        finally:
            db.session.remove()


def start_schedule(app: Flask) -> threading.Event | None:
    """Purge now and then every RETENTION_PURGE_INTERVAL seconds, in the server's background (0: never).
    Returns an event that stops the loop when set."""
    interval = app.config.get("RETENTION_PURGE_INTERVAL") or 0
    if interval <= 0:
        return None
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                purge_app(app)
            except Exception:
                app.logger.exception("retention purge failed")
            socketio.sleep(interval)

    socketio.start_background_task(loop)
    return stop
