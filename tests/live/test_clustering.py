"""Bottleneck clusters through the command pipeline: create, edit, level, tags, move, merge, split, delete;
every reflection stays in exactly one place; participants are refused; suggestions from the server."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.extensions import db
from facilitation.live import commands
from facilitation.models import Cluster, Commitment, CommitmentCluster, Reflection
from facilitation.text.labels import TAGS
from tests.conftest import command, received_events, run

TEXTS = [
    "De wachtlijst voor jeugdzorg is veel te lang",
    "Het gezin staat maanden op de wachtlijst voor jeugdzorg",
    "Niemand had de regie over het hele gezin",
    "Geen regie: iedereen deed een stukje",
    "Schulden stapelden zich op door boetes",
    "De schulden groeiden door boetes en incasso",
]


@pytest.fixture
def table(app, facilitator, make_session, join, connect):
    """A live learning table in the clustering phase with six reflections, a console and a phone."""
    http, account_id = facilitator
    session_id, code = make_session(account_id, phase="cluster")
    ids = [
        run(
            app, session_id, account_id, "reflection.post", {"kind": "bottleneck", "text": text}, uuid.uuid4().hex
        ).data["id"]
        for text in TEXTS
    ]
    phone_http = join(code)
    console = connect(http, code, "console")
    phone = connect(phone_http, code, "participant")
    for sio in (console, phone):
        sio.get_received("/live")
    return {
        "session_id": session_id,
        "code": code,
        "account_id": account_id,
        "ids": ids,
        "console": console,
        "phone": phone,
        "http": http,
    }


def placement(app, session_id) -> dict[int, int | None]:
    """reflection id -> cluster id (None: not clustered)."""
    with app.app_context():
        db.session.rollback()
        return dict(
            db.session.execute(
                sa.select(Reflection.id, Reflection.cluster_id).where(Reflection.session_id == session_id)
            ).all()
        )


def clusters(app, session_id) -> dict[int, Cluster]:
    with app.app_context():
        db.session.rollback()
        rows = db.session.scalars(sa.select(Cluster).where(Cluster.session_id == session_id)).all()
        for row in rows:
            db.session.expunge(row)
        return {c.id: c for c in rows}


def ok(sio, name, args):
    ack = command(sio, name, args)
    assert ack["ok"], ack
    return ack["data"]


def test_create_a_cluster_with_reflections_and_every_screen_hears_it(app, table):
    console, phone, ids = table["console"], table["phone"], table["ids"]
    data = ok(
        console,
        "cluster.create",
        {
            "title": "  Wachtlijsten ",
            "description": "Te lang wachten",
            "level": "policy",
            "tags": ["youth_care"],
            "reflection_ids": ids[:2],
        },
    )
    assert data["cluster"]["title"] == "Wachtlijsten" and data["cluster"]["level"] == "policy"
    assert data["moved"] == ids[:2]
    where = placement(app, table["session_id"])
    assert where[ids[0]] == where[ids[1]] == data["cluster"]["id"] and where[ids[2]] is None
    # the cluster is public (titles are on the projector); where private reflections went is staff-only here
    assert [e["name"] for e in received_events(phone)] == ["cluster.create"]
    assert [e["name"] for e in received_events(console)] == ["cluster.create"]


def test_edit_level_and_tags(app, table):
    console = table["console"]
    cluster_id = ok(console, "cluster.create", {"title": "Regie"})["cluster"]["id"]
    assert (
        ok(console, "cluster.edit", {"id": cluster_id, "title": "Geen casusregie"})["cluster"]["title"]
        == "Geen casusregie"
    )
    described = ok(console, "cluster.edit", {"id": cluster_id, "description": "Niemand hield het overzicht"})
    assert described["cluster"] == {
        **described["cluster"],
        "title": "Geen casusregie",
        "description": "Niemand hield het overzicht",
    }
    assert (
        ok(console, "cluster.set_level", {"id": cluster_id, "level": "management"})["cluster"]["level"] == "management"
    )
    assert ok(console, "cluster.set_level", {"id": cluster_id, "level": None})["cluster"]["level"] is None
    tagged = ok(console, "cluster.set_tags", {"id": cluster_id, "tags": ["housing", "debts", "housing"]})
    assert tagged["cluster"]["tags"] == ["debts", "housing"]  # known order, no doubles
    assert ok(console, "cluster.set_tags", {"id": cluster_id, "tags": []})["cluster"]["tags"] == []


@pytest.mark.parametrize(
    "name,args,error",
    [
        ("cluster.create", {}, "missing_field"),
        ("cluster.create", {"title": "   "}, "empty_text"),
        ("cluster.create", {"title": "x" * 121}, "too_long"),
        ("cluster.create", {"title": "A", "level": "king"}, "invalid_choice"),
        ("cluster.create", {"title": "A", "tags": ["sports"]}, "invalid_choice"),
        ("cluster.create", {"title": "A", "tags": "debts"}, "wrong_type"),
        ("cluster.create", {"title": "A", "reflection_ids": [999999]}, "not_found"),
        ("cluster.create", {"title": "A", "reflection_ids": ["1"]}, "wrong_type"),
        ("cluster.create", {"title": "A", "reflection_ids": [True]}, "wrong_type"),
        ("cluster.edit", {"id": 999999, "title": "B"}, "not_found"),
        ("cluster.edit", {"id": "CLUSTER"}, "missing_field"),
        ("cluster.edit", {"id": "CLUSTER", "title": "Bestaand"}, "no_change"),
        ("cluster.set_level", {"id": "CLUSTER"}, "missing_field"),
        ("cluster.set_level", {"id": "CLUSTER", "level": "board"}, "invalid_choice"),
        ("cluster.set_tags", {"id": "CLUSTER"}, "missing_field"),
        ("cluster.merge", {"into": "CLUSTER", "ids": []}, "missing_field"),
        ("cluster.merge", {"into": "CLUSTER", "ids": ["CLUSTER"]}, "invalid_choice"),
        ("cluster.merge", {"into": "CLUSTER", "ids": [999999]}, "not_found"),
        ("cluster.split", {"id": "CLUSTER", "reflection_ids": [], "title": "B"}, "missing_field"),
        ("cluster.split", {"id": "CLUSTER", "reflection_ids": ["FREE"], "title": "B"}, "not_in_cluster"),
        ("cluster.split", {"id": "CLUSTER", "reflection_ids": ["IN"]}, "missing_field"),
        ("cluster.delete", {"id": 999999}, "not_found"),
        ("reflection.move", {"id": "FREE"}, "missing_field"),
        ("reflection.move", {"id": "FREE", "cluster_id": 999999}, "not_found"),
        ("reflection.move", {"id": "IN", "cluster_id": "CLUSTER"}, "no_change"),
        ("reflection.move", {"id": 999999, "cluster_id": None}, "not_found"),
        ("projector.show", {"view": "disco"}, "invalid_choice"),
    ],
)
def test_bad_cluster_commands_are_refused_with_a_message_and_change_nothing(app, table, name, args, error):
    from tests.live.test_commands import dump

    console, ids = table["console"], table["ids"]
    cluster_id = ok(console, "cluster.create", {"title": "Bestaand", "reflection_ids": [ids[0]]})["cluster"]["id"]
    swap = {"CLUSTER": cluster_id, "IN": ids[0], "FREE": ids[1]}
    args = {
        k: (
            [swap.get(x, x) for x in val]
            if isinstance(val, list)
            else swap.get(val, val)
            if isinstance(val, str)
            else val
        )
        for k, val in args.items()
    }
    before = dump(app)
    ack = command(console, name, args)
    assert ack["ok"] is False and ack["error"] == error and ack["message"], ack
    assert dump(app) == before


def test_ids_of_another_session_are_not_found(app, table, make_session):
    other_id, _ = make_session(table["account_id"], phase="cluster")
    foreign_reflection = run(
        app,
        other_id,
        table["account_id"],
        "reflection.post",
        {"kind": "bottleneck", "text": "Elders"},
        uuid.uuid4().hex,
    ).data["id"]
    foreign_cluster = run(app, other_id, table["account_id"], "cluster.create", {"title": "Elders"}).data["cluster"][
        "id"
    ]
    console = table["console"]
    mine = ok(console, "cluster.create", {"title": "Hier"})["cluster"]["id"]
    for name, args in [
        ("reflection.move", {"id": foreign_reflection, "cluster_id": mine}),
        ("reflection.move", {"id": table["ids"][0], "cluster_id": foreign_cluster}),
        ("cluster.create", {"title": "X", "reflection_ids": [foreign_reflection]}),
        ("cluster.merge", {"into": mine, "ids": [foreign_cluster]}),
        ("cluster.delete", {"id": foreign_cluster}),
    ]:
        ack = command(console, name, args)
        assert ack["error"] == "not_found", (name, ack)
    assert clusters(app, other_id).keys() == {foreign_cluster}


def test_participants_cannot_cluster(app, table):
    phone, ids = table["phone"], table["ids"]
    cluster_id = ok(table["console"], "cluster.create", {"title": "Regie"})["cluster"]["id"]
    for name, args in [
        ("cluster.create", {"title": "Van een telefoon"}),
        ("cluster.edit", {"id": cluster_id, "title": "Gekaapt"}),
        ("cluster.set_level", {"id": cluster_id, "level": "governance"}),
        ("cluster.set_tags", {"id": cluster_id, "tags": ["debts"]}),
        ("cluster.delete", {"id": cluster_id}),
        ("reflection.move", {"id": ids[0], "cluster_id": cluster_id}),
        ("projector.show", {"view": "wall"}),
        ("vote.open", {}),
    ]:
        ack = command(phone, name, args)
        assert ack["ok"] is False and ack["error"] == "forbidden", name
    assert set(clusters(app, table["session_id"])) == {cluster_id}
    assert all(c is None for c in placement(app, table["session_id"]).values())


def test_move_in_out_and_between_clusters(app, table):
    console, ids = table["console"], table["ids"]
    a = ok(console, "cluster.create", {"title": "A"})["cluster"]["id"]
    b = ok(console, "cluster.create", {"title": "B"})["cluster"]["id"]
    assert ok(console, "reflection.move", {"id": ids[0], "cluster_id": a}) == {"id": ids[0], "cluster_id": a}
    ok(console, "reflection.move", {"id": ids[0], "cluster_id": b})
    assert placement(app, table["session_id"])[ids[0]] == b
    ok(console, "reflection.move", {"id": ids[0], "cluster_id": None})
    assert placement(app, table["session_id"])[ids[0]] is None


def test_merge_moves_reflections_commitments_tags_and_level(app, table):
    console, ids = table["console"], table["ids"]
    into = ok(console, "cluster.create", {"title": "Wachten", "tags": ["youth_care"], "reflection_ids": ids[:2]})
    other = ok(
        console,
        "cluster.create",
        {"title": "Wachtlijst", "level": "policy", "tags": ["health"], "reflection_ids": ids[2:4]},
    )
    third = ok(console, "cluster.create", {"title": "Leeg"})
    into_id, other_id, third_id = into["cluster"]["id"], other["cluster"]["id"], third["cluster"]["id"]
    with app.app_context():
        commitment = Commitment(session_id=table["session_id"], what="Wachtlijst bespreken")
        db.session.add(commitment)
        db.session.flush()
        db.session.add(CommitmentCluster(commitment_id=commitment.id, cluster_id=other_id))
        db.session.commit()
    data = ok(console, "cluster.merge", {"into": into_id, "ids": [other_id, third_id]})
    assert data["removed"] == [other_id, third_id] and data["moved"] == ids[2:4]
    assert data["cluster"]["tags"] == ["youth_care", "health"] and data["cluster"]["level"] == "policy"
    assert set(clusters(app, table["session_id"])) == {into_id}
    where = placement(app, table["session_id"])
    assert [where[i] for i in ids] == [into_id] * 4 + [None, None]
    with app.app_context():
        assert db.session.scalars(sa.select(CommitmentCluster.cluster_id)).all() == [into_id]


def test_split_keeps_level_and_tags_and_only_takes_its_own_reflections(app, table):
    console, ids = table["console"], table["ids"]
    source = ok(
        console,
        "cluster.create",
        {"title": "Alles", "level": "execution", "tags": ["debts"], "reflection_ids": ids[:4]},
    )["cluster"]["id"]
    data = ok(console, "cluster.split", {"id": source, "reflection_ids": ids[2:4], "title": "Regie"})
    new = data["cluster"]
    assert data["from"] == source and data["moved"] == ids[2:4]
    assert new["title"] == "Regie" and new["level"] == "execution" and new["tags"] == ["debts"]
    where = placement(app, table["session_id"])
    assert [where[i] for i in ids[:4]] == [source, source, new["id"], new["id"]]


def test_delete_releases_the_reflections(app, table):
    console, ids = table["console"], table["ids"]
    cluster_id = ok(console, "cluster.create", {"title": "Weg", "reflection_ids": ids[:3]})["cluster"]["id"]
    data = ok(console, "cluster.delete", {"id": cluster_id})
    assert data["id"] == cluster_id and data["released"] == ids[:3]
    assert all(c is None for c in placement(app, table["session_id"]).values())
    assert clusters(app, table["session_id"]) == {}


def test_projector_view_is_chosen_on_the_console_and_in_every_snapshot(app, table, connect):
    console = table["console"]
    assert ok(console, "projector.show", {"view": "levels"}) == {"view": "levels"}
    projector = connect(table["http"], table["code"], "projector")
    snapshot = projector.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snapshot["projector_view"] == "levels"
    assert ok(console, "projector.show", {"view": "auto"}) == {"view": None}
    # a staff-only choice: phones neither hear it nor find it in their snapshot
    assert received_events(table["phone"]) == []
    phone_snapshot = table["phone"].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert "projector_view" not in phone_snapshot and phone_snapshot["clusters"] == []


def test_snapshots_carry_clusters_and_placement(app, table, connect):
    console, ids = table["console"], table["ids"]
    cluster_id = ok(console, "cluster.create", {"title": "Regie", "level": "management", "reflection_ids": [ids[2]]})[
        "cluster"
    ]["id"]
    snapshot = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snapshot["clusters"] == [
        {
            "id": cluster_id,
            "title": "Regie",
            "description": "",
            "level": "management",
            "tags": [],
            "position": 1,
            "personal_data": [],
        }
    ]
    assert {r["id"]: r["cluster_id"] for r in snapshot["reflections"]}[ids[2]] == cluster_id


def test_a_cluster_can_be_made_in_any_phase(app, table):
    # the facilitator may cluster whenever the conversation calls for it, not only in the cluster phase
    run(app, table["session_id"], table["account_id"], "phase.goto", {"index": 0})
    ok(table["console"], "cluster.create", {"title": "In de introductie", "reflection_ids": table["ids"][:1]})


# --- every reflection stays in exactly one place, whatever the facilitator does ---------------------

operations = st.lists(
    st.tuples(
        st.sampled_from(["create", "move", "merge", "split", "delete", "unmove"]),
        st.integers(0, 10),
        st.integers(0, 10),
        st.lists(st.integers(0, 10), max_size=4),
    ),
    max_size=25,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_every_reflection_stays_in_exactly_one_place(app, facilitator, make_session, steps):
    _, account_id = facilitator
    session_id, _ = make_session(account_id, phase="cluster")
    ids = [
        run(
            app,
            session_id,
            account_id,
            "reflection.post",
            {"kind": "bottleneck", "text": f"Knelpunt {i}"},
            uuid.uuid4().hex,
        ).data["id"]
        for i in range(8)
    ]
    actor = commands.Actor(account_id=account_id)
    for op, a, b, picks in steps:
        existing = sorted(clusters(app, session_id))
        where = placement(app, session_id)

        def cluster(i, existing=existing):
            return existing[i % len(existing)] if existing else 999_999

        args = {
            "create": {"title": f"C{a}", "reflection_ids": [ids[p % len(ids)] for p in picks]},
            "move": {"id": ids[a % len(ids)], "cluster_id": cluster(b)},
            "unmove": {"id": ids[a % len(ids)], "cluster_id": None},
            "merge": {"into": cluster(a), "ids": [cluster(p) for p in picks]},
            "split": {
                "id": cluster(a),
                "reflection_ids": [r for r in ids if where[r] == cluster(a)][: b % 3 + 1],
                "title": f"S{a}",
            },
            "delete": {"id": cluster(a)},
        }[op]
        name = {"create": "cluster.create", "move": "reflection.move", "unmove": "reflection.move"}.get(
            op, f"cluster.{op}"
        )
        with app.test_request_context():
            result = commands.apply(session_id, actor, name, args)
        # what a facilitator expects to see afterwards; a refused command changes nothing
        expected = dict(where)
        if result.ok:
            if op in ("create", "split"):
                expected.update(dict.fromkeys(args["reflection_ids"], result.data["cluster"]["id"]))
            elif op in ("move", "unmove"):
                expected[args["id"]] = args["cluster_id"]
            elif op == "merge":
                expected.update({r: args["into"] for r, c in where.items() if c in args["ids"]})
            elif op == "delete":
                expected.update({r: None for r, c in where.items() if c == args["id"]})
        after = placement(app, session_id)
        assert after == expected, (op, args, result)
        live_clusters = set(clusters(app, session_id))
        assert all(c is None or c in live_clusters for c in after.values())  # never in a cluster that is gone


# --- suggestions ---------------------------------------------------------------------------------


def test_suggestions_group_the_unclustered_reflections_and_accepting_one_creates_the_cluster(app, table):
    http, ids, console = table["http"], table["ids"], table["console"]
    ok(console, "cluster.create", {"title": "Al geclusterd", "reflection_ids": [ids[4]]})
    response = http.get(f"/sessions/{table['session_id']}/clusters/suggestions")
    assert response.status_code == 200
    suggestions = response.get_json()["suggestions"]
    groups = [set(s["reflection_ids"]) for s in suggestions]
    assert {ids[0], ids[1]} in groups and {ids[2], ids[3]} in groups
    assert all(ids[4] not in g for g in groups)  # only what is not clustered yet
    waiting = next(s for s in suggestions if set(s["reflection_ids"]) == {ids[0], ids[1]})
    assert waiting["title"] == "Wachtlijst" and waiting["why"][0] == "Wachtlijst"  # named by the shared concept
    assert waiting["kind"] == "bottleneck" and waiting["recurring"] is None
    regie = next(s for s in suggestions if set(s["reflection_ids"]) == {ids[2], ids[3]})
    assert regie["title"].startswith("Regie")
    created = ok(console, "cluster.create", {"title": waiting["title"], "reflection_ids": waiting["reflection_ids"]})
    where = placement(app, table["session_id"])
    assert where[ids[0]] == where[ids[1]] == created["cluster"]["id"]
    again = http.get(f"/sessions/{table['session_id']}/clusters/suggestions").get_json()["suggestions"]
    assert all(ids[0] not in s["reflection_ids"] for s in again)


def test_hidden_reflections_are_never_suggested(app, table):
    run(app, table["session_id"], table["account_id"], "reflection.hide", {"id": table["ids"][0]})
    suggestions = table["http"].get(f"/sessions/{table['session_id']}/clusters/suggestions").get_json()["suggestions"]
    assert all(table["ids"][0] not in s["reflection_ids"] for s in suggestions)


def test_only_the_sessions_facilitator_gets_suggestions(app, table, make_account, login, join):
    url = f"/sessions/{table['session_id']}/clusters/suggestions"
    assert app.test_client().get(url).status_code == 302  # to the login page
    _, email = make_account()
    assert login(app.test_client(), email).get(url).status_code == 403
    assert join(table["code"]).get(url).status_code == 302


def test_the_console_has_the_board_and_its_words_in_the_sessions_order(app, table):
    page = table["http"].get(f"/sessions/{table['session_id']}/console")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="cluster-board"' in html and 'id="console-level-map"' in html
    assert 'id="vote-open-form"' in html
    boot = json.loads(html.split('<script type="application/json" id="boot">', 1)[1].split("</script>", 1)[0])
    # domain tags keep their own order (a JSON object's keys would arrive sorted)
    assert [key for key, _ in boot["tags"]] == list(TAGS)
    assert boot["board"]["move_to"] == "Verplaats naar…"
