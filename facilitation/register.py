"""Knelpuntenregister: bottlenecks that recur across sessions and programmes. A person links each session's
cluster to a register entry; the tool only suggests (by text similarity, facilitation.suggest), it never
links by itself. Counts per quarter and level, and a CSV export. Everyone sees only the clusters of the
programmes they may see."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from facilitation import accounts
from facilitation.extensions import db
from facilitation.models import (
    Account, Cluster, Level, Programme, Reflection, RegisterEntry, RegisterLink, Session, utcnow,
)
from facilitation.reports.data import zone
from facilitation.validation import CommandError

#: a candidate is suggested when its text is at least this similar to one already linked
SUGGEST_THRESHOLD = 0.3
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Occurrence:
    link_id: int
    cluster_id: int
    cluster_title: str
    level: str | None
    session_id: int
    session_title: str
    programme_id: int
    programme_title: str
    day: date | None

    @property
    def quarter(self) -> str:
        return f"{self.day.year}-Q{(self.day.month - 1) // 3 + 1}" if self.day else ""


def _day(session_: Session) -> date | None:
    moment = session_.started_at or session_.scheduled_at or session_.created_at
    return moment.astimezone(zone()).date() if moment else None


def visible_programme_ids(account: Account) -> set[int]:
    return {p.id for p in accounts.programmes_visible_to(account)}


def _clusters(programme_ids: set[int], *, cluster_ids: set[int] | None = None):
    query = (sa.select(Cluster, Session, Programme).join(Session, Session.id == Cluster.session_id)
             .join(Programme, Programme.id == Session.programme_id)
             .where(Session.programme_id.in_(programme_ids or {0})))
    if cluster_ids is not None:
        query = query.where(Cluster.id.in_(cluster_ids or {0}))
    return db.session.execute(query.order_by(Session.created_at, Cluster.position, Cluster.id)).all()


def occurrences(account: Account) -> dict[int, list[Occurrence]]:
    """Per entry id, the linked clusters this account may see."""
    links = {row.cluster_id: row for row in db.session.scalars(sa.select(RegisterLink))}
    found: dict[int, list[Occurrence]] = {}
    for cluster, session_, programme in _clusters(visible_programme_ids(account), cluster_ids=set(links)):
        link = links[cluster.id]
        found.setdefault(link.entry_id, []).append(Occurrence(
            link.id, cluster.id, cluster.title, cluster.level, session_.id, session_.title, programme.id,
            programme.title, _day(session_)))
    return found


def entries() -> list[RegisterEntry]:
    return list(db.session.scalars(sa.select(RegisterEntry).order_by(RegisterEntry.title, RegisterEntry.id)))


def unlinked_clusters(account: Account):
    linked = sa.select(RegisterLink.cluster_id)
    return [row for row in _clusters(visible_programme_ids(account)) if row[0].id not in
            set(db.session.scalars(linked))]


def _texts(cluster_ids: set[int]) -> dict[int, str]:
    """A cluster's words for comparing: title, description and its visible, reportable reflections."""
    texts = {c.id: f"{c.title}. {c.description or ''}" for c in db.session.scalars(
        sa.select(Cluster).where(Cluster.id.in_(cluster_ids or {0})))}
    for cluster_id, text in db.session.execute(
            sa.select(Reflection.cluster_id, Reflection.text).where(
                Reflection.cluster_id.in_(cluster_ids or {0}), Reflection.hidden.is_(False),
                Reflection.room_only.is_(False))):
        texts[cluster_id] += " " + text
    return texts


def suggestions(account: Account, found: dict[int, list[Occurrence]], language: str = "nl") -> dict[int, list]:
    """Per entry, unlinked clusters (visible to the account) whose text resembles one already linked."""
    from facilitation.suggest import similarities  # scikit-learn loads on first use

    candidates = {row[0].id: row for row in unlinked_clusters(account)}
    linked = {o.cluster_id: entry_id for entry_id, items in found.items() for o in items}
    if not candidates or not linked:
        return {}
    texts = _texts(set(candidates) | set(linked))
    scores = similarities(list(texts.items()), language)
    best: dict[int, dict[int, float]] = {}
    for (a, b), score in scores.items():
        if a in candidates and b in linked and score >= SUGGEST_THRESHOLD:
            entry = best.setdefault(linked[b], {})
            entry[a] = max(entry.get(a, 0.0), score)
    return {entry_id: [(candidates[cid], round(score, 2)) for cid, score in
                       sorted(ranked.items(), key=lambda item: -item[1])[:MAX_SUGGESTIONS]]
            for entry_id, ranked in best.items()}


def counts(found: dict[int, list[Occurrence]]) -> tuple[list[str], dict[int, Counter], Counter]:
    """The quarters seen, occurrences per entry per quarter, and per level over all entries."""
    quarters = sorted({o.quarter for items in found.values() for o in items if o.quarter})
    per_entry = {entry_id: Counter(o.quarter for o in items) for entry_id, items in found.items()}
    per_level = Counter(o.level for items in found.values() for o in items)
    return quarters, per_entry, per_level


# --- changes (made by a person, from the register page) --------------------------------------------------

def _visible_cluster(account: Account, cluster_id: int) -> Cluster:
    cluster = db.session.get(Cluster, cluster_id)
    session_ = db.session.get(Session, cluster.session_id) if cluster else None
    if cluster is None or session_.programme_id not in visible_programme_ids(account):
        raise CommandError("not_found", what="cluster")
    return cluster


def _unlinked(cluster: Cluster) -> None:
    if db.session.scalar(sa.select(RegisterLink.id).where(RegisterLink.cluster_id == cluster.id)):
        raise CommandError("already_in_register")


def create_entry(account: Account, cluster_id: int) -> RegisterEntry:
    """A new recurring bottleneck, starting from one session's cluster (its title and level)."""
    cluster = _visible_cluster(account, cluster_id)
    _unlinked(cluster)
    entry = RegisterEntry(title=cluster.title, level=cluster.level if cluster.level in Level.values() else None,
                          created_by=account.id, created_at=utcnow())
    db.session.add(entry)
    db.session.flush()
    db.session.add(RegisterLink(entry_id=entry.id, cluster_id=cluster.id, confirmed_by=account.id,
                                created_at=utcnow()))
    return entry


def link(account: Account, entry_id: int, cluster_id: int) -> RegisterLink:
    entry = db.session.get(RegisterEntry, entry_id)
    if entry is None:
        raise CommandError("not_found", what="entry")
    cluster = _visible_cluster(account, cluster_id)
    _unlinked(cluster)
    row = RegisterLink(entry_id=entry.id, cluster_id=cluster.id, confirmed_by=account.id, created_at=utcnow())
    db.session.add(row)
    return row


def unlink(account: Account, link_id: int) -> None:
    row = db.session.get(RegisterLink, link_id)
    if row is None:
        raise CommandError("not_found", what="link")
    _visible_cluster(account, row.cluster_id)
    entry_id = row.entry_id
    db.session.delete(row)
    db.session.flush()
    # an entry without any occurrence left is gone too
    if not db.session.scalar(sa.select(RegisterLink.id).where(RegisterLink.entry_id == entry_id)):
        db.session.delete(db.session.get(RegisterEntry, entry_id))


def export_csv(account: Account, found: dict[int, list[Occurrence]], delimiter: str = ";") -> bytes:
    from facilitation.reports.exports import csv_cell

    titles = {e.id: (e.title, e.level) for e in entries()}
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["entry_id", "entry", "entry_level", "quarter", "date", "programme", "session", "cluster",
                     "cluster_level"])
    for entry_id, items in sorted(found.items(), key=lambda item: titles.get(item[0], ("", None))[0].lower()):
        title, level = titles.get(entry_id, ("", None))
        for o in items:
            writer.writerow([csv_cell(v) for v in (entry_id, title, level or "", o.quarter, o.day, o.programme_title,
                                                   o.session_title, o.cluster_title, o.level or "")])
    return buffer.getvalue().encode("utf-8")
