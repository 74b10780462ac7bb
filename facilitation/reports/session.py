"""The session report in Word: one builder per section, each reading a SessionReport and writing into the
document; a section without data writes nothing."""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocxDocument
from flask_babel import gettext as _

from facilitation.live import disciplines as discipline_names
from facilitation.reports import charts, word
from facilitation.reports.data import LEVEL_ORDER, ClusterItem, SessionReport
from facilitation.reports.richtext import blocks
from facilitation.text import report_words as words
from facilitation.text.report_words import ngettext

#: bars in the votes chart; the full list is in the table above it
CHART_BARS = 15


def title_page(doc: DocxDocument, report: SessionReport) -> None:
    lang = report.language
    cover = word.paragraph(doc, report.programme_title, "Subtitle")
    cover.paragraph_format.space_before = word.Cm(6)
    word.cover_rule(cover)
    word.heading(doc, report.title, 0)
    word.paragraph(
        doc, _("Report of the %(format)s", format=report.format_title.lower()), "Subtitle"
    ).paragraph_format.space_after = word.Pt(18)
    facts = [
        (_("Programme"), report.programme_title),
        (_("Format"), report.format_title),
        (_("Date"), words.when(report, lang)),
        (
            _("Levels present") if report.levels_present else _("Levels invited"),
            words.join([words.level(k) for k in report.levels_present or report.levels_invited]),
        ),
        (_("Participants"), str(report.participants_total) if report.participants_total else ""),
        (_("Case"), report.case_title or ""),
        (_("Facilitator"), report.facilitator_name),
    ]
    word.facts(doc, [(label, value) for label, value in facts if value])
    word.paragraph(doc)
    word.paragraph(
        doc,
        _(
            "Participants took part anonymously. Names appear only where someone chose to "
            "show theirs with a reflection."
        ),
        "Small Print",
    )
    word.page_break(doc)


def summary(doc: DocxDocument, report: SessionReport) -> None:
    sentences = words.summary(report)
    top = sorted((c for c in report.clusters if c.votes), key=lambda c: -c.votes)[:3]
    if not sentences and not top:
        return
    word.heading(doc, _("Summary"), 1)
    if sentences:
        word.paragraph(doc, " ".join(sentences))
    if top:
        word.paragraph(
            doc, ngettext("The bottleneck with the most dots:", "The %(num)d bottlenecks with the most dots:", len(top))
        )
        for cluster in top:
            p = doc.add_paragraph(style=doc.styles["List Bullet"])
            p.add_run(word.clean(cluster.title)).bold = True
            p.add_run(
                word.clean(
                    " — "
                    + ngettext(
                        "%(num)d dot; to be solved at: %(level)s",
                        "%(num)d dots; to be solved at: %(level)s",
                        cluster.votes,
                        level=words.solve_level(cluster.level).lower(),
                    )
                )
            )
    commitments = report.commitments
    if commitments:
        owners = sorted({c.owner for c in commitments if c.owner})
        if owners:
            word.paragraph(doc, _("Commitments were made by: %(owners)s.", owners=words.join(owners)))


def case(doc: DocxDocument, report: SessionReport) -> None:
    if not report.case_title and not (report.case_markdown or "").strip():
        return
    word.heading(doc, _("The case"), 1)
    if report.case_title:
        word.heading(doc, report.case_title, 2)
    word.rich_text(doc, blocks(report.case_markdown or ""), top_heading=3)


def journey(doc: DocxDocument, report: SessionReport) -> None:
    """De maatwerkreis: the moments of the case in order, each with the reflections pinned to it."""
    if not report.moments:
        return
    word.heading(doc, _("The case's journey"), 1)
    word.intro(
        doc,
        _(
            "The moments of the case in order, as laid out in the session, with what participants "
            "pinned to them: where it broke down and where it went well."
        ),
    )
    word.table(
        doc,
        ["#", _("When"), _("Moment"), _("Kind"), _("Reflections")],
        [(i, m.when, m.title, words.moment_kind(m.kind), len(m.reflections)) for i, m in enumerate(report.moments, 1)],
        [1.2, 3.2, 7.0, 3.2, 2.0],
        right=(0, 4),
    )
    for i, moment in enumerate(report.moments, 1):
        if not moment.reflections and not moment.description.strip():
            continue
        word.heading(doc, f"{i}. {moment.title}", 2)
        facts = [words.moment_kind(moment.kind)] + ([moment.when] if moment.when else [])
        word.paragraph(doc, " · ".join(facts), "Small Print").paragraph_format.keep_with_next = True
        if moment.description.strip():
            word.paragraph(doc, moment.description)
        items = word.ListWriter(doc)
        for reflection in moment.reflections:
            _reflection(items, reflection, show_kind=True)


def participation(doc: DocxDocument, report: SessionReport) -> None:
    if not report.participation:
        return
    word.heading(doc, _("Participation"), 1)
    word.intro(
        doc,
        ngettext(
            "%(num)d person joined from a phone. The counts are per level; no names are recorded.",
            "%(num)d people joined from their phones. The counts are per level; no names are recorded.",
            report.participants_total,
        ),
    )
    rows = [(words.level(p.level), p.participants, p.reflections, p.dots) for p in report.participation]
    rows.append(
        (
            _("Total"),
            report.participants_total,
            sum(p.reflections for p in report.participation),
            sum(p.dots for p in report.participation),
        )
    )
    word.table(
        doc,
        [_("Level"), _("Participants"), _("Reflections"), _("Dots given")],
        rows,
        [6.1, 3.5, 3.5, 3.5],
        right=(1, 2, 3),
        bold_last=True,
    )
    if report.proxy_participants:
        word.paragraph(
            doc,
            ngettext(
                "%(num)d of them took part without a phone: the facilitator entered their reflections and votes.",
                "%(num)d of them took part without a phone: the facilitator entered their reflections and votes.",
                report.proxy_participants,
            ),
        ).paragraph_format.space_before = word.Pt(8)
    if report.facilitator_reflections:
        word.paragraph(
            doc,
            ngettext(
                "The facilitator entered %(num)d reflection for someone without a phone.",
                "The facilitator entered %(num)d reflections for people without a phone.",
                report.facilitator_reflections,
            ),
        ).paragraph_format.space_before = word.Pt(8)


def fishbowl(doc: DocxDocument, report: SessionReport) -> None:
    """Rounds and topics, seat rotations, and chair time per level as a table and a bar chart."""
    bowl = report.fishbowl
    if bowl is None:
        return
    lang = report.language
    word.heading(doc, _("Fishbowl"), 1)
    word.intro(
        doc,
        _("The inner circle had %(num)d chairs, one of them left empty for whoever wanted to speak.", num=bowl.chairs)
        + " "
        + ngettext("Someone took a chair %(num)d time.", "Someone took a chair %(num)d times.", bowl.turns),
    )
    if bowl.rounds:
        word.heading(doc, _("Rounds and topics"), 2)
        word.table(
            doc,
            ["#", _("Topic"), _("From"), _("Until"), _("Duration")],
            [
                (
                    r.number,
                    r.topic,
                    words.clock(r.started_at, lang),
                    words.clock(r.ended_at, lang),
                    words.duration((r.ended_at - r.started_at).total_seconds()) if r.ended_at else "",
                )
                for r in bowl.rounds
            ],
            [1.0, 8.6, 2.0, 2.0, 2.6],
            right=(0, 4),
        )
    if bowl.total_seconds:
        word.heading(doc, _("Speaking time per level"), 2)
        percent = dict(bowl.percent_per_level)
        top_level, top_share = max(bowl.percent_per_level, key=lambda pair: pair[1])
        word.intro(
            doc, _("%(level)s had the chair %(share)d%% of the time.", level=words.level(top_level), share=top_share)
        )
        word.table(
            doc,
            [_("Level"), _("Time in the circle"), _("Share")],
            [
                (words.level(level), words.duration(seconds), f"{percent[level]}%")
                for level, seconds in bowl.seconds_per_level
            ]
            + [(_("Total"), words.duration(bowl.total_seconds), "100%")],
            [6.1, 5.0, 5.0],
            right=(1, 2),
            bold_last=True,
        )
        word.picture(
            doc,
            charts.share_chart(
                [
                    charts.Share(
                        words.level(level),
                        level,
                        percent[level] / 100,
                        f"{percent[level]}% · {words.duration(seconds)}",
                    )
                    for level, seconds in bowl.seconds_per_level
                ]
            ),
        )
        word.caption(
            doc, _("Share of the time in the inner circle per level: all chairs together, summed over every turn.")
        )


def disciplines(doc: DocxDocument, report: SessionReport) -> None:
    if not report.disciplines:
        return
    word.heading(doc, _("Disciplines"), 2)
    word.intro(
        doc,
        _(
            "Counts per discipline people chose to give. Groups of fewer than %(n)s people are "
            "counted under other, so nobody can be singled out.",
            n=discipline_names.min_group(),
        ),
    )
    word.table(
        doc,
        [_("Discipline"), _("Participants"), _("Reflections")],
        [(discipline_names.label(g.key), g.participants, g.reflections) for g in report.disciplines],
        [9.6, 3.5, 3.5],
        right=(1, 2),
    )


def _by_votes(clusters) -> list[ClusterItem]:
    return sorted(clusters, key=lambda c: (-c.votes, -len(c.reflections), c.title.lower()))


def bottlenecks(doc: DocxDocument, report: SessionReport) -> None:
    if not report.clusters:
        return
    word.heading(doc, _("Bottlenecks"), 1)
    word.intro(
        doc,
        _(
            "The bottlenecks the group named, with the level at which each must be solved and the "
            "dots it got in the vote, most dots first."
        ),
    )
    ranked = _by_votes(report.clusters)
    word.table(
        doc,
        ["#", _("Bottleneck"), _("To be solved at"), _("Dots"), _("Reflections")],
        [(i, c.title, words.solve_level(c.level), c.votes, len(c.reflections)) for i, c in enumerate(ranked, 1)],
        [1.0, 8.2, 3.4, 1.8, 2.2],
        right=(0, 3, 4),
    )
    votes_chart(doc, report)
    level_map(doc, report)
    for level_key in [*LEVEL_ORDER, None]:
        group = [c for c in ranked if c.level == level_key]
        if not group:
            continue
        word.heading(
            doc,
            _("To be solved at: %(level)s", level=words.solve_level(level_key))
            if level_key
            else _("Level not yet decided"),
            2,
        )
        for cluster in group:
            _cluster(doc, cluster)


def _cluster(doc: DocxDocument, cluster: ClusterItem) -> None:
    word.heading(doc, cluster.title, 3)
    facts = [
        ngettext("%(num)d dot", "%(num)d dots", cluster.votes),
        ngettext("%(num)d reflection", "%(num)d reflections", len(cluster.reflections)),
    ]
    if cluster.tags:
        facts.append(", ".join(cluster.tags))
    word.paragraph(doc, " · ".join(facts), "Small Print").paragraph_format.keep_with_next = True
    if cluster.description.strip():
        word.paragraph(doc, cluster.description)
    items = word.ListWriter(doc)
    for reflection in cluster.reflections:
        _reflection(items, reflection, show_kind=reflection.kind != "bottleneck")


def _reflection(items: word.ListWriter, reflection, *, show_kind: bool) -> None:
    notes = []
    if show_kind:
        notes.append(words.kind(reflection.kind).lower())
    notes.append(words.level(reflection.level).lower())
    if reflection.author:
        notes.append(reflection.author)
    elif reflection.by_facilitator:
        notes.append(_("entered by the facilitator"))
    items.item(reflection.text, " (" + ", ".join(notes) + ")")


def votes_chart(doc: DocxDocument, report: SessionReport) -> None:
    voted = [c for c in _by_votes(report.clusters) if c.votes][:CHART_BARS]
    if not voted:
        return
    names = words.level_names()
    png = charts.votes_chart([charts.Bar(c.title, c.votes, c.level) for c in voted], names)
    word.picture(doc, png)
    shown = len(voted) < len([c for c in report.clusters if c.votes])
    word.caption(
        doc,
        _("Dots per bottleneck, the %(num)d with the most; the colour is the level that must solve it.", num=len(voted))
        if shown
        else _("Dots per bottleneck; the colour is the level that must solve it."),
    )


def level_flows(clusters) -> list[charts.Flow]:
    counts: dict[tuple, int] = {}
    for cluster in clusters:
        for source, n in cluster.raised_at().items():
            counts[(source, cluster.level)] = counts.get((source, cluster.level), 0) + n
    return [charts.Flow(source, target, n) for (source, target), n in counts.items()]


def level_map(doc: DocxDocument, report: SessionReport) -> None:
    level_map_picture(doc, report.clusters)


def level_map_picture(doc: DocxDocument, clusters) -> None:
    """Where bottlenecks came up and where they must be solved; only when clusters hold reflections."""
    flows = level_flows(clusters)
    if not flows:
        return
    per_target, per_source = {}, {}
    for key in [*LEVEL_ORDER, None]:
        n = sum(1 for c in clusters if c.level == key)
        per_target[key] = ngettext("%(num)d bottleneck", "%(num)d bottlenecks", n) if n else ""
        n = sum(f.weight for f in flows if f.source == key)
        per_source[key] = ngettext("%(num)d reflection", "%(num)d reflections", n) if n else ""
    picture = charts.level_map(
        flows,
        list(LEVEL_ORDER),
        left_names={**words.level_names(), None: _("Level not given")},
        right_names=words.level_names(),
        left_title=_("Raised about"),
        right_title=_("To be solved at"),
        left_counts=per_source,
        right_counts=per_target,
    )
    word.picture(doc, picture)
    word.caption(
        doc,
        _(
            "Level map: the level the reflections in each bottleneck were about (left) and the level "
            "that must solve it (right). The width of a band is the number of reflections."
        ),
    )


def commitments(doc: DocxDocument, report: SessionReport) -> None:
    if not report.commitments:
        return
    word.heading(doc, _("Commitments"), 1)
    word.intro(doc, _("The concrete steps participants take in their own organisations."))
    lang = report.language
    word.table(
        doc,
        [_("What"), _("Who"), _("Level"), _("By"), _("Status"), _("Bottleneck")],
        [
            (
                c.what,
                c.owner,
                words.level(c.level) if c.level else "",
                words.short_day(c.due_date, lang),
                words.status(c.status),
                c.cluster_title or "",
            )
            for c in report.commitments
        ],
        [4.6, 3.0, 2.4, 2.0, 1.9, 2.7],
    )
    updates(doc, [(c, c.updates) for c in report.commitments if c.updates], lang)


def updates(doc: DocxDocument, items, lang: str) -> None:
    """The dated status changes and notes on commitments, one list item each."""
    if not items:
        return
    word.heading(doc, _("Status updates"), 2)
    bullets = word.ListWriter(doc)
    for commitment, changes in items:
        for change in changes:
            note = f" — {change.note}" if change.note else ""
            where = _(" (in %(session)s)", session=change.session_title) if change.session_title else ""
            bullets.item(
                f"{commitment.what}: {words.status(change.status)}{note}",
                f" {words.short_day(words.local(change.at).date(), lang)}{where}",
            )


def followup(doc: DocxDocument, report: SessionReport) -> None:
    """In a follow-up session: what became of the programme's earlier commitments."""
    if not report.followup:
        return
    word.heading(doc, _("Follow-up of earlier commitments"), 1)
    word.intro(
        doc, _("Commitments made in earlier sessions of the programme, and what their owners reported in this session.")
    )
    word.table(
        doc,
        [_("What"), _("Who"), _("Made in"), _("Status"), _("Update")],
        [
            (
                f.commitment.what,
                f.commitment.owner,
                f.session_title,
                words.status(f.commitment.status),
                "; ".join(f"{words.status(u.status)}" + (f": {u.note}" if u.note else "") for u in f.updates),
            )
            for f in report.followup
        ],
        [4.4, 3.0, 3.0, 2.0, 4.2],
    )


def carried(doc: DocxDocument, report: SessionReport) -> None:
    """The thread of each bottleneck carried into this session: from the first reflection to the commitment."""
    if not report.carried:
        return
    word.heading(doc, _("Bottlenecks carried forward"), 1)
    word.intro(
        doc,
        _(
            "Bottlenecks this session took over from earlier sessions of the programme: where they "
            "were first named, and the commitments that answer them now."
        ),
    )
    lang = report.language
    for item in report.carried:
        word.heading(doc, item.title, 2)
        bullets = word.ListWriter(doc)
        for step in item.steps:
            first = f" — “{step.reflections[0]}”" if step.reflections else ""
            bullets.item(
                f"{step.session_title}: {step.cluster_title}{first}",
                f" {words.short_day(step.day, lang)} · "
                + ngettext("%(num)d reflection", "%(num)d reflections", len(step.reflections)),
            )
        answers = [c for c in report.commitments if item.cluster_id in c.cluster_ids]
        if answers:
            for c in answers:
                bullets.item(_("Commitment: %(what)s", what=c.what), f" {c.owner} · {words.status(c.status)}")
        else:
            word.paragraph(doc, _("No commitment answers it yet."))


def reflections(doc: DocxDocument, report: SessionReport) -> None:
    if not report.reflections:
        return
    word.heading(doc, _("Reflections"), 1)
    word.intro(
        doc,
        _(
            "All reflections, by phase and kind, in the order they were written. Reflections the "
            "facilitator removed during the session are left out."
        ),
    )
    order = [p.key for p in report.phases]
    phase_keys = sorted(
        {r.phase_key for r in report.reflections}, key=lambda k: (order.index(k) if k in order else len(order), k)
    )
    items = word.ListWriter(doc)
    for phase_key in phase_keys:
        in_phase = [r for r in report.reflections if r.phase_key == phase_key]
        word.heading(doc, report.phase_title(phase_key), 2)
        for kind_key in sorted({r.kind for r in in_phase}, key=_kind_order):
            word.heading(doc, words.kinds(kind_key), 3)
            for reflection in in_phase:
                if reflection.kind == kind_key:
                    _reflection(items, reflection, show_kind=False)


def _kind_order(key: str) -> tuple[int, str]:
    known = ["success", "bottleneck", "cause", "idea", "question"]
    return (known.index(key) if key in known else len(known), key)


def timeline(doc: DocxDocument, report: SessionReport) -> None:
    if not report.timeline:
        return
    word.heading(doc, _("Appendix: timeline"), 1)
    word.intro(doc, _("Everything that happened in the session, in order. Texts and names are not repeated here."))
    lang = report.language
    word.table(
        doc,
        ["#", _("Time"), _("What"), _("Who"), _("Detail")],
        [
            (
                e.seq,
                words.clock(e.at, lang, seconds=True),
                words.event(e.name),
                words.actor(e.actor, e.level),
                words.kind(e.detail) if e.name.startswith("reflection.") and e.detail else (e.detail or ""),
            )
            for e in report.timeline
        ],
        [1.2, 2.0, 4.4, 4.4, 4.6],
        right=(0,),
    )


SECTIONS: list[Callable[[DocxDocument, SessionReport], None]] = [
    title_page,
    summary,
    case,
    journey,
    participation,
    disciplines,
    fishbowl,
    bottlenecks,
    carried,
    commitments,
    followup,
    reflections,
    timeline,
]


def build(report: SessionReport) -> bytes:
    """The .docx file, in the session's language."""
    with words.language(report.language):
        doc = word.new_document(report.language, _("Report: %(title)s", title=report.title))
        word.footer(doc, report.title, _("Page"))
        for section in SECTIONS:
            section(doc, report)
        return word.save(doc)
