"""Accounts of the people who run and read sessions; participants have none."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from facilitation.models.base import Base, UTCDateTime, utcnow


class Role(str, enum.Enum):
    ADMIN = "admin"  # manages accounts, and may run sessions
    FACILITATOR = "facilitator"  # runs sessions
    ORGANISER = "organiser"  # reads programmes they belong to and downloads reports


class Account(UserMixin, Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the login name; lower-cased on the way in
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.FACILITATOR.value)
    #: preferred interface language; None means the browser's choice
    language: Mapped[str | None] = mapped_column(sa.String(5))
    active: Mapped[bool] = mapped_column(default=True)
    #: raised by logging out, deactivating and a new password: every login made before no longer counts
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def get_id(self) -> str:
        """What the login cookie holds: the id and the session version it was made under."""
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def can_facilitate(self) -> bool:
        return self.role in (Role.ADMIN.value, Role.FACILITATOR.value)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value
