"""What each account may see and run: programmes (owner, member or admin), session reports, and running a
live session (its facilitator or a co-facilitator). Pages, sockets, commands and reports all ask here."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Account, Programme, ProgrammeMember, Session, SessionFacilitator


def programmes_visible_to(account: Account) -> list[Programme]:
    """Admins see all; others the programmes they own or are members of."""
    query = sa.select(Programme).order_by(Programme.created_at.desc())
    if not account.is_admin:
        member_of = sa.select(ProgrammeMember.programme_id).where(ProgrammeMember.account_id == account.id)
        query = query.where(sa.or_(Programme.owner_id == account.id, Programme.id.in_(member_of)))
    return list(db.session.scalars(query))


def can_view_programme(account: Account, programme: Programme) -> bool:
    if account.is_admin or programme.owner_id == account.id:
        return True
    return (
        db.session.scalar(
            sa.select(ProgrammeMember.id).where(
                ProgrammeMember.programme_id == programme.id, ProgrammeMember.account_id == account.id
            )
        )
        is not None
    )


def can_edit_programme(account: Account, programme: Programme) -> bool:
    """Facilitators who can see a programme may add cases and sessions to it; organisers only read."""
    return account.can_facilitate and can_view_programme(account, programme)


def can_set_goals(account: Account, programme: Programme) -> bool:
    """A programme's learning and change goals are set by whoever leads it: its owner, admins, and the
    facilitators and organisers who are its members. Organisers otherwise only read, but the goals are
    the programme lead's to set, and they change no session."""
    return bool(account.active) and can_view_programme(account, programme)


def can_read_session_report(account: Account, session_) -> bool:
    """The session's facilitator, admins, and everyone who may see its programme (organisers included)."""
    if session_.facilitator_id == account.id:
        return True
    programme = db.session.get(Programme, session_.programme_id)
    return programme is not None and can_view_programme(account, programme)


def runs_session(account: Account | None, session_: Session) -> bool:
    """The session's own facilitator or one of its co-facilitators, with an active account."""
    if account is None or not getattr(account, "is_authenticated", True) or not account.active:
        return False
    if account.id == session_.facilitator_id:
        return True
    return (
        db.session.scalar(
            sa.select(SessionFacilitator.id).where(
                SessionFacilitator.session_id == session_.id, SessionFacilitator.account_id == account.id
            )
        )
        is not None
    )
