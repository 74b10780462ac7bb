"""The projector screen: large type, the QR code and join code, the live wall."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import login_required

from facilitation.live import sessions
from facilitation.text.markdown import render_markdown
from facilitation.transport.web.facilitator import facilitated_session
from facilitation.transport.web.live import join_url, live_boot

bp = Blueprint("projector", __name__)


@bp.get("/sessions/<int:session_id>/projector")
@login_required
def projector(session_id: int):
    session_ = facilitated_session(session_id)
    url = join_url(session_)
    return render_template(
        "projector/projector.html",
        session=session_,
        join_url=url,
        qr_svg=sessions.qr_svg(url),
        boot=live_boot(session_, "projector"),
        case_html=render_markdown(session_.case.description) if session_.case else None,
    )


@bp.get("/sessions/<int:session_id>/qr.svg")
@login_required
def qr(session_id: int):
    session_ = facilitated_session(session_id)
    return Response(sessions.qr_svg(join_url(session_)), mimetype="image/svg+xml")
