"""The whole learning table in real browsers: a facilitator creates the session, five phones join through the QR
code at different levels and write, the facilitator clusters (by drag and drop and by keyboard alone), runs a
vote, confirms a commitment proposed from a phone and records one, closes the session and downloads the Word
report. Then the programme's commitments dashboard. axe-core checks the commitment views in Dutch and English."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from docx import Document
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import PHONE, log_in
from tests.e2e.test_live_session import decode_qr, post

LEVELS = ("execution", "execution", "management", "policy", "governance")
TEXTS = [
    "De wachtlijst voor jeugdzorg was een half jaar",
    "Het gezin stond maanden op de wachtlijst",
    "Niemand had de regie over het hele gezin",
    "Geen regie: iedere instantie een eigen plan",
    "Schulden stapelden zich op door boetes",
]


def screenshots(**pages) -> None:
    """With SCREENSHOTS=1 the README's pictures are made from this flow."""
    if os.environ.get("SCREENSHOTS") != "1":
        return
    folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for name, page in pages.items():
        page.screenshot(path=str(folder / f"{name}.png"), full_page=name != "projector")


def create_session_with_levels(page, server) -> str:
    """Through the pages: a programme, a case and a session inviting all four levels; returns the console URL."""
    page.fill("#programme-title", "Leertraject Zuid")
    page.click("text=Leertraject aanmaken")
    page.fill("#case-title", "Gezin Z.")
    page.fill("#case-description", "## Verloop\n\nMoeder meldt zich bij **schuldhulp**.")
    page.click("text=Casus aanmaken")
    page.wait_for_url("**/cases/*")
    page.click(".crumbs a")
    page.wait_for_url("**/programmes/*")
    page.fill("#session-title", "Leertafel Zuid")
    page.select_option("#session-format", "learning-table")
    page.select_option("#session-case", label="Gezin Z.")
    for level in ("management", "policy", "governance"):
        page.check(f"input[name=levels][value={level}]")
    page.check("input[name=language][value=nl]")
    page.click("text=Sessie aanmaken")
    page.wait_for_url("**/console")
    return page.url


def join(new_context, url, level):
    phone = new_context(**PHONE).new_page()
    phone.goto(url)
    phone.check(f"input[name=level][value={level}]")
    phone.locator("button.send").tap()
    phone.wait_for_url("**/p/*")
    expect(phone.locator("#live-status")).to_have_attribute("data-state", "online")
    return phone


def column(page, title):
    return page.locator("#cluster-board .column[data-cluster-id]").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def go_to_phase(console, title):
    console.locator("#phase-list button", has_text=title).click()
    expect(console.locator("#phase-title")).to_have_text(title)


def test_a_whole_learning_table_from_qr_code_to_word_report(server, new_context, tmp_path):
    console = new_context(viewport={"width": 1400, "height": 4000}).new_page()
    dialogs = []
    console.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    log_in(console, server)
    console_url = create_session_with_levels(console, server)
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online")

    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(console_url.replace("/console", "/projector"))
    expect(projector.locator("#live-status")).to_have_attribute("data-state", "online")
    join_url = decode_qr(projector)
    code = projector.locator(".join-code").inner_text()
    assert join_url == f"{server.url}/j/{code}"

    phones = [join(new_context, join_url, level) for level in LEVELS]
    expect(projector.locator("#participant-count")).to_have_text("5")
    expect(console.locator("#participant-count")).to_have_text("5")

    # --- writing: five phones, live on the projector and the console
    console.click("#start-session")
    console.click("#phase-next")
    for phone, text in zip(phones, TEXTS):
        expect(phone.locator("#write")).to_be_visible()
        post(phone, text, kind="bottleneck")
    # silent writing: the projector counts until the facilitator reveals the wall
    expect(console.locator("#wall .reflection")).to_have_count(5)
    expect(projector.locator("#kind-counts li[data-kind=bottleneck] .kind-count")).to_have_text("5")
    console.click("#wall-reveal")
    expect(projector.locator("#wall .reflection")).to_have_count(5)
    expect(phones[0].locator("#mine .state[data-state=confirmed]")).to_have_count(1)
    assert "Niemand had de regie" in projector.locator("#wall").inner_text()
    screenshots(projector=projector, phone=phones[0], console=console)

    # --- clustering: first by keyboard alone, then by drag and drop
    go_to_phase(console, "Delen en knelpunten clusteren")
    expect(console.locator("#cluster-board .unclustered .reflection")).to_have_count(5)
    keys = console.keyboard
    console.locator("#cluster-new-title").focus()
    keys.type("Wachtlijsten")
    keys.press("Enter")
    expect(column(console, "Wachtlijsten")).to_have_count(1)
    for text in ("wachtlijst voor jeugdzorg", "stond maanden op de wachtlijst"):
        card = console.locator("#cluster-board .unclustered .reflection", has_text=text)
        card.locator("select").focus()
        keys.press("ArrowDown")  # from "not clustered" to the only cluster
        keys.press("Tab")
        keys.press("Enter")
        expect(column(console, "Wachtlijsten").locator(".reflection", has_text=text)).to_have_count(1)
    expect(console.locator("#board-status")).to_have_text("Verplaatst naar Wachtlijsten")

    console.fill("#cluster-new-title", "Geen regie")
    console.click("#cluster-new button.primary")
    regie = column(console, "Geen regie")
    expect(regie).to_have_count(1)
    for count, text in enumerate(("Niemand had de regie", "Geen regie: iedere"), start=1):
        console.locator("#cluster-board .unclustered .reflection", has_text=text).drag_to(regie)
        expect(regie.locator(".reflection")).to_have_count(count)
    expect(projector.locator("#projector-board .column[data-cluster-id]")).to_have_count(2)

    # --- dot voting
    go_to_phase(console, "Stemmen met stippen")
    expect(console.locator("#vote-open")).to_be_disabled()  # entering the phase opened the round
    expect(console.locator("#vote-console h3")).to_have_text("Stemronde 1")
    for phone, title in zip(phones, ("Geen regie", "Geen regie", "Wachtlijsten", "Geen regie", "Wachtlijsten")):
        item = phone.locator(".ballot-item").filter(has=phone.get_by_role("heading", name=title, exact=True))
        item.get_by_role("button", name=f"Stip erbij voor {title}").tap()
        expect(item).to_have_attribute("data-dots", "1")
    expect(projector.locator("#votes-progress")).to_contain_text("5 mensen hebben gestemd")
    console.locator("#vote-console button.primary").click()
    expect(projector.locator("#votes-chart li[data-dots='3']")).to_contain_text("Geen regie")

    # --- commitments: one proposed from a phone and confirmed, one recorded by the facilitator
    go_to_phase(console, "Actieafspraken")
    proposer = phones[2]
    expect(proposer.locator("#commit-form")).to_be_visible()
    assert_accessible(proposer, "phone, commitments phase")
    # a person's name is warned about as in a reflection (issue 20), and nothing is sent yet
    proposer.fill("#mine-what", "Jan Jansen belt de school")
    proposer.locator("#commit-form button.send").tap()
    expect(proposer.locator("#commit-pii-warning")).to_contain_text("naam van een persoon")
    expect(proposer.locator("#my-commitments .state")).to_have_count(0)
    proposer.fill("#mine-what", "Ik / mijn team gaat één gezinsregisseur aanwijzen")
    proposer.fill("#mine-owner", "Teamleider wijkteam Zuid")
    proposer.fill("#mine-due", "2026-03-01")
    proposer.locator("#commit-fields label.check", has_text="Geen regie").locator("input").check()
    proposer.locator("#commit-form button.send").tap()
    expect(proposer.locator("#my-commitments .state[data-state=waiting]")).to_have_count(1)

    proposal = console.locator("#proposals .proposal", has_text="gezinsregisseur")
    expect(proposal).to_have_count(1)
    expect(proposal).to_contain_text("Pakt op: Geen regie")
    assert_accessible(console, "console with a proposal")
    # nothing on the projector until the facilitator confirms
    expect(projector.locator("#commitments-view")).to_be_visible()
    expect(projector.locator("#projector-commitments > li")).to_have_count(0)
    proposal.get_by_role("button", name=re.compile("^Bevestigen")).click()
    expect(console.locator("#confirmed-commitments .commitment", has_text="gezinsregisseur")).to_have_count(1)
    expect(projector.locator("#projector-commitments > li", has_text="gezinsregisseur")).to_have_count(1)
    expect(proposer.locator("#my-commitments .state[data-state=confirmed]")).to_have_count(1)
    expect(phones[0].locator("#group-commitments li", has_text="gezinsregisseur")).to_have_count(1)

    console.locator("#commitments-console summary", has_text="Een actieafspraak vastleggen").click()
    console.fill("#rec-what", "Wachtlijstbeleid agenderen in het college")
    console.fill("#rec-owner", "Wethouder jeugd")
    console.select_option("#rec-level", "governance")
    console.locator("#commit-record-fields label.check", has_text="Wachtlijsten").locator("input").check()
    console.click("#commit-record")
    expect(projector.locator("#projector-commitments > li")).to_have_count(2)
    assert_accessible(projector, "projector with commitments")
    assert_accessible(console, "console with commitments")

    # the proposer reports progress from the phone
    mine = proposer.locator("#my-commitments .commitment")
    mine.locator("select").select_option("in_progress")
    mine.locator("input[type=text]").fill("Eerste overleg gepland")
    mine.locator("button.primary").tap()
    expect(console.locator("#confirmed-commitments .commitment[data-status=in_progress]")).to_contain_text(
        "Eerste overleg gepland"
    )
    assert_accessible(proposer, "phone with its confirmed commitment")

    # --- close and download the Word report
    console.click("#close-session")
    expect(console.locator("#close-session")).to_be_disabled()
    expect(phones[0].locator("#lobby")).to_be_visible()
    assert dialogs
    with console.expect_download() as download:
        console.click("#report-docx")
    path = tmp_path / "report.docx"
    download.value.save_as(path)
    doc = Document(io.BytesIO(path.read_bytes()))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    commitments = next(t for t in tables if t[0][:2] == ["Wat", "Wie"])
    assert commitments[1][:2] == ["Ik / mijn team gaat één gezinsregisseur aanwijzen", "Teamleider wijkteam Zuid"]
    assert commitments[1][4:] == ["Bezig", "Geen regie"]
    assert commitments[2][1:3] == ["Wethouder jeugd", "Bestuur"] and commitments[2][5] == "Wachtlijsten"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Eerste overleg gepland" in text and "Niemand had de regie over het hele gezin" in text

    # --- the organiser's dashboard, in Dutch and in English
    console.goto(console_url)
    console.click(".crumbs a")
    console.click("#programme-commitments")
    expect(console.locator("h1")).to_contain_text("Actieafspraken")
    counts = console.locator("#commitment-counts")
    expect(counts.locator("tr[data-level=management] td[data-status=in_progress]")).to_have_text("1")
    expect(counts.locator("tr[data-level=governance] td[data-status=open]")).to_have_text("1")
    expect(console.locator("#unanswered-heading + p")).to_have_text("Elk knelpunt heeft een actieafspraak.")
    assert_accessible(console, "commitments dashboard (nl)")
    dashboard_url = console.url

    english = new_context(locale="en-GB", viewport={"width": 1280, "height": 2000}).new_page()
    log_in(english, server)
    english.goto(dashboard_url)
    expect(english.locator("#by-level-heading")).to_have_text("By level and status")
    assert_accessible(english, "commitments dashboard (en)")
    english.goto(console_url)
    expect(english.locator("#commitments-heading")).to_have_text("Commitments")
    expect(english.locator("#confirmed-commitments .commitment")).to_have_count(2)
    assert_accessible(english, "console commitments (en)")

    # --- months later: an English follow-up session of the same programme starts from the top-voted bottleneck
    english.goto(dashboard_url)
    english.click(".crumbs a")
    english.fill("#session-title", "Follow-up table")
    english.select_option("#session-format", "learning-table-followup")
    english.check("input[name=levels][value=management]")
    english.check("input[name=language][value=en]")
    english.get_by_role("button", name="Create session").click()
    english.wait_for_url("**/console")
    expect(english.locator("#live-status")).to_have_attribute("data-state", "online")
    offered = english.locator("#carry-form li")
    expect(offered).to_have_count(2)
    expect(offered.first).to_contain_text("Geen regie")  # most dots first, and ticked
    expect(offered.first.locator("input")).to_be_checked()
    assert_accessible(english, "console with earlier bottlenecks to carry (en)")
    english.get_by_role("button", name="Carry forward").click()
    expect(english.locator("#carried-list > li")).to_have_count(2)
    expect(english.locator("#carried-list")).to_contain_text("Leertafel Zuid")
    english.locator("#carried-list summary").first.click()
    expect(english.locator("#carried-list")).to_contain_text("Niemand had de regie over het hele gezin")

    follow_projector = english.context.new_page()
    follow_projector.set_viewport_size({"width": 1920, "height": 1080})
    follow_projector.goto(english.url.replace("/console", "/projector"))
    follow_code = follow_projector.locator(".join-code").inner_text()
    owner = join(new_context, f"{server.url}/j/{follow_code}", "management")
    english.click("#start-session")
    english.click("#phase-next")
    expect(follow_projector.locator("#commitments-view")).to_be_visible()
    expect(follow_projector.locator("#projector-commitments > li")).to_have_count(2)
    expect(owner.locator("#phone-followup-list > li")).to_have_count(2)
    assert_accessible(owner, "phone in the follow-up phase (en)")
    item = english.locator("#followup-list .commitment", has_text="gezinsregisseur")
    item.locator("select").select_option("done")
    item.locator("input[type=text]").fill("Regisseur started in March")
    item.get_by_role("button", name=re.compile("^Update")).click()
    expect(follow_projector.locator("#projector-commitments > li[data-status=done]")).to_contain_text(
        "Regisseur started in March"
    )
    expect(owner.locator("#phone-followup-list > li[data-status=done]")).to_have_count(1)
    assert_accessible(follow_projector, "projector in the follow-up phase (en)")
    assert_accessible(english, "console in the follow-up phase (en)")
