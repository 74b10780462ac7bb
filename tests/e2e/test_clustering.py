"""Clustering bottlenecks, dot voting and the level map in real browsers: once by drag and drop, once by
keyboard alone, phones voting, the projector's chart and level map, and axe-core on every new screen state."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import create_session, log_in
from tests.e2e.test_live_session import join_by_phone, post

TEXTS = [
    "De wachtlijst voor jeugdzorg is veel te lang",
    "Het gezin staat maanden op de wachtlijst voor jeugdzorg",
    "Niemand had de regie over het hele gezin",
    "Geen regie: iedereen deed een stukje",
    "Schulden stapelden zich op door boetes",
    "De schulden groeiden door boetes en incasso",
]


def open_session(server, new_context, phones=1):
    """A started learning table in its writing phase: console, projector and phones that joined."""
    # Tall enough to show the board and the level map whole: Playwright scrolls a drop target into view after
    # pressing the mouse, and Chromium then starts the drag on whatever card has come under the pointer.
    console = new_context(viewport={"width": 1400, "height": 4000}).new_page()
    log_in(console, server)
    url = create_session(console, server)
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online")
    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(url.replace("/console", "/projector"))
    expect(projector.locator("#live-status")).to_have_attribute("data-state", "online")
    code = console.locator("code").first.inner_text()
    joined = [
        join_by_phone(new_context, f"{server.url}/j/{code}", level)
        for level in ("execution", "management", "policy")[:phones]
    ]
    console.click("#start-session")
    console.click("#phase-next")
    console.click("#tab-clusters")  # the board is one click away in the writing phase
    return console, projector, joined


def write_all(console, phone, texts=TEXTS):
    expect(phone.locator("#write")).to_be_visible()
    for text in texts:
        post(phone, text, kind="bottleneck")
    expect(console.locator("#cluster-board .unclustered .reflection")).to_have_count(len(texts))


def column(page, title):
    return page.locator("#cluster-board .column[data-cluster-id]").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def projector_column(projector, title):
    return projector.locator("#projector-board .column").filter(
        has=projector.get_by_role("heading", name=title, exact=True)
    )


SHOTS = Path("/tmp")  # looked at by a person, not kept


def test_clustering_by_drag_and_drop_with_suggestions(server, new_context):
    console, projector, (phone,) = open_session(server, new_context)
    write_all(console, phone)

    console.fill("#cluster-new-title", "Geen regie")
    console.click("#cluster-new button.primary")
    regie = column(console, "Geen regie")
    expect(regie).to_have_count(1)
    # the projector switches from the wall to the clusters by itself
    expect(projector.locator("#board-view")).to_be_visible()
    expect(projector.locator("#wall")).to_be_hidden()

    for count, text in enumerate(("Niemand had de regie", "Geen regie: iedereen"), start=1):
        console.locator("#cluster-board .unclustered .reflection", has_text=text).drag_to(regie)
        expect(regie.locator(".reflection")).to_have_count(count)
    expect(projector_column(projector, "Geen regie").locator(".reflection")).to_have_count(2)
    expect(projector.locator("#projector-board .unclustered .reflection")).to_have_count(4)
    assert_accessible(projector, "projector with clusters")

    # suggestions for what is left, computed on the server; the first is edited and accepted
    console.click("#suggest-clusters")
    suggestions = console.locator(".suggestion")
    # generous: the first request loads scikit-learn, which takes seconds on a busy machine
    expect(suggestions).to_have_count(2, timeout=30_000)
    assert_accessible(console, "console with clusters and suggestions")
    # each suggestion says why its cards belong together, in the domain's words
    expect(suggestions.filter(has_text="wachtlijst voor jeugdzorg").locator(".suggestion-why")).to_have_text(
        re.compile(r"^Waarom samen: Wachtlijst")
    )
    # fewer / more groups: one step each way asks the server again and comes back to the same two
    console.get_by_role("button", name="Minder groepen").click()
    expect(console.get_by_role("button", name="Meer groepen")).to_be_enabled()
    console.get_by_role("button", name="Meer groepen").click()
    expect(suggestions).to_have_count(2)
    console.screenshot(path=str(SHOTS / "console-suggestions-why.png"))
    waiting = suggestions.filter(has_text="wachtlijst voor jeugdzorg")
    waiting.locator("input").fill("Lange wachtlijsten")
    waiting.get_by_role("button", name=re.compile("^Overnemen")).click()
    expect(column(console, "Lange wachtlijsten").locator(".reflection")).to_have_count(2)
    expect(console.locator(".suggestion")).to_have_count(1)
    console.locator(".suggestion").get_by_role("button", name=re.compile("^Afwijzen")).click()
    expect(console.locator(".suggestion")).to_have_count(0)
    expect(projector_column(projector, "Lange wachtlijsten").locator(".reflection")).to_have_count(2)

    # dragging a card back out, and from one cluster to another
    console.locator("#cluster-board .column", has_text="Lange wachtlijsten").locator(
        ".reflection", has_text="Het gezin staat"
    ).drag_to(console.locator("#cluster-board .unclustered"))
    expect(column(console, "Lange wachtlijsten").locator(".reflection")).to_have_count(1)
    regie.locator(".reflection", has_text="Geen regie: iedereen").drag_to(column(console, "Lange wachtlijsten"))
    expect(regie.locator(".reflection")).to_have_count(1)
    expect(projector_column(projector, "Lange wachtlijsten").locator(".reflection")).to_have_count(2)
    expect(projector.locator("#projector-board .unclustered .reflection")).to_have_count(3)

    # level map on the console: drag a cluster into the policy lane; the projector follows when asked to
    console.get_by_role("button", name="Niveaukaart").click()
    expect(projector.locator("#levels-view")).to_be_visible()
    console.click("#tab-levels")
    # grabbed by its title, as a person would (the chip's middle holds its keyboard controls)
    console.locator("#console-level-map .chip", has_text="Geen regie").locator(".chip-title").drag_to(
        console.locator("#console-level-map .lane[data-level=policy]")
    )
    expect(projector.locator(".lane[data-level=policy] .chip", has_text="Geen regie")).to_have_count(1)
    assert_accessible(console, "console with level map")
    assert_accessible(projector, "projector level map")


def test_clustering_by_keyboard_only(server, new_context):
    console, projector, (phone,) = open_session(server, new_context)
    write_all(console, phone)
    keys = console.keyboard

    console.locator("#cluster-new-title").focus()
    keys.type("Wachtlijsten")
    keys.press("Enter")
    expect(column(console, "Wachtlijsten")).to_have_count(1)
    expect(console.locator("#cluster-new-title")).to_have_value("")
    keys.type("Schulden")
    keys.press("Enter")
    expect(column(console, "Schulden")).to_have_count(1)

    # select a card, choose a cluster, press Move; focus stays with the card in its new place
    card = console.locator("#cluster-board .reflection", has_text="jeugdzorg is veel te lang")
    card.locator("select").focus()
    keys.press("ArrowDown")  # from "Niet geclusterd" to the first cluster
    expect(card.locator("select")).to_have_value(re.compile(r"^\d+$"))
    keys.press("Tab")
    keys.press("Enter")
    moved = column(console, "Wachtlijsten").locator(".reflection", has_text="jeugdzorg is veel te lang")
    expect(moved).to_have_count(1)
    expect(moved.get_by_role("button", name=re.compile("^Verplaatsen"))).to_be_focused()
    expect(console.locator("#board-status")).to_have_text("Verplaatst naar Wachtlijsten")
    expect(projector_column(projector, "Wachtlijsten").locator(".reflection")).to_have_count(1)

    for text, downs in (("Het gezin staat", 1), ("Niemand had de regie", 1), ("Schulden stapelden", 2)):
        select = console.locator("#cluster-board .unclustered .reflection", has_text=text).locator("select")
        select.focus()
        for _ in range(downs):
            keys.press("ArrowDown")
        keys.press("Tab")
        keys.press("Enter")
    expect(column(console, "Wachtlijsten").locator(".reflection")).to_have_count(3)
    expect(column(console, "Schulden").locator(".reflection")).to_have_count(1)
    assert_accessible(console, "console board, keyboard")

    # open the cluster's tools with the keyboard: rename, describe, set level and a domain
    tools = column(console, "Wachtlijsten").locator("summary")
    tools.focus()
    keys.press("Enter")
    keys.press("Tab")
    expect(column(console, "Wachtlijsten").get_by_label("Titel", exact=True)).to_be_focused()
    keys.press("Control+a")
    keys.type("Wachten op jeugdzorg")
    keys.press("Tab")
    keys.type("Maanden zonder hulp")
    keys.press("Tab")
    for _ in range(3):
        keys.press("ArrowDown")  # niet bepaald -> uitvoering -> management -> beleid
    keys.press("Tab")
    keys.press("Space")  # the first domain: youth care
    for _ in range(8):
        keys.press("Tab")  # past the other seven domains to Save
    keys.press("Enter")
    renamed = column(console, "Wachten op jeugdzorg")
    expect(renamed.locator("p.meta")).to_contain_text("Beleid · Jeugdhulp")
    expect(projector_column(projector, "Wachten op jeugdzorg").locator(".description")).to_have_text(
        "Maanden zonder hulp"
    )
    assert_accessible(console, "console cluster tools open")

    # split "Niemand had de regie" off into its own cluster, by keyboard
    split_box = renamed.get_by_role("checkbox", name="Niemand had de regie over het hele gezin")
    split_box.focus()
    keys.press("Space")
    keys.press("Tab")
    keys.type("Geen regie")
    keys.press("Enter")
    expect(column(console, "Geen regie").locator(".reflection")).to_have_count(1)
    expect(column(console, "Geen regie").locator("p.meta")).to_contain_text("Beleid")

    # merge "Schulden" into "Geen regie", then delete it: its reflections go back, none is lost
    column(console, "Schulden").locator("summary").focus()
    keys.press("Enter")
    merge = column(console, "Schulden").get_by_label("Voeg dit cluster samen met")
    merge.focus()
    while merge.input_value() != column(console, "Geen regie").get_attribute("data-cluster-id"):
        keys.press("ArrowDown")
    keys.press("Tab")
    keys.press("Enter")
    expect(column(console, "Schulden")).to_have_count(0)
    expect(column(console, "Geen regie").locator(".reflection")).to_have_count(2)
    column(console, "Geen regie").locator("summary").focus()
    keys.press("Enter")
    column(console, "Geen regie").get_by_role("button", name=re.compile("^Cluster verwijderen")).focus()
    keys.press("Enter")
    expect(column(console, "Geen regie")).to_have_count(0)
    expect(console.locator("#cluster-board .unclustered .reflection")).to_have_count(4)

    # the level map by keyboard: choose the projector view, then move a cluster to another lane
    console.get_by_role("button", name="Niveaukaart").focus()
    keys.press("Enter")
    expect(projector.locator("#levels-view")).to_be_visible()
    console.locator("#tab-levels").focus()
    keys.press("Enter")
    expect(projector.locator(".lane[data-level=policy] .chip", has_text="Wachten op jeugdzorg")).to_have_count(1)
    level = console.locator("#console-level-map .chip", has_text="Wachten op jeugdzorg").locator("select")
    level.focus()
    keys.press("ArrowDown")  # beleid -> bestuur
    keys.press("Tab")
    keys.press("Enter")
    expect(projector.locator(".lane[data-level=governance] .chip", has_text="Wachten op jeugdzorg")).to_have_count(1)
    expect(projector.locator(".lane[data-level=policy] .chip")).to_have_count(0)
    expect(
        console.locator("#console-level-map .lane[data-level=governance]").get_by_role(
            "button", name=re.compile("^Verplaatsen")
        )
    ).to_be_focused()
    assert_accessible(projector, "projector level map, keyboard")


def test_voting_from_phones_with_live_chart_ranking_and_level_map(server, new_context):
    console, projector, phones = open_session(server, new_context, phones=3)
    for title in ("Geen regie", "Wachtlijsten", "Schulden"):
        console.fill("#cluster-new-title", title)
        console.click("#cluster-new button.primary")
        expect(column(console, title)).to_have_count(1)
    console.locator("#phase-list button", has_text="Stemmen met stippen").click()

    expect(console.locator("#vote-budget")).to_have_value("3")
    expect(console.locator("#vote-open")).to_be_disabled()  # entering the phase opened the round
    expect(console.locator("#vote-console h3")).to_have_text("Stemronde 1")
    # the projector switches to the vote by itself; totals hidden, progress shown
    expect(projector.locator("#votes-view")).to_be_visible()
    expect(projector.locator("#votes-progress")).to_contain_text("De uitslag blijft verborgen")
    expect(projector.locator("#votes-chart li")).to_have_count(0)
    assert_accessible(projector, "projector vote, results hidden")

    def ballot(phone, title):
        return phone.locator(".ballot-item").filter(has=phone.get_by_role("heading", name=title, exact=True))

    first, second, third = phones
    expect(first.locator("#ballot")).to_be_visible()
    expect(first.locator("#ballot-left")).to_have_text("nog 3 van de 3 stippen over")
    assert_accessible(first, "phone ballot")
    plus = ballot(first, "Wachtlijsten").get_by_role("button", name="Stip erbij voor Wachtlijsten")
    for left in (2, 1, 0):
        plus.click()
        expect(first.locator("#ballot-left")).to_have_text(f"nog {left} van de 3 stippen over")
    expect(first.locator(".ballot-item button.primary:not([disabled])")).to_have_count(0)
    ballot(second, "Wachtlijsten").get_by_role("button", name="Stip erbij voor Wachtlijsten").click()
    ballot(second, "Geen regie").get_by_role("button", name="Stip erbij voor Geen regie").click()
    expect(second.locator("#ballot-left")).to_have_text("nog 1 van de 3 stippen over")
    for _ in range(2):
        ballot(third, "Schulden").get_by_role("button", name="Stip erbij voor Schulden").click()
    expect(third.locator("#ballot-left")).to_have_text("nog 1 van de 3 stippen over")
    assert_accessible(first, "phone ballot, budget spent")

    expect(projector.locator("#votes-progress")).to_contain_text("3 mensen hebben gestemd")
    assert_accessible(console, "console with an open round")
    # the facilitator sees the live totals; the room does not, yet
    expect(console.locator("#vote-console-results li[data-dots='4']")).to_have_text(re.compile("Wachtlijsten"))
    expect(projector.locator("#votes-chart li")).to_have_count(0)
    expect(first.locator("#phone-results")).to_be_hidden()

    console.get_by_role("button", name="Uitslag tonen aan de zaal").click()
    chart = projector.locator("#votes-chart li")
    expect(chart).to_have_count(3)
    expect(projector.locator("#votes-chart li[data-dots='4']")).to_contain_text("Wachtlijsten")
    assert_accessible(projector, "projector live bar chart")
    # a change of mind shows live
    ballot(first, "Wachtlijsten").get_by_role("button", name="Stip eraf bij Wachtlijsten").click()
    ballot(first, "Geen regie").get_by_role("button", name="Stip erbij voor Geen regie").click()
    expect(projector.locator("#votes-chart li[data-cluster-id]", has_text="Wachtlijsten")).to_have_attribute(
        "data-dots", "3"
    )
    expect(projector.locator("#votes-chart li[data-cluster-id]", has_text="Geen regie")).to_have_attribute(
        "data-dots", "2"
    )

    console.get_by_role("button", name="Ronde sluiten").click()
    expect(projector.locator("#votes-view-heading")).to_have_text("Stemronde 1 · Eindrangschikking")
    expect(chart.locator(".bar-label")).to_have_text(["Wachtlijsten", "Geen regie", "Schulden"])
    expect(first.locator("#ballot")).to_be_hidden()
    expect(second.locator("#phone-results-list .bar-label")).to_have_text(["Wachtlijsten", "Geen regie", "Schulden"])
    assert_accessible(projector, "projector final ranking")
    assert_accessible(second, "phone final ranking")
    assert_accessible(console, "console after voting")

    # the level map: clusters in lanes, ordered by votes
    console.get_by_role("button", name="Niveaukaart").click()
    expect(projector.locator("#levels-view")).to_be_visible()
    console.click("#tab-levels")
    for title in ("Geen regie", "Wachtlijsten"):
        console.locator("#console-level-map .chip", has_text=title).locator(".chip-title").drag_to(
            console.locator("#console-level-map .lane[data-level=policy]")
        )
    expect(projector.locator(".lane[data-level=policy] .chip-title")).to_have_text(["Wachtlijsten", "Geen regie"])
    expect(projector.locator(".lane[data-level=policy] .chip").first).to_have_attribute("data-size", "4")
    assert_accessible(projector, "projector level map with votes")

    # a second round with another budget and at most one dot per cluster
    console.get_by_role("button", name="Automatisch").click()
    console.click("#tab-votes")
    console.fill("#vote-budget", "2")
    console.uncheck("#vote-several")
    console.click("#vote-open")
    expect(projector.locator("#votes-view-heading")).to_have_text("Stemronde 2")
    expect(first.locator("#ballot-left")).to_have_text("nog 2 van de 2 stippen over")
    toggle = first.get_by_role("button", name="Geef een stip aan Schulden")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    first.get_by_role("button", name="Geef een stip aan Geen regie").click()
    expect(first.locator("#ballot-left")).to_have_text("nog 0 van de 2 stippen over")
    expect(first.get_by_role("button", name="Geef een stip aan Wachtlijsten")).to_be_disabled()
    toggle.click()  # taking it back frees the dot
    expect(first.locator("#ballot-left")).to_have_text("nog 1 van de 2 stippen over")
    expect(console.locator("#vote-console-results li[data-dots='1'] .bar-label")).to_have_text(["Geen regie"])
    assert_accessible(first, "phone ballot, one dot per cluster")
