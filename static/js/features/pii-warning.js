// Before a reflection leaves the phone: warn when it looks like personal data (static/js/pii.js).
// The person may edit it, or press Send again to send it as it is; the server checks and flags it again.
import { fill } from "../live.js";
import { findPersonalData } from "../pii.js";

// One guard per form: hold(text) is true when the text must not be sent yet because a warning was shown.
export function personalDataGuard(box, settings) {
  let warnedFor = null;

  function clear() {
    box.hidden = true;
    box.textContent = "";
    warnedFor = null;
  }

  function hold(text) {
    const kinds = [...new Set(findPersonalData(text).map((f) => f.kind))];
    if (!kinds.length || text === warnedFor) {
      clear();
      return false;
    }
    warnedFor = text;
    const names = kinds.map((k) => settings.personal_data[k] || k).join(", ");
    box.textContent = fill(settings.t.pii_warning, { kinds: names });
    box.hidden = false;
    return true;
  }

  return { hold, clear };
}
