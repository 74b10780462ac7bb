"""Who may be in the room: the facilitator closes the door (no new phones join; those in stay) and removes a
participant who disrupts. A removed participant's reflections stay, marked on the console as from a
removed participant; their phone is disconnected and its cookie no longer works in this session."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.live import fishbowl
from facilitation.models import Participant, Reflection, Session
from facilitation.validation import CommandError

STAFF = "staff"


def count_in(session_id: int) -> int:
    """Participants in the session now: everyone who joined and was not removed."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Participant.id)).where(
                Participant.session_id == session_id, Participant.removed_at.is_(None)
            )
        )
        or 0
    )


def removed_reflections(session_id: int) -> list[int]:
    """Ids of the reflections written by participants who were removed later."""
    return list(
        db.session.scalars(
            sa.select(Reflection.id)
            .join(Participant, Participant.id == Reflection.participant_id)
            .where(Reflection.session_id == session_id, Participant.removed_at.is_not(None))
            .order_by(Reflection.id)
        )
    )


def snapshot_section(session_: Session, audience: str, participant) -> dict:
    if audience != STAFF:
        return {}
    removed = db.session.scalar(
        sa.select(sa.func.count(Participant.id)).where(
            Participant.session_id == session_.id, Participant.removed_at.is_not(None)
        )
    )
    return {
        "door": {"open": not session_.joins_closed, "removed": removed},
        "removed_reflections": removed_reflections(session_.id),
    }


def close_door(ctx, payload: dict) -> dict:
    """Command `session.close_door`: from now on no phone joins; who is in stays in."""
    if ctx.session.joins_closed:
        raise CommandError("no_change")
    ctx.session.joins_closed = True
    ctx.audience = STAFF
    return {"open": False}


def open_door(ctx, payload: dict) -> dict:
    """Command `session.open_door`: phones may join again."""
    if not ctx.session.joins_closed:
        raise CommandError("no_change")
    ctx.session.joins_closed = False
    ctx.audience = STAFF
    return {"open": True}


def require_open(session_: Session) -> None:
    """Joining checks this first."""
    if session_.joins_closed:
        raise CommandError("door_closed")


def _whom(ctx, payload: dict) -> Participant:
    """The participant named by `participant_id`, or the writer of `reflection_id` (what the console knows)."""
    if payload.get("reflection_id") is not None:
        reflection = db.session.get(Reflection, v.field(payload, "reflection_id", int))
        if reflection is None or reflection.session_id != ctx.session.id or reflection.participant_id is None:
            raise CommandError("not_found", what="reflection")
        participant_id = reflection.participant_id
    else:
        participant_id = v.field(payload, "participant_id", int)
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.session_id != ctx.session.id or participant.proxy:
        raise CommandError("not_found", what="participant")
    if participant.removed_at is not None:
        raise CommandError("no_change")
    return participant


def remove_participant(ctx, payload: dict) -> dict:
    """Command `participant.remove` {participant_id | reflection_id}: the phone is out of the session for
    good. What it wrote stays (marked on the console); it leaves the fishbowl's chair or queue."""
    participant = _whom(ctx, payload)
    participant.removed_at = ctx.now
    circle = fishbowl.remove_person(ctx, participant.id)
    db.session.flush()
    reflections = list(
        db.session.scalars(
            sa.select(Reflection.id)
            .where(Reflection.session_id == ctx.session.id, Reflection.participant_id == participant.id)
            .order_by(Reflection.id)
        )
    )
    # to every screen: phones update the count (and the fishbowl), the removed phone learns it is out
    data = {"participant_id": participant.id, "count": count_in(ctx.session.id), "reflections": reflections}
    if circle is not None:
        data["fishbowl"] = circle
    return data
