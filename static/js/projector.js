// The projector: phase, prompt and countdown in large type, the join panel, and one view at a time that always
// fits the screen (fit.js pages what does not fit). Type scales with the screen in the stylesheet.
import { Live, announcer, baseReduce, boot, currentPhase, h, statusBadge } from "./live.js";
import { reflectionCard } from "./cards.js";
import { Pager, narrowWide } from "./fit.js";
import { timerView } from "./timer.js";
import * as clustering from "./features/clustering.js";
import * as voting from "./features/voting.js";
import * as commitments from "./features/commitments.js";
import * as levelmap from "./features/levelmap.js";
import * as fishbowl from "./features/fishbowl.js";
import * as disciplines from "./features/disciplines.js";
import * as hybrid from "./features/hybrid.js";
import * as journey from "./features/journey.js";
import * as covering from "./features/covering.js";

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
  covering,
];

const settings = boot();
const t = settings.t;
const $ = (id) => document.getElementById(id);
const announce = announcer($("announcer"));
const pager = new Pager($("pager"));
let joinHidden = false; // the "q" key: no join strip once everybody is in

// The lobby and the facilitator's "join screen" show the big join panel; otherwise a strip.
function joinMode(state) {
  if (state.status === "draft" || state.projector_view === "join") return "big";
  return joinHidden || state.status === "closed" ? "none" : "strip";
}

function render(state) {
  const phase = currentPhase(state);
  const mode = joinMode(state);
  $("stage").dataset.join = mode;
  $("participant-count").textContent = state.participants;
  const word = $("participant-word");
  word.textContent = state.participants === 1 ? word.dataset.one : word.dataset.many;
  $("phase-title").textContent = state.status === "closed" ? t.closed : phase ? phase.title : state.session.title;
  $("prompt").textContent = state.status === "draft" ? t.lobby : phase ? phase.prompts.default || "" : "";
  $("prompt").hidden = !$("prompt").textContent;
  renderWall(state);
  for (const feature of FEATURES) if (feature.render) feature.render(state, ctx);
  $("wall-view").hidden = $("wall").hidden || mode === "big";
  if ($("case-view")) $("case-view").hidden = state.projector_view !== "case";
  $("stage-body").hidden = mode === "big";
  tick();
  fit();
}

// Oldest first, so a new card takes the next free place and the rest stay where they are; a covered phase
// shows only counts per kind, and once revealed its cards grouped by kind in a fixed shuffled order.
function renderWall(state) {
  const covered = covering.isCovered(state);
  const visible = covered ? [] : covering.wallOrder(state.reflections.filter((r) => !r.hidden), state);
  $("wall-covered").hidden = !covered;
  if (covered) {
    $("kind-counts").replaceChildren(...covering.counts(state).map(({ kind, n }) => h("li", { "data-kind": kind },
      h("span", { class: "kind-name", text: settings.kinds[kind] || kind }), h("span", { class: "kind-count", text: String(n) }))));
  }
  $("wall-empty").hidden = covered || visible.length > 0 || state.status === "draft";
  const known = new Set([...$("wall").children].map((li) => li.dataset.id));
  $("wall").replaceChildren(...visible.map((r) => {
    const card = reflectionCard(r, settings);
    if (known.size && !known.has(String(r.id))) card.classList.add("arrived");
    return card;
  }));
}

// The books of whichever view is on screen, for the pager.
function books() {
  const shown = (id) => $(id) && !$(id).hidden && !$("stage-body").hidden;
  const list = (box, selector) => ({ box, items: selector ? [...box.querySelectorAll(selector)] : [...box.children] });
  if (shown("wall-view")) return ["wall", [list($("wall"))]];
  if (shown("board-view")) return ["clusters", [clusterBook()]];
  if (shown("levels-view")) return ["levels", [...document.querySelectorAll("#projector-levels .lane-clusters")].map((box) => list(box))];
  if (shown("votes-view")) return ["votes", [list($("votes-chart"))]];
  if (shown("commitments-view")) return ["commitments", [list($("projector-commitments"))]];
  if (shown("journey-view")) return ["journey", [list($("projector-journey"))]];
  if (shown("case-view")) return ["case", [list(numbered($("case-shown")), CASE_BLOCKS)]];
  if (shown("fishbowl-view")) return ["fishbowl", [list($("fishbowl-queue-shown")), list($("fishbowl-observations"))]];
  return ["none", []];
}

// the case pages by paragraph, heading and list item
const CASE_BLOCKS = ":scope > :not(ul, ol), :scope > ul > li, :scope > ol > li";

// A numbered list split over pages goes on with its numbers: each item says its own (the items of earlier
// pages are hidden, and the list would count from its start again).
function numbered(box) {
  for (const list of box.querySelectorAll("ol")) {
    const start = list.hasAttribute("start") ? list.start : 1;
    [...list.children].filter((li) => li.tagName === "LI").forEach((li, index) => { li.value = start + index; });
  }
  return box;
}

// The clusters page by card: a page that starts inside a cluster shows its heading again.
function clusterBook() {
  const box = $("projector-board");
  const items = [];
  const heads = new Map();
  const groups = [...box.querySelectorAll(".column")];
  for (const column of groups) {
    const head = column.querySelector(".column-head");
    if (head) items.push(head);
    for (const card of column.querySelectorAll(".reflection")) {
      items.push(card);
      heads.set(card, head);
    }
  }
  return { box, items, groups, headOf: (item) => (heads.has(item) ? heads.get(item) : item) };
}

const WIDE = ".reflection p, .chip-title, .bar-label, .commitment-what, h1, h3, .chair-name, .join-url, .circle-topic, .fishbowl-queue > li";

function fit() {
  const [key, found] = books();
  const state = live.state;
  pager.fit(found, `${key}:${state ? state.phase_index : ""}`, () => narrowWide(document.body, WIDE));
}

function tick() {
  const state = live.state;
  if (!state) return;
  timerView($("timer"), state, live.now(), t);
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
// a web font that arrives late changes every measure
if (document.fonts) document.fonts.ready.then(() => fit());
let resizing = null;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(fit, 150);
});

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen();
  else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
}
$("fullscreen").addEventListener("click", toggleFullscreen);
document.addEventListener("fullscreenchange", () => {
  $("fullscreen").hidden = Boolean(document.fullscreenElement);
});

// Keys a presenter's clicker sends: the next or previous page; "f" full screen; "q" hides the join strip.
const KEYS = {
  PageDown: () => pager.step(1), ArrowRight: () => pager.step(1), " ": () => pager.step(1),
  PageUp: () => pager.step(-1), ArrowLeft: () => pager.step(-1), Home: () => pager.step(-pager.page),
  f: toggleFullscreen, F: toggleFullscreen,
  q: () => {
    joinHidden = !joinHidden;
    if (live.state) render(live.state);
  },
};
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("button, input, textarea, select")) return;
  const action = KEYS[event.key];
  if (!action) return;
  event.preventDefault();
  action();
});
