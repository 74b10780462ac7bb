"""Programmes, cases and sessions through the facilitator's pages, and who may see what."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Case, Programme, Session
from tests.conftest import PASSWORD


def create_programme(client, title="Leertraject Jeugd"):
    response = client.post("/programmes", data={"title": title, "description": "Drie leertafels"})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_facilitator_creates_programme_case_and_session(app, facilitator):
    client, _ = facilitator
    programme_id = create_programme(client)
    response = client.post(
        f"/programmes/{programme_id}/cases",
        data={"title": "Gezin Z.", "description": "## Verloop\n\n**Schulden** en <script>x()</script>"},
    )
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "<strong>Schulden</strong>" in page and "<script>x()" not in page
    response = client.post(
        f"/programmes/{programme_id}/sessions",
        data={
            "title": "Leertafel 1",
            "format": "learning-table",
            "case_id": case_id,
            "levels": ["execution", "policy"],
            "language": "en",
        },
    )
    assert response.status_code == 302 and "/console" in response.headers["Location"]
    with app.app_context():
        session_ = db.session.scalar(sa.select(Session))
        assert session_.levels == ["execution", "policy"] and session_.language == "en"
        assert session_.status == "draft" and len(session_.join_code) == 6
        assert not set(session_.join_code) & set("01OIL")
    console = client.get(response.headers["Location"])
    assert console.status_code == 200 and session_.join_code in console.get_data(as_text=True)


def test_session_needs_a_known_format_and_a_level(app, facilitator):
    client, _ = facilitator
    programme_id = create_programme(client)
    for data in ({"title": "X", "format": "nope", "levels": ["policy"]}, {"title": "X", "format": "fishbowl"}):
        response = client.post(f"/programmes/{programme_id}/sessions", data=data)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/programmes/{programme_id}")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Session.id))) == 0


def test_the_session_form_writes_a_new_case_in_place_or_refuses_with_nothing_created(app, facilitator):
    client, _ = facilitator
    programme_id = create_programme(client)
    form = client.get(f"/programmes/{programme_id}").get_data(as_text=True)
    # the learning table is the default format and every level is invited unless unticked
    assert '<option value="learning-table" selected>' in form
    for level in ("execution", "management", "policy", "governance"):
        assert f'name="levels" value="{level}" checked>' in form
    base = {"title": "Leertafel 1", "format": "learning-table", "levels": ["execution"], "language": "nl"}
    bsn = {**base, "new_case_title": "Gezin B.", "new_case_description": "BSN 111222333 van moeder"}
    refused = client.post(f"/programmes/{programme_id}/sessions", data=bsn, follow_redirects=True)
    assert "burgerservicenummer" in refused.get_data(as_text=True) or "citizen service" in refused.get_data(
        as_text=True
    )
    without_title = {**base, "new_case_description": "Alleen tekst"}
    assert client.post(f"/programmes/{programme_id}/sessions", data=without_title).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Session.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
    created = {**base, "new_case_title": "Gezin K.", "new_case_description": "Moeder zoekt hulp bij **schulden**."}
    response = client.post(f"/programmes/{programme_id}/sessions", data=created)
    assert "/console" in response.headers["Location"]
    with app.app_context():
        session_ = db.session.scalar(sa.select(Session))
        assert session_.case.title == "Gezin K." and session_.case.programme_id == programme_id
    assert "<strong>schulden</strong>" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_case_edit_keeps_markdown_source_and_sanitises_on_render(app, facilitator):
    client, _ = facilitator
    programme_id = create_programme(client)
    case_id = int(
        client.post(f"/programmes/{programme_id}/cases", data={"title": "C", "description": ""})
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    client.post(f"/cases/{case_id}/edit", data={"title": "C2", "description": "[x](javascript:alert(1))"})
    with app.app_context():
        assert db.session.get(Case, case_id).description == "[x](javascript:alert(1))"
    assert "javascript:" not in client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_organiser_sees_only_programmes_they_belong_to(app, facilitator, make_account, login):
    client, _ = facilitator
    mine = create_programme(client, "Zichtbaar")
    other = create_programme(client, "Onzichtbaar")
    organiser_id, organiser_email = make_account(role="organiser")
    client.post(f"/programmes/{mine}/members", data={"account_id": organiser_id})
    organiser = login(app.test_client(), organiser_email)
    dashboard = organiser.get("/").get_data(as_text=True)
    assert "Zichtbaar" in dashboard and "Onzichtbaar" not in dashboard
    assert organiser.get(f"/programmes/{mine}").status_code == 200
    assert organiser.get(f"/programmes/{other}").status_code == 403
    # organisers read; they do not create
    assert organiser.post("/programmes", data={"title": "Nee"}).status_code == 403
    assert organiser.post(f"/programmes/{mine}/cases", data={"title": "Nee"}).status_code == 403


def test_facilitator_cannot_see_another_facilitators_programme(app, facilitator, make_account, login):
    client, _ = facilitator
    programme_id = create_programme(client)
    _, email = make_account()
    other = login(app.test_client(), email)
    assert other.get(f"/programmes/{programme_id}").status_code == 403
    assert other.post(f"/programmes/{programme_id}/sessions", data={"title": "x"}).status_code == 403


def test_admin_sees_every_programme_and_manages_accounts(app, facilitator, make_account, login):
    client, _ = facilitator
    programme_id = create_programme(client, "Van een ander")
    _, admin_email = make_account(role="admin")
    admin = login(app.test_client(), admin_email)
    assert "Van een ander" in admin.get("/").get_data(as_text=True)
    response = admin.post(
        "/admin/accounts", data={"email": "new@example.org", "name": "Nieuw", "password": PASSWORD, "role": "organiser"}
    )
    assert response.status_code == 302
    assert "new@example.org" in admin.get("/admin/accounts").get_data(as_text=True)
    assert client.get("/admin/accounts").status_code == 403
    with app.app_context():
        assert db.session.get(Programme, programme_id) is not None
