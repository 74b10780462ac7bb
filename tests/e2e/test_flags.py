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
    # the automatic projector shows clusters once there are any: asked before the title goes up (the question
    # opens while the key is still down, so it is answered by a handler)
    # one handler answers every question in turn: a handler per click could still be waiting when the next
    # question opens (the dialog event may arrive after the click has returned), and answer it wrongly
    questions, answers = [], ["accept"]
    console.on("dialog", lambda dialog: _answer(dialog, questions, answers))
    console.press("#cluster-new-title", "Enter")
    column = console.locator("#cluster-board .column[data-cluster-id]")
    expect(column.locator(".pii-flag")).to_contain_text("naam van een persoon")
    assert len(questions) == 1 and "projector" in questions[0]
    assert_accessible(console, "console with a flagged cluster title")
    console.screenshot(path="/tmp/trust_flag_console.png")

    # dismissed: the projector stays as it was
    projector_clusters = console.locator(".view-choice[data-view=clusters]")
    answers.append("dismiss")
    projector_clusters.click()
    expect(projector_clusters).to_have_attribute("aria-pressed", "false")
    # confirmed: sent again with confirm, and shown (had the dismissed one changed the view, this click would ask
    # nothing: the count of questions below says it did not)
    answers.append("accept")
    projector_clusters.click()
    expect(projector_clusters).to_have_attribute("aria-pressed", "true")
    assert len(questions) == 3 and all("projector" in q for q in questions)


def _answer(dialog, questions: list, answers: list) -> None:
    """The next answer in line; a question nobody expected is dismissed (and counted)."""
    questions.append(dialog.message)
    if answers and answers.pop(0) == "accept":
        dialog.accept()
    else:
        dialog.dismiss()
