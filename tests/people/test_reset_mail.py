"""Password-reset links by e-mail (issue 21): with an SMTP server configured, the administrator's "Password reset
link" and `account reset-link` mail the link (Dutch and English) instead of showing it; a server that fails leaves
the link on the screen. The server here is a real one on a local port, speaking SMTP over TCP to smtplib (the
standard library's smtpd is deprecated in 3.11 and gone in 3.12, so a minimal server of our own)."""

from __future__ import annotations

import email
import email.policy
import os
import re
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a brand new passphrase"


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: EHLO, MAIL, RCPT, DATA, QUIT; no STARTTLS offered."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 localhost test SMTP")
        envelope: dict = {"rcpt": []}
        while raw := self.rfile.readline():
            verb = raw.decode().strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                envelope["from"] = raw.decode().strip()
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope["rcpt"].append(raw.decode().strip())
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.server.received.append(
                    (envelope, email.message_from_bytes(b"".join(lines), policy=email.policy.default))
                )  # type: ignore[attr-defined]
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _mailing_app(make_app, server, **extra):
    settings = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.server_address[1], "SMTP_STARTTLS": False}
    return make_app(**{**settings, "SMTP_FROM": "noreply@gemeente.example", **extra})


def _admin(app, make_account, login):
    _admin_id, admin_email = make_account(role="admin")
    return login(app.test_client(), admin_email)


def test_the_reset_link_is_mailed_in_dutch_and_english_and_works(make_app, smtp_server, make_account, login):
    app = _mailing_app(make_app, smtp_server)
    admin = _admin(app, make_account, login)
    account_id, address = make_account()
    response = admin.post(f"/admin/accounts/{account_id}/reset", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="reset-link"' not in page  # mailed, not shown
    assert address in page
    ((envelope, message),) = smtp_server.received
    assert message["To"] == address and message["From"] == "noreply@gemeente.example"
    assert address in envelope["rcpt"][0]
    body = message.get_content()
    assert "nieuw wachtwoord" in body and "new password" in body
    link = re.search(r"http://localhost(/reset/\S+)", body).group(1)
    person = app.test_client()
    done = person.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 302
    login(app.test_client(), address, NEW_PASSWORD)


def test_without_smtp_the_link_is_shown_as_before(app, make_account, login, smtp_server):
    admin = _admin(app, make_account, login)
    account_id, _address = make_account()
    page = admin.post(f"/admin/accounts/{account_id}/reset").get_data(as_text=True)
    assert 'id="reset-link"' in page and smtp_server.received == []


def test_a_failing_mail_leaves_the_link_on_the_screen(make_app, smtp_server, make_account, login):
    # the server offers no STARTTLS, and the installation asks for it: the mail is not sent
    app = _mailing_app(make_app, smtp_server, SMTP_STARTTLS=True)
    admin = _admin(app, make_account, login)
    account_id, _address = make_account()
    page = admin.post(f"/admin/accounts/{account_id}/reset").get_data(as_text=True)
    assert 'id="reset-link"' in page and smtp_server.received == []


def test_the_command_line_mails_the_link_too(tmp_path, smtp_server):
    env = {
        **os.environ,
        "FACILITATION_SMTP_HOST": "127.0.0.1",
        "FACILITATION_SMTP_PORT": str(smtp_server.server_address[1]),
        "FACILITATION_SMTP_STARTTLS": "false",
        "FACILITATION_PUBLIC_URL": "https://leertafels.example.nl",
    }

    def cli(*args, stdin=None):
        return subprocess.run(
            [sys.executable, "app.py", "--instance", str(tmp_path), *args],
            cwd=ROOT,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )

    assert cli("create-account", "--email", "fenna@example.org", stdin=PASSWORD).returncode == 0
    done = cli("account", "reset-link", "fenna@example.org")
    assert done.returncode == 0, done.stderr
    assert "fenna@example.org" in done.stdout and "/reset/" not in done.stdout
    ((_envelope, message),) = smtp_server.received
    assert message["To"] == "fenna@example.org"
    assert re.search(r"https://leertafels\.example\.nl/reset/\S+", message.get_content())
