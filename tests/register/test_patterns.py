"""The patterns page across case journeys: the demo's journeys, the threshold of 3 on screen and in every
export, the filters, who sees which journeys, and the exports recorded in the audit log."""

from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa
from docx import Document

from facilitation import demo
from facilitation.extensions import db
from facilitation.models import Account, AuditEntry, Programme
from facilitation.programmes import manage as programmes
from tests.conftest import run
from tests.live.test_method_roomonly import docx_text


def text_of(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(p|table|section)>', page, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match[1])).strip()


def demo_programme(app, make_account, login):
    admin_id, email = make_account(role="admin")
    with app.app_context():
        programme, _password = demo.create_demo()
        programme_id = programme.id
    return login(app.test_client(), email), admin_id, programme_id


def journey(app, make_session, owner_id: int, *moments: dict, programme_id: int | None = None) -> int:
    """A case reconstruction with these moments, through the live commands; optionally moved to a programme."""
    session_id, _code = make_session(owner_id, fmt="case-reconstruction")
    for moment in moments:
        assert run(app, session_id, owner_id, "moment.add", moment).ok
    if programme_id is not None:
        from facilitation.models import Session

        with app.app_context():
            db.session.get(Session, session_id).programme_id = programme_id
            db.session.commit()
    return session_id


SIMPLE = (
    {"kind": "signal", "title": "Signaal", "date": "2024-01-01", "organisations": ["school"]},
    {"kind": "rejection", "title": "Nee", "law": "wmo", "ground": "own_strength", "organisations": ["gemeente_wmo"]},
    {"kind": "breakthrough", "title": "Ja", "date": "2024-01-11"},
)


def test_the_demo_shows_patterns_at_once(app, make_account, login):
    client, _admin, _programme = demo_programme(app, make_account, login)
    page = client.get("/patterns").get_data(as_text=True)
    assert "7" in text_of(page, "patterns-count") and 'id="patterns-too-few"' not in page
    assert re.search(r"\b4\b.*\b7\b", text_of(page, "crisis-line"))  # A, B, C and G within a day; E after a week
    assert "172" in text_of(page, "spread-line")  # median of 28, 148, 162, 182, 190 and ≈239
    assert "<svg" in page and 'role="img"' in page and "<script" not in page.split("<svg", 1)[1].split("</svg>")[0]
    grounds = text_of(page, "patterns-grounds")
    assert "Wmo" in grounds and "Jeugdwet" in grounds and "Participatiewet" in grounds
    assert "Wsnp" not in grounds and "woonplaats" not in grounds.lower()  # in fewer than 3 journeys
    assert "Regie pas na een crisis" in text_of(page, "patterns-register")
    journeys = text_of(page, "patterns-journeys")  # gezin C.'s first signal is known only to the month
    assert "mei 2023" in journeys and "1 mei 2023" not in journeys and "≈ 239" in journeys
    assert "Wijkteam" in text_of(page, "patterns-handovers") or "wijkteam" in text_of(page, "patterns-handovers")
    with app.app_context():  # the demo is added once
        assert demo.create_demo()[1] is None
        assert db.session.scalar(sa.select(sa.func.count(Programme.id))) == 1


def test_nothing_from_fewer_than_three_journeys_on_screen_or_in_any_export(app, facilitator, make_session):
    client, owner_id = facilitator
    first = journey(app, make_session, owner_id, *SIMPLE)
    with app.app_context():
        from facilitation.models import Session

        programme_id = db.session.get(Session, first).programme_id
    journey(app, make_session, owner_id, *SIMPLE, programme_id=programme_id)
    page = client.get("/patterns").get_data(as_text=True)
    assert 'id="patterns-too-few"' in page and 'id="patterns-grounds"' not in page and "<svg" not in page
    assert 'id="patterns-journeys"' not in page and 'id="crisis-line"' not in page  # no journey, no figure
    for lang in ("nl", "en"):
        text = docx_text(client.get(f"/patterns/export.docx?lang={lang}").data)
        assert "Wmo" not in text and "10" not in text and ("3" in text)
        rows = list(
            csv.reader(
                io.StringIO(client.get(f"/patterns/export.csv?lang={lang}").data.decode("utf-8-sig")),
                delimiter=";" if lang == "nl" else ",",
            )
        )
        assert len(rows) == 2 and len(rows[1]) == 1 and "3" in rows[1][0]
    journey(app, make_session, owner_id, *SIMPLE, programme_id=programme_id)
    page = client.get("/patterns").get_data(as_text=True)
    assert 'id="patterns-too-few"' not in page and "10" in text_of(page, "spread-line")
    assert "3" in text_of(page, "patterns-grounds")


def test_filters_by_programme_period_organisation_and_days(app, make_account, login, make_session):
    client, admin_id, programme_id = demo_programme(app, make_account, login)
    journey(app, make_session, admin_id, *SIMPLE)  # another programme
    assert "8" in text_of(client.get("/patterns").get_data(as_text=True), "patterns-count")
    assert "7" in text_of(client.get(f"/patterns?programme={programme_id}").get_data(as_text=True), "patterns-count")
    assert f'href="/patterns?programme={programme_id}"' in client.get(f"/programmes/{programme_id}").get_data(
        as_text=True
    )
    # journeys starting in 2024: B, D, F and the simple one
    page = client.get("/patterns?from=2024-01&to=2024-12-31").get_data(as_text=True)
    assert "4" in text_of(page, "patterns-count")
    assert 'id="patterns-too-few"' in client.get("/patterns?organisation=leerplicht").get_data(as_text=True)
    # a month as the end of the period takes the whole month: C (May 2023), A (September) and E (13 November)
    page = client.get("/patterns?from=2023-05&to=2023-11").get_data(as_text=True)
    assert "3" in text_of(page, "patterns-count")
    assert re.findall(r"gezin ([A-G])\.", text_of(page, "patterns-journeys")) == ["C", "A", "E"]
    assert re.search(r"\b5\b.*\b8\b", text_of(client.get("/patterns?within=7").get_data(as_text=True), "crisis-line"))
    page = client.get("/patterns?from=gisteren&within=-3&organisation=bakker").get_data(as_text=True)
    assert 'id="patterns-ignored"' in page and "8" in text_of(page, "patterns-count")
    # the exports take the same filters
    rows = client.get(f"/patterns/export.csv?lang=en&programme={programme_id}").data.decode("utf-8-sig").splitlines()
    assert len(rows) == 8


def test_organisers_see_only_their_programmes(app, make_account, login, make_session, facilitator):
    _client, owner_id = facilitator
    ids = [journey(app, make_session, owner_id, *SIMPLE) for _ in range(3)]
    organiser_id, organiser_email = make_account(role="organiser")
    organiser = login(app.test_client(), organiser_email)
    with app.app_context():
        from facilitation.models import Session

        mine = db.session.get(Session, ids[0]).programme_id
        for session_id in ids[1:]:
            db.session.get(Session, session_id).programme_id = mine
        other = programmes.create_programme(db.session.get(Account, owner_id), "Elders")
        db.session.flush()
        other_id = other.id
        db.session.commit()
    for _ in range(3):
        journey(app, make_session, owner_id, *SIMPLE, programme_id=other_id)
    assert 'id="patterns-too-few"' in organiser.get("/patterns").get_data(as_text=True)  # member of nothing
    with app.app_context():
        programmes.add_member(db.session.get(Programme, mine), db.session.get(Account, organiser_id))
        db.session.commit()
    page = organiser.get("/patterns").get_data(as_text=True)
    assert "3" in text_of(page, "patterns-count") and "Elders" not in page
    # asking for a programme one may not see shows nothing of it
    assert 'id="patterns-too-few"' in organiser.get(f"/patterns?programme={other_id}").get_data(as_text=True)
    csv_rows = organiser.get(f"/patterns/export.csv?programme={other_id}").data.decode("utf-8-sig").splitlines()
    assert len(csv_rows) == 2
    assert app.test_client().get("/patterns").status_code == 302  # not logged in: to the login page


def test_exports_have_charts_both_languages_and_are_audited(app, make_account, login):
    client, admin_id, _programme = demo_programme(app, make_account, login)
    nl = client.get("/patterns/export.docx?lang=nl")
    assert nl.status_code == 200 and "patronen-maatwerkreizen.docx" in nl.headers["Content-Disposition"]
    doc = Document(io.BytesIO(nl.data))
    assert len(doc.inline_shapes) == 2  # the spread and the rejection grounds
    assert all(shape._inline.docPr.get("descr") for shape in doc.inline_shapes)
    en = docx_text(client.get("/patterns/export.docx?lang=en").data)
    assert "Patterns across case journeys" in en and "Regie pas na een crisis" in en and "gezin G." in en
    rows = list(csv.reader(io.StringIO(client.get("/patterns/export.csv?lang=en").data.decode("utf-8-sig"))))
    assert rows[0][0] == "Programme" and len(rows) == 8
    assert client.get("/patterns/export.xlsx").status_code == 404
    with app.app_context():
        audited = db.session.execute(sa.select(AuditEntry.action, AuditEntry.file_format, AuditEntry.account_id)).all()
    assert sorted(audited) == sorted(
        [
            ("patterns_export", "docx", admin_id),
            ("patterns_export", "docx", admin_id),
            ("patterns_export", "csv", admin_id),
        ]
    )


def test_word_leaves_a_long_list_of_journeys_to_the_csv(app, make_account, login, monkeypatch):
    from facilitation.reports import patterns as patterns_export

    client, _admin, _programme = demo_programme(app, make_account, login)
    assert "Casusreconstructie gezin A." in docx_text(client.get("/patterns/export.docx?lang=nl").data)
    monkeypatch.setattr(patterns_export, "WORD_JOURNEYS", 5)
    text = docx_text(client.get("/patterns/export.docx?lang=nl").data)
    assert "Casusreconstructie gezin A." not in text and "CSV-download (7 maatwerkreizen)" in text
