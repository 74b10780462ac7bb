"""HTTP transport: one blueprint per audience, shared security headers and error pages."""

from __future__ import annotations

import secrets

from flask import Flask, abort, g, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf

from facilitation.text import dates
from facilitation.transport.web import api, audit, auth, facilitator, participant, patterns, projector, reports
from facilitation.transport.web import register as register_pages


def register_blueprints(app: Flask) -> None:
    for module in (auth, facilitator, participant, projector, api, reports, register_pages, patterns, audit):
        app.register_blueprint(module.bp)

    app.before_request(_nonce)
    app.before_request(_refuse_nul)
    app.after_request(_security_headers)
    app.context_processor(
        lambda: {"csp_nonce": g.get("csp_nonce", ""), "current_locale": str(get_locale()), "csrf_token": generate_csrf}
    )
    # dates and quarters in the reader's language on every page, never ISO
    app.add_template_filter(dates.long_date, "long_date")
    app.add_template_filter(dates.date_time, "date_time")
    app.add_template_filter(dates.quarter_label, "quarter")

    @app.errorhandler(404)
    def not_found(error):
        return _error_page(404, _("This page does not exist."))

    @app.errorhandler(403)
    def forbidden(error):
        return _error_page(403, _("You may not see this page."))

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return _error_page(400, _("The form had expired. Please go back and try again."))

    @app.errorhandler(400)
    def bad_request(error):
        return _error_page(400, _("The request could not be read."))

    @app.errorhandler(413)
    def too_large(error):
        return _error_page(413, _("What you sent is too large."))

    @app.errorhandler(500)
    def server_error(error):
        return _error_page(500, _("Something went wrong on our side. Your earlier work is saved."))


def _error_page(status: int, message: str):
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        # the same shape as a refused command: a stable code in words, and the sentence
        code = {400: "bad_request", 403: "forbidden", 404: "not_found", 413: "too_large"}.get(status, "server_error")
        return jsonify({"ok": False, "error": code, "status": status, "message": message}), status
    return render_template("errors/error.html", status=status, message=message), status


def _refuse_nul() -> None:
    """A NUL character is never typed by a person, and PostgreSQL cannot store it: refuse it at the door."""
    values = [
        *request.args.keys(),
        *(v for vs in request.args.listvalues() for v in vs),
        *(request.view_args or {}).values(),
    ]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += [*request.form.keys(), *(v for vs in request.form.listvalues() for v in vs)]
    if any(isinstance(value, str) and "\x00" in value for value in values):
        abort(400)


def _nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


#: the only page another page may frame: the projector, in the console's live preview (same origin only)
FRAMEABLE = {"projector.projector"}


def _security_headers(response):
    # scripts only from this server; no inline script, no plugins, no framing (OWASP ASVS 3.4.3, 3.4.6)
    frameable = request.endpoint in FRAMEABLE
    ancestors = "'self'" if frameable else "'none'"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        f"frame-ancestors {ancestors}; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # the join code travels in URLs; do not pass it on to other sites
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "SAMEORIGIN" if frameable else "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if response.mimetype == "text/html" or request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response
