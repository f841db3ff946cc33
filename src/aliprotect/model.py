"""Orders and what they carry: immutable values, validated when they are made.

A value that exists is valid: an :class:`Order` whose shipping instant is before its
placing instant cannot be built. To change one, make a new one (``attrs.evolve`` or a
function such as :func:`aliprotect.grant_extension`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import re
from collections.abc import Iterable
from decimal import Decimal

import attrs
import pendulum

from aliprotect import _days
from aliprotect.errors import InvalidValueError, TimeOrderError

__all__ = ["Circumstance", "Claim", "ClaimKind", "Evidence", "Extension", "Money", "Order", "Resolution"]

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


def _whole_days(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidValueError(f"{field}={value!r} must be a whole number of days greater than 0 (an int, like 60)")
    return value


def _to_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidValueError(
            f"amount={value!r} must be a Decimal, an int or a decimal string like '12.50'; "
            "a float is refused because it cannot hold cents exactly"
        )
    try:
        amount = Decimal(value)
    except decimal.InvalidOperation:
        raise InvalidValueError(f"amount={value!r} is not a decimal number; write it like '12.50'") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidValueError(f"amount={value!r} must be a finite amount of 0 or more")
    return amount


@attrs.frozen
class Money:
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
    currency: str = attrs.field()

    @currency.validator
    def _check_currency(self, _: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
            raise InvalidValueError(f"currency={value!r} must be an ISO 4217 code of three capital letters, like 'USD'")


@attrs.frozen(kw_only=True)
class Extension:
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
    if isinstance(value, Extension) or not isinstance(value, Iterable) or isinstance(value, str):
        raise InvalidValueError(f"extensions={value!r} must be a sequence of Extension values, e.g. (Extension(...),)")
    items = tuple(value)
    for item in items:
        if not isinstance(item, Extension):
            raise InvalidValueError(f"extensions holds {item!r}; every item must be an Extension")
    return items


def _amount(value: Money | None) -> Money | None:
    if value is not None and not isinstance(value, Money):
        raise InvalidValueError(f"amount={value!r} must be a Money value, e.g. Money('12.50', 'USD'), or None")
    return value


def _carrier(value: str | None) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidValueError(f"carrier={value!r} must be the carrier's name, like 'EMS', or None")
    return value


def _promised_days(value: int | None) -> int | None:
    return None if value is None else _whole_days("promised_days", value)


def _order_id(value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"id={value!r} must be a non-empty string, like the order number '8012345678901234'")
    return value


@attrs.frozen(kw_only=True)
class Order:
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
    amount: Money | None = attrs.field(default=None, converter=_amount)
    carrier: str | None = attrs.field(default=None, converter=_carrier)
    promised_days: int | None = attrs.field(default=None, converter=_promised_days)
    delivered_at: pendulum.DateTime | None = attrs.field(default=None, converter=_delivered_at)

    def __attrs_post_init__(self) -> None:
        shipped = self.shipped_at
        if shipped is not None and _days.utc(shipped) < _days.utc(self.placed_at):
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
            if _days.utc(instant) < _days.utc(shipped):
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
        for extension in sorted(self.extensions, key=lambda e: _days.utc(e.granted_at)):
            end = _days.add_days(self.shipped_at, total)  # protection end so far (C6)
            granted = extension.granted_at
            if _days.utc(granted) < _days.utc(self.shipped_at):
                raise TimeOrderError(
                    f"extension granted_at {granted.isoformat()} is before shipped_at "
                    f"{self.shipped_at.isoformat()}; protection starts when the seller ships (C6)"
                )
            stop = end if self.received_at is None else min(end, self.received_at, key=_days.utc)
            if _days.utc(granted) >= _days.utc(stop):
                raise TimeOrderError(
                    f"extension granted_at {granted.isoformat()} is not before protection ended at "
                    f"{stop.isoformat()}; an extension can only be granted while protection "
                    "is active (protection.extension)"
                )
            total += extension.days

    @property
    def protection_ends_at(self) -> pendulum.DateTime | None:
        """When the buyer-protection timer runs out: ``shipped_at`` plus ``protection_days``
        plus every extension (C6), or ``None`` before shipping. It does not stop at
        receipt: see :func:`aliprotect.completion` for when the order completes (C7)."""
        if self.shipped_at is None:
            return None
        return _days.add_days(self.shipped_at, self.protection_days + self.extension_days)

    @property
    def shipped(self) -> bool:
        """Whether the seller has shipped (``shipped_at`` is set)."""
        return self.shipped_at is not None

    @property
    def extension_days(self) -> int:
        """The days of all extensions added up."""
        return sum(extension.days for extension in self.extensions)

    def _repr_html_(self) -> str:
        from aliprotect.display import order_html  # the display shell, loaded only in a notebook

        return order_html(self)


class ClaimKind(enum.Enum):
    """What a dispute claims: one kind per ``claim.*`` rule of the rulebook.

    Example:
        >>> from aliprotect import ClaimKind
        >>> ClaimKind.NOT_RECEIVED.rule_id
        'claim.not_received'
    """

    NOT_RECEIVED = "not_received"
    LATE = "late"
    NOT_AS_DESCRIBED = "not_as_described"
    WRONG_ITEM = "wrong_item"
    DAMAGED = "damaged"
    MISSING_ITEMS = "missing_items"
    COUNTERFEIT = "counterfeit"

    @property
    def rule_id(self) -> str:
        """The id of the rule that describes this kind of claim."""
        return f"claim.{self.value}"


class Resolution(enum.Enum):
    """What a claim asks for. Which kinds of claim may ask for which is rulebook data.

    Example:
        >>> from aliprotect import Resolution
        >>> Resolution.REFUND_WITH_RETURN.value
        'refund_with_return'
    """

    FULL_REFUND = "full_refund"
    """All the money back, nothing to send back."""
    PARTIAL_REFUND = "partial_refund"
    """Part of the money back: the claim states the amount."""
    REFUND_WITH_RETURN = "refund_with_return"
    """All the money back once the item is sent back with a tracking number (``return.window``)."""


class Evidence(enum.Enum):
    """Evidence attached to a claim. Which evidence each kind of claim should carry is rulebook data."""

    TRACKING_SCREENSHOT = "tracking_screenshot"
    """A screenshot of the tracking page, for the seller's own tracking number."""
    SELLER_MESSAGES = "seller_messages"
    """The messages exchanged with the seller."""
    STATEMENT = "statement"
    """The order date, the shipping deadline, the filing date and what the buyer expects."""
    PHOTOS = "photos"
    """Photos of the item: damage, wrong item, quality, missing parts."""
    CARRIER_STATEMENT = "carrier_statement"
    """A written answer from the post office or the carrier that the parcel was not delivered."""


class Circumstance(enum.Enum):
    """A circumstance that buyer protection does not cover (rule ``claim.not_covered``)."""

    WRONG_ADDRESS_GIVEN_BY_BUYER = "wrong_address_given_by_buyer"
    """The buyer gave a wrong address and the parcel was delivered there."""
    UNCLAIMED_AT_POST_OFFICE = "unclaimed_at_post_office"
    """The parcel waited at the post office, was not picked up in time and was sent back."""


def _claim_kind(value: ClaimKind) -> ClaimKind:
    if not isinstance(value, ClaimKind):
        kinds = ", ".join(f"ClaimKind.{kind.name}" for kind in ClaimKind)
        raise InvalidValueError(f"kind={value!r} must be a ClaimKind: one of {kinds}")
    return value


def _resolution(value: Resolution) -> Resolution:
    if not isinstance(value, Resolution):
        kinds = ", ".join(f"Resolution.{kind.name}" for kind in Resolution)
        raise InvalidValueError(f"resolution={value!r} must be a Resolution: one of {kinds}")
    return value


def _evidence(value: Iterable[Evidence]) -> tuple[Evidence, ...]:
    if isinstance(value, Evidence | str) or not isinstance(value, Iterable):
        raise InvalidValueError(f"evidence={value!r} must be a sequence of Evidence values, e.g. (Evidence.PHOTOS,)")
    items = tuple(value)
    for item in items:
        if not isinstance(item, Evidence):
            raise InvalidValueError(f"evidence holds {item!r}; every item must be an Evidence value")
    return items


def _circumstance(value: Circumstance | None) -> Circumstance | None:
    if value is not None and not isinstance(value, Circumstance):
        raise InvalidValueError(f"circumstance={value!r} must be a Circumstance or None")
    return value


@attrs.frozen(kw_only=True)
class Claim:
    """What a dispute claims, what it asks for and the evidence attached.

    Attributes:
        kind: the problem, one :class:`ClaimKind` per ``claim.*`` rule.
        resolution: what the buyer asks for. The rulebook says which resolutions each
            kind can have; :func:`aliprotect.open_dispute` refuses the others.
        amount: the amount asked for a partial refund; only with
            ``Resolution.PARTIAL_REFUND``, and then required.
        evidence: the evidence attached, in any order.
        circumstance: a circumstance protection does not cover (``claim.not_covered``),
            when there is one; :func:`aliprotect.open_dispute` refuses such a claim.

    Raises:
        InvalidValueError: a field of the wrong kind, a partial refund without an amount
            greater than 0, or an amount with another resolution.

    Example:
        >>> from aliprotect import Claim, ClaimKind, Evidence, Money, Resolution
        >>> claim = Claim(
        ...     kind=ClaimKind.DAMAGED,
        ...     resolution=Resolution.PARTIAL_REFUND,
        ...     amount=Money("4.00", "USD"),
        ...     evidence=[Evidence.PHOTOS],
        ... )
        >>> claim.amount
        Money(amount=Decimal('4.00'), currency='USD')
    """

    kind: ClaimKind = attrs.field(converter=_claim_kind)
    resolution: Resolution = attrs.field(default=Resolution.FULL_REFUND, converter=_resolution)
    amount: Money | None = attrs.field(default=None, converter=_amount)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=_evidence)
    circumstance: Circumstance | None = attrs.field(default=None, converter=_circumstance)

    def __attrs_post_init__(self) -> None:
        if self.resolution is Resolution.PARTIAL_REFUND:
            if self.amount is None or self.amount.amount <= 0:
                raise InvalidValueError(
                    f"amount={self.amount!r}: a partial refund needs the amount asked, greater than 0, "
                    "e.g. amount=Money('4.00', 'USD')"
                )
        elif self.amount is not None:
            raise InvalidValueError(
                f"amount={self.amount!r} goes only with Resolution.PARTIAL_REFUND; "
                f"a {self.resolution.value} asks for what is left of the order amount"
            )
