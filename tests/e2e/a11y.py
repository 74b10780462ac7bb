"""axe-core (bundled by axe-playwright-python) on a live page: WCAG 2.1 A and AA rules, no violation allowed."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

_axe = Axe()


def assert_accessible(page, label: str = "") -> None:
    results = _axe.run(page, options=WCAG_21_AA)
    violations = results.response["violations"]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in violations
    ]
    assert not violations, f"axe found WCAG 2.1 AA violations on {label or page.url}:\n" + "\n".join(details)
