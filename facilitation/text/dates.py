"""The organisation's time zone (setting TIMEZONE): every date and time people read is shown in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _


def zone() -> tzinfo:
    """The organisation's time zone for dates and times in pages and reports."""
    try:
        return ZoneInfo(current_app.config.get("TIMEZONE") or "Europe/Amsterdam")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def today() -> date:
    """Today in the organisation's time zone (due dates, overdue commitments)."""
    return datetime.now(zone()).date()


# --- dates as people read them on web pages, in the reader's language (as the Word report does) -----------


def long_date(day: date | datetime | None) -> str:
    """ "1 december 2025" / "1 December 2025"; a moment in time is first put in the organisation's zone."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(zone()).date() if day.tzinfo else day.date()
    return format_date(day, format="long")


def date_time(moment: datetime | None) -> str:
    """ "1 dec 2025 14:05" in the organisation's time zone."""
    if moment is None:
        return ""
    return format_datetime(moment.astimezone(zone()) if moment.tzinfo else moment, format="d MMM y HH:mm")


def quarter_label(quarter: str) -> str:
    """A quarter key "2026-Q4" as words: "4e kwartaal 2026" / "Q4 2026"."""
    year, _sep, number = quarter.partition("-Q")
    if not (year.isdigit() and number.isdigit()):
        return quarter
    return _("Q%(n)s %(year)s", n=number, year=year)


def language() -> str:
    return str(get_locale() or "nl")
