"""The bottleneck register across programmes: bottlenecks that recur in sessions of different programmes,
linked by a person (suggested by the same offline text similarity as the cluster suggestions), with their
level, how often and where they came up, and their status. The 'where does policy chafe' picture.

Not a live-session feature: the register is changed by HTTP form actions of admins and facilitators, never by
session commands, and nothing here touches a live session's state.

Decisions:
- An occurrence is a *thread*: a cluster carried forward to a later session (Cluster.carried_from_id, followed
  to its first ancestor) is the same bottleneck still being worked on in the same programme, not a recurrence.
  Linked clusters with one thread root count once, dated by the earliest of their sessions.
- A session's date is the day it started, else its planned day, else the day it was created (in TIMEZONE).
- Status: a person's verdict (open, commitment made, solved) wins; otherwise "solved" when the linked
  clusters have confirmed commitments and all that were not dropped are done, "commitment made" when they
  have any confirmed, not dropped commitment, else "open".
- Who sees what: admins everything. Facilitators and organisers see the entries that have an occurrence in a
  programme they can see (own or member of); occurrences elsewhere are counted (the picture across the
  installation is the point) but shown without programme, session or cluster title ("another programme").
- Who changes what: admins and facilitators create, rename, set level and status, link and unlink, and
  confirm or dismiss suggestions - only for clusters of programmes they can see. Organisers read and export.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.models import (
    Account,
    Cluster,
    Commitment,
    CommitmentCluster,
    CommitmentStatus,
    Level,
    Programme,
    Reflection,
    RegisterDismissal,
    RegisterEntry,
    RegisterLink,
    Session,
)
from facilitation.people import access
from facilitation.text.dates import zone
from facilitation.validation import CommandError

STATUSES = ("open", "commitment", "solved")
TITLE_MAX = 200
#: cosine similarity (word stems and character n-grams, as in suggest.py) from which two clusters of
#: different sessions are suggested as one recurring bottleneck. On tests/data's labelled reflections split
#: over two programmes the right pairs score 0.19-0.40 and the best wrong one 0.13: a person confirms anyway,
#: so the cut-off leans to finding them all (tests/test_register.py)
THRESHOLD = 0.15
#: suggestions compare the most recent clusters only: 1,500 take about 4 s and 0.5 GB at worst (bench in the report)
MAX_CLUSTERS = 1500
MAX_SUGGESTIONS = 50
#: a carried_from_id chain longer than this is cut (guards against a cycle in bad data)
MAX_CHAIN = 100
#: reflection text taken into a cluster's text for comparison
MAX_REFLECTION_CHARS = 2000


# --- reading -------------------------------------------------------------------------------------------------


@dataclass
class Occurrence:
    """One thread of a bottleneck in one session (and the sessions it was carried forward to)."""

    day: date
    quarter: str
    visible: bool
    programme_id: int
    programme: str = ""  # empty when the viewer may not see the programme
    session: str = ""
    session_id: int | None = None
    cluster: str = ""
    cluster_ids: tuple[int, ...] = ()
    carried: int = 0  # linked clusters of the same thread beyond the first


@dataclass
class EntryView:
    id: int
    title: str
    level: str | None
    status: str
    status_set: bool  # True when a person set the status
    occurrences: list[Occurrence]
    programmes: int  # distinct programmes it came up in
    per_quarter: dict[str, int]
    commitments: int
    commitments_done: int

    @property
    def count(self) -> int:
        return len(self.occurrences)

    @property
    def hidden(self) -> int:
        return sum(1 for o in self.occurrences if not o.visible)

    @property
    def visible_occurrences(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.visible]


@dataclass
class RegisterView:
    entries: list[EntryView]
    quarters: list[str]
    #: occurrences per quarter over all shown entries
    per_quarter: dict[str, int] = field(default_factory=dict)
    #: occurrences per level (None: not decided) and quarter
    per_level: dict[str | None, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(e.count for e in self.entries)

    @property
    def hidden_programmes(self) -> bool:
        return any(e.hidden for e in self.entries)

    @property
    def max_quarter(self) -> int:
        return max(self.per_quarter.values(), default=0)

    def level_total(self, level: str | None) -> int:
        return sum(self.per_level.get(level, {}).values())

    @property
    def levels(self) -> list[str | None]:
        order = Level.values() + [None]
        return [level for level in order if level in self.per_level]


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def session_day(session_: Session) -> date:
    if session_.started_at:
        return session_.started_at.astimezone(zone()).date()
    if session_.scheduled_at:
        return session_.scheduled_at.date()
    return session_.created_at.astimezone(zone()).date()


def visible_programme_ids(account: Account) -> set[int] | None:
    """None for admins (everything); otherwise the ids of the programmes the account owns or belongs to."""
    if account.is_admin:
        return None
    return {p.id for p in access.programmes_visible_to(account)}


def can_edit(account: Account) -> bool:
    return account.can_facilitate


def _roots(cluster_ids: Iterable[int]) -> dict[int, int]:
    """Each cluster's thread root: the first ancestor along carried_from_id."""
    parents: dict[int, int | None] = {}
    frontier = set(cluster_ids)
    for _ in range(MAX_CHAIN):
        frontier -= parents.keys()
        if not frontier:
            break
        rows = db.session.execute(sa.select(Cluster.id, Cluster.carried_from_id).where(Cluster.id.in_(frontier)))
        for cid, parent in rows:
            parents[cid] = parent
        frontier = {p for cid in frontier if (p := parents.get(cid)) is not None}
    roots = {}
    for cid in cluster_ids:
        seen, current = {cid}, cid
        while (parent := parents.get(current)) is not None and parent not in seen:
            seen.add(parent)
            current = parent
        roots[cid] = current
    return roots


def _commitment_counts(cluster_ids: set[int]) -> dict[int, list[str]]:
    """Statuses of the confirmed commitments that answer each cluster."""
    result: dict[int, list[str]] = defaultdict(list)
    if not cluster_ids:
        return result
    rows = db.session.execute(
        sa.select(CommitmentCluster.cluster_id, Commitment.id, Commitment.status)
        .join(Commitment, Commitment.id == CommitmentCluster.commitment_id)
        .where(CommitmentCluster.cluster_id.in_(cluster_ids), Commitment.pending.is_(False))
    )
    for cid, _cid, status in rows:
        result[cid].append(status)
    return result


def derive_status(override: str | None, statuses: list[str]) -> str:
    if override in STATUSES:
        return override
    live = [s for s in statuses if s != CommitmentStatus.DROPPED.value]
    if live and all(s == CommitmentStatus.DONE.value for s in live):
        return "solved"
    return "commitment" if live else "open"


def build(viewer: Account, entry_ids: Iterable[int] | None = None) -> RegisterView:
    """The register as the viewer may see it (all entries, or the given ones)."""
    visible = visible_programme_ids(viewer)
    query = sa.select(RegisterEntry).order_by(RegisterEntry.id)
    if entry_ids is not None:
        query = query.where(RegisterEntry.id.in_(list(entry_ids)))
    entries = list(db.session.scalars(query))
    by_entry = _linked_clusters([e.id for e in entries])
    all_clusters = {c.id for rows in by_entry.values() for c, _s, _p in rows}
    roots = _roots(all_clusters)
    commitment_statuses = _commitment_counts(all_clusters)

    views = []
    for entry in entries:
        occurrences = _occurrences(by_entry.get(entry.id, []), roots, visible)
        if visible is not None and not any(o.visible for o in occurrences) and entry.created_by != viewer.id:
            continue
        statuses = [s for o in occurrences for cid in o.cluster_ids for s in commitment_statuses.get(cid, [])]
        views.append(
            EntryView(
                id=entry.id,
                title=entry.title,
                level=entry.level,
                status=derive_status(entry.status, statuses),
                status_set=entry.status in STATUSES,
                occurrences=occurrences,
                programmes=len({o.programme_id for o in occurrences}),
                per_quarter=dict(Counter(o.quarter for o in occurrences)),
                commitments=len([s for s in statuses if s != CommitmentStatus.DROPPED.value]),
                commitments_done=statuses.count(CommitmentStatus.DONE.value),
            )
        )
    views.sort(key=lambda v: (-v.count, v.title.lower(), v.id))
    return _tally(views)


def _linked_clusters(entry_ids: list[int]) -> dict[int, list]:
    """Per entry: (cluster, session, programme) of every cluster linked to it."""
    links = db.session.execute(
        sa.select(RegisterLink.entry_id, Cluster, Session, Programme)
        .join(Cluster, Cluster.id == RegisterLink.cluster_id)
        .join(Session, Session.id == Cluster.session_id)
        .join(Programme, Programme.id == Session.programme_id)
        .where(RegisterLink.entry_id.in_(entry_ids))
    ).all()
    by_entry: dict[int, list] = defaultdict(list)
    for entry_id, cluster, session_, programme in links:
        by_entry[entry_id].append((cluster, session_, programme))
    return by_entry


def _occurrences(linked: list, roots: dict[int, int], visible: set[int] | None) -> list[Occurrence]:
    """One occurrence per thread: a cluster and the later clusters carried from it count once, dated by the
    first. What the viewer may not see is counted but not named."""
    threads: dict[int, list] = defaultdict(list)
    for cluster, session_, programme in linked:
        threads[roots[cluster.id]].append((session_day(session_), cluster.id, cluster, session_, programme))
    occurrences = []
    for members in threads.values():
        members.sort(key=lambda m: (m[0], m[1]))
        day, _cid, cluster, session_, programme = members[0]
        shown = visible is None or any(m[4].id in visible for m in members)
        occurrences.append(
            Occurrence(
                day=day,
                quarter=quarter(day),
                visible=shown,
                programme_id=programme.id,
                programme=programme.title if shown else "",
                session=session_.title if shown else "",
                session_id=session_.id if shown else None,
                cluster=cluster.title if shown else "",
                cluster_ids=tuple(m[1] for m in members),
                carried=len(members) - 1,
            )
        )
    occurrences.sort(key=lambda o: (o.day, o.cluster_ids))
    return occurrences


def _tally(views: list[EntryView]) -> RegisterView:
    """Counts per quarter, in all and per level."""
    quarters = sorted({q for v in views for q in v.per_quarter})
    per_quarter = {q: sum(v.per_quarter.get(q, 0) for v in views) for q in quarters}
    per_level: dict[str | None, dict[str, int]] = {}
    for v in views:
        if v.count:
            counts = per_level.setdefault(v.level, dict.fromkeys(quarters, 0))
            for q, n in v.per_quarter.items():
                counts[q] += n
    return RegisterView(entries=views, quarters=quarters, per_quarter=per_quarter, per_level=per_level)


def entry_view(viewer: Account, entry_id: int) -> EntryView | None:
    view = build(viewer, [entry_id])
    return view.entries[0] if view.entries else None


# --- suggestions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterItem:
    id: int
    title: str
    level: str | None
    session: str
    programme: str
    day: date
    entry_id: int | None


@dataclass(frozen=True)
class Suggestion:
    a: ClusterItem
    b: ClusterItem
    score: float

    @property
    def entry_id(self) -> int | None:
        return self.a.entry_id or self.b.entry_id


def _cluster_texts(cluster_ids: list[int]) -> dict[int, str]:
    texts: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(Reflection.cluster_id, Reflection.text)
        .where(Reflection.cluster_id.in_(cluster_ids), Reflection.hidden.is_(False))
        .order_by(Reflection.id)
    )
    for cid, text in rows:
        if cid is not None:  # the query asks for clustered reflections only
            texts[cid].append(text or "")
    return {cid: " ".join(parts)[:MAX_REFLECTION_CHARS] for cid, parts in texts.items()}


def suggestions(viewer: Account, threshold: float = THRESHOLD, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Pairs of clusters of different sessions (and threads) whose texts are alike, that no person has linked
    together or dismissed, best first; a pair with one cluster already in an entry proposes adding the other."""
    visible = visible_programme_ids(viewer)
    query = (
        sa.select(Cluster, Session, Programme)
        .join(Session, Session.id == Cluster.session_id)
        .join(Programme, Programme.id == Session.programme_id)
        .order_by(Cluster.id.desc())
        .limit(MAX_CLUSTERS)
    )
    if visible is not None:
        query = query.where(Session.programme_id.in_(sorted(visible) or [-1]))
    rows = db.session.execute(query).all()
    if len(rows) < 2:
        return []
    ids = [c.id for c, _s, _p in rows]
    docs = _cluster_docs(rows)
    if len(docs) < 2:
        return []
    from facilitation.live import suggest  # scikit-learn loads on first use, not at start-up

    matrix, _corpus = suggest._vectorise(docs)
    order = [d.rid for d in docs]
    info = {c.id: (c, s, p) for c, s, p in rows}
    roots = _roots(ids)
    sessions_of = np.array([info[cid][1].id for cid in order])
    roots_of = np.array([roots[cid] for cid in order])
    candidates = _similar_pairs(matrix, threshold, sessions_of, roots_of)
    found = _new_pairs(candidates, order, info, ids, limit)
    found.sort(key=lambda s: (-s.score, s.a.id, s.b.id))
    return found[:limit]


def _cluster_docs(rows: Sequence[Any]) -> list:
    """One document per cluster, prepared in its session's language."""
    from facilitation.live import suggest  # scikit-learn loads on first use, not at start-up

    reflections = _cluster_texts([c.id for c, _s, _p in rows])
    docs = []
    for language in ("nl", "en"):
        # the title twice: it is what the group agreed the bottleneck is; the reflections add its vocabulary
        items = [
            (c.id, f"{c.title}. {c.title}. {c.description or ''} {reflections.get(c.id, '')}")
            for c, s, _p in rows
            if (s.language == "en") == (language == "en")
        ]
        docs += suggest._prepare(items, language)
    return docs


def _new_pairs(candidates, order: list[int], info: dict, ids: list[int], limit: int) -> list[Suggestion]:
    """The candidate pairs no person dismissed and that are not already in one or two entries."""
    linked = dict(
        db.session.execute(
            sa.select(RegisterLink.cluster_id, RegisterLink.entry_id).where(RegisterLink.cluster_id.in_(ids))
        ).all()
    )
    dismissed = {
        tuple(pair)
        for pair in db.session.execute(
            sa.select(RegisterDismissal.cluster_a_id, RegisterDismissal.cluster_b_id).where(
                RegisterDismissal.cluster_a_id.in_(ids)
            )
        ).all()
    }
    found = []
    for score, i, j in candidates:
        a, b = sorted((order[i], order[j]))
        if (a, b) in dismissed:
            continue
        ea, eb = linked.get(a), linked.get(b)
        if ea is not None and eb is not None:
            continue  # already together, or in two entries (merging entries is a person's decision)
        found.append(Suggestion(_item(info[a], ea), _item(info[b], eb), round(float(score), 3)))
        if len(found) >= limit:
            break
    return found


def _item(row: tuple, entry_id: int | None) -> ClusterItem:
    cluster, session_, programme = row
    return ClusterItem(
        cluster.id, cluster.title, cluster.level, session_.title, programme.title, session_day(session_), entry_id
    )


def _similar_pairs(
    matrix, threshold: float, sessions_of: np.ndarray, roots_of: np.ndarray, block: int = 256
) -> Iterator[tuple[float, int, int]]:
    """(score, i, j) for rows i < j of different sessions and threads with cosine >= threshold, best first.
    Row blocks keep memory bounded: a block of products is dense (the character n-grams are shared widely)."""
    transposed = matrix.T.tocsc()
    scores, firsts, seconds = [], [], []
    for start in range(0, matrix.shape[0], block):
        products = (matrix[start : start + block] @ transposed).toarray()
        i, j = np.nonzero(products >= threshold)
        values = products[i, j]
        i = i + start
        keep = (i < j) & (sessions_of[i] != sessions_of[j]) & (roots_of[i] != roots_of[j])
        scores.append(values[keep])
        firsts.append(i[keep])
        seconds.append(j[keep])
    if not scores:
        return
    score, first, second = np.concatenate(scores), np.concatenate(firsts), np.concatenate(seconds)
    for k in np.lexsort((second, first, -score)):  # lazily: the caller stops at its limit
        yield float(score[k]), int(first[k]), int(second[k])


# --- changes (the caller commits) ----------------------------------------------------------------------------


def _title(value: str) -> str:
    value = " ".join((value or "").replace("\x00", "").split())
    if not value:
        raise CommandError("empty_text", field="title")
    if len(value) > TITLE_MAX:
        raise CommandError("too_long", field="title", limit=TITLE_MAX)
    return value


def _level(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in Level.values():
        raise CommandError("invalid_choice", field="level")
    return value


def _status(value: str | None) -> str | None:
    if value in (None, "", "auto"):
        return None
    if value not in STATUSES:
        raise CommandError("invalid_choice", field="status")
    return value


def editable_cluster(account: Account, cluster_id: int) -> Cluster:
    """The cluster, if the account may link it (it can see the cluster's programme)."""
    cluster = db.session.get(Cluster, cluster_id) if isinstance(cluster_id, int) else None
    if cluster is None:
        raise CommandError("register_not_found")
    visible = visible_programme_ids(account)
    if visible is not None:
        programme_id = db.session.scalar(sa.select(Session.programme_id).where(Session.id == cluster.session_id))
        if programme_id not in visible:
            raise CommandError("register_not_found")
    return cluster


def _require_editor(account: Account) -> None:
    if not can_edit(account):
        raise CommandError("register_forbidden")


def create_entry(
    account: Account, title: str, level: str | None = None, cluster_ids: Iterable[int] = ()
) -> RegisterEntry:
    _require_editor(account)
    clusters = [editable_cluster(account, cid) for cid in cluster_ids]
    if not title and clusters:
        title = clusters[0].title
    entry = RegisterEntry(title=_title(title), level=_level(level), created_by=account.id)
    if entry.level is None:
        levels = Counter(c.level for c in clusters if c.level)
        entry.level = levels.most_common(1)[0][0] if levels else None
    db.session.add(entry)
    db.session.flush()
    for cluster in clusters:
        link(account, entry, cluster.id)
    return entry


def link(account: Account, entry: RegisterEntry, cluster_id: int) -> RegisterLink:
    _require_editor(account)
    cluster = editable_cluster(account, cluster_id)
    existing = db.session.scalar(sa.select(RegisterLink).where(RegisterLink.cluster_id == cluster.id))
    if existing is not None:
        if existing.entry_id == entry.id:
            return existing
        raise CommandError("already_in_register")
    row = RegisterLink(entry_id=entry.id, cluster_id=cluster.id, linked_by=account.id)
    db.session.add(row)
    db.session.flush()
    return row


def unlink(account: Account, entry: RegisterEntry, cluster_id: int) -> None:
    _require_editor(account)
    cluster = editable_cluster(account, cluster_id)
    row = db.session.scalar(
        sa.select(RegisterLink).where(RegisterLink.cluster_id == cluster.id, RegisterLink.entry_id == entry.id)
    )
    if row is None:
        raise CommandError("register_not_found")
    db.session.delete(row)
    db.session.flush()


def update_entry(account: Account, entry: RegisterEntry, title: str, level: str | None, status: str | None) -> None:
    _require_editor(account)
    entry.title, entry.level, entry.status = _title(title), _level(level), _status(status)


def delete_entry(account: Account, entry: RegisterEntry) -> None:
    """Only an entry without links the account cannot see: nobody removes what others linked out of their sight."""
    _require_editor(account)
    visible = visible_programme_ids(account)
    if visible is not None:
        hidden = db.session.scalar(
            sa.select(sa.func.count(RegisterLink.id))
            .join(Cluster, Cluster.id == RegisterLink.cluster_id)
            .join(Session, Session.id == Cluster.session_id)
            .where(RegisterLink.entry_id == entry.id, Session.programme_id.not_in(sorted(visible) or [-1]))
        )
        if hidden:
            raise CommandError("register_forbidden")
    db.session.delete(entry)
    db.session.flush()


def confirm(account: Account, a_id: int, b_id: int) -> RegisterEntry:
    """A person confirms that two clusters are one recurring bottleneck: into the entry one of them is in,
    or a new entry named after the earlier one."""
    _require_editor(account)
    a, b = editable_cluster(account, a_id), editable_cluster(account, b_id)
    if a.id == b.id:
        raise CommandError("invalid_choice", field="cluster")
    entries = {
        cid: db.session.scalar(sa.select(RegisterLink.entry_id).where(RegisterLink.cluster_id == cid))
        for cid in (a.id, b.id)
    }
    existing = {e for e in entries.values() if e is not None}
    if len(existing) > 1:
        raise CommandError("already_in_register")
    if existing:
        entry = db.session.get_one(RegisterEntry, existing.pop())
        for cid in (a.id, b.id):
            link(account, entry, cid)
        return entry
    first, second = sorted((a, b), key=lambda c: (session_day(db.session.get_one(Session, c.session_id)), c.id))
    return create_entry(account, first.title, first.level or second.level, [first.id, second.id])


def dismiss(account: Account, a_id: int, b_id: int) -> None:
    _require_editor(account)
    a, b = sorted((editable_cluster(account, a_id).id, editable_cluster(account, b_id).id))
    if a == b:
        raise CommandError("invalid_choice", field="cluster")
    exists = db.session.scalar(
        sa.select(RegisterDismissal.id).where(RegisterDismissal.cluster_a_id == a, RegisterDismissal.cluster_b_id == b)
    )
    if exists is None:
        db.session.add(RegisterDismissal(cluster_a_id=a, cluster_b_id=b, dismissed_by=account.id))
        db.session.flush()


def linkable_clusters(account: Account, limit: int = 500) -> list[ClusterItem]:
    """Clusters not yet in the register that the account may link, most recent first (for the entry page)."""
    visible = visible_programme_ids(account)
    query = (
        sa.select(Cluster, Session, Programme)
        .join(Session, Session.id == Cluster.session_id)
        .join(Programme, Programme.id == Session.programme_id)
        .where(Cluster.id.not_in(sa.select(RegisterLink.cluster_id)))
        .order_by(Cluster.id.desc())
        .limit(limit)
    )
    if visible is not None:
        query = query.where(Session.programme_id.in_(sorted(visible) or [-1]))
    return [
        ClusterItem(c.id, c.title, c.level, s.title, p.title, session_day(s), None)
        for c, s, p in db.session.execute(query)
    ]


#: register entries and repeated cluster titles offered to the cluster suggestions as examples; the most recent
EXAMPLE_LIMIT = 300


@dataclass(frozen=True)
class SuggestionExample:
    title: str
    texts: tuple[str, ...]
    times: int  # occurrences the viewer may see


def suggestion_examples(viewer: Account, session_: Session) -> list[SuggestionExample]:
    """What facilitators filed before, as examples for the cluster suggestions of session_: each register entry
    with the reflections of its linked clusters, and cluster titles confirmed in two or more earlier sessions.
    Only clusters of programmes the viewer may see count, so no text or count leaks from another programme."""
    visible = visible_programme_ids(viewer)
    query = (
        sa.select(Cluster.id, Cluster.title, RegisterLink.entry_id)
        .join(Session, Session.id == Cluster.session_id)
        .outerjoin(RegisterLink, RegisterLink.cluster_id == Cluster.id)
        .where(Cluster.session_id != session_.id, Session.language == session_.language)
        .order_by(Cluster.id.desc())
        .limit(MAX_CLUSTERS)
    )
    if visible is not None:
        query = query.where(Session.programme_id.in_(visible or {-1}))
    rows = db.session.execute(query).all()
    texts = _cluster_reflections([cid for cid, _, _ in rows])
    by_entry: dict[int, list[int]] = defaultdict(list)
    by_title: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for cid, title, entry_id in rows:
        if entry_id is not None:
            by_entry[entry_id].append(cid)
        elif title and title.strip():
            by_title[title.strip().casefold()].append((title.strip(), cid))
    titles = (
        dict(
            db.session.execute(
                sa.select(RegisterEntry.id, RegisterEntry.title).where(RegisterEntry.id.in_(by_entry))
            ).all()
        )
        if by_entry
        else {}
    )
    examples = [
        SuggestionExample(titles[eid], tuple(t for cid in cids for t in texts.get(cid, [])), len(cids))
        for eid, cids in by_entry.items()
        if eid in titles
    ]
    examples += [
        SuggestionExample(pairs[0][0], tuple(t for _, cid in pairs for t in texts.get(cid, [])), len(pairs))
        for pairs in by_title.values()
        if len(pairs) >= 2
    ]
    return [e for e in examples if e.texts][:EXAMPLE_LIMIT]


def _cluster_reflections(cluster_ids: list[int]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = defaultdict(list)
    if not cluster_ids:
        return texts
    rows = db.session.execute(
        sa.select(Reflection.cluster_id, Reflection.text).where(
            Reflection.cluster_id.in_(cluster_ids), Reflection.hidden.is_(False), Reflection.kind != "success"
        )
    )
    for cid, text in rows:
        if cid is not None:  # the query asks for clustered reflections only
            texts[cid].append((text or "")[:MAX_REFLECTION_CHARS])
    return texts
