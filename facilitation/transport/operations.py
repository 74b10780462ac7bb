"""What an administrator runs the service with: log lines with a time and request id (plain or JSON), the
request id itself (nginx's X-Request-ID when present), and Prometheus metrics at /metrics."""

from __future__ import annotations

import hmac
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    got_request_exception,
    has_app_context,
    request,
    send_from_directory,
)
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from facilitation import __version__
from facilitation.live import commands
from facilitation.transport import realtime, serverlog

bp = Blueprint("operations", __name__)
access_log = logging.getLogger("facilitation.access")
#: an id from the proxy is used as it is only when it looks like one (it ends up in every log line)
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request it was logged in ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "-") if has_app_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector (FACILITATION_LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _ClosedWebSocketNoise(logging.Filter):
    """gevent reads the last bytes of a closed WebSocket as a new HTTP request and logs "Invalid HTTP method"
    for each: noise, not a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Invalid HTTP method" not in record.getMessage()


def setup_logging(log_format: str = "plain", level: str = "INFO") -> None:
    """Log to standard error (the journal under systemd), every line with its time and request id."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        formatter = logging.Formatter(PLAIN_FORMAT)
        formatter.default_msec_format = "%s.%03d"
        handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "leertafels", False)]:
        root.removeHandler(old)
    handler.leertafels = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())


def server_error_log() -> logging.Logger:
    """The logger gevent's server writes its errors to (its error_log), without the closed-WebSocket noise."""
    logger = logging.getLogger("facilitation.server")
    if not any(isinstance(f, _ClosedWebSocketNoise) for f in logger.filters):
        logger.addFilter(_ClosedWebSocketNoise())
        # gevent names the client's (address, port) in its error lines; the app keeps no addresses
        logger.addFilter(serverlog.RedactingFilter())
    return logger


# Metrics of this process (each worker is scraped on its own port); one registry for every app in it
REGISTRY = CollectorRegistry()
COMMANDS = Counter("leertafels_commands", "Commands applied or refused", ["command", "outcome"], registry=REGISTRY)
COMMAND_SECONDS = Histogram(
    "leertafels_command_seconds",
    "Time to apply one command, lock and commit included",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
ERRORS = Counter("leertafels_errors", "Requests that ended in an unexpected error", ["transport"], registry=REGISTRY)


class _Connections:
    def collect(self):
        family = GaugeMetricFamily(
            "leertafels_connections",
            "Open Socket.IO connections: phones (participant) and screens",
            labels=["audience"],
        )
        for audience, count in realtime.connection_counts().items():
            family.add_metric([audience], count)
        yield family


REGISTRY.register(_Connections())


def _command_done(name: str, ok: bool, error: str | None, seconds: float) -> None:
    COMMANDS.labels(name, "ok" if ok else error or "refused").inc()
    COMMAND_SECONDS.observe(seconds)


def _request_failed(sender, exception=None, **extra) -> None:
    ERRORS.labels("http").inc()


commands.command_done.connect(_command_done, weak=False)


@bp.get("/metrics")
def metrics():
    """Prometheus metrics: with METRICS_TOKEN as a bearer token, or without one only from this machine."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        allowed = hmac.compare_digest(given.encode(), str(token).encode())
    else:
        # not through a proxy either: behind nginx every request comes from 127.0.0.1
        allowed = request.remote_addr in ("127.0.0.1", "::1") and "X-Forwarded-For" not in request.headers
    if not allowed:
        return Response("Metrics need METRICS_TOKEN, or a request from this machine\n", 403, mimetype="text/plain")
    return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; the icon is the same SVG."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


def _begin() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers["X-Request-ID"] = request_id
    if current_app.config.get("ACCESS_LOG"):
        milliseconds = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
        access_log.info("%s %s %s %.1f ms", request.method, request.path, response.status_code, milliseconds)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(lambda: {"app_version": __version__})
    app.before_request(_begin)
    app.after_request(_finish)
    got_request_exception.connect(_request_failed, app, weak=False)
