"""Dot voting through the command pipeline: rounds, budgets the server enforces whatever phones send (also
when many send at once), anonymous and changeable votes, totals hidden until shown or closed."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Vote, VotingRound
from tests.conftest import command, received_events, run


@pytest.fixture
def vote(app, facilitator, make_session, join, connect):
    """A learning table in its voting phase with three clusters, a console, a projector and three phones."""
    http, account_id = facilitator
    session_id, code = make_session(account_id, phase="vote")
    cluster_ids = [
        run(app, session_id, account_id, "cluster.create", {"title": title}).data["cluster"]["id"]
        for title in ("Regie", "Wachtlijsten", "Schulden")
    ]
    phones_http = [join(code) for _ in range(3)]
    console = connect(http, code, "console")
    projector = connect(http, code, "projector")
    phones = [connect(p, code, "participant") for p in phones_http]
    for sio in (console, projector, *phones):
        sio.get_received("/live")
    return {
        "session_id": session_id,
        "code": code,
        "account_id": account_id,
        "clusters": cluster_ids,
        "console": console,
        "projector": projector,
        "phones": phones,
        "phones_http": phones_http,
        "http": http,
    }


def ok(sio, name, args=None):
    ack = command(sio, name, args or {})
    assert ack["ok"], ack
    return ack["data"]


def refused(sio, name, args, error):
    ack = command(sio, name, args)
    assert ack["ok"] is False and ack["error"] == error and ack["message"], ack
    return ack


def dots_of(app, session_id) -> dict[int, dict[int, int]]:
    """participant id -> {cluster id: dots}, straight from the database."""
    with app.app_context():
        db.session.rollback()
        result: dict[int, dict[int, int]] = {}
        for v in db.session.scalars(sa.select(Vote).where(Vote.session_id == session_id)):
            result.setdefault(v.participant_id, {})[v.cluster_id] = v.dots
        return result


def test_a_round_opens_with_the_formats_budget_and_phones_vote_within_it(app, vote):
    console, phone = vote["console"], vote["phones"][0]
    a, b, c = vote["clusters"]
    opened = ok(console, "vote.open")["round"]
    assert opened["budget"] == 3 and opened["number"] == 1 and opened["status"] == "open"
    assert opened["several_per_cluster"] is True and opened["results_shown"] is False
    round_id = opened["id"]
    assert ok(phone, "vote.set", {"round_id": round_id, "cluster_id": a, "dots": 2})["left"] == 1
    data = ok(phone, "vote.set", {"round_id": round_id, "cluster_id": b, "dots": 1})
    assert data["left"] == 0 and data["mine"] == {str(a): 2, str(b): 1}
    refused(phone, "vote.set", {"round_id": round_id, "cluster_id": c, "dots": 1}, "budget_exceeded")
    # changing one's mind: take a dot off one cluster, put it on another
    ok(phone, "vote.set", {"round_id": round_id, "cluster_id": a, "dots": 1})
    assert ok(phone, "vote.set", {"round_id": round_id, "cluster_id": c, "dots": 1})["mine"] == {
        str(a): 1,
        str(b): 1,
        str(c): 1,
    }
    ok(phone, "vote.set", {"round_id": round_id, "cluster_id": b, "dots": 0})
    assert list(dots_of(app, vote["session_id"]).values()) == [{a: 1, c: 1}]


def test_budget_and_one_dot_rules_are_the_servers_whatever_a_phone_sends(app, vote):
    from tests.live.test_commands import dump

    console, phone = vote["console"], vote["phones"][0]
    a, b, _ = vote["clusters"]
    round_id = ok(console, "vote.open", {"budget": 2, "several_per_cluster": False})["round"]["id"]
    ok(phone, "vote.set", {"round_id": round_id, "cluster_id": a, "dots": 1})
    before = dump(app)
    for args, error in [
        ({"round_id": round_id, "cluster_id": b, "dots": 2}, "one_dot_per_cluster"),
        ({"round_id": round_id, "cluster_id": b, "dots": 3}, "out_of_range"),
        ({"round_id": round_id, "cluster_id": b, "dots": -1}, "out_of_range"),
        ({"round_id": round_id, "cluster_id": b, "dots": 1.5}, "wrong_type"),
        ({"round_id": round_id, "cluster_id": b, "dots": True}, "wrong_type"),
        ({"round_id": round_id, "cluster_id": b, "dots": "1"}, "wrong_type"),
        ({"round_id": round_id, "cluster_id": b}, "missing_field"),
        ({"round_id": round_id, "cluster_id": 999999, "dots": 1}, "not_found"),
        ({"round_id": round_id + 1, "cluster_id": b, "dots": 1}, "round_not_open"),
        ({"cluster_id": b, "dots": 1}, "missing_field"),
        ({"round_id": round_id, "cluster_id": a, "dots": 1}, "no_change"),
    ]:
        refused(phone, "vote.set", args, error)
    assert dump(app) == before


def test_the_budget_can_be_changed_per_round(app, vote):
    console, phone = vote["console"], vote["phones"][0]
    a, b, c = vote["clusters"]
    first = ok(console, "vote.open", {"budget": 1})["round"]["id"]
    ok(phone, "vote.set", {"round_id": first, "cluster_id": a, "dots": 1})
    refused(phone, "vote.set", {"round_id": first, "cluster_id": b, "dots": 1}, "budget_exceeded")
    ok(console, "vote.close")
    refused(phone, "vote.set", {"round_id": first, "cluster_id": a, "dots": 0}, "no_open_round")
    second = ok(console, "vote.open", {"budget": 5})["round"]
    assert second["number"] == 2 and second["budget"] == 5
    ok(phone, "vote.set", {"round_id": second["id"], "cluster_id": c, "dots": 5})
    # the closed round's vote is kept apart from the new one
    with app.app_context():
        rows = db.session.execute(sa.select(Vote.round_id, Vote.cluster_id, Vote.dots).order_by(Vote.id)).all()
    assert [tuple(r) for r in rows] == [(first, a, 1), (second["id"], c, 5)]
    refused(console, "vote.open", {}, "round_already_open")
    ok(console, "vote.close")
    for budget, error in [(0, "out_of_range"), (21, "out_of_range"), ("3", "wrong_type")]:
        refused(console, "vote.open", {"budget": budget}, error)
    refused(console, "vote.open", {"several_per_cluster": "no"}, "wrong_type")


def test_voting_needs_clusters_an_open_round_and_the_voting_phase(app, facilitator, make_session, connect, vote):
    console, phone = vote["console"], vote["phones"][0]
    refused(console, "vote.close", {}, "no_open_round")
    refused(console, "vote.reveal", {}, "no_open_round")
    refused(phone, "vote.set", {"round_id": 1, "cluster_id": vote["clusters"][0], "dots": 1}, "no_open_round")
    round_id = ok(console, "vote.open")["round"]["id"]
    # leaving the phase with the round open is asked first (issue 18)
    refused(console, "phase.goto", {"index": 1}, "confirm_open_round")
    run(app, vote["session_id"], vote["account_id"], "phase.goto", {"index": 1, "confirm": True})
    refused(
        phone, "vote.set", {"round_id": round_id, "cluster_id": vote["clusters"][0], "dots": 1}, "phase_does_not_allow"
    )
    http, account_id = facilitator
    empty_id, empty_code = make_session(account_id, phase="vote")
    refused(connect(http, empty_code, "console"), "vote.open", {}, "no_clusters")


def test_facilitators_and_strangers_cannot_vote(app, vote, make_session, join, connect):
    round_id = ok(vote["console"], "vote.open")["round"]["id"]
    args = {"round_id": round_id, "cluster_id": vote["clusters"][0], "dots": 1}
    refused(vote["console"], "vote.set", args, "forbidden")
    other_id, other_code = make_session(vote["account_id"], phase="vote")
    stranger = connect(join(other_code), other_code, "participant")
    # a phone of another session sends to its own session, where this round and cluster do not exist
    refused(stranger, "vote.set", args, "no_open_round")
    for phone in vote["phones"]:
        refused(phone, "vote.open", {}, "forbidden")
        refused(phone, "vote.close", {}, "forbidden")
        refused(phone, "vote.reveal", {}, "forbidden")
    assert dots_of(app, vote["session_id"]) == {}


def test_totals_stay_hidden_from_phones_until_shown_and_votes_are_anonymous(app, vote):
    console, projector, phones = vote["console"], vote["projector"], vote["phones"]
    a, b, _ = vote["clusters"]
    round_id = ok(console, "vote.open")["round"]["id"]
    for sio in (console, projector, *phones):
        sio.get_received("/live")
    ack = ok(phones[0], "vote.set", {"round_id": round_id, "cluster_id": a, "dots": 2})
    assert "totals" not in ack and ack["change"] == 2
    ok(phones[1], "vote.set", {"round_id": round_id, "cluster_id": a, "dots": 1})
    # staff add the changes up; they never learn which phone sent them
    for screen in (console, projector):
        events = received_events(screen)
        assert [e["data"] for e in events] == [
            {"round_id": round_id, "cluster_id": a, "change": 2, "voters": 1},
            {"round_id": round_id, "cluster_id": a, "change": 1, "voters": 2},
        ]
    # the other phones hear nothing while the totals are hidden
    assert received_events(phones[2]) == []
    snapshot = phones[2].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert "totals" not in snapshot["voting"]["rounds"][0] and snapshot["voting"]["mine"] == {}
    staff = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert staff["voting"]["rounds"][0]["totals"] == {str(a): 3} and "mine" not in staff["voting"]
    assert staff["voting"]["rounds"][0]["voters"] == 2
    mine = phones[0].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]["voting"]["mine"]
    assert mine == {str(a): 2}

    revealed = ok(console, "vote.reveal")["round"]
    assert revealed["totals"] == {str(a): 3} and revealed["results_shown"]
    assert received_events(phones[2])[-1]["data"]["round"]["totals"] == {str(a): 3}
    ok(phones[1], "vote.set", {"round_id": round_id, "cluster_id": b, "dots": 1})
    assert received_events(phones[2])[-1]["data"] == {"round_id": round_id, "cluster_id": b, "change": 1, "voters": 2}
    concealed = ok(console, "vote.conceal")["round"]
    assert "totals" not in concealed
    snapshot = phones[2].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert "totals" not in snapshot["voting"]["rounds"][0]
    closed = ok(console, "vote.close")["round"]
    assert closed["status"] == "closed" and closed["totals"] == {str(a): 3, str(b): 1}
    snapshot = phones[2].emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert snapshot["voting"]["rounds"][0]["totals"] == {str(a): 3, str(b): 1}
    # nothing a screen receives names a participant
    for screen in (console, projector, *phones):
        for event in received_events(screen):
            assert "participant" not in str(event["data"])


def test_concurrent_votes_from_many_phones_stay_within_each_budget(app, vote, join):
    """Twelve phones each fire nine votes at once over HTTP; each phone's dots never exceed its budget."""
    console = vote["console"]
    clusters = vote["clusters"]
    round_id = ok(console, "vote.open", {"budget": 3, "several_per_cluster": True})["round"]["id"]
    phones = [join(vote["code"]) for _ in range(12)]
    results: list[dict] = []
    lock = threading.Lock()
    start = threading.Barrier(len(phones) * 3)

    def send(phone, cluster_id, dots):
        start.wait()
        for _ in range(3):
            response = phone.post(
                f"/api/s/{vote['code']}/command",
                json={"name": "vote.set", "args": {"round_id": round_id, "cluster_id": cluster_id, "dots": dots}},
            )
            with lock:
                results.append(response.get_json())

    threads = [
        threading.Thread(target=send, args=(phone, cluster_id, 2)) for phone in phones for cluster_id in clusters
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = {r["error"] for r in results if not r["ok"]}
    assert errors <= {"budget_exceeded", "no_change"}, errors
    placed = dots_of(app, vote["session_id"])
    assert len(placed) == 12
    # 2 + 2 > 3: exactly one cluster got the two dots each phone tried to place on three clusters
    assert all(sorted(d.values()) == [2] for d in placed.values()), placed
    closed = run(app, vote["session_id"], vote["account_id"], "vote.close").data["round"]
    assert sum(closed["totals"].values()) == 24 and closed["voters"] == 12


def test_one_phone_sending_from_many_tabs_at_once_cannot_overspend(app, vote):
    round_id = ok(vote["console"], "vote.open", {"budget": 2, "several_per_cluster": False})["round"]["id"]
    phone = vote["phones_http"][0]
    barrier = threading.Barrier(6)
    outcomes = []

    def send(cluster_id):
        barrier.wait()
        response = phone.post(
            f"/api/s/{vote['code']}/command",
            json={"name": "vote.set", "args": {"round_id": round_id, "cluster_id": cluster_id, "dots": 1}},
        )
        outcomes.append(response.get_json()["ok"])

    threads = [threading.Thread(target=send, args=(c,)) for c in vote["clusters"] * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    placed = dots_of(app, vote["session_id"])
    assert sum(placed[next(iter(placed))].values()) == 2 and outcomes.count(True) == 2


def test_merging_after_a_round_combines_dots_within_the_rounds_rules(app, vote):
    console, phones = vote["console"], vote["phones"]
    a, b, c = vote["clusters"]
    round_id = ok(console, "vote.open", {"budget": 3, "several_per_cluster": False})["round"]["id"]
    ok(phones[0], "vote.set", {"round_id": round_id, "cluster_id": a, "dots": 1})
    ok(phones[0], "vote.set", {"round_id": round_id, "cluster_id": b, "dots": 1})
    ok(phones[1], "vote.set", {"round_id": round_id, "cluster_id": b, "dots": 1})
    ok(phones[2], "vote.set", {"round_id": round_id, "cluster_id": c, "dots": 1})
    # the ballot cannot change under people's thumbs
    refused(console, "cluster.merge", {"into": a, "ids": [b]}, "vote_open")
    refused(console, "cluster.delete", {"id": c}, "vote_open")
    ok(console, "vote.close")
    merged = ok(console, "cluster.merge", {"into": a, "ids": [b]})
    # one dot per cluster in this round: phone 0 supported the merged cluster once, phone 1 once
    assert merged["rounds"][0]["totals"] == {str(a): 2, str(c): 1}
    deleted = ok(console, "cluster.delete", {"id": c})
    assert deleted["rounds"][0]["totals"] == {str(a): 2}


def test_merging_adds_dots_up_when_a_round_allowed_several(app, vote):
    console, phone = vote["console"], vote["phones"][0]
    a, b, _ = vote["clusters"]
    round_id = ok(console, "vote.open", {"budget": 3})["round"]["id"]
    ok(phone, "vote.set", {"round_id": round_id, "cluster_id": a, "dots": 1})
    ok(phone, "vote.set", {"round_id": round_id, "cluster_id": b, "dots": 2})
    ok(console, "vote.close")
    assert ok(console, "cluster.merge", {"into": a, "ids": [b]})["rounds"][0]["totals"] == {str(a): 3}
    assert list(dots_of(app, vote["session_id"]).values()) == [{a: 3}]


def test_clusters_made_during_a_round_join_the_ballot(app, vote):
    console, phone = vote["console"], vote["phones"][0]
    round_id = ok(console, "vote.open")["round"]["id"]
    new = ok(console, "cluster.create", {"title": "Nog een"})["cluster"]["id"]
    ok(phone, "vote.set", {"round_id": round_id, "cluster_id": new, "dots": 1})
    with app.app_context():
        assert db.session.scalar(sa.select(VotingRound.status)) == "open"
        assert db.session.scalar(sa.select(Vote.cluster_id)) == new


def test_a_snapshot_and_its_seq_show_the_same_moment(app, vote, monkeypatch):
    """A vote committed while a screen's snapshot is being read is in neither its totals nor its seq, so the
    screen counts it once, from the event (before, the totals had it and the event added it again)."""
    import threading

    from facilitation.live import snapshots, voting

    console, phones = vote["console"], vote["phones"]
    a, b, _ = vote["clusters"]
    round_id = ok(console, "vote.open")["round"]["id"]
    ok(phones[0], "vote.set", {"round_id": round_id, "cluster_id": a, "dots": 1})
    late = []

    def voting_section_while_another_phone_votes(session_, audience, participant):
        voter = threading.Thread(
            target=lambda: late.append(
                command(phones[1], "vote.set", {"round_id": round_id, "cluster_id": b, "dots": 1})
            )
        )
        voter.start()
        voter.join()
        return voting.snapshot_section(session_, audience, participant)

    monkeypatch.setattr(
        snapshots,
        "SECTIONS",
        [
            voting_section_while_another_phone_votes if section is voting.snapshot_section else section
            for section in snapshots.SECTIONS
        ],
    )
    snapshot = console.emit("resume", {"seq": -1}, namespace="/live", callback=True)["snapshot"]
    assert late and late[0]["ok"], late
    assert snapshot["seq"] == late[0]["seq"] - 1
    assert snapshot["voting"]["rounds"][0]["totals"].get(str(b), 0) == 0
    assert snapshot["voting"]["rounds"][0]["totals"][str(a)] == 1
