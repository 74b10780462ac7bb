"""The door in real browsers (issue 20): the facilitator closes the session to new phones, then removes
the writer of a reflection; that phone is shown it was removed, the reflection stays on the console marked
as from a removed participant, and the count follows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import PHONE, create_session, log_in
from tests.e2e.test_live_session import join_by_phone, post

pytestmark = pytest.mark.e2e


def test_close_the_door_and_remove_a_participant(server, new_context):
    console = new_context().new_page()
    log_in(console, server)
    console_url = create_session(console, server)
    console.wait_for_selector("#live-status[data-state=online]")
    code = console.locator("code").first.inner_text()
    join_url = f"{server.url}/j/{code}"
    troll, other = (join_by_phone(new_context, join_url, level) for level in ("execution", "policy"))
    console.click("#start-session")
    console.click("#phase-next")
    troll.wait_for_selector("#write:not([hidden])")
    post(troll, "Dit is allemaal onzin", kind="bottleneck")
    post(other, "Korte lijnen met school werkten goed", kind="success")
    expect(console.locator("#wall .reflection")).to_have_count(2)

    console.click("#tab-more")  # the door is in the console's "more" workspace
    console.click("#door summary")
    expect(console.locator("#door-count")).to_have_text("2")
    expect(console.locator("#door-state")).to_contain_text("open")
    assert_accessible(console, "console with the door panel open")
    console.click("#door-toggle")
    expect(console.locator("#door-state")).to_contain_text("dicht")
    late = new_context(**PHONE).new_page()
    late.goto(join_url)
    expect(late.locator("main")).to_contain_text("gesloten voor nieuwe deelnemers")

    console.select_option("#door-reflection", label="Dit is allemaal onzin")
    console.once("dialog", lambda dialog: dialog.accept())
    console.click("#door-remove")
    expect(troll.locator("main")).to_contain_text("verwijderd")
    expect(console.locator("#door-count")).to_have_text("1")
    expect(console.locator("#participant-count")).to_have_text("1")
    marked = console.locator("#wall .reflection", has_text="Dit is allemaal onzin")
    expect(marked.locator(".removed-mark")).to_have_text("van een verwijderde deelnemer")
    expect(console.locator("#wall .reflection")).to_have_count(2)
    # the other phone carries on, and sees nobody singled out
    post(other, "Nog een punt", kind="success")
    expect(console.locator("#wall .reflection")).to_have_count(3)
    assert "verwijderd" not in other.locator("main").inner_text()
    # the removed phone's cookie opens nothing: reloading shows the same message
    troll.goto(console_url.split("/sessions")[0] + f"/p/{code}")
    expect(troll.locator("main")).to_contain_text("verwijderd")
