"""The Dutch glossary (docs/glossary.md) holds in the Dutch catalogue: one word for one thing, "je" and never
"u", and no English left untranslated except the words Dutch uses as they are."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "facilitation" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"

#: a word (as a regular expression) the Dutch interface never uses, and what to write instead
FORBIDDEN = {
    r"facilitators?": "begeleider",
    r"programma(’s|'s|s)?": "leertraject",
    r"bijeenkomst(en)?": "sessie",
    r"traject(en)?": "leertraject",
    r"u|uw": "je / jouw",
    r"console": "regiescherm",
    r"live": "bezig",
    r"auditlog": "logboek",
    r"updates?": "voortgang",
    r"bottlenecks?": "knelpunt",
    r"commitments?": "actieafspraak",
    r"participants?": "deelnemer",
}
#: English words Dutch uses as they are (docs/glossary.md)
SAME_IN_DUTCH = {
    # "in" and "min" are Dutch too
    " (in %(session)s)",
    "%(minutes)d:%(seconds)02d min",
    "Accounts",
    "CSV (zip)",
    "Clusters",
    "Code",
    "Crisis",
    "Fishbowl",
    "Intake",
    "Later",
    "Management",
    "Moment",
    "Open",
    "Projector",
    "School",
    "Status",
    "Timer",
    "Word",
    "postcode",
}


def dutch() -> dict[str, str]:
    with PO.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and isinstance(m.id, str)}


def violations(catalog: dict[str, str]) -> list[str]:
    found = []
    for msgid, text in catalog.items():
        for pattern, instead in FORBIDDEN.items():
            # words only: "update" inside "bijgewerkt" or "u" inside "uur" are fine
            match = re.search(rf"(?<![\w-])(?:{pattern})(?![\w-])", text, flags=re.IGNORECASE)
            if match:
                found.append(f"{msgid!r}: {match.group(0)!r} -> {instead}")
        if text == msgid and re.search(r"[A-Za-z]{2}", re.sub(r"%\(\w+\)\w", "", msgid)) and msgid not in SAME_IN_DUTCH:
            found.append(f"{msgid!r}: left in English")
    return found


def test_the_dutch_catalogue_follows_the_glossary():
    found = violations(dutch())
    assert not found, "glossary violations (docs/glossary.md):\n" + "\n".join(found)


def test_the_check_catches_what_it_should():
    assert violations({"Console": "Console"})  # English left over
    assert violations({"The facilitator confirms": "De facilitator bevestigt"})
    assert violations({"you can see": "dat u kunt zien"})
    assert violations({"another programme": "een ander programma"})
    assert not violations({"Fishbowl": "Fishbowl", "Update": "Bijwerken", "hour": "uur"})
