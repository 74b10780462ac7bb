// The one live connection every screen shares: snapshot + numbered events, resume after any drop,
// server-based time, and commands with acknowledgements. Rendering is left to each screen.
/* global io */

export function boot() {
  return JSON.parse(document.getElementById("boot").textContent);
}

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "text") el.textContent = value; // never innerHTML: user text stays text
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return el;
}

export function fill(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
}

export function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Events that change the phase/timer carry the whole phase state.
const PHASE_EVENTS = new Set(["session.start", "session.close", "phase.goto", "timer.start", "timer.pause", "timer.extend"]);

export function baseReduce(state, event) {
  const data = event.data || {};
  if (PHASE_EVENTS.has(event.name)) {
    state.status = data.status;
    state.phase_index = data.phase_index;
    state.timer = data.timer;
  } else if (event.name === "participant.join") {
    state.participants = data.count;
  } else if (event.name === "reflection.post" || event.name === "reflection.unhide" || event.name === "reflection.edit"
    || event.name === "reflection.edit_own" || event.name === "reflection.set_room_only" || event.name === "reflection.pin") {
    upsert(state.reflections, data);
  } else if (event.name === "reflection.withdraw") {
    // its author took it back: off every screen, without a trace that could point at anyone
    state.reflections = state.reflections.filter((r) => r.id !== data.id);
  } else if (event.name === "reflection.hide") {
    const found = state.reflections.find((r) => r.id === data.id);
    if (found) found.hidden = true;
  }
  return state;
}

export function upsert(list, item) {
  const index = list.findIndex((x) => x.id === item.id);
  if (index >= 0) list[index] = { ...list[index], ...item };
  else list.push(item);
}

export function currentPhase(state) {
  return state && state.phase_index !== null ? state.format.phases[state.phase_index] : null;
}

// Whether the current phase lets participants do `action` ("write", "vote", "fishbowl", "commit" ...). The
// server decides (commands._participant_may refuses anything else); screens only show or hide the controls,
// and all of them ask here rather than each working the rule out.
export function phaseAllows(state, action) {
  const phase = currentPhase(state);
  return Boolean(state.status === "live" && phase && phase.actions.includes(action));
}

export function remainingMs(state, now) {
  const timer = state && state.timer;
  if (!timer) return null;
  if (timer.running && timer.ends_at) return Math.max(0, Date.parse(timer.ends_at) - now);
  return timer.remaining_ms;
}

export function clock(ms) {
  if (ms === null || ms === undefined) return "--:--";
  const total = Math.ceil(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

export class Live {
  constructor(settings, { reduce = baseReduce, render, onStatus, onEvent, gapWaitMs = 1500 } = {}) {
    this.settings = settings;
    this.reduce = reduce;
    this.render = render || (() => {});
    this.onStatus = onStatus || (() => {});
    this.onEvent = onEvent || (() => {});
    this.state = null;
    // The last gap-free seq: every event up to it is applied, or was none of this screen's business. A
    // resume asks for what came after it - never after the highest seq seen, which may lie past a hole.
    this.seq = -1;
    // What came in above it, by seq: the envelope, or null for an event this screen may not see (a phone
    // gets just its number, in a batch's `skip`). Applied in seq order once everything below has come in:
    // two server workers deliver their batches interleaved, and a batch may overtake a snapshot.
    this.pending = new Map();
    // the newest seq the server told of (an event, a skipped number, or its heartbeat)
    this.latest = -1;
    // how long a hole may stay open before the screen fetches what is missing: a late batch of the other
    // worker usually fills it first
    this.gapWaitMs = gapWaitMs;
    this.gapTimer = null;
    this.offset = 0;
    this.resuming = null; // the resume on its way, if any (a reconnect starts a new one)
    this.socket = io("/live", {
      auth: { code: settings.code, audience: settings.audience },
      transports: ["websocket", "polling"], tryAllTransports: true, // WebSockets blocked (a proxy): poll instead
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    this.socket.on("connect", () => { this.onStatus("online"); this.resuming = null; this.resume(); });
    this.socket.on("disconnect", () => this.onStatus("offline"));
    this.socket.on("connect_error", (err) => this.onStatus(err && err.message === "forbidden" ? "forbidden" : "offline"));
    this.socket.on("event", (envelope) => this.take([envelope], []));
    // phones in a room that shares reflections get those in batches (a few per second at most), with the
    // numbers of the events they may not see, so that they can tell a hole from an event that was not theirs
    this.socket.on("batch", (batch) => batch && this.take(batch.events, batch.skip));
    // every few seconds the server says how far the session is: a screen that missed the last events (a
    // dropped message queue, a batch lost in a reconnect) notices without waiting for another event
    this.socket.on("heartbeat", (beat) => { if (beat) { this.note(beat.seq); this.watch(); } });
  }

  now() {
    return Date.now() + this.offset;
  }

  note(seq) {
    if (Number.isInteger(seq) && seq > this.latest) this.latest = seq;
  }

  take(envelopes, skips) {
    for (const envelope of Array.isArray(envelopes) ? envelopes : []) {
      if (!envelope || !Number.isInteger(envelope.seq)) continue;
      this.note(envelope.seq);
      if (envelope.seq > this.seq && !this.pending.get(envelope.seq)) this.pending.set(envelope.seq, envelope);
    }
    for (const seq of Array.isArray(skips) ? skips : []) {
      if (!Number.isInteger(seq)) continue;
      this.note(seq);
      if (seq > this.seq && !this.pending.has(seq)) this.pending.set(seq, null);
    }
    this.drain();
  }

  // apply what follows the gap-free seq without a hole; nothing while a snapshot is on its way
  drain() {
    if (!this.state) return;
    const applied = [];
    while (this.pending.has(this.seq + 1)) {
      const envelope = this.pending.get(this.seq + 1);
      this.pending.delete(this.seq + 1);
      this.seq += 1;
      if (envelope) {
        this.state = this.reduce(this.state, envelope);
        this.onEvent(envelope, false);
        applied.push(envelope);
      }
    }
    if (applied.length) this.render(this.state, { event: applied[applied.length - 1], batch: applied });
    this.watch();
  }

  behind() {
    return this.state !== null && (this.latest > this.seq || this.pending.size > 0);
  }

  // a hole that stays open for gapWaitMs is fetched: a resume from the last gap-free seq
  watch() {
    if (!this.behind()) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    } else if (!this.gapTimer) {
      // up to twice as long at random: a room of phones that all missed one message does not ask at once
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        if (this.behind() && this.socket.connected) this.resume(); // offline: the reconnect resumes
      }, this.gapWaitMs * (1 + Math.random()));
    }
  }

  resume() {
    if (this.resuming) return;
    const token = {};
    this.resuming = token;
    this.socket.timeout(8000).emit("resume", { seq: this.state ? this.seq : -1 }, (err, reply) => {
      if (this.resuming !== token) return; // a reconnect asked again meanwhile
      this.resuming = null;
      if (err || !reply || !reply.ok) {
        if (this.socket.connected) setTimeout(() => this.resume(), 1000);
        return;
      }
      if (reply.snapshot) this.restart(reply.snapshot);
      else this.replay(reply);
      this.drain();
    });
  }

  restart(snapshot) {
    this.state = snapshot;
    this.seq = snapshot.seq;
    this.offset = Date.parse(snapshot.server_now) - Date.now();
    this.prune();
    // the snapshot is how far the session is now (a restored database may even be behind what was seen)
    this.latest = Math.max(this.seq, ...this.pending.keys());
    this.render(this.state, { snapshot: true });
  }

  // the reply holds every event after the asked seq up to reply.seq that this screen may see
  replay(reply) {
    if (!Number.isInteger(reply.seq) || !Array.isArray(reply.events)) return;
    for (const envelope of reply.events) {
      if (!envelope || !(envelope.seq > this.seq) || envelope.seq > reply.seq) continue;
      this.state = this.reduce(this.state, envelope);
      this.onEvent(envelope, true);
    }
    this.seq = Math.max(this.seq, reply.seq);
    this.note(reply.seq);
    this.prune();
    this.render(this.state, {});
  }

  prune() {
    for (const seq of [...this.pending.keys()]) if (seq <= this.seq) this.pending.delete(seq);
  }

  // Resolves with the acknowledgement ({ok, data} or {ok: false, message}); rejects when no answer came.
  command(name, args = {}, clientId = null, timeoutMs = 8000) {
    return new Promise((resolve, reject) => {
      if (!this.socket.connected) {
        reject(new Error("offline"));
        return;
      }
      this.socket.timeout(timeoutMs).emit("command", { name, args, client_id: clientId }, (err, ack) => {
        if (err) reject(err);
        else resolve(ack);
      });
    });
  }
}

export function statusBadge(element, t) {
  return (state) => {
    element.dataset.state = state;
    element.textContent = state === "online" ? t.connected : state === "offline" ? t.offline : t.connecting;
  };
}

// Polite, rate-limited announcements for screen readers (WCAG 4.1.3): at most one per 5 s.
export function announcer(element) {
  let pending = 0;
  let timer = null;
  return (count, template) => {
    pending += count;
    if (timer) return;
    timer = setTimeout(() => {
      element.textContent = fill(template, { n: pending });
      pending = 0;
      timer = null;
    }, 5000);
  };
}
