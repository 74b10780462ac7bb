"""An administrator in the browser: a second account is added, gets a reset link, is deactivated; the pages
involved pass axe-core's WCAG 2.1 AA rules, and the person sets a new password through the link."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import PASSWORD, log_in


def test_an_administrator_resets_a_password_and_deactivates_an_account(server, new_context):
    admin = new_context().new_page()
    log_in(admin, server)
    admin.goto(f"{server.url}/admin/accounts")
    admin.fill("#name", "Sam Begeleider")
    admin.fill("#email", "sam@example.org")
    admin.fill("#password", PASSWORD)
    admin.click("button.primary:has-text('Account toevoegen')")
    row = admin.locator("tr", has_text="sam@example.org")
    row.locator("button", has_text="Link voor nieuw wachtwoord").click()
    link = admin.locator("#reset-link").input_value()
    assert "/reset/" in link
    assert_accessible(admin, "accounts with a reset link")

    sam = new_context().new_page()
    sam.goto(link)
    assert_accessible(sam, "new password")
    sam.fill("#password", "een nieuw wachtwoord")
    sam.fill("#password_again", "een nieuw wachtwoord")
    sam.click("button.primary")
    sam.wait_for_url("**/login")
    sam.fill("#email", "sam@example.org")
    sam.fill("#password", "een nieuw wachtwoord")
    sam.click("button.primary")
    sam.wait_for_url(f"{server.url}/")

    admin.goto(f"{server.url}/admin/accounts")
    admin.locator("tr", has_text="sam@example.org").locator("button", has_text="Deactiveren").click()
    expect(admin.locator("tr", has_text="sam@example.org")).to_contain_text("Inactief")
    assert_accessible(admin, "accounts with a deactivated account")
