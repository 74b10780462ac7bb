"""Goals per level in a real browser: the programme lead adds goals on the programme page, the facilitator records
a commitment serving one from the console, and the programme page shows it under its goal; the demo programme's
goals section at 1366x768. axe-core checks the section, with its forms open."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import create_session, log_in
from tests.e2e.test_learning_table import go_to_phase

#: where the screenshots go, to be looked at (GOALS_SCREENSHOTS overrides; the test's tmp folder otherwise)
SHOTS = os.environ.get("GOALS_SCREENSHOTS")


def _shot(page, tmp_path: Path, name: str, *, full_page: bool = False) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def add_goal(page, level: str, title: str, kind: str = "change", description: str = "") -> None:
    card = page.locator(f"#goals-{level}")
    card.locator("details.goal-add summary").click()
    form = card.locator("details.goal-add form")
    form.locator(f"input[name=kind][value={kind}]").check()
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=description]").fill(description)
    form.get_by_role("button", name="Doel toevoegen").click()
    page.wait_for_url(f"**#goals-{level}")


def test_goals_on_the_programme_page_and_a_commitment_serving_one_from_the_console(server, new_context, tmp_path):
    page = new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, server)
    console_url = create_session(page, server)
    page.locator(".crumbs a").first.click()
    page.wait_for_url("**/programmes/*")
    programme_url = page.url.split("#")[0]

    expect(page.get_by_role("heading", name="Doelen per niveau")).to_be_visible()
    add_goal(page, "policy", "Zien waar beleid schuurt", kind="learning", description="En waarom.")
    add_goal(page, "policy", "Eén budget voor maatwerk")
    add_goal(page, "execution", "Eén gezinsplan, één regisseur")
    expect(page.locator(".notice.info, .notice.message, [role=status]").first).to_contain_text("toegevoegd")
    policy = page.locator("#goals-policy")
    expect(policy.locator(".goal-title")).to_have_text(["Zien waar beleid schuurt", "Eén budget voor maatwerk"])
    # the second goal up: the order is the programme lead's
    policy.locator(".goal", has_text="Eén budget").get_by_role("button", name="Omhoog").click()
    expect(page.locator("#goals-policy .goal-title")).to_have_text(
        ["Eén budget voor maatwerk", "Zien waar beleid schuurt"]
    )

    # the console offers the programme's goals when a commitment is recorded
    page.goto(console_url)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
    page.click("#start-session")
    go_to_phase(page, "Actieafspraken")
    page.locator("#commitments-console summary", has_text="Een actieafspraak vastleggen").click()
    page.fill("#rec-what", "Budgetten van jeugd en Wmo bundelen")
    page.fill("#rec-owner", "Beleidsadviseur sociaal domein")
    page.select_option("#rec-level", "policy")
    page.select_option("#rec-goal", label="Beleid: Eén budget voor maatwerk (Veranderdoel)")
    assert_accessible(page, "console, recording a commitment with a goal")
    page.locator("#rec-goal").scroll_into_view_if_needed()
    _shot(page, tmp_path, "goals-console-record-1366")
    page.click("#commit-record")
    served = page.locator("#confirmed-commitments .commitment", has_text="Budgetten van jeugd")
    expect(served.locator(".goal-served")).to_have_text("Dient: Beleid: Eén budget voor maatwerk (Veranderdoel)")
    served.scroll_into_view_if_needed()
    _shot(page, tmp_path, "goals-console-served-1366")

    page.goto(programme_url)
    budget = page.locator("#goals-policy .goal", has_text="Eén budget voor maatwerk")
    expect(budget.locator(".goal-commitments li")).to_contain_text("Budgetten van jeugd en Wmo bundelen")
    expect(budget.locator(".goal-status")).to_have_text("Open")
    expect(page.locator("#goals-policy .goal", has_text="Zien waar beleid").locator(".goal-count")).to_have_text(
        "Geen actieafspraak dient dit doel nog."
    )
    page.locator("#goals").scroll_into_view_if_needed()
    _shot(page, tmp_path, "goals-programme-1366")
    for details in page.locator("#goals details").all():
        details.evaluate("d => d.open = true")
    assert_accessible(page, "programme page with the goals section, every form open")


def test_the_demo_programme_has_goals_on_every_level(server, new_context, tmp_path):
    from facilitation import create_app
    from facilitation.demo import create_demo
    from facilitation.extensions import db

    app = create_app({"INSTANCE_PATH": str(server.instance), "RETENTION_PURGE_INTERVAL": 0})
    with app.app_context():
        programme, _ = create_demo()
        programme_id = programme.id
        db.session.remove()
        db.engine.dispose()

    page = new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, server)
    page.goto(f"{server.url}/programmes/{programme_id}#goals")
    for level in ("execution", "management", "policy", "governance"):
        expect(page.locator(f"#goals-{level} .goal")).not_to_have_count(0)
    expect(page.locator("#goals .goal-commitments li")).to_have_count(5)
    expect(page.locator("#goals-policy .goal-open")).to_contain_text("Wachtlijst jeugd-GGZ")
    _shot(page, tmp_path, "goals-demo-1366")
    _shot(page, tmp_path, "goals-demo-1366-whole-page", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    _shot(page, tmp_path, "goals-demo-360")
    assert_accessible(page, "the demo programme's page")
