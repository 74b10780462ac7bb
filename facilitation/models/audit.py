"""The download audit: who downloaded or exported what, and when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from facilitation.models.base import Base, UTCDateTime, utcnow


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
