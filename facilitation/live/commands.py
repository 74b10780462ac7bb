"""The one path every live change takes: apply() checks role, status and phase, validates,
writes the rows and one numbered Event in a single transaction, then signals `events_committed`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from facilitation import formats
from facilitation.extensions import db
from facilitation.formats import Format
from facilitation.live import (
    carry,
    clustering,
    commitments,
    covering,
    door,
    fishbowl,
    houserules,
    hybrid,
    journey,
    participation,
    sessions,
    voting,
)
from facilitation.models import Account, Event, Participant, Session, Status, utcnow
from facilitation.people import access
from facilitation.privacy import retention
from facilitation.validation import CommandError

log = logging.getLogger(__name__)
signals = Namespace()
#: sent after a commit with (app, session_id=..., events=[Event, ...]); realtime broadcasts them
events_committed = signals.signal("events-committed")
#: sent after every apply() with (name, ok=..., error=..., seconds=...); the metrics count them
command_done = signals.signal("command-done")

# Roles an actor can have towards one session
FACILITATOR = "facilitator"  # runs this session
PARTICIPANT = "participant"  # joined this session from a phone
ANONYMOUS = "anonymous"  # anyone else, with or without an account

LIVE = frozenset({Status.LIVE.value})
OPEN = frozenset({Status.DRAFT.value, Status.LIVE.value})
ANY = frozenset(Status)


@dataclass(frozen=True)
class Actor:
    """Who issues a command: an account, a participant, or nobody known."""

    account_id: int | None = None
    participant_id: int | None = None
    #: for a connection that outlives a request (Socket.IO): the account's session version at login; once
    #: the account logs out, is deactivated or gets a new password, it acts as nobody known
    session_version: int | None = None

    @property
    def label(self) -> str:
        if self.account_id is not None:
            return f"account:{self.account_id}"
        if self.participant_id is not None:
            return f"participant:{self.participant_id}"
        return "anonymous"


@dataclass
class Context:
    """What a rule function gets: the locked session, its format, the actor, the time of the command."""

    session: Session
    format: Format
    actor: Actor
    role: str
    participant: Participant | None
    account: Account | None
    client_id: str | None
    now: datetime
    #: "all" or "staff": who sees the resulting event; rules narrow it where needed
    audience: str = "all"
    #: returned to the caller only, never stored or broadcast (e.g. a new participant's token)
    private: dict[str, Any] = field(default_factory=dict)
    #: a participant who also gets a staff-only event (the author of a reflection the facilitator changed)
    also_to: int | None = None


@dataclass(frozen=True)
class Command:
    rule: Callable[[Context, dict], dict]
    roles: frozenset[str]
    statuses: frozenset[str] = LIVE
    #: a phase action ("write", "vote" ...) the current phase must allow, for participants
    phase_action: str | None = None
    #: participants must send a client id so retries are idempotent
    needs_client_id: bool = False
    #: participants must have accepted the session's house rules (huisregels) first
    needs_rules: bool = False


def _cmd(rule, *roles, statuses=LIVE, phase_action=None, needs_client_id=False, needs_rules=False) -> Command:
    return Command(rule, frozenset(roles), frozenset(statuses), phase_action, needs_client_id, needs_rules)


#: Every state change of a live session, and who may issue it. The authorisation matrix test reads this.
COMMANDS: dict[str, Command] = {
    "participant.join": _cmd(participation.join, ANONYMOUS, statuses=OPEN),
    "session.start": _cmd(sessions.start, FACILITATOR, statuses={Status.DRAFT.value}),
    "session.close": _cmd(sessions.close, FACILITATOR, statuses=OPEN),
    "session.set_retention": _cmd(retention.set_retention, FACILITATOR, statuses=ANY),
    "phase.goto": _cmd(sessions.go_to_phase, FACILITATOR),
    "timer.start": _cmd(sessions.timer_start, FACILITATOR),
    "timer.pause": _cmd(sessions.timer_pause, FACILITATOR),
    "timer.extend": _cmd(sessions.timer_extend, FACILITATOR),
    "reflection.post": _cmd(
        participation.post_reflection,
        PARTICIPANT,
        FACILITATOR,
        phase_action="write",
        needs_client_id=True,
        needs_rules=True,
    ),
    "reflection.hide": _cmd(participation.hide_reflection, FACILITATOR),
    "reflection.unhide": _cmd(participation.unhide_reflection, FACILITATOR),
    "reflection.edit": _cmd(participation.edit_reflection, FACILITATOR),
    "reflection.set_room_only": _cmd(participation.set_room_only, FACILITATOR),
    "reflection.move": _cmd(clustering.move_reflection, FACILITATOR),
    "cluster.create": _cmd(clustering.create, FACILITATOR),
    "cluster.edit": _cmd(clustering.edit, FACILITATOR),
    "cluster.set_level": _cmd(clustering.set_level, FACILITATOR),
    "cluster.set_tags": _cmd(clustering.set_tags, FACILITATOR),
    "cluster.merge": _cmd(clustering.merge, FACILITATOR),
    "cluster.split": _cmd(clustering.split, FACILITATOR),
    "cluster.delete": _cmd(clustering.delete, FACILITATOR),
    "projector.show": _cmd(clustering.show_on_projector, FACILITATOR),
    "wall.reveal": _cmd(covering.reveal, FACILITATOR),
    "vote.open": _cmd(voting.open_voting, FACILITATOR),
    "vote.close": _cmd(voting.close_voting, FACILITATOR),
    "vote.reveal": _cmd(voting.reveal_results, FACILITATOR),
    "vote.conceal": _cmd(voting.conceal_results, FACILITATOR),
    "fishbowl.request": _cmd(fishbowl.request_chair, PARTICIPANT, phase_action="fishbowl", needs_rules=True),
    "fishbowl.withdraw": _cmd(fishbowl.withdraw, PARTICIPANT, phase_action="fishbowl"),
    "fishbowl.leave": _cmd(fishbowl.leave, PARTICIPANT, phase_action="fishbowl"),
    "fishbowl.seat": _cmd(fishbowl.seat, FACILITATOR),
    "fishbowl.unseat": _cmd(fishbowl.unseat, FACILITATOR),
    "fishbowl.settings": _cmd(fishbowl.change_settings, FACILITATOR, statuses=OPEN),
    "fishbowl.topic": _cmd(fishbowl.set_topic, FACILITATOR),
    "cluster.carry": _cmd(carry.carry, FACILITATOR, statuses=OPEN),
    "commitment.propose": _cmd(
        commitments.propose, PARTICIPANT, phase_action="commit", needs_client_id=True, needs_rules=True
    ),
    "commitment.record": _cmd(commitments.record, FACILITATOR),
    "commitment.confirm": _cmd(commitments.confirm, FACILITATOR),
    "commitment.edit": _cmd(commitments.edit, FACILITATOR),
    "commitment.merge": _cmd(commitments.merge, FACILITATOR),
    "commitment.reject": _cmd(commitments.reject, FACILITATOR),
    # participants only for commitments they proposed (checked in the rule)
    "commitment.set_status": _cmd(commitments.set_status, FACILITATOR, PARTICIPANT),
    "vote.set": _cmd(voting.set_dots, PARTICIPANT, phase_action="vote", needs_rules=True),
    "participant.accept_rules": _cmd(houserules.accept, PARTICIPANT, statuses=OPEN),
    "session.set_house_rules": _cmd(houserules.set_rules, FACILITATOR, statuses=OPEN),
    "participant.add_proxy": _cmd(hybrid.add_proxy, FACILITATOR, statuses=OPEN),
    "vote.set_for": _cmd(hybrid.set_dots_for, FACILITATOR),
    "session.add_cofacilitator": _cmd(hybrid.add_cofacilitator, FACILITATOR, statuses=OPEN),
    "session.remove_cofacilitator": _cmd(hybrid.remove_cofacilitator, FACILITATOR, statuses=OPEN),
    "moment.add": _cmd(journey.add, FACILITATOR, statuses=OPEN),
    "moment.edit": _cmd(journey.edit, FACILITATOR, statuses=OPEN),
    "moment.move": _cmd(journey.move, FACILITATOR, statuses=OPEN),
    "moment.delete": _cmd(journey.delete, FACILITATOR, statuses=OPEN),
    "reflection.pin": _cmd(participation.pin, PARTICIPANT, FACILITATOR, phase_action="write", needs_rules=True),
    "session.close_door": _cmd(door.close_door, FACILITATOR, statuses=OPEN),
    "session.open_door": _cmd(door.open_door, FACILITATOR, statuses=OPEN),
    "participant.remove": _cmd(door.remove_participant, FACILITATOR, statuses=OPEN),
}


@dataclass
class Result:
    ok: bool
    seq: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    #: True when this was a resend of a command already applied
    duplicate: bool = False

    def to_ack(self, translate: Callable[[str, dict], str] | None = None) -> dict:
        if self.ok:
            return {"ok": True, "seq": self.seq, "data": self.data, "duplicate": self.duplicate}
        message = translate(self.error, self.params) if translate else self.error
        return {"ok": False, "error": self.error, "message": message}


def role_of(session_: Session, actor: Actor) -> tuple[str, Participant | None, Account | None]:
    if actor.participant_id is not None:
        participant = db.session.get(Participant, actor.participant_id)
        if participant is not None and participant.session_id == session_.id and participant.removed_at is None:
            return PARTICIPANT, participant, None
        return ANONYMOUS, None, None
    if actor.account_id is not None:
        account = db.session.get(Account, actor.account_id)
        if account is not None and actor.session_version not in (None, account.session_version):
            return ANONYMOUS, None, None  # the login this connection was made under has ended
        # the session's facilitator, or a co-facilitator added to it
        if access.runs_session(account, session_):
            return FACILITATOR, None, account
        return ANONYMOUS, None, account
    return ANONYMOUS, None, None


def _valid_client_id(client_id: Any) -> str | None:
    if client_id is None:
        return None
    # printable ASCII only: a NUL would not even reach PostgreSQL
    if (
        not isinstance(client_id, str)
        or not 8 <= len(client_id) <= 64
        or not client_id.isascii()
        or not client_id.isprintable()
    ):
        raise CommandError("wrong_type", field="client_id")
    return client_id


def _previous(session_id: int, actor: Actor, client_id: str) -> Result | None:
    event = db.session.scalar(sa.select(Event).where(Event.session_id == session_id, Event.client_id == client_id))
    if event is None:
        return None
    if event.actor != actor.label:
        # someone else's id: never reveal or reuse their event
        return Result(False, error="duplicate_client_id")
    return Result(True, seq=event.seq, data=event.payload, duplicate=True)


def apply(session_id: int, actor: Actor, name: str, payload: Any, client_id: Any = None) -> Result:
    """Apply one command to one session, or refuse it with nothing changed."""
    started = time.perf_counter()
    result = _apply_or_refuse(session_id, actor, name, payload, client_id)
    known = name if isinstance(name, str) and name in COMMANDS else "unknown"
    command_done.send(known, ok=result.ok, error=result.error, seconds=time.perf_counter() - started)
    return result


def _apply_or_refuse(session_id: int, actor: Actor, name: str, payload: Any, client_id: Any) -> Result:
    try:
        return _apply(session_id, actor, name, payload, client_id)
    except CommandError as exc:
        db.session.rollback()
        return Result(False, error=exc.code, params=exc.params)
    except IntegrityError:
        # two copies of one command raced past the duplicate check; the loser answers like a resend
        db.session.rollback()
        if isinstance(client_id, str):
            previous = _previous(session_id, actor, client_id)
            if previous is not None:
                return previous
        return Result(False, error="conflict")


def _apply(session_id: int, actor: Actor, name: str, payload: Any, client_id: Any) -> Result:
    command = COMMANDS.get(name) if isinstance(name, str) else None
    if command is None:
        raise CommandError("unknown_command")
    if not isinstance(payload, dict):
        raise CommandError("wrong_type", field="args")
    client_id = _valid_client_id(client_id)
    if not isinstance(session_id, int):
        raise CommandError("not_found", what="session")

    # End any read transaction. What needs no lock is read first, so the lock is held for as few round
    # trips as possible: the actor's row, and an earlier copy of this command (a copy committed after this
    # read loses on the unique (session_id, client_id) and is answered below, like a resend).
    db.session.rollback()
    # held here, as the session's identity map keeps rows only while something refers to them
    acting = _acting_row(actor)
    previous = _previous(session_id, actor, client_id) if client_id is not None else None
    session_ = _lock_session(session_id)
    role, participant, account = role_of(session_, actor)
    del acting
    _authorise(name, command, session_, actor, role, client_id)
    if previous is not None:
        # a resend of a command already applied: answered as it was, whatever the phase is now
        db.session.rollback()
        return previous
    if role == PARTICIPANT:
        _participant_may(command, session_, participant)

    ctx = Context(
        session=session_,
        format=formats.of(session_),
        actor=actor,
        role=role,
        participant=participant,
        account=account,
        client_id=client_id,
        now=utcnow(),
    )
    data = command.rule(ctx, payload)
    event = _write_event(ctx, name, data)
    events_committed.send(current_app._get_current_object(), session_id=session_id, events=[event])
    return Result(True, seq=event.seq, data={**data, **ctx.private})


def _acting_row(actor: Actor) -> Participant | Account | None:
    if actor.participant_id is not None:
        return db.session.get(Participant, actor.participant_id)
    if actor.account_id is not None:
        return db.session.get(Account, actor.account_id)
    return None


def _lock_session(session_id: int) -> Session:
    """Take the session's write lock: a row lock on PostgreSQL, the database write lock on SQLite. Commands on
    one session are thereby applied one at a time. The lock takes the next seq at once (a refused command
    rolls it back) and reads the session in the same round trip."""
    session_ = db.session.scalars(
        sa.update(Session).where(Session.id == session_id).values(last_seq=Session.last_seq + 1).returning(Session),
        execution_options={"populate_existing": True, "synchronize_session": False},
    ).one_or_none()
    if session_ is None:
        raise CommandError("not_found", what="session")
    return session_


def _authorise(name: str, command: Command, session_: Session, actor: Actor, role: str, client_id) -> None:
    """Whether this actor may issue this command in this session at all: role and session status (with
    `_participant_may`, the one place that decides who may change what)."""
    if role not in command.roles:
        log.warning("refused %s for %s in session %s", name, actor.label, session_.id)
        raise CommandError("forbidden")
    if session_.status not in command.statuses:
        raise CommandError("session_closed" if session_.status == Status.CLOSED.value else "session_not_live")
    if command.needs_client_id and client_id is None:
        raise CommandError("missing_field", field="client_id")


def _participant_may(command: Command, session_: Session, participant: Participant) -> None:
    """A participant also needs a phase that allows the action, and to have accepted the house rules."""
    if command.phase_action:
        phase = formats.of(session_).phase(session_.phase_index)
        if phase is None or command.phase_action not in phase.actions:
            raise CommandError("phase_does_not_allow", action=command.phase_action)
    if command.needs_rules:
        houserules.require_accepted(session_, participant)


def _write_event(ctx: Context, name: str, data: dict) -> Event:
    """Write the command's event with the seq the lock took, and commit once."""
    event = Event(
        session_id=ctx.session.id,
        seq=ctx.session.last_seq,
        name=name,
        payload=data,
        audience=ctx.audience,
        actor=ctx.actor.label,
        client_id=ctx.client_id,
        created_at=ctx.now,
        participant_id=ctx.also_to or (ctx.participant.id if ctx.participant else ctx.private.get("participant_id")),
    )
    db.session.add(event)
    db.session.flush()
    written = {column.key: getattr(event, column.key) for column in sa.inspect(Event).column_attrs}
    db.session.commit()
    # the commit expired the event; what was written is known, so broadcasting it needs no SELECT again
    for key, value in written.items():
        set_committed_value(event, key, value)
    return event


def event_envelope(event: Event) -> dict:
    """The shape every client receives for one event."""
    return {"seq": event.seq, "name": event.name, "data": event.payload, "at": event.created_at.isoformat()}
