"""Logging in and out, the one-time setup of the first account, the language switch, and account admin."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from facilitation.extensions import db, login_manager
from facilitation.models import Account, Role
from facilitation.people import accounts
from facilitation.text.labels import ROLES, translated
from facilitation.transport import ratelimit

bp = Blueprint("auth", __name__)


def account_error(code: str) -> str:
    return {
        "invalid_email": _("Please give a valid e-mail address."),
        "password_too_short": _("The password must be at least 10 characters long."),
        "email_taken": _("There is already an account with this e-mail address."),
    }[code]


@login_manager.user_loader
def load_account(account_id: str) -> Account | None:
    try:
        return db.session.get(Account, int(account_id))
    except ValueError:
        return None


@login_manager.unauthorized_handler
def unauthorized():
    return redirect(url_for("auth.login", next=request.path))


def _safe_next(target: str | None) -> str:
    # only paths on this site: no open redirect to another host
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("facilitator.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if not accounts.has_accounts():
        return redirect(url_for("auth.setup"))
    if current_user.is_authenticated:
        return redirect(url_for("facilitator.dashboard"))
    error = None
    if request.method == "POST":
        email = request.form.get("email", "").strip().lower()
        limiter = ratelimit.limiter()
        if not (
            limiter.allowed("LOGIN_RATE_LIMIT", "client", ratelimit.client())
            and limiter.allowed("LOGIN_RATE_LIMIT", "email", email)
        ):
            current_app.logger.warning("login refused: too many failed attempts")
            error = _("Too many failed attempts. Wait a few minutes and try again.")
            return render_template("auth/login.html", error=error), 429
        account = accounts.authenticate(request.form.get("email", ""), request.form.get("password", ""))
        if account is None:
            limiter.hit("LOGIN_RATE_LIMIT", "client", ratelimit.client())
            limiter.hit("LOGIN_RATE_LIMIT", "email", email)
            current_app.logger.warning("failed login")
            error = _("E-mail address or password is not right.")
        else:
            login_user(account)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Creates the first (admin) account; gone for good once any account exists."""
    if accounts.has_accounts():
        abort(404)
    error = None
    if request.method == "POST":
        try:
            account = accounts.create_account(
                request.form.get("email", ""),
                request.form.get("name", ""),
                request.form.get("password", ""),
                Role.ADMIN,
            )
            db.session.commit()
        except accounts.AccountError as exc:
            db.session.rollback()
            error = account_error(exc.code)
        else:
            login_user(account)
            flash(_("Welcome! Your administrator account is ready."))
            return redirect(url_for("facilitator.dashboard"))
    return render_template("auth/setup.html", error=error)


@bp.post("/language")
def set_language():
    language = request.form.get("language")
    response = redirect(_safe_next(request.form.get("next")))
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang",
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
        if current_user.is_authenticated:
            current_user.language = language
            db.session.commit()
    return response


@bp.route("/admin/accounts", methods=["GET", "POST"])
@login_required
def manage_accounts():
    if not current_user.is_admin:
        abort(403)
    error = None
    if request.method == "POST":
        try:
            accounts.create_account(
                request.form.get("email", ""),
                request.form.get("name", ""),
                request.form.get("password", ""),
                request.form.get("role", "facilitator"),
            )
            db.session.commit()
            flash(_("Account created."))
            return redirect(url_for("auth.manage_accounts"))
        except accounts.AccountError as exc:
            db.session.rollback()
            error = account_error(exc.code)
        except ValueError:
            db.session.rollback()
            error = _("Choose one of the roles.")
    rows = db.session.scalars(sa.select(Account).order_by(Account.name)).all()
    return render_template("auth/accounts.html", accounts=rows, roles=translated(ROLES), error=error)
