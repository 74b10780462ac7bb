"""Case reconstruction (maatwerkreis): the facilitator lays out the case's journey as moments, participants pin
reflections to them, the projector shows it and the report includes it."""

from __future__ import annotations

import io
import uuid
import zipfile

from docx import Document

from tests.conftest import command, run
from tests.live.test_commands import dump
from tests.live.test_method_roomonly import docx_text


def moments_of(sio):
    return sio.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]["moments"]


def test_the_format_loads_with_its_phases(app):
    fmt = app.extensions["formats"]["case-reconstruction"]
    assert [p.key for p in fmt.phases] == [
        "journey",
        "perspective",
        "pin",
        "cluster",
        "causes",
        "commitments",
        "closing",
    ]
    assert fmt.title.nl.startswith("Casusreconstructie") and "write" in fmt.phases[2].actions


def test_the_facilitator_lays_out_and_reorders_the_journey(app, facilitator, make_session, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, fmt="case-reconstruction")  # in preparation, before the start
    console = connect(client, code, "console")
    signal = command(console, "moment.add", {"kind": "signal", "title": "School meldt verzuim", "when": "sept 2023"})
    crisis = command(
        console,
        "moment.add",
        {
            "kind": "crisis",
            "title": "Uithuisplaatsing",
            "when": "feb 2024",
            "description": "Na een melding bij Veilig Thuis.",
        },
    )
    intake = command(console, "moment.add", {"kind": "intake", "title": "Intake wijkteam", "position": 1})
    assert intake["data"]["order"] == [
        signal["data"]["moment"]["id"],
        intake["data"]["moment"]["id"],
        crisis["data"]["moment"]["id"],
    ]
    assert [m["title"] for m in moments_of(console)] == ["School meldt verzuim", "Intake wijkteam", "Uithuisplaatsing"]

    assert command(console, "moment.move", {"id": crisis["data"]["moment"]["id"], "position": 0})["ok"]
    assert [m["kind"] for m in moments_of(console)] == ["crisis", "signal", "intake"]
    edited = command(
        console,
        "moment.edit",
        {"id": intake["data"]["moment"]["id"], "kind": "rejection", "title": "Aanvraag afgewezen"},
    )
    assert edited["data"]["moment"]["kind"] == "rejection" and edited["data"]["moment"]["title"] == "Aanvraag afgewezen"
    assert command(console, "moment.delete", {"id": signal["data"]["moment"]["id"]})["data"]["order"] == [
        crisis["data"]["moment"]["id"],
        intake["data"]["moment"]["id"],
    ]
    assert [m["position"] for m in moments_of(console)] == [0, 1]


def test_bad_moments_are_refused_and_change_nothing(app, facilitator, make_session, make_account, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, fmt="case-reconstruction")
    console = connect(client, code, "console")
    moment = command(console, "moment.add", {"kind": "signal", "title": "Eerste signaal"})["data"]["moment"]
    other_owner, _ = make_account()
    other_session, _ = make_session(other_owner, fmt="case-reconstruction")
    foreign = run(app, other_session, other_owner, "moment.add", {"kind": "crisis", "title": "Elders"}).data["moment"]
    before = dump(app)
    cases = [
        ("moment.add", {"kind": "party", "title": "x"}, "invalid_choice"),
        ("moment.add", {"kind": "signal"}, "missing_field"),
        ("moment.add", {"kind": "signal", "title": "x" * 121}, "too_long"),
        ("moment.add", {"kind": "signal", "title": "x", "position": 5}, "out_of_range"),
        ("moment.edit", {"id": foreign["id"], "title": "Overgenomen"}, "not_found"),
        ("moment.edit", {"id": moment["id"], "title": "Eerste signaal"}, "no_change"),
        ("moment.move", {"id": moment["id"], "position": 3}, "out_of_range"),
        ("moment.move", {"id": moment["id"], "position": 0}, "no_change"),
        ("moment.delete", {"id": "1"}, "wrong_type"),
    ]
    for name, payload, error in cases:
        ack = command(console, name, payload)
        assert ack["error"] == error and ack["message"], (name, payload)
    assert dump(app) == before


def test_participants_pin_their_reflections_to_moments(app, facilitator, make_session, join, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, fmt="case-reconstruction", phase="pin")
    crisis = run(app, session_id, account_id, "moment.add", {"kind": "crisis", "title": "Crisis"}).data["moment"]
    breakthrough = run(app, session_id, account_id, "moment.add", {"kind": "breakthrough", "title": "Eén plan"}).data[
        "moment"
    ]
    phone = connect(join(code), code, "participant")
    other = connect(join(code), code, "participant")
    assert [m["title"] for m in moments_of(phone)] == ["Crisis", "Eén plan"]  # phones see the journey

    posted = command(
        phone,
        "reflection.post",
        {"kind": "bottleneck", "text": "Niemand schaalde op", "moment_id": crisis["id"]},
        uuid.uuid4().hex,
    )
    assert posted["ok"] and posted["data"]["moment_id"] == crisis["id"]
    loose = command(phone, "reflection.post", {"kind": "success", "text": "Eén regisseur"}, uuid.uuid4().hex)
    assert command(phone, "reflection.pin", {"id": loose["data"]["id"], "moment_id": breakthrough["id"]})["ok"]
    before = dump(app)
    # not someone else's reflection, not a moment of nowhere
    assert (
        command(other, "reflection.pin", {"id": loose["data"]["id"], "moment_id": crisis["id"]})["error"] == "not_found"
    )
    assert command(phone, "reflection.pin", {"id": loose["data"]["id"], "moment_id": 99999})["error"] == "not_found"
    assert (
        command(phone, "reflection.post", {"kind": "success", "text": "x", "moment_id": 99999}, uuid.uuid4().hex)[
            "error"
        ]
        == "not_found"
    )
    assert dump(app) == before
    console = connect(client, code, "console")
    unpinned = command(console, "reflection.pin", {"id": loose["data"]["id"], "moment_id": None})
    assert unpinned["ok"] and unpinned["data"]["moment_id"] is None
    # deleting a moment keeps its reflections, unpinned
    deleted = command(console, "moment.delete", {"id": crisis["id"]})
    assert deleted["data"]["unpinned"] == [posted["data"]["id"]]
    snap = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert {r["text"]: r["moment_id"] for r in snap["reflections"]} == {
        "Niemand schaalde op": None,
        "Eén regisseur": None,
    }


def test_the_projector_can_show_the_journey(app, facilitator, make_session, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, fmt="case-reconstruction", start=True)
    console = connect(client, code, "console")
    assert command(console, "projector.show", {"view": "journey"})["data"]["view"] == "journey"
    page = client.get(f"/sessions/{session_id}/projector").get_data(as_text=True)
    assert 'id="journey-view"' in page and 'id="projector-journey"' in page
    assert 'data-view="journey"' in client.get(f"/sessions/{session_id}/console").get_data(as_text=True)


def test_the_report_includes_the_journey(app, facilitator, make_session, join, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, fmt="case-reconstruction", phase="pin")
    crisis = run(
        app,
        session_id,
        account_id,
        "moment.add",
        {"kind": "crisis", "title": "Uithuisplaatsing", "when": "februari 2024"},
    ).data["moment"]
    run(app, session_id, account_id, "moment.add", {"kind": "signal", "title": "School meldt verzuim", "position": 0})
    phone = connect(join(code), code, "participant")
    command(
        phone,
        "reflection.post",
        {"kind": "bottleneck", "text": "Geen opschaling naar de GGZ", "moment_id": crisis["id"]},
        uuid.uuid4().hex,
    )
    command(
        phone,
        "reflection.post",
        {"kind": "bottleneck", "text": "Alleen voor de zaal gezegd", "moment_id": crisis["id"], "room_only": True},
        uuid.uuid4().hex,
    )

    text = docx_text(client.get(f"/sessions/{session_id}/report/docx").data)
    assert "De maatwerkreis" in text and "School meldt verzuim" in text and "Uithuisplaatsing" in text
    assert "Geen opschaling naar de GGZ" in text and "februari 2024" in text and "Crisis" in text
    assert "Alleen voor de zaal" not in text
    doc = Document(io.BytesIO(client.get(f"/sessions/{session_id}/report/docx").data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "De maatwerkreis" in headings and "2. Uithuisplaatsing" in headings

    markdown = client.get(f"/sessions/{session_id}/report/md").get_data(as_text=True)
    assert "## De maatwerkreis" in markdown and "### 2. Uithuisplaatsing" in markdown
    assert "Geen opschaling naar de GGZ" in markdown and "Alleen voor de zaal" not in markdown
    report = client.get(f"/sessions/{session_id}/report/json").get_json()
    assert [m["title"] for m in report["moments"]] == ["School meldt verzuim", "Uithuisplaatsing"]
    assert [r["text"] for r in report["moments"][1]["reflections"]] == ["Geen opschaling naar de GGZ"]
    with zipfile.ZipFile(io.BytesIO(client.get(f"/sessions/{session_id}/report/csv").data)) as archive:
        moments_csv = archive.read("moments.csv").decode("utf-8-sig")
    assert "Uithuisplaatsing" in moments_csv and "februari 2024" in moments_csv
