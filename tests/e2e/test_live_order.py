"""static/js/live.js in Chromium with a stand-in Socket.IO client that delivers events out of order, with holes
and across reconnects, the way two server workers and a dropped connection do: every screen applies each
event once and in seq order, tracks the last gap-free seq, fetches a hole after a short wait, resumes from
the gap-free seq (never from the highest seq seen), and catches up when a heartbeat says it is behind."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "http://live.test"
GAP_WAIT_MS = 150

# A fake `io()` that records handlers and emits; each scenario fires what the server would send.
PAGE = """<!doctype html><html lang="en"><title>live.js</title><body>
<script>
window.sockets = [];
window.io = () => {
  const socket = { handlers: {}, emitted: [], connected: true,
    on(name, fn) { this.handlers[name] = fn; },
    timeout() { return { emit: (name, payload, cb) => socket.emitted.push({ name, payload, cb }) }; },
    fire(name, arg) { this.handlers[name](arg); },
    resumes() { return this.emitted.filter((e) => e.name === "resume"); } };
  window.sockets.push(socket);
  return socket;
};
</script>
<script type="module">
import { Live } from "/static/js/live.js";
window.ev = (seq) => ({ seq, name: "reflection.post", data: { id: seq }, at: "" });
window.WAIT = WAIT_MS;
window.snap = (seq) => ({ ok: true, snapshot: { seq, log: [], server_now: new Date().toISOString() } });
window.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
window.screen = (audience, snapshotSeq = 10) => {
  const live = new Live({ code: "ABC", audience }, {
    gapWaitMs: WAIT, reduce: (state, envelope) => ({ ...state, log: [...state.log, envelope.seq] }) });
  const socket = window.sockets[window.sockets.length - 1];
  socket.fire("connect");
  if (snapshotSeq !== null) {
    socket.resumes()[0].cb(null, snap(snapshotSeq));
  }
  return { live, socket };
};
window.ready = true;
</script></body></html>
""".replace("WAIT_MS", str(GAP_WAIT_MS))


@pytest.fixture
def page(new_context):
    context = new_context()
    page = context.new_page()
    live_js = (ROOT / "static" / "js" / "live.js").read_text()
    page.route(f"{ORIGIN}/", lambda route: route.fulfill(body=PAGE, content_type="text/html"))
    page.route(f"{ORIGIN}/static/js/live.js", lambda route: route.fulfill(body=live_js, content_type="text/javascript"))
    page.goto(f"{ORIGIN}/")
    page.wait_for_function("window.ready === true")
    return page


def test_phone_applies_interleaved_batches_of_two_workers_in_seq_order_once(page):
    result = page.evaluate(
        """async () => {
        const { live, socket } = screen("participant");
        socket.fire("batch", { events: [ev(12), ev(11)] });
        socket.fire("event", ev(14));                                   // the other worker's, early
        socket.fire("batch", { events: [ev(13), ev(15), ev(14)] });     // 13 late, 14 again
        socket.fire("batch", { events: [ev(13), ev(9), ev(10)] });      // all old: nothing
        socket.fire("batch", { events: [ev(17)], skip: [16] });         // 16 was not for this phone
        socket.fire("batch", { events: "nonsense" });
        socket.fire("batch", null);
        await sleep(WAIT * 3);
        return { log: live.state.log, seq: live.seq, resumes: socket.resumes().length };
    }"""
    )
    assert result == {"log": [11, 12, 13, 14, 15, 17], "seq": 17, "resumes": 1}


def test_a_hole_that_stays_open_is_fetched_from_the_last_gap_free_seq(page):
    result = page.evaluate(
        """async () => {
        const { live, socket } = screen("participant");
        socket.fire("batch", { events: [ev(11), ev(13)] });             // 12 never comes
        const early = socket.resumes().length;                          // a late batch may still fill it
        await sleep(WAIT * 3);
        const asked = socket.resumes().slice(1).map((e) => e.payload);
        socket.resumes()[1].cb(null, { ok: true, seq: 13, events: [ev(12), ev(13)] });
        socket.fire("batch", { events: [ev(12)] });                     // the late one after all: applied once
        await sleep(WAIT * 3);
        return { early, asked, log: live.state.log, seq: live.seq, resumes: socket.resumes().length };
    }"""
    )
    assert result["early"] == 1  # no fetch before the wait
    assert result["asked"] == [{"seq": 11}]
    assert result["log"] == [11, 12, 13] and result["seq"] == 13
    assert result["resumes"] == 2


def test_a_late_batch_within_the_wait_needs_no_fetch(page):
    result = page.evaluate(
        """async () => {
        const { live, socket } = screen("projector");
        socket.fire("event", ev(11));
        socket.fire("event", ev(13));
        await sleep(WAIT / 3);
        socket.fire("event", ev(12));
        await sleep(WAIT * 3);
        return { log: live.state.log, resumes: socket.resumes().length };
    }"""
    )
    assert result == {"log": [11, 12, 13], "resumes": 1}


def test_reconnect_resumes_from_the_gap_free_seq_not_the_highest_seen(page):
    """The trace from issue 20: batches [351,353], [352,354], [355,357], a reconnect, and 356 must come."""
    result = page.evaluate(
        """async () => {
        const { live, socket } = screen("participant", 350);
        socket.fire("batch", { events: [ev(351), ev(353)] });
        socket.fire("batch", { events: [ev(352), ev(354)] });
        socket.fire("batch", { events: [ev(355), ev(357)] });
        socket.fire("disconnect");
        socket.fire("connect");
        const asked = socket.resumes()[1].payload;
        socket.resumes()[1].cb(null, { ok: true, seq: 357, events: [ev(356), ev(357)] });
        return { asked, log: live.state.log, seq: live.seq };
    }"""
    )
    assert result["asked"] == {"seq": 355}
    assert result["log"] == [351, 352, 353, 354, 355, 356, 357] and result["seq"] == 357


def test_a_reconnect_does_not_wait_for_a_resume_lost_with_the_old_connection(page):
    result = page.evaluate(
        """async () => {
        const { live, socket } = screen("console");
        socket.fire("event", ev(11));
        socket.fire("event", ev(13));
        await sleep(WAIT * 3);                                      // a resume goes out, then the line drops
        socket.fire("disconnect");
        socket.fire("connect");
        const resumes = socket.resumes();
        resumes[2].cb(null, { ok: true, seq: 14, events: [ev(12), ev(13), ev(14)] });
        resumes[1].cb(null, { ok: true, seq: 12, events: [ev(12)] });   // the lost one's late answer: ignored
        return { asked: resumes.map((e) => e.payload), log: live.state.log, seq: live.seq };
    }"""
    )
    assert result["asked"] == [{"seq": -1}, {"seq": 11}, {"seq": 11}]
    assert result["log"] == [11, 12, 13, 14] and result["seq"] == 14


def test_a_heartbeat_ahead_of_the_screen_makes_it_fetch_what_it_missed(page):
    """After the message queue was down, no new event comes to show the hole: the heartbeat does."""
    result = page.evaluate(
        """async () => {
        const { live, socket } = screen("participant");
        socket.fire("heartbeat", { seq: 10 });                          // up to date: nothing to do
        await sleep(WAIT * 3);
        const quiet = socket.resumes().length;
        socket.fire("heartbeat", { seq: 14 });
        await sleep(WAIT * 3);
        const asked = socket.resumes()[1].payload;
        socket.resumes()[1].cb(null, { ok: true, seq: 14, events: [ev(12), ev(14)] });  // 11, 13 not for it
        await sleep(WAIT * 3);
        return { quiet, asked, log: live.state.log, seq: live.seq, resumes: socket.resumes().length };
    }"""
    )
    assert result["quiet"] == 1
    assert result["asked"] == {"seq": 10}
    assert result["log"] == [12, 14] and result["seq"] == 14 and result["resumes"] == 2


def test_a_batch_that_overtakes_the_snapshot_is_kept_and_applied_after_it(page):
    result = page.evaluate(
        """async () => {
        const { live, socket } = screen("participant", null);
        socket.fire("batch", { events: [ev(10), ev(11)] });             // before the snapshot (seq 10)
        socket.resumes()[0].cb(null, snap(10));
        await sleep(WAIT * 3);
        return { log: live.state.log, seq: live.seq, resumes: socket.resumes().length };
    }"""
    )
    assert result == {"log": [11], "seq": 11, "resumes": 1}
