"""The production server (`python app.py serve`, gevent) in a real browser: a fishbowl where phones see each
other's reflections, which reach them in batches while the projector gets each at once."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import PASSWORD, ROOT, Server, create_session, log_in
from tests.e2e.test_live_session import join_by_phone, post

pytestmark = pytest.mark.e2e


class ProductionServer(Server):
    def start(self) -> None:
        log = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "app.py", "--instance", str(self.instance), "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")


@pytest.fixture
def production(tmp_path):
    # plain http on loopback: cookies without Secure, as docs/deploy.md says for a test
    srv = ProductionServer(
        tmp_path / "instance",
        {"FACILITATION_SESSION_COOKIE_SECURE": "false", "FACILITATION_REMEMBER_COOKIE_SECURE": "false"},
    )
    srv.instance.mkdir()
    srv.cli(
        "create-account",
        "--email",
        "fac@example.org",
        "--name",
        "Fenna Facilitator",
        "--role",
        "admin",
        "--password",
        PASSWORD,
    )
    srv.start()
    yield srv
    srv.stop()


def test_shared_reflections_reach_the_other_phone_in_a_batch_on_the_gevent_server(production, new_context):
    console = new_context().new_page()
    log_in(console, production)
    console_url = create_session(console, production, fmt="fishbowl", title="Fishbowl e2e")
    console.wait_for_selector("#live-status[data-state=online]")
    projector = console.context.new_page()
    projector.goto(console_url.replace("/console", "/projector"))
    projector.wait_for_selector("#live-status[data-state=online]")
    code = projector.locator(".join-code").inner_text()

    author = join_by_phone(new_context, f"{production.url}/j/{code}", "execution")
    reader = join_by_phone(new_context, f"{production.url}/j/{code}", "policy")
    console.click("#start-session")
    console.click("#phase-next")
    for phone in (author, reader):
        phone.wait_for_selector("#write:not([hidden])")

    texts = [f"Wie neemt hier de regie, vraag {i}?" for i in range(5)]
    for text in texts:
        post(author, text, kind="question")
    expect(projector.locator("#wall .reflection")).to_have_count(5)
    expect(reader.locator("#others .reflection")).to_have_count(5)
    for text in texts:
        expect(reader.locator("#others")).to_contain_text(text)
    expect(author.locator("#mine .state[data-state=confirmed]")).to_have_count(5)
    assert author.locator("#others-section").is_hidden()  # its own are under "mine", not twice

    # a reload starts from a snapshot, and later batches still apply on top of it
    reader.reload()
    reader.wait_for_selector("#live-status[data-state=online]")
    expect(reader.locator("#others .reflection")).to_have_count(5)
    post(author, "En na het herladen?", kind="idea")
    expect(reader.locator("#others .reflection")).to_have_count(6)
    assert_accessible(reader)
