// Hybrid rooms on the console: people without a phone (their reflections and dots are entered by the
// facilitator) and co-facilitators who run the session too.
import { fill, h } from "../live.js";
import { Drafts, openRound, rebuild } from "./board.js";
import * as voting from "./voting.js";

const $ = (id) => document.getElementById(id);
const drafts = new Drafts();

export function reduce(state, event) {
  const data = event.data || {};
  state.hybrid = state.hybrid || { proxies: [], cofacilitators: [] };
  if (event.name === "participant.add_proxy") {
    state.participants = data.count;
    if (!state.hybrid.proxies.some((p) => p.id === data.proxy.id)) state.hybrid.proxies.push(data.proxy);
  } else if (event.name === "vote.set_for") {
    // the same change of totals as a phone's own vote
    return voting.reduce(state, { ...event, name: "vote.set" });
  } else if (event.name === "session.add_cofacilitator" || event.name === "session.remove_cofacilitator") {
    state.hybrid.cofacilitators = data.cofacilitators;
  }
  return state;
}

export function proxyName(proxy, settings) {
  return fill(settings.method.proxy_label, { n: proxy.id, level: settings.levels[proxy.level] || proxy.level })
    + (proxy.name ? ` · ${proxy.name}` : "");
}

function options(list, settings, empty) {
  return [h("option", { value: "", text: empty }), ...list.map((p) => h("option", { value: String(p.id), text: proxyName(p, settings) }))];
}

export function render(state, ctx) {
  if (ctx.audience !== "console" || !state.hybrid) return;
  const m = ctx.settings.method;
  const proxies = state.hybrid.proxies;
  // who a reflection is entered for: nobody in particular, or one of the people without a phone
  const forSelect = $("proxy-for");
  const chosen = forSelect.value;
  forSelect.replaceChildren(...options(proxies, ctx.settings, m.for_nobody));
  forSelect.value = proxies.some((p) => String(p.id) === chosen) ? chosen : "";
  $("proxy-people").replaceChildren(...proxies.map((p) => h("li", { text: proxyName(p, ctx.settings) })));

  const round = openRound(state);
  const ballot = $("proxy-ballot");
  ballot.hidden = !round || !proxies.length;
  if (round && proxies.length) {
    rebuild(ballot.querySelector(".fields"), [
      h("label", { for: "proxy-vote-for", text: m.dots_for }),
      drafts.select("proxy-vote-for", { id: "proxy-vote-for" },
        [["", m.choose], ...proxies.map((p) => [String(p.id), proxyName(p, ctx.settings)])], ""),
      h("label", { for: "proxy-vote-cluster", text: m.cluster }),
      drafts.select("proxy-vote-cluster", { id: "proxy-vote-cluster" },
        (state.clusters || []).map((c) => [String(c.id), c.title]), ""),
      h("label", { for: "proxy-vote-dots", text: m.dots }),
      drafts.input("proxy-vote-dots", { id: "proxy-vote-dots", type: "number", min: "0", max: String(round.budget) }, "1"),
    ]);
  }
  $("cofacilitator-list").replaceChildren(...state.hybrid.cofacilitators.map((a) => h("li", {},
    h("span", { text: a.name }), " ",
    h("button", { type: "button", onclick: () => ctx.send("session.remove_cofacilitator", { account_id: a.id }) },
      m.remove, h("span", { class: "visually-hidden", text: `: ${a.name}` })))));
}

export function setup(ctx) {
  if (ctx.audience !== "console") return;
  $("proxy-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = $("proxy-name");
    const ack = await ctx.send("participant.add_proxy", { level: $("proxy-level").value, name: name.value || null });
    if (ack && ack.ok) {
      name.value = "";
      $("proxy-for").value = String(ack.data.proxy.id);
    }
  });
  $("proxy-ballot").addEventListener("submit", async (event) => {
    event.preventDefault();
    const round = openRound(ctx.live.state);
    const who = Number($("proxy-vote-for").value);
    if (!round || !who) return;
    const ack = await ctx.send("vote.set_for", {
      for: who, round_id: round.id, cluster_id: Number($("proxy-vote-cluster").value), dots: Number($("proxy-vote-dots").value),
    });
    if (ack && ack.ok) $("proxy-vote-done").textContent = fill(ctx.settings.method.dots_saved, { left: ack.data.left });
  });
  $("cofacilitator-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = $("cofacilitator-email");
    const ack = await ctx.send("session.add_cofacilitator", { email: email.value });
    if (ack && ack.ok) email.value = "";
  });
}
