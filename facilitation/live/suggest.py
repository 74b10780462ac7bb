"""Offline suggestions of bottleneck clusters ("knelpunten") for unclustered reflections: the text
pipeline (stop words, stems, TF-IDF), the grouping and the proposed titles and keywords."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import snowballstemmer
import stopwordsiso
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csc_matrix, csr_matrix, hstack
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer


@dataclass(frozen=True)
class Suggestion:
    title: str
    reflection_ids: tuple[int, ...]
    keywords: tuple[str, ...]
    why: tuple[str, ...] = ()  # names of the concepts the members share (shown on the console)
    kind: str = "bottleneck"  # "bottleneck", "success" or "mixed" (questions/ideas only)
    recurring: str | None = None  # the known recurring bottleneck this looks like
    times: int = 0  # how often that one came up before


# Reflections are 1-2 sentences (under 400 characters); the cap bounds the cost of a pasted essay.
MAX_TEXT_CHARS = 1000
# Longer "words" are URLs, hashes or keyboard mashing, never a shared theme.
MAX_WORD_CHARS = 40
MAX_TITLE_CHARS = 60
KEYWORD_COUNT = 5
# Share of the similarity carried by whole-word stems vs. character n-grams (the squares sum to 1).
# Char n-grams of 3-5 letters let Dutch compounds (wachtlijst/wachttijd, jeugdzorg/zorg) meet halfway:
# on the tuning part of the labelled set, stems alone reach ARI 0.28, stems plus n-grams 0.44.
WORD_WEIGHT = 0.6
CHAR_NGRAMS = (3, 5)
# Groups merge while their average cosine similarity stays above the corpus baseline (the mean
# similarity of all pairs) by MARGIN. Reflections on one case share its vocabulary (kind, gezin, the
# child's name), which lifts every pair; a fixed cut-off tuned on 50 reflections merged whole themes
# on 1,000 synthetic ones. The floor keeps small inputs, whose baseline says little, from merging on
# one shared common word. Both chosen on tests/data and bench/suggest.py (see tests/test_suggest.py).
BASELINE_FLOOR = 0.04
MARGIN = 0.01
# Pseudo-count of pairs at the floor mixed into the baseline: among a handful of reflections the
# mean similarity is mostly the very pairs being judged, and would keep two alike ones apart.
BASELINE_PRIOR = 10
# Pairs this similar are one theme whatever the baseline, e.g. when everyone posts the same sentence.
ALWAYS_MERGE = 0.5

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class _Doc:
    rid: int
    words: tuple[str, ...]  # content words as written (case kept for acronyms)
    stems: tuple[str, ...]  # one per word


@cache
def _stop_words() -> frozenset[str]:
    # One list for both languages: reflections mix Dutch and English, and neither list hides a
    # content word of the other. stopwords-iso's Dutch list (413 words) also covers adverbs
    # (vanwege, tussen, steeds) that the 101-word Snowball list lets through into titles.
    return frozenset(stopwordsiso.stopwords("nl")) | ENGLISH_STOP_WORDS


def _stem_function(language: str) -> Callable[[str], str]:
    # Snowball 3 "dutch" is Kraaij-Pohlmann; on the tuning set it scores ARI 0.44, dutch_porter 0.41.
    english = language.lower().startswith("en")
    stemmer = snowballstemmer.stemmer("english" if english else "dutch")
    memo: dict[str, str] = {}  # reflections repeat words a lot; the pure-Python stemmer is the slow part

    def stem(word: str) -> str:
        if word not in memo:
            memo[word] = stemmer.stemWord(word)
        return memo[word]

    return stem


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text[:MAX_TEXT_CHARS])
    stop = _stop_words()
    return [w for w in _WORD.findall(text) if 2 <= len(w) <= MAX_WORD_CHARS and w.lower() not in stop]


def _prepare(reflections: Sequence[tuple[int, str]], language: str) -> list[_Doc]:
    stem = _stem_function(language)
    docs = []
    for rid, text in reflections:
        words = _words(text if isinstance(text, str) else "")
        if words:  # without content words there is nothing to compare on: leave it out
            docs.append(_Doc(rid, tuple(words), tuple(stem(w.lower()) for w in words)))
    return docs


def _word_grams(word: str) -> tuple[str, ...]:
    lo, hi = CHAR_NGRAMS
    padded = f" {word.lower()} "
    return tuple(padded[i : i + n] for n in range(lo, hi + 1) for i in range(len(padded) - n + 1))


def _char_grams(docs: list[_Doc]) -> list[list[str]]:
    # Words recur across reflections, and slicing them dominates the time on long input.
    memo = {word: _word_grams(word) for word in {w for d in docs for w in d.words}}
    return [[gram for word in d.words for gram in memo[word]] for d in docs]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


@dataclass(frozen=True)
class _Corpus:
    docs: list[_Doc]
    vocabulary: list[str]  # the stem of each column of present
    present: csc_matrix  # doc x stem, True where the doc uses the stem; by column to count docs per stem

    @cached_property
    def column(self) -> dict[str, int]:
        return {stem: j for j, stem in enumerate(self.vocabulary)}


def _vectorise(docs: list[_Doc]) -> tuple[csr_matrix, _Corpus]:
    """Return the combined unit-norm matrix used for grouping, and the word view used for naming."""
    # Callable analyzers: tokens are prepared once above, so sklearn's English tokenising is bypassed.
    word_vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    char_vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    words = word_vec.fit_transform([list(d.stems) for d in docs]).tocsr()
    chars = char_vec.fit_transform(_char_grams(docs))
    combined = hstack([words * WORD_WEIGHT, chars * np.sqrt(1 - WORD_WEIGHT**2)]).tocsr()
    vocabulary = list(word_vec.get_feature_names_out())
    return combined, _Corpus(docs, vocabulary, (words > 0).tocsc())


def _group(matrix: csr_matrix) -> np.ndarray:
    """Label each row by average-linkage agglomerative clustering on cosine distance."""
    n = matrix.shape[0]
    if n == 1:
        return np.ones(1, dtype=int)
    similarity = (matrix @ matrix.T).toarray()  # rows are unit length, so this is cosine
    off_diagonal = similarity.sum() - np.trace(similarity)
    baseline = (off_diagonal + BASELINE_PRIOR * BASELINE_FLOOR) / (n * (n - 1) + BASELINE_PRIOR)
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    # scipy's average linkage is what sklearn's AgglomerativeClustering runs without connectivity.
    tree = linkage(squareform(distance, checks=False), method="average")
    required = min(max(BASELINE_FLOOR, baseline) + MARGIN, ALWAYS_MERGE)
    return fcluster(tree, t=1.0 - required, criterion="distance")


def _related(a: str, b: str) -> bool:
    """Stems of one word family: same first 5 letters (wachtlijst, wachttijd) or nested (zorg, jeugdzorg)."""
    short, long = sorted((a, b), key=len)
    if len(short) >= 5 and long.startswith(short[:5]):
        return True
    return short == long or (len(short) >= 4 and short in long)


def _family_scores(corpus: _Corpus, members: list[int], candidates: list[str]) -> list[tuple[str, int]]:
    """(representative stem, members using the family) per candidate's word family, best first.

    Scored like BERTopic's class-based TF-IDF, on presence since a reflection rarely repeats a word:
    members using the family times log(1 + reflections / reflections using it). Families let
    "schulden" stand for members who wrote "schuldeisers" or "schuldhulpverlening".
    """
    column, n = corpus.column, len(corpus.docs)
    coverage = np.asarray(corpus.present[members].sum(axis=0)).ravel()
    stems_per_doc = [set(corpus.docs[i].stems) for i in members]
    distinct = set().union(*stems_per_doc)
    scored = []
    for stem in candidates:
        family = {s for s in distinct if _related(stem, s)}
        users = sum(1 for stems in stems_per_doc if stems & family)
        df = corpus.present[:, [column[s] for s in family]].max(axis=1).sum()
        best = max(family, key=lambda s: (coverage[column[s]], -len(s), s))
        # Ties (typically words one member used) go to the longer word: Dutch compounds are specific.
        scored.append((-users * np.log1p(n / df), -len(best), best, users))
    return [(best, users) for *_, best, users in sorted(scored)]


def _ranked_stems(corpus: _Corpus, members: list[int]) -> list[tuple[str, int]]:
    """Up to KEYWORD_COUNT (stem, members using its family), one stem per word family, best first."""
    coverage = np.asarray(corpus.present[members].sum(axis=0)).ravel()
    idf = np.log1p(len(corpus.docs) / np.asarray(corpus.present.sum(axis=0)).ravel())
    # Only the likeliest candidates get the pure-Python family count; longer words are the specific ones.
    vocabulary = corpus.vocabulary
    order = sorted(np.flatnonzero(coverage), key=lambda j: (-coverage[j] * idf[j], -len(vocabulary[j])))
    candidates = [vocabulary[j] for j in order[: 6 * KEYWORD_COUNT]]
    kept: list[tuple[str, int]] = []
    for stem, users in _family_scores(corpus, members, candidates):
        if not any(_related(stem, other) for other, _ in kept):  # keywords should name different things
            kept.append((stem, users))
    return kept[:KEYWORD_COUNT]


def _surface(group: list[_Doc], stem: str) -> str:
    """Most frequent written form of a stem in the group; lower case unless it is an acronym."""
    forms = Counter(
        w if w.isupper() and len(w) <= 5 else w.lower() for d in group for w, s in zip(d.words, d.stems) if s == stem
    )
    return min(forms.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]


def _reading_order(stems: list[str], group: list[_Doc]) -> list[str]:
    """Put the title's stems in the order the group's reflections mostly write them in."""
    if len(stems) < 2:
        return stems
    first, second = stems
    votes = sum(
        1 if d.stems.index(first) < d.stems.index(second) else -1
        for d in group
        if first in d.stems and second in d.stems
    )
    return [second, first] if votes < 0 else stems


def _title(ranked: list[tuple[str, int]], group: list[_Doc]) -> str:
    # Up to two words the members share; a lone member's word would mislabel the rest.
    stems = [stem for stem, used in ranked if used >= 2][:2] or [ranked[0][0]]
    title = " ".join(_surface(group, s) for s in _reading_order(stems, group))
    while len(title) > MAX_TITLE_CHARS and " " in title:
        title = title.rsplit(" ", 1)[0]
    title = title[:MAX_TITLE_CHARS]
    return title[:1].upper() + title[1:]


def _describe(members: list[int], corpus: _Corpus) -> Suggestion:
    group = [corpus.docs[i] for i in members]
    ranked = _ranked_stems(corpus, members)
    keywords = tuple(dict.fromkeys(_surface(group, stem) for stem, _ in ranked))
    ids = tuple(sorted(d.rid for d in group))
    return Suggestion(title=_title(ranked, group), reflection_ids=ids, keywords=keywords)


def suggest_clusters(
    reflections: Sequence[tuple],
    language: str = "nl",
    *,
    max_clusters: int | None = None,
    min_size: int = 2,
    granularity: int = 0,
    examples: Sequence = (),
) -> list[Suggestion]:
    """Suggested clusters by meaning (facilitation.live.grouping): reflections (id, text) or (id, text, kind),
    bottlenecks and success factors apart, `granularity` steps towards fewer (<0) or more (>0) groups, `examples`
    (grouping.Example) from earlier confirmed clusters and the bottleneck register. Deterministic."""
    from facilitation.live.grouping import suggest_groups

    groups = suggest_groups(reflections, language, granularity=granularity, examples=examples, min_size=min_size)
    result = [Suggestion(g.title, g.reflection_ids, g.keywords, g.why, g.kind, g.recurring, g.times) for g in groups]
    return result if max_clusters is None else result[: max(0, max_clusters)]


def suggest_clusters_by_words(
    reflections: Sequence[tuple[int, str]],
    language: str = "nl",
    *,
    max_clusters: int | None = None,
    min_size: int = 2,
) -> list[Suggestion]:
    """Group unclustered reflections (id, text) by textual similarity, offline. Deterministic for the same
    input. Singletons (groups below min_size) are left out. Sorted by size desc."""
    docs = _prepare(reflections, language)
    min_size = max(1, min_size)
    if not docs or len(docs) < min_size:
        return []
    combined, corpus = _vectorise(docs)
    labels = _group(combined)
    groups = [np.flatnonzero(labels == label).tolist() for label in np.unique(labels)]
    suggestions = [_describe(g, corpus) for g in groups if len(g) >= min_size]
    suggestions.sort(key=lambda s: (-len(s.reflection_ids), s.reflection_ids))
    # Fewer clusters asked for: keep the largest rather than force-merge unrelated groups.
    return suggestions if max_clusters is None else suggestions[: max(0, max_clusters)]


def similarities(texts: Sequence[tuple[int, str]], language: str = "nl") -> dict[tuple[int, int], float]:
    """Cosine similarity (0..1) of every pair of texts (id, text) on the same words and word parts the
    cluster suggestions use; texts without content words are left out. Used to suggest which bottlenecks
    of different sessions are the same one (facilitation.register.entries)."""
    docs = _prepare(texts, language)
    if len(docs) < 2:
        return {}
    combined, _ = _vectorise(docs)
    matrix = (combined @ combined.T).toarray()
    ids = [d.rid for d in docs]
    return {(a, b): float(matrix[i, j]) for i, a in enumerate(ids) for j, b in enumerate(ids) if i != j}
