"""The console as a cockpit (issue 18): a whole learning table on a 1366x768 laptop where, in every phase, the
next-phase button, the timer and the first row of the current workspace are in view without scrolling; the
format's phase entry actions happen; the closed state offers the Word report first. Then a session run from
the keyboard alone with the shortcuts, and the set-up from login to a projected QR code. With SCREENSHOTS=1
the console of each phase is saved in docs/screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import PASSWORD, PHONE, create_session, log_in
from tests.e2e.test_live_session import decode_qr, post

LAPTOP = {"width": 1366, "height": 768}
TEXTS = [
    ("De wachtlijst voor jeugdzorg was een half jaar", "bottleneck"),
    ("Niemand had de regie over het hele gezin", "bottleneck"),
    ("Korte lijnen met school werkten goed", "success"),
]


def in_view(page, locator) -> None:
    """Wholly inside the viewport at the page's current scroll position, which must be the top."""
    expect(locator).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    box = locator.bounding_box()
    viewport = page.viewport_size
    if os.environ.get("COCKPIT_DEBUG"):
        page.screenshot(path=os.environ["COCKPIT_DEBUG"])
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (box, viewport)
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (box, viewport)


def cockpit_in_view(page, first_row) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    in_view(page, page.locator("#phase-next"))
    in_view(page, page.locator("#timer"))
    in_view(page, first_row)


def shot(page, name: str) -> None:
    if os.environ.get("SCREENSHOTS") != "1":
        return
    folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"console-{name}.png"))


def join(new_context, server, code, level):
    phone = new_context(**PHONE).new_page()
    phone.goto(f"{server.url}/j/{code}")
    phone.check(f"input[name=level][value={level}]")
    phone.locator("button.send").tap()
    phone.wait_for_url("**/p/*")
    expect(phone.locator("#live-status")).to_have_attribute("data-state", "online")
    return phone


def wait_for_dialog(page, dialogs) -> None:
    for _ in range(100):
        if dialogs:
            return
        page.wait_for_timeout(50)
    raise AssertionError("no question was asked")


def phase(page, title) -> None:
    expect(page.locator("#phase-list button[aria-current=step]")).to_have_text(re.compile(rf"^\d+\. {title}$"))
    expect(page.locator("#phase-title")).to_have_text(title)


def test_a_learning_table_runs_from_the_cockpit_at_1366x768(server, new_context):
    console = new_context(viewport=LAPTOP).new_page()
    dialogs, answer = [], {"accept": False}
    console.on(
        "dialog",
        lambda dialog: (dialogs.append(dialog.message), dialog.accept() if answer["accept"] else dialog.dismiss()),
    )
    log_in(console, server)
    console_url = create_session(console, server)
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online")
    code = console.locator("code").first.inner_text()
    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(console_url.replace("/console", "/projector"))
    phones = [join(new_context, server, code, level) for level in ("execution", "management", "policy")]
    expect(console.locator("#participant-count")).to_have_text("3")
    expect(console.locator("#phones")).to_have_text("3 telefoons")
    # a learning table shows no tools of other formats
    tabs = console.locator(".workspace-tab")
    expect(tabs).to_have_text(
        [
            re.compile(r"^Casus en vragen"),
            re.compile("^Reflecties"),
            re.compile("^Clusterbord"),
            re.compile("^Stemmen"),
            re.compile("^Niveaus"),
            re.compile("^Actieafspraken"),
            "Verslag",
            "Voorbereiding en meer",
        ]
    )
    assert console.locator("#tab-journey").count() == 0 and console.locator("#tab-fishbowl").count() == 0
    expect(console.locator(".view-choice")).to_have_text(
        ["Automatisch", "Muur", "Clusters", "Stemuitslag", "Niveaukaart", "Groot aanmeldscherm", "Casus op het scherm"]
    )
    expect(console.locator(".cockpit-preview iframe")).to_be_visible()
    shot(console, "0-ready")

    # --- introduction: the timer starts with the phase; the case is the workspace
    console.click("#start-session")
    phase(console, "Introductie van de casus")
    expect(console.locator("#timer")).to_have_attribute("data-state", "running")
    expect(console.locator("#phase-next")).to_have_text("Volgende fase: Stil schrijven")
    expect(console.locator("#phase-guide")).to_contain_text("QR-code")
    cockpit_in_view(console, console.locator("#panel-case summary").first)
    shot(console, "1-intro")

    # --- silent writing: the wall with moderation
    console.click("#phase-next")
    phase(console, "Stil schrijven")
    for phone, (text, kind) in zip(phones, TEXTS):
        post(phone, text, kind=kind)
    expect(console.locator("#wall .reflection")).to_have_count(3)
    cockpit_in_view(console, console.locator("#wall .reflection").first)
    expect(console.locator("#projector-now")).to_have_text("Automatisch: Muur")
    assert_accessible(console, "cockpit, writing (nl)")
    shot(console, "2-write")

    # --- clustering: the board, scrolling in its panel; "Move to…" shows on the focused card only
    console.click("#phase-next")
    phase(console, "Delen en knelpunten clusteren")
    for count, title in enumerate(("Wachtlijsten", "Geen regie"), start=1):
        console.fill("#cluster-new-title", title)
        console.click("#cluster-new button.primary")
        expect(console.locator("#cluster-board .column[data-cluster-id]")).to_have_count(count)
    card = console.locator("#cluster-board .unclustered .reflection", has_text="De wachtlijst voor jeugdzorg")
    move = card.locator(".move-to select")
    assert card.locator(".move-to").bounding_box()["width"] <= 1
    move.focus()
    assert card.locator(".move-to").bounding_box()["width"] > 40
    move.select_option(label="Wachtlijsten")
    card.locator(".move-to button").click()
    expect(console.locator("#cluster-board .column[data-cluster-id] .reflection")).to_have_count(1)
    cockpit_in_view(console, console.locator("#cluster-board .column h3").first)
    in_view(console, console.locator("#cluster-board .column .reflection").first)
    shot(console, "3-cluster")

    # --- voting: entering the phase opened a round with the format's budget; leaving it open asks first
    console.click("#phase-next")
    phase(console, "Stemmen met stippen")
    expect(console.locator("#vote-console h3")).to_have_text("Stemronde 1")
    expect(console.locator("#vote-console")).to_contain_text("3 stippen per persoon")
    expect(phones[0].locator("#ballot")).to_be_visible()
    expect(projector.locator("#votes-view")).to_be_visible()
    cockpit_in_view(console, console.locator("#vote-console h3"))
    # and on a full HD screen
    console.set_viewport_size({"width": 1920, "height": 1080})
    cockpit_in_view(console, console.locator("#vote-console-results li").first)
    shot(console, "4-vote-1920")
    console.set_viewport_size(LAPTOP)
    phones[0].locator(".ballot-item").first.get_by_role("button", name=re.compile("^Stip erbij")).tap()
    expect(console.locator("#vote-console")).to_contain_text("1 persoon heeft gestemd")
    shot(console, "4-vote")
    console.click("#phase-next")
    wait_for_dialog(console, dialogs)
    expect(console.locator("#phase-title")).to_have_text("Stemmen met stippen")
    assert "nog een stemronde open" in dialogs[-1]
    console.get_by_role("button", name="Ronde sluiten").click()

    # --- causes and level: the automatic projector view is the level map
    console.click("#phase-next")
    phase(console, "Oorzaken en niveau")
    expect(projector.locator("#levels-view")).to_be_visible()
    expect(console.locator("#projector-now")).to_have_text("Automatisch: Niveaukaart")
    cockpit_in_view(console, console.locator("#console-level-map .lane h3").first)
    in_view(console, console.locator("#console-level-map .chip").first)
    # a chip never overflows its lane, also with its keyboard control open
    chip = console.locator("#console-level-map .chip").first
    chip.locator("select").focus()
    lane, box = (
        console.locator("#console-level-map .lane").filter(has=console.locator(".chip")).first.bounding_box(),
        chip.bounding_box(),
    )
    assert lane["x"] <= box["x"] and box["x"] + box["width"] <= lane["x"] + lane["width"], (lane, box)
    shot(console, "5-causes")

    # --- commitments: proposals and confirmed ones
    console.click("#phase-next")
    phase(console, "Actieafspraken")
    phones[1].fill("#mine-what", "Eén gezinsregisseur aanwijzen")
    phones[1].fill("#mine-owner", "Teamleider")
    phones[1].locator("#commit-form button.send").tap()
    expect(console.locator("#proposals .proposal")).to_have_count(1)
    cockpit_in_view(console, console.locator("#proposals .proposal").first)
    assert_accessible(console, "cockpit, commitments (nl)")
    shot(console, "6-commitments")
    console.locator("#proposals .proposal").get_by_role("button", name=re.compile("^Bevestigen")).click()
    expect(console.locator("#confirmed-commitments .commitment")).to_have_count(1)

    # --- closing round, then the closed state with the Word report as the main action
    console.click("#phase-next")
    phase(console, "Afsluitende ronde")
    expect(console.locator("#phase-next")).to_be_disabled()
    answer["accept"] = True
    console.click("#close-session")
    expect(console.locator("#closed-state")).to_be_visible()
    expect(console.locator("#phase-title")).to_have_text("Sessie gesloten")
    expect(console.locator("#closed-programme")).to_have_attribute("href", re.compile(r"/programmes/\d+$"))
    in_view(console, console.locator("#report-docx"))
    expect(console.locator("#report-docx")).to_have_text("Wordverslag")
    assert_accessible(console, "cockpit, closed (nl)")
    shot(console, "7-closed")


def test_a_session_run_from_the_keyboard_with_the_shortcuts(server, new_context):
    console = new_context(viewport=LAPTOP).new_page()
    dialogs, answer = [], {"accept": False}
    console.on(
        "dialog",
        lambda dialog: (dialogs.append(dialog.message), dialog.accept() if answer["accept"] else dialog.dismiss()),
    )
    log_in(console, server)
    create_session(console, server)
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online")
    phone = join(new_context, server, console.locator("code").first.inner_text(), "policy")
    keys = console.keyboard

    # "?" lists the shortcuts; Escape closes the list and gives the focus back
    console.locator("#start-session").focus()
    keys.press("?")
    expect(console.locator("#shortcuts")).to_be_visible()
    expect(console.locator("#shortcuts-close")).to_be_focused()
    expect(console.locator("#shortcuts")).to_contain_text("Volgende fase")
    assert_accessible(console, "shortcuts list (nl)")
    keys.press("Escape")
    expect(console.locator("#shortcuts")).to_be_hidden()
    expect(console.locator("#start-session")).to_be_focused()
    keys.press("Enter")
    phase(console, "Introductie van de casus")

    # next phase, the timer, the projector's view
    keys.press("n")
    phase(console, "Stil schrijven")
    expect(console.locator("#timer")).to_have_attribute("data-state", "running")
    keys.press("t")
    expect(console.locator("#timer")).to_have_attribute("data-state", "paused")
    keys.press("t")
    expect(console.locator("#timer")).to_have_attribute("data-state", "running")
    keys.press("2")
    expect(console.locator(".view-choice[data-view=clusters]")).to_have_attribute("aria-pressed", "true")
    expect(console.locator("#projector-now")).to_have_text("Clusters")
    keys.press("0")
    expect(console.locator("#projector-now")).to_have_text("Automatisch: Muur")
    post(phone, "Niemand had de regie over het gezin", kind="bottleneck")
    expect(console.locator("#wall .reflection")).to_have_count(1)

    # clustering: typing in a field is never a shortcut
    keys.press("Alt+ArrowRight")
    phase(console, "Delen en knelpunten clusteren")
    console.locator("#cluster-new-title").focus()
    keys.type("Geen regie")
    keys.press("Enter")
    expect(console.locator("#cluster-board .column[data-cluster-id]")).to_have_count(1)
    expect(console.locator("#phase-title")).to_have_text("Delen en knelpunten clusteren")
    card = console.locator("#cluster-board .unclustered .reflection").first
    card.locator("select").focus()
    keys.press("ArrowDown")
    keys.press("Tab")
    keys.press("Enter")
    expect(console.locator("#cluster-board .column[data-cluster-id] .reflection")).to_have_count(1)

    # voting: the round opened; a quick second "n" asks before leaving it open, and nothing changes when declined
    console.locator("#phase-next").focus()
    keys.press("n")
    phase(console, "Stemmen met stippen")
    expect(console.locator("#vote-console h3")).to_have_text("Stemronde 1")
    keys.press("n")
    wait_for_dialog(console, dialogs)
    expect(console.locator("#phase-title")).to_have_text("Stemmen met stippen")
    answer["accept"] = True
    keys.press("p")
    phase(console, "Delen en knelpunten clusteren")
    assert len(dialogs) == 2
    # "w" brings back the current phase's workspace after looking elsewhere
    console.locator("#tab-more").focus()
    keys.press("Enter")
    expect(console.locator("#panel-clusters")).to_be_hidden()
    keys.press("w")
    expect(console.locator("#panel-clusters")).to_be_visible()
    expect(console.locator("#tab-clusters")).to_be_focused()


def test_set_up_from_login_to_a_projected_qr_code_takes_at_most_six_actions(server, new_context):
    """Counted as a person experiences it: every click, choice or submit is an action; typing text into a field
    is not (it is the content, not a step)."""
    page = new_context(viewport=LAPTOP).new_page()
    actions = []

    def act(name, do):
        actions.append(name)
        return do()

    page.goto(f"{server.url}/login")
    page.fill("#email", "fac@example.org")
    page.fill("#password", PASSWORD)
    act("log in", lambda: page.click("button.primary"))
    page.wait_for_url(f"{server.url}/")
    page.fill("#programme-title", "Leertraject Noord")
    act("create the programme", lambda: page.get_by_role("button", name="Leertraject aanmaken").click())
    page.wait_for_url("**/programmes/*")
    # the learning table, all four levels and Dutch are the defaults; the case is written in the session form
    expect(page.locator("#session-format")).to_have_value("learning-table")
    for level in ("execution", "management", "policy", "governance"):
        expect(page.locator(f"input[name=levels][value={level}]")).to_be_checked()
    page.fill("#session-title", "Leertafel Noord")
    page.fill("#session-case-title", "Gezin K.")
    page.fill("#session-case-description", "Moeder zoekt hulp bij **schulden**.")
    assert_accessible(page, "programme page with the session form")
    act("create the session", lambda: page.get_by_role("button", name="Sessie aanmaken").click())
    page.wait_for_url("**/console")
    expect(page.locator("#panel-case summary")).to_have_text("Casus: Gezin K.")
    with page.context.expect_page() as opened:
        act("open the projector", lambda: page.click("#open-projector"))
    projector = opened.value
    projector.wait_for_load_state()
    expect(page.locator("#projector-hint")).to_contain_text("F11")
    code = page.locator("code").first.inner_text()
    assert decode_qr(projector) == f"{server.url}/j/{code}"
    assert len(actions) <= 6, actions

    # the same console in English, before the session starts
    english = new_context(locale="en-GB", viewport=LAPTOP).new_page()
    log_in(english, server)
    english.goto(page.url)
    expect(english.locator("#start-session")).to_have_text("Start session")
    expect(english.locator("#phase-guide")).to_contain_text("open the projector")
    assert_accessible(english, "cockpit before the start (en)")
    english.keyboard.press("?")
    expect(english.locator("#shortcuts-heading")).to_have_text("Keyboard shortcuts")
    assert_accessible(english, "shortcuts list (en)")


def test_a_tab_clicked_before_the_console_is_online_stays_open(server, new_context):
    """On a slow network the facilitator may pick a tab before the session's state arrives; the first render
    (which opens the current phase's own tab) must not undo that choice."""
    console = new_context(viewport=LAPTOP).new_page()
    log_in(console, server)
    console_url = create_session(console, server)
    console.click("#start-session")
    expect(console.locator(".workspace-tab .now-marker").first).not_to_have_text("", timeout=10_000)

    slow = console.context.new_page()  # logged in: the same browser context
    held = []  # the console's WebSocket, kept from the server until the tab has been clicked
    slow.route_web_socket(re.compile(r".*/socket\.io/.*"), lambda ws: held.append(ws))
    slow.goto(console_url)
    for _ in range(200):
        if held:
            break
        slow.wait_for_timeout(50)
    assert held, "the console opened no WebSocket"
    expect(slow.locator("#live-status")).not_to_have_attribute("data-state", "online")
    slow.click("#tab-more")
    held[0].connect_to_server()
    expect(slow.locator("#live-status")).to_have_attribute("data-state", "online")
    # the first render has happened once the current phase's tab carries its marker
    expect(slow.locator(".workspace-tab .now-marker").filter(has_text=re.compile(r"\S"))).to_have_count(1)
    expect(slow.locator("#tab-more")).to_have_attribute("aria-pressed", "true")
    expect(slow.locator(".workspace[data-workspace=more]")).to_be_visible()
