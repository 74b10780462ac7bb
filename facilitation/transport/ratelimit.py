"""Rate limits with the `limits` library (the one Flask-Limiter uses): a moving window per key, kept in
memory, or in Redis when RATE_LIMIT_STORAGE or REDIS_URL is set (so all workers share the counts).

Keys never hold an address or e-mail address in the clear: they are HMACs with the app's secret key, and
they expire with their window. Limits are in the library's notation ("10 per 10 seconds") in the config;
an empty value switches that limit off."""

from __future__ import annotations

import hashlib
import hmac
import os

from flask import Flask, current_app, request
from flask_login import current_user
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from facilitation.live import sessions
from facilitation.live.commands import Actor
from facilitation.transport import identity

#: the settings a check can name
LIMITS = ("REFLECTION_RATE_LIMIT", "JOIN_CODE_RATE_LIMIT", "LOGIN_RATE_LIMIT")


class Limiter:
    def __init__(self, app: Flask):
        uri = app.config.get("RATE_LIMIT_STORAGE") or os.environ.get("REDIS_URL") or "memory://"
        self.storage = storage_from_string(uri)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.secret = str(app.config["SECRET_KEY"]).encode()
        self.config = app.config

    def _key(self, setting: str, parts: tuple) -> tuple[object, str] | None:
        rule = self.config.get(setting)
        if not rule:
            return None
        digest = hmac.new(self.secret, "\x1f".join(map(str, parts)).encode("utf-8", "replace"), hashlib.sha256)
        return parse(rule), f"facilitation:{setting}:{digest.hexdigest()[:32]}"

    def hit(self, setting: str, *parts) -> bool:
        """Count one attempt; False when the limit was already reached (the attempt must be refused)."""
        found = self._key(setting, parts)
        if found is None:
            return True
        try:
            return self.strategy.hit(*found)
        except Exception:
            current_app.logger.exception("rate limit storage failed; allowing the request")
            return True

    def allowed(self, setting: str, *parts) -> bool:
        """Whether one more attempt would be allowed, without counting one."""
        found = self._key(setting, parts)
        if found is None:
            return True
        try:
            return self.strategy.test(*found)
        except Exception:
            current_app.logger.exception("rate limit storage failed; allowing the request")
            return True


def init_app(app: Flask) -> None:
    app.extensions["limiter"] = Limiter(app)


def limiter() -> Limiter:
    return current_app.extensions["limiter"]


def client() -> str:
    """Who is trying, for the limits only: the network address (behind a proxy, set up ProxyFix)."""
    return request.remote_addr or "unknown"


def code_attempts_allowed(code: object = None) -> bool:
    """Whether this client may try a join code now. Once it tried too many codes that match no session it
    waits for the window to pass; people already in (a logged-in facilitator, a phone whose cookie belongs
    to this code's session) are not held up by someone else behind the same address."""
    if limiter().allowed("JOIN_CODE_RATE_LIMIT", client()):
        return True
    if current_user.is_authenticated:
        return True
    session_ = sessions.find_by_code(code) if isinstance(code, str) else None
    return session_ is not None and identity.cookie_participant(session_) is not None


def failed_code(where: str) -> None:
    """A join code that matches no session: counted per client and logged (without the address)."""
    limiter().hit("JOIN_CODE_RATE_LIMIT", client())
    current_app.logger.warning("unknown join code tried (%s)", where)


def command_allowed(name, actor: Actor) -> bool:
    """Per-actor limit on posting reflections (a burst, then about one a second); other commands are
    the facilitator's or bounded by the session's state."""
    if name != "reflection.post":
        return True
    return limiter().hit("REFLECTION_RATE_LIMIT", actor.label)
