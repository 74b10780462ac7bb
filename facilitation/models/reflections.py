"""Reflections participants post."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from facilitation.models.base import Base, UTCDateTime, utcnow


class Reflection(Base):
    """Reflectie: one short text of a kind (success, bottleneck, cause, idea, question)."""

    __tablename__ = "reflections"
    __table_args__ = (sa.UniqueConstraint("session_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: None when the facilitator entered it
    participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participants.id", ondelete="CASCADE"))
    #: made by the phone so a resend never creates a second row
    client_id: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.Text)
    #: the level the reflection is about (defaults to the author's level)
    level: Mapped[str | None] = mapped_column(sa.String(20))
    #: key of the phase it was written in
    phase_key: Mapped[str] = mapped_column(sa.String(60))
    #: shown with the author's display name only when they chose so
    show_name: Mapped[bool] = mapped_column(default=False)
    #: moderated away: on no screen and in no report, but kept in the record
    hidden: Mapped[bool] = mapped_column(default=False)
    #: kinds of personal data the server detected ("bsn", "email" ...), for the facilitator to check
    personal_data: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    cluster_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clusters.id", ondelete="SET NULL"))
    #: said in the room, not for the report: on the screens, in no export
    room_only: Mapped[bool] = mapped_column(default=False)
    #: the moment of the case journey it is pinned to (case reconstruction)
    moment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("moments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
