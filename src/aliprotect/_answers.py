"""The answers about an order: deadlines, windows, verdicts and timelines.

Every answer names the rule ids it came from and the version and fingerprint of the
rulebook that gave the numbers, so a caller can show "why" and store it with the decision.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Sequence
from typing import overload

import attrs
import pendulum

from aliprotect import _days, _formatting
from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError

TIMELINE_NAMES = ("dispute_opens", "open_by_recommended", "protection_ends", "completed", "dispute_closes")
"""The names of an order's deadlines, in the order they sort at one instant."""

DISPUTE_NAMES = ("seller_reply_by", "claim_from", "claim_until", "moderator_from", "return_by", "refund_arrives_by")
"""The names of a dispute's deadlines, in the order they sort at one instant."""


class Ranked(enum.Enum):
    """An enum whose members are listed in a meaningful order, with :attr:`rank` their position."""

    @property
    def rank(self) -> int:
        """The member's position in the order of its enum, 0 for the first."""
        found = _RANKS.get(self)
        if found is None:
            found = _RANKS[self] = list(type(self)).index(self)
        return found


_RANKS: dict[Ranked, int] = {}
"""Each member's rank, found once: advice is sorted by it, many times per order."""


@attrs.frozen(kw_only=True)
class Deadline(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """A named instant, with the rules behind it: a deadline of an order or of a dispute.

    Attributes:
        name: for an order's timeline, one of ``dispute_opens``, ``open_by_recommended``,
            ``protection_ends``, ``completed``, ``dispute_closes``; for a dispute's status,
            one of ``seller_reply_by``, ``claim_from``, ``claim_until``, ``moderator_from``,
            ``return_by``, ``refund_arrives_by``.
        at: the instant.
        description: what happens then, in a sentence.
        rule_ids: the ids of the rules it comes from.
        rulebook: the version of the rulebook that gave the numbers.
        fingerprint: that rulebook's fingerprint.
    """

    name: str
    at: pendulum.DateTime
    description: str
    rule_ids: tuple[str, ...]
    rulebook: str
    fingerprint: str


@attrs.frozen(kw_only=True)
class Window(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """A half-open stretch of time ``[opens, closes)`` (convention C3).

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> window = aliprotect.dispute_window(order, rules=aliprotect.rulebook("2025.2"))
        >>> window.opens.isoformat()
        '2025-03-09T00:00:00+01:00'
        >>> window.contains(window.closes)
        False
    """

    opens: pendulum.DateTime
    closes: pendulum.DateTime
    rule_ids: tuple[str, ...]
    rulebook: str
    fingerprint: str

    def contains(self, at: dt.datetime) -> bool:
        """Whether ``at`` is inside: ``opens <= at < closes`` (C3)."""
        return _days.in_window(_days.aware(at, "at"), self.opens, self.closes)


@attrs.frozen(kw_only=True)
class Verdict(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """The answer to "may this be done now?", with the reason and the rules behind it.

    A verdict is truthy when the action is allowed, so ``if can_cancel(...):`` reads
    as it should.

    Attributes:
        allowed: whether the action is allowed at ``at``.
        at: the instant asked about.
        reason: why, in a sentence that names the instants that matter.
        rule_ids: the ids of the rules the answer comes from.
        rulebook: the version of the rulebook that gave the numbers.
        fingerprint: that rulebook's fingerprint.
    """

    allowed: bool
    at: pendulum.DateTime
    reason: str
    rule_ids: tuple[str, ...]
    rulebook: str
    fingerprint: str

    def __bool__(self) -> bool:
        return self.allowed


@attrs.frozen(kw_only=True)
class Timeline(_formatting.ShowsAsHtml, Sequence[Deadline]):
    """An order's deadlines in time order (see :func:`aliprotect.timeline`): a sequence of
    :class:`Deadline` values that also knows its order and rulebook.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> deadlines = aliprotect.timeline(order, rules=aliprotect.rulebook("2025.2"))
        >>> len(deadlines), deadlines[0].name, deadlines[-1].name
        (5, 'dispute_opens', 'dispute_closes')
        >>> deadlines.get("protection_ends").at.isoformat()
        '2025-05-02T18:00:00+02:00'
    """

    order_id: str
    rulebook: str
    fingerprint: str
    deadlines: tuple[Deadline, ...]

    def get(self, name: str) -> Deadline | None:
        """The deadline called ``name``, or ``None`` when this order has none of that name (an
        order not shipped has none; one received before protection ended has no
        ``protection_ends`` nor ``open_by_recommended``).

        Raises:
            InvalidValueError: ``name`` is not the name of an order's deadline.
        """
        if name not in TIMELINE_NAMES:
            raise InvalidValueError(
                f"name={shown(name)} is not an order's deadline; one of {', '.join(TIMELINE_NAMES)}"
            )
        return next((deadline for deadline in self.deadlines if deadline.name == name), None)

    @overload
    def __getitem__(self, index: int) -> Deadline: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Deadline, ...]: ...
    def __getitem__(self, index: int | slice) -> Deadline | tuple[Deadline, ...]:
        return self.deadlines[index]

    def __len__(self) -> int:
        return len(self.deadlines)

    def __iter__(self) -> Iterator[Deadline]:
        return iter(self.deadlines)
