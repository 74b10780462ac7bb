"""Silent writing without unmasking anyone: a phase of a format may keep the projector's wall covered
(`covered = true` in sessions/*.toml), so the room sees only how many reflections of each kind came in, until
the facilitator reveals the wall. A reveal is the `wall.reveal` event itself: the event log is the record of
which phases were revealed, so there is no column to keep in step with it."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import Event, Session
from facilitation.validation import CommandError

REVEAL = "wall.reveal"


def revealed_phases(session_id: int) -> list[str]:
    """Keys of the phases whose wall the facilitator revealed, in order."""
    payloads = db.session.scalars(
        sa.select(Event.payload).where(Event.session_id == session_id, Event.name == REVEAL).order_by(Event.seq)
    )
    return [p["phase"] for p in payloads if p and "phase" in p]


def reveal(ctx, payload: dict) -> dict:
    """Uncover the wall of the current phase; refused when it is not covered or already revealed."""
    phase = ctx.format.phase(ctx.session.phase_index)
    if phase is None or not phase.covered:
        raise CommandError("not_covered")
    if phase.key in revealed_phases(ctx.session.id):
        raise CommandError("no_change")
    ctx.audience = "staff"
    return {"phase": phase.key}


def snapshot_section(session_: Session, audience: str, participant) -> dict:
    """Staff screens: which phases were revealed (phones show their own reflections either way)."""
    if audience != "staff":
        return {}
    return {"revealed": revealed_phases(session_.id)}
