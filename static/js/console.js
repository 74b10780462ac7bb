// The facilitator's cockpit: the bar (phases, next step, timer, phones, projector preview and view), the current
// phase's workspace below it with the other tools one click away, the moderated wall, and keyboard shortcuts.
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
import * as door from "./features/door.js";

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
  door,
  covering,
];

const settings = boot();
const t = settings.t;
const c = settings.console;
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

// A command the server refuses with a question (a `confirm_` error: a flagged title about to be projected or
// reported) is asked here and, confirmed, sent again with `confirm`.
async function send(name, args = {}, clientId = null) {
  try {
    const ack = await live.command(name, args, clientId);
    if (ack && ack.ok === false && String(ack.error).startsWith("confirm_") && !args.confirm) {
      if (!window.confirm(ack.message)) return ack;
      return send(name, { ...args, confirm: true }, clientId);
    }
    showError(ack);
    return ack;
  } catch {
    showError({ ok: false, message: t.offline });
    return null;
  }
}

// Leaving open work (a voting round, proposals from phones) is refused by the server with a question;
// asked and confirmed, the same step is sent again with `confirm`.
async function goToPhase(index) {
  if (!live.state || live.state.status !== "live") return;
  const ack = await live.command("phase.goto", { index }).catch(() => null);
  if (ack && ack.ok === false && String(ack.error).startsWith("confirm_")) {
    if (window.confirm(ack.message)) showError(await send("phase.goto", { index, confirm: true }));
    return;
  }
  showError(ack || { ok: false, message: t.offline });
}

// --- the workspace: the current phase's, unless the facilitator picked another tab during this phase -------

const tabs = () => [...document.querySelectorAll(".workspace-tab")];
let phaseSeen = undefined; // the phase (or status) the workspace was last chosen for
let pickedEarly = false; // a tab clicked before the first state arrived (a slow network): the first render keeps it

function phaseWorkspace(state) {
  if (state.status === "closed") return "report";
  const phase = currentPhase(state) || state.format.phases[0];
  return phase ? phase.workspace : "more";
}

function showWorkspace(key, focus = false) {
  const known = tabs().map((tab) => tab.dataset.workspace);
  const shown = known.includes(key) ? key : known[0];
  for (const tab of tabs()) tab.setAttribute("aria-pressed", String(tab.dataset.workspace === shown));
  for (const panel of document.querySelectorAll(".workspace")) panel.hidden = panel.dataset.workspace !== shown;
  if (focus) $(`tab-${shown}`).focus();
}

function renderWorkspace(state) {
  const key = phaseWorkspace(state);
  const moment = `${state.status}:${state.phase_index}`;
  if (moment !== phaseSeen) {
    if (!(phaseSeen === undefined && pickedEarly)) showWorkspace(key);
    phaseSeen = moment;
  }
  for (const tab of tabs()) {
    const now = tab.dataset.workspace === key && state.status === "live";
    tab.querySelector(".now-marker").textContent = now ? ` · ${c.now}` : "";
  }
}

// --- the bar ----------------------------------------------------------------------------------------------

function renderBar(state) {
  const phase = currentPhase(state);
  const phases = state.format.phases;
  const live = state.status === "live";
  const next = live && state.phase_index < phases.length - 1 ? phases[state.phase_index + 1] : null;
  $("participant-count").textContent = state.participants;
  $("participant-word").textContent = state.participants === 1 ? c.phone : c.phones;
  $("start-session").hidden = state.status !== "draft";
  $("phase-prev").hidden = state.status === "draft";
  $("phase-next").hidden = state.status === "draft";
  $("phase-prev").disabled = !live || state.phase_index === 0;
  $("phase-next").disabled = !next;
  $("next-phase-name").textContent = next ? `: ${next.title}` : live ? ` (${c.last_phase})` : "";
  $("close-session").disabled = state.status === "closed";
  $("close-session").classList.toggle("primary-danger", live && !next);
  for (const id of ["timer-plus1", "timer-plus5"]) $(id).disabled = !live;
  const running = Boolean(state.timer && state.timer.running);
  $("timer-start").disabled = !live || running;
  $("timer-pause").disabled = !live || !running;
  $("closed-state").hidden = state.status !== "closed";
  document.body.dataset.status = state.status;

  $("phase-title").textContent = state.status === "closed" ? c.closed : phase ? phase.title : c.draft;
  const guide = state.status === "closed" ? c.closed_guide : phase ? phase.guide : c.draft_guide;
  $("phase-guide").textContent = guide ? ` — ${guide}` : "";
  $("phase-list").replaceChildren(...phases.map((p, index) => {
    const current = index === state.phase_index && state.status !== "closed";
    return h("li", { class: current ? "current" : index < state.phase_index || state.status === "closed" ? "done" : null },
      h("button", {
        type: "button", "aria-current": current ? "step" : null, title: p.title,
        disabled: !live, onclick: () => goToPhase(index),
      }, `${index + 1}. ${p.title}`));
  }));
  renderProjectorNow(state);
}

function renderProjectorNow(state) {
  const label = (view) => {
    const button = document.querySelector(`.view-choice[data-view="${view}"]`);
    return button ? button.textContent : view;
  };
  const phase = currentPhase(state);
  // in a commitments or follow-up phase the automatic projector shows the commitments (commitments.js)
  const committing = phase && (phase.actions.includes("commit") || phase.actions.includes("followup"));
  const shown = !state.projector_view && committing ? c.commitments_view : label(clustering.projectorView(state));
  $("projector-now").textContent = state.projector_view ? shown : `${label("auto")}: ${shown}`;
}

function renderWall(state) {
  const phase = currentPhase(state);
  // before the start: the first phase's prompts, to check them while preparing
  const shownPrompts = phase || (state.status === "draft" ? state.format.phases[0] : null);
  const prompts = shownPrompts ? shownPrompts.prompts : {};
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
}

function render(state) {
  renderBar(state);
  renderWall(state);
  for (const feature of FEATURES) if (feature.render) feature.render(state, ctx);
  renderProjectorNow(state);
  renderWorkspace(state);
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

function toggleTimer() {
  const timer = live.state && live.state.timer;
  send(timer && timer.running ? "timer.pause" : "timer.start");
}

$("start-session").addEventListener("click", () => send("session.start"));
$("phase-prev").addEventListener("click", () => goToPhase(live.state.phase_index - 1));
$("phase-next").addEventListener("click", () => goToPhase(live.state.phase_index + 1));
$("timer-start").addEventListener("click", () => send("timer.start"));
$("timer-pause").addEventListener("click", () => send("timer.pause"));
$("timer-plus1").addEventListener("click", () => send("timer.extend", { minutes: 1 }));
$("timer-plus5").addEventListener("click", () => send("timer.extend", { minutes: 5 }));
$("close-session").addEventListener("click", () => {
  if (window.confirm(JSON.parse($("confirm-close").textContent))) send("session.close");
});
for (const tab of tabs()) {
  tab.addEventListener("click", () => {
    pickedEarly = phaseSeen === undefined;
    showWorkspace(tab.dataset.workspace);
  });
}
$("open-projector").addEventListener("click", (event) => {
  // a window of its own, to drag to the second screen; the projector page says how to go full screen
  const opened = window.open($("open-projector").href, "leertafels-projector", "popup,width=1280,height=720");
  if (opened) event.preventDefault();
  $("projector-hint").textContent = c.fullscreen_hint;
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

// --- keyboard shortcuts, listed in the "?" dialog ------------------------------------------------------------

const dialog = $("shortcuts");
let returnFocus = null;

function toggleShortcuts(open = dialog.hidden) {
  if (open) {
    returnFocus = document.activeElement;
    dialog.hidden = false;
    $("shortcuts-close").focus();
  } else {
    dialog.hidden = true;
    if (returnFocus && returnFocus.focus) returnFocus.focus();
  }
}
$("shortcuts-open").addEventListener("click", () => toggleShortcuts(true));
$("shortcuts-close").addEventListener("click", () => toggleShortcuts(false));

function typing(target) {
  return target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

// each shortcut: a test on the key event and what it does
const SHORTCUTS = [
  [(e) => e.altKey && e.key === "ArrowRight", () => $("phase-next").disabled || goToPhase(live.state.phase_index + 1)],
  [(e) => e.altKey && e.key === "ArrowLeft", () => $("phase-prev").disabled || goToPhase(live.state.phase_index - 1)],
  [(e) => !e.altKey && (e.key === "n" || e.key === "N"), () => $("phase-next").disabled || goToPhase(live.state.phase_index + 1)],
  [(e) => !e.altKey && (e.key === "p" || e.key === "P"), () => $("phase-prev").disabled || goToPhase(live.state.phase_index - 1)],
  [(e) => !e.altKey && (e.key === "t" || e.key === "T"), () => live.state.status === "live" && toggleTimer()],
  [(e) => !e.altKey && e.key === "+", () => live.state.status === "live" && send("timer.extend", { minutes: 1 })],
  [(e) => !e.altKey && (e.key === "w" || e.key === "W"), () => showWorkspace(phaseWorkspace(live.state), true)],
  [(e) => !e.altKey && /^[0-9]$/.test(e.key), (e) => {
    const button = document.querySelectorAll(".view-choice")[Number(e.key)];
    if (button) button.click();
  }],
];

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !dialog.hidden) {
    toggleShortcuts(false);
    return;
  }
  if (event.ctrlKey || event.metaKey || typing(event.target) || !live.state) return;
  if (event.key === "?") {
    event.preventDefault();
    toggleShortcuts();
    return;
  }
  if (!dialog.hidden) return;
  // a control another part of the console adds (cover the wall, the join screen) names its own key
  const marked = !event.altKey && [...document.querySelectorAll("[data-shortcut]")].find((el) => el.dataset.shortcut === event.key);
  if (marked && !marked.disabled && !marked.hidden) {
    event.preventDefault();
    marked.click();
    return;
  }
  const found = SHORTCUTS.find(([matches]) => matches(event));
  if (found) {
    event.preventDefault();
    found[1](event);
  }
});

// keep Tab inside the open dialog
dialog.addEventListener("keydown", (event) => {
  if (event.key !== "Tab") return;
  event.preventDefault();
  $("shortcuts-close").focus();
});

