"""The library's errors: one small tree under :class:`AliprotectError`.

Every error aliprotect raises for bad input is an :class:`AliprotectError`, which is
also a :class:`ValueError`, so callers can catch either. Messages name the field, the
value that was wrong and what to do instead.

    AliprotectError (ValueError)
    ├── InvalidValueError          a field has a value the library cannot accept
    │   ├── NaiveDatetimeError     an instant without a timezone (C1)
    │   ├── TimeOrderError         events out of time order
    │   ├── MissingFactError       the rulebook needs a fact the order does not have
    │   └── ColumnError            a table of orders lacks a column, or misnames one
    ├── NotShippedError            a question that needs the shipping instant
    ├── ActionRefusedError         the rules forbid the action at that instant
    │   ├── ClaimNotCoveredError   buyer protection does not cover the claim
    │   └── DisputeClosedError     the dispute is closed: nothing more can happen to it
    ├── RulebookError              a rulebook cannot be found or read
    │   ├── UnknownRulebookError   no published rulebook has that version
    │   ├── UnknownRuleError       the rulebook has no rule (or number) of that id
    │   │   └── UnstatedRuleError  the rulebook's sources do not state that rule
    │   └── MalformedRulebookError a rulebook document breaks the schema
    ├── DocumentError              a stored JSON document cannot be read back
    │   └── FingerprintError       a fingerprint does not match the rules it names
    └── MissingExtraError          a function needs an optional extra that is not installed
                                   (also an ImportError)

Warnings: AliprotectDeprecationWarning, for what will go, with the date it was announced.
"""

from __future__ import annotations

import datetime as dt
import warnings

__all__ = [
    "ActionRefusedError",
    "AliprotectDeprecationWarning",
    "AliprotectError",
    "ClaimNotCoveredError",
    "ColumnError",
    "DisputeClosedError",
    "DocumentError",
    "FingerprintError",
    "InvalidValueError",
    "MalformedRulebookError",
    "MissingExtraError",
    "MissingFactError",
    "ModifiedRulebookError",
    "NaiveDatetimeError",
    "NotShippedError",
    "RulebookError",
    "TimeOrderError",
    "UnknownRuleError",
    "UnknownRulebookError",
    "UnstatedRuleError",
    "warn_deprecated",
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

    Attributes:
        problems: the errors this one reports together, when a value has several problems (a
            document or a file's row whose fields are each wrong: every one is named, not only
            the first); otherwise just this error.
    """

    @property
    def problems(self) -> tuple[AliprotectError, ...]:
        return getattr(self, "_problems", (self,))


class InvalidValueError(AliprotectError):
    """A field was given a value the library cannot accept.

    The message names the field, the value and the fix, for example
    ``protection_days=0 must be a whole number of days greater than 0``.
    """


class NaiveDatetimeError(InvalidValueError):
    """An instant has no timezone (convention C1). Nothing is assumed: give an offset or a zone."""


class TimeOrderError(InvalidValueError):
    """Two events are out of time order, for example an order shipped before it was placed."""


class MissingFactError(InvalidValueError):
    """The rulebook needs a fact of the order that it does not have, such as its carrier or
    the seller's promised delivery time. The message names the fact; nothing is assumed."""


class ColumnError(InvalidValueError):
    """A table of orders lacks a column the question needs, has a column that looks like a
    misspelt one, or holds values of the wrong kind in one (:mod:`aliprotect.frames`)."""


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


class UnstatedRuleError(UnknownRuleError):
    """The rulebook's sources do not state that rule, so the rulebook leaves it out on purpose
    (see :attr:`aliprotect.Rulebook.not_stated`): nothing is carried over or guessed. Pin a
    rulebook that states the rule."""


class MalformedRulebookError(RulebookError):
    """A rulebook document breaks the schema: the message says where and how."""


class ModifiedRulebookError(RulebookError):
    """A published rulebook's file in the installed package does not match the fingerprint the
    package was released with: the installation was modified. Nothing is served in its place;
    reinstall aliprotect."""


class DocumentError(AliprotectError):
    """A stored JSON document cannot be read back: not JSON, another schema version, an
    unknown type, or a field missing or of the wrong kind."""


class FingerprintError(DocumentError):
    """A fingerprint does not match the rules it stands for: the document or the rulebook
    was changed after the fact. Nothing falls back to other rules."""


class MissingExtraError(AliprotectError, ImportError):
    """A function needs an optional extra that is not installed; the message says which and
    how to install it. Also an :class:`ImportError`, as the missing library is."""


class AliprotectDeprecationWarning(DeprecationWarning):
    """Something of aliprotect's that will be removed, and since when that is announced.

    A subclass of :class:`DeprecationWarning` of the library's own, so that an app can
    turn exactly these into errors
    (``filterwarnings = error::aliprotect.errors.AliprotectDeprecationWarning``) or see them,
    although Python hides plain ``DeprecationWarning`` outside ``__main__``.

    Attributes:
        since: the date the deprecation was announced.

    Example:
        >>> import datetime, warnings, aliprotect
        >>> def old():
        ...     aliprotect.errors.warn_deprecated("old() is now new()", since=datetime.date(2026, 11, 22))
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     old()
        >>> caught[0].category.__name__, str(caught[0].message)
        ('AliprotectDeprecationWarning', 'old() is now new() (deprecated since 2026-11-22)')
        >>> caught[0].message.since
        datetime.date(2026, 11, 22)
    """

    def __init__(self, message: str, *, since: dt.date) -> None:
        super().__init__(f"{message} (deprecated since {since.isoformat()})")
        self.since = since


def warn_deprecated(message: str, *, since: dt.date, stacklevel: int = 2) -> None:
    """Warn with an :class:`AliprotectDeprecationWarning`, from inside a deprecated function.

    The warning points at the code that called the deprecated function (``stacklevel=2``
    counts from the deprecated function, as :func:`warnings.warn` does).

    Example:
        >>> import datetime, warnings, aliprotect
        >>> def old():
        ...     aliprotect.errors.warn_deprecated("old() is now new()", since=datetime.date(2026, 11, 22))
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("error")
        ...     old()
        Traceback (most recent call last):
        ...
        aliprotect.errors.AliprotectDeprecationWarning: old() is now new() (deprecated since 2026-11-22)
    """
    warnings.warn(AliprotectDeprecationWarning(message, since=since), stacklevel=stacklevel + 1)
