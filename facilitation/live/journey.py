"""De maatwerkreis: the case's journey as a timeline of moments (first signal, intakes, applications and
rejections, crisis, breakthrough) that the facilitator lays out, and the reflections pinned to the moments
where things broke down or went well."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.live import flags
from facilitation.live import journey_measures as jm
from facilitation.live import organisations as lists
from facilitation.models import Moment, Reflection, Session
from facilitation.text.labels import LAWS, MOMENT_KINDS
from facilitation.validation import CommandError

TITLE_MAX = 120
WHEN_MAX = 40
DESCRIPTION_MAX = 1000
MAX_MOMENTS = 60
MAX_ORGANISATIONS = 10
#: the kinds that name a law or scheme; only a rejection has a ground and answers an application
WITH_LAW = ("application", "rejection")


def moment_view(moment: Moment) -> dict:
    return {
        "id": moment.id,
        "kind": moment.kind,
        "title": moment.title,
        "when": moment.when or "",
        "description": moment.description or "",
        "position": moment.position,
        "date": jm.date_value(moment.on_date, moment.date_precision),
        "organisations": list(moment.organisations or []),
        "law": moment.law,
        "ground": moment.ground,
        "answers": moment.answers_id,
        "personal_data": flags.kinds(moment.title, moment.when, moment.description),
    }


def fact(moment: Moment) -> jm.Fact:
    return jm.Fact(
        id=moment.id,
        kind=moment.kind,
        day=moment.on_date,
        precision=moment.date_precision,
        organisations=tuple(moment.organisations or ()),
        law=moment.law,
        ground=moment.ground,
        answers=moment.answers_id,
    )


def measures_of(moments: list[Moment]) -> dict:
    return jm.measure([fact(m) for m in moments]).as_dict()


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
    moments = session_moments(session_.id)
    return {"moments": [moment_view(m) for m in moments], "journey_measures": measures_of(moments)}


# --- rules (called through commands.apply) ---------------------------------------------------------------


def _fields(payload: dict, *, required: bool) -> dict:
    values: dict[str, object] = {
        "kind": v.choice(payload, "kind", MOMENT_KINDS, required=required),
        "title": v.text(payload, "title", max_length=TITLE_MAX, required=required),
        "when": v.text(payload, "when", max_length=WHEN_MAX, required=False, allow_empty=True),
        "description": v.text(payload, "description", max_length=DESCRIPTION_MAX, required=False, allow_empty=True),
        "law": _optional_choice(payload, "law", LAWS),
        "ground": _optional_choice(payload, "ground", lists.grounds()),
        "answers_id": _optional_id(payload, "answers"),
    }
    sent = {"law": "law", "ground": "ground", "answers_id": "answers"}
    # text fields left out stay as they are; the choices count when sent, null or "" clearing them
    values = {key: value for key, value in values.items() if value is not None or sent.get(key, "") in payload}
    values.update(_date(payload))
    if "organisations" in payload:
        values["organisations"] = _organisations(payload["organisations"])
    return values


def _optional_choice(payload: dict, name: str, options) -> str | None:
    """A choice that may be cleared with "" or null."""
    if payload.get(name) in ("", None):
        return None
    return v.choice(payload, name, options)


def _optional_id(payload: dict, name: str) -> int | None:
    if payload.get(name) in ("", None):
        return None
    return v.field(payload, name, int)


def _date(payload: dict) -> dict:
    """on_date and date_precision from "2024-03-05" or "2024-03" (month only); "" or null clears the date."""
    if "date" not in payload:
        return {}
    text = v.field(payload, "date", str, required=False) or ""
    if not text.strip():
        return {"on_date": None, "date_precision": None}
    try:
        parsed = jm.parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None or not 1900 <= parsed[0].year <= 2200:
        raise CommandError("moment_date")
    return {"on_date": parsed[0], "date_precision": parsed[1]}


def _organisations(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CommandError("wrong_type", field="organisations")
    known = set(lists.organisations())
    chosen = list(dict.fromkeys(value))
    if any(item not in known for item in chosen):
        raise CommandError("invalid_choice", field="organisations")
    if len(chosen) > MAX_ORGANISATIONS:
        raise CommandError("too_long", field="organisations", limit=MAX_ORGANISATIONS)
    return chosen


def _consistent(ctx, moment: Moment, values: dict, payload: dict) -> dict:
    """What a kind does not have is refused when sent, and cleared when the kind changes away from it."""
    kind = values.get("kind", moment.kind)
    if kind not in WITH_LAW:
        if payload.get("law") not in ("", None):
            raise CommandError("law_not_for_kind")
        values["law"] = None
    if kind != "rejection":
        if payload.get("ground") not in ("", None) or payload.get("answers") not in ("", None):
            raise CommandError("ground_not_for_kind")
        values["ground"] = None
        values["answers_id"] = None
    answers = values.get("answers_id", moment.answers_id)
    if answers is not None:
        target = db.session.get(Moment, answers)
        if target is None or target.session_id != ctx.session.id or target.kind != "application" or target is moment:
            raise CommandError("not_an_application")
    return values


def add(ctx, payload: dict) -> dict:
    """A moment on the timeline, at `position` (0 is first) or at the end."""
    moments = session_moments(ctx.session.id)
    if len(moments) >= MAX_MOMENTS:
        raise CommandError("too_long", field="moments", limit=MAX_MOMENTS)
    position = v.integer(payload, "position", low=0, high=len(moments), required=False, default=len(moments))
    moment = Moment(session_id=ctx.session.id, created_at=ctx.now, when="", description="", organisations=[])
    values = _consistent(ctx, moment, _fields(payload, required=True), payload)
    for key, value in values.items():
        setattr(moment, key, value)
    db.session.add(moment)
    db.session.flush()
    moments.insert(position, moment)
    order = _renumber(moments)
    return {"moment": moment_view(moment), "order": order, "measures": measures_of(moments)}


def edit(ctx, payload: dict) -> dict:
    moment = moment_of(ctx, v.field(payload, "id", int), "id")
    values = _consistent(ctx, moment, _fields(payload, required=False), payload)
    if all(getattr(moment, key) == value for key, value in values.items()):
        raise CommandError("no_change")
    for key, value in values.items():
        setattr(moment, key, value)
    answering = []
    if moment.kind != "application":
        # no longer an application: the rejections that answered it keep their ground, not the link
        answering = list(db.session.scalars(sa.select(Moment).where(Moment.answers_id == moment.id)))
        for rejection in answering:
            rejection.answers_id = None
    db.session.flush()
    return {
        "moment": moment_view(moment),
        "unanswered": [r.id for r in answering],
        "measures": measures_of(session_moments(ctx.session.id)),
    }


def move(ctx, payload: dict) -> dict:
    """Put a moment at another place in the journey."""
    moment = moment_of(ctx, v.field(payload, "id", int), "id")
    moments = session_moments(ctx.session.id)
    position = v.integer(payload, "position", low=0, high=len(moments) - 1)
    if moments.index(moment) == position:
        raise CommandError("no_change")
    moments.remove(moment)
    moments.insert(position, moment)
    return {"order": _renumber(moments), "measures": measures_of(moments)}


def delete(ctx, payload: dict) -> dict:
    """Remove a moment; reflections pinned to it stay, unpinned."""
    moment = moment_of(ctx, v.field(payload, "id", int), "id")
    pinned = list(db.session.scalars(sa.select(Reflection).where(Reflection.moment_id == moment.id)))
    for reflection in pinned:
        reflection.moment_id = None
    # rejections that answered a deleted application keep their ground, no longer the application
    answering = list(db.session.scalars(sa.select(Moment).where(Moment.answers_id == moment.id)))
    for rejection in answering:
        rejection.answers_id = None
    db.session.delete(moment)
    db.session.flush()
    moments = session_moments(ctx.session.id)
    order = _renumber(moments)
    return {
        "id": moment.id,
        "order": order,
        "unpinned": [r.id for r in pinned],
        "unanswered": [r.id for r in answering],
        "measures": measures_of(moments),
    }
