"""A live session: its format, levels, join code, status, current phase and timer; and who joined."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitation.models.base import Base, UTCDateTime, utcnow


class Status(str, enum.Enum):
    DRAFT = "draft"  # prepared; people may already join and wait in the lobby
    LIVE = "live"
    CLOSED = "closed"


class Session(Base):
    """Bijeenkomst: one learning table or fishbowl, run from a format's phases."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"))
    facilitator_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    #: key of a format in sessions/*.toml, e.g. "learning-table"
    format_key: Mapped[str] = mapped_column(sa.String(60))
    #: the levels invited, a list of Level values
    levels: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: "nl" or "en": the participants' interface and the report
    language: Mapped[str] = mapped_column(sa.String(5), default="nl")
    #: six characters without look-alikes, typed at /join or carried by the QR code
    join_code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default=Status.DRAFT.value)
    #: index into the format's phases; None before the session starts
    phase_index: Mapped[int | None] = mapped_column()
    #: the phase timer: running while timer_ends_at is set, paused with timer_remaining_ms
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timer_remaining_ms: Mapped[int | None] = mapped_column()
    #: seq of the last event written; bumped under the row lock so seqs are gap-free
    last_seq: Mapped[int] = mapped_column(default=0)
    #: what the projector shows: "wall", "clusters", "votes" or "levels"; None chooses by itself
    projector_view: Mapped[str | None] = mapped_column(sa.String(20))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: days after closing until everything of the session is purged; None takes the installation default
    retention_days: Mapped[int | None] = mapped_column()
    #: the confidentiality agreement (huisregels) participants accept before writing; None: the default text
    house_rules: Mapped[str | None] = mapped_column(sa.Text)
    #: when the facilitator last changed them; earlier acceptances must be renewed
    house_rules_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the facilitator closed the door: no new phones may join (those in stay)
    joins_closed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    programme = relationship("Programme")
    case = relationship("Case")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )


class Participant(Base):
    """Deelnemer: anonymous unless they give a display name; no IP, user agent or e-mail is kept."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: sha256 of the random token in the phone's cookie; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(sa.String(40))
    level: Mapped[str] = mapped_column(sa.String(20))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when they accepted the house rules; None: they may read but not write or vote
    rules_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the discipline they chose to show (wijkteam, school ...), or None for "rather not say"
    discipline: Mapped[str | None] = mapped_column(sa.String(40))
    #: someone without a phone whose reflections and votes the facilitator enters
    proxy: Mapped[bool] = mapped_column(default=False)
    #: the facilitator removed this phone from the session: its cookie no longer works; what it wrote stays
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[Session] = relationship(back_populates="participants")


class SessionFacilitator(Base):
    """Co-facilitator: a second facilitator account that may run the session alongside its owner."""

    __tablename__ = "session_facilitators"
    __table_args__ = (sa.UniqueConstraint("session_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
