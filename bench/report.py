"""Benchmark of the reports: a session with 1,000 reflections, 60 clusters and 100 commitments.

Run as `python bench/report.py`; it builds the session in a temporary SQLite database, times every
export (Word without and with the timeline appendix, Markdown, JSON, CSV) and the programme report,
and prints the figures; the last line printed is a JSON object. Target: the Word report under 2 s.
The tagged PDF (LibreOffice headless, a fresh profile per conversion) is timed once, session and
programme, and reported without a target: it is the Word time plus the converter's start and layout.
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

from facilitation import create_app, reports
from facilitation.demo import CASE_TEXT
from facilitation.extensions import db
from facilitation.live import sessions
from facilitation.models import (
    Cluster,
    Commitment,
    CommitmentCluster,
    CommitmentUpdate,
    Event,
    Participant,
    Programme,
    Reflection,
    Session,
    Vote,
    VotingRound,
    utcnow,
)
from facilitation.people import accounts
from facilitation.programmes import manage as programmes

SEED = 20260301
REFLECTIONS, CLUSTERS, COMMITMENTS, PARTICIPANTS = 1_000, 60, 100, 80
RUNS = 5
TARGET_SECONDS = 2.0
LEVELS = ("execution", "management", "policy", "governance")
WORDS = (
    "regie wachtlijst budget maatwerk privacy schulden school wijkteam leerplicht huisarts woning "
    "toestemming indicatie gezin plan overleg casus beleid bestuur wet loket zorg jeugd"
).split()


def build(app) -> tuple[int, int]:
    """The session, written straight into the tables (the command pipeline is not what is measured)."""
    rng = random.Random(SEED)
    fmt = app.extensions["formats"]["learning-table"]
    with app.app_context():
        owner = accounts.create_account("bench@example.org", "Bench Facilitator", "correct horse battery", "admin")
        db.session.flush()
        programme = programmes.create_programme(owner, "Leertraject benchmark")
        db.session.flush()
        case = programmes.create_case(programme, "Gezin Z.", CASE_TEXT)
        db.session.flush()
        session_ = sessions.create_session(
            programme=programme,
            facilitator=owner,
            fmt=fmt,
            title="Leertafel met 1.000 reflecties",
            levels=list(LEVELS),
            language="nl",
            case=case,
        )
        db.session.flush()
        now = utcnow()
        session_.status, session_.started_at, session_.closed_at = "closed", now - timedelta(hours=2), now
        participants = [
            Participant(session_id=session_.id, token_hash=f"{i:064x}", level=LEVELS[i % 4], display_name=None)
            for i in range(PARTICIPANTS)
        ]
        db.session.add_all(participants)
        clusters = [
            Cluster(
                session_id=session_.id,
                title=" ".join(rng.sample(WORDS, 4)).capitalize(),
                level=rng.choice([*LEVELS, None]),
                position=i,
                description="Toelichting bij dit knelpunt. " * rng.randint(0, 3),
            )
            for i in range(CLUSTERS)
        ]
        db.session.add_all(clusters)
        db.session.flush()
        writing = [p for p in fmt.phases if "write" in p.actions]
        events = []
        for i in range(REFLECTIONS):
            phase = rng.choice(writing)
            author = rng.choice(participants)
            kind = rng.choice(phase.kinds)
            reflection = Reflection(
                session_id=session_.id,
                participant_id=author.id,
                client_id=f"bench-{i:06d}",
                kind=kind,
                text=" ".join(rng.choices(WORDS, k=rng.randint(6, 30))).capitalize() + ".",
                level=author.level,
                phase_key=phase.key,
                hidden=rng.random() < 0.03,
                cluster_id=rng.choice(clusters).id if kind == "bottleneck" and rng.random() < 0.8 else None,
                created_at=now - timedelta(seconds=REFLECTIONS - i),
            )
            db.session.add(reflection)
            events.append(
                Event(
                    session_id=session_.id,
                    seq=i + 1,
                    name="reflection.post",
                    payload={"kind": kind},
                    actor=f"participant:{author.id}",
                    participant_id=author.id,
                    created_at=reflection.created_at,
                )
            )
        db.session.add_all(events)
        session_.last_seq = len(events)
        voting_round = VotingRound(session_id=session_.id, number=1, status="closed", budget=5)
        db.session.add(voting_round)
        db.session.flush()
        for participant in participants:
            for cluster in rng.sample(clusters, 3):
                db.session.add(
                    Vote(
                        session_id=session_.id,
                        round_id=voting_round.id,
                        participant_id=participant.id,
                        cluster_id=cluster.id,
                        dots=rng.randint(1, 2),
                    )
                )
        made = [
            Commitment(
                session_id=session_.id,
                what=" ".join(rng.choices(WORDS, k=rng.randint(5, 15))).capitalize(),
                owner=rng.choice(
                    [
                        "Teamleider wijkteam",
                        "Beleidsadviseur Jeugd",
                        "Gedragswetenschapper",
                        "Directeur zorgaanbieder",
                        "Wethouder",
                    ]
                ),
                level=rng.choice(LEVELS),
                due_date=date(2026, 3, 1) + timedelta(days=rng.randint(0, 200)),
                status=rng.choice(["open", "in_progress", "done"]),
            )
            for _ in range(COMMITMENTS)
        ]
        db.session.add_all(made)
        db.session.flush()
        for commitment in made:
            for cluster in rng.sample(clusters, rng.randint(1, 2)):
                db.session.add(CommitmentCluster(commitment_id=commitment.id, cluster_id=cluster.id))
            db.session.add(
                CommitmentUpdate(
                    commitment_id=commitment.id,
                    session_id=session_.id,
                    status=commitment.status,
                    note="Eerste gesprek gevoerd",
                )
            )
        db.session.commit()
        return session_.id, programme.id


def timed(action) -> tuple[float, int]:
    """Median seconds over RUNS, and the size of the result."""
    seconds, size = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        size = len(action().content)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), size


def _pdf_times(session_, programme) -> dict[str, float] | None:
    """One conversion each: LibreOffice takes seconds, and its first start in a fresh profile is the
    cost every download pays."""
    from facilitation.reports import pdf

    if not pdf.available():
        print("pdf                  LibreOffice not installed", flush=True)
        return None
    figures = {}
    for name, action in (
        ("pdf", lambda: reports.render_session(session_, "pdf")),
        ("programme_pdf", lambda: reports.render_programme(programme, "pdf")),
    ):
        start = time.perf_counter()
        size = len(action().content)
        figures[name] = round(time.perf_counter() - start, 3)
        print(f"{name:20} {figures[name]:6.3f} s  {size / 1024:8.1f} KiB", flush=True)
    return figures


def main() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "INSTANCE_PATH": folder,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            }
        )
        session_id, programme_id = build(app)
        figures: dict[str, dict] = {}
        with app.app_context():
            session_ = db.session.get(Session, session_id)
            programme = db.session.get(Programme, programme_id)
            for name, action in (
                ("docx", lambda: reports.render_session(session_, "docx")),
                ("docx_with_timeline", lambda: reports.render_session(session_, "docx", timeline=True)),
                ("md", lambda: reports.render_session(session_, "md")),
                ("json", lambda: reports.render_session(session_, "json")),
                ("csv", lambda: reports.render_session(session_, "csv")),
                ("programme_docx", lambda: reports.render_programme(programme, "docx")),
            ):
                seconds, size = timed(action)
                figures[name] = {"seconds": round(seconds, 3), "bytes": size}
                print(f"{name:20} {seconds:6.3f} s  {size / 1024:8.1f} KiB", flush=True)
            pdf_figures = _pdf_times(session_, programme)
            db.session.remove()
            db.engine.dispose()
    result = {
        "benchmark": "report",
        "reflections": REFLECTIONS,
        "clusters": CLUSTERS,
        "commitments": COMMITMENTS,
        "participants": PARTICIPANTS,
        "runs": RUNS,
        "median_seconds": {k: v["seconds"] for k, v in figures.items()},
        "bytes": {k: v["bytes"] for k, v in figures.items()},
        "target_seconds": TARGET_SECONDS,
        # None when LibreOffice is not installed
        "pdf_seconds": pdf_figures,
        "meets_target": figures["docx"]["seconds"] < TARGET_SECONDS
        and figures["docx_with_timeline"]["seconds"] < TARGET_SECONDS,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    sys.exit(0 if main()["meets_target"] else 1)
