"""The words reports share, in the report's language: names of levels, kinds, statuses and events,
dates and times in the organisation's time zone, and the summary sentences."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from babel.dates import format_date, format_time
from flask_babel import force_locale
from flask_babel import gettext as _

from facilitation.text.dates import zone
from facilitation.text.labels import (
    COMMITMENT_STATUSES,
    GOAL_KINDS,
    KINDS,
    LEVELS,
    MOMENT_KINDS,
    REGISTER_STATUSES,
)
from facilitation.text.messages import N_

KIND_PLURALS = {
    "success": N_("Success factors"),
    "bottleneck": N_("Bottlenecks"),
    "cause": N_("Causes"),
    "idea": N_("Ideas"),
    "question": N_("Questions"),
}
EVENTS = {
    "participant.join": N_("Joined"),
    "session.start": N_("Session started"),
    "session.close": N_("Session closed"),
    "phase.goto": N_("Phase changed"),
    "timer.start": N_("Timer started"),
    "timer.pause": N_("Timer paused"),
    "timer.extend": N_("Timer extended"),
    "reflection.post": N_("Reflection written"),
    "reflection.hide": N_("Reflection hidden"),
    "reflection.unhide": N_("Reflection shown again"),
    "fishbowl.request": N_("Asked for the empty chair"),
    "fishbowl.withdraw": N_("Withdrew from the queue"),
    "fishbowl.leave": N_("Left the circle"),
    "fishbowl.seat": N_("Seated in the circle"),
    "fishbowl.unseat": N_("Seat freed"),
    "fishbowl.settings": N_("Fishbowl settings changed"),
    "fishbowl.topic": N_("Fishbowl topic changed"),
    "cluster.carry": N_("Bottlenecks carried forward"),
    "commitment.propose": N_("Commitment proposed"),
    "commitment.record": N_("Commitment recorded"),
    "commitment.confirm": N_("Commitment confirmed"),
    "commitment.edit": N_("Commitment edited"),
    "commitment.merge": N_("Commitments merged"),
    "commitment.reject": N_("Proposal rejected"),
    "commitment.set_status": N_("Commitment updated"),
}


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Singular or plural by `num`: the catalog keeps each form as its own message (see facilitation.text.i18n),
    and Dutch and English share the rule "one, or not one"."""
    return _(singular if num == 1 else plural, num=num, **variables)


@contextmanager
def language(code: str) -> Iterator[None]:
    """Every gettext inside speaks the report's language, whatever the reader's interface uses."""
    with force_locale(code):
        yield


def level(key: str | None) -> str:
    if key == "other":  # reports.data.OTHER_LEVELS: levels with too few people, merged
        return _("Other levels")
    return _(LEVELS[key]) if key in LEVELS else _("Level not given")


def solve_level(key: str | None) -> str:
    """The level a bottleneck must be solved at, or that it is still open."""
    return _(LEVELS[key]) if key in LEVELS else _("Not yet decided")


def level_names() -> dict[str | None, str]:
    return {**{key: _(value) for key, value in LEVELS.items()}, None: _("Not yet decided")}


def kind(key: str) -> str:
    return _(KINDS[key]) if key in KINDS else key


def moment_kind(key: str) -> str:
    return _(MOMENT_KINDS[key]) if key in MOMENT_KINDS else key


def kinds(key: str) -> str:
    return _(KIND_PLURALS[key]) if key in KIND_PLURALS else key


def status(key: str) -> str:
    return _(COMMITMENT_STATUSES[key]) if key in COMMITMENT_STATUSES else key


def goal_kind(key: str) -> str:
    """Learning goal (leerdoel) or change goal (veranderdoel)."""
    return _(GOAL_KINDS[key]) if key in GOAL_KINDS else key


def register_status(key: str) -> str:
    return _(REGISTER_STATUSES[key]) if key in REGISTER_STATUSES else key


def event(name: str) -> str:
    return _(EVENTS[name]) if name in EVENTS else name


def actor(key: str, level_key: str | None) -> str:
    if key == "facilitator":
        return _("Facilitator")
    if key == "participant":
        return _("Participant (%(level)s)", level=level(level_key)) if level_key else _("Participant")
    return _("System")


def join(items: list[str]) -> str:
    """ "a, b and c" in the report's language."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s", items=", ".join(items[:-1]), last=items[-1])


def local(moment: datetime) -> datetime:
    return moment.astimezone(zone())


def _locale(lang: str) -> str:
    # British English writes "1 March 2026", as the Dutch do; plain "en" would be American
    return "en_GB" if lang == "en" else lang


def day(value: date | datetime | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return format_date(value, format="long", locale=_locale(lang))


def short_day(value: date | None, lang: str) -> str:
    return format_date(value, format="medium", locale=_locale(lang)) if value else ""


def clock(moment: datetime | None, lang: str, seconds: bool = False) -> str:
    if moment is None:
        return ""
    return format_time(local(moment), format="HH:mm:ss" if seconds else "HH:mm", locale=_locale(lang))


def when(report, lang: str) -> str:
    """The session's date, with its start and end time when it ran."""
    if report.started_at:
        text = day(report.started_at, lang)
        if report.closed_at and local(report.closed_at).date() == local(report.started_at).date():
            return f"{text}, {clock(report.started_at, lang)}–{clock(report.closed_at, lang)}"
        return f"{text}, {clock(report.started_at, lang)}"
    if report.scheduled_at:
        # the planning form stores the wall-clock time it was given, so it is shown as is
        return _(
            "%(date)s (planned)", date=format_date(report.scheduled_at.date(), format="long", locale=_locale(lang))
        )
    return ""


def summary(report) -> list[str]:
    """The numbers of a session in a few sentences; parts without data are left out."""
    sentences = []
    if report.participants_total:
        levels = join([level(key) for key in report.levels_present])
        sentences.append(
            ngettext(
                "%(num)d person took part (%(levels)s).",
                "%(num)d people took part (%(levels)s).",
                report.participants_total,
                levels=levels.lower(),
            )
        )
    if report.reflections:
        sentences.append(
            ngettext("%(num)d reflection was written.", "%(num)d reflections were written.", len(report.reflections))
        )
    if report.clusters:
        sentences.append(
            ngettext(
                "The group named %(num)d bottleneck.", "The group named %(num)d bottlenecks.", len(report.clusters)
            )
        )
    if report.total_votes:
        sentences.append(
            ngettext("%(num)d dot was given in the vote.", "%(num)d dots were given in the vote.", report.total_votes)
        )
    if report.commitments:
        sentences.append(
            ngettext("%(num)d commitment was made.", "%(num)d commitments were made.", len(report.commitments))
        )
    return sentences


def duration(seconds: float) -> str:
    """Chair time as minutes and seconds, e.g. "12:05 min"."""
    whole = int(round(seconds))
    return _("%(minutes)d:%(seconds)02d min", minutes=whole // 60, seconds=whole % 60)


def commitment_facts(commitment, lang: str) -> str:
    """Owner, date and status of a commitment, split by semicolons: an owner's own commas
    ("Beleidsadviseur sociaal domein, gemeente") then never run into the next fact."""
    facts = [commitment.owner or _("no owner named")]
    if commitment.due_date:
        facts.append(_("by %(date)s", date=short_day(commitment.due_date, lang)))
    facts.append(status(commitment.status).lower())
    return "; ".join(facts)


def owners(names: list[str]) -> str:
    """Several owners in one line, split by semicolons because an owner's name may hold a comma."""
    return "; ".join(names)


# --- alternative text for the charts: what a screen reader says instead of the picture ---------------


def votes_alt(bars: list[tuple[str, int, str | None]]) -> str:
    """E.g. "Bar chart of the dots per bottleneck, most first: Geen regie, 5 dots, to be solved at management; ..."."""
    items = [
        ngettext(
            "%(title)s, %(num)d dot, to be solved at %(level)s",
            "%(title)s, %(num)d dots, to be solved at %(level)s",
            votes,
            title=title,
            level=solve_level(key).lower(),
        )
        for title, votes, key in bars
    ]
    return _("Bar chart of the dots per bottleneck, most first: %(items)s.", items="; ".join(items))


def level_map_alt(flows, clustered: int) -> str:
    """Per writer's level how many reflections went to bottlenecks of each level that must solve them."""
    order = [*LEVELS, None]  # from the work floor to the board, as everywhere
    parts = []
    for source in order:
        going = [f for f in flows if f.source == source]
        if not going:
            continue
        targets = [
            ngettext("%(num)d to %(level)s", "%(num)d to %(level)s", f.weight, level=solve_level(f.target).lower())
            for f in sorted(going, key=lambda f: order.index(f.target))
        ]
        parts.append(
            ngettext(
                "written at %(level)s: %(num)d reflection (%(targets)s)",
                "written at %(level)s: %(num)d reflections (%(targets)s)",
                sum(f.weight for f in going),
                level=level(source).lower(),
                targets=", ".join(targets),
            )
        )
    return _(
        "Level map of the %(num)d reflections in a bottleneck, from the level of whoever wrote them to the level "
        "that must solve the bottleneck: %(parts)s.",
        num=clustered,
        parts="; ".join(parts),
    )


def share_alt(shares: list[tuple[str, int, str]]) -> str:
    items = [f"{name} {percent}% ({spoken})" for name, percent, spoken in shares]
    return _("Bar chart of the share of the time in the inner circle per level: %(items)s.", items="; ".join(items))
