"""The phone's join page on small screens: the agree-and-join button is in the first screen (house rules as one
line that opens, name and discipline folded away), and every tap target is at least 44 by 44 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.seed import Room

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
