"""Facilitator, organiser and admin accounts: creation, passwords, and what each role may see."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from facilitation.extensions import db
from facilitation.models import Account, Programme, ProgrammeMember, Role

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """Refused account change; the message is shown to the person as is (already translated by the caller)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def has_accounts() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Account.id))) > 0


def create_account(email: str, name: str, password: str, role: Role | str = Role.FACILITATOR) -> Account:
    """Add an account (the caller commits). The first account of an installation is made by setup or the CLI."""
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError("invalid_email")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short")
    role = Role(role)
    if db.session.scalar(sa.select(Account.id).where(Account.email == email)):
        raise AccountError("email_taken")
    account = Account(
        email=email, name=(name or email).strip()[:120], role=role.value, password_hash=generate_password_hash(password)
    )
    db.session.add(account)
    return account


def authenticate(email: str, password: str) -> Account | None:
    account = db.session.scalar(sa.select(Account).where(Account.email == (email or "").strip().lower()))
    if account is None:
        # spend the same time as a real check so timing does not reveal which e-mails exist
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not account.active or not check_password_hash(account.password_hash, password or ""):
        return None
    return account


_DUMMY_HASH = generate_password_hash("not a real password")


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


def can_read_session_report(account: Account, session_) -> bool:
    """The session's facilitator, admins, and everyone who may see its programme (organisers included)."""
    if session_.facilitator_id == account.id:
        return True
    programme = db.session.get(Programme, session_.programme_id)
    return programme is not None and can_view_programme(account, programme)
