"""Refusals with a reason, and the checks that turn an untrusted payload into typed values."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal, overload

#: whole numbers the databases can compare with their integer columns (PostgreSQL's are 32-bit)
INT_LOW, INT_HIGH = -(2**31), 2**31 - 1

#: control characters nobody types (tab, newline and carriage return are kept): XML, and so Word reports,
#: cannot hold them, and in a link they only hide where it goes
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(value: str) -> str:
    """The text without control characters other than tab and line breaks."""
    return _CONTROL.sub("", value)


class CommandError(Exception):
    """A command was refused; nothing changed. `code` is stable for clients, `params` fill the message."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


def field(payload: dict, name: str, kind: type, *, required: bool = True, default: Any = None) -> Any:
    if name not in payload or payload[name] is None:
        if required:
            raise CommandError("missing_field", field=name)
        return default
    value = payload[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CommandError("wrong_type", field=name)
    if kind is int and isinstance(value, int) and not INT_LOW <= value <= INT_HIGH:
        raise CommandError("out_of_range", field=name, low=INT_LOW, high=INT_HIGH)
    return value


@overload
def text(
    payload: dict, name: str, *, max_length: int, required: Literal[True] = ..., allow_empty: bool = ...
) -> str: ...
@overload
def text(payload: dict, name: str, *, max_length: int, required: bool, allow_empty: bool = ...) -> str | None: ...
def text(payload: dict, name: str, *, max_length: int, required: bool = True, allow_empty: bool = False) -> str | None:
    value = field(payload, name, str, required=required)
    if value is None:
        return None
    # unpaired surrogates cannot be stored or encoded; refuse rather than mangle
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise CommandError("invalid_text", field=name) from None
    value = without_controls(value).strip()
    if not value and not allow_empty:
        raise CommandError("empty_text", field=name)
    if len(value) > max_length:
        raise CommandError("too_long", field=name, limit=max_length)
    return value


@overload
def choice(payload: dict, name: str, options: Iterable[str], *, required: Literal[True] = ...) -> str: ...
@overload
def choice(payload: dict, name: str, options: Iterable[str], *, required: bool, default: str) -> str: ...
@overload
def choice(payload: dict, name: str, options: Iterable[str], *, required: bool, default: None = ...) -> str | None: ...
def choice(
    payload: dict, name: str, options: Iterable[str], *, required: bool = True, default: str | None = None
) -> str | None:
    value = field(payload, name, str, required=required, default=default)
    if value is not None and value not in set(options):
        raise CommandError("invalid_choice", field=name)
    return value


@overload
def integer(payload: dict, name: str, *, low: int, high: int, required: Literal[True] = ...) -> int: ...
@overload
def integer(payload: dict, name: str, *, low: int, high: int, required: bool, default: int) -> int: ...
@overload
def integer(payload: dict, name: str, *, low: int, high: int, required: bool, default: None = ...) -> int | None: ...
def integer(
    payload: dict, name: str, *, low: int, high: int, required: bool = True, default: int | None = None
) -> int | None:
    value = field(payload, name, int, required=required, default=default)
    if value is not None and not low <= value <= high:
        raise CommandError("out_of_range", field=name, low=low, high=high)
    return value


def id_list(payload: dict, name: str, *, max_items: int = 1000, required: bool = True) -> list[int]:
    """A list of distinct whole-number ids, in the order sent."""
    value = field(payload, name, list, required=required, default=[])
    if len(value) > max_items:
        raise CommandError("too_long", field=name, limit=max_items)
    for item in value:
        if not isinstance(item, int) or isinstance(item, bool):
            raise CommandError("wrong_type", field=name)
        if not INT_LOW <= item <= INT_HIGH:
            raise CommandError("out_of_range", field=name, low=INT_LOW, high=INT_HIGH)
    return list(dict.fromkeys(value))
