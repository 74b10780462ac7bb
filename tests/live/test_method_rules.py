"""House rules (huisregels): shown on joining, accepted on the phone, enforced by the server for writing and
voting, editable per session by the facilitator (and then accepted again)."""

from __future__ import annotations

import uuid

from facilitation.live.houserules import DEFAULT_RULES
from tests.conftest import command, run
from tests.live.test_commands import dump


def test_the_join_page_shows_the_default_rules_in_the_session_language(app, facilitator, make_session):
    client, account_id = facilitator
    _, code_nl = make_session(account_id, language="nl")
    _, code_en = make_session(account_id, language="en")
    page = app.test_client().get(f"/j/{code_nl}").get_data(as_text=True)
    assert "gepseudonimiseerd" in page and "blijft in deze ruimte" in page and "Huisregels" in page
    assert 'name="accept_rules" value="1"' in page
    page = app.test_client().get(f"/j/{code_en}").get_data(as_text=True)
    assert "pseudonymised" in page and "stays in this room" in page and "Agree and join" in page


def test_writing_and_voting_are_refused_until_the_phone_accepts(app, facilitator, make_session, join, connect):
    _, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phone = connect(join(code, accept_rules=False), code, "participant")
    before = dump(app)
    ack = command(phone, "reflection.post", {"kind": "bottleneck", "text": "Niemand had regie"}, uuid.uuid4().hex)
    assert ack["ok"] is False and ack["error"] == "rules_not_accepted"
    assert "huisregels" in ack["message"]  # a Dutch session answers in Dutch
    assert dump(app) == before

    snap = phone.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snap["house_rules"]["accepted_by_me"] is False
    assert snap["house_rules"]["lines"][0].startswith("De casus is gepseudonimiseerd")

    assert command(phone, "participant.accept_rules")["ok"] is True
    assert command(phone, "participant.accept_rules")["error"] == "no_change"
    ack = command(phone, "reflection.post", {"kind": "bottleneck", "text": "Niemand had regie"}, uuid.uuid4().hex)
    assert ack["ok"] is True


def test_votes_are_refused_without_acceptance(app, facilitator, make_session, join, connect):
    _, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    cluster = run(app, session_id, account_id, "cluster.create", {"title": "Regie"}).data["cluster"]
    # entering the voting phase opens the round
    round_ = run(app, session_id, account_id, "phase.goto", {"index": 3}).data["round"]
    phone = connect(join(code, accept_rules=False), code, "participant")
    before = dump(app)
    ack = command(phone, "vote.set", {"round_id": round_["id"], "cluster_id": cluster["id"], "dots": 1})
    assert ack["error"] == "rules_not_accepted" and dump(app) == before
    command(phone, "participant.accept_rules")
    assert command(phone, "vote.set", {"round_id": round_["id"], "cluster_id": cluster["id"], "dots": 1})["ok"]


def test_the_facilitator_rewrites_the_rules_and_everyone_accepts_again(app, facilitator, make_session, join, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phone = connect(join(code), code, "participant")
    console = connect(client, code, "console")
    snap = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snap["house_rules"]["accepted"] == 1 and snap["house_rules"]["custom"] is False

    ack = command(
        console, "session.set_house_rules", {"text": "  Geen namen.\n\nWat hier gezegd wordt, blijft hier.  \n"}
    )
    assert ack["ok"] and ack["data"]["lines"] == ["Geen namen.", "Wat hier gezegd wordt, blijft hier."]
    assert ack["data"]["accepted"] == 0 and ack["data"]["custom"] is True
    refused = command(phone, "reflection.post", {"kind": "success", "text": "Goed overleg"}, uuid.uuid4().hex)
    assert refused["error"] == "rules_not_accepted"
    assert "Geen namen." in app.test_client().get(f"/j/{code}").get_data(as_text=True)

    assert command(phone, "participant.accept_rules")["data"]["accepted"] == 1
    assert command(phone, "reflection.post", {"kind": "success", "text": "Goed overleg"}, uuid.uuid4().hex)["ok"]
    # empty text: back to the default agreement
    assert command(console, "session.set_house_rules", {"text": ""})["data"]["text"] == DEFAULT_RULES["nl"]
    assert command(console, "session.set_house_rules", {"text": ""})["error"] == "no_change"


def test_bad_rules_are_refused_and_change_nothing(app, facilitator, make_session, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id)
    console = connect(client, code, "console")
    before = dump(app)
    for payload, error in [({}, "missing_field"), ({"text": 5}, "wrong_type"), ({"text": "x" * 3001}, "too_long")]:
        ack = command(console, "session.set_house_rules", payload)
        assert ack["error"] == error and ack["message"]
    assert dump(app) == before


def test_the_console_and_phone_pages_carry_the_rules(app, facilitator, make_session, join):
    client, account_id = facilitator
    session_id, code = make_session(account_id)
    console = client.get(f"/sessions/{session_id}/console").get_data(as_text=True)
    assert 'id="rules-form"' in console
    phone = join(code, accept_rules=False).get(f"/p/{code}").get_data(as_text=True)
    assert 'id="rules-accept"' in phone and "gepseudonimiseerd" in phone
