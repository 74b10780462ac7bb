"""The session report in Word: one builder per section, each reading a SessionReport and writing into the
document; a section without data writes nothing."""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocxDocument
from flask_babel import gettext as _

from facilitation.live import disciplines as discipline_names
from facilitation.reports import charts, journey_words, word
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


#: what the one-page summary shows at most: bottlenecks per level, commitments per bottleneck, open bottlenecks
SUMMARY_PER_LEVEL, SUMMARY_COMMITMENTS, SUMMARY_OPEN = 2, 2, 6


def summary(doc: DocxDocument, report: SessionReport) -> None:
    """The management summary on one page: the numbers, per level the bottlenecks with the most dots and
    the commitments that answer them (owner, date), and the bottlenecks no commitment answers yet."""
    sentences = words.summary(report)
    if not sentences and not report.clusters:
        return
    word.heading(doc, _("Summary"), 1)
    if sentences:
        word.paragraph(doc, " ".join(sentences))
    summary_levels(doc, report.clusters, report.commitments, report.language)
    word.page_break(doc)


def summary_levels(doc: DocxDocument, clusters, commitments, lang: str) -> None:
    """Per level the bottlenecks with the most dots and their commitments, then those without one."""
    ranked = _by_votes(clusters)
    for level_key in [*LEVEL_ORDER, None]:
        group = [c for c in ranked if c.level == level_key]
        if group:
            _summary_level(doc, commitments, lang, level_key, group)
    if ranked:
        _still_open(doc, commitments, ranked)


#: a commitment's text in the summary, at most; the commitments table has it in full
SUMMARY_TEXT = 90


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_TEXT else text[: SUMMARY_TEXT - 1].rsplit(" ", 1)[0] + "…"


def _answers(commitments, cluster: ClusterItem):
    return [c for c in commitments if cluster.id in c.cluster_ids]


def _summary_level(doc: DocxDocument, commitments, lang: str, level_key, group: list[ClusterItem]) -> None:
    word.heading(
        doc,
        _("Bottlenecks for %(level)s", level=words.solve_level(level_key).lower())
        if level_key
        else _("Bottlenecks whose level is not yet decided"),
        2,
    ).paragraph_format.space_before = word.Pt(9)
    items = word.ListWriter(doc)
    answers = word.ListWriter(doc, "List Bullet 2")
    for cluster in group[:SUMMARY_PER_LEVEL]:
        made = _answers(commitments, cluster)
        dots = " — " + ngettext("%(num)d dot", "%(num)d dots", cluster.votes)
        # no commitment yet: said on the bottleneck's own line, which keeps the summary to one page
        items.item(cluster.title, dots + ("" if made else "; " + _("no commitment yet")), bold=True)
        for commitment in made[:SUMMARY_COMMITMENTS]:
            answers.item(
                _("Commitment: %(what)s", what=_short(commitment.what)),
                " — " + words.commitment_facts(commitment, lang),
            )
        if len(made) > SUMMARY_COMMITMENTS:
            answers.item(
                ngettext("and %(num)d more commitment", "and %(num)d more commitments", len(made) - SUMMARY_COMMITMENTS)
            )
    if len(group) > SUMMARY_PER_LEVEL:
        word.paragraph(
            doc,
            ngettext(
                "And %(num)d more bottleneck at this level; see Bottlenecks.",
                "And %(num)d more bottlenecks at this level; see Bottlenecks.",
                len(group) - SUMMARY_PER_LEVEL,
            ),
            "Small Print",
        )


def _still_open(doc: DocxDocument, commitments, ranked: list[ClusterItem]) -> None:
    word.heading(doc, _("Bottlenecks without a commitment"), 2).paragraph_format.space_before = word.Pt(9)
    open_ = [c for c in ranked if not _answers(commitments, c)]
    if not open_:
        word.paragraph(doc, _("Every bottleneck has a commitment that answers it."))
        return
    items = word.ListWriter(doc)
    for cluster in open_[:SUMMARY_OPEN]:
        items.item(
            cluster.title,
            " — "
            + ngettext("%(num)d dot", "%(num)d dots", cluster.votes)
            + "; "
            + _("to be solved at: %(level)s", level=words.solve_level(cluster.level).lower()),
        )
    if len(open_) > SUMMARY_OPEN:
        word.paragraph(
            doc,
            ngettext(
                "And %(num)d more; see Bottlenecks.", "And %(num)d more; see Bottlenecks.", len(open_) - SUMMARY_OPEN
            ),
            "Small Print",
        )


def case(doc: DocxDocument, report: SessionReport) -> None:
    if not report.case_title and not (report.case_markdown or "").strip():
        return
    word.heading(doc, _("The case"), 1)
    if report.case_title:
        word.heading(doc, report.case_title, 2)
    word.rich_text(doc, blocks(report.case_markdown or ""), top_heading=3 if report.case_title else 2)


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
    language = report.language
    word.table(
        doc,
        ["#", _("When"), _("Moment"), _("Kind"), _("Organisations, law and ground"), _("Reflections")],
        [
            (
                i,
                journey_words.moment_when(m.on_date, m.date_precision, m.when, language),
                m.title,
                words.moment_kind(m.kind),
                journey_words.moment_facts(m),
                len(m.reflections),
            )
            for i, m in enumerate(report.moments, 1)
        ],
        right=(0, 5),
    )
    if report.journey_measures is not None:
        word.heading(doc, _("The journey in figures"), 2)
        word.facts(doc, journey_words.measure_facts(report.journey_measures))
    for i, moment in enumerate(report.moments, 1):
        if not moment.reflections and not moment.description.strip():
            continue
        word.heading(doc, f"{i}. {moment.title}", 2)
        when = journey_words.moment_when(moment.on_date, moment.date_precision, moment.when, language)
        facts = [words.moment_kind(moment.kind)] + ([when] if when else [])
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
            right=(0, 4),
        )
    if bowl.total_seconds:
        _speaking_time(doc, bowl)


def _speaking_time(doc: DocxDocument, bowl) -> None:
    """Chair time per level as a table and a bar chart with its alternative text."""
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
        words.share_alt(
            [(words.level(level), percent[level], words.duration(seconds)) for level, seconds in bowl.seconds_per_level]
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


def _cluster(doc: DocxDocument, cluster: ClusterItem, level: int = 3, *, with_reflections: bool = False) -> None:
    """A bottleneck's heading, numbers and description; its reflections only in the appendix."""
    word.heading(doc, cluster.title, level)
    facts = [
        ngettext("%(num)d dot", "%(num)d dots", cluster.votes),
        ngettext("%(num)d reflection", "%(num)d reflections", len(cluster.reflections)),
    ]
    if cluster.tags:
        facts.append(", ".join(cluster.tags))
    word.paragraph(doc, " · ".join(facts), "Small Print").paragraph_format.keep_with_next = True
    if cluster.description.strip():
        word.paragraph(doc, cluster.description)
    if not with_reflections:
        return
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
    word.picture(doc, png, words.votes_alt([(c.title, c.votes, c.level) for c in voted]))
    shown = len(voted) < len([c for c in report.clusters if c.votes])
    word.caption(
        doc,
        _(
            "Dots per bottleneck, the %(num)d with the most; the colour, the pattern and the word beside each "
            "bar name the level that must solve it.",
            num=len(voted),
        )
        if shown
        else _(
            "Dots per bottleneck; the colour, the pattern and the word beside each bar name the level that "
            "must solve it."
        ),
    )


def level_flows(clusters) -> list[charts.Flow]:
    counts: dict[tuple, int] = {}
    for cluster in clusters:
        for source, n in cluster.raised_at().items():
            counts[(source, cluster.level)] = counts.get((source, cluster.level), 0) + n
    return [charts.Flow(source, target, n) for (source, target), n in counts.items()]


def level_map(doc: DocxDocument, report: SessionReport) -> None:
    level_map_picture(doc, report.clusters, len(report.reflections))


def level_map_picture(doc: DocxDocument, clusters, reflections_total: int) -> None:
    """From the level of whoever wrote a reflection to the level that must solve its bottleneck; only the
    reflections the group put in a bottleneck count, and the caption says so with both numbers."""
    flows = level_flows(clusters)
    if not flows:
        return
    per_target, per_source = {}, {}
    for key in [*LEVEL_ORDER, None]:
        n = sum(1 for c in clusters if c.level == key and c.reflections)
        per_target[key] = ngettext("%(num)d bottleneck", "%(num)d bottlenecks", n) if n else ""
        n = sum(f.weight for f in flows if f.source == key)
        per_source[key] = ngettext("%(num)d reflection", "%(num)d reflections", n) if n else ""
    picture = charts.level_map(
        flows,
        list(LEVEL_ORDER),
        left_names={**words.level_names(), None: _("Level not given")},
        right_names=words.level_names(),
        left_title=_("Written by (level)"),
        right_title=_("To be solved at"),
        left_counts=per_source,
        right_counts=per_target,
    )
    clustered = sum(f.weight for f in flows)
    word.picture(doc, picture, words.level_map_alt(flows, clustered))
    word.caption(
        doc,
        _(
            "Level map of the %(num)d of %(total)d reflections the group put in a bottleneck: the level of "
            "whoever wrote them (left) and the level that must solve the bottleneck (right). The width of "
            "a band is the number of reflections.",
            num=clustered,
            total=max(reflections_total, clustered),
        ),
    )


def commitments(doc: DocxDocument, report: SessionReport) -> None:
    if not report.commitments:
        return
    word.heading(doc, _("Commitments"), 1)
    word.intro(doc, _("The concrete steps participants take in their own organisations."))
    lang = report.language
    # the programme's goal each serves, as a column only once a commitment serves one
    goals = any(c.goal_title for c in report.commitments)
    word.table(
        doc,
        [_("What"), _("Who"), _("Level"), _("By"), _("Status"), _("Bottleneck")] + ([_("Goal")] if goals else []),
        [
            (
                c.what,
                c.owner,
                words.level(c.level) if c.level else "",
                words.short_day(c.due_date, lang),
                words.status(c.status),
                c.cluster_title or "",
            )
            + ((c.goal_title or "",) if goals else ())
            for c in report.commitments
        ],
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
    """The appendices with what people wrote: per bottleneck, then everything else by phase and kind.
    Every reflection appears once; the main text refers to them by count."""
    if not report.reflections:
        return
    word.page_break(doc)
    in_clusters = [c for c in _by_votes(report.clusters) if c.reflections]
    if in_clusters:
        word.heading(doc, _("Appendix: reflections per bottleneck"), 1)
        word.intro(doc, _("What participants wrote, grouped in the bottlenecks the group named, most dots first."))
        for cluster in in_clusters:
            _cluster(doc, cluster, 2, with_reflections=True)
    clustered = {r.id for c in in_clusters for r in c.reflections}
    rest = [r for r in report.reflections if r.id not in clustered]
    if not rest:
        return
    word.heading(doc, _("Appendix: other reflections") if in_clusters else _("Appendix: reflections"), 1)
    word.intro(
        doc,
        _(
            "The reflections in no bottleneck, by phase and kind, in the order they were written. Reflections "
            "the facilitator removed during the session are left out."
        ),
    )
    order = [p.key for p in report.phases]
    phase_keys = sorted({r.phase_key for r in rest}, key=lambda k: (order.index(k) if k in order else len(order), k))
    for phase_key in phase_keys:
        in_phase = [r for r in rest if r.phase_key == phase_key]
        word.heading(doc, report.phase_title(phase_key), 2)
        for kind_key in sorted({r.kind for r in in_phase}, key=_kind_order):
            word.heading(doc, words.kinds(kind_key), 3)
            items = word.ListWriter(doc)
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
