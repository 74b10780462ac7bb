"""Logging in and out, the one-time setup of the first account, the language switch, and account admin."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from facilitation.extensions import db, login_manager
from facilitation.models import Account, Role
from facilitation.people import accounts, mail
from facilitation.text.labels import ROLES, translated
from facilitation.transport import ratelimit
from facilitation.unit_of_work import unit_of_work

bp = Blueprint("auth", __name__)


def account_error(code: str) -> str:
    return {
        "invalid_email": _("Please give a valid e-mail address."),
        "password_too_short": _("The password must be at least 10 characters long."),
        "email_taken": _("There is already an account with this e-mail address."),
        "wrong_password": _("Your current password is not right."),
        "own_account": _("You cannot do this to your own account."),
        "last_admin": _("This is the last active administrator: make another administrator first."),
        "owns_work": _(
            "This account owns programmes or runs sessions. Deactivate it instead: it can no longer log in, "
            "and what it made stays."
        ),
    }[code]


@login_manager.user_loader
def load_account(user_id: str) -> Account | None:
    return accounts.load(user_id)


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
        if not ratelimit.login_allowed(email):
            current_app.logger.warning("login refused: too many failed attempts")
            error = _("Too many failed attempts. Wait a few minutes and try again.")
            return render_template("auth/login.html", error=error), 429
        account = accounts.authenticate(request.form.get("email", ""), request.form.get("password", ""))
        if account is None:
            ratelimit.failed_login(email)
            current_app.logger.warning("failed login")
            error = _("E-mail address or password is not right.")
        else:
            login_user(account)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    # ends this account's logins on every browser, so a copy of the cookie taken before is worth nothing
    with unit_of_work():
        accounts.end_sessions(current_user)
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
            with unit_of_work():
                account = accounts.create_account(
                    request.form.get("email", ""),
                    request.form.get("name", ""),
                    request.form.get("password", ""),
                    Role.ADMIN,
                )
        except accounts.AccountError as exc:
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
            with unit_of_work():
                current_user.language = language
    return response


@bp.route("/admin/accounts", methods=["GET", "POST"])
@login_required
def manage_accounts():
    if not current_user.is_admin:
        abort(403)
    error = None
    if request.method == "POST":
        try:
            with unit_of_work():
                accounts.create_account(
                    request.form.get("email", ""),
                    request.form.get("name", ""),
                    request.form.get("password", ""),
                    request.form.get("role", "facilitator"),
                )
            flash(_("Account created."))
            return redirect(url_for("auth.manage_accounts"))
        except accounts.AccountError as exc:
            error = account_error(exc.code)
        except ValueError:
            error = _("Choose one of the roles.")
    return _accounts_page(error=error)


def _accounts_page(error: str | None = None, reset: tuple[Account, str] | None = None):
    rows = db.session.scalars(sa.select(Account).order_by(Account.name)).all()
    return render_template("auth/accounts.html", accounts=rows, roles=translated(ROLES), error=error, reset=reset)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """A new password; every other login of the account ends, this browser stays logged in."""
    error, status = None, 200
    if request.method == "POST":
        if not ratelimit.login_allowed(current_user.email):
            error, status = _("Too many failed attempts. Wait a few minutes and try again."), 429
        else:
            try:
                with unit_of_work():
                    accounts.change_password(
                        current_user, request.form.get("current_password", ""), request.form.get("password", "")
                    )
            except accounts.AccountError as exc:
                if exc.code == "wrong_password":
                    ratelimit.failed_login(current_user.email)
                error, status = account_error(exc.code), 400
            else:
                login_user(current_user._get_current_object())  # the login under the new session version
                flash(_("Your password has been changed. You are logged out on every other device."))
                return redirect(url_for("facilitator.dashboard"))
    return render_template("auth/password.html", error=error), status


def _managed_account(account_id: int) -> Account:
    if not current_user.is_admin:
        abort(403)
    account = db.session.get(Account, account_id)
    if account is None:
        abort(404)
    return account


@bp.post("/admin/accounts/<int:account_id>/active")
@login_required
def set_account_active(account_id: int):
    """Deactivate (no more logging in; what the account made stays) or reactivate an account."""
    account = _managed_account(account_id)
    active = request.form.get("active") == "1"
    try:
        with unit_of_work():
            accounts.set_active(account, active, by=current_user)
    except accounts.AccountError as exc:
        flash(account_error(exc.code), "error")
    else:
        if active:
            flash(_("%(email)s can log in again.", email=account.email))
        else:
            flash(_("%(email)s is deactivated: every login of this account has ended.", email=account.email))
    return redirect(url_for("auth.manage_accounts"))


@bp.post("/admin/accounts/<int:account_id>/reset")
@login_required
def issue_reset_link(account_id: int):
    """A one-time link to choose a new password, shown to the administrator to pass on."""
    account = _managed_account(account_id)
    if not account.active:
        flash(_("Reactivate the account first."), "error")
        return redirect(url_for("auth.manage_accounts"))
    link = url_for("auth.reset_password", token=accounts.reset_token(account), _external=True)
    current_app.logger.info("password reset link issued for account %s", account.id)
    if mail.configured():
        try:
            mail.send_reset_link(account.email, link, accounts.RESET_HOURS)
        except mail.MailError as exc:
            current_app.logger.warning("password reset mail for account %s not sent: %s", account.id, exc)
            flash(_("The e-mail could not be sent; pass the link below on yourself."), "error")
        else:
            flash(_("A password reset link was e-mailed to %(email)s.", email=account.email))
            return redirect(url_for("auth.manage_accounts"))
    return _accounts_page(reset=(account, link))


@bp.post("/admin/accounts/<int:account_id>/delete")
@login_required
def delete_account(account_id: int):
    account = _managed_account(account_id)
    if request.form.get("confirm") != "1":
        flash(_("Tick the box to confirm that the account is deleted."), "error")
        return redirect(url_for("auth.manage_accounts"))
    email = account.email
    try:
        with unit_of_work():
            accounts.delete_account(account, by=current_user)
    except accounts.AccountError as exc:
        flash(account_error(exc.code), "error")
    else:
        flash(_("The account %(email)s is deleted.", email=email))
    return redirect(url_for("auth.manage_accounts"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Where a password-reset link leads: choose a new password, once."""
    account = accounts.account_for_reset(token)
    if account is None:
        return render_template("auth/reset.html", invalid=True), 404
    error = None
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password_again", ""):
            error = _("The two passwords are not the same.")
        else:
            try:
                with unit_of_work():
                    accounts.set_password(account, password)
            except accounts.AccountError as exc:
                error = account_error(exc.code)
            else:
                logout_user()
                flash(_("Your new password is set. Log in with it."))
                return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", invalid=False, account=account, error=error), (400 if error else 200)
