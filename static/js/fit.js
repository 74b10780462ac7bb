// Paging for the projector: nothing may scroll or be cut off, so a view that holds more than fits is cut into
// pages of whole items (cards, clusters' heads, bars ...), shown one after the other with "2/4".
// A "book" is one box with a definite size and the items laid out in it; a view may have several books
// (the level map's lanes), which turn their pages together.

const SLACK = 1; // px: rounding of sub-pixel layout

function outside(rect, box) {
  return rect.bottom > box.bottom + SLACK || rect.right > box.right + SLACK
    || rect.left < box.left - SLACK || rect.top < box.top - SLACK;
}

function showOnly(items, from, to, keep) {
  items.forEach((item, index) => item.classList.toggle("off-page", (index < from || index >= to) && !keep.has(item)));
}

// A book: {box, items, headOf?(item) -> the item's heading shown again on a page that starts inside its group,
// groups?: elements hidden when none of their items is on the page}. Returns the start index of every page.
function cut(book) {
  const { box, items } = book;
  const starts = [0];
  while (starts.length < 100) {
    const from = starts[starts.length - 1];
    const keep = keepFor(book, from);
    showOnly(items, from, items.length, keep);
    const bounds = box.getBoundingClientRect();
    let next = -1;
    for (let index = from + 1; index < items.length; index += 1) {
      if (outside(items[index].getBoundingClientRect(), bounds)) {
        next = index;
        break;
      }
    }
    if (next < 0) break;
    // a heading never ends a page on its own
    if (book.headOf && next - 1 > from && isHead(book, items[next - 1])) next -= 1;
    starts.push(next);
  }
  return starts;
}

function isHead(book, item) {
  return book.headOf(item) === item;
}

function keepFor(book, from) {
  const head = book.headOf && book.items[from] ? book.headOf(book.items[from]) : null;
  return new Set(head ? [head] : []);
}

function turnTo(book, starts, page) {
  const index = page % starts.length;
  const from = starts[index];
  const to = index + 1 < starts.length ? starts[index + 1] : book.items.length;
  showOnly(book.items, from, to, keepFor(book, from));
  for (const group of book.groups || []) {
    group.classList.toggle("off-page", !group.querySelector(":scope .page-item:not(.off-page)"));
  }
}

export class Pager {
  constructor(indicator, { seconds = 12 } = {}) {
    this.indicator = indicator;
    this.seconds = seconds;
    this.page = 0;
    this.books = [];
    this.cuts = [];
    this.key = "";
    this.restart();
  }

  // a page turned by hand stays for the full time
  restart() {
    clearInterval(this.timer);
    this.timer = setInterval(() => this.step(1, false), this.seconds * 1000);
  }

  // Lays the books out again (after every render and resize); stays on the page it was on where it can.
  fit(books, key, prepare = () => {}) {
    if (key !== this.key) this.page = 0;
    this.key = key;
    for (const book of [...this.books, ...books]) {
      for (const item of book.items) {
        item.classList.remove("off-page");
        unfit(item);
      }
    }
    prepare();
    this.books = books.filter((book) => book.box && book.items.length);
    for (const book of this.books) {
      for (const item of book.items) item.classList.add("page-item");
      for (const group of book.groups || []) group.classList.remove("off-page");
    }
    for (const book of this.books) fitTall(book);
    this.cuts = this.books.map((book) => cut(book));
    if (this.page >= this.pages()) this.page = 0;
    this.show();
  }

  pages() {
    return Math.max(1, ...this.cuts.map((starts) => starts.length));
  }

  step(by, byHand = true) {
    const pages = this.pages();
    if (byHand) this.restart();
    if (pages < 2) return;
    this.page = (this.page + by + pages) % pages;
    this.show();
  }

  show() {
    this.books.forEach((book, index) => turnTo(book, this.cuts[index], this.page));
    const pages = this.pages();
    this.indicator.hidden = pages < 2;
    this.indicator.textContent = `${this.page + 1}/${pages}`;
    this.indicator.dataset.page = String(this.page + 1);
    this.indicator.dataset.pages = String(pages);
  }
}

// A word wider than its box (a long web address) would stick out: that one block gets smaller type, down to
// 60 %, instead. Ordinary words fit at full size; the stylesheet makes the columns wide enough.
export function narrowWide(root, selector) {
  const blocks = [...root.querySelectorAll(selector)];
  for (const el of blocks) el.style.fontSize = "";
  const wide = blocks.filter((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
    .map((el) => [el, el.clientWidth / el.scrollWidth, parseFloat(getComputedStyle(el).fontSize)]);
  for (const [el, ratio, size] of wide) el.style.fontSize = `${Math.floor(size * Math.max(0.6, ratio))}px`;
}

// A single item taller than its whole page (a 500-character reflection on a 1280x720 beamer) cannot be paged:
// its text gets smaller type, down to MIN_TYPE of the item's own, and what still does not fit is cut off after
// the last whole line with an ellipsis. Nothing scrolls, and every other item keeps its size.
const MIN_TYPE = 0.75;

function unfit(item) {
  if (!item.classList.contains("fitted")) return;
  item.classList.remove("fitted");
  const text = textOf(item);
  if (text) {
    text.style.fontSize = "";
    text.style.removeProperty("-webkit-line-clamp");
    text.classList.remove("clamped");
  }
}

function textOf(item) {
  return item.querySelector(".fit-text") || item.querySelector("p");
}

// the height an item takes, also when the columns split it over several (one rect per piece)
function heightOf(item) {
  return [...item.getClientRects()].reduce((sum, rect) => sum + rect.height, 0);
}

function outerHeight(el) {
  const style = getComputedStyle(el);
  return heightOf(el) + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
}

// The room one item has: the book's height, less its group's heading that a page starting with it repeats.
function roomFor(book, item) {
  const head = book.headOf ? book.headOf(item) : null;
  return book.box.clientHeight - (head && head !== item ? outerHeight(head) : 0) - SLACK;
}

function fitTall(book) {
  if (!book.box.clientHeight) return;
  for (const item of book.items) {
    const room = roomFor(book, item);
    const text = textOf(item);
    if (!text || heightOf(item) <= room) continue;
    item.classList.add("fitted");
    const own = parseFloat(getComputedStyle(item).fontSize);
    const base = parseFloat(getComputedStyle(text).fontSize);
    const least = Math.min(base, own * MIN_TYPE);
    // a text's height grows about with the square of its type size (more lines, each of them taller)
    let size = Math.max(least, base * Math.sqrt(room / heightOf(item)));
    for (let step = 0; step < 8; step += 1) {
      text.style.fontSize = `${size.toFixed(2)}px`;
      if (heightOf(item) <= room || size <= least) break;
      size = Math.max(least, size * 0.94);
    }
    if (heightOf(item) > room) clamp(item, text, room);
  }
}

function clamp(item, text, room) {
  const lineHeight = parseFloat(getComputedStyle(text).lineHeight) || parseFloat(text.style.fontSize) * 1.25;
  const rest = heightOf(item) - text.getBoundingClientRect().height;
  text.classList.add("clamped");
  text.style.setProperty("-webkit-line-clamp", String(Math.max(1, Math.floor((room - rest) / lineHeight))));
}
