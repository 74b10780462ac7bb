"""Regenerate facilitation/live/lexicon/nl/verbs.txt.gz: Dutch word forms that are only verbs (never a noun).

Source: spaCy's lookup tables (spacy-lookups-data 1.0.5, MIT licence): nl_lemma_index (lemmas per part of speech),
nl_lemma_lookup (form -> lemma) and nl_lemma_exc (irregular forms). Not a run-time dependency: download the wheel
(`pip download --no-deps spacy-lookups-data==1.0.5`), unzip it and pass its data folder:
`python bench/tools/make_dutch_verbs.py /tmp/spacy_lookups_data/data`.
Titles of suggestions must never be a bare verb ("Kreeg", "Dacht", "Ingeschakeld"); forms that are also nouns
("plaats", "zorg") stay allowed.
"""

import gzip
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "facilitation" / "live" / "lexicon" / "nl" / "verbs.txt.gz"


def main(folder: str) -> None:
    data = Path(folder)
    index = json.load(gzip.open(data / "nl_lemma_index.json.gz"))
    lookup = json.load(gzip.open(data / "nl_lemma_lookup.json.gz"))
    exceptions = json.load(gzip.open(data / "nl_lemma_exc.json.gz"))
    verbs, nouns = set(index["verb"]), set(index["noun"])
    forms = {f for f, lemma in lookup.items() if lemma in verbs} | set(exceptions["verb"]) | verbs
    noun_forms = {f for f, lemma in lookup.items() if lemma in nouns} | nouns | set(exceptions["noun"])
    words = sorted(w for w in forms - noun_forms if w.isalpha() and w.islower())
    OUT.write_bytes(gzip.compress(("\n".join(words) + "\n").encode(), 9, mtime=0))
    print(len(words), "verb forms ->", OUT)


if __name__ == "__main__":
    main(sys.argv[1])
