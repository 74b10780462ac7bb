"""The installable app: health, first-run setup, logging in and out, CSRF, cookies and security headers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Account
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_ok_with_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}


def test_first_run_sends_everyone_to_setup_until_an_account_exists(app, client):
    assert client.get("/login").headers["Location"].endswith("/setup")
    response = client.post("/setup", data={"email": "Admin@Example.org", "name": "Ada", "password": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        account = db.session.scalar(sa.select(Account))
        assert account.email == "admin@example.org" and account.role == "admin"
        assert PASSWORD not in account.password_hash and account.password_hash.startswith(("scrypt", "pbkdf2"))
    # the setup page is gone for good, for everybody
    assert app.test_client().get("/setup").status_code == 404
    assert app.test_client().post("/setup", data={"email": "x@y.nl", "password": PASSWORD}).status_code == 404


def test_setup_refuses_a_short_password_and_creates_nothing(app, client):
    response = client.post("/setup", data={"email": "a@b.nl", "name": "A", "password": "short"})
    assert response.status_code == 200 and "10" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Account.id))) == 0


def test_login_and_logout(app, client, make_account):
    _, email = make_account()
    assert client.get("/").status_code == 302
    wrong = client.post("/login", data={"email": email, "password": "wrong password"})
    assert wrong.status_code == 401
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_login_redirect_stays_on_this_site(client, make_account):
    _, email = make_account()
    response = client.post("/login?next=//evil.example/x", data={"email": email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_forms_without_csrf_token_are_refused(make_app, make_account):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        from facilitation.people import accounts

        accounts.create_account("f@example.org", "F", PASSWORD)
        db.session.commit()
    response = client.post("/login", data={"email": "f@example.org", "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    ok = client.post("/login", data={"email": "f@example.org", "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302


def test_session_cookie_is_secure_httponly_and_samesite_by_default(make_app, make_account):
    app = make_app(SESSION_COOKIE_SECURE=True)
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    client = app.test_client()
    with app.app_context():
        from facilitation.people import accounts

        accounts.create_account("s@example.org", "S", PASSWORD)
        db.session.commit()
    response = client.post(
        "/login", data={"email": "s@example.org", "password": PASSWORD}, base_url="https://localhost"
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_carry_a_strict_content_security_policy(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Cache-Control"] == "no-store"


def test_only_the_projector_may_be_framed_and_only_by_this_site(client, facilitator, make_session):
    """The console shows a live preview of the projector in a frame; no other page may be framed at all."""
    http, account_id = facilitator
    session_id, _ = make_session(account_id)
    login = client.get("/login").headers
    assert "frame-ancestors 'none'" in login["Content-Security-Policy"] and login["X-Frame-Options"] == "DENY"
    console = http.get(f"/sessions/{session_id}/console").headers
    assert "frame-ancestors 'none'" in console["Content-Security-Policy"]
    projector = http.get(f"/sessions/{session_id}/projector").headers
    assert "frame-ancestors 'self'" in projector["Content-Security-Policy"]
    assert projector["X-Frame-Options"] == "SAMEORIGIN"


def test_secret_key_is_generated_into_the_instance_folder(make_app, tmp_path):
    app = make_app(SECRET_KEY=None, INSTANCE_PATH=str(tmp_path / "fresh"))
    key_file = tmp_path / "fresh" / "secret_key"
    assert key_file.exists() and app.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(app.config["SECRET_KEY"]) >= 64


def test_app_help_lists_the_flags():
    result = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for flag in ("--host", "--port", "--demo", "--database-url"):
        assert flag in result.stdout


def test_cli_creates_an_account(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "app.py",
            "--instance",
            str(tmp_path),
            "create-account",
            "--email",
            "cli@example.org",
            "--role",
            "organiser",
            "--password",
            PASSWORD,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "organiser" in result.stdout and (tmp_path / "facilitation.sqlite").exists()


def test_demo_creates_a_dutch_programme_with_goals_a_held_table_two_sessions_and_seven_journeys(app):
    from facilitation.demo import create_demo
    from facilitation.models import Session
    from facilitation.register.goals import goals_by_level
    from facilitation.text.dates import today

    with app.app_context():
        programme, password = create_demo()
        assert password  # no admin existed, so a demo account was made
        again, second_password = create_demo()
        assert again.id == programme.id and second_password is None
        formats = sorted(db.session.scalars(sa.select(Session.format_key)).all())
        # a held table and two sessions to run, and seven closed case reconstructions for the patterns page
        assert formats == ["case-reconstruction"] * 7 + ["fishbowl", "learning-table", "learning-table"]
        statuses = sorted(db.session.scalars(sa.select(Session.status)).all())
        assert statuses == ["closed"] * 8 + ["draft", "draft"]
        # goals on all four levels; commitments of the held table serve some, and some bottlenecks wait
        levels = goals_by_level(programme.id, today())
        assert all(level.goals for level in levels)
        assert all(any(goal.commitments for goal in level.goals) for level in levels)
        assert any(level.unanswered for level in levels)
        assert "gezin" in programme.cases[0].description.lower()


def test_an_error_page_not_a_stack_trace(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Traceback" not in response.get_data(as_text=True)
