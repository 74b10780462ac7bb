"""Participant pages: typing a code, joining anonymously, and the phone screen."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

from flask import Blueprint, current_app, g, make_response, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from facilitation.extensions import db
from facilitation.live import commands, disciplines, houserules, sessions, snapshots
from facilitation.models import Session, Status
from facilitation.text.labels import LEVELS, translated
from facilitation.text.markdown import render_markdown
from facilitation.text.messages import error_message
from facilitation.transport import identity, ratelimit, realtime
from facilitation.transport.identity import participant_cookie
from facilitation.transport.web.live import live_boot

bp = Blueprint("participant", __name__)

COOKIE_DAYS = 14
#: stands for the CSRF token in a page rendered once for many phones (each gets its own token in its place)
TOKEN_MARK = f"csrf-{uuid.uuid4().hex}"
#: pages kept per app at most (a few per session and language)
SHARED_PAGES = 500


def _gated(view):
    """A phone's page takes its turn at the database (realtime.phone_gate), and gives its connection back
    before the next one's turn."""

    @functools.wraps(view)
    def gated(*args, **kwargs):
        with realtime.phone_gate():
            try:
                # the page's reads need no transaction; a join's writes make their own (commands.apply)
                snapshots.begin_single_reads()
                return view(*args, **kwargs)
            finally:
                db.session.rollback()

    return gated


def _shared_page(template: str, key: tuple, context: Callable[[], dict]) -> str:
    """A phone page rendered once for every phone it is the same for, and given each its own CSRF token: in a
    QR-scan rush the join page and the writing screen were rendered for every phone (a third of a join's
    time). `key` holds everything the page shows besides what is the same for the whole app and language
    (the words, the levels, the disciplines); `context` makes the template's variables when it is rendered."""
    if cookie_session.get("_flashes"):  # a message for this browser alone
        return render_template(template, **context())
    pages = current_app.extensions.setdefault("shared_pages", {})
    full_key = (template, str(get_locale()), request.path, *key)
    page = pages.get(full_key)
    if page is None:
        page = render_template(template, **context(), csrf_token=lambda: TOKEN_MARK)
        if len(pages) >= SHARED_PAGES:
            pages.clear()
        pages[full_key] = page
    return page.replace(TOKEN_MARK, generate_csrf())


def _session_for(code: str) -> Session | None:
    session_ = identity.session_by_code(code)
    if session_ is not None:
        g.locale = session_.language  # participants read the session's language
    else:
        ratelimit.failed_code("page")
    return session_


@bp.before_request
def _slow_down_code_guessing():
    """A client that tried too many codes that match no session waits before it may try again."""
    if request.endpoint in ("participant.enter_code", "participant.join", "participant.screen") and (
        request.method == "POST" or request.endpoint != "participant.enter_code"
    ):
        if not ratelimit.code_attempts_allowed((request.view_args or {}).get("code")):
            message = _("Too many codes that do not exist were tried from here. Wait a minute and try again.")
            return render_template("participant/code.html", error=message, code=""), 429
    return None


def _unavailable(session_: Session | None, code: str):
    if session_ is not None and identity.cookie_removed(session_):
        message = _("The facilitator has removed you from this session.")
        return render_template("participant/code.html", error=message, code=""), 403
    if session_ is None:
        message = _("There is no session with the code %(code)s. Check the code on the screen.", code=code[:12])
        return render_template("participant/code.html", error=message, code=code[:12]), 404
    message = _("This session has been closed. Thank you for taking part!")
    return render_template("participant/code.html", error=message, code=""), 410


@bp.route("/join", methods=["GET", "POST"])
def enter_code():
    if request.method == "POST":
        code = sessions.normalise_code(request.form.get("code", ""))
        session_ = _session_for(code)
        if session_ is None or session_.status == Status.CLOSED.value:
            return _unavailable(session_, code)
        return redirect(url_for("participant.join", code=session_.join_code))
    return render_template("participant/code.html", error=None, code="")


@bp.route("/j/<code>", methods=["GET", "POST"])
@_gated
def join(code: str):
    session_ = _session_for(code)
    if session_ is None or session_.status == Status.CLOSED.value:
        return _unavailable(session_, sessions.normalise_code(code))
    if session_.join_code != code:
        return redirect(url_for("participant.join", code=session_.join_code))
    if identity.cookie_removed(session_):
        return _unavailable(session_, code)
    if session_.joins_closed and not identity.cookie_participant(session_):
        message = error_message("door_closed")
        return render_template("participant/code.html", error=message, code=""), 403
    # the same phone again: straight back to its own screen and reflections
    if identity.cookie_participant(session_):
        return redirect(url_for("participant.screen", code=code))
    error = None
    if request.method == "POST":
        session_id = session_.id
        # the reads above are done: no database connection waits on the limit's storage (Redis) meanwhile
        db.session.rollback()
        if not ratelimit.command_allowed("participant.join", commands.Actor()):
            message = _("Too many people joined from this network just now. Wait a minute and try again.")
            return render_template("participant/code.html", error=message, code=""), 429
        # the join button says "agree and join", under the house rules shown on this page
        result = commands.apply(
            session_id,
            commands.Actor(),
            "participant.join",
            {
                "level": request.form.get("level"),
                "name": request.form.get("name") or None,
                "discipline": request.form.get("discipline") or None,
                "accept_rules": request.form.get("accept_rules") == "1",
            },
        )
        if result.ok:
            response = make_response(redirect(url_for("participant.screen", code=code)))
            response.set_cookie(
                participant_cookie(code),
                result.data["token"],
                max_age=COOKIE_DAYS * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                path="/",
            )
            return response
        error = (
            _("Choose the level you work at.")
            if result.error == "invalid_choice" and result.params.get("field") == "level"
            else error_message(result.error, result.params)
        )
    return _join_page(session_, error)


def _join_page(session_: Session, error: str | None):
    rules = houserules.rules_lines(session_)

    def page() -> dict:
        return {
            "session": session_,
            "levels": translated(LEVELS),
            "error": error,
            "disciplines": disciplines.options(),
            "rules": rules,
            # what the phone sent, shown again with what is wrong; never in the page shared by every phone (a GET
            # may carry a form body too, and would otherwise fill in one person's name for everyone)
            "form": request.form if error else {},
        }

    if error:  # the form as it was sent, with what is wrong
        return render_template("participant/join.html", **page()), 400
    return _shared_page("participant/join.html", (session_.title, *rules), page)


@bp.get("/p/<code>")
@_gated
def screen(code: str):
    session_ = _session_for(code)
    if session_ is None:
        return _unavailable(session_, sessions.normalise_code(code))
    participant = identity.cookie_participant(session_)
    if participant is None:
        if session_.status == Status.CLOSED.value or identity.cookie_removed(session_):
            return _unavailable(session_, code)
        return redirect(url_for("participant.join", code=session_.join_code))
    rules = houserules.rules_lines(session_)
    boot = live_boot(session_, "participant")
    # fewer than the threshold at their level: told that their level is not shown with what they write
    level_alone = participant.level in disciplines.session_small_levels(session_.id)
    case = session_.case
    shown = (
        session_.title,
        case.title if case else None,
        case.description if case else None,
        participant.display_name,
        level_alone,
        disciplines.min_group(),
        boot["join_url"],
        *rules,
    )
    return _shared_page(
        "participant/session.html",
        shown,
        lambda: {
            "session": session_,
            "participant": participant,
            "rules": rules,
            "boot": boot,
            "level_alone": level_alone,
            "min_group": disciplines.min_group(),
            "case_html": render_markdown(case.description) if case else None,
        },
    )
