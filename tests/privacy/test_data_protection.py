"""Data protection by design: personal data in a case is caught before it is saved, participants leave no
address or browser trace, and their cookie carries only a random token."""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Base, Case, Participant, Programme

BSN = "123456782"  # passes the eleven-test; not a real person's number


def programme_of(app, client):
    client.post("/programmes", data={"title": "Traject"})
    with app.app_context():
        return db.session.scalar(sa.select(Programme.id).order_by(Programme.id.desc()))


def case_count(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


def test_a_case_with_a_valid_bsn_is_not_saved_until_confirmed(app, facilitator):
    client, _ = facilitator
    programme_id = programme_of(app, client)
    data = {"title": "Gezin K.", "description": f"Moeder (BSN {BSN}) meldt zich bij schuldhulp."}
    response = client.post(f"/programmes/{programme_id}/cases", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'role="alert"' in page and 'name="confirm_personal_data"' in page
    assert "Moeder (BSN" in page  # what was typed is kept on the form
    assert case_count(app) == 0
    response = client.post(f"/programmes/{programme_id}/cases", data={**data, "confirm_personal_data": "1"})
    assert response.status_code == 302 and case_count(app) == 1


def test_an_invalid_bsn_like_number_does_not_block(app, facilitator):
    client, _ = facilitator
    programme_id = programme_of(app, client)
    response = client.post(
        f"/programmes/{programme_id}/cases",
        data={"title": "Gezin L.", "description": "Dossiernummer 123456789 in het systeem."},
    )
    assert response.status_code == 302 and case_count(app) == 1


def test_other_personal_data_saves_with_a_warning(app, facilitator):
    client, _ = facilitator
    programme_id = programme_of(app, client)
    response = client.post(
        f"/programmes/{programme_id}/cases",
        data={"title": "Gezin M.", "description": "Bel moeder op 06-12345678 of mail moeder@example.nl."},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and case_count(app) == 1
    assert "notice warning" in page
    assert re.search(r"(phone number|telefoonnummer)", page) and re.search(r"(e-mail address|e-mailadres)", page)


def test_editing_a_case_checks_the_same_way(app, facilitator):
    client, _ = facilitator
    programme_id = programme_of(app, client)
    client.post(f"/programmes/{programme_id}/cases", data={"title": "Gezin N.", "description": "Schone tekst."})
    with app.app_context():
        case_id = db.session.scalar(sa.select(Case.id))
    response = client.post(f"/cases/{case_id}/edit", data={"title": "Gezin N.", "description": f"bsn: {BSN}"})
    assert response.status_code == 400 and "confirm_personal_data" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Case, case_id).description == "Schone tekst."
    response = client.post(
        f"/cases/{case_id}/edit", data={"title": "Gezin N.", "description": f"bsn: {BSN}", "confirm_personal_data": "1"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Case, case_id).description == f"bsn: {BSN}"


def test_participants_table_keeps_no_address_or_browser():
    # word parts of column names ("discipline" holds "ip" but is not an address)
    forbidden = re.compile(
        r"(^|_)(ip|addr|address|agent|browser|email|mail|host|device|fingerprint|cookie)(_|$)|token$", re.I
    )
    columns = [c.name for c in Participant.__table__.c]
    assert not [c for c in columns if forbidden.search(c)], columns
    # nor does any other table hold such a column
    for table in Base.metadata.sorted_tables:
        for column in table.c:
            assert not re.search(r"(^|_)(ip|ip_address|remote_addr|user_agent)$", column.name), (
                table.name,
                column.name,
            )


def test_the_participant_cookie_is_only_a_random_token(app, make_account, make_session, join):
    owner_id, _ = make_account()
    _, code = make_session(owner_id)
    tokens = []
    for level in ("execution", "management"):
        phone = join(code, level=level, name="Sam")
        cookie = phone.get_cookie(f"p_{code}")
        assert cookie.http_only and cookie.same_site == "Lax"
        tokens.append(cookie.value)
    for token in tokens:
        # 24 random bytes (192 bits, ASVS 3.2.2 asks for 64 or more), URL-safe; nothing of the level, name or session
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", token), token
        assert "Sam" not in token and code not in token and "execution" not in token
    assert tokens[0] != tokens[1]
    with app.app_context():
        hashes = set(db.session.scalars(sa.select(Participant.token_hash)))
    # the database keeps a hash, never the token itself
    assert hashes == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
