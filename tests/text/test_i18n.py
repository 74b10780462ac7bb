"""Dutch and English everywhere: every user-facing string has a Dutch translation, and languages switch."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "facilitation" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "N_": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
METHODS = [("facilitation/**.py", "python"), ("templates/**.html", "jinja2")]


def source_messages() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


def test_every_user_facing_string_has_a_dutch_translation():
    with PO.open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle) if m.id}
    missing = sorted(m for m in source_messages() if not catalog.get(m))
    assert not missing, f"untranslated (run pybabel extract/update, see README): {missing}"


def test_the_interface_follows_the_chosen_language(client, make_account):
    make_account()
    assert "Inloggen" in client.get("/login", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Log in" in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.post("/language", data={"language": "en", "next": "/login"})
    assert "Log in" in client.get("/login", headers={"Accept-Language": "nl"}).get_data(as_text=True)


def test_participants_read_the_session_language(facilitator, make_session, join):
    _, account_id = facilitator
    _, code = make_session(account_id, language="en")
    phone = join(code)
    page = phone.get(f"/p/{code}", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Your reflections" in page and 'lang="en"' in page
