"""Report downloads: a session's or a programme's report as Word, PDF, Markdown, JSON or CSV (zip). Read only."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitation import reports
from facilitation.extensions import db
from facilitation.models import Programme, Session
from facilitation.people import access
from facilitation.privacy import audit
from facilitation.reports import pdf

bp = Blueprint("reports", __name__)


@bp.app_context_processor
def _pdf_offer() -> dict:
    """The console, the programme page and the register offer the PDF only when the server can make one."""
    return {"report_pdf_available": pdf.available}


def _download(export: reports.Export):
    response = send_file(
        io.BytesIO(export.content),
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=export.filename,
        max_age=0,
    )
    # reports hold what participants wrote: no browser or proxy cache may keep a copy
    response.headers["Cache-Control"] = "no-store"
    return response


def no_pdf(error: reports.PdfUnavailable):
    current_app.logger.warning("report PDF not made: %s", error)
    message = _(
        "The PDF cannot be made on this server (LibreOffice is not installed or did not finish). "
        "Download the Word report and save it as PDF from Word or LibreOffice."
    )
    return render_template("errors/error.html", status=503, message=message), 503


@bp.get("/sessions/<int:session_id>/report.pdf")
@login_required
def session_report_pdf(session_id: int):
    return session_report(session_id, "pdf")


@bp.get("/programmes/<int:programme_id>/report.pdf")
@login_required
def programme_report_pdf(programme_id: int):
    return programme_report(programme_id, "pdf")


@bp.get("/sessions/<int:session_id>/report/<fmt>")
@login_required
def session_report(session_id: int, fmt: str):
    session_ = db.session.get(Session, session_id)
    if session_ is None or fmt not in reports.FORMATS:
        abort(404)
    if not access.can_read_session_report(current_user, session_):
        abort(403)
    try:
        export = reports.render_session(session_, fmt, timeline=request.args.get("timeline") == "1")
    except reports.PdfUnavailable as error:
        return no_pdf(error)
    audit.record("session_report", fmt, account=current_user, session=session_)
    return _download(export)


@bp.get("/programmes/<int:programme_id>/report/<fmt>")
@login_required
def programme_report(programme_id: int, fmt: str):
    programme = db.session.get(Programme, programme_id)
    if programme is None or fmt not in reports.FORMATS:
        abort(404)
    if not access.can_view_programme(current_user, programme):
        abort(403)
    try:
        export = reports.render_programme(programme, fmt)
    except reports.PdfUnavailable as error:
        return no_pdf(error)
    audit.record("programme_report", fmt, account=current_user, programme=programme)
    return _download(export)
