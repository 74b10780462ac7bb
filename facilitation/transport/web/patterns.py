"""The patterns page across case journeys, with its Word and CSV exports (recorded in the download audit).
Every logged-in account reads it, over the programmes it may see (facilitation/register/patterns.py)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from facilitation.live import journey_measures as jm
from facilitation.live import organisations as lists
from facilitation.privacy import audit
from facilitation.register import patterns
from facilitation.reports import journey_words as words

bp = Blueprint("patterns", __name__, url_prefix="/patterns")


def _day(name: str, end: bool = False) -> date | None:
    """A date from 2024-03-05 or a month from 2024-03 (its first day, or its last for the end of a period)."""
    try:
        parsed = jm.parse_date(request.args.get(name, "")[:20])
    except ValueError:
        return None
    if parsed is None:
        return None
    day, precision = parsed
    if end and precision == jm.MONTH:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    return day


def filters() -> tuple[patterns.Filters, bool]:
    """The filters from the query, and whether any value had to be left out."""
    args = request.args
    ignored = False
    programme = args.get("programme", "")
    programme_id = int(programme) if programme.isdigit() and len(programme) < 10 else None
    ignored |= bool(programme) and programme_id is None
    organisation = args.get("organisation") or None
    if organisation is not None and organisation not in lists.organisations():
        organisation, ignored = None, True
    within = args.get("within", "")
    within_days = int(within) if within.isdigit() and int(within) <= patterns.MAX_WITHIN_DAYS else None
    ignored |= bool(within) and within_days is None
    start, end = _day("from"), _day("to", end=True)
    ignored |= bool(args.get("from")) and start is None or bool(args.get("to")) and end is None
    chosen = patterns.Filters(
        programme_id, start, end, organisation, patterns.WITHIN_DAYS if within_days is None else within_days
    )
    return chosen, ignored


@bp.get("")
@login_required
def index():
    from facilitation.reports import patterns as patterns_export  # python-docx loads on first use

    chosen, ignored = filters()
    view = patterns.build(current_user, chosen)
    spread = view.patterns.spread
    chart = Markup(patterns_export.spread_svg(spread, words.spread_line(spread))) if view.enough and spread else None
    return render_template(
        "patterns/index.html",
        view=view,
        words=words,
        chart=chart,
        ignored=ignored,
        organisations=lists.organisation_options(),
        args=chosen.as_args(),
        organisation_label=lists.organisation_label,
    )


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str):
    from facilitation.reports import patterns as patterns_export
    from facilitation.reports.pdf import PdfUnavailable
    from facilitation.transport.web.reports import no_pdf

    if fmt not in patterns_export.FORMATS:
        abort(404)
    language = request.args.get("lang") or str(get_locale())
    if language not in ("nl", "en"):
        language = current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")
    chosen, _ignored = filters()
    try:
        result = patterns_export.render(current_user, chosen, fmt, language)
    except PdfUnavailable as error:
        return no_pdf(error)
    audit.record("patterns_export", fmt, account=current_user)
    response = current_app.response_class(result.content, mimetype=result.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
