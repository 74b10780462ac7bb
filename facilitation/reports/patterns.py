"""Patterns across case journeys as Word (with charts), CSV (one row per journey, for pivot tables) and the
page's SVG chart; in Dutch or English. Nothing from fewer journeys than the threshold, in any of them."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from flask_babel import gettext as _

from facilitation.live import organisations as lists
from facilitation.models import Account
from facilitation.register import patterns
from facilitation.reports import charts, pdf, word
from facilitation.reports.journey_words import (
    approximate_line,
    breakthrough_line,
    crisis_line,
    filters_line,
    ground,
    law,
    moment_when,
    spread_line,
    threshold_line,
    too_few,
    where,
)
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
class PatternsExport:
    content: bytes
    mimetype: str
    filename: str


# --- the page's chart ---------------------------------------------------------------------------------


def spread_svg(s, label: str) -> str:
    """The spread chart as inline SVG (no script, no style attribute: the page's CSP allows it)."""
    width, left, right = 640, 20, 620
    shape = charts.spread_shape(s.values, s.q1, s.median, s.q3, left, right, dot=9)
    stack = max((row for _x, row in shape.dots), default=0)
    dot_room = min(10, 80 // (stack + 1))
    box_top = 16 + (stack + 1) * dot_room + 8
    mid, axis = box_top + 16, box_top + 44
    parts = [
        f'<svg class="spread-chart" viewBox="0 0 {width} {axis + 44}" role="img" aria-labelledby="spread-title">',
        f'<title id="spread-title">{escape(label)}</title>',
    ]
    parts += [f'<circle cx="{x:.1f}" cy="{box_top - 8 - row * dot_room}" r="4" class="dot"/>' for x, row in shape.dots]
    parts += [
        f'<line x1="{shape.low:.1f}" y1="{mid}" x2="{shape.high:.1f}" y2="{mid}" class="whisker"/>',
        f'<rect x="{shape.q1:.1f}" y="{box_top}" width="{max(shape.q3 - shape.q1, 2):.1f}" height="32" class="box"/>',
        f'<line x1="{shape.median:.1f}" y1="{box_top - 3}" x2="{shape.median:.1f}" y2="{box_top + 35}" '
        'class="median"/>',
        f'<line x1="{left}" y1="{axis}" x2="{right}" y2="{axis}" class="axis"/>',
    ]
    for x, value in shape.ticks:
        parts.append(f'<line x1="{x:.1f}" y1="{axis}" x2="{x:.1f}" y2="{axis + 5}" class="axis"/>')
        parts.append(f'<text x="{x:.1f}" y="{axis + 20}" text-anchor="middle">{value}</text>')
    parts.append(f'<text x="{(left + right) / 2}" y="{axis + 38}" text-anchor="middle">{escape(_("days"))}</text>')
    parts.append("</svg>")
    return "".join(parts)


# --- CSV ----------------------------------------------------------------------------------------------


def csv_bytes(view: patterns.PatternsView, language: str) -> bytes:
    headers = [
        _("Programme"),
        _("Session"),
        _("Start of the journey"),
        _("Days from first signal to breakthrough"),
        _("Approximate (month only)"),
        _("Applications"),
        _("Rejections"),
        _("Rejections on a new ground"),
        _("Organisations"),
        _("Handovers without progress"),
        _("Breakthrough"),
        _("After a crisis"),
        _("Days after the crisis"),
    ]
    if not view.enough:
        return _csv(headers, [[too_few(view)]], _delimiter(language))
    yes, no = _("yes"), _("no")
    rows = []
    for j in view.journeys:
        m = j.measures
        rows.append(
            [
                j.programme,
                j.title,
                m.start.isoformat() if m.start else "",
                "" if m.days_to_breakthrough is None else m.days_to_breakthrough,
                yes if m.approximate else no,
                m.applications,
                m.rejections,
                m.rejections_new_ground,
                len(m.organisations),
                len(m.handovers),
                yes if m.has_breakthrough else no,
                yes if m.after_crisis else no,
                "" if m.days_after_crisis is None else m.days_after_crisis,
            ]
        )
    return _csv(headers, rows, _delimiter(language))


# --- Word ---------------------------------------------------------------------------------------------


def docx_bytes(view: patterns.PatternsView, language: str) -> bytes:
    title = _("Patterns across case journeys")
    doc = word.new_document(language, title)
    word.footer(doc, title, _("Page"))
    word.heading(doc, title, 0)
    word.intro(doc, _("Selection: %(what)s.", what=filters_line(view, language)))
    word.paragraph(doc, threshold_line(view.patterns.minimum), "Small Print")
    if not view.enough:
        word.paragraph(doc, too_few(view))
        return word.save(doc)
    word.facts(doc, [(_("Case journeys"), str(view.patterns.journeys))])
    for section in (_spread_section, _crisis_section, _grounds_section, _handover_section, _pinned_section):
        section(doc, view)
    _journeys_section(doc, view, language)
    return word.save(doc)


def _spread_section(doc, view) -> None:
    word.heading(doc, _("Days from first signal to breakthrough"), 1)
    s = view.patterns.spread
    if s is None:
        word.paragraph(doc, _("Too few journeys with both dates known to show a spread."))
        return
    word.paragraph(doc, spread_line(s))
    if view.patterns.approximate:
        word.paragraph(doc, approximate_line(view.patterns.approximate))
    png = charts.spread_chart(s.values, s.q1, s.median, s.q3, _("days"))
    word.picture(doc, png, _("Days from first signal to breakthrough: %(line)s", line=spread_line(s)))
    word.caption(doc, _("Each dot is a journey; the box holds the middle half, the thick line is the median."))


def _crisis_section(doc, view) -> None:
    word.heading(doc, _("Breakthrough after a crisis"), 1)
    word.paragraph(doc, crisis_line(view.patterns))
    word.paragraph(doc, breakthrough_line(view.patterns))


def _grounds_section(doc, view) -> None:
    word.heading(doc, _("Most frequent rejection grounds per law"), 1)
    rows = view.patterns.grounds
    if not rows:
        word.paragraph(doc, _("No rejection ground occurs in %(min)s journeys or more.", min=view.patterns.minimum))
        return
    word.table(
        doc,
        [_("Law or scheme"), _("Ground"), _("Rejections"), _("Journeys")],
        [(law(c.key[0]), ground(c.key[1]), c.times, c.journeys) for c in rows],
        right=(2, 3),
    )
    bars = [(f"{law(c.key[0])}: {ground(c.key[1])}", c.times) for c in rows[:12]]
    alt = "; ".join(f"{label} {value}" for label, value in bars)
    word.picture(doc, charts.count_chart(bars), _("Rejections per law and ground: %(list)s", list=alt))
    word.caption(doc, _("Rejections per law and ground."))


def _handover_section(doc, view) -> None:
    word.heading(doc, _("Organisations most often in handovers"), 1)
    rows = view.patterns.handover_organisations
    if not rows:
        word.paragraph(
            doc, _("No organisation is in handovers of %(min)s journeys or more.", min=view.patterns.minimum)
        )
        return
    word.table(
        doc,
        [_("Organisation"), _("Handovers"), _("Journeys")],
        [(lists.organisation_label(c.key[0]), c.times, c.journeys) for c in rows],
        right=(1, 2),
    )


def _pinned_section(doc, view) -> None:
    word.heading(doc, _("Bottlenecks pinned to these moments"), 1)
    if not view.places and not view.bottlenecks:
        word.paragraph(
            doc, _("No bottleneck is pinned to moments of %(min)s journeys or more.", min=view.patterns.minimum)
        )
        return
    if view.places:
        word.table(
            doc,
            [_("Moment"), _("Journeys"), _("For example")],
            [(where(key), n, "; ".join(examples)) for key, n, examples in view.places],
            right=(1,),
        )
    if view.bottlenecks:
        word.heading(doc, _("In the bottleneck register"), 2)
        word.table(
            doc,
            [_("Recurring bottleneck"), _("Journeys"), _("Pinned at")],
            [
                (b.title, b.journeys, "; ".join(f"{where(k)} ({n})" for k, n in b.places.items()))
                for b in view.bottlenecks
            ],
            right=(1,),
        )


#: beyond this many journeys the Word document leaves the per-journey table to the CSV: a table of a thousand
#: rows is no reading for an alderman, and takes seconds to write
WORD_JOURNEYS = 100


def _journeys_section(doc, view, language: str) -> None:
    word.heading(doc, _("The journeys"), 1)
    if len(view.journeys) > WORD_JOURNEYS:
        word.paragraph(doc, _("One row per journey is in the CSV download (%(n)s journeys).", n=len(view.journeys)))
        return
    word.table(
        doc,
        [_("Session"), _("Start"), _("Days"), _("Rejections"), _("Handovers"), _("After a crisis")],
        [
            (
                f"{j.programme} · {j.title}",
                moment_when(j.measures.start, j.measures.start_precision, "", language),
                "" if j.measures.days_to_breakthrough is None else j.measures.days_to_breakthrough,
                j.measures.rejections,
                len(j.measures.handovers),
                _("yes") if j.measures.after_crisis else _("no"),
            )
            for j in view.journeys
        ],
        right=(2, 3, 4),
    )


def render(viewer: Account, filters: patterns.Filters, fmt: str, language: str) -> PatternsExport:
    with words.language(language):
        view = patterns.build(viewer, filters, bottlenecks=fmt != "csv")
        if fmt == "csv":
            content = csv_bytes(view, language)
        elif fmt in ("docx", "pdf"):
            content = docx_bytes(view, language)
            content = pdf.from_docx(content) if fmt == "pdf" else content
        else:
            raise ValueError(f"unknown patterns format {fmt!r}; known: {', '.join(FORMATS)}")
    name = "patronen-maatwerkreizen" if language == "nl" else "journey-patterns"
    return PatternsExport(content, _MIMETYPES[fmt], f"{name}.{fmt}")
