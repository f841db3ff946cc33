"""An order's protection timeline: when protection ends, when the order completes, when
a dispute can be opened, and by when it should be.

Every function is pure: the numbers come from the rulebook ``rules=`` (the latest
published one when left out), and every answer names the rule ids and the rulebook
version it came from.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pendulum

from aliprotect import _checks, _days
from aliprotect._answers import TIMELINE_NAMES, Deadline, Timeline, Window
from aliprotect._model import Order
from aliprotect._registry import given_or_latest
from aliprotect._rulebook import Rulebook, stated
from aliprotect._schema import LONGEST_TIMER, Unit
from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError, MissingFactError, NotShippedError, TimeOrderError

if TYPE_CHECKING:
    from aliprotect._tracking import Tracking


def not_shipped(order: Order, question: str) -> NotShippedError:
    return NotShippedError(
        f"order {order.id} has no shipped_at, so it has no {question}: the protection timer "
        "starts when the seller ships (C6); set shipped_at, or ask can_cancel()"
    )


def shipped_at(order: Order, question: str) -> pendulum.DateTime:
    if order.shipped_at is None:
        raise not_shipped(order, question)
    return order.shipped_at


def end_of_protection(order: Order, question: str, rules: Rulebook) -> pendulum.DateTime:
    """When protection ends under ``rules``: the timer's end (C6), or earlier when the rulebook
    cuts the time left once the parcel shows as delivered (``protection.period``'s
    ``after_delivered``); extensions granted after that still add their days."""
    if order.shipped_at is None:
        raise not_shipped(order, question)
    longest, why = longest_timer(rules)
    length = timer_days(order, rules)
    if follows_promised(rules):  # the timer is the promised time; protection_days does not set it
        if length > longest:
            raise InvalidValueError(f"promised_days={shown(order.promised_days)}: {why}")
    elif order.protection_days > longest:
        raise InvalidValueError(f"protection_days={shown(order.protection_days)}: {why}")
    if order.extensions and (rules.calendar("protection.period") is not None or length != order.protection_days):
        _check_extensions_on_calendar(order, order.shipped_at, rules)
    end = timer_end(order, order.shipped_at, rules)
    delivered = order.delivered_at
    if delivered is None or not rules.has("protection.period", "after_delivered"):
        return end
    before: list[int] = []
    after: list[int] = []
    for extension in order.extensions:
        (before if _days.key(extension.granted_at) < _days.key(delivered) else after).append(extension.days)
    timer = rules.calendar("protection.period")
    running_until = _days.add_days(order.shipped_at, length + sum(before), timer)
    if not _days.key(delivered) < _days.key(running_until):
        return end  # shown delivered after the timer ran out: nothing left to cut
    left = _days.add_days(delivered, days_of(rules, "protection.period", "after_delivered"), timer)
    return _days.add_days(min(running_until, left, key=_days.key), sum(after), timer)


def _check_extensions_on_calendar(order: Order, shipped: pendulum.DateTime, rules: Rulebook) -> None:
    """Each extension granted while protection ran, counted on the calendar the rulebook counts the
    timer on (``days_counted_in``) and for the timer the rulebook gives (:func:`timer_days`): the
    order checked itself in its own zone (C2), for its own ``protection_days``."""
    total = timer_days(order, rules)
    calendar = rules.calendar("protection.period")
    for extension in sorted(order.extensions, key=lambda e: _days.key(e.granted_at)):
        end = _days.add_days(shipped, total, calendar)
        stop = end if order.received_at is None else min(end, order.received_at, key=_days.key)
        if _days.key(extension.granted_at) >= _days.key(stop):
            raise TimeOrderError(
                f"extension granted_at {extension.granted_at.isoformat()} is not before protection ended at "
                f"{stop.isoformat()}, counted{f' on the calendar of {calendar}' if calendar else ''} as rulebook "
                f"{rules.version} counts it; "
                "an extension can only be granted while protection is active (protection.extension)"
            )
        total += extension.days


def asked_at(order: Order, at: dt.datetime) -> pendulum.DateTime:
    """``at``, refused when it is before the order was placed."""
    return _checks.at_or_after(order.placed_at, at, f"order {order.id} was placed")


def longest_timer(rules: Rulebook) -> tuple[int, str]:
    """The longest protection timer ``rules`` allows, and why, in words that end with the fix: its
    ``protection.period`` ``at_most`` (undated.2: 60 days), or where it states none, the longest
    timer any source states (:data:`~aliprotect.rules.LONGEST_TIMER`), a sanity limit."""
    if rules.has("protection.period", "at_most"):
        longest = days_of(rules, "protection.period", "at_most")
        return longest, (
            f"under rulebook {rules.version} the protection timer is at most {longest} days (protection.period); "
            f"set protection_days to {longest} or less"
        )
    bound = LONGEST_TIMER
    return bound.days, (
        f"no source states a protection timer longer than {bound.days} days ({bound.statement}: "
        f"{bound.source}) and rulebook {rules.version} states no maximum of its own (protection.period); "
        f"give the timer in days, {bound.days} or less"
    )


def days_of(rules: Rulebook, rule_id: str, name: str, unit: Unit = Unit.DAYS, carrier: str | None = None) -> int:
    return rules.number(rule_id, name, unit=unit, carrier=carrier)


def _protection_rules(order: Order) -> tuple[str, ...]:
    return ("protection.period", "protection.extension") if order.extensions else ("protection.period",)


def receipt_completes(order: Order, end: pendulum.DateTime) -> pendulum.DateTime | None:
    """``received_at`` when the buyer confirmed receipt before protection ran out at ``end`` (C7), else None."""
    if order.received_at is None or order.shipped_at is None:
        return None
    if _days.key(order.received_at) < _days.key(end):
        return order.received_at
    return None


def protection_end(order: Order, *, rules: Rulebook | None = None) -> Deadline:
    """When the buyer-protection timer runs out (convention C6).

    It is ``shipped_at`` plus the order's ``protection_days`` (rule ``protection.period``)
    plus every extension the seller granted (``protection.extension``), in calendar days
    in the shipping instant's zone (C2).

    A rulebook whose ``protection.period`` has ``after_delivered`` (rulebook undated.2: 5
    days) cuts the time left once the parcel shows as delivered (the order's
    ``delivered_at``): protection then ends at the earlier of the timer's end and that
    many days after delivery, plus any extension granted after delivery. One with
    ``at_most`` (undated.2: 60 days) refuses a longer timer.

    Raises:
        NotShippedError: the order has not shipped, so the timer has not started.
        InvalidValueError: the order's ``protection_days`` is longer than the rulebook allows.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> aliprotect.protection_end(order, rules=aliprotect.rulebook("2025.2")).at.isoformat()
        '2025-05-02T18:00:00+02:00'
    """
    rules, order = given_or_latest(rules), _checks.instance(order, Order, "order")
    return _protection_deadline(order, end_of_protection(order, "protection end", rules), rules)


def _cut_at_delivery(order: Order, end: pendulum.DateTime, rules: Rulebook) -> bool:
    """Whether ``end`` was cut short by the parcel's delivery: it differs from the timer's end only then."""
    return _days.key(end) != _days.key(timer_end(order, shipped_at(order, "end"), rules))


def _protection_deadline(order: Order, end: pendulum.DateTime, rules: Rulebook) -> Deadline:
    """The ``protection_ends`` deadline, once ``end`` is known."""
    extended = f", extended by {order.extension_days} days" if order.extensions else ""
    cut = ""
    if order.delivered_at is not None and _cut_at_delivery(order, end, rules):
        left = rules.number("protection.period", "after_delivered")
        cut = f"; cut to {left} days after the parcel showed as delivered at {order.delivered_at.isoformat()}"
    return Deadline(
        name="protection_ends",
        at=end,
        description=f"buyer protection ends: {_timer_words(order, rules)}{extended}{cut}",
        rule_ids=stated(rules, *_protection_rules(order)),
        rulebook=rules.version,
        fingerprint=rules.fingerprint,
    )


def completion(order: Order, *, rules: Rulebook | None = None) -> Deadline:
    """When the order completes (convention C7) and escrow pays the seller (``escrow.release``).

    That is the earlier of the buyer confirming receipt and the protection timer running
    out (``protection.expiry_completes``). An open dispute keeps running after it.

    Raises:
        NotShippedError: the order has not shipped.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     received_at=pendulum.datetime(2025, 3, 28, 12, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> done = aliprotect.completion(order, rules=aliprotect.rulebook("2025.2"))
        >>> done.at.isoformat(), done.rule_ids
        ('2025-03-28T12:00:00+01:00', ('escrow.release',))
    """
    rules, order = given_or_latest(rules), _checks.instance(order, Order, "order")
    return _completion_deadline(order, end_of_protection(order, "protection end", rules), rules)


def _completion_deadline(order: Order, end: pendulum.DateTime, rules: Rulebook) -> Deadline:
    """The ``completed`` deadline, once the end of protection is known."""
    stated(rules, *_protection_rules(order))  # the answer rests on the protection rules too
    received = receipt_completes(order, end)
    if received is not None:
        return Deadline(
            name="completed",
            at=received,
            description="order completes: the buyer confirmed receipt and escrow pays the seller",
            rule_ids=stated(rules, "escrow.release"),
            rulebook=rules.version,
            fingerprint=rules.fingerprint,
        )
    return Deadline(
        name="completed",
        at=end,
        description="order completes: protection ran out and escrow pays the seller",
        rule_ids=stated(rules, "protection.expiry_completes", "escrow.release"),
        rulebook=rules.version,
        fingerprint=rules.fingerprint,
    )


def dispute_window(order: Order, *, rules: Rulebook | None = None) -> Window:
    """When a dispute can be opened: ``[open.earliest, open.latest)``.

    It opens at 00:00 of the Nth local day after shipping (``open.earliest``, day 6 in
    rulebook 2025.1, convention C4) and closes N days after the order completes
    (``open.latest``, 15 days, C2). At the closing instant it is shut (C3).

    Rulebooks of other eras can count differently, and then need more facts of the order:
    a window open at once when the seller's promised delivery time is short enough
    (``promised_days``); a last day counted from shipping, per carrier (``carrier``); a last
    chance counted from the end of the promised delivery time or receipt, whichever comes
    first (``promised_days``).

    Raises:
        NotShippedError: the order has not shipped.
        MissingFactError: the rulebook needs the order's carrier or promised delivery time,
            and the order does not have it.
    """
    rules = given_or_latest(rules)
    shipped = shipped_at(_checks.instance(order, Order, "order"), "dispute window")
    return _window(order, shipped, _Protection(order, rules), rules)


class _Protection:
    """The end of an order's protection under a rulebook, computed once, when first needed."""

    __slots__ = ("_completed", "_end", "order", "rules")

    def __init__(self, order: Order, rules: Rulebook) -> None:
        self.order, self.rules = order, rules
        self._end: pendulum.DateTime | None = None
        self._completed: Deadline | None = None

    def end(self) -> pendulum.DateTime:
        if self._end is None:
            self._end = end_of_protection(self.order, "protection end", self.rules)
        return self._end

    def completed(self) -> Deadline:
        """The order's completion (C7), from the end of protection."""
        if self._completed is None:
            self._completed = _completion_deadline(self.order, self.end(), self.rules)
        return self._completed


def _window(order: Order, shipped: pendulum.DateTime, protection: _Protection, rules: Rulebook) -> Window:
    """The dispute window; the end of protection is asked of ``protection`` only when it is needed."""
    opens = _opens(order, shipped, rules)
    if rules.has("open.latest", "until_day_after_shipping"):
        # "until day N": day N is still inside, so the window shuts as day N + 1 starts (C3, C4)
        last_day = days_of(rules, "open.latest", "until_day_after_shipping", Unit.DAY_NUMBER, order.carrier)
        closes = _days.start_of_day_number(shipped, last_day + 1, rules.calendar("open.latest"))
    else:
        unit = rules.quantity("open.latest", "after_completion").unit
        after = days_of(rules, "open.latest", "after_completion", unit)
        anchor = _latest_anchor(order, shipped, protection, rules)
        if unit is Unit.DAY_NUMBER:  # "until the Nth day after": day N is still inside (C8)
            closes = _days.start_of_day_number(anchor, after + 1, rules.calendar("open.latest"))
        else:  # "within N days after" (C2)
            closes = _days.add_days(anchor, after, rules.calendar("open.latest"))
    return Window(
        opens=opens,
        closes=max(opens, closes, key=_days.key),  # a custom rulebook could make it empty, never inverted
        rule_ids=("open.earliest", "open.latest"),
        rulebook=rules.version,
        fingerprint=rules.fingerprint,
    )


def _opens(order: Order, shipped: pendulum.DateTime, rules: Rulebook) -> pendulum.DateTime:
    if rules.has("open.earliest", "at_once_if_promised_at_most"):
        limit = days_of(rules, "open.earliest", "at_once_if_promised_at_most")
        if promised_days(order, rules, "open.earliest") <= limit:
            return shipped
    quantity = rules.quantity("open.earliest", "opens")
    days = days_of(rules, "open.earliest", "opens", quantity.unit, order.carrier)
    if quantity.unit is Unit.DAYS:
        return _days.add_days(shipped, days, rules.calendar("open.earliest"))
    return _days.start_of_day_number(shipped, days, rules.calendar("open.earliest"))


def _latest_anchor(
    order: Order, shipped: pendulum.DateTime, protection: _Protection, rules: Rulebook
) -> pendulum.DateTime:
    """What ``open.latest`` counts from: the completion, or the end of the promised delivery or receipt."""
    if rules.rule("open.latest").anchor == "promised_delivery_or_receipt":
        delivery_end = promised_end(order, shipped, rules, "open.latest")
        if order.received_at is not None and _days.key(order.received_at) < _days.key(delivery_end):
            return order.received_at
        return delivery_end
    return protection.completed().at


def opening_words(rules: Rulebook) -> str:
    """When ``open.earliest`` opens, in words: "day 6 after shipping" or "5 days after shipping"."""
    quantity = rules.quantity("open.earliest", "opens")
    if quantity.unit is Unit.DAYS:
        return f"{quantity.value} days after shipping"
    return f"day {quantity.value} after shipping"


def closing_words(order: Order, rules: Rulebook) -> str:
    """When ``open.latest`` closes, in words."""
    if rules.has("open.latest", "until_day_after_shipping"):
        day = rules.number("open.latest", "until_day_after_shipping", carrier=order.carrier)
        return f"at the end of day {day} after shipping"
    quantity = rules.quantity("open.latest", "after_completion")
    days = rules.number("open.latest", "after_completion", unit=quantity.unit)
    if rules.rule("open.latest").anchor == "promised_delivery_or_receipt":
        event = "the promised delivery time ended or receipt was confirmed"
    else:
        event = "the order completed"
    if quantity.unit is Unit.DAY_NUMBER:  # C8
        return f"at the end of day {days} after {event}"
    return f"when {event}" if days == 0 else f"{days} days after {event}"


def in_transit_until(
    order: Order, at: pendulum.DateTime, rules: Rulebook, rule_id: str, tracking: Tracking | None
) -> pendulum.DateTime | None:
    """When what ``rule_id`` allows stops waiting, if it waits at ``at``; else ``None``.

    It waits when the rule has ``in_transit_waits``, ``at`` is inside the seller's promised
    delivery time and the tracking shows the parcel on its way then: until the end of
    that time. Inside the promised time the answer needs ``tracking``.
    """
    if not rules.rule(rule_id).in_transit_waits:
        return None
    until = promised_end(order, shipped_at(order, "promised delivery time"), rules, rule_id)
    if not _days.key(at) < _days.key(until):
        return None
    if tracking is None:
        raise MissingFactError(
            f"tracking=None: under rulebook {rules.version}, {rule_id} waits while the parcel is in transit "
            f"inside the seller's promised delivery time, which ends at {until.isoformat()}; pass the "
            "order's tracking"
        )
    return until if tracking.on_its_way(at) else None


def promised_end(order: Order, shipped: pendulum.DateTime, rules: Rulebook, rule_id: str) -> pendulum.DateTime:
    """The end of the seller's promised delivery time: its days after shipping (C2)."""
    return _days.add_days(shipped, promised_days(order, rules, rule_id), rules.calendar(rule_id))


def promised_days(order: Order, rules: Rulebook, rule_id: str) -> int:
    """The order's promised delivery time, which ``rule_id`` of ``rules`` needs."""
    if order.promised_days is None:
        raise MissingFactError(
            f"order {order.id} has no promised_days; under rulebook {rules.version}, {rule_id} depends on "
            "the seller's promised delivery time: set promised_days"
        )
    return order.promised_days


def recommended_open_by(order: Order, *, rules: Rulebook | None = None) -> Deadline:
    """The last instant recommended for opening a dispute (``protection.settlement_buffer``).

    Processing and settlement take at least 10 days (rulebook 2025.1), so open the
    dispute while protection runs and at least that long before it ends. This is
    advice, not a hard limit: the hard limit is :func:`dispute_window`'s ``closes``.

    Raises:
        NotShippedError: the order has not shipped.
    """
    rules, order = given_or_latest(rules), _checks.instance(order, Order, "order")
    return recommended_deadline(order, end_of_protection(order, "protection end", rules), rules)


def recommended_deadline(order: Order, end: pendulum.DateTime, rules: Rulebook) -> Deadline:
    """The ``open_by_recommended`` deadline, once the end of protection is known."""
    buffer = days_of(rules, "protection.settlement_buffer", "before_protection_end")
    at = _days.add_days(end, -buffer, rules.calendar("protection.settlement_buffer"))
    description = f"open a dispute by now: settlement takes at least {buffer} days before protection ends"
    if rules.rule("protection.settlement_buffer").anchor == "end_known":
        # never before the instant the end became known, nor before a dispute can be opened
        shipped = shipped_at(order, "open-by")
        known = [(_opens(order, shipped, rules), "a dispute can first be opened")]
        known += [(e.granted_at, "the last extension was granted") for e in order.extensions]
        if order.delivered_at is not None and _cut_at_delivery(order, end, rules):
            known.append((order.delivered_at, "the parcel showed as delivered and protection was cut"))
        floor, why = max(known, key=lambda pair: _days.key(pair[0]))
        if _days.key(at) < _days.key(floor):
            at = floor
            description = (
                f"open a dispute by now: protection ends at {end.isoformat()}, less than the {buffer} days "
                f"settlement takes after {why} at {floor.isoformat()}"
            )
    return Deadline(
        name="open_by_recommended",
        at=at,
        description=description,
        rule_ids=("protection.settlement_buffer", *stated(rules, *_protection_rules(order))),
        rulebook=rules.version,
        fingerprint=rules.fingerprint,
    )


def timeline(order: Order, *, rules: Rulebook | None = None) -> Timeline:
    """The order's deadlines, in time order, each with its rules and the rulebook version.

    For a shipped order: when a dispute can first be opened (``open.earliest``), the
    recommended open-by (``protection.settlement_buffer``) and the end of protection
    (``protection.period``, ``protection.extension``) while the protection timer still
    governs the order, its completion (C7, ``escrow.release``) and the last instant to
    open a dispute (``open.latest``). Once the buyer has confirmed receipt before
    protection ended, the timer has stopped, so its end and the open-by advice are left
    out. An order that has not shipped has no deadlines yet (``cancel.before_shipment``:
    see :func:`can_cancel`).

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> for deadline in aliprotect.timeline(order, rules=aliprotect.rulebook("2025.2")).deadlines:
        ...     print(deadline.name, deadline.at.isoformat())
        dispute_opens 2025-03-09T00:00:00+01:00
        open_by_recommended 2025-04-22T18:00:00+02:00
        protection_ends 2025-05-02T18:00:00+02:00
        completed 2025-05-02T18:00:00+02:00
        dispute_closes 2025-05-17T18:00:00+02:00
    """
    rules, order = given_or_latest(rules), _checks.instance(order, Order, "order")
    if order.shipped_at is None:
        return Timeline(order_id=order.id, rulebook=rules.version, fingerprint=rules.fingerprint, deadlines=())
    protection = _Protection(order, rules)  # its end is computed once: every deadline below counts from it
    window = _window(order, order.shipped_at, protection, rules)
    end = protection.end()
    deadlines = [
        Deadline(
            name="dispute_opens",
            at=window.opens,
            description="a dispute can be opened from now"
            + (
                "; while the parcel is in transit inside the seller's promised delivery time, only once that "
                "time has passed"
                if rules.rule("open.earliest").in_transit_waits
                else ""
            ),
            rule_ids=stated(rules, "open.earliest"),
            rulebook=rules.version,
            fingerprint=rules.fingerprint,
        ),
        protection.completed(),
        Deadline(
            name="dispute_closes",
            at=window.closes,
            description="last chance: a dispute can no longer be opened from now on",
            rule_ids=stated(rules, "open.latest"),
            rulebook=rules.version,
            fingerprint=rules.fingerprint,
        ),
    ]
    if receipt_completes(order, end) is None:
        deadlines.append(_protection_deadline(order, end, rules))
        advised = recommended_deadline(order, end, rules)
        if _days.key(advised.at) < _days.key(window.closes):  # advice past the last chance is no advice
            deadlines.append(advised)
    deadlines.sort(key=lambda d: (_days.key(d.at), TIMELINE_NAMES.index(d.name)))
    return Timeline(
        order_id=order.id, rulebook=rules.version, fingerprint=rules.fingerprint, deadlines=tuple(deadlines)
    )


def timer_end(order: Order, shipped: pendulum.DateTime, rules: Rulebook) -> pendulum.DateTime:
    """When the protection timer runs out, before any cut at delivery: ``shipped_at`` plus
    ``protection_days`` plus every extension (C6)."""
    length = timer_days(order, rules)
    return _days.add_days(shipped, length + order.extension_days, rules.calendar("protection.period"))


def follows_promised(rules: Rulebook) -> bool:
    """Whether the rulebook's protection timer is the seller's promised delivery time
    (``protection.period`` with ``anchor = "promised_delivery"``) rather than the order's ``protection_days``."""
    return rules.rule("protection.period").anchor == "promised_delivery"


def timer_days(order: Order, rules: Rulebook) -> int:
    """The length of the order's protection timer in days: its ``protection_days``, or, under a
    rulebook whose timer follows the seller's promised delivery time, its ``promised_days``,
    at most ``protection.period``'s ``at_most``."""
    if not follows_promised(rules):
        return order.protection_days
    promised = promised_days(order, rules, "protection.period")
    if rules.has("protection.period", "at_most"):
        return min(promised, rules.number("protection.period", "at_most"))
    return promised


def _timer_words(order: Order, rules: Rulebook) -> str:
    """The timer in words: "60 days after shipping", and why when it is the promised delivery time."""
    length = timer_days(order, rules)
    if not follows_promised(rules):
        return f"{length} days after shipping"
    if length != order.promised_days:
        promised = order.promised_days
        return f"{length} days after shipping (the longest allowed for the promised delivery time of {promised} days)"
    return f"{length} days after shipping (the seller's promised delivery time)"
