"""Report pictures drawn with Pillow (PNG, which Word takes): the votes per bottleneck and the level map.

Two simple charts do not justify matplotlib's weight; these are drawn at twice the printed size so
they stay sharp on paper.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

#: Okabe-Ito colours: told apart with every common colour-vision deficiency, and each level is also named
LEVEL_COLOURS = {
    "execution": (0, 114, 178),
    "management": (230, 159, 0),
    "policy": (0, 158, 115),
    "governance": (204, 121, 167),
    None: (140, 149, 159),
}
#: a pattern per level on top of its colour, so a bar's level also shows in greyscale print
LEVEL_PATTERNS = {
    "execution": "solid",
    "management": "diagonal",
    "policy": "dots",
    "governance": "cross",
    None: "horizontal",
}
INK = (26, 26, 26)
MUTED = (85, 95, 107)
RULE = (205, 211, 218)
WIDTH = 1600
_FONT_FILES = {
    False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf"),
    True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"),
}
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "C:/Windows/Fonts")


@lru_cache(maxsize=8)
def font_file(names: tuple[str, ...]) -> str | None:
    """The first of `names` found in the system's font folders, or None."""
    for folder in _FONT_DIRS:
        root = Path(folder)
        if not root.is_dir():
            continue
        for name in names:
            match = next(root.rglob(name), None)
            if match:
                return str(match)
    return None


def _font_paths() -> dict[bool, str | None]:
    return {bold: font_file(names) for bold, names in _FONT_FILES.items()}


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A system sans-serif if there is one; Pillow's own scalable font otherwise."""
    path = _font_paths()[bold] or _font_paths()[False]
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # compress_level 6 is the default; 3 halves the time for a few percent more bytes
    image.save(buffer, format="PNG", compress_level=3, dpi=(240, 240))
    return buffer.getvalue()


def _fit(draw: ImageDraw.ImageDraw, text: str, face, width: int, lines: int = 2) -> list[str]:
    """Word-wrap into at most `lines` lines of `width` pixels, with an ellipsis when cut."""
    words, out, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=face) <= width:
            line = candidate
            continue
        if line:
            out.append(line)
        line = word
        if len(out) == lines:
            break
    if line and len(out) < lines:
        out.append(line)
    shown = " ".join(out)
    if len(shown) < len(" ".join(words)):
        last = out[-1] if out else ""
        while last and draw.textlength(last + "…", font=face) > width:
            last = last[:-1].rstrip()
        out[-1:] = [last + "…"]
    for i, item in enumerate(out):
        while draw.textlength(item, font=face) > width and len(item) > 1:
            item = item[:-2] + "…"
        out[i] = item
    return out


def patterned(image: Image.Image, box: tuple[float, float, float, float], level: str | None) -> None:
    """Fill `box` with the level's colour and pattern, outlined in ink: the outline gives the bar 3:1
    contrast against white whatever its colour (WCAG 1.4.11), the pattern tells levels apart without colour."""
    x0, y0, x1, y1 = (int(v) for v in box)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    tile = Image.new("RGB", (x1 - x0, y1 - y0), LEVEL_COLOURS.get(level, LEVEL_COLOURS[None]))
    pen = ImageDraw.Draw(tile)
    w, h, white = tile.width, tile.height, (255, 255, 255)
    kind = LEVEL_PATTERNS.get(level, "horizontal")
    if kind in ("diagonal", "cross"):
        for start in range(-h, w, 20):
            pen.line((start, h, start + h, 0), fill=white, width=4)
    if kind == "cross":
        for start in range(-h, w, 20):
            pen.line((start, 0, start + h, h), fill=white, width=4)
    if kind == "dots":
        for cx in range(8, w, 18):
            for cy in range(8, h, 18):
                pen.ellipse((cx - 4, cy - 4, cx + 4, cy + 4), fill=white)
    if kind == "horizontal":
        for cy in range(6, h, 14):
            pen.line((0, cy, w, cy), fill=white, width=4)
    image.paste(tile, (x0, y0))
    ImageDraw.Draw(image).rectangle((x0, y0, x1 - 1, y1 - 1), outline=INK, width=2)


def _legend(image: Image.Image, items: Sequence[tuple[str, str | None]], x: int, y: int) -> int:
    draw = ImageDraw.Draw(image)
    face = font(30)
    for label, level in items:
        patterned(image, (x, y + 2, x + 44, y + 36), level)
        draw.text((x + 54, y + 2), label, font=face, fill=INK)
        x += 54 + int(draw.textlength(label, font=face)) + 40
    return y + 50


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    level: str | None


def votes_chart(bars: Sequence[Bar], level_names: dict[str | None, str]) -> bytes:
    """Horizontal bars, most dots first, coloured and patterned by the level that must solve the bottleneck,
    its number and that level written beside each bar."""
    row, bar_height, top = 84, 48, 10
    levels = [level for level in LEVEL_COLOURS if any(b.level == level for b in bars)]
    height = top + 54 + row * len(bars) + 24
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    y = _legend(image, [(level_names[level], level) for level in levels], 20, top) + 10
    label_width = int(WIDTH * 0.36)
    x0 = label_width + 30
    value_face, label_face, level_face = font(32, bold=True), font(30), font(26)
    most = max((b.value for b in bars), default=0) or 1
    room = WIDTH - x0 - 60 - max((int(draw.textlength(level_names[b.level], font=level_face)) for b in bars), default=0)
    room -= 90
    draw.line((x0, y - 6, x0, y + row * len(bars)), fill=RULE, width=2)
    for bar in bars:
        lines = _fit(draw, bar.label, label_face, label_width - 20)
        text_top = y + (row - 36 * len(lines)) // 2
        for i, line in enumerate(lines):
            draw.text((label_width, text_top + 36 * i), line, font=label_face, fill=INK, anchor="ra")
        length = round(room * bar.value / most)
        bar_top = y + (row - bar_height) // 2
        if length:
            patterned(image, (x0, bar_top, x0 + length, bar_top + bar_height), bar.level)
        value_x = x0 + length + 12
        draw.text((value_x, bar_top + bar_height // 2), str(bar.value), font=value_face, fill=INK, anchor="lm")
        value_x += int(draw.textlength(str(bar.value), font=value_face)) + 14
        draw.text(
            (value_x, bar_top + bar_height // 2), level_names[bar.level], font=level_face, fill=MUTED, anchor="lm"
        )
        y += row
    return _png(image)


@dataclass(frozen=True)
class Flow:
    """Reflections about `source` in a bottleneck that `target` must solve."""

    source: str | None
    target: str | None
    weight: int


#: the level map's geometry: image height, space above and below the boxes, gap between boxes, box width
LM_HEIGHT, LM_TOP, LM_BOTTOM, LM_GAP, LM_BOX = 860, 80, 16, 24, 340
#: a box must hold its two label lines, even for one reflection
LM_MIN_BOX = 76


def level_map(
    flows: Sequence[Flow],
    levels: Sequence[str],
    *,
    left_names: dict[str | None, str],
    right_names: dict[str | None, str],
    left_title: str,
    right_title: str,
    left_counts: dict[str | None, str],
    right_counts: dict[str | None, str],
) -> bytes:
    """Where bottlenecks were raised (left) and at which level they must be solved (right).

    Levels are stacked from the board at the top to the work floor at the bottom; band width is the
    number of reflections. `right_counts` gives each target's label line (e.g. "3 bottlenecks").
    """
    flows = [f for f in flows if f.weight > 0]
    # a level without reflections (left) or bottlenecks (right) gets no box: an empty box says nothing
    sources = [k for k in [*reversed(levels), None] if any(f.source == k for f in flows)]
    targets = [k for k in [*reversed(levels), None] if any(f.target == k for f in flows)]
    image = Image.new("RGBA", (WIDTH, LM_HEIGHT), (255, 255, 255, 255))
    draw = ImageDraw.Draw(image)
    left_x, right_x = 4, WIDTH - 4 - LM_BOX
    draw.text((left_x, 10), left_title, font=font(32, bold=True), fill=INK)
    draw.text((right_x + LM_BOX, 10), right_title, font=font(32, bold=True), fill=INK, anchor="ra")

    total = sum(f.weight for f in flows) or 1
    out_weight = {k: sum(f.weight for f in flows if f.source == k) for k in sources}
    in_weight = {k: sum(f.weight for f in flows if f.target == k) for k in targets}
    left, right = _lm_layout(sources, out_weight, total), _lm_layout(targets, in_weight, total)
    _lm_bands(image, flows, (sources, left, out_weight, left_x + LM_BOX), (targets, right, in_weight, right_x))
    draw = ImageDraw.Draw(image)
    for key in sources:
        weight = out_weight[key]
        count = left_counts.get(key, "") if weight else ""
        _lm_box(draw, left_x, key, left[key], left_names[key], count, not weight)
    for key in targets:
        _lm_box(draw, right_x, key, right[key], right_names[key], right_counts.get(key, ""), not in_weight[key])
    return _png(image.convert("RGB"))


def _lm_layout(keys: list, weight: dict, total: int) -> dict:
    """Each box's (top, bottom): height by weight, at least LM_MIN_BOX, all shrunk to fit the image."""
    usable = LM_HEIGHT - LM_TOP - LM_BOTTOM - LM_GAP * (len(keys) - 1)
    heights = {k: max(LM_MIN_BOX, weight[k] / total * usable) if weight[k] else LM_MIN_BOX for k in keys}
    shrink = min(1.0, usable / sum(heights.values())) if heights else 1.0
    boxes, y = {}, float(LM_TOP)
    for k in keys:
        h = heights[k] * shrink
        boxes[k] = (y, y + h)
        y += h + LM_GAP
    return boxes


def _lm_bands(image: Image.Image, flows: list[Flow], left_side: tuple, right_side: tuple) -> None:
    """The bands, drawn before the boxes; each band's share of a box is proportional to its weight."""
    sources, left, out_weight, x0 = left_side
    targets, right, in_weight, x1 = right_side
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    band_draw = ImageDraw.Draw(overlay)
    left_used = {k: left[k][0] for k in sources}
    right_used = {k: right[k][0] for k in targets}
    for flow in sorted(flows, key=lambda f: (sources.index(f.source), targets.index(f.target))):
        l0, l1 = left[flow.source]
        r0, r1 = right[flow.target]
        lh = (l1 - l0) * flow.weight / (out_weight[flow.source] or 1)
        rh = (r1 - r0) * flow.weight / (in_weight[flow.target] or 1)
        a0, a1 = left_used[flow.source], left_used[flow.source] + lh
        b0, b1 = right_used[flow.target], right_used[flow.target] + rh
        left_used[flow.source], right_used[flow.target] = a1, b1
        upper = _curve(x0, a0, x1, b0)
        lower = _curve(x0, a1, x1, b1)
        band_draw.polygon(upper + lower[::-1], fill=(*LEVEL_COLOURS[flow.source], 110))
    image.alpha_composite(overlay)


def _lm_box(draw, x: float, key, span: tuple, name: str, count_line: str, empty: bool) -> None:
    """One level's box with its name and, below it, its count line."""
    y0, y1 = span
    if empty:
        draw.rectangle((x, y0, x + LM_BOX, y1), outline=RULE, width=3, fill=(248, 249, 250))
        fill = MUTED
    else:
        draw.rectangle((x, y0, x + LM_BOX, y1), fill=LEVEL_COLOURS[key])
        fill = (255, 255, 255) if key == "execution" else INK
    middle = (y0 + y1) / 2
    name_face = font(31, bold=True)
    if not count_line:
        draw.text((x + 18, middle), name, font=name_face, fill=fill, anchor="lm")
        return
    draw.text((x + 18, middle - 18), name, font=name_face, fill=fill, anchor="lm")
    draw.text((x + 18, middle + 20), count_line, font=font(28), fill=fill, anchor="lm")


def _curve(x0: float, y0: float, x1: float, y1: float, steps: int = 40) -> list[tuple[float, float]]:
    """A smooth S from (x0, y0) to (x1, y1): a cubic Bezier with horizontal tangents at both ends."""
    mid = (x0 + x1) / 2
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        x = u**3 * x0 + 3 * u * u * t * mid + 3 * u * t * t * mid + t**3 * x1
        y = u**3 * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y1 + t**3 * y1
        points.append((x, y))
    return points


@dataclass(frozen=True)
class Share:
    """One level's part of a whole, with the words printed beside its bar (e.g. "60% · 12:30 min")."""

    label: str
    level: str
    fraction: float
    text: str


def share_chart(shares: Sequence[Share]) -> bytes:
    """Horizontal bars on a scale of 0 to 100%, one per level, coloured and named by level."""
    row, bar_height, top = 84, 48, 16
    height = top + row * len(shares) + 24
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    label_width = int(WIDTH * 0.22)
    x0 = label_width + 30
    label_face, value_face = font(32, bold=True), font(30)
    room = WIDTH - x0 - 380
    y = top
    draw.line((x0, y - 6, x0, y + row * len(shares)), fill=RULE, width=2)
    for share in shares:
        draw.text((label_width, y + row // 2), share.label, font=label_face, fill=INK, anchor="rm")
        length = round(room * max(0.0, min(1.0, share.fraction)))
        bar_top = y + (row - bar_height) // 2
        if length:
            patterned(image, (x0, bar_top, x0 + length, bar_top + bar_height), share.level)
        draw.text((x0 + length + 12, bar_top + bar_height // 2), share.text, font=value_face, fill=INK, anchor="lm")
        y += row
    return _png(image)


def nice_ticks(high: float, count: int = 6) -> list[int]:
    """Round tick values from 0 to at least `high`: steps of 1, 2 or 5 times a power of ten."""
    high = max(1.0, float(high))
    step = 1
    while high / step > count:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if high / step <= count:
                break
    ticks = list(range(0, int(high) + step, step))
    return ticks if ticks[-1] >= high else [*ticks, ticks[-1] + step]


@dataclass(frozen=True)
class SpreadShape:
    """Where the parts of a spread chart go, in pixels, shared by the Word picture and the page's SVG."""

    ticks: list[tuple[float, int]]  # (x, value)
    dots: list[tuple[float, int]]  # (x, row): equal values stack in rows
    q1: float
    median: float
    q3: float
    low: float
    high: float


def spread_shape(
    values: Sequence[int], q1: float, median: float, q3: float, left: float, right: float, dot: float
) -> SpreadShape:
    ticks = nice_ticks(max(values, default=1))
    scale = (right - left) / (ticks[-1] or 1)

    def x(value: float) -> float:
        return left + value * scale

    rows: dict[int, int] = {}
    dots = []
    for value in values:
        # values within a dot's width of each other stack upwards instead of hiding each other
        slot = round(x(value) / dot)
        rows[slot] = rows.get(slot, -1) + 1
        dots.append((x(value), rows[slot]))
    return SpreadShape([(x(t), t) for t in ticks], dots, x(q1), x(median), x(q3), x(min(values)), x(max(values)))


def spread_chart(values: Sequence[int], q1: float, median: float, q3: float, unit: str) -> bytes:
    """A box from the first to the third quartile with the median in it, whiskers to the least and most, and
    every journey as a dot above: the spread of days to breakthrough."""
    left, right = 60, WIDTH - 60
    shape = spread_shape(values, q1, median, q3, left, right, dot=20)
    stack = max((row for _x, row in shape.dots), default=0)
    dot_room = min(24, 200 // (stack + 1))
    box_top = 40 + (stack + 1) * dot_room + 20
    axis = box_top + 110
    image = Image.new("RGB", (WIDTH, axis + 110), "white")
    draw = ImageDraw.Draw(image)
    for x, row in shape.dots:
        cy = box_top - 20 - row * dot_room
        draw.ellipse((x - 9, cy - 9, x + 9, cy + 9), fill=LEVEL_COLOURS["execution"], outline=INK, width=2)
    mid = box_top + 40
    draw.line((shape.low, mid, shape.q1, mid), fill=INK, width=4)
    draw.line((shape.q3, mid, shape.high, mid), fill=INK, width=4)
    for x in (shape.low, shape.high):
        draw.line((x, mid - 20, x, mid + 20), fill=INK, width=4)
    patterned(image, (shape.q1, box_top, max(shape.q3, shape.q1 + 4), box_top + 80), "management")
    draw.line((shape.median, box_top - 6, shape.median, box_top + 86), fill=INK, width=8)
    draw.line((left, axis, right, axis), fill=MUTED, width=2)
    face = font(28)
    for x, value in shape.ticks:
        draw.line((x, axis, x, axis + 12), fill=MUTED, width=2)
        draw.text((x, axis + 18), str(value), font=face, fill=INK, anchor="ma")
    draw.text(((left + right) / 2, axis + 62), unit, font=face, fill=MUTED, anchor="ma")
    return _png(image)


def count_chart(rows: Sequence[tuple[str, int]]) -> bytes:
    """Horizontal bars with their number, most first: e.g. rejections per law and ground."""
    row, bar_height = 72, 40
    image = Image.new("RGB", (WIDTH, 20 + row * len(rows) + 20), "white")
    draw = ImageDraw.Draw(image)
    label_width = int(WIDTH * 0.42)
    x0 = label_width + 30
    label_face, value_face = font(28), font(30, bold=True)
    most = max((value for _label, value in rows), default=0) or 1
    room = WIDTH - x0 - 120
    y = 20
    draw.line((x0, y - 6, x0, y + row * len(rows)), fill=RULE, width=2)
    for label, value in rows:
        lines = _fit(draw, label, label_face, label_width - 20)
        text_top = y + (row - 34 * len(lines)) // 2
        for i, line in enumerate(lines):
            draw.text((label_width, text_top + 34 * i), line, font=label_face, fill=INK, anchor="ra")
        length = round(room * value / most)
        bar_top = y + (row - bar_height) // 2
        if length:
            patterned(image, (x0, bar_top, x0 + length, bar_top + bar_height), "execution")
        draw.text((x0 + length + 12, bar_top + bar_height // 2), str(value), font=value_face, fill=INK, anchor="lm")
        y += row
    return _png(image)
