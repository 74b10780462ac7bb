// What the clustering, voting and level-map features share: vote arithmetic as the room may see it,
// plural labels, and rebuilding a part of the screen without losing focus, open panels or typed text.
import { fill, h } from "../live.js";

export const LEVEL_ORDER = ["execution", "management", "policy", "governance"];

export function plural(n, one, many) {
  return n === 1 ? one : fill(many, { n });
}

export function dotsLabel(n, words) {
  return n ? plural(n, words.one_dot, words.n_dots) : words.no_dots;
}

export function isParticipant(state) {
  return Boolean(state.me);
}

export function rounds(state) {
  return (state.voting && state.voting.rounds) || [];
}

export function latestRound(state) {
  const all = rounds(state);
  return all.length ? all[all.length - 1] : null;
}

export function openRound(state) {
  const round = latestRound(state);
  return round && round.status === "open" ? round : null;
}

// Whether the room may see a round's totals: the server decides (voting.is_public) and says so in every round.
export function isPublic(round) {
  return Boolean(round.public);
}

// What the level map weighs by: the last round whose results the room has seen.
export function publicTotals(state) {
  const all = rounds(state);
  for (let i = all.length - 1; i >= 0; i -= 1) {
    if (isPublic(all[i]) && all[i].totals) return all[i].totals;
  }
  return {};
}

export function votesOf(totals, clusterId) {
  return (totals && totals[String(clusterId)]) || 0;
}

export function clusterTitle(state, clusterId) {
  const found = (state.clusters || []).find((c) => c.id === clusterId);
  return found ? found.title : "";
}

// Text typed or chosen but not yet sent survives the rebuilds every live event causes.
export class Drafts {
  constructor() {
    this.values = new Map();
  }

  value(key, fallback) {
    return this.values.has(key) ? this.values.get(key) : fallback;
  }

  forget(...keys) {
    for (const key of keys) this.values.delete(key);
  }

  input(key, attrs, fallback) {
    const el = h("input", { ...attrs, "data-key": key, oninput: (e) => this.values.set(key, e.target.value) });
    el.value = this.value(key, fallback);
    return el;
  }

  textarea(key, attrs, fallback) {
    const el = h("textarea", { ...attrs, "data-key": key, oninput: (e) => this.values.set(key, e.target.value) });
    el.value = this.value(key, fallback);
    return el;
  }

  select(key, attrs, options, fallback) {
    const el = h("select", { ...attrs, "data-key": key, onchange: (e) => this.values.set(key, e.target.value) },
      options.map(([value, label]) => h("option", { value, text: label })));
    el.value = this.value(key, fallback);
    return el;
  }

  checkbox(key, attrs, fallback) {
    const el = h("input", { ...attrs, type: "checkbox", "data-key": key,
      onchange: (e) => this.values.set(key, e.target.checked) });
    el.checked = this.value(key, fallback);
    return el;
  }
}

// Replace a container's children; the element that had focus (matched by data-key) gets it back,
// and <details data-key> panels that were open stay open.
export function rebuild(container, children) {
  const active = document.activeElement;
  const focusKey = active && active !== document.body && container.contains(active) ? active.dataset.key : null;
  const open = new Set(Array.from(container.querySelectorAll("details[open][data-key]"), (d) => d.dataset.key));
  container.replaceChildren(...children.filter((child) => child !== null && child !== undefined && child !== false));
  for (const panel of container.querySelectorAll("details[data-key]")) {
    if (open.has(panel.dataset.key)) panel.open = true;
  }
  if (focusKey) {
    const again = Array.from(container.querySelectorAll("[data-key]")).find((el) => el.dataset.key === focusKey);
    if (again && !again.disabled) again.focus();
  }
}

// Horizontal bars for vote totals: title, a bar scaled to the largest, and the number in words.
export function bars(clusters, totals, words, { ranked = false } = {}) {
  const rows = clusters.map((c) => ({ cluster: c, dots: votesOf(totals, c.id) }));
  if (ranked) rows.sort((a, b) => b.dots - a.dots || a.cluster.title.localeCompare(b.cluster.title));
  const most = Math.max(1, ...rows.map((r) => r.dots));
  return rows.map(({ cluster, dots }) => {
    const fill_ = h("span", { class: "bar-fill" });
    fill_.style.width = `${Math.round((dots / most) * 100)}%`; // CSSOM, allowed by the CSP
    return h("li", { class: "bar-row", "data-cluster-id": cluster.id, "data-dots": dots },
      h("span", { class: "bar-label", text: cluster.title }),
      h("span", { class: "bar", "aria-hidden": "true" }, fill_),
      h("span", { class: "bar-value", text: dotsLabel(dots, words) }));
  });
}
