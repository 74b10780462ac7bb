"""Socket.IO transport: authenticates connections, puts them in rooms, turns `command` events into
commands.apply() calls, answers `resume`, and broadcasts every committed event. Holds no rules."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from facilitation import commands, hybrid, participation, sessions, snapshots
from facilitation.extensions import db, socketio
from facilitation.messages import error_message
from facilitation.models import Event, Participant, Session, Status

NAMESPACE = "/live"
AUDIENCES = ("participant", "console", "projector")


@dataclass(frozen=True)
class Connection:
    session_id: int
    audience: str           # participant / console / projector
    actor: commands.Actor
    language: str


# sid -> Connection, for the connections this worker process holds
_connections: dict[str, Connection] = {}


def room_all(session_id: int) -> str:
    return f"s{session_id}"


def room_staff(session_id: int) -> str:
    return f"s{session_id}:staff"


def room_participant(session_id: int, participant_id: int) -> str:
    return f"s{session_id}:p{participant_id}"


def participant_cookie(code: str) -> str:
    return f"p_{code}"


class LiveNamespace(Namespace):
    """One namespace for every screen; the audience is chosen at connect and checked against the cookie."""

    def on_connect(self, auth=None):
        """Sent by every screen on (re)connect with {code, audience}. Refused unless the cookie proves the role."""
        if not isinstance(auth, dict) or auth.get("audience") not in AUDIENCES or not isinstance(auth.get("code"), str):
            raise ConnectionRefusedError("bad_request")
        session_ = sessions.find_by_code(auth["code"])
        if session_ is None:
            raise ConnectionRefusedError("not_found")
        audience = auth["audience"]
        if audience == "participant":
            participant = participation.find_participant(
                session_.id, request.cookies.get(participant_cookie(session_.join_code)))
            if participant is None:
                raise ConnectionRefusedError("forbidden")
            actor = commands.Actor(participant_id=participant.id)
            language = session_.language
            join_room(room_participant(session_.id, participant.id))
        else:
            if not current_user.is_authenticated or not hybrid.runs_session(current_user, session_):
                current_app.logger.warning("refused %s connection to session %s", audience, session_.id)
                raise ConnectionRefusedError("forbidden")
            actor = commands.Actor(account_id=current_user.id)
            language = current_user.language or session_.language
            join_room(room_staff(session_.id))
        join_room(room_all(session_.id))
        _connections[request.sid] = Connection(session_.id, audience, actor, language)
        db.session.rollback()  # no read transaction stays open while the socket lives

    def on_disconnect(self, reason=None):
        _connections.pop(request.sid, None)

    def on_command(self, message):
        """Sent by any screen: {name, args, client_id}. The acknowledgement is the result or the refusal."""
        connection = _connections.get(request.sid)
        if connection is None:
            return {"ok": False, "error": "not_connected", "message": error_message("not_connected")}
        g.locale = connection.language
        if not isinstance(message, dict):
            return {"ok": False, "error": "bad_request", "message": error_message("bad_request")}
        result = commands.apply(connection.session_id, connection.actor, message.get("name"),
                                message.get("args", {}), message.get("client_id"))
        return result.to_ack(error_message)

    def on_resume(self, message):
        """Sent by a screen that (re)connected or saw a gap: {seq}. Answered with the missed events or a snapshot."""
        connection = _connections.get(request.sid)
        if connection is None:
            return {"ok": False, "error": "not_connected"}
        session_ = db.session.get(Session, connection.session_id)
        if session_ is None:
            return {"ok": False, "error": "not_found"}
        participant = (db.session.get(Participant, connection.actor.participant_id)
                       if connection.actor.participant_id else None)
        audience = snapshots.PARTICIPANT if participant else snapshots.STAFF
        seq = message.get("seq") if isinstance(message, dict) else None
        events = None
        if isinstance(seq, int) and not isinstance(seq, bool):
            events = snapshots.events_since(session_, seq, audience, participant)
        if events is None:
            return {"ok": True, "snapshot": snapshots.snapshot(session_, audience, participant)}
        return {"ok": True, "seq": session_.last_seq, "events": [commands.event_envelope(e) for e in events]}


def broadcast(app, session_id: int, events: list[Event], **_):
    """After a commit: each event to the rooms allowed to see it."""
    for event in events:
        envelope = commands.event_envelope(event)
        if event.audience == "all":
            socketio.emit("event", envelope, to=room_all(session_id), namespace=NAMESPACE)
        else:
            socketio.emit("event", envelope, to=room_staff(session_id), namespace=NAMESPACE)
            if event.participant_id:
                socketio.emit("event", envelope, to=room_participant(session_id, event.participant_id),
                              namespace=NAMESPACE)


def init_app(app) -> None:
    # the SocketIO object is shared by every app made in one process (tests make many)
    if not any(handler.namespace == NAMESPACE for handler in socketio.namespace_handlers):
        socketio.on_namespace(LiveNamespace(NAMESPACE))
    commands.events_committed.connect(broadcast, app)
