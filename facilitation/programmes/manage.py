"""Programmes (leertrajecten) and their cases: creating them and adding members."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Account, Case, Programme, ProgrammeMember, Session
from facilitation.validation import CommandError, without_controls

TITLE_MAX = 200
DESCRIPTION_MAX = 50_000


def _title(value: str) -> str:
    value = without_controls(value or "").strip()
    if not value:
        raise CommandError("empty_text", field="title")
    if len(value) > TITLE_MAX:
        raise CommandError("too_long", field="title", limit=TITLE_MAX)
    return value


def _description(value: str) -> str:
    value = without_controls(value or "")
    if len(value) > DESCRIPTION_MAX:
        raise CommandError("too_long", field="description", limit=DESCRIPTION_MAX)
    return value


def create_programme(owner: Account, title: str, description: str = "") -> Programme:
    programme = Programme(title=_title(title), description=_description(description), owner_id=owner.id)
    db.session.add(programme)
    return programme


def create_case(programme: Programme, title: str, description: str) -> Case:
    case = Case(programme_id=programme.id, title=_title(title), description=_description(description))
    db.session.add(case)
    return case


def update_case(case: Case, title: str, description: str) -> None:
    case.title = _title(title)
    case.description = _description(description)


def add_member(programme: Programme, account: Account) -> None:
    exists = db.session.scalar(
        sa.select(ProgrammeMember.id).where(
            ProgrammeMember.programme_id == programme.id, ProgrammeMember.account_id == account.id
        )
    )
    if exists is None and account.id != programme.owner_id:
        db.session.add(ProgrammeMember(programme_id=programme.id, account_id=account.id))


def list_sessions(programme: Programme) -> list[Session]:
    return list(
        db.session.scalars(sa.select(Session).where(Session.programme_id == programme.id).order_by(Session.created_at))
    )


def list_cases(programme: Programme) -> list[Case]:
    return list(db.session.scalars(sa.select(Case).where(Case.programme_id == programme.id).order_by(Case.id)))
