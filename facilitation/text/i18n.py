"""Dutch and English: the locale for each request, and the message catalogs compiled from their .po files."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, request
from flask_login import current_user

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def compile_catalogs() -> None:
    """Write each messages.mo next to its .po when missing or older, so a checkout needs no build step."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


def select_locale() -> str:
    """A participant gets the session's language (set in g); a facilitator their own choice or the browser's."""
    languages = current_app.config["LANGUAGES"]
    if g.get("locale") in languages:
        return g.locale
    chosen = request.cookies.get("lang") if request else None
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if request:
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def update_catalog(translations: dict[str, str] | None = None) -> list[str]:
    """Re-extract the English strings, keep every Dutch translation already made, add `translations`,
    drop strings no longer used; returns the strings that still lack Dutch."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    root = TRANSLATIONS.parent.parent
    keywords = {"_": None, "gettext": None, "N_": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
    methods = [("facilitation/**.py", "python"), ("templates/**.html", "jinja2")]
    po_path = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        known = {m.id: m.string for m in read_po(handle) if m.id}
    known.update(translations or {})
    catalog = Catalog(locale="nl", project="facilitation")
    missing = []
    for _, _, message, _, _ in extract_from_dir(str(root), methods, keywords=keywords):
        for msgid in [message] if isinstance(message, str) else [m for m in message if m]:
            if msgid not in catalog:
                catalog.add(msgid, known.get(msgid, ""), flags=["python-format"] if "%(" in msgid else [])
                if not known.get(msgid):
                    missing.append(msgid)
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, sort_output=True)
    return missing


if __name__ == "__main__":
    # python -m facilitation.text.i18n: refresh the Dutch catalog after adding or changing strings
    for msgid in update_catalog():
        print(f"needs Dutch: {msgid!r}")
