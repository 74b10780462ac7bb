"""Fishbowl mode through the command pipeline: the queue for the empty chair, seating by the facilitator or by
itself, leaving, who may do what, topics in rounds, speaking time per level, and the report's section."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from docx import Document

from facilitation.extensions import db
from facilitation.models import FishbowlRequest, FishbowlRound, FishbowlSeating, Session
from tests.conftest import command, received_events, run
from tests.live.test_commands import dump


@pytest.fixture
def bowl(app, facilitator, make_session, join, connect):
    """A fishbowl session in its rounds phase: a console, a projector and four phones of different levels."""
    http, account_id = facilitator
    session_id, code = make_session(
        account_id, fmt="fishbowl", phase="rounds", levels=("execution", "management", "policy", "governance")
    )
    people = [("execution", "Sanne"), ("management", None), ("policy", None), ("governance", "Wethouder Jansen")]
    phones_http = [join(code, level=level, name=name) for level, name in people]
    console = connect(http, code, "console")
    projector = connect(http, code, "projector")
    phones = [connect(p, code, "participant") for p in phones_http]
    ids = []
    for phone in phones:
        ack = phone.emit("resume", {"seq": -1}, namespace="/live", callback=True)
        ids.append(ack["snapshot"]["me"]["id"])
    for sio in (console, projector, *phones):
        sio.get_received("/live")
    return {
        "session_id": session_id,
        "code": code,
        "account_id": account_id,
        "console": console,
        "projector": projector,
        "phones": phones,
        "phones_http": phones_http,
        "ids": ids,
        "http": http,
    }


def ok(sio, name, args=None):
    ack = command(sio, name, args or {})
    assert ack["ok"], ack
    return ack["data"]


def refused(app, sio, name, args, error):
    """The command is refused with a message, and no row anywhere changed."""
    before = dump(app)
    ack = command(sio, name, args)
    assert ack["ok"] is False and ack["error"] == error and ack["message"], ack
    assert dump(app) == before
    return ack


def seated_ids(state) -> list[int]:
    return [s["participant_id"] for s in state["seats"]]


def queued_ids(state) -> list[int]:
    return [q["participant_id"] for q in state["queue"]]


def test_a_phone_asks_for_the_empty_chair_and_every_screen_sees_the_queue(app, bowl):
    sanne, manager = bowl["phones"][0], bowl["phones"][1]
    state = ok(sanne, "fishbowl.request")["fishbowl"]
    assert queued_ids(state) == [bowl["ids"][0]] and state["seats"] == []
    ok(manager, "fishbowl.request")
    # the projector shows names people chose, and the anonymous by level
    event = received_events(bowl["projector"])[-1]
    assert event["name"] == "fishbowl.request"
    assert [(q["name"], q["level"]) for q in event["data"]["fishbowl"]["queue"]] == [
        ("Sanne", "execution"),
        (None, "management"),
    ]
    assert received_events(bowl["phones"][3])[-1]["name"] == "fishbowl.request"
    refused(app, sanne, "fishbowl.request", {}, "already_queued")
    # withdrawing takes the phone off the queue; withdrawing twice is refused
    state = ok(sanne, "fishbowl.withdraw")["fishbowl"]
    assert queued_ids(state) == [bowl["ids"][1]]
    refused(app, sanne, "fishbowl.withdraw", {}, "not_queued")
    # a new snapshot holds the same queue
    snapshot = bowl["projector"].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert queued_ids(snapshot["fishbowl"]) == [bowl["ids"][1]] and snapshot["fishbowl"]["chairs"] == 5
    # staff screens also get everyone who joined, to seat someone who did not ask; phones do not
    assert [(p["id"], p["name"], p["level"]) for p in snapshot["fishbowl_people"]][:2] == [
        (bowl["ids"][0], "Sanne", "execution"),
        (bowl["ids"][1], None, "management"),
    ]
    phone_snapshot = sanne.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert "fishbowl_people" not in phone_snapshot and queued_ids(phone_snapshot["fishbowl"]) == [bowl["ids"][1]]


def test_the_facilitator_seats_people_until_the_circle_is_full(app, bowl):
    console, ids = bowl["console"], bowl["ids"]
    ok(bowl["phones"][1], "fishbowl.request")
    ok(console, "fishbowl.settings", {"chairs": 3})
    state = ok(console, "fishbowl.seat", {"participant_id": ids[1]})["fishbowl"]
    # seated from the queue: off the queue, on the first free chair, with their level
    assert state["queue"] == [] and [(s["seat"], s["level"]) for s in state["seats"]] == [(1, "management")]
    # the facilitator may also seat someone who did not ask, on a chosen chair
    state = ok(console, "fishbowl.seat", {"participant_id": ids[3], "seat": 3})["fishbowl"]
    assert [(s["seat"], s["name"]) for s in state["seats"]] == [(1, None), (3, "Wethouder Jansen")]
    refused(app, console, "fishbowl.seat", {"participant_id": ids[0], "seat": 3}, "seat_taken")
    refused(app, console, "fishbowl.seat", {"participant_id": ids[3]}, "already_seated")
    refused(app, console, "fishbowl.seat", {"participant_id": ids[0], "seat": 4}, "out_of_range")
    ok(console, "fishbowl.seat", {"participant_id": ids[0]})
    refused(app, console, "fishbowl.seat", {"participant_id": ids[2]}, "circle_full")
    # a seated phone cannot queue; the facilitator frees a chair
    refused(app, bowl["phones"][0], "fishbowl.request", {}, "already_seated")
    state = ok(console, "fishbowl.unseat", {"participant_id": ids[3]})["fishbowl"]
    assert sorted(seated_ids(state)) == sorted([ids[0], ids[1]])
    refused(app, console, "fishbowl.unseat", {"participant_id": ids[3]}, "not_seated")


def test_auto_seat_fills_the_empty_chair_from_the_queue(app, bowl):
    console, phones, ids = bowl["console"], bowl["phones"], bowl["ids"]
    ok(phones[0], "fishbowl.request")
    ok(phones[1], "fishbowl.request")
    state = ok(console, "fishbowl.settings", {"chairs": 2, "auto_seat": True})["fishbowl"]
    # switching auto-seat on seats whoever waits, first come first seated
    assert state["auto_seat"] is True and seated_ids(state) == [ids[0], ids[1]] and state["queue"] == []
    state = ok(phones[2], "fishbowl.request")["fishbowl"]
    assert queued_ids(state) == [ids[2]]
    ok(phones[3], "fishbowl.request")
    # "I'm leaving the circle": the first in the queue takes the chair at once
    data = ok(phones[0], "fishbowl.leave")
    assert data["seated"] == [ids[2]]
    assert [(s["seat"], s["participant_id"]) for s in data["fishbowl"]["seats"]] == [(1, ids[2]), (2, ids[1])]
    assert queued_ids(data["fishbowl"]) == [ids[3]]
    refused(app, phones[0], "fishbowl.leave", {}, "not_seated")
    # when nobody waits, a chair that comes free stays empty
    ok(phones[3], "fishbowl.withdraw")
    state = ok(phones[1], "fishbowl.leave")["fishbowl"]
    assert seated_ids(state) == [ids[2]]
    # without auto-seat the queue waits for the facilitator
    ok(console, "fishbowl.settings", {"auto_seat": False})
    state = ok(phones[0], "fishbowl.request")["fishbowl"]
    assert queued_ids(state) == [ids[0]] and seated_ids(state) == [ids[2]]


def test_settings_are_checked(app, bowl):
    console, ids = bowl["console"], bowl["ids"]
    ok(console, "fishbowl.seat", {"participant_id": ids[0], "seat": 5})
    refused(app, console, "fishbowl.settings", {"chairs": 4}, "chairs_occupied")
    refused(app, console, "fishbowl.settings", {"chairs": 1}, "out_of_range")
    refused(app, console, "fishbowl.settings", {"chairs": 99}, "out_of_range")
    refused(app, console, "fishbowl.settings", {"chairs": "5"}, "wrong_type")
    refused(app, console, "fishbowl.settings", {"auto_seat": "yes"}, "wrong_type")
    refused(app, console, "fishbowl.settings", {"chairs": 5, "auto_seat": False}, "no_change")
    refused(app, console, "fishbowl.settings", {}, "no_change")
    assert ok(console, "fishbowl.settings", {"chairs": 7})["fishbowl"]["chairs"] == 7


def test_who_may_do_what_and_when(app, bowl, make_account, make_session, join, connect):
    console, phone, ids = bowl["console"], bowl["phones"][0], bowl["ids"]
    # phones cannot seat, unseat or change the circle; the facilitator has no place in the queue
    for name, args in (
        ("fishbowl.seat", {"participant_id": ids[0]}),
        ("fishbowl.unseat", {"participant_id": ids[0]}),
        ("fishbowl.settings", {"chairs": 6}),
        ("fishbowl.topic", {"cluster_id": None}),
    ):
        refused(app, phone, name, args, "forbidden")
    for name in ("fishbowl.request", "fishbowl.withdraw", "fishbowl.leave"):
        refused(app, console, name, {}, "forbidden")
    # unknown participants, and participants of another session
    refused(app, console, "fishbowl.seat", {"participant_id": 999_999}, "not_found")
    refused(app, console, "fishbowl.seat", {}, "missing_field")
    refused(app, console, "fishbowl.seat", {"participant_id": "1"}, "wrong_type")
    other_owner, _ = make_account()
    _, other_code = make_session(other_owner, fmt="fishbowl", phase="rounds")
    stranger = connect(join(other_code), other_code, "participant")
    stranger_id = stranger.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]["me"]["id"]
    refused(app, console, "fishbowl.seat", {"participant_id": stranger_id}, "not_found")
    # outside the rounds phase nobody asks for or gets a chair
    run(app, bowl["session_id"], bowl["account_id"], "phase.goto", {"index": 0})
    refused(app, phone, "fishbowl.request", {}, "phase_does_not_allow")
    refused(app, console, "fishbowl.seat", {"participant_id": ids[0]}, "phase_does_not_allow")
    # the settings can be prepared before the rounds begin
    assert ok(console, "fishbowl.settings", {"auto_seat": True})["fishbowl"]["auto_seat"] is True


def test_a_learning_table_has_no_circle(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phone = connect(join(code), code, "participant")
    snapshot = phone.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert "fishbowl" not in snapshot
    ack = command(phone, "fishbowl.request")
    assert ack["error"] == "phase_does_not_allow"


def test_the_topic_is_a_cluster_of_this_session_and_each_change_starts_a_round(app, bowl, make_account, make_session):
    console, sid, owner = bowl["console"], bowl["session_id"], bowl["account_id"]
    first = run(app, sid, owner, "cluster.create", {"title": "Geen casusregie"}).data["cluster"]["id"]
    second = run(app, sid, owner, "cluster.create", {"title": "Budgetten schotten"}).data["cluster"]["id"]
    state = ok(console, "fishbowl.topic", {"cluster_id": first})["fishbowl"]
    assert state["round"]["number"] == 1 and state["round"]["topic"] == "Geen casusregie" and state["rounds"] == 1
    refused(app, console, "fishbowl.topic", {"cluster_id": first}, "no_change")
    state = ok(console, "fishbowl.topic", {"cluster_id": second})["fishbowl"]
    assert state["round"]["number"] == 2 and state["round"]["cluster_id"] == second
    other_owner, _ = make_account()
    other_sid, _ = make_session(other_owner, fmt="fishbowl", phase="rounds")
    foreign = run(app, other_sid, other_owner, "cluster.create", {"title": "Elders"}).data["cluster"]["id"]
    refused(app, console, "fishbowl.topic", {"cluster_id": foreign}, "not_found")
    refused(app, console, "fishbowl.topic", {"cluster_id": 999_999}, "not_found")
    refused(app, console, "fishbowl.topic", {}, "missing_field")
    # the cluster under discussion is deleted: the round keeps its topic and can still be ended
    run(app, sid, owner, "cluster.delete", {"id": second})
    snapshot = bowl["projector"].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snapshot["fishbowl"]["round"]["topic"] == "Budgetten schotten"
    state = ok(console, "fishbowl.topic", {"cluster_id": None})["fishbowl"]
    assert state["round"] is None and state["rounds"] == 2
    refused(app, console, "fishbowl.topic", {"cluster_id": None}, "no_change")
    with app.app_context():
        rounds = db.session.scalars(
            sa.select(FishbowlRound).where(FishbowlRound.session_id == sid).order_by(FishbowlRound.number)
        ).all()
        assert [r.topic for r in rounds] == ["Geen casusregie", "Budgetten schotten"]
        assert all(r.ended_at is not None for r in rounds)
        assert rounds[0].ended_at == rounds[1].started_at


def test_leaving_the_rounds_phase_empties_the_circle_and_stops_the_clock(app, bowl):
    console, phones, ids, sid = bowl["console"], bowl["phones"], bowl["ids"], bowl["session_id"]
    ok(console, "fishbowl.seat", {"participant_id": ids[0]})
    ok(phones[1], "fishbowl.request")
    data = ok(console, "phase.goto", {"index": 2})
    assert data["fishbowl"]["seats"] == [] and data["fishbowl"]["queue"] == []
    assert received_events(phones[2])[-1]["data"]["fishbowl"]["seats"] == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FishbowlRequest.id))) == 0
        seating = db.session.scalar(sa.select(FishbowlSeating).where(FishbowlSeating.session_id == sid))
        assert seating.left_at is not None and seating.level == "execution"
    # a phase change with nothing in the circle says nothing about it
    assert "fishbowl" not in ok(console, "phase.goto", {"index": 1})


def test_closing_the_session_ends_every_turn_and_the_round(app, bowl):
    console, ids, sid = bowl["console"], bowl["ids"], bowl["session_id"]
    cluster = run(app, sid, bowl["account_id"], "cluster.create", {"title": "Regie"}).data["cluster"]["id"]
    ok(console, "fishbowl.topic", {"cluster_id": cluster})
    ok(console, "fishbowl.seat", {"participant_id": ids[3]})
    data = ok(console, "session.close")
    assert data["status"] == "closed" and data["fishbowl"]["seats"] == [] and data["fishbowl"]["round"] is None
    with app.app_context():
        closed_at = db.session.get(Session, sid).closed_at
        seating = db.session.scalar(sa.select(FishbowlSeating).where(FishbowlSeating.session_id == sid))
        assert seating.left_at == closed_at
        assert db.session.scalar(sa.select(FishbowlRound.ended_at).where(FishbowlRound.session_id == sid)) == closed_at
    refused(app, console, "fishbowl.seat", {"participant_id": ids[0]}, "session_closed")


T0 = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def set_times(app, session_id, times: list[tuple[datetime, datetime | None]]) -> None:
    """Give the seatings (in the order they were made) controlled times: commands stamp the real clock."""
    with app.app_context():
        seatings = db.session.scalars(
            sa.select(FishbowlSeating).where(FishbowlSeating.session_id == session_id).order_by(FishbowlSeating.id)
        ).all()
        assert len(seatings) == len(times)
        for seating, (sat_at, left_at) in zip(seatings, times):
            seating.sat_at, seating.left_at = sat_at, left_at
        db.session.commit()


def test_speaking_time_per_level_and_per_occupant(app, bowl):
    from facilitation.live import fishbowl

    console, ids, sid = bowl["console"], bowl["ids"], bowl["session_id"]
    ok(console, "fishbowl.seat", {"participant_id": ids[3]})  # governance
    ok(console, "fishbowl.seat", {"participant_id": ids[0]})  # execution
    ok(console, "fishbowl.unseat", {"participant_id": ids[3]})
    ok(console, "fishbowl.seat", {"participant_id": ids[1]})  # management, still seated
    ok(console, "fishbowl.seat", {"participant_id": ids[3]})  # governance again, still seated
    set_times(app, sid, [(at(0), at(10)), (at(0), at(5)), (at(5), None), (at(12), None)])
    with app.app_context():
        spoken = fishbowl.speaking_time(sid, at(15))
        # governance 10 + 3 min, execution 5, management 10 (seated at 5, counted until now)
        assert spoken.per_level == {"execution": 300.0, "management": 600.0, "policy": 0.0, "governance": 780.0}
        assert spoken.total == 1680.0 and spoken.turns == 4
        assert spoken.percentages() == {"execution": 18, "management": 36, "policy": 0, "governance": 46}
        assert sum(spoken.percentages().values()) == 100
        governor = next(o for o in spoken.occupants if o.participant_id == ids[3])
        assert (governor.name, governor.level, governor.seconds, governor.turns) == (
            "Wethouder Jansen",
            "governance",
            780.0,
            2,
        )
        assert spoken.occupants[0].participant_id == ids[3]
        # earlier moments count only what had happened by then
        early = fishbowl.speaking_time(sid, at(4))
        assert early.per_level["governance"] == 240.0 and early.per_level["management"] == 0.0
        assert early.turns == 2
        # the state screens get holds finished turns only; they add the running ones themselves
        view = fishbowl.state_view(db.session.get(Session, sid), app.extensions["formats"]["fishbowl"])
        assert view["finished_seconds"]["governance"] == 600.0 and view["turns"] == 4
        assert [(o["participant_id"], o["name"], o["finished_seconds"], o["turns"]) for o in view["occupants"]] == [
            (ids[3], "Wethouder Jansen", 600.0, 2),
            (ids[0], "Sanne", 300.0, 1),
            (ids[1], None, 0.0, 1),
        ]
    # a participant who is purged still counts, by level
    with app.app_context():
        from facilitation.models import Participant

        db.session.delete(db.session.get(Participant, ids[0]))
        db.session.commit()
        spoken = fishbowl.speaking_time(sid, at(15))
        assert spoken.per_level["execution"] == 300.0
        assert any(o.participant_id is None and o.level == "execution" for o in spoken.occupants)


def word_text(app, session_id) -> tuple[list[str], str, Document]:
    from facilitation import reports

    with app.app_context():
        export = reports.render_session(db.session.get(Session, session_id), "docx")
    doc = Document(io.BytesIO(export.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    return headings, text + "\n" + cells, doc


@pytest.mark.parametrize(
    "language,words",
    [
        (
            "nl",
            [
                "Fishbowl",
                "Rondes en onderwerpen",
                "Spreektijd per niveau",
                "Bestuur had 60% van de tijd de stoel.",
                "Geen casusregie",
                "Tijd in de kring",
            ],
        ),
        (
            "en",
            [
                "Fishbowl",
                "Rounds and topics",
                "Speaking time per level",
                "Governance had the chair 60% of the time.",
                "Geen casusregie",
                "Time in the circle",
            ],
        ),
    ],
)
def test_the_report_has_a_fishbowl_section(app, facilitator, make_session, join, language, words):
    http, owner = facilitator
    sid, code = make_session(
        owner, fmt="fishbowl", phase="rounds", language=language, levels=("execution", "governance")
    )
    join(code, level="governance")
    join(code, level="execution")
    with app.app_context():
        from facilitation.models import Participant

        governor, worker = db.session.scalars(
            sa.select(Participant.id).where(Participant.session_id == sid).order_by(Participant.id)
        ).all()
    cluster = run(app, sid, owner, "cluster.create", {"title": "Geen casusregie"}).data["cluster"]["id"]
    run(app, sid, owner, "fishbowl.topic", {"cluster_id": cluster})
    run(app, sid, owner, "fishbowl.seat", {"participant_id": governor})
    run(app, sid, owner, "fishbowl.seat", {"participant_id": worker})
    run(app, sid, owner, "session.close")
    set_times(app, sid, [(at(0), at(6)), (at(0), at(4))])
    headings, text, doc = word_text(app, sid)
    for expected in words:
        assert expected in headings or expected in text, expected
    assert "6:00 min" in text and "4:00 min" in text and "10:00 min" in text
    # the chart is a picture in the document
    assert any(rel.reltype.endswith("/image") for rel in doc.part.rels.values())
    from facilitation import reports

    with app.app_context():
        markdown = reports.render_session(db.session.get(Session, sid), "md").content.decode()
        data = reports.render_session(db.session.get(Session, sid), "json").content.decode()
        archive = zipfile.ZipFile(io.BytesIO(reports.render_session(db.session.get(Session, sid), "csv").content))
    assert words[2] in markdown and '"turns": 2' in data
    delimiter = ";" if language == "nl" else ","
    rows = archive.read("fishbowl_speaking_time.csv").decode("utf-8-sig").splitlines()
    assert rows[1:] == [
        delimiter.join(row)
        for row in (
            ("execution", "240", "40"),
            ("management", "0", "0"),
            ("policy", "0", "0"),
            ("governance", "360", "60"),
        )
    ]
    assert "Geen casusregie" in archive.read("fishbowl_rounds.csv").decode("utf-8-sig")


def test_no_fishbowl_section_without_a_circle(app, facilitator, make_session):
    http, owner = facilitator
    sid, _ = make_session(owner, fmt="fishbowl", phase="rounds")
    headings, _, _ = word_text(app, sid)
    assert "Fishbowl" not in headings


def seated_in_db(app, session_id) -> list[int]:
    with app.app_context():
        db.session.rollback()
        return list(
            db.session.scalars(
                sa.select(FishbowlSeating.participant_id).where(
                    FishbowlSeating.session_id == session_id, FishbowlSeating.left_at.is_(None)
                )
            )
        )


def wait_until(check, seconds=5.0):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_a_phone_that_drops_keeps_its_chair_for_the_grace_period(app, bowl, connect):
    import time

    app.config["FISHBOWL_GRACE_SECONDS"] = 0.4
    console, ids, sid = bowl["console"], bowl["ids"], bowl["session_id"]
    ok(console, "fishbowl.seat", {"participant_id": ids[0]})
    ok(console, "fishbowl.seat", {"participant_id": ids[1]})
    phones_http = [bowl["phones"][0], bowl["phones"][1]]
    # phone 0 drops and comes back within the grace period: it keeps its chair
    phones_http[0].disconnect("/live")
    back = connect(bowl["phones_http"][0], bowl["code"], "participant")
    assert back.is_connected("/live")
    # phone 1 drops for good: after the grace period its chair is free, through the command path
    phones_http[1].disconnect("/live")
    assert wait_until(lambda: seated_in_db(app, sid) == [ids[0]])
    time.sleep(0.5)
    assert seated_in_db(app, sid) == [ids[0]]
    assert any(e["name"] == "fishbowl.leave" for e in received_events(console))


def test_without_a_grace_period_the_chair_waits_for_the_facilitator(app, bowl):
    import time

    app.config["FISHBOWL_GRACE_SECONDS"] = 0
    ok(bowl["console"], "fishbowl.seat", {"participant_id": bowl["ids"][0]})
    bowl["phones"][0].disconnect("/live")
    time.sleep(0.3)
    assert seated_in_db(app, bowl["session_id"]) == [bowl["ids"][0]]
