"""Orders and what they carry: money, extensions of protection, the order itself.

A value that exists is valid: an :class:`Order` whose shipping instant is before its
placing instant cannot be built. To change one, make a new one (``attrs.evolve`` or a
function such as :func:`aliprotect.grant_extension`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterable
from decimal import Decimal

import attrs
import pendulum

from aliprotect import _checks, _days, _formatting
from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError, TimeOrderError

_CURRENCY = re.compile(r"[A-Z]{3}")


# One named converter per field, so that errors name the field and type checkers see
# what each argument of the constructor accepts.


def _placed_at(value: dt.datetime) -> pendulum.DateTime:
    return _days.aware(value, "placed_at")


def _shipped_at(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else _days.aware(value, "shipped_at")


def _received_at(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else _days.aware(value, "received_at")


def _delivered_at(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else _days.aware(value, "delivered_at")


def _granted_at(value: dt.datetime) -> pendulum.DateTime:
    return _days.aware(value, "granted_at")


def _protection_days(value: int) -> int:
    return _whole_days("protection_days", value)


def _extension_days(value: int) -> int:
    return _whole_days("days", value)


_MOST_DAYS = 2**63 - 1
"""The largest number of days a value holds: what a table's 64-bit integer column holds, so that a
table and a value take the same numbers (far more than any rulebook allows: those are refused
when a timeline is asked for, naming the rule's limit)."""


def _whole_days(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidValueError(
            f"{field}={shown(value)} must be a whole number of days greater than 0 (an int, like 60)"
        )
    if value > _MOST_DAYS:
        raise InvalidValueError(
            f"{field}={shown(value)} is more than {_MOST_DAYS:,} days, the most a table's 64-bit integer "
            "column holds; give the number of days"
        )
    return value


def _to_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidValueError(
            f"amount={shown(value)} must be a Decimal, an int or a decimal string like '12.50'; "
            "a float is refused because it cannot hold cents exactly"
        )
    try:
        amount = Decimal(value)
    except decimal.InvalidOperation:
        raise InvalidValueError(f"amount={shown(value)} is not a decimal number; write it like '12.50'") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidValueError(f"amount={shown(value)} must be a finite amount of 0 or more")
    return amount


def _currency(value: str) -> str:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise InvalidValueError(
            f"currency={shown(value)} must be an ISO 4217 code of three capital letters, like 'USD'"
        )
    return value


@attrs.frozen
class Money(_formatting.ShowsAsHtml):
    """An amount of money in one currency.

    Attributes:
        amount: a ``Decimal``, an ``int`` or a decimal string, 0 or more. A ``float`` is
            refused: it cannot hold cents exactly.
        currency: an ISO 4217 code, three capital letters such as ``"USD"``.

    Example:
        >>> from aliprotect import Money
        >>> Money("12.50", "USD")
        Money(amount=Decimal('12.50'), currency='USD')
    """

    amount: Decimal = attrs.field(converter=_to_decimal)
    currency: str = attrs.field(converter=_currency)


@attrs.frozen(kw_only=True)
class Extension(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """Days of buyer protection the seller granted at an instant (rule ``protection.extension``).

    Example:
        >>> import pendulum
        >>> from aliprotect import Extension
        >>> Extension(granted_at=pendulum.datetime(2025, 4, 20, tz="Europe/Paris"), days=15).days
        15
    """

    granted_at: pendulum.DateTime = attrs.field(converter=_granted_at)
    days: int = attrs.field(converter=_extension_days)


def _extensions(value: Iterable[Extension]) -> tuple[Extension, ...]:
    return _checks.items(value, Extension, "extensions", "(Extension(...),)")


def optional_money(value: Money | None) -> Money | None:
    """``value`` when it is a :class:`Money` or ``None``; otherwise an error that names ``amount``."""
    return _checks.optional(value, Money, "amount", "Money('12.50', 'USD')")


def _carrier(value: str | None) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidValueError(f"carrier={shown(value)} must be the carrier's name, like 'EMS', or None")
    return value


def _promised_days(value: int | None) -> int | None:
    return None if value is None else _whole_days("promised_days", value)


def _order_id(value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(
            f"id={shown(value)} must be a non-empty string, like the order number '8012345678901234'"
        )
    return value


@attrs.frozen(kw_only=True)
class Order(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """An AliExpress order as the buyer sees it.

    Attributes:
        id: the order number.
        placed_at: when the order was placed.
        shipped_at: when the seller shipped it, or ``None`` while it has not shipped.
            The buyer-protection timer starts here (convention C6).
        protection_days: the length of the buyer-protection timer, from the product's
            delivery guarantee (rule ``protection.period``; the rulebook's default is 60).
        extensions: the extensions of protection the seller granted (``protection.extension``),
            in any order. Each must be granted while protection was still running.
        received_at: when the buyer confirmed receipt, or ``None``.
        amount: what the buyer paid, or ``None`` when unknown.
        carrier: the carrier (``"EMS"``, ``"China Post"``) or carrier group, when known;
            needed only under rulebooks whose numbers depend on it.
        promised_days: the seller's promised delivery time in days, when known; needed only
            under rulebooks that use it.
        delivered_at: when the carrier's tracking showed the parcel delivered, or ``None``
            while it has not (not the buyer's confirmation, ``received_at``); used only
            under rulebooks that shorten protection once the parcel shows as delivered.

    Every instant must be timezone-aware (C1); events must be in time order.

    Raises:
        InvalidValueError: a field has a value of the wrong kind or out of range.
        NaiveDatetimeError: an instant has no timezone.
        TimeOrderError: events out of time order, or an extension granted after
            protection ended.

    Example:
        >>> import pendulum
        >>> from aliprotect import Order
        >>> order = Order(
        ...     id="8012345678901234",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Asia/Shanghai"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai"),
        ...     protection_days=60,
        ... )
        >>> order.shipped
        True
    """

    id: str = attrs.field(converter=_order_id)
    placed_at: pendulum.DateTime = attrs.field(converter=_placed_at)
    shipped_at: pendulum.DateTime | None = attrs.field(default=None, converter=_shipped_at)
    protection_days: int = attrs.field(converter=_protection_days)
    extensions: tuple[Extension, ...] = attrs.field(default=(), converter=_extensions)
    received_at: pendulum.DateTime | None = attrs.field(default=None, converter=_received_at)
    amount: Money | None = attrs.field(default=None, converter=optional_money)
    carrier: str | None = attrs.field(default=None, converter=_carrier)
    promised_days: int | None = attrs.field(default=None, converter=_promised_days)
    delivered_at: pendulum.DateTime | None = attrs.field(default=None, converter=_delivered_at)

    def __attrs_post_init__(self) -> None:
        shipped = self.shipped_at
        if shipped is not None and _days.key(shipped) < _days.key(self.placed_at):
            raise TimeOrderError(
                f"shipped_at {shipped.isoformat()} is before placed_at {self.placed_at.isoformat()}; "
                "an order ships after it is placed"
            )
        for name, instant in (("received_at", self.received_at), ("delivered_at", self.delivered_at)):
            if instant is None:
                continue
            if shipped is None:
                raise TimeOrderError(
                    f"{name} {instant.isoformat()} is set but shipped_at is None; "
                    "set shipped_at to when the seller shipped"
                )
            if _days.key(instant) < _days.key(shipped):
                raise TimeOrderError(
                    f"{name} {instant.isoformat()} is before shipped_at {shipped.isoformat()}; "
                    f"{'receipt' if name == 'received_at' else 'delivery'} comes after shipping"
                )
        if self.extensions:
            self._check_extensions()

    def _check_extensions(self) -> None:
        """Each extension must be granted while protection was running (``protection.extension``)."""
        if self.shipped_at is None:
            raise TimeOrderError(
                "extensions are set but shipped_at is None; protection starts when the seller "
                "ships (C6), so set shipped_at first"
            )
        total = self.protection_days
        for extension in sorted(self.extensions, key=lambda e: _days.key(e.granted_at)):
            end = _days.add_days(self.shipped_at, total)  # protection end so far (C6)
            granted = extension.granted_at
            if _days.key(granted) < _days.key(self.shipped_at):
                raise TimeOrderError(
                    f"extension granted_at {granted.isoformat()} is before shipped_at "
                    f"{self.shipped_at.isoformat()}; protection starts when the seller ships (C6)"
                )
            stop = end if self.received_at is None else min(end, self.received_at, key=_days.key)
            if _days.key(granted) >= _days.key(stop):
                raise TimeOrderError(
                    f"extension granted_at {granted.isoformat()} is not before protection ended at "
                    f"{stop.isoformat()}; an extension can only be granted while protection "
                    "is active (protection.extension)"
                )
            total += extension.days

    @property
    def shipped(self) -> bool:
        """Whether the seller has shipped (``shipped_at`` is set)."""
        return self.shipped_at is not None

    @property
    def extension_days(self) -> int:
        """The days of all extensions added up."""
        return sum(extension.days for extension in self.extensions)
