"""JSON transport for the same commands as the socket (for scripts and the offline queue), health, and the
Socket.IO browser client shipped in static/vendor/."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request, send_from_directory
from sqlalchemy import text

from facilitation import config
from facilitation.extensions import db
from facilitation.live import commands, sessions
from facilitation.text.messages import error_message
from facilitation.transport import identity, ratelimit

bp = Blueprint("api", __name__)

SOCKET_IO_CLIENT = config.DATA / "static" / "vendor"


@bp.get("/healthz")
def healthz():
    """For the load balancer and the container: the database, and Redis when the workers share one."""
    report = {"status": "ok", "database": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("health check: the database is unreachable")
        report.update(status="error", database="unreachable")
    finally:
        db.session.rollback()
    queue = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
    if queue:
        report["redis"] = "ok" if _redis_answers(queue) else "unreachable"
        if report["redis"] != "ok":
            report["status"] = "error"
    return jsonify(report), 200 if report["status"] == "ok" else 503


def _redis_answers(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        current_app.logger.exception("health check: Redis is unreachable")
        return False
    finally:
        client.close()


@bp.post("/api/s/<code>/command")
def command(code: str):
    """POST {name, args, client_id}; the participant's cookie or the facilitator's login says who sends it."""
    if not ratelimit.code_attempts_allowed(code):
        return jsonify({"ok": False, "error": "rate_limited", "message": error_message("rate_limited")}), 429
    session_ = sessions.find_by_code(code)
    if session_ is None:
        ratelimit.failed_code("api")
        return jsonify({"ok": False, "error": "not_found", "message": error_message("not_found")}), 404
    g.locale = session_.language
    message = request.get_json(silent=True)
    if not isinstance(message, dict):
        return jsonify({"ok": False, "error": "bad_request", "message": error_message("bad_request")}), 400
    actor = identity.actor_for(session_)
    if not ratelimit.command_allowed(message.get("name"), actor):
        return jsonify({"ok": False, "error": "rate_limited", "message": error_message("rate_limited")}), 429
    result = commands.apply(session_.id, actor, message.get("name"), message.get("args", {}), message.get("client_id"))
    status = 200 if result.ok else (403 if result.error == "forbidden" else 400)
    return jsonify(result.to_ack(error_message)), status


@bp.get("/static/vendor/<path:filename>")
def vendor(filename: str):
    """socket.io-client's browser build, a pinned copy in the package (tools/refresh_vendor.py), never a CDN."""
    return send_from_directory(SOCKET_IO_CLIENT, filename, max_age=3600)
