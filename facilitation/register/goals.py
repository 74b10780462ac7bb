"""A programme's goals per level, measured against its commitments (read only): for each of the four levels
its learning and change goals, the confirmed commitments serving each with their status, how many commitments
at that level serve no goal yet, and the bottlenecks to be solved at that level that no commitment answers.

The programme page and the programme report (Word, Markdown, CSV, JSON) show the same objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from facilitation.models import Level
from facilitation.programmes.goals import list_goals
from facilitation.register.commitments import programme_dashboard


@dataclass(frozen=True)
class ServingCommitment:
    id: int
    what: str
    owner: str
    status: str
    due_date: date | None
    overdue: bool
    #: the title of the session it was made in
    session: str


@dataclass(frozen=True)
class GoalItem:
    id: int
    level: str
    #: "learning" (leerdoel) or "change" (veranderdoel)
    kind: str
    title: str
    description: str
    commitments: tuple[ServingCommitment, ...]

    @property
    def done(self) -> int:
        return sum(1 for c in self.commitments if c.status == "done")


@dataclass(frozen=True)
class OpenBottleneck:
    """A bottleneck to be solved at this level that no commitment answers, directly or once carried forward."""

    id: int
    title: str
    session: str
    votes: int


@dataclass(frozen=True)
class LevelGoals:
    level: str
    goals: tuple[GoalItem, ...]
    unanswered: tuple[OpenBottleneck, ...]
    #: confirmed commitments at this level that serve no goal
    unserved: int

    @property
    def empty(self) -> bool:
        return not self.goals and not self.unanswered and not self.unserved


def goals_by_level(programme_id: int, today: date) -> tuple[LevelGoals, ...]:
    """All four levels, from execution to governance, whether or not they have goals yet."""
    board = programme_dashboard(programme_id, today)
    serving: dict[int, list[ServingCommitment]] = {}
    unserved: dict[str | None, int] = {}
    for row in board["rows"]:
        if row["goal_id"] is None:
            unserved[row["level"]] = unserved.get(row["level"], 0) + 1
            continue
        serving.setdefault(row["goal_id"], []).append(
            ServingCommitment(
                id=row["id"],
                what=row["what"],
                owner=row["owner"],
                status=row["status"],
                due_date=row["due_date"],
                overdue=row["overdue"],
                session=row["session"],
            )
        )
    goals = [
        GoalItem(
            id=g.id,
            level=g.level,
            kind=g.kind,
            title=g.title,
            description=g.description or "",
            commitments=tuple(serving.get(g.id, ())),
        )
        for g in list_goals(programme_id)
    ]
    return tuple(
        LevelGoals(
            level=level,
            goals=tuple(g for g in goals if g.level == level),
            unanswered=tuple(
                OpenBottleneck(id=b["id"], title=b["title"], session=b["session"], votes=b["votes"])
                for b in board["unanswered"]
                if b["level"] == level
            ),
            unserved=unserved.get(level, 0),
        )
        for level in Level.values()
    )
