"""A bare Socket.IO relay: the yardstick bench/load.py compares the app with.

Same server stack and async mode as `python app.py serve` (python-socketio on gevent's WSGI server with
simple-websocket), same namespace, rooms and delivery pattern (staff screens get each message at once,
phones a batch at most once per window, which grows with the phones connected to LIVE_BATCH_INTERVAL at
LIVE_BATCH_FULL_ROOM, as realtime.batch_window), but no HTTP pages, no database, no checks: a `command` is
acknowledged with the next number and forwarded. Run as `python bench/relay.py PORT [share]`.
"""

from gevent import monkey

monkey.patch_all()

import itertools  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import socketio  # noqa: E402
from gevent import pywsgi  # noqa: E402

NAMESPACE = "/live"
INTERVAL = 0.3
FULL_ROOM = 1000


def make_server(share: bool) -> socketio.WSGIApp:
    sio = socketio.Server(
        async_mode="gevent",
        cors_allowed_origins=None,
        logger=False,
        engineio_logger=False,
        ping_interval=15,
        ping_timeout=30,
    )  # as the app (facilitation/config.py)
    counter = itertools.count(1)
    lock = threading.Lock()
    pending: list[dict] = []
    state = {"phones": 0, "sent_at": -1e9}

    def flush_later():
        # as the app's phone outbox: a batch goes once the window since the one before has passed
        window = INTERVAL * min(1.0, state["phones"] / FULL_ROOM)
        sio.sleep(max(0.0, state["sent_at"] + window - time.monotonic()))
        with lock:
            batch = pending[:]
            pending.clear()
            state["sent_at"] = time.monotonic()
        sio.emit("batch", {"events": batch}, to="phones", namespace=NAMESPACE)

    @sio.on("connect", namespace=NAMESPACE)
    def connect(sid, environ, auth=None):
        audience = (auth or {}).get("audience")
        state["phones"] += audience == "participant"
        sio.enter_room(sid, "phones" if audience == "participant" else "staff", namespace=NAMESPACE)

    @sio.on("command", namespace=NAMESPACE)
    def command(sid, message):
        envelope = {"seq": next(counter), "name": message.get("name"), "data": message.get("args"), "at": ""}
        sio.emit("event", envelope, to="staff", namespace=NAMESPACE)
        if share:
            with lock:
                pending.append(envelope)
                first = len(pending) == 1
            if first:
                sio.start_background_task(flush_later)
        else:
            sio.emit("event", envelope, to=sid, namespace=NAMESPACE)
        return {"ok": True, "seq": envelope["seq"], "data": {}}

    @sio.on("resume", namespace=NAMESPACE)
    def resume(sid, message):
        return {"ok": True, "snapshot": {"seq": 0}}

    return socketio.WSGIApp(sio)


def main() -> None:
    port = int(sys.argv[1])
    share = len(sys.argv) > 2 and sys.argv[2] == "share"
    print(f"relay on 127.0.0.1:{port}", flush=True)
    pywsgi.WSGIServer(("127.0.0.1", port), make_server(share), log=None).serve_forever()


if __name__ == "__main__":
    main()
