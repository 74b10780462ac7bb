"""Taking part: joining anonymously, and the reflections people post and facilitators moderate."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from facilitation import config
from facilitation import validation as v
from facilitation.extensions import db
from facilitation.live import disciplines, door, hybrid, journey
from facilitation.models import Event, Level, Participant, Reflection, ReflectionKind
from facilitation.privacy.detect import personal_data_kinds
from facilitation.validation import CommandError

NAME_MAX = 40
#: events whose payload holds a reflection's text (the reflection's id in `id`)
REFLECTION_TEXT_EVENTS = frozenset(
    {
        "reflection.post",
        "reflection.edit",
        "reflection.edit_own",
        "reflection.unhide",
        "reflection.set_room_only",
        "reflection.pin",
    }
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


#: longer than any token join() makes: not looked up
TOKEN_MAX = 100


def find_participant(session_id: int, token: str | None) -> Participant | None:
    if not token or len(token) > TOKEN_MAX:
        return None
    return db.session.scalar(
        sa.select(Participant).where(Participant.session_id == session_id, Participant.token_hash == token_hash(token))
    )


def public_participant(participant: Participant) -> dict:
    return {"id": participant.id, "level": participant.level, "name": participant.display_name}


def join(ctx, payload: dict) -> dict:
    """Anyone with the code joins: no account, no personal data; a display name only if they want one.

    The token returned is the phone's only proof of identity; only its hash is stored.
    """
    door.require_open(ctx.session)
    level = v.choice(payload, "level", Level.values())
    name = v.text(payload, "name", max_length=NAME_MAX, required=False, allow_empty=True) or None
    # optional, and never shown per person: only as counts of groups large enough (facilitation.live.disciplines)
    discipline = v.choice(payload, "discipline", disciplines.configured(), required=False) or None
    # "Agree and join", pressed under the house rules on the join page
    accepted = v.field(payload, "accept_rules", bool, required=False, default=False)
    token = secrets.token_urlsafe(24)
    participant = Participant(
        session_id=ctx.session.id,
        token_hash=token_hash(token),
        display_name=name,
        level=level,
        joined_at=ctx.now,
        discipline=discipline,
        rules_accepted_at=ctx.now if accepted else None,
    )
    db.session.add(participant)
    db.session.flush()
    ctx.private["token"] = token
    ctx.private["participant_id"] = participant.id
    count = door.count_in(ctx.session.id)
    return {"participant": public_participant(participant), "count": count, "rules_accepted": accepted}


def shown_level(reflection: Reflection, author: Participant | None, small: frozenset[str]) -> str | None:
    """The level a reflection is tagged with, unless it is its author's own level and fewer than the threshold
    joined at it: then the tag would say who wrote it (a reflection about another level says nothing of that)."""
    if author is not None and reflection.level == author.level and reflection.level in small:
        return None
    return reflection.level


def reflection_view(reflection: Reflection, author: Participant | None, small: frozenset[str] | None = None) -> dict:
    """What screens show of a reflection; the author's name only if they chose to show it, the level only when
    it does not single out its author (`small`: the session's small levels, looked up when not given)."""
    if small is None:
        small = disciplines.session_small_levels(reflection.session_id)
    return {
        "id": reflection.id,
        "client_id": reflection.client_id,
        "kind": reflection.kind,
        "text": reflection.text,
        "level": shown_level(reflection, author, small),
        "phase": reflection.phase_key,
        "author": author.display_name if (author and reflection.show_name and author.display_name) else None,
        "by_facilitator": reflection.participant_id is None or bool(author and author.proxy),
        "hidden": reflection.hidden,
        "room_only": reflection.room_only,
        "moment_id": reflection.moment_id,
        "personal_data": reflection.personal_data or [],
        "cluster_id": reflection.cluster_id,
        "created_at": reflection.created_at.isoformat(),
    }


def post_reflection(ctx, payload: dict) -> dict:
    """A participant (or the facilitator, for someone without a phone) adds a reflection of an allowed kind."""
    phase = ctx.format.phase(ctx.session.phase_index)
    if phase is None or "write" not in phase.actions:
        raise CommandError("phase_does_not_allow", action="write")
    if not ctx.client_id:
        raise CommandError("missing_field", field="client_id")
    kind = v.choice(payload, "kind", ReflectionKind.values())
    if kind not in phase.kinds:
        raise CommandError("kind_not_allowed")
    text = v.text(payload, "text", max_length=config.setting("REFLECTION_MAX_LENGTH"))
    level = v.choice(payload, "level", Level.values(), required=False)
    show_name = v.field(payload, "show_name", bool, required=False, default=False)
    # pinned to a moment of the case's journey (case reconstruction)
    moment_id = payload.get("moment_id")
    if moment_id is not None:
        moment_id = journey.moment_of(ctx, moment_id).id
    author = ctx.participant
    if "for" in payload and payload["for"] is not None:
        # the facilitator writes down what someone without a phone says
        if ctx.participant is not None:
            raise CommandError("forbidden")
        author = hybrid.proxy_of(ctx, payload["for"])
    # said for the room only: on the screens, never in a report or export
    room_only = v.field(payload, "room_only", bool, required=False, default=False)
    reflection = Reflection(
        session_id=ctx.session.id,
        participant_id=author.id if author else None,
        client_id=ctx.client_id,
        kind=kind,
        text=text,
        level=level or (author.level if author else None),
        phase_key=phase.key,
        show_name=bool(show_name and author and author.display_name and not author.proxy),
        created_at=ctx.now,
        # the phone warned before sending, but a client can be bypassed: the server checks again
        personal_data=personal_data_kinds(text),
        room_only=room_only,
        moment_id=moment_id,
    )
    db.session.add(reflection)
    db.session.flush()
    # participants see each other's reflections only when the format says so
    ctx.audience = "all" if ctx.format.share_reflections else "staff"
    return reflection_view(reflection, author)


def _reflection_of(ctx, payload: dict) -> Reflection:
    reflection_id = v.field(payload, "id", int)
    reflection = db.session.get(Reflection, reflection_id)
    if reflection is None or reflection.session_id != ctx.session.id:
        raise CommandError("not_found", what="reflection")
    return reflection


def hide_reflection(ctx, payload: dict) -> dict:
    """Moderation: gone from every screen and report at once, kept in the record as hidden."""
    reflection = _reflection_of(ctx, payload)
    if reflection.hidden:
        raise CommandError("no_change")
    reflection.hidden = True
    return {"id": reflection.id}


def _changed_for(ctx, reflection: Reflection) -> None:
    """Who gets the event of a changed reflection: every phone when they share reflections, else its author;
    nobody but staff while it is hidden (its new text would otherwise reach the phones it was hidden from)."""
    if reflection.hidden:
        ctx.audience = "staff"
        return
    ctx.audience = "all" if ctx.format.share_reflections else "staff"
    ctx.also_to = reflection.participant_id


def edit_reflection(ctx, payload: dict) -> dict:
    """Moderation: the facilitator rewrites a reflection, e.g. to remove personal data it contained."""
    reflection = _reflection_of(ctx, payload)
    text = v.text(payload, "text", max_length=config.setting("REFLECTION_MAX_LENGTH"))
    if text == reflection.text:
        raise CommandError("no_change")
    reflection.text = text
    reflection.personal_data = personal_data_kinds(text)
    _changed_for(ctx, reflection)
    return reflection_view(
        reflection, db.session.get(Participant, reflection.participant_id) if reflection.participant_id else None
    )


def set_room_only(ctx, payload: dict) -> dict:
    """The facilitator marks a reflection as said for the room only (left out of every report), or back."""
    reflection = _reflection_of(ctx, payload)
    room_only = v.field(payload, "room_only", bool)
    if room_only == reflection.room_only:
        raise CommandError("no_change")
    reflection.room_only = room_only
    _changed_for(ctx, reflection)
    return reflection_view(
        reflection, db.session.get(Participant, reflection.participant_id) if reflection.participant_id else None
    )


def unhide_reflection(ctx, payload: dict) -> dict:
    reflection = _reflection_of(ctx, payload)
    if not reflection.hidden:
        raise CommandError("no_change")
    reflection.hidden = False
    ctx.audience = "all" if ctx.format.share_reflections else "staff"
    ctx.also_to = reflection.participant_id
    return reflection_view(
        reflection, db.session.get(Participant, reflection.participant_id) if reflection.participant_id else None
    )


# A participant corrects or withdraws what they wrote (reflection.edit_own, reflection.withdraw), as long as
# nobody has built on it yet. The command table lets them only in a phase that accepts reflections ("write");
# here: only their own (someone else's is "not found", which says nothing of who wrote it), only while visible
# (a hidden one is the facilitator's to handle; the phone no longer shows it), and only while it is loose. Once
# the facilitator has put it in a cluster the group works with it: the cluster's title and the votes on it
# were given to this wording, so changing or pulling it would change what others chose behind their backs.
def _own_loose_reflection(ctx, payload: dict) -> Reflection:
    reflection = _reflection_of(ctx, payload)
    if reflection.participant_id is None or reflection.participant_id != ctx.participant.id or reflection.hidden:
        raise CommandError("not_found", what="reflection")
    if reflection.cluster_id is not None:
        raise CommandError("reflection_in_cluster")
    return reflection


#: staff moderation of a reflection's words: after it, its author may withdraw it but not reword it (the
#: facilitator may have taken personal data out, or kept it off the reports; a correction would undo that)
STAFF_MODERATION = ("reflection.edit", "reflection.set_room_only")


def _events_of(session_id: int, reflection_id: int, names) -> sa.Select:
    """The session's events of these names about one reflection, found in SQL by the id in their payload (a
    JSON path on SQLite and PostgreSQL alike) rather than by reading every event of the session under the
    session's lock."""
    return sa.select(Event).where(
        Event.session_id == session_id,
        Event.name.in_(names),
        # compared as text: a cast to a number would fail on PostgreSQL for another event whose id is no number
        sa.cast(Event.payload["id"].as_string(), sa.Text) == str(reflection_id),
    )


def _moderated_by_staff(session_id: int, reflection_id: int) -> bool:
    found = _events_of(session_id, reflection_id, STAFF_MODERATION).with_only_columns(Event.id).limit(1)
    return db.session.scalar(found) is not None


def _rewrite_history(session_id: int, reflection_id: int, changes: dict, names=REFLECTION_TEXT_EVENTS) -> None:
    """The earlier events of a reflection its author changed or withdrew carry its present text (an empty one
    once withdrawn), so no replay, on a phone or a staff screen, shows what the author took back. The log still
    records that something was posted and changed, and when; only the words are the author's to take back.
    `names`: the events to rewrite (a correction leaves the facilitator's moderation alone)."""
    for event in db.session.scalars(_events_of(session_id, reflection_id, names)):
        payload = event.payload
        if isinstance(payload, dict) and "text" in payload:
            # a new dict: SQLAlchemy notices an assignment, not a change inside the JSON
            event.payload = {**payload, **changes}


#: the events a correction rewrites: those that hold the author's words (their post and corrections, and a
#: pin or unhide that carried them), never the facilitator's rewording, which would then credit the
#: facilitator with the author's text (the refusal in edit_own_reflection keeps it from coming to that)
AUTHOR_TEXT_EVENTS = REFLECTION_TEXT_EVENTS - frozenset(STAFF_MODERATION)


def edit_own_reflection(ctx, payload: dict) -> dict:
    """Its author corrects a reflection from their phone; the server checks the new text for personal data.
    Not once the facilitator has reworded it or marked it for the room only (withdrawing it stays possible)."""
    reflection = _own_loose_reflection(ctx, payload)
    if _moderated_by_staff(ctx.session.id, reflection.id):
        raise CommandError("reflection_moderated")
    text = v.text(payload, "text", max_length=config.setting("REFLECTION_MAX_LENGTH"))
    if text == reflection.text:
        raise CommandError("no_change")
    reflection.text = text
    reflection.personal_data = personal_data_kinds(text)
    changes = {"text": text, "personal_data": reflection.personal_data}
    _rewrite_history(ctx.session.id, reflection.id, changes, AUTHOR_TEXT_EVENTS)
    _changed_for(ctx, reflection)
    # the same view as any change, with no mark of who changed it: nobody is singled out for correcting
    return reflection_view(reflection, ctx.participant)


def withdraw_reflection(ctx, payload: dict) -> dict:
    """Its author takes a reflection back: the row goes (out of every screen, report and export) and its
    text goes from the event log, whoever's event held it; the event says only which card to take off the
    screens."""
    reflection = _own_loose_reflection(ctx, payload)
    reflection_id = reflection.id
    _rewrite_history(ctx.session.id, reflection_id, {"text": "", "personal_data": []})
    db.session.delete(reflection)
    db.session.flush()
    # the author's phone gets it too when phones do not share reflections
    ctx.audience = "all" if ctx.format.share_reflections else "staff"
    ctx.also_to = ctx.participant.id
    return {"id": reflection_id}


def withdrawn_event(event: Event, kept: set[int]) -> bool:
    """Whether an event belongs to a reflection its author withdrew (`kept`: the ids of the session's
    reflections that are still there): its withdrawal, its post, and anything done to it."""
    if event.name == "reflection.withdraw":
        return True
    payload = event.payload if isinstance(event.payload, dict) else {}
    return event.name.startswith("reflection.") and payload.get("id") not in kept


def reportable_reflections(session_id: int) -> sa.Select:
    """The reflections a report or export may hold, oldest first: hidden ones and those said "for the room
    only" never leave the room."""
    return (
        sa.select(Reflection)
        .where(Reflection.session_id == session_id, Reflection.hidden.is_(False), Reflection.room_only.is_(False))
        .order_by(Reflection.created_at, Reflection.id)
    )


def list_reflections(
    session_id: int,
    *,
    include_hidden: bool,
    participant_id: int | None = None,
    only_own: bool = False,
    small: frozenset[str] | None = None,
) -> list[dict]:
    query = (
        sa.select(Reflection, Participant)
        .outerjoin(Participant, Participant.id == Reflection.participant_id)
        .where(Reflection.session_id == session_id)
        .order_by(Reflection.id)
    )
    if not include_hidden:
        query = query.where(Reflection.hidden.is_(False))
    if only_own:
        query = query.where(Reflection.participant_id == participant_id)
    rows = []
    small = disciplines.session_small_levels(session_id) if small is None else small
    for reflection, author in db.session.execute(query):
        view = reflection_view(reflection, author, small)
        if participant_id is not None:
            view["mine"] = reflection.participant_id == participant_id
        rows.append(view)
    return rows


def phone_reflections(session_id: int, small: frozenset[str]) -> list[tuple[dict, int | None]]:
    """The reflections every phone of a session that shares them sees (none hidden), each with its author's
    id, so each phone can mark its own (`mine`) without reading them again."""
    query = (
        sa.select(Reflection, Participant)
        .outerjoin(Participant, Participant.id == Reflection.participant_id)
        .where(Reflection.session_id == session_id, Reflection.hidden.is_(False))
        .order_by(Reflection.id)
    )
    return [
        (reflection_view(reflection, author, small), reflection.participant_id)
        for reflection, author in db.session.execute(query)
    ]


def pin(ctx, payload: dict) -> dict:
    """Pin a reflection to a moment of the journey (`moment_id`, or null to unpin). A phone pins its own
    reflections only; the facilitator any."""
    reflection = db.session.get(Reflection, v.field(payload, "id", int))
    if reflection is None or reflection.session_id != ctx.session.id or reflection.hidden:
        raise CommandError("not_found", what="reflection")
    if ctx.participant is not None and reflection.participant_id != ctx.participant.id:
        raise CommandError("not_found", what="reflection")
    moment_id = payload.get("moment_id")
    if moment_id is not None:
        moment_id = journey.moment_of(ctx, moment_id).id
    if moment_id == reflection.moment_id:
        raise CommandError("no_change")
    reflection.moment_id = moment_id
    ctx.audience = "all" if ctx.format.share_reflections else "staff"
    ctx.also_to = reflection.participant_id
    author = db.session.get(Participant, reflection.participant_id) if reflection.participant_id else None
    return reflection_view(reflection, author)
