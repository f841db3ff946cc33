"""What a dispute claims: the kind of problem, what the buyer asks for, the evidence attached."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from aliprotect import _checks, _formatting
from aliprotect._model import Money, optional_money
from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError


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
    return _checks.member(value, ClaimKind, "kind")


def _resolution(value: Resolution) -> Resolution:
    return _checks.member(value, Resolution, "resolution")


def _evidence(value: Iterable[Evidence]) -> tuple[Evidence, ...]:
    return _checks.items(value, Evidence, "evidence", "(Evidence.PHOTOS,)")


def _circumstance(value: Circumstance | None) -> Circumstance | None:
    return _checks.optional(value, Circumstance, "circumstance", "Circumstance.UNCLAIMED_AT_POST_OFFICE")


@attrs.frozen(kw_only=True)
class Claim(_formatting.ShowsAsHtml):
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
    amount: Money | None = attrs.field(default=None, converter=optional_money)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=_evidence)
    circumstance: Circumstance | None = attrs.field(default=None, converter=_circumstance)

    def __attrs_post_init__(self) -> None:
        if self.resolution is Resolution.PARTIAL_REFUND:
            if self.amount is None or self.amount.amount <= 0:
                raise InvalidValueError(
                    f"amount={shown(self.amount)}: a partial refund needs the amount asked, greater than 0, "
                    "e.g. amount=Money('4.00', 'USD')"
                )
        elif self.amount is not None:
            raise InvalidValueError(
                f"amount={shown(self.amount)} goes only with Resolution.PARTIAL_REFUND; "
                f"a {self.resolution.value} asks for what is left of the order amount"
            )
