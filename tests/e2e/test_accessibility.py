"""Every screen passes axe-core's WCAG 2.1 A/AA rules, in Dutch and in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import PHONE, create_session, log_in


@pytest.mark.parametrize("language", ["nl", "en"])
def test_live_screens_have_no_wcag_violations(server, new_context, language):
    locale = "nl-NL" if language == "nl" else "en-GB"
    anonymous = new_context(locale=locale).new_page()
    anonymous.goto(f"{server.url}/login")
    assert_accessible(anonymous, "login")
    anonymous.goto(f"{server.url}/join")
    assert_accessible(anonymous, "join by code")

    console = new_context().new_page()  # the facilitator works in Dutch; the session language varies
    log_in(console, server)
    assert_accessible(console, "programmes")
    create_session(console, server, language=language)
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online")
    assert_accessible(console, "programme/console before start")
    code = console.locator("code").first.inner_text()

    phone = new_context(locale=locale, **PHONE).new_page()
    phone.goto(f"{server.url}/j/{code}")
    assert_accessible(phone, "participant join")
    phone.check("input[name=level][value=policy]")
    phone.click("button.send")
    expect(phone.locator("#lobby")).to_be_visible()
    assert_accessible(phone, "participant lobby")

    console.click("#start-session")
    console.click("#phase-next")
    expect(phone.locator("#write")).to_be_visible()
    # several kinds and none preselected: the person chooses, the button waits until then
    expect(phone.locator("#send-reflection")).to_be_disabled()
    choose, send = ("Kies eerst een soort", "Knelpunt versturen")
    if language == "en":
        choose, send = ("Choose a kind first", "Send: Bottleneck")
    expect(phone.locator("#send-reflection")).to_have_text(choose)
    phone.check("input[name=kind][value=bottleneck]")
    expect(phone.locator("#send-reflection")).to_have_text(send)
    phone.fill("#text", "Beleid zat in de weg")
    phone.click("#write button.send")
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(1)
    assert_accessible(phone, "participant writing")
    expect(console.locator("#wall .reflection")).to_have_count(1)
    assert_accessible(console, "console with reflections")

    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(console.url.replace("/console", "/projector"))
    expect(projector.locator("#kind-counts li")).to_have_count(3)
    assert_accessible(projector, "projector, wall covered")
    console.click("#wall-reveal")
    expect(projector.locator("#wall .reflection")).to_have_count(1)
    assert_accessible(projector, "projector")


def test_voting_screens_have_no_wcag_violations_in_english(server, new_context):
    """The Dutch voting screens are checked along the clustering flow; here the same screens in English."""
    console = new_context(viewport={"width": 1400, "height": 2400}).new_page()
    log_in(console, server)
    url = create_session(console, server, language="en")
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online")
    code = console.locator("code").first.inner_text()
    phone = new_context(locale="en-GB", **PHONE).new_page()
    phone.goto(f"{server.url}/j/{code}")
    phone.check("input[name=level][value=policy]")
    phone.click("button.send")
    expect(phone.locator("#lobby")).to_be_visible()
    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(url.replace("/console", "/projector"))
    console.click("#start-session")
    console.click("#tab-clusters")  # the board is one click away in the introduction
    for count, title in enumerate(("No one in charge", "Waiting lists"), start=1):
        console.fill("#cluster-new-title", title)
        console.click("#cluster-new button.primary")
        expect(console.locator("#cluster-board .column[data-cluster-id]")).to_have_count(count)
    console.locator("#phase-list button").nth(3).click()  # the learning table's voting phase
    expect(console.locator("#vote-open")).to_be_disabled()  # entering the phase opened the round
    expect(phone.locator("#ballot")).to_be_visible()
    expect(phone.locator("#ballot-left")).to_contain_text("3")
    assert_accessible(phone, "phone ballot (en)")
    phone.locator(".ballot-item button.primary").first.click()
    expect(projector.locator("#votes-view")).to_be_visible()
    console.get_by_role("button", name="Ronde sluiten").click()
    expect(projector.locator("#votes-chart li")).to_have_count(2)
    expect(phone.locator("#phone-results-list .bar-label")).to_have_count(2)
    assert_accessible(projector, "projector final ranking (en)")
    assert_accessible(phone, "phone after voting (en)")
