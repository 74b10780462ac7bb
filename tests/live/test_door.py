"""The door (issue 20): the facilitator closes the session to new phones, and removes a participant who
disrupts. Their reflections stay, marked on the console; their phone is disconnected and cannot come back
with its cookie; the participant count on the console follows."""

from __future__ import annotations

import time
import uuid

from facilitation.extensions import db
from facilitation.models import Participant, Reflection
from tests.conftest import command

NAMESPACE = "/live"


def resume(sio):
    return sio.emit("resume", {"seq": -1}, namespace=NAMESPACE, callback=True)


def test_closing_the_door_stops_new_joins_and_keeps_who_is_in(app, facilitator, make_session, join, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    inside = join(code)
    phone = connect(inside, code, "participant")
    console = connect(client, code, "console")
    assert resume(console)["snapshot"]["door"] == {"open": True, "removed": 0}
    page = client.get(f"/sessions/{session_id}/console").get_data(as_text=True)
    assert 'id="door"' in page and 'data-removed-text="(%(n)s verwijderd)"' in page
    assert command(console, "session.close_door")["ok"]
    assert command(console, "session.close_door")["error"] == "no_change"
    assert command(phone, "session.open_door")["error"] == "forbidden"
    page = app.test_client().get(f"/j/{code}")
    assert page.status_code == 403 and "nieuwe deelnemers" in page.get_data(as_text=True)
    refused = app.test_client().post(f"/j/{code}", data={"level": "execution", "accept_rules": "1"})
    assert refused.status_code == 403
    over_api = app.test_client().post(
        f"/api/s/{code}/command", json={"name": "participant.join", "args": {"level": "execution"}}
    )
    assert over_api.get_json()["error"] == "door_closed"
    # who is in stays in, also after reloading the page
    assert inside.get(f"/p/{code}").status_code == 200
    assert inside.get(f"/j/{code}").status_code == 302
    assert command(phone, "reflection.post", {"kind": "success", "text": "Nog binnen"}, uuid.uuid4().hex)["ok"]
    assert resume(console)["snapshot"]["door"]["open"] is False
    assert command(console, "session.open_door")["ok"]
    join(code)


def test_removing_a_participant_keeps_their_words_and_shuts_their_phone_out(
    app, facilitator, make_session, join, connect
):
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    troll_http, other_http = join(code), join(code)
    troll, other = connect(troll_http, code, "participant"), connect(other_http, code, "participant")
    console = connect(client, code, "console")
    posted = command(troll, "reflection.post", {"kind": "success", "text": "Onzin"}, uuid.uuid4().hex)
    kept = command(other, "reflection.post", {"kind": "success", "text": "Goed punt"}, uuid.uuid4().hex)
    assert resume(console)["snapshot"]["participants"] == 2
    other.get_received(NAMESPACE)

    removed = command(console, "participant.remove", {"reflection_id": posted["data"]["id"]})
    assert removed["ok"] and removed["data"]["count"] == 1
    assert removed["data"]["reflections"] == [posted["data"]["id"]]
    assert command(console, "participant.remove", {"reflection_id": posted["data"]["id"]})["error"] == "no_change"
    # the room's count follows; the removed phone is told, then disconnected
    assert any(e["args"][0]["name"] == "participant.remove" for e in other.get_received(NAMESPACE))
    deadline = time.time() + 5
    while troll.is_connected(NAMESPACE) and time.time() < deadline:
        time.sleep(0.1)
    assert not troll.is_connected(NAMESPACE)
    # its cookie opens nothing any more: no page, no connection, no command, no new join
    assert troll_http.get(f"/p/{code}").status_code == 403
    page = troll_http.get(f"/j/{code}")
    assert page.status_code == 403 and "verwijderd" in page.get_data(as_text=True)
    assert troll_http.post(f"/j/{code}", data={"level": "execution", "accept_rules": "1"}).status_code == 403
    assert not connect(troll_http, code, "participant").is_connected(NAMESPACE)
    api = troll_http.post(
        f"/api/s/{code}/command",
        json={"name": "reflection.post", "client_id": uuid.uuid4().hex, "args": {"kind": "success", "text": "x"}},
    )
    assert api.status_code == 403
    # what they wrote stays, marked on the console (not on phones)
    with app.app_context():
        assert db.session.get(Reflection, posted["data"]["id"]).text == "Onzin"
        author = db.session.get(Reflection, posted["data"]["id"]).participant_id
        assert db.session.get(Participant, author).removed_at is not None
    console_state = resume(console)["snapshot"]
    assert console_state["participants"] == 1 and console_state["door"]["removed"] == 1
    assert console_state["removed_reflections"] == [posted["data"]["id"]]
    assert {r["id"] for r in console_state["reflections"]} == {posted["data"]["id"], kept["data"]["id"]}
    phone_state = resume(other)["snapshot"]
    assert "removed_reflections" not in phone_state and "door" not in phone_state
    assert phone_state["participants"] == 1


def test_a_removed_participant_leaves_the_fishbowl(app, facilitator, make_session, join, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds", levels=("execution",))
    waiting = connect(join(code), code, "participant")
    console = connect(client, code, "console")
    assert command(waiting, "fishbowl.request")["ok"]
    with app.app_context():
        participant_id = db.session.query(Participant.id).filter_by(session_id=session_id).scalar()
    removed = command(console, "participant.remove", {"participant_id": participant_id})
    assert removed["ok"]
    state = resume(console)["snapshot"]["fishbowl"]
    assert participant_id not in [p.get("id") for p in state.get("queue", [])]
    assert participant_id not in [s.get("participant_id") for s in state.get("seats", []) if s]
    assert command(console, "participant.remove", {"participant_id": 10**6})["error"] == "not_found"
