"""The bottleneck register across programmes: a person links recurring clusters (the tool only suggests by
text similarity), counts per quarter and level, a CSV export in the audit log, and nobody sees clusters of
programmes they may not see."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import AuditEntry, RegisterEntry, RegisterLink, Session
from tests.conftest import run
from tests.test_commands import dump


def register_tables(app):
    tables = dump(app)
    return tables["register_entries"], tables["register_links"]


def cluster(app, session_id, account_id, title, level=None):
    cid = run(app, session_id, account_id, "cluster.create", {"title": title}).data["cluster"]["id"]
    if level:
        run(app, session_id, account_id, "cluster.set_level", {"id": cid, "level": level})
    return cid


def started(app, session_id, when):
    with app.app_context():
        db.session.get(Session, session_id).started_at = when
        db.session.commit()


def setup_register(app, facilitator, make_session):
    client, account_id = facilitator
    first, _ = make_session(account_id, start=True)
    second, _ = make_session(account_id, start=True)  # another programme
    started(app, first, datetime(2026, 2, 10, 10, tzinfo=timezone.utc))
    started(app, second, datetime(2026, 5, 12, 10, tzinfo=timezone.utc))
    ids = {
        "ggz1": cluster(app, first, account_id, "Wachtlijst GGZ te lang", "policy"),
        "ggz2": cluster(app, second, account_id, "Lange wachtlijsten bij de GGZ voor jongeren", "policy"),
        "regie": cluster(app, second, account_id, "Niemand had de regie", "management"),
    }
    return client, account_id, ids


def test_a_person_links_recurring_bottlenecks_after_a_suggestion(app, facilitator, make_session):
    client, account_id, ids = setup_register(app, facilitator, make_session)
    assert "Het register is leeg" in client.get("/register").get_data(as_text=True)
    assert client.post("/register/entries", data={"cluster_id": ids["ggz1"]}).status_code == 302
    with app.app_context():
        entry = db.session.scalars(sa.select(RegisterEntry)).one()
        assert (entry.title, entry.level) == ("Wachtlijst GGZ te lang", "policy")
        # suggested, never linked by itself
        assert db.session.scalar(sa.select(sa.func.count(RegisterLink.id))) == 1
    page = client.get("/register").get_data(as_text=True)
    suggestions = page.split("Suggestie: hetzelfde knelpunt elders?")[1].split("</ul>")[0]
    assert "Lange wachtlijsten bij de GGZ" in suggestions and "regie" not in suggestions

    client.post(f"/register/entries/{entry.id}/links", data={"cluster_id": ids["ggz2"]})
    page = client.get("/register").get_data(as_text=True)
    assert "Suggestie" not in page
    counts = page.split('id="register-counts"')[1].split("</table>")[0]
    assert "2026-Q1" in counts and "2026-Q2" in counts and "<td>2</td>" in counts
    levels = page.split('id="register-levels"')[1].split("</table>")[0]
    assert "Beleid" in levels and "<td>2</td>" in levels

    response = client.get("/register.csv")
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["entry_id", "entry", "entry_level", "quarter"]
    assert sorted((r[1], r[3], r[7]) for r in rows[1:]) == [
        ("Wachtlijst GGZ te lang", "2026-Q1", "Wachtlijst GGZ te lang"),
        ("Wachtlijst GGZ te lang", "2026-Q2", "Lange wachtlijsten bij de GGZ voor jongeren")]
    with app.app_context():
        audit = db.session.scalars(sa.select(AuditEntry)).one()
        assert (audit.action, audit.file_format, audit.account_id) == ("register_export", "csv", account_id)


def test_linking_twice_or_out_of_sight_is_refused(app, facilitator, make_session, make_account, login):
    client, account_id, ids = setup_register(app, facilitator, make_session)
    client.post("/register/entries", data={"cluster_id": ids["ggz1"]})
    with app.app_context():
        entry_id = db.session.scalar(sa.select(RegisterEntry.id))
    before = register_tables(app)
    page = client.post("/register/entries", data={"cluster_id": ids["ggz1"]}, follow_redirects=True)
    assert "al gekoppeld" in page.get_data(as_text=True)
    assert "Er ontbreekt iets" in client.post("/register/entries", data={}, follow_redirects=True).get_data(as_text=True)
    # another facilitator sees none of these programmes: nothing shown, nothing linkable
    _, other_email = make_account()
    other = login(app.test_client(), other_email)
    assert "Wachtlijst GGZ" not in other.get("/register").get_data(as_text=True)
    other.post(f"/register/entries/{entry_id}/links", data={"cluster_id": ids["ggz2"]})
    other.post("/register/entries", data={"cluster_id": ids["regie"]})
    assert "Wachtlijst" not in other.get("/register.csv").get_data(as_text=True)
    assert register_tables(app) == before


def test_organisers_read_and_only_facilitators_change(app, facilitator, make_session, make_account, login):
    client, account_id, ids = setup_register(app, facilitator, make_session)
    client.post("/register/entries", data={"cluster_id": ids["ggz1"]})
    organiser_id, organiser_email = make_account(role="organiser")
    with app.app_context():
        from facilitation.models import Programme, ProgrammeMember
        for programme_id in db.session.scalars(sa.select(Programme.id)):
            db.session.add(ProgrammeMember(programme_id=programme_id, account_id=organiser_id))
        db.session.commit()
        entry_id = db.session.scalar(sa.select(RegisterEntry.id))
        link_id = db.session.scalar(sa.select(RegisterLink.id))
    organiser = login(app.test_client(), organiser_email)
    page = organiser.get("/register").get_data(as_text=True)
    assert "Wachtlijst GGZ te lang" in page and "Ontkoppelen" not in page
    assert organiser.post(f"/register/entries/{entry_id}/links", data={"cluster_id": ids["ggz2"]}).status_code == 403
    assert organiser.post(f"/register/links/{link_id}/delete").status_code == 403
    # the last unlink removes the entry
    client.post(f"/register/links/{link_id}/delete")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RegisterEntry.id))) == 0


def test_similarities_find_the_same_bottleneck_in_other_words():
    from facilitation.suggest import similarities
    scores = similarities([(1, "Wachtlijst GGZ te lang"), (2, "Lange wachtlijsten bij de GGZ"),
                           (3, "Geen regie op het gezin"), (4, "de het een")])
    assert scores[(1, 2)] >= 0.3 > scores[(1, 3)]
    assert scores[(1, 2)] == scores[(2, 1)]
    assert not any(4 in pair for pair in scores)  # no content words: nothing to compare
