"""A cluster title that names a person (issue 20): saved while the projector shows clusters only when confirmed,
flagged on the console's board, and the projector turns to the clusters only after the facilitator answers the
question (dismissed: nothing changes)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import create_session, log_in


def test_a_flagged_cluster_title_is_flagged_and_asks_before_the_projector_shows_it(server, new_context):
    console = new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(console, server)
    create_session(console, server)
    console.wait_for_selector("#live-status[data-state=online]")
    console.click("#start-session")
    console.click("#phase-next")
    console.click("#tab-clusters")
    console.fill("#cluster-new-title", "Moeder Sanne de Vries kreeg geen hulp")
    # the automatic projector shows clusters once there are any: asked before the title goes up
    with console.expect_event("dialog") as asked:
        console.press("#cluster-new-title", "Enter")
    assert "projector" in asked.value.message
    asked.value.accept()
    column = console.locator("#cluster-board .column[data-cluster-id]")
    expect(column.locator(".pii-flag")).to_contain_text("naam van een persoon")
    assert_accessible(console, "console with a flagged cluster title")
    console.screenshot(path="/tmp/trust_flag_console.png")

    # dismissed: the projector stays as it was
    with console.expect_event("dialog") as asked:
        console.click(".view-choice[data-view=clusters]")
    assert "projector" in asked.value.message
    asked.value.dismiss()
    expect(console.locator(".view-choice[data-view=clusters]")).not_to_have_attribute("aria-pressed", "true")
    # confirmed: sent again with confirm, and shown
    with console.expect_event("dialog") as asked:
        console.click(".view-choice[data-view=clusters]")
    asked.value.accept()
    expect(console.locator(".view-choice[data-view=clusters]")).to_have_attribute("aria-pressed", "true")
