"""Flaky Wi-Fi and a server restart: nothing a phone wrote is lost or doubled, every screen recovers by itself.

The connection is cut for real by stopping the server: browser offline emulation has been known to leave
open WebSockets connected, which would prove nothing."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, create_session, log_in


def test_reflections_written_while_the_server_is_down_arrive_exactly_once(server, new_context):
    console = new_context().new_page()
    log_in(console, server)
    create_session(console, server)
    console.click("#start-session")
    console.click("#phase-next")
    # the writing phase starts covered on the projector; shown at once here, so the projector has cards to recover
    console.click("#wall-reveal")
    code = console.locator("code").first.inner_text()
    projector = console.context.new_page()
    projector.goto(console.url.replace("/console", "/projector"))

    phone = new_context(**PHONE).new_page()
    phone.goto(f"{server.url}/j/{code}")
    phone.check("input[name=level][value=execution]")
    phone.click("button.send")
    phone.wait_for_selector("#write:not([hidden])")
    phone.check("input[name=kind][value=success]")
    phone.fill("#text", "Voor de storing")
    phone.click("#write button.send")
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(1)

    server.stop()
    expect(phone.locator("#live-status")).to_have_attribute("data-state", "offline")
    for n in range(1, 4):
        phone.fill("#text", f"Offline geschreven {n}")
        phone.click("#write button.send")
    expect(phone.locator("#mine .state[data-state=waiting]")).to_have_count(3)
    # a reload while offline keeps them: the outbox lives in the phone's storage
    assert "Offline geschreven 2" in phone.evaluate("localStorage.getItem(Object.keys(localStorage)[0])")

    server.start()
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(4, timeout=20_000)
    for screen in (console, projector):
        expect(screen.locator("#live-status")).to_have_attribute("data-state", "online", timeout=20_000)
        expect(screen.locator("#wall .reflection")).to_have_count(4)
        for n in range(1, 4):
            expect(screen.locator("#wall .reflection", has_text=f"Offline geschreven {n}")).to_have_count(1)
    assert phone.evaluate("Object.keys(localStorage).length") == 0

    # the same phone, after a reload, still knows who it is and what it wrote
    phone.reload()
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(4)


def test_screens_show_the_right_state_after_a_restart(server, new_context):
    console = new_context().new_page()
    log_in(console, server)
    create_session(console, server)
    console.click("#start-session")
    expect(console.locator("#phase-title")).to_have_text("Introductie van de casus")
    server.stop()
    expect(console.locator("#live-status")).to_have_attribute("data-state", "offline")
    server.start()
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online", timeout=20_000)
    console.click("#phase-next")
    expect(console.locator("#phase-title")).to_have_text("Stil schrijven")
