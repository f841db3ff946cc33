"""Checks of arguments that many values and functions share: a value's type, an enum member,
a sequence of values, and an instant not before a start. Each error names the field."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import TypeVar

import pendulum

from aliprotect import _days
from aliprotect.errors import InvalidValueError, TimeOrderError

_T = TypeVar("_T")
_E = TypeVar("_E", bound=enum.Enum)


def instance(value: _T, kind: type[_T], field: str) -> _T:
    """``value`` when it is a ``kind``; otherwise an error that names the field and the type."""
    if not isinstance(value, kind):
        raise InvalidValueError(f"{field}={value!r} must be an aliprotect.{kind.__name__}")
    return value


def optional(value: _T | None, kind: type[_T], field: str, example: str) -> _T | None:
    """``value`` when it is a ``kind`` or ``None``; otherwise an error that shows an ``example``."""
    if value is not None and not isinstance(value, kind):
        raise InvalidValueError(f"{field}={value!r} must be a {kind.__name__} value, e.g. {example}, or None")
    return value


def member(value: _E, kind: type[_E], field: str) -> _E:
    """``value`` when it is a member of the enum ``kind``; otherwise an error that lists the members."""
    if not isinstance(value, kind):
        members = ", ".join(f"{kind.__name__}.{item.name}" for item in kind)
        raise InvalidValueError(f"{field}={value!r} must be a {kind.__name__}: one of {members}")
    return value


def items(value: Iterable[_T], kind: type[_T], field: str, example: str) -> tuple[_T, ...]:
    """``value`` as a tuple when it is a sequence of ``kind`` values (a string or a lone ``kind`` is not)."""
    if isinstance(value, str | kind) or not isinstance(value, Iterable):
        raise InvalidValueError(f"{field}={value!r} must be a sequence of {kind.__name__} values, e.g. {example}")
    found = tuple(value)
    for item in found:
        if not isinstance(item, kind):
            raise InvalidValueError(f"{field} holds {item!r}; every item must be a {kind.__name__} value")
    return found


def at_or_after(start: pendulum.DateTime, at: dt.datetime, what: str) -> pendulum.DateTime:
    """``at`` as an aware instant (C1), refused when it is before ``start``, the instant ``what``."""
    instant = _days.aware(at, "at")
    if _days.key(instant) < _days.key(start):
        raise TimeOrderError(
            f"at={instant.isoformat()} is before {what} ({start.isoformat()}); ask about an instant at or after it"
        )
    return instant
