"""The configurable lists of a case journey's moments: the organisations involved and the grounds of a rejection.
Like disciplines, an organisation sets its own list (settings ORGANISATIONS and REJECTION_GROUNDS, keys or
names); a key it added is shown as written."""

from __future__ import annotations

from flask_babel import gettext

from facilitation import config
from facilitation.text.messages import N_

KEY_MAX = 40

DEFAULT_ORGANISATIONS = (
    "wijkteam",
    "gemeente_jeugd",
    "gemeente_wmo",
    "gemeente_inkomen",
    "jeugdhulp",
    "ggz",
    "school",
    "leerplicht",
    "jeugdbescherming",
    "veilig_thuis",
    "schuldhulpverlening",
    "woningcorporatie",
    "huisarts",
    "zorgverzekeraar",
    "uwv",
)
ORGANISATION_LABELS = {
    "wijkteam": N_("Neighbourhood team (wijkteam)"),
    "gemeente_jeugd": N_("Municipality, youth (gemeente jeugd)"),
    "gemeente_wmo": N_("Municipality, social support (Wmo-loket)"),
    "gemeente_inkomen": N_("Municipality, income and work (werk en inkomen)"),
    "jeugdhulp": N_("Youth care (jeugdhulp)"),
    "ggz": N_("Mental health care (GGZ)"),
    "school": N_("School"),
    "leerplicht": N_("Compulsory education officer (leerplicht)"),
    "jeugdbescherming": N_("Child protection (jeugdbescherming)"),
    "veilig_thuis": N_("Veilig Thuis (domestic violence and child abuse)"),
    "schuldhulpverlening": N_("Debt counselling (schuldhulpverlening)"),
    "woningcorporatie": N_("Housing corporation (woningcorporatie)"),
    "huisarts": N_("General practitioner (huisarts)"),
    "zorgverzekeraar": N_("Health insurer (zorgverzekeraar)"),
    "uwv": N_("Employee Insurance Agency (UWV)"),
}

DEFAULT_GROUNDS = (
    "not_covered",
    "no_indication",
    "waiting_list",
    "residence",
    "own_strength",
    "too_complex",
    "other",
)
GROUND_LABELS = {
    "not_covered": N_("Not covered by this law"),
    "no_indication": N_("No indication"),
    "waiting_list": N_("Waiting list"),
    "residence": N_("Place-of-residence rule (woonplaatsbeginsel)"),
    "own_strength": N_("Own strength (eigen kracht)"),
    "too_complex": N_("Too complex"),
    "other": N_("Other ground"),
}


def _listed(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    items = config.setting(name) or default
    if isinstance(items, str):
        items = items.split(",")
    return tuple(dict.fromkeys(str(item).strip()[:KEY_MAX] for item in items if str(item).strip()))


def organisations() -> tuple[str, ...]:
    """The organisation's list (setting ORGANISATIONS), else the default one."""
    return _listed("ORGANISATIONS", DEFAULT_ORGANISATIONS)


def grounds() -> tuple[str, ...]:
    """The rejection grounds (setting REJECTION_GROUNDS), else the default ones."""
    return _listed("REJECTION_GROUNDS", DEFAULT_GROUNDS)


def organisation_label(key: str) -> str:
    return gettext(ORGANISATION_LABELS[key]) if key in ORGANISATION_LABELS else key


def ground_label(key: str) -> str:
    return gettext(GROUND_LABELS[key]) if key in GROUND_LABELS else key


def organisation_options() -> list[tuple[str, str]]:
    return [(key, organisation_label(key)) for key in organisations()]


def ground_options() -> list[tuple[str, str]]:
    return [(key, ground_label(key)) for key in grounds()]
