"""A live session in real browsers: a projector, a console and phones that join through the QR code."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, create_session, log_in


def save_screenshots(**pages) -> None:
    """With SAVE_SCREENSHOTS=1 the README's pictures are made here, from the real flow."""
    if os.environ.get("SAVE_SCREENSHOTS") != "1":
        return
    folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for name, page in pages.items():
        page.screenshot(path=str(folder / f"{name}.png"), full_page=name != "projector")


def decode_qr(page) -> str:
    png = page.locator("#qr svg").screenshot()
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


def join_by_phone(new_context, url, level, name=None):
    phone = new_context(**PHONE).new_page()
    phone.goto(url)
    phone.check(f"input[name=level][value={level}]")
    if name:
        phone.locator("#join-optional summary").click()  # the optional name is folded away on the join page
        phone.fill("#name", name)
    phone.click("button.send")
    phone.wait_for_url("**/p/*")
    phone.wait_for_selector("#live-status[data-state=online]")
    return phone


def post(phone, text, kind=None):
    # nothing is preselected when a phase offers several kinds: a person picks one (here the first, if not named)
    if kind:
        phone.check(f"input[name=kind][value={kind}]")
    else:
        phone.locator("input[name=kind]").first.check()
    phone.fill("#text", text)
    phone.click("#write button.send")


def test_phones_join_through_the_qr_code_and_the_wall_updates_live(server, new_context):
    console = new_context().new_page()
    log_in(console, server)
    console_url = create_session(console, server)
    console.wait_for_selector("#live-status[data-state=online]")
    # the projector is a second window of the facilitator's browser
    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(console_url.replace("/console", "/projector"))
    projector.wait_for_selector("#live-status[data-state=online]")

    join_url = decode_qr(projector)
    code = projector.locator(".join-code").inner_text()
    assert join_url == f"{server.url}/j/{code}"

    phones = [join_by_phone(new_context, join_url, level) for level in ("execution", "management", "policy")]
    expect(projector.locator("#participant-count")).to_have_text("3")
    assert phones[0].locator("#lobby").inner_text() == "De sessie begint zo."

    console.click("#start-session")
    console.click("#phase-next")
    for phone in phones:
        phone.wait_for_selector("#write:not([hidden])")
    # each phone reads the prompt for its own level
    assert "eigen werk" in phones[0].locator("#prompt").inner_text()
    assert "regel" in phones[2].locator("#prompt").inner_text()

    post(phones[0], "Niemand had de regie over het gezin", kind="bottleneck")
    post(phones[1], "Korte lijnen met school werkten goed", kind="success")
    post(phones[2], "De Wmo-regels passen niet bij dit gezin", kind="bottleneck")
    # silent writing: the projector counts, the console sees every card; the facilitator reveals the wall
    expect(console.locator("#wall .reflection")).to_have_count(3)
    expect(projector.locator("#kind-counts .kind-count")).to_have_text(["1", "2", "0"])
    console.click("#wall-reveal")
    expect(projector.locator("#wall .reflection")).to_have_count(3)
    assert "Niemand had de regie over het gezin" in projector.locator("#wall").inner_text()
    phones[0].wait_for_selector("#mine .state[data-state=confirmed]")
    # the learning table does not share reflections between phones
    assert phones[1].locator("#others-section").is_hidden()

    save_screenshots(projector=projector, phone=phones[0], console=console)

    console.locator("#wall .reflection", has_text="Wmo-regels").locator("button.danger").click()
    expect(projector.locator("#wall .reflection")).to_have_count(2)
    expect(phones[2].locator("#mine .reflection")).to_have_count(0)

    # timer: started with the phase (the format's entry action), counting down on the phone from server time
    expect(console.locator("#timer")).to_have_attribute("data-state", "running")
    expect(console.locator("#timer-start")).to_be_disabled()
    expect(phones[0].locator("#timer")).to_have_text(re.compile(r"^1[45]:[0-9]{2}$"))


def test_too_long_text_is_refused_and_shown(server, new_context):
    console = new_context().new_page()
    log_in(console, server)
    create_session(console, server)
    console.click("#start-session")
    console.click("#phase-next")
    code = console.locator("code").first.inner_text()
    phone = join_by_phone(new_context, f"{server.url}/j/{code}", "execution")
    phone.wait_for_selector("#write:not([hidden])")
    assert phone.locator("#text").get_attribute("maxlength") == "500"
    phone.fill("#text", "x" * 20)
    assert phone.locator("#counter").inner_text() == "nog 480 tekens"
