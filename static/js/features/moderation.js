// The console's moderation of one reflection: rewrite it (reflection.edit), e.g. to take out the
// personal data the server flagged. Typed text and the open panel survive live rebuilds (board.js).
import { h } from "../live.js";
import { Drafts } from "./board.js";

const drafts = new Drafts();

export function editPanel(reflection, ctx) {
  const t = ctx.settings.t;
  const key = `edit-${reflection.id}`;
  const area = drafts.textarea(`${key}-text`, { id: `${key}-text`, rows: 3, maxlength: 500 }, reflection.text);
  const panel = h("details", { class: "edit-reflection", "data-key": key },
    h("summary", {}, t.edit, h("span", { class: "visually-hidden", text: `: ${reflection.text.slice(0, 40)}` })),
    h("form", {
      onsubmit: async (event) => {
        event.preventDefault();
        const ack = await ctx.send("reflection.edit", { id: reflection.id, text: area.value });
        if (ack && (ack.ok || ack.error === "no_change")) {
          drafts.forget(`${key}-text`);
          panel.open = false;
        }
      },
    },
    h("label", { for: `${key}-text`, text: t.edit }),
    area,
    h("button", { class: "primary", "data-key": `${key}-save` }, t.save)));
  return panel;
}
