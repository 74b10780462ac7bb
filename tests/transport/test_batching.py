"""Large rooms: where participants see each other's reflections, phones get them coalesced into a few
`batch` messages per second while staff screens still get each event at once, in seq order. The window
grows with the room (`realtime.batch_window`); most tests here make any room a full one
(LIVE_BATCH_FULL_ROOM 1), so a test's three phones wait the whole window as a thousand would."""

from __future__ import annotations

import time
import uuid

import pytest

from facilitation.extensions import socketio
from facilitation.transport import realtime
from tests.conftest import NAMESPACE, command, received_events, run

INTERVAL = 0.25


#: a test about "without waiting for the batch interval" uses a long interval, so a busy machine cannot make
#: the answer look late
LONG_INTERVAL = 3.0


@pytest.fixture
def app(make_app, request):
    marker = request.node.get_closest_marker("batch_interval")
    full_room = request.node.get_closest_marker("full_room")
    joins = request.node.get_closest_marker("join_interval")
    yield make_app(
        LIVE_BATCH_INTERVAL=marker.args[0] if marker else INTERVAL,
        LIVE_BATCH_FULL_ROOM=full_room.args[0] if full_room else 1,
        # joins wait the usual window here unless a test says otherwise
        LIVE_JOIN_BATCH_INTERVAL=joins.args[0] if joins else 0,
    )
    # what is still on its way would go to the next test's session of the same id, after a delay
    deadline = time.monotonic() + 10
    while realtime.phone_outbox.sending() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not realtime.phone_outbox.sending()


def cid():
    return uuid.uuid4().hex


def _items(sio):
    return [(item["name"], item["args"][0]) for item in sio.get_received(NAMESPACE)]


def _quiet(*clients) -> None:
    """Once the joins' batch has gone out and its window has passed (joins reach phones in batches too),
    forget what the clients received so far: the room is quiet."""
    deadline = time.monotonic() + 10
    while realtime.phone_outbox.sending() and time.monotonic() < deadline:
        time.sleep(0.01)
    for sio in clients:
        sio.get_received(NAMESPACE)


def _wait_for(sio, wanted, seconds=5.0):
    """Everything a client received, once a message named `wanted` ("batch" or "event") is among it
    (phones get them from a background task)."""
    received = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        received += _items(sio)
        if any(name == wanted for name, _ in received):
            return received
        time.sleep(0.01)
    return received


def test_phones_get_a_burst_of_reflections_as_one_batch_and_staff_each_at_once(
    app, facilitator, make_session, join, connect
):
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    projector = connect(http, code, "projector")
    author, reader = connect(join(code), code, "participant"), connect(join(code), code, "participant")
    _quiet(projector, author, reader)

    # ten: the most one phone may post in a burst (REFLECTION_RATE_LIMIT)
    texts = [f"Observatie {i}" for i in range(10)]
    seqs = [command(author, "reflection.post", {"kind": "question", "text": t}, cid())["seq"] for t in texts]

    # the projector already has all twelve, one event each, before any batch interval has passed
    staff = _items(projector)
    assert [(name, e["seq"]) for name, e in staff] == [("event", s) for s in seqs]
    # the phones get the first at once (the room was quiet), then one batch (or a few, on a slow machine)
    # with the others, all in order
    received = _wait_for(reader, "batch")
    time.sleep(INTERVAL * 2)
    received += _items(reader)
    assert {name for name, _ in received} == {"batch"}
    batched = [e for _, batch in received for e in batch["events"]]
    assert [e["seq"] for e in batched] == seqs and [e["data"]["text"] for e in batched] == texts
    assert len(received) <= 3
    # the author's own phone too: its acknowledgements came at once, the events in the batch
    assert [e["seq"] for e in received_events(author)] == seqs


@pytest.mark.batch_interval(LONG_INTERVAL)
def test_an_event_that_is_not_batched_goes_right_after_the_pending_batch(app, facilitator, make_session, join, connect):
    http, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    console = connect(http, code, "console")
    author, reader = connect(join(code), code, "participant"), connect(join(code), code, "participant")
    _quiet(console, reader)
    first = command(author, "reflection.post", {"kind": "question", "text": "Eerst"}, cid())["seq"]
    started = time.monotonic()
    phase = run(app, session_id, account_id, "phase.goto", {"index": 2}).seq  # acknowledged at once

    # staff screens have both already, in order; the phones get the batch and then the phase change,
    # without waiting for the end of the batch interval
    assert [(name, e["seq"]) for name, e in _items(console)] == [("event", first), ("event", phase)]
    received = _wait_for(reader, "event")
    assert time.monotonic() - started < LONG_INTERVAL
    assert [name for name, _ in received] == ["batch", "event"]
    assert [received[0][1]["events"][0]["seq"], received[1][1]["seq"]] == [first, phase]
    time.sleep(INTERVAL * 2)
    assert _items(reader) == []  # and the batch is not sent a second time


def test_without_shared_reflections_other_phones_get_only_the_number(app, facilitator, make_session, join, connect):
    """So that a phone can tell an event that was not for it from one it missed (live.js fetches those)."""
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="learning-table", phase="write")
    console = connect(http, code, "console")
    author, reader = connect(join(code), code, "participant"), connect(join(code), code, "participant")
    _quiet(console, author, reader)
    posted = command(author, "reflection.post", {"kind": "bottleneck", "text": "Alleen voor ons"}, cid())
    time.sleep(INTERVAL * 2)
    assert _items(reader) == [("batch", {"events": [], "skip": [posted["seq"]]})]
    # the author gets it whole first, then the number every phone gets
    items = _items(author)
    assert [name for name, _ in items] == ["event", "batch"]
    assert items[0][1]["seq"] == posted["seq"] and items[0][1]["data"]["text"] == "Alleen voor ons"
    assert items[1][1] == {"events": [], "skip": [posted["seq"]]}
    assert [e["seq"] for e in received_events(console)] == [posted["seq"]]


def test_a_batch_goes_to_every_group_of_phones_once_and_nobody_waits_for_it(
    app, facilitator, make_session, join, connect
):
    # phones are spread over PHONE_GROUPS rooms and a batch goes to one group after the other
    # a batch then takes ~3 s to reach every group: long enough that a busy machine's slow command still
    # shows it did not wait for the phones
    pace = app.config["LIVE_BATCH_PACE"] = 0.1
    http, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    projector = connect(http, code, "projector")
    phones = [connect(join(code), code, "participant") for _ in range(realtime.PHONE_GROUPS + 2)]
    members = [
        set(socketio.server.manager.get_participants(NAMESPACE, realtime.room_phones(session_id, group)))
        for group in range(realtime.PHONE_GROUPS)
    ]
    assert all(len(m) in (1, 2) for m in members) and len(set().union(*members)) == len(phones)
    _quiet(projector, *phones)

    texts = ["Een", "Twee", "Drie"]
    seqs = [command(phones[0], "reflection.post", {"kind": "question", "text": t}, cid())["seq"] for t in texts]
    time.sleep(INTERVAL + pace * 5)  # the batch is on its way, a few groups have it
    started = time.monotonic()
    phase = run(app, session_id, account_id, "phase.goto", {"index": 2}).seq
    assert time.monotonic() - started < pace * 5  # the facilitator's command did not wait for the phones
    assert [e["seq"] for _, e in _items(projector)] == [*seqs, phase]  # staff: each event at once, in order

    for sio in phones:
        received = _wait_for(sio, "event", seconds=20)  # two batches and the event, each ~3 s to go round
        # the first reflection went at once (the room was quiet), the others in the window after it
        assert [name for name, _ in received][-1] == "event" and {name for name, _ in received[:-1]} == {"batch"}
        assert [e["seq"] for _, batch in received[:-1] for e in batch["events"]] == seqs
        assert received[-1][1]["seq"] == phase
    time.sleep(INTERVAL * 2)
    assert all(_items(sio) == [] for sio in phones)  # nothing came twice


def test_one_sessions_batch_does_not_hold_up_another_session(app, facilitator, make_session, join, connect):
    app.config["LIVE_BATCH_INTERVAL"] = 0.05
    pace = app.config["LIVE_BATCH_PACE"] = 0.05  # a batch then takes ~1.5 s to reach all groups of phones
    http, account_id = facilitator
    _, busy_code = make_session(account_id, fmt="fishbowl", phase="rounds")
    other_id, other_code = make_session(account_id, fmt="fishbowl", phase="rounds")
    author = connect(join(busy_code), busy_code, "participant")
    phone = connect(join(other_code), other_code, "participant")
    _quiet(phone)
    command(author, "reflection.post", {"kind": "question", "text": "Druk"}, cid())
    time.sleep(0.1)  # the busy session's batch is on its way, group by group
    started = time.monotonic()
    run(app, other_id, account_id, "phase.goto", {"index": 2})
    received = _wait_for(phone, "event")
    assert time.monotonic() - started < pace * realtime.PHONE_GROUPS / 4
    assert [name for name, _ in received] == ["event"]


@pytest.mark.batch_interval(LONG_INTERVAL)
def test_a_reflection_hidden_before_its_batch_went_out_stays_off_the_phones(
    app, facilitator, make_session, join, connect
):
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    console = connect(http, code, "console")
    author, reader = connect(join(code), code, "participant"), connect(join(code), code, "participant")
    _quiet(console, author, reader)
    # a reflection opens the window (it goes at once, the room was quiet); what follows waits for the next batch
    command(author, "reflection.post", {"kind": "question", "text": "Eerst"}, cid())
    assert _wait_for(reader, "batch")[0][1]["events"][0]["data"]["text"] == "Eerst"
    secret = "Jan de Vries van team Noord verzuimt"
    posted = command(author, "reflection.post", {"kind": "question", "text": secret}, cid())
    hidden = command(console, "reflection.hide", {"id": posted["data"]["id"]})
    received = _wait_for(reader, "batch")
    assert secret not in repr(received)
    # its number goes instead, so the phone knows it missed nothing
    assert received == [("batch", {"events": [received[0][1]["events"][0]], "skip": [posted["seq"]]})]
    assert received[0][1]["events"][0]["name"] == "reflection.hide"
    assert received[0][1]["events"][0]["seq"] == hidden["seq"]


def test_a_room_only_mark_queued_before_a_hide_does_not_carry_the_text_to_the_phones(
    app, facilitator, make_session, join, connect, monkeypatch
):
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    console = connect(http, code, "console")
    author, reader = connect(join(code), code, "participant"), connect(join(code), code, "participant")
    _quiet(console, author, reader)
    # the sender task starts only when the test lets it, so all three events are queued together whatever
    # the machine's speed (a room-only mark is not batched: it would otherwise wake the sender at once)
    senders = []
    monkeypatch.setattr(realtime.socketio, "start_background_task", lambda task, *args: senders.append((task, args)))
    secret = "Jan de Vries van team Noord verzuimt"
    posted = command(author, "reflection.post", {"kind": "question", "text": secret}, cid())
    marked = command(console, "reflection.set_room_only", {"id": posted["data"]["id"], "room_only": True})
    hidden = command(console, "reflection.hide", {"id": posted["data"]["id"]})
    assert marked["ok"] and hidden["ok"] and len(senders) == 1
    task, args = senders[0]
    task(*args)
    received = _items(reader)
    assert secret not in repr(received)
    assert [e["seq"] for _, message in received for e in message["events"]] == [hidden["seq"]]
    assert [seq for _, message in received for seq in message.get("skip", [])] == [posted["seq"], marked["seq"]]


@pytest.mark.batch_interval(LONG_INTERVAL)
def test_in_a_quiet_room_a_reflection_goes_at_once_and_only_what_follows_within_the_window_waits(
    app, facilitator, make_session, join, connect
):
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    author, reader = connect(join(code), code, "participant"), connect(join(code), code, "participant")
    _quiet(reader)
    first = command(author, "reflection.post", {"kind": "question", "text": "Een"}, cid())["seq"]
    # the first is not held for the 3-second window: it is the batch the phone gets, alone, before the
    # window has passed (so before the next two are even posted)
    received = _wait_for(reader, "batch", seconds=LONG_INTERVAL / 2)
    assert [[e["seq"] for e in batch["events"]] for _, batch in received] == [[first]]
    later = [
        command(author, "reflection.post", {"kind": "question", "text": t}, cid())["seq"] for t in ("Twee", "Drie")
    ]
    # those two came within the window the first opened: they wait for it, and go together
    received = _wait_for(reader, "batch", seconds=LONG_INTERVAL * 2)
    assert [[e["seq"] for e in batch["events"]] for _, batch in received] == [later]


def test_the_window_grows_with_the_phones_connected_up_to_the_interval():
    window = realtime.batch_window
    assert window(0, 0.3, 1000) == 0
    assert window(30, 0.3, 1000) == pytest.approx(0.009)
    assert window(100, 0.3, 1000) == pytest.approx(0.03)
    assert window(1000, 0.3, 1000) == window(2500, 0.3, 1000) == 0.3
    assert window(5, 0.3, 0) == 0.3  # no full room set: every room waits the whole interval


@pytest.mark.batch_interval(LONG_INTERVAL)
@pytest.mark.full_room(1000)
def test_in_a_small_room_a_burst_reaches_every_phone_in_seq_order_once_without_the_long_window(
    app, facilitator, make_session, join, connect
):
    """Three phones of a thousand: a window of 9 ms, not 3 s; order and exactly-once as in a full room."""
    http, account_id = facilitator
    session_id, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    console = connect(http, code, "console")
    phones = [connect(join(code), code, "participant") for _ in range(3)]
    assert realtime.phones_connected(session_id) == 3
    _quiet(console, *phones)
    seqs, hidden_post = [], None
    for i in range(10):  # from the three phones in turn, a hide among them
        posted = command(phones[i % 3], "reflection.post", {"kind": "question", "text": f"Punt {i}"}, cid())
        seqs.append(posted["seq"])
        if i == 4:
            hidden_post = posted["seq"]
            seqs.append(command(console, "reflection.hide", {"id": posted["data"]["id"]})["seq"])
    for sio in phones:
        received, deadline = [], time.monotonic() + LONG_INTERVAL / 2
        while time.monotonic() < deadline and len(_seqs_heard(received)) < len(seqs):
            received += _items(sio)
            time.sleep(0.01)
        assert {name for name, _ in received} == {"batch"}
        # every seq once and in order; the hidden post either went out before the hide or, still queued when
        # the hide came (a busy machine), was held back and only its number sent (`skip`)
        assert _seqs_heard(received) == seqs
        delivered = [e["seq"] for _, batch in received for e in batch["events"]]
        assert delivered == [seq for seq in seqs if seq in delivered] and set(seqs) - set(delivered) <= {hidden_post}
    time.sleep(0.2)
    assert all(_items(sio) == [] for sio in phones)  # nothing twice


def test_a_small_room_gets_a_batch_without_the_pauses_a_full_room_needs():
    every = realtime.pause_every
    assert every(1000, 1000) == every(3000, 1000) == 1  # a pause after each group of ~31 phones
    assert every(100, 1000) == 10 and every(30, 1000) >= realtime.PHONE_GROUPS  # 30 phones: none at all
    assert every(0, 1000) >= realtime.PHONE_GROUPS and every(3, 0) == 1


def _seqs_heard(received: list) -> list[int]:
    """The seq numbers a phone heard of, delivered as events or only as numbers it may not see, in order."""
    return sorted(
        [e["seq"] for _, batch in received for e in batch["events"]]
        + [seq for _, batch in received for seq in batch.get("skip", [])]
    )


def test_joins_reach_the_phones_in_batches_and_staff_each_at_once(
    app, facilitator, make_session, join, connect, monkeypatch
):
    """A QR-scan rush: the phones already in get the joins of one window together (a message each per window,
    not per join), with every seq in order; the console gets each join at once."""
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    console = connect(http, code, "console")
    first = connect(join(code), code, "participant")
    _quiet(console, first)
    # the sender task starts only when the test lets it: the eight joins are queued within one window
    senders = []
    monkeypatch.setattr(realtime.socketio, "start_background_task", lambda task, *args: senders.append((task, args)))
    for _ in range(8):
        connect(join(code), code, "participant")
    staff = _items(console)
    assert [e["name"] for _, e in staff] == ["participant.join"] * 8 and {n for n, _ in staff} == {"event"}
    assert _items(first) == [] and len(senders) == 1
    task, args = senders[0]
    task(*args)
    received = _items(first)
    assert [name for name, _ in received] == ["batch"]
    events = received[0][1]["events"]
    assert [e["seq"] for e in events] == [e["seq"] for _, e in staff]
    assert [e["data"]["count"] for e in events] == list(range(2, 10))


@pytest.mark.join_interval(LONG_INTERVAL)
def test_joins_alone_wait_the_join_window_and_a_reflection_takes_them_along_in_the_usual_one(
    app, facilitator, make_session, join, connect
):
    """In a QR-scan rush phones get the count of people in once per join window rather than every few ms;
    a reflection posted meanwhile does not wait for that window, and takes the joins queued before it along."""
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    console = connect(http, code, "console")
    author, reader = connect(join(code), code, "participant"), connect(join(code), code, "participant")
    _quiet(console, author, reader)
    # the first join after a quiet moment goes at once; the two after it wait for the join window
    connect(join(code), code, "participant")
    assert [name for name, _ in _wait_for(reader, "batch", seconds=LONG_INTERVAL / 2)] == ["batch"]
    for _ in range(2):
        connect(join(code), code, "participant")
    time.sleep(INTERVAL * 2)  # well past the usual window
    assert _items(reader) == []
    joins = [e["seq"] for _, e in _items(console)]
    posted = command(author, "reflection.post", {"kind": "question", "text": "Nu"}, cid())["seq"]
    received = _wait_for(reader, "batch", seconds=LONG_INTERVAL / 2)
    assert [[e["seq"] for e in batch["events"]] for _, batch in received] == [[*joins[-2:], posted]]


@pytest.mark.full_room(1000)
@pytest.mark.join_interval(LONG_INTERVAL)
def test_in_a_small_room_a_join_soon_after_the_last_batch_of_joins_still_waits_the_join_window(
    app, facilitator, make_session, join, connect
):
    """A small room's usual window is a few ms (here 0.25 s x 3 / 1000), shorter than the time between two phones
    scanning the QR code: the join window still holds from one batch of joins to the next, or every join of a
    rush would go to every phone at once."""
    http, account_id = facilitator
    _, code = make_session(account_id, fmt="fishbowl", phase="rounds")
    console = connect(http, code, "console")
    reader = connect(join(code), code, "participant")
    _quiet(console, reader)
    connect(join(code), code, "participant")  # the first join after a quiet moment goes at once
    assert [name for name, _ in _wait_for(reader, "batch", seconds=LONG_INTERVAL / 2)] == ["batch"]
    time.sleep(INTERVAL)  # far past the small room's window, well within the join window
    connect(join(code), code, "participant")
    time.sleep(INTERVAL)
    assert _items(reader) == []
    received = _wait_for(reader, "batch", seconds=LONG_INTERVAL * 2)
    assert [[e["name"] for e in batch["events"]] for _, batch in received] == [["participant.join"]]
