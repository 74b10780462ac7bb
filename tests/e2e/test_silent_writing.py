"""Silent writing without unmasking anyone: in the learning table's covered writing phase the projector shows
only how many reflections of each kind came in; the facilitator's reveal then shows every card once, grouped
by kind. Ten phones write through the command pipeline (tests/e2e/seed.py); the reveal is the console's button."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import log_in
from tests.e2e.seed import Room


def test_a_covered_wall_shows_counts_until_the_facilitator_reveals_it(server, new_context):
    room = Room(server.instance, "learning-table", "Leertafel stil schrijven")
    room.join(10)
    room.run("session.start", {})
    room.phase("write")
    ids = room.write(10)
    console = new_context(viewport={"width": 1400, "height": 2000}).new_page()
    log_in(console, server)
    console.goto(f"{server.url}/sessions/{room.id}/console")
    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(f"{server.url}/sessions/{room.id}/projector")
    expect(projector.locator("#live-status")).to_have_attribute("data-state", "online")

    # counts only, in the phase's order of kinds: 3 success factors, 4 bottlenecks, 3 questions; no card, no text
    expect(projector.locator("#wall-covered")).to_be_visible()
    expect(projector.locator("#kind-counts .kind-count")).to_have_text(["3", "4", "3"])
    expect(projector.locator(".reflection")).to_have_count(0)
    assert "gezinsregisseur" not in projector.locator("body").inner_text()
    assert_accessible(projector, "projector with a covered wall")

    reveal = console.locator("#wall-reveal")
    expect(reveal).to_contain_text("10")
    reveal.click()
    expect(projector.locator("#wall-covered")).to_be_hidden()
    cards = projector.locator("#wall .reflection")
    expect(cards).to_have_count(10)
    assert sorted(int(i) for i in cards.evaluate_all("els => els.map(e => e.dataset.id)")) == sorted(ids)
    # grouped by kind, in the phase's order of kinds
    kinds = cards.evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == ["success"] * 3 + ["bottleneck"] * 4 + ["question"] * 3
    expect(reveal).to_be_hidden()
    assert_accessible(console, "console after the reveal")
