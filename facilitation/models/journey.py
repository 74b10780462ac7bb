"""The case journey (maatwerkreis): its moments on a timeline, dated, with the organisations involved and, for an
application or rejection, the law and the ground, so questions across journeys can be answered."""

from __future__ import annotations

from datetime import date, datetime

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
    #: when it happened, as people say it ("maart 2024", "week 3"); free text, kept beside the date
    when: Mapped[str] = mapped_column(sa.String(40), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: the date it happened; with date_precision "month" only its year and month count (day is 1)
    on_date: Mapped[date | None] = mapped_column(sa.Date)
    #: "day" or "month" (only the month is known); None when there is no date
    date_precision: Mapped[str | None] = mapped_column(sa.String(5))
    #: keys of the organisations involved (the ORGANISATIONS setting), in the order given
    organisations: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    #: for an application or rejection: the law or scheme (jeugdwet, wmo, participatiewet, wlz, zvw, wsnp, other)
    law: Mapped[str | None] = mapped_column(sa.String(20))
    #: for a rejection: its ground (a key of the REJECTION_GROUNDS setting)
    ground: Mapped[str | None] = mapped_column(sa.String(40))
    #: for a rejection: the application (a moment of the same journey) it answers
    answers_id: Mapped[int | None] = mapped_column(sa.ForeignKey("moments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
