// Counts per discipline on the console and projector. The server only ever sends groups of at least the
// threshold (smaller ones are "other"), so nothing here can single anyone out. Counts are fetched again,
// at most once a second, after events that change them.
import { fill, h } from "../live.js";

const $ = (id) => document.getElementById(id);
const CHANGES = new Set(["participant.join", "reflection.post", "reflection.hide", "reflection.unhide",
  "reflection.set_room_only", "reflection.withdraw"]);
let timer = null;
let lastCtx = null;

export function reduce(state, event) {
  if (CHANGES.has(event.name) && lastCtx) refresh(lastCtx);
  return state;
}

function refresh(ctx) {
  if (timer) return;
  timer = setTimeout(async () => {
    timer = null;
    const panel = $("disciplines");
    try {
      const response = await fetch(panel.dataset.url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      ctx.live.state.disciplines = await response.json();
      render(ctx.live.state, ctx);
    } catch {
      // offline: the next event or reconnect tries again
    }
  }, 1000);
}

export function render(state, ctx) {
  lastCtx = ctx;
  const panel = $("disciplines");
  if (!panel || !state.disciplines) return;
  const groups = state.disciplines.groups || [];
  panel.hidden = !groups.length;
  $("disciplines-note").textContent = fill(ctx.settings.method.discipline_note, { n: state.disciplines.min_group });
  $("disciplines-list").replaceChildren(...groups.map((g) => h("tr", {},
    h("th", { scope: "row", text: g.label }), h("td", { text: String(g.participants) }),
    h("td", { text: String(g.reflections) }))));
}
