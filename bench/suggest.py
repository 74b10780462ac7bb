"""Benchmark of facilitation.live.suggest on 1,000 synthetic Dutch learning-table reflections.

Run as `python bench/suggest.py`; the last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.metrics import adjusted_rand_score

from facilitation.live.suggest import Suggestion, suggest_clusters

SEED = 20240611
RUNS = 5

# Per theme: fragments that participants combine in their own words. Several phrasings per theme so
# that members of one theme share some words but not all, as real reflections do.
THEMES: dict[str, list[str]] = {
    "wachtlijsten": [
        "de wachtlijst voor specialistische jeugdzorg is veel te lang",
        "het gezin staat al maanden op de wachtlijst",
        "de wachttijd voor de jeugd-GGZ loopt op tot een jaar",
        "tijdens het wachten op behandeling escaleert de situatie",
        "er is geen plek bij een gezinshuis of behandelgroep",
        "overbruggingszorg tijdens de wachttijd ontbreekt",
    ],
    "privacy": [
        "we mogen zonder toestemming geen informatie delen",
        "de AVG wordt gebruikt als reden om niets te delen",
        "school en huisarts wisselen geen gegevens uit met het wijkteam",
        "privacyregels blokkeren de informatie-uitwisseling tussen organisaties",
        "onduidelijk welke informatie we met andere partijen mogen delen",
        "ouders geven geen toestemming om gegevens op te vragen",
    ],
    "regie": [
        "niemand heeft de regie over de casus",
        "er is geen casusregisseur terwijl zeven hulpverleners betrokken zijn",
        "iedere organisatie werkt met een eigen plan in plaats van één gezin één plan",
        "de regiehouder heeft geen doorzettingsmacht",
        "onduidelijk wie de coördinatie tussen de hulpverleners doet",
        "het gezin moet het verhaal steeds opnieuw vertellen aan nieuwe hulpverleners",
    ],
    "schulden": [
        "de ouders hebben hoge schulden",
        "de schuldhulpverlening start pas na maanden",
        "een bewindvoerder wordt te laat aangevraagd",
        "door beslag op het inkomen blijft er te weinig leefgeld over",
        "de stress door schulden maakt opvoeden onmogelijk",
        "beschermingsbewind sluit niet aan op de hulp aan het gezin",
    ],
    "huisvesting": [
        "er is geen betaalbare woning beschikbaar",
        "de jongere wordt dakloos na het verlaten van de jeugdzorg",
        "het gezin dreigt uit huis gezet te worden door huurachterstand",
        "een urgentieverklaring voor een woning wordt afgewezen",
        "door de woningnood blijft de jongere onnodig in de instelling wonen",
        "zonder vast adres is er geen uitkering en geen hulp",
    ],
    "school": [
        "de jongere zit al maanden thuis zonder school",
        "de leerplichtambtenaar wordt pas laat ingeschakeld bij verzuim",
        "er is geen passend onderwijs voor deze zorgbehoefte",
        "school en jeugdhulp werken langs elkaar heen",
        "het samenwerkingsverband vindt geen plek in het speciaal onderwijs",
        "thuiszitters vallen tussen onderwijs en zorg",
    ],
    "financiering": [
        "het budget voor jeugdhulp van de gemeente is op",
        "de zorgaanbieder heeft geen contract met de gemeente",
        "gemeenten discussiëren over wie de plaatsing betaalt",
        "door de aanbesteding moet het gezin naar een andere aanbieder",
        "de tarieven zijn te laag voor complexe casussen",
        "de indicatie wordt niet verlengd vanwege financiering",
    ],
}

OPENERS = ["", "", "Wat mij opviel: ", "In deze casus ", "Ik merk dat ", "Het knelpunt is dat ", "Eigenlijk "]
CLOSERS = [
    ".",
    ".",
    ", waardoor het kind tussen wal en schip valt.",
    " en dat zie ik vaker.",
    ", dat frustreert de ouders.",
    " 😞",
    ", wat de jongere veel onrust geeft.",
]
# Off-topic remarks every live session gets; they should stay out of the suggested groups.
NOISE = [
    "Goede sessie, dank voor de casus!",
    "Ik herken dit heel erg.",
    "Mooi dat de jongere zelf aan tafel zat.",
    "Interesting case, thanks for sharing.",
    "Wanneer is de volgende bijeenkomst?",
    "👍",
    "?",
]


def generate(n: int = 1000, seed: int = SEED) -> list[tuple[int, str, str]]:
    """Return n (id, text, theme) reflections; theme is "overig" for off-topic noise."""
    rng = random.Random(seed)
    themes = sorted(THEMES)
    out = []
    for rid in range(1, n + 1):
        if rng.random() < 0.08:
            out.append((rid, rng.choice(NOISE), "overig"))
            continue
        theme = rng.choice(themes)
        parts = rng.sample(THEMES[theme], k=rng.choice([1, 1, 2]))
        core = " en ".join(parts)
        text = rng.choice(OPENERS) + core + rng.choice(CLOSERS)
        out.append((rid, text[0].upper() + text[1:], theme))
    return out


def agreement(generated: list[tuple[int, str, str]], result: list[Suggestion]) -> float:
    """Adjusted Rand index against the generating themes; off-topic remarks count as singletons."""
    cluster_of = {rid: k for k, s in enumerate(result) for rid in s.reflection_ids}
    truth = [theme if theme != "overig" else f"noise-{rid}" for rid, _, theme in generated]
    predicted = [str(cluster_of.get(rid, f"single-{rid}")) for rid, _, _ in generated]
    return adjusted_rand_score(truth, predicted)


def main() -> None:
    generated = generate()
    reflections = [(rid, text) for rid, text, _ in generated]
    timings, result = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = suggest_clusters(reflections)
        timings.append(time.perf_counter() - start)
    for s in result[:10]:
        print(f"{len(s.reflection_ids):4d}  {s.title:<40}  {', '.join(s.keywords)}")
    print(f"runs: {', '.join(f'{t:.3f}s' for t in timings)}")
    print(
        json.dumps(
            {
                "reflections": len(reflections),
                "seconds_best": round(min(timings), 4),
                "seconds_mean": round(statistics.mean(timings), 4),
                "clusters": len(result),
                "clustered_reflections": sum(len(s.reflection_ids) for s in result),
                "ari_vs_themes": round(agreement(generated, result), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
