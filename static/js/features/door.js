// The door: the facilitator closes the session to new phones, and removes a participant who disrupts. Their
// reflections stay, marked on the console as from a removed participant; their phone leaves the session.
// Markup in templates/facilitator/_door.html (its words are in its data- attributes).
import { fill, h } from "../live.js";

const $ = (id) => document.getElementById(id);

export function reduce(state, event) {
  const data = event.data || {};
  if (event.name === "session.close_door" || event.name === "session.open_door") {
    state.door = { ...(state.door || {}), open: data.open };
  } else if (event.name === "participant.remove") {
    state.participants = data.count;
    if (data.fishbowl) state.fishbowl = data.fishbowl;
    if (state.door) state.door.removed = (state.door.removed || 0) + 1;
    state.removed_reflections = [...(state.removed_reflections || []), ...(data.reflections || [])];
    if (state.me && state.me.id === data.participant_id) state.removed_me = true;
  }
  return state;
}

export function render(state, ctx) {
  if (ctx.audience === "participant") {
    // the server now answers this page with "you have been removed"
    if (state.removed_me) window.location.reload();
    return;
  }
  const box = $("door");
  if (!box || !state.door) return;
  const words = box.dataset;
  $("door-state").textContent = state.door.open ? words.openText : words.closedText;
  $("door-toggle").textContent = state.door.open ? words.closeLabel : words.openLabel;
  $("door-count").textContent = state.participants;
  $("door-removed").textContent = state.door.removed ? fill(words.removedText, { n: state.door.removed }) : "";
  const marked = new Set(state.removed_reflections || []);
  // whom one may remove: the writers of reflections, newest first (the console knows no one by name)
  const candidates = state.reflections.filter((r) => !r.by_facilitator && !marked.has(r.id)).slice(-50).reverse();
  const select = $("door-reflection");
  const chosen = select.value;
  select.replaceChildren(...candidates.map((r) => h("option", { value: String(r.id), text: r.text.slice(0, 60) })));
  if (candidates.some((r) => String(r.id) === chosen)) select.value = chosen;
  $("door-remove").disabled = !candidates.length || state.status === "closed";
  for (const id of marked) {
    const meta = document.querySelector(`#wall li[data-id="${id}"] .meta`);
    if (meta && !meta.querySelector(".removed-mark")) {
      meta.append(h("span", { class: "removed-mark", text: words.removedMark }));
    }
  }
}

export function setup(ctx) {
  if (ctx.audience !== "console" || !$("door")) return;
  $("door-toggle").addEventListener("click", () => {
    ctx.send(ctx.live.state.door.open ? "session.close_door" : "session.open_door");
  });
  $("door-remove-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = Number($("door-reflection").value);
    if (id && window.confirm($("door").dataset.confirm)) ctx.send("participant.remove", { reflection_id: id });
  });
}
