"""The same report data as Markdown, JSON and CSV, for people who process it further."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from facilitation.live import disciplines as discipline_names
from facilitation.reports import journey_words
from facilitation.reports.data import LEVEL_ORDER, ProgrammeReport, SessionReport
from facilitation.reports.richtext import Block, Run, blocks
from facilitation.text import report_words as words
from facilitation.text.csv import delimiter as _delimiter
from facilitation.text.csv import table as _csv
from facilitation.text.report_words import ngettext

# --- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=#]|\d+[.)])")


def md(text: object) -> str:
    """User text as literal Markdown: no markup, links or HTML can come from a participant's words."""
    value = " ".join(str(text or "").split())
    value = _MD_SPECIAL.sub(r"\\\1", value)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), value)


def _cell(text: object) -> str:
    return md(text) or " "


def _md_table(headers: list[str], rows: Sequence[Sequence[object]], right: tuple[int, ...] = ()) -> list[str]:
    lines = [
        "| " + " | ".join(_cell(h) for h in headers) + " |",
        "| " + " | ".join("---:" if i in right else "---" for i in range(len(headers))) + " |",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _md_runs(runs: list[Run]) -> str:
    out = []
    for run in runs:
        text = md(run.text) if not run.code else "`" + run.text.replace("`", "'") + "`"
        if run.text[:1].isspace():
            text = " " + text
        if run.text[-1:].isspace() and len(run.text.strip()):
            text += " "
        if run.bold:
            text = f"**{text.strip()}**" + (" " if text.endswith(" ") else "")
        if run.italic:
            text = f"*{text.strip()}*" + (" " if text.endswith(" ") else "")
        if run.href:
            text = f"[{text.strip()}](<{run.href.replace('>', '%3E')}>)"
        out.append(("  \n" if run.line_break else "") + text)
    return "".join(out)


def _md_blocks(items: list[Block], top: int) -> list[str]:
    """Case text back as Markdown, from the sanitised blocks: its headings shifted under the report's own."""
    levels = sorted({b.level for b in items if b.kind == "heading"})
    depth = {level: min(top + i, 6) for i, level in enumerate(levels)}
    lines: list[str] = []
    previous = None
    for block in items:
        if previous == "item" and block.kind != "item":
            lines.append("")
        previous = block.kind
        if block.kind == "heading":
            lines += ["#" * depth[block.level] + " " + _md_runs(block.runs), ""]
        elif block.kind == "item":
            marker = f"{block.number}." if block.number is not None else "-"
            lines.append("    " * (block.level - 1) + f"{marker} {_md_runs(block.runs)}")
        elif block.kind == "quote":
            lines += ["> " + _md_runs(block.runs), ""]
        elif block.kind == "code":
            lines += ["```", *[r.text for r in block.runs], "```", ""]
        elif block.kind == "rule":
            lines += ["---", ""]
        elif block.kind == "table" and block.rows:
            header = block.rows[0] if block.header else [[Run("")] for _cell_ in block.rows[0]]
            body = block.rows[1:] if block.header else block.rows
            lines += _md_table(
                ["".join(r.text for r in c) for c in header],
                [["".join(r.text for r in c) for c in row] for row in body],
            )
        else:
            lines += [_md_runs(block.runs), ""]
    if lines and lines[-1] != "":
        lines.append("")
    return lines


def _reflection_line(reflection, show_kind: bool) -> str:
    notes = []
    if show_kind:
        notes.append(words.kind(reflection.kind).lower())
    notes.append(words.level(reflection.level).lower())
    if reflection.author:
        notes.append(reflection.author)
    elif reflection.by_facilitator:
        notes.append(_("entered by the facilitator"))
    return f"- {md(reflection.text)} *({md(', '.join(notes))})*"


def session_markdown(report: SessionReport) -> str:
    with words.language(report.language):
        return "\n".join(_session_md(report)).rstrip() + "\n"


def _session_md(r: SessionReport) -> list[str]:
    lang = r.language
    lines = [f"# {md(r.title)}", "", f"*{md(_('Report of the %(format)s', format=r.format_title.lower()))}*", ""]
    facts = [
        (_("Programme"), r.programme_title),
        (_("Format"), r.format_title),
        (_("Date"), words.when(r, lang)),
        (
            _("Levels present") if r.levels_present else _("Levels invited"),
            words.join([words.level(k) for k in r.levels_present or r.levels_invited]),
        ),
        (_("Participants"), str(r.participants_total) if r.participants_total else ""),
        (_("Case"), r.case_title or ""),
        (_("Facilitator"), r.facilitator_name),
    ]
    lines += [f"- **{md(label)}:** {md(value)}" for label, value in facts if value] + [""]
    sentences = words.summary(r)
    if sentences:
        lines += [f"## {_('Summary')}", "", md(" ".join(sentences)), ""]
    for section in SECTIONS:
        lines += section(r)
    return lines


def _md_case(r: SessionReport) -> list[str]:
    if not (r.case_title or (r.case_markdown or "").strip()):
        return []
    lines: list[str] = []
    lines += [f"## {_('The case')}", ""]
    if r.case_title:
        lines += [f"### {md(r.case_title)}", ""]
    lines += _md_blocks(blocks(r.case_markdown or ""), 4)
    return lines


def _md_journey(r: SessionReport) -> list[str]:
    if not r.moments:
        return []
    lines: list[str] = []
    heading = _("The case's journey")
    lines += [f"## {md(heading)}", ""]
    if r.journey_measures is not None:
        lines += [f"### {md(_('The journey in figures'))}", ""]
        lines += [f"- {md(label)}: {md(value)}" for label, value in journey_words.measure_facts(r.journey_measures)]
        lines += [""]
    for i, moment in enumerate(r.moments, 1):
        when = journey_words.moment_when(moment.on_date, moment.date_precision, moment.when, r.language)
        facts = [words.moment_kind(moment.kind)] + [x for x in (when, journey_words.moment_facts(moment)) if x]
        lines += [f"### {i}. {md(moment.title)}", "", f"*{md(' · '.join(facts))}*", ""]
        if moment.description.strip():
            lines += [md(moment.description), ""]
        if moment.reflections:
            lines += [_reflection_line(x, True) for x in moment.reflections] + [""]
    return lines


def _md_participation(r: SessionReport) -> list[str]:
    if not r.participation:
        return []
    lines: list[str] = []
    lines += [f"## {_('Participation')}", ""]
    lines += _md_table(
        [_("Level"), _("Participants"), _("Reflections"), _("Dots given")],
        [[words.level(p.level), p.participants, p.reflections, p.dots] for p in r.participation]
        + [
            [
                _("Total"),
                r.participants_total,
                sum(p.reflections for p in r.participation),
                sum(p.dots for p in r.participation),
            ]
        ],
        right=(1, 2, 3),
    )
    if r.proxy_participants:
        lines += [
            md(
                ngettext(
                    "%(num)d of them took part without a phone: the facilitator entered their reflections and votes.",
                    "%(num)d of them took part without a phone: the facilitator entered their reflections and votes.",
                    r.proxy_participants,
                )
            ),
            "",
        ]
    return lines


def _md_disciplines(r: SessionReport) -> list[str]:
    if not r.disciplines:
        return []
    lines: list[str] = []
    lines += [f"### {_('Disciplines')}", ""]
    lines += _md_table(
        [_("Discipline"), _("Participants"), _("Reflections")],
        [[discipline_names.label(g.key), g.participants, g.reflections] for g in r.disciplines],
        right=(1, 2),
    )
    return lines


def _md_fishbowl_section(r: SessionReport) -> list[str]:
    return _fishbowl_md(r) if r.fishbowl else []


def _md_bottlenecks(r: SessionReport) -> list[str]:
    if not r.clusters:
        return []
    lines: list[str] = []
    ranked = sorted(r.clusters, key=lambda c: (-c.votes, -len(c.reflections), c.title.lower()))
    lines += [f"## {_('Bottlenecks')}", ""]
    lines += _md_table(
        ["#", _("Bottleneck"), _("To be solved at"), _("Dots"), _("Reflections")],
        [[i, c.title, words.solve_level(c.level), c.votes, len(c.reflections)] for i, c in enumerate(ranked, 1)],
        right=(0, 3, 4),
    )
    for level_key in [*LEVEL_ORDER, None]:
        group = [c for c in ranked if c.level == level_key]
        if not group:
            continue
        lines += [
            "### "
            + md(
                _("To be solved at: %(level)s", level=words.solve_level(level_key))
                if level_key
                else _("Level not yet decided")
            ),
            "",
        ]
        for cluster in group:
            lines += [
                f"#### {md(cluster.title)}",
                "",
                f"*{md(ngettext('%(num)d dot', '%(num)d dots', cluster.votes))}*",
                "",
            ]
            if cluster.description.strip():
                lines += [md(cluster.description), ""]
            lines += [_reflection_line(x, x.kind != "bottleneck") for x in cluster.reflections]
            lines.append("")
    return lines


def _md_commitments(r: SessionReport) -> list[str]:
    if not r.commitments:
        return []
    lang = r.language
    lines: list[str] = []
    lines += [f"## {_('Commitments')}", ""]
    goals = any(c.goal_title for c in r.commitments)
    lines += _md_table(
        [_("What"), _("Who"), _("Level"), _("By"), _("Status"), _("Bottleneck")] + ([_("Goal")] if goals else []),
        [
            [
                c.what,
                c.owner,
                words.level(c.level) if c.level else "",
                words.short_day(c.due_date, lang),
                words.status(c.status),
                c.cluster_title or "",
            ]
            + ([c.goal_title or ""] if goals else [])
            for c in r.commitments
        ],
    )
    updated = [(c, u) for c in r.commitments for u in c.updates]
    if updated:
        lines += [f"### {_('Status updates')}", ""]
        lines += [
            f"- {md(c.what)}: {md(words.status(u.status))}"
            + (f" — {md(u.note)}" if u.note else "")
            + f" *({md(words.short_day(words.local(u.at).date(), lang))}"
            + (f", {md(u.session_title)}" if u.session_title else "")
            + ")*"
            for c, u in updated
        ]
        lines.append("")
    return lines


def _md_carried(r: SessionReport) -> list[str]:
    if not r.carried:
        return []
    lines: list[str] = []
    lines += [f"## {_('Bottlenecks carried forward')}", ""]
    for item in r.carried:
        lines += [f"### {md(item.title)}", ""]
        lines += [
            f"- {md(step.session_title)}: {md(step.cluster_title)}"
            + (f" — “{md(step.reflections[0])}”" if step.reflections else "")
            for step in item.steps
        ]
        lines += [
            f"- {md(_('Commitment: %(what)s', what=c.what))}" for c in r.commitments if item.cluster_id in c.cluster_ids
        ]
        lines.append("")
    return lines


def _md_followup(r: SessionReport) -> list[str]:
    if not r.followup:
        return []
    lines: list[str] = []
    lines += [f"## {_('Follow-up of earlier commitments')}", ""]
    lines += _md_table(
        [_("What"), _("Who"), _("Made in"), _("Status"), _("Update")],
        [
            [
                f.commitment.what,
                f.commitment.owner,
                f.session_title,
                words.status(f.commitment.status),
                "; ".join(words.status(u.status) + (f": {u.note}" if u.note else "") for u in f.updates),
            ]
            for f in r.followup
        ],
    )
    return lines


def _md_reflections(r: SessionReport) -> list[str]:
    if not r.reflections:
        return []
    lines: list[str] = []
    lines += [f"## {_('Reflections')}", ""]
    order = [p.key for p in r.phases]
    for phase_key in sorted(
        {x.phase_key for x in r.reflections}, key=lambda k: (order.index(k) if k in order else len(order), k)
    ):
        in_phase = [x for x in r.reflections if x.phase_key == phase_key]
        lines += [f"### {md(r.phase_title(phase_key))}", ""]
        for kind_key in (
            "success",
            "bottleneck",
            "cause",
            "idea",
            "question",
            *sorted({x.kind for x in in_phase} - {"success", "bottleneck", "cause", "idea", "question"}),
        ):
            of_kind = [x for x in in_phase if x.kind == kind_key]
            if of_kind:
                lines += [f"#### {md(words.kinds(kind_key))}", ""]
                lines += [_reflection_line(x, False) for x in of_kind] + [""]
    return lines


def _md_timeline(r: SessionReport) -> list[str]:
    if not r.timeline:
        return []
    lang = r.language
    lines: list[str] = []
    lines += [f"## {_('Appendix: timeline')}", ""]
    lines += _md_table(
        ["#", _("Time"), _("What"), _("Who")],
        [
            [e.seq, words.clock(e.at, lang, seconds=True), words.event(e.name), words.actor(e.actor, e.level)]
            for e in r.timeline
        ],
        right=(0,),
    )
    return lines


#: the Markdown report's sections after its facts and summary, in reading order; each is empty when it has nothing
SECTIONS = [
    _md_case,
    _md_journey,
    _md_participation,
    _md_disciplines,
    _md_fishbowl_section,
    _md_bottlenecks,
    _md_commitments,
    _md_carried,
    _md_followup,
    _md_reflections,
    _md_timeline,
]


def _fishbowl_md(r: SessionReport) -> list[str]:
    bowl = r.fishbowl
    if bowl is None:
        return []
    lines = [
        f"## {_('Fishbowl')}",
        "",
        md(ngettext("Someone took a chair %(num)d time.", "Someone took a chair %(num)d times.", bowl.turns)),
        "",
    ]
    if bowl.rounds:
        lines += [f"### {_('Rounds and topics')}", ""]
        lines += _md_table(
            ["#", _("Topic"), _("From"), _("Until")],
            [
                [x.number, x.topic, words.clock(x.started_at, r.language), words.clock(x.ended_at, r.language)]
                for x in bowl.rounds
            ],
            right=(0,),
        )
    if bowl.total_seconds:
        percent = dict(bowl.percent_per_level)
        lines += [f"### {_('Speaking time per level')}", ""]
        lines += _md_table(
            [_("Level"), _("Time in the circle"), _("Share")],
            [
                [words.level(level), words.duration(seconds), f"{percent[level]}%"]
                for level, seconds in bowl.seconds_per_level
            ],
            right=(1, 2),
        )
    return lines


def programme_markdown(report: ProgrammeReport) -> str:
    with words.language(report.language):
        lines = [f"# {md(report.title)}", "", f"*{md(_('Programme report'))}*", ""]
        if report.description.strip():
            lines += [md(report.description), ""]
        lines += _programme_goals_md(report)
        lines += _programme_sessions_md(report)
        for case in report.cases:
            lines += [f"## {md(_('Case'))}: {md(case.title)}", ""]
            lines += _md_blocks(blocks(case.markdown), 3)
        lines += _programme_bottlenecks_md(report) + _programme_commitments_md(report)
        return "\n".join(lines).rstrip() + "\n"


def _programme_goals_md(report: ProgrammeReport) -> list[str]:
    if not report.has_goals:
        return []
    lines = [f"## {_('Goals per level')}", ""]
    for level in report.goals:
        if level.empty:
            continue
        lines += [f"### {md(words.level(level.level))}", ""]
        for goal in level.goals:
            lines += [f"#### {md(words.goal_kind(goal.kind))}: {md(goal.title)}", ""]
            if goal.description.strip():
                lines += [md(goal.description), ""]
            if not goal.commitments:
                lines += [md(_("No commitment serves this goal yet.")), ""]
                continue
            lines += _md_table(
                [_("Commitment"), _("Who"), _("By"), _("Status"), _("Session")],
                [
                    [
                        c.what,
                        c.owner,
                        words.short_day(c.due_date, report.language),
                        words.status(c.status) + (f" ({_('overdue')})" if c.overdue else ""),
                        c.session,
                    ]
                    for c in goal.commitments
                ],
            )
        if level.unanswered:
            lines += [f"#### {md(_('Bottlenecks without a commitment'))}", ""]
            lines += [f"- {md(b.title)} ({md(b.session)})" for b in level.unanswered] + [""]
    return lines


def _programme_sessions_md(report: ProgrammeReport) -> list[str]:
    if not report.sessions:
        return []
    return [f"## {_('Sessions')}", ""] + _md_table(
        [_("Date"), _("Session"), _("Format"), _("Participants"), _("Bottlenecks"), _("Commitments")],
        [
            [
                words.short_day(s.day, report.language),
                s.title,
                s.format_title,
                s.participants_total,
                len(s.clusters),
                len(s.commitments),
            ]
            for s in report.sessions
        ],
        right=(3, 4, 5),
    )


def _programme_bottlenecks_md(report: ProgrammeReport) -> list[str]:
    found = [(s, c) for s in report.sessions for c in s.clusters]
    if not found:
        return []
    lines = [f"## {_('Bottlenecks across the programme')}", ""]
    for level_key in [*LEVEL_ORDER, None]:
        group = [(s, c) for s, c in found if c.level == level_key]
        if not group:
            continue
        heading = (
            _("To be solved at: %(level)s", level=words.solve_level(level_key))
            if level_key
            else _("Level not yet decided")
        )
        lines += ["### " + md(heading), ""]
        lines += _md_table(
            [_("Bottleneck"), _("Session"), _("Dots"), _("Reflections")],
            [[c.title, s.title, c.votes, len(c.reflections)] for s, c in group],
            right=(2, 3),
        )
    return lines


def _programme_commitments_md(report: ProgrammeReport) -> list[str]:
    made = [(s, c) for s in report.sessions for c in s.commitments]
    if not made:
        return []
    return [f"## {_('Commitments')}", ""] + _md_table(
        [_("What"), _("Who"), _("Level"), _("By"), _("Status"), _("Session")],
        [
            [
                c.what,
                c.owner,
                words.level(c.level) if c.level else "",
                words.short_day(c.due_date, report.language),
                words.status(c.status),
                s.title,
            ]
            for s, c in made
        ],
    )


# --- JSON --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {key: _plain(item) for key, item in asdict(value).items()}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def session_json(report: SessionReport) -> str:
    """Keys and codes as stored (levels, kinds, statuses), so scripts need no translation table."""
    return json.dumps({"report": "session", "version": 1, **_plain(report)}, ensure_ascii=False, indent=2)


def programme_json(report: ProgrammeReport) -> str:
    return json.dumps({"report": "programme", "version": 1, **_plain(report)}, ensure_ascii=False, indent=2)


# --- CSV ---------------------------------------------------------------------------------------


def _session_tables(r: SessionReport, session_column: bool = False) -> dict[str, tuple[list[str], list[list]]]:
    """The session's tables as (header, rows); with `session_column`, each row starts with the session's title
    (a programme's CSV puts all its sessions in one file per table)."""
    extra = [r.title] if session_column else []
    extra_head = ["session"] if session_column else []
    tables = {
        name: (extra_head + header, [extra + row for row in rows])
        for name, (header, rows) in _table_rows(r).items()
        if rows or name not in OPTIONAL_TABLES
    }
    return tables


#: tables left out of the CSV when they have no rows (most sessions have no journey and no discipline groups)
OPTIONAL_TABLES = ("disciplines", "moments", "journey")


def _table_rows(r: SessionReport) -> dict[str, tuple[list[str], list[list]]]:
    clusters = {c.id: c for c in r.clusters}
    return {
        "reflections": (
            ["id", "phase", "kind", "level", "text", "author", "by_facilitator", "bottleneck", "written_at"],
            [
                [
                    x.id,
                    r.phase_title(x.phase_key),
                    x.kind,
                    x.level or "",
                    x.text,
                    x.author or "",
                    "yes" if x.by_facilitator else "no",
                    clusters[x.cluster_id].title if x.cluster_id in clusters else "",
                    x.created_at,
                ]
                for x in r.reflections
            ],
        ),
        "bottlenecks": (
            ["id", "title", "level", "dots", "voters", "reflections", "description", "tags"],
            [
                [c.id, c.title, c.level or "", c.votes, c.voters, len(c.reflections), c.description, ", ".join(c.tags)]
                for c in r.clusters
            ],
        ),
        "commitments": (
            ["id", "what", "owner", "level", "due_date", "status", "bottleneck", "goal"],
            [
                [c.id, c.what, c.owner, c.level or "", c.due_date, c.status, c.cluster_title or "", c.goal_title or ""]
                for c in r.commitments
            ],
        ),
        "participation": (
            ["level", "participants", "reflections", "dots"],
            [[p.level, p.participants, p.reflections, p.dots] for p in r.participation],
        ),
        # only groups of at least DISCIPLINE_MIN_GROUP people; smaller ones are counted under "other"
        "disciplines": (
            ["discipline", "participants", "reflections"],
            [[g.key, g.participants, g.reflections] for g in r.disciplines],
        ),
        "moments": _moments_csv(r),
        "journey": _journey_csv(r),
    }


def _moments_csv(r: SessionReport) -> tuple[list[str], list[list]]:
    """The moments in order, with their date, organisations, law, ground and the application answered."""
    positions = {m.id: i for i, m in enumerate(r.moments, 1)}
    return (
        [
            "position",
            "when",
            "title",
            "kind",
            "description",
            "reflections",
            "reflection_ids",
            "date",
            "date_precision",
            "organisations",
            "law",
            "ground",
            "answers_position",
        ],
        [
            [
                i,
                m.when,
                m.title,
                m.kind,
                m.description,
                len(m.reflections),
                " ".join(str(x.id) for x in m.reflections),
                m.on_date.isoformat() if m.on_date else "",
                m.date_precision or "",
                " ".join(m.organisations),
                m.law or "",
                m.ground or "",
                positions.get(m.answers_id, "") if m.answers_id is not None else "",
            ]
            for i, m in enumerate(r.moments, 1)
        ],
    )


def _journey_csv(r: SessionReport) -> tuple[list[str], list[list]]:
    """The journey's figures in one row (empty without moments)."""
    names = ["days_to_breakthrough", "approximate", "applications", "rejections", "rejections_new_ground",
             "organisations", "handovers", "has_breakthrough", "after_crisis", "days_after_crisis"]  # fmt: skip
    m = r.journey_measures
    if m is None:
        return names, []
    values = m.as_dict()
    return names, [["" if values[name] is None else values[name] for name in names]]


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def session_csv(report: SessionReport) -> bytes:
    """A zip with one CSV per table: reflections, bottlenecks, commitments, participation (and timeline)."""
    delimiter = _delimiter(report.language)
    files = {f"{name}.csv": _csv(head, rows, delimiter) for name, (head, rows) in _session_tables(report).items()}
    if report.timeline:
        files["timeline.csv"] = _csv(
            ["seq", "at", "event", "actor", "level", "detail"],
            [[e.seq, e.at, e.name, e.actor, e.level or "", e.detail or ""] for e in report.timeline],
            delimiter,
        )
    if report.fishbowl:
        bowl = report.fishbowl
        percent = dict(bowl.percent_per_level)
        files["fishbowl_rounds.csv"] = _csv(
            ["round", "topic", "started_at", "ended_at"],
            [[x.number, x.topic, x.started_at, x.ended_at or ""] for x in bowl.rounds],
            delimiter,
        )
        files["fishbowl_speaking_time.csv"] = _csv(
            ["level", "seconds", "percent"],
            [[level, round(seconds), percent[level]] for level, seconds in bowl.seconds_per_level],
            delimiter,
        )
    return _zip(files)


def programme_csv(report: ProgrammeReport) -> bytes:
    delimiter = _delimiter(report.language)
    merged: dict[str, tuple[list[str], list[list]]] = {}
    for session in report.sessions:
        for name, (head, rows) in _session_tables(session, session_column=True).items():
            merged.setdefault(name, (head, []))[1].extend(rows)
    files = {
        "sessions.csv": _csv(
            ["id", "title", "date", "format", "levels", "participants", "bottlenecks", "commitments"],
            [
                [
                    s.id,
                    s.title,
                    s.day,
                    s.format_key,
                    " ".join(s.levels_present),
                    s.participants_total,
                    len(s.clusters),
                    len(s.commitments),
                ]
                for s in report.sessions
            ],
            delimiter,
        )
    }
    files.update({f"{name}.csv": _csv(head, rows, delimiter) for name, (head, rows) in merged.items()})
    if report.has_goals:
        files["goals.csv"] = _csv(*_goal_rows(report), delimiter)
    return _zip(files)


def _goal_rows(report: ProgrammeReport) -> tuple[list[str], list[list]]:
    """One row per goal and commitment serving it (a goal no commitment serves has one row with empty
    commitment columns), as stored codes (level, kind, status) like the other CSV files."""
    head = [
        "goal_id",
        "level",
        "kind",
        "goal",
        "description",
        "commitment_id",
        "commitment",
        "owner",
        "status",
        "due_date",
        "session",
    ]
    rows = []
    for level in report.goals:
        for goal in level.goals:
            start = [goal.id, goal.level, goal.kind, goal.title, goal.description]
            rows += [
                start + [c.id, c.what, c.owner, c.status, c.due_date or "", c.session] for c in goal.commitments
            ] or [start + ["", "", "", "", "", ""]]
    return head, rows
