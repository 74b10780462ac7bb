"""Benchmark of the cluster suggestions (facilitation.live.grouping) on the labelled sets of bench/data/suggest and
tests/data, side by side with plain TF-IDF, plus the time for 1,000 reflections on one core.

Run as `python bench/suggest.py` (`--tuning-only` skips the held-aside set, for use while developing); the last
line printed is one JSON object. ARI = adjusted Rand index, V = V-measure, both against the themes a person gave;
reflections left out of every suggestion count as singletons.
"plain_tfidf": scikit-learn TfidfVectorizer (stop words of the language) + k-means told the true number of
themes; "previous": the word-overlap engine this replaced (issue #19).
`oudere_wmo_schulden` is held aside: reported, never used to tune.
"""

from __future__ import annotations

import json
import os
import sys
import time
import tomllib
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import stopwordsiso  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import adjusted_rand_score, v_measure_score  # noqa: E402

from facilitation.live.grouping import suggest_groups  # noqa: E402

DATA = ROOT / "bench" / "data" / "suggest"


def load_sets() -> dict[str, dict]:
    sets = {}
    for path in sorted(DATA.glob("*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        sets[path.stem] = {
            "language": d["language"],
            "held_aside": d.get("held_aside", False),
            "rows": [(r["id"], r["text"], r["kind"], r["theme"]) for r in d["reflections"]],
        }
    old = tomllib.loads((ROOT / "tests" / "data" / "labelled_reflections_nl.toml").read_text(encoding="utf-8"))
    # The old set has no kinds (all bottlenecks): themes only.
    sets["tests_data"] = {
        "language": "nl",
        "held_aside": False,
        "rows": [(r["id"], r["text"], "bottleneck", r["theme"]) for r in old["reflection"]],
    }
    return sets


def score(rows, groups_of_ids) -> dict:
    cluster = {rid: k for k, ids in enumerate(groups_of_ids) for rid in ids}
    truth = [theme for *_, theme in rows]
    predicted = [str(cluster.get(rid, f"single-{rid}")) for rid, *_ in rows]
    return {
        "ari": round(adjusted_rand_score(truth, predicted), 3),
        "v": round(v_measure_score(truth, predicted), 3),
        "groups": len(groups_of_ids),
    }


def plain_tfidf(rows, language: str) -> list[list[int]]:
    """k-means on TF-IDF, given the true number of themes (a generous baseline: the engine is not told it)."""
    stop = {w for w in stopwordsiso.stopwords("en" if language == "en" else "nl") if w.isalpha()}
    matrix = TfidfVectorizer(stop_words=sorted(stop), token_pattern=r"(?u)\b[^\W\d_]{2,}\b").fit_transform(
        [text for _, text, *_ in rows]
    )
    keep = np.flatnonzero(np.asarray(matrix.sum(axis=1)).ravel() > 0)
    k = len({theme for *_, theme in rows})
    labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(matrix[keep])
    groups: dict[int, list[int]] = {}
    for i, label in zip(keep, labels):
        groups.setdefault(int(label), []).append(rows[i][0])
    return [g for g in groups.values() if len(g) >= 2]


def previous(rows, language: str) -> list[list[int]]:
    from facilitation.live.suggest import suggest_clusters_by_words

    return [list(s.reflection_ids) for s in suggest_clusters_by_words([(r[0], r[1]) for r in rows], language)]


def timing() -> float:
    """Best of three runs on 1,000 reflections: the three Dutch sets repeated with a table number."""
    sets = load_sets()
    base = [r for name, s in sets.items() if s["language"] == "nl" for r in s["rows"]]
    many = [
        (k * 1000 + i, f"{text} (tafel {k})", kind) for k in range(10) for i, (_, text, kind, _) in enumerate(base)
    ][:1000]
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        suggest_groups(many, "nl")
        runs.append(time.perf_counter() - start)
    return round(min(runs), 3)


def main() -> None:
    tuning_only = "--tuning-only" in sys.argv[1:]
    out: dict = {"sets": {}, "tuning_only": tuning_only}
    for name, s in load_sets().items():
        if tuning_only and s["held_aside"]:
            continue  # not even loaded into the engine: development decisions see the tuning sets only
        rows = s["rows"]
        groups = suggest_groups([(r[0], r[1], r[2]) for r in rows], s["language"])
        engine = score(rows, [g.reflection_ids for g in groups])
        entry = {
            "n": len(rows),
            "held_aside": s["held_aside"],
            "engine": engine,
            "plain_tfidf": score(rows, plain_tfidf(rows, s["language"])),
            "previous": score(rows, previous(rows, s["language"])),
        }
        out["sets"][name] = entry
        print(
            f"{name:24} engine ARI {engine['ari']:.3f} V {engine['v']:.3f} ({engine['groups']} groups) | "
            f"tfidf ARI {entry['plain_tfidf']['ari']:.3f} | previous ARI {entry['previous']['ari']:.3f}"
        )
        for g in groups:
            print(f"    {len(g.reflection_ids):3d} {g.kind[:4]} {g.title:<42} why: {', '.join(g.why)}")
    out["seconds_1000_reflections"] = timing()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
