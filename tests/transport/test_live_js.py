"""static/js/live.js under node with a stand-in Socket.IO client: phones apply batches and single events once
each, in any order several workers deliver them; staff screens still resume on a gap in seq, and every screen
resumes once more when an event newer than its resume came in meanwhile."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

LIVE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "live.js"

# A fake `io()` records handlers and emits; the script drives the socket and prints what each screen applied.
NODE_SCRIPT = """
const sockets = [];
globalThis.io = () => {
  const socket = { handlers: {}, emitted: [], connected: true,
    on(name, fn) { this.handlers[name] = fn; },
    timeout() { return { emit: (name, payload, cb) => socket.emitted.push({ name, payload, cb }) }; },
    fire(name, arg) { this.handlers[name](arg); } };
  sockets.push(socket);
  return socket;
};
const { Live } = await import(process.argv[1]);
const ev = (seq) => ({ seq, name: "reflection.post", data: { id: seq }, at: "" });
const screen = (audience) => {
  const live = new Live({ code: "ABC", audience }, {
    reduce: (state, envelope) => ({ ...state, log: [...state.log, envelope.seq] }) });
  const socket = sockets[sockets.length - 1];
  socket.fire("connect");
  const resume = socket.emitted.pop();
  resume.cb(null, { ok: true, snapshot: { seq: 10, log: [], server_now: new Date().toISOString() } });
  return { live, socket };
};

const phone = screen("participant");
phone.socket.fire("batch", { events: [ev(12), ev(11)] });          // sorted before applying
phone.socket.fire("event", ev(14));                                 // another worker's event first
phone.socket.fire("batch", { events: [ev(13), ev(15), ev(14)] });  // 13 late, 14 again
phone.socket.fire("batch", { events: [ev(13), ev(9), ev(10)] });   // all old: nothing
phone.socket.fire("event", ev(15));
phone.socket.fire("batch", { events: "nonsense" });
phone.socket.fire("batch", null);

const staff = screen("projector");
staff.socket.fire("event", ev(11));
staff.socket.fire("event", ev(11));
staff.socket.fire("event", ev(13));                                 // 12 missing: resume instead
const resumes = staff.socket.emitted.filter((e) => e.name === "resume").map((e) => e.payload);

// an event that comes in while a resume is on its way, newer than what the resume brings back
const late = screen("console");
late.socket.fire("event", ev(12));                                  // 11 late: resume from 10
late.socket.fire("event", ev(13));                                  // set aside: a resume is on its way
const lateResumes = () => late.socket.emitted.filter((e) => e.name === "resume");
lateResumes()[0].cb(null, { ok: true, seq: 12, events: [ev(11), ev(12)] });
late.socket.fire("event", ev(11));                                  // the late one: already applied
const lateSecond = lateResumes()[1] ? lateResumes()[1].payload : null;
if (lateResumes()[1]) lateResumes()[1].cb(null, { ok: true, seq: 13, events: [ev(13)] });

// a phone's event that overtakes the snapshot it asked for
const first = new Live({ code: "ABC", audience: "participant" }, {
  reduce: (state, envelope) => ({ ...state, log: [...state.log, envelope.seq] }) });
const firstSocket = sockets[sockets.length - 1];
firstSocket.fire("connect");
firstSocket.fire("batch", { events: [ev(11)] });                    // before the snapshot: not applicable yet
firstSocket.emitted[0].cb(null, { ok: true, snapshot: { seq: 10, log: [], server_now: new Date().toISOString() } });
const firstSecond = firstSocket.emitted[1] ? firstSocket.emitted[1].payload : null;
if (firstSocket.emitted[1]) firstSocket.emitted[1].cb(null, { ok: true, seq: 11, events: [ev(11)] });

process.stdout.write(JSON.stringify({
  phone: phone.live.state.log, phoneSeq: phone.live.seq,
  staff: staff.live.state.log, staffSeq: staff.live.seq, resumes,
  late: late.live.state.log, lateSeq: late.live.seq, lateSecond, lateResumes: lateResumes().length,
  first: first.state.log, firstSecond, firstResumes: firstSocket.emitted.length,
}));
"""


@pytest.fixture(scope="module")
def result() -> dict:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("node is not installed, but CI must check static/js/live.js")
        pytest.skip("node is not installed; static/js/live.js is checked in CI")
    run = subprocess.run(
        [node, "--input-type=module", "-e", NODE_SCRIPT, LIVE_JS.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_phone_applies_every_seq_once_whatever_the_order_of_batches_and_events(result):
    assert result["phone"] == [11, 12, 14, 13, 15]
    assert result["phoneSeq"] == 15


def test_staff_screen_resumes_on_a_gap_instead_of_applying(result):
    assert result["staff"] == [11]
    assert result["staffSeq"] == 11
    assert result["resumes"] == [{"seq": 11}]


def test_staff_screen_catches_up_on_an_event_set_aside_while_resuming(result):
    # the event after the gap came while the first resume was on its way: a second resume fetches it
    assert result["lateSecond"] == {"seq": 12}
    assert result["late"] == [11, 12, 13] and result["lateSeq"] == 13
    assert result["lateResumes"] == 2


def test_phone_catches_up_on_an_event_that_overtook_its_snapshot(result):
    assert result["firstSecond"] == {"seq": 10}
    assert result["first"] == [11] and result["firstResumes"] == 2
