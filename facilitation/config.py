"""Settings: laptop defaults, overridden by the instance folder and FACILITATION_* environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Config, current_app

PACKAGE = Path(__file__).resolve().parent
#: templates/, static/ and sessions/ live at the top of a checkout; the wheel build (setup.py) copies them here
BUNDLED = PACKAGE / "_data"
#: True when running from an installed wheel, False from a checkout (plain or `pip install -e .`)
INSTALLED = (BUNDLED / "templates").is_dir()
#: the folder that holds templates/, static/ and sessions/
DATA = BUNDLED if INSTALLED else PACKAGE.parent
#: the checkout's instance/ (as before); an installed wheel keeps its data where the user's data goes, never
#: in site-packages (a service sets FACILITATION_INSTANCE, docs/deploy.md)
INSTANCE = (
    Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "leertafels"
    if INSTALLED
    else PACKAGE.parent / "instance"
)


class Defaults:
    #: SQLite file in instance/ so `python app.py` needs nothing else
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: Socket.IO message queue (Redis URL) when several worker processes serve one region
    SOCKETIO_MESSAGE_QUEUE: str | None = None
    #: the queue's channel name, so several deployments can share one Redis
    SOCKETIO_CHANNEL: str = "flask-socketio"
    #: seconds between the server's pings, and how long it waits for the answer. A phone's browser gives up
    #: after both (45 s); a busy server's ping may come late, so it pings more often than the default 25 s
    SOCKETIO_PING_INTERVAL: float = 15
    SOCKETIO_PING_TIMEOUT: float = 30
    #: seconds; in a room of LIVE_BATCH_FULL_ROOM phones or more, phones get other participants' reflections
    #: at most once per interval, coalesced into one message (0: every event at once, unbatched)
    LIVE_BATCH_INTERVAL: float = 0.3
    #: phones (on this worker) from which a batch waits the whole LIVE_BATCH_INTERVAL after the one before;
    #: a smaller room waits that fraction of it (100 phones: 30 ms), as sending costs per phone
    LIVE_BATCH_FULL_ROOM: int = 1000
    #: seconds; a batch with nothing but joins in it waits at least this long after the one before. Phones
    #: only count the joins, and in a QR-scan rush every join went to every phone in within a few ms: 300
    #: phones in 10 s made thousands of messages a second, a sixth of the server's time
    LIVE_JOIN_BATCH_INTERVAL: float = 1.0
    #: seconds between the groups of phones a batch is sent to (1/32 of the room each), so one process
    #: still answers commands and staff screens while it sends a batch to a thousand phones (a smaller room
    #: pauses after as many phones, LIVE_BATCH_FULL_ROOM / 32, not after every group)
    LIVE_BATCH_PACE: float = 0.002
    #: resumes (missed events, snapshots) one worker answers at once, phones' join pages, joins, writing screens
    #: and connects included; more wait their turn holding no database connection, so a reconnect storm or a
    #: QR-scan rush leaves the rest of the pool to commands (0: no limit)
    LIVE_RESUME_CONCURRENCY: int = 10
    #: database connections a worker keeps open (PostgreSQL), and how many more it may open for a moment. The
    #: library's 5 made a gevent worker open and close a new connection (several ms of CPU each) for most
    #: reconnects and commands of a busy room; 15 + 5 per worker keeps four workers within PostgreSQL's
    #: default 100 connections. FACILITATION_DATABASE_POOL_SIZE and _MAX_OVERFLOW set them.
    DATABASE_POOL_SIZE: int = 15
    DATABASE_MAX_OVERFLOW: int = 5
    #: seconds between the heartbeats that tell every screen its session's latest seq, so a screen that missed
    #: the last events (a message queue that was down, a batch lost in a reconnect) fetches them (0: none)
    LIVE_HEARTBEAT_SECONDS: float = 5
    #: the address phones reach the server at; by default the host the console was opened on
    PUBLIC_URL: str | None = None
    #: the address the server listens on (set by `python app.py --host`); on 0.0.0.0 or :: the join address
    #: uses this computer's network address where the console was opened on 127.0.0.1 or localhost
    LISTEN_HOST: str | None = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: on by default; `python app.py` on plain http turns it off for the laptop path
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "nl"
    #: dates and times in reports
    TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    #: how passwords are hashed (werkzeug's method string); None: werkzeug's default, scrypt. The test suite sets
    #: a cheap one, as its hundreds of accounts spent minutes hashing; an installation keeps the default
    PASSWORD_HASH_METHOD: str | None = None
    #: the SMTP server password-reset links are mailed through (facilitation/people/mail.py); None: no mail,
    #: the link is shown to the administrator to pass on. FACILITATION_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM,
    #: _STARTTLS (false only for a server on the same machine; port 465 is TLS from the start)
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_FROM: str | None = None
    SMTP_STARTTLS = True
    SMTP_TIMEOUT = 10
    #: longest reflection in characters; shown to the participant while typing
    REFLECTION_MAX_LENGTH = 500
    #: bytes; Socket.IO frames above this close the connection (OWASP cheat sheet: 64 KB or less)
    MAX_MESSAGE_BYTES = 64 * 1024
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    #: seconds a fishbowl chair stays taken after its phone lost the connection; 0 or less: until the
    #: facilitator frees it. Only connections to this server process count as coming back.
    FISHBOWL_GRACE_SECONDS = 60
    #: days after a session closes until all its data is deleted; each session may set its own
    RETENTION_DAYS = 90
    #: seconds between automatic purges while the server runs; 0 switches them off (then use `app.py purge`)
    RETENTION_PURGE_INTERVAL = 3600
    #: origins allowed to open a Socket.IO connection besides the app's own (a list, or comma-separated)
    ALLOWED_ORIGINS: list[str] | None = None
    #: rate limits in the `limits` notation; storage is in memory, or Redis when RATE_LIMIT_STORAGE/REDIS_URL is set
    RATE_LIMIT_STORAGE: str | None = None
    #: reflections per participant (a burst of 10, then one a second); docs/security.md lists every limit
    REFLECTION_RATE_LIMIT = "10 per 10 seconds"
    #: every command of one phone (voting, the fishbowl queue, commitments ...): a burst, then 2 a second
    PARTICIPANT_COMMAND_RATE_LIMIT = "20 per 10 seconds"
    #: resumes (missed events or a whole snapshot) per phone: one after every drop or gap, not a flood
    RESUME_RATE_LIMIT = "60 per minute"
    #: joins per client address: a venue behind one address joins 300 phones in a minute
    JOIN_RATE_LIMIT = "400 per minute; 2000 per hour"
    #: failed join codes per client address (or per logged-in account); a room behind one address shares
    #: it, hence not lower
    JOIN_CODE_RATE_LIMIT = "20 per minute"
    #: wrong passwords per address and account together, so nobody elsewhere can lock an account
    LOGIN_RATE_LIMIT = "10 per 15 minutes"
    #: wrong passwords per address over all accounts
    LOGIN_ADDRESS_RATE_LIMIT = "50 per 15 minutes"
    #: disciplines participants may choose from (None: facilitation.live.disciplines.DEFAULT_DISCIPLINES);
    #: FACILITATION_DISCIPLINES='["wijkteam", "school", "Sportclub"]' sets an organisation's own list
    DISCIPLINES: list[str] | None = None
    #: no screen or report shows a discipline group of fewer people than this; smaller ones merge into "other"
    DISCIPLINE_MIN_GROUP = 3
    #: organisations a moment of a case journey can involve (None: live.organisations.DEFAULT_ORGANISATIONS);
    #: FACILITATION_ORGANISATIONS='["wijkteam", "UWV", "Stichting Thuis"]' sets an organisation's own list
    ORGANISATIONS: list[str] | None = None
    #: grounds a rejection can have (None: facilitation.live.organisations.DEFAULT_GROUNDS), set like ORGANISATIONS
    REJECTION_GROUNDS: list[str] | None = None
    #: the patterns across journeys show nothing computed from fewer journeys than this
    PATTERNS_MIN_JOURNEYS = 3


def load(overrides: dict, instance_path: Path) -> dict:
    """The settings an app made with `overrides` gets: Defaults, then FACILITATION_* variables, then the
    overrides; a secret key, database URL and message queue (REDIS_URL) are filled in when not given."""
    config = Config(str(instance_path))
    config.from_object(Defaults)
    config.from_prefixed_env("FACILITATION")
    config.update(overrides)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = secret_key(instance_path)
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = database_url(instance_path)
    if not config.get("SOCKETIO_MESSAGE_QUEUE") and os.environ.get("REDIS_URL"):
        config["SOCKETIO_MESSAGE_QUEUE"] = os.environ["REDIS_URL"]
    return dict(config)


def instance_folder(overrides: dict) -> Path:
    """INSTANCE_PATH from the overrides (taken out of them), else FACILITATION_INSTANCE, else instance/."""
    return Path(overrides.pop("INSTANCE_PATH", None) or os.environ.get("FACILITATION_INSTANCE") or INSTANCE)


def database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # SQLAlchemy's psycopg 3 dialect, whatever spelling the operator used
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url
    return f"sqlite:///{instance_path / 'facilitation.sqlite'}"


def secret_key(instance_path: Path) -> str:
    """The key from the environment, else one generated on first run and kept in instance/."""
    key = os.environ.get("SECRET_KEY") or os.environ.get("FACILITATION_SECRET_KEY")
    if key:
        return key
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def setting(name: str, default: Any = None) -> Any:
    """One setting of the running app: the one place domain code reads the configuration."""
    value = current_app.config.get(name)
    return default if value is None else value


#: browser files the live pages load, committed under static/vendor/ (versions in static/vendor/vendor.json)
VENDOR_FILES = ("socket.io.min.js",)


def require_vendor_files() -> None:
    """Refuse to start without the Socket.IO browser client: without it the live screens never connect."""
    folder = DATA / "static" / "vendor"
    for name in VENDOR_FILES:
        if not (folder / name).is_file():
            remedy = (
                "reinstall the package"
                if INSTALLED
                else "restore it with `git checkout static/vendor` or `python tools/refresh_vendor.py`"
            )
            raise RuntimeError(f"{folder / name} is missing: phones and screens cannot connect without it; {remedy}")
