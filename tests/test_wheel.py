"""The wheel as an administrator installs it: built from the source tree, installed into a fresh virtual
environment (which sees the machine's packages; the wheel's declared requirements, [scale] included, must be
satisfied there), started from another folder with the package folder read-only. Pages, CSS, the Socket.IO
client and a live Socket.IO connection must work, and nothing may be written into the package (docs/deploy.md
installs the same way)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio as socketio_client

ROOT = Path(__file__).resolve().parents[1]
#: what the build needs; the copy keeps build/ and *.egg-info out of the checkout
SOURCES = (
    "facilitation",
    "templates",
    "static",
    "sessions",
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    "babel.cfg",
    "app.py",
)
NAMESPACE = "/live"
#: run by the venv's Python: every Requires-Dist of the wheel (with the extra named) is installed there in a
#: version the specifier allows; prints the file `import facilitation` loads
REQUIREMENTS_MET = """
import sys, zipfile
from importlib import metadata
from packaging.requirements import Requirement
wheel, extra = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    lines = archive.read(name).decode().splitlines()
missing = []
for line in lines:
    if not line.startswith("Requires-Dist: "):
        continue
    requirement = Requirement(line.removeprefix("Requires-Dist: "))
    if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
        continue
    try:
        version = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        missing.append(f"{requirement}: not installed")
        continue
    if not requirement.specifier.contains(version, prereleases=True):
        missing.append(f"{requirement}: {version} installed")
assert not missing, missing
import facilitation
print(facilitation.__file__)
"""
# the second half needs the real PostgreSQL and Redis; one test, so two xdist workers never build it twice
pytestmark = pytest.mark.services


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _clean_env(**extra: str) -> dict:
    """No settings of the test run or of the checkout leak into the installed app."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FACILITATION_", "PYTHON", "VIRTUAL_ENV"))
        and key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    }
    # a read-only package gets no __pycache__ either (root could write one despite the modes)
    env.update(PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv, site-packages/facilitation): the wheel [scale] installed in a fresh venv, the package read-only."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(ROOT / name, source / name)
    run = {"capture_output": True, "text": True, "timeout": 300}
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "dist"), str(source)], **run
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (base / "dist").glob("facilitation-*.whl")
    venv = base / "venv"
    # The venv sees the machine's packages, and the wheel goes in without its dependencies: installing SciPy and
    # scikit-learn afresh took five minutes and proved only that the package index works. What the wheel declares
    # it needs (with [scale]) must be satisfied there instead, and the package imported must be the wheel's.
    # No pip inside the venv (the running pip installs into it).
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True, timeout=120
    )
    python = str(venv / "bin" / "python")
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", str(wheel)], **run
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    (package,) = (venv / "lib").glob("python3*/site-packages/facilitation")
    # from outside the checkout: `python -c` puts the working folder first on sys.path
    checked = subprocess.run([python, "-c", REQUIREMENTS_MET, str(wheel), "scale"], cwd=base, env=_clean_env(), **run)
    assert checked.returncode == 0, checked.stdout + checked.stderr[-3000:]
    assert checked.stdout.strip() == str(package / "__init__.py"), checked.stdout
    for path in [package, *package.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield venv, package
    for path in [package, *package.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def _listing(package: Path) -> dict:
    """Every file of the package with its size and time: the proof nothing was written (root ignores modes)."""
    return {str(path): (path.stat().st_size, path.stat().st_mtime_ns) for path in package.rglob("*")}


def _start(command: list[str], cwd: Path, env: dict, log: Path, bases: list[str]) -> subprocess.Popen:
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180  # a busy CI machine; a worker usually answers within seconds
    try:
        for base in bases:
            while not _answers(base):
                assert process.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.3)
    except BaseException:
        _stop(process)
        raise
    return process


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _join_and_post(base: str, code: str) -> dict:
    """A phone: the join form, its post (the participant cookie), a WebSocket and one command's answer."""
    http = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', http.get(f"{base}/j/{code}", timeout=10).text).group(1)
    joined = http.post(
        f"{base}/j/{code}",
        data={"level": "execution", "accept_rules": "1", "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert joined.status_code == 302, joined.text[:500]
    phone = socketio_client.Client(reconnection=False)
    phone.connect(
        base,
        namespaces=[NAMESPACE],
        transports=["websocket"],
        headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in http.cookies)},
        auth={"code": code, "audience": "participant"},
        wait_timeout=20,
    )
    try:
        return phone.call(
            "command",
            {"name": "reflection.post", "args": {"text": "Wie pakt de regie?"}, "client_id": uuid.uuid4().hex},
            namespace=NAMESPACE,
            timeout=20,
        )
    finally:
        phone.disconnect()


def test_the_wheel_installs_and_serves(installed, postgres_url, redis_url, tmp_path):
    venv, package = installed
    _runs_from_another_folder_with_a_read_only_package(venv, package, tmp_path / "one")
    _serves_two_workers_on_postgresql_and_redis(venv, postgres_url, redis_url, tmp_path / "two")


def _runs_from_another_folder_with_a_read_only_package(venv: Path, package: Path, tmp_path: Path) -> None:
    before = _listing(package)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(parents=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _clean_env(XDG_DATA_HOME=str(tmp_path / "data"))
    process = _start(
        [str(venv / "bin" / "leertafels"), "--demo", "--port", str(port)], elsewhere, env, tmp_path / "log", [base]
    )
    try:
        assert requests.get(f"{base}/healthz", timeout=10).json()["status"] == "ok"
        setup = requests.get(f"{base}/setup", headers={"Accept-Language": "nl"}, timeout=10)
        # the demo made an account, so /setup is gone; the login page shows the compiled Dutch catalog
        login = requests.get(f"{base}/login", headers={"Accept-Language": "nl"}, timeout=10)
        assert setup.status_code in (200, 302, 404) and login.status_code == 200
        assert 'lang="nl"' in login.text and "Wachtwoord" in login.text
        css = requests.get(f"{base}/static/css/app.css", timeout=10)
        assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
        client = requests.get(f"{base}/static/vendor/socket.io.min.js", timeout=10)
        assert client.status_code == 200 and "javascript" in client.headers["Content-Type"]
        recorded = json.loads((ROOT / "static" / "vendor" / "vendor.json").read_text())["socket.io.min.js"]
        assert hashlib.sha256(client.content).hexdigest() == recorded["sha256"]

        instance = tmp_path / "data" / "leertafels"
        with sqlite3.connect(instance / "facilitation.sqlite") as database:
            # a session phones may join: the demo also holds closed ones
            open_sessions = "SELECT join_code FROM sessions WHERE status != 'closed' ORDER BY id LIMIT 1"
            (code,) = database.execute(open_sessions).fetchone()
        ack = _join_and_post(base, code)
        assert isinstance(ack, dict) and "ok" in ack, ack
    finally:
        _stop(process)
    assert not (elsewhere / "instance").exists() and not list(elsewhere.iterdir())
    assert _listing(package) == before, "the app wrote into its package folder"


def _serves_two_workers_on_postgresql_and_redis(venv: Path, postgres_url: str, redis_url: str, tmp_path: Path) -> None:
    tmp_path.mkdir()
    port = _free_port()
    bases = [f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}"]
    env = _clean_env(
        DATABASE_URL=postgres_url,
        REDIS_URL=redis_url,
        SECRET_KEY="wheel-test",
        FACILITATION_INSTANCE=str(tmp_path / "instance"),
        FACILITATION_SOCKETIO_CHANNEL=f"test-{uuid.uuid4().hex}",
    )
    command = [str(venv / "bin" / "leertafels"), "serve", "--workers", "2", "--port", str(port)]
    process = _start(command, tmp_path, env, tmp_path / "log", bases)
    try:
        for base in bases:
            assert requests.get(f"{base}/healthz", timeout=10).json()["status"] == "ok"
    finally:
        _stop(process)
    assert process.returncode == 0, (tmp_path / "log").read_text()[-3000:]
