// Silent writing without unmasking anyone: in a covered phase the projector's wall shows only how many
// reflections of each kind came in, until the facilitator reveals it from the console (`wall.reveal`).
// Revealed cards come grouped by kind and in a fixed shuffled order, so the newest card does not give its
// writer away.
import { currentPhase, fill } from "../live.js";

const $ = (id) => document.getElementById(id);

export function reduce(state, event) {
  if (event.name === "wall.reveal") {
    state.revealed = [...(state.revealed || []), event.data.phase];
  }
  return state;
}

export function isCovered(state) {
  const phase = currentPhase(state);
  return Boolean(state.status === "live" && phase && phase.covered && !(state.revealed || []).includes(phase.key));
}

// A fixed pseudo-random rank per card (the same on every render, so nothing reshuffles as cards arrive).
function rank(id) {
  let x = (Number(id) * 2654435761) % 4294967296;
  x ^= x >>> 15;
  return x;
}

// The wall's order: earlier phases as they came in; a revealed covered phase grouped by kind, shuffled.
export function wallOrder(reflections, state) {
  const phase = currentPhase(state);
  if (!phase || !phase.covered) return reflections;
  const kinds = phase.kinds || [];
  const theirs = reflections.filter((r) => r.phase === phase.key);
  const others = reflections.filter((r) => r.phase !== phase.key);
  theirs.sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || rank(a.id) - rank(b.id));
  return [...others, ...theirs];
}

// Counts per kind of the current phase's reflections, for the covered wall.
export function counts(state) {
  const phase = currentPhase(state);
  const kinds = phase ? phase.kinds || [] : [];
  const mine = state.reflections.filter((r) => !r.hidden && phase && r.phase === phase.key);
  return kinds.map((kind) => ({ kind, n: mine.filter((r) => r.kind === kind).length }));
}

export function render(state, ctx) {
  if (ctx.audience !== "console") return;
  const button = $("wall-reveal");
  if (!button) return;
  const covered = isCovered(state);
  button.hidden = !covered;
  if (covered) {
    const n = counts(state).reduce((sum, c) => sum + c.n, 0);
    button.textContent = fill(ctx.settings.t.reveal_wall, { n });
  }
}

export function setup(ctx) {
  if (ctx.audience !== "console" || !$("wall-reveal")) return;
  $("wall-reveal").addEventListener("click", () => ctx.send("wall.reveal", {}));
}
