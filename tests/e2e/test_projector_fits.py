"""The projector fits every beamer: for each view and screen size, with a full room, the page does not scroll,
nothing lies outside the screen, no word is broken over two lines, type is large enough for the back row, and
what does not fit is paged ("2/4") so every card is shown on some page.

The room is made through the command pipeline (tests/e2e/seed.py); views are chosen with the `projector.show`
command, as the console does, and the page is opened again to get the new state."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.e2e.seed import big_fishbowl, big_learning_table

SIZES = [(1024, 768), (1280, 720), (1366, 768), (1920, 1080), (3840, 2160)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

#: at 1920x1080; the same proportion of the smaller side elsewhere (min(width/1920, height/1080))
MINIMUM_PX = [
    (
        ".reflection:not(.fitted) p, .commitment-what, .chip-title, #votes-chart .bar-label, .fishbowl-queue > li",
        32,
        "card text",
    ),
    # a card taller than the whole screen gets smaller type (fit.js MIN_TYPE), then an ellipsis
    (".reflection.fitted p", 24, "text of a card shrunk to fit"),
    ("h1, .view h2, .column h3, .lane h3", 40, "title"),
    ("#timer, #participant-count, #votes-chart .bar-value, .round-clock, #pager, .kind-count", 40, "count"),
    ('.stage[data-join="big"] .join-code', 96, "join code"),
    ("body *", 18, "any text"),
]

# One pass over the page as it is: returns a list of what is wrong (empty when it fits).
CHECK = (Path(__file__).parent / "projector_fits.js").read_text()


def check_every_page(page, label: str) -> set[str]:
    """Checks the page as shown and every further page (PageDown, as a presenter's clicker); returns what was shown."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    scale = min(width / 1920, height / 1080)
    seen: set[str] = set()
    # back to the first page; a page turned by hand stays for 12 s, longer than a check takes
    page.keyboard.press("Home")
    expect(page.locator("#pager")).to_have_attribute("data-page", "1")
    result = page.evaluate(CHECK, [MINIMUM_PX, scale])
    for number in range(result["pages"]):
        if number:
            page.keyboard.press("PageDown")
            expect(page.locator("#pager"), f"{label} {width}x{height}").to_have_attribute("data-page", str(number + 1))
            result = page.evaluate(CHECK, [MINIMUM_PX, scale])
        assert not result["problems"], f"{label} {width}x{height} page {number + 1}: " + "\n".join(result["problems"])
        seen.update(result["shown"])
    if result["pages"] > 1:
        expect(page.locator("#pager")).to_have_text(f"{result['pages']}/{result['pages']}")
    return seen


def open_projector(page, server, room) -> None:
    page.goto(f"{server.url}/sessions/{room.id}/projector")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "online")


def each_size(page, label: str, visible: str, shots: tuple = ()) -> set[str]:
    seen: set[str] = set()
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        expect(page.locator(visible)).to_be_visible()
        page.wait_for_timeout(250)  # the pager lays out again after a resize
        seen |= check_every_page(page, label)
        if (width, height) in shots and os.environ.get("SAVE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.keyboard.press("Home")
            expect(page.locator("#pager")).to_have_attribute("data-page", "1")
            page.screenshot(path=str(SCREENSHOTS / f"projector-{label}-{width}x{height}.png"))
    return seen


@pytest.fixture
def projector(server, new_context):
    page = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.on("pageerror", lambda e: print("PAGEERR", e))
    log_in(page, server)
    return page


def test_every_view_of_a_full_learning_table_fits_every_screen(server, projector):
    room = big_learning_table(server.instance)
    views = [
        ("commitments", "auto", "#commitments-view", "commitment:", 15),
        ("wall", "wall", "#wall-view", "reflection:", 120),
        ("clusters", "clusters", "#board-view", "column:", 20),
        ("levels", "levels", "#levels-view", "chip:", 20),
        ("votes", "votes", "#votes-view", "bar-row:", 20),
        ("journey", "journey", "#journey-view", "moment:", 10),
        ("join", "join", ".stage[data-join=big] #qr", None, 0),
        ("case", "case", "#case-view", None, 0),
    ]
    for label, view, visible, prefix, count in views:
        if view != "auto":
            room.run("projector.show", {"view": view})
        open_projector(projector, server, room)
        seen = each_size(projector, label, visible, shots=((1280, 720), (1920, 1080)))
        if prefix:
            assert len({s for s in seen if s.startswith(prefix)}) == count, (label, sorted(seen)[:5])
    # the clusters view shows every reflection once, on one page or another
    room.run("projector.show", {"view": "clusters"})
    open_projector(projector, server, room)
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.wait_for_timeout(250)
    assert len({s for s in check_every_page(projector, "clusters") if s.startswith("reflection:")}) == 120


def test_the_lobby_and_a_covered_wall_fit(server, projector):
    from tests.e2e.seed import Room

    room = Room(server.instance, "learning-table", "Leertafel met een heel lange titel over samenwerking")
    room.join(3)
    open_projector(projector, server, room)
    each_size(projector, "lobby", ".stage[data-join=big] #qr", shots=((1920, 1080),))
    # the QR code takes at least half the screen's height in the lobby
    box = projector.locator("#qr").bounding_box()
    assert box["height"] >= 2160 / 2
    room.run("session.start", {})
    room.phase("write")
    open_projector(projector, server, room)
    # the writing phase is covered: the counts per kind (all 0) instead of the cards
    each_size(projector, "covered-wall", "#wall-covered")
    expect(projector.locator(".stage")).to_have_attribute("data-join", "strip")


def test_a_full_fishbowl_fits_every_screen(server, projector):
    room = big_fishbowl(server.instance)
    open_projector(projector, server, room)
    seen = each_size(projector, "fishbowl", "#fishbowl-view", shots=((1280, 720), (1920, 1080)))
    expect(projector.locator("#fishbowl-circle .chair")).to_have_count(8)
    # everyone in the queue is shown on some page
    assert len({s for s in seen if s.startswith("li:")}) == 20


#: 500 characters, the longest a reflection may be, with the long compounds of the social domain
LONG = (
    "De jeugdbeschermingsmaatregel kwam pas nadat school, wijkteam, schuldhulpverlening en de woningcorporatie "
    "elk afzonderlijk hadden vastgesteld dat het misging, zonder dat iemand het hele gezin overzag; de "
    "gezinsregisseur werd drie keer vervangen, iedere nieuwe hulpverlener vroeg moeder haar verhaal opnieuw te "
    "vertellen, en de privacyregels werden de reden om niets te delen, terwijl iedereen wist dat de "
    "huisuitzetting eraan kwam en de leerplicht al lang signalen had die nooit bij iemand aankwamen."
)


def _long_room(server, fmt):
    """Two 500-character reflections beside short ones: in the learning table one of them in a cluster with a
    description (its heading comes back above it on its page), in the fishbowl in the outer circle's corner."""
    from tests.e2e.seed import Room

    room = Room(server.instance, fmt, "Leertafel met lange kaarten")
    room.join(4)
    room.run("session.start", {})
    room.phase("cluster" if fmt == "learning-table" else "rounds")
    kind = "bottleneck" if fmt == "learning-table" else "question"
    assert len(LONG) == 500
    short = [
        room.run("reflection.post", {"kind": kind, "text": f"Kort kaartje {n}"}, room.people[n])["id"] for n in range(3)
    ]
    long_ids = [room.run("reflection.post", {"kind": kind, "text": LONG}, room.people[n])["id"] for n in (0, 1)]
    if fmt == "learning-table":
        room.run(
            "cluster.create",
            {
                "title": "Niemand overzag het hele gezin en iedereen wachtte op elkaar",
                "description": "Signalen bleven liggen bij school, wijkteam en leerplicht; niemand had de regie.",
                "reflection_ids": [long_ids[1], short[0]],
            },
        )
    return room, set(long_ids)


#: the long cards' text on screen: its type size, whether it is cut off, and whether the last line shows an ellipsis
LONG_CARDS = """(ids) => [...document.querySelectorAll(".reflection")]
  .filter((card) => ids.includes(Number(card.dataset.id)) && card.getClientRects().length)
  .map((card) => {
    const p = card.querySelector("p");
    const style = getComputedStyle(p);
    return { id: Number(card.dataset.id), size: parseFloat(style.fontSize), cut: p.scrollHeight > p.clientHeight + 1,
             ellipsis: style.textOverflow === "ellipsis" && style.webkitLineClamp !== "none",
             fitted: card.classList.contains("fitted") };
  })"""


@pytest.mark.parametrize(
    "fmt,view,visible",
    [
        ("learning-table", "wall", "#wall-view"),
        ("learning-table", "clusters", "#board-view"),
        ("fishbowl", None, "#fishbowl-view"),
    ],
)
def test_a_card_taller_than_the_screen_fits_on_one_page(server, projector, fmt, view, visible):
    room, long_ids = _long_room(server, fmt)
    view = view or "auto"
    if view != "auto":
        room.run("projector.show", {"view": view})
    open_projector(projector, server, room)
    for width, height in ((1280, 720), (1920, 1080)):
        projector.set_viewport_size({"width": width, "height": height})
        expect(projector.locator(visible)).to_be_visible()
        projector.wait_for_timeout(250)
        seen = check_every_page(projector, f"long-{view}")
        assert {f"reflection:{i}" for i in long_ids} <= seen, (view, width, sorted(seen))
        scale = min(width / 1920, height / 1080)
        cards = []
        projector.keyboard.press("Home")
        for number in range(int(projector.locator("#pager").get_attribute("data-pages") or 1)):
            if number:
                projector.keyboard.press("PageDown")
            cards += projector.evaluate(LONG_CARDS, sorted(long_ids))
            if number == 0 and os.environ.get("E2E_SCREENSHOTS"):
                projector.screenshot(path=os.path.join(os.environ["E2E_SCREENSHOTS"], f"long-{view}-{width}.png"))
        assert {c["id"] for c in cards} >= long_ids
        if fmt == "fishbowl" and width == 1280:
            # the outer circle's corner is far smaller than a 500-character card: this is the case fit.js is for
            assert all(card["fitted"] for card in cards), cards
        for card in cards:
            # never smaller than the readable minimum; what is cut off ends in an ellipsis
            assert card["size"] >= 24 * scale - 0.5, (view, width, card)
            assert not card["cut"] or card["ellipsis"], (view, width, card)


#: the numbers the case's ordered list shows on the current page: each item's own, and which it is in its list
NUMBERS = """() => [...document.querySelectorAll("#case-shown ol > li")]
  .map((li, index) => [li, index]).filter(([li]) => li.getClientRects().length)
  .map(([li, index]) => [li.value, index + 1])"""


def test_a_numbered_list_goes_on_counting_on_the_next_page(server, projector):
    from facilitation.models import Case, Session
    from tests.e2e.seed import Room

    room = Room(server.instance, "learning-table", "Leertafel met een lange tijdlijn")
    steps = "\n".join(f"{n}. Stap {n}: de {LONG[: 60 + n * 3]}" for n in range(1, 21))
    with room.app.app_context():
        from facilitation.extensions import db

        case = db.session.get(Session, room.id).case
        db.session.get(Case, case.id).description = f"## Het verloop\n\n{steps}\n"
        db.session.commit()
    room.run("session.start", {})
    room.run("projector.show", {"view": "case"})
    open_projector(projector, server, room)
    projector.set_viewport_size({"width": 1280, "height": 720})
    expect(projector.locator("#case-view")).to_be_visible()
    projector.wait_for_timeout(250)
    check_every_page(projector, "case-list")
    pages = int(projector.locator("#pager").get_attribute("data-pages"))
    assert pages >= 2
    projector.keyboard.press("Home")
    shown = []
    for number in range(pages):
        if number:
            projector.keyboard.press("PageDown")
            expect(projector.locator("#pager")).to_have_attribute("data-page", str(number + 1))
        numbers = projector.evaluate(NUMBERS)
        assert all(value == ordinal for value, ordinal in numbers), (number + 1, numbers)
        shown += [value for value, _ in numbers]
    assert sorted(set(shown)) == list(range(1, 21))
