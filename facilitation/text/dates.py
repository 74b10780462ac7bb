"""The organisation's time zone (setting TIMEZONE): every date and time people read is shown in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app


def zone() -> tzinfo:
    """The organisation's time zone for dates and times in pages and reports."""
    try:
        return ZoneInfo(current_app.config.get("TIMEZONE") or "Europe/Amsterdam")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def today() -> date:
    """Today in the organisation's time zone (due dates, overdue commitments)."""
    return datetime.now(zone()).date()
