"""Automated accessibility checks of a Word file and a PDF, and a search for words LibreOffice broke inside.

The checks read the files themselves (the .docx's XML, the PDF's catalog), so they hold for any report:
every picture has alternative text, every table a header row repeated on each page, headings go down one
level at a time, title and language are set, and lists are real lists. A PDF must be tagged (a structure
tree and /MarkInfo), have a title and a language, and carry the pictures' alternative text.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
}
#: text that looks like a typed list marker instead of a Word list
_FAKE_LIST = re.compile(r"^\s*(\d+[.)]|[-•*·])\s")


def _xml(archive: zipfile.ZipFile, name: str):
    return etree.fromstring(archive.read(name))


def docx_problems(content: bytes) -> list[str]:
    """Everything in the .docx that fails the checks, in words; empty when it passes."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        body = _xml(archive, "word/document.xml")
        styles = _xml(archive, "word/styles.xml")
        core = _xml(archive, "docProps/core.xml")
    for picture in body.iterfind(".//wp:docPr", NS):
        if not (picture.get("descr") or "").strip():
            problems.append(f"picture {picture.get('name')!r} has no alternative text")
    for number, table in enumerate(body.iterfind(".//w:tbl", NS), 1):
        first = table.find("w:tr", NS)
        if first is None or first.find("w:trPr/w:tblHeader", NS) is None:
            problems.append(f"table {number} has no header row repeated on each page")
    problems += _heading_problems(body, styles)
    problems += _list_problems(body, styles)
    title = core.findtext("dc:title", default="", namespaces=NS).strip()
    language = core.findtext("dc:language", default="", namespaces=NS).strip()
    if not title:
        problems.append("the document has no title in its properties")
    if not re.fullmatch(r"[a-z]{2}-[A-Z]{2}", language):
        problems.append(f"the document's language is {language!r}, not a tag like nl-NL")
    return problems


def _style_names(styles) -> dict[str, str]:
    return {
        s.get(f"{{{W}}}styleId"): s.find("w:name", NS).get(f"{{{W}}}val")
        for s in styles.iterfind("w:style", NS)
        if s.find("w:name", NS) is not None
    }


def _heading_problems(body, styles) -> list[str]:
    names = _style_names(styles)
    problems, previous = [], 0
    for paragraph in body.iterfind(".//w:p", NS):
        style = paragraph.find("w:pPr/w:pStyle", NS)
        name = names.get(style.get(f"{{{W}}}val"), "") if style is not None else ""
        match = re.fullmatch(r"[Hh]eading (\d)", name)
        if not match:
            continue
        level = int(match.group(1))
        if level > previous + 1:
            text = "".join(paragraph.itertext())
            problems.append(f"heading {text!r} is level {level} right after level {previous}")
        previous = level
    return problems


def _list_problems(body, styles) -> list[str]:
    """A paragraph that starts with a typed number or bullet outside a table is a fake list."""
    numbered_styles = {
        s.get(f"{{{W}}}styleId") for s in styles.iterfind("w:style", NS) if s.find("w:pPr/w:numPr", NS) is not None
    }
    problems = []
    for paragraph in body.iterfind("w:p", NS):
        text = "".join(paragraph.itertext())
        if not _FAKE_LIST.match(text):
            continue
        style = paragraph.find("w:pPr/w:pStyle", NS)
        if paragraph.find("w:pPr/w:numPr", NS) is None and (
            style is None or style.get(f"{{{W}}}val") not in numbered_styles
        ):
            problems.append(f"{text[:40]!r} is typed as a list, not a Word list")
    return problems


def alt_texts(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        body = _xml(archive, "word/document.xml")
    return [p.get("descr") or "" for p in body.iterfind(".//wp:docPr", NS)]


# --- PDF ---------------------------------------------------------------------------------------


def _catalog(pdf: bytes) -> bytes:
    """The document catalog's dictionary (LibreOffice writes it uncompressed, not in an object stream)."""
    match = re.search(rb"<<\s*/Type\s*/Catalog(.*?)\nendobj", pdf, re.S)
    assert match, "no document catalog found"
    return match.group(1)


def pdf_problems(pdf: bytes, pictures: int) -> list[str]:
    problems = []
    if not pdf.startswith(b"%PDF-"):
        return ["not a PDF"]
    catalog = _catalog(pdf)
    if b"/StructTreeRoot" not in catalog:
        problems.append("the PDF is not tagged: no /StructTreeRoot")
    if not re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", catalog):
        problems.append("the PDF is not marked: no /MarkInfo << /Marked true >>")
    if not re.search(rb"/Lang\s*\((nl|en)-[A-Z]{2}\)", catalog):
        problems.append("the PDF has no /Lang")
    if b"/DisplayDocTitle true" not in catalog:
        problems.append("the PDF's viewer does not show the document title")
    if not re.search(rb"/Title\s*[(<]", pdf):
        problems.append("the PDF has no /Title")
    figures = len(re.findall(rb"/S\s*/Figure", pdf))
    alts = len(re.findall(rb"/Alt\s*[(<]", pdf))
    if figures < pictures or alts < pictures:
        problems.append(f"{pictures} pictures, but {figures} tagged figures and {alts} alternative texts")
    return problems


def pdf_info(path: Path) -> dict[str, str]:
    output = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in output.splitlines() if ":" in line) | {}


# --- words broken inside a word ------------------------------------------------------------------

_WORD = re.compile(r"[^\W_][\w-]*", re.U)


def source_words(texts: list[str]) -> set[str]:
    return {w.lower() for text in texts for w in _WORD.findall(text)}


class _Lines(HTMLParser):
    """pdftotext -bbox-layout's blocks, each a list of lines, each a list of words."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[list[list[str]]] = []
        self.word: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "block":
            self.blocks.append([])
        elif tag == "line" and self.blocks:
            self.blocks[-1].append([])
        elif tag == "word":
            self.word = []

    def handle_data(self, data):
        if self.word is not None:
            self.word.append(data)

    def handle_endtag(self, tag):
        if tag == "word" and self.word is not None and self.blocks and self.blocks[-1]:
            self.blocks[-1][-1].append("".join(self.word))
            self.word = None


def broken_words(pdf: Path, words: set[str]) -> list[str]:
    """Line ends where the last piece and the next line's first piece are, together, one word of the
    source, and the first piece alone is no word of it: a word the layout broke inside itself."""
    xhtml = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    reader = _Lines()
    reader.feed(xhtml)
    broken = []
    for block in reader.blocks:
        for line, following in zip(block, block[1:]):
            if not line or not following:
                continue
            head = _WORD.findall(line[-1])
            tail = _WORD.findall(following[0])
            if not head or not tail:
                continue
            first, second = head[-1].lower().rstrip("-"), tail[0].lower()
            if first not in words and (first + second) in words:
                broken.append(f"{head[-1]}/{tail[0]}")
    return broken
