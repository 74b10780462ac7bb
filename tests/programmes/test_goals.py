"""A programme's learning and change goals per level: who sets them on the programme page, how they are kept in
order, which commitments serve them (through the live commands), and what the page shows per level."""

from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.live import commands
from facilitation.models import Cluster, Commitment, ProgrammeGoal, Session
from tests.conftest import run
from tests.programmes.test_programmes import create_programme


def goal_rows(app, programme_id):
    with app.app_context():
        db.session.rollback()
        return [
            (g.level, g.kind, g.title, g.description, g.position)
            for g in db.session.scalars(
                sa.select(ProgrammeGoal)
                .where(ProgrammeGoal.programme_id == programme_id)
                .order_by(ProgrammeGoal.level, ProgrammeGoal.position)
            )
        ]


def goal_id(app, title):
    with app.app_context():
        return db.session.scalar(sa.select(ProgrammeGoal.id).where(ProgrammeGoal.title == title))


def add(client, programme_id, title, level="policy", kind="change", description=""):
    return client.post(
        f"/programmes/{programme_id}/goals",
        data={"level": level, "kind": kind, "title": title, "description": description},
    )


def level_card(page: str, level: str) -> str:
    """The part of the programme page about one level."""
    match = re.search(rf'<section class="goal-level card" id="goals-{level}".*?</section>', page, flags=re.S)
    assert match, level
    return match.group(0)


def titles_in_order(page: str, level: str) -> list[str]:
    return re.findall(r'class="goal-title"[^>]*>([^<]+)<', level_card(page, level))


# --- setting goals on the programme page --------------------------------------------------------------------


def test_the_owner_adds_edits_reorders_and_removes_goals_per_level(app, facilitator):
    client, _ = facilitator
    programme_id = create_programme(client)
    response = add(client, programme_id, "Zien waar beleid schuurt", kind="learning", description="En waarom.")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/programmes/{programme_id}#goals-policy"
    )
    add(client, programme_id, "Eén budget voor maatwerk")
    add(client, programme_id, "Eén regisseur per gezin", level="execution")
    assert goal_rows(app, programme_id) == [
        ("execution", "change", "Eén regisseur per gezin", "", 0),
        ("policy", "learning", "Zien waar beleid schuurt", "En waarom.", 0),
        ("policy", "change", "Eén budget voor maatwerk", "", 1),
    ]
    page = client.get(f"/programmes/{programme_id}").get_data(as_text=True)
    assert "Doelen per niveau" in page and "Leerdoel" in page and "Veranderdoel" in page
    assert titles_in_order(page, "policy") == ["Zien waar beleid schuurt", "Eén budget voor maatwerk"]
    assert titles_in_order(page, "execution") == ["Eén regisseur per gezin"]
    assert "Nog geen doelen op dit niveau." in level_card(page, "governance")

    budget = goal_id(app, "Eén budget voor maatwerk")
    client.post(f"/programmes/{programme_id}/goals/{budget}/move", data={"direction": "up"})
    page = client.get(f"/programmes/{programme_id}").get_data(as_text=True)
    assert titles_in_order(page, "policy") == ["Eén budget voor maatwerk", "Zien waar beleid schuurt"]
    # at the top already: nothing moves
    client.post(f"/programmes/{programme_id}/goals/{budget}/move", data={"direction": "up"})
    page = client.get(f"/programmes/{programme_id}").get_data(as_text=True)
    assert titles_in_order(page, "policy") == ["Eén budget voor maatwerk", "Zien waar beleid schuurt"]

    # moved to governance, it goes to the end of that level
    client.post(
        f"/programmes/{programme_id}/goals/{budget}",
        data={"level": "governance", "kind": "learning", "title": "Budget voor maatwerk", "description": "Bestuur"},
    )
    assert ("governance", "learning", "Budget voor maatwerk", "Bestuur", 0) in goal_rows(app, programme_id)
    response = client.post(f"/programmes/{programme_id}/goals/{budget}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("#goals-governance")
    assert [row[2] for row in goal_rows(app, programme_id)] == ["Eén regisseur per gezin", "Zien waar beleid schuurt"]


def test_a_goal_is_refused_with_a_reason_and_nothing_is_written(app, facilitator):
    client, _ = facilitator
    programme_id = create_programme(client)
    for data, message in (
        ({"level": "policy", "kind": "change", "title": "   "}, "Schrijf eerst iets."),
        ({"level": "board", "kind": "change", "title": "Doel"}, "Dat is geen van de mogelijkheden: level."),
        ({"level": "policy", "kind": "wish", "title": "Doel"}, "Dat is geen van de mogelijkheden: kind."),
        ({"level": "policy", "title": "Doel"}, "Er ontbreekt iets: kind."),
        ({"level": "policy", "kind": "change", "title": "x" * 201}, "hoogstens 200 tekens"),
    ):
        response = client.post(f"/programmes/{programme_id}/goals", data=data, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and 'class="notice error" role="alert"' in page
        assert message in page, (data, re.findall(r'role="alert">([^<]*)<', page))
    assert goal_rows(app, programme_id) == []
    add(client, programme_id, "Goed doel")
    good = goal_id(app, "Goed doel")
    client.post(f"/programmes/{programme_id}/goals/{good}", data={"level": "policy", "kind": "change", "title": ""})
    client.post(f"/programmes/{programme_id}/goals/{good}/move", data={"direction": "sideways"})
    assert goal_rows(app, programme_id) == [("policy", "change", "Goed doel", "", 0)]


def test_organisers_set_goals_of_their_programmes_only_and_phones_nothing(
    app, facilitator, make_account, login, make_session, join
):
    client, _ = facilitator
    programme_id = create_programme(client)
    other_programme = create_programme(client, "Ander leertraject")
    member_id, member_email = make_account(role="organiser")
    _, outsider_email = make_account(role="organiser")
    _, stranger_email = make_account(role="facilitator")
    client.post(f"/programmes/{programme_id}/members", data={"account_id": member_id})

    member = login(app.test_client(), member_email)
    assert add(member, programme_id, "Leren van de casus", level="management").status_code == 302
    mine = goal_id(app, "Leren van de casus")
    page = member.get(f"/programmes/{programme_id}").get_data(as_text=True)
    assert f'action="/programmes/{programme_id}/goals"' in page  # the member may add goals
    # but not in a programme it does not belong to
    assert add(member, other_programme, "Ingebroken").status_code == 403

    add(client, other_programme, "Van een ander")
    foreign = goal_id(app, "Van een ander")
    # a goal addressed through the wrong programme is not found
    assert member.post(f"/programmes/{programme_id}/goals/{foreign}/delete").status_code == 404

    for email in (outsider_email, stranger_email):
        other = login(app.test_client(), email)
        assert add(other, programme_id, "Ingebroken").status_code == 403
        assert other.post(f"/programmes/{programme_id}/goals/{mine}/delete").status_code == 403
        assert other.post(f"/programmes/{programme_id}/goals/{mine}/move", data={"direction": "up"}).status_code == 403

    # a participant's phone has no account: it is sent to the login page and nothing changes
    _, code = make_session(_owner_of(app, programme_id))
    phone = join(code)
    for response in (
        add(phone, programme_id, "Van een telefoon"),
        phone.post(
            f"/programmes/{programme_id}/goals/{mine}", data={"level": "policy", "kind": "change", "title": "X"}
        ),
        phone.post(f"/programmes/{programme_id}/goals/{mine}/delete"),
    ):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert [row[2] for row in goal_rows(app, programme_id)] == ["Leren van de casus"]


def _owner_of(app, programme_id):
    from facilitation.models import Programme

    with app.app_context():
        return db.session.get(Programme, programme_id).owner_id


# --- commitments serving goals, through the live commands -----------------------------------------------------


def _programme_session(app, client, account_id, title="Leertraject"):
    """A programme with a live learning table in it (through the pages), with one cluster."""
    programme_id = create_programme(client, title)
    response = client.post(
        f"/programmes/{programme_id}/sessions",
        data={"title": "Leertafel", "format": "learning-table", "levels": ["execution", "policy"]},
    )
    session_id = int(response.headers["Location"].split("/")[-2])
    run(app, session_id, account_id, "session.start")
    return programme_id, session_id


def _apply(app, session_id, account_id, name, payload):
    with app.test_request_context():
        return commands.apply(session_id, commands.Actor(account_id=account_id), name, payload)


def _commitments(app, session_id):
    with app.app_context():
        db.session.rollback()
        return [
            (c.what, c.goal_id)
            for c in db.session.scalars(sa.select(Commitment).where(Commitment.session_id == session_id))
        ]


def test_a_commitment_serves_a_goal_of_its_own_programme_only(app, facilitator):
    client, account_id = facilitator
    programme_id, session_id = _programme_session(app, client, account_id)
    other_programme, _ = _programme_session(app, client, account_id, "Ander leertraject")
    add(client, programme_id, "Eén budget voor maatwerk")
    add(client, other_programme, "Doel van een ander leertraject")
    ours, theirs = goal_id(app, "Eén budget voor maatwerk"), goal_id(app, "Doel van een ander leertraject")

    recorded = _apply(
        app,
        session_id,
        account_id,
        "commitment.record",
        {"what": "Budget bundelen", "owner": "Beleid", "goal_id": ours},
    )
    assert recorded.ok and recorded.data["commitment"]["goal_id"] == ours
    commitment = recorded.data["commitment"]["id"]

    for bad, error in (
        (theirs, "goal_not_found"),
        (2**31 - 1, "goal_not_found"),
        ("1", "wrong_type"),
        (True, "wrong_type"),
    ):
        for name, payload in (
            ("commitment.record", {"what": "Iets anders", "owner": "Wie", "goal_id": bad}),
            ("commitment.edit", {"id": commitment, "goal_id": bad, "what": "Ook anders"}),
        ):
            result = _apply(app, session_id, account_id, name, payload)
            assert not result.ok and result.error == error, (bad, result)
    # nothing was written by the refusals
    assert _commitments(app, session_id) == [("Budget bundelen", ours)]

    cleared = _apply(app, session_id, account_id, "commitment.edit", {"id": commitment, "goal_id": None})
    assert cleared.ok and cleared.data["commitment"]["goal_id"] is None
    again = _apply(app, session_id, account_id, "commitment.edit", {"id": commitment, "goal_id": ours})
    assert again.ok and _commitments(app, session_id) == [("Budget bundelen", ours)]
    # the same goal again is no change
    assert _apply(app, session_id, account_id, "commitment.edit", {"id": commitment, "goal_id": ours}).error == (
        "no_change"
    )


def test_the_console_gets_the_programmes_goals_and_phones_do_not(app, facilitator, join, connect):
    client, account_id = facilitator
    programme_id, session_id = _programme_session(app, client, account_id)
    add(client, programme_id, "Eén regisseur per gezin", level="execution")
    add(client, programme_id, "Zien waar beleid schuurt", kind="learning")
    with app.app_context():
        code = db.session.get(Session, session_id).join_code
    console = connect(client, code, "console")
    phone = connect(join(code), code, "participant")
    staff = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    mine = phone.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert [(g["level"], g["kind"], g["title"]) for g in staff["goals"]] == [
        ("execution", "change", "Eén regisseur per gezin"),
        ("policy", "learning", "Zien waar beleid schuurt"),
    ]
    assert "goals" not in mine


def test_removing_a_goal_leaves_its_commitments_serving_none(app, facilitator):
    client, account_id = facilitator
    programme_id, session_id = _programme_session(app, client, account_id)
    add(client, programme_id, "Weg ermee")
    goal = goal_id(app, "Weg ermee")
    run(app, session_id, account_id, "commitment.record", {"what": "Blijft", "owner": "Wie", "goal_id": goal})
    client.post(f"/programmes/{programme_id}/goals/{goal}/delete")
    assert _commitments(app, session_id) == [("Blijft", None)]


def test_the_page_shows_per_level_the_commitments_serving_each_goal_and_the_bottlenecks_without_one(app, facilitator):
    client, account_id = facilitator
    programme_id, session_id = _programme_session(app, client, account_id)
    add(client, programme_id, "Eén budget voor maatwerk")
    add(client, programme_id, "Eén regisseur per gezin", level="execution")
    budget = goal_id(app, "Eén budget voor maatwerk")
    made = {}
    for title, level in (
        ("Schotten tussen budgetten", "policy"),
        ("Wachtlijst GGZ", "policy"),
        ("Geen regie", "execution"),
    ):
        cluster = run(app, session_id, account_id, "cluster.create", {"title": title}).data["cluster"]["id"]
        run(app, session_id, account_id, "cluster.set_level", {"id": cluster, "level": level})
        made[title] = cluster
    commitment = run(
        app,
        session_id,
        account_id,
        "commitment.record",
        {
            "what": "Budgetten bundelen",
            "owner": "Beleidsadviseur",
            "level": "policy",
            "goal_id": budget,
            "cluster_ids": [made["Schotten tussen budgetten"]],
        },
    ).data["commitment"]["id"]
    run(app, session_id, account_id, "commitment.set_status", {"id": commitment, "status": "in_progress"})
    run(app, session_id, account_id, "commitment.record", {"what": "Zonder doel", "owner": "X", "level": "policy"})

    page = client.get(f"/programmes/{programme_id}").get_data(as_text=True)
    policy = level_card(page, "policy")
    assert "Budgetten bundelen" in policy and "Bezig" in policy and "Beleidsadviseur" in policy
    assert "Wachtlijst GGZ" in policy and "Schotten tussen budgetten" not in policy
    assert "Actieafspraken op dit niveau die geen doel dienen: 1" in policy
    execution = level_card(page, "execution")
    assert "Geen actieafspraak dient dit doel nog." in execution and "Geen regie" in execution
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Cluster.id))) == 3
    # the commitments dashboard and its CSV name the goal each commitment serves
    board = client.get(f"/programmes/{programme_id}/commitments").get_data(as_text=True)
    row = re.search(rf'data-commitment-id="{commitment}">(.*?)</tr>', board, flags=re.S).group(1)
    assert "<td>Eén budget voor maatwerk</td>" in row
    text = client.get(f"/programmes/{programme_id}/commitments.csv").get_data(as_text=True).lstrip("\ufeff")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0][-1] == "goal"
    assert {r[1]: r[-1] for r in table[1:]} == {"Budgetten bundelen": "Eén budget voor maatwerk", "Zonder doel": ""}


def test_a_phone_proposal_gets_its_goal_from_the_facilitator_and_a_merge_keeps_it(app, facilitator, join, connect):
    from tests.conftest import command

    client, account_id = facilitator
    programme_id, session_id = _programme_session(app, client, account_id)
    add(client, programme_id, "Eén regisseur per gezin", level="execution")
    goal = goal_id(app, "Eén regisseur per gezin")
    run(app, session_id, account_id, "phase.goto", {"index": 5})  # the learning table's commitments phase
    with app.app_context():
        code = db.session.get(Session, session_id).join_code
    phone = connect(join(code), code, "participant")
    # a phone does not choose the goal: the field is left aside
    ack = command(
        phone,
        "commitment.propose",
        {"what": "Ik bel school", "owner": "Consulent", "goal_id": goal},
        "proposal-one-0001",
    )
    assert ack["ok"], ack
    assert ack["data"]["commitment"]["goal_id"] is None
    proposal = ack["data"]["commitment"]["id"]
    other = command(phone, "commitment.propose", {"what": "Ik bel ook", "owner": "Consulent"}, "proposal-two-0002")[
        "data"
    ]
    confirmed = _apply(app, session_id, account_id, "commitment.confirm", {"id": proposal, "goal_id": goal})
    assert confirmed.ok and confirmed.data["commitment"]["goal_id"] == goal
    # the one that stays served no goal; the merged proposal's goal is kept
    merged = _apply(
        app, session_id, account_id, "commitment.merge", {"into": other["commitment"]["id"], "ids": [proposal]}
    )
    assert merged.ok and merged.data["commitment"]["goal_id"] == goal
    assert _commitments(app, session_id) == [("Ik bel ook", goal)]
