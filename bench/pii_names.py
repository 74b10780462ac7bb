"""Precision and recall of the name and address rules (facilitation/privacy/detect.py) on the labelled sentences
of tests/data/pii_names_labelled.json, per part (development: the rules were tuned on it; held-out: never tuned
on), with the misses and false alarms. Prints JSON, the last line a summary.

    PYTHONPATH=$PWD python bench/pii_names.py
"""

import json
from pathlib import Path

from facilitation.privacy.detect import personal_data_kinds

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("name", "address")


def scores(cases: list[dict], which: str) -> dict:
    hits = wrong = missed = 0
    errors = []
    for case in (c for c in cases if c["set"] == which):
        found = {k for k in personal_data_kinds(case["text"]) if k in KINDS}
        expected = set(case["kinds"])
        hits += len(found & expected)
        wrong += len(found - expected)
        missed += len(expected - found)
        if found != expected:
            errors.append({"text": case["text"], "found": sorted(found), "expected": sorted(expected)})
    return {
        "precision": round(hits / (hits + wrong), 3) if hits + wrong else None,
        "recall": round(hits / (hits + missed), 3) if hits + missed else None,
        "errors": errors,
    }


def main() -> None:
    cases = json.loads((ROOT / "tests" / "data" / "pii_names_labelled.json").read_text(encoding="utf-8"))["cases"]
    result = {which: scores(cases, which) for which in ("development", "held-out")}
    for which, part in result.items():
        for error in part["errors"]:
            print(json.dumps({"set": which, **error}, ensure_ascii=False))
    print(json.dumps({which: {k: part[k] for k in ("precision", "recall")} for which, part in result.items()}))


if __name__ == "__main__":
    main()
