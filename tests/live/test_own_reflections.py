"""A participant corrects or withdraws their own reflection from the phone (reflection.edit_own,
reflection.withdraw): only the author, only while the phase accepts reflections and the card is loose; every
screen follows; a withdrawn text is gone from replays, reports and exports."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.live import commands
from facilitation.models import Event, Reflection, Session
from facilitation.reports import render_session
from tests.conftest import command, received_events, run

FIRST = "Het wijkteam belde de school pas na drie weken"
TAKEN_BACK = "Mijn collega Piet van team Zuid had geen tijd"


def cid():
    return uuid.uuid4().hex


def _room(facilitator, make_session, join, connect, fmt="fishbowl", phase="rounds", kind="question"):
    """A live session with a console, the author's phone and a second phone; one reflection posted."""
    http, account_id = facilitator
    session_id, code = make_session(account_id, fmt=fmt, phase=phase)
    console = connect(http, code, "console")
    author = connect(join(code), code, "participant")
    other = connect(join(code), code, "participant")
    posted = command(author, "reflection.post", {"kind": kind, "text": FIRST}, cid())
    assert posted["ok"], posted
    for sio in (console, author, other):
        sio.get_received("/live")
    return session_id, account_id, console, author, other, posted


def test_the_author_corrects_a_reflection_and_every_screen_follows(app, facilitator, make_session, join, connect):
    session_id, _, console, author, other, posted = _room(facilitator, make_session, join, connect)
    rid = posted["data"]["id"]
    edited = command(author, "reflection.edit_own", {"id": rid, "text": "Mail me op a.jansen@example.nl"}, cid())
    assert edited["ok"], edited
    assert edited["data"]["personal_data"] == ["email"]  # checked by the server, as a new reflection is
    for sio in (console, other, author):
        [event] = received_events(sio)
        assert event["name"] == "reflection.edit_own"
        assert event["data"]["text"] == "Mail me op a.jansen@example.nl"
        # nothing on any screen points at the one who changed it
        assert event["data"]["author"] is None and "participant" not in json.dumps(event["data"])
    with app.app_context():
        assert db.session.get(Reflection, rid).text == "Mail me op a.jansen@example.nl"


def test_only_the_author_may_and_staff_moderation_is_unaffected(app, facilitator, make_session, join, connect):
    session_id, _, console, author, other, posted = _room(facilitator, make_session, join, connect)
    rid = posted["data"]["id"]
    for name, args in (("reflection.edit_own", {"id": rid, "text": "Anders"}), ("reflection.withdraw", {"id": rid})):
        refused = command(other, name, args, cid())
        # someone else's reflection is simply not there for them: the refusal says nothing of who wrote it
        assert not refused["ok"] and refused["error"] == "not_found"
        assert command(console, name, args, cid())["error"] == "forbidden"  # staff have their own commands
    assert command(console, "reflection.edit", {"id": rid, "text": "Door de begeleider"})["ok"]
    assert command(console, "reflection.hide", {"id": rid})["ok"]
    # hidden by the facilitator: the phone no longer shows it, and its author cannot bring it back by an edit
    hidden = command(author, "reflection.edit_own", {"id": rid, "text": "Terug"}, cid())
    assert hidden["error"] == "not_found"
    with app.app_context():
        assert db.session.get(Reflection, rid).text == "Door de begeleider"


def test_a_reflection_in_a_cluster_or_a_phase_without_writing_stays_as_it_is(
    app, facilitator, make_session, join, connect
):
    session_id, account_id, console, author, other, posted = _room(
        facilitator, make_session, join, connect, fmt="learning-table", phase="cluster", kind="bottleneck"
    )
    rid = posted["data"]["id"]
    loose = command(author, "reflection.post", {"kind": "bottleneck", "text": "Los kaartje"}, cid())["data"]["id"]
    run(app, session_id, account_id, "cluster.create", {"title": "Regie", "reflection_ids": [rid]})
    for name, args in (("reflection.edit_own", {"id": rid, "text": "Anders"}), ("reflection.withdraw", {"id": rid})):
        refused = command(author, name, args, cid())
        assert refused["error"] == "reflection_in_cluster" and "cluster" in refused["message"]
    run(app, session_id, account_id, "phase.goto", {"index": 3})  # dot voting: no writing
    refused = command(author, "reflection.withdraw", {"id": loose}, cid())
    assert refused["error"] == "phase_does_not_allow"
    run(app, session_id, account_id, "session.close")
    assert command(author, "reflection.edit_own", {"id": loose, "text": "Laat"}, cid())["error"] == "session_closed"
    with app.app_context():
        assert {r.text for r in db.session.scalars(sa.select(Reflection))} == {FIRST, "Los kaartje"}


def test_a_resend_is_applied_once(app, facilitator, make_session, join, connect):
    session_id, _, console, author, other, posted = _room(facilitator, make_session, join, connect)
    rid = posted["data"]["id"]
    edit_id, withdraw_id = cid(), cid()
    first = command(author, "reflection.edit_own", {"id": rid, "text": "Verbeterd"}, edit_id)
    again = command(author, "reflection.edit_own", {"id": rid, "text": "Verbeterd"}, edit_id)
    assert first["ok"] and again["ok"] and again["duplicate"] and again["seq"] == first["seq"]
    gone = command(author, "reflection.withdraw", {"id": rid}, withdraw_id)
    resent = command(author, "reflection.withdraw", {"id": rid}, withdraw_id)
    assert gone["ok"] and resent["ok"] and resent["duplicate"] and resent["seq"] == gone["seq"]
    assert command(author, "reflection.withdraw", {"id": rid})["error"] == "missing_field"  # no id, no retry
    with app.app_context():
        names = db.session.scalars(sa.select(Event.name).where(Event.session_id == session_id)).all()
        assert names.count("reflection.edit_own") == 1 and names.count("reflection.withdraw") == 1


def test_a_withdrawn_reflection_leaves_every_screen_and_no_replay_holds_its_text(
    app, facilitator, make_session, join, connect
):
    session_id, _, console, author, other, _ = _room(facilitator, make_session, join, connect)
    posted = command(author, "reflection.post", {"kind": "idea", "text": TAKEN_BACK}, cid())
    rid = posted["data"]["id"]
    assert command(author, "reflection.edit_own", {"id": rid, "text": TAKEN_BACK + "!"}, cid())["ok"]
    for sio in (console, author, other):
        sio.get_received("/live")
    gone = command(author, "reflection.withdraw", {"id": rid}, cid())
    assert gone["ok"] and gone["data"] == {"id": rid}
    for sio in (console, author, other):
        assert [(e["name"], e["data"]) for e in received_events(sio)] == [("reflection.withdraw", {"id": rid})]
    for sio in (other, author, console):
        reply = sio.emit("resume", {"seq": posted["seq"] - 1}, namespace="/live", callback=True)
        assert reply["ok"] and reply["seq"] == gone["seq"]
        assert "Piet" not in repr(reply["events"])
        assert [e["name"] for e in reply["events"]] == ["reflection.withdraw"]
        snapshot = sio.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
        assert rid not in [r["id"] for r in snapshot["reflections"]] and "Piet" not in repr(snapshot)
    with app.app_context():
        assert db.session.get(Reflection, rid) is None
        # not even the stored log keeps the words the author took back
        payloads = db.session.scalars(sa.select(Event.payload).where(Event.session_id == session_id)).all()
        assert "Piet" not in repr(payloads)


def test_reports_leave_a_withdrawn_reflection_out(app, facilitator, make_session, join, connect):
    session_id, account_id, console, author, other, kept = _room(facilitator, make_session, join, connect)
    posted = command(author, "reflection.post", {"kind": "idea", "text": TAKEN_BACK}, cid())
    assert command(author, "reflection.withdraw", {"id": posted["data"]["id"]}, cid())["ok"]
    run(app, session_id, account_id, "session.close")
    with app.app_context():
        session_ = db.session.get(Session, session_id)
        for fmt in ("md", "json"):
            content = render_session(session_, fmt, timeline=True).content.decode()
            assert FIRST in content and "Piet" not in content
        from facilitation.reports import data

        report = data.gather_session(session_, timeline=True)
        assert [r.text for r in report.reflections] == [FIRST]
        # the timeline shows one reflection posted, not the withdrawn one nor its withdrawal
        posts = [e for e in report.timeline if e.name.startswith("reflection.")]
        assert [e.name for e in posts] == ["reflection.post"]


def test_phones_that_do_not_share_reflections_get_only_their_own_changes(app, facilitator, make_session, join, connect):
    session_id, _, console, author, other, posted = _room(
        facilitator, make_session, join, connect, fmt="learning-table", phase="write", kind="bottleneck"
    )
    rid = posted["data"]["id"]
    assert command(author, "reflection.edit_own", {"id": rid, "text": "Verbeterd"}, cid())["ok"]
    assert command(author, "reflection.withdraw", {"id": rid}, cid())["ok"]
    assert [e["name"] for e in received_events(author)] == ["reflection.edit_own", "reflection.withdraw"]
    assert [e["name"] for e in received_events(console)] == ["reflection.edit_own", "reflection.withdraw"]
    assert received_events(other) == []


def test_the_command_table_names_the_author_rules():
    for name in ("reflection.edit_own", "reflection.withdraw"):
        spec = commands.COMMANDS[name]
        assert spec.roles == {commands.PARTICIPANT} and spec.phase_action == "write" and spec.needs_client_id


def test_after_the_facilitator_moderated_it_the_author_may_withdraw_it_but_not_reword_it(
    app, facilitator, make_session, join, connect
):
    session_id, _, console, author, other, posted = _room(facilitator, make_session, join, connect)
    rid = posted["data"]["id"]
    assert command(console, "reflection.edit", {"id": rid, "text": "Het wijkteam belde de school laat"})["ok"]
    # the facilitator took a detail out: a correction from the phone must not bring it back
    refused = command(author, "reflection.edit_own", {"id": rid, "text": FIRST}, cid())
    assert refused["error"] == "reflection_moderated"
    assert "intrekken kan nog wel" in refused["message"] or "still withdraw" in refused["message"]
    with app.app_context():
        assert db.session.get(Reflection, rid).text == "Het wijkteam belde de school laat"
        staff_edit = db.session.scalar(sa.select(Event).where(Event.name == "reflection.edit"))
        assert staff_edit.payload["text"] == "Het wijkteam belde de school laat"  # still the facilitator's words
    assert command(author, "reflection.withdraw", {"id": rid}, cid())["ok"]


def test_a_room_only_mark_by_the_facilitator_also_ends_corrections(app, facilitator, make_session, join, connect):
    session_id, _, console, author, other, posted = _room(facilitator, make_session, join, connect)
    rid = posted["data"]["id"]
    assert command(console, "reflection.set_room_only", {"id": rid, "room_only": True})["ok"]
    assert command(console, "reflection.set_room_only", {"id": rid, "room_only": False})["ok"]
    refused = command(author, "reflection.edit_own", {"id": rid, "text": "Anders"}, cid())
    assert refused["error"] == "reflection_moderated"
    # a reflection the author posted "for the room only" themselves stays theirs to correct
    own = command(author, "reflection.post", {"kind": "question", "text": "Alleen hier", "room_only": True}, cid())
    assert command(author, "reflection.edit_own", {"id": own["data"]["id"], "text": "Alleen hier!"}, cid())["ok"]


def test_a_correction_rewrites_only_the_events_of_that_reflection(app, facilitator, make_session, join, connect):
    session_id, _, console, author, other, posted = _room(facilitator, make_session, join, connect)
    second = command(other, "reflection.post", {"kind": "question", "text": "Een andere vraag"}, cid())
    assert command(author, "reflection.edit_own", {"id": posted["data"]["id"], "text": "Verbeterd"}, cid())["ok"]
    with app.app_context():
        texts = {
            e.payload["id"]: e.payload["text"]
            for e in db.session.scalars(sa.select(Event).where(Event.name == "reflection.post"))
        }
        assert texts == {posted["data"]["id"]: "Verbeterd", second["data"]["id"]: "Een andere vraag"}


def test_corrections_count_against_the_reflection_rate_limit(app, facilitator, make_session, join, connect):
    session_id, _, console, author, other, posted = _room(facilitator, make_session, join, connect)
    app.config["REFLECTION_RATE_LIMIT"] = "3 per minute"  # the post in _room was not yet limited
    rid = posted["data"]["id"]
    answers = [command(author, "reflection.edit_own", {"id": rid, "text": f"Versie {n}"}, cid()) for n in range(4)]
    assert [a["ok"] for a in answers] == [True, True, True, False]
    assert answers[-1]["error"] == "rate_limited"
    assert command(author, "reflection.post", {"kind": "question", "text": "Nog een"}, cid())["error"] == "rate_limited"


def test_resending_a_withdrawn_post_does_not_bring_back_an_empty_card(app, facilitator, make_session, join, connect):
    session_id, _, console, author, other, _ = _room(facilitator, make_session, join, connect)
    post_id = cid()
    posted = command(author, "reflection.post", {"kind": "question", "text": TAKEN_BACK}, post_id)
    assert command(author, "reflection.withdraw", {"id": posted["data"]["id"]}, cid())["ok"]
    # the phone's outbox resends after a timeout that came after all
    resent = command(author, "reflection.post", {"kind": "question", "text": TAKEN_BACK}, post_id)
    assert not resent["ok"] and resent["error"] == "withdrawn" and resent["message"]
    assert "data" not in resent
    with app.app_context():
        assert db.session.scalars(sa.select(Reflection.text)).all() == [FIRST]
