"""Dated moments through the live commands: date, organisations, law, ground and the application a rejection
answers; bad input is refused with a clear message and changes nothing; the measures travel with the events.
And the migration keeps the old free-text moments."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from facilitation import migrations
from tests.conftest import command
from tests.live.test_commands import dump


def test_moments_carry_dates_organisations_laws_and_grounds(app, facilitator, make_session, connect):
    client, account_id = facilitator
    _session_id, code = make_session(account_id, fmt="case-reconstruction")
    console = connect(client, code, "console")
    signal = command(
        console,
        "moment.add",
        {"kind": "signal", "title": "School meldt", "date": "2024-01", "organisations": ["school"]},
    )
    assert signal["data"]["moment"]["date"] == "2024-01" and signal["data"]["moment"]["organisations"] == ["school"]
    application = command(
        console,
        "moment.add",
        {
            "kind": "application",
            "title": "Aanvraag",
            "date": "5-2-2024",
            "law": "wmo",
            "organisations": ["gemeente_wmo"],
        },
    )["data"]["moment"]
    assert application["date"] == "2024-02-05" and application["law"] == "wmo"
    rejection = command(
        console,
        "moment.add",
        {
            "kind": "rejection",
            "title": "Afgewezen",
            "date": "2024-03-01",
            "law": "wmo",
            "ground": "own_strength",
            "answers": application["id"],
            "organisations": ["gemeente_wmo"],
        },
    )
    assert rejection["data"]["moment"]["answers"] == application["id"]
    measures = rejection["data"]["measures"]
    assert (measures["applications"], measures["rejections"], measures["handovers"]) == (1, 1, 1)
    crisis = command(console, "moment.add", {"kind": "crisis", "title": "Crisis", "date": "2024-05-10"})
    done = command(console, "moment.add", {"kind": "breakthrough", "title": "Eén plan", "date": "2024-05-11"})
    assert done["data"]["measures"]["days_after_crisis"] == 1 and done["data"]["measures"]["approximate"]
    snapshot = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snapshot["journey_measures"]["days_to_breakthrough"] == (date(2024, 5, 11) - date(2024, 1, 15)).days

    # a kind change clears what the new kind does not have; the date can be cleared
    edited = command(console, "moment.edit", {"id": rejection["data"]["moment"]["id"], "kind": "intake", "date": ""})
    assert edited["data"]["moment"]["ground"] is None and edited["data"]["moment"]["law"] is None
    assert edited["data"]["moment"]["answers"] is None and edited["data"]["moment"]["date"] == ""
    # an application that becomes something else is no longer answered
    command(
        console,
        "moment.edit",
        {"id": edited["data"]["moment"]["id"], "kind": "rejection", "answers": application["id"]},
    )
    changed = command(console, "moment.edit", {"id": application["id"], "kind": "intake"})
    assert changed["data"]["unanswered"] == [edited["data"]["moment"]["id"]]
    assert (
        command(console, "moment.delete", {"id": crisis["data"]["moment"]["id"]})["data"]["measures"]["after_crisis"]
        is False
    )


def test_bad_dated_moments_are_refused_with_a_reason_and_change_nothing(app, facilitator, make_session, connect):
    client, account_id = facilitator
    _session_id, code = make_session(account_id, fmt="case-reconstruction")
    console = connect(client, code, "console")
    intake = command(console, "moment.add", {"kind": "intake", "title": "Intake"})["data"]["moment"]
    rejection = command(console, "moment.add", {"kind": "rejection", "title": "Nee"})["data"]["moment"]
    _other_session, other_code = make_session(account_id, fmt="case-reconstruction")
    other = connect(client, other_code, "console")
    foreign = command(other, "moment.add", {"kind": "application", "title": "Elders"})["data"]["moment"]
    before = dump(app)
    cases = [
        ({"kind": "signal", "title": "x", "date": "maart"}, "moment_date"),
        ({"kind": "signal", "title": "x", "date": "2024-02-30"}, "moment_date"),
        ({"kind": "signal", "title": "x", "date": "2024-13"}, "moment_date"),
        ({"kind": "signal", "title": "x", "date": 2024}, "wrong_type"),
        ({"kind": "signal", "title": "x", "organisations": ["de bakker"]}, "invalid_choice"),
        ({"kind": "signal", "title": "x", "organisations": "school"}, "wrong_type"),
        ({"kind": "signal", "title": "x", "law": "wmo"}, "law_not_for_kind"),
        ({"kind": "application", "title": "x", "law": "grondwet"}, "invalid_choice"),
        ({"kind": "application", "title": "x", "ground": "waiting_list"}, "ground_not_for_kind"),
        ({"kind": "rejection", "title": "x", "ground": "bad luck"}, "invalid_choice"),
        ({"kind": "rejection", "title": "x", "answers": intake["id"]}, "not_an_application"),
        ({"kind": "rejection", "title": "x", "answers": foreign["id"]}, "not_an_application"),
        ({"kind": "rejection", "title": "x", "answers": "1"}, "wrong_type"),
    ]
    for payload, error in cases:
        ack = command(console, "moment.add", payload)
        assert ack["error"] == error and ack["message"], payload
    ack = command(console, "moment.edit", {"id": rejection["id"], "ground": "waiting_list", "date": "31-02-2024"})
    assert ack["error"] == "moment_date"
    assert (
        command(console, "moment.edit", {"id": intake["id"], "ground": "waiting_list"})["error"]
        == "ground_not_for_kind"
    )
    assert dump(app) == before


def insert(connection, table: str, **values) -> None:
    names = ", ".join(f'"{name}"' for name in values)
    connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"), values)


def test_the_migration_keeps_free_text_moments_and_dates_the_unambiguous_ones(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    migrations.upgrade(engine, "0120")
    texts = ["sept 2023", "5 maart 2024", "2024-02-01", "12-2023", "week 3", "voorjaar 2024", "", "31-02-2024"]
    day = "2024-01-01"
    with engine.begin() as c:
        insert(c, "accounts", id=1, email="a@example.org", name="A", password_hash="x", role="admin", active=1,
               created_at=day, session_version=0)  # fmt: skip
        insert(c, "programmes", id=1, title="P", description="", owner_id=1, created_at=day)
        insert(c, "sessions", id=1, programme_id=1, facilitator_id=1, title="S", format_key="case-reconstruction",
               levels="[]", language="nl", join_code="ABCDEF", status="closed", last_seq=0, created_at=day,
               joins_closed=0)  # fmt: skip
        for index, text in enumerate(texts):
            insert(c, "moments", session_id=1, position=index, kind="other", title=f"moment {index}", when=text,
                   description="beschrijving", created_at=day)  # fmt: skip
    migrations.upgrade(engine)
    with engine.connect() as c:
        columns = '"when", description, on_date, date_precision, organisations, law'
        rows = c.execute(sa.text(f"SELECT {columns} FROM moments ORDER BY position")).all()
    assert [r.when for r in rows] == texts and all(r.description == "beschrijving" for r in rows)
    assert [(str(r.on_date) if r.on_date else None, r.date_precision) for r in rows] == [
        ("2023-09-01", "month"),
        ("2024-03-05", "day"),
        ("2024-02-01", "day"),
        ("2023-12-01", "month"),
        (None, None),
        (None, None),
        (None, None),
        (None, None),
    ]
    assert all(r.organisations == "[]" and r.law is None for r in rows)


def test_the_session_report_shows_the_journey_with_its_figures(app, facilitator, make_session, connect):
    import io
    import zipfile

    from tests.live.test_method_roomonly import docx_text

    client, account_id = facilitator
    session_id, code = make_session(account_id, fmt="case-reconstruction")
    console = connect(client, code, "console")
    command(
        console, "moment.add", {"kind": "signal", "title": "School meldt", "date": "2024-01", "when": "na de kerst"}
    )
    application = command(
        console, "moment.add", {"kind": "application", "title": "Aanvraag", "date": "2024-02-05", "law": "wmo"}
    )["data"]["moment"]
    payload = {
        "kind": "rejection",
        "title": "Nee",
        "law": "wmo",
        "ground": "own_strength",
        "answers": application["id"],
    }
    command(console, "moment.add", {**payload, "organisations": ["gemeente_wmo"]})
    command(console, "moment.add", {"kind": "crisis", "title": "Crisis", "date": "2024-05-10"})
    command(console, "moment.add", {"kind": "breakthrough", "title": "Plan", "date": "2024-05-11"})

    text = docx_text(client.get(f"/sessions/{session_id}/report/docx").data)
    assert "De maatwerkreis in cijfers" in text and "januari 2024 · na de kerst" in text and "5 februari 2024" in text
    assert "ongeveer 117" in text and "ja, 1 dag erna" in text and "Gemeente, Wmo-loket · Wmo · Eigen kracht" in text
    markdown = client.get(f"/sessions/{session_id}/report/md").get_data(as_text=True)
    assert "### De maatwerkreis in cijfers" in markdown and "- Afwijzingen: 1" in markdown
    report = client.get(f"/sessions/{session_id}/report/json").get_json()
    assert (
        report["journey_measures"]["days_to_breakthrough"] == 117 and report["moments"][2]["ground"] == "own_strength"
    )
    with zipfile.ZipFile(io.BytesIO(client.get(f"/sessions/{session_id}/report/csv").data)) as archive:
        moments_csv = archive.read("moments.csv").decode("utf-8-sig")
        journey_csv = archive.read("journey.csv").decode("utf-8-sig")
    assert "2024-02-05" in moments_csv and "own_strength" in moments_csv and "117" in journey_csv


class TestAnOrganisationsOwnLists:
    @pytest.fixture
    def app(self, make_app):
        return make_app(ORGANISATIONS=["wijkteam", "Stichting Thuis"], REJECTION_GROUNDS="te duur,geen plek")

    def test_its_organisations_and_grounds_are_the_choices(self, app, facilitator, make_session, connect):
        client, account_id = facilitator
        _session_id, code = make_session(account_id, fmt="case-reconstruction")
        console = connect(client, code, "console")
        payload = {"kind": "rejection", "title": "Nee", "organisations": ["Stichting Thuis"], "ground": "geen plek"}
        added = command(console, "moment.add", payload)
        assert added["ok"] and added["data"]["moment"]["ground"] == "geen plek"
        refused = command(console, "moment.add", {"kind": "signal", "title": "x", "organisations": ["school"]})
        assert refused["error"] == "invalid_choice"
        refused = command(console, "moment.add", {"kind": "rejection", "title": "x", "ground": "waiting_list"})
        assert refused["error"] == "invalid_choice"
        page = client.get(f"/sessions/{_session_id}/console").get_data(as_text=True)
        assert 'value="Stichting Thuis"' in page and 'value="school"' not in page


def test_the_moment_forms_lists_reach_the_console_not_the_phones(app, facilitator, make_session, join):
    client, account_id = facilitator
    session_id, code = make_session(account_id, fmt="case-reconstruction", start=True)
    console = client.get(f"/sessions/{session_id}/console").get_data(as_text=True)
    phone = join(code)
    location = phone.post(f"/j/{code}", data={"level": "execution", "accept_rules": "1"}).location
    page = phone.get(location)
    assert "gemeente_wmo" in console and "own_strength" in console
    assert "/p/" in location and page.status_code == 200 and 'id="write"' in page.get_data(as_text=True)
    assert "gemeente_wmo" not in page.get_data(as_text=True)
