"""Pages and read-only JSON of the learning method: discipline counts for staff screens, and the bottleneck
register across programmes."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required

from facilitation import audit, disciplines, register
from facilitation.extensions import db
from facilitation.labels import LEVELS, translated
from facilitation.messages import error_message
from facilitation.models import Level
from facilitation.validation import CommandError
from facilitation.web.facilitator import facilitated_session

bp = Blueprint("method", __name__)


@bp.get("/sessions/<int:session_id>/disciplines")
@login_required
def discipline_groups(session_id: int):
    """Counts per discipline for the console and projector; never a group below DISCIPLINE_MIN_GROUP."""
    session_ = facilitated_session(session_id)
    return jsonify({"groups": disciplines.groups_view(disciplines.session_groups(session_.id)),
                    "min_group": disciplines.min_group()})


# --- the bottleneck register across programmes -------------------------------------------------------------

def _language() -> str:
    return str(get_locale() or "nl")


@bp.get("/register")
@login_required
def register_page():
    found = register.occurrences(current_user)
    quarters, per_entry, per_level = register.counts(found)
    entries = [e for e in register.entries() if e.id in found]
    suggested = register.suggestions(current_user, found, _language()) if current_user.can_facilitate else {}
    return render_template(
        "facilitator/register.html", entries=entries, found=found, quarters=quarters, per_entry=per_entry,
        per_level=per_level, suggested=suggested, unlinked=register.unlinked_clusters(current_user),
        levels=translated(LEVELS), level_order=Level.values(), can_edit=current_user.can_facilitate)


def _change(action) -> None:
    if not current_user.can_facilitate:
        abort(403)
    try:
        action()
        db.session.commit()
        flash(_("The register is updated."))
    except CommandError as exc:
        db.session.rollback()
        flash(error_message(exc.code, exc.params), "error")


def _form_id(name: str) -> int:
    value = request.form.get(name, type=int)
    if not value:
        raise CommandError("missing_field", field=name)
    return value


@bp.post("/register/entries")
@login_required
def register_create():
    _change(lambda: register.create_entry(current_user, _form_id("cluster_id")))
    return redirect(url_for("method.register_page"))


@bp.post("/register/entries/<int:entry_id>/links")
@login_required
def register_link(entry_id: int):
    _change(lambda: register.link(current_user, entry_id, _form_id("cluster_id")))
    return redirect(url_for("method.register_page") + f"#entry-{entry_id}")


@bp.post("/register/links/<int:link_id>/delete")
@login_required
def register_unlink(link_id: int):
    _change(lambda: register.unlink(current_user, link_id))
    return redirect(url_for("method.register_page"))


@bp.get("/register.csv")
@login_required
def register_csv():
    content = register.export_csv(current_user, register.occurrences(current_user),
                                  ";" if _language() == "nl" else ",")
    audit.record("register_export", "csv", account=current_user)
    db.session.commit()
    response = send_file(io.BytesIO(content), mimetype="text/csv; charset=utf-8", as_attachment=True,
                         download_name="knelpuntenregister.csv" if _language() == "nl" else "bottleneck-register.csv",
                         max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
