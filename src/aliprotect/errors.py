"""The library's errors: one small tree under :class:`AliprotectError`.

Every error aliprotect raises for bad input is an :class:`AliprotectError`, which is
also a :class:`ValueError`, so callers can catch either. Messages name the field, the
value that was wrong and what to do instead.

    AliprotectError (ValueError)
    ├── InvalidValueError          a field has a value the library cannot accept
    │   ├── NaiveDatetimeError     an instant without a timezone (C1)
    │   └── TimeOrderError         events out of time order
    ├── NotShippedError            a question that needs the shipping instant
    ├── ActionRefusedError         the rules forbid the action at that instant
    │   ├── ClaimNotCoveredError   buyer protection does not cover the claim
    │   └── DisputeClosedError     the dispute is closed: nothing more can happen to it
    └── RulebookError              a rulebook cannot be found or read
        ├── UnknownRulebookError   no published rulebook has that version
        ├── UnknownRuleError       the rulebook has no rule (or number) of that id
        └── MalformedRulebookError a rulebook document breaks the schema
"""

from __future__ import annotations

__all__ = [
    "ActionRefusedError",
    "AliprotectError",
    "ClaimNotCoveredError",
    "DisputeClosedError",
    "InvalidValueError",
    "MalformedRulebookError",
    "NaiveDatetimeError",
    "NotShippedError",
    "RulebookError",
    "TimeOrderError",
    "UnknownRuleError",
    "UnknownRulebookError",
]


class AliprotectError(ValueError):
    """The root of every error aliprotect raises on purpose.

    Example:
        >>> import aliprotect
        >>> try:
        ...     aliprotect.rulebook("1999.1")
        ... except aliprotect.AliprotectError as error:
        ...     print(type(error).__name__)
        UnknownRulebookError
    """


class InvalidValueError(AliprotectError):
    """A field was given a value the library cannot accept.

    The message names the field, the value and the fix, for example
    ``protection_days=0 must be a whole number of days greater than 0``.
    """


class NaiveDatetimeError(InvalidValueError):
    """An instant has no timezone (convention C1). Nothing is assumed: give an offset or a zone."""


class TimeOrderError(InvalidValueError):
    """Two events are out of time order, for example an order shipped before it was placed."""


class NotShippedError(AliprotectError):
    """The question needs the instant the seller shipped, and the order has none yet.

    The buyer-protection timer starts when the seller ships (convention C6), so an order
    that has not shipped has no protection end, no completion and no dispute window.
    """


class ActionRefusedError(AliprotectError):
    """The rules forbid the action at that instant, for example extending protection after it ended.

    Attributes:
        rule_ids: the ids of the rules that forbid it (empty when no single rule does).
    """

    def __init__(self, message: str, *, rule_ids: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.rule_ids = rule_ids


class ClaimNotCoveredError(ActionRefusedError):
    """Buyer protection does not cover the claim (rule ``claim.not_covered``)."""


class DisputeClosedError(ActionRefusedError):
    """The dispute is closed; no event can follow (it cannot be reopened either)."""


class RulebookError(AliprotectError):
    """A rulebook cannot be found, read or queried."""


class UnknownRulebookError(RulebookError):
    """No published rulebook has the version asked for. Nothing falls back to another one."""


class UnknownRuleError(RulebookError):
    """The rulebook has no rule with that id, or the rule has no number of that name."""


class MalformedRulebookError(RulebookError):
    """A rulebook document breaks the schema: the message says where and how."""
