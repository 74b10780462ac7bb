"""Disciplines (vakgebieden): a participant may say which counter they work at (wijkteam, school ...) and still
stay anonymous. Screens and reports show counts per discipline, never a group smaller than DISCIPLINE_MIN_GROUP:
smaller groups, and those who rather not say, merge into "other"; if even that stays too small it is left out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext

from facilitation import config
from facilitation.extensions import db
from facilitation.models import Participant, Reflection, Session
from facilitation.text.messages import N_

#: the merged group of small disciplines and of people who rather not say
OTHER = "other"

#: the default list; an organisation sets its own with the DISCIPLINES setting (a list of keys or names)
DEFAULT_DISCIPLINES = (
    "wijkteam",
    "jeugdhulp",
    "ggz",
    "school",
    "leerplicht",
    "jeugdbescherming",
    "veilig_thuis",
    "schuldhulpverlening",
    "woningcorporatie",
    "huisarts",
    "beleid_gemeente",
    "ervaringsdeskundige",
)
LABELS = {
    "wijkteam": N_("Neighbourhood team (wijkteam)"),
    "jeugdhulp": N_("Youth care (jeugdhulp)"),
    "ggz": N_("Mental health care (GGZ)"),
    "school": N_("School"),
    "leerplicht": N_("Compulsory education officer (leerplicht)"),
    "jeugdbescherming": N_("Child protection (jeugdbescherming)"),
    "veilig_thuis": N_("Veilig Thuis (domestic violence and child abuse)"),
    "schuldhulpverlening": N_("Debt counselling (schuldhulpverlening)"),
    "woningcorporatie": N_("Housing corporation (woningcorporatie)"),
    "huisarts": N_("General practitioner (huisarts)"),
    "beleid_gemeente": N_("Municipal policy (beleid gemeente)"),
    "ervaringsdeskundige": N_("Parent, young person or expert by experience"),
    OTHER: N_("Other"),
}
KEY_MAX = 40


def configured() -> tuple[str, ...]:
    """The organisation's list (setting DISCIPLINES), else the default one."""
    items = config.setting("DISCIPLINES") or DEFAULT_DISCIPLINES
    if isinstance(items, str):
        items = items.split(",")
    return tuple(dict.fromkeys(str(item).strip()[:KEY_MAX] for item in items if str(item).strip()))


def min_group() -> int:
    return max(1, int(config.setting("DISCIPLINE_MIN_GROUP") or 3))


def label(key: str) -> str:
    """In the current language; a discipline the organisation added is shown as they wrote it."""
    return gettext(LABELS[key]) if key in LABELS else key


def options() -> list[tuple[str, str]]:
    return [(key, label(key)) for key in configured()]


@dataclass(frozen=True)
class DisciplineGroup:
    """People of one discipline (or "other"), at least the threshold in number; counts only."""

    key: str
    participants: int
    reflections: int


def group(participants: Counter, reflections: Counter, threshold: int) -> tuple[DisciplineGroup, ...]:
    """Counts per discipline with every group of at least `threshold` people; smaller groups and the
    unspecified (key None) merge into OTHER, which is left out when it is still smaller than the threshold."""
    shown, other_people, other_reflections = [], 0, 0
    for key, people in sorted(participants.items(), key=lambda item: (-item[1], str(item[0]))):
        if key is not None and key != OTHER and people >= threshold:
            shown.append(DisciplineGroup(key, people, reflections.get(key, 0)))
        else:
            other_people += people
            other_reflections += reflections.get(key, 0)
    # "other" alone would only repeat the total: without a named group there is nothing to show
    if other_people >= threshold and shown:
        shown.append(DisciplineGroup(OTHER, other_people, other_reflections))
    return tuple(shown)


def session_groups(session_id: int, *, for_report: bool = False) -> tuple[DisciplineGroup, ...]:
    """The session's groups. Reports count only reflections that may be in a report."""
    people = Counter(
        dict(
            db.session.execute(
                sa.select(Participant.discipline, sa.func.count(Participant.id))
                .where(Participant.session_id == session_id)
                .group_by(Participant.discipline)
            ).all()
        )
    )
    query = (
        sa.select(Participant.discipline, sa.func.count(Reflection.id))
        .join(Participant, Participant.id == Reflection.participant_id)
        .where(Reflection.session_id == session_id, Reflection.hidden.is_(False))
    )
    if for_report:
        query = query.where(Reflection.room_only.is_(False))
    written = Counter(dict(db.session.execute(query.group_by(Participant.discipline)).all()))
    return group(people, written, min_group())


def groups_view(groups: tuple[DisciplineGroup, ...]) -> list[dict]:
    return [
        {"key": g.key, "label": label(g.key), "participants": g.participants, "reflections": g.reflections}
        for g in groups
    ]


def snapshot_section(session_: Session, audience: str, participant) -> dict:
    if participant is not None:
        return {}
    return {"disciplines": {"groups": groups_view(session_groups(session_.id)), "min_group": min_group()}}


# Levels get the same protection: a level with fewer people than the threshold is never shown with a reflection
# or counted on its own (issue 20: one board member, and the report said "Bestuur 1" and tagged their three
# reflections "(bestuur)").


def level_counts(session_id: int) -> Counter:
    """How many participants joined at each level."""
    rows = db.session.execute(
        sa.select(Participant.level, sa.func.count(Participant.id))
        .where(Participant.session_id == session_id)
        .group_by(Participant.level)
    ).all()
    return Counter(dict(rows))


def small_levels(counts: Counter, threshold: int | None = None) -> frozenset[str]:
    """Levels that some, but fewer than the threshold, joined at."""
    threshold = min_group() if threshold is None else threshold
    return frozenset(level for level, people in counts.items() if level and 0 < people < threshold)


def session_small_levels(session_id: int) -> frozenset[str]:
    return small_levels(level_counts(session_id))
