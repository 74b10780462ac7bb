"""The bottleneck register across programmes: recurring bottlenecks (entries), the session clusters a person
linked to them, and the suggested links a person dismissed (so they are not suggested again)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from facilitation.models.base import Base, UTCDateTime, utcnow


class RegisterEntry(Base):
    """A bottleneck that recurs across sessions and programmes: 'where policy chafes'."""

    __tablename__ = "register_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    #: the level that must solve it; None until someone decides
    level: Mapped[str | None] = mapped_column(sa.String(20))
    #: a person's verdict ("open", "commitment", "solved"); None derives it from the linked commitments
    status: Mapped[str | None] = mapped_column(sa.String(20))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegisterLink(Base):
    """One session's cluster counted as an occurrence of an entry; a cluster belongs to at most one entry."""

    __tablename__ = "register_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("register_entries.id", ondelete="CASCADE"), index=True)
    #: the purge of a session removes its clusters and with them their links
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("clusters.id", ondelete="CASCADE"), unique=True)
    linked_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegisterDismissal(Base):
    """A suggested pair of clusters a person said are not the same bottleneck (lower id first)."""

    __tablename__ = "register_dismissals"
    __table_args__ = (sa.UniqueConstraint("cluster_a_id", "cluster_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_a_id: Mapped[int] = mapped_column(sa.ForeignKey("clusters.id", ondelete="CASCADE"))
    cluster_b_id: Mapped[int] = mapped_column(sa.ForeignKey("clusters.id", ondelete="CASCADE"), index=True)
    dismissed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="SET NULL"))
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
