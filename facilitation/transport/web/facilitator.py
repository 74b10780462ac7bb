"""Facilitator pages: programmes, cases, sessions and the live console. Load, check access, act."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitation.extensions import db
from facilitation.live import carry, clustering, commands, disciplines, sessions
from facilitation.live.commands import Actor
from facilitation.models import Account, Case, Level, Programme, Role, Session
from facilitation.people import access
from facilitation.privacy import audit, retention
from facilitation.privacy import detect as privacy
from facilitation.programmes import manage as programmes
from facilitation.register import commitments as commitment_board
from facilitation.register import entries
from facilitation.text.dates import today
from facilitation.text.labels import (
    COMMITMENT_STATUSES,
    KINDS,
    LEVELS,
    MOMENT_KINDS,
    PERSONAL_DATA,
    ROLES,
    STATUSES,
    translated,
)
from facilitation.text.markdown import render_markdown
from facilitation.text.messages import error_message
from facilitation.transport.web.live import join_address_warning, live_boot
from facilitation.unit_of_work import unit_of_work
from facilitation.validation import CommandError

bp = Blueprint("facilitator", __name__)


def _programme(programme_id: int, *, edit: bool = False) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    allowed = access.can_edit_programme if edit else access.can_view_programme
    if not allowed(current_user, programme):
        abort(403)
    return programme


def facilitated_session(session_id: int) -> Session:
    """The session, if the logged-in account runs it."""
    session_ = db.session.get(Session, session_id)
    if session_ is None:
        abort(404)
    if not access.runs_session(current_user, session_):  # its facilitator or a co-facilitator
        abort(403)
    return session_


@bp.get("/")
@login_required
def dashboard():
    visible = access.programmes_visible_to(current_user)
    return render_template("facilitator/dashboard.html", programmes=visible, statuses=translated(STATUSES))


@bp.post("/programmes")
@login_required
def create_programme():
    if not current_user.can_facilitate:
        abort(403)
    try:
        with unit_of_work():
            programme = programmes.create_programme(
                current_user, request.form.get("title", ""), request.form.get("description", "")
            )
    except CommandError as exc:
        flash(error_message(exc.code, exc.params), "error")
        return redirect(url_for("facilitator.dashboard"))
    return redirect(url_for("facilitator.programme", programme_id=programme.id))


@bp.get("/programmes/<int:programme_id>")
@login_required
def programme(programme_id: int):
    programme_ = _programme(programme_id)
    members = db.session.scalars(sa.select(Account).where(Account.role == Role.ORGANISER.value)).all()
    return render_template(
        "facilitator/programme.html",
        programme=programme_,
        cases=programmes.list_cases(programme_),
        sessions=programmes.list_sessions(programme_),
        formats=current_app.extensions["formats"],
        levels=translated(LEVELS),
        statuses=translated(STATUSES),
        organisers=members,
        can_edit=access.can_edit_programme(current_user, programme_),
        roles=translated(ROLES),
    )


@bp.post("/programmes/<int:programme_id>/members")
@login_required
def add_member(programme_id: int):
    programme_ = _programme(programme_id, edit=True)
    account = db.session.get(Account, request.form.get("account_id", type=int) or 0)
    if account is None:
        abort(400)
    with unit_of_work():
        programmes.add_member(programme_, account)
    flash(_("%(name)s can now see this programme.", name=account.name))
    return redirect(url_for("facilitator.programme", programme_id=programme_id))


@bp.post("/programmes/<int:programme_id>/cases")
@login_required
def create_case(programme_id: int):
    programme_ = _programme(programme_id, edit=True)
    title, description = request.form.get("title", ""), request.form.get("description", "")
    blocked = _case_privacy_check(description)
    if blocked:
        return render_template(
            "facilitator/case_edit.html",
            case=None,
            programme=programme_,
            title=title,
            description=description,
            error=None,
            **blocked,
        ), 400
    try:
        with unit_of_work():
            case = programmes.create_case(programme_, title, description)
    except CommandError as exc:
        flash(error_message(exc.code, exc.params), "error")
        return redirect(url_for("facilitator.programme", programme_id=programme_id))
    _warn_personal_data(description)
    return redirect(url_for("facilitator.case", case_id=case.id))


def _case_privacy_check(description: str) -> dict | None:
    """The page that asks to remove a BSN, or to confirm that it is not a real person's number."""
    if privacy.blocks_case_text(description, confirmed=bool(request.form.get("confirm_personal_data"))):
        return {
            "bsn_found": True,
            "pii_message": _(
                "The description contains what looks like a citizen service number (BSN). Remove "
                "it, or confirm below that it is not a real person's number."
            ),
        }
    return None


def _warn_personal_data(description: str) -> None:
    kinds = privacy.personal_data_kinds(description)
    if kinds:
        names = ", ".join(translated(PERSONAL_DATA)[k] for k in kinds)
        flash(
            _(
                "The description may contain personal data: %(kinds)s. Please check that the case is pseudonymised.",
                kinds=names,
            ),
            "warning",
        )


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
    error, blocked = None, None
    title, description = case_.title, case_.description
    if request.method == "POST":
        title, description = request.form.get("title", ""), request.form.get("description", "")
        blocked = _case_privacy_check(description)
        if not blocked:
            try:
                with unit_of_work():
                    programmes.update_case(case_, title, description)
                _warn_personal_data(description)
                return redirect(url_for("facilitator.case", case_id=case_id))
            except CommandError as exc:
                error = error_message(exc.code, exc.params)
    return render_template(
        "facilitator/case_edit.html",
        case=case_,
        programme=case_.programme,
        title=title,
        description=description,
        error=error,
        **(blocked or {}),
    ), (400 if error or blocked else 200)


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
        retention_days = retention.parse_days(request.form.get("retention_days"))
        with unit_of_work():
            session_ = sessions.create_session(
                programme=programme_,
                facilitator=current_user,
                title=title,
                fmt=fmt,
                levels=request.form.getlist("levels"),
                language=request.form.get("language", "nl"),
                case=case_,
                scheduled_at=datetime.fromisoformat(scheduled).replace(tzinfo=UTC) if scheduled else None,
            )
            session_.retention_days = retention_days
    except (CommandError, ValueError) as exc:
        flash(
            error_message(exc.code, exc.params) if isinstance(exc, CommandError) else _("That date is not valid."),
            "error",
        )
        return redirect(url_for("facilitator.programme", programme_id=programme_id))
    return redirect(url_for("facilitator.console", session_id=session_.id))


@bp.route("/sessions/<int:session_id>/data", methods=["GET", "POST"])
@login_required
def session_data(session_id: int):
    """How long the session's data is kept, and deleting it all now."""
    session_ = facilitated_session(session_id)
    default = current_app.config["RETENTION_DAYS"]
    error = None
    if request.method == "POST":
        result = commands.apply(
            session_.id,
            Actor(account_id=current_user.id),
            "session.set_retention",
            {"days": request.form["retention_days"]} if "retention_days" in request.form else {},
        )
        if result.ok:
            flash(_("Saved."))
            return redirect(url_for("facilitator.session_data", session_id=session_id))
        error = error_message(result.error, result.params)
    return render_template(
        "facilitator/session_data.html",
        session=session_,
        default_days=default,
        days=retention.retention_days(session_, default),
        purge_at=retention.purge_due_at(session_, default),
        error=error,
    ), (400 if error else 200)


@bp.post("/sessions/<int:session_id>/delete")
@login_required
def delete_session(session_id: int):
    """Deletes the session and everything of it at once, after the facilitator confirmed it."""
    session_ = facilitated_session(session_id)
    if request.form.get("confirm") != "delete":
        flash(_("Tick the box to confirm that everything of this session is to be deleted."), "error")
        return redirect(url_for("facilitator.session_data", session_id=session_id))
    programme_id, title = session_.programme_id, session_.title
    retention.delete_session(session_.id)
    flash(_("The session %(title)s and all its data have been deleted.", title=title))
    return redirect(url_for("facilitator.programme", programme_id=programme_id))


@bp.get("/sessions/<int:session_id>/console")
@login_required
def console(session_id: int):
    session_ = facilitated_session(session_id)
    case_html = render_markdown(session_.case.description) if session_.case else None
    candidates = carry.carry_candidates(session_) if session_.status != "closed" else []
    return render_template(
        "facilitator/console.html",
        session=session_,
        case_html=case_html,
        boot=live_boot(session_, "console"),
        levels=translated(LEVELS),
        carry_candidates=candidates,
        kinds=translated(KINDS),
        level_keys=Level.values(),
        moment_kinds=translated(MOMENT_KINDS),
        join_warning=join_address_warning(),
    )


#: "fewer / more groups" steps either way on the console (each step about a third fewer / more groups)
GRANULARITY_STEPS = 3


@bp.get("/sessions/<int:session_id>/clusters/suggestions")
@login_required
def cluster_suggestions(session_id: int):
    """Read only: offline groupings of the unclustered reflections; accepting one is a cluster.create command."""
    session_ = facilitated_session(session_id)
    raw = request.args.get("granularity", "0")
    try:
        granularity = int(raw)
    except ValueError:
        granularity = None
    if granularity is None or not -GRANULARITY_STEPS <= granularity <= GRANULARITY_STEPS:
        return jsonify(
            {
                "error": _(
                    "Granularity must be a whole number from %(lo)s to %(hi)s.",
                    lo=-GRANULARITY_STEPS,
                    hi=GRANULARITY_STEPS,
                )
            }
        ), 400
    examples = entries.suggestion_examples(current_user, session_)
    return jsonify({"suggestions": clustering.suggestions(session_, granularity, examples), "granularity": granularity})


@bp.get("/programmes/<int:programme_id>/commitments")
@login_required
def programme_commitments(programme_id: int):
    """The organiser's view: commitments by level and status, the overdue ones, bottlenecks still unanswered."""
    programme_ = _programme(programme_id)
    board = commitment_board.programme_dashboard(programme_.id, today())
    return render_template(
        "facilitator/programme_commitments.html",
        programme=programme_,
        board=board,
        levels=translated(LEVELS),
        commitment_statuses=translated(COMMITMENT_STATUSES),
    )


@bp.get("/programmes/<int:programme_id>/commitments.csv")
@login_required
def programme_commitments_csv(programme_id: int):
    programme_ = _programme(programme_id)
    board = commitment_board.programme_dashboard(programme_.id, today())
    delimiter = ";" if str(get_locale()) == "nl" else ","
    response = current_app.response_class(commitment_board.dashboard_csv(board, delimiter), mimetype="text/csv")
    audit.record("commitments_export", "csv", account=current_user, programme=programme_)
    response.headers["Content-Disposition"] = f'attachment; filename="commitments-programme-{programme_.id}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sessions/<int:session_id>/disciplines")
@login_required
def discipline_groups(session_id: int):
    """Counts per discipline for the console and projector; never a group below DISCIPLINE_MIN_GROUP."""
    session_ = facilitated_session(session_id)
    return jsonify(
        {
            "groups": disciplines.groups_view(disciplines.session_groups(session_.id)),
            "min_group": disciplines.min_group(),
        }
    )
