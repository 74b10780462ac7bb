"""Knelpunten: the facilitator groups reflections into bottleneck clusters with a title, the level that must
solve them and domain tags. Every reflection is in one cluster or none, through every merge, split and delete.
Also which view the projector shows, and the offline cluster suggestions for what is not clustered yet."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.live import commitments, flags, voting
from facilitation.models import Cluster, Level, Reflection, Session
from facilitation.text.labels import TAGS
from facilitation.validation import CommandError

TITLE_MAX = 120
DESCRIPTION_MAX = 500
#: what the projector can show; None (sent as "auto") lets the projector choose (projectorView() in
#: static/js/features/clustering.js): the circle in a fishbowl phase, the vote while a round is open or in
#: a voting phase, else the clusters once there are any, else the wall
PROJECTOR_VIEWS = ("wall", "clusters", "votes", "levels", "fishbowl", "journey", "join", "case")
#: the views that show cluster titles ("auto" chooses the clusters once there are any)
SHOWS_TITLES = ("clusters", "votes", "levels", "auto")


def cluster_view(cluster: Cluster) -> dict:
    return {
        "id": cluster.id,
        "title": cluster.title,
        "description": cluster.description or "",
        "level": cluster.level,
        "tags": list(cluster.tags or []),
        "position": cluster.position,
        # staff screens flag it; the projector and reports ask first (live/flags.py)
        "personal_data": flags.kinds(cluster.title, cluster.description),
    }


def session_clusters(session_id: int) -> list[Cluster]:
    return list(
        db.session.scalars(
            sa.select(Cluster).where(Cluster.session_id == session_id).order_by(Cluster.position, Cluster.id)
        )
    )


def list_clusters(session_id: int) -> list[dict]:
    return [cluster_view(c) for c in session_clusters(session_id)]


def snapshot_section(session_: Session, audience: str, participant) -> dict:
    # Titles, levels and tags are on the projector anyway; which reflection is where lives in the reflections.
    section: dict = {"clusters": list_clusters(session_.id)}
    if participant is None:
        section["projector_view"] = session_.projector_view
    return section


def suggestions(session_: Session, granularity: int = 0, examples: Sequence = ()) -> list[dict]:
    """Offline groupings of the visible reflections that are in no cluster yet, by meaning, with a proposed title,
    the shared concepts (why) and, where one looks like a known recurring bottleneck, its title and count.
    `examples`: (title, texts, times) of what facilitators filed before (see register.entries)."""
    # scikit-learn and the lexicon load on first use, not at start-up
    from facilitation.live.grouping import Example
    from facilitation.live.suggest import suggest_clusters

    rows = db.session.execute(
        sa.select(Reflection.id, Reflection.text, Reflection.kind)
        .where(Reflection.session_id == session_.id, Reflection.cluster_id.is_(None), Reflection.hidden.is_(False))
        .order_by(Reflection.id)
    ).all()
    known = [Example(e.title, tuple(e.texts), e.times) for e in examples]
    found = suggest_clusters([tuple(r) for r in rows], session_.language, granularity=granularity, examples=known)
    return [
        {
            "title": s.title,
            "reflection_ids": list(s.reflection_ids),
            "keywords": list(s.keywords),
            "why": list(s.why),
            "kind": s.kind,
            "recurring": s.recurring,
            "times": s.times,
        }
        for s in found
    ]


# --- validation helpers ------------------------------------------------------------------------


def _cluster(ctx, payload: dict, name: str = "id") -> Cluster:
    cluster = db.session.get(Cluster, v.field(payload, name, int))
    if cluster is None or cluster.session_id != ctx.session.id:
        raise CommandError("not_found", what="cluster")
    return cluster


def _reflections(ctx, ids: list[int]) -> list[Reflection]:
    if not ids:
        return []
    found = {
        r.id: r
        for r in db.session.scalars(
            sa.select(Reflection).where(Reflection.id.in_(ids), Reflection.session_id == ctx.session.id)
        )
    }
    if len(found) != len(ids):
        raise CommandError("not_found", what="reflection")
    return [found[i] for i in ids]


def _tags(payload: dict, *, required: bool) -> list[str] | None:
    if not required and "tags" not in payload:
        return None
    value = v.field(payload, "tags", list)
    if any(not isinstance(tag, str) or tag not in TAGS for tag in value):
        raise CommandError("invalid_choice", field="tags")
    # in the fixed order of TAGS, so screens and reports list them alike
    return [tag for tag in TAGS if tag in set(value)]


def _no_open_round(ctx) -> None:
    if voting.open_round(ctx.session.id) is not None:
        raise CommandError("vote_open")


def _next_position(session_id: int) -> int:
    return (
        db.session.scalar(sa.select(sa.func.max(Cluster.position)).where(Cluster.session_id == session_id)) or 0
    ) + 1


def _reflection_audience(ctx) -> str:
    # phones of a format that keeps reflections private need not hear where others' reflections went
    return "all" if ctx.format.share_reflections else "staff"


# --- rules (called through commands.apply) ------------------------------------------------------


def _ask_before_showing(ctx, payload: dict, title: str | None, description: str | None) -> None:
    """A title that looks like personal data goes onto a projector showing the clusters (or choosing by itself,
    which shows them once there are any) only when the facilitator confirms it."""
    if ctx.session.projector_view is None or ctx.session.projector_view in SHOWS_TITLES:
        flags.require_confirmed(payload, "confirm_personal_data_title", flags.kinds(title, description))


def create(ctx, payload: dict) -> dict:
    """A new cluster with a title; `reflection_ids` move into it at once (accepting a suggestion)."""
    title = v.text(payload, "title", max_length=TITLE_MAX)
    description = v.text(payload, "description", max_length=DESCRIPTION_MAX, required=False, allow_empty=True)
    level = v.choice(payload, "level", Level.values(), required=False)
    tags = _tags(payload, required=False) or []
    reflections = _reflections(ctx, v.id_list(payload, "reflection_ids", required=False))
    _ask_before_showing(ctx, payload, title, description)
    cluster = Cluster(
        session_id=ctx.session.id,
        title=title,
        description=description or "",
        level=level,
        tags=tags,
        position=_next_position(ctx.session.id),
        created_at=ctx.now,
    )
    db.session.add(cluster)
    db.session.flush()
    for reflection in reflections:
        reflection.cluster_id = cluster.id
    return {"cluster": cluster_view(cluster), "moved": [r.id for r in reflections]}


def edit(ctx, payload: dict) -> dict:
    """Rename and/or describe: `title` and `description`, either or both."""
    cluster = _cluster(ctx, payload)
    title = v.text(payload, "title", max_length=TITLE_MAX, required=False)
    description = v.text(payload, "description", max_length=DESCRIPTION_MAX, required=False, allow_empty=True)
    if title is None and description is None:
        raise CommandError("missing_field", field="title")
    if (title is None or title == cluster.title) and (description is None or description == cluster.description):
        raise CommandError("no_change")
    _ask_before_showing(ctx, payload, title, description)
    if title is not None:
        cluster.title = title
    if description is not None:
        cluster.description = description
    return {"cluster": cluster_view(cluster)}


def set_level(ctx, payload: dict) -> dict:
    """The level that must solve it (its lane on the level map); `level: null` leaves it open."""
    cluster = _cluster(ctx, payload)
    if "level" not in payload:
        raise CommandError("missing_field", field="level")
    level = v.choice(payload, "level", Level.values(), required=False)
    if level == cluster.level:
        raise CommandError("no_change")
    cluster.level = level
    return {"cluster": cluster_view(cluster)}


def set_tags(ctx, payload: dict) -> dict:
    """The domains it touches (youth care, debts, housing ...); the whole list, possibly empty."""
    cluster = _cluster(ctx, payload)
    tags = _tags(payload, required=True) or []  # required: a list, never None
    if tags == list(cluster.tags or []):
        raise CommandError("no_change")
    cluster.tags = tags
    return {"cluster": cluster_view(cluster)}


def move_reflection(ctx, payload: dict) -> dict:
    """Put reflection `id` in cluster `cluster_id`, or back among the unclustered with `cluster_id: null`."""
    reflection = db.session.get(Reflection, v.field(payload, "id", int))
    if reflection is None or reflection.session_id != ctx.session.id:
        raise CommandError("not_found", what="reflection")
    if "cluster_id" not in payload:
        raise CommandError("missing_field", field="cluster_id")
    cluster_id = _cluster(ctx, payload, "cluster_id").id if payload["cluster_id"] is not None else None
    if cluster_id == reflection.cluster_id:
        raise CommandError("no_change")
    reflection.cluster_id = cluster_id
    ctx.audience = _reflection_audience(ctx)
    return {"id": reflection.id, "cluster_id": cluster_id}


def merge(ctx, payload: dict) -> dict:
    """Clusters `ids` go into cluster `into`: their reflections, dots (per round, within its rules) and
    commitments move over; tags are joined; the level stays, or is taken over when `into` had none."""
    into = _cluster(ctx, payload, "into")
    ids = v.id_list(payload, "ids")
    if not ids:
        raise CommandError("missing_field", field="ids")
    if into.id in ids:
        raise CommandError("invalid_choice", field="ids")
    sources = [_cluster(ctx, {"id": cluster_id}) for cluster_id in ids]
    _no_open_round(ctx)
    moved = list(
        db.session.scalars(sa.select(Reflection.id).where(Reflection.cluster_id.in_(ids)).order_by(Reflection.id))
    )
    db.session.execute(sa.update(Reflection).where(Reflection.cluster_id.in_(ids)).values(cluster_id=into.id))
    commitments.relink(into.id, ids)
    voting.combine_votes(into, sources)
    into.tags = [tag for tag in TAGS if tag in set(into.tags or []).union(*(s.tags or [] for s in sources))]
    if into.level is None:
        into.level = next((s.level for s in sources if s.level), None)
    for source in sources:
        db.session.delete(source)
    db.session.flush()
    return {
        "cluster": cluster_view(into),
        "removed": ids,
        "moved": moved,
        "rounds": voting.list_rounds(ctx.session.id, staff=False),
    }


def split(ctx, payload: dict) -> dict:
    """Reflections `reflection_ids` of cluster `id` leave it for a new cluster `title` (same level and tags).
    Dots stay with the original: people voted for what it was."""
    source = _cluster(ctx, payload)
    ids = v.id_list(payload, "reflection_ids")
    if not ids:
        raise CommandError("missing_field", field="reflection_ids")
    reflections = _reflections(ctx, ids)
    if any(r.cluster_id != source.id for r in reflections):
        raise CommandError("not_in_cluster")
    title = v.text(payload, "title", max_length=TITLE_MAX)
    description = v.text(payload, "description", max_length=DESCRIPTION_MAX, required=False, allow_empty=True)
    _ask_before_showing(ctx, payload, title, description)
    cluster = Cluster(
        session_id=ctx.session.id,
        title=title,
        description=description or "",
        level=source.level,
        tags=list(source.tags or []),
        position=_next_position(ctx.session.id),
        created_at=ctx.now,
    )
    db.session.add(cluster)
    db.session.flush()
    for reflection in reflections:
        reflection.cluster_id = cluster.id
    return {"from": source.id, "cluster": cluster_view(cluster), "moved": ids}


def delete(ctx, payload: dict) -> dict:
    """The cluster goes; its reflections go back among the unclustered, its dots are removed."""
    cluster = _cluster(ctx, payload)
    _no_open_round(ctx)
    released = list(
        db.session.scalars(sa.select(Reflection.id).where(Reflection.cluster_id == cluster.id).order_by(Reflection.id))
    )
    db.session.execute(sa.update(Reflection).where(Reflection.cluster_id == cluster.id).values(cluster_id=None))
    commitments.unlink([cluster.id])
    voting.delete_votes([cluster.id])
    db.session.delete(cluster)
    db.session.flush()
    return {"id": cluster.id, "released": released, "rounds": voting.list_rounds(ctx.session.id, staff=False)}


def show_on_projector(ctx, payload: dict) -> dict:
    """What the room sees: the wall, the clusters, the vote results or the level map; "auto" lets it choose."""
    view = v.choice(payload, "view", (*PROJECTOR_VIEWS, "auto"))
    stored = None if view == "auto" else view
    if stored == ctx.session.projector_view:
        raise CommandError("no_change")
    if view in SHOWS_TITLES:
        flags.require_confirmed(payload, "confirm_personal_data_projector", flags.flagged_clusters(ctx.session.id))
    ctx.session.projector_view = stored
    ctx.audience = "staff"
    return {"view": stored}
