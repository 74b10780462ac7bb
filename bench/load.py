"""Load benchmark: many phones in one live session, against the production server and against a bare relay.

    python bench/load.py --participants 1000 --rate 20 --duration 60            # one gevent worker
    python bench/load.py --participants 1000 --rate 20 --duration 60 --workers 2 # PostgreSQL + Redis

Starts `python app.py serve` (or `serve --workers 2`) on free loopback ports, sets up a session in a phase
where participants write, and drives it from separate client processes (multiprocessing, each with many
python-socketio AsyncClients): every participant joins through the real HTTP join page and connects over
WebSocket; a projector and a console log in and connect. The participants then post reflections at --rate
per second for --duration seconds. Per reflection it measures the acknowledgement time at the poster and the
fan-out time to the projector and the console (and to the phones, which in a format that shares reflections
get them in batches); it counts lost and duplicated deliveries, and samples the server's CPU and memory
(with psutil). Then it drives the same load against bench/relay.py, a bare Socket.IO relay on the same
stack without pages, database or rules, and reports the ratio. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NAMESPACE = "/live"
SECRET = "bench-secret-key"
EMAIL, PASSWORD = "bench@example.org", "bench password 123"
DRAIN_SECONDS = 5.0
LETTERS = "abcdefghijklmnopqrstuvwxyz"


# --- the moment a reflection was sent travels in its text, as letters (digits could look like personal data)


def stamp(t: float) -> str:
    n, out = int(t * 1e6), []
    while n:
        n, r = divmod(n, 26)
        out.append(LETTERS[r])
    return "".join(reversed(out))


def unstamp(text: str) -> float | None:
    match = re.search(r"\bt([a-z]+)$", text or "")
    if not match:
        return None
    n = 0
    for ch in match.group(1):
        n = n * 26 + LETTERS.index(ch)
    return n / 1e6


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


# --- setting up: database, server -------------------------------------------------------------------------


def free_port_run(count: int) -> int:
    for _ in range(500):
        port = random.randint(20000, 60000)
        sockets = []
        try:
            for candidate in range(port, port + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", candidate))
            return port
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no free ports")


def postgres_schema(base: str) -> tuple[str, callable]:
    """A fresh schema for this run; returns its URL and a function that drops it."""
    import sqlalchemy as sa

    base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"

    def drop():
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    return f"{base}{separator}options=-csearch_path%3D{schema}", drop


def prepare_session(database_url: str, instance: Path, fmt: str) -> tuple[str, str]:
    """An account and a started session in its first phase where participants write; returns the join code."""
    from facilitation import create_app
    from facilitation.extensions import db
    from facilitation.live import commands, sessions
    from facilitation.people import accounts
    from facilitation.programmes import manage as programmes

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        owner = accounts.create_account(EMAIL, "Bench", PASSWORD, "facilitator")
        db.session.flush()
        programme = programmes.create_programme(owner, "Bench")
        db.session.flush()
        format_ = app.extensions["formats"][fmt]
        session_ = sessions.create_session(
            programme=programme,
            facilitator=owner,
            title="Bench",
            fmt=format_,
            levels=["execution", "management"],
            language="nl",
        )
        db.session.commit()
        session_id, code, owner_id = session_.id, session_.join_code, owner.id
        write_phase = next(i for i, p in enumerate(format_.phases) if "write" in p.actions)
        kind = format_.phases[write_phase].kinds[0]
    with app.test_request_context():
        actor = commands.Actor(account_id=owner_id)
        assert commands.apply(session_id, actor, "session.start", {}).ok
        if write_phase:
            assert commands.apply(session_id, actor, "phase.goto", {"index": write_phase}).ok
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return code, kind


def start_server(kind: str, port: int, workers: int, env: dict, instance: Path, share: bool):
    if kind == "app":
        command = [sys.executable, str(ROOT / "app.py"), "--instance", str(instance), "serve", "--port", str(port)]
        if workers > 1:
            command += ["--workers", str(workers)]
        probe = "/join"
    else:
        command = [sys.executable, str(ROOT / "bench" / "relay.py"), str(port)] + (["share"] if share else [])
        probe = "/socket.io/?EIO=4&transport=polling"
        workers = 1
    log = open(instance / f"{kind}.log", "wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    bases = [f"http://127.0.0.1:{port + i}" for i in range(workers)]
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + 120
    for base in bases:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{kind} server stopped: {(instance / f'{kind}.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(base + probe, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{kind} server did not start")
            time.sleep(0.3)
    return process, bases


class Monitor(threading.Thread):
    """Samples the server processes (a parent and its workers) for memory, and their CPU time over the load."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.peak_rss = 0
        self.stopped = threading.Event()
        self.cpu_start = self.cpu_end = 0.0
        self.window = (0.0, 0.0)

    def processes(self):
        import psutil

        found = [self.root]
        try:
            found += self.root.children(recursive=True)
        except psutil.Error:
            pass
        return found

    def cpu(self) -> float:
        total = 0.0
        for process in self.processes():
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except Exception:
                pass
        return total

    def run(self):
        while not self.stopped.wait(0.25):
            rss = 0
            for process in self.processes():
                try:
                    rss += process.memory_info().rss
                except Exception:
                    pass
            self.peak_rss = max(self.peak_rss, rss)

    def start_load(self):
        self.cpu_start, self.window = self.cpu(), (time.monotonic(), 0.0)

    def end_load(self):
        self.cpu_end, self.window = self.cpu(), (self.window[0], time.monotonic())


# --- the client processes --------------------------------------------------------------------------------


def _cookies_of(response, into: dict) -> None:
    for name, morsel in response.cookies.items():
        into[name] = morsel.value


def _cookie_header(cookies: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


async def _http_join(http, base: str, code: str, level: str) -> str:
    cookies: dict = {}
    async with http.get(f"{base}/j/{code}") as response:
        html = await response.text()
        _cookies_of(response, cookies)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    async with http.post(
        f"{base}/j/{code}",
        data={"level": level, "accept_rules": "1", "csrf_token": token},
        headers={"Cookie": _cookie_header(cookies)},
        allow_redirects=False,
    ) as response:
        _cookies_of(response, cookies)
        if response.status != 302 or f"p_{code}" not in cookies:
            raise RuntimeError(f"join refused: HTTP {response.status}")
    return _cookie_header(cookies)


async def _http_login(http, base: str) -> str:
    cookies: dict = {}
    async with http.get(f"{base}/login") as response:
        html = await response.text()
        _cookies_of(response, cookies)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    async with http.post(
        f"{base}/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token},
        headers={"Cookie": _cookie_header(cookies)},
        allow_redirects=False,
    ) as response:
        _cookies_of(response, cookies)
        if response.status != 302:
            raise RuntimeError(f"login refused: HTTP {response.status}")
    return _cookie_header(cookies)


class Receiver:
    """What one screen received: seqs of reflections (with how often) and the fan-out latency of each."""

    def __init__(self, keep_all: bool):
        self.seen: Counter = Counter()
        self.latencies: list[float] = []
        self.arrival: dict[int, float] = {}
        self.keep_all = keep_all

    def take(self, envelopes):
        now = time.time()
        for envelope in envelopes:
            if envelope.get("name") != "reflection.post":
                continue
            seq = envelope["seq"]
            self.seen[seq] += 1
            if self.seen[seq] == 1:
                sent = unstamp((envelope.get("data") or {}).get("text", ""))
                if sent is not None:
                    self.latencies.append((now - sent) * 1000)
                if self.keep_all:
                    self.arrival[seq] = now


async def _connect(base: str, code: str, audience: str, cookie: str | None, receiver: Receiver):
    import socketio

    sio = socketio.AsyncClient(reconnection=False)
    sio.on("event", lambda envelope: receiver.take([envelope]), namespace=NAMESPACE)
    sio.on("batch", lambda batch: receiver.take(batch.get("events", [])), namespace=NAMESPACE)
    await sio.connect(
        base,
        namespaces=[NAMESPACE],
        transports=["websocket"],
        wait_timeout=60,
        headers={"Cookie": cookie} if cookie else {},
        auth={"code": code, "audience": audience},
    )
    return sio


async def _phones(index, bases, code, kind, count, first_number, relay, rate, go, out):
    import aiohttp

    connector = aiohttp.TCPConnector(limit=0)
    http = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
    receivers = [Receiver(False) for _ in range(count)]
    clients: list = [None] * count
    errors: Counter = Counter()
    gate = asyncio.Semaphore(8)  # joins at once per process: a storm would only delay pings

    async def one(i):
        number = first_number + i
        base = bases[number % len(bases)]  # as nginx would spread phones over the workers
        async with gate:
            try:
                cookie = None if relay else await _http_join(http, base, code, "execution")
                clients[i] = await _connect(base, code, "participant", cookie, receivers[i])
            except Exception as exc:
                errors[f"connect: {type(exc).__name__}: {exc}"[:120]] += 1

    started = time.time()
    await asyncio.gather(*(one(i) for i in range(count)))
    connected = [i for i in range(count) if clients[i] is not None]
    out.put(("ready", index, len(connected), time.time() - started, dict(errors)))
    start_at, duration = await asyncio.get_running_loop().run_in_executor(None, go.get)

    posts: list[tuple] = []
    tasks = []

    async def post(i):
        sent = time.time()
        try:
            ack = await clients[i].call(
                "command",
                {
                    "name": "reflection.post",
                    "client_id": uuid.uuid4().hex,
                    "args": {"kind": kind, "text": f"Bench knelpunt t{stamp(sent)}"},
                },
                namespace=NAMESPACE,
                timeout=15,
            )
            posts.append(
                (
                    ack.get("seq") if ack.get("ok") else None,
                    (time.time() - sent) * 1000,
                    None if ack.get("ok") else ack.get("error"),
                )
            )
        except Exception as exc:
            posts.append((None, (time.time() - sent) * 1000, type(exc).__name__))

    total = round(rate * duration)
    if connected and total:
        offset = random.random() / rate
        for k in range(total):
            delay = start_at + offset + k / rate - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(random.choice(connected))))
        await asyncio.gather(*tasks)
    await asyncio.sleep(max(0.0, start_at + duration + DRAIN_SECONDS - time.time()))

    seen: Counter = Counter()
    duplicates = 0
    latencies: list[float] = []
    for i in connected:
        seen.update(receivers[i].seen.keys())
        duplicates += sum(n - 1 for n in receivers[i].seen.values())
        latencies += receivers[i].latencies
    if len(latencies) > 30000:
        latencies = random.sample(latencies, 30000)
    out.put(
        (
            "done",
            index,
            {
                "posts": posts,
                "seen": dict(seen),
                "duplicates": duplicates,
                "latencies": latencies,
                "phones": len(connected),
            },
        )
    )
    for i in connected:
        await clients[i].disconnect()
    await http.close()


def phone_process(*args):
    asyncio.run(_phones(*args))


async def _staff(bases, code, relay, go, out):
    import aiohttp

    http = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
    screens = {}
    for audience, base in (("projector", bases[-1]), ("console", bases[0])):
        cookie = None if relay else await _http_login(http, base)
        receiver = Receiver(True)
        screens[audience] = (receiver, await _connect(base, code, audience, cookie, receiver))
    out.put(("ready", "staff", 2, 0.0, {}))
    start_at, duration = await asyncio.get_running_loop().run_in_executor(None, go.get)
    await asyncio.sleep(max(0.0, start_at + duration + DRAIN_SECONDS - time.time()))
    out.put(
        (
            "done",
            "staff",
            {
                audience: {"seen": dict(receiver.seen), "latencies": receiver.latencies}
                for audience, (receiver, _) in screens.items()
            },
        )
    )
    for _, sio in screens.values():
        await sio.disconnect()
    await http.close()


def staff_process(*args):
    asyncio.run(_staff(*args))


# --- one run ---------------------------------------------------------------------------------------------


def drive(kind: str, args, database_url: str | None, redis_url: str | None, instance: Path, share: bool) -> dict:
    port = free_port_run(max(1, args.workers))
    env = dict(
        os.environ,
        SECRET_KEY=SECRET,
        FACILITATION_SESSION_COOKIE_SECURE="false",
        FACILITATION_REMEMBER_COOKIE_SECURE="false",
        FACILITATION_SOCKETIO_CHANNEL=f"bench-{uuid.uuid4().hex}",
        # every simulated phone joins from this one machine's address, far faster than a room would
        FACILITATION_JOIN_RATE_LIMIT="",
    )
    code, reflection_kind = "BENCH1", "question"
    if kind == "app":
        env["DATABASE_URL"] = database_url
        if redis_url:
            env["REDIS_URL"] = redis_url
        code, reflection_kind = prepare_session(database_url, instance, args.format)
    process, bases = start_server(kind, port, args.workers if kind == "app" else 1, env, instance, share)
    monitor = Monitor(process.pid)
    monitor.start()
    context = mp.get_context("spawn")
    out = context.Queue()
    processes_n = max(1, min(args.processes, args.participants))
    sizes = [
        args.participants // processes_n + (1 if i < args.participants % processes_n else 0) for i in range(processes_n)
    ]
    gos = [context.Queue() for _ in range(processes_n + 1)]
    children = [context.Process(target=staff_process, args=(bases, code, kind == "relay", gos[-1], out))]
    first = 0
    for i, size in enumerate(sizes):
        children.append(
            context.Process(
                target=phone_process,
                args=(
                    i,
                    bases,
                    code,
                    reflection_kind,
                    size,
                    first,
                    kind == "relay",
                    args.rate / processes_n,
                    gos[i],
                    out,
                ),
            )
        )
        first += size
    print(f"[{kind}] {args.participants} participants joining on {', '.join(bases)} ...", file=sys.stderr, flush=True)
    try:
        for child in children:
            child.start()
        connected, join_errors, join_seconds = 0, Counter(), 0.0
        for _ in children:
            _, who, n, seconds, errors = out.get(timeout=900)
            if who != "staff":
                connected += n
                join_seconds = max(join_seconds, seconds)
            join_errors.update(errors)
        rss_idle = monitor.peak_rss
        print(
            f"[{kind}] {connected} phones connected in {join_seconds:.1f} s; posting {args.rate}/s for "
            f"{args.duration} s",
            file=sys.stderr,
            flush=True,
        )
        start_at = time.time() + 1.0
        monitor.start_load()
        for go in gos:
            go.put((start_at, args.duration))
        results = {}
        for _ in children:
            _, who, data = out.get(timeout=args.duration + 600)
            results[who] = data
        monitor.end_load()
        for child in children:
            child.join(timeout=60)
    finally:
        monitor.stopped.set()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        for child in children:
            if child.is_alive():
                child.kill()

    posts = [p for i in range(processes_n) for p in results[i]["posts"]]
    ok_seqs = [seq for seq, _, error in posts if seq is not None]
    failed = [error for seq, _, error in posts if seq is None]
    acks = [ms for seq, ms, _ in posts if seq is not None]
    staff = results["staff"]
    fanout, lost_staff, dup_staff = [], 0, 0
    for audience in ("projector", "console"):
        seen = staff[audience]["seen"]
        fanout += staff[audience]["latencies"]
        lost_staff += sum(1 for seq in ok_seqs if seq not in seen)
        dup_staff += sum(n - 1 for n in seen.values())
    phones = sum(results[i]["phones"] for i in range(processes_n))
    phone_seen: Counter = Counter()
    for i in range(processes_n):
        phone_seen.update(results[i]["seen"])
    phone_latencies = [ms for i in range(processes_n) for ms in results[i]["latencies"]]
    # phones see every reflection when the format shares them; else only their own (not counted here)
    lost_phones = sum(phones - phone_seen.get(seq, 0) for seq in ok_seqs) if share else 0
    dup_phones = sum(results[i]["duplicates"] for i in range(processes_n))
    start, end = monitor.window
    return {
        "participants": args.participants,
        "connected": phones,
        "join_seconds": round(join_seconds, 1),
        "join_errors": dict(join_errors),
        "reflections": len(posts),
        "acknowledged": len(ok_seqs),
        "failed_posts": dict(Counter(failed)),
        "lost": len(failed) + lost_staff + lost_phones,
        "lost_staff": lost_staff,
        "lost_phones": lost_phones,
        "duplicates": dup_staff + dup_phones,
        "ack_p50_ms": _r(percentile(acks, 50)),
        "ack_p95_ms": _r(percentile(acks, 95)),
        "ack_p99_ms": _r(percentile(acks, 99)),
        "fanout_p50_ms": _r(percentile(fanout, 50)),
        "fanout_p95_ms": _r(percentile(fanout, 95)),
        "fanout_p99_ms": _r(percentile(fanout, 99)),
        "phone_fanout_p50_ms": _r(percentile(phone_latencies, 50)),
        "phone_fanout_p95_ms": _r(percentile(phone_latencies, 95)),
        "server_peak_rss_mb": round(monitor.peak_rss / 2**20, 1),
        "server_idle_rss_mb": round(rss_idle / 2**20, 1),
        "server_cpu_percent": round(100 * (monitor.cpu_end - monitor.cpu_start) / max(0.001, end - start), 1),
    }


def _r(value):
    return None if value is None else round(value, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20.0, help="reflections per second, over all participants")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of posting")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server worker processes; 2 or more run on PostgreSQL with Redis as message queue",
    )
    parser.add_argument(
        "--database-url",
        help="default: SQLite in a temporary folder (one worker), else a "
        "fresh schema on postgresql+psycopg://postgres@127.0.0.1:5432/test",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="message queue with several workers (default: REDIS_URL or the local Redis)",
    )
    parser.add_argument(
        "--format",
        default="fishbowl",
        help="session format: fishbowl shares reflections with every phone (default), "
        "learning-table sends them to staff screens only",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=max(2, (os.cpu_count() or 2)),
        help="client processes for the phones (default: one per core, at least 2)",
    )
    parser.add_argument("--no-relay", action="store_true", help="skip the run against the bare relay")
    args = parser.parse_args()

    from facilitation.formats import load_formats

    share = load_formats(ROOT / "sessions")[args.format].share_reflections
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        instance = Path(tmp)
        drop = None
        database_url = args.database_url
        if database_url is None and args.workers > 1:
            database_url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        if database_url is None:
            database_url = f"sqlite:///{instance / 'bench.sqlite'}"
        elif database_url.startswith("postgres") and "search_path" not in database_url:
            database_url, drop = postgres_schema(database_url)
        try:
            app = drive("app", args, database_url, args.redis_url if args.workers > 1 else None, instance, share)
        finally:
            if drop:
                drop()
        relay = None if args.no_relay else drive("relay", args, None, None, instance, share)

    mode = (
        f"{args.workers} workers, PostgreSQL + Redis"
        if args.workers > 1
        else f"1 worker, {'PostgreSQL' if database_url.startswith('postgres') else 'SQLite'}"
    )
    summary = {
        **app,
        "rate": args.rate,
        "duration": args.duration,
        "workers": args.workers,
        "mode": mode,
        "format": args.format,
    }
    if relay:
        summary.update(
            {
                "relay_ack_p95_ms": relay["ack_p95_ms"],
                "relay_fanout_p50_ms": relay["fanout_p50_ms"],
                "relay_fanout_p95_ms": relay["fanout_p95_ms"],
                "relay_fanout_p99_ms": relay["fanout_p99_ms"],
                "relay_phone_fanout_p95_ms": relay["phone_fanout_p95_ms"],
                "relay_lost": relay["lost"],
                "relay_server_peak_rss_mb": relay["server_peak_rss_mb"],
                "relay_server_cpu_percent": relay["server_cpu_percent"],
                "ratio_vs_relay": (
                    round(app["fanout_p95_ms"] / relay["fanout_p95_ms"], 2)
                    if app["fanout_p95_ms"] and relay["fanout_p95_ms"]
                    else None
                ),
            }
        )
    targets = {
        "lost": summary["lost"] == 0,
        "duplicates": summary["duplicates"] == 0,
        "ack_p95": (summary["ack_p95_ms"] or 1e9) <= 150,
        "fanout_p95": (summary["fanout_p95_ms"] or 1e9) <= 150,
        "p99": max(summary["ack_p99_ms"] or 1e9, summary["fanout_p99_ms"] or 1e9) <= 300,
        "rss": summary["server_peak_rss_mb"] <= 400,
    }
    if relay:
        targets["vs_relay"] = (summary["ratio_vs_relay"] or 1e9) <= 1.5
    summary["targets_met"] = targets
    for key, value in summary.items():
        print(f"{key:>26}: {value}", file=sys.stderr)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
