"""Read side: the state of a session as one audience may see it, and the events it missed since a seq."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation import config, formats
from facilitation.extensions import db
from facilitation.live import (
    carry,
    clustering,
    commitments,
    covering,
    disciplines,
    door,
    fishbowl,
    houserules,
    hybrid,
    journey,
    participation,
    sessions,
    voting,
)
from facilitation.models import Event, Participant, Reflection, Session, utcnow

#: past this many missed events a fresh snapshot is cheaper than replaying them
MAX_REPLAY = 500

STAFF = "staff"  # console and projector
PARTICIPANT = "participant"

#: each feature's part of a snapshot: f(session, audience, participant) -> dict of top-level keys
SECTIONS: list = [
    clustering.snapshot_section,
    voting.snapshot_section,
    fishbowl.snapshot_section,
    commitments.snapshot_section,
    carry.snapshot_section,
    houserules.snapshot_section,
    disciplines.snapshot_section,
    hybrid.snapshot_section,
    journey.snapshot_section,
    door.snapshot_section,
    covering.snapshot_section,
]


def format_view(session_: Session, level: str | None) -> dict:
    fmt = formats.of(session_)
    lang = session_.language
    return {
        "key": fmt.key,
        "mode": fmt.mode,
        "title": fmt.title.get(lang),
        "share_reflections": fmt.share_reflections,
        "vote_budget": fmt.vote_budget,
        "phases": [
            {
                "key": p.key,
                "title": p.title.get(lang),
                "duration": p.duration,
                "actions": sorted(p.actions),
                "kinds": list(p.kinds),
                "workspace": p.workspace,
                "projector": p.projector,
                "start_timer": p.start_timer,
                "open_vote": p.open_vote,
                # the facilitator's script; phones do not need it
                "guide": p.guide.get(lang) if p.guide and level is None else "",
                "covered": p.covered,
                "default_kind": p.default_kind,
                # staff screens get every level's prompt, a phone only its own
                "prompts": ({lvl: p.prompt(lvl, lang) for lvl in session_.levels} | {"default": p.prompt(None, lang)})
                if level is None
                else {"mine": p.prompt(level, lang)},
            }
            for p in fmt.phases
        ],
    }


def participant_count(session_id: int) -> int:
    return door.count_in(session_id)


def begin_consistent_read() -> None:
    """Start a read transaction that sees the database as of one moment, so a snapshot's seq and its contents
    agree (otherwise a vote committed between reading the seq and reading the totals is in the totals, and
    its event adds it a second time). PostgreSQL: REPEATABLE READ; SQLite: an explicit BEGIN, which in WAL
    mode reads one version of the file. Ends with the session's next rollback or commit."""
    db.session.rollback()
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    elif dialect == "sqlite":
        db.session.connection().exec_driver_sql("BEGIN")


def snapshot(session_: Session, audience: str, participant: Participant | None = None) -> dict:
    fmt = formats.of(session_)
    state = {
        "seq": session_.last_seq,
        "server_now": utcnow().isoformat(),
        "session": {
            "id": session_.id,
            "code": session_.join_code,
            "title": session_.title,
            "language": session_.language,
            "levels": session_.levels,
        },
        "format": format_view(session_, participant.level if participant else None),
        **sessions.phase_state(session_),
        "participants": participant_count(session_.id),
        "max_length": config.setting("REFLECTION_MAX_LENGTH"),
    }
    for section in SECTIONS:
        state.update(section(session_, audience, participant))
    if audience == STAFF:
        state["reflections"] = participation.list_reflections(session_.id, include_hidden=True)
    else:
        if participant is None:
            raise ValueError("a phone's snapshot needs its participant")
        state["me"] = participation.public_participant(participant)
        state["reflections"] = participation.list_reflections(
            session_.id, include_hidden=False, participant_id=participant.id, only_own=not fmt.share_reflections
        )
    return state


def events_since(
    session_: Session, seq: int, audience: str, participant: Participant | None = None
) -> list[Event] | None:
    """The events after `seq` this audience may see, or None when a snapshot should be sent instead."""
    if seq < 0 or seq > session_.last_seq or session_.last_seq - seq > MAX_REPLAY:
        return None
    query = sa.select(Event).where(Event.session_id == session_.id, Event.seq > seq).order_by(Event.seq)
    if audience == STAFF:
        return _without_gone_text(list(db.session.scalars(query)), staff=True)
    if participant is None:
        raise ValueError("a phone's events need its participant")
    query = query.where(sa.or_(Event.audience == "all", Event.participant_id == participant.id))
    return _without_gone_text(list(db.session.scalars(query)), staff=False)


#: events whose payload holds a reflection's text (the reflection's id in `id`)
REFLECTION_TEXT = participation.REFLECTION_TEXT_EVENTS


def _without_gone_text(events: list[Event], *, staff: bool) -> list[Event]:
    """A phone that resumes from before a reflection was posted and hidden gets its hide, never its text: the
    post and later changes of a reflection that is hidden now are left out of the replay (the phone's
    resume covers their seqs all the same). A reflection its author withdrew is left out for every screen:
    only the withdrawal, which takes the card off, is replayed."""
    ids = {e.payload.get("id") for e in events if e.name in REFLECTION_TEXT and isinstance(e.payload, dict)}
    ids.discard(None)
    if not ids:
        return events
    hidden_now = dict(
        db.session.execute(sa.select(Reflection.id, Reflection.hidden).where(Reflection.id.in_(ids))).all()
    )
    gone = {i for i in ids if i not in hidden_now or (hidden_now[i] and not staff)}
    return [e for e in events if not (e.name in REFLECTION_TEXT and e.payload.get("id") in gone)]
