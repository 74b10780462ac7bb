"""Session formats (werkvormen): loads sessions/*.toml into frozen dataclasses and says exactly what is wrong."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from facilitation.models.base import Level, ReflectionKind

LANGUAGES = ("nl", "en")
ACTIONS = ("read", "write", "vote", "fishbowl", "commit", "cluster", "followup")
MODES = ("learning-table", "fishbowl")
#: what the console puts in front in a phase (its workspace)
WORKSPACES = ("case", "wall", "clusters", "votes", "levels", "commitments", "fishbowl", "journey", "followup")
#: what the projector can show; a phase's `projector` is what "automatic" shows in it
PROJECTOR_VIEWS = ("wall", "clusters", "votes", "levels", "fishbowl", "journey")


class FormatError(ValueError):
    """A format file is broken; the message names the file, the field and what is wrong."""


@dataclass(frozen=True)
class Text:
    """A string in every supported language."""

    nl: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class Phase:
    key: str
    title: Text
    #: planned minutes; the timer starts from this
    duration: int
    #: what participants can do: read / write / vote / fishbowl / commit ...
    actions: frozenset[str]
    #: reflection kinds allowed while writing
    kinds: tuple[str, ...]
    #: prompt per level, with "default" for levels without their own
    prompts: dict[str, Text] = field(default_factory=dict)
    #: the facilitator's script for the phase ("what now"): what to say, what to do, how long
    guide: Text | None = None
    #: the console's workspace in this phase; None: derived from the actions
    workspace_key: str | None = None
    #: the projector's automatic view in this phase; None: chosen from what is on the board
    projector: str | None = None
    #: entry actions: the timer starts with the phase; a voting phase opens a round
    start_timer: bool = True
    open_vote: bool = False

    @property
    def workspace(self) -> str:
        if self.workspace_key:
            return self.workspace_key
        for action, workspace in (
            ("followup", "followup"),
            ("fishbowl", "fishbowl"),
            ("vote", "votes"),
            ("commit", "commitments"),
            ("write", "wall"),
        ):
            if action in self.actions:
                return workspace
        return "case"

    #: the projector's wall shows only counts per kind until the facilitator reveals it (silent writing)
    covered: bool = False
    #: the kind a phone selects at the start of the phase; without it a phone with several kinds selects none
    default_kind: str | None = None

    def prompt(self, level: str | None, language: str) -> str:
        text = self.prompts.get(level or "") or self.prompts.get("default")
        return text.get(language) if text else ""


@dataclass(frozen=True)
class Format:
    key: str
    title: Text
    description: Text
    mode: str
    #: whether participants see each other's reflections on their phones
    share_reflections: bool
    #: dots per participant in a voting round
    vote_budget: int
    phases: tuple[Phase, ...]
    #: chairs in a fishbowl's inner circle, the empty one included
    fishbowl_chairs: int = 5

    def phase(self, index: int | None) -> Phase | None:
        if index is None or not 0 <= index < len(self.phases):
            return None
        return self.phases[index]

    @property
    def lays_out_journey(self) -> bool:
        """A case reconstruction: the facilitator lays out the case's journey in a phase of that name."""
        return any(phase.key == "journey" for phase in self.phases)


class _Reader:
    """Walks one parsed file, prefixing every error with the file and the field path."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, what: str) -> FormatError:
        return FormatError(f"{self.path.name}: {where}: {what}")

    def get(self, table: dict, key: str, kind: type | tuple, where: str, default: Any = ...) -> Any:
        if key not in table:
            if default is ...:
                raise self.fail(f"{where}{key}", "is missing")
            return default
        value = table[key]
        # bool is an int in Python; a duration of `true` is still wrong
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(f"{where}{key}", f"must be {_article(names)}, not {type(value).__name__}")
        return value

    def text(self, table: dict, key: str, where: str) -> Text:
        value = self.get(table, key, dict, where)
        for language in LANGUAGES:
            item = self.get(value, language, str, f"{where}{key}.")
            if not item.strip():
                raise self.fail(f"{where}{key}.{language}", "is empty")
        return Text(nl=value["nl"], en=value["en"])


def _article(name: str) -> str:
    return {
        "str": "a string",
        "int": "a whole number",
        "bool": "true or false",
        "dict": "a table",
        "list": "a list",
    }.get(name, name)


def parse_format(path: Path) -> Format:
    reader = _Reader(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"{path.name}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path.name}: not UTF-8 text") from exc

    title = reader.text(data, "title", "")
    description = reader.text(data, "description", "")
    mode = reader.get(data, "mode", str, "")
    if mode not in MODES:
        raise reader.fail("mode", f"must be one of {', '.join(MODES)}, not {mode!r}")
    budget = reader.get(data, "vote_budget", int, "", default=3)
    if not 1 <= budget <= 20:
        raise reader.fail("vote_budget", "must be between 1 and 20")
    chairs = reader.get(data, "fishbowl_chairs", int, "", default=5)
    if not 2 <= chairs <= 12:
        raise reader.fail("fishbowl_chairs", "must be between 2 and 12")
    raw_phases = reader.get(data, "phases", list, "")
    if not raw_phases:
        raise reader.fail("phases", "needs at least one phase")
    phases = tuple(_parse_phase(reader, raw, i) for i, raw in enumerate(raw_phases))
    keys = [p.key for p in phases]
    for key in keys:
        if keys.count(key) > 1:
            raise reader.fail(f"phases ({key})", "phase keys must be unique")
    return Format(
        key=path.stem,
        title=title,
        description=description,
        mode=mode,
        share_reflections=reader.get(data, "share_reflections", bool, "", default=False),
        vote_budget=budget,
        phases=phases,
        fishbowl_chairs=chairs,
    )


def _parse_phase(reader: _Reader, raw: Any, index: int) -> Phase:
    where = f"phases[{index}]."
    if not isinstance(raw, dict):
        raise reader.fail(f"phases[{index}]", "must be a table ([[phases]])")
    key = reader.get(raw, "key", str, where)
    if not key.replace("-", "").replace("_", "").isalnum():
        raise reader.fail(f"{where}key", "may only hold letters, digits, - and _")
    where = f"phases[{index}] ({key})."
    duration = reader.get(raw, "duration", int, where)
    if not 0 <= duration <= 480:
        raise reader.fail(f"{where}duration", "must be between 0 and 480 minutes")
    actions = reader.get(raw, "actions", list, where)
    for action in actions:
        if action not in ACTIONS:
            raise reader.fail(f"{where}actions", f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    kinds = reader.get(raw, "kinds", list, where, default=[])
    for kind in kinds:
        if kind not in ReflectionKind.values():
            raise reader.fail(f"{where}kinds", f"unknown kind {kind!r}; known: {', '.join(ReflectionKind.values())}")
    if "write" in actions and not kinds:
        raise reader.fail(f"{where}kinds", "a phase with 'write' needs at least one reflection kind")
    default_kind = reader.get(raw, "default_kind", str, where, default=None)
    if default_kind is not None and default_kind not in kinds:
        raise reader.fail(f"{where}default_kind", f"must be one of the phase's kinds: {', '.join(kinds)}")
    prompts: dict[str, Text] = {}
    raw_prompts = reader.get(raw, "prompt", dict, where, default={})
    for level in raw_prompts:
        if level != "default" and level not in Level.values():
            raise reader.fail(f"{where}prompt.{level}", f"unknown level; known: default, {', '.join(Level.values())}")
        prompts[level] = reader.text(raw_prompts, level, f"{where}prompt.")
    return Phase(
        key=key,
        title=reader.text(raw, "title", where),
        duration=duration,
        actions=frozenset(actions),
        kinds=tuple(kinds),
        prompts=prompts,
        guide=reader.text(raw, "guide", where) if "guide" in raw else None,
        workspace_key=_one_of(reader, raw, "workspace", WORKSPACES, where),
        projector=_one_of(reader, raw, "projector", PROJECTOR_VIEWS, where),
        start_timer=reader.get(raw, "start_timer", bool, where, default=True),
        open_vote=reader.get(raw, "open_vote", bool, where, default="vote" in actions),
        covered=reader.get(raw, "covered", bool, where, default=False),
        default_kind=default_kind,
    )


def _one_of(reader: _Reader, raw: dict, key: str, known: tuple[str, ...], where: str) -> str | None:
    value = reader.get(raw, key, str, where, default=None)
    if value is not None and value not in known:
        raise reader.fail(f"{where}{key}", f"unknown {key} {value!r}; known: {', '.join(known)}")
    return value


def load_formats(folder: Path) -> dict[str, Format]:
    """Every format in the folder; the first broken file stops start-up."""
    formats = {path.stem: parse_format(path) for path in sorted(folder.glob("*.toml"))}
    if not formats:
        raise FormatError(f"{folder}: no session formats (*.toml) found")
    return formats


def installed() -> dict[str, Format]:
    """The formats this installation loaded at start (create_app), by key."""
    return current_app.extensions["formats"]


def of(session_) -> Format:
    """The format a session runs: the one place domain code finds it (a session keeps its format's key)."""
    return installed()[session_.format_key]
