"""The phone on small screens: the agree-and-join button is in the first screen (house rules as one line that
opens, name and discipline folded away), every tap target is at least 44 by 44 px, sending shows its
confirmation without scrolling, and the case opens in a folded "Casus" panel."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.seed import CASE_TEXT, Room

#: every control's box; a radio or checkbox counts by its label, which is what a thumb hits
TARGETS = """() => {
  const controls = document.querySelectorAll("button, a, select, input, summary, label.check, .kinds label");
  const small = [];
  for (const el of controls) {
    if (!el.getClientRects().length || el.closest(".skip, .visually-hidden")) continue;
    if (el.matches("input") && el.closest("label")) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 44 || r.height < 44) small.push([el.outerHTML.slice(0, 60), r.width, r.height]);
  }
  return small;
}"""


@pytest.mark.parametrize("size", [(360, 740), (390, 844)])
def test_the_join_button_is_in_the_first_screen_and_targets_are_large(server, new_context, size):
    room = Room(server.instance, "learning-table", "Leertafel Zuid over samenwerking rond één gezin")
    width, height = size
    phone = new_context(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{server.url}/j/{room.code}")
    button = phone.get_by_role("button", name="Akkoord en meedoen")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= height, f"the join button ends at {box['y'] + box['height']} px"
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    assert phone.evaluate(TARGETS) == []
    phone.locator("#join-rules-box summary").click()
    expect(phone.locator("#join-rules li").first).to_be_visible()
    assert_accessible(phone, f"join page at {width}x{height}")
    phone.check("input[name=level][value=policy]")
    button.click()
    phone.wait_for_url("**/p/*")
    expect(phone.locator("#live-status")).to_have_attribute("data-state", "online")
    assert phone.evaluate(TARGETS) == []


@pytest.mark.parametrize("size", [(360, 740), (390, 844)])
def test_send_and_confirm_without_scrolling_and_the_case_opens(server, new_context, size):
    room = Room(server.instance, "learning-table", "Leertafel Zuid over samenwerking rond één gezin")
    room.run("session.start", {})
    room.phase("write")
    width, height = size
    phone = new_context(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{server.url}/j/{room.code}")
    phone.check("input[name=level][value=policy]")
    phone.get_by_role("button", name="Akkoord en meedoen").click()
    phone.wait_for_url("**/p/*")
    expect(phone.locator("#write")).to_be_visible()

    # the case is folded away under one 44 px line; it opens with the case's own text, rendered from Markdown
    panel = phone.locator("#case-panel")
    expect(panel).to_be_visible()
    expect(panel).not_to_have_attribute("open", "")
    assert panel.locator("summary").bounding_box()["height"] >= 44
    panel.locator("summary").tap()
    assert "Het gezin" in CASE_TEXT
    expect(panel.locator(".case-text h2", has_text="Het gezin")).to_be_visible()
    expect(panel.locator(".case-text")).to_contain_text("Gefingeerde casus, gepseudonimiseerd")
    expect(panel.locator(".case-text")).not_to_contain_text("**")
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(phone, f"phone with the case open at {width}x{height}")
    panel.locator("summary").tap()

    # several kinds, none preselected: the button waits for a choice, then names it
    send = phone.locator("#send-reflection")
    expect(send).to_be_disabled()
    expect(send).to_have_text("Kies eerst een soort")
    phone.locator(".kinds label", has_text="Knelpunt").tap()
    expect(send).to_have_text("Knelpunt versturen")
    phone.locator("#text").fill("Niemand had de regie over het gezin")
    phone.evaluate("window.scrollTo(0, 0)")
    send.tap()
    status = phone.locator("#sent-status")
    expect(status).to_have_attribute("data-state", "confirmed")
    expect(status).to_have_text("Knelpunt: Ontvangen")
    # visible where the thumb is, without scrolling: inside the viewport as the page stands after the tap
    box = status.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= height, f"the confirmation is at {box['y']} px"
    expect(phone.locator("#text")).to_have_value("")
    expect(phone.locator("#text")).to_be_focused()
    assert phone.evaluate(TARGETS) == []
    assert_accessible(phone, f"phone after sending at {width}x{height}")
