"""Refresh the Socket.IO browser client in static/vendor/ from the npm registry (no Node needed).

    python tools/refresh_vendor.py            # the version recorded in static/vendor/vendor.json, again
    python tools/refresh_vendor.py 4.8.5      # upgrade (or "latest")

Downloads the package's tarball, checks it against the registry's sha512 integrity, and writes
socket.io.min.js, its licence and vendor.json (version, licence, tarball, integrity, SHA-256). Commit all
three; tests/transport/test_vendor.py checks the file against the recorded SHA-256."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"
RECORD = VENDOR / "vendor.json"
PACKAGE = "socket.io-client"
REGISTRY = "https://registry.npmjs.org"
#: what we take from the tarball, and where it goes
FILES = {"package/dist/socket.io.min.js": "socket.io.min.js", "package/LICENSE": "socket.io-client.LICENSE"}


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def refresh(version: str) -> dict:
    meta = json.loads(_get(f"{REGISTRY}/{PACKAGE}/{version}"))
    tarball = _get(meta["dist"]["tarball"])
    algorithm, _, expected = meta["dist"]["integrity"].partition("-")
    if base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode() != expected:
        raise SystemExit(f"{meta['dist']['tarball']} does not match the registry's integrity; nothing changed")
    contents = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member, name in FILES.items():
            contents[name] = archive.extractfile(member).read()
    for name, data in contents.items():
        (VENDOR / name).write_bytes(data)
    record = {
        "socket.io.min.js": {
            "package": PACKAGE,
            "version": meta["version"],
            "license": meta.get("license", ""),
            "license_file": FILES["package/LICENSE"],
            "tarball": meta["dist"]["tarball"],
            "integrity": meta["dist"]["integrity"],
            "sha256": hashlib.sha256(contents["socket.io.min.js"]).hexdigest(),
        }
    }
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


if __name__ == "__main__":
    if len(sys.argv) > 1:
        wanted = sys.argv[1]
    else:
        wanted = json.loads(RECORD.read_text(encoding="utf-8"))["socket.io.min.js"]["version"]
    print(json.dumps(refresh(wanted), indent=2))
