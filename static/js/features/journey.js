// De maatwerkreis: the case's journey as a timeline of moments with the reflections pinned to them.
// Console: lay out and reorder the moments, pin reflections. Projector: the timeline, large and in order.
// Phone: choose a moment when writing.
import { fill, h } from "../live.js";
import { Drafts, rebuild } from "./board.js";
import { projectorView } from "./clustering.js";
import { personalDataFlag, reflectionCard } from "../cards.js";

const $ = (id) => document.getElementById(id);
const drafts = new Drafts();

export function reduce(state, event) {
  const data = event.data || {};
  state.moments = state.moments || [];
  if (data.measures) state.journey_measures = data.measures;
  for (const id of data.unanswered || []) {
    const rejection = state.moments.find((m) => m.id === id);
    if (rejection) rejection.answers = null;
  }
  if (event.name === "moment.add") {
    if (!state.moments.some((m) => m.id === data.moment.id)) state.moments.push(data.moment);
    order(state, data.order);
  } else if (event.name === "moment.edit") {
    state.moments = state.moments.map((m) => (m.id === data.moment.id ? { ...m, ...data.moment } : m));
  } else if (event.name === "moment.move") {
    order(state, data.order);
  } else if (event.name === "moment.delete") {
    state.moments = state.moments.filter((m) => m.id !== data.id);
    for (const r of state.reflections) if (r.moment_id === data.id) r.moment_id = null;
    order(state, data.order);
  }
  return state;
}

function order(state, ids) {
  const position = new Map(ids.map((id, index) => [id, index]));
  for (const m of state.moments) if (position.has(m.id)) m.position = position.get(m.id);
  state.moments.sort((a, b) => a.position - b.position || a.id - b.id);
}

function kindName(key, settings) {
  const found = settings.method.moment_kinds.find(([k]) => k === key);
  return found ? found[1] : key;
}

function pairName(pairs, key) {
  const found = (pairs || []).find(([k]) => k === key);
  return found ? found[1] : key;
}

// "5 maart 2024" or "maart 2024" in the page's language; the server keeps 2024-03-05 or 2024-03
export function dateLabel(value) {
  if (!value) return "";
  const [year, month, day] = value.split("-").map(Number);
  const lang = document.documentElement.lang || "nl";
  const options = day ? { day: "numeric", month: "long", year: "numeric" } : { month: "long", year: "numeric" };
  return new Intl.DateTimeFormat(lang, { ...options, timeZone: "UTC" }).format(new Date(Date.UTC(year, month - 1, day || 1)));
}

function when(moment) {
  return [dateLabel(moment.date), moment.when].filter(Boolean).join(" · ");
}

export function momentLabel(moment, settings) {
  const kind = kindName(moment.kind, settings);
  return [when(moment), moment.title].filter(Boolean).join(" · ") + ` (${kind})`;
}

export function render(state, ctx) {
  if (ctx.audience === "console") renderConsole(state, ctx);
  else if (ctx.audience === "projector") renderProjector(state, ctx);
  else renderPhone(state, ctx);
}

// --- phone ---------------------------------------------------------------------------------------------

function renderPhone(state, ctx) {
  const field = $("moment-field");
  const moments = state.moments || [];
  field.hidden = !moments.length;
  const select = $("moment");
  const chosen = select.value;
  select.replaceChildren(h("option", { value: "", text: ctx.settings.method.no_moment }),
    ...moments.map((m) => h("option", { value: String(m.id), text: momentLabel(m, ctx.settings) })));
  select.value = moments.some((m) => String(m.id) === chosen) ? chosen : "";
}

// --- projector -----------------------------------------------------------------------------------------

function timeline(state, ctx, extra) {
  const visible = state.reflections.filter((r) => !r.hidden);
  return (state.moments || []).map((m, index) => {
    const pinned = visible.filter((r) => r.moment_id === m.id);
    return h("li", { class: "moment", "data-kind": m.kind, "data-moment-id": m.id, "aria-labelledby": `moment-${ctx.audience}-${m.id}` },
      h("p", { class: "moment-meta" },
        h("span", { class: "moment-step", text: `${index + 1}` }),
        h("span", { class: "moment-kind", text: kindName(m.kind, ctx.settings) }),
        when(m) ? h("span", { class: "moment-when", text: when(m) }) : null),
      h("h3", { id: `moment-${ctx.audience}-${m.id}`, text: m.title }),
      ctx.audience === "console" ? facts(m, ctx) : null, // the projector keeps to what fits the room's screen
      m.description ? h("p", { class: "description", text: m.description }) : null,
      ctx.audience === "console" ? personalDataFlag(m, ctx.settings) : null,
      pinned.length ? h("ul", { class: "cards", "aria-label": ctx.settings.method.pinned }, pinned.map((r) => reflectionCard(r, ctx.settings))) : null,
      extra ? extra(m, index) : null);
  });
}

// organisations, law and ground in one quiet line under the title
function facts(m, ctx) {
  const words = ctx.settings.method;
  const parts = (m.organisations || []).map((key) => pairName(words.organisations, key));
  if (m.law) parts.push(pairName(words.laws, m.law));
  if (m.ground) parts.push(pairName(words.grounds, m.ground));
  return parts.length ? h("p", { class: "moment-facts", text: parts.join(" · ") }) : null;
}

function renderProjector(state, ctx) {
  const section = $("journey-view");
  const show = projectorView(state) === "journey";
  section.hidden = !show;
  if (!show) return;
  const items = timeline(state, ctx);
  $("journey-empty").hidden = items.length > 0;
  $("projector-journey").replaceChildren(...items);
}

// --- console -------------------------------------------------------------------------------------------

function kindOptions(ctx) {
  return ctx.settings.method.moment_kinds;
}

function renderMeasures(state, ctx) {
  const words = ctx.settings.method.measures;
  const x = state.journey_measures;
  if (!x) return;
  let days = words.unknown;
  if (x.days_to_breakthrough !== null) {
    days = x.approximate ? fill(words.approximate, { n: x.days_to_breakthrough }) : String(x.days_to_breakthrough);
  }
  let crisis = words.no_breakthrough;
  if (x.has_breakthrough && x.after_crisis) {
    const after = x.days_after_crisis;
    crisis = after === null ? words.crisis_yes : fill(after === 1 ? words.crisis_day : words.crisis_days, { n: after });
  } else if (x.has_breakthrough) crisis = words.crisis_no;
  const rejections = String(x.rejections) + (x.rejections_new_ground ? ` (${fill(words.new_ground, { n: x.rejections_new_ground })})` : "");
  const rows = [
    ["days", days], ["applications", String(x.applications)], ["rejections", rejections],
    ["organisations", String(x.organisations)], ["handovers", String(x.handovers)], ["crisis", crisis],
  ];
  $("journey-measures-list").replaceChildren(...rows.flatMap(([key, value]) => [
    h("dt", { text: words[key] }), h("dd", { text: value, "data-measure": key })]));
  const note = $("journey-measures-note");
  note.hidden = !x.approximate && !x.crisis_approximate;
  note.textContent = words.approximate_note;
}

function renderConsole(state, ctx) {
  const m = ctx.settings.method;
  const moments = state.moments || [];
  $("journey-count").textContent = String(moments.length);
  renderMeasures(state, ctx);
  fillApplications($("moment-add-answers"), moments, ctx, null);
  rebuild($("console-journey"), timeline(state, ctx, (moment, index) => h("div", { class: "toolbar" },
    h("button", { type: "button", disabled: index === 0, "data-key": `up-${moment.id}`,
      onclick: () => ctx.send("moment.move", { id: moment.id, position: index - 1 }) },
    m.earlier, h("span", { class: "visually-hidden", text: `: ${moment.title}` })),
    h("button", { type: "button", disabled: index === moments.length - 1, "data-key": `down-${moment.id}`,
      onclick: () => ctx.send("moment.move", { id: moment.id, position: index + 1 }) },
    m.later, h("span", { class: "visually-hidden", text: `: ${moment.title}` })),
    h("details", { "data-key": `edit-${moment.id}` },
      h("summary", {}, m.edit_moment, h("span", { class: "visually-hidden", text: `: ${moment.title}` })),
      editForm(moment, ctx, moments)),
    h("button", { type: "button", class: "danger", "data-key": `del-${moment.id}`,
      onclick: () => ctx.send("moment.delete", { id: moment.id }) },
    m.delete_moment, h("span", { class: "visually-hidden", text: `: ${moment.title}` })))));
  // pin any reflection on the wall to a moment
  for (const card of document.querySelectorAll("#wall .reflection")) {
    const id = Number(card.dataset.id);
    const reflection = state.reflections.find((r) => r.id === id);
    if (!reflection || !moments.length || card.querySelector(".pin")) continue;
    const selectId = `pin-${id}`;
    card.append(h("p", { class: "pin" },
      h("label", { for: selectId, text: m.pin_to }),
      h("select", { id: selectId, onchange: (e) => ctx.send("reflection.pin", { id, moment_id: e.target.value ? Number(e.target.value) : null }) },
        h("option", { value: "", text: m.no_moment, selected: !reflection.moment_id }),
        ...moments.map((x) => h("option", { value: String(x.id), text: momentLabel(x, ctx.settings), selected: reflection.moment_id === x.id })))));
  }
}

function fillApplications(select, moments, ctx, chosen) {
  const keep = chosen === null ? select.value : chosen;
  select.replaceChildren(h("option", { value: "", text: ctx.settings.method.not_given }),
    ...moments.filter((x) => x.kind === "application")
      .map((x) => h("option", { value: String(x.id), text: momentLabel(x, ctx.settings) })));
  select.value = keep && select.querySelector(`option[value="${keep}"]`) ? String(keep) : "";
}

// show the law, ground and application fields only for the kinds that have them
function showFor(form, kind) {
  for (const part of form.querySelectorAll("[data-for]")) part.hidden = !part.dataset.for.split(" ").includes(kind);
}

function orgBoxes(moment, ctx, key) {
  const m = ctx.settings.method;
  return h("fieldset", { class: "organisations" }, h("legend", { text: m.moment_organisations }),
    m.organisations.map(([value, label]) => h("label", { class: "check" },
      drafts.checkbox(key(`org-${value}`), { value }, (moment.organisations || []).includes(value)), ` ${label}`)));
}

function editForm(moment, ctx, moments) {
  const m = ctx.settings.method;
  const key = (name) => `m-${moment.id}-${name}`;
  const none = [["", m.not_given]];
  const kind = drafts.select(key("kind"), { id: key("kind") }, kindOptions(ctx), moment.kind);
  const answers = h("select", { id: key("answers"), "data-key": key("answers") });
  fillApplications(answers, moments.filter((x) => x.id !== moment.id), ctx, moment.answers || "");
  const form = h("form", { class: "moment-edit moment-form" },
    h("label", { for: key("kind"), text: m.moment_kind }), kind,
    h("label", { for: key("title"), text: m.moment_title }),
    drafts.input(key("title"), { id: key("title"), maxlength: "120" }, moment.title),
    h("label", { for: key("date"), text: m.moment_date }),
    drafts.input(key("date"), { id: key("date"), maxlength: "10", inputmode: "numeric" }, moment.date || ""),
    h("label", { for: key("when"), text: m.moment_when }),
    drafts.input(key("when"), { id: key("when"), maxlength: "40" }, moment.when),
    orgBoxes(moment, ctx, key),
    h("p", { "data-for": "application rejection" }, h("label", { for: key("law"), text: m.moment_law }),
      drafts.select(key("law"), { id: key("law") }, [...none, ...m.laws], moment.law || "")),
    h("p", { "data-for": "rejection" }, h("label", { for: key("ground"), text: m.moment_ground }),
      drafts.select(key("ground"), { id: key("ground") }, [...none, ...m.grounds], moment.ground || "")),
    h("p", { "data-for": "rejection" }, h("label", { for: key("answers"), text: m.moment_answers }), answers),
    h("label", { for: key("description"), text: m.moment_description }),
    drafts.textarea(key("description"), { id: key("description"), rows: "2", maxlength: "1000" }, moment.description),
    h("p", { class: "error", role: "alert", hidden: true }),
    h("button", { class: "primary", "data-key": key("save") }, m.save));
  showFor(form, kind.value);
  kind.addEventListener("change", () => showFor(form, kind.value));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ack = await ctx.send("moment.edit", { id: moment.id, ...formValues(form, key, kind.value) });
    showError(form, ack);
    if (ack && ack.ok) drafts.forget(...Array.from(form.querySelectorAll("[data-key]"), (el) => el.dataset.key));
  });
  return form;
}

// what a moment form sends: law, ground and application only for the kinds that have them
function formValues(form, key, kind) {
  const value = (name) => form.querySelector(`#${CSS.escape(key(name))}`).value;
  const answers = kind === "rejection" && value("answers") ? Number(value("answers")) : null;
  return {
    kind, title: value("title"), date: value("date"), when: value("when"), description: value("description"),
    organisations: Array.from(form.querySelectorAll(".organisations input:checked"), (box) => box.value),
    law: ["application", "rejection"].includes(kind) ? value("law") || null : null,
    ground: kind === "rejection" ? value("ground") || null : null,
    answers,
  };
}

function showError(form, ack) {
  const error = form.querySelector(".error");
  error.hidden = !ack || ack.ok;
  error.textContent = ack && !ack.ok ? ack.message || "" : "";
}

export function setup(ctx) {
  if (ctx.audience !== "console") return;
  const form = $("moment-add");
  const kind = $("moment-add-kind");
  showFor(form, kind.value);
  kind.addEventListener("change", () => showFor(form, kind.value));
  const key = (name) => `moment-add-${name}`;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // the form empties at once, so the next moment can be typed while this one is on its way;
    // a refused one comes back into the form, with the reason
    const values = formValues(form, key, kind.value);
    const texts = ["title", "date", "when", "description"];
    for (const name of texts) $(key(name)).value = "";
    for (const box of form.querySelectorAll(".organisations input")) box.checked = false;
    $(key("title")).focus();
    const ack = await ctx.send("moment.add", values);
    showError(form, ack);
    if (!ack || !ack.ok) {
      for (const name of texts) if (!$(key(name)).value) $(key(name)).value = values[name];
      for (const box of form.querySelectorAll(".organisations input")) box.checked = values.organisations.includes(box.value);
    } else {
      for (const name of ["law", "ground", "answers"]) $(key(name)).value = "";
    }
  });
}
