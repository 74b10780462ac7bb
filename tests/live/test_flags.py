"""Personal data in cluster titles, commitments, fishbowl topics and journey moments (issue 20): the server flags
them on every screen that shows them to staff, and asks the facilitator before a flagged title is projected or
printed in the report, as the console's phase step asks before leaving open work."""

from __future__ import annotations

import uuid

import pytest

from facilitation.live import commands
from tests.conftest import command, run

FLAGGED_TITLE = "Moeder Sanne de Vries kreeg geen hulp"
CLEAN_TITLE = "Geen regie over het gezin"


def apply(app, session_id, account_id, name, args=None):
    with app.test_request_context():
        return commands.apply(session_id, commands.Actor(account_id=account_id), name, args or {}, uuid.uuid4().hex)


@pytest.fixture
def table(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    session_id, code = make_session(account_id, phase="cluster")
    console = connect(http, code, "console")
    console.get_received("/live")
    return {"session_id": session_id, "code": code, "account_id": account_id, "console": console, "http": http}


def test_a_cluster_title_with_a_name_is_flagged_and_an_edit_clears_the_flag(app, table):
    sid, aid = table["session_id"], table["account_id"]
    # the projector shows clusters by itself once there are any: the title goes up only when confirmed
    refused = apply(app, sid, aid, "cluster.create", {"title": FLAGGED_TITLE})
    assert refused.error == "confirm_personal_data_title" and refused.params["kinds"] == ["name"]
    created = run(app, sid, aid, "cluster.create", {"title": FLAGGED_TITLE, "confirm": True}).data["cluster"]
    assert created["personal_data"] == ["name"]
    snapshot = table["console"].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert [c["personal_data"] for c in snapshot["clusters"]] == [["name"]]
    edited = command(table["console"], "cluster.edit", {"id": created["id"], "title": "Moeder kreeg geen hulp"})
    assert edited["ok"], edited
    assert edited["data"]["cluster"]["personal_data"] == []
    snapshot = table["console"].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert [c["personal_data"] for c in snapshot["clusters"]] == [[]]


def test_the_projector_shows_flagged_titles_only_when_the_facilitator_confirms(app, table):
    sid, aid = table["session_id"], table["account_id"]
    # on the wall, the projector shows no titles: a flagged one is saved without a question
    assert command(table["console"], "projector.show", {"view": "wall"})["ok"]
    run(app, sid, aid, "cluster.create", {"title": FLAGGED_TITLE, "description": "bel 06-12345678"})
    refused = command(table["console"], "projector.show", {"view": "clusters"})
    assert refused["ok"] is False and refused["error"] == "confirm_personal_data_projector"
    assert "projector" in refused["message"]
    confirmed = command(table["console"], "projector.show", {"view": "clusters", "confirm": True})
    assert confirmed["ok"], confirmed


def test_clean_titles_go_to_the_projector_without_a_question(app, table):
    run(app, table["session_id"], table["account_id"], "cluster.create", {"title": CLEAN_TITLE})
    assert command(table["console"], "projector.show", {"view": "clusters"})["ok"]


def test_closing_asks_first_while_a_title_or_commitment_the_report_prints_is_flagged(app, table):
    sid, aid = table["session_id"], table["account_id"]
    cluster = run(app, sid, aid, "cluster.create", {"title": CLEAN_TITLE}).data["cluster"]["id"]
    run(app, sid, aid, "commitment.record", {"what": "Mail naar j.jansen@example.nl sturen", "owner": "Wijkteam"})
    refused = apply(app, sid, aid, "session.close")
    assert not refused.ok and refused.error == "confirm_personal_data_report"
    assert refused.params["kinds"] == ["email"]
    # a flagged cluster title alone asks too
    run(app, sid, aid, "cluster.edit", {"id": cluster, "title": "Dhr. Bakker wacht op zorg", "confirm": True})
    assert apply(app, sid, aid, "session.close").params["kinds"] == ["email", "name"]
    assert apply(app, sid, aid, "session.close", {"confirm": True}).ok


def test_a_commitment_from_a_phone_is_flagged_for_the_console(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    session_id, code = make_session(account_id, phase="commitments")
    phone = connect(join(code), code, "participant")
    console = connect(http, code, "console")
    proposal = {"what": "Ik bel mevrouw Jansen op 06-12345678", "owner": "Jeugdconsulent"}
    ack = command(phone, "commitment.propose", proposal, uuid.uuid4().hex)
    assert ack["ok"], ack
    snapshot = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    (flagged,) = snapshot["commitments"]
    assert flagged["personal_data"] == ["name", "phone"]
    edited = command(console, "commitment.edit", {"id": flagged["id"], "what": "Ik bel de moeder"})
    assert edited["ok"], edited
    snapshot = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snapshot["commitments"][0]["personal_data"] == []


def test_a_flagged_fishbowl_topic_asks_before_the_circle_turns_to_it(app, facilitator, make_session, connect):
    http, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds", levels=("execution", "management"))
    console = connect(http, code, "console")
    made = run(app, session_id, account_id, "cluster.create", {"title": FLAGGED_TITLE, "confirm": True})
    cluster = made.data["cluster"]["id"]
    refused = command(console, "fishbowl.topic", {"cluster_id": cluster})
    assert refused["error"] == "confirm_personal_data_projector"
    ack = command(console, "fishbowl.topic", {"cluster_id": cluster, "confirm": True})
    assert ack["ok"], ack
    snapshot = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snapshot["fishbowl"]["round"]["personal_data"] == ["name"]
