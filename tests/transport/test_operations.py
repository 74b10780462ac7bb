"""What an administrator watches: request ids, log lines, /healthz with the database and Redis, /metrics."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from facilitation.transport import operations
from tests.conftest import run

ROOT = Path(__file__).resolve().parents[2]


def test_every_response_carries_a_request_id_and_keeps_the_proxys(client):
    own = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", own.headers["X-Request-ID"])
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a"}).headers["X-Request-ID"] == "nginx-4f2a"
    # an id that would break a log line is replaced, not copied
    replaced = client.get("/healthz", headers={"X-Request-ID": "a b [forged] line"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


def test_json_log_lines_have_time_level_and_request_id(app, capsys):
    operations.setup_logging("json")
    try:
        with app.test_request_context("/", headers={"X-Request-ID": "req-42"}):
            app.preprocess_request()
            logging.getLogger("facilitation.test").warning("something to see")
        logging.getLogger("facilitation.test").warning("outside a request")
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "leertafels", False)]:
            root.removeHandler(handler)
    first, second = (json.loads(line) for line in capsys.readouterr().err.strip().splitlines()[-2:])
    assert first["request_id"] == "req-42" and first["message"] == "something to see"
    assert first["level"] == "WARNING" and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}", first["time"])
    assert second["request_id"] == "-"


def test_healthz_reports_the_database_and_redis_when_the_workers_share_one(app, client, redis_url):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    app.config["SOCKETIO_MESSAGE_QUEUE"] = redis_url
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
    app.config["SOCKETIO_MESSAGE_QUEUE"] = "redis://127.0.0.1:1/0"
    down = client.get("/healthz")
    assert down.status_code == 503 and down.get_json()["redis"] == "unreachable"


def test_metrics_count_commands_and_connections_for_this_machine_only(app, facilitator, make_session):
    client, account_id = facilitator
    session_id, _code = make_session(account_id)
    run(app, session_id, account_id, "session.start")
    page = client.get("/metrics")
    assert page.status_code == 200 and page.mimetype == "text/plain"
    text = page.get_data(as_text=True)
    assert re.search(r'leertafels_commands_total\{command="session.start",outcome="ok"\} [1-9]', text)
    assert "leertafels_command_seconds_bucket" in text and 'leertafels_connections{audience="participant"}' in text
    # through nginx every request comes from 127.0.0.1: a forwarded one is not this machine
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403


def test_metrics_with_a_token_need_it(make_app):
    client = make_app(METRICS_TOKEN="s3cret-token").test_client()
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_production_server_logs_requests_with_time_and_id_and_no_closed_websocket_noise(tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    env = dict(os.environ, FACILITATION_SESSION_COOKIE_SECURE="false", PYTHONUNBUFFERED="1")
    command = [sys.executable, "app.py", "--instance", str(tmp_path), "serve", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "probe-7"}, timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        # what a closed WebSocket leaves behind: frame bytes where gevent expects a request line
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(b"\x88\x82\x12\x34\x56\x78\x11\x22\r\n\r\n")
            raw.recv(1024)
        time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=20)
    text = log.read_text()
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO facilitation\.access \[probe-7\] GET /healthz 200", text, re.M
    ), text
    assert "Invalid HTTP method" not in text


def test_pages_show_the_version_and_have_a_favicon(client):
    from facilitation import __version__

    page = client.get("/setup").get_data(as_text=True)
    assert f"Leertafels {__version__}" in page and 'rel="icon"' in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
