"""Dated case journeys in a browser: the console's moment form (date, organisations, law, ground, the
application a rejection answers) with the journey's figures beside the timeline, and the patterns page over the
demo's journeys; axe checks in Dutch, screenshots for a person to look at (JOURNEY_SHOTS=folder)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import ROOT, Server, create_session, fresh_instance, log_in

SHOTS = os.environ.get("JOURNEY_SHOTS")


def shot(page, name: str, full_page: bool = False) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=full_page)


@pytest.fixture
def demo_server(tmp_path, instance_template):
    """The app with the demo programme loaded, as `python app.py --demo` starts it."""
    srv = Server(fresh_instance(instance_template, tmp_path))
    log = srv.log.open("a")
    srv.process = subprocess.Popen(
        [sys.executable, "app.py", "--instance", str(srv.instance), "--port", str(srv.port), "--demo"],
        cwd=ROOT, env=srv.env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.time() + 150
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{srv.url}/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    yield srv
    srv.stop()


def add_moment(console, n: int, kind: str, title: str, date: str, organisations=(), law="", ground="", answers=""):
    console.select_option("#moment-add-kind", kind)
    console.fill("#moment-add-title", title)
    console.fill("#moment-add-date", date)
    for key in organisations:
        console.check(f"#moment-add-organisations input[value={key}]")
    if law:
        console.select_option("#moment-add-law", law)
    if ground:
        console.select_option("#moment-add-ground", ground)
    if answers:
        console.select_option("#moment-add-answers", label=answers)
    console.get_by_role("button", name="Aan de tijdlijn toevoegen").click()
    expect(console.locator("#console-journey .moment")).to_have_count(n)


def test_the_console_dates_moments_and_shows_the_journeys_figures(server, new_context):
    console = new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(console, server)
    create_session(console, server, fmt="case-reconstruction")
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online")
    # law and ground show only for the kinds that have them
    expect(console.locator("#moment-add-law")).to_be_hidden()
    add_moment(console, 1, "signal", "School meldt verzuim", "2023-09", ["school"])
    add_moment(console, 2, "application", "Aanvraag begeleiding", "2023-10-02", ["gemeente_wmo"], law="wmo")
    expect(console.locator("#moment-add-ground")).to_be_hidden()
    console.select_option("#moment-add-kind", "rejection")
    expect(console.locator("#moment-add-ground")).to_be_visible()
    add_moment(console, 3, "rejection", "Afgewezen: eigen kracht", "2023-11-06", ["gemeente_wmo"], "wmo",
               "own_strength", answers="2 oktober 2023 · Aanvraag begeleiding (Aanvraag)")  # fmt: skip
    add_moment(console, 4, "crisis", "Dreigende huisuitzetting", "2024-03-11", ["woningcorporatie"])
    add_moment(console, 5, "breakthrough", "Eén plan, één regisseur", "12-3-2024", ["wijkteam"])
    measures = console.locator("#journey-measures-list")
    expect(measures.locator("[data-measure=days]")).to_have_text("ongeveer 179")  # from mid-September
    expect(console.locator("#journey-measures-note")).to_be_visible()
    expect(measures.locator("[data-measure=rejections]")).to_have_text("1")
    expect(measures.locator("[data-measure=handovers]")).to_have_text("2")
    expect(measures.locator("[data-measure=crisis]")).to_contain_text("1 dag erna")
    expect(console.locator("#console-journey .moment").nth(2)).to_contain_text("6 november 2023")
    expect(console.locator("#console-journey .moment").nth(2)).to_contain_text("Eigen kracht")

    # a date nobody can read is refused with the reason, and the form keeps what was typed
    console.select_option("#moment-add-kind", "other")
    console.fill("#moment-add-title", "Gesprek")
    console.fill("#moment-add-date", "31-02-2024")
    console.get_by_role("button", name="Aan de tijdlijn toevoegen").click()
    expect(console.locator("#moment-add-error")).to_be_visible()
    expect(console.locator("#moment-add-title")).to_have_value("Gesprek")
    expect(console.locator("#console-journey .moment")).to_have_count(5)
    assert_accessible(console, "console with the dated journey and its figures")

    # editing: the crisis was a day earlier
    crisis = console.locator("#console-journey .moment").nth(3)
    crisis.locator("summary").click()
    crisis.locator("input[data-key$=-date]").fill("2024-03-10")
    crisis.get_by_role("button", name="Opslaan").click()
    expect(measures.locator("[data-measure=crisis]")).to_contain_text("2 dagen erna")
    assert_accessible(console, "console editing a moment")
    crisis.locator("summary").click()  # folded again, for the picture
    console.locator("#journey-card > summary").scroll_into_view_if_needed()
    shot(console, "console-journey-1366")
    console.locator("#moment-add").scroll_into_view_if_needed()
    shot(console, "console-moment-form-1366")

    # the projector shows the dated moments in the room's large type (organisations stay on the console)
    console.click("#start-session")
    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(console.url.replace("/console", "/projector"))
    expect(projector.locator("#live-status")).to_have_attribute("data-state", "online")
    console.locator(".view-choice[data-view=journey]").click()
    expect(projector.locator("#projector-journey .moment")).to_have_count(5)
    expect(projector.locator("#projector-journey .moment").first).to_contain_text("september 2023")
    expect(projector.locator(".moment-facts")).to_have_count(0)
    shot(projector, "projector-journey-1280")


def test_the_patterns_page_over_the_demo(demo_server, new_context):
    page = new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, demo_server)
    page.get_by_role("link", name="Patronen in maatwerkreizen").click()
    expect(page.locator("#patterns-count")).to_contain_text("7")
    expect(page.locator("#crisis-line")).to_contain_text("4 van 7")
    expect(page.locator("svg.spread-chart circle")).to_have_count(6)
    expect(page.locator("#patterns-register")).to_contain_text("Regie pas na een crisis")
    assert_accessible(page, "patterns page")
    shot(page, "patterns-1366")
    shot(page, "patterns-full", full_page=True)
    page.select_option("#f-organisation", "leerplicht")
    page.get_by_role("button", name="Toon").click()
    expect(page.locator("#patterns-too-few")).to_be_visible()
    assert_accessible(page, "patterns page with too few journeys")
    with page.expect_download() as download:
        page.get_by_role("link", name="Word (Nederlands)").click()
    assert download.value.suggested_filename == "patronen-maatwerkreizen.docx"
