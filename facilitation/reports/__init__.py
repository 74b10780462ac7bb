"""Reports of a session and of a programme: Word for reading and sending, Markdown, JSON and CSV for reuse.

`data` gathers what a report says (read only), `session` and `programme` lay it out in Word section by
section, `exports` writes the other formats; `render_*` below pick one by name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from facilitation.models import Programme, Session
from facilitation.reports import data, exports, pdf

FORMATS = ("docx", "pdf", "md", "json", "csv")
PdfUnavailable = pdf.PdfUnavailable


@dataclass(frozen=True)
class Export:
    content: bytes
    mimetype: str
    filename: str


_MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "csv": "application/zip",
}
_EXTENSIONS = {"docx": "docx", "pdf": "pdf", "md": "md", "json": "json", "csv": "zip"}


def file_stem(*parts: str) -> str:
    """A file name people recognise, safe on every system: 'verslag-leertafel-1-gezin-z-2026-03-04'."""
    text = unicodedata.normalize("NFKD", " ".join(p for p in parts if p)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "report"


def render_session(session_: Session, fmt: str = "docx", *, timeline: bool = False) -> Export:
    """One session's report in a format of FORMATS (csv is a zip of one CSV per table)."""
    report = data.gather_session(session_, timeline=timeline)
    if fmt in ("docx", "pdf"):
        from facilitation.reports import session as session_docx  # python-docx loads on first use

        content = session_docx.build(report)
        # the PDF is the same document: LibreOffice converts the Word file (PdfUnavailable without it)
        content = pdf.from_docx(content) if fmt == "pdf" else content
    elif fmt == "md":
        content = exports.session_markdown(report).encode("utf-8")
    elif fmt == "json":
        content = exports.session_json(report).encode("utf-8")
    elif fmt == "csv":
        content = exports.session_csv(report)
    else:
        raise ValueError(f"unknown report format {fmt!r}; known: {', '.join(FORMATS)}")
    prefix = "verslag" if report.language == "nl" else "report"
    stem = file_stem(prefix, report.title, report.day.isoformat() if report.day else "")
    return Export(content, _MIMETYPES[fmt], f"{stem}.{_EXTENSIONS[fmt]}")


def render_programme(programme: Programme, fmt: str = "docx", *, language: str | None = None) -> Export:
    report = data.gather_programme(programme, language=language)
    if fmt in ("docx", "pdf"):
        from facilitation.reports import programme as programme_docx

        content = programme_docx.build(report)
        content = pdf.from_docx(content) if fmt == "pdf" else content
    elif fmt == "md":
        content = exports.programme_markdown(report).encode("utf-8")
    elif fmt == "json":
        content = exports.programme_json(report).encode("utf-8")
    elif fmt == "csv":
        content = exports.programme_csv(report)
    else:
        raise ValueError(f"unknown report format {fmt!r}; known: {', '.join(FORMATS)}")
    prefix = "leertrajectverslag" if report.language == "nl" else "programme-report"
    return Export(content, _MIMETYPES[fmt], f"{file_stem(prefix, report.title)}.{_EXTENSIONS[fmt]}")
