// A reflection as a card, the same on every screen; extra controls come from the caller.
import { fill, h } from "./live.js";

export function reflectionCard(reflection, settings, extra = []) {
  const meta = h("span", { class: "meta" },
    h("strong", { text: settings.kinds[reflection.kind] || reflection.kind }),
    reflection.level ? h("span", { text: settings.levels[reflection.level] || reflection.level }) : null,
    reflection.author ? h("span", { text: reflection.author }) : null,
    reflection.by_facilitator ? h("span", { text: settings.t.by_facilitator }) : null,
    reflection.hidden ? h("span", { text: settings.t.hidden }) : null,
    reflection.room_only ? h("span", { class: "room-only", text: settings.method.room_only }) : null);
  return h("li", {
    class: "reflection", "data-kind": reflection.kind, "data-id": reflection.id,
    "data-hidden": reflection.hidden ? "true" : "false",
  }, meta, h("p", { text: reflection.text }), personalDataFlag(reflection, settings), ...extra);
}

// Staff and the author see which kinds of personal data the server detected; the text is not repeated. Cluster
// titles, commitments and moments carry the same flag (facilitation/live/flags.py).
export function personalDataFlag(item, settings) {
  const kinds = item.personal_data || [];
  if (!kinds.length || settings.audience === "projector") return null;
  const names = kinds.map((k) => settings.personal_data[k] || k).join(", ");
  return h("p", { class: "pii-flag", text: fill(settings.t.pii_flag, { kinds: names }) });
}
