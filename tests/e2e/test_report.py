"""Reports in a real browser: the facilitator downloads the Word report from the console, and the
programme report from the programme page, and both open as Word documents."""

from __future__ import annotations

import re

from docx import Document
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import create_session, log_in
from tests.e2e.test_live_session import join_by_phone, post


def headings(path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.style.name.startswith(("Heading", "Title"))]


def test_facilitator_downloads_the_word_report_from_the_console(server, new_context, tmp_path):
    console = new_context().new_page()
    log_in(console, server)
    create_session(console, server)
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online")
    code = console.locator("code").first.inner_text()
    phone = join_by_phone(new_context, f"{server.url}/j/{code}", "policy")
    console.click("#start-session")
    console.click("#phase-next")
    expect(phone.locator("#write")).to_be_visible()
    post(phone, "De Wmo-regels passen niet bij dit gezin", kind="bottleneck")
    post(phone, "Korte lijnen met school werkten goed", kind="success")
    expect(console.locator("#wall")).to_contain_text("Korte lijnen met school werkten goed")
    # the facilitator hides one; it must not reach the report
    console.locator(".reflection", has_text="Korte lijnen").get_by_role("button", name="Verbergen").click()
    expect(console.locator(".reflection[data-hidden=true]")).to_have_count(1)

    console.click("#tab-report")  # one click away while the session runs
    report = console.locator(".report-downloads")
    expect(report.get_by_role("heading", name="Verslag")).to_be_visible()
    assert_accessible(console, "console with the report downloads")
    with console.expect_download() as info:
        console.click("#report-docx")
    download = info.value
    assert re.fullmatch(r"verslag-leertafel-e2e-\d{4}-\d\d-\d\d\.docx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    found = headings(path)
    assert found[:2] == ["Leertafel e2e", "Samenvatting"]
    assert "De casus" in found and "Verloop" in found and "Stil schrijven" in found
    # one phone: fewer people at its level than the minimum group, so no participation table per level
    assert "Deelname" not in found
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "De Wmo-regels passen niet bij dit gezin" in text
    assert "Korte lijnen met school" not in text
    # the tagged PDF next to it, from the same document (LibreOffice is installed where the tests run)
    with console.expect_download(timeout=120_000) as info:
        console.click("#report-pdf")
    assert info.value.suggested_filename == download.suggested_filename.replace(".docx", ".pdf")
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-") and b"/StructTreeRoot" in pdf.read_bytes()

    # the organiser's way in: the programme page has the programme report and each session's report
    console.click(".crumbs a")
    console.wait_for_url("**/programmes/*")
    expect(console.get_by_role("heading", name="Verslag van het leertraject")).to_be_visible()
    assert_accessible(console, "programme page with reports")
    with console.expect_download() as info:
        console.click("#programme-report-docx")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "leertrajectverslag-leertraject-e2e.docx"
    assert headings(path)[:3] == ["Leertraject e2e", "Samenvatting", "Sessies"]
