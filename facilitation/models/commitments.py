"""Action commitments a session ends with: what, who, which level, by when, which bottlenecks they answer,
and the dated updates on their status (also from later follow-up sessions of the programme)."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from facilitation.models.base import Base, UTCDateTime, utcnow


class CommitmentStatus(str, enum.Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @classmethod
    def values(cls) -> list[str]:
        return [status.value for status in cls]


class Commitment(Base):
    """Actieafspraak: a concrete step someone takes in their own organisation."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(sa.Text)
    #: a role and organisation, or a name if the person gave one
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    level: Mapped[str | None] = mapped_column(sa.String(20))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), default=CommitmentStatus.OPEN.value)
    #: a participant's proposal the facilitator has not confirmed yet: on the console only, in no report
    pending: Mapped[bool] = mapped_column(default=False)
    #: the phone that proposed it; it may update the status too
    participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participants.id", ondelete="SET NULL"))
    #: the programme goal (leerdoel or veranderdoel) it serves; a removed goal leaves the commitment without one
    goal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_goals.id", ondelete="SET NULL"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommitmentCluster(Base):
    """Which bottleneck clusters a commitment answers (one commitment may answer several)."""

    __tablename__ = "commitment_clusters"

    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True)
    cluster_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CommitmentUpdate(Base):
    """A dated status change or note on a commitment, made in its own session or in a later follow-up."""

    __tablename__ = "commitment_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    #: the session in which the update was made (a follow-up session may be purged before the commitment)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sessions.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    #: "facilitator" or "participant"; never a name
    by: Mapped[str] = mapped_column(sa.String(20), default="facilitator")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
