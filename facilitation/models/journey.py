"""The case journey (maatwerkreis): its moments on a timeline."""

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
