// The phone: the phase and prompt for my level, writing with an offline outbox, my reflections and their state.
import { Live, baseReduce, boot, currentPhase, fill, h, newId, phaseAllows, statusBadge, upsert } from "./live.js";
import { timerView } from "./timer.js";
import { reflectionCard } from "./cards.js";
import * as clustering from "./features/clustering.js";
import * as voting from "./features/voting.js";
import * as fishbowl from "./features/fishbowl.js";
import * as commitments from "./features/commitments.js";
import { personalDataGuard } from "./features/pii-warning.js";
import * as houserules from "./features/houserules.js";
import * as journey from "./features/journey.js";
import * as door from "./features/door.js";

// Features add their own part of the phone screen: each may export reduce(state, event) and render(state, ctx).
const FEATURES = [
  clustering,
  voting,
  fishbowl,
  commitments,
  houserules,
  journey,
  door,
];

const settings = boot();
const t = settings.t;
const $ = (id) => document.getElementById(id);
const OUTBOX_KEY = `outbox:${settings.code}`;

// Reflections written but not yet confirmed by the server survive a reload or a dead battery.
let outbox = loadOutbox();
const mine = new Set(); // client ids of my confirmed reflections
let flushing = false;
let lastSent = null; // the reflection sent last from this screen: its state shows right under the send button
// Correcting or taking back one's own reflection: the one whose text is in the box ({id, kind, client_id, text}
// of the attempt on its way, so a resend after a timeout is the same command; original: the words it had when
// the change began; draft: what was in the box before, put back afterwards; blocked: why the change cannot be
// saved now), and the one whose withdrawal waits for a yes.
let editing = null;
let confirming = null;
const withdrawals = new Map(); // reflection id -> client id of its withdrawal, the same on a second tap

function loadOutbox() {
  try {
    const items = JSON.parse(localStorage.getItem(OUTBOX_KEY) || "[]");
    return Array.isArray(items) ? items.map((item) => ({ ...item, state: item.state === "refused" ? "refused" : "waiting" })) : [];
  } catch {
    return [];
  }
}

function saveOutbox() {
  if (outbox.length) localStorage.setItem(OUTBOX_KEY, JSON.stringify(outbox));
  else localStorage.removeItem(OUTBOX_KEY);
}

function reduce(state, event) {
  state = FEATURES.reduce((s, f) => (f.reduce ? f.reduce(s, event) : s), baseReduce(state, event));
  if (event.name === "reflection.hide") state.reflections = state.reflections.filter((r) => r.id !== event.data.id);
  if (event.name === "reflection.hide" || event.name === "reflection.withdraw") forget(event.data.id);
  return state;
}

function render(state) {
  const phase = currentPhase(state);
  for (const r of state.reflections) if (r.mine) mine.add(r.client_id);
  const lobby = $("lobby");
  lobby.hidden = state.status === "live";
  lobby.textContent = state.status === "closed" ? t.closed : t.lobby;
  $("phase").hidden = state.status !== "live";
  const casePanel = $("case-panel");
  if (casePanel) casePanel.hidden = !(state.status === "live" && phase && phase.actions.includes("read"));
  if (phase) {
    $("phase-title").textContent = phase.title;
    $("prompt").textContent = phase.prompts.mine || "";
  }
  // nothing is written before the house rules are accepted (the server refuses it too)
  const canWrite = phaseAllows(state, "write") && houserules.accepted(state);
  const form = $("write");
  // a change being typed stays on screen when it can no longer be saved, with the reason, until cancelled
  form.hidden = !canWrite && !editing;
  if (editing) blockEdit(editBlocker(state, canWrite));
  if (canWrite) renderKinds(phase);
  const text = $("text");
  text.maxLength = state.max_length;
  updateCounter();
  renderMine(state);
  const others = state.reflections.filter((r) => !mine.has(r.client_id) && !r.hidden);
  $("others-section").hidden = !state.format.share_reflections || !others.length;
  $("others").replaceChildren(...others.slice().reverse().map((r) => reflectionCard(r, settings)));
  for (const feature of FEATURES) if (feature.render) feature.render(state, ctx);
  tick();
}

function renderKinds(phase) {
  const box = $("kinds");
  if (box.dataset.phase === phase.key) return;
  box.dataset.phase = phase.key;
  const legend = box.querySelector("legend");
  // nothing is preselected when the phase offers several kinds (unless the format names a default), so a
  // bottleneck is not logged as a success because the first button happened to be on
  const chosen = phase.default_kind || (phase.kinds.length === 1 ? phase.kinds[0] : null);
  box.replaceChildren(legend, ...phase.kinds.map((kind) => h("label", {},
    h("input", { type: "radio", name: "kind", value: kind, checked: kind === chosen, onchange: sendLabel }),
    settings.kinds[kind])));
  sendLabel();
}

// The button says what is sent ("Knelpunt versturen"), and cannot be pressed before a kind is chosen.
function sendLabel() {
  if (editing) return;
  const kind = document.querySelector("input[name=kind]:checked");
  const button = $("send-reflection");
  button.disabled = !kind;
  button.textContent = kind ? fill(t.send_kind, { kind: kindLabel(kind.value) }) : t.choose_kind;
}

function kindLabel(kind) {
  return settings.kinds[kind] || kind;
}

function stateLabel(state) {
  return { waiting: t.waiting, sending: t.sent, confirmed: t.confirmed, refused: t.refused }[state];
}

function renderMine(state) {
  // mine may be changed while the phase takes reflections and nobody has built on it (the server decides:
  // participation._own_loose_reflection); elsewhere the list only shows them
  const canChange = phaseAllows(state, "write") && houserules.accepted(state);
  const confirmed = state.reflections.filter((r) => mine.has(r.client_id) && !r.hidden)
    .map((r) => ({ reflection: r, state: "confirmed" }));
  const pending = outbox.map((item) => ({
    reflection: { id: item.client_id, kind: item.kind, text: item.text, level: null, room_only: item.room_only },
    state: item.state, item,
  }));
  const cards = [...pending, ...confirmed.reverse()].map(({ reflection, state: s, item }) => reflectionCard(reflection, settings, [
    h("p", { class: "state", "data-state": s, text: stateLabel(s) + (item && item.message ? `: ${item.message}` : "") }),
    s === "refused" ? h("button", { type: "button", onclick: () => dismiss(item.client_id) }, "OK") : null,
    s === "confirmed" && canChange ? ownActions(reflection) : null,
  ]));
  const list = $("mine");
  const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.dataset.key : null;
  list.replaceChildren(...cards);
  // a render while someone is about to tap keeps their place (keyboard and screen reader users too)
  if (focused) list.querySelector(`[data-key="${focused}"]`)?.focus();
  renderSentStatus();
}

// "Change" and "Withdraw" under one's own card; withdrawing asks first, in the card itself.
function ownActions(r) {
  if (r.cluster_id !== null && r.cluster_id !== undefined) return h("p", { class: "hint", text: t.in_cluster });
  if (confirming === r.id) {
    return h("div", { class: "own-actions confirm", role: "group", "aria-label": t.withdraw_question },
      h("p", { text: t.withdraw_question }),
      h("button", { type: "button", class: "danger", "data-key": `yes:${r.id}`, onclick: () => withdraw(r) }, t.withdraw_yes),
      h("button", { type: "button", "data-key": `no:${r.id}`, onclick: () => askWithdraw(null) }, t.withdraw_no));
  }
  const label = (what) => `${what}: ${r.text.length > 40 ? `${r.text.slice(0, 40)}…` : r.text}`;
  return h("div", { class: "own-actions" },
    h("button", { type: "button", "data-key": `edit:${r.id}`, "aria-label": label(t.change), onclick: () => startEdit(r) }, t.change),
    h("button", { type: "button", class: "danger", "data-key": `withdraw:${r.id}`, "aria-label": label(t.withdraw),
      onclick: () => askWithdraw(r.id) }, t.withdraw));
}

function askWithdraw(id) {
  const back = confirming;
  confirming = id;
  renderMine(live.state);
  const key = id === null ? `withdraw:${back}` : `no:${id}`; // the safe answer has the focus
  $("mine").querySelector(`[data-key="${key}"]`)?.focus();
}

async function withdraw(r) {
  if (!withdrawals.has(r.id)) withdrawals.set(r.id, newId());
  const ack = await send("reflection.withdraw", { id: r.id }, withdrawals.get(r.id));
  confirming = null;
  if (ack && ack.ok) {
    live.state.reflections = live.state.reflections.filter((x) => x.id !== r.id);
    forget(r.id);
    if (editing && editing.id === r.id) stopEdit(); // taken back by its author: the change goes with it
    say(t.withdrawn);
  }
  render(live.state);
  $("mine-heading").focus();
}

// The text box takes the reflection; the kind stays as it is, the button says what it does now. What was typed
// in the box is kept and comes back once the change is saved or cancelled; a change already being typed is
// not thrown away for another.
function startEdit(r) {
  const text = $("text");
  if (editing && editing.id !== r.id && text.value !== editing.original) {
    $("sent-status").dataset.state = "";
    $("sent-status").textContent = t.finish_edit;
    text.focus();
    return;
  }
  confirming = null;
  const draft = editing ? editing.draft : text.value;
  editing = { id: r.id, kind: r.kind, client_id: null, text: null, original: r.text, draft, blocked: null };
  lastSent = null; // the line under the button is about this change from now on
  $("sent-status").textContent = "";
  text.value = r.text;
  privacy.clear();
  renderEditing();
  updateCounter();
  text.scrollIntoView({ block: "center" });
  text.focus();
}

function stopEdit() {
  $("text").value = editing ? editing.draft : "";
  editing = null;
  privacy.clear();
  renderEditing();
  updateCounter();
}

// a reflection that left (withdrawn, or hidden by the facilitator) is no longer waiting for a yes; a change
// being typed to it stays in the box, and render() says why it cannot be saved
function forget(id) {
  if (confirming === id) confirming = null;
}

// Why the change in the box cannot be saved now (null: it can): the card went into a cluster, left the
// screens, or the phase takes no reflections (perhaps only for now: it can be saved once writing is back).
function editBlocker(state, canWrite) {
  const r = state.reflections.find((x) => x.id === editing.id && !x.hidden);
  if (!r) return t.edit_gone;
  if (r.cluster_id !== null && r.cluster_id !== undefined) return t.edit_in_cluster;
  return canWrite ? null : t.edit_phase;
}

function blockEdit(reason) {
  if (editing.blocked === reason) return;
  editing = { ...editing, blocked: reason };
  renderEditing();
}

function renderEditing() {
  const form = $("write");
  form.dataset.editing = editing ? "true" : "false";
  $("kinds").hidden = Boolean(editing);
  $("edit-notice").hidden = !editing;
  $("cancel-edit").hidden = !editing;
  // "show my name" and "only for the room" are chosen when sending; a correction changes the words only
  for (const check of form.querySelectorAll("label.check")) check.hidden = Boolean(editing);
  if (editing) {
    const notice = $("edit-notice");
    notice.textContent = editing.blocked || fill(t.editing, { kind: kindLabel(editing.kind) });
    notice.classList.toggle("warning", Boolean(editing.blocked));
    const button = $("send-reflection");
    button.disabled = Boolean(editing.blocked);
    button.textContent = t.save_change;
  } else {
    sendLabel();
  }
}

async function saveEdit(value) {
  // a resend of the same text after a timeout is the same command; a new text is a new one
  if (!editing.client_id || editing.text !== value) editing = { ...editing, client_id: newId(), text: value };
  const ack = await send("reflection.edit_own", { id: editing.id, text: value }, editing.client_id);
  if (!ack || !(ack.ok || ack.error === "no_change")) return; // offline or refused: the text stays in the box
  if (ack.ok) upsert(live.state.reflections, ack.data);
  stopEdit();
  say(t.changed);
  render(live.state);
  $("text").focus();
}

function say(message) {
  const box = $("sent-status");
  box.dataset.state = "confirmed";
  box.textContent = message;
  lastSent = null;
}

// The confirmation sits under the button, inside the first screen, so nobody has to scroll to see it arrived.
function renderSentStatus() {
  const box = $("sent-status");
  if (!lastSent) return;
  const item = outbox.find((x) => x.client_id === lastSent.client_id);
  const s = item ? item.state : mine.has(lastSent.client_id) ? "confirmed" : null;
  box.dataset.state = s || "";
  box.textContent = s ? `${kindLabel(lastSent.kind)}: ${stateLabel(s)}` : "";
}

function dismiss(clientId) {
  outbox = outbox.filter((item) => item.client_id !== clientId);
  saveOutbox();
  render(live.state);
}

function updateCounter() {
  const text = $("text");
  const left = (live.state ? live.state.max_length : 500) - text.value.length;
  $("counter").textContent = fill(t.chars_left, { n: left });
}

function tick() {
  const state = live.state;
  if (!state) return;
  timerView($("timer"), state, live.now(), t);
}

// Send what waits, one at a time and in order; a timeout leaves it waiting for the next try.
async function flush() {
  if (flushing || !live.socket.connected || !live.state) return;
  flushing = true;
  try {
    for (const item of outbox.filter((x) => x.state === "waiting")) {
      item.state = "sending";
      renderMine(live.state);
      let ack;
      try {
        ack = await live.command("reflection.post", {
          kind: item.kind, text: item.text, show_name: item.show_name, room_only: Boolean(item.room_only),
          moment_id: item.moment_id || null,
        }, item.client_id);
      } catch {
        item.state = "waiting";
        break;
      }
      if (ack.error === "rate_limited") {
        item.state = "waiting"; // too many at once: the next flush sends it
        break;
      }
      if (ack.error === "withdrawn") {
        // it did arrive (the answer was lost), and was taken back since: nothing left to send or show
        outbox = outbox.filter((x) => x.client_id !== item.client_id);
        saveOutbox();
        continue;
      }
      if (ack.ok) {
        mine.add(item.client_id);
        live.state.reflections = live.state.reflections.filter((r) => r.client_id !== item.client_id);
        live.state.reflections.push({ ...ack.data, mine: true });
        outbox = outbox.filter((x) => x.client_id !== item.client_id);
      } else {
        item.state = "refused";
        item.message = ack.message;
      }
      saveOutbox();
    }
  } finally {
    flushing = false;
    saveOutbox();
    if (live.state) render(live.state);
  }
}

const live = new Live(settings, {
  reduce,
  render: (state) => { render(state); flush(); },
  onStatus: statusBadge($("live-status"), t),
});
setInterval(tick, 250);
setInterval(flush, 3000);

// Commands other than reflections (votes, chair requests ...) are sent directly and answered at once.
async function send(name, args = {}, clientId = null) {
  try {
    const ack = await live.command(name, args, clientId);
    const box = $("error");
    box.hidden = ack.ok;
    if (!ack.ok) box.textContent = ack.message;
    return ack;
  } catch {
    const box = $("error");
    box.hidden = false;
    box.textContent = t.offline;
    return null;
  }
}
const ctx = { live, settings, send, audience: "participant" };
const privacy = personalDataGuard($("pii-warning"), settings);
for (const feature of FEATURES) if (feature.setup) feature.setup(ctx);

$("text").addEventListener("input", updateCounter);
$("write").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text");
  const value = text.value.trim();
  const kind = editing ? { value: editing.kind } : document.querySelector("input[name=kind]:checked");
  if (!value || !kind) {
    text.focus();
    return;
  }
  if (privacy.hold(value)) {
    text.focus();
    return;
  }
  if (editing) {
    if (!editing.blocked) saveEdit(value);
    return;
  }
  const showName = $("show-name");
  const roomOnly = $("room-only");
  lastSent = { client_id: newId(), kind: kind.value };
  outbox.push({
    client_id: lastSent.client_id, kind: kind.value, text: value, show_name: Boolean(showName && showName.checked),
    room_only: roomOnly.checked, moment_id: Number($("moment").value) || null, state: "waiting",
  });
  roomOnly.checked = false;
  saveOutbox();
  text.value = "";
  updateCounter();
  render(live.state);
  // ready for the next one: the box is empty and keeps the focus, the confirmation shows under the button
  text.focus();
  flush();
});
$("cancel-edit").addEventListener("click", () => {
  const id = editing && editing.id;
  stopEdit();
  render(live.state); // the box goes when the phase takes no reflections
  $("mine").querySelector(`[data-key="edit:${id}"]`)?.focus();
});
