"""Case text for reports: Markdown rendered and sanitised by facilitation.text.markdown, read back into plain blocks.

Going through the sanitised HTML means a report can only contain what the web page may show (no
javascript: links, no raw HTML), and the Word and Markdown renderers share one reading of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from facilitation.text.markdown import render_markdown


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    #: an http(s) link target
    href: str | None = None
    #: a line break before this run's text
    line_break: bool = False


@dataclass
class Block:
    #: "heading", "paragraph", "quote", "code", "item", "table", "rule"
    kind: str
    runs: list[Run] = field(default_factory=list)
    #: heading level (1-6) or list depth (1, 2 ...)
    level: int = 0
    #: the number of an item in an ordered list; None in a bulleted list
    number: int | None = None
    #: for tables: rows of cells, each cell a list of runs; the first row is the header when `header`
    rows: list[list[list[Run]]] = field(default_factory=list)
    header: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


_SPACE = re.compile(r"\s+")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.bold = self.italic = self.code = 0
        self.href: list[str | None] = []
        self.lists: list[list] = []  # [ordered, next number]
        self.quote = 0
        self.pre = 0
        self.table: Block | None = None
        self.cell: list[Run] | None = None
        self.pending_break = False

    # -- blocks
    def _open(self, kind: str, **kw) -> Block:
        self._close()
        if self.quote and kind == "paragraph":
            kind = "quote"
        self.current = Block(kind=kind, **kw)
        return self.current

    def _close(self) -> None:
        block = self.current
        if block is not None:
            _trim(block.runs)
            if block.runs or block.kind == "rule":
                self.blocks.append(block)
        self.current = None
        self.pending_break = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._open("heading", level=int(tag[1]))
        elif tag == "p":
            if self.lists and self.current is not None and self.current.kind == "item" and not self.current.runs:
                return  # a loose list wraps its items' text in <p>: keep it in the item
            if self.lists:
                self._open("item", level=len(self.lists))
            elif self.cell is None:
                self._open("paragraph")
        elif tag in ("ul", "ol"):
            self._close()
            self.lists.append([tag == "ol", 1])
        elif tag == "li":
            ordered, number = self.lists[-1] if self.lists else [False, 1]
            self._open("item", level=max(1, len(self.lists)), number=number if ordered else None)
            if self.lists:
                self.lists[-1][1] += 1
        elif tag == "blockquote":
            self._close()
            self.quote += 1
        elif tag == "pre":
            self._open("code")
            self.pre += 1
        elif tag == "hr":
            self._open("rule")
            self._close()
        elif tag == "br":
            self.pending_break = True
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.href.append(href if href.startswith(("http://", "https://")) else None)
        elif tag == "table":
            self._close()
            self.table = Block(kind="table")
        elif tag == "tr" and self.table is not None:
            self.table.rows.append([])
        elif tag in ("td", "th") and self.table is not None and self.table.rows:
            self.cell = []
            self.table.rows[-1].append(self.cell)
            if tag == "th" and len(self.table.rows) == 1:
                self.table.header = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li"):
            if not (tag == "p" and self.cell is not None):
                self._close()
        elif tag in ("ul", "ol"):
            self._close()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self._close()
            self.quote = max(0, self.quote - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._close()
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "code":
            self.code = max(0, self.code - 1)
        elif tag == "a":
            if self.href:
                self.href.pop()
        elif tag in ("td", "th"):
            if self.cell is not None:
                _trim(self.cell)
            self.cell = None
        elif tag == "table" and self.table is not None:
            self.blocks.append(self.table)
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.pre:
            block = self.current
            lines = data.rstrip("\n").split("\n") if block else []
            if block is None:
                block = self._open("code")
                lines = data.rstrip("\n").split("\n")
            for i, line in enumerate(lines):
                block.runs.append(Run(line, code=True, line_break=bool(i) or bool(block.runs)))
            return
        text = _SPACE.sub(" ", data)
        if self.pending_break:
            text = text.lstrip()
        if not text.strip() and not (self.current and self.current.runs):
            return
        target = self.cell if self.cell is not None else None
        if target is None:
            block = self.current
            if block is None:
                if not text.strip():
                    return
                block = self._open("item" if self.lists else "paragraph", level=len(self.lists))
            target = block.runs
        target.append(
            Run(
                text,
                bold=bool(self.bold),
                italic=bool(self.italic),
                code=bool(self.code),
                href=self.href[-1] if self.href else None,
                line_break=self.pending_break,
            )
        )
        self.pending_break = False

    def close(self) -> None:
        super().close()
        self._close()


def _trim(runs: list[Run]) -> None:
    """No leading or trailing spaces in a block, and no empty runs."""
    while runs and not runs[0].text.strip() and not runs[0].line_break:
        runs.pop(0)
    while runs and not runs[-1].text.strip():
        runs.pop()
    if runs:
        if not runs[0].code:
            runs[0].text = runs[0].text.lstrip()
        if not runs[-1].code:
            runs[-1].text = runs[-1].text.rstrip()


def blocks(markdown_source: str) -> list[Block]:
    """The Markdown as a flat list of blocks, from its sanitised HTML."""
    reader = _Reader()
    reader.feed(str(render_markdown(markdown_source or "")))
    reader.close()
    return reader.blocks
