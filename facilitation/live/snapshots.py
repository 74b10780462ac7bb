"""Read side: the state of a session as one audience may see it, and the events it missed since a seq."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

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


def begin_single_reads() -> None:
    """Run the reads that follow each on its own, outside a transaction (PostgreSQL's autocommit), until the
    session's next rollback or commit: for a request that only reads rows that need not agree with each
    other as of one moment (a phone's page, its connect). A transaction cost two round trips more (BEGIN and
    ROLLBACK), a tenth of a phone's join in a QR-scan rush. Anything that writes starts its own transaction
    after a rollback (commands.apply() does). SQLite: unchanged (its BEGIN costs no round trip). A request
    that has read already (a logged-in account's row) keeps its transaction: ending it would expire that row,
    and read it again."""
    if db.engine.dialect.name == "postgresql" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def snapshot(session_: Session, audience: str, participant: Participant | None = None) -> dict:
    if audience != STAFF:
        if participant is None:
            raise ValueError("a phone's snapshot needs its participant")
        return phone_snapshot(session_, participant)
    state = _common(session_, None)
    state["server_now"] = utcnow().isoformat()
    state["participants"] = participant_count(session_.id)
    for section in SECTIONS:
        state.update(section(session_, audience, participant))
    state["reflections"] = participation.list_reflections(session_.id, include_hidden=True)
    return state


def _common(session_: Session, level: str | None) -> dict:
    return {
        "seq": session_.last_seq,
        "session": {
            "id": session_.id,
            "code": session_.join_code,
            "title": session_.title,
            "language": session_.language,
            "levels": session_.levels,
        },
        "format": format_view(session_, level),
        **sessions.phase_state(session_),
        "max_length": config.setting("REFLECTION_MAX_LENGTH"),
    }


# --- a phone's snapshot: what every phone of the room gets alike is made once -----------------------------
#
# In a QR-scan rush hundreds of phones ask for a snapshot within seconds, and between two of the room's events
# (a reflection, a phase, the timer) they would all get the same clusters, rounds, circle, moments and
# reflections. That part is kept per session and level (the phase prompts are per level) and reused while
# nothing but joins happened since it was read: a join changes only the number of participants and which
# levels are too small to be shown (the reflections' level tags), and both are read for every phone. Each
# phone adds its own: itself, its reflections' "mine", its dots, its proposals, its house-rules agreement.

#: sections each phone gets its own of (its dots, its proposals): phone_snapshot adds them itself
PHONE_OWN: tuple = (voting.snapshot_section, commitments.snapshot_section)
#: sections the same for every phone (they look at the participant only to know it is a phone); derived from
#: SECTIONS so that a section added there reaches the phones without a second list to remember
PHONE_ALIKE: list = [section for section in SECTIONS if section not in PHONE_OWN]
#: seconds a shared part is used at most: what changes outside this session's events (another session's
#: commitments in a follow-up, the date that makes a commitment overdue) is at most this old
PHONE_SHARED_SECONDS = 5.0


@dataclass(frozen=True)
class _Shared:
    seq: int
    small: frozenset[str]
    made: float
    state: dict
    #: the room's reflections as phones see them, with their authors' ids (None: each phone reads its own)
    reflections: list[tuple[dict, int | None]] | None
    #: confirmed commitments with their proposers' ids; who has proposals waiting (their phones read their own)
    commitments: list[tuple[dict, int | None]]
    proposers: frozenset[int]
    open_round: int | None


def phone_snapshot(session_: Session, participant: Participant) -> dict:
    """A phone's snapshot, read in the caller's consistent read (begin_consistent_read)."""
    counts = participation_counts(session_.id)
    small = disciplines.small_levels(counts["levels"])
    shared = _shared_part(session_, participant, small)
    me = participant.id
    state = {
        **shared.state,
        # as of this read: the shared part may have been read before joins that this one sees
        "seq": session_.last_seq,
        "server_now": utcnow().isoformat(),
        "participants": counts["in"],
        "me": participation.public_participant(participant),
    }
    rules = shared.state["house_rules"]
    state["house_rules"] = {**rules, "accepted_by_me": houserules.has_accepted(session_, participant)}
    if shared.reflections is None:  # the format shows each phone its own reflections only
        state["reflections"] = participation.list_reflections(
            session_.id, include_hidden=False, participant_id=me, only_own=True, small=small
        )
    else:
        state["reflections"] = [{**view, "mine": author == me} for view, author in shared.reflections]
    if shared.open_round is not None:
        dots = voting.my_dots(shared.open_round, me)
        state["voting"] = {**shared.state["voting"], "mine": {str(k): d for k, d in dots.items()}}
    if me in shared.proposers:
        state["commitments"] = commitments.session_commitments(session_.id, staff=False, participant_id=me)
    else:
        state["commitments"] = [{**view, "mine": author == me} for view, author in shared.commitments]
    return state


def participation_counts(session_id: int) -> dict:
    """In one query: who is in the session now (not removed), and how many joined at each level (removed or
    not: what decides whether a level is too small to be shown)."""
    rows = db.session.execute(
        sa.select(
            Participant.level,
            sa.func.count(Participant.id),
            sa.func.count(Participant.id).filter(Participant.removed_at.is_(None)),
        )
        .where(Participant.session_id == session_id)
        .group_by(Participant.level)
    ).all()
    return {"in": sum(row[2] for row in rows), "levels": Counter({row[0]: row[1] for row in rows})}


def _shared_part(session_: Session, participant: Participant, small: frozenset[str]) -> _Shared:
    cache = current_app.extensions.setdefault("phone_snapshots", {})
    key = (session_.id, participant.level)
    found = cache.get(key)
    now = time.monotonic()
    if (
        found is not None
        and found.small == small
        and now - found.made < PHONE_SHARED_SECONDS
        and _only_joins_since(session_, found.seq)
    ):
        return found
    shared = _make_shared(session_, participant, small, now)
    if found is None or shared.seq >= found.seq:  # a read older than the one kept does not replace it
        if len(cache) > 200:  # sessions that ended long ago leave (a copy: another thread may add one meanwhile)
            for old in [k for k, v in list(cache.items()) if now - v.made >= PHONE_SHARED_SECONDS]:
                cache.pop(old, None)
        cache[key] = shared
    return shared


def _only_joins_since(session_: Session, seq: int) -> bool:
    """Whether every event after `seq` up to what this read sees is a join (a read older than `seq`: no)."""
    if seq == session_.last_seq:
        return True
    if seq > session_.last_seq:
        return False
    other = db.session.scalar(
        sa.select(Event.seq)
        .where(
            Event.session_id == session_.id,
            Event.seq > seq,
            Event.seq <= session_.last_seq,
            Event.name != "participant.join",
        )
        .limit(1)
    )
    return other is None


def _make_shared(session_: Session, participant: Participant, small: frozenset[str], now: float) -> _Shared:
    state = _common(session_, participant.level)
    for section in PHONE_ALIKE:
        state.update(section(session_, PARTICIPANT, participant))
    rounds = voting.list_rounds(session_.id, staff=False)
    state["voting"] = {"rounds": rounds}
    section, confirmed, proposers = commitments.phone_section(session_)
    state.update(section)
    shares = formats.of(session_).share_reflections
    return _Shared(
        seq=session_.last_seq,
        small=small,
        made=now,
        state=state,
        reflections=participation.phone_reflections(session_.id, small) if shares else None,
        commitments=confirmed,
        proposers=proposers,
        open_round=next((r["id"] for r in rounds if r["status"] == voting.OPEN), None),
    )


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
