"""Facilitator pages: programmes, cases, sessions and the live console. Load, check access, act."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitation import formats
from facilitation.extensions import db
from facilitation.live import carry, clustering, commands, disciplines, organisations, sessions
from facilitation.live.commands import Actor
from facilitation.models import Account, Case, Level, Programme, ProgrammeGoal, Role, Session
from facilitation.people import access
from facilitation.privacy import audit, detect, retention
from facilitation.programmes import goals, manage
from facilitation.register import commitments as commitment_board
from facilitation.register import entries
from facilitation.register.goals import goals_by_level
from facilitation.text.dates import today
from facilitation.text.labels import (
    COMMITMENT_STATUSES,
    GOAL_KINDS,
    KINDS,
    LAWS,
    LEVELS,
    MOMENT_KINDS,
    PERSONAL_DATA,
    ROLES,
    STATUSES,
    translated,
)
from facilitation.text.markdown import render_markdown
from facilitation.text.messages import error_message
from facilitation.transport import bounds
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
            programme = manage.create_programme(
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
    sessions = manage.list_sessions(programme_)
    return render_template(
        "facilitator/programme.html",
        programme=programme_,
        cases=manage.list_cases(programme_),
        sessions=sessions,
        runs={s.id for s in sessions if access.runs_session(current_user, s)},
        formats=current_app.extensions["formats"],
        default_format=DEFAULT_FORMAT,
        levels=translated(LEVELS),
        statuses=translated(STATUSES),
        organisers=members,
        can_edit=access.can_edit_programme(current_user, programme_),
        roles=translated(ROLES),
        goal_levels=goals_by_level(programme_.id, today()),
        can_set_goals=access.can_set_goals(current_user, programme_),
        goal_kinds=translated(GOAL_KINDS),
        commitment_statuses=translated(COMMITMENT_STATUSES),
    )


# --- goals per level: the programme lead's learning and change goals --------------------------------------


def _goals_programme(programme_id: int) -> Programme:
    programme_ = db.session.get(Programme, programme_id)
    if programme_ is None:
        abort(404)
    if not access.can_set_goals(current_user, programme_):
        abort(403)
    return programme_


def _goal(programme_: Programme, goal_id: int) -> ProgrammeGoal:
    goal = db.session.get(ProgrammeGoal, goal_id)
    if goal is None or goal.programme_id != programme_.id:
        abort(404)
    return goal


def _back_to_goals(programme_id: int, level: str | None):
    anchor = f"goals-{level}" if level in Level.values() else "goals"
    return redirect(url_for("facilitator.programme", programme_id=programme_id, _anchor=anchor))


def _updated_level(goal, form: dict) -> str:
    """The goal's level after the edit: the page goes back to where the goal now is."""
    goals.update_goal(goal, form)
    return goal.level


def _goal_write(programme_id: int, level: str | None, write, done: str):
    """Runs one goal change in a unit of work; a refusal is flashed and nothing is written."""
    try:
        with unit_of_work():
            level = write() or level
    except CommandError as exc:
        flash(error_message(exc.code, exc.params), "error")
    else:
        flash(done)
    return _back_to_goals(programme_id, level)


@bp.post("/programmes/<int:programme_id>/goals")
@login_required
def add_goal(programme_id: int):
    programme_ = _goals_programme(programme_id)
    form = request.form.to_dict()
    return _goal_write(
        programme_id, form.get("level"), lambda: goals.add_goal(programme_, form).level, _("The goal is added.")
    )


@bp.post("/programmes/<int:programme_id>/goals/<int:goal_id>")
@login_required
def edit_goal(programme_id: int, goal_id: int):
    goal = _goal(_goals_programme(programme_id), goal_id)
    form = request.form.to_dict()
    return _goal_write(programme_id, goal.level, lambda: _updated_level(goal, form), _("The goal is saved."))


@bp.post("/programmes/<int:programme_id>/goals/<int:goal_id>/move")
@login_required
def move_goal(programme_id: int, goal_id: int):
    goal = _goal(_goals_programme(programme_id), goal_id)
    direction = request.form.get("direction", "")
    return _goal_write(programme_id, goal.level, lambda: goals.move_goal(goal, direction), _("The goal is moved."))


@bp.post("/programmes/<int:programme_id>/goals/<int:goal_id>/delete")
@login_required
def delete_goal(programme_id: int, goal_id: int):
    goal = _goal(_goals_programme(programme_id), goal_id)
    title = goal.title
    return _goal_write(
        programme_id,
        goal.level,
        lambda: goals.remove_goal(goal),
        _("The goal %(title)s is removed; the commitments that served it stay.", title=title),
    )


@bp.post("/programmes/<int:programme_id>/members")
@login_required
def add_member(programme_id: int):
    programme_ = _programme(programme_id, edit=True)
    account = db.session.get(Account, bounds.form_id("account_id") or 0)
    if account is None:
        abort(400)
    with unit_of_work():
        manage.add_member(programme_, account)
    flash(_("%(name)s can now see this programme.", name=account.name))
    return redirect(url_for("facilitator.programme", programme_id=programme_id))


@bp.post("/programmes/<int:programme_id>/cases")
@login_required
def create_case(programme_id: int):
    programme_ = _programme(programme_id, edit=True)
    title, description = request.form.get("title", ""), request.form.get("description", "")
    blocked = _case_privacy_check(f"{title}\n{description}")
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
            case = manage.create_case(programme_, title, description)
    except CommandError as exc:
        flash(error_message(exc.code, exc.params), "error")
        return redirect(url_for("facilitator.programme", programme_id=programme_id))
    _warn_personal_data(f"{title}\n{description}")
    return redirect(url_for("facilitator.case", case_id=case.id))


def _case_privacy_check(description: str) -> dict | None:
    """The page that asks to remove a BSN, a person's name or a street address, or to confirm that it is not a
    real person's."""
    blockers = detect.case_text_blockers(description, confirmed=bool(request.form.get("confirm_personal_data")))
    if blockers == ["bsn"]:
        return {
            "bsn_found": True,
            "pii_message": _(
                "The description contains what looks like a citizen service number (BSN). Remove "
                "it, or confirm below that it is not a real person's number."
            ),
        }
    if blockers:
        labels = translated(PERSONAL_DATA)
        return {
            "bsn_found": True,
            "confirm_label": _("These are not a real person's data (the case is pseudonymised); save it anyway."),
            "pii_message": _(
                "The description contains what looks like personal data: %(kinds)s. Remove it, or confirm below "
                "that it is not a real person's.",
                kinds=", ".join(labels[k] for k in blockers),
            ),
        }
    return None


def _warn_personal_data(description: str) -> None:
    kinds = detect.personal_data_kinds(description)
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
        blocked = _case_privacy_check(f"{title}\n{description}")
        if not blocked:
            try:
                with unit_of_work():
                    manage.update_case(case_, title, description)
                _warn_personal_data(f"{title}\n{description}")
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


#: what a new session runs unless the facilitator picks another format
DEFAULT_FORMAT = "learning-table"


def _new_case(programme_: Programme) -> Case | None:
    """A case written in the session form (the caller's unit of work commits it with the session)."""
    title = request.form.get("new_case_title", "").strip()
    description = request.form.get("new_case_description", "")
    if not title:
        if description.strip():
            raise CommandError("empty_text", field="new_case_title")
        return None
    if detect.blocks_case_text(description, confirmed=False):
        raise CommandError("case_has_bsn")
    case_ = manage.create_case(programme_, title, description)
    db.session.flush()
    return case_


@bp.post("/programmes/<int:programme_id>/sessions")
@login_required
def create_session(programme_id: int):
    programme_ = _programme(programme_id, edit=True)
    fmt = current_app.extensions["formats"].get(request.form.get("format", ""))
    case_id = bounds.form_id("case_id")
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
            case_ = _new_case(programme_) or case_
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
    _warn_personal_data(request.form.get("new_case_description", ""))
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
    fmt = formats.of(session_)
    return render_template(
        "facilitator/console.html",
        session=session_,
        case_html=case_html,
        workspaces=_workspaces(fmt),
        projector_views=_projector_views(fmt),
        boot={**live_boot(session_, "console"), "console": _console_strings()},
        levels=translated(LEVELS),
        carry_candidates=candidates,
        kinds=translated(KINDS),
        level_keys=Level.values(),
        moment_kinds=translated(MOMENT_KINDS),
        organisation_options=organisations.organisation_options(),
        law_options=translated(LAWS),
        ground_options=organisations.ground_options(),
        journey_open=formats.of(session_).lays_out_journey,
        join_warning=join_address_warning(),
    )


def _console_strings() -> dict[str, str]:
    return {
        # each form is its own message (see facilitation.text.i18n); nl and en: "one, or not one"
        "phone": _("phone"),
        "phones": _("phones"),
        "last_phase": _("last phase"),
        "now": _("now"),
        "commitments_view": _("Commitments"),
        "fullscreen_hint": _(
            "The projector opened in a window of its own: drag it to the second screen and press F11 there "
            "for full screen."
        ),
        "draft": _("Not started yet"),
        "draft_guide": _("Check the case and the house rules, open the projector, then start the session."),
        "closed": _("Session closed"),
        "closed_guide": _("Download the report (Word) and send it to the organiser."),
    }


def _workspace_labels() -> dict[str, str]:
    return {
        "case": _("Case and prompts"),
        "wall": _("Reflections"),
        "clusters": _("Cluster board"),
        "votes": _("Voting"),
        "levels": _("Levels"),
        "commitments": _("Commitments"),
        "followup": _("Earlier commitments"),
        "fishbowl": _("Fishbowl"),
        "journey": _("Timeline"),
        "report": _("Report"),
        "more": _("Preparation and more"),
    }


def _workspaces(fmt) -> list[tuple[str, str]]:
    """The console's tabs: the workspaces the format's phases use, in order of first use, and the tools every
    session has; none of a feature the format does not use (a learning table has no fishbowl or timeline)."""
    used = [p.workspace for p in fmt.phases]
    if any("vote" in p.actions for p in fmt.phases):
        used.append("votes")
    if {"votes", "levels"} & set(used):
        # voting and the level map work on the clusters of the board
        used.insert(min(used.index(w) for w in ("votes", "levels") if w in used), "clusters")
    keys = list(dict.fromkeys([*used, "wall", "report", "more"]))
    labels = _workspace_labels()
    return [(key, labels[key]) for key in keys]


def _projector_views(fmt) -> list[tuple[str, str]]:
    """What the projector can show in this format, "automatic" first (shortcut 0, then 1, 2 ...)."""
    workspaces = {p.workspace for p in fmt.phases} | {p.projector for p in fmt.phases}
    voting = any("vote" in p.actions for p in fmt.phases)
    views = [
        ("auto", _("Automatic")),
        ("wall", _("Wall")),
        ("clusters", _("Clusters")),
        ("votes", _("Vote results")) if voting else None,
        ("levels", _("Level map")) if "levels" in workspaces else None,
        ("journey", _("Case journey")) if "journey" in workspaces else None,
        ("fishbowl", _("Fishbowl")) if "fishbowl" in workspaces else None,
    ]
    return [view for view in views if view]


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
