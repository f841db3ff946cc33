"""Orders and tracking from JSON for the command line: an aliprotect document, or a plain object of
the value's fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from aliprotect._documents import SCHEMA_VERSION, from_data
from aliprotect._model import Order
from aliprotect._rulebook import Rulebook
from aliprotect._tracking import Tracking
from aliprotect.errors import InvalidValueError

_Value = TypeVar("_Value", Order, Tracking)


def value_from_data(
    data: object, kind: type[_Value], *, label: str, defaults: Callable[[], Mapping[str, object]] = dict
) -> _Value:
    """A ``kind`` from JSON: an aliprotect document, or a plain object of its fields, completed
    by ``defaults()``. ``label`` starts the error messages."""
    if isinstance(data, Mapping) and "aliprotect" in data:
        value = from_data(data)
    elif isinstance(data, Mapping):
        value = from_data({"aliprotect": SCHEMA_VERSION, "type": kind.__name__, "value": {**defaults(), **data}})
    else:
        raise InvalidValueError(f"{label} is a JSON object of its fields, not {type(data).__name__}")
    if not isinstance(value, kind):
        raise InvalidValueError(f"{label}: the document holds a {type(value).__name__}, not {_a(kind.__name__)}")
    return value


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "AEIOU" else f"a {noun}"


def order_from_data(data: object, rules: Rulebook) -> Order:
    """An order from JSON; a plain object without protection_days gets the rulebook's default."""
    return value_from_data(
        data,
        Order,
        label="an order",
        defaults=lambda: {"protection_days": rules.number("protection.period", "default")},
    )
