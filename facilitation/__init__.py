"""Live learning tables and fishbowl sessions. create_app() wires settings, database, formats and transports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

__version__ = "0.2.0"

if TYPE_CHECKING:
    from flask import Flask

# Flask, SQLAlchemy and everything that imports them are imported inside the functions: `serve` (and the
# `leertafels` command, facilitation/launch.py) lets gevent patch the standard library first, and importing
# this package must not load them before that.


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from flask import Flask

    from facilitation import config

    test_config = dict(test_config or {})
    instance_path = config.instance_folder(test_config)
    app = Flask(
        __name__,
        template_folder=str(config.DATA / "templates"),
        static_folder=str(config.DATA / "static"),
        instance_path=str(instance_path.resolve()),
    )
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(config.load(test_config, instance_path))
    config.require_vendor_files()

    from facilitation.formats import load_formats

    app.extensions["formats"] = load_formats(Path(app.config.get("FORMATS_DIR") or config.DATA / "sessions"))

    _init_database(app)
    _init_web(app)
    return app


def _init_database(app: Flask) -> None:
    import sqlalchemy as sa

    from facilitation import migrations
    from facilitation.extensions import db

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    # a copy: the defaults' dict is shared by every app in the process (tests make SQLite and PostgreSQL ones)
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options["connect_args"] = dict(options.get("connect_args") or {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if url.startswith("sqlite"):
        # one writer at a time, readers alongside (WAL); wait for the lock rather than fail at once
        options["connect_args"].setdefault("timeout", 15)
    elif "poolclass" not in options:  # an operator's own pool (NullPool behind PgBouncer) takes no sizes
        options.setdefault("pool_size", app.config["DATABASE_POOL_SIZE"])
        options.setdefault("max_overflow", app.config["DATABASE_MAX_OVERFLOW"])
    db.init_app(app)
    with app.app_context():
        if url.startswith("sqlite"):
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)
        migrations.upgrade(db.engine)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    # deleted rows are overwritten with zeros, so purged text leaves the file and not only the tables
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def allowed_origins(app: Flask) -> set[str]:
    """ALLOWED_ORIGINS (a list, or comma-separated in the environment) and the origin of PUBLIC_URL."""
    configured = app.config.get("ALLOWED_ORIGINS") or []
    if isinstance(configured, str):
        configured = configured.split(",")
    origins = {origin.strip().rstrip("/") for origin in configured if origin.strip() and origin.strip() != "*"}
    public = app.config.get("PUBLIC_URL")
    if public:
        parts = urlsplit(public)
        origins.add(f"{parts.scheme}://{parts.netloc}")
    return origins


def origin_check(app: Flask):
    """Engine.IO's origin test: a browser's Socket.IO connection must come from a page of this app."""
    extra = allowed_origins(app)

    def allowed(origin: str | None, environ: dict | None = None) -> bool:
        if origin in extra:
            return True
        environ = environ or {}
        host = environ.get("HTTP_HOST")
        if not host or not origin:
            return False
        scheme = environ.get("wsgi.url_scheme", "http")
        own = {f"{scheme}://{host}"}
        # behind a TLS-terminating proxy (as engine.io's own same-origin check does)
        forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
        forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
        own.add(f"{forwarded_scheme}://{forwarded_host}")
        return origin in own

    return allowed


def _init_web(app: Flask) -> None:
    from facilitation.extensions import babel, compress, csrf, login_manager, socketio
    from facilitation.text import i18n
    from facilitation.transport import bounds, operations, ratelimit, realtime
    from facilitation.transport.web import register_blueprints

    # numbers in URLs and JSON bodies bounded before any of our code sees them (a 404 or 400, never a 500)
    app.url_map.converters["int"] = bounds.IdConverter
    app.json = bounds.BoundedJSONProvider(app)
    translations = i18n.compiled_catalogs(Path(app.instance_path))
    babel.init_app(app, locale_selector=i18n.select_locale, default_translation_directories=str(translations))
    compress.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE", "threading"),
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        # several deployments (or test runs) can share one Redis on different channels
        channel=app.config.get("SOCKETIO_CHANNEL") or "flask-socketio",
        # the app's own origin plus ALLOWED_ORIGINS; never "*" or [] (both switch the origin check off)
        cors_allowed_origins=origin_check(app),
        max_http_buffer_size=app.config["MAX_MESSAGE_BYTES"],
        ping_interval=app.config["SOCKETIO_PING_INTERVAL"],
        ping_timeout=app.config["SOCKETIO_PING_TIMEOUT"],
        logger=False,
        engineio_logger=False,
        json=bounds.SocketJSON,
        serializer=bounds.TextPacket,
    )
    # after init_app, which put Socket.IO's middleware in front: this one goes in front of that
    # Flask documents replacing wsgi_app to add middleware; mypy sees a method being overwritten
    app.wsgi_app = bounds.PollingGuard(app.wsgi_app, app.config["MAX_MESSAGE_BYTES"])  # type: ignore[method-assign]
    operations.init_app(app)
    realtime.init_app(app)
    ratelimit.init_app(app)
    register_blueprints(app)
