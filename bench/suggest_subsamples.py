"""Mean ARI of the cluster suggestions over each labelled set and five random 85% subsamples of it (issue #19:
single scores on ~60 reflections move by 0.05-0.10 with any small change, so choices are made on this mean).

Run as `python bench/suggest_subsamples.py`; prints one line per set and one JSON object last. Never reads the
held-aside set (skipped by name, before its file is opened) and never prints any set's groups or texts.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tomllib
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from facilitation.live.grouping import suggest_groups  # noqa: E402

DATA = ROOT / "bench" / "data" / "suggest"
HELD_ASIDE = {"oudere_wmo_schulden"}
VALIDATION = {"vader_detentie", "statushouders_gezin"}
SUBSAMPLES = 5
FRACTION = 0.85


def load() -> dict[str, tuple[str, list[tuple]]]:
    sets = {}
    for path in sorted(DATA.glob("*.json")):
        if path.stem in HELD_ASIDE:
            continue  # not opened
        d = json.loads(path.read_text(encoding="utf-8"))
        sets[path.stem] = (d["language"], [(r["id"], r["text"], r["kind"], r["theme"]) for r in d["reflections"]])
    old = tomllib.loads((ROOT / "tests" / "data" / "labelled_reflections_nl.toml").read_text(encoding="utf-8"))
    sets["tests_data"] = ("nl", [(r["id"], r["text"], "bottleneck", r["theme"]) for r in old["reflection"]])
    return sets


def ari(rows: list[tuple], language: str) -> float:
    groups = suggest_groups([(r[0], r[1], r[2]) for r in rows], language)
    cluster = {rid: k for k, g in enumerate(groups) for rid in g.reflection_ids}
    return adjusted_rand_score([r[3] for r in rows], [str(cluster.get(r[0], f"s{r[0]}")) for r in rows])


def main() -> None:
    out = {}
    for name, (language, rows) in load().items():
        rng = random.Random(name)
        scores = [ari(rows, language)]
        for _ in range(SUBSAMPLES):
            scores.append(ari(rng.sample(rows, round(FRACTION * len(rows))), language))
        out[name] = {"full": round(scores[0], 3), "mean": round(sum(scores) / len(scores), 3)}
        print(f"{name:24} full {scores[0]:.3f} mean {out[name]['mean']:.3f}")
    dutch_dev = [v["mean"] for k, v in out.items() if k not in VALIDATION and k != "english_care_leaver"]
    val = [out[k]["mean"] for k in VALIDATION if k in out]
    summary = {"dev_nl_mean": round(sum(dutch_dev) / len(dutch_dev), 3), "val_mean": round(sum(val) / len(val), 3)}
    print(json.dumps({"sets": out, **summary}))


if __name__ == "__main__":
    main()
