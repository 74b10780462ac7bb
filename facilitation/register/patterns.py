"""Patterns across case journeys: every case reconstruction the reader may see (admins all; facilitators and
organisers the programmes they own or are members of), filtered by programme, period and organisation, with
the measures of facilitation/live/journey_measures.py and the bottlenecks pinned to the journeys' moments.

Decisions:
- A journey is one session's timeline with at least one moment; the session's own title and programme name it.
- The period is that of the journey itself: its first dated moment lies between from and to (both included).
  A journey without any date drops out when a period is chosen.
- Nothing is computed from fewer journeys than PATTERNS_MIN_JOURNEYS (3): not the page as a whole, and not any
  row of it (a rejection ground, an organisation, a bottleneck) that fewer journeys share.
- A bottleneck is pinned to a moment when a reflection in its cluster is pinned there; hidden and room-only
  reflections do not count, as in the reports. It is counted at the kind of that moment, and at "handover"
  when the moment is one where the family was handed over without progress.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from facilitation import config
from facilitation.extensions import db
from facilitation.live import journey_measures as jm
from facilitation.models import Account, Cluster, Moment, Programme, Reflection, RegisterEntry, RegisterLink, Session
from facilitation.people import access

HANDOVER = "handover"
#: breakthrough within this many days of a crisis, unless the reader chooses otherwise
WITHIN_DAYS = 1
MAX_WITHIN_DAYS = 365
#: titles of clusters shown as examples of a bottleneck
MAX_EXAMPLES = 5


def minimum() -> int:
    return max(1, int(config.setting("PATTERNS_MIN_JOURNEYS") or 3))


@dataclass(frozen=True)
class Filters:
    programme_id: int | None = None
    start: date | None = None
    end: date | None = None
    organisation: str | None = None
    within_days: int = WITHIN_DAYS

    def as_args(self) -> dict:
        """As query arguments, for the export links."""
        values = {
            "programme": self.programme_id,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "organisation": self.organisation,
            "within": self.within_days if self.within_days != WITHIN_DAYS else None,
        }
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class Journey:
    session_id: int
    title: str
    programme_id: int
    programme: str
    measures: jm.JourneyMeasures
    #: moment id -> where a bottleneck pinned there is counted (its kind, and HANDOVER)
    places: dict[int, tuple[str, ...]]


@dataclass(frozen=True)
class PinnedBottleneck:
    """A register entry whose clusters were pinned to moments of at least `minimum` journeys."""

    entry_id: int
    title: str
    journeys: int
    places: dict[str, int]  # where -> journeys
    examples: tuple[str, ...]


@dataclass
class PatternsView:
    filters: Filters
    programmes: list[Programme]
    journeys: list[Journey]
    patterns: jm.Patterns
    #: where (a moment kind or HANDOVER) -> journeys with a bottleneck pinned there, and example clusters
    places: list[tuple[str, int, tuple[str, ...]]] = field(default_factory=list)
    bottlenecks: list[PinnedBottleneck] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.patterns.enough


def _facts_by_session(programme_ids: list[int]) -> dict[int, list[jm.Fact]]:
    """Every moment of the programmes' sessions as a Fact, in timeline order. Plain rows on the connection, not
    ORM objects, and the organisations' JSON read in one go: twenty thousand moments load in a fraction of the
    time."""
    rows = (
        db.session.connection()
        .execute(
            sa.select(
                Moment.session_id,
                Moment.id,
                Moment.kind,
                Moment.on_date,
                Moment.date_precision,
                sa.type_coerce(Moment.organisations, sa.Text),
                Moment.law,
                Moment.ground,
                Moment.answers_id,
            )
            .join(Session, Session.id == Moment.session_id)
            .where(Session.programme_id.in_(programme_ids))
            .order_by(Moment.session_id, Moment.position, Moment.id)
        )
        .all()
    )
    # SQLite hands the JSON over as text, PostgreSQL's driver already parsed: one json.loads for all the text
    texts = [row[5] if isinstance(row[5], str) else json.dumps(row[5]) for row in rows]
    organisations = json.loads(f"[{','.join(texts)}]") if texts else []
    grouped: dict[int, list[jm.Fact]] = defaultdict(list)
    for (session_id, moment_id, kind, day, precision, _o, law, ground, answers), orgs in zip(
        rows, organisations, strict=True
    ):
        grouped[session_id].append(jm.Fact(moment_id, kind, day, precision, tuple(orgs or ()), law, ground, answers))
    return grouped


def _keep(measures: jm.JourneyMeasures, filters: Filters) -> bool:
    if filters.organisation and filters.organisation not in measures.organisations:
        return False
    if filters.start or filters.end:
        if measures.start is None:
            return False
        if filters.start and measures.start < filters.start or filters.end and measures.start > filters.end:
            return False
    return True


def _journeys(programmes: list[Programme], filters: Filters) -> list[Journey]:
    chosen = [p for p in programmes if filters.programme_id in (None, p.id)]
    if not chosen:
        return []
    names = {p.id: p.title for p in chosen}
    grouped = _facts_by_session([p.id for p in chosen])
    sessions = db.session.execute(
        sa.select(Session.id, Session.title, Session.programme_id).where(Session.id.in_(list(grouped)))
    ).all()
    found = []
    for session_id, title, programme_id in sorted(sessions, key=lambda row: row.id):
        moments = grouped[session_id]
        measures = jm.measure(moments)
        if not _keep(measures, filters):
            continue
        handed = {h.moment_id for h in measures.handovers}
        places: dict[int, tuple[str, ...]] = {
            m.id: (m.kind, HANDOVER) if m.id in handed else (m.kind,) for m in moments
        }
        found.append(Journey(session_id, title, programme_id, names[programme_id], measures, places))
    # in the order they started; journeys without any date last
    return sorted(found, key=lambda j: (j.measures.start is None, j.measures.start or date.min, j.session_id))


def _pins(journeys: list[Journey]) -> list[tuple]:
    """(session id, moment id, cluster title, register entry id or None, entry title) of reportable pins."""
    moment_ids = [mid for j in journeys for mid in j.places]
    if not moment_ids:
        return []
    query = (
        sa.select(Reflection.session_id, Reflection.moment_id, Cluster.title, RegisterEntry.id, RegisterEntry.title)
        .join(Cluster, Cluster.id == Reflection.cluster_id)
        .outerjoin(RegisterLink, RegisterLink.cluster_id == Cluster.id)
        .outerjoin(RegisterEntry, RegisterEntry.id == RegisterLink.entry_id)
        .where(Reflection.hidden.is_(False), Reflection.room_only.is_(False))
    )
    rows: list[tuple] = []
    # in chunks: a thousand journeys of twenty moments pass more ids than SQLite takes in one IN
    for start in range(0, len(moment_ids), 5000):
        chunk = moment_ids[start : start + 5000]
        rows.extend(db.session.execute(query.where(Reflection.moment_id.in_(chunk))).all())
    return rows


def _bottlenecks(journeys: list[Journey], least: int) -> tuple[list, list[PinnedBottleneck]]:
    places_of = {mid: where for j in journeys for mid, where in j.places.items()}
    at_place: dict[str, set[int]] = defaultdict(set)
    place_examples: dict[str, dict[str, None]] = defaultdict(dict)
    entries: dict[int, dict] = {}
    for session_id, moment_id, cluster_title, entry_id, entry_title in _pins(journeys):
        for where in places_of[moment_id]:
            at_place[where].add(session_id)
            place_examples[where][cluster_title] = None
        if entry_id is not None:
            entry = entries.setdefault(entry_id, {"title": entry_title, "journeys": set(), "places": defaultdict(set)})
            entry["journeys"].add(session_id)
            entry["examples"] = {**entry.get("examples", {}), cluster_title: None}
            for where in places_of[moment_id]:
                entry["places"][where].add(session_id)
    places = sorted(
        (
            (where, len(ids), tuple(list(place_examples[where])[:MAX_EXAMPLES]))
            for where, ids in at_place.items()
            if len(ids) >= least
        ),
        key=lambda row: (-row[1], row[0]),
    )
    pinned = [
        PinnedBottleneck(
            entry_id,
            e["title"],
            len(e["journeys"]),
            {w: len(ids) for w, ids in e["places"].items() if len(ids) >= least},
            tuple(list(e["examples"])[:MAX_EXAMPLES]),
        )
        for entry_id, e in entries.items()
        if len(e["journeys"]) >= least
    ]
    return places, sorted(pinned, key=lambda b: (-b.journeys, b.title))


def build(viewer: Account, filters: Filters, *, bottlenecks: bool = True) -> PatternsView:
    """The patterns over the journeys `viewer` may see that pass `filters`; without the pinned bottlenecks
    when `bottlenecks` is False (the CSV has one row per journey and no place for them)."""
    programmes = access.programmes_visible_to(viewer)
    journeys = _journeys(programmes, filters)
    least = minimum()
    summary = jm.patterns([j.measures for j in journeys], minimum=least, within_days=filters.within_days)
    view = PatternsView(filters, programmes, journeys, summary)
    if summary.enough and bottlenecks:
        view.places, view.bottlenecks = _bottlenecks(journeys, least)
    return view
