"""Dot voting (stippen plakken): rounds over the clusters, each participant's dots within the round's budget
(enforced here, whatever a phone sends), and totals that stay hidden until shown or the round closes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.models import Cluster, Vote, VotingRound
from facilitation.validation import CommandError

OPEN = "open"
CLOSED = "closed"
MAX_BUDGET = 20


def open_round(session_id: int) -> VotingRound | None:
    return db.session.scalar(
        sa.select(VotingRound).where(VotingRound.session_id == session_id, VotingRound.status == OPEN)
    )


def is_public(round_: VotingRound) -> bool:
    """The room may see the totals: shown by the facilitator, or the round is over."""
    return round_.status == CLOSED or round_.results_shown


def totals(round_id: int) -> dict[int, int]:
    """Dots per cluster in one round (clusters without dots are left out)."""
    rows = db.session.execute(
        sa.select(Vote.cluster_id, sa.func.sum(Vote.dots)).where(Vote.round_id == round_id).group_by(Vote.cluster_id)
    )
    return {cluster_id: int(dots) for cluster_id, dots in rows if dots}


def voter_count(round_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Vote.participant_id))).where(Vote.round_id == round_id, Vote.dots > 0)
        )
        or 0
    )


def round_view(round_: VotingRound, *, with_totals: bool) -> dict:
    """A round as screens see it; never who voted what. Totals only where the caller may see them."""
    view = {
        "id": round_.id,
        "number": round_.number,
        "status": round_.status,
        "budget": round_.budget,
        "several_per_cluster": round_.several_per_cluster,
        "results_shown": round_.results_shown,
        #: may the room see this round's totals: screens follow this rather than work the rule out themselves
        "public": is_public(round_),
        "voters": voter_count(round_.id),
    }
    if with_totals:
        # JSON object keys are strings; screens look clusters up by String(id)
        view["totals"] = {str(cluster_id): dots for cluster_id, dots in totals(round_.id).items()}
    return view


def list_rounds(session_id: int, *, staff: bool) -> list[dict]:
    rounds = db.session.scalars(
        sa.select(VotingRound).where(VotingRound.session_id == session_id).order_by(VotingRound.number)
    )
    return [round_view(r, with_totals=staff or is_public(r)) for r in rounds]


def my_dots(round_id: int, participant_id: int) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Vote.cluster_id, Vote.dots).where(Vote.round_id == round_id, Vote.participant_id == participant_id)
    )
    return {cluster_id: dots for cluster_id, dots in rows if dots}


def report_round_id(session_id: int) -> int | None:
    """The round a report weighs by: the last one (a later round re-weighs the earlier ones)."""
    return db.session.scalar(
        sa.select(VotingRound.id)
        .where(VotingRound.session_id == session_id)
        .order_by(VotingRound.number.desc())
        .limit(1)
    )


def latest_public_totals(session_id: int) -> tuple[VotingRound | None, dict[int, int]]:
    """The round the room last saw results of, and its totals: what the level map and reports weigh by."""
    rounds = db.session.scalars(
        sa.select(VotingRound).where(VotingRound.session_id == session_id).order_by(VotingRound.number.desc())
    )
    for round_ in rounds:
        if is_public(round_):
            return round_, totals(round_.id)
    return None, {}


def ranking(round_: VotingRound) -> list[tuple[Cluster, int]]:
    """Clusters of the session by dots in this round, most first; ties by title."""
    counted = totals(round_.id)
    clusters = db.session.scalars(sa.select(Cluster).where(Cluster.session_id == round_.session_id))
    return sorted(((c, counted.get(c.id, 0)) for c in clusters), key=lambda pair: (-pair[1], pair[0].title.lower()))


def snapshot_section(session_, audience: str, participant) -> dict:
    staff = participant is None
    section: dict[str, Any] = {"rounds": list_rounds(session_.id, staff=staff)}
    current = open_round(session_.id)
    if participant is not None and current is not None:
        section["mine"] = {str(k): d for k, d in my_dots(current.id, participant.id).items()}
    return {"voting": section}


# --- keeping votes right when clusters merge or go (clustering calls these; no round is open then) ---


def combine_votes(into: Cluster, sources: list[Cluster]) -> None:
    """Each participant's dots on the merged clusters move to the one that stays, per round, capped at what
    that round allows on one cluster (one dot when several are not allowed: they supported it once)."""
    source_ids = [c.id for c in sources]
    if not source_ids:
        return
    moving = db.session.scalars(sa.select(Vote).where(Vote.cluster_id.in_(source_ids))).all()
    rounds = {
        r.id: r
        for r in db.session.scalars(
            sa.select(VotingRound).where(VotingRound.id.in_({vote.round_id for vote in moving}))
        )
    }
    kept = {
        (vote.round_id, vote.participant_id): vote
        for vote in db.session.scalars(sa.select(Vote).where(Vote.cluster_id == into.id))
    }
    for vote in moving:
        round_ = rounds[vote.round_id]
        limit = round_.budget if round_.several_per_cluster else 1
        key = (vote.round_id, vote.participant_id)
        if key in kept:
            kept[key].dots = min(limit, kept[key].dots + vote.dots)
            db.session.delete(vote)
        else:
            vote.cluster_id = into.id
            vote.dots = min(limit, vote.dots)
            kept[key] = vote
    db.session.flush()


def delete_votes(cluster_ids: list[int]) -> None:
    db.session.execute(sa.delete(Vote).where(Vote.cluster_id.in_(cluster_ids)))


# --- rules (called through commands.apply) ------------------------------------------------------


def _require_open(ctx) -> VotingRound:
    round_ = open_round(ctx.session.id)
    if round_ is None:
        raise CommandError("no_open_round")
    return round_


def open_voting(ctx, payload: dict) -> dict:
    """Start a round: `budget` dots each (the format's by default), `several_per_cluster` or one at most."""
    if open_round(ctx.session.id) is not None:
        raise CommandError("round_already_open")
    budget = v.integer(payload, "budget", low=1, high=MAX_BUDGET, required=False, default=ctx.format.vote_budget)
    several = v.field(payload, "several_per_cluster", bool, required=False, default=True)
    if not db.session.scalar(sa.select(sa.func.count(Cluster.id)).where(Cluster.session_id == ctx.session.id)):
        raise CommandError("no_clusters")
    number = (
        db.session.scalar(sa.select(sa.func.max(VotingRound.number)).where(VotingRound.session_id == ctx.session.id))
        or 0
    ) + 1
    round_ = VotingRound(
        session_id=ctx.session.id,
        number=number,
        status=OPEN,
        budget=budget,
        several_per_cluster=several,
        results_shown=False,
        opened_at=ctx.now,
    )
    db.session.add(round_)
    db.session.flush()
    return {"round": round_view(round_, with_totals=True)}


def close_voting(ctx, payload: dict) -> dict:
    """End the open round: votes are final and the totals go to every screen."""
    round_ = _require_open(ctx)
    round_.status = CLOSED
    round_.closed_at = ctx.now
    return {"round": round_view(round_, with_totals=True)}


def reveal_results(ctx, payload: dict) -> dict:
    """Show the live totals to the room while people still vote."""
    round_ = _require_open(ctx)
    if round_.results_shown:
        raise CommandError("no_change")
    round_.results_shown = True
    return {"round": round_view(round_, with_totals=True)}


def conceal_results(ctx, payload: dict) -> dict:
    """Hide the totals again until the round closes, so they do not steer who has not voted yet."""
    round_ = _require_open(ctx)
    if not round_.results_shown:
        raise CommandError("no_change")
    round_.results_shown = False
    return {"round": round_view(round_, with_totals=False)}


def set_dots(ctx, payload: dict) -> dict:
    """A participant puts `dots` (0 takes them off) on one cluster in the open round `round_id`.

    Commands on one session are applied one at a time under its lock, so the budget check below holds
    however many phones or tabs send at once.
    """
    round_id = v.field(payload, "round_id", int)
    round_ = _require_open(ctx)
    if round_.id != round_id:
        raise CommandError("round_not_open")
    cluster_id = v.field(payload, "cluster_id", int)
    cluster = db.session.get(Cluster, cluster_id)
    if cluster is None or cluster.session_id != ctx.session.id:
        raise CommandError("not_found", what="cluster")
    dots = v.integer(payload, "dots", low=0, high=round_.budget)
    if dots > 1 and not round_.several_per_cluster:
        raise CommandError("one_dot_per_cluster")
    participant = ctx.participant
    mine = my_dots(round_.id, participant.id)
    current = mine.get(cluster_id, 0)
    if dots == current:
        raise CommandError("no_change")
    if sum(mine.values()) - current + dots > round_.budget:
        raise CommandError("budget_exceeded", budget=round_.budget)
    vote = db.session.scalar(
        sa.select(Vote).where(
            Vote.round_id == round_.id, Vote.participant_id == participant.id, Vote.cluster_id == cluster_id
        )
    )
    if dots == 0:
        db.session.delete(vote)
    elif vote is None:
        db.session.add(
            Vote(
                session_id=ctx.session.id,
                round_id=round_.id,
                participant_id=participant.id,
                cluster_id=cluster_id,
                dots=dots,
            )
        )
    else:
        vote.dots = dots
    db.session.flush()
    mine[cluster_id] = dots
    ctx.private["mine"] = {str(k): d for k, d in mine.items() if d}
    ctx.private["left"] = round_.budget - sum(mine.values())
    # Only a change, never a total: the acting phone also reads this (in its acknowledgement), and while
    # the results are hidden nobody in the room may learn the totals. Staff add the changes up.
    ctx.audience = "all" if round_.results_shown else "staff"
    return {"round_id": round_.id, "cluster_id": cluster_id, "change": dots - current, "voters": voter_count(round_.id)}
