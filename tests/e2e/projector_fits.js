([minimums, scale]) => {
  const problems = [];
  const W = innerWidth, H = innerHeight, SLACK = 1.5;
  const doc = document.documentElement;
  if (doc.scrollHeight > H + 1 || doc.scrollWidth > W + 1) problems.push(`page scrolls: ${doc.scrollWidth}x${doc.scrollHeight}`);
  const shown = (el) => el.getClientRects().length > 0 && !el.closest(".visually-hidden, .skip");
  const name = (el) => el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${el.className}`;
  for (const el of document.querySelectorAll("body *")) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -SLACK || r.top < -SLACK || r.right > W + SLACK || r.bottom > H + SLACK) {
      problems.push(`outside the screen: ${name(el)} ${Math.round(r.left)},${Math.round(r.top)},${Math.round(r.right)},${Math.round(r.bottom)}`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let words = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !shown(parent) || ["SCRIPT", "STYLE", "TITLE"].includes(parent.tagName)) continue;
    let block = parent;
    while (block.parentElement && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    const box = block.getBoundingClientRect();
    // a line may end after a hyphen of a compound ("jeugd-" / "GGZ"), as Dutch typesetting allows; nowhere else
    for (const match of node.textContent.matchAll(/[^\s-]+-?/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      // a card cut off with an ellipsis (fit.js) lays out the lines it hides: they are not seen, so not judged
      const clip = parent.closest(".clamped");
      const seen = clip ? clip.getBoundingClientRect() : null;
      const rects = [...range.getClientRects()].filter((x) => x.width > 0
        && (!seen || (x.top < seen.bottom - SLACK && x.bottom > seen.top + SLACK && x.left < seen.right && x.right > seen.left)))
        // Chromium reports the words of a line that ends in an ellipsis twice, in one place: one box, not two lines
        .filter((x, i, all) => all.findIndex((y) => Math.abs(y.left - x.left) < 1 && Math.abs(y.top - x.top) < 1) === i);
      words += 1;
      if (rects.length > 1) problems.push(`word broken over ${rects.length} lines: "${match[0]}" in ${name(parent)}`);
      for (const x of rects) {
        if (x.right > box.right + SLACK || x.left < box.left - SLACK || x.right > W + SLACK || x.bottom > H + SLACK) {
          problems.push(`word sticks out: "${match[0]}" in ${name(parent)}`);
        }
      }
    }
  }
  for (const [selector, px, what] of minimums) {
    for (const el of document.querySelectorAll(selector)) {
      if (!shown(el) || !el.textContent.trim()) continue;
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < px * scale - 0.5) problems.push(`${what} too small: ${name(el)} ${size.toFixed(1)} px < ${(px * scale).toFixed(1)}`);
    }
  }
  return { problems: problems.slice(0, 12), words,
    pages: Number(document.getElementById("pager").dataset.pages || 1),
    shown: [...document.querySelectorAll("[data-id], [data-cluster-id], [data-commitment-id], [data-moment-id], [data-participant-id]")]
      .filter(shown).map((el) => `${[...el.classList].filter((c) => c !== "page-item")[0] || el.tagName.toLowerCase()}:${el.dataset.id || el.dataset.clusterId || el.dataset.commitmentId || el.dataset.momentId || el.dataset.participantId}`) };
}
