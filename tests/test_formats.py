"""Session formats as data: the shipped ones load, and a broken file stops start-up naming file, field and fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitation import create_app
from facilitation.formats import FormatError, load_formats, parse_format

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
mode = "learning-table"
title = { nl = "Test", en = "Test" }
description = { nl = "Een test", en = "A test" }
[[phases]]
key = "write"
duration = 10
actions = ["read", "write"]
kinds = ["bottleneck"]
title = { nl = "Schrijven", en = "Writing" }
prompt.default = { nl = "Wat liep vast?", en = "What got stuck?" }
prompt.policy = { nl = "Waar schuurt beleid?", en = "Where does policy chafe?" }
"""


def test_shipped_formats_load_with_both_languages():
    formats = load_formats(ROOT / "sessions")
    assert {"learning-table", "fishbowl"} <= set(formats)
    table = formats["learning-table"]
    assert table.mode == "learning-table" and len(table.phases) >= 5
    write = next(p for p in table.phases if "write" in p.actions)
    assert write.prompt("policy", "nl") != write.prompt("execution", "nl")
    assert write.prompt("governance", "en").isascii()
    assert formats["fishbowl"].share_reflections is True


def test_a_level_without_its_own_prompt_gets_the_default(tmp_path):
    path = tmp_path / "test.toml"
    path.write_text(GOOD)
    phase = parse_format(path).phases[0]
    assert phase.prompt("execution", "en") == "What got stuck?"
    assert phase.prompt("policy", "nl") == "Waar schuurt beleid?"


def test_a_phase_may_preselect_one_of_its_kinds(tmp_path):
    path = tmp_path / "test.toml"
    two_kinds = 'kinds = ["success", "bottleneck"]\ndefault_kind = "bottleneck"'
    path.write_text(GOOD.replace('kinds = ["bottleneck"]', two_kinds))
    assert parse_format(path).phases[0].default_kind == "bottleneck"
    path.write_text(GOOD)
    assert parse_format(path).phases[0].default_kind is None


BROKEN = [
    ('mode = "learning-table"\ntitle = "x"', "title", "must be a table"),
    (GOOD.replace('mode = "learning-table"', 'mode = "party"'), "mode", "must be one of"),
    (GOOD.replace("duration = 10", 'duration = "ten"'), "phases[0] (write).duration", "whole number"),
    (GOOD.replace("duration = 10", "duration = 1000"), "duration", "between 0 and 480"),
    (GOOD.replace('"read", "write"', '"read", "dance"'), "actions", "unknown action 'dance'"),
    (GOOD.replace('kinds = ["bottleneck"]', 'kinds = ["rant"]'), "kinds", "unknown kind 'rant'"),
    (GOOD.replace('kinds = ["bottleneck"]\n', ""), "kinds", "needs at least one reflection kind"),
    (GOOD.replace("kinds = [", 'default_kind = "success"\nkinds = ['), "default_kind", "one of the phase's kinds"),
    (GOOD.replace('en = "Writing"', 'en = ""'), "title.en", "is empty"),
    (GOOD.replace(', en = "Writing"', ""), "phases[0] (write).title.en", "is missing"),
    (GOOD.replace("prompt.policy", "prompt.mayor"), "prompt.mayor", "unknown level"),
    (GOOD.replace('key = "write"', 'key = "wri te"'), "key", "letters, digits"),
    (
        GOOD + '\n[[phases]]\nkey = "write"\nduration = 1\nactions = ["read"]\ntitle = { nl = "a", en = "b" }\n',
        "phases",
        "unique",
    ),
    (GOOD.split("[[phases]]")[0], "phases", "is missing"),
    ("mode = [unclosed", "", "not valid TOML"),
]


@pytest.mark.parametrize("text,field,fault", BROKEN)
def test_broken_format_names_file_field_and_fault(tmp_path, text, field, fault):
    path = tmp_path / "broken-format.toml"
    path.write_text(text)
    with pytest.raises(FormatError) as error:
        parse_format(path)
    message = str(error.value)
    assert message.startswith("broken-format.toml:")
    assert field in message and fault in message


def test_a_broken_format_stops_start_up(tmp_path):
    formats = tmp_path / "formats"
    formats.mkdir()
    (formats / "good.toml").write_text(GOOD)
    (formats / "bad.toml").write_text(GOOD.replace("duration = 10", "duration = -1"))
    with pytest.raises(FormatError, match="bad.toml: phases"):
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "FORMATS_DIR": str(formats),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
                "INSTANCE_PATH": str(tmp_path / "instance"),
            }
        )


def test_non_utf8_file_is_named(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes("title = 'caf\xe9'".encode("latin-1"))
    with pytest.raises(FormatError, match="latin.toml: not UTF-8"):
        parse_format(path)
