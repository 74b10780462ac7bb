"""The bottleneck register as CSV (one row per occurrence, for pivot tables) and as a Word document (trend per
quarter and level, then one table per level), in Dutch or English, as the reader may see it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from facilitation.models import Account
from facilitation.register import entries
from facilitation.reports import pdf, word
from facilitation.text import report_words as words
from facilitation.text.csv import delimiter as _delimiter
from facilitation.text.csv import table as _csv

FORMATS = ("csv", "docx", "pdf")
_MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class RegisterExport:
    content: bytes
    mimetype: str
    filename: str


def _where(occurrence: entries.Occurrence, lang: str) -> str:
    if not occurrence.visible:
        return _("another programme")
    return f"{occurrence.programme} · {occurrence.session} · {words.short_day(occurrence.day, lang)}"


def csv_bytes(view: entries.RegisterView, language: str) -> bytes:
    headers = [
        _("Entry"),
        _("Recurring bottleneck"),
        _("Level"),
        _("Status"),
        _("Occurrences"),
        _("Programme"),
        _("Session"),
        _("Bottleneck in the session"),
        _("Date"),
        _("Quarter"),
    ]
    rows = []
    for entry in view.entries:
        for o in entry.occurrences:
            rows.append(
                [
                    entry.id,
                    entry.title,
                    words.solve_level(entry.level),
                    words.register_status(entry.status),
                    entry.count,
                    o.programme if o.visible else _("another programme"),
                    o.session,
                    o.cluster,
                    o.day.isoformat(),
                    o.quarter,
                ]
            )
    return _csv(headers, rows, _delimiter(language))


def docx_bytes(view: entries.RegisterView, language: str) -> bytes:
    title = _("Bottleneck register")
    doc = word.new_document(language, title)
    word.footer(doc, title, _("Page"))
    word.heading(doc, title, 0)
    word.intro(
        doc,
        _(
            "Bottlenecks that came up again in sessions of different programmes: where policy chafes. "
            "A bottleneck carried forward to a later session of the same programme counts once."
        ),
    )
    word.facts(doc, [(_("Recurring bottlenecks"), str(len(view.entries))), (_("Occurrences"), str(view.total))])
    if view.hidden_programmes:
        word.paragraph(
            doc,
            _("Occurrences in programmes you are not part of are counted without their programme or session."),
            "Small Print",
        )
    _trend(doc, view)
    for level in view.levels or []:
        _entries_at(doc, view, level, language)
    if not view.entries:
        word.paragraph(doc, _("The register is still empty."))
    return word.save(doc)


def _trend(doc, view: entries.RegisterView) -> None:
    """Occurrences per quarter and level, with totals."""
    if not view.quarters:
        return
    word.heading(doc, _("Trend per quarter and level"), 1)
    rows = [
        [
            words.solve_level(level),
            *[view.per_level[level].get(q, 0) for q in view.quarters],
            view.level_total(level),
        ]
        for level in view.levels
    ]
    rows.append([_("Total"), *[view.per_quarter.get(q, 0) for q in view.quarters], view.total])
    word.table(
        doc,
        [_("Level"), *view.quarters, _("Total")],
        rows,
        right=range(1, len(view.quarters) + 2),
        bold_last=True,
    )


def _entries_at(doc, view: entries.RegisterView, level, language: str) -> None:
    """One level's recurring bottlenecks: how often, in how many programmes, their status and where."""
    group = [e for e in view.entries if e.level == level]
    word.heading(
        doc,
        _("To be solved at: %(level)s", level=words.solve_level(level)) if level else _("Level not yet decided"),
        1,
    )
    word.table(
        doc,
        [_("Recurring bottleneck"), _("Times"), _("Programmes"), _("Status"), _("Where")],
        [
            (
                e.title,
                e.count,
                e.programmes,
                words.register_status(e.status),
                "; ".join(_where(o, language) for o in e.occurrences),
            )
            for e in group
        ],
        right=(1, 2),
    )


def render(viewer: Account, fmt: str, language: str) -> RegisterExport:
    with words.language(language):
        view = entries.build(viewer)
        if fmt == "csv":
            content = csv_bytes(view, language)
        elif fmt in ("docx", "pdf"):
            content = docx_bytes(view, language)
            # the same document as a tagged PDF; pdf.PdfUnavailable when LibreOffice is missing
            content = pdf.from_docx(content) if fmt == "pdf" else content
        else:
            raise ValueError(f"unknown register format {fmt!r}; known: {', '.join(FORMATS)}")
    name = "knelpuntenregister" if language == "nl" else "bottleneck-register"
    return RegisterExport(content, _MIMETYPES[fmt], f"{name}.{fmt}")
