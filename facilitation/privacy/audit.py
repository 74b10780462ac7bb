"""The download audit: who exported or downloaded which report, of which session or programme, and when.
Every path that hands out what participants wrote (web downloads, the CLI) records one row here."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Account, AuditEntry, Programme, Session, utcnow
from facilitation.unit_of_work import unit_of_work

#: what an entry can say was done; shown in the admin's audit view
ACTIONS = ("session_report", "programme_report", "cli_session_report", "cli_programme_report", "export")


def record(
    action: str,
    file_format: str,
    *,
    account: Account | None = None,
    session: Session | None = None,
    programme: Programme | None = None,
) -> AuditEntry:
    """Record one download, committed at once in its own unit of work: the row must exist even when the
    download itself fails later. Other features' exports call this too, with their own action."""
    subject = session.title if session is not None else programme.title if programme is not None else ""
    entry = AuditEntry(
        account_id=account.id if account else None,
        account_name=account.name if account else "",
        action=action[:40],
        file_format=file_format[:10],
        session_id=session.id if session is not None else None,
        programme_id=programme.id if programme is not None else (session.programme_id if session is not None else None),
        subject=(subject or "")[:200],
        created_at=utcnow(),
    )
    with unit_of_work():
        db.session.add(entry)
    return entry


def recent(limit: int = 500, offset: int = 0) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) or 0
