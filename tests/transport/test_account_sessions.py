"""Sessions and accounts, as the attack run found them (issue 20): a copy of the login cookie taken before
logging out still downloaded reports; ten wrong passwords from one address locked an account everywhere;
a logged-in account guessed join codes without limit. Logging out, deactivating an account and a new
password now end every login of the account on the server (a session version in the accounts table)."""

from __future__ import annotations

import time

from facilitation.extensions import db
from facilitation.models import Account, Session
from tests.conftest import PASSWORD, command

OTHER = "another password 123"


def copy_of(app, client):
    """A second browser holding a copy of this one's login cookie."""
    stolen = app.test_client()
    stolen.set_cookie("session", client.get_cookie("session").value)
    return stolen


def programme_report(app, make_session, account_id):
    session_id, code = make_session(account_id, start=True)
    with app.app_context():
        programme_id = db.session.get(Session, session_id).programme_id
    return f"/programmes/{programme_id}/report/docx", code


def test_logout_ends_a_copy_of_the_login_cookie(app, facilitator, make_session):
    client, account_id = facilitator
    url, _ = programme_report(app, make_session, account_id)
    stolen = copy_of(app, client)
    assert stolen.get(url).status_code == 200
    assert client.post("/logout").status_code == 302
    assert stolen.get(url).status_code == 302  # to the login page
    assert "/login" in stolen.get(url).headers["Location"]


def test_logout_ends_every_login_and_the_console_connection(app, make_account, make_session, login, connect):
    account_id, email = make_account()
    _, code = make_session(account_id, start=True)
    laptop, tablet = login(app.test_client(), email), login(app.test_client(), email)
    console = connect(tablet, code, "console")
    # the phase's timer started with the session (a phase entry action); pausing it is the console at work
    assert command(console, "timer.pause")["ok"]
    laptop.post("/logout")
    assert tablet.get("/").status_code == 302
    # the open connection was made under the login that ended: it runs nothing and reads nothing
    assert command(console, "timer.start", {"seconds": 60})["error"] == "forbidden"
    assert not console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["ok"]
    deadline = time.time() + 5  # and then the connection ends, rather than asking again every second
    while console.is_connected("/live") and time.time() < deadline:
        time.sleep(0.1)
    assert not console.is_connected("/live")
    # logging in again works, and only the new login counts
    assert login(app.test_client(), email).get("/").status_code == 200


def test_deactivating_an_account_ends_its_logins_at_once(app, make_account, make_session, login):
    account_id, email = make_account()
    url, _ = programme_report(app, make_session, account_id)
    _, admin_email = make_account(role="admin")
    facilitator, admin = login(app.test_client(), email), login(app.test_client(), admin_email)
    assert facilitator.get(url).status_code == 200
    page = admin.get("/admin/accounts").get_data(as_text=True)
    assert f"/admin/accounts/{account_id}/active" in page
    assert admin.post(f"/admin/accounts/{account_id}/active", data={"active": "0"}).status_code == 302
    assert facilitator.get(url).status_code == 302
    assert app.test_client().post("/login", data={"email": email, "password": PASSWORD}).status_code == 401
    # back again: a new login is needed
    admin.post(f"/admin/accounts/{account_id}/active", data={"active": "1"})
    assert facilitator.get(url).status_code == 302
    assert login(app.test_client(), email).get(url).status_code == 200
    # an admin cannot lock themself out, and others may not deactivate anyone
    with app.app_context():
        admin_id = db.session.query(Account.id).filter_by(email=admin_email).scalar()
    admin.post(f"/admin/accounts/{admin_id}/active", data={"active": "0"})
    assert admin.get("/").status_code == 200
    facilitator_again = login(app.test_client(), email)
    assert facilitator_again.post(f"/admin/accounts/{admin_id}/active", data={"active": "0"}).status_code == 403


def test_a_new_password_ends_every_other_login(app, make_account, make_session, login):
    account_id, email = make_account()
    url, _ = programme_report(app, make_session, account_id)
    laptop, phone = login(app.test_client(), email), login(app.test_client(), email)
    assert laptop.get("/account/password").status_code == 200
    wrong = laptop.post("/account/password", data={"current_password": "not it at all", "password": OTHER})
    assert wrong.status_code == 400
    assert phone.get(url).status_code == 200
    short = laptop.post("/account/password", data={"current_password": PASSWORD, "password": "short"})
    assert short.status_code == 400
    changed = laptop.post("/account/password", data={"current_password": PASSWORD, "password": OTHER})
    assert changed.status_code == 302
    assert laptop.get(url).status_code == 200  # this browser stays in
    assert phone.get(url).status_code == 302
    assert app.test_client().post("/login", data={"email": email, "password": PASSWORD}).status_code == 401
    assert login(app.test_client(), email, OTHER).get(url).status_code == 200


def test_wrong_passwords_lock_an_account_only_from_that_address(app, make_account):
    _, email = make_account()
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(10):
        response = app.test_client().post(
            "/login", data={"email": email, "password": "guess guess"}, environ_base=attacker
        )
        assert response.status_code == 401
    refused = app.test_client().post("/login", data={"email": email, "password": PASSWORD}, environ_base=attacker)
    assert refused.status_code == 429
    # the facilitator, elsewhere, logs in before their session as always
    office = app.test_client().post(
        "/login", data={"email": email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "198.51.100.4"}
    )
    assert office.status_code == 302


def test_one_address_trying_many_accounts_meets_a_larger_cap(app, make_account):
    _, email = make_account()
    attacker = {"REMOTE_ADDR": "203.0.113.10"}
    for n in range(50):
        response = app.test_client().post(
            "/login", data={"email": f"user{n}@example.org", "password": "guess guess"}, environ_base=attacker
        )
        assert response.status_code == 401, n
    refused = app.test_client().post("/login", data={"email": email, "password": PASSWORD}, environ_base=attacker)
    assert refused.status_code == 429
    elsewhere = app.test_client().post(
        "/login", data={"email": email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "198.51.100.5"}
    )
    assert elsewhere.status_code == 302


def test_a_logged_in_account_guessing_join_codes_is_limited_wherever_it_is(app, facilitator, make_session, join):
    client, account_id = facilitator
    _, code = make_session(account_id, start=True)
    for n in range(20):
        address = {"REMOTE_ADDR": f"10.1.0.{n}"}
        assert client.post("/join", data={"code": f"ZZZZ{n:02d}"}, environ_base=address).status_code == 404
    assert client.post("/join", data={"code": "ZZZZ99"}, environ_base={"REMOTE_ADDR": "10.2.0.1"}).status_code == 429
    assert client.get("/j/ZZZZ98").status_code == 429
    assert client.post("/api/s/ZZZZ97/command", json={"name": "session.start"}).status_code == 429
    # the phones at those addresses were not counted: they join as always
    join(code)
