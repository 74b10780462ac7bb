"""The fishbowl: an inner circle of chairs with one empty chair, the queue for it, the topics discussed
in rounds, and every seat change with its time, so speaking time per level can be told afterwards."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from facilitation.models.base import Base, UTCDateTime, utcnow


class Fishbowl(Base):
    """The circle's settings for one session; absent until the facilitator changes a default."""

    __tablename__ = "fishbowls"

    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    #: chairs in the inner circle, the empty one included (the format's fishbowl_chairs by default)
    chairs: Mapped[int] = mapped_column()
    #: the first in the queue takes a free chair by themselves, without the facilitator
    auto_seat: Mapped[bool] = mapped_column(default=False)


class FishbowlRound(Base):
    """Ronde: the inner circle talks about one topic (a cluster of the session) from started_at on."""

    __tablename__ = "fishbowl_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: 1, 2, ... within the session
    number: Mapped[int] = mapped_column()
    cluster_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clusters.id", ondelete="SET NULL"))
    #: the cluster's title when the round began; kept when the cluster goes
    topic: Mapped[str] = mapped_column(sa.String(120))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FishbowlRequest(Base):
    """A participant waiting for the empty chair ("Ik wil in de kring"); first come, first seated."""

    __tablename__ = "fishbowl_requests"
    __table_args__ = (sa.UniqueConstraint("participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participants.id", ondelete="CASCADE"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FishbowlSeating(Base):
    """One stay on one chair: who (by level), which seat, from sat_at until left_at (None: still seated)."""

    __tablename__ = "fishbowl_seatings"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: None once the participant is purged; the level and times still count for the report
    participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participants.id", ondelete="SET NULL"))
    #: the participant's level when seated
    level: Mapped[str] = mapped_column(sa.String(20))
    #: 1 .. chairs
    seat: Mapped[int] = mapped_column()
    sat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
