"""Report downloads: a session's or a programme's report as Word, Markdown, JSON or CSV (zip). Read only."""

from __future__ import annotations

import io

from flask import Blueprint, abort, request, send_file
from flask_login import current_user, login_required

from facilitation import reports
from facilitation.extensions import db
from facilitation.models import Programme, Session
from facilitation.people import accounts
from facilitation.privacy import audit

bp = Blueprint("reports", __name__)


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


@bp.get("/sessions/<int:session_id>/report/<fmt>")
@login_required
def session_report(session_id: int, fmt: str):
    session_ = db.session.get(Session, session_id)
    if session_ is None or fmt not in reports.FORMATS:
        abort(404)
    if not accounts.can_read_session_report(current_user, session_):
        abort(403)
    export = reports.render_session(session_, fmt, timeline=request.args.get("timeline") == "1")
    audit.record("session_report", fmt, account=current_user, session=session_)
    db.session.commit()
    return _download(export)


@bp.get("/programmes/<int:programme_id>/report/<fmt>")
@login_required
def programme_report(programme_id: int, fmt: str):
    programme = db.session.get(Programme, programme_id)
    if programme is None or fmt not in reports.FORMATS:
        abort(404)
    if not accounts.can_view_programme(current_user, programme):
        abort(403)
    export = reports.render_programme(programme, fmt)
    audit.record("programme_report", fmt, account=current_user, programme=programme)
    db.session.commit()
    return _download(export)
