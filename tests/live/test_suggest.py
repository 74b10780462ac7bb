"""Tests for facilitation.live.suggest: grouping quality on a labelled Dutch set, edge cases, titles."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import time
import tomllib
from pathlib import Path

import pytest
import stopwordsiso
from sklearn.metrics import adjusted_rand_score

from facilitation.live import concepts
from facilitation.live.concepts import dutch_verbs
from facilitation.live.grouping import Example
from facilitation.live.suggest import Suggestion, suggest_clusters

BENCH = Path(__file__).parents[2] / "bench" / "data" / "suggest"
DATA = Path(__file__).parent.parent / "data" / "labelled_reflections_nl.toml"


def _labelled(part: str | None = None) -> tuple[list[tuple[int, str]], dict[int, str]]:
    """(id, text) pairs and id -> theme; part "tuning" or "holdout" selects that part of the set."""
    rows = tomllib.loads(DATA.read_text(encoding="utf-8"))["reflection"]
    rows = [r for r in rows if part is None or r.get("set", "tuning") == part]
    return [(r["id"], r["text"]) for r in rows], {r["id"]: r["theme"] for r in rows}


def _predicted_labels(suggestions: list[Suggestion], ids: list[int]) -> list[str]:
    # Reflections left out of every suggestion count as singletons, so leaving things out costs recall.
    cluster_of = {rid: f"c{k}" for k, s in enumerate(suggestions) for rid in s.reflection_ids}
    return [cluster_of.get(rid, f"single-{rid}") for rid in ids]


def _pairwise_precision(truth: list[str], predicted: list[str]) -> float:
    """Of the pairs put in one suggestion, the share a facilitator would also put together."""
    pairs = itertools.combinations(range(len(truth)), 2)
    together = [(a, b) for a, b in pairs if predicted[a] == predicted[b]]
    return sum(truth[a] == truth[b] for a, b in together) / len(together)


def _quality(reflections: list[tuple[int, str]], themes: dict[int, str]) -> tuple[float, float]:
    """Adjusted Rand index and pairwise precision of the suggestions for the reflections in themes."""
    ids = sorted(themes)
    truth = [themes[rid] for rid in ids]
    predicted = _predicted_labels(suggest_clusters(reflections), ids)
    return adjusted_rand_score(truth, predicted), _pairwise_precision(truth, predicted)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


# --- quality -------------------------------------------------------------------------------------
# Measured with scikit-learn 1.9.1, snowballstemmer 3.1.1, stopwordsiso 0.7.1. The parameters were
# chosen on the tuning part (56 reflections, 7 themes: ARI 0.442, pairwise precision 0.594) and
# bench/suggest.py; the hold-out part (35) was written afterwards and never tuned on. The set is
# deliberately hard for a lexical method (theme-mates often share no word), so the figures are
# modest; thresholds sit a little below them to allow for stop-list or stemmer updates.


def test_groups_labelled_dutch_reflections_by_theme() -> None:
    # All 91: ARI 0.420, pairwise precision 0.699 (recall 0.357), 15 suggestions for 7 themes.
    ari, precision = _quality(*_labelled())
    assert ari >= 0.38
    assert precision >= 0.65


def test_holdout_reflections_group_as_well_as_tuning_ones() -> None:
    reflections, _ = _labelled()
    _, holdout_themes = _labelled("holdout")
    # Hold-out reflections scored within the run on all 91: ARI 0.440 (tuning ones: 0.356).
    ari, _ = _quality(reflections, holdout_themes)
    assert ari >= 0.38


def test_small_unseen_table_is_grouped_better_than_chance() -> None:
    # The 35 hold-out reflections alone: ARI 0.209, pairwise precision 0.333. Few reflections give
    # TF-IDF little to go on (one shared "school" joins unrelated remarks), hence the low bar.
    ari, _ = _quality(*_labelled("holdout"))
    assert ari >= 0.15


def test_keeps_clearly_distinct_themes_apart() -> None:
    reflections = [
        (1, "De wachtlijst voor de jeugd-GGZ is negen maanden."),
        (2, "Het gezin staat al maanden op de wachtlijst voor jeugdzorg."),
        (3, "Door de lange wachtlijst escaleert de situatie thuis."),
        (4, "De bewindvoerder reageert niet en de schulden lopen op."),
        (5, "Schulden van de ouders zorgen voor veel stress in het gezin."),
        (6, "Schuldhulpverlening en bewindvoering sluiten niet aan op de jeugdhulp."),
    ]
    groups = {s.reflection_ids for s in suggest_clusters(reflections)}
    assert groups == {(1, 2, 3), (4, 5, 6)}


# --- edge cases ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reflections",
    [
        [],
        [(1, "Eén enkele reflectie over de wachtlijst.")],
        [(1, ""), (2, ""), (3, "   ")],
        [(1, "😀"), (2, "🙈🙈"), (3, "👍 👍 👍")],
        [(1, "123"), (2, "456 789"), (3, "2024")],
        [(1, "?!"), (2, "..."), (3, "---")],
    ],
    ids=["empty", "one", "blank", "emoji", "numbers", "punctuation"],
)
def test_returns_nothing_when_nothing_can_be_grouped(reflections: list[tuple[int, str]]) -> None:
    assert suggest_clusters(reflections) == []


def test_identical_texts_form_one_group() -> None:
    reflections = [(rid, "De wachtlijst is te lang.") for rid in range(1, 8)]
    assert [s.reflection_ids for s in suggest_clusters(reflections)] == [tuple(range(1, 8))]


def test_survives_very_long_texts_and_mixed_garbage() -> None:
    reflections, _ = _labelled()
    noisy = reflections + [
        (1001, "wachtlijst " * 50_000),
        (1002, "x" * 200_000),
        (1003, "🙂" * 10_000),
        (1004, ""),
        (1005, "0612345678"),
        (1006, "https://example.org/" + "a" * 500),
    ]
    start = time.perf_counter()
    result = suggest_clusters(noisy)
    assert time.perf_counter() - start < 5
    grouped = {rid for s in result for rid in s.reflection_ids}
    assert {1002, 1003, 1004, 1005}.isdisjoint(grouped)


def test_unrelated_remark_is_left_out() -> None:
    reflections = [
        (1, "De wachtlijst voor de jeugd-GGZ is negen maanden."),
        (2, "Het gezin staat al maanden op de wachtlijst voor jeugdzorg."),
        (3, "Fijne bijeenkomst, bedankt voor de koffie!"),
    ]
    assert [s.reflection_ids for s in suggest_clusters(reflections)] == [(1, 2)]


# --- contract ------------------------------------------------------------------------------------


def test_is_deterministic() -> None:
    reflections, _ = _labelled()
    first = suggest_clusters(reflections)
    assert suggest_clusters(list(reflections)) == first
    assert suggest_clusters(tuple(reflections)) == first


def test_sorted_by_size_with_disjoint_sorted_ids() -> None:
    reflections, _ = _labelled()
    result = suggest_clusters(reflections)
    sizes = [len(s.reflection_ids) for s in result]
    assert sizes == sorted(sizes, reverse=True)
    all_ids = [rid for s in result for rid in s.reflection_ids]
    assert len(all_ids) == len(set(all_ids))
    assert all(list(s.reflection_ids) == sorted(s.reflection_ids) for s in result)
    assert all(isinstance(s, Suggestion) and dataclasses.is_dataclass(s) for s in result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result[0].title = "changed"  # type: ignore[misc]


def test_min_size_leaves_out_smaller_groups() -> None:
    reflections, _ = _labelled()
    everything = suggest_clusters(reflections)
    at_least_four = suggest_clusters(reflections, min_size=4)
    assert at_least_four == [s for s in everything if len(s.reflection_ids) >= 4]
    assert suggest_clusters(reflections, min_size=1000) == []


def test_max_clusters_keeps_the_largest() -> None:
    reflections, _ = _labelled()
    everything = suggest_clusters(reflections)
    assert len(everything) > 3
    assert suggest_clusters(reflections, max_clusters=3) == everything[:3]
    assert suggest_clusters(reflections, max_clusters=0) == []


def test_english_reflections() -> None:
    reflections = [
        (1, "The waiting list for youth mental health care is far too long."),
        (2, "Families wait months on the waiting list before treatment starts."),
        (3, "Schools refuse to share information because of privacy law."),
        (4, "Privacy rules stop the GP from sharing information with the team."),
        (5, "Lovely session, thanks everyone!"),
    ]
    result = suggest_clusters(reflections, language="en")
    assert {s.reflection_ids for s in result} == {(1, 2), (3, 4)}
    by_ids = {s.reflection_ids: s for s in result}
    assert by_ids[(3, 4)].title == "Privacy" and by_ids[(1, 2)].title == "Waiting list"


# --- titles, why, kinds --------------------------------------------------------------------------


def _bench_sets() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(BENCH.glob("*.json"))}


@pytest.mark.parametrize("granularity", [-2, 0, 2])
def test_no_title_is_a_stop_word_function_word_or_bare_verb(granularity: int) -> None:
    stop = frozenset(stopwordsiso.stopwords("nl")) | frozenset(stopwordsiso.stopwords("en"))
    verbs = dutch_verbs()
    assert {"kreeg", "dacht", "komt", "ingeschakeld", "gestopt"} <= verbs  # the titles issue #19 saw
    titles = []
    for data in _bench_sets().values():
        rows = [(r["id"], r["text"], r["kind"]) for r in data["reflections"]]
        titles += [s.title for s in suggest_clusters(rows, data["language"], granularity=granularity)]
    assert titles
    # Curated names (concepts, themes) are noun phrases even where they open with a participle ("Passend
    # onderwijs", "Dreigende ontruiming"); any other title is a word of the reflections and must be no verb form.
    curated = {
        n.lower()
        for lx in (concepts.load("nl"), concepts.load("en"))
        for c in lx.concepts.values()
        for n in (c.nl, c.en)
    } | {
        n.lower()
        for lx in (concepts.load("nl"), concepts.load("en"))
        for names in lx.themes.values()
        for n in names.values()
    }
    for title in titles:
        words = [w.lower() for w in re.findall(r"[^\W\d_]+", title)]
        assert words and not all(w in stop for w in words), title
        parts = title.lower().split(" en ")
        if title.lower() not in curated and not all(p in curated for p in parts):
            assert not any(w in verbs for w in words), title
        assert title[0].isupper() and len(title) <= 60


def test_titles_name_the_shared_concept_and_why_lists_it() -> None:
    reflections = [
        (1, "De wachtlijst voor de jeugd-GGZ is negen maanden."),
        (2, "Het gezin staat al maanden op de wachtlijst voor jeugdzorg."),
        (3, "Door de lange wachtlijst escaleert de situatie thuis."),
    ]
    (suggestion,) = suggest_clusters(reflections)
    assert suggestion.title == "Wachtlijst" and suggestion.why[0] == "Wachtlijst"


def test_acronyms_and_names_keep_their_official_form() -> None:
    reflections = [
        (1, "de wmo consulent kwam pas na 6 weken"),
        (2, "WMO aanvraag voor huishoudelijke hulp liep vast"),
        (3, "melding bij veilig thuis gedaan"),
        (4, "VEILIG THUIS reageerde weken niet op de melding"),
        (5, "ggz wachtlijst van een jaar"),
        (6, "Ggz had geen plek, wachtlijst"),
        (7, "wsnp afgewezen"),
        (8, "na de WSNP aanvraag weer schulden"),
    ]
    names = {n for s in suggest_clusters(reflections) for n in (s.title, *s.why)}
    assert {"Wmo", "Veilig Thuis", "Wsnp"} <= names
    assert "GGZ" in names or "Wachtlijst en GGZ" in names
    assert not names & {"wmo", "WMO", "veilig thuis", "ggz", "Ggz", "wsnp", "WSNP"}


def test_bottlenecks_and_success_factors_are_suggested_apart() -> None:
    for name, data in _bench_sets().items():
        kind = {r["id"]: r["kind"] for r in data["reflections"]}
        rows = [(r["id"], r["text"], r["kind"]) for r in data["reflections"]]
        for granularity in (-3, 0, 3):
            for s in suggest_clusters(rows, data["language"], granularity=granularity):
                kinds = {kind[rid] for rid in s.reflection_ids}
                assert not ({"bottleneck", "cause"} & kinds and "success" in kinds), (name, s.title)


def test_fewer_and_more_groups() -> None:
    data = _bench_sets()["jongere_ggz_crisis"]
    rows = [(r["id"], r["text"], r["kind"]) for r in data["reflections"]]
    counts = [len(suggest_clusters(rows, granularity=g)) for g in (-2, 0, 2)]
    assert counts[0] < counts[1] < counts[2]
    assert 5 <= len(suggest_clusters(rows)) <= 12  # 64 reflections: 5-12 by default


def test_a_theme_less_phrase_makes_no_cluster() -> None:
    # Issue #19: five reflections sharing "in plaats van" became one cluster across four themes.
    reflections = [
        (1, "Praten over het gezin in plaats van met het gezin"),
        (2, "Een uitkering in plaats van werk"),
        (3, "Wachtlijst in plaats van hulp"),
        (4, "De deurwaarder in plaats van een betalingsregeling"),
        (5, "Een brief in plaats van een gesprek"),
    ]
    assert all(len(s.reflection_ids) < 4 for s in suggest_clusters(reflections))


def test_a_reflection_like_a_known_recurring_bottleneck_joins_a_group_named_after_it() -> None:
    known = Example("Wachtlijsten jeugd-GGZ", ("wachtlijst jeugd-ggz", "geen plek vrij bij de ggz"), times=5)
    other = Example("Schulden en beslag", ("deurwaarder en beslag op loon",), times=3)
    reflections = [
        (1, "weer een wachtlijst bij de GGZ", "bottleneck"),
        (2, "fijne sessie", "question"),
        (3, "een wachtlijst bij de ggz als succes", "success"),
    ]
    result = suggest_clusters(reflections, examples=[known, other])
    assert [(s.title, s.reflection_ids, s.recurring, s.times) for s in result if s.recurring] == [
        ("Wachtlijsten jeugd-GGZ", (1,), "Wachtlijsten jeugd-GGZ", 5)
    ]


# --- the lexicon ---------------------------------------------------------------------------------


def test_the_dutch_lexicon_has_300_concepts_with_names_forms_and_themes_and_english_has_the_same_shape() -> None:
    nl, en = concepts.load("nl"), concepts.load("en")
    assert len(nl.concepts) >= 300 and len(en.concepts) >= 15
    for lexicon in (nl, en):
        for c in lexicon.concepts.values():
            assert c.nl and c.en and c.theme in lexicon.themes
    assert nl.analyse("in plaats van op tijd")[0] == []  # theme-less phrases are no concepts
    assert nl.analyse("van het kastje naar de muur")[0] == ["kastje_muur"]
    assert nl.analyse("niemand had de regie")[0] == ["regie"]
    assert nl.analyse("we belden of er een plekje vrijkwam")[0] == ["plek_vrij"]
    assert set(nl.analyse("behandelwachttijd bij de jeugd-ggz")[0]) == {"wachttijd", "jeugd_ggz"}
    assert nl.concepts["gi"].nl.startswith("GI") and nl.concepts["wsnp"].nl == "Wsnp"


def test_everyday_phrasings_of_the_social_domain_are_concepts_and_bare_generic_words_are_not() -> None:
    """The fourth round of #19 broadened the lexicon with how professionals write (lexicon/README.md)."""
    nl = concepts.load("nl")
    assert nl.analyse("er zit geen schot in")[0] == ["lang_duren"]
    assert nl.analyse("de zorg stokt")[0] == ["lang_duren"]
    assert nl.analyse("hij viel tussen wal en schip")[0] == ["tussen_wal_schip"]
    assert nl.analyse("ze stuurden hem van hot naar her")[0] == ["heen_en_weer"]
    assert nl.analyse("na zijn vrijlating")[0] == ["nazorg_detentie"]
    assert nl.analyse("de dochter moest tolken, haar kind als tolk")[0][-1] == "taal"
    # "wachten" alone is waiting for anything; "op elkaar wachten" is its own concept
    assert nl.analyse("dan maar wachten")[0] == []
    assert nl.analyse("we gingen op elkaar wachten")[0] == ["wachten_op_elkaar"]
    for word in ("hulp", "zorg", "probleem", "gesprek"):
        assert nl.analyse(word)[0] == [], word


def test_a_concept_can_belong_to_a_second_family_that_exists() -> None:
    """A cost under the Wmo is a money matter too: its `also` family is one of the themes' families, so it meets
    a reflection about income through the money family while it keeps its own theme."""
    nl = concepts.load("nl")
    families = {theme.get("family") for theme in nl.themes.values()}
    extra = {key: c.also for key, c in nl.concepts.items() if c.also}
    assert extra["eigen_bijdrage"] == ("geld",) and nl.concepts["eigen_bijdrage"].theme == "wmo"
    assert all(set(also) <= families for also in extra.values()), extra
    pair = suggest_clusters(
        [
            (1, "de eigen bijdrage is te hoog"),
            (2, "de bijstandsuitkering is stopgezet"),
            (3, "de leerplichtambtenaar belt"),
        ],
        min_size=2,
    )
    assert [s.reflection_ids for s in pair] == [(1, 2)]


def test_every_theme_has_a_family_and_both_languages_agree_on_them() -> None:
    """Families (money, school, health ...) are a weaker shared feature of the suggestions: a theme without one would
    silently count as a family of its own, and an English session should group as a Dutch one does."""
    nl, en = concepts.load("nl"), concepts.load("en")
    families = {key: theme.get("family") for key, theme in nl.themes.items()}
    assert all(families.values()) and len(set(families.values())) < len(families)
    assert {key: theme.get("family") for key, theme in en.themes.items()}.items() <= families.items()
    # different concepts of one family, no shared word: a debt and an income reflection are alike, a school one is not
    money = suggest_clusters(
        [
            (1, "de deurwaarder staat weer voor de deur"),
            (2, "de bijstandsuitkering is stopgezet"),
            (3, "de leerplichtambtenaar belt over verzuim"),
        ],
        min_size=2,
    )
    assert [s.reflection_ids for s in money] == [(1, 2)]


def test_no_word_form_belongs_to_two_concepts() -> None:
    for language in ("nl", "en"):
        owner: dict[str, str] = {}
        for path in sorted((concepts.LEXICON / language).glob("*.toml")):
            if path.name in ("themes.toml", "ignore.toml"):
                continue
            for key, entry in tomllib.loads(path.read_text(encoding="utf-8")).items():
                for form in entry["forms"]:
                    assert owner.setdefault(form, key) == key, (form, owner[form], key)


def test_handles_a_thousand_reflections() -> None:
    """A thousand reflections are grouped, each at most once. How fast is bench/suggest.py's to say (target
    1 s; about 0.1 s on one core), not a timed test's."""
    reflections, _ = _labelled()
    texts = [f"{text} (tafel {k})" for k in range(20) for _rid, text in reflections][:1000]
    many = list(enumerate(texts, 1))
    result = suggest_clusters(many)
    assert result
    grouped = [rid for suggestion in result for rid in suggestion.reflection_ids]
    assert len(grouped) == len(set(grouped)) and set(grouped) <= {rid for rid, _ in many}


# --- issue #19, second round: acronyms, names, diffuse sessions ------------------------------------------------


def test_an_acronym_that_is_a_dutch_word_counts_only_in_capitals() -> None:
    lexicon = concepts.load("nl")
    assert "om" not in lexicon.analyse("we belden om 9 uur, ze ging mee naar het gesprek")[0]
    assert "mee" not in lexicon.analyse("we belden om 9 uur, ze ging mee naar het gesprek")[0]
    assert "om" in lexicon.analyse("het OM heeft de zaak geseponeerd")[0]
    assert "mee" in lexicon.analyse("MEE ging mee naar het gesprek")[0]


def test_in_a_text_typed_in_capitals_a_dutch_word_is_no_acronym() -> None:
    lexicon = concepts.load("nl")
    found = lexicon.analyse("WE BELDEN OM 9 UUR, ZE GING MEE NAAR HET GESPREK")[0]
    assert "om" not in found and "mee" not in found
    # a few capitals in an ordinary sentence are still the acronym
    assert "om" in lexicon.analyse("Het OM en MEE zaten aan tafel bij de gemeente")[0]


def test_equally_long_forms_prefer_the_one_written_literally() -> None:
    # "hulpverleners" is a form of "Te veel hulpverleners" and "hulpverlener" + s one of "Hulpverlener".
    found, _ = concepts.load("nl").analyse("zeven hulpverleners betrokken")
    assert found == ["veel_hulpverleners"]


def test_a_name_of_the_case_pulls_no_reflections_together() -> None:
    rows = [
        (1, "Petra werkt 32 uur en is op"),
        (2, "de wachtlijst voor Petra haar vader is 2 jaar"),
        (3, "ook voor Petra is er geen plek in het verpleeghuis"),
        (4, "mantelzorger Petra is overbelast"),
    ]
    groups = suggest_clusters(rows, "nl", min_size=2)
    assert all(set(g.reflection_ids) in ({1, 4}, {2, 3}) for g in groups), groups
    assert not any("petra" in k.lower() for g in groups for k in g.keywords)


def test_a_diffuse_session_is_split_into_coherent_groups_not_left_out() -> None:
    data = json.loads((BENCH / "lvb_bijstand_wonen.json").read_text(encoding="utf-8"))
    rows = [(r["id"], r["text"], r["kind"]) for r in data["reflections"]]
    grouped = {rid for s in suggest_clusters(rows, "nl") for rid in s.reflection_ids}
    assert len(grouped) >= 0.6 * len(rows)  # once 3 of 63: one big incoherent group, then dissolved


def test_cuts_of_the_tree_are_scipys() -> None:
    import numpy as np
    from scipy.cluster.hierarchy import cut_tree, linkage

    from facilitation.live.grouping import _cuts

    points = np.random.default_rng(7).random((60, 4))
    tree = linkage(points, "average")
    ks = list(range(1, 60))
    ours, theirs = _cuts(tree, ks), cut_tree(tree, n_clusters=ks)
    for column in range(len(ks)):
        assert adjusted_rand_score(ours[:, column], theirs[:, column]) == 1.0


def test_a_session_where_everyone_writes_about_one_thing_is_one_suggestion():
    """Found in review: thresholds relative to the session's baseline went above 1 when most reflections were
    alike, and identical reflections came back as no suggestion at all."""
    from facilitation.live import grouping

    same = [(i, "de wachttijd voor jeugdhulp is te lang") for i in range(12)]
    groups = grouping.suggest_groups(same, "nl", min_size=2)
    assert len(groups) == 1 and len(groups[0].reflection_ids) >= 11
    alike = [
        "de wachttijd voor de jeugdhulp is veel te lang",
        "wachtlijst bij de ggz duurt maanden",
        "de wachtlijsten voor jeugdhulp zijn te lang",
        "lange wachttijd bij de wijkteam intake",
        "maanden op de wachtlijst voor behandeling",
        "het gezin staat al een jaar op de wachtlijst",
        "wachttijden voor de ggz zijn onacceptabel",
        "de wachtlijst voor de jeugd-ggz is lang",
    ]
    groups = grouping.suggest_groups(list(enumerate(alike)), "nl", min_size=2)
    assert sum(len(g.reflection_ids) for g in groups) >= 6  # not shattered into single cards
