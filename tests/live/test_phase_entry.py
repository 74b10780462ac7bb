"""Phase entry actions from the format (issue 18): the timer starts with a phase, a voting phase opens a round
with the format's budget, a phase can name the projector's automatic view, and leaving open work asks first."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from facilitation.formats import FormatError, parse_format
from tests.conftest import command, received_events, run


@pytest.fixture
def table(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    session_id, code = make_session(account_id, phase="cluster")
    clusters = [
        run(app, session_id, account_id, "cluster.create", {"title": title}).data["cluster"]["id"]
        for title in ("Regie", "Wachtlijsten")
    ]
    console = connect(http, code, "console")
    phone = connect(join(code), code, "participant")
    for sio in (console, phone):
        sio.get_received("/live")
    return {"session_id": session_id, "clusters": clusters, "console": console, "phone": phone}


def test_the_timer_starts_with_each_phase(app, facilitator, make_session, connect):
    http, account_id = facilitator
    _, code = make_session(account_id)
    console = connect(http, code, "console")
    started = command(console, "session.start")["data"]
    assert started["timer"]["running"] is True and started["timer"]["remaining_ms"] is None
    goto = command(console, "phase.goto", {"index": 1})["data"]
    ends_at = datetime.fromisoformat(goto["timer"]["ends_at"])
    now = datetime.fromisoformat(
        console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]["server_now"]
    )
    assert 14 * 60 < (ends_at - now).total_seconds() <= 15 * 60


def test_a_voting_phase_opens_a_round_with_the_formats_budget_for_every_screen(table):
    console, phone = table["console"], table["phone"]
    goto = command(console, "phase.goto", {"index": 3})
    assert goto["ok"], goto
    round_ = goto["data"]["round"]
    assert round_["status"] == "open" and round_["budget"] == 3 and round_["number"] == 1
    (event,) = [e for e in received_events(phone) if e["name"] == "phase.goto"]
    assert event["data"]["round"]["id"] == round_["id"]
    # the phone can vote at once
    voted = command(phone, "vote.set", {"round_id": round_["id"], "cluster_id": table["clusters"][0], "dots": 2})
    assert voted["ok"] and voted["data"]["left"] == 1, voted


def test_leaving_a_phase_with_an_open_round_asks_first_and_changes_nothing(table):
    console = table["console"]
    round_id = command(console, "phase.goto", {"index": 3})["data"]["round"]["id"]
    refused = command(console, "phase.goto", {"index": 4})
    assert refused["ok"] is False and refused["error"] == "confirm_open_round" and refused["message"]
    snapshot = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snapshot["phase_index"] == 3
    moved = command(console, "phase.goto", {"index": 4, "confirm": True})
    assert moved["ok"] and "round" not in moved["data"]
    # the round stays open; coming back to the voting phase opens no second one
    back = command(console, "phase.goto", {"index": 3, "confirm": True})
    assert back["ok"] and "round" not in back["data"]
    command(console, "vote.close")
    assert command(console, "phase.goto", {"index": 4})["ok"]
    assert round_id


def test_pending_proposals_are_open_work(table, app):
    console, phone = table["console"], table["phone"]
    command(console, "phase.goto", {"index": 3})
    command(console, "vote.close")
    command(console, "phase.goto", {"index": 5})
    proposed = command(
        phone,
        "commitment.propose",
        {"what": "Eén regisseur aanwijzen", "owner": "Teamleider", "level": "management"},
        "proposal-0001",
    )
    assert proposed["ok"], proposed
    refused = command(console, "phase.goto", {"index": 6})
    assert refused["error"] == "confirm_pending_proposals"
    assert command(console, "phase.goto", {"index": 6, "confirm": True})["ok"]


def test_a_levels_phase_switches_the_automatic_projector_view(table):
    console = table["console"]
    assert command(console, "projector.show", {"view": "wall"})["ok"]
    command(console, "phase.goto", {"index": 3})
    command(console, "vote.close")
    goto = command(console, "phase.goto", {"index": 4})["data"]
    assert goto["projector_view"] is None  # back to automatic
    snapshot = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    phase = snapshot["format"]["phases"][4]
    assert snapshot["projector_view"] is None and phase["projector"] == "levels" and phase["workspace"] == "levels"
    assert phase["guide"].startswith("Neem de knelpunten")


def test_phones_get_no_facilitator_script(table):
    snapshot = table["phone"].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert all(p["guide"] == "" for p in snapshot["format"]["phases"])


def test_every_installed_phase_has_a_script_in_both_languages(app):
    for fmt in app.extensions["formats"].values():
        for phase in fmt.phases:
            assert phase.guide and phase.guide.nl.strip() and phase.guide.en.strip(), (fmt.key, phase.key)


def test_entry_options_are_checked(tmp_path):
    path = Path(tmp_path) / "x.toml"
    base = (
        'mode = "learning-table"\ntitle = {nl = "a", en = "a"}\ndescription = {nl = "a", en = "a"}\n'
        '[[phases]]\nkey = "v"\nduration = 5\nactions = ["read", "vote"]\ntitle = {nl = "a", en = "a"}\n'
    )
    path.write_text(base)
    phase = parse_format(path).phases[0]
    assert phase.open_vote and phase.start_timer and phase.workspace == "votes" and phase.projector is None
    path.write_text(base + 'start_timer = false\nopen_vote = false\nworkspace = "levels"\n')
    phase = parse_format(path).phases[0]
    assert not phase.open_vote and not phase.start_timer and phase.workspace == "levels"
    for line, says in (('projector = "board"', "unknown projector"), ("start_timer = 1", "true or false")):
        path.write_text(base + line + "\n")
        with pytest.raises(FormatError, match=says):
            parse_format(path)
