"""The admin's audit view: every report download and export, newest first. Read only."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitation.privacy import audit
from facilitation.text.dates import zone
from facilitation.text.messages import N_

bp = Blueprint("audit", __name__)

PAGE = 200
#: beyond this the offset would overflow the database's integer; the page is simply empty
MAX_PAGE = 1_000_000
ACTION_LABELS = {
    "session_report": N_("Session report downloaded"),
    "programme_report": N_("Programme report downloaded"),
    "cli_session_report": N_("Session report written on the server (command line)"),
    "cli_programme_report": N_("Programme report written on the server (command line)"),
    "export": N_("Export downloaded"),
    "register_export": N_("Bottleneck register downloaded"),
    "patterns_export": N_("Journey patterns downloaded"),
}


@bp.get("/admin/audit")
@login_required
def audit_log():
    if not current_user.is_admin:
        abort(403)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    entries = audit.recent(PAGE, (page - 1) * PAGE)
    labels = {key: _(value) for key, value in ACTION_LABELS.items()}
    return render_template(
        "auth/audit.html", entries=entries, labels=labels, zone=zone(), page=page, more=audit.count() > page * PAGE
    )
