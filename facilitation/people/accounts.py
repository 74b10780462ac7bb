"""Facilitator, organiser and admin accounts: creation, passwords, and what each role may see."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from facilitation.extensions import db
from facilitation.models import Account, Role
from facilitation.validation import INT_HIGH

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


def end_sessions(account: Account) -> None:
    """Every login of this account, on every browser, stops counting (the caller commits): a copy of the
    login cookie taken before is worth nothing, and open console connections may no longer run commands."""
    account.session_version = (account.session_version or 0) + 1


def set_password(account: Account, current: str, new: str) -> None:
    """A new password for the account, given its current one; every earlier login ends (the caller commits)."""
    if not check_password_hash(account.password_hash, current or ""):
        raise AccountError("wrong_password")
    if len(new or "") < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short")
    account.password_hash = generate_password_hash(new)
    end_sessions(account)


def set_active(account: Account, active: bool) -> None:
    """Deactivating ends every login at once; the account's sessions, programmes and history stay."""
    account.active = active
    if not active:
        end_sessions(account)


def load(user_id: str) -> Account | None:
    """The account a login cookie names ("id.version"), if that login still counts: the account is active
    and nothing ended its logins since. A cookie from before versions existed holds just the id (version 0)."""
    account_id, _, version = user_id.partition(".")
    try:
        number, version_number = int(account_id), int(version or 0)
    except ValueError:
        return None
    account = db.session.get(Account, number) if 0 < number <= INT_HIGH else None
    if account is None or not account.active or account.session_version != version_number:
        return None
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
