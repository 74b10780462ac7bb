"""Actieafspraken: participants propose commitments from their phone, the facilitator confirms, edits, merges
or rejects them (or records them directly); each answers one or more bottleneck clusters. Their status is
updated with a dated note, in their own session or in a later follow-up session of the same programme."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from facilitation import formats
from facilitation import validation as v
from facilitation.extensions import db
from facilitation.live import flags
from facilitation.models import (
    Cluster,
    Commitment,
    CommitmentCluster,
    CommitmentStatus,
    CommitmentUpdate,
    Level,
    ProgrammeGoal,
    Session,
)
from facilitation.programmes import goals
from facilitation.text import dates
from facilitation.validation import CommandError

WHAT_MAX = 500
OWNER_MAX = 200
NOTE_MAX = 500
ACTIVE = (CommitmentStatus.OPEN.value, CommitmentStatus.IN_PROGRESS.value)


def is_overdue(commitment: Commitment, today: date) -> bool:
    """Past its due date and still open or in progress."""
    return bool(commitment.due_date and commitment.due_date < today and commitment.status in ACTIVE)


# --- read side ---------------------------------------------------------------------------------------


def links(commitment_ids: list[int]) -> dict[int, list[int]]:
    """The cluster ids each commitment answers, in cluster order."""
    found: dict[int, list[int]] = {cid: [] for cid in commitment_ids}
    if commitment_ids:
        for commitment_id, cluster_id in db.session.execute(
            sa.select(CommitmentCluster.commitment_id, CommitmentCluster.cluster_id)
            .where(CommitmentCluster.commitment_id.in_(commitment_ids))
            .order_by(CommitmentCluster.cluster_id)
        ):
            found[commitment_id].append(cluster_id)
    return found


def updates_of(commitment_ids: list[int]) -> dict[int, list[CommitmentUpdate]]:
    found: dict[int, list[CommitmentUpdate]] = {cid: [] for cid in commitment_ids}
    if commitment_ids:
        for update in db.session.scalars(
            sa.select(CommitmentUpdate)
            .where(CommitmentUpdate.commitment_id.in_(commitment_ids))
            .order_by(CommitmentUpdate.created_at, CommitmentUpdate.id)
        ):
            found[update.commitment_id].append(update)
    return found


def update_view(update: CommitmentUpdate) -> dict:
    return {
        "id": update.id,
        "status": update.status,
        "note": update.note,
        "by": update.by,
        "at": update.created_at.isoformat(),
    }


def commitment_view(
    commitment: Commitment,
    cluster_ids: list[int],
    updates: list[CommitmentUpdate],
    *,
    participant_id: int | None = None,
) -> dict:
    """What screens show; never who proposed it, only whether it was the phone looking at it."""
    view = {
        "id": commitment.id,
        "session_id": commitment.session_id,
        "what": commitment.what,
        "owner": commitment.owner or "",
        "level": commitment.level,
        "due_date": commitment.due_date.isoformat() if commitment.due_date else None,
        "status": commitment.status,
        # screens show what the server decides; a screen left open past midnight catches up with the next event
        "overdue": is_overdue(commitment, dates.today()),
        "pending": commitment.pending,
        "cluster_ids": cluster_ids,
        "goal_id": commitment.goal_id,
        "updates": [update_view(u) for u in updates],
        "created_at": commitment.created_at.isoformat(),
        # the phone warned before sending; the console flags it again, and closing asks first (live/flags.py)
        "personal_data": flags.kinds(commitment.what, commitment.owner),
    }
    if participant_id is not None:
        view["mine"] = commitment.participant_id == participant_id
    return view


def views(commitments: list[Commitment], *, participant_id: int | None = None) -> list[dict]:
    ids = [c.id for c in commitments]
    linked, updates = links(ids), updates_of(ids)
    return [commitment_view(c, linked[c.id], updates[c.id], participant_id=participant_id) for c in commitments]


def view_of(commitment: Commitment) -> dict:
    db.session.flush()
    return views([commitment])[0]


def session_commitments(session_id: int, *, participant_id: int | None = None, staff: bool = True) -> list[dict]:
    """Staff see proposals too; a phone the confirmed commitments and its own proposals."""
    query = sa.select(Commitment).where(Commitment.session_id == session_id)
    if not staff:
        query = query.where(sa.or_(Commitment.pending.is_(False), Commitment.participant_id == participant_id))
    commitments = list(db.session.scalars(query.order_by(Commitment.created_at, Commitment.id)))
    return views(commitments, participant_id=None if staff else participant_id)


def phone_section(session_: Session) -> tuple[dict, list[tuple[dict, int | None]], frozenset[int]]:
    """What every phone of the session sees alike: the confirmed commitments (with their proposers' ids, for
    each phone's `mine`) and the follow-up; and who has proposals waiting (those phones read their own list,
    as session_commitments gives it)."""
    confirmed = list(
        db.session.scalars(
            sa.select(Commitment)
            .where(Commitment.session_id == session_.id, Commitment.pending.is_(False))
            .order_by(Commitment.created_at, Commitment.id)
        )
    )
    proposers: frozenset[int] = frozenset(
        db.session.scalars(
            sa.select(Commitment.participant_id)
            .where(
                Commitment.session_id == session_.id,
                Commitment.pending.is_(True),
                Commitment.participant_id.is_not(None),
            )
            .distinct()
        )
    )
    section: dict = {}
    fmt = formats.installed().get(session_.format_key)
    if fmt is not None and has_followup(fmt):
        section["followup"] = programme_followup(session_)
    return section, list(zip(views(confirmed), [c.participant_id for c in confirmed])), proposers


def programme_followup(session_: Session) -> list[dict]:
    """Confirmed commitments of the programme's other sessions, with the title of the session they were made in:
    what a follow-up session looks back on. Open and in-progress ones first, then by due date."""
    rows = db.session.execute(
        sa.select(Commitment, Session.title)
        .join(Session, Session.id == Commitment.session_id)
        .where(Session.programme_id == session_.programme_id, Session.id != session_.id, Commitment.pending.is_(False))
        .order_by(Commitment.due_date.is_(None), Commitment.due_date, Commitment.id)
    ).all()
    found = views([row[0] for row in rows])
    for view, row in zip(found, rows):
        view["session_title"] = row[1]
    return sorted(found, key=lambda c: c["status"] not in ACTIVE)


def programme_goals(session_: Session) -> list[dict]:
    """The goals of the session's programme a commitment can serve, from execution to governance."""
    return [
        {"id": g.id, "level": g.level, "kind": g.kind, "title": g.title}
        for g in goals.list_goals(session_.programme_id)
    ]


def has_followup(fmt) -> bool:
    return any("followup" in phase.actions for phase in fmt.phases)


def snapshot_section(session_: Session, audience: str, participant) -> dict:
    staff = participant is None
    section: dict = {
        "commitments": session_commitments(
            session_.id, staff=staff, participant_id=participant.id if participant else None
        )
    }
    if staff:
        # only the facilitator links a commitment to a goal; phones need not know them
        section["goals"] = programme_goals(session_)
    fmt = formats.installed().get(session_.format_key)
    if fmt is not None and has_followup(fmt):
        section["followup"] = programme_followup(session_)
    return section


# --- keeping links right when clusters merge or go (clustering calls these) ------------------------------


def relink(into_id: int, source_ids: list[int]) -> None:
    """Commitments that answered merged clusters now answer the cluster that stays (once)."""
    if not source_ids:
        return
    answering_into = set(
        db.session.scalars(sa.select(CommitmentCluster.commitment_id).where(CommitmentCluster.cluster_id == into_id))
    )
    for link in db.session.scalars(sa.select(CommitmentCluster).where(CommitmentCluster.cluster_id.in_(source_ids))):
        commitment_id = link.commitment_id
        db.session.delete(link)
        if commitment_id not in answering_into:
            answering_into.add(commitment_id)
            db.session.add(CommitmentCluster(commitment_id=commitment_id, cluster_id=into_id))
    db.session.flush()


def unlink(cluster_ids: list[int]) -> None:
    db.session.execute(sa.delete(CommitmentCluster).where(CommitmentCluster.cluster_id.in_(cluster_ids)))


# --- validation -----------------------------------------------------------------------------------------------


def _due_date(payload: dict) -> tuple[bool, date | None]:
    """(given, value): an ISO date "2026-03-01"; empty or null clears it."""
    if "due_date" not in payload:
        return False, None
    value = payload["due_date"]
    if value is None or value == "":
        return True, None
    if not isinstance(value, str) or len(value) > 10:
        raise CommandError("wrong_type", field="due_date")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError("invalid_date", field="due_date") from None
    if not 2000 <= day.year <= 2100:
        raise CommandError("invalid_date", field="due_date")
    return True, day


def _cluster_ids(ctx, payload: dict) -> list[int] | None:
    if "cluster_ids" not in payload:
        return None
    ids = v.id_list(payload, "cluster_ids", max_items=50)
    if ids:
        found = set(
            db.session.scalars(sa.select(Cluster.id).where(Cluster.id.in_(ids), Cluster.session_id == ctx.session.id))
        )
        if len(found) != len(ids):
            raise CommandError("not_found", what="cluster")
    return ids


def _goal_id(ctx, payload: dict) -> int | None:
    """The programme goal the commitment serves: an id of a goal of this session's programme, or null/empty
    for none."""
    value = payload["goal_id"]
    if value is None or value == "":
        return None
    goal_id = v.field(payload, "goal_id", int)
    found = db.session.scalar(
        sa.select(ProgrammeGoal.id).where(
            ProgrammeGoal.id == goal_id, ProgrammeGoal.programme_id == ctx.session.programme_id
        )
    )
    if found is None:
        raise CommandError("goal_not_found")
    return goal_id


def _fields(ctx, payload: dict, *, creating: bool) -> dict:
    """The editable fields present in the payload, checked; on creation `what` and `owner` are required."""
    values: dict = {}
    what = v.text(payload, "what", max_length=WHAT_MAX, required=creating)
    if what is not None:
        values["what"] = what
    owner = v.text(payload, "owner", max_length=OWNER_MAX, required=creating)
    if owner is not None:
        values["owner"] = owner
    if "level" in payload:
        values["level"] = v.choice(payload, "level", Level.values(), required=False)
    given, day = _due_date(payload)
    if given:
        values["due_date"] = day
    clusters = _cluster_ids(ctx, payload)
    if clusters is not None:
        values["cluster_ids"] = clusters
    # the goal is the facilitator's to choose: a phone's proposal is linked when it is confirmed
    if "goal_id" in payload and ctx.participant is None:
        values["goal_id"] = _goal_id(ctx, payload)
    return values


def _set_links(commitment: Commitment, cluster_ids: list[int]) -> None:
    db.session.execute(sa.delete(CommitmentCluster).where(CommitmentCluster.commitment_id == commitment.id))
    for cluster_id in cluster_ids:
        db.session.add(CommitmentCluster(commitment_id=commitment.id, cluster_id=cluster_id))


def _apply_fields(commitment: Commitment, values: dict) -> bool:
    """Write the values; True when anything changed."""
    changed = False
    for name in ("what", "owner", "level", "due_date", "goal_id"):
        if name in values and getattr(commitment, name) != values[name]:
            setattr(commitment, name, values[name])
            changed = True
    if "cluster_ids" in values:
        current = links([commitment.id])[commitment.id] if commitment.id else []
        if sorted(current) != sorted(values["cluster_ids"]):
            db.session.flush()
            _set_links(commitment, values["cluster_ids"])
            changed = True
    return changed


def _commitment(ctx, payload: dict, name: str = "id") -> Commitment:
    commitment = db.session.get(Commitment, v.field(payload, name, int))
    if commitment is None or commitment.session_id != ctx.session.id:
        raise CommandError("not_found", what="commitment")
    return commitment


def _programme_commitment(ctx, payload: dict) -> Commitment:
    """A commitment of this session, or (in a follow-up) of another session of the same programme."""
    commitment = db.session.get(Commitment, v.field(payload, "id", int))
    if commitment is None:
        raise CommandError("not_found", what="commitment")
    if commitment.session_id != ctx.session.id:
        home = db.session.get(Session, commitment.session_id)
        if home is None or home.programme_id != ctx.session.programme_id:
            raise CommandError("not_found", what="commitment")
    return commitment


def _narrow_to_proposer(ctx, commitment: Commitment) -> None:
    """A proposal is between its phone and the staff screens until confirmed."""
    if commitment.pending:
        ctx.audience = "staff"
        ctx.also_to = commitment.participant_id


# --- rules (called through commands.apply) ------------------------------------------------------


def propose(ctx, payload: dict) -> dict:
    """A participant proposes "I / my team will ...": `what`, `owner` (a role and organisation, or their name),
    `level` (their own unless given), `due_date`, `cluster_ids`. The facilitator sees it on the console."""
    values = _fields(ctx, payload, creating=True)
    commitment = Commitment(
        session_id=ctx.session.id,
        what=values["what"],
        owner=values["owner"],
        level=values.get("level") or ctx.participant.level,
        due_date=values.get("due_date"),
        status=CommitmentStatus.OPEN.value,
        pending=True,
        participant_id=ctx.participant.id,
        created_at=ctx.now,
    )
    db.session.add(commitment)
    db.session.flush()
    _set_links(commitment, values.get("cluster_ids", []))
    ctx.audience = "staff"
    return {"commitment": view_of(commitment)}


def record(ctx, payload: dict) -> dict:
    """The facilitator writes down a commitment made aloud; it is confirmed at once. `goal_id` (optional) is the
    programme goal it serves."""
    values = _fields(ctx, payload, creating=True)
    commitment = Commitment(
        session_id=ctx.session.id,
        what=values["what"],
        owner=values["owner"],
        level=values.get("level"),
        due_date=values.get("due_date"),
        goal_id=values.get("goal_id"),
        status=CommitmentStatus.OPEN.value,
        pending=False,
        created_at=ctx.now,
    )
    db.session.add(commitment)
    db.session.flush()
    _set_links(commitment, values.get("cluster_ids", []))
    return {"commitment": view_of(commitment)}


def confirm(ctx, payload: dict) -> dict:
    """A proposal becomes a commitment the room sees, with any corrections sent along (see edit)."""
    commitment = _commitment(ctx, payload)
    if not commitment.pending:
        raise CommandError("already_confirmed")
    _apply_fields(commitment, _fields(ctx, payload, creating=False))
    commitment.pending = False
    return {"commitment": view_of(commitment)}


def edit(ctx, payload: dict) -> dict:
    """Change any of `what`, `owner`, `level`, `due_date`, `cluster_ids`, `goal_id` of a proposal or commitment."""
    commitment = _commitment(ctx, payload)
    if not _apply_fields(commitment, _fields(ctx, payload, creating=False)):
        raise CommandError("no_change")
    _narrow_to_proposer(ctx, commitment)
    return {"commitment": view_of(commitment)}


def merge(ctx, payload: dict) -> dict:
    """Commitments `ids` (proposals saying the same thing) go into `into`; it answers all their clusters and
    may get a new `what`. The others disappear."""
    into = _commitment(ctx, payload, "into")
    ids = v.id_list(payload, "ids", max_items=50)
    if not ids:
        raise CommandError("missing_field", field="ids")
    if into.id in ids:
        raise CommandError("invalid_choice", field="ids")
    sources = [_commitment(ctx, {"id": commitment_id}) for commitment_id in ids]
    values = _fields(ctx, payload, creating=False)
    linked = links([into.id, *ids])
    clusters = list(dict.fromkeys([*linked[into.id], *(c for i in ids for c in linked[i])]))
    values.setdefault("cluster_ids", clusters)
    # a goal one of the proposals served is kept when the one that stays serves none
    values.setdefault("goal_id", into.goal_id or next((s.goal_id for s in sources if s.goal_id), None))
    _apply_fields(into, values)
    for source in sources:
        db.session.delete(source)
    db.session.flush()
    if into.pending:
        ctx.audience = "staff"
    return {"commitment": view_of(into), "removed": ids}


def reject(ctx, payload: dict) -> dict:
    """A proposal that will not be a commitment (off topic, a double) is removed; its phone is told."""
    commitment = _commitment(ctx, payload)
    if not commitment.pending:
        raise CommandError("already_confirmed")
    _narrow_to_proposer(ctx, commitment)
    db.session.delete(commitment)
    return {"id": commitment.id}


def set_status(ctx, payload: dict) -> dict:
    """Open, in progress, done or dropped, with a dated `note`; a note alone (same status) is an update too.
    The facilitator may update any commitment of the programme, a participant only one they proposed."""
    commitment = _programme_commitment(ctx, payload)
    if ctx.participant is not None and commitment.participant_id != ctx.participant.id:
        raise CommandError("not_your_commitment")
    if commitment.pending:
        raise CommandError("not_confirmed")
    status = v.choice(payload, "status", CommitmentStatus.values())
    note = v.text(payload, "note", max_length=NOTE_MAX, required=False, allow_empty=True) or ""
    if status == commitment.status and not note:
        raise CommandError("no_change")
    commitment.status = status
    db.session.add(
        CommitmentUpdate(
            commitment_id=commitment.id,
            session_id=ctx.session.id,
            status=status,
            note=note,
            by="participant" if ctx.participant is not None else "facilitator",
            created_at=ctx.now,
        )
    )
    return {"commitment": view_of(commitment)}
