// Fishbowl: phones ask for the empty chair, withdraw or leave the circle; the console seats and frees chairs,
// sets the topic and the chairs; the projector draws the circle, the queue, the round clock and speaking time
// per level. The server decides everything; this module shows its state and adds the running turns' time.
import { clock, currentPhase, fill, h, phaseAllows } from "../live.js";
import { reflectionCard } from "../cards.js";
import { LEVEL_ORDER, rebuild } from "./board.js";
import { projectorView } from "./clustering.js";

const $ = (id) => document.getElementById(id);

export function reduce(state, event) {
  const data = event.data || {};
  if (data.fishbowl && (event.name.startsWith("fishbowl.") || event.name === "phase.goto" || event.name === "session.close")) {
    state.fishbowl = data.fishbowl;
  }
  if (event.name === "participant.join" && state.fishbowl_people && data.participant) {
    if (!state.fishbowl_people.some((p) => p.id === data.participant.id)) state.fishbowl_people.push(data.participant);
  }
  return state;
}

function inPhase(state) {
  return phaseAllows(state, "fishbowl");
}

// A person as the room sees them: the name they chose, else their level.
function who(person, ctx) {
  return person.name || ctx.settings.levels[person.level] || person.level;
}

function whoWithLevel(person, ctx) {
  const level = ctx.settings.levels[person.level] || person.level;
  return person.name ? `${person.name} (${level})` : level;
}

function topicTitle(state) {
  const round = state.fishbowl.round;
  if (!round) return null;
  const cluster = (state.clusters || []).find((c) => c.id === round.cluster_id);
  return cluster ? cluster.title : round.topic;
}

// Chair time per level: finished turns from the server, running turns counted up to now.
export function levelSeconds(fishbowl, now) {
  const seconds = {};
  for (const level of LEVEL_ORDER) seconds[level] = (fishbowl.finished_seconds || {})[level] || 0;
  for (const seat of fishbowl.seats) {
    seconds[seat.level] = (seconds[seat.level] || 0) + Math.max(0, (now - Date.parse(seat.sat_at)) / 1000);
  }
  return seconds;
}

// Whole percentages adding up to 100 (largest remainder), as in the report.
export function percentages(seconds) {
  const total = Object.values(seconds).reduce((a, b) => a + b, 0);
  const result = {};
  if (!total) {
    for (const level of Object.keys(seconds)) result[level] = 0;
    return result;
  }
  const exact = Object.entries(seconds).map(([level, s]) => [level, (100 * s) / total]);
  for (const [level, value] of exact) result[level] = Math.floor(value);
  let left = 100 - Object.values(result).reduce((a, b) => a + b, 0);
  for (const [level] of exact.slice().sort((a, b) => (b[1] - Math.floor(b[1])) - (a[1] - Math.floor(a[1])))) {
    if (left <= 0) break;
    result[level] += 1;
    left -= 1;
  }
  return result;
}

// the percentage sign is doubled in the catalog (Python formatting); shown once
function percentText(template, values) {
  return fill(template, values).replace(/%%/g, "%");
}

function minutes(seconds) {
  return clock(seconds * 1000);
}

function timeBars(state, ctx) {
  const f = ctx.settings.fishbowl;
  const seconds = levelSeconds(state.fishbowl, ctx.live.now());
  const share = percentages(seconds);
  const levels = LEVEL_ORDER.filter((level) => (state.session.levels || []).includes(level) || seconds[level] > 0);
  const rows = levels.map((level) => {
    const fill_ = h("span", { class: "bar-fill", "data-level": level });
    fill_.style.width = `${share[level]}%`; // CSSOM, allowed by the CSP
    return h("li", { class: "bar-row", "data-level": level, "data-share": share[level] },
      h("span", { class: "bar-label", text: ctx.settings.levels[level] }),
      h("span", { class: "bar", "aria-hidden": "true" }, fill_),
      h("span", { class: "bar-value", text: percentText(f.time_share, { share: share[level], time: minutes(seconds[level]) }) }));
  });
  const total = Object.values(seconds).reduce((a, b) => a + b, 0);
  let sentence = f.no_time;
  if (total > 0) {
    const top = levels.reduce((best, level) => (seconds[level] > seconds[best] ? level : best), levels[0]);
    sentence = percentText(f.top_share, { level: ctx.settings.levels[top], share: share[top] });
  }
  return { rows, sentence };
}

function roundClock(state, ctx) {
  const f = ctx.settings.fishbowl;
  const round = state.fishbowl.round;
  if (!round) return "";
  return fill(f.round_clock, { n: round.number, time: minutes(Math.max(0, (ctx.live.now() - Date.parse(round.started_at)) / 1000)) });
}

function sittingFor(seat, ctx) {
  return minutes(Math.max(0, (ctx.live.now() - Date.parse(seat.sat_at)) / 1000));
}

function seatText(seat, ctx) {
  const f = ctx.settings.fishbowl;
  return `${fill(f.seat_n, { n: seat.seat })}: ${whoWithLevel(seat, ctx)} · ${fill(f.in_circle_for, { time: sittingFor(seat, ctx) })}`;
}

function roundLine(state, ctx) {
  const title = topicTitle(state);
  return title ? `${fill(ctx.settings.fishbowl.topic, { title })} · ${roundClock(state, ctx)}` : ctx.settings.fishbowl.no_topic;
}

export function render(state, ctx) {
  if (ctx.audience === "console") renderConsole(state, ctx);
  else if (ctx.audience === "projector") renderProjector(state, ctx);
  else renderPhone(state, ctx);
}

// --- console -------------------------------------------------------------------------------------------

function renderConsole(state, ctx) {
  // the projector's fishbowl view is offered only where there is a circle
  const choice = document.querySelector('.view-choice[data-view="fishbowl"]');
  if (choice) choice.hidden = !state.fishbowl;
  const box = $("fishbowl-console");
  box.hidden = !state.fishbowl;
  if (!state.fishbowl) return;
  const f = ctx.settings.fishbowl;
  const fb = state.fishbowl;
  const live = inPhase(state);
  $("fishbowl-phase-hint").hidden = live;

  // settings: the server's values, unless the facilitator is changing them
  const chairs = $("fishbowl-chairs");
  if (document.activeElement !== chairs && chairs.dataset.server !== String(fb.chairs)) {
    chairs.value = String(fb.chairs);
    chairs.dataset.server = String(fb.chairs);
  }
  const auto = $("fishbowl-auto");
  if (auto.dataset.server !== String(fb.auto_seat)) {
    auto.checked = fb.auto_seat;
    auto.dataset.server = String(fb.auto_seat);
  }

  const select = $("fishbowl-topic");
  const options = [["", f.no_topic], ...(state.clusters || []).map((c) => [String(c.id), c.title])];
  const signature = JSON.stringify(options);
  if (select.dataset.options !== signature) {
    const chosen = select.value;
    select.replaceChildren(...options.map(([value, label]) => h("option", { value, text: label })));
    select.dataset.options = signature;
    select.value = options.some(([value]) => value === chosen) ? chosen : "";
  }
  if (select.dataset.round !== String(fb.round ? fb.round.number : 0)) {
    select.value = fb.round && fb.round.cluster_id ? String(fb.round.cluster_id) : "";
    select.dataset.round = String(fb.round ? fb.round.number : 0);
  }
  $("fishbowl-topic-set").disabled = !live;
  $("fishbowl-round").textContent = roundLine(state, ctx);

  const seats = [];
  for (let n = 1; n <= fb.chairs; n += 1) {
    const seat = fb.seats.find((s) => s.seat === n);
    if (seat) {
      const name = whoWithLevel(seat, ctx);
      seats.push(h("li", { class: "fishbowl-item", "data-seat": n, "data-participant-id": seat.participant_id },
        h("span", { text: seatText(seat, ctx) }),
        h("button", {
          type: "button", "data-key": `unseat-${seat.participant_id}`, disabled: !live,
          onclick: () => ctx.send("fishbowl.unseat", { participant_id: seat.participant_id }),
        }, f.free_chair, h("span", { class: "visually-hidden", text: `: ${name}` }))));
    } else {
      seats.push(h("li", { class: "fishbowl-item empty", "data-seat": n, text: `${fill(f.seat_n, { n })}: ${f.empty_chair}` }));
    }
  }
  rebuild($("fishbowl-seats"), seats);
  const full = fb.seats.length >= fb.chairs;
  renderOthers(state, ctx, live && !full);
  rebuild($("fishbowl-queue"), fb.queue.length ? fb.queue.map((person) => h("li", {
    class: "fishbowl-item", "data-participant-id": person.participant_id,
  }, h("span", { text: whoWithLevel(person, ctx) }),
  h("button", {
    type: "button", class: "primary", "data-key": `seat-${person.participant_id}`, disabled: !live || full,
    onclick: () => ctx.send("fishbowl.seat", { participant_id: person.participant_id }),
  }, fill(f.seat_next, { who: who(person, ctx) })))) : [h("li", { class: "hint", text: f.queue_empty })]);
  renderConsoleTime(state, ctx);
}

// Everyone not in the circle, by name or by level (numbered where people share one), for seating by hand.
function renderOthers(state, ctx, enabled) {
  const seated = new Set(state.fishbowl.seats.map((s) => s.participant_id));
  const counts = {};
  const options = (state.fishbowl_people || []).map((person) => {
    const label = person.name ? whoWithLevel(person, ctx) : ctx.settings.levels[person.level] || person.level;
    counts[label] = (counts[label] || 0) + 1;
    return { person, label: counts[label] > 1 ? `${label} (${counts[label]})` : label };
  }).filter(({ person }) => !seated.has(person.id));
  const select = $("fishbowl-other");
  const signature = JSON.stringify(options.map((o) => [o.person.id, o.label]));
  if (select.dataset.options !== signature) {
    const chosen = select.value;
    select.replaceChildren(...options.map(({ person, label }) => h("option", { value: String(person.id), text: label })));
    select.dataset.options = signature;
    if (options.some(({ person }) => String(person.id) === chosen)) select.value = chosen;
  }
  $("fishbowl-other-seat").disabled = !enabled || !options.length;
}

function renderConsoleTime(state, ctx) {
  const f = ctx.settings.fishbowl;
  const { rows, sentence } = timeBars(state, ctx);
  $("fishbowl-time-summary").textContent = `${sentence} ${fill(f.turns, { n: state.fishbowl.turns })}`;
  $("fishbowl-time").replaceChildren(...rows);
  // per person: finished turns from the server, plus the turn they may be in now
  const now = ctx.live.now();
  const people = (state.fishbowl.occupants || []).map((person) => {
    const seat = state.fishbowl.seats.find((s) => s.participant_id === person.participant_id);
    const running = seat ? Math.max(0, (now - Date.parse(seat.sat_at)) / 1000) : 0;
    return { person, seconds: person.finished_seconds + running };
  }).sort((a, b) => b.seconds - a.seconds);
  $("fishbowl-people").replaceChildren(...people.map(({ person, seconds }) => h("li", {
    "data-participant-id": person.participant_id,
    text: fill(person.turns === 1 ? f.person_time_one : f.person_time,
      { who: whoWithLevel(person, ctx), time: minutes(seconds), n: person.turns }),
  })));
}

// --- projector -----------------------------------------------------------------------------------------------

function renderProjector(state, ctx) {
  const view = $("fishbowl-view");
  // the clustering feature chooses the view; in a fishbowl phase it chooses this one
  const shown = Boolean(state.fishbowl) && projectorView(state) === "fishbowl";
  view.hidden = !shown;
  if (!shown) return;
  const f = ctx.settings.fishbowl;
  const fb = state.fishbowl;
  const chairs = [];
  for (let n = 1; n <= fb.chairs; n += 1) {
    const seat = fb.seats.find((s) => s.seat === n);
    const angle = (2 * Math.PI * (n - 1)) / fb.chairs - Math.PI / 2;
    const chair = h("li", { class: seat ? "chair" : "chair empty", "data-seat": n, "data-level": seat ? seat.level : null },
      h("span", { class: "chair-number", text: fill(f.seat_n, { n }) }),
      h("span", { class: "chair-name", text: seat ? who(seat, ctx) : f.empty_chair }),
      seat && seat.name ? h("span", { class: "chair-level", text: ctx.settings.levels[seat.level] }) : null);
    chair.style.left = `${50 + 40 * Math.cos(angle)}%`;
    chair.style.top = `${50 + 40 * Math.sin(angle)}%`;
    chairs.push(chair);
  }
  $("fishbowl-circle").replaceChildren(...chairs);
  const title = topicTitle(state);
  $("fishbowl-topic-shown").textContent = title || f.no_topic;
  $("fishbowl-queue-shown").replaceChildren(...(fb.queue.length
    ? fb.queue.map((person) => h("li", { "data-participant-id": person.participant_id, text: who(person, ctx) }))
    : [h("li", { class: "queue-empty", text: f.queue_empty })]));
  const visible = state.reflections.filter((r) => !r.hidden && r.phase === (currentPhase(state) || {}).key);
  $("fishbowl-observations").replaceChildren(...visible.slice(-6).reverse().map((r) => reflectionCard(r, ctx.settings)));
  tickProjector(state, ctx);
}

function tickProjector(state, ctx) {
  if ($("fishbowl-view").hidden) return;
  $("fishbowl-clock").textContent = roundClock(state, ctx);
  const { rows, sentence } = timeBars(state, ctx);
  $("fishbowl-time-sentence").textContent = sentence;
  $("fishbowl-time-shown").replaceChildren(...rows);
}

// --- phone -----------------------------------------------------------------------------------------------------

function renderPhone(state, ctx) {
  const section = $("fishbowl-phone");
  const shown = Boolean(state.fishbowl) && inPhase(state);
  section.hidden = !shown;
  if (!shown) return;
  const f = ctx.settings.fishbowl;
  const fb = state.fishbowl;
  const me = state.me.id;
  const title = topicTitle(state);
  $("fishbowl-phone-topic").textContent = title ? fill(f.topic, { title }) : "";
  const seat = fb.seats.find((s) => s.participant_id === me);
  const place = fb.queue.findIndex((q) => q.participant_id === me);
  const status = $("fishbowl-phone-status");
  const button = $("fishbowl-phone-action");
  let text;
  if (seat) {
    text = fill(f.you_are_seated, { n: seat.seat });
    button.textContent = f.leave;
    button.dataset.command = "fishbowl.leave";
    button.className = "send danger";
  } else if (place >= 0) {
    text = fill(f.you_wait, { n: place + 1 });
    button.textContent = f.withdraw;
    button.dataset.command = "fishbowl.withdraw";
    button.className = "send";
  } else {
    text = f.you_observe;
    button.textContent = f.request;
    button.dataset.command = "fishbowl.request";
    button.className = "primary send";
  }
  if (status.textContent !== text) status.textContent = text; // announced only when it changes
  const waiting = fb.queue.length;
  $("fishbowl-phone-queue").textContent = waiting === 0 ? f.queue_empty : waiting === 1 ? f.queue_one : fill(f.queue_n, { n: waiting });
}

export function setup(ctx) {
  if (ctx.audience === "participant") {
    $("fishbowl-phone-action").addEventListener("click", async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try {
        await ctx.send(button.dataset.command);
      } finally {
        button.disabled = false;
      }
    });
  } else if (ctx.audience === "console") {
    $("fishbowl-settings").addEventListener("submit", (event) => {
      event.preventDefault();
      const chairs = Number($("fishbowl-chairs").value);
      ctx.send("fishbowl.settings", {
        chairs: Number.isInteger(chairs) ? chairs : null, auto_seat: $("fishbowl-auto").checked,
      });
    });
    $("fishbowl-seat-other").addEventListener("submit", (event) => {
      event.preventDefault();
      const value = $("fishbowl-other").value;
      if (value) ctx.send("fishbowl.seat", { participant_id: Number(value) });
    });
    $("fishbowl-topic-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const value = $("fishbowl-topic").value;
      ctx.send("fishbowl.topic", { cluster_id: value ? Number(value) : null });
    });
    setInterval(() => {
      const state = ctx.live.state;
      if (state && state.fishbowl && !$("fishbowl-console").hidden) {
        // the clocks move on; the controls are left alone
        renderConsoleTime(state, ctx);
        $("fishbowl-round").textContent = roundLine(state, ctx);
        for (const item of document.querySelectorAll("#fishbowl-seats li[data-participant-id] > span")) {
          const id = item.parentElement.dataset.participantId;
          const seat = state.fishbowl.seats.find((s) => String(s.participant_id) === id);
          if (seat) item.textContent = seatText(seat, ctx);
        }
      }
    }, 1000);
  } else if (ctx.audience === "projector") {
    setInterval(() => {
      if (ctx.live.state && ctx.live.state.fishbowl) tickProjector(ctx.live.state, ctx);
    }, 1000);
  }
}
