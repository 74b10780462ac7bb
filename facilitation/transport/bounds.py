"""Bounds at the edge: what a URL, a form field or a JSON body may hold before any of our code sees it.

A number the database cannot compare with an integer column (PostgreSQL's are 32-bit, SQLite's 64-bit)
makes the driver raise, and JSON nested a hundred thousand levels deep makes Python's parser raise
RecursionError: both would answer 500. Here they are a 404 (a page that cannot exist) or a 400."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider
from socketio.packet import Packet
from werkzeug.routing import IntegerConverter

from facilitation.validation import INT_HIGH

#: deepest nesting of arrays and objects a JSON body or Socket.IO message may have. Our payloads use 3;
#: below Python's recursion limit (1,000) with room to spare, so the parser never runs out of stack
MAX_JSON_DEPTH = 500

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a whole number from 0 up to what both databases store (2^31 - 1); a
    larger one matches no route, so it is a 404 like any id that does not exist."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed=False):
        super().__init__(map, fixed_digits, min, INT_HIGH if max is None else max, signed)


def form_id(name: str) -> int | None:
    """A whole-number id from the form, or None when it is missing, not a number or out of range."""
    value = request.form.get(name, type=int)
    if value is None or not 0 <= value <= INT_HIGH:
        return None
    return value


def json_depth(text: str | bytes) -> int:
    """How deep arrays and objects nest in this JSON text (brackets inside strings do not count)."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8", "replace")
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """json.loads, refusing (ValueError, which Flask turns into 400) nesting deeper than MAX_JSON_DEPTH."""
    if json_depth(text) > MAX_JSON_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return json.loads(text, **kwargs)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON (request.get_json) with the depth bound."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)


class SocketJSON:
    """The json module Socket.IO decodes messages with, with the depth bound (a refused message is dropped)."""

    dumps = staticmethod(json.dumps)
    loads = staticmethod(loads)


class TextPacket(Packet):
    """Socket.IO packets that never hold binary attachments: nothing this app sends is bytes, and looking for
    them walked every value of every message before it was encoded (a phone's snapshot: hundreds of calls,
    about a tenth of a resume's time). What a client sends is read as before."""

    uses_binary_events = False


class PollingGuard:
    """WSGI middleware in front of Engine.IO for its long-polling POSTs.

    python-engineio (4.x) answers a polling body it refuses - larger than max_http_buffer_size, or a packet
    type a client may not send - by closing the session with wait=True, which waits for a queue only a
    polling GET reads. None comes, so that POST never gets an answer and its connection stays open for good
    (one unauthenticated request per open file). Here such bodies get 413 or 400 before Engine.IO sees them,
    and the connection is closed."""

    #: packet types a client sends in a polling body: close, pong, message, upgrade; "b" is a binary message
    CLIENT_PACKETS = frozenset("1345b")

    def __init__(self, wsgi_app, max_bytes: int, path: str = "/socket.io/"):
        self.wsgi_app = wsgi_app
        self.max_bytes = max_bytes
        self.path = path

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or not environ.get("PATH_INFO", "").startswith(self.path):
            return self.wsgi_app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self._refuse(start_response, "400 Bad Request")
        if length > self.max_bytes or length < 0:
            self._discard(environ["wsgi.input"], length)
            return self._refuse(start_response, "413 Content Too Large")
        body = environ["wsgi.input"].read(length) if length else b""
        packets = body.decode("utf-8", "replace").split("\x1e") if body else []
        if any(not packet or packet[0] not in self.CLIENT_PACKETS for packet in packets):
            return self._refuse(start_response, "400 Bad Request")
        environ["wsgi.input"] = io.BytesIO(body)
        return self.wsgi_app(environ, start_response)

    #: a refused body is read and thrown away up to this size, so the server can close the connection
    #: cleanly (the development server otherwise waits for the client to send 10 MB); beyond it, the
    #: client gets a reset
    DISCARD_BYTES = 4 * 1024 * 1024

    @classmethod
    def _discard(cls, stream, length: int) -> None:
        left = min(max(length, 0), cls.DISCARD_BYTES)
        while left > 0:
            chunk = stream.read(min(left, 64 * 1024))
            if not chunk:
                return
            left -= len(chunk)

    @staticmethod
    def _refuse(start_response, status: str):
        text = status.encode()
        # the body may be unread: the server must not take what follows for a next request
        start_response(
            status, [("Content-Type", "text/plain"), ("Content-Length", str(len(text))), ("Connection", "close")]
        )
        return [text]
