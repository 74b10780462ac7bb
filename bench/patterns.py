"""Benchmark of the patterns page across case journeys: 1,000 journeys of 20 dated moments each, with
bottlenecks pinned to a third of their moments and linked in the register.

Run as `python bench/patterns.py`; it builds the journeys in a temporary SQLite database, then times, through
the HTTP pages as a logged-in administrator, the patterns page, its Word export (with its two charts) and its
CSV, and prints the figures; the last line printed is a JSON object. Target: page and Word export under 2 s each.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from facilitation import create_app
from facilitation.extensions import db
from facilitation.live import sessions
from facilitation.live.organisations import DEFAULT_GROUNDS, DEFAULT_ORGANISATIONS
from facilitation.models import Cluster, Moment, Reflection, RegisterEntry, RegisterLink, utcnow
from facilitation.people import accounts
from facilitation.programmes import manage as programmes
from facilitation.text.labels import LAWS

SEED = 20261203
JOURNEYS, MOMENTS, PROGRAMMES = 1_000, 20, 10
RUNS = 5
TARGET_SECONDS = 2.0
PASSWORD = "correct horse battery"
KINDS = ("intake", "application", "rejection", "other", "application", "rejection", "crisis")


def _moments(rng: random.Random, session_id: int) -> list[Moment]:
    """A signal, then 18 moments, the last one or two a crisis and a breakthrough; some dates month only."""
    day = date(2022, 1, 1) + timedelta(days=rng.randrange(900))
    kinds = ["signal", *(rng.choice(KINDS) for _ in range(MOMENTS - 2)), "breakthrough"]
    made = []
    for position, kind in enumerate(kinds):
        day += timedelta(days=rng.randrange(1, 30))
        month_only = rng.random() < 0.1
        made.append(
            Moment(
                session_id=session_id, position=position, kind=kind, title=f"Moment {position + 1}", when="",
                description="", on_date=day.replace(day=1) if month_only else day,
                date_precision="month" if month_only else "day",
                organisations=rng.sample(DEFAULT_ORGANISATIONS, rng.randint(1, 2)),
                law=rng.choice(list(LAWS)) if kind in ("application", "rejection") else None,
                ground=rng.choice(DEFAULT_GROUNDS) if kind == "rejection" else None,
            )
        )  # fmt: skip
    return made


def build(app) -> None:
    """The journeys, written straight into the tables (the command pipeline is not what is measured)."""
    rng = random.Random(SEED)
    fmt = app.extensions["formats"]["case-reconstruction"]
    with app.app_context():
        owner = accounts.create_account("bench@example.org", "Bench Facilitator", PASSWORD, "admin")
        db.session.flush()
        entries = [RegisterEntry(title=f"Knelpunt {i}", created_by=owner.id) for i in range(20)]
        db.session.add_all(entries)
        progs = [programmes.create_programme(owner, f"Leertraject {i}") for i in range(PROGRAMMES)]
        db.session.flush()
        now = utcnow()
        for n in range(JOURNEYS):
            session_ = sessions.create_session(
                programme=progs[n % PROGRAMMES], facilitator=owner, fmt=fmt, title=f"Casusreconstructie {n}",
                levels=["execution"], language="nl",
            )  # fmt: skip
            session_.status, session_.started_at, session_.closed_at = "closed", now, now
            db.session.flush()
            moments = _moments(rng, session_.id)
            db.session.add_all(moments)
            db.session.flush()
            for moment in moments[::3]:
                cluster = Cluster(session_id=session_.id, title=f"Knelpunt bij {moment.kind}")
                db.session.add(cluster)
                db.session.flush()
                db.session.add(RegisterLink(entry_id=rng.choice(entries).id, cluster_id=cluster.id))
                db.session.add(
                    Reflection(session_id=session_.id, client_id=f"{session_.id}-{moment.id}", kind="bottleneck",
                               text="Het liep hier vast", phase_key="pin", cluster_id=cluster.id, moment_id=moment.id)
                )  # fmt: skip
        db.session.commit()


def timed(client, url: str) -> tuple[float, int]:
    """Median seconds over RUNS, and the size of the response."""
    seconds, size = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.data)
    return statistics.median(seconds), size


def main() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "INSTANCE_PATH": folder,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
            }
        )
        start = time.perf_counter()
        build(app)
        print(f"{'build':20} {time.perf_counter() - start:6.3f} s", flush=True)
        client = app.test_client()
        assert client.post("/login", data={"email": "bench@example.org", "password": PASSWORD}).status_code == 302
        figures: dict[str, dict] = {}
        for name, url in (
            ("page", "/patterns"),
            ("page_filtered", "/patterns?organisation=wijkteam&from=2023-01-01&within=7"),
            ("docx", "/patterns/export.docx?lang=nl"),
            ("csv", "/patterns/export.csv?lang=nl"),
        ):
            seconds, size = timed(client, url)
            figures[name] = {"seconds": round(seconds, 3), "bytes": size}
            print(f"{name:20} {seconds:6.3f} s  {size / 1024:8.1f} KiB", flush=True)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    result = {
        "benchmark": "patterns",
        "journeys": JOURNEYS,
        "moments_per_journey": MOMENTS,
        "runs": RUNS,
        "median_seconds": {k: v["seconds"] for k, v in figures.items()},
        "bytes": {k: v["bytes"] for k, v in figures.items()},
        "target_seconds": TARGET_SECONDS,
        "meets_target": figures["page"]["seconds"] < TARGET_SECONDS and figures["docx"]["seconds"] < TARGET_SECONDS,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
