"""Fishbowl mode in real browsers: phones ask for the empty chair, the facilitator seats them (or the queue
does by itself), the projector draws the circle, the queue and speaking time per level as it accumulates,
and axe-core checks the phone's fishbowl view and the projector's circle in Dutch and English."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import log_in
from tests.e2e.test_live_session import join_by_phone, post


def create_fishbowl(page, server, language="nl"):
    """A programme and a fishbowl session for every level, through the pages; returns the console URL."""
    page.fill("#programme-title", "Fishbowl met bestuur")
    page.click("text=Leertraject aanmaken")
    page.wait_for_url("**/programmes/*")
    page.fill("#session-title", "Fishbowl e2e")
    page.select_option("#session-format", "fishbowl")
    for level in ("execution", "management", "policy", "governance"):
        page.check(f"input[name=levels][value={level}]")
    page.check(f"input[name=language][value={language}]")
    page.click("text=Sessie aanmaken")
    page.wait_for_url("**/console")
    return page.url


def chair(projector, n):
    return projector.locator(f"#fishbowl-circle .chair[data-seat='{n}']")


def test_phones_take_the_empty_chair_and_the_projector_follows(server, new_context):
    console = new_context(viewport={"width": 1400, "height": 3000}).new_page()
    log_in(console, server)
    url = create_fishbowl(console, server)
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online")
    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(url.replace("/console", "/projector"))
    expect(projector.locator("#live-status")).to_have_attribute("data-state", "online")
    code = console.locator("code").first.inner_text()
    join = f"{server.url}/j/{code}"
    worker = join_by_phone(new_context, join, "execution", name="Sanne")
    adviser = join_by_phone(new_context, join, "policy")
    director = join_by_phone(new_context, join, "governance", name="Wethouder Jansen")

    console.click("#start-session")
    console.click("#phase-next")
    expect(console.locator("#fishbowl-console")).to_be_visible()
    console.click("#tab-clusters")  # the board is one click away in the fishbowl phase
    console.fill("#cluster-new-title", "Geen casusregie")
    console.click("#cluster-new button.primary")
    console.click("#tab-fishbowl")
    expect(console.locator("#fishbowl-topic option", has_text="Geen casusregie")).to_have_count(1)
    console.select_option("#fishbowl-topic", label="Geen casusregie")
    console.click("#fishbowl-topic-set")

    # the projector switches to the circle by itself: five chairs, all empty, and the topic in the middle
    expect(projector.locator("#fishbowl-view")).to_be_visible()
    expect(projector.locator("#wall")).to_be_hidden()
    expect(projector.locator("#fishbowl-circle .chair")).to_have_count(5)
    expect(projector.locator("#fishbowl-circle .chair.empty")).to_have_count(5)
    expect(projector.locator("#fishbowl-topic-shown")).to_have_text("Geen casusregie")
    expect(projector.locator("#fishbowl-clock")).to_have_text(re.compile(r"Ronde 1 · \d\d:\d\d"))

    # "Ik wil in de kring": the phone waits, the queue shows the anonymous by level
    expect(adviser.locator("#fishbowl-phone")).to_be_visible()
    adviser.get_by_role("button", name="Ik wil in de kring").click()
    expect(adviser.locator("#fishbowl-phone-status")).to_have_text(re.compile("nummer 1 in de wachtrij"))
    expect(projector.locator("#fishbowl-queue-shown li")).to_have_text(["Beleid"])
    assert_accessible(adviser, "phone waiting for the empty chair")
    assert_accessible(projector, "projector circle with a queue")

    # withdrawing and asking again
    adviser.get_by_role("button", name="Toch niet, uit de wachtrij").click()
    expect(projector.locator("#fishbowl-queue-shown li")).to_have_text(["Niemand wacht op de lege stoel."])
    adviser.get_by_role("button", name="Ik wil in de kring").click()
    expect(console.locator("#fishbowl-queue li")).to_have_count(1)

    # the facilitator seats the first in the queue
    console.get_by_role("button", name="Beleid in de kring zetten").click()
    expect(chair(projector, 1)).to_contain_text("Beleid")
    expect(chair(projector, 1)).to_have_attribute("data-level", "policy")
    expect(adviser.locator("#fishbowl-phone-status")).to_have_text(re.compile("Je zit in de kring, op stoel 1"))
    expect(adviser.get_by_role("button", name="Ik verlaat de kring")).to_be_visible()
    assert_accessible(adviser, "phone in the circle")
    adviser.screenshot(path="/tmp/fishbowl_phone.png", full_page=True)

    # with auto-seat the director's request takes the next free chair at once
    console.check("#fishbowl-auto")
    console.click("#fishbowl-save")
    expect(console.locator("#fishbowl-auto")).to_be_checked()
    director.get_by_role("button", name="Ik wil in de kring").click()
    expect(chair(projector, 2)).to_contain_text("Wethouder Jansen")
    expect(chair(projector, 2)).to_contain_text("Bestuur")
    expect(director.locator("#fishbowl-phone-status")).to_have_text(re.compile("op stoel 2"))

    # speaking time accumulates per level on the projector and the console
    policy_time = projector.locator("#fishbowl-time-shown li[data-level=policy] .bar-value")
    expect(policy_time).to_have_text(re.compile(r"\d+% · 00:0[2-9]"))
    expect(projector.locator("#fishbowl-time-shown li[data-level=governance] .bar-value")).to_have_text(
        re.compile(r"\d+% · 00:0[1-9]")
    )
    expect(console.locator("#fishbowl-time li[data-level=policy] .bar-value")).to_have_text(
        re.compile(r"% · 00:0[1-9]")
    )
    expect(projector.locator("#fishbowl-time-sentence")).to_have_text(
        re.compile(r"Beleid had \d+% van de tijd de stoel.")
    )
    expect(console.locator("#fishbowl-people li")).to_have_count(2)
    expect(console.locator("#fishbowl-people")).to_contain_text("Wethouder Jansen (Bestuur): 00:0")
    # execution never sat: no time
    expect(projector.locator("#fishbowl-time-shown li[data-level=execution] .bar-value")).to_have_text("0% · 00:00")

    # the adviser leaves the circle from the phone; the chair is empty again
    adviser.get_by_role("button", name="Ik verlaat de kring").click()
    expect(chair(projector, 1)).to_have_class(re.compile("empty"))
    expect(adviser.locator("#fishbowl-phone-status")).to_have_text(re.compile("buitenkring"))

    # the outer circle writes observations, which the projector shows beside the circle
    post(worker, "Wie houdt de regie als het budget op is?", kind="question")
    expect(projector.locator("#fishbowl-observations .reflection")).to_have_count(1)
    expect(projector.locator("#fishbowl-observations")).to_contain_text("Wie houdt de regie")
    projector.screenshot(path="/tmp/fishbowl_projector.png")
    assert_accessible(projector, "projector circle with speaking time and observations")
    assert_accessible(console, "console with the fishbowl")
    console.locator("#fishbowl-console").screenshot(path="/tmp/fishbowl_console.png")

    # the facilitator frees the director's chair
    console.get_by_role("button", name=re.compile("Stoel vrijmaken.*Wethouder Jansen")).click()
    expect(projector.locator("#fishbowl-circle .chair.empty")).to_have_count(5)
    # and seats someone who did not ask
    console.select_option("#fishbowl-other", label="Sanne (Uitvoering)")
    console.click("#fishbowl-other-seat")
    expect(chair(projector, 1)).to_contain_text("Sanne")
    expect(worker.locator("#fishbowl-phone-status")).to_have_text(re.compile("Je zit in de kring, op stoel 1"))


def test_the_fishbowl_screens_pass_axe_in_english(server, new_context):
    console = new_context(viewport={"width": 1400, "height": 3000}).new_page()
    log_in(console, server)
    url = create_fishbowl(console, server, language="en")
    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(url.replace("/console", "/projector"))
    expect(projector.locator("#live-status")).to_have_attribute("data-state", "online")
    code = console.locator("code").first.inner_text()
    phone = join_by_phone(new_context, f"{server.url}/j/{code}", "policy")
    console.click("#start-session")
    console.click("#phase-next")
    expect(console.locator("#fishbowl-console")).to_be_visible()
    phone.get_by_role("button", name="I want to join the circle").click()
    expect(projector.locator("#fishbowl-view")).to_be_visible()
    assert_accessible(phone, "phone waiting for the empty chair (en)")
    console.get_by_role("button", name=re.compile("in de kring zetten")).click()
    expect(phone.get_by_role("button", name="I'm leaving the circle")).to_be_visible()
    expect(projector.locator("#fishbowl-circle .chair:not(.empty)")).to_have_count(1)
    assert_accessible(phone, "phone in the circle (en)")
    assert_accessible(projector, "projector circle (en)")
