// House rules (huisregels): the phone shows the session's confidentiality agreement and an "I agree" button
// until it is accepted; the console edits the text and counts who accepted. The server refuses writing and
// voting until then, so this screen only explains and asks.
import { fill, h } from "../live.js";

const $ = (id) => document.getElementById(id);
let lastText = null;

export function reduce(state, event) {
  const data = event.data || {};
  const rules = state.house_rules || (state.house_rules = {});
  if (event.name === "session.set_house_rules") {
    Object.assign(rules, { text: data.text, lines: data.lines, custom: data.custom });
    if (state.me) {
      rules.accepted_by_me = false;
      rules.changed = true;
    } else {
      rules.accepted = data.accepted;
    }
  } else if (event.name === "participant.join") {
    if (!state.me && data.rules_accepted) rules.accepted = (rules.accepted || 0) + 1;
  } else if (event.name === "participant.accept_rules") {
    if (state.me && data.participant_id === state.me.id) rules.accepted_by_me = true;
    if (!state.me) rules.accepted = data.accepted;
  }
  return state;
}

export function accepted(state) {
  return !state.house_rules || state.house_rules.accepted_by_me !== false;
}

function list(lines) {
  return (lines || []).map((line) => h("li", { text: line }));
}

export function render(state, ctx) {
  const rules = state.house_rules;
  if (!rules) return;
  if (ctx.audience === "participant") {
    const ok = accepted(state);
    $("rules").hidden = ok;
    $("rules-changed").hidden = !rules.changed;
    $("rules-list").replaceChildren(...list(rules.lines));
    $("rules-done").hidden = !ok;
    $("rules-done-list").replaceChildren(...list(rules.lines));
    // no ballot either before the rules are accepted (voting renders before this feature)
    const ballot = $("ballot");
    if (ballot && !ok) ballot.hidden = true;
  } else if (ctx.audience === "console") {
    $("rules-count").textContent = fill(ctx.settings.method.rules_accepted, { n: rules.accepted, total: state.participants });
    const box = $("rules-text");
    if (rules.text !== lastText && document.activeElement !== box) {
      box.value = rules.text;
      lastText = rules.text;
    }
    $("rules-default").hidden = !rules.custom;
  }
}

export function setup(ctx) {
  if (ctx.audience === "participant") {
    $("rules-accept").addEventListener("click", () => ctx.send("participant.accept_rules"));
  } else if (ctx.audience === "console") {
    $("rules-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const ack = await ctx.send("session.set_house_rules", { text: $("rules-text").value });
      if (ack && ack.ok) $("rules-saved").textContent = ctx.settings.method.rules_saved;
    });
    $("rules-default").addEventListener("click", async () => {
      const ack = await ctx.send("session.set_house_rules", { text: "" });
      if (ack && ack.ok) {
        lastText = null;
        $("rules-text").blur();
        $("rules-saved").textContent = ctx.settings.method.rules_saved;
      }
    });
  }
}
