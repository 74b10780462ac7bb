"""The per-session event log: one numbered event per applied command; audit trail and replay source."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from facilitation.models.base import Base, UTCDateTime, utcnow


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "seq"),
        # a command resent with the same client id is applied once
        sa.UniqueConstraint("session_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    #: 1, 2, 3 ... per session, in commit order, without gaps
    seq: Mapped[int] = mapped_column()
    #: the command name, e.g. "reflection.post"
    name: Mapped[str] = mapped_column(sa.String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: "all" (every screen) or "staff" (console and projector; plus the acting participant)
    audience: Mapped[str] = mapped_column(sa.String(10), default="all")
    #: who issued it: "account:3", "participant:12"; never a name
    actor: Mapped[str] = mapped_column(sa.String(40))
    #: the participant who issued it, or whose reflection a staff-only event changed: they get it too
    participant_id: Mapped[int | None] = mapped_column()
    client_id: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
