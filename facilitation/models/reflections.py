"""Reflections participants post, the bottleneck clusters they are grouped into, and the dot votes on them."""

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


class Cluster(Base):
    """Knelpunt: a named bottleneck that groups reflections, with the level that must solve it."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: where it must be solved; None until the group decides
    level: Mapped[str | None] = mapped_column(sa.String(20))
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    #: the cluster of an earlier session of the programme this one was carried forward from
    carried_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clusters.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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
