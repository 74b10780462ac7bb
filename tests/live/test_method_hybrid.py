"""Hybrid rooms: reflections and dots entered by the facilitator for people without a phone, counted as
participants at their level; and co-facilitators who run the same session."""

from __future__ import annotations

import uuid

from tests.conftest import command, run
from tests.live.test_commands import dump


def test_reflections_and_dots_for_someone_without_a_phone(app, facilitator, make_session, join, connect):
    # one person per level: counted and tagged here only because the minimum group is set to 1 (the default, 3,
    # keeps levels of fewer people out of screens and reports: tests/privacy/test_level_groups.py)
    app.config["DISCIPLINE_MIN_GROUP"] = 1
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phone = connect(join(code, level="execution"), code, "participant")
    console = connect(client, code, "console")
    proxy = command(console, "participant.add_proxy", {"level": "policy", "name": "Mevrouw met papier"})
    assert proxy["ok"] and proxy["data"]["count"] == 2 and proxy["data"]["proxy"]["name"] == "Mevrouw met papier"
    pid = proxy["data"]["proxy"]["id"]

    posted = command(
        console, "reflection.post", {"kind": "bottleneck", "text": "Regels per wet", "for": pid}, uuid.uuid4().hex
    )
    assert posted["ok"] and posted["data"]["by_facilitator"] is True and posted["data"]["level"] == "policy"
    assert posted["data"]["author"] is None  # the note is the facilitator's, never shown as an author
    command(phone, "reflection.post", {"kind": "bottleneck", "text": "Wachtlijst"}, uuid.uuid4().hex)
    cluster = run(app, session_id, account_id, "cluster.create", {"title": "Regels"}).data["cluster"]
    # a round opened before the voting phase (leaving the phase then asks first): entering it opens no second one
    round_ = run(app, session_id, account_id, "vote.open", {"budget": 2}).data["round"]
    assert "round" not in run(app, session_id, account_id, "phase.goto", {"index": 3, "confirm": True}).data
    ack = command(
        console, "vote.set_for", {"for": pid, "round_id": round_["id"], "cluster_id": cluster["id"], "dots": 2}
    )
    assert ack["ok"] and ack["data"]["left"] == 0 and ack["data"]["voters"] == 1
    # the proxy's budget holds like anyone's
    before = dump(app)
    refused = command(
        console, "vote.set_for", {"for": pid, "round_id": round_["id"], "cluster_id": cluster["id"], "dots": 3}
    )
    assert refused["error"] == "out_of_range" and dump(app) == before
    command(phone, "vote.set", {"round_id": round_["id"], "cluster_id": cluster["id"], "dots": 1})
    run(app, session_id, account_id, "vote.close", {})

    report = client.get(f"/sessions/{session_id}/report/json").get_json()
    levels = {p["level"]: p for p in report["participation"]}
    assert report["participants_total"] == 2 and report["proxy_participants"] == 1
    assert (levels["policy"]["participants"], levels["policy"]["reflections"], levels["policy"]["dots"]) == (1, 1, 2)
    assert (levels["execution"]["participants"], levels["execution"]["reflections"], levels["execution"]["dots"]) == (
        1,
        1,
        1,
    )
    assert report["facilitator_reflections"] == 1
    assert [r["by_facilitator"] for r in report["reflections"]] == [True, False]
    markdown = client.get(f"/sessions/{session_id}/report/md").get_data(as_text=True)
    assert "1 van hen deed mee zonder telefoon" in markdown
    assert "Mevrouw met papier" not in markdown


def test_only_proxies_of_this_session_can_be_spoken_for(app, facilitator, make_session, make_account, join, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    other_owner, _ = make_account()
    other_session, _ = make_session(other_owner, phase="write")
    foreign = run(app, other_session, other_owner, "participant.add_proxy", {"level": "policy"}).data["proxy"]["id"]
    phone_client = join(code)
    phone = connect(phone_client, code, "participant")
    mine = command(phone, "reflection.post", {"kind": "success", "text": "Eigen"}, uuid.uuid4().hex)
    console = connect(client, code, "console")
    with app.app_context():
        from facilitation.extensions import db
        from facilitation.models import Reflection

        phone_participant = db.session.get(Reflection, mine["data"]["id"]).participant_id
    before = dump(app)
    for target, error in [
        (foreign, "not_found"),
        (phone_participant, "not_found"),
        ("1", "wrong_type"),
        (999999, "not_found"),
    ]:
        ack = command(console, "reflection.post", {"kind": "success", "text": "x", "for": target}, uuid.uuid4().hex)
        assert ack["error"] == error, target
    own = run(app, session_id, account_id, "participant.add_proxy", {"level": "execution"})
    before = dump(app)
    # a phone cannot write in someone else's name
    ack = command(
        phone, "reflection.post", {"kind": "success", "text": "x", "for": own.data["proxy"]["id"]}, uuid.uuid4().hex
    )
    assert ack["error"] == "forbidden" and dump(app) == before
    for payload, error in [
        ({}, "missing_field"),
        ({"level": "king"}, "invalid_choice"),
        ({"level": "policy", "discipline": "koning"}, "invalid_choice"),
        ({"level": "policy", "name": "x" * 41}, "too_long"),
    ]:
        assert command(console, "participant.add_proxy", payload)["error"] == error
    assert dump(app) == before


def test_a_co_facilitator_runs_the_session(app, facilitator, make_session, make_account, login, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    co_id, co_email = make_account(name="Tweede begeleider")
    co = login(app.test_client(), co_email)
    assert co.get(f"/sessions/{session_id}/console").status_code == 403
    assert not connect(co, code, "console").is_connected("/live")

    console = connect(client, code, "console")
    added = command(console, "session.add_cofacilitator", {"email": co_email.upper()})
    assert added["ok"] and added["data"]["cofacilitators"] == [{"id": co_id, "name": "Tweede begeleider"}]
    assert command(console, "session.add_cofacilitator", {"email": co_email})["error"] == "no_change"

    assert co.get(f"/sessions/{session_id}/console").status_code == 200
    assert co.get(f"/sessions/{session_id}/projector").status_code == 200
    assert "Programme" in co.get("/").get_data(as_text=True)  # the programme is on their dashboard now
    co_console = connect(co, code, "console")
    assert co_console.is_connected("/live")
    ack = command(co_console, "reflection.post", {"kind": "success", "text": "Van de tweede"}, uuid.uuid4().hex)
    assert ack["ok"] and ack["data"]["by_facilitator"] is True
    assert command(co_console, "timer.start", {"minutes": 2})["ok"]

    assert command(console, "session.remove_cofacilitator", {"account_id": co_id})["data"]["cofacilitators"] == []
    assert co.get(f"/sessions/{session_id}/console").status_code == 403
    assert command(co_console, "timer.pause")["error"] == "forbidden"


def test_only_active_facilitator_accounts_become_co_facilitators(app, facilitator, make_session, make_account, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id)
    _, organiser_email = make_account(role="organiser")
    console = connect(client, code, "console")
    before = dump(app)
    for payload, error in [
        ({"email": organiser_email}, "no_such_facilitator"),
        ({"email": "niemand@example.org"}, "no_such_facilitator"),
        ({"email": 5}, "wrong_type"),
        ({}, "missing_field"),
    ]:
        ack = command(console, "session.add_cofacilitator", payload)
        assert ack["error"] == error and ack["message"], payload
    assert command(console, "session.remove_cofacilitator", {"account_id": 12345})["error"] == "not_found"
    assert dump(app) == before
