// De maatwerkreis: the case's journey as a timeline of moments with the reflections pinned to them.
// Console: lay out and reorder the moments, pin reflections. Projector: the timeline, large and in order.
// Phone: choose a moment when writing.
import { h } from "../live.js";
import { Drafts, rebuild } from "./board.js";
import { projectorView } from "./clustering.js";
import { personalDataFlag, reflectionCard } from "../cards.js";

const $ = (id) => document.getElementById(id);
const drafts = new Drafts();

export function reduce(state, event) {
  const data = event.data || {};
  state.moments = state.moments || [];
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

export function momentLabel(moment, settings) {
  const kind = kindName(moment.kind, settings);
  return [moment.when, moment.title].filter(Boolean).join(" · ") + ` (${kind})`;
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
        m.when ? h("span", { class: "moment-when", text: m.when }) : null),
      h("h3", { id: `moment-${ctx.audience}-${m.id}`, text: m.title }),
      m.description ? h("p", { class: "description", text: m.description }) : null,
      ctx.audience === "console" ? personalDataFlag(m, ctx.settings) : null,
      pinned.length ? h("ul", { class: "cards", "aria-label": ctx.settings.method.pinned }, pinned.map((r) => reflectionCard(r, ctx.settings))) : null,
      extra ? extra(m, index) : null);
  });
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

function renderConsole(state, ctx) {
  const m = ctx.settings.method;
  const moments = state.moments || [];
  $("journey-count").textContent = String(moments.length);
  rebuild($("console-journey"), timeline(state, ctx, (moment, index) => h("div", { class: "toolbar" },
    h("button", { type: "button", disabled: index === 0, "data-key": `up-${moment.id}`,
      onclick: () => ctx.send("moment.move", { id: moment.id, position: index - 1 }) },
    m.earlier, h("span", { class: "visually-hidden", text: `: ${moment.title}` })),
    h("button", { type: "button", disabled: index === moments.length - 1, "data-key": `down-${moment.id}`,
      onclick: () => ctx.send("moment.move", { id: moment.id, position: index + 1 }) },
    m.later, h("span", { class: "visually-hidden", text: `: ${moment.title}` })),
    h("details", { "data-key": `edit-${moment.id}` },
      h("summary", {}, m.edit_moment, h("span", { class: "visually-hidden", text: `: ${moment.title}` })),
      editForm(moment, ctx)),
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

function editForm(moment, ctx) {
  const m = ctx.settings.method;
  const key = (name) => `m-${moment.id}-${name}`;
  const form = h("form", { class: "moment-edit" },
    h("label", { for: key("kind"), text: m.moment_kind }),
    drafts.select(key("kind"), { id: key("kind") }, kindOptions(ctx), moment.kind),
    h("label", { for: key("title"), text: m.moment_title }),
    drafts.input(key("title"), { id: key("title"), maxlength: "120" }, moment.title),
    h("label", { for: key("when"), text: m.moment_when }),
    drafts.input(key("when"), { id: key("when"), maxlength: "40" }, moment.when),
    h("label", { for: key("description"), text: m.moment_description }),
    drafts.textarea(key("description"), { id: key("description"), rows: "2", maxlength: "1000" }, moment.description),
    h("button", { class: "primary", "data-key": key("save") }, m.save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ack = await ctx.send("moment.edit", {
      id: moment.id, kind: $(key("kind")).value, title: $(key("title")).value,
      when: $(key("when")).value, description: $(key("description")).value,
    });
    if (ack && ack.ok) drafts.forget(key("kind"), key("title"), key("when"), key("description"));
  });
  return form;
}

export function setup(ctx) {
  if (ctx.audience !== "console") return;
  $("moment-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    // the form empties at once, so the next moment can be typed while this one is on its way;
    // a refused one comes back into the form
    const fields = ["moment-add-title", "moment-add-when", "moment-add-description"];
    const values = Object.fromEntries(fields.map((id) => [id, $(id).value]));
    for (const id of fields) $(id).value = "";
    $("moment-add-title").focus();
    const ack = await ctx.send("moment.add", {
      kind: $("moment-add-kind").value, title: values["moment-add-title"],
      when: values["moment-add-when"], description: values["moment-add-description"],
    });
    if (!ack || !ack.ok) {
      for (const id of fields) if (!$(id).value) $(id).value = values[id];
    }
  });
}
