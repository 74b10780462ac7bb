"""Action commitments a session ends with: what, who, which level, by when."""

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
    cluster_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clusters.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(20), default=CommitmentStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
