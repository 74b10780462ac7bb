"""CSV as spreadsheets read it: UTF-8 with a BOM, the delimiter of the reader's regional settings, and cells
that a spreadsheet can never run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> object:
    """A spreadsheet must never run a participant's text as a formula (OWASP CSV injection)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def table(headers: list[str], rows: list[list[object]], delimiter: str) -> bytes:
    buffer = io.StringIO()
    # the BOM makes Excel read UTF-8 (accents in Dutch texts) instead of the local code page
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([[csv_cell(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def delimiter(language: str) -> str:
    # Excel with Dutch regional settings splits on semicolons; with English ones on commas
    return ";" if language == "nl" else ","
