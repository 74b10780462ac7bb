"""What one phone's join costs the server, step by step (issue 22, the QR-scan rush), measured in-process.

    python bench/join_cost.py [--joins 200] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
    python bench/join_cost.py --profile connect+resume   # cProfile of those steps, the top functions on stderr

Runs the app as `serve` configures it (CSRF on, compression, rate limits on, the access log) with Flask's test
client and Flask-SocketIO's test client, in one session of the fishbowl format in its writing phase that
already holds some reflections. Each phone does what bench/load.py's rush does: the join page (GET /j/<code>),
the join (POST with the CSRF token), the writing screen (GET /p/<code>), the Socket.IO connect and its first
`resume` (a snapshot). A facilitator's command every few joins makes the room change meanwhile, as it does
in a real rush. Per step it prints the CPU milliseconds of this process (mean and median over the joins, the
test clients' own work included, so an upper bound of the server's), the database statements, and the round
trips to the database (the statements plus the BEGIN, COMMIT and ROLLBACK psycopg sends); the last line is a
JSON object. CPU time, not wall time: it stays steady on a shared machine.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import logging
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
import uuid
import zlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from facilitation import create_app  # noqa: E402
from facilitation.extensions import db, socketio  # noqa: E402
from facilitation.live import commands, sessions  # noqa: E402
from facilitation.people import accounts  # noqa: E402
from facilitation.programmes import manage as programmes  # noqa: E402
from facilitation.transport.realtime import NAMESPACE  # noqa: E402

STEPS = ("join_page", "join_post", "writing_screen", "connect", "resume")
#: what a phone's browser (and aiohttp in bench/load.py) says it accepts
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def _decoded(response) -> str:
    data, encoding = response.get_data(), response.headers.get("Content-Encoding")
    if encoding == "gzip":
        data = gzip.decompress(data)
    elif encoding == "deflate":
        data = zlib.decompress(data)
    elif encoding == "br":
        import brotli

        data = brotli.decompress(data)
    elif encoding == "zstd":
        from backports import zstd

        data = zstd.decompress(data)
    return data.decode()


def _database(url: str | None, tmp: Path):
    """The URL to run on and a function that drops what was made (a fresh PostgreSQL schema)."""
    if not url:
        return f"sqlite:///{tmp / 'join_cost.sqlite'}", lambda: None
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    schema = f"joincost_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", drop


def make_app(database_url: str, instance: Path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "join-cost",
            "INSTANCE_PATH": str(instance),
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            # as `serve` runs: the access log on (written to nowhere here), the heartbeat off (no thread)
            "ACCESS_LOG": True,
            "LIVE_HEARTBEAT_SECONDS": 0,
            # on, as in production, but high enough for every phone of this one test address
            "JOIN_RATE_LIMIT": "100000 per minute",
        }
    )
    handler = logging.StreamHandler(open(os.devnull, "w"))  # open as long as the process
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    return app


def prepare(app, reflections: int) -> tuple[int, str, commands.Actor]:
    """A started fishbowl session in its writing phase with `reflections` posted by a few phones."""
    fmt = app.extensions["formats"]["fishbowl"]
    with app.app_context():
        owner = accounts.create_account(f"{uuid.uuid4().hex[:8]}@example.org", "Bench", "bench password 123")
        db.session.flush()
        programme = programmes.create_programme(owner, "Bench")
        db.session.flush()
        session_ = sessions.create_session(
            programme=programme,
            facilitator=owner,
            title="Bench",
            fmt=fmt,
            levels=["execution", "management"],
            language="nl",
        )
        db.session.commit()
        session_id, code, staff = session_.id, session_.join_code, commands.Actor(account_id=owner.id)
    write = next(i for i, p in enumerate(fmt.phases) if "write" in p.actions)
    kind = fmt.phases[write].kinds[0]
    with app.test_request_context():
        assert commands.apply(session_id, staff, "session.start", {}).ok
        if write:
            assert commands.apply(session_id, staff, "phase.goto", {"index": write}).ok
        writers = [
            commands.apply(session_id, commands.Actor(), "participant.join", {"level": lvl, "accept_rules": True})
            for lvl in ("execution", "management", "execution")
        ]
        for i in range(reflections):
            writer = commands.Actor(participant_id=writers[i % 3].data["participant_id"])
            text = f"Een knelpunt in de samenwerking tussen teams, nummer {i}"
            result = commands.apply(
                session_id, writer, "reflection.post", {"text": text, "kind": kind}, uuid.uuid4().hex
            )
            assert result.ok, result
        db.session.remove()
    return session_id, code, staff


class Counter:
    """Database statements, counted per step; and round trips to the database: the statements plus the
    transaction commands psycopg sends on its own (BEGIN, COMMIT, ROLLBACK), each a wait and a few syscalls."""

    def __init__(self, engine):
        self.count = 0
        self.commands = 0
        sa.event.listen(engine, "before_cursor_execute", self._one)
        if engine.dialect.name == "postgresql":
            from psycopg._connection_base import BaseConnection

            original = BaseConnection._exec_command

            def counted(connection, command, *args, **kwargs):
                self.commands += 1
                return original(connection, command, *args, **kwargs)

            BaseConnection._exec_command = counted  # a bench's own process: nothing else uses psycopg here

    @property
    def trips(self) -> int:
        return self.count + self.commands

    def _one(self, *_args, **_kwargs):
        self.count += 1


def one_phone(app, code: str, cpu: dict, statements: dict, trips: dict, counter: Counter, profiler=None, profiled=()):
    """The five steps of one phone; adds each step's CPU seconds and statements."""
    http = app.test_client()
    headers = {"Accept-Encoding": ACCEPT_ENCODING}
    sio = None

    def step(name, work):
        if profiler is not None and name in profiled:
            profiler.enable()
        before, count, trip = time.process_time(), counter.count, counter.trips
        result = work()
        cpu[name].append(time.process_time() - before)
        statements[name].append(counter.count - count)
        trips[name].append(counter.trips - trip)
        if profiler is not None and name in profiled:
            profiler.disable()
        return result

    page = step("join_page", lambda: http.get(f"/j/{code}", headers=headers))
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrf_token" value="([^"]+)"', _decoded(page)).group(1)
    form = {"level": "execution", "accept_rules": "1", "csrf_token": token}
    joined = step("join_post", lambda: http.post(f"/j/{code}", data=form, headers=headers))
    assert joined.status_code == 302, joined.status_code
    screen = step("writing_screen", lambda: http.get(f"/p/{code}", headers=headers))
    assert screen.status_code == 200, screen.status_code

    def connect():
        return socketio.test_client(
            app, namespace=NAMESPACE, flask_test_client=http, auth={"code": code, "audience": "participant"}
        )

    sio = step("connect", connect)
    assert sio.is_connected(NAMESPACE)
    reply = step("resume", lambda: sio.emit("resume", {"seq": -1}, namespace=NAMESPACE, callback=True))
    assert reply and reply.get("ok") and "snapshot" in reply, reply
    return sio, len(screen.get_data()), len(page.get_data())


def run(args, database_url: str, instance: Path) -> dict:
    app = make_app(database_url, instance)
    session_id, code, staff = prepare(app, args.reflections)
    with app.app_context():
        counter = Counter(db.engine)
    cpu: dict = defaultdict(list)
    statements: dict = defaultdict(list)
    trips: dict = defaultdict(list)
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
    profiled = set(args.profile.split("+")) if args.profile else set()
    connected = []
    sizes = (0, 0)
    started = 0.0
    for i in range(args.warmup + args.joins):
        if i == args.warmup:
            cpu.clear()
            statements.clear()
            trips.clear()
            started = time.process_time()
            for sio in connected:
                sio.get_received(NAMESPACE)
        if args.events_every and i % args.events_every == args.events_every - 1:
            # the room changes while phones join: a facilitator's command (the timer) moves the seq on
            with app.test_request_context():
                assert commands.apply(session_id, staff, "timer.extend", {"minutes": 1}).ok
                db.session.remove()
        sio, screen_bytes, page_bytes = one_phone(
            app, code, cpu, statements, trips, counter, profiler if i >= args.warmup else None, profiled
        )
        sizes = (page_bytes, screen_bytes)
        if args.stay:
            connected.append(sio)
        else:
            sio.disconnect(NAMESPACE)
    time.sleep(2 * app.config["LIVE_BATCH_INTERVAL"])  # the last batches go out
    whole = time.process_time() - started
    received = sum(len(sio.get_received(NAMESPACE)) for sio in connected)
    for sio in connected:
        sio.disconnect(NAMESPACE)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(40)
        if os.environ.get("JOIN_COST_PROFILE"):  # for pstats or snakeviz
            stats.dump_stats(os.environ["JOIN_COST_PROFILE"])
        print(out.getvalue(), file=sys.stderr)
    return {
        step: {
            "cpu_ms_mean": round(1000 * statistics.fmean(cpu[step]), 2),
            "cpu_ms_median": round(1000 * statistics.median(cpu[step]), 2),
            "statements": round(statistics.fmean(statements[step]), 1),
            "round_trips": round(statistics.fmean(trips[step]), 1),
        }
        for step in STEPS
    } | {
        "page_bytes": sizes[0],
        "screen_bytes": sizes[1],
        "whole_cpu_ms_per_join": round(1000 * whole / args.joins, 2),
        "messages_to_phones_per_join": round(received / args.joins, 1) if args.stay else None,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--joins", type=int, default=200, help="phones measured (after the warm-up)")
    parser.add_argument("--warmup", type=int, default=20, help="phones joined first and not counted")
    parser.add_argument("--reflections", type=int, default=30, help="reflections in the room before the rush")
    parser.add_argument("--events-every", type=int, default=10, help="a facilitator's command every N joins (0: none)")
    parser.add_argument(
        "--database-url", help="PostgreSQL base URL (a fresh schema is made and dropped); default SQLite in a temp dir"
    )
    parser.add_argument(
        "--stay",
        action="store_true",
        help="phones stay connected (the room's messages to them counted; the test clients' own decoding of "
        "them is in the CPU figures, and batches go out in a background thread, in no step's figure)",
    )
    parser.add_argument("--profile", help="steps to profile with cProfile, joined by + (e.g. connect+resume)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="join-cost-") as tmp:
        database_url, drop = _database(args.database_url, Path(tmp))
        try:
            steps = run(args, database_url, Path(tmp))
        finally:
            drop()
    total = {
        "cpu_ms_mean": round(sum(steps[s]["cpu_ms_mean"] for s in STEPS), 2),
        "cpu_ms_median": round(sum(steps[s]["cpu_ms_median"] for s in STEPS), 2),
        "statements": round(sum(steps[s]["statements"] for s in STEPS), 1),
        "round_trips": round(sum(steps[s]["round_trips"] for s in STEPS), 1),
    }
    for step in (*STEPS, "total"):
        figures = total if step == "total" else steps[step]
        print(
            f"{step:>15}: {figures['cpu_ms_mean']:6.2f} ms CPU mean, {figures['cpu_ms_median']:6.2f} median, "
            f"{figures['statements']:5.1f} statements, {figures['round_trips']:5.1f} round trips",
            file=sys.stderr,
        )
    summary = {
        "database": "postgresql" if args.database_url else "sqlite",
        "joins": args.joins,
        "reflections": args.reflections,
        "events_every": args.events_every,
        "steps": {s: steps[s] for s in STEPS},
        "total": total,
        "page_bytes": steps["page_bytes"],
        "screen_bytes": steps["screen_bytes"],
        "whole_cpu_ms_per_join": steps["whole_cpu_ms_per_join"],
        "messages_to_phones_per_join": steps["messages_to_phones_per_join"],
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
