"""Cluster suggestions by meaning: reflections compared by their concepts (facilitation/live/concepts.py), the
broader themes of those concepts and their remaining content words together; average-linkage grouping with the
number of groups chosen from the data; bottlenecks and success factors apart; titles from shared concepts;
earlier confirmed clusters and register entries as examples. Pure computation: no database, no Flask."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import snowballstemmer
import stopwordsiso
from scipy.cluster.hierarchy import leaves_list, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform

from facilitation.live import concepts as lex

# Weights of the three views of a reflection (chosen on the two Dutch tuning sets of bench/data/suggest, never on
# the held-aside one): a shared concept says most, a shared broader theme less, a shared remaining word least.
CONCEPT_WEIGHT = 1.0
THEME_WEIGHT = 1.0
WORD_WEIGHT = 0.45
# Character n-grams of the remaining words let compounds meet (huurachterstand / achterstand); 0 switches them off.
GRAM_WEIGHT = 0.4  # 0.3-0.5 all score at or above none on the tuning sets; 0.7 and up blur themes
GRAM_SIZE = 4
# A shared family of themes (money: income, debts, rent arrears, funding; school: education and inclusive education;
# see lexicon/*/themes.toml) says less than a shared theme, but lets reflections that name different concepts of one
# area meet. Text the lexicon was not tuned on mostly names different concepts of a theme, so this is what carries
# over: on the sets written for the third round of #19 (bench/data/suggest/README.md) it lifted the two validation
# sets from ARI 0.23 to 0.29 (mean of the full set and five 85% subsamples), with the tuning sets level.
FAMILY_WEIGHT = 0.7
# Added to the distance of a bottleneck and a success factor: they merge last, and are split apart afterwards.
KIND_PENALTY = 1.0
# A reflection this similar to an example (earlier confirmed cluster or register entry) joins a group named after it.
EXAMPLE_MIN = 0.5
# Both thresholds below are multiples of the session's baseline, the mean similarity of all its pairs: on text the
# lexicon knows well pairs of one theme are 0.15-0.45 alike, on text it has not seen 0.05-0.10 (with the baseline
# 0.02-0.05 in both), and fixed thresholds (0.08 and 0.15) shattered such a session into 20-30 pieces.
# A member whose mean cosine similarity to the rest of its group is below this is left out (stays alone).
MEMBER_FACTOR = 2.0
# A group from the cut is split along the tree, down to coherent subgroups, where the tree joined two branches that
# are hardly more alike than any two reflections of the session (mean similarity between the branches below
# SEAM_FACTOR x the baseline), or where its members are on average less similar than COHESION_FACTOR x the baseline:
# otherwise a diffuse session (few shared concepts) came back as one big group of unrelated reflections, which the
# outlier rule then dissolved entirely, leaving nothing suggested. The seam test is tied to the tree itself; it lifted
# the mean ARI of the sixth round of #19 (bench/data/suggest/README.md), the cohesion test alone did not.
SEAM_FACTOR = 1.5
COHESION_FACTOR = 3.0
# ... but never above the fixed values these replaced: in a session where most reflections are alike (everyone
# writes about the waiting list) the baseline is high, and 3 x it went above 1: every group was split and every
# member detached, so identical reflections came back as no suggestion at all (found in review).
MAX_MEMBER_SIMILARITY = 0.08
MAX_GROUP_COHESION = 0.15
# Pseudo-pairs at a typical baseline mixed into a session's own: among a handful of reflections the mean similarity
# is mostly the very pairs being judged, and would push two alike ones apart.
BASELINE_PRIOR_PAIRS = 100
TYPICAL_BASELINE = 0.04
MAX_TEXT_CHARS = 1000
MAX_TITLE_CHARS = 60
MIN_WORD_CHARS = 3
# Each "more"/"fewer" step multiplies the number of groups by this factor.
STEP = 1.35
BOTTLENECK_SIDE = {"bottleneck", "cause"}
SUCCESS_SIDE = {"success"}


@dataclass(frozen=True)
class Example:
    """Something facilitators filed before: a confirmed cluster or a bottleneck-register entry."""

    title: str
    texts: tuple[str, ...]
    times: int = 1  # how many times it came up earlier (sessions / clusters)
    kind: str = "bottleneck"


@dataclass(frozen=True)
class Group:
    title: str
    reflection_ids: tuple[int, ...]
    keywords: tuple[str, ...]
    why: tuple[str, ...]  # names of the concepts the members share
    kind: str  # "bottleneck", "success" or "mixed" (only questions/ideas)
    recurring: str | None = None  # title of the known recurring bottleneck it looks like
    times: int = 0  # how often that one came up before


@dataclass
class _Doc:
    rid: int
    side: str  # "b", "s" or "n" (question/idea: may join either)
    concepts: list[str]
    words: list[str]  # remaining content words, lower case
    stems: list[str]


@cache
def _stop_words() -> frozenset[str]:
    return frozenset(stopwordsiso.stopwords("nl")) | frozenset(stopwordsiso.stopwords("en"))


def _side(kind: str | None) -> str:
    return "b" if kind in BOTTLENECK_SIDE else "s" if kind in SUCCESS_SIDE else "n"


class _Analyser:
    def __init__(self, language: str):
        self.language = "en" if language.lower().startswith("en") else "nl"
        self.lexicon = lex.load(self.language)
        stemmer = snowballstemmer.stemmer("english" if self.language == "en" else "dutch")
        self._stem: dict[str, str] = {}
        self._stemmer = stemmer

    def stem(self, word: str) -> str:
        if word not in self._stem:
            self._stem[word] = self._stemmer.stemWord(word)
        return self._stem[word]

    def doc(self, rid: int, text: str, kind: str | None) -> _Doc:
        text = text[:MAX_TEXT_CHARS] if isinstance(text, str) else ""
        found, rest = self.lexicon.analyse(text)
        stop = _stop_words()
        # A name of the case (Petra, Spanje) turns up in every theme of a session: no content word.
        names = lex.capitalised_inside_sentence(text)
        words = [
            w
            for i, w in rest
            if len(w) >= MIN_WORD_CHARS and w.isalpha() and w not in stop and not (i < len(names) and names[i])
        ]
        return _Doc(rid, _side(kind), found, words, [self.stem(w) for w in words])


def _features(doc: _Doc, lexicon: lex.Lexicon) -> Counter[str]:
    features: Counter[str] = Counter()
    for key in doc.concepts:
        concept = lexicon.concepts[key]
        # a concept's weight is a float; Counter adds floats as well as counts, typeshed types its values as int
        features["c:" + key] += concept.weight  # type: ignore[assignment]
        features["t:" + concept.theme] += concept.weight  # type: ignore[assignment]
        family = lexicon.themes[concept.theme].get("family", concept.theme)
        for name in dict.fromkeys((family, *concept.also)):
            features["f:" + name] += concept.weight  # type: ignore[assignment]
    for stem in doc.stems:
        features["w:" + stem] += 1
    if GRAM_WEIGHT:
        for word in doc.words:
            padded = f" {word} "
            for i in range(len(padded) - GRAM_SIZE + 1):
                features["g:" + padded[i : i + GRAM_SIZE]] += 1
    return features


def _matrix(rows: list[Counter], fit: list[Counter] | None = None) -> tuple[csr_matrix, dict[str, float]]:
    """Unit-length rows of sublinear TF-IDF per view, each view scaled by its weight; IDF from `fit` (or rows)."""
    basis = fit if fit is not None else rows
    df: Counter = Counter(f for row in basis for f in row)
    n = len(basis)
    columns = {f: j for j, f in enumerate(sorted(df))}
    idf = {f: math.log((1 + n) / (1 + c)) + 1 for f, c in df.items()}
    weight = {"c": CONCEPT_WEIGHT, "t": THEME_WEIGHT, "f": FAMILY_WEIGHT, "w": WORD_WEIGHT, "g": GRAM_WEIGHT}
    data, indices, indptr = [], [], [0]
    for row in rows:
        for f, tf in row.items():
            if f in columns:
                indices.append(columns[f])
                data.append((1 + math.log(tf) if tf >= 1 else tf) * idf[f] * weight[f[0]])
        indptr.append(len(indices))
    matrix = csr_matrix((np.array(data, dtype=float), indices, indptr), shape=(len(rows), len(columns)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return csr_matrix(matrix.multiply(1 / norms[:, None])), idf


def group_range(n: int) -> tuple[int, int]:
    """Bounds of the number of groups for n reflections: 5-12 for 30-100, fewer below, slowly more above."""
    if n < 30:
        return max(1, n // 6), max(2, (n + 1) // 2)
    if n <= 100:
        return 5, 12
    return 5, min(12 + int(4 * math.log2(n / 100)), n // 4)


# Maps the labels of a cut of the tree to the final groups (refined, outliers alone).
_Finish = Callable[[np.ndarray], np.ndarray]
K_METHOD = "silhouette"  # "gap": largest jump in merge height (kept for comparison in bench)


def _silhouette_k(tree: np.ndarray, distance: np.ndarray, lo: int, hi: int, finish: _Finish) -> int:
    """The count whose final groups (the cut after `finish`: refined, outliers alone) have the best silhouette. Judged
    after refinement, since on a diffuse session the refinement, not the cut, decides the groups (sixth round of #19:
    judging the bare cut chose too few groups on weduwnaar_zorgmijding, 0.35 -> 0.41 mean ARI)."""
    best_k, best = lo, -2.0
    ks = list(range(lo, hi + 1))
    cuts = _cuts(tree, ks) + 1  # one pass for every candidate count
    for column, k in enumerate(ks):
        score = _silhouette(distance, finish(cuts[:, column]))
        if score > best + 1e-9:
            best_k, best = k, score
    return best_k


def _group_sums(matrix: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row sums of a square matrix over each group's columns (n x groups), each row's group (0..groups-1) and the
    group sizes. Summed over the columns sorted by group: a matrix product with a one-hot matrix cost n x n x groups,
    too slow for a thousand reflections cut into a hundred parts."""
    values, inverse, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return np.add.reduceat(matrix[:, order], starts, axis=1), inverse, sizes


def _silhouette(distance: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette (singletons count 0), numpy only so scikit-learn need not load."""
    sums, inverse, sizes = _group_sums(distance, labels)  # summed distance to each cluster
    own = inverse[:, None] == np.arange(len(sizes))[None, :]
    own_size = sizes[inverse]
    a = np.where(own_size > 1, sums[np.arange(len(labels)), inverse] / np.maximum(own_size - 1, 1), 0.0)
    other = np.where(own, np.inf, sums / sizes[None, :])
    b = other.min(axis=1) if len(sizes) > 1 else np.zeros(len(labels))
    s = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())


def _choose_k(
    tree: np.ndarray, n: int, granularity: int, distance: np.ndarray | None = None, finish: _Finish | None = None
) -> int:
    """The cut inside group_range with the best silhouette of its final groups (K_METHOD "gap": the largest jump
    in merge distance); each granularity step multiplies it by STEP."""
    lo, hi = group_range(n)
    hi = max(lo, min(hi, n - 1))
    if K_METHOD == "silhouette" and distance is not None:
        best = _silhouette_k(tree, distance, lo, hi, finish or (lambda cut: cut))
        return int(min(max(round(best * STEP**granularity), 1), n))
    heights = tree[:, 2]  # merge i joins n-1-i clusters into n-2-i; cutting before merge i leaves n-1-i+1
    best_k, best_gap = lo, -1.0
    for k in range(lo, hi + 1):
        i = n - k  # merge that would take k clusters to k-1
        if 0 <= i < len(heights) and i - 1 >= 0:
            gap = heights[i] - heights[i - 1]
            if gap > best_gap:
                best_k, best_gap = k, gap
    k = round(best_k * STEP**granularity)
    return int(min(max(k, 1), n))


def _cut(tree: np.ndarray, k: int) -> np.ndarray:
    # By number of merges, not by height: groups sharing nothing all merge at distance exactly 1, and a cut by
    # height (fcluster maxclust) cannot separate such ties, so 64 reflections could come back as 2 groups.
    return _cuts(tree, [k])[:, 0] + 1


def _cuts(tree: np.ndarray, ks: list[int]) -> np.ndarray:
    """Labels (n x len(ks)) after the first n-k merges of the tree for each k: what scipy's cut_tree gives,
    with a union-find instead of its per-node traversals (the slow part for a thousand reflections)."""
    n = len(tree) + 1
    root = list(range(2 * n - 1))

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    out = np.zeros((n, len(ks)), dtype=int)
    order = sorted(range(len(ks)), key=lambda c: -ks[c])  # most clusters (fewest merges) first
    done = 0
    for column in order:
        for i in range(done, max(done, n - ks[column])):
            a, b = int(tree[i, 0]), int(tree[i, 1])
            root[find(a)] = root[find(b)] = n + i
        done = max(done, n - ks[column])
        out[:, column] = np.unique([find(x) for x in range(n)], return_inverse=True)[1]
    return out


def _baseline(sim: np.ndarray) -> float:
    """Mean similarity of all pairs, pulled towards TYPICAL_BASELINE by BASELINE_PRIOR_PAIRS pseudo-pairs."""
    n = len(sim)
    pairs = n * (n - 1)
    return float((sim.sum() - np.trace(sim) + BASELINE_PRIOR_PAIRS * TYPICAL_BASELINE) / (pairs + BASELINE_PRIOR_PAIRS))


class _Refiner:
    """Splits each group of a cut into the two branches of the tree below it, again and again, while the branches
    are less alike than min_seam (mean similarity between them) or the part is incoherent (mean pairwise similarity
    below min_cohesion); a part of fewer than 4 members stays whole. Whether a node splits depends on the node
    alone, so it is worked out once for the whole tree and shared by every candidate cut."""

    def __init__(self, tree: np.ndarray, sim: np.ndarray, min_seam: float, min_cohesion: float):
        n = self.n = len(tree) + 1
        self.children = tree[:, :2].astype(int)
        self.parent = np.zeros(2 * n - 1, dtype=int)
        self.size = np.ones(2 * n - 1, dtype=int)
        self.size[n:] = tree[:, 3].astype(int)
        # Every node's leaves are a contiguous run of the tree's leaf order: start[node] .. start[node] + size[node].
        self.order = leaves_list(tree)
        start = np.zeros(2 * n - 1, dtype=int)
        start[self.order] = np.arange(n)
        ordered = sim[np.ix_(self.order, self.order)]
        within = np.zeros(2 * n - 1)  # summed similarity of a node's pairs (each pair once)
        self.splits = np.zeros(2 * n - 1, dtype=bool)
        for i, (a, b) in enumerate(self.children):
            node = n + i
            self.parent[[a, b]] = node
            start[node] = min(start[a], start[b])
            sa, sb, na, nb = start[a], start[b], self.size[a], self.size[b]
            between = float(ordered[sa : sa + na, sb : sb + nb].sum())
            within[node] = within[a] + within[b] + between
            pairs = self.size[node] * (self.size[node] - 1) / 2
            self.splits[node] = between / (na * nb) < min_seam or within[node] / pairs < min_cohesion
        self.start = start

    def leaves(self, node: int) -> np.ndarray:
        return self.order[self.start[node] : self.start[node] + self.size[node]]

    def refine(self, labels: np.ndarray) -> np.ndarray:
        out = np.empty(self.n, dtype=int)
        part = 0
        for label in np.unique(labels):
            members = np.flatnonzero(labels == label)
            node = int(members[0])
            while self.size[node] < len(members):
                node = self.parent[node]
            todo = [node]
            while todo:
                node = todo.pop()
                if self.size[node] >= 4 and self.splits[node]:
                    todo.extend(self.children[node - self.n].tolist())
                else:
                    part += 1
                    out[self.leaves(node)] = part
        return out


def _detach_outliers(labels: np.ndarray, sim: np.ndarray, min_similarity: float) -> np.ndarray:
    """A member that shares next to nothing with the rest of its group stays alone (an off-topic remark), whatever
    the number of groups asked for."""
    sums, inverse, sizes = _group_sums(sim, labels)
    rows = np.arange(len(labels))
    own_size = sizes[inverse]
    mean_other = (sums[rows, inverse] - sim[rows, rows]) / np.maximum(own_size - 1, 1)
    alone = np.flatnonzero((own_size >= 2) & (mean_other < min_similarity))
    labels = labels.copy()
    labels[alone] = labels.max() + 1 + np.arange(len(alone))
    return labels


def _split_sides(members: list[int], docs: list[_Doc], sim: np.ndarray) -> list[list[int]]:
    """Bottlenecks and success factors apart; a question or idea goes to the side it is closest to."""
    b = [i for i in members if docs[i].side == "b"]
    s = [i for i in members if docs[i].side == "s"]
    neutral = [i for i in members if docs[i].side == "n"]
    if not b or not s:
        return [members]
    for i in neutral:
        (b if sim[i, b].mean() >= sim[i, s].mean() else s).append(i)
    return [sorted(b), sorted(s)]


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{names[0]} en {names[1]}"


def _describe(members: list[int], docs: list[_Doc], an: _Analyser, concept_idf: dict[str, float]) -> Group:
    lexicon, language = an.lexicon, an.language
    group = [docs[i] for i in members]
    used = Counter(key for d in group for key in set(d.concepts))
    # Shared by two members (or the only member); ranked by how many use it and how specific it is.
    least = 1 if len(group) == 1 else 2
    shared = sorted(
        (k for k, c in used.items() if c >= least),
        key=lambda k: (-used[k] * concept_idf.get("c:" + k, 1.0) * lexicon.concepts[k].weight, k),
    )
    why = tuple(lexicon.concepts[k].name(language) for k in shared[:4])
    title = _title(shared, used, group, an)
    words = Counter(w for d in group for w in set(d.words))
    keywords = tuple(dict.fromkeys([*why, *(w for w, c in words.most_common(5) if c >= 2)]))[:5]
    sides = {d.side for d in group} - {"n"}
    kind = "bottleneck" if sides == {"b"} else "success" if sides == {"s"} else "mixed"
    return Group(title, tuple(sorted(d.rid for d in group)), keywords, why, kind)


def _title(shared: list[str], used: Counter, group: list[_Doc], an: _Analyser) -> str:
    lexicon, language = an.lexicon, an.language
    if shared:
        first = lexicon.concepts[shared[0]]
        names = [first.name(language)]
        for key in shared[1:]:
            other = lexicon.concepts[key]
            if (
                used[key] * 3 >= len(group)
                and other.theme == first.theme
                and " en " not in first.name(language) + other.name(language)
            ):
                name = other.name(language)
                names.append(name if other.proper else name[:1].lower() + name[1:])
                break
        title = _join(names)
        if len(title) > MAX_TITLE_CHARS:
            title = names[0]
        return title[:MAX_TITLE_CHARS]
    themes = Counter(lexicon.concepts[k].theme for d in group for k in set(d.concepts))
    if themes and themes.most_common(1)[0][1] >= 2:
        return lexicon.themes[themes.most_common(1)[0][0]][language][:MAX_TITLE_CHARS]
    return _noun_title(group, an)


def _noun_title(group: list[_Doc], an: _Analyser) -> str:
    """A content word the members share that is no bare verb; failing that, the theme of any concept."""
    verbs = lex.dutch_verbs() if an.language == "nl" else frozenset()
    counts = Counter(w for d in group for w in set(d.words))
    english_verb = an.language == "en" and lex.looks_like_english_verb
    nouns = [
        w for w, _ in counts.most_common() if len(w) >= 4 and w not in verbs and not (english_verb and english_verb(w))
    ]
    if nouns:
        return nouns[0][:1].upper() + nouns[0][1:MAX_TITLE_CHARS]
    for d in group:
        for key in d.concepts:
            return an.lexicon.concepts[key].name(an.language)
    return "Overige reflecties" if an.language == "nl" else "Other reflections"


def suggest_groups(
    reflections: Sequence[tuple],
    language: str = "nl",
    *,
    granularity: int = 0,
    examples: Sequence[Example] = (),
    min_size: int = 2,
) -> list[Group]:
    """Group reflections (id, text) or (id, text, kind) by meaning. Deterministic. Groups below min_size are left
    out, except a reflection that looks like a known recurring bottleneck. Sorted: recurring first, then by size."""
    an = _Analyser(language)
    docs = []
    for row in reflections:
        rid, text, kind = (row[0], row[1], row[2] if len(row) > 2 else None)
        doc = an.doc(rid, text, kind)
        if doc.concepts or doc.stems:  # nothing to compare on: leave it out
            docs.append(doc)
    if not docs:
        return []
    rows = [_features(d, an.lexicon) for d in docs]
    example_docs = [[an.doc(0, t, e.kind) for t in e.texts] for e in examples]
    example_rows = [sum((_features(d, an.lexicon) for d in ds), Counter()) for ds in example_docs]
    matrix, idf = _matrix(rows)
    results: list[Group] = []
    taken: set[int] = set()
    if examples:
        results, taken = _match_examples(matrix, rows, example_rows, examples, docs, an, idf)
    rest = [i for i in range(len(docs)) if i not in taken]
    results += _cluster(rest, matrix, docs, an, idf, granularity, min_size)
    results.sort(key=lambda g: (g.recurring is None, -len(g.reflection_ids), g.reflection_ids))
    return results


def _match_examples(matrix, rows, example_rows, examples, docs, an, idf) -> tuple[list[Group], set[int]]:
    """Reflections close to an example join a group named after it (bottleneck side: success factors never do)."""
    centroids, _ = _matrix(example_rows, fit=rows)
    sim = (matrix @ centroids.T).toarray()
    best = sim.argmax(axis=1)
    members: dict[int, list[int]] = {}
    for i, d in enumerate(docs):
        e = int(best[i])
        if sim[i, e] >= EXAMPLE_MIN and d.side != "s" and examples[e].kind != "success":
            members.setdefault(e, []).append(i)
    groups = []
    for e, idx in sorted(members.items()):
        described = _describe(idx, docs, an, idf)
        groups.append(
            Group(
                examples[e].title[:MAX_TITLE_CHARS],
                described.reflection_ids,
                described.keywords,
                described.why,
                "bottleneck",
                examples[e].title,
                examples[e].times,
            )
        )
    return groups, {i for idx in members.values() for i in idx}


def _cluster(rest, matrix, docs, an, idf, granularity, min_size) -> list[Group]:
    if not rest:
        return []
    if len(rest) == 1:
        return [_describe(rest, docs, an, idf)] if min_size <= 1 else []
    sub = matrix[rest]
    sim = (sub @ sub.T).toarray()
    distance = np.clip(1.0 - sim, 0.0, 1.0)
    sides = np.array([docs[i].side for i in rest])
    apart = ((sides[:, None] == "b") & (sides[None, :] == "s")) | ((sides[:, None] == "s") & (sides[None, :] == "b"))
    distance = distance + KIND_PENALTY * apart
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    baseline = _baseline(sim)
    min_seam = min(SEAM_FACTOR * baseline, MAX_GROUP_COHESION)
    min_cohesion = min(COHESION_FACTOR * baseline, MAX_GROUP_COHESION)
    min_member = min(MEMBER_FACTOR * baseline, MAX_MEMBER_SIMILARITY)

    refiner = _Refiner(tree, sim, min_seam, min_cohesion)

    def finish(cut: np.ndarray) -> np.ndarray:
        return _detach_outliers(refiner.refine(cut), sim, min_member)

    labels = finish(_cut(tree, _choose_k(tree, len(rest), granularity, distance, finish)))
    out = []
    for label in np.unique(labels):
        local = np.flatnonzero(labels == label).tolist()
        for part in _split_sides(local, [docs[i] for i in rest], sim):
            if len(part) >= max(1, min_size):
                out.append(_describe([rest[i] for i in part], docs, an, idf))
    return out
