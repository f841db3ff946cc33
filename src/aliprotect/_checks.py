"""Checks of arguments that many functions share: a value's type, and an instant not before a start."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import pendulum

from aliprotect import _days
from aliprotect.errors import InvalidValueError, TimeOrderError

_T = TypeVar("_T")


def instance(value: _T, kind: type[_T], field: str) -> _T:
    """``value`` when it is a ``kind``; otherwise an error that names the field and the type."""
    if not isinstance(value, kind):
        raise InvalidValueError(f"{field}={value!r} must be an aliprotect.{kind.__name__}")
    return value


def at_or_after(start: pendulum.DateTime, at: dt.datetime, what: str) -> pendulum.DateTime:
    """``at`` as an aware instant (C1), refused when it is before ``start``, the instant ``what``."""
    instant = _days.aware(at, "at")
    if _days.utc(instant) < _days.utc(start):
        raise TimeOrderError(
            f"at={instant.isoformat()} is before {what} ({start.isoformat()}); ask about an instant at or after it"
        )
    return instant
