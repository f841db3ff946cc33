"""Reminders: the deadlines of many orders that fall inside a horizon, soonest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs
import pendulum

from aliprotect import _checks, _days, _formatting
from aliprotect._advice import known_at, money_left
from aliprotect._answers import Deadline
from aliprotect._dispute import Dispute
from aliprotect._dispute_machine import dispute_status
from aliprotect._model import Order
from aliprotect._registry import given_or_latest
from aliprotect._rulebook import Rulebook
from aliprotect._shown import shown
from aliprotect._timeline import timeline
from aliprotect.errors import InvalidValueError


def _order_id(value: str) -> str:
    if not isinstance(value, str):
        raise InvalidValueError(f"order_id={shown(value)} must be the order's id, a string")
    return value


def _deadline(value: Deadline) -> Deadline:
    return _checks.instance(value, Deadline, "deadline")


@attrs.frozen(kw_only=True)
class Reminder(_formatting.ShowsAsHtml):
    """A deadline of one order among many, for :func:`upcoming`."""

    order_id: str = attrs.field(converter=_order_id)
    deadline: Deadline = attrs.field(converter=_deadline)


def upcoming(
    orders: Iterable[Order],
    *,
    at: dt.datetime,
    within: dt.timedelta,
    disputes: Iterable[Dispute] = (),
    rules: Rulebook | None = None,
) -> tuple[Reminder, ...]:
    """The deadlines of many orders that fall after ``at`` and no later than ``at + within``, soonest first.

    For an order without a dispute: its recommended open-by, the end of its protection and
    its last chance to open a dispute. For an order with a dispute: the dispute's
    deadlines (seller reply, moderator, return, refund arrival) while it is open; once its
    disputes are closed and the last one's refund left part of the order unrefunded, the
    last chance to open a new one (as :func:`aliprotect.can_open_dispute` allows). Never a
    deadline that has passed, a window that has closed, or one of a closed dispute or of
    an order whose window closed long ago. The result does not depend on the order in
    which the orders are given.

    Each order is read as it was known at ``at``, as :func:`aliprotect.next_actions` reads
    it: a shipment, receipt, delivery or extension dated after ``at`` has not happened yet
    (an order shipped later has no deadline yet; one received later still has its open-by).

    Raises:
        InvalidValueError: two orders with the same id, a dispute of an order not given, the
            same dispute given twice, or ``within`` not a positive ``timedelta``.

    Example:
        >>> import datetime, pendulum, aliprotect
        >>> orders = [
        ...     aliprotect.Order(
        ...         id=f"A{n}",
        ...         placed_at=pendulum.datetime(2025, 3, n, tz="Europe/Paris"),
        ...         shipped_at=pendulum.datetime(2025, 3, n + 1, tz="Europe/Paris"),
        ...         protection_days=45,
        ...     )
        ...     for n in (1, 2)
        ... ]
        >>> for reminder in aliprotect.upcoming(
        ...     orders, at=pendulum.datetime(2025, 4, 5, tz="Europe/Paris"), within=datetime.timedelta(days=14),
        ...     rules=aliprotect.rulebook("2025.2"),
        ... ):
        ...     print(reminder.order_id, reminder.deadline.name, reminder.deadline.at.date())
        A1 open_by_recommended 2025-04-06
        A2 open_by_recommended 2025-04-07
        A1 protection_ends 2025-04-16
        A2 protection_ends 2025-04-17
    """
    instant = _days.aware(at, "at")
    return reminders(orders, at=instant, horizon=horizon_after(instant, within), disputes=disputes, rules=rules)


def horizon_after(instant: pendulum.DateTime, within: dt.timedelta) -> pendulum.DateTime:
    """``instant + within``, for a positive ``within`` that stays inside the years 1 to 9999."""
    if not isinstance(within, dt.timedelta) or within <= dt.timedelta(0):
        raise InvalidValueError(
            f"within={shown(within)} must be a positive timedelta, e.g. datetime.timedelta(days=14)"
        )
    try:
        return instant + within
    except OverflowError:
        raise InvalidValueError(
            f"within={shown(within)} after at={instant.isoformat()} falls outside the years 1 to 9999; "
            "give a shorter one"
        ) from None


def reminders(
    orders: Iterable[Order],
    *,
    at: pendulum.DateTime,
    horizon: pendulum.DateTime | None,
    disputes: Iterable[Dispute],
    rules: Rulebook | None,
) -> tuple[Reminder, ...]:
    """:func:`upcoming`'s reminders after the aware instant ``at`` and up to ``horizon``, or with
    no horizon for ``None``."""
    rules = given_or_latest(rules)
    instant = at
    by_id: dict[str, Order] = {}
    for order in _checks.items(orders, Order, "orders", "[order, ...]"):
        if order.id in by_id:
            raise InvalidValueError(f"order {order.id} is given twice; give each order once")
        by_id[order.id] = order
    disputed: dict[str, list[Dispute]] = {}
    for dispute in _checks.items(disputes, Dispute, "disputes", "[dispute, ...]"):
        if dispute.order.id not in by_id:
            raise InvalidValueError(f"a dispute of order {dispute.order.id} is given, but not that order")
        if dispute in disputed.get(dispute.order.id, []):
            raise InvalidValueError(
                f"the dispute of order {dispute.order.id} opened at {dispute.opened_at.isoformat()} is given twice; "
                "give each dispute once"
            )
        disputed.setdefault(dispute.order.id, []).append(dispute)

    def ahead(deadline: Deadline) -> bool:
        return _days.key(instant) < _days.key(deadline.at) and (
            horizon is None or _days.key(deadline.at) <= _days.key(horizon)
        )

    found = []
    for order_id, order in by_id.items():
        opened = [d for d in disputed.get(order_id, []) if not _days.key(instant) < _days.key(d.opened_at)]
        wanted = {"open_by_recommended", "protection_ends", "dispute_closes"}
        if opened:
            statuses = []
            for dispute in sorted(opened, key=lambda d: _days.key(d.opened_at)):
                # a dispute is read with its own rulebook: `rules` when it is that one (a custom one)
                pinned = rules if rules.fingerprint == dispute.fingerprint else None
                now = dispute_status(dispute, at=instant, rules=pinned)
                statuses.append((dispute, now))
                if not now.closed:
                    found += [Reminder(order_id=order_id, deadline=d) for d in now.deadlines if ahead(d)]
            if not all(now.closed for _, now in statuses) or money_left(*statuses[-1]) is None:
                continue
            wanted = {"dispute_closes"}  # a refund left money to claim: the last chance for a new dispute
        for deadline in timeline(known_at(order, instant), rules=rules).deadlines:
            if deadline.name in wanted and ahead(deadline):
                found.append(Reminder(order_id=order_id, deadline=deadline))
    return tuple(sorted(found, key=lambda r: (_days.key(r.deadline.at), r.order_id, r.deadline.name)))
