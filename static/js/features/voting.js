// Dot voting: the console opens, shows and closes rounds; phones put dots on clusters within the budget
// (the server has the last word); the projector shows progress, a live bar chart when shown, the final ranking.
import { fill, h, currentPhase, phaseAllows } from "../live.js";
import { bars, dotsLabel, isParticipant, isPublic, latestRound, openRound, plural, rebuild, rounds } from "./board.js";

const $ = (id) => document.getElementById(id);

function roundById(state, id) {
  return rounds(state).find((r) => r.id === id);
}

export function reduce(state, event) {
  const data = event.data || {};
  state.voting = state.voting || { rounds: [] };
  const voting = state.voting;
  // a voting phase opens a round as it begins (session.start or phase.goto carry it then)
  if (event.name === "vote.open" || (["phase.goto", "session.start"].includes(event.name) && data.round)) {
    voting.rounds.push({ ...data.round });
    if (isParticipant(state)) {
      voting.mine = {};
      delete voting.rounds[voting.rounds.length - 1].totals;
    }
  } else if (["vote.close", "vote.reveal", "vote.conceal"].includes(event.name)) {
    const round = roundById(state, data.round.id);
    if (!round) voting.rounds.push(data.round);
    else Object.assign(round, data.round); // staff keep their totals when the room's are hidden again
    const merged = roundById(state, data.round.id);
    if (isParticipant(state) && !isPublic(merged)) delete merged.totals;
  } else if (event.name === "vote.set") {
    const round = roundById(state, data.round_id);
    if (round) {
      round.voters = data.voters;
      // a change, never a total: add it up where the totals are known (staff, or everyone once shown)
      if (round.totals) {
        const key = String(data.cluster_id);
        round.totals[key] = (round.totals[key] || 0) + data.change;
        if (!round.totals[key]) delete round.totals[key];
      }
    }
  } else if (event.name === "cluster.merge" || event.name === "cluster.delete") {
    voting.rounds = data.rounds; // no round is open then; every round's totals are public
  }
  return state;
}

function roundSummary(round, words) {
  return [fill(words.budget_info, { budget: round.budget }),
    round.several_per_cluster ? words.several_allowed : words.one_per_cluster,
    plural(round.voters, words.one_voter, words.voters)].join(" · ");
}

export function render(state, ctx) {
  if (ctx.audience === "console") renderConsole(state, ctx);
  else if (ctx.audience === "projector") renderProjector(state, ctx);
  else renderPhone(state, ctx);
}

// --- console -------------------------------------------------------------------------------------------

function renderConsole(state, ctx) {
  const b = ctx.settings.board;
  const open = openRound(state);
  const budget = $("vote-budget");
  if (!budget.value) budget.value = String(state.format.vote_budget);
  $("vote-open").disabled = Boolean(open) || !state.clusters.length || state.status !== "live";
  const phase = currentPhase(state);
  const hint = $("vote-phase-hint");
  hint.hidden = !open || Boolean(phase && phase.actions.includes("vote"));
  hint.textContent = b.phase_without_voting;
  const round = latestRound(state);
  if (!round) {
    rebuild($("vote-console"), [h("p", { class: "hint", text: b.no_round })]);
    return;
  }
  const closed = round.status === "closed";
  rebuild($("vote-console"), [
    h("h3", { text: fill(b.round_n, { n: round.number }) }),
    h("p", { text: `${closed ? b.round_closed : b.round_open} · ${roundSummary(round, b)}` }),
    open ? h("div", { class: "toolbar" },
      h("button", {
        type: "button", "data-key": "vote-visibility", "aria-pressed": String(round.results_shown),
        onclick: () => ctx.send(round.results_shown ? "vote.conceal" : "vote.reveal"),
      }, b.show_results),
      h("button", { type: "button", class: "primary", "data-key": "vote-close", onclick: () => ctx.send("vote.close") },
        b.close_round)) : null,
    !isPublic(round) ? h("p", { class: "hint", text: b.results_hidden_console }) : null,
    h("p", { class: "hint", text: closed ? b.final_ranking : b.live_results }),
    h("ol", { class: "bars", id: "vote-console-results" }, bars(state.clusters, round.totals || {}, b, { ranked: closed })),
  ]);
}

// --- projector ---------------------------------------------------------------------------------------------

function renderProjector(state, ctx) {
  if ($("votes-view").hidden) return;
  const b = ctx.settings.board;
  const round = latestRound(state);
  if (!round) {
    $("votes-view-heading").textContent = b.no_round;
    $("votes-progress").textContent = "";
    $("votes-chart").replaceChildren();
    return;
  }
  const closed = round.status === "closed";
  $("votes-view-heading").textContent = `${fill(b.round_n, { n: round.number })}${closed ? ` · ${b.final_ranking}` : ""}`;
  $("votes-progress").textContent = [closed ? b.round_closed : b.round_open,
    plural(round.voters, b.one_voter, b.voters), isPublic(round) ? "" : b.results_hidden].filter(Boolean).join(" · ");
  // the projector is a staff screen and holds the totals, but shows them only when the room may see them
  $("votes-chart").replaceChildren(...(isPublic(round) ? bars(state.clusters, round.totals || {}, b, { ranked: closed }) : []));
}

// --- phone -----------------------------------------------------------------------------------------------------

// Taps update at once; the server's answer (in order, one socket) then sets what really counts.
let outstanding = 0;
let confirmed = null;

async function setDots(round, clusterId, dots, ctx) {
  const state = ctx.live.state;
  const mine = state.voting.mine || {};
  if (outstanding === 0) confirmed = { ...mine };
  state.voting.mine = { ...mine, [String(clusterId)]: dots };
  if (!dots) delete state.voting.mine[String(clusterId)];
  outstanding += 1;
  renderPhone(state, ctx);
  const ack = await ctx.send("vote.set", { round_id: round.id, cluster_id: clusterId, dots });
  outstanding -= 1;
  if (ack && ack.ok) confirmed = ack.data.mine;
  if (outstanding === 0) {
    ctx.live.state.voting.mine = confirmed;
    renderPhone(ctx.live.state, ctx);
  }
}

function ballotItem(cluster, round, state, left, ctx) {
  const b = ctx.settings.board;
  const mine = (state.voting.mine || {})[String(cluster.id)] || 0;
  const title = cluster.title;
  let controls;
  if (round.several_per_cluster) {
    controls = h("div", { class: "dots" },
      h("button", {
        type: "button", class: "dot-button", "data-key": `minus-${cluster.id}`, disabled: mine === 0,
        "aria-label": fill(b.remove_dot, { title }), onclick: () => setDots(round, cluster.id, mine - 1, ctx),
      }, "−"),
      h("span", { class: "dot-count", text: dotsLabel(mine, b) }),
      h("button", {
        type: "button", class: "dot-button primary", "data-key": `plus-${cluster.id}`, disabled: left === 0,
        "aria-label": fill(b.add_dot, { title }), onclick: () => setDots(round, cluster.id, mine + 1, ctx),
      }, "+"));
  } else {
    controls = h("div", { class: "dots" }, h("button", {
      type: "button", class: "dot-toggle", "data-key": `toggle-${cluster.id}`, "aria-pressed": String(mine > 0),
      disabled: !mine && left === 0, onclick: () => setDots(round, cluster.id, mine ? 0 : 1, ctx),
    }, fill(b.give_dot, { title })));
  }
  return h("li", { class: "ballot-item", "data-cluster-id": cluster.id, "data-dots": mine },
    h("h3", { text: title }),
    cluster.description ? h("p", { class: "hint", text: cluster.description }) : null,
    controls);
}

function renderPhone(state, ctx) {
  const b = ctx.settings.board;
  const round = openRound(state);
  const canVote = Boolean(round && phaseAllows(state, "vote"));
  $("ballot").hidden = !canVote;
  if (canVote) {
    const used = Object.values(state.voting.mine || {}).reduce((sum, n) => sum + n, 0);
    const left = Math.max(0, round.budget - used);
    $("ballot-left").textContent = fill(b.dots_left, { left, budget: round.budget });
    rebuild($("ballot-list"), state.clusters.map((c) => ballotItem(c, round, state, left, ctx)));
  }
  const latest = latestRound(state);
  const shown = Boolean(latest && latest.totals && isPublic(latest));
  $("phone-results").hidden = !shown;
  if (shown) {
    const closed = latest.status === "closed";
    $("phone-results-heading").textContent = `${fill(b.round_n, { n: latest.number })} · ${closed ? b.final_ranking : b.live_results}`;
    $("phone-results-list").replaceChildren(...bars(state.clusters, latest.totals, b, { ranked: closed }));
  }
}

export function setup(ctx) {
  if (ctx.audience !== "console") return;
  $("vote-open-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const budget = Number($("vote-budget").value);
    ctx.send("vote.open", { budget: Number.isInteger(budget) ? budget : null, several_per_cluster: $("vote-several").checked });
  });
}
