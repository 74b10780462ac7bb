"""A network that blocks WebSockets (a proxy or firewall that refuses the upgrade): the phone falls back to
HTTP long-polling by itself and the session works as usual (static/js/live.js, tryAllTransports)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, create_session, log_in

BLOCK_WEBSOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.refusedWebSockets = 0;
  function Blocked(url, protocols) {
    window.refusedWebSockets += 1;
    return new Native("ws://127.0.0.1:9/", protocols);
  }
  Blocked.prototype = Native.prototype;
  Object.assign(Blocked, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = Blocked;
})();
"""


def test_a_phone_whose_websockets_are_blocked_still_takes_part(server, new_context):
    console = new_context().new_page()
    log_in(console, server)
    create_session(console, server)
    console.click("#start-session")
    console.click("#phase-next")
    code = console.locator("code").first.inner_text()

    phone_context = new_context(**PHONE)
    # every WebSocket the page opens goes to a closed port: it fails before it opens, as a refused upgrade
    # does (Playwright's own WebSocket routing opens the socket first, which is a different failure)
    phone_context.add_init_script(BLOCK_WEBSOCKETS)
    phone = phone_context.new_page()
    phone.goto(f"{server.url}/j/{code}")
    phone.check("input[name=level][value=execution]")
    phone.click("button.send")
    phone.wait_for_selector("#write:not([hidden])")
    expect(phone.locator("#live-status")).to_have_attribute("data-state", "online", timeout=20_000)
    phone.check("input[name=kind][value=success]")
    phone.fill("#text", "Via polling verstuurd")
    phone.click("#write button.send")
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(1)
    expect(console.locator("#wall .reflection", has_text="Via polling verstuurd")).to_have_count(1)
    assert phone.evaluate("window.refusedWebSockets") > 0, "the phone never tried a WebSocket: nothing was blocked"
