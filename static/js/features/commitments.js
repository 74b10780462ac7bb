// Commitments (actieafspraken): phones propose "I / my team will ...", the console confirms, edits, merges or
// rejects them or records them directly, the projector shows the confirmed ones. In a follow-up phase every screen
// shows the programme's earlier commitments and the console (or the phone that proposed one) updates their status
// with a dated note. The console also starts a session from bottlenecks of earlier sessions (carried forward).
import { fill, h, newId, phaseAllows, upsert } from "../live.js";
import { Drafts, LEVEL_ORDER, isParticipant, rebuild } from "./board.js";
import { personalDataGuard } from "./pii-warning.js";
import { personalDataFlag } from "../cards.js";

const $ = (id) => document.getElementById(id);
const drafts = new Drafts();
const STATUSES = ["open", "in_progress", "done", "dropped"];

function ownSession(state, commitment) {
  return commitment.session_id === state.session.id;
}

export function reduce(state, event) {
  const data = event.data || {};
  state.commitments = state.commitments || [];
  const participant = isParticipant(state);
  switch (event.name) {
    case "commitment.propose":
      // a phone only ever hears of its own proposals
      upsert(state.commitments, participant ? { ...data.commitment, mine: true } : data.commitment);
      break;
    case "commitment.record":
    case "commitment.confirm":
    case "commitment.edit":
    case "commitment.set_status": {
      const c = data.commitment;
      if (ownSession(state, c)) upsert(state.commitments, c);
      if (state.followup) {
        const found = state.followup.find((x) => x.id === c.id);
        if (found) Object.assign(found, c);
      }
      break;
    }
    case "commitment.merge":
      state.commitments = state.commitments.filter((c) => !data.removed.includes(c.id));
      if (!participant || !data.commitment.pending || state.commitments.some((c) => c.id === data.commitment.id)) {
        upsert(state.commitments, data.commitment);
      }
      break;
    case "commitment.reject":
      state.commitments = state.commitments.filter((c) => c.id !== data.id);
      break;
    case "cluster.carry":
      state.clusters = state.clusters || [];
      for (const cluster of data.clusters) upsert(state.clusters, cluster);
      state.clusters.sort((a, b) => a.position - b.position || a.id - b.id);
      if (data.carried && state.carried) Object.assign(state.carried, data.carried);
      break;
    default:
      return state;
  }
  return state;
}


function clusterTitles(state, ids) {
  return (ids || []).map((id) => (state.clusters || []).find((c) => c.id === id)).filter(Boolean).map((c) => c.title);
}

// "1 maart 2026", in the page's language (as the Word report writes it), never the ISO form
function readableDate(iso) {
  const [year, month, day] = String(iso).split("-").map(Number);
  if (!year || !month || !day) return iso;
  const options = { day: "numeric", month: "long", year: "numeric" };
  return new Intl.DateTimeFormat(document.documentElement.lang || "nl", options).format(new Date(year, month - 1, day));
}

function dueLabel(commitment, w) {
  return commitment.due_date ? fill(w.due, { date: readableDate(commitment.due_date) }) : "";
}


// One commitment as text: what, who, level, when, status, the bottlenecks it answers and its dated updates.
function summary(commitment, state, ctx, { withUpdates = true, sessionTitle = false } = {}) {
  const w = ctx.settings.commit;
  const s = ctx.settings;
  const meta = [commitment.owner, commitment.level ? s.levels[commitment.level] : "", dueLabel(commitment, w),
    w.statuses[commitment.status]].filter(Boolean).join(" · ");
  const answers = clusterTitles(state, commitment.cluster_ids);
  const updates = withUpdates ? commitment.updates || [] : [];
  // only the console knows the programme's goals (staff snapshot)
  const goal = commitment.goal_id && (state.goals || []).find((g) => g.id === commitment.goal_id);
  return [
    h("p", { class: "commitment-what", text: commitment.what }),
    // flagged on the console, where the edit panel below can rewrite it (facilitation/live/flags.py)
    ctx.audience === "console" ? personalDataFlag(commitment, s) : null,
    h("p", { class: "meta" }, meta, commitment.overdue ? h("strong", { class: "overdue", text: ` · ${w.overdue}` }) : null),
    sessionTitle && commitment.session_title ? h("p", { class: "hint", text: fill(w.made_in, { title: commitment.session_title }) }) : null,
    answers.length ? h("p", { class: "hint", text: fill(w.answers, { titles: answers.join("; ") }) }) : null,
    goal ? h("p", { class: "hint goal-served", text: fill(w.serves, { title: goalLabel(goal, ctx) }) }) : null,
    updates.length ? h("ul", { class: "updates", "aria-label": w.updates },
      updates.map((u) => h("li", {}, h("time", { datetime: u.at, text: u.at.slice(0, 10) }),
        ` ${w.statuses[u.status]}${u.note ? `: ${u.note}` : ""}`))) : null,
  ];
}

// A status select with a note and a button; used on the console for any commitment, on a phone for its own.
function statusForm(commitment, ctx, prefix) {
  const w = ctx.settings.commit;
  const k = (name) => `${prefix}${commitment.id}-${name}`;
  return h("form", {
    class: "status-form",
    onsubmit: async (event) => {
      event.preventDefault();
      const ack = await ctx.send("commitment.set_status", { id: commitment.id, status: $(k("status")).value, note: $(k("note")).value });
      if (ack && ack.ok) {
        drafts.forget(k("status"), k("note"));
        render(ctx.live.state, ctx);
      }
    },
  },
  h("label", { for: k("status") }, w.status, h("span", { class: "visually-hidden", text: `: ${commitment.what.slice(0, 40)}` })),
  drafts.select(k("status"), { id: k("status") }, STATUSES.map((st) => [st, w.statuses[st]]), commitment.status),
  h("label", { for: k("note") }, w.note),
  drafts.input(k("note"), { id: k("note"), type: "text", maxlength: 500 }, ""),
  h("button", { class: "primary", "data-key": k("save") }, w.update,
    h("span", { class: "visually-hidden", text: `: ${commitment.what.slice(0, 40)}` })));
}

// "Policy: one budget for custom help (change goal)": the level says where, the kind what sort of goal
function goalLabel(goal, ctx) {
  const w = ctx.settings.commit;
  return `${ctx.settings.levels[goal.level] || goal.level}: ${goal.title} (${w.goal_kinds[goal.kind] || goal.kind})`;
}

// The goal a commitment serves, on the console only: phones never get the programme's goals
function goalField(k, values, state, ctx) {
  const w = ctx.settings.commit;
  const goals = state.goals;
  if (!goals || !goals.length || ctx.audience !== "console") return [];
  const options = [["", w.goal_none], ...goals.map((g) => [String(g.id), goalLabel(g, ctx)])];
  return [
    h("label", { for: k("goal") }, w.goal),
    drafts.select(k("goal"), { id: k("goal") }, options, values.goal_id ? String(values.goal_id) : ""),
  ];
}

// The fields of a commitment: what, who, level, by when, which bottlenecks, which goal. `values` fills them.
function fields(prefix, values, state, ctx, { levelDefault = "" } = {}) {
  const w = ctx.settings.commit;
  const s = ctx.settings;
  const k = (name) => `${prefix}-${name}`;
  const clusters = state.clusters || [];
  return [
    h("label", { for: k("what") }, w.what),
    drafts.textarea(k("what"), { id: k("what"), rows: 2, maxlength: 500, required: true, placeholder: w.what_placeholder }, values.what || ""),
    h("label", { for: k("owner") }, w.owner),
    h("p", { class: "hint", id: k("owner-hint"), text: w.owner_hint }),
    drafts.input(k("owner"), { id: k("owner"), type: "text", maxlength: 200, required: true, "aria-describedby": k("owner-hint") }, values.owner || ""),
    h("label", { for: k("level") }, w.level),
    drafts.select(k("level"), { id: k("level") }, [["", w.level_none], ...LEVEL_ORDER.map((l) => [l, s.levels[l]])], values.level || levelDefault),
    h("label", { for: k("due") }, w.due_date),
    drafts.input(k("due"), { id: k("due"), type: "date" }, values.due_date || ""),
    clusters.length ? h("fieldset", { class: "tags" }, h("legend", { text: w.answers_legend }),
      clusters.map((c) => h("label", { class: "check" },
        drafts.checkbox(k(`cl-${c.id}`), { id: k(`cl-${c.id}`), value: String(c.id) }, (values.cluster_ids || []).includes(c.id)),
        c.title))) : null,
    ...goalField(k, values, state, ctx),
  ];
}

function readFields(prefix, state) {
  const k = (name) => `${prefix}-${name}`;
  return {
    what: $(k("what")).value.trim(),
    owner: $(k("owner")).value.trim(),
    level: $(k("level")).value || null,
    due_date: $(k("due")).value || null,
    cluster_ids: (state.clusters || []).filter((c) => { const box = $(k(`cl-${c.id}`)); return box && box.checked; }).map((c) => c.id),
    // sent only where the field is shown (the console), so a phone's proposal never carries one
    ...($(k("goal")) ? { goal_id: $(k("goal")).value ? Number($(k("goal")).value) : null } : {}),
  };
}

function forgetFields(prefix, state) {
  drafts.forget(...["what", "owner", "level", "due", "goal"].map((n) => `${prefix}-${n}`), ...(state.clusters || []).map((c) => `${prefix}-cl-${c.id}`));
}

export function render(state, ctx) {
  if (ctx.audience === "console") renderConsole(state, ctx);
  else if (ctx.audience === "projector") renderProjector(state, ctx);
  else renderPhone(state, ctx);
}

// --- console -------------------------------------------------------------------------------------------

function proposalItem(c, state, ctx) {
  const w = ctx.settings.commit;
  const prefix = `p${c.id}`;
  const others = state.commitments.filter((x) => x.id !== c.id);
  return h("li", { class: "commitment proposal", "data-commitment-id": c.id },
    summary(c, state, ctx),
    h("div", { class: "toolbar" },
      h("button", { type: "button", class: "primary", "data-key": `${prefix}-confirm`, onclick: () => ctx.send("commitment.confirm", { id: c.id }) },
        w.confirm, h("span", { class: "visually-hidden", text: `: ${c.what.slice(0, 40)}` })),
      h("button", { type: "button", class: "danger", "data-key": `${prefix}-reject`, onclick: () => ctx.send("commitment.reject", { id: c.id }) },
        w.reject, h("span", { class: "visually-hidden", text: `: ${c.what.slice(0, 40)}` }))),
    editPanel(c, state, ctx, true),
    others.length ? h("div", { class: "toolbar" },
      h("label", { for: `${prefix}-merge` }, w.merge_into),
      drafts.select(`${prefix}-merge`, { id: `${prefix}-merge` }, others.map((x) => [String(x.id), x.what.slice(0, 60)]), String(others[0].id)),
      h("button", {
        type: "button", "data-key": `${prefix}-merge-btn`,
        onclick: () => ctx.send("commitment.merge", { into: Number($(`${prefix}-merge`).value), ids: [c.id] }),
      }, w.merge)) : null);
}

function editPanel(c, state, ctx, confirmToo) {
  const w = ctx.settings.commit;
  const prefix = `e${c.id}`;
  return h("details", { "data-key": `${prefix}-panel` },
    h("summary", {}, w.edit, h("span", { class: "visually-hidden", text: `: ${c.what.slice(0, 40)}` })),
    h("form", {
      class: "commitment-form",
      onsubmit: async (event) => {
        event.preventDefault();
        const name = confirmToo && event.submitter && event.submitter.dataset.confirm ? "commitment.confirm" : "commitment.edit";
        const ack = await ctx.send(name, { id: c.id, ...readFields(prefix, ctx.live.state) });
        if (ack && ack.ok) forgetFields(prefix, ctx.live.state);
      },
    },
    fields(prefix, c, state, ctx),
    h("div", { class: "toolbar" },
      h("button", { "data-key": `${prefix}-save` }, w.save),
      confirmToo ? h("button", { class: "primary", "data-key": `${prefix}-save-confirm`, "data-confirm": "1" }, w.save_confirm) : null)));
}

function commitmentItem(c, state, ctx) {
  return h("li", { class: "commitment", "data-commitment-id": c.id, "data-status": c.status },
    summary(c, state, ctx), statusForm(c, ctx, "s"), editPanel(c, state, ctx, false));
}

function renderConsole(state, ctx) {
  const box = $("commitments-console");
  if (!box) return;
  const w = ctx.settings.commit;
  const proposals = state.commitments.filter((c) => c.pending);
  const confirmed = state.commitments.filter((c) => !c.pending);
  $("commit-phase-hint").hidden = phaseAllows(state, "commit");
  $("commit-record").disabled = state.status !== "live";
  rebuild($("commit-record-fields"), fields("rec", {}, state, ctx));
  rebuild($("proposals"), proposals.length ? proposals.map((c) => proposalItem(c, state, ctx))
    : [h("li", { class: "hint", text: w.no_proposals })]);
  rebuild($("confirmed-commitments"), confirmed.length ? confirmed.map((c) => commitmentItem(c, state, ctx))
    : [h("li", { class: "hint", text: w.no_commitments })]);
  const followup = state.followup || [];
  $("followup-console").hidden = !state.followup;
  if (state.followup) {
    rebuild($("followup-list"), followup.length ? followup.map((c) => h("li", { class: "commitment", "data-commitment-id": c.id, "data-status": c.status },
      summary(c, state, ctx, { sessionTitle: true }), statusForm(c, ctx, "f")))
      : [h("li", { class: "hint", text: w.no_followup })]);
  }
  const carried = Object.entries(state.carried || {});
  $("carried-console").hidden = !carried.length;
  rebuild($("carried-list"), carried.map(([id, bg]) => {
    const cluster = (state.clusters || []).find((c) => String(c.id) === id);
    const from = bg.from.map((f) => `${f.title} (${f.session})`).join(" ← ");
    return h("li", { class: "card" },
      h("p", {}, h("strong", { text: cluster ? cluster.title : bg.from.length ? bg.from[0].title : "" })),
      h("p", { class: "hint", text: fill(w.carried_from, { from }) }),
      bg.texts.length ? h("details", { "data-key": `bg-${id}` }, h("summary", { text: fill(w.background, { n: bg.texts.length }) }),
        h("ul", {}, bg.texts.map((text) => h("li", { text })))) : null);
  }));
}

// --- projector ---------------------------------------------------------------------------------------------

function renderProjector(state, ctx) {
  const view = $("commitments-view");
  if (!view) return;
  const w = ctx.settings.commit;
  const committing = phaseAllows(state, "commit");
  const following = phaseAllows(state, "followup");
  const show = !state.projector_view && (committing || following);
  view.hidden = !show;
  if (!show) return;
  for (const id of ["board-view", "levels-view", "votes-view", "wall", "wall-empty"]) if ($(id)) $(id).hidden = true;
  const list = following ? state.followup || [] : state.commitments.filter((c) => !c.pending);
  $("commitments-view-heading").textContent = following ? w.followup_heading : w.heading;
  $("commitments-empty").hidden = list.length > 0;
  $("commitments-empty").textContent = following ? w.no_followup : w.none_yet;
  $("projector-commitments").replaceChildren(...list.map((c) => h("li", { class: "commitment", "data-commitment-id": c.id, "data-status": c.status },
    summary(c, state, ctx, { withUpdates: following, sessionTitle: following }))));
}

// --- phone -----------------------------------------------------------------------------------------------------

function renderPhone(state, ctx) {
  const section = $("commit");
  if (!section) return;
  const w = ctx.settings.commit;
  const committing = phaseAllows(state, "commit");
  const following = phaseAllows(state, "followup");
  section.hidden = !committing && !following;
  $("commit-form").hidden = !committing;
  if (committing) rebuild($("commit-fields"), fields("mine", {}, state, ctx, { levelDefault: state.me ? state.me.level : "" }));
  const mine = state.commitments.filter((c) => c.mine);
  const confirmed = state.commitments.filter((c) => !c.pending && !c.mine);
  rebuild($("my-commitments"), mine.map((c) => h("li", { class: "commitment", "data-commitment-id": c.id, "data-status": c.status },
    h("p", { class: "state", "data-state": c.pending ? "waiting" : "confirmed", text: c.pending ? w.waiting_for_facilitator : w.confirmed }),
    summary(c, state, ctx),
    c.pending ? null : statusForm(c, ctx, "m"))));
  $("my-commitments-section").hidden = !mine.length;
  $("group-commitments-section").hidden = !confirmed.length || following;
  $("group-commitments").replaceChildren(...confirmed.map((c) => h("li", { class: "commitment" }, summary(c, state, ctx, { withUpdates: false }))));
  const followup = state.followup || [];
  $("phone-followup").hidden = !following;
  if (following) {
    $("phone-followup-list").replaceChildren(...(followup.length ? followup.map((c) => h("li", { class: "commitment", "data-status": c.status },
      summary(c, state, ctx, { sessionTitle: true }))) : [h("li", { class: "hint", text: w.no_followup })]));
  }
}

// --- setup: the forms that exist once ------------------------------------------------------------------------

export function setup(ctx) {
  if (ctx.audience === "console") {
    const record = $("commit-record-form");
    if (record) {
      record.addEventListener("submit", async (event) => {
        event.preventDefault();
        const ack = await ctx.send("commitment.record", readFields("rec", ctx.live.state));
        if (ack && ack.ok) {
          forgetFields("rec", ctx.live.state);
          render(ctx.live.state, ctx);
        }
      });
    }
    const carry = $("carry-form");
    if (carry) {
      carry.addEventListener("submit", async (event) => {
        event.preventDefault();
        const ids = Array.from(carry.querySelectorAll("input[name=carry]:checked"), (box) => Number(box.value));
        const ack = await ctx.send("cluster.carry", { ids });
        if (ack && ack.ok) {
          for (const box of carry.querySelectorAll("input[name=carry]:checked")) box.closest("li").remove();
          if (ack.data.carried && ctx.live.state) {
            ctx.live.state.carried = { ...(ctx.live.state.carried || {}), ...ack.data.carried };
            render(ctx.live.state, ctx);
          }
          $("carry-status").textContent = ctx.settings.commit.carried_done;
        }
      });
    }
  } else if (ctx.audience === "participant") {
    const form = $("commit-form");
    if (!form) return;
    // a name, address or number in "what" or "who" is warned about as in a reflection; Propose again sends it
    const privacy = personalDataGuard($("commit-pii-warning"), ctx.settings);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const values = readFields("mine", ctx.live.state);
      if (!values.what) {
        $("mine-what").focus();
        return;
      }
      if (privacy.hold(`${values.what}\n${values.owner || ""}`)) return;
      const ack = await ctx.send("commitment.propose", values, newId());
      if (ack && ack.ok) {
        upsert(ctx.live.state.commitments, { ...ack.data.commitment, mine: true });
        forgetFields("mine", ctx.live.state);
        render(ctx.live.state, ctx);
        $("commit-status").textContent = ctx.settings.commit.proposed;
      }
    });
  }
}
