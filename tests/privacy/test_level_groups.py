"""Levels get the disciplines' minimum group size (issue 20: with one governance participant the Word report's
participation table said "Bestuur 1" and tagged their three reflections "(bestuur)")."""

from __future__ import annotations

import io
import uuid

from docx import Document

from facilitation.extensions import db
from facilitation.live import snapshots
from facilitation.models import Session
from facilitation.reports import data as report_data
from facilitation.reports import render_session

LEVELS = ("execution", "management", "governance")


def _post(phone, code: str, text: str, level: str | None = None) -> dict:
    args = {"kind": "bottleneck", "text": text, **({"level": level} if level else {})}
    ack = phone.post(
        f"/api/s/{code}/command", json={"name": "reflection.post", "client_id": uuid.uuid4().hex, "args": args}
    ).get_json()
    assert ack["ok"], ack
    return ack["data"]


def _docx_text(app, session_id: int) -> str:
    with app.test_request_context():
        content = render_session(db.session.get(Session, session_id), "docx").content
    doc = Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_one_board_member_is_neither_counted_nor_tagged(app, make_account, make_session, join):
    owner_id, _ = make_account()
    session_id, code = make_session(owner_id, levels=LEVELS, phase="write")
    workers = [join(code, level="execution") for _ in range(4)]
    director = join(code, level="governance")
    for text in ("Budgetten schotten de zorg af", "Wij sturen op productie", "Niemand durft te kiezen"):
        event = _post(director, code, text)
        assert event["level"] is None  # the wall, the console and the phones get it without the level
    _post(workers[0], code, "De wachtlijst is te lang")
    about_the_board = _post(workers[1], code, "Het bestuur moet de regels loslaten", level="governance")
    assert about_the_board["level"] == "governance"  # about another level than the writer's: says nothing of who

    with app.test_request_context():
        session_ = db.session.get(Session, session_id)
        report = report_data.gather_session(session_, timeline=True)
        staff = snapshots.snapshot(session_, "staff")
    assert [p.level for p in report.participation] == ["execution"]
    assert report.participants_total == 5
    tagged = {r.text: r.level for r in report.reflections}
    assert tagged["Wij sturen op productie"] is None
    assert tagged["De wachtlijst is te lang"] == "execution"
    assert tagged["Het bestuur moet de regels loslaten"] == "governance"
    assert all(e.level != "governance" for e in report.timeline)
    assert {r["text"]: r["level"] for r in staff["reflections"]}["Niemand durft te kiezen"] is None

    text = _docx_text(app, session_id)
    assert "Wij sturen op productie" in text
    # only the execution worker's reflection about the board keeps its tag
    assert text.count("(bestuur)") == 1 and "Het bestuur moet de regels loslaten (bestuur)" in text
    assert "Bestuur\n1" not in text


def test_small_levels_merge_into_other_levels(app, make_account, make_session, join):
    owner_id, _ = make_account()
    session_id, code = make_session(owner_id, levels=LEVELS, phase="write")
    for level, people in (("execution", 4), ("management", 2), ("governance", 1)):
        for _ in range(people):
            _post(join(code, level=level), code, f"Knelpunt vanuit {level}")
    with app.test_request_context():
        report = report_data.gather_session(db.session.get(Session, session_id))
    rows = {p.level: (p.participants, p.reflections) for p in report.participation}
    assert rows == {"execution": (4, 4), report_data.OTHER_LEVELS: (3, 3)}
    assert not any(r.level in ("management", "governance") for r in report.reflections)
    text = _docx_text(app, session_id)
    assert "Uitvoering\n4\n4\n0\nOverige niveaus\n3\n3\n0" in text


def test_a_participant_alone_at_their_level_is_told_on_the_phone(app, make_account, make_session, join):
    owner_id, _ = make_account()
    _, code = make_session(owner_id, levels=LEVELS, phase="write")
    workers = [join(code, level="execution") for _ in range(3)]
    director = join(code, level="governance")
    page = director.get(f"/p/{code}", follow_redirects=True).get_data(as_text=True)
    assert 'id="level-notice"' in page
    assert 'id="level-notice"' not in workers[0].get(f"/p/{code}", follow_redirects=True).get_data(as_text=True)
