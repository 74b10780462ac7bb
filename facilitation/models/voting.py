"""Dot voting: the rounds and each participant's dots."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from facilitation.models.base import Base, UTCDateTime, utcnow


class VotingRound(Base):
    """Stemronde: one round of dot voting over the clusters; at most one per session is open."""

    __tablename__ = "voting_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: 1, 2, ... within the session
    number: Mapped[int] = mapped_column()
    #: "open" while participants vote, then "closed"
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    #: dots per participant in this round (the format's vote_budget unless changed)
    budget: Mapped[int] = mapped_column()
    #: whether one participant may put more than one dot on one cluster
    several_per_cluster: Mapped[bool] = mapped_column(default=True)
    #: totals visible to the room while the round is open; a closed round's results are always visible
    results_shown: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Vote(Base):
    """Dots one participant put on one cluster in one round; anonymous in every view."""

    __tablename__ = "votes"
    __table_args__ = (sa.UniqueConstraint("round_id", "participant_id", "cluster_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("voting_rounds.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participants.id", ondelete="CASCADE"))
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("clusters.id", ondelete="CASCADE"))
    dots: Mapped[int] = mapped_column(default=1)
