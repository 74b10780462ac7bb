"""The words of case journeys in reports and on the patterns page: laws, grounds, where a bottleneck was pinned,
the sentences of the patterns, a moment's date and facts, and one journey's figures. No python-docx here: the
session exports and the page import it at start."""

from __future__ import annotations

from babel.dates import format_date
from flask_babel import format_decimal
from flask_babel import gettext as _

from facilitation.live import organisations as lists
from facilitation.live.journey_measures import MONTH, JourneyMeasures
from facilitation.register import patterns
from facilitation.text import report_words as words
from facilitation.text.labels import LAWS, MOMENT_KINDS

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


def approximate_line(n: int) -> str:
    return words.ngettext(
        "%(num)s of them rests on a date known only to the month.",
        "%(num)s of them rest on a date known only to the month.",
        n,
    )


def threshold_line(minimum: int) -> str:
    return _("Figures and rows from fewer than %(min)s journeys are left out.", min=minimum)
