"""Tests for facilitation.live.suggest: grouping quality on a labelled Dutch set, edge cases, titles."""

from __future__ import annotations

import dataclasses
import itertools
import re
import time
import tomllib
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from facilitation.live.suggest import Suggestion, suggest_clusters

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
    assert {"privacy", "information"} & set(by_ids[(3, 4)].keywords)


# --- titles and keywords -------------------------------------------------------------------------


def test_titles_and_keywords_come_from_the_reflections_own_words() -> None:
    reflections, _ = _labelled()
    text_of = dict(reflections)
    for suggestion in suggest_clusters(reflections):
        member_words = set().union(*(_words(text_of[rid]) for rid in suggestion.reflection_ids))
        assert 0 < len(suggestion.title) <= 60
        assert suggestion.title[0].isupper()
        assert _words(suggestion.title) <= member_words
        assert 1 <= len(suggestion.keywords) <= 5
        assert {k.lower() for k in suggestion.keywords} <= member_words


def test_title_names_the_shared_theme() -> None:
    reflections = [
        (1, "De wachtlijst voor de jeugd-GGZ is negen maanden."),
        (2, "Het gezin staat al maanden op de wachtlijst voor jeugdzorg."),
        (3, "Door de lange wachtlijst escaleert de situatie thuis."),
    ]
    (suggestion,) = suggest_clusters(reflections)
    assert suggestion.title.split()[0] == "Wachtlijst"
    assert suggestion.keywords[0] == "wachtlijst"


def test_keeps_acronyms_in_capitals() -> None:
    reflections = [
        (1, "Door de AVG mocht school niets delen."),
        (2, "De AVG wordt als reden gebruikt om niets te delen."),
    ]
    (suggestion,) = suggest_clusters(reflections)
    assert "AVG" in suggestion.keywords


def test_handles_a_thousand_reflections_quickly() -> None:
    reflections, _ = _labelled()
    many = [(k * 100 + rid, f"{text} (tafel {k})") for k in range(18) for rid, text in reflections]
    start = time.perf_counter()
    result = suggest_clusters(many)
    # bench/suggest.py measures ~0.15 s for 1,000; this only guards against a gross slowdown.
    assert time.perf_counter() - start < 5
    assert result
