"""The bottleneck register in a real browser: a facilitator confirms a suggested link between two programmes'
waiting-list bottlenecks and sees the register with its trend, accessible in Dutch and English."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import log_in


def seed(server) -> None:
    """Two closed sessions in two programmes, as earlier learning tables left them (the live path is tested
    elsewhere): a waiting-list bottleneck in both, and an unrelated debt one."""
    from facilitation import create_app
    from facilitation.extensions import db
    from facilitation.models import Account, Cluster, Programme, Reflection, Session

    app = create_app({"INSTANCE_PATH": str(server.instance)})
    with app.app_context():
        owner = db.session.scalar(sa.select(Account).where(Account.email == "fac@example.org"))
        for title, session_title, month, clusters in (
            (
                "Gezin centraal Zwolle",
                "Leertafel Zwolle",
                2,
                [
                    (
                        "Wachtlijst jeugdzorg",
                        ["De wachtlijst voor jeugdzorg is maanden lang", "Gezin wacht een half jaar op jeugdhulp"],
                    )
                ],
            ),
            (
                "Schuldhulp Deventer",
                "Leertafel Deventer",
                5,
                [
                    (
                        "Lange wachttijden jeugdhulp",
                        [
                            "Wachttijd voor jeugdhulp loopt op tot negen maanden",
                            "Kinderen staan te lang op de wachtlijst",
                        ],
                    ),
                    ("Beslag op toeslagen", ["Beslag op toeslagen maakt schuldhulp onmogelijk"]),
                ],
            ),
        ):
            programme = Programme(title=title, owner_id=owner.id)
            db.session.add(programme)
            db.session.flush()
            session_ = Session(
                programme_id=programme.id,
                facilitator_id=owner.id,
                title=session_title,
                format_key="learning-table",
                levels=["execution", "policy"],
                language="nl",
                join_code=uuid.uuid4().hex[:8].upper(),
                status="closed",
                started_at=datetime(2026, month, 10, 9, tzinfo=UTC),
            )
            db.session.add(session_)
            db.session.flush()
            for cluster_title, texts in clusters:
                cluster = Cluster(session_id=session_.id, title=cluster_title, level="policy")
                db.session.add(cluster)
                db.session.flush()
                for n, text in enumerate(texts):
                    db.session.add(
                        Reflection(
                            session_id=session_.id,
                            client_id=f"{cluster.id}-{n}",
                            kind="bottleneck",
                            text=text,
                            phase_key="bottlenecks",
                            cluster_id=cluster.id,
                        )
                    )
        db.session.commit()
        db.engine.dispose()


def test_facilitator_confirms_a_suggested_link_and_sees_the_register(server, new_context):
    seed(server)
    page = new_context().new_page()
    log_in(page, server)
    page.locator("header nav").get_by_role("link", name="Knelpuntenregister").click()
    page.wait_for_url("**/register")
    expect(page.get_by_role("heading", name="Knelpuntenregister", level=1)).to_be_visible()
    expect(page.get_by_text("Het register is nog leeg.")).to_be_visible()
    assert_accessible(page, "empty register (nl)")

    page.click("#register-suggestions")
    page.wait_for_url("**/register/suggestions")
    suggestion = page.locator(".suggestion", has_text="Lange wachttijden jeugdhulp")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("Wachtlijst jeugdzorg")
    expect(page.locator(".suggestion", has_text="Beslag op toeslagen")).to_have_count(0)
    assert_accessible(page, "suggestions (nl)")
    suggestion.get_by_role("button", name="Zelfde knelpunt: koppelen").click()
    expect(page.get_by_role("status")).to_contain_text("Gekoppeld")
    expect(page.locator(".suggestion", has_text="Lange wachttijden jeugdhulp")).to_have_count(0)

    page.locator(".crumbs a").click()
    page.wait_for_url("**/register")
    row = page.locator("#register-table tbody tr", has_text="Wachtlijst jeugdzorg")
    expect(row.locator(".count")).to_have_text("2")
    expect(row).to_contain_text("Gezin centraal Zwolle · Leertafel Zwolle")
    expect(row).to_contain_text("Schuldhulp Deventer · Leertafel Deventer")
    expect(row.locator("[data-status]")).to_have_text("Open")
    expect(page.locator("#register-trend thead")).to_contain_text("1e kwartaal 2026")
    expect(page.locator("#register-trend thead")).to_contain_text("2e kwartaal 2026")
    assert_accessible(page, "register (nl)")

    # the entry page, and a person's verdict on the status
    row.get_by_role("link", name="Wachtlijst jeugdzorg").click()
    page.wait_for_url("**/register/*")
    expect(page.locator("#entry-count")).to_have_text("2")
    assert_accessible(page, "register entry (nl)")
    page.select_option("#entry-status-select", "solved")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#entry-status")).to_contain_text("Opgelost")

    # the same in English
    page.get_by_role("button", name="English").click()
    expect(page.locator("#entry-status")).to_contain_text("Solved")
    assert_accessible(page, "register entry (en)")
    page.goto(f"{server.url}/register")
    expect(page.get_by_role("heading", name="Bottleneck register", level=1)).to_be_visible()
    assert_accessible(page, "register (en)")
    page.goto(f"{server.url}/register/suggestions")
    assert_accessible(page, "suggestions (en)")
    page.goto(f"{server.url}/register")
    with page.expect_download() as info:
        page.get_by_role("link", name="Word (English)").click()
    assert info.value.suggested_filename == "bottleneck-register.docx"
