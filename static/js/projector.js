// The projector: phase, prompt and countdown in large type, the QR code, the live wall.
import { Live, announcer, baseReduce, boot, clock, currentPhase, remainingMs, statusBadge } from "./live.js";
import { reflectionCard } from "./cards.js";
import * as clustering from "./features/clustering.js";
import * as voting from "./features/voting.js";
import * as commitments from "./features/commitments.js";
import * as levelmap from "./features/levelmap.js";
import * as fishbowl from "./features/fishbowl.js";
import * as disciplines from "./features/disciplines.js";
import * as hybrid from "./features/hybrid.js";
import * as journey from "./features/journey.js";

// Features add their own part of the projector: each may export reduce(state, event) and render(state, ctx).
const FEATURES = [
  clustering,
  voting,
  levelmap,
  fishbowl,
  commitments,
  disciplines,
  hybrid,
  journey,
];

const settings = boot();
const t = settings.t;
const $ = (id) => document.getElementById(id);
const announce = announcer($("announcer"));

function render(state) {
  const phase = currentPhase(state);
  $("participant-count").textContent = state.participants;
  $("phase-title").textContent = state.status === "closed" ? t.closed : phase ? phase.title : state.session.title;
  $("prompt").textContent = state.status === "draft" ? t.lobby : phase ? phase.prompts.default || "" : "";
  const visible = state.reflections.filter((r) => !r.hidden);
  $("wall-empty").hidden = visible.length > 0 || state.status === "draft";
  $("wall").replaceChildren(...visible.slice().reverse().map((r) => reflectionCard(r, settings)));
  for (const feature of FEATURES) if (feature.render) feature.render(state, ctx);
  tick();
}

function tick() {
  const state = live.state;
  if (!state) return;
  const ms = state.status === "live" ? remainingMs(state, live.now()) : null;
  const el = $("timer");
  el.textContent = ms === null ? "" : clock(ms);
  el.dataset.state = ms === 0 ? "up" : "running";
}

const live = new Live(settings, {
  reduce: (state, event) => FEATURES.reduce((s, f) => (f.reduce ? f.reduce(s, event) : s), baseReduce(state, event)),
  render,
  onStatus: statusBadge($("live-status"), t),
  onEvent: (event, replayed) => {
    if (!replayed && event.name === "reflection.post") announce(1, t.new_reflections);
  },
});
setInterval(tick, 250);
const ctx = { live, settings, audience: "projector" };
for (const feature of FEATURES) if (feature.setup) feature.setup(ctx);

// "q" shows or hides the QR code once everybody has joined
document.addEventListener("keydown", (event) => {
  if (event.key === "q" && !event.ctrlKey && !event.metaKey && !event.altKey) document.body.classList.toggle("qr-hidden");
});
