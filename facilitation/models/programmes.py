"""Programmes (leertrajecten) that group sessions, their members, and the cases they discuss."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitation.models.base import Base, UTCDateTime, utcnow


class Programme(Base):
    """Leertraject: sessions over months and levels around one theme."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[ProgrammeMember]] = relationship(back_populates="programme", cascade="all, delete-orphan")
    cases: Mapped[list[Case]] = relationship(back_populates="programme", cascade="all, delete-orphan")
    goals: Mapped[list[ProgrammeGoal]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", passive_deletes=True
    )


class ProgrammeMember(Base):
    """An account (facilitator or organiser) that may see a programme it does not own."""

    __tablename__ = "programme_members"
    __table_args__ = (sa.UniqueConstraint("programme_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))

    programme: Mapped[Programme] = relationship(back_populates="members")


class Case(Base):
    """Casus: a pseudonymised family's story; the description is Markdown, sanitised on render."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    #: Markdown source; never shown unrendered, never rendered unsanitised
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="cases")


class GoalKind(str, enum.Enum):
    LEARNING = "learning"  # leerdoel: what the people at this level want to understand
    CHANGE = "change"  # veranderdoel: what must work differently at this level

    @classmethod
    def values(cls) -> list[str]:
        return [kind.value for kind in cls]


class ProgrammeGoal(Base):
    """Leerdoel or veranderdoel of a programme at one level; commitments serve it (Commitment.goal_id)."""

    __tablename__ = "programme_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    #: execution / management / policy / governance (models.Level)
    level: Mapped[str] = mapped_column(sa.String(20))
    #: "learning" (leerdoel) or "change" (veranderdoel)
    kind: Mapped[str] = mapped_column(sa.String(20), default=GoalKind.CHANGE.value)
    #: a short title, as it is read out in a session
    title: Mapped[str] = mapped_column(sa.String(200))
    #: optional: what it means, how the programme will know it is reached; plain text
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: order within its level, 0 first
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="goals")
