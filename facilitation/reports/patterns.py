"""Patterns across case journeys as Word (with charts), CSV (one row per journey, for pivot tables) and the
page's SVG chart; in Dutch or English. Nothing from fewer journeys than the threshold, in any of them."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from babel.dates import format_date
from flask_babel import format_decimal
from flask_babel import gettext as _

from facilitation.live import organisations as lists
from facilitation.live.journey_measures import MONTH, JourneyMeasures
from facilitation.models import Account
from facilitation.register import patterns
from facilitation.reports import charts, pdf, word
from facilitation.text import report_words as words
from facilitation.text.csv import delimiter as _delimiter
from facilitation.text.csv import table as _csv
from facilitation.text.labels import LAWS, MOMENT_KINDS

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


# --- words ---------------------------------------------------------------------------------------------


def law(key: str | None) -> str:
    return _(LAWS[key]) if key in LAWS else _("Law not given")


def ground(key: str | None) -> str:
    return lists.ground_label(key) if key else _("Ground not given")


def where(key: str) -> str:
    if key == patterns.HANDOVER:
        return _("Handover without progress")
    return _(MOMENT_KINDS[key]) if key in MOMENT_KINDS else key


def too_few(view: patterns.PatternsView) -> str:
    return _(
        "Fewer than %(min)s journeys match (%(n)s): nothing is shown, so no single family can be recognised.",
        min=view.patterns.minimum,
        n=view.patterns.journeys,
    )


def crisis_line(p) -> str:
    return words.ngettext(
        "Breakthrough within %(num)s day of a crisis in %(x)s of %(y)s journeys.",
        "Breakthrough within %(num)s days of a crisis in %(x)s of %(y)s journeys.",
        p.within_days,
        x=p.within,
        y=p.journeys,
    )


def breakthrough_line(p) -> str:
    return _(
        "%(reached)s of %(n)s journeys reached a breakthrough; %(crisis)s of those followed a crisis.",
        reached=p.with_breakthrough,
        n=p.journeys,
        crisis=p.after_crisis,
    )


def spread_line(s) -> str:
    return _(
        "Median %(median)s days; half of the journeys between %(q1)s and %(q3)s days; from %(low)s to %(high)s "
        "days (%(n)s journeys with both dates known).",
        median=_number(s.median),
        q1=_number(s.q1),
        q3=_number(s.q3),
        low=s.low,
        high=s.high,
        n=s.n,
    )


def _number(value: float) -> str:
    """151,5 in Dutch, 151.5 in English."""
    return format_decimal(value, format="0.#")


# --- one journey, in the session report ----------------------------------------------------------------


def moment_when(day, precision: str | None, free_text: str, language: str) -> str:
    """ "5 maart 2024" or "maart 2024", then what people said ("week 3"), as far as known."""
    shown = format_date(day, format="MMMM y" if precision == MONTH else "long", locale=language) if day else ""
    return " · ".join(part for part in (shown, free_text) if part)


def moment_facts(moment) -> str:
    """Organisations, law and ground of a moment in one line."""
    parts = [lists.organisation_label(o) for o in moment.organisations]
    parts += [law(moment.law)] if moment.law else []
    parts += [ground(moment.ground)] if moment.ground else []
    return " · ".join(parts)


def measure_facts(m: JourneyMeasures) -> list[tuple[str, str]]:
    """The journey in figures, as label and value."""
    days = _("not known") if m.days_to_breakthrough is None else str(m.days_to_breakthrough)
    if m.approximate and m.days_to_breakthrough is not None:
        days = _("about %(n)s", n=m.days_to_breakthrough)
    if not m.has_breakthrough:
        crisis = _("no breakthrough yet")
    elif not m.after_crisis:
        crisis = _("no")
    elif m.days_after_crisis is None:
        crisis = _("yes")
    else:
        crisis = words.ngettext("yes, %(num)s day after it", "yes, %(num)s days after it", m.days_after_crisis)
    rejections = str(m.rejections)
    if m.rejections_new_ground:
        rejections += f" ({_('%(n)s on a new ground', n=m.rejections_new_ground)})"
    return [
        (_("Days from first signal to breakthrough"), days),
        (_("Applications"), str(m.applications)),
        (_("Rejections"), rejections),
        (_("Organisations"), str(len(m.organisations))),
        (_("Handovers without progress"), str(len(m.handovers))),
        (_("Breakthrough after a crisis"), crisis),
    ]


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


def filters_line(view: patterns.PatternsView, language: str) -> str:
    f = view.filters
    parts = []
    if f.programme_id is not None:
        names = [p.title for p in view.programmes if p.id == f.programme_id]
        parts.append(_("programme: %(name)s", name=names[0] if names else "?"))
    if f.start or f.end:
        start = words.short_day(f.start, language) if f.start else "…"
        end = words.short_day(f.end, language) if f.end else "…"
        parts.append(_("journeys starting %(start)s to %(end)s", start=start, end=end))
    if f.organisation:
        parts.append(_("organisation: %(name)s", name=lists.organisation_label(f.organisation)))
    return "; ".join(parts) if parts else _("all case journeys you may see")


def docx_bytes(view: patterns.PatternsView, language: str) -> bytes:
    title = _("Patterns across case journeys")
    doc = word.new_document(language, title)
    word.footer(doc, title, _("Page"))
    word.heading(doc, title, 0)
    word.intro(doc, _("Selection: %(what)s.", what=filters_line(view, language)))
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
        word.paragraph(doc, _("%(n)s of them rest on a date known only to the month.", n=view.patterns.approximate))
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
        view = patterns.build(viewer, filters)
        if fmt == "csv":
            content = csv_bytes(view, language)
        elif fmt in ("docx", "pdf"):
            content = docx_bytes(view, language)
            content = pdf.from_docx(content) if fmt == "pdf" else content
        else:
            raise ValueError(f"unknown patterns format {fmt!r}; known: {', '.join(FORMATS)}")
    name = "patronen-maatwerkreizen" if language == "nl" else "journey-patterns"
    return PatternsExport(content, _MIMETYPES[fmt], f"{name}.{fmt}")
