"""What a join costs the server (issue 22, a room scanning the QR code at once): work that is the same for
every phone is done once. Correctness only; bench/load.py --scenario rush measures the time."""

from __future__ import annotations

import json
import re
import time


def _boot(response) -> dict:
    html = response.get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S).group(1))


def test_the_screens_words_are_made_once_per_language_and_each_screen_gets_its_own(
    app, facilitator, make_session, join
):
    _, account_id = facilitator
    _, dutch = make_session(account_id, fmt="fishbowl", language="nl", start=True)
    _, english = make_session(account_id, fmt="fishbowl", language="en", start=True)
    first = _boot(join(dutch).get(f"/p/{dutch}"))
    assert first["t"]["connecting"] == "Verbinden…" and first["code"] == dutch
    again = _boot(join(dutch).get(f"/p/{dutch}"))
    assert again == first
    other = _boot(join(english).get(f"/p/{english}"))
    assert other["t"]["connecting"] == "Connecting…" and other["code"] == english
    assert other["join_url"].endswith(english) and first["join_url"].endswith(dutch)
    # one copy per language, whatever the number of phones
    assert set(app.extensions["screen_words"]) == {("nl", False), ("en", False)}  # (language, console)


def test_no_more_resumes_than_the_gate_allows_hold_the_database_at_once():
    """A reconnect storm: the resumes beyond LIVE_RESUME_CONCURRENCY wait holding no connection."""
    import threading

    from facilitation.transport import realtime

    inside, most, lock, release = [0], [0], threading.Lock(), threading.Event()

    def resume():
        with realtime.resume_gate(2):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            release.wait(5)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=resume) for _ in range(6)]
    for thread in threads:
        thread.start()
    for _ in range(500):  # until two are in (the other four wait at the gate)
        with lock:
            if inside[0] == 2:
                break
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(10)
    assert most[0] == 2 and inside[0] == 0 and not any(t.is_alive() for t in threads)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _meta_token(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)


def test_the_join_page_is_rendered_once_and_every_phone_gets_its_own_csrf_token(make_app, make_account):
    """The page is the same for every phone but for its token: each phone's own token is in it, works for its
    own join and for no other phone's, and a change of the house rules is on the next phone's page."""
    from tests.conftest import run

    app = make_app(WTF_CSRF_ENABLED=True)
    account_id, _ = make_account()
    with app.app_context():
        from facilitation.extensions import db
        from facilitation.live import sessions
        from facilitation.models import Account
        from facilitation.programmes import manage as programmes

        owner = db.session.get(Account, account_id)
        programme = programmes.create_programme(owner, "Programme")
        db.session.flush()
        fmt = app.extensions["formats"]["fishbowl"]
        made = sessions.create_session(
            programme=programme, facilitator=owner, title="Leertafel", fmt=fmt, levels=["execution"], language="nl"
        )
        db.session.commit()
        session_id, code = made.id, made.join_code
    run(app, session_id, account_id, "session.start")
    phones = [app.test_client() for _ in range(3)]
    pages = [phone.get(f"/j/{code}").get_data(as_text=True) for phone in phones]
    tokens = [_token(page) for page in pages]
    assert len(set(tokens)) == 3 and all(_meta_token(p) == t for p, t in zip(pages, tokens))
    assert len({page.replace(token, "") for page, token in zip(pages, tokens)}) == 1
    assert len([k for k in app.extensions["shared_pages"] if k[0] == "participant/join.html"]) == 1
    form = {"level": "execution", "accept_rules": "1"}
    # another phone's token is refused; each phone's own is taken
    assert phones[0].post(f"/j/{code}", data={**form, "csrf_token": tokens[1]}).status_code == 400
    for phone, token in zip(phones, tokens):
        assert phone.post(f"/j/{code}", data={**form, "csrf_token": token}).status_code == 302

    run(app, session_id, account_id, "session.set_house_rules", {"text": "Wij luisteren naar elkaar"})
    page = app.test_client().get(f"/j/{code}").get_data(as_text=True)
    assert "Wij luisteren naar elkaar" in page and "Wij luisteren naar elkaar" not in pages[0]


def test_each_phone_s_writing_screen_shows_its_own_name_and_level_notice(app, facilitator, make_session, join):
    _, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", start=True)
    phones = [join(code, name="Sanne"), join(code), join(code), join(code, level="management")]
    named, anonymous, _, manager = [phone.get(f"/p/{code}").get_data(as_text=True) for phone in phones]
    assert "Sanne" in named and "Sanne" not in anonymous and "show-name" not in anonymous
    # three at their level, one alone at the other: the notice is on the manager's screen only
    assert 'id="level-notice"' in manager and 'id="level-notice"' not in anonymous
    assert _meta_token(named) != _meta_token(anonymous)
    again = join(code).get(f"/p/{code}").get_data(as_text=True)
    assert again.replace(_meta_token(again), "") == anonymous.replace(_meta_token(anonymous), "")


def test_a_get_with_a_form_body_fills_in_nothing_on_the_page_every_phone_gets(app, facilitator, make_session):
    """The shared join page is never made from what one request sent: a GET may carry a form body too (found in
    review: the first GET's name was prefilled on every phone's join page)."""
    _, account_id = facilitator
    _, code = make_session(account_id, start=True)
    app.test_client().open(f"/j/{code}", method="GET", data={"name": "Ik ben Piet", "level": "management"})
    page = app.test_client().get(f"/j/{code}").get_data(as_text=True)
    assert "Ik ben Piet" not in page and "checked" not in page
    assert " open" not in page.split('id="join-optional"')[1][:5]


def test_a_refused_join_shows_the_phone_its_own_choices_again(app, facilitator, make_session):
    _, account_id = facilitator
    _, code = make_session(account_id, start=True)
    phone = app.test_client()
    phone.get(f"/j/{code}")
    refused = phone.post(f"/j/{code}", data={"name": "Sanne", "level": "nonsense"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'value="Sanne"' in html
    assert "Sanne" not in app.test_client().get(f"/j/{code}").get_data(as_text=True)


def test_a_phone_gone_while_its_connect_waited_at_the_gate_is_not_counted(
    app, facilitator, make_session, join, connect
):
    """The library runs no disconnect handler for a connect still in progress, so a phone that went away while
    it waited at the gate (seconds in a rush) must not be registered when its turn comes (found in review)."""
    import threading

    from facilitation.extensions import socketio
    from facilitation.transport import realtime

    app.config["LIVE_RESUME_CONCURRENCY"] = 1
    _, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", start=True)
    phone = join(code)
    before = set(socketio.server.environ)
    with app.app_context(), realtime.phone_gate():  # the only turn is taken: the connect waits
        thread = threading.Thread(target=connect, args=(phone, code, "participant"))
        thread.start()
        for _ in range(500):
            new = set(socketio.server.environ) - before
            if new:
                break
            time.sleep(0.01)
        (eio_sid,) = new
        socketio.server._handle_eio_disconnect(eio_sid, "transport close")  # what a closed WebSocket does
    thread.join(10)
    assert not thread.is_alive()
    assert realtime.phones_connected(session_id) == 0
    assert not [c for c in realtime._connections.values() if c.session_id == session_id]
    # a phone that stays is counted as before
    connect(join(code), code, "participant")
    assert realtime.phones_connected(session_id) == 1
