"""What a report says, gathered by a few queries into plain dataclasses; no wording, no layout.

Every renderer (Word, Markdown, CSV, JSON) reads these objects only, so a feature that adds data to
the reports extends a dataclass and its query here, and then the section that shows it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from facilitation import config, formats
from facilitation.extensions import db
from facilitation.live import fishbowl, journey_measures, participation, voting
from facilitation.live.disciplines import DisciplineGroup, min_group, session_groups, small_levels
from facilitation.live.journey_measures import JourneyMeasures
from facilitation.models import (
    Account,
    Case,
    Cluster,
    Commitment,
    CommitmentCluster,
    CommitmentUpdate,
    Event,
    FishbowlRound,
    Level,
    Moment,
    Participant,
    Programme,
    ProgrammeGoal,
    Reflection,
    Session,
    Vote,
    utcnow,
)
from facilitation.register.goals import LevelGoals, goals_by_level
from facilitation.text.dates import today, zone

#: the order levels appear in everywhere: from the work floor to the board
LEVEL_ORDER = tuple(Level.values())


@dataclass(frozen=True)
class ReflectionItem:
    id: int
    kind: str
    text: str
    #: the level the reflection is about; None when the facilitator entered it without one
    level: str | None
    phase_key: str
    #: the author's display name, only when they chose to show it with this reflection
    author: str | None
    by_facilitator: bool
    cluster_id: int | None
    created_at: datetime
    #: the moment of the case's journey it is pinned to
    moment_id: int | None = None


@dataclass(frozen=True)
class MomentItem:
    """A moment of the case's journey (maatwerkreis) with the reportable reflections pinned to it."""

    id: int
    kind: str
    title: str
    when: str
    description: str
    reflections: tuple[ReflectionItem, ...]
    #: the date, and "day" or "month" (only the month is known); None when not given
    on_date: date | None = None
    date_precision: str | None = None
    organisations: tuple[str, ...] = ()
    law: str | None = None
    ground: str | None = None
    #: for a rejection: the id of the application (a moment of this journey) it answers
    answers_id: int | None = None


@dataclass(frozen=True)
class ClusterItem:
    """Knelpunt: a bottleneck cluster with its visible reflections and the dots it got."""

    id: int
    title: str
    description: str
    #: where it must be solved; None while the group has not decided
    level: str | None
    tags: tuple[str, ...]
    votes: int
    voters: int
    reflections: tuple[ReflectionItem, ...]
    #: the cluster of an earlier session of the programme it was carried forward from
    carried_from_id: int | None = None

    def raised_at(self) -> Counter:
        """How many of its reflections are about each level (None: level not given)."""
        return Counter(r.level for r in self.reflections)


@dataclass(frozen=True)
class UpdateItem:
    """A dated status change or note on a commitment; `session_title` names the session it was made in."""

    status: str
    note: str
    at: datetime
    session_title: str | None


@dataclass(frozen=True)
class CommitmentItem:
    id: int
    what: str
    owner: str
    level: str | None
    due_date: date | None
    status: str
    #: the bottleneck clusters it answers (of its own session), in cluster order
    cluster_ids: tuple[int, ...]
    cluster_titles: tuple[str, ...]
    created_at: datetime
    updates: tuple[UpdateItem, ...] = ()
    #: the programme goal it serves, as the programme lead wrote it
    goal_title: str | None = None

    @property
    def cluster_title(self) -> str | None:
        """The bottlenecks it answers as one line, or None."""
        return "; ".join(self.cluster_titles) or None

    @property
    def cluster_id(self) -> int | None:
        return self.cluster_ids[0] if self.cluster_ids else None


@dataclass(frozen=True)
class FollowupItem:
    """An earlier commitment of the programme that was updated in this session, with those updates."""

    commitment: CommitmentItem
    session_title: str
    updates: tuple[UpdateItem, ...]


@dataclass(frozen=True)
class ThreadStep:
    """One session a carried bottleneck passed through, earliest first: its title there and the first of the
    reflections behind it."""

    session_title: str
    day: date | None
    cluster_title: str
    reflections: tuple[str, ...]


@dataclass(frozen=True)
class CarriedItem:
    """A cluster carried into this session from earlier ones: the thread from the first reflection."""

    cluster_id: int
    title: str
    steps: tuple[ThreadStep, ...]


@dataclass(frozen=True)
class LevelParticipation:
    """Counts per level; never who."""

    level: str
    participants: int
    reflections: int
    dots: int


@dataclass(frozen=True)
class PhaseItem:
    key: str
    #: in the session's language
    title: str


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: datetime
    #: the command name, e.g. "reflection.post"
    name: str
    #: "facilitator", "participant" or "system"; never a name
    actor: str
    #: the participant's level when a participant acted
    level: str | None
    #: a harmless detail for some events (a phase title, a reflection kind); never a participant's text
    detail: str | None


@dataclass(frozen=True)
class FishbowlRoundItem:
    """One round of the fishbowl: the topic (a bottleneck cluster's title) and when the circle talked about it."""

    number: int
    topic: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class FishbowlItem:
    """The fishbowl of a session: rounds, how often someone took a chair, and chair time per level."""

    chairs: int
    rounds: tuple[FishbowlRoundItem, ...]
    #: how many times someone sat down in the inner circle
    turns: int
    #: (level, seconds) for every level from the work floor to the board
    seconds_per_level: tuple[tuple[str, float], ...]
    #: (level, whole percentage of all chair time), adding up to 100 when there was any
    percent_per_level: tuple[tuple[str, int], ...]

    @property
    def total_seconds(self) -> float:
        return sum(seconds for _, seconds in self.seconds_per_level)


@dataclass(frozen=True)
class SessionReport:
    id: int
    title: str
    language: str
    status: str
    join_code: str
    programme_id: int
    programme_title: str
    format_key: str
    #: in the session's language
    format_title: str
    format_mode: str
    facilitator_name: str
    scheduled_at: datetime | None
    started_at: datetime | None
    closed_at: datetime | None
    #: invited levels, and the levels of the people who actually joined
    levels_invited: tuple[str, ...]
    levels_present: tuple[str, ...]
    case_title: str | None
    #: Markdown source; renderers sanitise it through facilitation.text.markdown
    case_markdown: str | None
    phases: tuple[PhaseItem, ...]
    participation: tuple[LevelParticipation, ...]
    participants_total: int
    #: reflections the facilitator entered for someone without a phone
    facilitator_reflections: int
    #: visible reflections only: hidden ones never reach a report
    reflections: tuple[ReflectionItem, ...]
    clusters: tuple[ClusterItem, ...]
    commitments: tuple[CommitmentItem, ...]
    #: the day it took place (in the organisation's time zone), or was planned
    day: date | None = None
    #: None unless asked for
    timeline: tuple[TimelineEntry, ...] | None = None
    #: None when the session had no fishbowl rounds or seats
    fishbowl: FishbowlItem | None = None
    #: earlier commitments of the programme updated in this session (a follow-up)
    followup: tuple[FollowupItem, ...] = ()
    #: bottlenecks carried into this session, with where they came from
    carried: tuple[CarriedItem, ...] = ()
    #: counts per discipline, only groups of at least DISCIPLINE_MIN_GROUP people (smaller ones in "other")
    disciplines: tuple[DisciplineGroup, ...] = ()
    #: of participants_total, the people without a phone the facilitator entered reflections and votes for
    proxy_participants: int = 0
    #: the case's journey in order (case reconstruction); empty when the facilitator laid out none
    moments: tuple[MomentItem, ...] = ()
    #: what the journey's dated moments say (facilitation/live/journey_measures.py); None without moments
    journey_measures: JourneyMeasures | None = None

    @property
    def total_votes(self) -> int:
        return sum(c.votes for c in self.clusters)

    def phase_title(self, key: str) -> str:
        for phase in self.phases:
            if phase.key == key:
                return phase.title
        return key


@dataclass(frozen=True)
class CaseItem:
    id: int
    title: str
    markdown: str
    #: titles of the programme's sessions that discussed it
    session_titles: tuple[str, ...]


@dataclass(frozen=True)
class ProgrammeReport:
    id: int
    title: str
    description: str
    language: str
    sessions: tuple[SessionReport, ...]
    cases: tuple[CaseItem, ...] = field(default_factory=tuple)
    #: the four levels with the programme's goals, the commitments serving them, and the bottlenecks no
    #: commitment answers (register.goals)
    goals: tuple[LevelGoals, ...] = field(default_factory=tuple)

    @property
    def has_goals(self) -> bool:
        return any(level.goals for level in self.goals)

    @property
    def first_day(self) -> date | None:
        days = [s.day for s in self.sessions if s.day]
        return min(days) if days else None

    @property
    def last_day(self) -> date | None:
        days = [s.day for s in self.sessions if s.day]
        return max(days) if days else None


# --- queries -----------------------------------------------------------------------------------


def _day(session_: Session) -> date | None:
    if session_.started_at:
        return session_.started_at.astimezone(zone()).date()
    # the planning form keeps the wall-clock time it was given, so its date is taken as is
    return session_.scheduled_at.date() if session_.scheduled_at else None


@dataclass(frozen=True)
class _People:
    """Who joined a session, as the report may show them."""

    total: int
    #: people without a phone, whose reflections and votes the facilitator entered
    proxies: frozenset[int]
    level_of: dict[int, str | None]
    names: dict[int, str | None]
    #: levels fewer than the threshold joined at: never shown with a reflection or counted on their own
    small: frozenset[str]


def _people(sid: int) -> _People:
    rows = db.session.execute(
        sa.select(Participant.id, Participant.level, Participant.display_name, Participant.proxy).where(
            Participant.session_id == sid
        )
    ).all()
    level_of = {row.id: row.level for row in rows}
    return _People(
        total=len(rows),
        proxies=frozenset(row.id for row in rows if row.proxy),
        level_of=level_of,
        names={row.id: row.display_name for row in rows},
        small=frozenset(small_levels(Counter(level_of.values()))),
    )


def gather_session(session_: Session, *, timeline: bool = False) -> SessionReport:
    """Everything a session report shows, in a fixed number of queries whatever the session's size."""
    fmt = formats.installed().get(session_.format_key)
    language = session_.language
    sid = session_.id
    people = _people(sid)
    level_of, proxies, small = people.level_of, people.proxies, people.small
    reflections, written = _reflection_items(sid, people)
    votes, dots_by_level = _vote_counts(sid, level_of)
    clusters = _cluster_items(sid, reflections, votes)
    commitments = _commitment_items(sid, clusters)
    joined = Counter(level_of.values())
    participation = _participation(joined, written, dots_by_level, small)
    moments = _moment_items(sid, reflections)

    facilitator = db.session.get(Account, session_.facilitator_id)
    case: Case | None = db.session.get(Case, session_.case_id) if session_.case_id else None
    programme = db.session.get_one(Programme, session_.programme_id)
    phases = tuple(PhaseItem(key=p.key, title=p.title.get(language)) for p in fmt.phases) if fmt else ()
    # levels that would single someone out stay out of the timeline
    shown_levels = {k: v for k, v in level_of.items() if v is not None and v not in small}
    return SessionReport(
        id=sid,
        title=session_.title,
        language=language,
        status=session_.status,
        join_code=session_.join_code,
        programme_id=programme.id,
        programme_title=programme.title,
        format_key=session_.format_key,
        format_title=fmt.title.get(language) if fmt else session_.format_key,
        format_mode=fmt.mode if fmt else "",
        facilitator_name=facilitator.name if facilitator else "",
        scheduled_at=session_.scheduled_at,
        started_at=session_.started_at,
        closed_at=session_.closed_at,
        levels_invited=tuple(level for level in LEVEL_ORDER if level in (session_.levels or [])),
        levels_present=tuple(level for level in LEVEL_ORDER if joined[level]),
        case_title=case.title if case else None,
        case_markdown=case.description if case else None,
        phases=phases,
        participation=participation,
        participants_total=people.total,
        facilitator_reflections=sum(1 for r in reflections if r.by_facilitator),
        reflections=tuple(reflections),
        clusters=tuple(clusters),
        commitments=commitments,
        day=_day(session_),
        timeline=_timeline(session_, shown_levels, fmt) if timeline else None,
        fishbowl=_fishbowl(session_, fmt),
        followup=_followup(session_),
        carried=_carried(session_),
        disciplines=session_groups(sid, for_report=True),
        proxy_participants=len(proxies),
        moments=moments,
        journey_measures=journey_measures.measure([_fact(m) for m in moments]) if moments else None,
    )


def _reflection_items(sid: int, people: _People) -> tuple[list[ReflectionItem], Counter]:
    """The reflections a report may show (participation.reportable_reflections), and how many each level
    wrote."""
    reflections = []
    written: Counter = Counter()
    for r in db.session.scalars(participation.reportable_reflections(sid)):
        author = people.names.get(r.participant_id) if r.show_name else None
        own_small_level = r.level in people.small and r.level == people.level_of.get(r.participant_id)
        reflections.append(
            ReflectionItem(
                id=r.id,
                kind=r.kind,
                text=r.text,
                level=None if own_small_level else r.level,
                phase_key=r.phase_key,
                author=author or None,
                by_facilitator=r.participant_id is None or r.participant_id in people.proxies,
                cluster_id=r.cluster_id,
                created_at=r.created_at,
                moment_id=r.moment_id,
            )
        )
        if r.participant_id is not None:
            written[people.level_of.get(r.participant_id)] += 1
    return reflections, written


def _vote_counts(sid: int, level_of: dict) -> tuple[dict[int, tuple[int, int]], Counter]:
    """Per cluster (dots, voters), and dots given per level. The report weighs by the last round of dot
    voting (a later round re-weighs the earlier ones)."""
    last_round = voting.report_round_id(sid)
    votes = {
        row.cluster_id: (int(row.dots or 0), int(row.voters))
        for row in db.session.execute(
            sa.select(
                Vote.cluster_id,
                sa.func.sum(Vote.dots).label("dots"),
                sa.func.count(sa.distinct(Vote.participant_id)).label("voters"),
            )
            .where(Vote.round_id == last_round, Vote.dots > 0)
            .group_by(Vote.cluster_id)
        )
    }
    dots_by_level: Counter = Counter()
    for row in db.session.execute(
        sa.select(Vote.participant_id, sa.func.sum(Vote.dots).label("dots"))
        .where(Vote.round_id == last_round)
        .group_by(Vote.participant_id)
    ):
        dots_by_level[level_of.get(row.participant_id)] += int(row.dots or 0)
    return votes, dots_by_level


def _cluster_items(sid: int, reflections: list[ReflectionItem], votes: dict) -> list[ClusterItem]:
    in_cluster: dict[int, list[ReflectionItem]] = {}
    for item in reflections:
        if item.cluster_id is not None:
            in_cluster.setdefault(item.cluster_id, []).append(item)
    clusters = [
        ClusterItem(
            id=c.id,
            title=c.title,
            description=c.description or "",
            level=c.level,
            tags=tuple(c.tags or ()),
            votes=votes.get(c.id, (0, 0))[0],
            voters=votes.get(c.id, (0, 0))[1],
            reflections=tuple(in_cluster.get(c.id, ())),
            carried_from_id=c.carried_from_id,
        )
        for c in db.session.scalars(
            sa.select(Cluster).where(Cluster.session_id == sid).order_by(Cluster.position, Cluster.id)
        )
    ]
    return clusters


def _commitment_items(sid: int, clusters: list[ClusterItem]) -> tuple[CommitmentItem, ...]:
    cluster_titles = {c.id: c.title for c in clusters}
    # proposals nobody confirmed are not commitments
    made = list(
        db.session.scalars(
            sa.select(Commitment)
            .where(Commitment.session_id == sid, Commitment.pending.is_(False))
            .order_by(Commitment.created_at, Commitment.id)
        )
    )
    answers: dict[int, list[int]] = {}
    for commitment_id, cluster_id in db.session.execute(
        sa.select(CommitmentCluster.commitment_id, CommitmentCluster.cluster_id)
        .join(Commitment, Commitment.id == CommitmentCluster.commitment_id)
        .where(Commitment.session_id == sid)
    ):
        answers.setdefault(commitment_id, []).append(cluster_id)
    updates: dict[int, list[UpdateItem]] = {}
    for row in db.session.execute(
        sa.select(CommitmentUpdate, Session.title)
        .join(Commitment, Commitment.id == CommitmentUpdate.commitment_id)
        .outerjoin(Session, Session.id == CommitmentUpdate.session_id)
        .where(Commitment.session_id == sid)
        .order_by(CommitmentUpdate.created_at, CommitmentUpdate.id)
    ):
        update, title = row
        updates.setdefault(update.commitment_id, []).append(
            UpdateItem(status=update.status, note=update.note or "", at=update.created_at, session_title=title)
        )
    goals = dict(
        db.session.execute(
            sa.select(Commitment.id, ProgrammeGoal.title)
            .join(ProgrammeGoal, ProgrammeGoal.id == Commitment.goal_id)
            .where(Commitment.session_id == sid)
        ).all()
    )
    position = {c.id: index for index, c in enumerate(clusters)}
    commitments = []
    for c in made:
        linked = sorted((i for i in answers.get(c.id, []) if i in cluster_titles), key=position.__getitem__)
        commitments.append(
            CommitmentItem(
                id=c.id,
                what=c.what,
                owner=c.owner or "",
                level=c.level,
                due_date=c.due_date,
                status=c.status,
                cluster_ids=tuple(linked),
                cluster_titles=tuple(cluster_titles[i] for i in linked),
                created_at=c.created_at,
                updates=tuple(updates.get(c.id, ())),
                goal_title=goals.get(c.id),
            )
        )
    return tuple(commitments)


def _fact(m: MomentItem) -> journey_measures.Fact:
    return journey_measures.Fact(
        m.id, m.kind, m.on_date, m.date_precision, m.organisations, m.law, m.ground, m.answers_id
    )


def _moment_items(sid: int, reflections: list[ReflectionItem]) -> tuple[MomentItem, ...]:
    return tuple(
        MomentItem(
            id=m.id,
            kind=m.kind,
            title=m.title,
            when=m.when or "",
            description=m.description or "",
            reflections=tuple(r for r in reflections if r.moment_id == m.id),
            on_date=m.on_date,
            date_precision=m.date_precision,
            organisations=tuple(m.organisations or ()),
            law=m.law,
            ground=m.ground,
            answers_id=m.answers_id,
        )
        for m in db.session.scalars(
            sa.select(Moment).where(Moment.session_id == sid).order_by(Moment.position, Moment.id)
        )
    )


#: the row of the participation table that merges the levels too few people joined at
OTHER_LEVELS = "other"


def _participation(joined: Counter, written: Counter, dots: Counter, small: frozenset[str]) -> tuple:
    """Counts per level with at least the threshold of people (as disciplines); the smaller ones merge into
    OTHER_LEVELS, which is left out while it is still below the threshold or would be the only row."""
    rows = [
        LevelParticipation(level=level, participants=joined[level], reflections=written[level], dots=dots[level])
        for level in LEVEL_ORDER
        if joined[level] and level not in small
    ]
    merged = sum(joined[level] for level in small)
    if rows and merged >= min_group():
        rows.append(
            LevelParticipation(
                level=OTHER_LEVELS,
                participants=merged,
                reflections=sum(written[level] for level in small),
                dots=sum(dots[level] for level in small),
            )
        )
    return tuple(rows)


def _followup(session_: Session) -> tuple[FollowupItem, ...]:
    """Commitments of the programme's other sessions that got a status update or note in this session."""
    rows = db.session.execute(
        sa.select(CommitmentUpdate, Commitment, Session.title)
        .join(Commitment, Commitment.id == CommitmentUpdate.commitment_id)
        .join(Session, Session.id == Commitment.session_id)
        .where(CommitmentUpdate.session_id == session_.id, Commitment.session_id != session_.id)
        .order_by(CommitmentUpdate.created_at, CommitmentUpdate.id)
    ).all()
    if not rows:
        return ()
    found: dict[int, tuple[Commitment, str, list[UpdateItem]]] = {}
    for update, commitment, title in rows:
        found.setdefault(commitment.id, (commitment, title, []))[2].append(
            UpdateItem(status=update.status, note=update.note or "", at=update.created_at, session_title=session_.title)
        )
    titles: dict[int, list[str]] = {}
    for commitment_id, cluster_title in db.session.execute(
        sa.select(CommitmentCluster.commitment_id, Cluster.title)
        .join(Cluster, Cluster.id == CommitmentCluster.cluster_id)
        .where(CommitmentCluster.commitment_id.in_(found))
        .order_by(Cluster.position, Cluster.id)
    ):
        titles.setdefault(commitment_id, []).append(cluster_title)
    items = []
    for commitment, title, updates in found.values():
        item = CommitmentItem(
            id=commitment.id,
            what=commitment.what,
            owner=commitment.owner or "",
            level=commitment.level,
            due_date=commitment.due_date,
            status=commitment.status,
            cluster_ids=(),
            cluster_titles=tuple(titles.get(commitment.id, ())),
            created_at=commitment.created_at,
        )
        items.append(FollowupItem(commitment=item, session_title=title, updates=tuple(updates)))
    return tuple(items)


def _carried(session_: Session) -> tuple[CarriedItem, ...]:
    """Each carried cluster's chain back to the session where it was first named, earliest first."""
    carried = list(
        db.session.scalars(
            sa.select(Cluster)
            .where(Cluster.session_id == session_.id, Cluster.carried_from_id.is_not(None))
            .order_by(Cluster.position, Cluster.id)
        )
    )
    items = []
    for cluster in carried:
        steps: list[Any] = []
        seen = {cluster.id}
        current = cluster
        while current.carried_from_id is not None and current.carried_from_id not in seen and len(steps) < 10:
            earlier = db.session.get(Cluster, current.carried_from_id)
            if earlier is None:
                break
            seen.add(earlier.id)
            home = db.session.get(Session, earlier.session_id)
            # the same rule as the session's own reflections: nothing hidden or said "for the room only"
            reportable = participation.reportable_reflections(earlier.session_id)
            texts = tuple(r.text for r in db.session.scalars(reportable.where(Reflection.cluster_id == earlier.id)))
            steps.append(
                ThreadStep(
                    session_title=home.title if home else "",
                    day=_day(home) if home else None,
                    cluster_title=earlier.title,
                    reflections=texts,
                )
            )
            current = earlier
        items.append(CarriedItem(cluster_id=cluster.id, title=cluster.title, steps=tuple(reversed(steps))))
    return tuple(items)


def _fishbowl(session_: Session, fmt) -> FishbowlItem | None:
    rounds = tuple(
        FishbowlRoundItem(number=r.number, topic=r.topic, started_at=r.started_at, ended_at=r.ended_at)
        for r in db.session.scalars(
            sa.select(FishbowlRound).where(FishbowlRound.session_id == session_.id).order_by(FishbowlRound.number)
        )
    )
    spoken = fishbowl.speaking_time(session_.id, session_.closed_at or utcnow())
    if not rounds and not spoken.turns:
        return None
    chairs = fishbowl.chairs_of(session_, fmt)[0] if fmt else 0
    percentages = spoken.percentages()
    return FishbowlItem(
        chairs=chairs,
        rounds=rounds,
        turns=spoken.turns,
        seconds_per_level=tuple((level, spoken.per_level.get(level, 0.0)) for level in LEVEL_ORDER),
        percent_per_level=tuple((level, percentages.get(level, 0)) for level in LEVEL_ORDER),
    )


def _timeline(session_: Session, level_of: dict[int, str], fmt) -> tuple[TimelineEntry, ...]:
    entries = []
    kept = set(db.session.scalars(sa.select(Reflection.id).where(Reflection.session_id == session_.id)))
    for event in db.session.scalars(sa.select(Event).where(Event.session_id == session_.id).order_by(Event.seq)):
        if participation.withdrawn_event(event, kept):
            continue  # what its author took back leaves no trace in a report, not even when it was posted
        kind = event.actor.split(":", 1)[0]
        actor = {"account": "facilitator", "participant": "participant"}.get(kind, "system")
        level = (
            level_of.get(event.participant_id)
            if event.participant_id is not None and (actor == "participant" or event.name == "participant.join")
            else None
        )
        if event.name == "participant.join":
            actor = "participant"
        entries.append(
            TimelineEntry(
                seq=event.seq,
                at=event.created_at,
                name=event.name,
                actor=actor,
                level=level,
                detail=_detail(event.name, event.payload, fmt, session_.language),
            )
        )
    return tuple(entries)


def _detail(name: str, payload: Any, fmt, language: str) -> str | None:
    """Only what cannot identify anyone or reveal a hidden reflection: never texts or names."""
    if not isinstance(payload, dict):
        return None
    if name in ("phase.goto", "session.start") and fmt is not None:
        phase = fmt.phase(payload.get("phase_index"))
        return phase.title.get(language) if phase else None
    if name in ("reflection.post", "reflection.unhide"):
        return payload.get("kind") if isinstance(payload.get("kind"), str) else None
    return None


def session_language_of(sessions: list[Session] | tuple[SessionReport, ...], default: str) -> str:
    """A programme has no language of its own: the one most of its sessions use."""
    counts = Counter(s.language for s in sessions)
    return counts.most_common(1)[0][0] if counts else default


def gather_programme(programme: Programme, *, language: str | None = None) -> ProgrammeReport:
    sessions = list(
        db.session.scalars(
            sa.select(Session).where(Session.programme_id == programme.id).order_by(Session.created_at, Session.id)
        )
    )
    reports = sorted((gather_session(s) for s in sessions), key=lambda s: (s.day or date.max, s.id))
    cases = tuple(
        CaseItem(
            id=case.id,
            title=case.title,
            markdown=case.description or "",
            session_titles=tuple(s.title for s in sessions if s.case_id == case.id),
        )
        for case in db.session.scalars(sa.select(Case).where(Case.programme_id == programme.id).order_by(Case.id))
    )
    return ProgrammeReport(
        id=programme.id,
        title=programme.title,
        description=programme.description or "",
        language=language or session_language_of(sessions, config.setting("BABEL_DEFAULT_LOCALE")),
        sessions=tuple(reports),
        cases=cases,
        goals=goals_by_level(programme.id, today()),
    )
