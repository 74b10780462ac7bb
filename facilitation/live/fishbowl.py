"""Fishbowl mode: an inner circle of chairs with one empty chair, the queue of people who want it, the topic
the circle talks about in rounds, and speaking time per level from every seat change.

Whoever wants to speak asks for the empty chair from their phone; the facilitator seats the next person, or
the queue fills a free chair by itself (auto-seat). Every stay on a chair is a FishbowlSeating row with its
times, so `speaking_time` can say afterwards how long each level had the floor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from facilitation import formats
from facilitation import validation as v
from facilitation.extensions import db
from facilitation.live import flags
from facilitation.models import (
    Cluster,
    Fishbowl,
    FishbowlRequest,
    FishbowlRound,
    FishbowlSeating,
    Level,
    Participant,
    Session,
)
from facilitation.validation import CommandError

MIN_CHAIRS = 2
MAX_CHAIRS = 12
ACTION = "fishbowl"


# --- read side -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OccupantTime:
    """How long one person sat in the circle, over all their turns."""

    participant_id: int | None
    #: the display name they chose at joining, or None (shown by level)
    name: str | None
    level: str
    seconds: float
    turns: int


@dataclass(frozen=True)
class SpeakingTime:
    """Time in the inner circle per level and per occupant; seconds of chair time, summed over chairs."""

    #: every level, from the work floor to the board, also those that never sat
    per_level: dict[str, float]
    occupants: tuple[OccupantTime, ...]
    #: seat changes: how many times someone sat down
    turns: int

    @property
    def total(self) -> float:
        return sum(self.per_level.values())

    def share(self, level: str) -> float:
        """The part of all chair time this level had, 0..1."""
        return self.per_level.get(level, 0.0) / self.total if self.total else 0.0

    def percentages(self) -> dict[str, int]:
        """Whole percentages per level that add up to 100 (largest remainder), or all 0 without time."""
        if not self.total:
            return dict.fromkeys(self.per_level, 0)
        exact = {level: 100 * seconds / self.total for level, seconds in self.per_level.items()}
        whole = {level: int(value) for level, value in exact.items()}
        left = 100 - sum(whole.values())
        for level in sorted(exact, key=lambda k: whole[k] - exact[k])[:left]:
            whole[level] += 1
        return whole


def _seconds(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())


def speaking_time(session_id: int, now: datetime) -> SpeakingTime:
    """Chair time per level and per occupant up to `now`; a chair still taken counts until `now`.

    Reads only: screens, tests and the Word report call it with the moment they want it for.
    """
    rows = db.session.execute(
        sa.select(FishbowlSeating, Participant.display_name)
        .outerjoin(Participant, Participant.id == FishbowlSeating.participant_id)
        .where(FishbowlSeating.session_id == session_id)
        .order_by(FishbowlSeating.sat_at, FishbowlSeating.id)
    ).all()
    per_level = dict.fromkeys(Level.values(), 0.0)
    occupants: dict[tuple, list] = {}
    for seating, name in rows:
        if seating.sat_at > now:
            continue
        seconds = _seconds(seating.sat_at, min(seating.left_at, now) if seating.left_at else now)
        per_level[seating.level] = per_level.get(seating.level, 0.0) + seconds
        # a purged participant still counts, as one anonymous occupant per seating
        key = (seating.participant_id,) if seating.participant_id is not None else ("gone", seating.id)
        entry = occupants.setdefault(key, [seating.participant_id, name, seating.level, 0.0, 0])
        entry[3] += seconds
        entry[4] += 1
    return SpeakingTime(
        per_level=per_level,
        occupants=tuple(
            sorted(
                (OccupantTime(*entry) for entry in occupants.values()),
                key=lambda o: (-o.seconds, o.participant_id or 0),
            )
        ),
        turns=sum(1 for seating, _ in rows if seating.sat_at <= now),
    )


def chairs_of(session_: Session, fmt) -> tuple[int, bool]:
    """(chairs, auto_seat) of a session: its own settings, else the format's chairs and no auto-seat."""
    row = db.session.get(Fishbowl, session_.id)
    if row is None:
        return fmt.fishbowl_chairs, False
    return row.chairs, row.auto_seat


def open_seatings(session_id: int) -> list[FishbowlSeating]:
    return list(
        db.session.scalars(
            sa.select(FishbowlSeating)
            .where(FishbowlSeating.session_id == session_id, FishbowlSeating.left_at.is_(None))
            .order_by(FishbowlSeating.seat)
        )
    )


def queue(session_id: int) -> list[FishbowlRequest]:
    return list(
        db.session.scalars(
            sa.select(FishbowlRequest)
            .where(FishbowlRequest.session_id == session_id)
            .order_by(FishbowlRequest.requested_at, FishbowlRequest.id)
        )
    )


def is_seated(session_id: int, participant_id: int) -> bool:
    return _seating_of(session_id, participant_id) is not None


def current_round(session_id: int) -> FishbowlRound | None:
    return db.session.scalar(
        sa.select(FishbowlRound).where(FishbowlRound.session_id == session_id, FishbowlRound.ended_at.is_(None))
    )


def _people(ids: set[int]) -> dict[int, Participant]:
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(sa.select(Participant).where(Participant.id.in_(ids)))}


def _chair_time(session_id: int) -> tuple[dict[str, float], int, dict[int, dict]]:
    """Finished chair time per level, the number of turns, and per occupant their finished chair time and
    turns, in the order they first sat down."""
    finished = dict.fromkeys(Level.values(), 0.0)
    turns = 0
    occupants: dict[int, dict] = {}
    for participant_id, sat_at, left_at, level in db.session.execute(
        sa.select(
            FishbowlSeating.participant_id, FishbowlSeating.sat_at, FishbowlSeating.left_at, FishbowlSeating.level
        )
        .where(FishbowlSeating.session_id == session_id)
        .order_by(FishbowlSeating.sat_at, FishbowlSeating.id)
    ):
        turns += 1
        seconds = _seconds(sat_at, left_at) if left_at is not None else 0.0
        finished[level] = finished.get(level, 0.0) + seconds
        if participant_id is not None:
            entry = occupants.setdefault(
                participant_id, {"participant_id": participant_id, "level": level, "finished_seconds": 0.0, "turns": 0}
            )
            entry["finished_seconds"] = round(entry["finished_seconds"] + seconds, 1)
            entry["turns"] += 1
    return finished, turns, occupants


def _round_view(session_id: int) -> dict | None:
    round_ = current_round(session_id)
    if round_ is None:
        return None
    return {
        "number": round_.number,
        "cluster_id": round_.cluster_id,
        "topic": round_.topic,
        "personal_data": flags.kinds(round_.topic),
        "started_at": round_.started_at.isoformat(),
    }


def state_view(session_: Session, fmt) -> dict:
    """The circle as every screen shows it: chairs, who sits where since when, the queue, the topic, and the
    chair time of finished turns per level (screens add the running turns themselves)."""
    chairs, auto_seat = chairs_of(session_, fmt)
    seated = open_seatings(session_.id)
    waiting = queue(session_.id)
    people = _people({s.participant_id for s in seated if s.participant_id} | {r.participant_id for r in waiting})
    finished, turns, occupants = _chair_time(session_.id)
    people.update(_people(set(occupants) - set(people)))
    rounds = (
        db.session.scalar(sa.select(sa.func.count(FishbowlRound.id)).where(FishbowlRound.session_id == session_.id))
        or 0
    )

    def person(participant_id):
        p = people.get(participant_id)
        return {"participant_id": participant_id, "name": p.display_name if p else None}

    return {
        "chairs": chairs,
        "auto_seat": auto_seat,
        "seats": [
            {**person(s.participant_id), "seat": s.seat, "level": s.level, "sat_at": s.sat_at.isoformat()}
            for s in seated
        ],
        "queue": [
            {
                **person(r.participant_id),
                "level": people[r.participant_id].level,
                "requested_at": r.requested_at.isoformat(),
            }
            for r in waiting
        ],
        "round": _round_view(session_.id),
        "rounds": rounds,
        "turns": turns,
        "finished_seconds": {level: round(seconds, 1) for level, seconds in finished.items()},
        "occupants": [{**entry, **person(pid)} for pid, entry in occupants.items()],
    }


def snapshot_section(session_: Session, audience: str, participant) -> dict:
    fmt = formats.of(session_)
    if not any(ACTION in phase.actions for phase in fmt.phases):
        return {}
    section: dict[str, Any] = {"fishbowl": state_view(session_, fmt)}
    if participant is None:
        # the console may seat anyone, also who did not ask; join events keep this list current
        section["fishbowl_people"] = [
            {"id": p.id, "name": p.display_name, "level": p.level}
            for p in db.session.scalars(
                sa.select(Participant).where(Participant.session_id == session_.id).order_by(Participant.id)
            )
        ]
    return section


# --- helpers for the rules -------------------------------------------------------------------------------


def _require_phase(ctx) -> None:
    phase = ctx.format.phase(ctx.session.phase_index)
    if phase is None or ACTION not in phase.actions:
        raise CommandError("phase_does_not_allow", action=ACTION)


def _participant(ctx, payload: dict) -> Participant:
    participant = db.session.get(Participant, v.field(payload, "participant_id", int))
    if participant is None or participant.session_id != ctx.session.id:
        raise CommandError("not_found", what="participant")
    return participant


def _seating_of(session_id: int, participant_id: int) -> FishbowlSeating | None:
    return db.session.scalar(
        sa.select(FishbowlSeating).where(
            FishbowlSeating.session_id == session_id,
            FishbowlSeating.participant_id == participant_id,
            FishbowlSeating.left_at.is_(None),
        )
    )


def _request_of(session_id: int, participant_id: int) -> FishbowlRequest | None:
    return db.session.scalar(
        sa.select(FishbowlRequest).where(
            FishbowlRequest.session_id == session_id, FishbowlRequest.participant_id == participant_id
        )
    )


def _free_seats(ctx) -> list[int]:
    chairs, _ = chairs_of(ctx.session, ctx.format)
    taken = {s.seat for s in open_seatings(ctx.session.id)}
    return [seat for seat in range(1, chairs + 1) if seat not in taken]


def _sit(ctx, participant: Participant, seat: int) -> None:
    """Seat someone: they leave the queue, and a new turn starts now."""
    request = _request_of(ctx.session.id, participant.id)
    if request is not None:
        db.session.delete(request)
    db.session.add(
        FishbowlSeating(
            session_id=ctx.session.id, participant_id=participant.id, level=participant.level, seat=seat, sat_at=ctx.now
        )
    )
    db.session.flush()


def _auto_fill(ctx) -> list[int]:
    """With auto-seat on, the first in the queue take the free chairs; returns who was seated."""
    if not chairs_of(ctx.session, ctx.format)[1]:
        return []
    seated = []
    waiting = queue(ctx.session.id)
    for seat in _free_seats(ctx):
        if not waiting:
            break
        request = waiting.pop(0)
        _sit(ctx, db.session.get_one(Participant, request.participant_id), seat)
        seated.append(request.participant_id)
    return seated


def _stand_up(ctx, seating: FishbowlSeating) -> list[int]:
    seating.left_at = ctx.now
    db.session.flush()
    return _auto_fill(ctx)


def _result(ctx, **extra) -> dict:
    return {"fishbowl": state_view(ctx.session, ctx.format), **extra}


# --- rules for participants (called through commands.apply) ------------------------------------------------


def request_chair(ctx, payload: dict) -> dict:
    """ "Ik wil in de kring": join the queue for the empty chair (or take it at once with auto-seat)."""
    _require_phase(ctx)
    me = ctx.participant
    if _seating_of(ctx.session.id, me.id) is not None:
        raise CommandError("already_seated")
    if _request_of(ctx.session.id, me.id) is not None:
        raise CommandError("already_queued")
    db.session.add(FishbowlRequest(session_id=ctx.session.id, participant_id=me.id, requested_at=ctx.now))
    db.session.flush()
    return _result(ctx, seated=_auto_fill(ctx))


def withdraw(ctx, payload: dict) -> dict:
    """Leave the queue again before being seated."""
    _require_phase(ctx)
    request = _request_of(ctx.session.id, ctx.participant.id)
    if request is None:
        raise CommandError("not_queued")
    db.session.delete(request)
    db.session.flush()
    return _result(ctx, seated=[])


def leave(ctx, payload: dict) -> dict:
    """ "Ik verlaat de kring": stand up; with auto-seat the first in the queue takes the chair."""
    _require_phase(ctx)
    seating = _seating_of(ctx.session.id, ctx.participant.id)
    if seating is None:
        raise CommandError("not_seated")
    return _result(ctx, seated=_stand_up(ctx, seating))


# --- rules for the facilitator ---------------------------------------------------------------------------


def seat(ctx, payload: dict) -> dict:
    """Seat `participant_id` (from the queue or not) on chair `seat`, or on the first free chair."""
    _require_phase(ctx)
    participant = _participant(ctx, payload)
    chairs, _ = chairs_of(ctx.session, ctx.format)
    wanted = v.integer(payload, "seat", low=1, high=chairs, required=False)
    if _seating_of(ctx.session.id, participant.id) is not None:
        raise CommandError("already_seated")
    free = _free_seats(ctx)
    if not free:
        raise CommandError("circle_full")
    if wanted is not None and wanted not in free:
        raise CommandError("seat_taken")
    _sit(ctx, participant, wanted if wanted is not None else free[0])
    return _result(ctx, seated=[participant.id])


def unseat(ctx, payload: dict) -> dict:
    """Free the chair of `participant_id` (someone who left the room, or a phone that went quiet)."""
    _require_phase(ctx)
    participant = _participant(ctx, payload)
    seating = _seating_of(ctx.session.id, participant.id)
    if seating is None:
        raise CommandError("not_seated")
    return _result(ctx, seated=_stand_up(ctx, seating))


def change_settings(ctx, payload: dict) -> dict:
    """`chairs` in the inner circle (the empty one included) and/or `auto_seat`."""
    chairs, auto_seat = chairs_of(ctx.session, ctx.format)
    new_chairs = v.integer(payload, "chairs", low=MIN_CHAIRS, high=MAX_CHAIRS, required=False, default=chairs)
    new_auto = v.field(payload, "auto_seat", bool, required=False, default=auto_seat)
    if (new_chairs, new_auto) == (chairs, auto_seat):
        raise CommandError("no_change")
    if any(s.seat is not None and s.seat > new_chairs for s in open_seatings(ctx.session.id)):
        raise CommandError("chairs_occupied")
    row = db.session.get(Fishbowl, ctx.session.id)
    if row is None:
        row = Fishbowl(session_id=ctx.session.id)
        db.session.add(row)
    row.chairs, row.auto_seat = new_chairs, new_auto
    db.session.flush()
    phase = ctx.format.phase(ctx.session.phase_index)
    seated = _auto_fill(ctx) if phase is not None and ACTION in phase.actions else []
    return _result(ctx, seated=seated)


def set_topic(ctx, payload: dict) -> dict:
    """The circle turns to cluster `cluster_id`: a new round begins now. `cluster_id: null` ends the round."""
    _require_phase(ctx)
    if "cluster_id" not in payload:
        raise CommandError("missing_field", field="cluster_id")
    cluster = None
    if payload["cluster_id"] is not None:
        cluster = db.session.get(Cluster, v.field(payload, "cluster_id", int))
        if cluster is None or cluster.session_id != ctx.session.id:
            raise CommandError("not_found", what="cluster")
        # the topic is on the projector at once
        flags.require_confirmed(payload, "confirm_personal_data_projector", flags.kinds(cluster.title))
    current = current_round(ctx.session.id)
    # a round whose cluster was deleted since can still be ended
    if (current is None and cluster is None) or (current and cluster and current.cluster_id == cluster.id):
        raise CommandError("no_change")
    if current is not None:
        current.ended_at = ctx.now
    if cluster is not None:
        number = (
            db.session.scalar(
                sa.select(sa.func.max(FishbowlRound.number)).where(FishbowlRound.session_id == ctx.session.id)
            )
            or 0
        ) + 1
        db.session.add(
            FishbowlRound(
                session_id=ctx.session.id, number=number, cluster_id=cluster.id, topic=cluster.title, started_at=ctx.now
            )
        )
    db.session.flush()
    return _result(ctx, seated=[])


def remove_person(ctx, participant_id: int) -> dict | None:
    """Someone the facilitator removed from the session stands up and leaves the queue (auto-seat fills
    the chair). Returns the new state when anything changed."""
    seating = _seating_of(ctx.session.id, participant_id)
    request = _request_of(ctx.session.id, participant_id)
    if seating is None and request is None:
        return None
    if request is not None:
        db.session.delete(request)
        db.session.flush()
    if seating is not None:
        _stand_up(ctx, seating)
    return state_view(ctx.session, ctx.format)


def close_circle(ctx) -> dict | None:
    """When the session moves to a phase without the fishbowl, or closes: everyone stands up, the queue
    empties and the round ends, so chair time stops counting. Returns the new state when anything changed."""
    phase = ctx.format.phase(ctx.session.phase_index)
    if ctx.session.status == "live" and phase is not None and ACTION in phase.actions:
        return None
    seated = open_seatings(ctx.session.id)
    waiting = queue(ctx.session.id)
    round_ = current_round(ctx.session.id)
    if not seated and not waiting and round_ is None:
        return None
    for seating in seated:
        seating.left_at = ctx.now
    for request in waiting:
        db.session.delete(request)
    if round_ is not None:
        round_.ended_at = ctx.now
    db.session.flush()
    return state_view(ctx.session, ctx.format)
