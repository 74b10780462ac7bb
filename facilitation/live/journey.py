"""De maatwerkreis: the case's journey as a timeline of moments (first signal, intakes, applications and
rejections, crisis, breakthrough) that the facilitator lays out, and the reflections pinned to the moments
where things broke down or went well."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.live import flags
from facilitation.models import Moment, Reflection, Session
from facilitation.text.labels import MOMENT_KINDS
from facilitation.validation import CommandError

TITLE_MAX = 120
WHEN_MAX = 40
DESCRIPTION_MAX = 1000
MAX_MOMENTS = 60


def moment_view(moment: Moment) -> dict:
    return {
        "id": moment.id,
        "kind": moment.kind,
        "title": moment.title,
        "when": moment.when or "",
        "description": moment.description or "",
        "position": moment.position,
        "personal_data": flags.kinds(moment.title, moment.when, moment.description),
    }


def session_moments(session_id: int) -> list[Moment]:
    return list(
        db.session.scalars(
            sa.select(Moment).where(Moment.session_id == session_id).order_by(Moment.position, Moment.id)
        )
    )


def list_moments(session_id: int) -> list[dict]:
    return [moment_view(m) for m in session_moments(session_id)]


def moment_of(ctx, moment_id: object, name: str = "moment_id") -> Moment:
    if not isinstance(moment_id, int) or isinstance(moment_id, bool):
        raise CommandError("wrong_type", field=name)
    moment = db.session.get(Moment, moment_id)
    if moment is None or moment.session_id != ctx.session.id:
        raise CommandError("not_found", what="moment")
    return moment


def _renumber(moments: list[Moment]) -> list[int]:
    for index, moment in enumerate(moments):
        moment.position = index
    return [m.id for m in moments]


def snapshot_section(session_: Session, audience: str, participant) -> dict:
    # the journey is part of the case everyone discusses: phones pin their reflections to its moments
    return {"moments": list_moments(session_.id)}


# --- rules (called through commands.apply) ---------------------------------------------------------------


def _fields(payload: dict, *, required: bool) -> dict:
    values = {
        "kind": v.choice(payload, "kind", MOMENT_KINDS, required=required),
        "title": v.text(payload, "title", max_length=TITLE_MAX, required=required),
        "when": v.text(payload, "when", max_length=WHEN_MAX, required=False, allow_empty=True),
        "description": v.text(payload, "description", max_length=DESCRIPTION_MAX, required=False, allow_empty=True),
    }
    return {key: value for key, value in values.items() if value is not None}


def add(ctx, payload: dict) -> dict:
    """A moment on the timeline, at `position` (0 is first) or at the end."""
    values = _fields(payload, required=True)
    moments = session_moments(ctx.session.id)
    if len(moments) >= MAX_MOMENTS:
        raise CommandError("too_long", field="moments", limit=MAX_MOMENTS)
    position = v.integer(payload, "position", low=0, high=len(moments), required=False, default=len(moments))
    moment = Moment(session_id=ctx.session.id, created_at=ctx.now, **{"when": "", "description": "", **values})
    db.session.add(moment)
    db.session.flush()
    moments.insert(position, moment)
    order = _renumber(moments)
    return {"moment": moment_view(moment), "order": order}


def edit(ctx, payload: dict) -> dict:
    moment = moment_of(ctx, v.field(payload, "id", int), "id")
    values = _fields(payload, required=False)
    if all(getattr(moment, key) == value for key, value in values.items()):
        raise CommandError("no_change")
    for key, value in values.items():
        setattr(moment, key, value)
    return {"moment": moment_view(moment)}


def move(ctx, payload: dict) -> dict:
    """Put a moment at another place in the journey."""
    moment = moment_of(ctx, v.field(payload, "id", int), "id")
    moments = session_moments(ctx.session.id)
    position = v.integer(payload, "position", low=0, high=len(moments) - 1)
    if moments.index(moment) == position:
        raise CommandError("no_change")
    moments.remove(moment)
    moments.insert(position, moment)
    return {"order": _renumber(moments)}


def delete(ctx, payload: dict) -> dict:
    """Remove a moment; reflections pinned to it stay, unpinned."""
    moment = moment_of(ctx, v.field(payload, "id", int), "id")
    pinned = list(db.session.scalars(sa.select(Reflection).where(Reflection.moment_id == moment.id)))
    for reflection in pinned:
        reflection.moment_id = None
    db.session.delete(moment)
    db.session.flush()
    order = _renumber(session_moments(ctx.session.id))
    return {"id": moment.id, "order": order, "unpinned": [r.id for r in pinned]}
