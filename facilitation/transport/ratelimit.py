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
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from facilitation.live.commands import Actor
from facilitation.transport import identity

#: the settings a check can name (each one or more limits in the `limits` notation, "400 per minute;
#: 2000 per hour"; all must allow the attempt)
LIMITS = (
    "REFLECTION_RATE_LIMIT",
    "PARTICIPANT_COMMAND_RATE_LIMIT",
    "RESUME_RATE_LIMIT",
    "JOIN_RATE_LIMIT",
    "JOIN_CODE_RATE_LIMIT",
    "LOGIN_RATE_LIMIT",
    "LOGIN_ADDRESS_RATE_LIMIT",
)

#: commands that write a reflection's text: they count against REFLECTION_RATE_LIMIT too
TEXT_COMMANDS = frozenset({"reflection.post", "reflection.edit_own"})


class Limiter:
    def __init__(self, app: Flask):
        uri = app.config.get("RATE_LIMIT_STORAGE") or os.environ.get("REDIS_URL") or "memory://"
        self.storage = storage_from_string(uri)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.secret = str(app.config["SECRET_KEY"]).encode()
        self.config = app.config
        # deployments (and test runs) sharing one Redis count apart, as they have their own Socket.IO channel:
        # participant ids start at 1 in every database
        self.scope = app.config.get("SOCKETIO_CHANNEL") or ""

    def _key(self, setting: str, parts: tuple) -> tuple[list, str] | None:
        rule = self.config.get(setting)
        if not rule:
            return None
        text = "\x1f".join(map(str, (self.scope, *parts)))
        digest = hmac.new(self.secret, text.encode("utf-8", "replace"), hashlib.sha256)
        return parse_many(rule), f"facilitation:{setting}:{digest.hexdigest()[:32]}"

    def hit(self, setting: str, *parts) -> bool:
        """Count one attempt; False when a limit was already reached (the attempt must be refused)."""
        found = self._key(setting, parts)
        if found is None:
            return True
        rules, key = found
        try:
            # every window counts the attempt only when all allow it, so a refused one costs no budget
            if not all(self.strategy.test(rule, key) for rule in rules):
                return False
            counted = [self.strategy.hit(rule, key) for rule in rules]  # every window, not up to a refusal
            return all(counted)
        except Exception:
            current_app.logger.exception("rate limit storage failed; allowing the request")
            return True

    def allowed(self, setting: str, *parts) -> bool:
        """Whether one more attempt would be allowed, without counting one."""
        found = self._key(setting, parts)
        if found is None:
            return True
        rules, key = found
        try:
            return all(self.strategy.test(rule, key) for rule in rules)
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


# --- join codes ------------------------------------------------------------------------------------


def code_attempts_allowed(code: object = None) -> bool:
    """Whether this client may try a join code now. A logged-in account has its own count of codes that
    match no session (wherever it logs in from); anyone else shares the count of their address. Once it is
    used up they wait for the window to pass, except a phone whose cookie belongs to this code's session: it
    is not held up by someone else guessing behind the same address."""
    if current_user.is_authenticated:
        return limiter().allowed("JOIN_CODE_RATE_LIMIT", "account", current_user.id)
    if limiter().allowed("JOIN_CODE_RATE_LIMIT", client()):
        return True
    session_ = identity.session_by_code(code) if isinstance(code, str) else None
    return session_ is not None and identity.cookie_participant(session_) is not None


def failed_code(where: str) -> None:
    """A join code that matches no session: counted per account or client, logged (without the address)."""
    if current_user.is_authenticated:
        limiter().hit("JOIN_CODE_RATE_LIMIT", "account", current_user.id)
    else:
        limiter().hit("JOIN_CODE_RATE_LIMIT", client())
    current_app.logger.warning("unknown join code tried (%s)", where)


# --- logging in ------------------------------------------------------------------------------------


def login_allowed(email: str) -> bool:
    """Wrong passwords count per address and account together, so a stranger elsewhere cannot lock an
    account; one address also has a much larger cap over all accounts (someone trying many accounts)."""
    return limiter().allowed("LOGIN_RATE_LIMIT", "pair", client(), email) and limiter().allowed(
        "LOGIN_ADDRESS_RATE_LIMIT", "address", client()
    )


def failed_login(email: str) -> None:
    limiter().hit("LOGIN_RATE_LIMIT", "pair", client(), email)
    limiter().hit("LOGIN_ADDRESS_RATE_LIMIT", "address", client())


# --- live sessions ---------------------------------------------------------------------------------


def join_allowed() -> bool:
    """Joins per address: a room behind one address (a venue's Wi-Fi) joins hundreds of phones in a
    minute, a script far more; above the limit a join is refused until the window has passed."""
    return limiter().hit("JOIN_RATE_LIMIT", "join", client())


def command_allowed(name, actor: Actor) -> bool:
    """Every command of a phone counts per participant (a burst, then a few a second), posting reflections
    and correcting them also against their own stricter limit; joining counts per address. Facilitators are
    not limited."""
    if name == "participant.join":
        return join_allowed()
    if actor.account_id is not None:
        return True
    who = actor.label if actor.participant_id is not None else f"address:{client()}"
    if not limiter().hit("PARTICIPANT_COMMAND_RATE_LIMIT", who):
        return False
    # a correction stores and broadcasts a new text as a post does, so it counts against the same limit
    return name not in TEXT_COMMANDS or limiter().hit("REFLECTION_RATE_LIMIT", actor.label)


def resume_allowed(actor: Actor) -> bool:
    """Snapshots and missed events per participant: a phone resumes after every drop and gap, not
    hundreds of times a minute. Staff screens are not limited."""
    if actor.participant_id is None:
        return True
    return limiter().hit("RESUME_RATE_LIMIT", actor.label)
