"""Browser tests: the real app started as `python app.py` in a subprocess, driven by Playwright in Debian's
Chromium. Without Chromium or Playwright they skip with the reason; with CI=true they fail instead."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct horse battery"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    for item in items:
        if "tests/e2e" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if reason:
                if os.environ.get("CI") == "true":
                    raise pytest.UsageError(f"CI must run the browser tests, but {reason}")
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python app.py` on a free port with its own instance folder; can be stopped and started again."""

    def __init__(self, instance: Path, extra_env: dict | None = None):
        self.instance = instance
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        self.process: subprocess.Popen | None = None
        self.log = instance / "server.log"

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "app.py", "--instance", str(self.instance), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self) -> None:
        log = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "app.py", "--instance", str(self.instance), "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # generous: on a machine busy with other suites a cold start has taken over a minute
        deadline = time.time() + 150
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def instance_template(tmp_path_factory) -> Path:
    """An instance folder with its database migrated and the facilitator's account, made once per run: each
    test's server starts from a copy (the command-line step costs seconds per test, over 50 browser tests)."""
    srv = Server(tmp_path_factory.mktemp("template") / "instance")
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
    return srv.instance


def fresh_instance(template: Path, tmp_path: Path) -> Path:
    """A copy of the template instance for one test (its own database file and secret)."""
    instance = tmp_path / "instance"
    shutil.copytree(template, instance)
    return instance


@pytest.fixture
def server(tmp_path, instance_template):
    srv = Server(fresh_instance(instance_template, tmp_path))
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(**{"locale": "nl-NL", **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def log_in(page, server, email="fac@example.org", locale_button=None):
    page.goto(f"{server.url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server.url}/")


def create_session(page, server, *, fmt="learning-table", language="nl", title="Leertafel e2e"):
    """Through the pages: a programme, a case and a session; returns the console URL."""
    page.fill("#programme-title", "Leertraject e2e")
    page.click("text=Leertraject aanmaken")
    page.fill("#case-title", "Gezin Z.")
    page.fill("#case-description", "## Verloop\n\nMoeder meldt zich bij **schuldhulp**.")
    page.click("text=Casus aanmaken")
    page.wait_for_url("**/cases/*")
    page.click(".crumbs a")
    page.wait_for_url("**/programmes/*")
    page.fill("#session-title", title)
    page.select_option("#session-format", fmt)
    page.select_option("#session-case", label="Gezin Z.")
    page.check("input[name=levels][value=policy]")
    page.check(f"input[name=language][value={language}]")
    page.click("text=Sessie aanmaken")
    page.wait_for_url("**/console")
    return page.url
