// Bottleneck clusters: the console's board (drag and drop, or "Move to…" per card with the keyboard),
// suggestions from the server, and the clusters on the projector, which also chooses its view here.
import { currentPhase, fill, h, upsert } from "../live.js";
import { personalDataFlag, reflectionCard } from "../cards.js";
import { Drafts, LEVEL_ORDER, clusterTitle, dotsLabel, latestRound, openRound, plural, publicTotals, rebuild, votesOf } from "./board.js";

const $ = (id) => document.getElementById(id);
const drafts = new Drafts();
let suggestions = null; // null: not asked yet; otherwise what the server proposed, minus what was handled
let suggestionCount = 0;
let granularity = 0; // "fewer / more groups": steps the server turns into fewer or more suggestions
const GRANULARITY_STEPS = 3;
let dragged = null; // id of the reflection being dragged
let deferred = false; // an update arrived mid-drag; rebuilding then would cancel the drag

function place(state, ids, clusterId) {
  const moving = new Set(ids || []);
  for (const r of state.reflections) {
    if (moving.has(r.id)) {
      r.cluster_id = clusterId;
      drafts.forget(`move-sel-${r.id}`);
    }
  }
}

export function reduce(state, event) {
  const data = event.data || {};
  state.clusters = state.clusters || [];
  switch (event.name) {
    case "cluster.create":
    case "cluster.split":
      upsert(state.clusters, data.cluster);
      place(state, data.moved, data.cluster.id);
      break;
    case "cluster.edit":
    case "cluster.set_level":
    case "cluster.set_tags":
      upsert(state.clusters, data.cluster);
      break;
    case "cluster.merge":
      upsert(state.clusters, data.cluster);
      state.clusters = state.clusters.filter((c) => !data.removed.includes(c.id));
      place(state, data.moved, data.cluster.id);
      break;
    case "cluster.delete":
      state.clusters = state.clusters.filter((c) => c.id !== data.id);
      place(state, data.released, null);
      break;
    case "reflection.move":
      place(state, [data.id], data.cluster_id);
      break;
    case "projector.show":
      state.projector_view = data.view;
      break;
    case "phase.goto":
    case "session.start":
      // a new phase returns the projector to its automatic view
      if ("projector_view" in data) state.projector_view = data.projector_view;
      break;
    default:
      return state;
  }
  state.clusters.sort((a, b) => a.position - b.position || a.id - b.id);
  return state;
}

// What the room sees: the facilitator's choice; else the vote while a round is open or, in a voting phase,
// its final ranking; else the clusters once there are any; else the wall. In a fishbowl phase: the circle.
export function projectorView(state) {
  if (state.projector_view) return state.projector_view;
  const phase = currentPhase(state);
  if (phase && phase.projector) return phase.projector;
  if (state.fishbowl && phase && phase.actions.includes("fishbowl")) return "fishbowl";
  if (openRound(state) || (latestRound(state) && phase && phase.actions.includes("vote"))) return "votes";
  return (state.clusters || []).length ? "clusters" : "wall";
}

export function render(state, ctx) {
  if (ctx.audience === "console") renderConsole(state, ctx);
  else if (ctx.audience === "projector") renderProjector(state, ctx);
}

// --- console ---------------------------------------------------------------------------------------

function say(text) {
  $("board-status").textContent = text;
}

async function move(reflectionId, clusterId, ctx) {
  const ack = await ctx.send("reflection.move", { id: reflectionId, cluster_id: clusterId });
  if (ack && ack.ok) {
    const b = ctx.settings.board;
    say(clusterId === null ? b.moved_out : fill(b.moved_to, { title: clusterTitle(ctx.live.state, clusterId) }));
  }
}

function dropZone(el, clusterId, ctx) {
  el.addEventListener("dragover", (event) => {
    if (dragged === null) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    el.classList.add("drop-target");
  });
  el.addEventListener("dragleave", (event) => {
    if (!el.contains(event.relatedTarget)) el.classList.remove("drop-target");
  });
  el.addEventListener("drop", (event) => {
    event.preventDefault();
    el.classList.remove("drop-target");
    const id = dragged;
    dragged = null;
    if (id !== null) move(id, clusterId, ctx);
  });
  return el;
}

function card(r, state, ctx) {
  const b = ctx.settings.board;
  const selectId = `move-${r.id}`;
  const options = [["", b.not_clustered], ...state.clusters.map((c) => [String(c.id), c.title])];
  const li = reflectionCard(r, ctx.settings, [
    h("div", { class: "move-to" },
      h("label", { for: selectId }, b.move_to, h("span", { class: "visually-hidden", text: ` ${r.text.slice(0, 40)}` })),
      drafts.select(`move-sel-${r.id}`, { id: selectId }, options, r.cluster_id === null ? "" : String(r.cluster_id)),
      h("button", {
        type: "button", "data-key": `move-btn-${r.id}`,
        onclick: () => {
          const value = $(selectId).value;
          move(r.id, value === "" ? null : Number(value), ctx);
        },
      }, b.move, h("span", { class: "visually-hidden", text: `: ${r.text.slice(0, 40)}` }))),
  ]);
  li.draggable = true;
  li.addEventListener("dragstart", (event) => {
    dragged = r.id;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", r.text);
    li.classList.add("dragging");
  });
  li.addEventListener("dragend", () => {
    dragged = null;
    li.classList.remove("dragging");
    if (deferred) {
      deferred = false;
      renderConsole(ctx.live.state, ctx);
    }
  });
  return li;
}

async function saveCluster(cluster, ctx) {
  const k = (name) => `c${cluster.id}-${name}`;
  const title = $(k("title")).value.trim();
  const description = $(k("description")).value.trim();
  const level = $(k("level")).value || null;
  const tags = ctx.settings.tags.map(([tag]) => tag).filter((tag) => $(k(`tag-${tag}`)).checked);
  const sent = [];
  if (title !== cluster.title || description !== cluster.description) {
    sent.push(ctx.send("cluster.edit", { id: cluster.id, title, description }));
  }
  if (level !== cluster.level) sent.push(ctx.send("cluster.set_level", { id: cluster.id, level }));
  if (tags.join() !== cluster.tags.join()) sent.push(ctx.send("cluster.set_tags", { id: cluster.id, tags }));
  const acks = await Promise.all(sent);
  if (acks.every((ack) => ack && ack.ok)) {
    drafts.forget(k("title"), k("description"), k("level"), ...ctx.settings.tags.map(([t]) => k(`tag-${t}`)));
    renderConsole(ctx.live.state, ctx);
  }
}

function tools(cluster, cards, state, ctx) {
  const b = ctx.settings.board;
  const s = ctx.settings;
  const k = (name) => `c${cluster.id}-${name}`;
  const levels = [["", b.level_open], ...LEVEL_ORDER.map((level) => [level, s.levels[level]])];
  const edit = h("form", { class: "cluster-edit", onsubmit: (event) => { event.preventDefault(); saveCluster(cluster, ctx); } },
    h("label", { for: k("title") }, b.title),
    drafts.input(k("title"), { id: k("title"), type: "text", maxlength: 120, required: true }, cluster.title),
    h("label", { for: k("description") }, b.description),
    drafts.textarea(k("description"), { id: k("description"), rows: 2, maxlength: 500 }, cluster.description),
    h("label", { for: k("level") }, b.level),
    drafts.select(k("level"), { id: k("level") }, levels, cluster.level || ""),
    h("fieldset", { class: "tags" }, h("legend", { text: b.domains }),
      s.tags.map(([tag, label]) => h("label", { class: "check" },
        drafts.checkbox(k(`tag-${tag}`), { id: k(`tag-${tag}`), value: tag }, cluster.tags.includes(tag)), label))),
    h("button", { class: "primary", "data-key": k("save") }, b.save));

  const others = state.clusters.filter((c) => c.id !== cluster.id);
  const merge = others.length ? h("div", { class: "cluster-merge" },
    h("label", { for: k("merge") }, b.merge_into),
    drafts.select(k("merge"), { id: k("merge") }, others.map((c) => [String(c.id), c.title]), String(others[0].id)),
    h("button", {
      type: "button", "data-key": k("merge-btn"),
      onclick: async () => {
        const into = Number($(k("merge")).value);
        const ack = await ctx.send("cluster.merge", { into, ids: [cluster.id] });
        if (ack && ack.ok) say(fill(b.moved_to, { title: clusterTitle(ctx.live.state, into) }));
      },
    }, b.merge)) : null;

  const split = cards.length > 1 ? h("form", {
    class: "cluster-split",
    onsubmit: async (event) => {
      event.preventDefault();
      const ids = cards.filter((r) => $(k(`split-${r.id}`)).checked).map((r) => r.id);
      const title = $(k("split-title")).value.trim();
      const ack = await ctx.send("cluster.split", { id: cluster.id, reflection_ids: ids, title });
      if (ack && ack.ok) {
        drafts.forget(k("split-title"), ...cards.map((r) => k(`split-${r.id}`)));
        renderConsole(ctx.live.state, ctx);
      }
    },
  },
  h("fieldset", {}, h("legend", { text: b.split_legend }),
    cards.map((r) => h("label", { class: "check" },
      drafts.checkbox(k(`split-${r.id}`), { id: k(`split-${r.id}`) }, false), r.text))),
  h("label", { for: k("split-title") }, b.split_title),
  drafts.input(k("split-title"), { id: k("split-title"), type: "text", maxlength: 120 }, ""),
  h("button", { "data-key": k("split-btn") }, b.split)) : null;

  const remove = h("button", {
    type: "button", class: "danger", "data-key": k("delete"),
    onclick: async () => {
      const ack = await ctx.send("cluster.delete", { id: cluster.id });
      if (ack && ack.ok) $("cluster-new-title").focus();
    },
  }, b.delete_cluster, h("span", { class: "visually-hidden", text: `: ${cluster.title}` }));

  return h("details", { class: "cluster-tools", "data-key": k("tools") },
    h("summary", { "data-key": k("summary") }, b.edit_cluster,
      h("span", { class: "visually-hidden", text: `: ${cluster.title}` })),
    edit, merge, split, remove);
}

function clusterMeta(cluster, count, totals, ctx, withVotes) {
  const b = ctx.settings.board;
  const parts = [cluster.level ? ctx.settings.levels[cluster.level] : b.level_open,
    ...cluster.tags.map((tag) => new Map(ctx.settings.tags).get(tag)), plural(count, b.one_reflection, b.n_reflections)];
  if (withVotes) parts.push(dotsLabel(votesOf(totals, cluster.id), b));
  return parts.join(" · ");
}

function renderConsole(state, ctx) {
  const view = state.projector_view || "auto";
  for (const button of document.querySelectorAll(".view-choice")) {
    button.setAttribute("aria-pressed", String(button.dataset.view === view));
  }
  const live = state.status === "live";
  for (const el of [$("cluster-new").querySelector("button.primary"), $("suggest-clusters")]) el.disabled = !live;
  rebuild($("suggestions"), suggestionNodes(state, ctx));
  if (dragged !== null) {
    deferred = true;
    return;
  }
  const b = ctx.settings.board;
  const visible = state.reflections.filter((r) => !r.hidden);
  const totals = publicTotals(state);
  const loose = visible.filter((r) => r.cluster_id === null);
  const columns = [dropZone(h("section", { class: "column unclustered", "aria-labelledby": "column-loose-title" },
    h("h3", { id: "column-loose-title", text: b.not_clustered }),
    h("p", { class: "meta", text: plural(loose.length, b.one_reflection, b.n_reflections) }),
    h("ul", { class: "cards" }, loose.map((r) => card(r, state, ctx)))), null, ctx)];
  for (const cluster of state.clusters) {
    const cards = visible.filter((r) => r.cluster_id === cluster.id);
    columns.push(dropZone(h("section", {
      class: "column", "data-cluster-id": cluster.id, "aria-labelledby": `cluster-${cluster.id}-title`,
    },
    h("h3", { id: `cluster-${cluster.id}-title`, text: cluster.title }),
    // flagged: rename it with the tools below before it goes to the projector (the server asks first)
    personalDataFlag(cluster, ctx.settings),
    h("p", { class: "meta", text: clusterMeta(cluster, cards.length, totals, ctx, true) }),
    cluster.description ? h("p", { class: "description", text: cluster.description }) : null,
    h("ul", { class: "cards" }, cards.map((r) => card(r, state, ctx))),
    tools(cluster, cards, state, ctx)), cluster.id, ctx));
  }
  rebuild($("cluster-board"), columns);
}

// --- suggestions -------------------------------------------------------------------------------------

async function suggest(ctx) {
  const button = $("suggest-clusters");
  const box = $("error");
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  say(ctx.settings.board.loading);
  try {
    const response = await fetch(`/sessions/${ctx.live.state.session.id}/clusters/suggestions?granularity=${granularity}`,
      { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    const body = await response.json();
    suggestions = body.suggestions.map((s) => ({ ...s, key: `sg${(suggestionCount += 1)}` }));
    say("");
  } catch {
    box.textContent = ctx.settings.t.offline;
    box.hidden = false;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    renderConsole(ctx.live.state, ctx);
  }
}

function pending(state) {
  const loose = new Map(state.reflections.filter((r) => !r.hidden && r.cluster_id === null).map((r) => [r.id, r]));
  // what was clustered meanwhile drops out of a suggestion; an emptied suggestion goes
  return (suggestions || []).map((s) => ({ ...s, ids: s.reflection_ids.filter((id) => loose.has(id)), loose }))
    .filter((s) => s.ids.length);
}

function handled(key, ctx) {
  const left = pending(ctx.live.state);
  const index = left.findIndex((s) => s.key === key);
  suggestions = suggestions.filter((s) => s.key !== key);
  if (!suggestions.length) suggestions = null;
  drafts.forget(`${key}-title`);
  renderConsole(ctx.live.state, ctx);
  // keep the keyboard where the work is: the next suggestion, or the button that asks for more
  const next = left[index + 1] || left[index - 1];
  (next ? $(`${next.key}-title`) : $("suggest-clusters")).focus();
}

function suggestionNodes(state, ctx) {
  if (suggestions === null) return [];
  const b = ctx.settings.board;
  const left = pending(state);
  // "none found" only when the server found none; once all are handled the list simply goes
  if (!suggestions.length) return [h("p", { class: "hint", text: b.no_suggestions })];
  if (!left.length) return [];
  const regroup = (step) => {
    granularity = Math.max(-GRANULARITY_STEPS, Math.min(GRANULARITY_STEPS, granularity + step));
    suggest(ctx);
  };
  const controls = h("div", { class: "toolbar suggestion-granularity" },
    h("button", { type: "button", id: "suggest-fewer", disabled: granularity <= -GRANULARITY_STEPS ? "" : null,
      onclick: () => regroup(-1) }, b.fewer_groups),
    h("button", { type: "button", id: "suggest-more", disabled: granularity >= GRANULARITY_STEPS ? "" : null,
      onclick: () => regroup(1) }, b.more_groups));
  return [h("h3", { text: b.suggestions }), controls, h("ul", { class: "suggestion-list" }, left.map((s) => h("li", { class: "suggestion" },
    h("label", { for: `${s.key}-title` }, b.suggestion_title),
    drafts.input(`${s.key}-title`, { id: `${s.key}-title`, type: "text", maxlength: 120 }, s.title),
    s.recurring ? h("p", { class: "recurring", text: fill(b.recurring, { title: s.recurring, n: s.times }) }) : null,
    s.kind === "success" ? h("p", { class: "hint", text: b.kind_success }) : null,
    // why: the shared concepts, so the facilitator can accept or reject at a glance
    (s.why && s.why.length) ? h("p", { class: "hint suggestion-why", text: `${b.why}: ${s.why.join(", ")}` })
      : s.keywords.length ? h("p", { class: "hint", text: `${b.keywords}: ${s.keywords.join(", ")}` }) : null,
    h("ul", { class: "suggestion-items" }, s.ids.map((id) => h("li", { text: s.loose.get(id).text }))),
    h("div", { class: "toolbar" },
      h("button", {
        type: "button", class: "primary", "data-key": `${s.key}-accept`,
        onclick: async () => {
          const title = $(`${s.key}-title`).value.trim();
          const ack = await ctx.send("cluster.create", { title, reflection_ids: s.ids });
          if (ack && ack.ok) {
            say(fill(b.moved_to, { title }));
            handled(s.key, ctx);
          }
        },
      }, b.accept, h("span", { class: "visually-hidden", text: `: ${s.title}` })),
      h("button", { type: "button", "data-key": `${s.key}-dismiss`, onclick: () => handled(s.key, ctx) },
        b.dismiss, h("span", { class: "visually-hidden", text: `: ${s.title}` }))))))];
}

// --- projector -----------------------------------------------------------------------------------------

function renderProjector(state, ctx) {
  const view = projectorView(state);
  $("board-view").hidden = view !== "clusters";
  $("levels-view").hidden = view !== "levels";
  $("votes-view").hidden = view !== "votes";
  $("wall").hidden = view !== "wall";
  if (view !== "wall") $("wall-empty").hidden = true;
  if (view !== "clusters") return;
  const b = ctx.settings.board;
  const visible = state.reflections.filter((r) => !r.hidden);
  const totals = publicTotals(state);
  const columns = state.clusters.map((cluster) => {
    const cards = visible.filter((r) => r.cluster_id === cluster.id);
    // the heading block is one piece for the projector's pager, shown again where a page starts mid-cluster
    return h("section", { class: "column", "data-cluster-id": cluster.id, "aria-labelledby": `p-cluster-${cluster.id}` },
      h("div", { class: "column-head" },
        h("h3", { id: `p-cluster-${cluster.id}`, text: cluster.title }),
        h("p", { class: "meta", text: clusterMeta(cluster, cards.length, totals, ctx, Object.keys(totals).length > 0) }),
        cluster.description ? h("p", { class: "description", text: cluster.description }) : null),
      h("ul", { class: "cards" }, cards.map((r) => reflectionCard(r, ctx.settings))));
  });
  const loose = visible.filter((r) => r.cluster_id === null);
  if (loose.length) {
    columns.push(h("section", { class: "column unclustered", "aria-labelledby": "p-cluster-loose" },
      h("div", { class: "column-head" }, h("h3", { id: "p-cluster-loose", text: b.not_clustered_yet })),
      h("ul", { class: "cards" }, loose.map((r) => reflectionCard(r, ctx.settings)))));
  }
  if (!columns.length) columns.push(h("p", { class: "prompt", text: b.no_clusters }));
  $("projector-board").replaceChildren(...columns);
}

export function setup(ctx) {
  if (ctx.audience !== "console") return;
  for (const button of document.querySelectorAll(".view-choice")) {
    button.addEventListener("click", () => ctx.send("projector.show", { view: button.dataset.view }));
  }
  $("cluster-new").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("cluster-new-title");
    const ack = await ctx.send("cluster.create", { title: input.value });
    if (ack && ack.ok) input.value = "";
  });
  $("suggest-clusters").addEventListener("click", () => suggest(ctx));
}
