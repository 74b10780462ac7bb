"""Facilitator, organiser and admin accounts: creation, passwords, and what each role may see."""

from __future__ import annotations

import hashlib
from functools import cache

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from facilitation import config
from facilitation.extensions import db
from facilitation.models import Account, Programme, Role, Session
from facilitation.validation import INT_HIGH

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """Refused account change; the message is shown to the person as is (already translated by the caller)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def has_accounts() -> bool:
    return (db.session.scalar(sa.select(sa.func.count(Account.id))) or 0) > 0


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
    account = Account(email=email, name=(name or email).strip()[:120], role=role.value, password_hash=_hash(password))
    db.session.add(account)
    return account


def end_sessions(account: Account) -> None:
    """Every login of this account, on every browser, stops counting (the caller commits): a copy of the
    login cookie taken before is worth nothing, and open console connections may no longer run commands."""
    account.session_version = (account.session_version or 0) + 1


def change_password(account: Account, current: str, new: str) -> None:
    """A new password for the account, given its current one; every earlier login ends (the caller commits)."""
    if not check_password_hash(account.password_hash, current or ""):
        raise AccountError("wrong_password")
    set_password(account, new)


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
        check_password_hash(_dummy_hash(current_app.config.get("PASSWORD_HASH_METHOD")), password or "")
        return None
    if not account.active or not check_password_hash(account.password_hash, password or ""):
        return None
    return account


def _hash(password: str) -> str:
    return _with(current_app.config.get("PASSWORD_HASH_METHOD"), password)


def _with(method: str | None, password: str) -> str:
    return generate_password_hash(password, method) if method else generate_password_hash(password)


@cache
def _dummy_hash(method: str | None) -> str:
    """A hash made the way real ones are, so an unknown e-mail costs as much time as a wrong password."""
    return _with(method, "not a real password")


#: hours a password-reset link stays valid
RESET_HOURS = 24


def find(email: str) -> Account | None:
    return db.session.scalar(sa.select(Account).where(Account.email == (email or "").strip().lower()))


def _other_active_admins(account: Account) -> int:
    query = sa.select(sa.func.count(Account.id)).where(
        Account.role == Role.ADMIN.value, Account.active.is_(True), Account.id != account.id
    )
    return db.session.scalar(query) or 0


def set_active(account: Account, active: bool, by: Account | None = None) -> None:
    """Deactivate (the account can no longer log in; everything it made stays) or reactivate it."""
    if not active:
        if by is not None and by.id == account.id:
            raise AccountError("own_account")
        if account.is_admin and not _other_active_admins(account):
            raise AccountError("last_admin")
    account.active = active
    if not active:
        end_sessions(account)  # every login of it ends at once, also an open console


def delete_account(account: Account, by: Account | None = None) -> None:
    """Delete an account that runs no session and owns no programme (those would lose their facilitator:
    deactivate it instead, or hand them over first). Its memberships go with it; audit entries and register
    links keep their rows without the name."""
    if by is not None and by.id == account.id:
        raise AccountError("own_account")
    if account.is_admin and not _other_active_admins(account):
        raise AccountError("last_admin")
    owns = db.session.scalar(sa.select(sa.func.count(Programme.id)).where(Programme.owner_id == account.id))
    runs = db.session.scalar(sa.select(sa.func.count(Session.id)).where(Session.facilitator_id == account.id))
    if owns or runs:
        raise AccountError("owns_work")
    db.session.delete(account)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(config.setting("SECRET_KEY"), salt="password-reset")


def _fingerprint(account: Account) -> str:
    # the link names the password it replaces: once used (or the password changed) it no longer works
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:16]


def reset_token(account: Account) -> str:
    """A one-time token for a password-reset link, valid RESET_HOURS hours."""
    return _reset_serializer().dumps({"id": account.id, "fp": _fingerprint(account)})


def account_for_reset(token: str) -> Account | None:
    """The active account a reset token is for, if it is genuine, unused and not expired."""
    try:
        data = _reset_serializer().loads(token, max_age=RESET_HOURS * 3600)
    except BadSignature:
        return None
    account = db.session.get(Account, data.get("id")) if isinstance(data, dict) else None
    if account is None or not account.active or data.get("fp") != _fingerprint(account):
        return None
    return account


def set_password(account: Account, password: str) -> None:
    """A new password (a reset link, the command line, or change_password); every earlier login ends."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short")
    account.password_hash = _hash(password)
    end_sessions(account)
