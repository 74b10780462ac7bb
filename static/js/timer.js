// The countdown on the projector and the phones: a paused clock says so, the last minute and the end look
// different, and a clock that has not been started is shown muted, so nobody reads a frozen time as running.
import { clock, currentPhase, remainingMs } from "./live.js";

const LAST_MINUTE_MS = 60_000;

export function timerMode(state, ms) {
  if (ms === null) return "none";
  if (ms === 0) return "up";
  const running = Boolean(state.timer && state.timer.running);
  if (running) return ms <= LAST_MINUTE_MS ? "last" : "running";
  const phase = currentPhase(state);
  return phase && phase.duration && ms === phase.duration * 60_000 ? "ready" : "paused";
}

export function timerView(element, state, now, t) {
  const ms = state.status === "live" ? remainingMs(state, now) : null;
  const mode = timerMode(state, ms);
  element.dataset.state = mode;
  let text = ms === null ? "" : clock(ms);
  if (mode === "paused") text = `${text} · ${t.timer_paused}`;
  if (mode === "up") text = `${text} · ${t.time_up}`;
  if (element.textContent !== text) element.textContent = text;
}
