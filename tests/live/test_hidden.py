"""A hidden reflection never reaches a phone again, by any path: a resume from before it was posted, an edit
made while it is hidden, or a batch that was still on its way when it was hidden (tests/transport/test_batching.py)."""

from __future__ import annotations

import uuid

from tests.conftest import command, received_events

SECRET = "Jan de Vries van team Noord verzuimt"


def cid():
    return uuid.uuid4().hex


def _texts(envelopes) -> str:
    return repr(envelopes)


def _hidden_post(facilitator, make_session, join, connect):
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")  # phones share reflections
    console = connect(http, code, "console")
    author = connect(join(code), code, "participant")
    reader = connect(join(code), code, "participant")
    before = command(author, "reflection.post", {"kind": "question", "text": "Eerste"}, cid())["seq"]
    posted = command(author, "reflection.post", {"kind": "question", "text": SECRET}, cid())
    assert command(console, "reflection.hide", {"id": posted["data"]["id"]})["ok"]
    for sio in (console, author, reader):
        sio.get_received("/live")
    return console, author, reader, before, posted


def test_a_phone_resuming_from_before_the_post_gets_the_hide_but_never_the_text(
    app, facilitator, make_session, join, connect
):
    console, author, reader, before, posted = _hidden_post(facilitator, make_session, join, connect)
    for phone in (reader, author):
        reply = phone.emit("resume", {"seq": before - 1}, namespace="/live", callback=True)
        assert reply["ok"] and reply["seq"] == posted["seq"] + 1
        assert SECRET not in _texts(reply["events"])
        assert [e["name"] for e in reply["events"]] == ["reflection.post", "reflection.hide"]
        assert reply["events"][0]["data"]["text"] == "Eerste"
    # staff still replay everything, to unhide it
    staff = console.emit("resume", {"seq": before - 1}, namespace="/live", callback=True)
    assert SECRET in _texts(staff["events"])


def test_editing_a_hidden_reflection_tells_staff_only(app, facilitator, make_session, join, connect):
    console, author, reader, before, posted = _hidden_post(facilitator, make_session, join, connect)
    edited = command(console, "reflection.edit", {"id": posted["data"]["id"], "text": "Een medewerker verzuimt"})
    assert edited["ok"]
    for phone in (reader, author):
        assert received_events(phone) == []  # only the number, in a batch without events
    assert [e["data"]["text"] for e in received_events(console)] == ["Een medewerker verzuimt"]
    for phone in (reader, author):
        reply = phone.emit("resume", {"seq": before - 1}, namespace="/live", callback=True)
        assert "verzuimt" not in _texts(reply["events"]) and reply["seq"] == edited["seq"]
    # unhidden, its text is everyone's again
    assert command(console, "reflection.unhide", {"id": posted["data"]["id"]})["ok"]
    assert [e["data"]["text"] for e in received_events(reader)] == ["Een medewerker verzuimt"]
