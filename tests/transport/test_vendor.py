"""The Socket.IO browser client ships with the app (static/vendor/): pinned, recorded, served, required."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"


def test_the_client_is_the_recorded_version_with_its_licence():
    recorded = json.loads((VENDOR / "vendor.json").read_text(encoding="utf-8"))["socket.io.min.js"]
    content = (VENDOR / "socket.io.min.js").read_bytes()
    assert hashlib.sha256(content).hexdigest() == recorded["sha256"], "run tools/refresh_vendor.py, not an edit"
    assert f"Socket.IO v{recorded['version']}" in content[:200].decode()
    assert recorded["license"] == "MIT" and "MIT License" in (VENDOR / recorded["license_file"]).read_text()
    assert recorded["tarball"].startswith("https://registry.npmjs.org/socket.io-client/")
    assert recorded["integrity"].startswith("sha512-")


def test_pages_load_the_client_from_the_app(client):
    response = client.get("/static/vendor/socket.io.min.js")
    assert response.status_code == 200 and "javascript" in response.headers["Content-Type"]
    assert response.get_data() == (VENDOR / "socket.io.min.js").read_bytes()
    assert client.get("/static/vendor/nothing.js").status_code == 404


def test_without_the_client_the_app_refuses_to_start_and_says_why(tmp_path):
    checkout = tmp_path / "checkout"
    for name in ("facilitation", "templates", "sessions"):
        shutil.copytree(ROOT / name, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "static", checkout / "static", ignore=shutil.ignore_patterns("vendor"))
    shutil.copy2(ROOT / "app.py", checkout / "app.py")
    result = subprocess.run(
        [sys.executable, "app.py", "--instance", str(tmp_path / "instance"), "migrate"],
        cwd=checkout,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "socket.io.min.js is missing" in result.stderr and "tools/refresh_vendor.py" in result.stderr
