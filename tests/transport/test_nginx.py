"""Behind a real nginx configured as shipped (deploy/nginx-compose.conf, the routing of docs/deploy.md): two
workers on PostgreSQL and Redis, and phones that start on long-polling and upgrade to a WebSocket. Every
upgrade must reach the worker that holds the polling session (else "Invalid session"), and nginx serves
/static itself."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio as socketio_client

from facilitation import create_app
from facilitation.extensions import db
from tests.conftest import PASSWORD, _missing, run
from tests.transport.test_workers import _free_port_pair

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = "/live"
pytestmark = pytest.mark.services


def _session_in_writing_phase(postgres_url: str, instance: Path) -> str:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": postgres_url, "SECRET_KEY": "nginx-test", "INSTANCE_PATH": str(instance)}
    )
    from facilitation.live import sessions
    from facilitation.people import accounts
    from facilitation.programmes import manage as programmes

    with app.app_context():
        owner = accounts.create_account("host@example.org", "Host", PASSWORD, "facilitator")
        db.session.flush()
        programme = programmes.create_programme(owner, "Programme")
        db.session.flush()
        fmt = app.extensions["formats"]["fishbowl"]
        session_ = sessions.create_session(
            programme=programme, facilitator=owner, title="Fishbowl", fmt=fmt, levels=["execution"], language="nl"
        )
        db.session.commit()
        session_id, code, owner_id = session_.id, session_.join_code, owner.id
    run(app, session_id, owner_id, "session.start")
    run(app, session_id, owner_id, "phase.goto", {"index": 1})
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return code


def _nginx_conf(folder: Path, listen: int, first_worker: int) -> Path:
    site = (ROOT / "deploy" / "nginx-compose.conf").read_text()
    site = site.replace("server app:8001;", f"server 127.0.0.1:{first_worker};")
    site = site.replace("server app:8002;", f"server 127.0.0.1:{first_worker + 1};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("/usr/share/leertafels/static/", f"{ROOT / 'static'}/")
    temp = "".join(
        f"{name}_temp_path {folder / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"daemon off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\nevents {{}}\n"
        f"http {{\ninclude /etc/nginx/mime.types;\naccess_log {folder / 'access.log'};\n{temp}{site}\n}}\n"
    )
    return conf


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, log.read_text()[-3000:] if log.exists() else "stopped"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, log.read_text()[-3000:] if log.exists() else "no answer"
        time.sleep(0.3)


def _phone_posts_after_upgrading(base: str, code: str) -> dict:
    http = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', http.get(f"{base}/j/{code}", timeout=10).text).group(1)
    joined = http.post(
        f"{base}/j/{code}", data={"level": "execution", "accept_rules": "1", "csrf_token": token}, timeout=10
    )
    assert joined.status_code == 200 and "leertafels_route" in http.cookies
    phone = socketio_client.Client(reconnection=False, http_session=http)
    # polling first, then the upgrade, as a browser behind a proxy that allows both
    phone.connect(
        base,
        namespaces=[NAMESPACE],
        transports=["polling", "websocket"],
        auth={"code": code, "audience": "participant"},
        wait_timeout=20,
    )
    try:
        deadline = time.monotonic() + 15
        while phone.transport() != "websocket" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert phone.transport() == "websocket", "the upgrade did not happen"
        return phone.call(
            "command",
            {
                "name": "reflection.post",
                "args": {"text": "Achter nginx", "kind": "question"},
                "client_id": uuid.uuid4().hex,
            },
            namespace=NAMESPACE,
            timeout=20,
        )
    finally:
        phone.disconnect()


def test_phones_upgrading_from_polling_stay_on_their_worker_behind_nginx(postgres_url, redis_url, tmp_path):
    if shutil.which("nginx") is None:
        _missing("nginx is not installed (apt-get install nginx-light)")
    code = _session_in_writing_phase(postgres_url, tmp_path / "instance")
    port = _free_port_pair()
    env = dict(
        os.environ,
        DATABASE_URL=postgres_url,
        REDIS_URL=redis_url,
        SECRET_KEY="nginx-test",
        FACILITATION_SOCKETIO_CHANNEL=f"test-{uuid.uuid4().hex}",
        FACILITATION_SESSION_COOKIE_SECURE="false",
        FACILITATION_REMEMBER_COOKIE_SECURE="false",
    )
    command = [
        sys.executable,
        "app.py",
        "--instance",
        str(tmp_path / "instance"),
        "serve",
        "--workers",
        "2",
        "--port",
        str(port),
        "--behind-proxy",
    ]
    log = tmp_path / "workers.log"
    with log.open("wb") as out:
        workers = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    (tmp_path / "nginx").mkdir()
    listen = _free_port_pair()
    proxy = subprocess.Popen(
        ["nginx", "-p", str(tmp_path / "nginx"), "-c", str(_nginx_conf(tmp_path / "nginx", listen, port))]
    )
    base = f"http://127.0.0.1:{listen}"
    try:
        for worker in (port, port + 1):
            _wait_for(f"http://127.0.0.1:{worker}/healthz", workers, log)
        _wait_for(f"{base}/healthz", proxy, tmp_path / "nginx" / "error.log")
        static = requests.get(f"{base}/static/vendor/socket.io.min.js", timeout=10)
        assert static.status_code == 200 and static.content == (ROOT / "static/vendor/socket.io.min.js").read_bytes()
        assert "X-Request-ID" not in static.headers  # nginx answered, not a worker
        for _ in range(5):
            ack = _phone_posts_after_upgrading(base, code)
            assert ack["ok"], ack
        assert "Invalid session" not in log.read_text()
    finally:
        proxy.terminate()
        workers.terminate()
        proxy.wait(timeout=20)
        workers.wait(timeout=30)
