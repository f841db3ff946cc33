"""Checks of arguments that many values and functions share: a value's type, an enum member,
a sequence of values, an instant not before a start, and every problem of a value at once.
Each error names the field."""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeVar

import attrs
import pendulum

from aliprotect import _days
from aliprotect._shown import shown
from aliprotect.errors import AliprotectError, DocumentError, InvalidValueError, TimeOrderError

_T = TypeVar("_T")
_K = TypeVar("_K")
_E = TypeVar("_E", bound=enum.Enum)


def instance(value: _T, kind: type[_T], field: str) -> _T:
    """``value`` when it is a ``kind``; otherwise an error that names the field and the type."""
    if not isinstance(value, kind):
        raise InvalidValueError(f"{field}={shown(value)} must be an aliprotect.{kind.__name__}")
    return value


def optional(value: _T | None, kind: type[_T], field: str, example: str) -> _T | None:
    """``value`` when it is a ``kind`` or ``None``; otherwise an error that shows an ``example``."""
    if value is not None and not isinstance(value, kind):
        raise InvalidValueError(f"{field}={shown(value)} must be a {kind.__name__} value, e.g. {example}, or None")
    return value


def member(value: _E, kind: type[_E], field: str) -> _E:
    """``value`` when it is a member of the enum ``kind``; otherwise an error that lists the members."""
    if not isinstance(value, kind):
        members = ", ".join(f"{kind.__name__}.{item.name}" for item in kind)
        raise InvalidValueError(f"{field}={shown(value)} must be a {kind.__name__}: one of {members}")
    return value


def items(value: Iterable[_T], kind: type[_T], field: str, example: str) -> tuple[_T, ...]:
    """``value`` as a tuple when it is a sequence of ``kind`` values (a string or a lone ``kind`` is not)."""
    if isinstance(value, str | kind) or not isinstance(value, Iterable):
        raise InvalidValueError(f"{field}={shown(value)} must be a sequence of {kind.__name__} values, e.g. {example}")
    found = tuple(value)
    for item in found:
        if not isinstance(item, kind):
            article = "an" if kind.__name__[0] in "AEIOU" else "a"
            raise InvalidValueError(f"{field} holds {shown(item)}; every item must be {article} {kind.__name__} value")
    return found


def mapping(value: Mapping[_K, _T], field: str) -> Mapping[_K, _T]:
    """A read-only copy of ``value`` when it is a mapping; otherwise an error that names the field."""
    if not isinstance(value, Mapping):
        raise InvalidValueError(f"{field}={shown(value)} must be a mapping (a dict)")
    return MappingProxyType(dict(value))


def at_or_after(start: pendulum.DateTime, at: dt.datetime, what: str) -> pendulum.DateTime:
    """``at`` as an aware instant (C1), refused when it is before ``start``, the instant ``what``."""
    instant = _days.aware(at, "at")
    if _days.key(instant) < _days.key(start):
        raise TimeOrderError(
            f"at={instant.isoformat()} is before {what} ({start.isoformat()}); ask about an instant at or after it"
        )
    return instant


def built(cls: type[_T], values: Mapping[str, object], problems: Sequence[AliprotectError] = ()) -> _T:
    """``cls(**values)`` for an attrs class, or one error that names every problem of the value, not
    only the first: the ``problems`` found reading ``values``, then each field's own (its converter's
    error). A value with one problem raises that problem's own error, as building it would.

    Example:
        >>> from aliprotect import Money
        >>> built(Money, {"amount": "-1", "currency": "usd"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        aliprotect.errors.InvalidValueError: 2 problems: amount='-1' must be ...; currency='usd' must be ...
    """
    if not problems:
        try:
            return cls(**values)
        except AliprotectError:
            found = _field_problems(cls, values)
            if len(found) <= 1:
                raise  # one problem (a field's, or one between fields): its own error
            raise several(found) from None
    raise several([*problems, *_field_problems(cls, values)])


def _field_problems(cls: type, values: Mapping[str, object]) -> list[AliprotectError]:
    """The error each field's converter gives its value, field by field, in the class's order."""
    problems: list[AliprotectError] = []
    fields: Any = attrs.fields(cls)  # an attrs class, which the signature cannot say
    for field in fields:
        if field.name in values and callable(field.converter):
            try:
                field.converter(values[field.name])
            except AliprotectError as error:
                problems.append(error)
    return problems


def several(problems: Sequence[AliprotectError]) -> AliprotectError:
    """One error for ``problems``: the only one as it is, or one that lists them all, a
    :class:`~aliprotect.errors.DocumentError` when one of them is, else an
    :class:`~aliprotect.errors.InvalidValueError`."""
    flat = [each for problem in problems for each in problem.problems]  # a value inside a value: its own
    if len(flat) == 1:
        return flat[0]
    kind = DocumentError if any(isinstance(problem, DocumentError) for problem in flat) else InvalidValueError
    error: AliprotectError = kind(f"{len(flat)} problems: " + "; ".join(str(problem) for problem in flat))
    error._problems = tuple(flat)  # type: ignore[attr-defined]  # read through AliprotectError.problems
    return error


class _Repeats(dict[str, Any]):
    """A JSON object that named a field twice (JSON keeps the last), marked with that field."""

    key: str


def json_loads(text: str | bytes) -> tuple[Any, bool]:
    """``text`` read as JSON, and whether an object in it names a field twice. Such an object
    is marked, so that the item holding it can be refused with :func:`repeated_field` and the
    other items of a file still read; ``json.loads`` alone would keep the last value silently."""
    repeats = False

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeats
        found = dict(pairs)
        if len(found) == len(pairs):
            return found
        repeats = True
        marked = _Repeats(found)
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                marked.key = key
                break
            seen.add(key)
        return marked

    return json.loads(text, object_pairs_hook=hook), repeats


def repeated_field(value: object) -> str | None:
    """The first field named twice in one object anywhere in ``value`` (read by :func:`json_loads`)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Repeats):
            return item.key
        if isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


def once(field: str) -> str:
    """What an error says of a field a JSON object names twice."""
    return f"the field {shown(field)} appears twice in one object, and JSON would keep only the last; give it once"


def unless_repeated(item: object) -> object:
    """``item`` (read by :func:`json_loads`), or the error that refuses it when an object in it
    names a field twice."""
    field = repeated_field(item)
    return item if field is None else InvalidValueError(once(field))
