"""Disciplines: chosen optionally on joining, shown only as counts of groups of at least DISCIPLINE_MIN_GROUP
people (smaller groups merge into "other", which is left out when still too small), on screens and in every
export."""

from __future__ import annotations

import json
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.live.disciplines import OTHER, DisciplineGroup, group
from facilitation.models import Participant
from tests.conftest import command
from tests.live.test_method_roomonly import all_exports, programme_of


def test_small_groups_merge_into_other_and_a_small_other_is_left_out():
    people = Counter({"wijkteam": 4, "school": 3, "ggz": 2, "huisarts": 1})
    written = Counter({"wijkteam": 5, "school": 1, "ggz": 2, "huisarts": 7})
    assert group(people, written, 3) == (
        DisciplineGroup("wijkteam", 4, 5),
        DisciplineGroup("school", 3, 1),
        DisciplineGroup(OTHER, 3, 9),
    )
    # "other" of two people is itself too small: left out, and nothing reveals the two
    assert group(Counter({"wijkteam": 3, "ggz": 1, None: 1}), Counter({"ggz": 4}), 3) == (
        DisciplineGroup("wijkteam", 3, 0),
    )
    # people who rather not say count under "other", never as a group of their own; and "other" alone
    # would only repeat the total
    assert group(Counter({None: 5}), Counter(), 3) == ()
    assert group(Counter({None: 5, "school": 1}), Counter(), 3) == ()
    assert group(Counter(), Counter(), 3) == ()


@pytest.fixture
def mixed_session(app, facilitator, make_session, join, connect):
    """Three from the wijkteam, two from school, one who rather not say; each writes one reflection."""
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phones = []
    for n, discipline in enumerate(["wijkteam"] * 3 + ["school"] * 2 + [None]):
        phone = app.test_client()
        data = {"level": "execution", "accept_rules": "1", **({"discipline": discipline} if discipline else {})}
        assert phone.post(f"/j/{code}", data=data).status_code == 302
        sio = connect(phone, code, "participant")
        ack = command(sio, "reflection.post", {"kind": "bottleneck", "text": f"Knelpunt nummer {n}"}, uuid.uuid4().hex)
        assert ack["ok"]
        phones.append(sio)
    return client, session_id, code, phones


def test_the_join_page_offers_the_list_and_rather_not_say(app, facilitator, make_session):
    _, account_id = facilitator
    _, code = make_session(account_id)
    page = app.test_client().get(f"/j/{code}").get_data(as_text=True)
    assert "Zeg ik liever niet" in page and 'value="jeugdbescherming"' in page and "Veilig Thuis" in page
    assert 'value="ervaringsdeskundige"' in page


def test_a_discipline_outside_the_list_is_refused(app, facilitator, make_session):
    _, account_id = facilitator
    _, code = make_session(account_id)
    response = app.test_client().post(f"/j/{code}", data={"level": "execution", "discipline": "koning"})
    assert response.status_code == 400 and "discipline" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0


def test_an_organisation_sets_its_own_list(make_app, make_account, make_session):
    app = make_app(DISCIPLINES=["wijkteam", "Sportclub"])
    account_id, _ = make_account()
    _, code = make_session(account_id)
    page = app.test_client().get(f"/j/{code}").get_data(as_text=True)
    assert 'value="Sportclub"' in page and 'value="school"' not in page
    assert (
        app.test_client().post(f"/j/{code}", data={"level": "execution", "discipline": "Sportclub"}).status_code == 302
    )


def test_staff_snapshot_shows_only_groups_above_the_threshold(app, mixed_session, connect):
    client, session_id, code, phones = mixed_session
    console = connect(client, code, "console")
    snap = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snap["disciplines"]["min_group"] == 3
    assert [(g["key"], g["participants"], g["reflections"]) for g in snap["disciplines"]["groups"]] == [
        ("wijkteam", 3, 3),
        ("other", 3, 3),
    ]
    assert snap["disciplines"]["groups"][1]["label"] == "Overig"
    # phones never get the counts, nor anyone's discipline
    phone_snap = phones[0].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert "disciplines" not in phone_snap and "school" not in json.dumps(phone_snap)
    data = client.get(f"/sessions/{session_id}/disciplines").get_json()
    assert [g["key"] for g in data["groups"]] == ["wijkteam", "other"]


def test_the_threshold_is_a_setting(make_app, make_account, make_session, login, join):
    app = make_app(DISCIPLINE_MIN_GROUP=2)
    account_id, email = make_account()
    session_id, code = make_session(account_id, phase="write")
    for discipline in ("school", "school", "ggz"):
        assert (
            app.test_client().post(f"/j/{code}", data={"level": "policy", "discipline": discipline}).status_code == 302
        )
    client = login(app.test_client(), email)
    assert [
        (g["key"], g["participants"]) for g in client.get(f"/sessions/{session_id}/disciplines").get_json()["groups"]
    ] == [("school", 2)]


def test_every_export_respects_the_threshold(app, mixed_session):
    client, session_id, code, phones = mixed_session
    texts = all_exports(client, session_id, programme_of(app, session_id))
    session_texts = {name: text for name, text in texts.items() if name.startswith("session.")}
    for name, text in session_texts.items():
        if name in ("session.json", "session.csv"):
            assert "wijkteam" in text and "other" in text, name
        else:
            assert "Wijkteam" in text and "Overig" in text, name
        assert "school" not in text.lower(), name
    for name in ("programme.json", "programme.csv"):
        assert "wijkteam" in texts[name] and "school" not in texts[name].lower(), name


def test_no_discipline_section_when_every_group_is_too_small(app, facilitator, make_session):
    client, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    for discipline in ("school", "ggz"):
        app.test_client().post(f"/j/{code}", data={"level": "policy", "discipline": discipline})
    for fmt in ("md", "json"):
        text = client.get(f"/sessions/{session_id}/report/{fmt}").get_data(as_text=True)
        assert "school" not in text.lower() and "ggz" not in text.lower()
    assert client.get(f"/sessions/{session_id}/disciplines").get_json()["groups"] == []
