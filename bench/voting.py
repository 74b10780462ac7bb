"""Benchmark of dot voting in a plenary: many phones vote at once through the command pipeline on SQLite.

Run as `python bench/voting.py [phones]`; every phone tries to spend more dots than it has. The last line printed
is a JSON object: votes per second, latency, and whether every phone stayed within its budget (it must).
"""

from __future__ import annotations

import json
import random
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
from facilitation.models import Vote
from facilitation.people import accounts
from facilitation.programmes import manage as programmes

BUDGET = 3
CLUSTERS = 8
ATTEMPTS = 6  # per phone: twice the budget, in random order
WORKERS = 32
SEED = 7


def as_facilitator(app, session_id: int, account_id: int, name: str, args: dict) -> dict:
    with app.app_context():
        result = commands.apply(session_id, commands.Actor(account_id=account_id), name, args)
        assert result.ok, result
        return result.data


def main(phones: int = 300) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-voting-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "bench",
        }
    )
    fmt = app.extensions["formats"]["learning-table"]
    with app.app_context():
        owner = accounts.create_account("bench@example.org", "Bench", "correct horse battery", "facilitator")
        db.session.flush()
        programme = programmes.create_programme(owner, "Bench")
        db.session.flush()
        session_ = sessions.create_session(
            programme=programme,
            facilitator=owner,
            title="Plenair",
            fmt=fmt,
            levels=["execution", "policy"],
            language="nl",
        )
        db.session.commit()
        session_id, owner_id = session_.id, owner.id
    as_facilitator(app, session_id, owner_id, "session.start", {})
    as_facilitator(app, session_id, owner_id, "phase.goto", {"index": [p.key for p in fmt.phases].index("vote")})
    clusters = [
        as_facilitator(app, session_id, owner_id, "cluster.create", {"title": f"Knelpunt {i}"})["cluster"]["id"]
        for i in range(CLUSTERS)
    ]
    round_id = as_facilitator(app, session_id, owner_id, "vote.open", {"budget": BUDGET})["round"]["id"]
    participant_ids = []
    with app.app_context():
        for _ in range(phones):
            result = commands.apply(
                session_id, commands.Actor(), "participant.join", {"level": "execution", "accept_rules": True}
            )  # "Agree and join"
            participant_ids.append(result.data["participant_id"])

    rng = random.Random(SEED)
    attempts = [(pid, rng.choice(clusters), rng.choice([1, 1, 2])) for pid in participant_ids for _ in range(ATTEMPTS)]
    rng.shuffle(attempts)  # phones interleave, and one phone's votes race each other

    def vote(attempt: tuple[int, int, int]) -> tuple[float, bool]:
        participant_id, cluster_id, dots = attempt
        start = time.perf_counter()
        with app.app_context():
            result = commands.apply(
                session_id,
                commands.Actor(participant_id=participant_id),
                "vote.set",
                {"round_id": round_id, "cluster_id": cluster_id, "dots": dots},
            )
            db.session.remove()
        return time.perf_counter() - start, result.ok

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(vote, attempts))
    elapsed = time.perf_counter() - start

    with app.app_context():
        spent = db.session.execute(
            sa.select(Vote.participant_id, sa.func.sum(Vote.dots)).group_by(Vote.participant_id)
        ).all()
        db.engine.dispose()
    latencies = sorted(seconds for seconds, _ in outcomes)
    print(f"{len(attempts)} vote commands from {phones} phones in {elapsed:.2f}s")
    print(
        json.dumps(
            {
                "phones": phones,
                "vote_commands": len(attempts),
                "accepted": sum(ok for _, ok in outcomes),
                "seconds": round(elapsed, 3),
                "commands_per_second": round(len(attempts) / elapsed, 1),
                "latency_median_ms": round(statistics.median(latencies) * 1000, 1),
                "latency_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
                "max_dots_spent": max((int(total) for _, total in spent), default=0),
                "within_budget": all(int(total) <= BUDGET for _, total in spent),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
