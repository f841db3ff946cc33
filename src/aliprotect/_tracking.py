"""Tracking as values: the seller's tracking number and what the carrier showed, when and where."""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Iterable

import attrs
import pendulum

from aliprotect import _checks, _days, _formatting
from aliprotect._model import Order
from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError, TimeOrderError


class Location(enum.Enum):
    """Where a tracking event puts the parcel (the places rule ``tracking.stalled`` tells apart)."""

    ORIGIN_COUNTRY = "origin_country"
    """Still in the seller's country (for most orders, China)."""
    IN_TRANSIT = "in_transit"
    """Between countries."""
    DESTINATION_CUSTOMS = "destination_customs"
    """At the customs of the buyer's country."""
    LOCAL_POST_OFFICE = "local_post_office"
    """At the buyer's post office, waiting to be picked up."""
    DELIVERED = "delivered"
    """Delivered."""
    RETURNED_TO_SENDER = "returned_to_sender"
    """On its way back, or back, to the seller."""
    NO_INFORMATION = "no_information"
    """The tracking shows no information."""


def _provided_at(value: dt.datetime) -> pendulum.DateTime:
    return _days.aware(value, "provided_at")


def _location(value: Location) -> Location:
    return _checks.member(value, Location, "where")


def _text(value: str) -> str:
    if not isinstance(value, str):
        raise InvalidValueError(f"text={shown(value)} must be a string (the carrier's words, or '')")
    return value


@attrs.frozen(kw_only=True)
class TrackingEvent(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """One line of the tracking: when, where, and the carrier's words.

    Example:
        >>> import pendulum
        >>> from aliprotect import Location, TrackingEvent
        >>> TrackingEvent(
        ...     at=pendulum.datetime(2025, 3, 10, 8, tz="Asia/Shanghai"),
        ...     where=Location.ORIGIN_COUNTRY,
        ...     text="Departed from sorting centre",
        ... ).where.value
        'origin_country'
    """

    at: pendulum.DateTime = attrs.field(converter=_days.aware_at)
    where: Location = attrs.field(converter=_location)
    text: str = attrs.field(default="", converter=_text)


def _number(value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"number={shown(value)} must be the seller's tracking number, e.g. 'LP00417245813281'")
    return value


def _events(value: Iterable[TrackingEvent]) -> tuple[TrackingEvent, ...]:
    items = _checks.items(value, TrackingEvent, "events", "(TrackingEvent(...),)")
    for before, after in itertools.pairwise(items):
        if _days.key(after.at) < _days.key(before.at):
            raise TimeOrderError(
                f"tracking event at {after.at.isoformat()} ({after.where.value}) comes after one at "
                f"{before.at.isoformat()}; give the events in time order"
            )
    return items


@attrs.frozen(kw_only=True)
class Tracking(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """The seller's tracking number, when it was provided, and the tracking events, in time order.

    The tracking number must be the seller's own: a dispute is judged on it (seed 001
    comment 16 reply).

    Raises:
        InvalidValueError: an empty number, or events that are not TrackingEvent values.
        TimeOrderError: events out of time order. (Against the order, the functions that take
            ``tracking=`` also refuse a number provided before shipping and events before the
            order was placed.)
    """

    number: str = attrs.field(converter=_number)
    provided_at: pendulum.DateTime = attrs.field(converter=_provided_at)
    events: tuple[TrackingEvent, ...] = attrs.field(default=(), converter=_events)

    def known_at(self, at: pendulum.DateTime) -> tuple[TrackingEvent, ...]:
        """The events that had happened by ``at``."""
        now = _days.key(_days.aware(at, "at"))
        return tuple(event for event in self.events if _days.key(event.at) <= now)

    def on_its_way(self, at: pendulum.DateTime) -> bool:
        """Whether, at ``at``, the latest event known shows the parcel on its way with normal
        tracking: in the seller's country, between countries or at the destination's customs.

        Delivered, waiting at the local post office, returned, "no information" or no event
        at all is not on its way. This is aliprotect's reading of "in transit with normal
        tracking" in the rules that wait for it (``in_transit_waits``)."""
        events = self.known_at(at)
        return bool(events) and events[-1].where in _ON_ITS_WAY


_ON_ITS_WAY = frozenset({Location.ORIGIN_COUNTRY, Location.IN_TRANSIT, Location.DESTINATION_CUSTOMS})


def for_order(tracking: Tracking | None, order: Order) -> Tracking | None:
    """``tracking`` checked against ``order``: a Tracking, given at or after shipping, with no
    event before the order was placed; ``None`` stays ``None``."""
    if tracking is None:
        return None
    tracking = _checks.instance(tracking, Tracking, "tracking")
    if order.shipped_at is None or _days.key(tracking.provided_at) < _days.key(order.shipped_at):
        shipped = "has not shipped" if order.shipped_at is None else f"shipped at {order.shipped_at.isoformat()}"
        raise TimeOrderError(
            f"tracking number {tracking.number} was provided at {tracking.provided_at.isoformat()}, but order "
            f"{order.id} {shipped}; the seller gives the number when shipping"
        )
    for event in tracking.events:
        if _days.key(event.at) < _days.key(order.placed_at):
            raise TimeOrderError(
                f"tracking event at {event.at.isoformat()} ({event.where.value}) is before order {order.id} "
                f"was placed ({order.placed_at.isoformat()})"
            )
    return tracking
