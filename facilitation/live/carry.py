"""Carrying bottlenecks forward: a later session of a programme starts from clusters of earlier ones, as new
clusters that link back to where they came from; staff screens show the earlier reflections as background."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.live import voting
from facilitation.live.clustering import cluster_view
from facilitation.models import Cluster, Reflection, Session
from facilitation.validation import CommandError

#: how far a carried cluster's history is followed back
MAX_CARRY_DEPTH = 10


#: how many of the top-voted earlier clusters are ticked in advance
PRESELECT = 3


def snapshot_section(session_: Session, audience: str, participant) -> dict:
    """Staff screens only: where each carried cluster came from and the reflections behind it."""
    return {} if participant is not None else {"carried": carried_background(session_.id)}


def carried_background(session_id: int) -> dict[str, dict]:
    """For each carried cluster of the session: where it came from, and the visible reflections behind it along
    the whole chain of earlier sessions (staff screens show them as background)."""
    carried = list(
        db.session.scalars(
            sa.select(Cluster).where(Cluster.session_id == session_id, Cluster.carried_from_id.is_not(None))
        )
    )
    return {str(c.id): background_of(c) for c in carried}


def chain(cluster: Cluster) -> list[Cluster]:
    """The earlier clusters a cluster was carried from, nearest first."""
    found: list[Cluster] = []
    seen = {cluster.id}
    current = cluster
    while current.carried_from_id is not None and len(found) < MAX_CARRY_DEPTH:
        earlier = db.session.get(Cluster, current.carried_from_id)
        if earlier is None or earlier.id in seen:
            break
        current = earlier
        seen.add(current.id)
        found.append(current)
    return found


def background_of(cluster: Cluster) -> dict:
    earlier = chain(cluster)
    sessions = {
        s.id: s.title
        for s in db.session.scalars(sa.select(Session).where(Session.id.in_({c.session_id for c in earlier})))
    }
    texts = db.session.execute(
        sa.select(Reflection.cluster_id, Reflection.text)
        .where(Reflection.cluster_id.in_([c.id for c in earlier]), Reflection.hidden.is_(False))
        .order_by(Reflection.created_at, Reflection.id)
    ).all()
    return {
        "from": [{"cluster_id": c.id, "title": c.title, "session": sessions.get(c.session_id, "")} for c in earlier],
        "texts": [text for cluster_id, text in texts],
    }


def carry_candidates(session_: Session) -> list[dict]:
    """Bottlenecks of the programme's other sessions a session can start from, most dots first (the last round
    the room saw); the top-voted are preselected. Clusters already carried into this session are left out."""
    others = list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.programme_id == session_.programme_id, Session.id != session_.id)
            .order_by(Session.created_at, Session.id)
        )
    )
    already = set(
        db.session.scalars(
            sa.select(Cluster.carried_from_id).where(
                Cluster.session_id == session_.id, Cluster.carried_from_id.is_not(None)
            )
        )
    )
    found: list[dict[str, Any]] = []
    for other in others:
        _, dots = voting.latest_public_totals(other.id)
        for cluster in db.session.scalars(sa.select(Cluster).where(Cluster.session_id == other.id)):
            if cluster.id not in already:
                found.append(
                    {
                        "id": cluster.id,
                        "title": cluster.title,
                        "level": cluster.level,
                        "session": other.title,
                        "votes": dots.get(cluster.id, 0),
                    }
                )
    found.sort(key=lambda c: (-c["votes"], c["title"].lower()))
    for index, candidate in enumerate(found):
        candidate["preselected"] = index < PRESELECT and candidate["votes"] > 0
    return found


def carry(ctx, payload: dict) -> dict:
    """Clusters `ids` of earlier sessions of the programme become the starting agenda of this session: new
    clusters with the same title, description, level and tags that link back to the originals."""
    ids = v.id_list(payload, "ids", max_items=100)
    if not ids:
        raise CommandError("missing_field", field="ids")
    if voting.open_round(ctx.session.id) is not None:
        raise CommandError("vote_open")
    sources = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Cluster)
            .join(Session, Session.id == Cluster.session_id)
            .where(Cluster.id.in_(ids), Session.programme_id == ctx.session.programme_id, Session.id != ctx.session.id)
        )
    }
    if len(sources) != len(ids):
        raise CommandError("not_found", what="cluster")
    already = set(
        db.session.scalars(
            sa.select(Cluster.carried_from_id).where(
                Cluster.session_id == ctx.session.id, Cluster.carried_from_id.in_(ids)
            )
        )
    )
    todo = [sources[i] for i in ids if i not in already]
    if not todo:
        raise CommandError("no_change")
    position = (
        db.session.scalar(sa.select(sa.func.max(Cluster.position)).where(Cluster.session_id == ctx.session.id)) or 0
    )
    made = []
    for offset, source in enumerate(todo, 1):
        cluster = Cluster(
            session_id=ctx.session.id,
            title=source.title,
            description=source.description or "",
            level=source.level,
            tags=list(source.tags or []),
            position=position + offset,
            carried_from_id=source.id,
            created_at=ctx.now,
        )
        db.session.add(cluster)
        made.append(cluster)
    db.session.flush()
    # the earlier reflections are background for the staff, never sent to phones
    ctx.private["carried"] = {str(c.id): background_of(c) for c in made}
    return {"clusters": [cluster_view(c) for c in made]}
