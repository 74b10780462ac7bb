"""Dutch and English: the locale for each request, and the message catalogs compiled from their .po files."""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import current_app, g, request
from flask_login import current_user

from facilitation import config

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

#: the folder compiled in this process, per set of .po files and their times (tests make many apps)
_compiled: dict[tuple, Path] = {}


def compiled_catalogs(instance_path: Path) -> Path:
    """The folder of compiled catalogs (*/LC_MESSAGES/messages.mo) for Flask-Babel.

    A wheel carries them, compiled at build time (setup.py). A checkout compiles its .po files into the
    instance folder, never into the package: under a service manager the code is read-only, and a
    `git pull` that changes a .po file must not need write access to it."""
    po_paths = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    # only a wheel's: .mo files beside a checkout's .po files are left over from older versions of the app
    if config.INSTALLED and all(path.with_suffix(".mo").is_file() for path in po_paths):
        return TRANSLATIONS
    key = tuple((str(path), path.stat().st_mtime_ns) for path in po_paths)
    if key in _compiled and all((_compiled[key] / path.relative_to(TRANSLATIONS)).exists() for path in po_paths):
        return _compiled[key]
    target = instance_path / "translations"
    for po_path in po_paths:
        mo_path = (target / po_path.relative_to(TRANSLATIONS)).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        partial = mo_path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        partial.replace(mo_path)  # whole or not at all, also with several workers starting at once
    _compiled[key] = target
    return target


def select_locale() -> str:
    """A participant gets the session's language (set in g); a facilitator their own choice or the browser's."""
    languages = current_app.config["LANGUAGES"]
    if g.get("locale") in languages:
        return g.locale
    chosen = request.cookies.get("lang") if request else None
    if chosen is not None and chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if request:
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def update_catalog(translations: dict[str, str] | None = None) -> list[str]:
    """Re-extract the English strings, keep every Dutch translation already made, add `translations`,
    drop strings no longer used; returns the strings that still lack Dutch."""
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
