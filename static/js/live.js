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
    || event.name === "reflection.set_room_only" || event.name === "reflection.pin") {
    upsert(state.reflections, data);
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
  constructor(settings, { reduce = baseReduce, render, onStatus, onEvent } = {}) {
    this.settings = settings;
    this.reduce = reduce;
    this.render = render || (() => {});
    this.onStatus = onStatus || (() => {});
    this.onEvent = onEvent || (() => {});
    this.state = null;
    this.seq = -1;
    this.base = -1;
    this.offset = 0;
    this.resuming = false;
    // the highest seq that came in, applied or not: an event set aside while a resume was on its way
    // (or overwritten by its snapshot) means the screen must catch up once more
    this.heard = -1;
    this.socket = io("/live", {
      auth: { code: settings.code, audience: settings.audience },
      transports: ["websocket", "polling"], tryAllTransports: true, // WebSockets blocked (a proxy): poll instead
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    this.socket.on("connect", () => { this.onStatus("online"); this.resume(); });
    this.socket.on("disconnect", () => this.onStatus("offline"));
    this.socket.on("connect_error", (err) => this.onStatus(err && err.message === "forbidden" ? "forbidden" : "offline"));
    this.socket.on("event", (envelope) => this.receive(envelope));
    // phones in a room that shares reflections get those in batches (a few per second at most)
    this.socket.on("batch", (batch) => this.receiveBatch(batch));
    // seqs applied above the snapshot, for phones: several server workers may deliver out of order
    this.applied = new Set();
  }

  now() {
    return Date.now() + this.offset;
  }

  resume() {
    if (this.resuming) return;
    this.resuming = true;
    this.socket.timeout(8000).emit("resume", { seq: this.state ? this.seq : -1 }, (err, reply) => {
      this.resuming = false;
      if (err || !reply || !reply.ok) {
        if (this.socket.connected) setTimeout(() => this.resume(), 1000);
        return;
      }
      if (reply.snapshot) {
        this.state = reply.snapshot;
        this.seq = reply.snapshot.seq;
        this.base = reply.snapshot.seq;
        this.applied = new Set();
        this.offset = Date.parse(reply.snapshot.server_now) - Date.now();
        this.render(this.state, { snapshot: true });
      } else {
        for (const envelope of reply.events) this.apply(envelope, true);
        this.seq = Math.max(this.seq, reply.seq);
        this.render(this.state, {});
      }
      if (this.heard > this.seq) this.resume();
    });
  }

  hear(envelope) {
    if (envelope && Number.isInteger(envelope.seq) && envelope.seq > this.heard) this.heard = envelope.seq;
  }

  receive(envelope) {
    this.hear(envelope);
    if (!this.state || !this.isNew(envelope)) return; // a snapshot is on its way, or already applied
    // staff screens see every event, so a jump in seq means one was missed: catch up first
    if (this.settings.audience !== "participant" && envelope.seq > this.seq + 1) {
      this.resume();
      return;
    }
    this.apply(envelope, false);
    this.render(this.state, { event: envelope });
  }

  receiveBatch(batch) {
    if (!batch || !Array.isArray(batch.events)) return;
    for (const envelope of batch.events) this.hear(envelope);
    if (!this.state) return;
    const fresh = batch.events.filter((envelope) => this.isNew(envelope)).sort((a, b) => a.seq - b.seq);
    if (!fresh.length) return;
    for (const envelope of fresh) this.apply(envelope, false);
    this.render(this.state, { event: fresh[fresh.length - 1], batch: fresh });
  }

  // Staff see every event in order (a gap means a resume). Phones see only some events, and with several
  // server workers a batch may arrive after a later event: they apply each seq once, whatever the order.
  isNew(envelope) {
    if (this.settings.audience !== "participant") return envelope.seq > this.seq;
    return envelope.seq > this.base && !this.applied.has(envelope.seq);
  }

  apply(envelope, replayed) {
    if (!this.isNew(envelope)) return;
    this.state = this.reduce(this.state, envelope);
    this.seq = Math.max(this.seq, envelope.seq);
    if (this.settings.audience === "participant") {
      this.applied.add(envelope.seq);
      if (this.applied.size > 5000) this.forget();
    }
    this.onEvent(envelope, replayed);
  }

  // keep the set small: everything at or below the oldest remembered seqs counts as applied
  forget() {
    const kept = [...this.applied].sort((a, b) => a - b);
    this.base = kept[kept.length - 2500];
    this.applied = new Set(kept.slice(kept.length - 2500));
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
