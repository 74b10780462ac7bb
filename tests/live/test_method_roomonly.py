"""Reflections "for the room only": on the screens with a marker, in no report or export; and the audit log
of every download and export, shown to administrators only."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import uuid
import zipfile

import sqlalchemy as sa
from docx import Document

from facilitation.extensions import db
from facilitation.models import AuditEntry
from tests.conftest import command, run
from tests.live.test_commands import dump

SAID_IN_THE_ROOM = "Vertrouwelijk verhaal over de wethouder"
FOR_THE_REPORT = "Wachtlijst bij de GGZ te lang"


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def all_exports(client, session_id: int, programme_id: int) -> dict[str, str]:
    texts = {}
    for fmt in ("docx", "md", "json", "csv"):
        for kind, url in (
            ("session", f"/sessions/{session_id}/report/{fmt}"),
            ("programme", f"/programmes/{programme_id}/report/{fmt}"),
        ):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if fmt == "docx":
                text = docx_text(response.data)
            elif fmt == "csv":
                with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
                    text = "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
            else:
                text = response.get_data(as_text=True)
                if fmt == "json":
                    text = json.dumps(json.loads(text), ensure_ascii=False)
            texts[f"{kind}.{fmt}"] = text
    return texts


def programme_of(app, session_id):
    from facilitation.models import Session

    with app.app_context():
        return db.session.get(Session, session_id).programme_id


def test_room_only_reflections_are_on_screens_but_in_no_export(app, facilitator, make_session, join, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phone = connect(join(code), code, "participant")
    kept = command(phone, "reflection.post", {"kind": "bottleneck", "text": FOR_THE_REPORT}, uuid.uuid4().hex)
    secret = command(
        phone, "reflection.post", {"kind": "bottleneck", "text": SAID_IN_THE_ROOM, "room_only": True}, uuid.uuid4().hex
    )
    assert secret["ok"] and secret["data"]["room_only"] is True and kept["data"]["room_only"] is False
    # in a cluster too: the cluster appears in the report, the room-only text does not
    run(
        app,
        session_id,
        account_id,
        "cluster.create",
        {"title": "Wachtlijsten", "reflection_ids": [kept["data"]["id"], secret["data"]["id"]]},
    )

    console = connect(client, code, "console")
    snap = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert {r["text"]: r["room_only"] for r in snap["reflections"]} == {FOR_THE_REPORT: False, SAID_IN_THE_ROOM: True}

    texts = all_exports(client, session_id, programme_of(app, session_id))
    for name, text in texts.items():
        # the programme's Word and Markdown reports count reflections per bottleneck and do not quote them
        assert FOR_THE_REPORT in text or name in ("programme.docx", "programme.md"), name
        assert SAID_IN_THE_ROOM not in text, name
        assert "Wachtlijsten" in text, name


def test_the_facilitator_toggles_room_only(app, facilitator, make_session, join, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phone = connect(join(code), code, "participant")
    posted = command(phone, "reflection.post", {"kind": "success", "text": SAID_IN_THE_ROOM}, uuid.uuid4().hex)
    console = connect(client, code, "console")
    ack = command(console, "reflection.set_room_only", {"id": posted["data"]["id"], "room_only": True})
    assert ack["ok"] and ack["data"]["room_only"] is True
    assert (
        command(console, "reflection.set_room_only", {"id": posted["data"]["id"], "room_only": True})["error"]
        == "no_change"
    )
    assert SAID_IN_THE_ROOM not in client.get(f"/sessions/{session_id}/report/md").get_data(as_text=True)
    # the author sees the marker come and go on their phone too
    phone.get_received("/live")
    command(console, "reflection.set_room_only", {"id": posted["data"]["id"], "room_only": False})
    events = [e["args"][0] for e in phone.get_received("/live") if e["name"] == "event"]
    assert events[-1]["name"] == "reflection.set_room_only" and events[-1]["data"]["room_only"] is False
    assert SAID_IN_THE_ROOM in client.get(f"/sessions/{session_id}/report/md").get_data(as_text=True)


def test_bad_room_only_input_changes_nothing(app, facilitator, make_session, join, connect):
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phone = connect(join(code), code, "participant")
    posted = command(phone, "reflection.post", {"kind": "success", "text": "Een"}, uuid.uuid4().hex)
    console = connect(client, code, "console")
    before = dump(app)
    assert (
        command(phone, "reflection.post", {"kind": "success", "text": "x", "room_only": "ja"}, uuid.uuid4().hex)[
            "error"
        ]
        == "wrong_type"
    )
    assert (
        command(console, "reflection.set_room_only", {"id": posted["data"]["id"], "room_only": 1})["error"]
        == "wrong_type"
    )
    assert command(console, "reflection.set_room_only", {"id": posted["data"]["id"]})["error"] == "missing_field"
    assert command(console, "reflection.set_room_only", {"id": 99999, "room_only": True})["error"] == "not_found"
    assert (
        command(phone, "reflection.set_room_only", {"id": posted["data"]["id"], "room_only": True})["error"]
        == "forbidden"
    )
    assert dump(app) == before


def test_every_download_is_in_the_audit_log(app, facilitator, make_session, make_account, login):
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    programme_id = programme_of(app, session_id)
    all_exports(client, session_id, programme_id)
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                AuditEntry.account_id,
                AuditEntry.action,
                AuditEntry.file_format,
                AuditEntry.session_id,
                AuditEntry.programme_id,
            )
        ).all()
    assert sorted(rows) == sorted(
        [(account_id, "session_report", fmt, session_id, programme_id) for fmt in ("docx", "md", "json", "csv")]
        + [(account_id, "programme_report", fmt, None, programme_id) for fmt in ("docx", "md", "json", "csv")]
    )
    # a refused download leaves no trace of a download
    _, outsider_email = make_account()
    outsider = login(app.test_client(), outsider_email)
    assert outsider.get(f"/sessions/{session_id}/report/docx").status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 8


def test_only_admins_see_the_audit_view(app, facilitator, make_session, make_account, login):
    client, account_id = facilitator
    session_id, _ = make_session(account_id)
    client.get(f"/sessions/{session_id}/report/md")
    assert client.get("/admin/audit").status_code == 403
    _, organiser_email = make_account(role="organiser")
    assert login(app.test_client(), organiser_email).get("/admin/audit").status_code == 403
    assert app.test_client().get("/admin/audit").status_code in (302, 401)
    _, admin_email = make_account(role="admin", name="Beheerder")
    page = login(app.test_client(), admin_email).get("/admin/audit").get_data(as_text=True)
    assert "Test person" in page and "Leertafel" in page and ">md<" in page
    assert "Sessieverslag gedownload" in page


def test_the_command_line_report_is_logged(app, facilitator, make_session, tmp_path, database_url):
    client, account_id = facilitator
    session_id, code = make_session(account_id)
    out = tmp_path / "verslag.md"
    env = {
        "FACILITATION_SQLALCHEMY_DATABASE_URI": database_url,
        "FACILITATION_INSTANCE": str(tmp_path / "instance"),
        "FACILITATION_SECRET_KEY": "x",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "app.py", "report", "--session", code, "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with app.app_context():
        db.session.rollback()
        entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert (entry.action, entry.file_format, entry.session_id, entry.account_id) == (
        "cli_session_report",
        "md",
        session_id,
        None,
    )


def test_a_bottleneck_carried_forward_does_not_bring_its_room_only_words_into_a_later_report(
    app, facilitator, make_session, join, connect
):
    from tests.live.test_commitments import new_session

    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phone = connect(join(code), code, "participant")
    # the room-only one first: a carried thread quotes its cluster's first reflection
    secret = command(
        phone, "reflection.post", {"kind": "bottleneck", "text": SAID_IN_THE_ROOM, "room_only": True}, uuid.uuid4().hex
    )
    kept = command(phone, "reflection.post", {"kind": "bottleneck", "text": FOR_THE_REPORT}, uuid.uuid4().hex)
    ids = [kept["data"]["id"], secret["data"]["id"]]
    cluster_id = run(app, session_id, account_id, "cluster.create", {"title": "Wachtlijsten", "reflection_ids": ids})
    run(app, session_id, account_id, "session.close")
    programme_id = programme_of(app, session_id)
    later_id, _ = new_session(app, programme_id, account_id, "Vervolg")
    assert run(app, later_id, account_id, "cluster.carry", {"ids": [cluster_id.data["cluster"]["id"]]}).ok

    report = client.get(f"/sessions/{later_id}/report/md").get_data(as_text=True)
    assert "Wachtlijsten" in report and FOR_THE_REPORT in report  # the thread and its words are there
    assert SAID_IN_THE_ROOM not in report
