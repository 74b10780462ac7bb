"""Long-polling bodies Engine.IO refuses, against real server processes (issue 20): one unauthenticated POST
with a body over 64 KB - or with a packet type a client may not send - never got an answer, and its
connection was never closed (python-engineio's disconnect waits on a queue no polling request reads); 200
of them held 200 open files for good. Now each is answered (413 or 400) and closed, on the development
server (`python app.py`) and the production one (`python app.py serve`, gevent), and the server's open
files go back to what they were."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import socketio

from tests.e2e.conftest import ROOT, Server

REQUESTS = 100


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


@pytest.fixture(params=["development", "production"])
def server(request, tmp_path):
    kind = Server if request.param == "development" else ProductionServer
    srv = kind(tmp_path / "instance", {"FACILITATION_SESSION_COOKIE_SECURE": "false"})
    srv.instance.mkdir()
    srv.start()
    yield srv
    srv.stop()


def handshake(srv) -> str:
    with urllib.request.urlopen(f"{srv.url}/socket.io/?EIO=4&transport=polling", timeout=5) as response:
        return re.search(r'"sid":"([^"]+)"', response.read().decode()).group(1)


def open_files(srv) -> int:
    return len(os.listdir(f"/proc/{srv.process.pid}/fd"))


def post(srv, sid: str, body: bytes) -> socket.socket:
    """A raw POST that stays open on our side: only the server can end it."""
    connection = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    head = (
        f"POST /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n"
        f"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    connection.sendall(head.encode() + body)
    return connection


def answer_and_close(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a timeout fails the test)."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    connection.close()
    return received


def settled(srv, baseline: int) -> bool:
    deadline = time.time() + 15
    while time.time() < deadline:
        if open_files(srv) <= baseline:
            return True
        time.sleep(0.2)
    return False


def test_refused_polling_bodies_are_answered_and_closed(server):
    urllib.request.urlopen(f"{server.url}/healthz", timeout=5).close()
    baseline = open_files(server)
    bodies = [b"4" + b"x" * (64 * 1024 + 10), b"9ninepackets", b"0{}", b"4hi\x1e2"]
    connections = []
    for n in range(REQUESTS):
        connections.append((bodies[n % len(bodies)], post(server, handshake(server), bodies[n % len(bodies)])))
    for body, connection in connections:
        answer = answer_and_close(connection)
        expected = b" 413 " if len(body) > 64 * 1024 else b" 400 "
        assert answer.startswith(b"HTTP/1.1") and expected in answer.split(b"\r\n")[0], answer[:80]
    assert settled(server, baseline), (open_files(server), baseline)
    # the server still serves, and Socket.IO over long-polling still works for a real client
    client = socketio.Client(reconnection=False)
    client.connect(server.url, transports=["polling"], wait_timeout=10)
    assert client.connected
    client.disconnect()
    # a message over polling reaches our handler (here it refuses: no session code)
    with pytest.raises(socketio.exceptions.ConnectionError, match="/live"):
        socketio.Client(reconnection=False).connect(
            server.url, transports=["polling"], namespaces=["/live"], wait_timeout=10
        )
    assert "Traceback" not in server.log.read_text()
