"""A programme's learning and change goals per level (leerdoelen, veranderdoelen): the organiser side writes
them (the caller's unit of work commits); commitments made in its sessions serve them (Commitment.goal_id).

A learning practice sets goals on each of the four levels and measures its commitments against them, so a
goal belongs to exactly one level; a bottleneck found at one level may still be served by a goal at another,
which is why a commitment picks its goal freely among the programme's goals."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.models import Commitment, GoalKind, Level, Programme, ProgrammeGoal
from facilitation.validation import CommandError

TITLE_MAX = 200
DESCRIPTION_MAX = 2_000
#: enough for a programme of several years; a bound keeps a page and a report readable
GOALS_MAX = 100


def list_goals(programme_id: int) -> list[ProgrammeGoal]:
    """The programme's goals from execution to governance, in their order within each level."""
    goals = db.session.scalars(
        sa.select(ProgrammeGoal)
        .where(ProgrammeGoal.programme_id == programme_id)
        .order_by(ProgrammeGoal.position, ProgrammeGoal.id)
    )
    order = {level: index for index, level in enumerate(Level.values())}
    return sorted(goals, key=lambda g: order.get(g.level, len(order)))


def _checked(form: dict) -> dict:
    """Level, kind, title and description from a form (strings), checked; refuses with a CommandError."""
    return {
        "level": v.choice(form, "level", Level.values()),
        "kind": v.choice(form, "kind", GoalKind.values()),
        "title": v.text(form, "title", max_length=TITLE_MAX),
        "description": v.text(form, "description", max_length=DESCRIPTION_MAX, required=False, allow_empty=True) or "",
    }


def _end_of(programme_id: int, level: str) -> int:
    last = db.session.scalar(
        sa.select(sa.func.max(ProgrammeGoal.position)).where(
            ProgrammeGoal.programme_id == programme_id, ProgrammeGoal.level == level
        )
    )
    return 0 if last is None else last + 1


def add_goal(programme: Programme, form: dict) -> ProgrammeGoal:
    """A new goal at the end of its level."""
    values = _checked(form)
    count = db.session.scalar(
        sa.select(sa.func.count(ProgrammeGoal.id)).where(ProgrammeGoal.programme_id == programme.id)
    )
    if (count or 0) >= GOALS_MAX:
        raise CommandError("too_many_goals", limit=GOALS_MAX)
    goal = ProgrammeGoal(programme_id=programme.id, position=_end_of(programme.id, values["level"]), **values)
    db.session.add(goal)
    db.session.flush()
    return goal


def update_goal(goal: ProgrammeGoal, form: dict) -> None:
    """New wording, kind or level; a goal moved to another level goes to its end."""
    values = _checked(form)
    if values["level"] != goal.level:
        goal.position = _end_of(goal.programme_id, values["level"])
    for name, value in values.items():
        setattr(goal, name, value)


def move_goal(goal: ProgrammeGoal, direction: str) -> None:
    """One place up or down within its level; at either end nothing moves."""
    if direction not in ("up", "down"):
        raise CommandError("invalid_choice", field="direction")
    same_level = [g for g in list_goals(goal.programme_id) if g.level == goal.level]
    index = next(i for i, g in enumerate(same_level) if g.id == goal.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(same_level):
        return
    same_level[index], same_level[other] = same_level[other], same_level[index]
    # renumbering the whole level also mends equal positions left by older rows
    for position, item in enumerate(same_level):
        item.position = position


def remove_goal(goal: ProgrammeGoal) -> None:
    """The goal goes; the commitments that served it stay, serving no goal."""
    db.session.execute(sa.update(Commitment).where(Commitment.goal_id == goal.id).values(goal_id=None))
    db.session.delete(goal)
