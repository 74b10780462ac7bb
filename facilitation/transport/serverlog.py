"""The servers' own log lines without the client's address: an IP address is personal data and the app keeps
none (docs/security.md). Werkzeug's request line (`python app.py`) leaves it out; gevent's error lines
(`python app.py serve`: a malformed request, a greenlet that failed when a phone dropped its connection) pass
through `redact`, since gevent prints the client's (address, port) there and in its greenlets' names."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, TextIO

from werkzeug._internal import _log
from werkzeug.serving import WSGIRequestHandler

_IPV4 = re.compile(r"(?<![\w.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![\w.])")
# IPv6 candidates; a time such as 07:44:27 also matches, so only "::" or eight groups count (see _ipv6)
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%[\w.-]{1,32})?(?![\w:])")


def _ipv6(match: re.Match[str]) -> str:
    text = match.group()
    return "-" if "::" in text or text.count(":") == 7 else text


def redact(text: str) -> str:
    """Every IPv4 and IPv6 address in text replaced by "-"."""
    return _IPV6.sub(_ipv6, _IPV4.sub("-", text))


class RedactingStream:
    """A stream for log output that writes each piece with the addresses taken out."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(redact(text))

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()


class RedactingFilter(logging.Filter):
    """For a logger: the record's message with the addresses taken out."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), ()
        return True


class AnonymousRequestHandler(WSGIRequestHandler):
    """Werkzeug's request log without the leading client address. (address_string() itself stays: it is the
    request's REMOTE_ADDR, which the rate limits hash.)"""

    def log(self, type: str, message: str, *args: Any) -> None:
        _log(type, redact(f"[{self.log_date_time_string()}] {message % args if args else message}") + "\n")


def gevent_server_options() -> dict:
    """Options for gevent's WSGIServer (through socketio.run) so that nothing it writes names a client; also
    points the hub's printing of failed greenlets, whose names hold the client's address, through redact."""
    import gevent
    from gevent import pywsgi

    class AnonymousWSGIHandler(pywsgi.WSGIHandler):
        def format_request(self) -> str:
            return redact(super().format_request())

    gevent.get_hub().exception_stream = RedactingStream(sys.stderr)
    return {"handler_class": AnonymousWSGIHandler, "error_log": RedactingStream(sys.stderr)}
