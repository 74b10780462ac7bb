"""The bottleneck register pages: the list with trends, an entry, the suggestions a person confirms or dismisses,
and the CSV and Word exports. Every logged-in account reads (organisers scoped to their programmes, see
facilitation/register/entries.py); admins and facilitators change it through CSRF-protected forms."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitation.extensions import db
from facilitation.models import RegisterEntry
from facilitation.privacy import audit
from facilitation.register import entries
from facilitation.text.labels import LEVELS, REGISTER_STATUSES, translated
from facilitation.text.messages import error_message
from facilitation.transport import bounds
from facilitation.unit_of_work import unit_of_work
from facilitation.validation import CommandError

bp = Blueprint("register", __name__, url_prefix="/register")


def _record_download(account, what: str, fmt: str, language: str) -> None:
    """The one place a register download is recorded in the download audit log."""
    audit.record(f"{what}_export", fmt, account=account)


def _editor() -> None:
    if not entries.can_edit(current_user):
        abort(403)


def _entry(entry_id: int) -> RegisterEntry:
    entry = db.session.get(RegisterEntry, entry_id)
    if entry is None or entries.entry_view(current_user, entry_id) is None:
        abort(404)
    return entry


def _form_int(name: str) -> int:
    value = bounds.form_id(name)
    if value is None:
        abort(400)
    return value


def _act(action, on_success: str):
    """Run a change, commit it, flash the outcome; on a refusal roll back and flash why."""
    try:
        with unit_of_work():
            result = action()
    except CommandError as exc:
        flash(error_message(exc.code, exc.params), "error")
        return None, False
    flash(on_success)
    return result, True


@bp.get("")
@login_required
def index():
    view = entries.build(current_user)
    can_edit = entries.can_edit(current_user)
    return render_template(
        "register/index.html",
        view=view,
        levels=translated(LEVELS),
        statuses=translated(REGISTER_STATUSES),
        can_edit=can_edit,
        linkable=entries.linkable_clusters(current_user) if can_edit else [],
    )


@bp.get("/<int:entry_id>")
@login_required
def entry(entry_id: int):
    _entry(entry_id)
    view = entries.entry_view(current_user, entry_id)
    can_edit = entries.can_edit(current_user)
    return render_template(
        "register/entry.html",
        entry=view,
        levels=translated(LEVELS),
        statuses=translated(REGISTER_STATUSES),
        can_edit=can_edit,
        linkable=entries.linkable_clusters(current_user) if can_edit else [],
    )


@bp.post("/<int:entry_id>")
@login_required
def update(entry_id: int):
    _editor()
    entry_ = _entry(entry_id)
    _act(
        lambda: entries.update_entry(
            current_user, entry_, request.form.get("title", ""), request.form.get("level"), request.form.get("status")
        ),
        _("Saved."),
    )
    return redirect(url_for("register.entry", entry_id=entry_id))


@bp.post("/<int:entry_id>/link")
@login_required
def link(entry_id: int):
    _editor()
    entry_ = _entry(entry_id)
    cluster_id = _form_int("cluster_id")
    _act(lambda: entries.link(current_user, entry_, cluster_id), _("The bottleneck is linked."))
    return redirect(url_for("register.entry", entry_id=entry_id))


@bp.post("/<int:entry_id>/unlink")
@login_required
def unlink(entry_id: int):
    _editor()
    entry_ = _entry(entry_id)
    cluster_id = _form_int("cluster_id")
    _act(lambda: entries.unlink(current_user, entry_, cluster_id), _("The bottleneck is unlinked."))
    return redirect(url_for("register.entry", entry_id=entry_id))


@bp.post("/<int:entry_id>/delete")
@login_required
def delete(entry_id: int):
    _editor()
    entry_ = _entry(entry_id)
    _result, done = _act(
        lambda: entries.delete_entry(current_user, entry_), _("The entry is removed from the register.")
    )
    return redirect(url_for("register.index") if done else url_for("register.entry", entry_id=entry_id))


@bp.post("/new")
@login_required
def create():
    _editor()
    cluster_id = bounds.form_id("cluster_id")
    entry_, done = _act(
        lambda: entries.create_entry(
            current_user, request.form.get("title", ""), request.form.get("level"), [cluster_id] if cluster_id else []
        ),
        _("The entry is added to the register."),
    )
    return redirect(url_for("register.entry", entry_id=entry_.id) if done else url_for("register.index"))


@bp.get("/suggestions")
@login_required
def suggestions():
    _editor()
    return render_template(
        "register/suggestions.html", suggestions=entries.suggestions(current_user), levels=translated(LEVELS)
    )


@bp.post("/suggestions/confirm")
@login_required
def confirm():
    _editor()
    a, b = _form_int("a"), _form_int("b")
    _act(lambda: entries.confirm(current_user, a, b), _("Linked: both now count as the same recurring bottleneck."))
    return redirect(url_for("register.suggestions"))


@bp.post("/suggestions/dismiss")
@login_required
def dismiss():
    _editor()
    a, b = _form_int("a"), _form_int("b")
    _act(lambda: entries.dismiss(current_user, a, b), _("Dismissed: this pair will not be suggested again."))
    return redirect(url_for("register.suggestions"))


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str):
    from facilitation.reports import register as register_export  # python-docx loads on first use
    from facilitation.reports.pdf import PdfUnavailable
    from facilitation.transport.web.reports import no_pdf

    if fmt not in register_export.FORMATS:
        abort(404)
    language = request.args.get("lang") or str(get_locale())
    if language not in ("nl", "en"):
        language = current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")
    try:
        result = register_export.render(current_user, fmt, language)
    except PdfUnavailable as error:
        return no_pdf(error)
    _record_download(current_user, "register", fmt, language)
    response = current_app.response_class(result.content, mimetype=result.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
