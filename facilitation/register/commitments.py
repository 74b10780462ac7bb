"""The organiser's commitments dashboard of a programme (read only): counts per level and status, what is
overdue, the bottlenecks no commitment answers yet, and its CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.live import voting
from facilitation.live.commitments import is_overdue, links, updates_of
from facilitation.models import Cluster, Commitment, CommitmentStatus, Level, ProgrammeGoal, Session
from facilitation.text.csv import csv_cell


def programme_dashboard(programme_id: int, today: date) -> dict:
    """Confirmed commitments of a programme's sessions with their bottlenecks, counts per level and status,
    which are overdue, and the bottlenecks no commitment answers yet (directly or through a later session
    they were carried into)."""
    sessions = {
        s.id: s
        for s in db.session.scalars(
            sa.select(Session).where(Session.programme_id == programme_id).order_by(Session.created_at, Session.id)
        )
    }
    made = list(
        db.session.scalars(
            sa.select(Commitment)
            .where(Commitment.session_id.in_(sessions), Commitment.pending.is_(False))
            .order_by(Commitment.due_date.is_(None), Commitment.due_date, Commitment.id)
        )
    )
    clusters = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Cluster)
            .where(Cluster.session_id.in_(sessions))
            .order_by(Cluster.session_id, Cluster.position, Cluster.id)
        )
    }
    linked = links([c.id for c in made])
    goals = dict(
        db.session.execute(
            sa.select(ProgrammeGoal.id, ProgrammeGoal.title).where(ProgrammeGoal.programme_id == programme_id)
        ).all()
    )
    rows = _rows(made, sessions, clusters, linked, today, goals)
    counts = _counts(rows)
    return {
        "rows": rows,
        "counts": counts,
        "levels": [level for level in [*Level.values(), None] if level in counts],
        "statuses": CommitmentStatus.values(),
        "overdue": [row for row in rows if row["overdue"]],
        "unanswered": _unanswered(sessions, clusters, linked),
        "total": len(rows),
    }


def _rows(
    made: list[Commitment], sessions: dict, clusters: dict, linked: dict, today: date, goals: dict[int, str]
) -> list[dict]:
    updates = updates_of([c.id for c in made])
    rows = []
    for c in made:
        last = updates[c.id][-1] if updates[c.id] else None
        rows.append(
            {
                "id": c.id,
                "what": c.what,
                "owner": c.owner or "",
                "level": c.level,
                "due_date": c.due_date,
                "status": c.status,
                "goal_id": c.goal_id,
                "goal": goals.get(c.goal_id, "") if c.goal_id else "",
                "session": sessions[c.session_id].title,
                "bottlenecks": [clusters[i].title for i in linked[c.id] if i in clusters],
                "overdue": is_overdue(c, today),
                "last_note": last.note if last else "",
                "last_update": last.created_at if last else None,
            }
        )
    return rows


def _counts(rows: list[dict]) -> dict[str | None, dict[str, int]]:
    counts: dict[str | None, dict[str, int]] = {}
    for row in rows:
        per_status = counts.setdefault(row["level"], dict.fromkeys(CommitmentStatus.values(), 0))
        per_status[row["status"]] = per_status.get(row["status"], 0) + 1
    return counts


def _unanswered(sessions: dict, clusters: dict, linked: dict) -> list[dict]:
    """The bottlenecks no commitment answers, most votes first. An answer to a carried cluster answers the
    earlier ones it came from too, and a cluster carried into a later session is counted there."""
    answered = {i for ids in linked.values() for i in ids}
    carried_into = {c.carried_from_id for c in clusters.values() if c.carried_from_id is not None}
    for cluster_id in list(answered):
        current = clusters.get(cluster_id)
        while current is not None and current.carried_from_id in clusters and current.carried_from_id not in answered:
            answered.add(current.carried_from_id)
            current = clusters[current.carried_from_id]
    dots: dict[int, int] = {}
    for session_id in sessions:
        dots.update(voting.latest_public_totals(session_id)[1])
    unanswered = [
        {
            "id": c.id,
            "title": c.title,
            "level": c.level,
            "session": sessions[c.session_id].title,
            "votes": dots.get(c.id, 0),
        }
        for c in clusters.values()
        if c.id not in answered and c.id not in carried_into
    ]
    unanswered.sort(key=lambda c: (-c["votes"], c["title"].lower()))
    return unanswered


CSV_HEADERS = [
    "id",
    "what",
    "owner",
    "level",
    "due_date",
    "status",
    "overdue",
    "session",
    "bottlenecks",
    "last_note",
    "last_update",
    "goal",
]


def dashboard_csv(dashboard: dict, delimiter: str = ";") -> bytes:
    """The dashboard's commitments as CSV; text that a spreadsheet would run as a formula is defused."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for row in dashboard["rows"]:
        writer.writerow(
            [
                csv_cell(value)
                for value in (
                    row["id"],
                    row["what"],
                    row["owner"],
                    row["level"] or "",
                    row["due_date"],
                    row["status"],
                    "yes" if row["overdue"] else "no",
                    row["session"],
                    "; ".join(row["bottlenecks"]),
                    row["last_note"],
                    row["last_update"],
                    row["goal"],
                )
            ]
        )
    return buffer.getvalue().encode("utf-8")
