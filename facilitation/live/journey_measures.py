"""What a case journey's dated moments say, per journey and across journeys. Pure: no database, no Flask, so
the console, the session report and the patterns page compute the same figures.

Decisions (a researcher can check each against the timeline):
- The timeline's order is the facilitator's order (position); dates are read, never used to reorder.
- A date known only to the month counts as the 15th, and every figure it goes into is marked approximate.
- Days to breakthrough run from the first signal (the first moment of kind "signal"; a journey without one
  starts at its first moment) to the first breakthrough; unknown when either has no date or the dates run
  backwards.
- A rejection is on a new ground when the rejection before it had another ground: the earlier rejection of
  the same application when it points at one that was rejected before, else the journey's previous one.
- A handover without progress: two consecutive moments before the breakthrough (moments without an
  organisation are skipped) of which the second involves none of the organisations of the first.
- The breakthrough followed a crisis when a crisis comes before it on the timeline; days after the last one.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

DAY, MONTH = "day", "month"
#: the day a date known only to its month counts as
MID_MONTH = 15


@dataclass(frozen=True)
class Fact:
    """One moment as the measures need it."""

    id: int
    kind: str
    day: date | None = None
    precision: str | None = None
    organisations: tuple[str, ...] = ()
    law: str | None = None
    ground: str | None = None
    answers: int | None = None

    @property
    def reckoned(self) -> date | None:
        """The day used in sums: the date, or the middle of its month."""
        if self.day is None:
            return None
        return self.day.replace(day=MID_MONTH) if self.precision == MONTH else self.day


@dataclass(frozen=True)
class Handover:
    """Consecutive moments at different organisations before the breakthrough."""

    moment_id: int  # the second moment: where the family was handed to
    from_organisations: tuple[str, ...]
    to_organisations: tuple[str, ...]


@dataclass(frozen=True)
class JourneyMeasures:
    moments: int
    days_to_breakthrough: int | None
    approximate: bool
    applications: int
    rejections: int
    rejections_new_ground: int
    organisations: tuple[str, ...]
    handovers: tuple[Handover, ...]
    has_breakthrough: bool
    after_crisis: bool
    days_after_crisis: int | None
    crisis_approximate: bool
    #: (law or None, ground or None) of each rejection, in order
    rejection_grounds: tuple[tuple[str | None, str | None], ...]
    #: the first dated moment: where the journey sits in a period
    start: date | None
    #: "day", or "month" when only the month of that first date is known
    start_precision: str | None = None

    def as_dict(self) -> dict:
        return {
            "moments": self.moments,
            "days_to_breakthrough": self.days_to_breakthrough,
            "approximate": self.approximate,
            "applications": self.applications,
            "rejections": self.rejections,
            "rejections_new_ground": self.rejections_new_ground,
            "organisations": len(self.organisations),
            "handovers": len(self.handovers),
            "has_breakthrough": self.has_breakthrough,
            "after_crisis": self.after_crisis,
            "days_after_crisis": self.days_after_crisis,
            "crisis_approximate": self.crisis_approximate,
        }


# --- dates people type ----------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NL_DAY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_NL_MONTH = re.compile(r"(\d{1,2})[-/](\d{4})")


def parse_date(text: str) -> tuple[date, str] | None:
    """(date, "day"|"month") from 2024-03-05, 5-3-2024, 2024-03 or 3-2024; None when it is no such date.
    Raises ValueError for a form that fits but names no real day (2024-02-30)."""
    text = text.strip()
    for pattern, order, precision in (
        (_ISO_DAY, (1, 2, 3), DAY),
        (_NL_DAY, (3, 2, 1), DAY),
        (_ISO_MONTH, (1, 2, None), MONTH),
        (_NL_MONTH, (2, 1, None), MONTH),
    ):
        match = pattern.fullmatch(text)
        if match:
            year, month = int(match[order[0]]), int(match[order[1]])
            day = int(match[order[2]]) if order[2] else 1
            return date(year, month, day), precision
    return None


def date_value(day: date | None, precision: str | None) -> str:
    """The form a date is sent and edited in: "2024-03-05", or "2024-03" when only the month is known."""
    if day is None:
        return ""
    return f"{day.year:04d}-{day.month:02d}" if precision == MONTH else day.isoformat()


# --- one journey --------------------------------------------------------------------------------------


def _first(facts: Sequence[Fact], kind: str) -> int | None:
    return next((i for i, f in enumerate(facts) if f.kind == kind), None)


def _days(a: Fact | None, b: Fact | None) -> tuple[int | None, bool]:
    if a is None or b is None or a.reckoned is None or b.reckoned is None:
        return None, False
    days = (b.reckoned - a.reckoned).days
    if days < 0:
        return None, False
    return days, MONTH in (a.precision, b.precision)


def _new_grounds(facts: Sequence[Fact]) -> int:
    count = 0
    earlier: list[Fact] = []
    for fact in facts:
        if fact.kind != "rejection":
            continue
        # the same application's earlier rejection if it had one, else the journey's previous rejection
        same = [r for r in earlier if fact.answers is not None and r.answers == fact.answers]
        previous = same or earlier
        before = previous[-1] if previous else None
        if before is not None and before.ground and fact.ground and before.ground != fact.ground:
            count += 1
        earlier.append(fact)
    return count


def _handovers(facts: Sequence[Fact]) -> tuple[Handover, ...]:
    found, last = [], None
    for fact in facts:
        if fact.kind == "breakthrough":
            break
        if not fact.organisations:
            continue
        if last is not None and not set(last.organisations) & set(fact.organisations):
            found.append(Handover(fact.id, last.organisations, fact.organisations))
        last = fact
    return tuple(found)


def measure(facts: Sequence[Fact]) -> JourneyMeasures:
    """The measures of one journey, its moments in timeline order."""
    facts = list(facts)
    signal = _first(facts, "signal")
    start = facts[signal if signal is not None else 0] if facts else None
    b_index = _first(facts, "breakthrough")
    breakthrough = facts[b_index] if b_index is not None else None
    days, approximate = _days(start, breakthrough)
    crises = [f for f in facts[: b_index or 0] if f.kind == "crisis"]
    crisis_days, crisis_approximate = _days(crises[-1] if crises else None, breakthrough)
    rejections = [f for f in facts if f.kind == "rejection"]
    dated = sorted((f.day, f.precision == MONTH) for f in facts if f.day is not None)
    return JourneyMeasures(
        moments=len(facts),
        days_to_breakthrough=days,
        approximate=approximate,
        applications=sum(1 for f in facts if f.kind == "application"),
        rejections=len(rejections),
        rejections_new_ground=_new_grounds(facts),
        organisations=tuple(dict.fromkeys(o for f in facts for o in f.organisations)),
        handovers=_handovers(facts),
        has_breakthrough=breakthrough is not None,
        after_crisis=bool(crises),
        days_after_crisis=crisis_days,
        crisis_approximate=crisis_approximate,
        rejection_grounds=tuple((f.law, f.ground) for f in rejections),
        start=dated[0][0] if dated else None,
        start_precision=(MONTH if dated[0][1] else DAY) if dated else None,
    )


# --- across journeys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """Days to breakthrough over the journeys where it is known."""

    values: tuple[int, ...]
    q1: float
    median: float
    q3: float

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def low(self) -> int:
        return self.values[0]

    @property
    def high(self) -> int:
        return self.values[-1]


def spread(values: Iterable[int], minimum: int) -> Spread | None:
    """Median and quartiles (inclusive method: the quartiles lie within the data); None from fewer than minimum."""
    ordered = tuple(sorted(values))
    if len(ordered) < max(minimum, 2):
        return None
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(ordered, q1, median, q3)


@dataclass(frozen=True)
class Counted:
    """A thing counted across journeys: how often, and in how many journeys."""

    key: tuple
    times: int
    journeys: int


def counted(per_journey: Iterable[Iterable[tuple]], minimum: int) -> list[Counted]:
    """Counts of keys over journeys, most frequent first, leaving out what comes from fewer than minimum."""
    times: Counter = Counter()
    journeys: Counter = Counter()
    for keys in per_journey:
        keys = list(keys)
        times.update(keys)
        journeys.update(set(keys))
    rows = [Counted(key, times[key], journeys[key]) for key in times if journeys[key] >= minimum]
    return sorted(rows, key=lambda c: (-c.times, -c.journeys, tuple(str(k) for k in c.key)))


@dataclass(frozen=True)
class Patterns:
    journeys: int
    minimum: int
    within_days: int
    spread: Spread | None
    approximate: int  # journeys whose days to breakthrough rest on a month-only date
    with_breakthrough: int
    after_crisis: int  # breakthroughs that followed a crisis
    within: int  # of those, within within_days of the crisis
    grounds: list[Counted] = field(default_factory=list)  # key (law, ground)
    handover_organisations: list[Counted] = field(default_factory=list)  # key (organisation,)

    @property
    def enough(self) -> bool:
        return self.journeys >= self.minimum


def patterns(measures: Sequence[JourneyMeasures], *, minimum: int = 3, within_days: int = 1) -> Patterns:
    """The patterns across journeys; with fewer than minimum journeys nothing but their number."""
    if len(measures) < minimum:
        return Patterns(len(measures), minimum, within_days, None, 0, 0, 0, 0)
    known = [m for m in measures if m.days_to_breakthrough is not None]
    crisis = [m for m in measures if m.has_breakthrough and m.after_crisis]
    return Patterns(
        journeys=len(measures),
        minimum=minimum,
        within_days=within_days,
        spread=spread((m.days_to_breakthrough for m in known if m.days_to_breakthrough is not None), minimum),
        approximate=sum(1 for m in known if m.approximate),
        with_breakthrough=sum(1 for m in measures if m.has_breakthrough),
        after_crisis=len(crisis),
        within=sum(1 for m in crisis if m.days_after_crisis is not None and m.days_after_crisis <= within_days),
        grounds=counted((m.rejection_grounds for m in measures), minimum),
        handover_organisations=counted(
            (
                [(o,) for h in m.handovers for o in dict.fromkeys(h.from_organisations + h.to_organisations)]
                for m in measures
            ),
            minimum,
        ),
    )
