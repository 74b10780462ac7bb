// The facilitator console: flow controls, timer, and the moderated wall.
import { Live, announcer, baseReduce, boot, clock, currentPhase, h, newId, remainingMs, statusBadge } from "./live.js";
import { reflectionCard } from "./cards.js";
import * as clustering from "./features/clustering.js";
import * as voting from "./features/voting.js";
import * as commitments from "./features/commitments.js";
import * as levelmap from "./features/levelmap.js";
import * as fishbowl from "./features/fishbowl.js";
import { rebuild } from "./features/board.js";
import { editPanel } from "./features/moderation.js";
import * as disciplines from "./features/disciplines.js";
import * as hybrid from "./features/hybrid.js";
import * as journey from "./features/journey.js";
import * as covering from "./features/covering.js";
import * as houserules from "./features/houserules.js";

// Features add their own part of the console: each may export reduce(state, event) and render(state, ctx).
const FEATURES = [
  clustering,
  voting,
  levelmap,
  fishbowl,
  commitments,
  disciplines,
  houserules,
  hybrid,
  journey,
  covering,
];

const settings = boot();
const t = settings.t;
const $ = (id) => document.getElementById(id);
const announce = announcer($("announcer"));

function showError(ack) {
  const box = $("error");
  if (ack && ack.ok === false && ack.error !== "no_change") {
    box.textContent = ack.message;
    box.hidden = false;
  } else if (ack && ack.ok) {
    box.hidden = true;
  }
}

async function send(name, args = {}, clientId = null) {
  try {
    const ack = await live.command(name, args, clientId);
    showError(ack);
    return ack;
  } catch {
    showError({ ok: false, message: t.offline });
    return null;
  }
}

function render(state) {
  const phase = currentPhase(state);
  const phases = state.format.phases;
  $("participant-count").textContent = state.participants;
  $("start-session").hidden = state.status !== "draft";
  $("phase-title").textContent = phase ? phase.title : t.lobby;
  $("phase-prev").disabled = !phase || state.phase_index === 0 || state.status !== "live";
  $("phase-next").disabled = !phase || state.phase_index >= phases.length - 1 || state.status !== "live";
  $("close-session").disabled = state.status === "closed";
  for (const id of ["timer-start", "timer-pause", "timer-plus1", "timer-plus5"]) $(id).disabled = state.status !== "live";

  $("phase-list").replaceChildren(...phases.map((p, index) => h("li", {},
    h("button", {
      type: "button", "aria-current": index === state.phase_index ? "step" : null,
      disabled: state.status !== "live",
      onclick: () => send("phase.goto", { index }),
    }, `${index + 1}. ${p.title}`))));

  const prompts = phase ? phase.prompts : {};
  $("prompts").replaceChildren(...Object.entries(prompts).flatMap(([level, text]) => [
    h("dt", { text: settings.levels[level] || t.other_levels }), h("dd", { text }),
  ]));

  const kinds = phase ? phase.kinds : [];
  const select = $("proxy-kind");
  if (select.dataset.phase !== String(state.phase_index)) {
    select.replaceChildren(...kinds.map((k) => h("option", { value: k, text: settings.kinds[k] })));
    select.dataset.phase = String(state.phase_index);
  }
  $("proxy-form").querySelector("button").disabled = !kinds.length || state.status !== "live";

  const reflections = state.reflections;
  $("reflection-count").textContent = reflections.filter((r) => !r.hidden).length;
  $("wall-empty").hidden = reflections.length > 0;
  rebuild($("wall"), reflections.slice().reverse().map((r) => reflectionCard(r, settings, [
    // flagged as possibly personal data: rewrite it here (or hide it with the button)
    (r.personal_data || []).length ? editPanel(r, ctx) : null,
    h("button", {
      type: "button", class: r.hidden ? "" : "danger",
      onclick: () => send(r.hidden ? "reflection.unhide" : "reflection.hide", { id: r.id }),
    }, r.hidden ? t.unhide : t.hide, h("span", { class: "visually-hidden", text: `: ${r.text.slice(0, 40)}` })),
    h("button", {
      type: "button", "aria-pressed": r.room_only ? "true" : "false", class: "room-only-toggle",
      onclick: () => send("reflection.set_room_only", { id: r.id, room_only: !r.room_only }),
    }, settings.method.mark_room_only, h("span", { class: "visually-hidden", text: `: ${r.text.slice(0, 40)}` })),
  ])));
  for (const feature of FEATURES) if (feature.render) feature.render(state, ctx);
  tick();
}

function tick() {
  const state = live.state;
  if (!state) return;
  const ms = remainingMs(state, live.now());
  const el = $("timer");
  el.textContent = clock(ms) + (state.timer && !state.timer.running && ms ? ` (${t.timer_paused})` : "");
  el.dataset.state = ms === 0 ? "up" : state.timer && state.timer.running ? "running" : "paused";
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
const ctx = { live, settings, send, audience: "console" };
for (const feature of FEATURES) if (feature.setup) feature.setup(ctx);

$("start-session").addEventListener("click", () => send("session.start"));
$("phase-prev").addEventListener("click", () => send("phase.goto", { index: live.state.phase_index - 1 }));
$("phase-next").addEventListener("click", () => send("phase.goto", { index: live.state.phase_index + 1 }));
$("timer-start").addEventListener("click", () => send("timer.start"));
$("timer-pause").addEventListener("click", () => send("timer.pause"));
$("timer-plus1").addEventListener("click", () => send("timer.extend", { minutes: 1 }));
$("timer-plus5").addEventListener("click", () => send("timer.extend", { minutes: 5 }));
$("close-session").addEventListener("click", () => {
  if (window.confirm(JSON.parse($("confirm-close").textContent))) send("session.close");
});
$("proxy-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("proxy-text");
  const roomOnly = $("proxy-room-only");
  const who = $("proxy-for").value;
  const ack = await send("reflection.post", {
    kind: $("proxy-kind").value, text: text.value, room_only: roomOnly.checked, for: who ? Number(who) : null,
  }, newId());
  if (ack && ack.ok) {
    text.value = "";
    roomOnly.checked = false;
  }
});
