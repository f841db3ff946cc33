"""Hypothesis strategies for aliprotect values, for this library's tests and yours.

This module needs Hypothesis (``pip install 'aliprotect[test]'``); the rest of the
library never imports it. By default every strategy generates every variant it can:
zones from UTC+14 to UTC-11 with and without DST, instants around month ends, year
ends and leap days, orders shipped or not, received or not, with extensions or not.

Example:
    >>> from hypothesis import given
    >>> from aliprotect.strategies import orders
    >>> import aliprotect
    >>> @given(orders(shipped=True))
    ... def test_protection_never_ends_before_shipping(order):
    ...     assert aliprotect.protection_end(order).at > order.shipped_at
    >>> test_protection_never_ends_before_shipping()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pendulum
from hypothesis import strategies as st

from aliprotect import _days, _transitions
from aliprotect._claims import Claim, ClaimKind, Resolution
from aliprotect._dispute import Dispute
from aliprotect._model import Extension, Money, Order
from aliprotect._registry import published
from aliprotect._rulebook import Rulebook
from aliprotect._timeline import dispute_window
from aliprotect._tracking import Location, Tracking, TrackingEvent
from aliprotect.errors import AliprotectError

__all__ = ["ZONES", "disputes", "instants", "money", "orders", "trackings", "zones"]

ZONES = (
    "UTC",
    "Pacific/Kiritimati",  # UTC+14, the earliest zone
    "Pacific/Pago_Pago",  # UTC-11
    "Pacific/Chatham",  # UTC+12:45, with DST
    "Asia/Kathmandu",  # UTC+5:45
    "Asia/Shanghai",  # where most sellers are
    "Europe/Paris",  # DST at 02:00
    "America/New_York",  # DST at 02:00
    "America/Santiago",  # DST at midnight: some local dates have no 00:00
    "Australia/Lord_Howe",  # a half-hour DST shift
    "America/Sao_Paulo",
)
"""Zone names the strategies draw from: far east and far west, odd offsets, DST at
02:00, DST at midnight and a half-hour DST."""

_EARLIEST = dt.datetime(2016, 1, 1)
_LATEST = dt.datetime(2034, 12, 31)


def zones() -> st.SearchStrategy[pendulum.Timezone | pendulum.FixedTimezone]:
    """A zone: a named zone from :data:`ZONES`, or a fixed offset from UTC-11 to UTC+14."""
    named = st.sampled_from(ZONES).map(pendulum.timezone)
    fixed = st.integers(min_value=-11 * 4, max_value=14 * 4).map(
        lambda quarters: pendulum.FixedTimezone(quarters * 900)
    )
    return st.one_of(named, fixed)


def instants(
    *, min_value: dt.datetime = _EARLIEST, max_value: dt.datetime = _LATEST
) -> st.SearchStrategy[pendulum.DateTime]:
    """An aware pendulum ``DateTime`` between two naive bounds, in a zone from :func:`zones`.

    Wall-clock times that a DST change skips are not drawn: they cannot be a real event.
    """
    return st.datetimes(min_value=min_value, max_value=max_value, timezones=zones(), allow_imaginary=False).map(
        lambda value: _days.aware(value, "instant")
    )


@st.composite
def orders(
    draw: st.DrawFn,
    *,
    shipped: bool | None = None,
    received: bool | None = None,
    extended: bool | None = None,
    paid: bool | None = None,
    delivered: bool | None = None,
) -> Order:
    """A valid :class:`~aliprotect.Order`.

    Args:
        shipped: ``True`` or ``False`` to fix whether it has shipped; ``None`` for either.
        received: the same for a confirmed receipt (only drawn for a shipped order).
        extended: the same for extensions of protection (only for a shipped order).
        paid: the same for a known order amount (:func:`money`).
        delivered: the same for the instant the tracking showed it delivered (only for a
            shipped order).
    """
    placed = draw(instants())
    protection_days = draw(st.integers(min_value=1, max_value=120))
    amount = draw(money()) if (draw(st.booleans()) if paid is None else paid) else None
    is_shipped = draw(st.booleans()) if shipped is None else shipped
    if not is_shipped:
        return Order(id=draw(_order_ids), placed_at=placed, protection_days=protection_days, amount=amount)

    ship_zone = draw(zones())
    shipped_at = placed.add(seconds=draw(st.integers(min_value=0, max_value=20 * 86_400))).in_timezone(ship_zone)
    end = _days.add_days(shipped_at, protection_days)
    extensions: list[Extension] = []
    if draw(st.booleans()) if extended is None else extended:
        granted = shipped_at
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            # each one granted after the previous one, while protection still runs
            span = int((end - granted).total_seconds())
            granted = granted.add(seconds=draw(st.integers(min_value=0, max_value=max(span - 1, 0))))
            extension = Extension(granted_at=granted, days=draw(st.integers(min_value=1, max_value=60)))
            extensions.append(extension)
            end = _days.add_days(shipped_at, protection_days + sum(e.days for e in extensions))
    received_at = None
    if draw(st.booleans()) if received is None else received:
        latest_grant = max((e.granted_at for e in extensions), default=shipped_at, key=_days.key)
        after = draw(st.integers(min_value=1, max_value=150 * 86_400))
        received_at = latest_grant.add(seconds=after).in_timezone(draw(zones()))
    delivered_at = None
    if draw(st.booleans()) if delivered is None else delivered:
        after = draw(st.integers(min_value=0, max_value=90 * 86_400))
        delivered_at = shipped_at.add(seconds=after).in_timezone(draw(zones()))
    return Order(
        id=draw(_order_ids),
        placed_at=placed,
        shipped_at=shipped_at,
        protection_days=protection_days,
        extensions=tuple(draw(st.permutations(extensions))),
        received_at=received_at,
        amount=amount,
        delivered_at=delivered_at,
    )


def money(*, currencies: tuple[str, ...] = ("USD", "EUR", "CNY", "BRL")) -> st.SearchStrategy[Money]:
    """An amount from 0.01 to 2,000.00 in one of ``currencies``."""
    amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2000"), places=2)
    return st.builds(Money, amounts, st.sampled_from(currencies))


_order_ids = st.from_regex(r"80[0-9]{14}", fullmatch=True)


@st.composite
def trackings(draw: st.DrawFn, shipped_at: pendulum.DateTime, *, max_events: int = 4) -> Tracking:
    """A :class:`~aliprotect.Tracking` for an order shipped at ``shipped_at``: the number given
    at or after shipping, then up to ``max_events`` events in time order, anywhere."""
    provided_at = shipped_at.add(seconds=draw(st.integers(min_value=0, max_value=3 * 86_400)))
    at, events = provided_at, []
    for _ in range(draw(st.integers(min_value=0, max_value=max_events))):
        at = at.add(seconds=draw(st.integers(min_value=0, max_value=15 * 86_400))).in_timezone(draw(zones()))
        events.append(TrackingEvent(at=at, where=draw(st.sampled_from(Location)), text=draw(st.text(max_size=20))))
    return Tracking(
        number=draw(st.from_regex(r"[A-Z]{2}[0-9]{9,14}[A-Z]{0,2}", fullmatch=True)),
        provided_at=provided_at,
        events=events,
    )


_TRANSITIONS: tuple[tuple[Callable[..., Dispute], dict[str, st.SearchStrategy[Any]]], ...] = (
    (_transitions.seller_accepts, {}),
    (_transitions.seller_rejects, {"rude": st.booleans()}),
    (_transitions.buyer_accepts_offer, {}),
    (_transitions.buyer_cancels, {}),
    (_transitions.buyer_escalates, {}),
    (_transitions.moderator_decides, {"buyer_wins": st.booleans()}),
    (_transitions.platform_refunds, {}),
    (_transitions.buyer_ships_return, {"tracking_number": st.just("RR123456789CN")}),
)


_OUTLASTS = 60
"""A protection timer (days) that outlasts the opening of a dispute under every published rulebook."""


@st.composite
def disputes(draw: st.DrawFn, *, rules: Rulebook | None = None, max_events: int = 4) -> Dispute:
    """A valid :class:`~aliprotect.Dispute`: opened inside its order's window with a claim its
    kind allows, then moved on by up to ``max_events`` transitions at increasing instants
    (a transition the rules refuse at that instant is left out)."""
    order = draw(orders(shipped=True, paid=draw(st.booleans())))
    window = dispute_window(order, rules=rules)
    if _days.key(window.closes) <= _days.key(window.opens):
        # a rulebook that closes disputes at completion leaves no window to a short timer or an
        # early receipt: the same order, not yet received, with a timer that outlasts the opening
        order = attrs.evolve(order, received_at=None, protection_days=max(order.protection_days, _OUTLASTS))
        window = dispute_window(order, rules=rules)
    span = int((window.closes - window.opens).total_seconds())
    opened = window.opens.add(seconds=draw(st.integers(min_value=0, max_value=max(span - 1, 0))))
    kind = draw(st.sampled_from(ClaimKind))
    book = rules or published(window.rulebook)
    resolution = draw(st.sampled_from(book.rule(kind.rule_id).resolutions))
    amount = None
    if resolution is Resolution.PARTIAL_REFUND:
        amount = Money("0.01", order.amount.currency) if order.amount else draw(money())
    try:
        dispute = _transitions.open_dispute(
            order, Claim(kind=kind, resolution=resolution, amount=amount), at=opened, rules=rules
        )
    except AliprotectError:  # a "not received" claim after receipt: open another kind
        dispute = _transitions.open_dispute(order, Claim(kind=ClaimKind.DAMAGED), at=opened, rules=rules)
    at = opened
    for _ in range(draw(st.integers(min_value=0, max_value=max_events))):
        at = at.add(seconds=draw(st.integers(min_value=0, max_value=6 * 86_400)))
        transition, arguments = draw(st.sampled_from(_TRANSITIONS))
        drawn = {name: draw(strategy) for name, strategy in arguments.items()}
        try:
            dispute = transition(dispute, at=at, rules=book, **drawn)
        except AliprotectError:
            continue
    return dispute
