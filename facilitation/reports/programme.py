"""The programme report in Word: the thread across a programme's sessions and levels, one builder per section."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from docx.document import Document as DocxDocument
from flask_babel import gettext as _

from facilitation.reports import word
from facilitation.reports.data import LEVEL_ORDER, ProgrammeReport
from facilitation.reports.richtext import blocks
from facilitation.reports.session import level_map_picture, summary_levels
from facilitation.reports.session import updates as session_updates
from facilitation.text import report_words as words
from facilitation.text.report_words import ngettext


def _clusters(report: ProgrammeReport):
    """Every bottleneck with the session it was found in."""
    return [(session, cluster) for session in report.sessions for cluster in session.clusters]


def _commitments(report: ProgrammeReport):
    return [(session, commitment) for session in report.sessions for commitment in session.commitments]


def title_page(doc: DocxDocument, report: ProgrammeReport) -> None:
    lang = report.language
    cover = word.paragraph(doc, _("Programme report"), "Subtitle")
    cover.paragraph_format.space_before = word.Cm(6)
    word.cover_rule(cover)
    word.heading(doc, report.title, 0)
    if report.description.strip():
        word.paragraph(doc, report.description, "Subtitle")
    doc.paragraphs[-1].paragraph_format.space_after = word.Pt(18)
    levels = [level for level in LEVEL_ORDER if any(level in s.levels_present for s in report.sessions)]
    period = ""
    if report.first_day:
        period = words.day(report.first_day, lang)
        if report.last_day != report.first_day:
            period = _("%(start)s to %(end)s", start=period, end=words.day(report.last_day, lang))
    facts = [
        (_("Period"), period),
        (_("Sessions"), str(len(report.sessions)) if report.sessions else ""),
        (_("Levels present"), words.join([words.level(k) for k in levels])),
        (_("Cases"), words.join([c.title for c in report.cases])),
    ]
    word.facts(doc, [(label, value) for label, value in facts if value])
    word.paragraph(doc)
    word.paragraph(
        doc,
        _("Participants took part anonymously. Names appear only where someone chose to show theirs."),
        "Small Print",
    )
    word.page_break(doc)


def summary(doc: DocxDocument, report: ProgrammeReport) -> None:
    if not report.sessions:
        return
    sentences = [
        ngettext("The programme held %(num)d session.", "The programme held %(num)d sessions.", len(report.sessions))
    ]
    people = sum(s.participants_total for s in report.sessions)
    if people:
        sentences.append(
            ngettext("Together they had %(num)d participant.", "Together they had %(num)d participants.", people)
        )
    found = _clusters(report)
    if found:
        sentences.append(ngettext("%(num)d bottleneck was named.", "%(num)d bottlenecks were named.", len(found)))
    made = _commitments(report)
    if made:
        done = sum(1 for _s, c in made if c.status == "done")
        sentences.append(
            ngettext(
                "%(num)d commitment was made, %(done)d of them done.",
                "%(num)d commitments were made, %(done)d of them done.",
                len(made),
                done=done,
            )
        )
    sentences += _goal_sentences(report)
    word.heading(doc, _("Summary"), 1)
    word.paragraph(doc, " ".join(sentences))
    summary_levels(doc, [c for _s, c in found], [c for _s, c in made], report.language)
    word.page_break(doc)


def goals(doc: DocxDocument, report: ProgrammeReport) -> None:
    """Per level: its learning and change goals with the commitments serving each and their status, and the
    bottlenecks to be solved at that level that no commitment answers yet."""
    if not report.has_goals:
        return
    word.heading(doc, _("Goals per level"), 1)
    word.intro(
        doc,
        _(
            "The programme's learning and change goals on each level, the commitments that serve them, and the "
            "bottlenecks of each level that no commitment answers yet."
        ),
    )
    for level in report.goals:
        if level.empty:
            continue
        word.heading(doc, words.level(level.level), 2)
        for goal in level.goals:
            _goal(doc, goal, report.language)
        if level.unserved:
            word.paragraph(
                doc,
                ngettext(
                    "%(num)d commitment at this level serves no goal.",
                    "%(num)d commitments at this level serve no goal.",
                    level.unserved,
                ),
                "Small Print",
            )
        if level.unanswered:
            word.heading(doc, _("Bottlenecks without a commitment"), 3)
            bullets = word.ListWriter(doc)
            for item in level.unanswered:
                dots = " · " + ngettext("%(num)d dot", "%(num)d dots", item.votes) if item.votes else ""
                bullets.item(item.title, f" {item.session}{dots}")


def _goal(doc: DocxDocument, goal, lang: str) -> None:
    word.heading(doc, f"{words.goal_kind(goal.kind)}: {goal.title}", 3)
    if goal.description.strip():
        word.paragraph(doc, goal.description)
    if not goal.commitments:
        word.paragraph(doc, _("No commitment serves this goal yet."))
        return
    word.table(
        doc,
        [_("Commitment"), _("Who"), _("By"), _("Status"), _("Session")],
        [
            (
                c.what,
                c.owner,
                words.short_day(c.due_date, lang),
                words.status(c.status) + (f" ({_('overdue')})" if c.overdue else ""),
                c.session,
            )
            for c in goal.commitments
        ],
    )


def _goal_sentences(report: ProgrammeReport) -> list[str]:
    """How many goals the programme set and how many a commitment serves, for the management summary."""
    goals = [goal for level in report.goals for goal in level.goals]
    if not goals:
        return []
    served = sum(1 for goal in goals if goal.commitments)
    return [
        ngettext(
            "It set %(num)d goal; %(served)d of them is served by a commitment.",
            "It set %(num)d goals; %(served)d of them are served by a commitment.",
            len(goals),
            served=served,
        )
    ]


def sessions(doc: DocxDocument, report: ProgrammeReport) -> None:
    if not report.sessions:
        return
    word.heading(doc, _("Sessions"), 1)
    lang = report.language
    word.table(
        doc,
        [_("Date"), _("Session"), _("Format"), _("Participants"), _("Bottlenecks"), _("Commitments")],
        [
            (
                words.short_day(s.day, lang),
                s.title,
                s.format_title,
                s.participants_total,
                len(s.clusters),
                len(s.commitments),
            )
            for s in report.sessions
        ],
        right=(3, 4, 5),
    )


def cases(doc: DocxDocument, report: ProgrammeReport) -> None:
    if not report.cases:
        return
    word.heading(doc, _("Cases"), 1)
    for case in report.cases:
        word.heading(doc, case.title, 2)
        if case.session_titles:
            word.paragraph(
                doc, _("Discussed in: %(sessions)s", sessions=words.join(list(case.session_titles))), "Small Print"
            )
        word.rich_text(doc, blocks(case.markdown), top_heading=3)


def bottlenecks(doc: DocxDocument, report: ProgrammeReport) -> None:
    found = _clusters(report)
    if not found:
        return
    word.heading(doc, _("Bottlenecks across the programme"), 1)
    word.intro(
        doc, _("Which bottlenecks were found in which session, grouped by the level at which they must be solved.")
    )
    level_map_picture(doc, [cluster for _session, cluster in found], sum(len(s.reflections) for s in report.sessions))
    lang = report.language
    for level_key in [*LEVEL_ORDER, None]:
        group = [(s, c) for s, c in found if c.level == level_key]
        if not group:
            continue
        word.heading(
            doc,
            _("To be solved at: %(level)s", level=words.solve_level(level_key))
            if level_key
            else _("Level not yet decided"),
            2,
        )
        word.table(
            doc,
            [_("Bottleneck"), _("Session"), _("Date"), _("Dots"), _("Reflections")],
            [(c.title, s.title, words.short_day(s.day, lang), c.votes, len(c.reflections)) for s, c in group],
            right=(3, 4),
        )


def commitments(doc: DocxDocument, report: ProgrammeReport) -> None:
    made = _commitments(report)
    if not made:
        return
    word.heading(doc, _("Commitments"), 1)
    word.intro(doc, _("What became of each commitment made in the programme's sessions."))
    statuses = Counter(c.status for _s, c in made)
    word.table(
        doc,
        [_("Status"), _("Number")],
        [(words.status(key), statuses[key]) for key in ("open", "in_progress", "done", "dropped") if statuses[key]]
        + [(_("Total"), len(made))],
        right=(1,),
        bold_last=True,
        full_width=False,
    )
    word.paragraph(doc)
    lang = report.language
    word.table(
        doc,
        [_("What"), _("Who"), _("Level"), _("By"), _("Status"), _("Session")],
        [
            (
                c.what,
                c.owner,
                words.level(c.level) if c.level else "",
                words.short_day(c.due_date, lang),
                words.status(c.status),
                s.title,
            )
            for s, c in made
        ],
    )
    session_updates(doc, [(c, c.updates) for _s, c in made if c.updates], lang)


def thread(doc: DocxDocument, report: ProgrammeReport) -> None:
    """Bottlenecks carried from session to session: from the first reflection to the commitments answering
    them, each at the last session it reached."""
    found = [(s, item) for s in report.sessions for item in s.carried]
    # a cluster carried on again is told at the last session it reached
    carried_on = {c.carried_from_id for s in report.sessions for c in s.clusters if c.carried_from_id}
    found = [(s, item) for s, item in found if item.cluster_id not in carried_on]
    if not found:
        return
    word.heading(doc, _("The thread through the programme"), 1)
    word.intro(
        doc,
        _(
            "Bottlenecks that were carried from one session to the next: where they were first "
            "named, and what was agreed about them."
        ),
    )
    lang = report.language
    for session_, item in found:
        word.heading(doc, item.title, 2)
        bullets = word.ListWriter(doc)
        for step in item.steps:
            first = f" — “{step.reflections[0]}”" if step.reflections else ""
            bullets.item(f"{step.session_title}: {step.cluster_title}{first}", f" {words.short_day(step.day, lang)}")
        bullets.item(f"{session_.title}: {item.title}", f" {words.short_day(session_.day, lang)}")
        answers = [c for c in session_.commitments if item.cluster_id in c.cluster_ids]
        for c in answers:
            bullets.item(_("Commitment: %(what)s", what=c.what), f" {c.owner} · {words.status(c.status)}")
        if not answers:
            word.paragraph(doc, _("No commitment answers it yet."))


SECTIONS: list[Callable[[DocxDocument, ProgrammeReport], None]] = [
    title_page,
    summary,
    goals,
    sessions,
    cases,
    bottlenecks,
    thread,
    commitments,
]


def build(report: ProgrammeReport) -> bytes:
    with words.language(report.language):
        doc = word.new_document(report.language, _("Programme report: %(title)s", title=report.title))
        word.footer(doc, report.title, _("Page"))
        for section in SECTIONS:
            section(doc, report)
        return word.save(doc)
