"""Word building blocks every report section shares: the page, styles and language, tables that fit the
page and stay fast when long, real hyperlinks, pictures and the case text's formatting."""

from __future__ import annotations

import copy
import io
import re
import weakref
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run as DocxRun
from PIL import ImageFont

from facilitation.reports.charts import font, font_file
from facilitation.reports.richtext import Block, Run

PAGE_WIDTH_CM = 21.0
PAGE_HEIGHT_CM = 29.7
MARGIN_CM = 2.2
#: what tables and pictures may use: A4 minus both margins
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM
#: Arial in Word, Liberation Sans (same metrics) in LibreOffice on Linux
FONT = "Arial"
INK = RGBColor(0x1A, 0x1A, 0x1A)
ACCENT = RGBColor(0x1B, 0x3A, 0x5C)
MUTED = RGBColor(0x55, 0x5F, 0x6B)
LINK = RGBColor(0x05, 0x63, 0xC1)
HEADER_FILL = "1B3A5C"
#: tables up to this many rows are kept on one page
KEEP_TOGETHER_ROWS = 15
BORDER = "B7C0CA"
LANGUAGE_TAGS = {"nl": "nl-NL", "en": "en-GB"}
#: where a cover fact's value starts, after its label
FACT_LABEL_CM = 4.2

# XML 1.0 allows tab, newline and carriage return below 0x20, and no lone surrogates or U+FFFE/FFFF;
# lxml refuses the rest, so one stray control character in a reflection would break the whole export
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    return _NOT_XML.sub("", "" if text is None else str(text))


_URL_CONTROL = re.compile("[\x00-\x20\x7f]")


def clean_url(url: str) -> str:
    """A link target XML can hold: control characters and spaces percent-encoded (as a browser sends them),
    what XML cannot hold at all left out."""
    return clean(_URL_CONTROL.sub(lambda found: f"%{ord(found.group()):02X}", url))


# --- the document ----------------------------------------------------------------------------


def new_document(language: str, title: str) -> DocxDocument:
    """An empty A4 document in the report's style, its language set for spelling and hyphenation,
    and no author or generator in its properties."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)
    _set_defaults(doc, LANGUAGE_TAGS.get(language, "nl-NL"))
    _style(doc)
    _properties(doc, language, title)
    return doc


def _set_defaults(doc: DocxDocument, lang: str) -> None:
    """python-docx has no API for the proofing language: it lives in docDefaults' w:lang."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), lang)
    language.set(qn("w:eastAsia"), lang)
    language.set(qn("w:bidi"), "ar-SA")
    settings = doc.settings.element
    theme_language = settings.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), lang)


def _plain_fonts(style) -> None:
    """Drop the template's theme fonts (Calibri/Cambria) so every style uses the report's font."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        rpr.remove(fonts)
    style.font.name = FONT
    rpr.rFonts.set(qn("w:eastAsia"), FONT)
    rpr.rFonts.set(qn("w:cs"), FONT)


def _style(doc: DocxDocument) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _plain_fonts(normal)
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = INK
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size, before, after in (
        ("Title", 26, 0, 6),
        ("Heading 1", 16, 18, 6),
        ("Heading 2", 13, 14, 4),
        ("Heading 3", 11.5, 10, 3),
        ("Heading 4", 10.5, 8, 2),
    ):
        style = styles[name]
        _plain_fonts(style)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = ACCENT
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
    _plain_title(styles)
    for name in ("Subtitle", "Caption", "Quote", "List Bullet", "List Bullet 2", "List Bullet 3"):
        _plain_fonts(styles[name])
    subtitle = styles["Subtitle"]
    subtitle.font.size, subtitle.font.italic, subtitle.font.color.rgb = Pt(14), False, MUTED
    caption = styles["Caption"]
    caption.font.size, caption.font.bold, caption.font.italic = Pt(9), False, True
    caption.font.color.rgb = MUTED
    caption.paragraph_format.space_after = Pt(12)
    quote = styles["Quote"]
    quote.font.color.rgb = MUTED
    quote.paragraph_format.left_indent = Cm(0.8)
    for name in ("List Bullet", "List Bullet 2", "List Bullet 3"):
        styles[name].paragraph_format.space_after = Pt(3)

    _own_styles(styles, normal)


def _plain_title(styles) -> None:
    """The template's Title has a bottom border and expanded spacing; a plain large title reads better."""
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for child in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(child)
    for name in ("Title", "Subtitle"):
        rpr = styles[name].element.get_or_add_rPr()
        for tag in ("w:spacing", "w:kern"):
            for child in rpr.findall(qn(tag)):
                rpr.remove(child)


def _own_styles(styles, normal) -> None:
    """The styles the template does not have: table text, facts with a hanging label, notes, small print."""
    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(9.5)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.space_before = Pt(0)
    table_text.paragraph_format.line_spacing = 1.05
    fact = styles.add_style("Fact Text", WD_STYLE_TYPE.PARAGRAPH)
    fact.base_style = normal
    fact.paragraph_format.space_after = Pt(3)
    fact.paragraph_format.space_before = Pt(3)
    # a long value wraps under itself, not under its label
    fact.paragraph_format.left_indent = Cm(FACT_LABEL_CM)
    fact.paragraph_format.first_line_indent = Cm(-FACT_LABEL_CM)
    fact.paragraph_format.tab_stops.add_tab_stop(Cm(FACT_LABEL_CM))
    note = styles.add_style("Note", WD_STYLE_TYPE.CHARACTER)
    note.font.color.rgb = MUTED
    small = styles.add_style("Small Print", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.font.size = Pt(9)
    small.font.color.rgb = MUTED


def _properties(doc: DocxDocument, language: str, title: str) -> None:
    props = doc.core_properties
    # the template says "python-docx"; a report carries no author, no editor and no generator
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""
    props.title = clean(title)[:255]
    props.language = LANGUAGE_TAGS.get(language, "nl-NL")
    props.revision = 1
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.created = now
    props.modified = now
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]


def footer(doc: DocxDocument, text: str, page_word: str) -> None:
    """The report's name and the page number on every page but the title page."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.style = doc.styles["Small Print"]
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(clean(text))
    paragraph.add_run(f"\t{page_word} ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    number = OxmlElement("w:t")
    number.text = "1"
    run.append(number)
    field.append(run)
    paragraph._p.append(field)


def page_break(doc: DocxDocument) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


_STYLE_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def style_id(part, name: str) -> str:
    """A style's id by its name, looked up once per document (part): python-docx searches every style by
    name and then compares it with the default style on each use, which dominates a long report."""
    ids = _STYLE_IDS.setdefault(part, {})
    if name not in ids:
        ids[name] = part.styles[name].style_id
    return ids[name]


def styled(doc: DocxDocument, text: str, style: str | None = None) -> Paragraph:
    """A new paragraph at the end of the document, in the named style."""
    paragraph_ = Paragraph(doc.element.body.add_p(), doc._body)
    if style:
        paragraph_._p.style = style_id(doc.part, style)
    if text:
        paragraph_.add_run(clean(text))
    return paragraph_


def heading(doc: DocxDocument, text: str, level: int) -> Paragraph:
    return styled(doc, text, "Title" if level == 0 else f"Heading {level}")


def paragraph(doc: DocxDocument, text: str = "", style: str | None = None) -> Paragraph:
    return styled(doc, text, style)


def intro(doc: DocxDocument, text: str) -> Paragraph:
    """The sentence under a section heading, kept on the page of the table or picture it introduces."""
    paragraph_ = styled(doc, text)
    paragraph_.paragraph_format.keep_with_next = True
    return paragraph_


def styled_run(paragraph_: Paragraph, text: str, style: str) -> None:
    r = paragraph_._p.add_r()
    r.style = style_id(paragraph_.part, style)
    r.text = clean(text)


class ListWriter:
    """Many bullets of text plus a muted note, each a copy of one prepared paragraph."""

    def __init__(self, doc: DocxDocument, style: str = "List Bullet"):
        self.body = doc.element.body
        item = styled(doc, "-", style)
        styled_run(item, "-", "Note")
        self.prototype = item._p
        self.body.remove(self.prototype)
        for t in self.prototype.iter(_T):
            t.set(_XML_SPACE, "preserve")
        self.doc = doc
        self.style = style

    def item(self, text: str, note: str = "", *, bold: bool = False) -> None:
        text = clean(text)
        if "\n" in text or "\t" in text:
            # typed line breaks and tabs become w:br and w:tab through python-docx
            p = styled(self.doc, text, self.style)
            if bold:
                p.runs[0].bold = True
            if note:
                styled_run(p, note, "Note")
            return
        p = copy.deepcopy(self.prototype)
        first, second = p.iter(_T)
        first.text = text
        second.text = clean(note)
        if bold:
            first.getparent().get_or_add_rPr().get_or_add_b()
        # the section properties stay the body's last child
        self.body.insert(len(self.body) - 1, p)


def caption(doc: DocxDocument, text: str) -> Paragraph:
    return styled(doc, text, "Caption")


def picture(doc: DocxDocument, png: bytes, alt: str, width_cm: float = TEXT_WIDTH_CM) -> None:
    """A centred picture kept on one page with its caption, which must follow.

    `alt` is the alternative text (wp:docPr descr) a screen reader speaks and LibreOffice carries into a
    tagged PDF as the figure's /Alt: what the chart shows, its numbers in words.
    """
    shape = doc.add_picture(io.BytesIO(png), width=Cm(min(width_cm, TEXT_WIDTH_CM)))
    properties = shape._inline.docPr
    properties.set("descr", clean(alt))
    properties.set("title", clean(alt.split(":", 1)[0])[:120])
    placed = Paragraph(doc.element.body.findall(qn("w:p"))[-1], doc._body)
    placed.alignment = WD_ALIGN_PARAGRAPH.CENTER
    placed.paragraph_format.keep_with_next = True
    placed.paragraph_format.space_before = Pt(12)


# --- tables ----------------------------------------------------------------------------------


def table(
    doc: DocxDocument,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    right: Iterable[int] = (),
    bold_last: bool = False,
    full_width: bool = True,
):
    """A table that fits the text width, its columns sized to their content, with a header row repeated
    on every page.

    Rows are added one by one, never looked up: python-docx's table.cell() rebuilds the whole grid
    on every call (quadratic). Each row is a copy of one prepared row with its texts filled in, because
    python-docx's per-cell setters (width, style, run) cost more than the rest of a report together.
    """
    cells = [[_one_line(value) for value in values] for values in rows]
    widths = [Cm(w) for w in fit_widths([_one_line(h) for h in headers], cells, full_width=full_width)]
    right = set(right)
    style_id = doc.styles["Table Text"].style_id
    result = doc.add_table(rows=1, cols=len(headers))
    result.alignment = WD_TABLE_ALIGNMENT.LEFT
    result.autofit = False
    for column, width in zip(result.columns, widths):
        column.width = width
    _table_look(result._tbl, int(sum(widths)))
    header = result.rows[0]
    _repeat_header(header._tr)
    for i, (cell, text) in enumerate(zip(header.cells, headers)):
        cell.width = widths[i]
        _shade(cell._tc, HEADER_FILL)
        _fill(cell._tc, text, style_id, bold=True, color="FFFFFF", right=i in right)
    # a short table stays on one page: Word keeps a row with the next when its paragraphs say so
    together = len(cells) <= KEEP_TOGETHER_ROWS
    if together:
        _keep_with_next(header._tr)
    plain = _prototype(result, style_id, right, bold=False, keep_next=together)
    tbl = result._tbl
    for n, values in enumerate(cells):
        last = n == len(cells) - 1
        if last and (bold_last or together):
            proto = _prototype(result, style_id, right, bold=bold_last, keep_next=False)
        else:
            proto = plain
        tr = copy.deepcopy(proto)
        for t, value in zip(tr.iter(_T), values):
            t.text = value
        tbl.append(tr)
    return result


#: table text size in points (the "Table Text" style), and a cell's left plus right padding in cm
TABLE_POINTS = 9.5
CELL_PADDING_CM = 2 * 85 / 567
#: what a measured width may be off by (kerning, rounding in Word and LibreOffice)
SLACK_CM = 0.12
_CHAR_WIDTHS: dict[bool, dict[str, float]] = {False: {}, True: {}}


@lru_cache(maxsize=2)
def _metric_font(bold: bool):
    """Liberation Sans (Arial's metrics, which LibreOffice uses for Arial on Linux) to measure text with;
    a wider fallback font only overestimates, which is the safe side."""
    path = font_file(
        ("LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf")
        if bold
        else ("LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf")
    )
    return ImageFont.truetype(path, 1000) if path else font(1000, bold)


def text_cm(text: str, bold: bool = False, points: float = TABLE_POINTS) -> float:
    """The printed width of `text` in cm, one character at a time (cached), so long tables stay fast."""
    widths = _CHAR_WIDTHS[bold]
    total = 0.0
    for char in text:
        width = widths.get(char)
        if width is None:
            width = widths[char] = _metric_font(bold).getlength(char) / 1000
        total += width
    return total * points / 72 * 2.54


def fit_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width_cm: float = TEXT_WIDTH_CM, *, full_width: bool = True
) -> list[float]:
    """Column widths in cm from the content: every column at least as wide as its longest word (so no
    word breaks inside itself), the rest of the text width shared by how much more each column needs
    to keep its cells on one line."""
    columns = len(headers)
    least, wish = [0.0] * columns, [0.0] * columns
    seen: set[tuple[int, str, bool]] = set()
    for bold, cells in [(True, headers), *((False, row) for row in rows)]:
        for i, text in enumerate(cells[:columns]):
            if (i, text, bold) in seen:
                continue  # a timeline repeats its few texts a thousand times
            seen.add((i, text, bold))
            longest = max((text_cm(w, bold) for w in text.split()), default=0.0)
            least[i] = max(least[i], longest)
            wish[i] = max(wish[i], min(text_cm(text, bold), width_cm))
    extra = CELL_PADDING_CM + SLACK_CM
    least = [w + extra for w in least]
    wish = [max(w + extra, low) for w, low in zip(wish, least)]
    if sum(wish) <= width_cm:
        # everything fits on one line: share what is left by size, so the table spans the text width
        return [w * width_cm / sum(wish) for w in wish] if full_width else wish
    if sum(least) >= width_cm:
        return _narrowest_breaks(least, width_cm)
    room, need = width_cm - sum(least), sum(h - low for h, low in zip(wish, least))
    return [low + room * (h - low) / need for h, low in zip(wish, least)]


_T = qn("w:t")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_SPACES = re.compile(r"\s+")


def _one_line(value: object) -> str:
    # a table cell holds one line: newlines and tabs from typed text become spaces
    return _SPACES.sub(" ", clean(value)).strip()


def _prototype(table_, style_id: str, right: set[int], *, bold: bool, keep_next: bool):
    """One detached row, every cell a styled paragraph with one run, ready to be copied and filled."""
    row = table_.add_row()
    tr = row._tr
    _keep_row_together(tr)
    for i, cell in enumerate(row.cells):
        _fill(cell._tc, "-", style_id, bold=bold, right=i in right)
        t = cell._tc.find(".//" + _T)
        t.set(_XML_SPACE, "preserve")
        t.text = ""
    if keep_next:
        _keep_with_next(tr)
    table_._tbl.remove(tr)
    return tr


def facts(doc: DocxDocument, pairs: Sequence[tuple[str, str]]) -> None:
    """Label and value lines for a cover page: paragraphs with a tab stop rather than a table, because a
    table without a header row is a barrier to a screen reader, and a header above two facts says nothing."""
    for label, value in pairs:
        p = styled(doc, "", "Fact Text")
        label_run = p.add_run(clean(label))
        label_run.bold = True
        label_run.font.color.rgb = MUTED
        p.add_run("\t" + clean(value))


def _keep_with_next(tr) -> None:
    for p in tr.iter(qn("w:p")):
        p.get_or_add_pPr().keepNext_val = True


def _fill(
    tc, value: object, style_id: str, *, bold: bool = False, color: str | None = None, right: bool = False
) -> None:
    p = tc.p_lst[0]
    ppr = p.get_or_add_pPr()
    ppr.style = style_id
    if right:
        ppr.jc_val = WD_ALIGN_PARAGRAPH.RIGHT
    text = clean(value)
    if not text:
        return
    r = p.add_r()
    if bold or color:
        rpr = r.get_or_add_rPr()
        if bold:
            rpr.get_or_add_b()
        if color:
            rpr.get_or_add_color().val = RGBColor.from_string(color)
    r.text = text


def _table_look(tbl, width_emu: int) -> None:
    """Light horizontal rules and cell padding, set once on the table rather than on every cell."""
    tbl_pr = tbl.tblPr
    tbl_width = tbl_pr.find(qn("w:tblW"))
    if tbl_width is None:
        tbl_width = OxmlElement("w:tblW")
        tbl_pr.append(tbl_width)
    tbl_width.set(qn("w:w"), str(int(width_emu / 635)))  # 635 EMU to a twip
    tbl_width.set(qn("w:type"), "dxa")
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        if edge in ("left", "right", "insideV"):
            element.set(qn("w:val"), "nil")
        else:
            element.set(qn("w:val"), "single")
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), BORDER)
        borders.append(element)
    margins = OxmlElement("w:tblCellMar")
    for edge, size in (("top", 45), ("left", 85), ("bottom", 45), ("right", 85)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(size))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    # schema order inside tblPr: ... tblW, jc, ..., tblBorders, shd, tblLayout, tblCellMar, tblLook
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is not None:
        layout.addprevious(borders)
        layout.addnext(margins)
    else:
        tbl_pr.append(borders)
        tbl_pr.append(margins)
    style = tbl_pr.find(qn("w:tblStyle"))
    if style is not None:
        tbl_pr.remove(style)


def _shade(tc, fill: str) -> None:
    tc_pr = tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def _repeat_header(tr) -> None:
    tr_pr = tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    tr_pr.append(OxmlElement("w:tblHeader"))


def _keep_row_together(tr) -> None:
    tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


# --- formatted text --------------------------------------------------------------------------


def link(paragraph_: Paragraph, text: str, url: str) -> DocxRun:
    """A real hyperlink (w:hyperlink with an external relationship), not blue text."""
    rel_id = paragraph_.part.relate_to(clean_url(url), RT.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), rel_id)
    r = paragraph_._p.add_r()
    hyperlink.append(r)
    paragraph_._p.append(hyperlink)
    run = DocxRun(r, paragraph_)
    run.text = clean(text)
    run.font.color.rgb = LINK
    run.font.underline = True
    return run


def runs(paragraph_: Paragraph, items: Iterable[Run]) -> None:
    for item in items:
        if item.line_break:
            paragraph_.add_run().add_break()
        if item.href:
            run = link(paragraph_, item.text, item.href)
        else:
            run = paragraph_.add_run(clean(item.text))
        if item.bold:
            run.bold = True
        if item.italic:
            run.italic = True
        if item.code:
            run.font.name = "Courier New"


def rich_text(doc: DocxDocument, blocks: list[Block], top_heading: int) -> None:
    """Case text as Word formatting: its headings become Word headings from `top_heading` down."""
    levels = sorted({b.level for b in blocks if b.kind == "heading"})
    heading_level = {level: min(top_heading + i, 9) for i, level in enumerate(levels)}
    numbered = None
    for block in blocks:
        if block.kind != "item":
            # a paragraph or heading ends an ordered list; the next one starts again at 1
            numbered = None
        if block.kind == "heading":
            runs(doc.add_heading("", heading_level[block.level]), block.runs)
        elif block.kind == "item":
            if block.number is not None:
                if numbered is None or (block.number == 1 and block.level == 1):
                    numbered = numbering(doc)
                p = doc.add_paragraph(style=doc.styles["List Number"])
                _number(p, numbered, block.level - 1)
            else:
                p = doc.add_paragraph(
                    style=doc.styles[("List Bullet", "List Bullet 2", "List Bullet 3")[min(block.level, 3) - 1]]
                )
            runs(p, block.runs)
        elif block.kind == "quote":
            runs(doc.add_paragraph(style=doc.styles["Quote"]), block.runs)
        elif block.kind == "code":
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(0.5)
            runs(p, block.runs)
        elif block.kind == "rule":
            p = doc.add_paragraph()
            _bottom_border(p)
        elif block.kind == "table" and block.rows:
            columns = max(len(r) for r in block.rows)
            header = block.rows[0] if block.header else None
            body = block.rows[1:] if block.header else block.rows
            if header is None:
                # every table needs a header row; a Markdown table without one has its first row as header
                header, body = block.rows[0], block.rows[1:]
            t = table(
                doc,
                ["".join(r.text for r in c) for c in header] + [""] * (columns - len(header)),
                [["".join(r.text for r in c) for c in row] for row in body],
            )
            t.alignment = WD_TABLE_ALIGNMENT.LEFT
            doc.add_paragraph()
        else:
            runs(doc.add_paragraph(), block.runs)


def _narrowest_breaks(least: list[float], width_cm: float) -> list[float]:
    """More long words than room: only the widest columns give way (a long web address or code, which must
    break anyway), level by level, so the ordinary words in the other columns stay whole."""
    widths = list(least)
    while sum(widths) > width_cm + 1e-6:
        widest = max(widths)
        others = [w for w in widths if w < widest - 1e-6]
        count = len(widths) - len(others)
        floor = max(max(others, default=0.0), widest - (sum(widths) - width_cm) / count)
        widths = [floor if w >= widest - 1e-6 else w for w in widths]
    return widths


def numbering(doc: DocxDocument) -> str:
    """A new numbering instance of the "List Number" list that starts at 1: each ordered list in the case
    text counts from 1, yet is a real Word list (a screen reader announces it and its length)."""
    numbering_part = doc.part.numbering_part.element
    base = doc.styles["List Number"].element.pPr.numPr.numId.val
    abstract = next(n.abstractNumId.val for n in numbering_part.num_lst if n.numId == base)
    num = numbering_part.add_num(abstract)
    override = num.add_lvlOverride(ilvl=0)
    override.add_startOverride(1)
    return str(num.numId)


def _number(paragraph_: Paragraph, num_id: str, level: int) -> None:
    num_pr = paragraph_._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = max(0, min(level, 8))
    num_pr.get_or_add_numId().val = int(num_id)


def _bottom_border(paragraph_: Paragraph) -> None:
    _border(paragraph_, "bottom", 6, BORDER, 1)


def cover_rule(paragraph_: Paragraph) -> None:
    """The thick accent line above the title block of a cover page."""
    _border(paragraph_, "top", 36, str(ACCENT), 10)


def _border(paragraph_: Paragraph, edge: str, size: int, color: str, space: int) -> None:
    ppr = paragraph_._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{edge}")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", str(space)), ("w:color", color)):
        line.set(qn(key), value)
    borders.append(line)
    # pBdr sits after pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl and numPr
    anchor = None
    for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr"):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)


def save(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
