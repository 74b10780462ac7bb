"""Page weight: a participant's phone loads the join and writing pages from this server only, and light."""

from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, create_session, log_in

#: what a cheap phone on a municipality's guest Wi-Fi should have to fetch: HTML, CSS, JS, fonts, compressed
BUDGET_BYTES = 100 * 1024


def _track(page):
    """Every response the page fetches, with what crossed the wire (headers + encoded body)."""
    seen = []

    def finished(request):
        sizes = request.sizes()
        seen.append((request.url, request.resource_type, sizes["responseHeadersSize"] + sizes["responseBodySize"]))

    page.on("requestfinished", finished)
    return seen


def test_participant_pages_stay_on_this_host_and_under_100_kb(server, new_context):
    console = new_context().new_page()
    log_in(console, server)
    create_session(console, server)
    code = console.locator("code").first.inner_text()
    console.click("#start-session")
    console.click("#phase-next")

    phone = new_context(**PHONE).new_page()
    seen = _track(phone)
    phone.goto(f"{server.url}/j/{code}")
    phone.check("input[name=level][value=policy]")
    phone.click("button.send")
    expect(phone.locator("#write")).to_be_visible()
    phone.check("input[name=kind][value=bottleneck]")
    phone.fill("#text", "De wachtlijst was te lang")
    phone.click("#write button.send")
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(1)
    phone.wait_for_load_state("networkidle")

    hosts = {urlparse(url).netloc for url, _, _ in seen}
    assert hosts == {urlparse(server.url).netloc}, f"requests to other hosts: {hosts}"
    pages = [
        (url, kind, size) for url, kind, size in seen if kind in {"document", "stylesheet", "script", "font", "image"}
    ]
    total = sum(size for _, _, size in pages)
    detail = "\n".join(f"{size:>7} {kind:<10} {url}" for url, kind, size in sorted(pages, key=lambda p: -p[2]))
    print(f"\nparticipant page weight: {total} bytes\n{detail}")
    assert any(kind == "script" for _, kind, _ in pages), "no scripts seen: the measurement is broken"
    assert total <= BUDGET_BYTES, f"participant pages weigh {total} bytes (> {BUDGET_BYTES}):\n{detail}"
