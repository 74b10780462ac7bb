"""The learning method's own records: the case journey's moments, co-facilitators, and the download audit."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from facilitation.models.base import Base, UTCDateTime, utcnow


class Moment(Base):
    """Moment in de maatwerkreis: one step of the case's journey (first signal, intake, rejection, crisis ...)."""

    __tablename__ = "moments"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: order on the timeline, 0 first
    position: Mapped[int] = mapped_column(default=0)
    #: signal / intake / application / rejection / crisis / breakthrough / other
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(120))
    #: when it happened, as people say it ("maart 2024", "week 3"); free text, pseudonymised case
    when: Mapped[str] = mapped_column(sa.String(40), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SessionFacilitator(Base):
    """Co-facilitator: a second facilitator account that may run the session alongside its owner."""

    __tablename__ = "session_facilitators"
    __table_args__ = (sa.UniqueConstraint("session_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """Who downloaded or exported what, and when: every report and export leaves one row."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None once the account is deleted; the name is kept below for the record
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="SET NULL"))
    account_name: Mapped[str] = mapped_column(sa.String(120), default="")
    #: "session_report", "programme_report", "cli_report" ...
    action: Mapped[str] = mapped_column(sa.String(40))
    #: "docx", "md", "json", "csv"
    file_format: Mapped[str] = mapped_column(sa.String(10), default="")
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sessions.id", ondelete="SET NULL"))
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id", ondelete="SET NULL"))
    #: the title at the time, so the record stays readable after a purge
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
