"""Commitments (actieafspraken) through the command pipeline: proposals from phones, what the facilitator does with
them, who may update a status; carrying bottlenecks forward in a programme; follow-up sessions; the organiser's
dashboard and its CSV; and what the Word reports make of it all."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from docx import Document

from facilitation import reports
from facilitation.extensions import db
from facilitation.live import sessions as sessions_module
from facilitation.models import (
    Account,
    Cluster,
    Commitment,
    CommitmentCluster,
    CommitmentUpdate,
    Programme,
    Session,
    Vote,
    VotingRound,
)
from facilitation.register import commitments as commitment_board
from tests.conftest import command, received_events, run

COMMIT_PHASE = 5  # the learning table's "commitments" phase


def ok(sio, name, args=None, client_id=None):
    ack = command(sio, name, args or {}, client_id)
    assert ack["ok"], ack
    return ack["data"]


def refused(sio, name, args, error, client_id=None):
    ack = command(sio, name, args, client_id)
    assert ack["ok"] is False and ack["error"] == error and ack["message"], ack
    return ack


def snapshot(sio):
    return sio.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]


def rows(app, model, **where):
    with app.app_context():
        db.session.rollback()
        query = sa.select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(db.session.scalars(query))


def new_session(app, programme_id, account_id, title, fmt="learning-table", levels=("execution", "policy")):
    """Another session in the same programme (make_session makes a programme per session)."""
    with app.app_context():
        session_ = sessions_module.create_session(
            programme=db.session.get(Programme, programme_id),
            facilitator=db.session.get(Account, account_id),
            title=title,
            fmt=app.extensions["formats"][fmt],
            levels=list(levels),
            language="nl",
        )
        db.session.commit()
        return session_.id, session_.join_code


def programme_of(app, session_id):
    with app.app_context():
        return db.session.get(Session, session_id).programme_id


@pytest.fixture
def table(app, facilitator, make_session, join, connect):
    """A live learning table in its commitments phase with two clusters, a console and two phones."""
    http, account_id = facilitator
    session_id, code = make_session(account_id, phase="commitments")
    clusters = [
        run(app, session_id, account_id, "cluster.create", {"title": t}).data["cluster"]["id"]
        for t in ("Geen regie", "Schotten tussen budgetten")
    ]
    phones_http = [join(code, level="execution"), join(code, level="policy")]
    console = connect(http, code, "console")
    phones = [connect(p, code, "participant") for p in phones_http]
    for sio in (console, *phones):
        sio.get_received("/live")
    return {
        "session_id": session_id,
        "code": code,
        "account_id": account_id,
        "clusters": clusters,
        "console": console,
        "phones": phones,
        "http": http,
    }


PROPOSAL = {"what": "Ik bel de school van de oudste", "owner": "Jeugdconsulent wijkteam", "due_date": "2026-03-01"}


# --- lifecycle ------------------------------------------------------------------------------------------------


def test_a_proposal_reaches_the_console_only_until_confirmed_then_every_screen(app, table):
    console, mine, other = table["console"], *table["phones"]
    proposed = ok(mine, "commitment.propose", {**PROPOSAL, "cluster_ids": [table["clusters"][0]]}, uuid.uuid4().hex)[
        "commitment"
    ]
    assert proposed["pending"] is True and proposed["level"] == "execution"  # the proposer's own level
    assert proposed["cluster_ids"] == [table["clusters"][0]]
    assert [e["name"] for e in received_events(console)] == ["commitment.propose"]
    assert received_events(other) == []
    assert [e["name"] for e in received_events(mine)] == ["commitment.propose"]
    assert snapshot(other)["commitments"] == []
    assert [c["mine"] for c in snapshot(mine)["commitments"]] == [True]

    confirmed = ok(
        console,
        "commitment.confirm",
        {"id": proposed["id"], "owner": "Jeugdconsulent, wijkteam Noord", "cluster_ids": table["clusters"]},
    )["commitment"]
    assert confirmed["pending"] is False and confirmed["owner"] == "Jeugdconsulent, wijkteam Noord"
    assert confirmed["cluster_ids"] == sorted(table["clusters"])
    assert [e["name"] for e in received_events(other)] == ["commitment.confirm"]
    seen = snapshot(other)["commitments"]
    assert [c["what"] for c in seen] == [PROPOSAL["what"]] and seen[0]["mine"] is False
    refused(console, "commitment.confirm", {"id": proposed["id"]}, "already_confirmed")
    refused(console, "commitment.reject", {"id": proposed["id"]}, "already_confirmed")


def test_resending_a_proposal_makes_one_commitment(app, table):
    client_id = uuid.uuid4().hex
    first = ok(table["phones"][0], "commitment.propose", PROPOSAL, client_id)
    again = ok(table["phones"][0], "commitment.propose", PROPOSAL, client_id)
    assert first["commitment"]["id"] == again["commitment"]["id"]
    assert len(rows(app, Commitment, session_id=table["session_id"])) == 1


@pytest.mark.parametrize(
    "payload,error",
    [
        ({"owner": "Wie"}, "missing_field"),
        ({"what": "Iets", "owner": "   "}, "empty_text"),
        ({"what": "x" * 501, "owner": "Wie"}, "too_long"),
        ({"what": "Iets", "owner": "Wie", "due_date": "2026-02-30"}, "invalid_date"),
        ({"what": "Iets", "owner": "Wie", "due_date": "1999-01-01"}, "invalid_date"),
        ({"what": "Iets", "owner": "Wie", "due_date": 20260301}, "wrong_type"),
        ({"what": "Iets", "owner": "Wie", "level": "king"}, "invalid_choice"),
        ({"what": "Iets", "owner": "Wie", "cluster_ids": [999_999]}, "not_found"),
        ({"what": "Iets", "owner": "Wie", "cluster_ids": "1"}, "wrong_type"),
    ],
)
def test_bad_proposals_are_refused_and_change_nothing(app, table, payload, error):
    refused(table["phones"][0], "commitment.propose", payload, error, uuid.uuid4().hex)
    assert rows(app, Commitment) == []


def test_proposing_needs_the_commitments_phase_and_a_client_id(app, table):
    phone = table["phones"][0]
    refused(phone, "commitment.propose", PROPOSAL, "missing_field")
    ok(table["console"], "phase.goto", {"index": 1})
    refused(phone, "commitment.propose", PROPOSAL, "phase_does_not_allow", uuid.uuid4().hex)
    # the facilitator records commitments in any phase
    ok(table["console"], "commitment.record", {"what": "Eén regisseur", "owner": "Teamleider"})
    assert len(rows(app, Commitment)) == 1


def test_the_facilitator_edits_merges_and_rejects_proposals(app, table):
    console, mine, other = table["console"], *table["phones"]
    a = ok(mine, "commitment.propose", {**PROPOSAL, "cluster_ids": [table["clusters"][0]]}, uuid.uuid4().hex)
    b = ok(
        other,
        "commitment.propose",
        {"what": "Wij bellen ook de school", "owner": "Leerplicht", "cluster_ids": [table["clusters"][1]]},
        uuid.uuid4().hex,
    )
    c = ok(other, "commitment.propose", {"what": "Onzin", "owner": "?"}, uuid.uuid4().hex)
    received_events(mine)
    edited = ok(console, "commitment.edit", {"id": a["commitment"]["id"], "what": "De school bellen, samen"})
    assert edited["commitment"]["what"] == "De school bellen, samen"
    refused(console, "commitment.edit", {"id": a["commitment"]["id"], "what": "De school bellen, samen"}, "no_change")
    # an edit of a proposal goes to its phone, not to the others
    assert [e["name"] for e in received_events(mine)] == ["commitment.edit"]

    merged = ok(console, "commitment.merge", {"into": a["commitment"]["id"], "ids": [b["commitment"]["id"]]})
    assert merged["removed"] == [b["commitment"]["id"]]
    assert merged["commitment"]["cluster_ids"] == sorted(table["clusters"])
    refused(
        console, "commitment.merge", {"into": a["commitment"]["id"], "ids": [a["commitment"]["id"]]}, "invalid_choice"
    )

    ok(console, "commitment.reject", {"id": c["commitment"]["id"]})
    assert [e["name"] for e in received_events(other)][-1] == "commitment.reject"
    left = rows(app, Commitment, session_id=table["session_id"])
    assert [x.what for x in left] == ["De school bellen, samen"]


def test_who_may_update_a_status(app, table):
    console, mine, other = table["console"], *table["phones"]
    made = ok(mine, "commitment.propose", PROPOSAL, uuid.uuid4().hex)["commitment"]
    refused(mine, "commitment.set_status", {"id": made["id"], "status": "in_progress"}, "not_confirmed")
    ok(console, "commitment.confirm", {"id": made["id"]})
    refused(other, "commitment.set_status", {"id": made["id"], "status": "done"}, "not_your_commitment")
    update = ok(mine, "commitment.set_status", {"id": made["id"], "status": "in_progress", "note": "Afspraak staat"})[
        "commitment"
    ]
    assert update["status"] == "in_progress" and update["updates"][0]["note"] == "Afspraak staat"
    refused(mine, "commitment.set_status", {"id": made["id"], "status": "in_progress"}, "no_change")
    # a note without a new status is an update too
    ok(console, "commitment.set_status", {"id": made["id"], "status": "in_progress", "note": "Gesprek was goed"})
    refused(console, "commitment.set_status", {"id": made["id"], "status": "finished"}, "invalid_choice")
    updates = rows(app, CommitmentUpdate, commitment_id=made["id"])
    assert [(u.status, u.note, u.by) for u in updates] == [
        ("in_progress", "Afspraak staat", "participant"),
        ("in_progress", "Gesprek was goed", "facilitator"),
    ]
    assert all(u.created_at.date() == date.today() for u in updates)


def test_commitments_follow_their_clusters_through_merge_and_delete(app, table):
    console = table["console"]
    regie, budget = table["clusters"]
    made = ok(
        console, "commitment.record", {"what": "Eén regisseur", "owner": "Teamleider", "cluster_ids": [regie, budget]}
    )["commitment"]
    third = ok(console, "cluster.create", {"title": "Wachtlijsten"})["cluster"]["id"]
    ok(console, "commitment.edit", {"id": made["id"], "cluster_ids": [budget, third]})
    ok(console, "cluster.merge", {"into": budget, "ids": [third]})
    links = rows(app, CommitmentCluster, commitment_id=made["id"])
    assert [link.cluster_id for link in links] == [budget]
    ok(console, "cluster.delete", {"id": budget})
    assert rows(app, CommitmentCluster) == [] and len(rows(app, Commitment)) == 1


# --- carrying bottlenecks forward ---------------------------------------------------------------------------


@pytest.fixture
def earlier(app, facilitator, make_session, join):
    """A closed learning table with three voted clusters (one hidden reflection) and a fishbowl planned after it."""
    http, account_id = facilitator
    session_id, code = make_session(account_id, phase="write")
    phone = join(code)
    with app.app_context():
        from facilitation.models import Participant

        pid = db.session.scalar(sa.select(Participant.id).where(Participant.session_id == session_id))
    texts = ["Niemand had de regie", "Elke instantie een eigen plan", "Verborgen tekst"]
    ids = [
        run(app, session_id, account_id, "reflection.post", {"kind": "bottleneck", "text": t}, uuid.uuid4().hex).data[
            "id"
        ]
        for t in texts
    ]
    run(app, session_id, account_id, "reflection.hide", {"id": ids[2]})
    regie = run(
        app,
        session_id,
        account_id,
        "cluster.create",
        {"title": "Geen regie", "level": "management", "reflection_ids": ids},
    ).data["cluster"]["id"]
    budget = run(app, session_id, account_id, "cluster.create", {"title": "Schotten"}).data["cluster"]["id"]
    quiet = run(app, session_id, account_id, "cluster.create", {"title": "Stil punt"}).data["cluster"]["id"]
    with app.app_context():
        round_ = VotingRound(session_id=session_id, number=1, status="closed", budget=5)
        db.session.add(round_)
        db.session.flush()
        db.session.add_all(
            [
                Vote(session_id=session_id, round_id=round_.id, participant_id=pid, cluster_id=budget, dots=4),
                Vote(session_id=session_id, round_id=round_.id, participant_id=pid, cluster_id=regie, dots=1),
            ]
        )
        db.session.commit()
    run(app, session_id, account_id, "session.close")
    programme_id = programme_of(app, session_id)
    later_id, later_code = new_session(
        app, programme_id, account_id, "Fishbowl met bestuur", fmt="fishbowl", levels=("governance",)
    )
    return {
        "session_id": session_id,
        "later_id": later_id,
        "later_code": later_code,
        "account_id": account_id,
        "http": http,
        "regie": regie,
        "budget": budget,
        "quiet": quiet,
        "programme_id": programme_id,
        "phone": phone,
    }


def test_the_console_offers_earlier_bottlenecks_by_votes_with_the_top_ones_ticked(app, earlier):
    page = earlier["http"].get(f"/sessions/{earlier['later_id']}/console").get_data(as_text=True)
    order = [page.index(title) for title in ("Schotten", "Geen regie", "Stil punt")]
    assert order == sorted(order)
    assert f'value="{earlier["budget"]}" checked' in page and f'value="{earlier["regie"]}" checked' in page
    assert f'value="{earlier["quiet"]}" checked' not in page  # no dots: not preselected


def test_carrying_clusters_forward_keeps_their_history(app, earlier, connect):
    console = connect(earlier["http"], earlier["later_code"], "console")
    data = ok(console, "cluster.carry", {"ids": [earlier["regie"], earlier["budget"]]})
    carried = {c["title"]: c for c in data["clusters"]}
    assert set(carried) == {"Geen regie", "Schotten"} and carried["Geen regie"]["level"] == "management"
    new_id = carried["Geen regie"]["id"]
    background = data["carried"][str(new_id)]
    assert background["texts"] == ["Niemand had de regie", "Elke instantie een eigen plan"]  # hidden stays out
    assert background["from"][0]["session"] == "Leertafel"
    with app.app_context():
        assert db.session.get(Cluster, new_id).carried_from_id == earlier["regie"]
        assert db.session.get(Cluster, new_id).session_id == earlier["later_id"]
    # the console's snapshot has the background, a phone's never
    assert snapshot(console)["carried"][str(new_id)]["texts"][0] == "Niemand had de regie"
    refused(console, "cluster.carry", {"ids": [earlier["regie"]]}, "no_change")
    # the earlier session's own cluster is untouched
    with app.app_context():
        assert db.session.get(Cluster, earlier["regie"]).session_id == earlier["session_id"]
    # and the offer no longer lists what was carried
    page = earlier["http"].get(f"/sessions/{earlier['later_id']}/console").get_data(as_text=True)
    assert f'value="{earlier["regie"]}"' not in page and f'value="{earlier["quiet"]}"' in page


def test_only_clusters_of_the_same_programme_can_be_carried(app, earlier, make_session, connect):
    other_id, _ = make_session(earlier["account_id"], phase="write")
    foreign = run(app, other_id, earlier["account_id"], "cluster.create", {"title": "Elders"}).data["cluster"]["id"]
    console = connect(earlier["http"], earlier["later_code"], "console")
    refused(console, "cluster.carry", {"ids": [foreign]}, "not_found")
    refused(console, "cluster.carry", {"ids": []}, "missing_field")
    assert rows(app, Cluster, session_id=earlier["later_id"]) == []


def test_phones_never_get_the_background_of_carried_clusters(app, earlier, join, connect):
    console = connect(earlier["http"], earlier["later_code"], "console")
    phone = connect(join(earlier["later_code"], level="governance"), earlier["later_code"], "participant")
    phone.get_received("/live")
    ok(console, "cluster.carry", {"ids": [earlier["regie"]]})
    events = received_events(phone)
    assert [e["name"] for e in events] == ["cluster.carry"]
    assert "Niemand had de regie" not in repr(events)
    state = snapshot(phone)
    assert "carried" not in state and [c["title"] for c in state["clusters"]] == ["Geen regie"]


# --- follow-up ------------------------------------------------------------------------------------------------------


@pytest.fixture
def followup(app, earlier, join, connect):
    """The earlier table's commitments (one overdue), and a live follow-up session in its follow-up phase."""
    account_id = earlier["account_id"]
    with app.app_context():
        made = [
            Commitment(
                session_id=earlier["session_id"],
                what="Eén regisseur per gezin",
                owner="Teamleider",
                level="management",
                due_date=date.today() - timedelta(days=10),
            ),
            Commitment(
                session_id=earlier["session_id"],
                what="=1+1 budgetten ontschotten",
                owner="Beleid",
                level="policy",
                due_date=date.today() + timedelta(days=30),
                status="in_progress",
            ),
            Commitment(session_id=earlier["session_id"], what="Voorstel", owner="Iemand", pending=True),
        ]
        db.session.add_all(made)
        db.session.flush()
        db.session.add(CommitmentCluster(commitment_id=made[0].id, cluster_id=earlier["regie"]))
        db.session.commit()
        ids = [c.id for c in made]
    session_id, code = new_session(
        app, earlier["programme_id"], account_id, "Vervolgtafel", fmt="learning-table-followup"
    )
    run(app, session_id, account_id, "session.start")
    run(app, session_id, account_id, "phase.goto", {"index": 1})
    console = connect(earlier["http"], code, "console")
    phone = connect(join(code, level="management"), code, "participant")
    return {
        **earlier,
        "followup_id": session_id,
        "followup_code": code,
        "commitments": ids,
        "console": console,
        "followup_phone": phone,
    }


def test_a_follow_up_session_shows_the_programmes_confirmed_commitments(app, followup):
    for sio in (followup["console"], followup["followup_phone"]):
        listed = snapshot(sio)["followup"]
        assert [c["what"] for c in listed] == ["Eén regisseur per gezin", "=1+1 budgetten ontschotten"]
        assert listed[0]["session_title"] == "Leertafel"


def test_follow_up_updates_are_dated_and_belong_to_the_follow_up_session(app, followup):
    console, phone = followup["console"], followup["followup_phone"]
    first = followup["commitments"][0]
    phone.get_received("/live")
    ok(console, "commitment.set_status", {"id": first, "status": "done", "note": "Regisseur aangesteld"})
    event = received_events(phone)[-1]
    assert event["name"] == "commitment.set_status" and event["data"]["commitment"]["status"] == "done"
    # a phone in the follow-up did not propose it
    refused(phone, "commitment.set_status", {"id": first, "status": "dropped"}, "not_your_commitment")
    refused(console, "commitment.set_status", {"id": followup["commitments"][2], "status": "done"}, "not_confirmed")
    (update,) = rows(app, CommitmentUpdate, commitment_id=first)
    assert update.session_id == followup["followup_id"] and update.note == "Regisseur aangesteld"
    listed = snapshot(console)["followup"]
    # what is done moves below what still runs
    assert [c["id"] for c in listed] == [followup["commitments"][1], first]
    assert listed[1]["updates"][0]["note"] == "Regisseur aangesteld"


def test_commitments_of_another_programme_cannot_be_updated(app, followup, make_session):
    other_id, _ = make_session(followup["account_id"], phase="commitments")
    foreign = run(app, other_id, followup["account_id"], "commitment.record", {"what": "Elders", "owner": "X"}).data[
        "commitment"
    ]["id"]
    refused(followup["console"], "commitment.set_status", {"id": foreign, "status": "done"}, "not_found")


# --- the organiser's dashboard ------------------------------------------------------------------------------------


def test_the_dashboard_counts_by_level_and_status_and_shows_what_is_overdue_and_unanswered(app, followup):
    http = followup["http"]
    page = http.get(f"/programmes/{followup['programme_id']}/commitments").get_data(as_text=True)
    with app.app_context():
        board = commitment_board.programme_dashboard(followup["programme_id"], date.today())
    assert board["total"] == 2  # the unconfirmed proposal does not count
    assert board["counts"] == {
        "management": {"open": 1, "in_progress": 0, "done": 0, "dropped": 0},
        "policy": {"open": 0, "in_progress": 1, "done": 0, "dropped": 0},
    }
    assert [r["what"] for r in board["overdue"]] == ["Eén regisseur per gezin"]
    assert [c["title"] for c in board["unanswered"]] == ["Schotten", "Stil punt"]
    assert 'class="overdue"' in page and "Eén regisseur per gezin" in page and "Stil punt" in page

    # done is no longer overdue; a commitment answering a carried cluster answers the earlier one too
    run(
        app,
        followup["followup_id"],
        followup["account_id"],
        "commitment.set_status",
        {"id": followup["commitments"][0], "status": "done"},
    )
    carried = run(
        app, followup["followup_id"], followup["account_id"], "cluster.carry", {"ids": [followup["budget"]]}
    ).data["clusters"][0]["id"]
    run(app, followup["followup_id"], followup["account_id"], "phase.goto", {"index": 3})
    run(
        app,
        followup["followup_id"],
        followup["account_id"],
        "commitment.record",
        {"what": "Ontschotten", "owner": "Wethouder", "level": "governance", "cluster_ids": [carried]},
    )
    with app.app_context():
        board = commitment_board.programme_dashboard(followup["programme_id"], date.today())
    assert board["overdue"] == [] and [c["title"] for c in board["unanswered"]] == ["Stil punt"]
    assert board["counts"]["governance"]["open"] == 1


def test_an_organiser_sees_only_programmes_they_belong_to(app, followup, make_account, login):
    member_id, member_email = make_account(role="organiser")
    _, outsider_email = make_account(role="organiser")
    _, other_facilitator_email = make_account(role="facilitator")
    _, admin_email = make_account(role="admin")
    with app.app_context():
        from facilitation.programmes import manage as programmes

        programmes.add_member(db.session.get(Programme, followup["programme_id"]), db.session.get(Account, member_id))
        db.session.commit()
    url = f"/programmes/{followup['programme_id']}/commitments"
    for email, status in (
        (member_email, 200),
        (outsider_email, 403),
        (other_facilitator_email, 403),
        (admin_email, 200),
    ):
        client = app.test_client()
        login(client, email)
        assert client.get(url).status_code == status, email
        assert client.get(url + ".csv").status_code == status, email
    assert app.test_client().get(url).status_code in (302, 401)


def test_the_csv_export_defuses_formulas(app, followup):
    response = followup["http"].get(f"/programmes/{followup['programme_id']}/commitments.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    table = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text.splitlines()[0] else ","))
    assert table[0][:3] == ["id", "what", "owner"]
    by_what = {row[1]: row for row in table[1:]}
    assert "'=1+1 budgetten ontschotten" in by_what
    assert by_what["Eén regisseur per gezin"][6] == "yes" and by_what["Eén regisseur per gezin"][8] == "Geen regie"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)


# --- reports ----------------------------------------------------------------------------------------------------------


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_reports_show_answered_bottlenecks_follow_up_and_the_carried_thread(app, followup):
    account_id, later = followup["account_id"], followup["followup_id"]
    run(
        app,
        later,
        account_id,
        "commitment.set_status",
        {"id": followup["commitments"][0], "status": "done", "note": "Regisseur aangesteld"},
    )
    carried = run(app, later, account_id, "cluster.carry", {"ids": [followup["regie"]]}).data["clusters"][0]["id"]
    run(app, later, account_id, "phase.goto", {"index": 3})
    run(
        app,
        later,
        account_id,
        "commitment.record",
        {
            "what": "Regie beleggen bij het college",
            "owner": "Wethouder",
            "level": "governance",
            "cluster_ids": [carried],
        },
    )
    run(app, later, account_id, "session.close")
    with app.app_context():
        session_doc = Document(io.BytesIO(reports.render_session(db.session.get(Session, later), "docx").content))
        earlier_doc = Document(
            io.BytesIO(reports.render_session(db.session.get(Session, followup["session_id"]), "docx").content)
        )
        programme_doc = Document(
            io.BytesIO(reports.render_programme(db.session.get(Programme, followup["programme_id"])).content)
        )
    text = all_text(session_doc)
    assert "Opvolging van eerdere actieafspraken" in text and "Regisseur aangesteld" in text
    assert "Meegenomen knelpunten" in text and "Niemand had de regie" in text
    assert "Regie beleggen bij het college" in text
    assert "Verborgen tekst" not in text
    # the earlier session's own report shows its commitment's later update, dated, and the bottleneck it answers
    earlier_text = all_text(earlier_doc)
    assert "Statusupdates" in earlier_text and "Regisseur aangesteld" in earlier_text and "Vervolgtafel" in earlier_text
    assert "Voorstel" not in earlier_text
    with app.app_context():
        markdown = reports.render_session(db.session.get(Session, later), "md").content.decode("utf-8")
    assert "## Opvolging van eerdere actieafspraken" in markdown and "Regisseur aangesteld" in markdown
    assert "## Meegenomen knelpunten" in markdown and "Niemand had de regie" in markdown
    thread = all_text(programme_doc)
    assert "De rode draad door het leertraject" in thread
    start = thread.index("De rode draad door het leertraject")
    part = thread[start:]
    assert part.index("Niemand had de regie") < part.index("Regie beleggen bij het college")


# --- the migration --------------------------------------------------------------------------------


def test_the_migration_turns_the_one_cluster_column_into_links_and_back(tmp_path):
    from alembic import command as alembic_command

    from facilitation.migrations import alembic_config, upgrade

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade(engine, "0040")
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO accounts (id, email, name, password_hash, role, active, created_at) "
                "VALUES (1, 'a@example.org', 'A', 'x', 'facilitator', 1, '2026-01-01')"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO programmes (id, title, description, owner_id, created_at) "
                "VALUES (1, 'P', '', 1, '2026-01-01')"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO sessions (id, programme_id, facilitator_id, title, format_key, levels, language, "
                "join_code, status, last_seq, created_at) "
                "VALUES (1, 1, 1, 'S', 'learning-table', '[]', 'nl', 'ABCDEF', 'closed', 0, '2026-01-01')"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO clusters (id, session_id, title, description, tags, position, created_at) "
                "VALUES (7, 1, 'Regie', '', '[]', 0, '2026-01-01')"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO commitments (id, session_id, what, owner, cluster_id, status, created_at) "
                "VALUES (3, 1, 'Bellen', 'Wie', 7, 'open', '2026-01-01'), "
                "(4, 1, 'Los', 'Wie', NULL, 'open', '2026-01-01')"
            )
        )
    upgrade(engine)
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT commitment_id, cluster_id FROM commitment_clusters")).all() == [(3, 7)]
        assert c.execute(sa.text("SELECT id, pending FROM commitments ORDER BY id")).all() == [(3, 0), (4, 0)]
    with engine.begin() as c:
        alembic_command.downgrade(alembic_config(c), "0040")
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT id, cluster_id FROM commitments ORDER BY id")).all() == [(3, 7), (4, None)]
    engine.dispose()


@pytest.mark.parametrize(
    "name,payload",
    [
        ("commitment.edit", {"id": 10**30, "what": "x"}),
        ("commitment.set_status", {"id": -(10**30), "status": "done"}),
        ("cluster.carry", {"ids": [10**30]}),
        ("commitment.record", {"what": "x", "owner": "y", "cluster_ids": [2**63]}),
        ("reflection.hide", {"id": 10**30}),
    ],
)
def test_ids_too_large_for_the_database_are_refused_not_crashed(app, table, name, payload):
    refused(table["console"], name, payload, "out_of_range")
