"""The learning method in a browser: house rules accepted on a phone (and again after the facilitator changes
them), and the case's journey on the projector with reflections pinned from a phone; axe checks in Dutch."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import PHONE, create_session, log_in


def start_console(new_context, server, fmt="learning-table"):
    console = new_context().new_page()
    log_in(console, server)
    console_url = create_session(console, server, fmt=fmt)
    expect(console.locator("#live-status")).to_have_attribute("data-state", "online")
    code = console.locator("code").first.inner_text()
    return console, console_url, code


def test_house_rules_are_accepted_on_the_phone(server, new_context):
    console, _, code = start_console(new_context, server)
    console.click("#start-session")
    console.click("#phase-next")

    phone = new_context(**PHONE).new_page()
    phone.goto(f"{server.url}/j/{code}")
    expect(phone.locator("#join-rules li").first).to_contain_text("gepseudonimiseerd")
    expect(phone.locator("#join-rules")).to_contain_text("blijft in deze ruimte")
    assert_accessible(phone, "join page with house rules")
    phone.check("input[name=level][value=policy]")
    phone.locator("#join-optional summary").click()  # name and discipline are optional, folded away
    phone.select_option("#discipline", "school")
    phone.get_by_role("button", name="Akkoord en meedoen").click()
    phone.wait_for_url("**/p/*")
    expect(phone.locator("#write")).to_be_visible()
    expect(phone.locator("#rules")).to_be_hidden()
    phone.check("input[name=kind][value=bottleneck]")
    phone.fill("#text", "Regels van de Wmo zaten in de weg")
    phone.click("#write button.send")
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(1)

    # the facilitator rewrites the agreement: the phone must agree again before writing
    console.click("#tab-more")  # the house rules are one click away
    console.locator("#rules-card summary").click()
    expect(console.locator("#rules-count")).to_have_text("1 van 1 akkoord")
    console.fill("#rules-text", "Noem geen namen.\nWat hier gezegd wordt, blijft hier.")
    console.get_by_role("button", name="Huisregels opslaan").click()
    expect(console.locator("#rules-count")).to_have_text("0 van 1 akkoord")
    expect(phone.locator("#rules")).to_be_visible()
    expect(phone.locator("#rules-changed")).to_be_visible()
    expect(phone.locator("#rules-list li")).to_have_text(["Noem geen namen.", "Wat hier gezegd wordt, blijft hier."])
    expect(phone.locator("#write")).to_be_hidden()
    assert_accessible(phone, "phone asked to accept changed house rules")
    phone.get_by_role("button", name="Ik ga akkoord").click()
    expect(phone.locator("#write")).to_be_visible()
    expect(phone.locator("#rules")).to_be_hidden()
    expect(console.locator("#rules-count")).to_have_text("1 van 1 akkoord")
    phone.fill("#text", "Alleen voor deze zaal")
    phone.check("#room-only")
    phone.click("#write button.send")
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(2)
    expect(console.locator("#wall .reflection .room-only")).to_have_count(1)
    assert_accessible(phone, "phone after accepting")
    assert_accessible(console, "console with house rules")

    # the download is in the administrator's audit log; the room-only reflection is not in the report
    console.click("#tab-report")
    with console.expect_download() as download:
        console.click("text=Markdown")
    report = open(download.value.path(), encoding="utf-8").read()
    assert "Regels van de Wmo" in report and "Alleen voor deze zaal" not in report
    console.goto(f"{server.url}/admin/audit")
    expect(console.locator("#audit-table tbody tr")).to_have_count(1)
    expect(console.locator("#audit-table tbody tr")).to_contain_text("Sessieverslag gedownload")
    expect(console.locator("#audit-table tbody tr")).to_contain_text("Fenna Facilitator")
    assert_accessible(console, "audit log")


def test_the_case_journey_on_the_projector(server, new_context):
    console, console_url, code = start_console(new_context, server, fmt="case-reconstruction")
    expect(console.locator("#journey-card")).to_have_attribute("open", "")
    for n, (kind, title, when) in enumerate(
        [
            ("signal", "School meldt verzuim", "september 2023"),
            ("rejection", "Aanvraag beschermd wonen afgewezen", "januari 2024"),
            ("crisis", "Uithuisplaatsing", "februari 2024"),
        ],
        1,
    ):
        console.select_option("#moment-add-kind", kind)
        console.fill("#moment-add-title", title)
        console.fill("#moment-add-when", when)
        console.get_by_role("button", name="Aan de tijdlijn toevoegen").click()
        expect(console.locator("#console-journey .moment")).to_have_count(n)
    # the crisis came before the rejection: move it one place earlier
    console.get_by_role("button", name=re.compile(r"^Eerder\W+Uithuisplaatsing$")).click()
    expect(console.locator("#console-journey .moment h3")).to_have_text(
        ["School meldt verzuim", "Uithuisplaatsing", "Aanvraag beschermd wonen afgewezen"]
    )

    console.click("#start-session")
    console.get_by_role("button", name="3. Vastlopen en doorbraken prikken").click()
    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(console_url.replace("/console", "/projector"))
    expect(projector.locator("#live-status")).to_have_attribute("data-state", "online")

    phone = new_context(**PHONE).new_page()
    phone.goto(f"{server.url}/j/{code}")
    phone.check("input[name=level][value=execution]")
    phone.get_by_role("button", name="Akkoord en meedoen").click()
    expect(phone.locator("#moment-field")).to_be_visible()
    phone.select_option("#moment", label="februari 2024 · Uithuisplaatsing (Crisis)")
    phone.check("input[name=kind][value=bottleneck]")
    phone.fill("#text", "Niemand schaalde op naar de GGZ")
    phone.click("#write button.send")
    expect(phone.locator("#mine .state[data-state=confirmed]")).to_have_count(1)
    assert_accessible(phone, "phone writing for a moment")

    console.locator(".view-choice[data-view=journey]").click()
    expect(projector.locator("#journey-view")).to_be_visible()
    expect(projector.locator("#wall")).to_be_hidden()
    moments = projector.locator("#projector-journey .moment")
    expect(moments.locator("h3")).to_have_text(
        ["School meldt verzuim", "Uithuisplaatsing", "Aanvraag beschermd wonen afgewezen"]
    )
    expect(moments.nth(1).locator(".reflection")).to_contain_text("Niemand schaalde op naar de GGZ")
    expect(moments.nth(0).locator(".reflection")).to_have_count(0)
    # large type for the back of the room
    size = projector.locator("#projector-journey .moment h3").first.evaluate("e => getComputedStyle(e).fontSize")
    assert float(size.rstrip("px")) >= 28
    assert_accessible(projector, "projector showing the case journey")

    # the facilitator pins it to another moment from the console; the projector follows
    console.locator("#wall .reflection", has_text="Niemand schaalde op").locator("select").select_option(
        label="januari 2024 · Aanvraag beschermd wonen afgewezen (Afwijzing)"
    )
    expect(moments.nth(2).locator(".reflection")).to_contain_text("Niemand schaalde op naar de GGZ")
    expect(moments.nth(1).locator(".reflection")).to_have_count(0)
    assert_accessible(console, "console with the case journey")
