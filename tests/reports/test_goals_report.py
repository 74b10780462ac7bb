"""Goals per level in the programme report: per level its goals, the commitments serving each with their status,
and the bottlenecks of that level no commitment answers (also when answered once carried forward), in Word,
Markdown and the CSV zip."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
import sqlalchemy as sa
from docx import Document
from docx.table import Table

from facilitation.extensions import db
from facilitation.models import ProgrammeGoal, Session
from tests.conftest import run
from tests.programmes.test_programmes import create_programme
from tests.reports.accessibility import docx_problems


def _goal(app, client, programme_id, title, level, kind="change", description=""):
    client.post(
        f"/programmes/{programme_id}/goals",
        data={"level": level, "kind": kind, "title": title, "description": description},
    )
    with app.app_context():
        return db.session.scalar(sa.select(ProgrammeGoal.id).where(ProgrammeGoal.title == title))


def _session(app, client, account_id, programme_id, title):
    response = client.post(
        f"/programmes/{programme_id}/sessions",
        data={"title": title, "format": "learning-table", "levels": ["execution", "policy"]},
    )
    session_id = int(response.headers["Location"].split("/")[-2])
    run(app, session_id, account_id, "session.start")
    return session_id


def _cluster(app, session_id, account_id, title, level):
    cluster = run(app, session_id, account_id, "cluster.create", {"title": title}).data["cluster"]["id"]
    run(app, session_id, account_id, "cluster.set_level", {"id": cluster, "level": level})
    return cluster


@pytest.fixture
def programme(app, facilitator):
    """Goals on three levels; two sessions whose commitments serve some; bottlenecks left without a commitment
    at two levels; one bottleneck answered only after it was carried into the second session."""
    client, me = facilitator
    programme_id = create_programme(client, "Samen rond het gezin")
    regie = _goal(
        app, client, programme_id, "Eén gezinsplan, één regisseur", "execution", description="Binnen vier weken."
    )
    loketten = _goal(app, client, programme_id, "Weten wat de andere loketten doen", "execution", kind="learning")
    budget = _goal(app, client, programme_id, "Eén budget voor maatwerk", "policy")
    _goal(app, client, programme_id, "Bestuurders horen het verhaal zelf", "governance", kind="learning")

    first = _session(app, client, me, programme_id, "Leertafel 1")
    geen_regie = _cluster(app, first, me, "Geen regie over het gezin", "execution")
    _cluster(app, first, me, "Wachtlijst jeugd-GGZ", "policy")
    schotten = _cluster(app, first, me, "Schotten tussen budgetten", "policy")
    _cluster(app, first, me, "Geen tijd voor casusoverleg", "management")
    commitment = run(
        app,
        first,
        me,
        "commitment.record",
        {
            "what": "Binnen vijf werkdagen één gezinsregisseur",
            "owner": "Teamleider wijkteam",
            "level": "execution",
            "goal_id": regie,
            "cluster_ids": [geen_regie],
        },
    ).data["commitment"]["id"]
    run(app, first, me, "commitment.set_status", {"id": commitment, "status": "done", "note": "Staat"})
    run(
        app,
        first,
        me,
        "commitment.record",
        {"what": "Maandelijks casusoverleg", "owner": "Leerplicht", "level": "execution", "goal_id": loketten},
    )
    run(app, first, me, "commitment.record", {"what": "Zonder doel", "owner": "Iemand", "level": "execution"})
    run(app, first, me, "session.close")

    # the budget bottleneck is carried into the second session and answered there: it is no longer open
    second = _session(app, client, me, programme_id, "Fishbowl met beleid")
    carried = run(app, second, me, "cluster.carry", {"ids": [schotten]}).data["clusters"][0]["id"]
    run(
        app,
        second,
        me,
        "commitment.record",
        {
            "what": "Budgetten bundelen in één potje",
            "owner": "Beleidsadviseur",
            "level": "policy",
            "goal_id": budget,
            "cluster_ids": [carried],
        },
    )
    return client, programme_id


def body_in_order(doc):
    """The document as a list of ("heading level", text) and ("table", rows), in reading order."""
    items = []
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            items.append(("table", [[cell.text for cell in row.cells] for row in block.rows]))
        elif block.style.name.startswith("Heading"):
            items.append((block.style.name, block.text))
        elif block.text.strip():
            items.append(("text", block.text))
    return items


def section(items, heading, level="Heading 1"):
    """The items under a heading up to the next heading of the same or a higher level."""
    start = items.index((level, heading)) + 1
    depth = int(level.split()[-1])
    end = next(
        (
            i
            for i in range(start, len(items))
            if items[i][0].startswith("Heading") and int(items[i][0].split()[-1]) <= depth
        ),
        len(items),
    )
    return items[start:end]


def test_the_word_report_shows_goals_per_level_with_commitments_and_bottlenecks_without_one(app, programme):
    client, programme_id = programme
    response = client.get(f"/programmes/{programme_id}/report/docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    items = body_in_order(doc)
    summary = " ".join(text for kind, text in section(items, "Samenvatting") if kind == "text")
    assert "Het leertraject stelde 4 doelen; 3 daarvan worden gediend door een actieafspraak." in summary
    goals = section(items, "Doelen per niveau")
    # the levels that have goals or open bottlenecks, from the work floor to the board
    assert [text for kind, text in goals if kind == "Heading 2"] == ["Uitvoering", "Management", "Beleid", "Bestuur"]

    execution = section(goals, "Uitvoering", "Heading 2")
    assert [text for kind, text in execution if kind == "Heading 3"] == [
        "Veranderdoel: Eén gezinsplan, één regisseur",
        "Leerdoel: Weten wat de andere loketten doen",
    ]
    regie = section(execution, "Veranderdoel: Eén gezinsplan, één regisseur", "Heading 3")
    assert ("text", "Binnen vier weken.") in regie
    table = next(rows for kind, rows in regie if kind == "table")
    assert table[0] == ["Actieafspraak", "Wie", "Uiterlijk", "Status", "Sessie"]
    assert table[1][0] == "Binnen vijf werkdagen één gezinsregisseur" and table[1][1] == "Teamleider wijkteam"
    assert table[1][3] == "Afgerond" and table[1][4] == "Leertafel 1"
    loketten = section(execution, "Leerdoel: Weten wat de andere loketten doen", "Heading 3")
    assert next(rows for kind, rows in loketten if kind == "table")[1][3] == "Open"
    assert ("text", "1 actieafspraak op dit niveau dient geen doel.") in execution
    # the execution bottleneck has a commitment: no list of open ones at this level
    assert ("Heading 3", "Knelpunten zonder actieafspraak") not in execution

    # management: no goals, but a bottleneck still without a commitment
    management = section(goals, "Management", "Heading 2")
    assert ("Heading 3", "Knelpunten zonder actieafspraak") in management
    assert any("Geen tijd voor casusoverleg" in text for kind, text in management if kind == "text")

    policy = section(goals, "Beleid", "Heading 2")
    budget = section(policy, "Veranderdoel: Eén budget voor maatwerk", "Heading 3")
    row = next(rows for kind, rows in budget if kind == "table")[1]
    assert row[0] == "Budgetten bundelen in één potje" and row[4] == "Fishbowl met beleid"
    still_open = section(policy, "Knelpunten zonder actieafspraak", "Heading 3")
    open_titles = " ".join(text for kind, text in still_open)
    # the waiting list is open; the budget bottleneck was answered after it was carried forward
    assert "Wachtlijst jeugd-GGZ" in open_titles and "Schotten tussen budgetten" not in open_titles

    governance = section(goals, "Bestuur", "Heading 2")
    assert ("text", "Geen actieafspraak dient dit doel nog.") in governance
    assert docx_problems(response.data) == []


def test_markdown_and_csv_carry_the_goals_too(app, programme):
    client, programme_id = programme
    markdown = client.get(f"/programmes/{programme_id}/report/md").get_data(as_text=True)
    assert "## Doelen per niveau" in markdown and "### Beleid" in markdown
    assert "#### Veranderdoel: Eén budget voor maatwerk" in markdown
    assert "| Budgetten bundelen in één potje |" in markdown and "- Wachtlijst jeugd-GGZ (Leertafel 1)" in markdown
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/programmes/{programme_id}/report/csv").data))
    rows = list(csv.reader(io.StringIO(archive.read("goals.csv").decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["goal_id", "level", "kind", "goal"]
    served = {(r[3], r[6], r[8]) for r in rows[1:]}
    assert ("Eén gezinsplan, één regisseur", "Binnen vijf werkdagen één gezinsregisseur", "done") in served
    assert ("Bestuurders horen het verhaal zelf", "", "") in served
    # JSON keeps the stored codes
    data = client.get(f"/programmes/{programme_id}/report/json").get_json()
    policy = next(level for level in data["goals"] if level["level"] == "policy")
    assert [(g["kind"], g["title"]) for g in policy["goals"]] == [("change", "Eén budget voor maatwerk")]
    assert policy["goals"][0]["commitments"][0]["status"] == "open"
    assert [b["title"] for b in policy["unanswered"]] == ["Wachtlijst jeugd-GGZ"]


def test_a_programme_without_goals_has_no_goals_section(app, facilitator):
    client, me = facilitator
    programme_id = create_programme(client)
    session_id = _session(app, client, me, programme_id, "Leertafel")
    _cluster(app, session_id, me, "Geen regie", "execution")
    doc = Document(io.BytesIO(client.get(f"/programmes/{programme_id}/report/docx").data))
    assert "Doelen per niveau" not in [p.text for p in doc.paragraphs]
    assert "Doelen per niveau" not in client.get(f"/programmes/{programme_id}/report/md").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Session, session_id).programme_id == programme_id


def test_the_english_report_names_goals_and_kinds_in_english(app, programme):
    from facilitation import reports
    from facilitation.models import Programme

    _, programme_id = programme
    with app.app_context():
        export = reports.render_programme(db.session.get(Programme, programme_id), "docx", language="en")
    items = body_in_order(Document(io.BytesIO(export.content)))
    goals = section(items, "Goals per level")
    # the titles stay as the programme lead wrote them; the kinds are in the report's language
    assert ("Heading 3", "Change goal: Eén budget voor maatwerk") in goals
    assert ("Heading 3", "Learning goal: Bestuurders horen het verhaal zelf") in goals
    assert ("Heading 3", "Bottlenecks without a commitment") in goals
    assert next(rows for kind, rows in goals if kind == "table")[0] == ["Commitment", "Who", "By", "Status", "Session"]
    assert docx_problems(export.content) == []


def test_the_session_report_names_the_goal_each_commitment_serves(app, programme):
    client, _ = programme
    with app.app_context():
        session_id = db.session.scalar(sa.select(Session.id).where(Session.title == "Leertafel 1"))
    doc = Document(io.BytesIO(client.get(f"/sessions/{session_id}/report/docx").data))
    commitments = section(body_in_order(doc), "Actieafspraken")
    table = next(rows for kind, rows in commitments if kind == "table")
    assert table[0] == ["Wat", "Wie", "Niveau", "Uiterlijk", "Status", "Knelpunt", "Doel"]
    goal_of = {row[0]: row[-1] for row in table[1:]}
    assert goal_of == {
        "Binnen vijf werkdagen één gezinsregisseur": "Eén gezinsplan, één regisseur",
        "Maandelijks casusoverleg": "Weten wat de andere loketten doen",
        "Zonder doel": "",
    }
    markdown = client.get(f"/sessions/{session_id}/report/md").get_data(as_text=True)
    assert "| Status | Knelpunt | Doel |" in markdown
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/sessions/{session_id}/report/csv").data))
    rows = list(csv.reader(io.StringIO(archive.read("commitments.csv").decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "goal" and {r[1]: r[-1] for r in rows[1:]}["Maandelijks casusoverleg"] == (
        "Weten wat de andere loketten doen"
    )
