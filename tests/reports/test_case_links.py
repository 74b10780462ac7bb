"""A control character in a case's link (issue 20): the session and programme Word reports answered 500.
The case form now takes such characters out, and the Word writer never lets one into a link's target."""

from __future__ import annotations

import io
import re

import docx

from facilitation.extensions import db
from facilitation.models import Case, Session

CONTROL = "".join(chr(c) for c in range(1, 0x20) if chr(c) not in "\t\n\r") + "\x7f"


def test_case_form_strips_control_characters_and_both_reports_download(app, facilitator, make_session):
    client, account_id = facilitator
    session_id, _ = make_session(account_id)
    with app.app_context():
        programme_id = db.session.get(Session, session_id).programme_id
    description = f"Zie [de wet](https://wetten.overheid.nl/BWBR{CONTROL}0034925) en\x07 verder\x1b.\n\tKlaar."
    response = client.post(
        f"/programmes/{programme_id}/cases", data={"title": "Gezin\x01 Z.", "description": description}
    )
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.title == "Gezin Z."
        assert case.description == "Zie [de wet](https://wetten.overheid.nl/BWBR0034925) en verder.\n\tKlaar."
        db.session.get(Session, session_id).case_id = case_id
        db.session.commit()
    for path in (f"/sessions/{session_id}/report/docx", f"/programmes/{programme_id}/report/docx"):
        response = client.get(path)
        assert response.status_code == 200, path
    edited = client.post(f"/cases/{case_id}/edit", data={"title": "Gezin Z.", "description": description})
    assert edited.status_code == 302


def test_word_report_survives_a_control_character_already_stored(app, facilitator, make_session):
    """Cases written before the form cleaned its input, or by other means, still make a report."""
    client, account_id = facilitator
    session_id, _ = make_session(account_id)
    with app.app_context():
        session_ = db.session.get(Session, session_id)
        case = Case(
            programme_id=session_.programme_id,
            title="Gezin\x02 Z.",
            description=f"Zie [de wet](https://wetten.overheid.nl/a{CONTROL}b) en [mail](http://x.nl/\x1b[31m).",
        )
        db.session.add(case)
        db.session.flush()
        session_.case_id = case.id
        programme_id = session_.programme_id
        db.session.commit()
    for path in (f"/sessions/{session_id}/report/docx", f"/programmes/{programme_id}/report/docx"):
        response = client.get(path)
        assert response.status_code == 200, path
        doc = docx.Document(io.BytesIO(response.data))
        links = [rel.target_ref for rel in doc.part.rels.values() if rel.reltype.endswith("/hyperlink")]
        assert links, path
        for link in links:
            assert not re.search("[\x00-\x1f\x7f]", link), link
            assert link.startswith(("https://wetten.overheid.nl/a", "http://x.nl/"))
