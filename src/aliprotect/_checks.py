"""Checks of the arguments every public function shares: the rulebook, the order, ``at``."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import pendulum

from aliprotect import _days
from aliprotect.errors import InvalidValueError, TimeOrderError
from aliprotect.model import Order
from aliprotect.rulebook import Rulebook, rulebook


def rules_or_latest(rules: Rulebook | None) -> Rulebook:
    """``rules``, or the latest published rulebook when it is ``None``."""
    if rules is None:
        return rulebook()
    if not isinstance(rules, Rulebook):
        raise InvalidValueError(
            f"rules={rules!r} must be a Rulebook, e.g. aliprotect.rulebook('2025.1'), or None for the latest"
        )
    return rules


_T = TypeVar("_T")


def instance(value: _T, kind: type[_T], field: str) -> _T:
    """``value`` when it is a ``kind``; otherwise an error that names the field and the type."""
    if not isinstance(value, kind):
        raise InvalidValueError(f"{field}={value!r} must be an aliprotect.{kind.__name__}")
    return value


def order(value: Order) -> Order:
    """``value`` when it is an :class:`Order`."""
    return instance(value, Order, "order")


def at_or_after(start: pendulum.DateTime, at: dt.datetime, what: str) -> pendulum.DateTime:
    """``at`` as an aware instant (C1), refused when it is before ``start``, the instant ``what``."""
    instant = _days.aware(at, "at")
    if _days.utc(instant) < _days.utc(start):
        raise TimeOrderError(
            f"at={instant.isoformat()} is before {what} ({start.isoformat()}); ask about an instant at or after it"
        )
    return instant


def stated(rules: Rulebook, *rule_ids: str) -> tuple[str, ...]:
    """``rule_ids``, once each is known to be stated by ``rules``: an answer never cites a
    rule its rulebook leaves out (that raises :class:`~aliprotect.UnstatedRuleError`)."""
    for rule_id in rule_ids:
        rules.rule(rule_id)
    return rule_ids
