// The level map: four lanes (execution, management, policy, governance), clusters ordered and sized by the
// votes the room has seen. On the console a cluster changes lane by drag and drop or by keyboard.
import { h } from "../live.js";
import { Drafts, LEVEL_ORDER, dotsLabel, publicTotals, rebuild, votesOf } from "./board.js";

const $ = (id) => document.getElementById(id);
const drafts = new Drafts();
const OPEN = "open"; // the lane of clusters whose level is not decided yet
let dragged = null;
let deferred = false;

function byVotes(clusters, totals) {
  return clusters.slice().sort((a, b) => votesOf(totals, b.id) - votesOf(totals, a.id) || a.position - b.position || a.id - b.id);
}

function lanes(state) {
  const totals = publicTotals(state);
  const clusters = state.clusters || [];
  return [...LEVEL_ORDER, OPEN].map((level) => ({
    level,
    clusters: byVotes(clusters.filter((c) => (c.level || OPEN) === level), totals),
  }));
}

function laneTitle(level, ctx) {
  return level === OPEN ? ctx.settings.board.level_open : ctx.settings.levels[level];
}

async function setLevel(clusterId, level, ctx) {
  const ack = await ctx.send("cluster.set_level", { id: clusterId, level: level === OPEN ? null : level });
  if (ack && ack.ok) drafts.forget(`lvl-sel-${clusterId}`);
}

function consoleChip(cluster, totals, ctx) {
  const b = ctx.settings.board;
  const selectId = `lvl-${cluster.id}`;
  const options = [...LEVEL_ORDER.map((level) => [level, ctx.settings.levels[level]]), [OPEN, b.level_open]];
  const li = h("li", { class: "chip", "data-cluster-id": cluster.id },
    h("span", { class: "chip-title", text: cluster.title }),
    h("span", { class: "chip-votes", text: dotsLabel(votesOf(totals, cluster.id), b) }),
    h("span", { class: "move-to" },
      h("label", { for: selectId }, b.lane_level, h("span", { class: "visually-hidden", text: `: ${cluster.title}` })),
      drafts.select(`lvl-sel-${cluster.id}`, { id: selectId }, options, cluster.level || OPEN),
      h("button", {
        type: "button", "data-key": `lvl-btn-${cluster.id}`,
        onclick: () => setLevel(cluster.id, $(selectId).value, ctx),
      }, b.move, h("span", { class: "visually-hidden", text: `: ${cluster.title}` }))));
  li.draggable = true;
  li.addEventListener("dragstart", (event) => {
    dragged = cluster.id;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", cluster.title);
  });
  li.addEventListener("dragend", () => {
    dragged = null;
    if (deferred) {
      deferred = false;
      render(ctx.live.state, ctx);
    }
  });
  return li;
}

function dropLane(el, level, ctx) {
  el.addEventListener("dragover", (event) => {
    if (dragged === null) return;
    event.preventDefault();
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
    const cluster = (ctx.live.state.clusters || []).find((c) => c.id === id);
    if (cluster && (cluster.level || OPEN) !== level) setLevel(id, level, ctx);
  });
  return el;
}

function sizeOf(votes, most) {
  return votes ? 1 + Math.round((3 * votes) / most) : 1;
}

export function render(state, ctx) {
  const totals = publicTotals(state);
  if (ctx.audience === "console") {
    if (dragged !== null) {
      deferred = true;
      return;
    }
    rebuild($("console-level-map"), lanes(state).map(({ level, clusters }) => dropLane(
      h("section", { class: "lane", "data-level": level, "aria-labelledby": `lane-${level}` },
        h("h3", { id: `lane-${level}`, text: laneTitle(level, ctx) }),
        h("ol", { class: "lane-clusters" }, clusters.map((c) => consoleChip(c, totals, ctx)))), level, ctx)));
  } else if (ctx.audience === "projector") {
    if ($("levels-view").hidden) return;
    const most = Math.max(1, ...Object.values(totals));
    // the "not decided" lane only when something is in it: the room reads four levels
    $("projector-levels").replaceChildren(...lanes(state).filter(({ level, clusters }) => level !== OPEN || clusters.length)
      .map(({ level, clusters }) => h("section", { class: "lane", "data-level": level, "aria-labelledby": `p-lane-${level}` },
        h("h3", { id: `p-lane-${level}`, text: laneTitle(level, ctx) }),
        h("ol", { class: "lane-clusters" }, clusters.map((c) => h("li", {
          class: "chip", "data-cluster-id": c.id, "data-size": sizeOf(votesOf(totals, c.id), most),
        }, h("span", { class: "chip-title", text: c.title }),
        h("span", { class: "chip-votes", text: dotsLabel(votesOf(totals, c.id), ctx.settings.board) })))))));
  }
}
