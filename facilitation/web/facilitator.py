"""Facilitator pages: programmes, cases, sessions and the live console. Load, check access, act."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitation import accounts, clustering, hybrid, programmes, sessions
from facilitation.extensions import db
from facilitation.journey import MOMENT_KINDS
from facilitation.labels import KINDS, LEVELS, ROLES, STATUSES, translated
from facilitation.messages import error_message
from facilitation.models import Account, Case, Level, Programme, Role, Session
from facilitation.richtext import render_markdown
from facilitation.validation import CommandError
from facilitation.web.live import live_boot

bp = Blueprint("facilitator", __name__)


def _programme(programme_id: int, *, edit: bool = False) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    allowed = accounts.can_edit_programme if edit else accounts.can_view_programme
    if not allowed(current_user, programme):
        abort(403)
    return programme


def facilitated_session(session_id: int) -> Session:
    """The session, if the logged-in account runs it."""
    session_ = db.session.get(Session, session_id)
    if session_ is None:
        abort(404)
    if not hybrid.runs_session(current_user, session_):  # its facilitator or a co-facilitator
        abort(403)
    return session_


@bp.get("/")
@login_required
def dashboard():
    visible = accounts.programmes_visible_to(current_user)
    return render_template("facilitator/dashboard.html", programmes=visible, statuses=translated(STATUSES))


@bp.post("/programmes")
@login_required
def create_programme():
    if not current_user.can_facilitate:
        abort(403)
    try:
        programme = programmes.create_programme(current_user, request.form.get("title", ""),
                                                request.form.get("description", ""))
        db.session.commit()
    except CommandError as exc:
        db.session.rollback()
        flash(error_message(exc.code, exc.params), "error")
        return redirect(url_for("facilitator.dashboard"))
    return redirect(url_for("facilitator.programme", programme_id=programme.id))


@bp.get("/programmes/<int:programme_id>")
@login_required
def programme(programme_id: int):
    programme_ = _programme(programme_id)
    members = db.session.scalars(sa.select(Account).where(Account.role == Role.ORGANISER.value)).all()
    return render_template(
        "facilitator/programme.html", programme=programme_, cases=programmes.list_cases(programme_),
        sessions=programmes.list_sessions(programme_), formats=current_app.extensions["formats"],
        levels=translated(LEVELS), statuses=translated(STATUSES), organisers=members,
        can_edit=accounts.can_edit_programme(current_user, programme_), roles=translated(ROLES))


@bp.post("/programmes/<int:programme_id>/members")
@login_required
def add_member(programme_id: int):
    programme_ = _programme(programme_id, edit=True)
    account = db.session.get(Account, request.form.get("account_id", type=int) or 0)
    if account is None:
        abort(400)
    programmes.add_member(programme_, account)
    db.session.commit()
    flash(_("%(name)s can now see this programme.", name=account.name))
    return redirect(url_for("facilitator.programme", programme_id=programme_id))


@bp.post("/programmes/<int:programme_id>/cases")
@login_required
def create_case(programme_id: int):
    programme_ = _programme(programme_id, edit=True)
    try:
        case = programmes.create_case(programme_, request.form.get("title", ""), request.form.get("description", ""))
        db.session.commit()
    except CommandError as exc:
        db.session.rollback()
        flash(error_message(exc.code, exc.params), "error")
        return redirect(url_for("facilitator.programme", programme_id=programme_id))
    return redirect(url_for("facilitator.case", case_id=case.id))


def _case(case_id: int, *, edit: bool = False) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    _programme(case.programme_id, edit=edit)
    return case


@bp.get("/cases/<int:case_id>")
@login_required
def case(case_id: int):
    case_ = _case(case_id)
    return render_template("facilitator/case.html", case=case_, html=render_markdown(case_.description))


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit_case(case_id: int):
    case_ = _case(case_id, edit=True)
    error = None
    if request.method == "POST":
        try:
            programmes.update_case(case_, request.form.get("title", ""), request.form.get("description", ""))
            db.session.commit()
            return redirect(url_for("facilitator.case", case_id=case_id))
        except CommandError as exc:
            db.session.rollback()
            error = error_message(exc.code, exc.params)
    return render_template("facilitator/case_edit.html", case=case_, error=error)


@bp.post("/programmes/<int:programme_id>/sessions")
@login_required
def create_session(programme_id: int):
    programme_ = _programme(programme_id, edit=True)
    fmt = current_app.extensions["formats"].get(request.form.get("format", ""))
    case_id = request.form.get("case_id", type=int)
    case_ = db.session.get(Case, case_id) if case_id else None
    title = request.form.get("title", "").strip()
    try:
        if fmt is None:
            raise CommandError("invalid_choice", field="format")
        if not title:
            raise CommandError("empty_text", field="title")
        scheduled = request.form.get("scheduled_at") or None
        session_ = sessions.create_session(
            programme=programme_, facilitator=current_user, title=title, fmt=fmt,
            levels=request.form.getlist("levels"), language=request.form.get("language", "nl"), case=case_,
            scheduled_at=datetime.fromisoformat(scheduled).replace(tzinfo=timezone.utc) if scheduled else None)
        db.session.commit()
    except (CommandError, ValueError) as exc:
        db.session.rollback()
        flash(error_message(exc.code, exc.params) if isinstance(exc, CommandError) else _("That date is not valid."),
              "error")
        return redirect(url_for("facilitator.programme", programme_id=programme_id))
    return redirect(url_for("facilitator.console", session_id=session_.id))


@bp.get("/sessions/<int:session_id>/console")
@login_required
def console(session_id: int):
    session_ = facilitated_session(session_id)
    case_html = render_markdown(session_.case.description) if session_.case else None
    return render_template("facilitator/console.html", session=session_, case_html=case_html,
                           boot=live_boot(session_, "console"), levels=translated(LEVELS),
                           kinds=translated(KINDS), level_keys=Level.values(),
                           moment_kinds=translated(MOMENT_KINDS))


@bp.get("/sessions/<int:session_id>/clusters/suggestions")
@login_required
def cluster_suggestions(session_id: int):
    """Read only: offline groupings of the unclustered reflections; accepting one is a cluster.create command."""
    session_ = facilitated_session(session_id)
    return jsonify({"suggestions": clustering.suggestions(session_)})
