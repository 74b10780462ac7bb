"""Socket.IO transport: authenticates connections, puts them in rooms, turns `command` events into
commands.apply() calls, answers `resume`, and broadcasts every committed event. Holds no rules."""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, g, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from facilitation.extensions import db, socketio
from facilitation.live import commands, fishbowl, participation, snapshots
from facilitation.models import Event, Participant, Session
from facilitation.people import access
from facilitation.text.messages import error_message
from facilitation.transport import identity, ratelimit

logger = logging.getLogger(__name__)
NAMESPACE = "/live"
AUDIENCES = ("participant", "console", "projector")


@dataclass(frozen=True)
class Connection:
    session_id: int
    audience: str  # participant / console / projector
    actor: commands.Actor
    language: str


# sid -> Connection, for the connections this worker process holds
_connections: dict[str, Connection] = {}
#: session id -> its phones connected to this worker (what a batch costs to send here)
_phones: dict[int, int] = {}


def phones_connected(session_id: int) -> int:
    return _phones.get(session_id, 0)


def _count_phone(session_id: int, change: int) -> None:
    count = _phones.get(session_id, 0) + change
    if count > 0:
        _phones[session_id] = count
    else:
        _phones.pop(session_id, None)


def room_all(session_id: int) -> str:
    return f"s{session_id}"


def room_staff(session_id: int) -> str:
    return f"s{session_id}:staff"


def room_participant(session_id: int, participant_id: int) -> str:
    return f"s{session_id}:p{participant_id}"


#: phones of a session are spread over this many rooms, so a batch reaches them group by group (with 1,000
#: phones, 31 at a time: about 1 ms of sending before the loop serves commands and staff screens again)
PHONE_GROUPS = 32


def room_phones(session_id: int, group: int) -> str:
    return f"s{session_id}:phones:{group}"


def phone_group(participant_id: int) -> int:
    return participant_id % PHONE_GROUPS


class LiveNamespace(Namespace):
    """One namespace for every screen; the audience is chosen at connect and checked against the cookie."""

    def on_connect(self, auth=None):
        """Sent by every screen on (re)connect with {code, audience}. Refused unless the cookie proves the role."""
        if not isinstance(auth, dict) or auth.get("audience") not in AUDIENCES or not isinstance(auth.get("code"), str):
            raise ConnectionRefusedError("bad_request")
        if not ratelimit.code_attempts_allowed(auth["code"]):
            raise ConnectionRefusedError("rate_limited")
        # phones take their turn at the database with the resumes (a rush connects hundreds at once)
        with phone_gate() if auth["audience"] == "participant" else contextlib.nullcontext():
            self._connect(auth)

    def _connect(self, auth):
        snapshots.begin_single_reads()  # who is connecting: reads that need no transaction
        session_ = identity.session_by_code(auth["code"])
        if session_ is None:
            ratelimit.failed_code("socket")
            raise ConnectionRefusedError("not_found")
        audience = auth["audience"]
        if audience == "participant":
            participant = identity.cookie_participant(session_)
            if participant is None:
                raise ConnectionRefusedError("forbidden")
            actor = commands.Actor(participant_id=participant.id)
            language = session_.language
            rooms = [
                room_participant(session_.id, participant.id),
                room_phones(session_.id, phone_group(participant.id)),
            ]
        else:
            if not current_user.is_authenticated or not access.runs_session(current_user, session_):
                current_app.logger.warning("refused %s connection to session %s", audience, session_.id)
                raise ConnectionRefusedError("forbidden")
            actor = commands.Actor(account_id=current_user.id, session_version=current_user.session_version)
            language = current_user.language or session_.language
            rooms = [room_staff(session_.id)]
        session_id = session_.id  # read before the rollback, which expires the row (no SELECT again)
        db.session.rollback()  # no read transaction stays open while the socket lives
        if not _still_connected():
            # gone while it waited at the gate or for the database: the library runs no disconnect handler for
            # a connect still in progress, so registering it now would leave a phone counted and seated forever
            raise ConnectionRefusedError("gone")
        _connections[request.sid] = Connection(session_id, audience, actor, language)
        if audience == "participant":
            _count_phone(session_id, 1)
        # The rooms last, after everything that may wait on the database: nothing yields between the joins
        # and the connect acknowledgement, so no event or batch goes out before it. What is committed from
        # here on reaches the screen; what came before is in the answer to the resume it sends next (and the
        # screen orders the two by seq).
        for room in [*rooms, room_all(session_id)]:
            join_room(room)
        heartbeat.start(current_app._get_current_object())

    def on_disconnect(self, reason=None):
        """A screen went away; a phone that sits in the fishbowl keeps its chair for a grace period."""
        connection = _connections.pop(request.sid, None)
        if connection is not None and connection.audience == "participant":
            _count_phone(connection.session_id, -1)
        if connection is not None and connection.actor.participant_id is not None:
            grace = current_app.config.get("FISHBOWL_GRACE_SECONDS") or 0
            if grace > 0 and fishbowl.is_seated(connection.session_id, connection.actor.participant_id):
                socketio.start_background_task(_free_chair_later, current_app._get_current_object(), connection, grace)
            db.session.rollback()

    def on_command(self, message):
        """Sent by any screen: {name, args, client_id}. The acknowledgement is the result or the refusal."""
        connection = _connections.get(request.sid)
        if connection is None:
            return {"ok": False, "error": "not_connected", "message": error_message("not_connected")}
        g.locale = connection.language
        if not isinstance(message, dict):
            return {"ok": False, "error": "bad_request", "message": error_message("bad_request")}
        if not ratelimit.command_allowed(message.get("name"), connection.actor):
            return {"ok": False, "error": "rate_limited", "message": error_message("rate_limited")}
        result = commands.apply(
            connection.session_id,
            connection.actor,
            message.get("name"),
            message.get("args", {}),
            message.get("client_id"),
        )
        return result.to_ack(error_message)

    def on_resume(self, message):
        """Sent by a screen that (re)connected or saw a gap: {seq}. Answered with the missed events or a snapshot."""
        connection = _connections.get(request.sid)
        if connection is None:
            return {"ok": False, "error": "not_connected"}
        if not ratelimit.resume_allowed(connection.actor):
            return {"ok": False, "error": "rate_limited"}
        # staff screens skip the phones' queue: in a rush the console must not wait behind hundreds of joins
        with phone_gate() if connection.audience == "participant" else contextlib.nullcontext():
            if request.sid not in _connections:  # gone while it waited: its answer would reach nobody
                return {"ok": False, "error": "not_connected"}
            return _resume(connection, message)


def _still_connected() -> bool:
    """Whether the transport under this Socket.IO connection is still there (Flask-SocketIO sets request.sid)."""
    server = socketio.server
    eio_sid = server.manager.eio_sid_from_sid(request.sid, NAMESPACE)  # type: ignore[attr-defined]
    return eio_sid is not None and eio_sid in server.environ


def _resume(connection: Connection, message) -> dict:
    """The missed events or a snapshot, read in one transaction."""
    snapshots.begin_consistent_read()  # the seq and everything read after it: one moment
    try:
        # the participant is held here: the identity map keeps rows only while something refers to them
        session_, _participant = _session_and_participant(connection)
        if session_ is None:
            return {"ok": False, "error": "not_found"}
        role, participant, _ = commands.role_of(session_, connection.actor)
        if role == commands.ANONYMOUS:  # removed from the session, or the login has ended
            # and the connection ends too, or the screen would ask again every second
            # Flask-SocketIO sets request.sid on the request it handles; Flask's Request type does not know it
            socketio.start_background_task(_disconnect_later, request.sid)  # type: ignore[attr-defined]
            return {"ok": False, "error": "forbidden"}
        audience = snapshots.PARTICIPANT if participant else snapshots.STAFF
        seq = message.get("seq") if isinstance(message, dict) else None
        events = None
        if isinstance(seq, int) and not isinstance(seq, bool):
            events = snapshots.events_since(session_, seq, audience, participant)
        if events is None:
            return {"ok": True, "snapshot": snapshots.snapshot(session_, audience, participant)}
        return {"ok": True, "seq": session_.last_seq, "events": [commands.event_envelope(e) for e in events]}
    finally:
        db.session.rollback()  # no read transaction stays open while the socket lives


def _session_and_participant(connection: Connection) -> tuple[Session | None, Participant | None]:
    """The connection's session, with a phone's own participant row in the same query (commands.role_of then
    finds it in the session's identity map): one round trip less for every phone's resume."""
    participant_id = connection.actor.participant_id
    if participant_id is None:
        return db.session.get(Session, connection.session_id), None
    row = db.session.execute(
        _session_and_participant_query(), {"session_id": connection.session_id, "participant_id": participant_id}
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


@functools.cache
def _session_and_participant_query() -> sa.Select:
    # built once, as sessions.find_by_code's: every phone's resume runs it
    return (
        sa.select(Session, Participant)
        .outerjoin(
            Participant,
            sa.and_(Participant.id == sa.bindparam("participant_id"), Participant.session_id == Session.id),
        )
        .where(Session.id == sa.bindparam("session_id"))
    )


class _Gate:
    """At most `n` resumes of this process at once (0: no limit). A resume holds a database connection
    for its whole snapshot, and a gevent worker switches to other connections at every query, so in a
    reconnect storm hundreds of them each held a connection for seconds: the pool (5 + 10 overflow) ran out
    and the commands behind them (a reflection, a phase change) waited up to the pool's 30-second timeout
    and failed. The resumes beyond `n` wait here instead, holding nothing, in the order they came; commands,
    connects and the heartbeat keep the rest of the pool."""

    def __init__(self):
        self._lock = threading.Lock()
        self._semaphore: threading.Semaphore | None = None
        self._size = 0

    @contextlib.contextmanager
    def __call__(self, n: int):
        if n <= 0:
            yield
            return
        with self._lock:
            if self._semaphore is None or self._size != n:
                self._semaphore, self._size = threading.BoundedSemaphore(n), n
            semaphore = self._semaphore
        with semaphore:
            yield


resume_gate = _Gate()


def phone_gate():
    """The turn at the database of a phone's resume, connect, join page, join or writing screen: at most
    LIVE_RESUME_CONCURRENCY of them at once in this process. In a QR-scan rush of 1,000 phones at once,
    hundreds of requests each held a pooled connection while they waited for the processor between their
    queries, and those beyond the pool (5 + 10) failed after its 30-second timeout (HTTP 500); now they wait
    here, holding nothing, in the order they came."""
    return resume_gate(current_app.config.get("LIVE_RESUME_CONCURRENCY") or 0)


def _free_chair_later(app, connection: Connection, grace: float) -> None:
    """After the grace period, a phone that has not come back leaves the circle, through the command path."""
    socketio.sleep(grace)
    if any(c.actor == connection.actor for c in list(_connections.values())):
        return
    with app.app_context():
        try:
            participant_id = connection.actor.participant_id
            if participant_id is not None and fishbowl.is_seated(connection.session_id, participant_id):
                commands.apply(connection.session_id, connection.actor, "fishbowl.leave", {})
        except Exception:  # a background task has nobody to answer; the facilitator can still free the chair
            app.logger.exception("could not free the fishbowl chair of %s", connection.actor.label)
        finally:
            db.session.remove()


#: events phones get in batches (audience "all"): reflections, and joins. In a QR-scan rush every join went to
#: every phone in at once, a message per phone already in per join: 300 phones joining cost 45,000 sends (1,000:
#: half a million) and the process had little time left for the joins themselves; in batches a phone gets
#: the joins of one window together (its count of participants, the fishbowl's list of people)
BATCHED = frozenset(
    {
        "participant.join",
        "reflection.post",
        "reflection.edit",
        "reflection.edit_own",
        "reflection.hide",
        "reflection.unhide",
        "reflection.withdraw",
    }
)
#: events that carry a reflection's text, batched (a post, an edit) or not (a pin, a room-only mark)
CARRY_TEXT = participation.REFLECTION_TEXT_EVENTS
#: batched events after which the phones must not get the reflection's text any more
TAKES_TEXT_BACK = frozenset({"reflection.hide", "reflection.withdraw"})


def batch_window(phones: int, interval: float, full_room: int) -> float:
    """Seconds a session's phones wait, after one batch went to them, before the next may go: the whole
    interval in a room of `full_room` phones or more, that fraction of it in a smaller one. Sending costs per
    phone (about 30 us each on the 2-core reference machine), so a thousand phones get at most ~3 messages a
    second, while thirty get each reflection as it comes (a window of 9 ms) and a hundred within 30 ms."""
    if full_room <= 0:
        return interval
    return interval * min(1.0, phones / full_room)


def pause_every(phones: int, full_room: int) -> int:
    """After how many groups of phones a batch's sender pauses: after each in a full room (about 31 phones a
    group), after every tenth with 100 phones; thirty phones get it in one go, not 31 pauses (62 ms) later."""
    if full_room <= 0:
        return 1
    return max(1, -(-full_room // max(1, phones)))


@dataclass
class _Outgoing:
    """What waits to go to one session's phones, in seq order, and its one sender task."""

    interval: float
    pace: float
    full_room: int
    #: seconds between batches that hold nothing but joins (what phones make of them is a count)
    join_interval: float = 0.0
    #: ("batch", envelope) for a reflection event, ("event", envelope, room) for anything else; room None is
    #: every phone of the session
    items: list = field(default_factory=list)
    wake: threading.Event = field(default_factory=threading.Event)


class PhoneOutbox:
    """Coalesces the reflection events for the phones of one session into `batch` messages, at most one per
    window (`batch_window`: it grows with the phones connected, to LIVE_BATCH_INTERVAL at
    LIVE_BATCH_FULL_ROOM).

    In a room of a thousand phones where everyone sees everyone's reflections, sending each one at once
    would cost participants x reflections messages; a batch every ~300 ms caps it at a few per second per
    phone. A batch goes as soon as the window since the one before has passed: the first reflection after a
    quiet moment goes at once, whatever the room's size, and only what comes within the window waits for
    it. Each session with something on its way to its phones has one sender task, so they get this
    worker's events in seq order: a batch, then any other event that came after it (which wakes the
    sender at once rather than at the end of the window). The sender goes to the phones group by group
    (PHONE_GROUPS rooms, LIVE_BATCH_PACE apart), so commands and staff screens get their turn in between.
    Nobody waits for it: staff screens get every event at once, and commands are acknowledged at once.
    Only the worker that committed an event sends it (through the message queue when there are several)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sessions: dict[int, _Outgoing] = {}

    def add(
        self, session_id: int, item: tuple, interval: float, pace: float, full_room: int = 1, join_interval: float = 0
    ) -> None:
        """For the session's next batch: ("batch", envelope), a reflection event for the phones, or ("skip",
        seq), the number of an event they may not see (so they can tell it from one they missed)."""
        with self._lock:
            outgoing = self._sessions.get(session_id)
            started = outgoing is None
            if outgoing is None:
                outgoing = self._sessions[session_id] = _Outgoing(interval, pace, full_room, join_interval)
            if item[0] == "batch" and item[1]["name"] in TAKES_TEXT_BACK:
                _withhold(outgoing.items, item[1]["data"].get("id"))
            outgoing.items.append(item)
        if started:
            socketio.start_background_task(self._send, session_id, outgoing)
        elif not _is_join(item):
            outgoing.wake.set()  # the sender may be waiting out a joins' window: this one waits the usual one

    def send(self, session_id: int, envelope: dict, room: str | None) -> bool:
        """Any other event for phones (room None: all of them), after what is on its way to them. False when
        nothing was: then the caller sends it itself, at once."""
        with self._lock:
            outgoing = self._sessions.get(session_id)
            if outgoing is None:
                return False
            outgoing.items.append(("event", envelope, room))
        outgoing.wake.set()
        return True

    def sending(self) -> bool:
        """Whether anything is still on its way to some session's phones."""
        with self._lock:
            return bool(self._sessions)

    def _send(self, session_id: int, outgoing: _Outgoing) -> None:
        # the task stays for the rest of the window after what it sent: what comes meanwhile waits for the
        # window's end; once it has passed with nothing to send, the room is quiet and the next goes at once
        sent_at = None
        joins_sent = False  # the last batch held nothing but joins
        try:
            while True:
                phones = phones_connected(session_id)
                window = batch_window(phones, outgoing.interval, outgoing.full_room)
                with self._lock:
                    if all(_is_join(item) for item in outgoing.items) and (outgoing.items or joins_sent):
                        # a QR-scan rush: phones learn the new count once a join window, not every few ms. The
                        # task stays that long after a batch of joins: in a small room the usual window (a few
                        # ms) is shorter than the time between two scans, and a join after the task had gone
                        # would start a new one and go at once
                        window = max(window, outgoing.join_interval)
                    due = 0.0 if sent_at is None else sent_at + window - time.monotonic()
                    if not outgoing.items and due <= 0:
                        del self._sessions[session_id]
                        return
                    urgent = any(item[0] == "event" for item in outgoing.items)
                    wait = 0.0 if urgent else due
                    if wait <= 0:
                        items, outgoing.items = outgoing.items, []
                if wait > 0:
                    outgoing.wake.wait(wait)  # the end of the window, or an event that may not wait
                    outgoing.wake.clear()
                    continue
                self._deliver(session_id, items, outgoing.pace, pause_every(phones, outgoing.full_room))
                joins_sent = all(_is_join(item) for item in items)
                # the window starts when the batch has gone: a busy process that takes long to send one
                # still gets a whole window for commands and staff screens before the next
                sent_at = time.monotonic()
        except Exception:
            logger.exception("sending to the phones of session %s failed", session_id)
            with self._lock:
                if self._sessions.get(session_id) is outgoing:
                    del self._sessions[session_id]

    def _deliver(self, session_id: int, items: list, pace: float, every: int) -> None:
        batch: list[dict] = []
        skip: list[int] = []
        for item in items + [("end",)]:
            if item[0] == "batch":
                batch.append(item[1])
                continue
            if item[0] == "skip":
                skip.append(item[1])
                continue
            if batch or skip:
                self._to_phones(session_id, "batch", batch_message(batch, skip), pace, every)
                batch, skip = [], []
            if item[0] == "event":
                _, envelope, room = item
                if room is None:
                    self._to_phones(session_id, "event", envelope, pace, every)
                else:
                    socketio.emit("event", envelope, to=room, namespace=NAMESPACE)

    @staticmethod
    def _to_phones(session_id: int, name: str, data: dict, pace: float, every: int = 1) -> None:
        # group by group, pausing in between: a thousand sends at once would keep this process from
        # answering commands and feeding the staff screens for tens of milliseconds
        for group in range(PHONE_GROUPS):
            if group and pace and group % every == 0:
                socketio.sleep(pace)
            socketio.emit(name, data, to=room_phones(session_id, group), namespace=NAMESPACE)


def _is_join(item: tuple) -> bool:
    return item[0] == "batch" and item[1]["name"] == "participant.join"


def batch_message(events: list[dict], skip: list[int]) -> dict:
    return {"events": events, "skip": skip} if skip else {"events": events}


def _withhold(items: list, reflection_id) -> None:
    """A reflection hidden or withdrawn before its events went out: its text stays here, the phones get their
    seqs only. Any queued event carrying its text counts, a batched one or another (a pin, a room-only mark)."""
    for index, item in enumerate(items):
        if item[0] in ("batch", "event") and _carries_text_of(item[1], reflection_id):
            items[index] = ("skip", item[1]["seq"])


def _carries_text_of(envelope: dict, reflection_id) -> bool:
    data = envelope["data"] if isinstance(envelope["data"], dict) else {}
    return envelope["name"] in CARRY_TEXT and "text" in data and data.get("id") == reflection_id


phone_outbox = PhoneOutbox()


def broadcast(app, session_id: int, events: list[Event], **_):
    """After a commit: each event at once to the staff screens allowed to see it, and to the phones allowed
    to see it at once too, unless something is on its way to them (then after that, by the phone outbox)."""
    interval = app.config.get("LIVE_BATCH_INTERVAL", 0.3)
    pace = app.config.get("LIVE_BATCH_PACE", 0.0)
    full_room = app.config.get("LIVE_BATCH_FULL_ROOM", 1000)
    joins = app.config.get("LIVE_JOIN_BATCH_INTERVAL", 0.0)
    for event in events:
        envelope = commands.event_envelope(event)
        if event.audience == "all" and interval and event.name in BATCHED:
            socketio.emit("event", envelope, to=room_staff(session_id), namespace=NAMESPACE)
            phone_outbox.add(session_id, ("batch", envelope), interval, pace, full_room, joins)
        elif event.audience == "all":
            if phone_outbox.send(session_id, envelope, None):
                socketio.emit("event", envelope, to=room_staff(session_id), namespace=NAMESPACE)
            else:
                socketio.emit("event", envelope, to=room_all(session_id), namespace=NAMESPACE)
        else:
            socketio.emit("event", envelope, to=room_staff(session_id), namespace=NAMESPACE)
            room = room_participant(session_id, event.participant_id) if event.participant_id else None
            if room and not phone_outbox.send(session_id, envelope, room):
                socketio.emit("event", envelope, to=room, namespace=NAMESPACE)
            # every phone gets its number, after the phone it concerns got it whole (one worker sends both,
            # in this order, so that phone never takes the number for all it gets)
            if interval:
                phone_outbox.add(session_id, ("skip", event.seq), interval, pace, full_room, joins)
            else:  # unbatched (tests, development): one message, which staff screens ignore
                socketio.emit("batch", batch_message([], [event.seq]), to=room_all(session_id), namespace=NAMESPACE)

        if event.name == "participant.remove":
            socketio.start_background_task(_disconnect_removed, session_id, event.payload["participant_id"])


#: seconds a removed phone keeps its connection, so the event telling it so reaches it first
REMOVED_GRACE = 1.0


def _disconnect_removed(session_id: int, participant_id: int) -> None:
    """Close the connections of a phone the facilitator removed, on this worker. (A connection on another
    worker may run no command any more, and ends at its next resume.)"""
    removed = commands.Actor(participant_id=participant_id)
    for sid, connection in list(_connections.items()):
        if connection.session_id == session_id and connection.actor == removed:
            _disconnect_later(sid)


def _disconnect_later(sid: str) -> None:
    """Close one connection after REMOVED_GRACE, so what was just sent to it arrives first."""
    socketio.sleep(REMOVED_GRACE)
    socketio.server.disconnect(sid, namespace=NAMESPACE)


class Heartbeat:
    """Every LIVE_HEARTBEAT_SECONDS, each screen this worker holds hears its session's latest seq (as of the
    beat before).

    A screen that is behind it fetches what it missed (live.js waits a moment for a late batch first). This
    worker sends it itself, not through the message queue: while that is down, events committed on another
    worker reach nobody here, and the heartbeat is what brings these screens up to date, without a new event
    and without a reload. One task per process, reading the seqs of all its sessions in one query; it stops
    when the process holds no connection and starts again with the next one."""

    def __init__(self):
        self._lock = threading.Lock()
        self._app = None

    def start(self, app) -> None:
        interval = app.config.get("LIVE_HEARTBEAT_SECONDS") or 0
        with self._lock:
            if interval <= 0 or self._app is app:
                return
            self._app = app  # tests make many apps in one process: the newest one's task runs
        socketio.start_background_task(self._beat, app, interval)

    def _beat(self, app, interval: float) -> None:
        # each beat tells the seq read one beat earlier: those events had a whole interval to arrive, so a
        # busy worker or queue does not send hundreds of screens after events that are merely on their way
        previous: dict[int, int] = {}
        while True:
            socketio.sleep(interval)
            with self._lock:
                session_ids = {c.session_id for c in list(_connections.values())}
                if self._app is not app or not session_ids:
                    if self._app is app:
                        self._app = None
                    return
            latest = dict(self._latest(app, session_ids))
            for session_id, seq in previous.items():
                if session_id in latest:
                    socketio.emit(
                        "heartbeat", {"seq": seq}, to=room_all(session_id), namespace=NAMESPACE, ignore_queue=True
                    )
            previous = latest

    @staticmethod
    def _latest(app, session_ids: set[int]) -> list:
        with app.app_context():
            try:
                return list(
                    db.session.execute(sa.select(Session.id, Session.last_seq).where(Session.id.in_(session_ids)))
                )
            except Exception:  # the database may be away for a moment; the next beat tries again
                logger.warning("heartbeat: could not read the sessions' seqs", exc_info=True)
                return []
            finally:
                db.session.remove()


heartbeat = Heartbeat()


def init_app(app) -> None:
    # the SocketIO object is shared by every app made in one process (tests make many)
    if not any(handler.namespace == NAMESPACE for handler in socketio.namespace_handlers):
        socketio.on_namespace(LiveNamespace(NAMESPACE))
    commands.events_committed.connect(broadcast, app)


def connection_counts() -> dict[str, int]:
    """Open Socket.IO connections of this process by audience (participant, console, projector)."""
    counts = dict.fromkeys(AUDIENCES, 0)
    for connection in list(_connections.values()):
        counts[connection.audience] = counts.get(connection.audience, 0) + 1
    return counts
