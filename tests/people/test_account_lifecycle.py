"""An administrator deactivates, reactivates and deletes accounts and issues one-time password-reset links,
in the web pages and on the command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from facilitation.extensions import db
from facilitation.models import Account
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a brand new passphrase"


def _admin(make_account, login, app):
    admin_id, email = make_account(role="admin")
    return login(app.test_client(), email), admin_id


def _row(app, account_id) -> Account | None:
    with app.app_context():
        return db.session.get(Account, account_id)


def test_a_deactivated_account_cannot_log_in_until_reactivated(app, make_account, login):
    admin, _admin_id = _admin(make_account, login, app)
    account_id, email = make_account()
    response = admin.post(f"/admin/accounts/{account_id}/active", data={"active": "0"}, follow_redirects=True)
    assert "kan niet meer inloggen" in response.get_data(as_text=True) and not _row(app, account_id).active
    refused = app.test_client().post("/login", data={"email": email, "password": PASSWORD})
    assert refused.status_code == 401
    admin.post(f"/admin/accounts/{account_id}/active", data={"active": "1"})
    login(app.test_client(), email)


def test_the_last_administrator_and_ones_own_account_are_kept(app, make_account, login):
    admin, admin_id = _admin(make_account, login, app)
    own = admin.post(f"/admin/accounts/{admin_id}/active", data={"active": "0"}, follow_redirects=True)
    assert "je eigen account" in own.get_data(as_text=True) and _row(app, admin_id).active
    assert admin.post(f"/admin/accounts/{admin_id}/delete", data={"confirm": "1"}).status_code == 302
    assert _row(app, admin_id) is not None


def test_a_reset_link_works_once(app, make_account, login):
    admin, _admin_id = _admin(make_account, login, app)
    account_id, email = make_account()
    page = admin.post(f"/admin/accounts/{account_id}/reset").get_data(as_text=True)
    link = re.search(r'id="reset-link" readonly value="http://localhost(/reset/[^"]+)"', page).group(1)
    person = app.test_client()
    assert person.get(link).status_code == 200
    mismatch = person.post(link, data={"password": NEW_PASSWORD, "password_again": "something else"})
    assert mismatch.status_code == 400
    done = person.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    login(app.test_client(), email, NEW_PASSWORD)
    # used: the link names the password it replaced
    assert person.get(link).status_code == 404
    assert (
        person.post(link, data={"password": "yet another one!", "password_again": "yet another one!"}).status_code
        == 404
    )
    assert app.test_client().get("/reset/forged.token").status_code == 404


def test_only_administrators_manage_accounts(app, facilitator, make_account):
    client, _ = facilitator
    other_id, _email = make_account()
    for action, data in (("active", {"active": "0"}), ("reset", {}), ("delete", {"confirm": "1"})):
        assert client.post(f"/admin/accounts/{other_id}/{action}", data=data).status_code == 403
    assert _row(app, other_id).active


def test_deleting_needs_confirmation_and_keeps_accounts_that_run_sessions(app, make_account, login, make_session):
    admin, _admin_id = _admin(make_account, login, app)
    idle_id, _ = make_account()
    busy_id, _ = make_account()
    make_session(busy_id)
    admin.post(f"/admin/accounts/{idle_id}/delete", data={})
    assert _row(app, idle_id) is not None
    admin.post(f"/admin/accounts/{idle_id}/delete", data={"confirm": "1"})
    assert _row(app, idle_id) is None
    refused = admin.post(f"/admin/accounts/{busy_id}/delete", data={"confirm": "1"}, follow_redirects=True)
    assert "Zet het in plaats daarvan op inactief" in refused.get_data(as_text=True) and _row(app, busy_id) is not None


def test_the_command_line_does_the_same(tmp_path):
    def cli(*args, stdin=None):
        return subprocess.run(
            [sys.executable, "app.py", "--instance", str(tmp_path), *args],
            cwd=ROOT,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert cli("create-account", "--email", "boss@example.org", "--role", "admin", stdin=PASSWORD).returncode == 0
    assert cli("create-account", "--email", "fenna@example.org", stdin=PASSWORD).returncode == 0
    assert cli("account", "deactivate", "boss@example.org").returncode == 2  # the last administrator
    assert cli("account", "deactivate", "fenna@example.org").returncode == 0
    link = cli("account", "reset-link", "fenna@example.org")
    assert link.returncode == 2  # a deactivated account gets no link
    assert cli("account", "reactivate", "fenna@example.org").returncode == 0
    link = cli("account", "reset-link", "fenna@example.org")
    assert link.returncode == 0 and re.fullmatch(r"http://127\.0\.0\.1:5000/reset/\S+\n", link.stdout)
    assert cli("account", "delete", "fenna@example.org").returncode == 2  # no terminal, no --yes
    deleted = cli("account", "delete", "fenna@example.org", "--yes")
    assert deleted.returncode == 0 and "fenna@example.org: deleted" in deleted.stdout
    assert cli("account", "delete", "fenna@example.org", "--yes").returncode == 2


def test_an_installation_hashes_passwords_with_scrypt_and_the_test_suite_setting_is_honoured(make_app):
    """The suite hashes cheaply (tests/conftest.py); an installation's default stays werkzeug's scrypt, for a new
    password, a changed one and the dummy check that keeps unknown e-mails as slow as known ones."""
    from facilitation.people import accounts

    for method, prefix in ((None, "scrypt:"), ("pbkdf2:sha256:1000", "pbkdf2:sha256:1000$")):
        app = make_app(PASSWORD_HASH_METHOD=method)
        with app.app_context():
            account = accounts.create_account(f"{prefix[:4]}@example.org", "Iemand", PASSWORD)
            assert account.password_hash.startswith(prefix)
            accounts.set_password(account, NEW_PASSWORD)
            assert account.password_hash.startswith(prefix)
            db.session.commit()
            assert accounts.authenticate(account.email, NEW_PASSWORD) is not None
            assert accounts.authenticate("nobody@example.org", NEW_PASSWORD) is None
            assert accounts._dummy_hash(method).startswith(prefix)
