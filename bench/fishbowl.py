"""Benchmark of the fishbowl in a plenary: many phones ask for the empty chair at once, then the circle rotates
with auto-seat, all through the command pipeline on SQLite.

Run as `python bench/fishbowl.py [phones] [rotations] [wanting]`: of `phones` in the room, `wanting` (all by
default) ask for the chair at once; every event carries the whole queue, so a long queue costs the most.
The last line printed is a JSON object: commands per second, latency, the size of the event every screen
receives, and whether the circle stayed right (never more people than chairs, first come first seated,
nobody both seated and waiting).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from facilitation import create_app
from facilitation.extensions import db
from facilitation.live import commands, sessions
from facilitation.models import FishbowlRequest, FishbowlSeating, utcnow
from facilitation.people import accounts
from facilitation.programmes import manage as programmes

CHAIRS = 5
WORKERS = 32
LEVELS = ("execution", "management", "policy", "governance")


def as_facilitator(app, session_id: int, account_id: int, name: str, args: dict) -> dict:
    with app.app_context():
        result = commands.apply(session_id, commands.Actor(account_id=account_id), name, args)
        assert result.ok, result
        return result.data


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def main(phones: int = 300, rotations: int = 100, wanting: int | None = None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-fishbowl-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "bench",
        }
    )
    fmt = app.extensions["formats"]["fishbowl"]
    with app.app_context():
        owner = accounts.create_account("bench@example.org", "Bench", "correct horse battery", "facilitator")
        db.session.flush()
        programme = programmes.create_programme(owner, "Bench")
        db.session.flush()
        session_ = sessions.create_session(
            programme=programme, facilitator=owner, title="Plenair", fmt=fmt, levels=list(LEVELS), language="nl"
        )
        db.session.commit()
        session_id, owner_id = session_.id, owner.id
    as_facilitator(app, session_id, owner_id, "session.start", {})
    as_facilitator(app, session_id, owner_id, "phase.goto", {"index": [p.key for p in fmt.phases].index("rounds")})
    as_facilitator(app, session_id, owner_id, "fishbowl.settings", {"chairs": CHAIRS, "auto_seat": True})
    participant_ids = []
    with app.app_context():
        for i in range(phones):
            result = commands.apply(
                session_id, commands.Actor(), "participant.join", {"level": LEVELS[i % 4], "accept_rules": True}
            )
            participant_ids.append(result.data["participant_id"])

    def issue(participant_id: int, name: str) -> tuple[float, bool, int]:
        start = time.perf_counter()
        with app.app_context():
            result = commands.apply(session_id, commands.Actor(participant_id=participant_id), name, {})
            db.session.remove()
        size = len(json.dumps(result.data)) if result.ok else 0
        return time.perf_counter() - start, result.ok, size

    # everyone at once: "Ik wil in de kring"
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        requests = list(pool.map(lambda pid: issue(pid, "fishbowl.request"), participant_ids[:wanting]))
    request_seconds = time.perf_counter() - start

    with app.app_context():
        order = list(db.session.scalars(sa.select(FishbowlSeating.participant_id).order_by(FishbowlSeating.id)))
        order += list(
            db.session.scalars(
                sa.select(FishbowlRequest.participant_id).order_by(FishbowlRequest.requested_at, FishbowlRequest.id)
            )
        )

    # the circle rotates: whoever sat longest leaves, and the queue fills the chair by itself
    leaves, seated_counts, both = [], [], 0
    start = time.perf_counter()
    asking = len(requests)
    for _ in range(min(rotations, asking)):
        with app.app_context():
            first = db.session.scalar(
                sa.select(FishbowlSeating.participant_id)
                .where(FishbowlSeating.left_at.is_(None))
                .order_by(FishbowlSeating.sat_at, FishbowlSeating.id)
            )
            db.session.remove()
        if first is None:
            break
        leaves.append(issue(first, "fishbowl.leave"))
        with app.app_context():
            seated = set(
                db.session.scalars(sa.select(FishbowlSeating.participant_id).where(FishbowlSeating.left_at.is_(None)))
            )
            waiting = set(db.session.scalars(sa.select(FishbowlRequest.participant_id)))
            seated_counts.append(len(seated))
            both += len(seated & waiting)
            db.session.remove()
    rotate_seconds = time.perf_counter() - start

    with app.app_context():
        from facilitation.live import fishbowl

        seated_in_order = list(
            db.session.scalars(
                sa.select(FishbowlSeating.participant_id).order_by(FishbowlSeating.sat_at, FishbowlSeating.id)
            )
        )
        t0 = time.perf_counter()
        spoken = fishbowl.speaking_time(session_id, utcnow())
        speaking_ms = (time.perf_counter() - t0) * 1000
        db.engine.dispose()
    request_latency = [s for s, _, _ in requests]
    leave_latency = [s for s, _, _ in leaves]
    print(
        f"{asking} of {phones} phones asked for the chair in {request_seconds:.2f}s; "
        f"{len(leaves)} rotations in {rotate_seconds:.2f}s"
    )
    print(
        json.dumps(
            {
                "phones": phones,
                "asking": asking,
                "chairs": CHAIRS,
                "requests_accepted": sum(ok for _, ok, _ in requests),
                "requests_per_second": round(asking / request_seconds, 1),
                "request_latency_median_ms": round(statistics.median(request_latency) * 1000, 1),
                "request_latency_p95_ms": round(percentile(request_latency, 0.95) * 1000, 1),
                "rotations": len(leaves),
                "leave_latency_median_ms": round(statistics.median(leave_latency) * 1000, 1) if leaves else None,
                "leave_latency_p95_ms": round(percentile(leave_latency, 0.95) * 1000, 1) if leaves else None,
                "largest_event_bytes": max(size for _, _, size in requests + leaves),
                "speaking_time_ms": round(speaking_ms, 1),
                "turns_counted": spoken.turns,
                "never_more_than_chairs": max(seated_counts, default=0) <= CHAIRS,
                "chair_always_refilled": all(n == CHAIRS for n in seated_counts[: max(0, asking - CHAIRS)]),
                "first_come_first_seated": seated_in_order == order[: len(seated_in_order)],
                "nobody_seated_and_waiting": both == 0,
            }
        )
    )


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:4]))
