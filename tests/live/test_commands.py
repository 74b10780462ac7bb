"""The command pipeline as the one authorisation point: every command x every kind of actor, and bad input.
Refused commands must leave every table exactly as it was."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.extensions import db
from facilitation.live import commands
from facilitation.models import Base
from tests.conftest import run

ROLES = [
    "facilitator",
    "co_facilitator",
    "other_facilitator",
    "organiser",
    "admin",
    "participant",
    "other_participant",
    "anonymous",
]

#: a payload that is valid for each command in a live session in the "write" phase
PAYLOADS = {
    "participant.join": lambda ctx: {"level": "policy"},
    "session.start": lambda ctx: {},
    "session.close": lambda ctx: {},
    "session.set_retention": lambda ctx: {"days": "30"},
    "phase.goto": lambda ctx: {"index": 0},
    "timer.start": lambda ctx: {"minutes": 3},
    "timer.pause": lambda ctx: {},
    "timer.extend": lambda ctx: {"minutes": 2},
    "reflection.post": lambda ctx: {"kind": "bottleneck", "text": "Regels zaten in de weg"},
    "reflection.hide": lambda ctx: {"id": ctx["reflection_id"]},
    "reflection.unhide": lambda ctx: {"id": ctx["hidden_id"]},
    "reflection.edit": lambda ctx: {"id": ctx["reflection_id"], "text": "Herschreven zonder namen"},
    "reflection.edit_own": lambda ctx: {"id": ctx["own_reflection_id"], "text": "Van de telefoon, verbeterd"},
    "reflection.withdraw": lambda ctx: {"id": ctx["own_reflection_id"]},
    "reflection.move": lambda ctx: {"id": ctx["reflection_id"], "cluster_id": ctx["other_cluster_id"]},
    "cluster.create": lambda ctx: {"title": "Wachtlijsten", "reflection_ids": [ctx["reflection_id"]]},
    "cluster.edit": lambda ctx: {
        "id": ctx["cluster_id"],
        "title": "Geen regie",
        "description": "Wie houdt het overzicht?",
    },
    "cluster.set_level": lambda ctx: {"id": ctx["cluster_id"], "level": "policy"},
    "cluster.set_tags": lambda ctx: {"id": ctx["cluster_id"], "tags": ["debts", "housing"]},
    "cluster.merge": lambda ctx: {"into": ctx["cluster_id"], "ids": [ctx["other_cluster_id"]]},
    "cluster.split": lambda ctx: {"id": ctx["cluster_id"], "reflection_ids": [ctx["reflection_id"]], "title": "Apart"},
    "cluster.delete": lambda ctx: {"id": ctx["cluster_id"]},
    "projector.show": lambda ctx: {"view": "levels"},
    # the world's session is in the learning table's writing phase, whose wall is covered
    "wall.reveal": lambda ctx: {},
    "vote.open": lambda ctx: {"budget": 2},
    "vote.close": lambda ctx: {},
    "vote.reveal": lambda ctx: {},
    "vote.conceal": lambda ctx: {},
    "vote.set": lambda ctx: {"round_id": ctx["prepared"]["round"]["id"], "cluster_id": ctx["cluster_id"], "dots": 1},
    "fishbowl.request": lambda ctx: {},
    "fishbowl.withdraw": lambda ctx: {},
    "fishbowl.leave": lambda ctx: {},
    "fishbowl.seat": lambda ctx: {"participant_id": ctx["fishbowl_participant"]},
    "fishbowl.unseat": lambda ctx: {"participant_id": ctx["fishbowl_participant"]},
    "fishbowl.settings": lambda ctx: {"chairs": 6, "auto_seat": True},
    "fishbowl.topic": lambda ctx: {"cluster_id": ctx["prepared"]["cluster"]["id"]},
    "cluster.carry": lambda ctx: {"ids": [ctx["earlier_cluster_id"]]},
    "commitment.propose": lambda ctx: {
        "what": "Ik bel de school",
        "owner": "Jeugdconsulent",
        "due_date": "2026-03-01",
        "cluster_ids": [ctx["cluster_id"]],
    },
    "commitment.record": lambda ctx: {
        "what": "Eén regisseur",
        "owner": "Teamleider",
        "level": "management",
        "cluster_ids": [ctx["cluster_id"], ctx["other_cluster_id"]],
    },
    "commitment.confirm": lambda ctx: {"id": ctx["prepared"]["commitment"]["id"], "owner": "Jeugdconsulent wijkteam"},
    "commitment.edit": lambda ctx: {"id": ctx["prepared"]["commitment"]["id"], "what": "Scherper geformuleerd"},
    "commitment.merge": lambda ctx: {
        "into": ctx["steps"][-2]["commitment"]["id"],
        "ids": [ctx["prepared"]["commitment"]["id"]],
    },
    "commitment.reject": lambda ctx: {"id": ctx["prepared"]["commitment"]["id"]},
    "commitment.set_status": lambda ctx: {
        "id": ctx["prepared"]["commitment"]["id"],
        "status": "in_progress",
        "note": "Eerste gesprek gepland",
    },
    "participant.accept_rules": lambda ctx: {},
    "reflection.set_room_only": lambda ctx: {"id": ctx["reflection_id"], "room_only": True},
    "session.set_house_rules": lambda ctx: {"text": "Wat hier gezegd wordt, blijft hier."},
    "participant.add_proxy": lambda ctx: {"level": "execution"},
    "vote.set_for": lambda ctx: {
        "for": ctx["proxy_id"],
        "round_id": ctx["prepared"]["round"]["id"],
        "cluster_id": ctx["cluster_id"],
        "dots": 1,
    },
    "session.add_cofacilitator": lambda ctx: {"email": ctx["spare_email"]},
    "session.remove_cofacilitator": lambda ctx: {"account_id": ctx["spare_id"]},
    "moment.add": lambda ctx: {"kind": "signal", "title": "School meldt verzuim", "when": "sept 2023"},
    "moment.edit": lambda ctx: {"id": ctx["moment_id"], "title": "Eerste melding", "kind": "signal"},
    "moment.move": lambda ctx: {"id": ctx["moment_id"], "position": 1},
    "moment.delete": lambda ctx: {"id": ctx["moment_id"]},
    # to the moment it is not pinned to yet, so the facilitator's pin and the author's both change something
    "reflection.pin": lambda ctx: ctx["pin_elsewhere"](),
    "session.close_door": lambda ctx: {},
    "session.open_door": lambda ctx: {},
    # the writer of the phone's own reflection
    "participant.remove": lambda ctx: {"reflection_id": ctx["own_reflection_id"]},
}
#: commands that need the session in another state than live
DRAFT_ONLY = {"session.start"}
#: what the facilitator does first so the command has something to act on
PREPARE = {
    "timer.pause": ("timer.start", {"minutes": 5}),
    "session.open_door": ("session.close_door", {}),
    "vote.close": ("vote.open", {}),
    "vote.reveal": ("vote.open", {}),
    "vote.conceal": [("vote.open", {}), ("vote.reveal", {})],
    # the learning table's fourth phase lets participants vote; entering it opens a round
    "vote.set": ("phase.goto", {"index": 3}),
    # fishbowl commands run in a fishbowl session in its rounds phase (see fishbowl_world); a step
    # with "participant" third is done by that session's phone, a callable payload reads the world
    "fishbowl.withdraw": ("fishbowl.request", {}, "participant"),
    "fishbowl.leave": ("fishbowl.seat", lambda ctx: {"participant_id": ctx["fishbowl_participant"]}),
    "fishbowl.unseat": ("fishbowl.seat", lambda ctx: {"participant_id": ctx["fishbowl_participant"]}),
    "fishbowl.topic": ("cluster.create", {"title": "Geen ruimte voor maatwerk"}),
    # the learning table's sixth phase is for commitments; a step with "participant" runs as the phone
    "commitment.propose": ("phase.goto", {"index": 5}),
    "commitment.edit": ("commitment.record", {"what": "Iets", "owner": "Beleid"}),
    "commitment.merge": [
        ("commitment.record", {"what": "A", "owner": "X"}),
        ("commitment.record", {"what": "B", "owner": "Y"}),
    ],
    "commitment.confirm": [
        ("phase.goto", {"index": 5}),
        ("commitment.propose", {"what": "Ik bel", "owner": "Consulent"}, "participant"),
    ],
    "commitment.reject": [
        ("phase.goto", {"index": 5}),
        ("commitment.propose", {"what": "Ik bel", "owner": "Consulent"}, "participant"),
    ],
    # a participant may update the status of what they proposed, once it is confirmed
    "commitment.set_status": [
        ("phase.goto", {"index": 5}),
        ("commitment.propose", {"what": "Ik bel", "owner": "Consulent"}, "participant"),
        ("commitment.confirm", {}, "last"),
    ],
    # everyone accepted on joining; changed rules must be accepted again
    "participant.accept_rules": ("session.set_house_rules", {"text": "Nieuwe huisregels"}),
    "vote.set_for": ("phase.goto", {"index": 3}),
    "session.remove_cofacilitator": ("session.add_cofacilitator", lambda ctx: {"email": ctx["spare_email"]}),
}


def dump(app) -> dict:
    """Every row of every table, to prove a refused command changed nothing."""
    with app.app_context():
        db.session.rollback()
        return {
            table.name: sorted(map(repr, db.session.execute(sa.select(table)).all()))
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def world(app, make_account, make_session, join, login):
    """Two live sessions, a draft one, accounts of every role, and participants in both live sessions."""
    owner_id, owner_email = make_account()
    other_id, other_email = make_account()
    organiser_id, organiser_email = make_account(role="organiser")
    admin_id, admin_email = make_account(role="admin")
    co_id, co_email = make_account()
    spare_id, spare_email = make_account()
    session_id, code = make_session(owner_id, phase="write")
    draft_id, draft_code = make_session(owner_id)
    other_session_id, other_code = make_session(other_id, phase="write")
    phone = join(code)
    join(other_code)
    with app.app_context():
        from facilitation.models import Participant

        participants = db.session.scalars(sa.select(Participant).order_by(Participant.id)).all()
        mine = next(p.id for p in participants if p.session_id == session_id)
        theirs = next(p.id for p in participants if p.session_id == other_session_id)
    posted = run(app, session_id, owner_id, "reflection.post", {"kind": "success", "text": "Een"}, uuid.uuid4().hex)
    hidden = run(app, session_id, owner_id, "reflection.post", {"kind": "success", "text": "Twee"}, uuid.uuid4().hex)
    run(app, session_id, owner_id, "reflection.hide", {"id": hidden.data["id"]})
    cluster = run(
        app, session_id, owner_id, "cluster.create", {"title": "Regie", "reflection_ids": [posted.data["id"]]}
    )
    other_cluster = run(app, session_id, owner_id, "cluster.create", {"title": "Regels"})
    with app.app_context():
        # an earlier, closed session of the same programme with a bottleneck to carry forward
        from facilitation.models import Cluster, Session

        live = db.session.get(Session, session_id)
        earlier = Session(
            programme_id=live.programme_id,
            facilitator_id=owner_id,
            title="Eerder",
            format_key="learning-table",
            levels=["policy"],
            join_code="EARLY1",
            status="closed",
        )
        db.session.add(earlier)
        db.session.flush()
        earlier_cluster = Cluster(session_id=earlier.id, title="Wachtlijsten", level="policy")
        db.session.add(earlier_cluster)
        db.session.commit()
        earlier_cluster_id = earlier_cluster.id
    # a second facilitator runs both of the owner's sessions too; one person in the room has no phone
    run(app, session_id, owner_id, "session.add_cofacilitator", {"email": co_email})
    run(app, draft_id, owner_id, "session.add_cofacilitator", {"email": co_email})
    proxy = run(app, session_id, owner_id, "participant.add_proxy", {"level": "policy"})
    moment = run(app, session_id, owner_id, "moment.add", {"kind": "crisis", "title": "Uithuisplaatsing"})
    second = run(app, session_id, owner_id, "moment.add", {"kind": "breakthrough", "title": "Eén plan"})
    with app.test_request_context():
        own = commands.apply(
            session_id,
            commands.Actor(participant_id=mine),
            "reflection.post",
            {"kind": "bottleneck", "text": "Van de telefoon"},
            uuid.uuid4().hex,
        )
    first_id, second_id = moment.data["moment"]["id"], second.data["moment"]["id"]

    def pin_elsewhere():
        from facilitation.models import Reflection

        with app.app_context():
            current = db.session.get(Reflection, own.data["id"]).moment_id
        return {"id": own.data["id"], "moment_id": second_id if current == first_id else first_id}

    actors = {
        "facilitator": commands.Actor(account_id=owner_id),
        "co_facilitator": commands.Actor(account_id=co_id),
        "other_facilitator": commands.Actor(account_id=other_id),
        "organiser": commands.Actor(account_id=organiser_id),
        "admin": commands.Actor(account_id=admin_id),
        "participant": commands.Actor(participant_id=mine),
        "other_participant": commands.Actor(participant_id=theirs),
        "anonymous": commands.Actor(),
    }
    return {
        "session_id": session_id,
        "draft_id": draft_id,
        "actors": actors,
        "phone": phone,
        "code": code,
        "reflection_id": posted.data["id"],
        "hidden_id": hidden.data["id"],
        "cluster_id": cluster.data["cluster"]["id"],
        "other_cluster_id": other_cluster.data["cluster"]["id"],
        "earlier_cluster_id": earlier_cluster_id,
        "co_email": co_email,
        "proxy_id": proxy.data["proxy"]["id"],
        "moment_id": moment.data["moment"]["id"],
        "own_reflection_id": own.data["id"],
        "pin_elsewhere": pin_elsewhere,
        "spare_id": spare_id,
        "spare_email": spare_email,
    }


def expected_role(role: str) -> str:
    return {
        "facilitator": commands.FACILITATOR,
        "co_facilitator": commands.FACILITATOR,
        "participant": commands.PARTICIPANT,
    }.get(role, commands.ANONYMOUS)


def fishbowl_world(app, world, make_session, join) -> tuple[int, dict]:
    """A fishbowl session of the same facilitator in its rounds phase, with a phone of its own: fishbowl
    commands need a phase that allows the fishbowl, which the learning table has not."""
    owner = world["actors"]["facilitator"].account_id
    session_id, code = make_session(owner, fmt="fishbowl", phase="rounds")
    join(code, level="governance")
    run(app, session_id, owner, "session.add_cofacilitator", {"email": world["co_email"]})
    with app.app_context():
        from facilitation.models import Participant

        world["fishbowl_participant"] = db.session.scalar(
            sa.select(Participant.id).where(Participant.session_id == session_id)
        )
    return session_id, {**world["actors"], "participant": commands.Actor(participant_id=world["fishbowl_participant"])}


#: every command led by the session's own facilitator, and every facilitator command led by a co-facilitator
#: (on a fresh world, since a command done once often cannot be done again)
CASES = [(name, "facilitator") for name in sorted(commands.COMMANDS)] + [
    (name, "co_facilitator")
    for name in sorted(commands.COMMANDS)
    if commands.FACILITATOR in commands.COMMANDS[name].roles
]


@pytest.mark.parametrize("name,lead", CASES)
def test_every_command_is_allowed_exactly_for_its_roles(app, world, make_session, join, name, lead):
    spec = commands.COMMANDS[name]
    session_id = world["draft_id"] if name in DRAFT_ONLY else world["session_id"]
    actors = world["actors"]
    if name.startswith("fishbowl."):
        session_id, actors = fishbowl_world(app, world, make_session, join)
    if name in PREPARE:
        steps = PREPARE[name] if isinstance(PREPARE[name], list) else [PREPARE[name]]
        world["steps"] = []
        for step in steps:
            step_name, args = step[0], step[1]
            args = dict(args(world) if callable(args) else args)
            as_who = step[2] if len(step) > 2 else "facilitator"
            if as_who == "last":  # acts on what the step before made
                args["id"] = world["prepared"]["commitment"]["id"]
            if as_who == "participant":  # done by the session's phone
                with app.test_request_context():
                    result = commands.apply(session_id, actors["participant"], step_name, args, uuid.uuid4().hex)
                assert result.ok, result
            else:
                result = run(app, session_id, actors["facilitator"].account_id, step_name, args)
            world["prepared"] = result.data
            world["steps"].append(result.data)
    for role in ROLES:
        if expected_role(role) == commands.FACILITATOR and role != lead:
            continue  # the other facilitator role leads the same command in its own case
        allowed = expected_role(role) in spec.roles
        before = dump(app)
        with app.test_request_context():
            result = commands.apply(
                session_id,
                actors[role],
                name,
                PAYLOADS[name](world),
                uuid.uuid4().hex if spec.needs_client_id else None,
            )
        if allowed:
            assert result.ok, (name, role, result)
            # undo by rebuilding the world is costly; the remaining roles are refused or idempotent anyway
        else:
            assert not result.ok and result.error == "forbidden", (name, role, result)
            assert dump(app) == before, (name, role)


def test_the_matrix_covers_every_command():
    assert set(PAYLOADS) == set(commands.COMMANDS)


BAD_PAYLOADS = [
    ("reflection.post", {}, "missing_field"),
    ("reflection.post", {"kind": "bottleneck"}, "missing_field"),
    ("reflection.post", {"kind": 5, "text": "x"}, "wrong_type"),
    ("reflection.post", {"kind": "bottleneck", "text": ["x"]}, "wrong_type"),
    ("reflection.post", {"kind": "bottleneck", "text": "x" * 501}, "too_long"),
    ("reflection.post", {"kind": "bottleneck", "text": "   "}, "empty_text"),
    ("reflection.post", {"kind": "bottleneck", "text": "\ud800"}, "invalid_text"),
    ("reflection.post", {"kind": "nonsense", "text": "x"}, "invalid_choice"),
    ("reflection.post", {"kind": "bottleneck", "text": "x", "level": "king"}, "invalid_choice"),
    ("reflection.post", {"kind": "bottleneck", "text": "x", "show_name": "yes"}, "wrong_type"),
]


@pytest.mark.parametrize("name,payload,error", BAD_PAYLOADS)
def test_bad_payloads_get_an_error_ack_and_change_nothing(app, world, connect, name, payload, error):
    from tests.conftest import command

    phone = connect(world["phone"], world["code"], "participant")
    before = dump(app)
    ack = command(phone, name, payload, uuid.uuid4().hex)
    assert ack["ok"] is False and ack["error"] == error and ack["message"]
    assert dump(app) == before


@pytest.mark.parametrize(
    "message",
    [
        None,
        "x",
        5,
        [],
        {"name": None},
        {"name": "reflection.post", "args": "x"},
        {"name": "reflection.post", "args": {}, "client_id": 7},
        {"name": "reflection.post", "args": {}, "client_id": "short"},
        {"name": "nope.nope", "args": {}},
    ],
)
def test_malformed_messages_are_refused_with_a_message(app, world, connect, message):
    phone = connect(world["phone"], world["code"], "participant")
    before = dump(app)
    ack = phone.emit("command", message, namespace="/live", callback=True)
    assert ack["ok"] is False and ack["message"]
    assert dump(app) == before


def test_commands_for_ids_of_another_session_are_refused(app, world, make_account, make_session):
    other_owner, _ = make_account()
    other_session, _ = make_session(other_owner, phase="write")
    foreign = run(
        app, other_session, other_owner, "reflection.post", {"kind": "success", "text": "Elders"}, uuid.uuid4().hex
    )
    before = dump(app)
    with app.test_request_context():
        result = commands.apply(
            world["session_id"], world["actors"]["facilitator"], "reflection.hide", {"id": foreign.data["id"]}
        )
    assert result.error == "not_found" and dump(app) == before


def test_unknown_session_is_refused(app, world):
    with app.test_request_context():
        result = commands.apply(999_999, world["actors"]["facilitator"], "session.close", {})
    assert result.error == "not_found"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=600),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(sorted(commands.COMMANDS)) | st.text(max_size=20),
    payload=json_values,
    client_id=st.none() | st.text(max_size=70),
)
def test_generated_garbage_never_crashes_the_pipeline(app, world, name, payload, client_id):
    with app.test_request_context():
        result = commands.apply(world["session_id"], world["actors"]["participant"], name, payload, client_id)
    assert isinstance(result, commands.Result)
    assert result.ok or result.error
