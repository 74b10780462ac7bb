"""Names and street addresses (issue 20: the case check missed "Jan Jansen" and "Dorpsstraat 12", which the report
then printed). Measured on a labelled set of reflection and case sentences (tests/data/pii_names_labelled.json),
and checked the way a person meets them: the case form, a reflection's flag on the console."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Case, Programme, Reflection
from facilitation.privacy.detect import personal_data_kinds

ROOT = Path(__file__).resolve().parents[2]
LABELLED = json.loads((ROOT / "tests" / "data" / "pii_names_labelled.json").read_text(encoding="utf-8"))["cases"]
KINDS = ("name", "address")


def scores(which: str) -> tuple[float, float, list]:
    """Precision and recall over (sentence, kind) pairs of the name and address rules on one part of the set."""
    hits = wrong = missed = 0
    errors = []
    for case in (c for c in LABELLED if c["set"] == which):
        found = {k for k in personal_data_kinds(case["text"]) if k in KINDS}
        expected = set(case["kinds"])
        hits += len(found & expected)
        wrong += len(found - expected)
        missed += len(expected - found)
        if found != expected:
            errors.append((case["text"], sorted(found), sorted(expected)))
    return hits / (hits + wrong), hits / (hits + missed), errors


def test_the_labelled_set_has_both_sides():
    for which in ("development", "held-out"):
        part = [c for c in LABELLED if c["set"] == which]
        assert sum(bool(c["kinds"]) for c in part) >= 10 and sum(not c["kinds"] for c in part) >= 10, which


def test_precision_and_recall_on_the_labelled_sentences():
    """Development (the rules were adjusted on it): precision 1.00, recall 0.97. Held out (written afterwards,
    never tuned on): precision 1.00, recall 0.82 (two streets ending in -weg followed by a verb are missed)."""
    precision, recall, errors = scores("development")
    print(f"\ndevelopment: precision {precision:.2f} recall {recall:.2f}; {errors}")
    assert precision >= 0.95 and recall >= 0.9, errors
    precision, recall, errors = scores("held-out")
    print(f"held-out: precision {precision:.2f} recall {recall:.2f}; {errors}")
    assert precision >= 0.9 and recall >= 0.75, errors


def test_the_phone_gets_the_same_first_names():
    data = (ROOT / "facilitation" / "privacy" / "data" / "first_names_nl.txt").read_text(encoding="utf-8")
    names = {line for line in data.splitlines() if line and not line.startswith("#")}
    js = (ROOT / "static" / "js" / "pii-names.js").read_text(encoding="utf-8")
    assert set(re.search(r'new Set\("([^"]*)"', js).group(1).split("|")) == names
    assert {"Jan", "Henk", "Marieke", "Mohamed", "Fatima", "Sanne"} <= names


def _programme(app, client) -> int:
    client.post("/programmes", data={"title": "Traject"})
    with app.app_context():
        return db.session.scalar(sa.select(Programme.id).order_by(Programme.id.desc()))


def test_a_case_naming_a_person_or_a_street_is_not_saved_until_confirmed(app, facilitator):
    client, _ = facilitator
    programme_id = _programme(app, client)
    for description in ("Jan Jansen meldt zich bij schuldhulp.", "Het gezin woont op Dorpsstraat 12."):
        data = {"title": "Gezin K.", "description": description}
        response = client.post(f"/programmes/{programme_id}/cases", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, description
        assert 'id="pii-block"' in page and 'name="confirm_personal_data"' in page
        assert re.search(r"(a person's name|naam van een persoon|street address|straatadres)", page)
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    # the title is free text too
    response = client.post(f"/programmes/{programme_id}/cases", data={"title": "Gezin Jan Jansen", "description": ""})
    assert response.status_code == 400
    response = client.post(
        f"/programmes/{programme_id}/cases",
        data={"title": "Gezin K.", "description": "Jan Jansen, Dorpsstraat 12", "confirm_personal_data": "1"},
    )
    assert response.status_code == 302
    # a pseudonymised case with first names only saves without a question
    response = client.post(
        f"/programmes/{programme_id}/cases",
        data={"title": "Gezin S.", "description": "Moeder Sanne en Sem wonen bij oma in Zwolle."},
    )
    assert response.status_code == 302


def test_a_reflection_with_a_name_or_address_is_flagged_on_the_server(app, make_account, make_session, join):
    owner_id, _ = make_account()
    session_id, code = make_session(owner_id, phase="write")
    phone = join(code)
    for text, kind in (("Overleg met Kees de Boer liep vast", "name"), ("Vader woont nu op Kerkstraat 4b", "address")):
        ack = phone.post(
            f"/api/s/{code}/command",
            json={
                "name": "reflection.post",
                "client_id": uuid.uuid4().hex,
                "args": {"kind": "bottleneck", "text": text},
            },
        ).get_json()
        assert ack["ok"], ack
        with app.app_context():
            assert kind in db.session.get(Reflection, ack["data"]["id"]).personal_data
