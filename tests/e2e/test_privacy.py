"""Personal data in a live session, as people meet it: the phone warns before sending a BSN, the person edits
or sends anyway, and the console shows the server's flag and lets the facilitator rewrite the reflection."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import PHONE, create_session, log_in


def test_phone_warns_about_a_bsn_and_the_console_flags_what_was_sent_anyway(server, new_context):
    console = new_context().new_page()
    log_in(console, server)
    create_session(console, server)
    console.wait_for_selector("#live-status[data-state=online]")
    console.click("#start-session")
    console.click("#phase-next")
    code = console.locator("code").first.inner_text()

    phone = new_context(**PHONE).new_page()
    phone.goto(f"{server.url}/j/{code}")
    phone.check("input[name=level][value=execution]")
    phone.click("button.send")
    phone.wait_for_url("**/p/*")
    phone.wait_for_selector("#write:not([hidden])")

    # a number that passes the eleven-test: warned, nothing sent, the text stays to be edited
    phone.check("input[name=kind][value=bottleneck]")
    phone.fill("#text", "Moeder gaf haar BSN 123456782 aan de balie")
    phone.click("#write button.send")
    warning = phone.locator("#pii-warning")
    expect(warning).to_be_visible()
    assert warning.get_attribute("role") == "alert"
    expect(warning).to_contain_text("burgerservicenummer")
    assert phone.locator("#text").input_value() == "Moeder gaf haar BSN 123456782 aan de balie"
    expect(phone.locator("#mine .reflection")).to_have_count(0)
    assert_accessible(phone, "phone with the personal-data warning")

    # a person's name and a street address (issue 20) are warned about the same way
    phone.fill("#text", "Jan Jansen woont op Dorpsstraat 12")
    phone.click("#write button.send")
    expect(warning).to_contain_text("naam van een persoon")
    expect(warning).to_contain_text("straatadres")
    expect(phone.locator("#mine .reflection")).to_have_count(0)

    # edited: sent at once, and the warning goes
    phone.fill("#text", "Moeder gaf haar gegevens aan de balie")
    phone.click("#write button.send")
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(1)
    expect(warning).to_be_hidden()
    expect(console.locator("#wall .reflection")).to_have_count(1)
    expect(console.locator("#wall .pii-flag")).to_have_count(0)

    # warned again, and Send pressed again: sent as it is; the server flags it for the facilitator
    phone.fill("#text", "Bel vader op 06-12345678")
    phone.click("#write button.send")
    expect(warning).to_contain_text("telefoonnummer")
    expect(phone.locator("#mine .reflection")).to_have_count(1)
    phone.click("#write button.send")
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(2)
    expect(warning).to_be_hidden()
    flagged = console.locator("#wall .reflection", has_text="06-12345678")
    expect(flagged.locator(".pii-flag")).to_contain_text("telefoonnummer")
    # the author sees the flag on their own card too
    expect(phone.locator("#mine .pii-flag")).to_contain_text("telefoonnummer")
    assert_accessible(console, "console with a flagged reflection")

    # the facilitator rewrites it; the flag goes on the console and on the phone
    flagged.locator("summary").click()
    flagged.locator("textarea").fill("Bel vader (nummer weggehaald)")
    flagged.locator("button.primary").click()
    edited = console.locator("#wall .reflection", has_text="nummer weggehaald")
    expect(edited).to_have_count(1)
    expect(edited.locator(".pii-flag")).to_have_count(0)
    expect(phone.locator("#mine .pii-flag")).to_have_count(0)
    expect(phone.locator("#mine")).to_contain_text("nummer weggehaald")


def test_case_with_a_bsn_needs_confirmation(server, new_context):
    page = new_context().new_page()
    log_in(page, server)
    page.fill("#programme-title", "Leertraject privacy")
    page.click("text=Leertraject aanmaken")
    page.fill("#case-title", "Gezin P.")
    page.fill("#case-description", "Vader, BSN 123456782, woont in Utrecht.")
    page.click("text=Casus aanmaken")
    expect(page.locator("#pii-block")).to_be_visible()
    assert_accessible(page, "case form blocked by a BSN")
    page.check("#confirm-personal-data")
    page.click("form.card button.primary")
    page.wait_for_url("**/cases/*")
    expect(page.locator("h1")).to_have_text("Gezin P.")


def test_facilitator_sets_retention_and_deletes_a_session(server, new_context):
    page = new_context().new_page()
    log_in(page, server)
    create_session(page, server, title="Weg ermee")
    # the console's first render (after the snapshot, which may come after "online") opens the phase's own tab;
    # a click before it was undone by it on a slow machine
    expect(page.locator(".workspace-tab[aria-pressed=true]")).to_have_count(1)
    page.click("#tab-more")  # one click away on the console
    page.locator("text=Gegevens en bewaartermijn").click()
    page.wait_for_url("**/data")
    assert_accessible(page, "data and retention page")
    page.fill("#retention-days", "30")
    page.click("form:has(#retention-days) button.primary")
    expect(page.locator("#retention-days")).to_have_value("30")
    page.check("#confirm-delete")
    page.click("text=Sessie en al haar gegevens verwijderen")
    page.wait_for_url("**/programmes/*")
    expect(page.locator(".notice").first).to_contain_text("Weg ermee")
    expect(page.locator("table")).to_have_count(0)
