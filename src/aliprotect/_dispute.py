"""Disputes as values: what happened (events), the dispute itself, and its status at an instant.

A :class:`Dispute` holds the order, the claim, when it was opened, the rulebook it was
opened under and the events since, in time order. Nothing else is stored: what the
dispute *is* at an instant is a :class:`DisputeStatus`, derived by
:func:`aliprotect.dispute_status` from those events, the instant and the rulebook.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import overload

import attrs
import pendulum

from aliprotect import _checks, _days, _formatting
from aliprotect._answers import DISPUTE_NAMES, Deadline, Ranked
from aliprotect._claims import Claim
from aliprotect._model import Money, Order, optional_money
from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError, TimeOrderError


class DisputeEventKind(enum.Enum):
    """What happened in a dispute: one kind per transition, named as the transition (actor + verb)."""

    SELLER_ACCEPTS = "seller_accepts"
    SELLER_REJECTS = "seller_rejects"
    SELLER_OFFERS = "seller_offers"
    BUYER_ACCEPTS_OFFER = "buyer_accepts_offer"
    BUYER_CANCELS = "buyer_cancels"
    BUYER_ESCALATES = "buyer_escalates"
    BUYER_SHIPS_RETURN = "buyer_ships_return"
    MODERATOR_DECIDES = "moderator_decides"
    PLATFORM_REFUNDS = "platform_refunds"

    @property
    def rule_id(self) -> str:
        """The rule that says what this event does to a dispute.

        Example:
            >>> from aliprotect import DisputeEventKind
            >>> DisputeEventKind.PLATFORM_REFUNDS.rule_id
            'dispute.closes_on_refund'
        """
        return _EVENT_RULES[self]


_EVENT_RULES = {
    DisputeEventKind.SELLER_ACCEPTS: "dispute.seller_accepts",
    DisputeEventKind.SELLER_REJECTS: "dispute.seller_reply",
    DisputeEventKind.SELLER_OFFERS: "dispute.accept_offer_closes",
    DisputeEventKind.BUYER_ACCEPTS_OFFER: "dispute.accept_offer_closes",
    DisputeEventKind.BUYER_CANCELS: "dispute.accept_offer_closes",
    DisputeEventKind.BUYER_ESCALATES: "dispute.escalation",
    DisputeEventKind.BUYER_SHIPS_RETURN: "return.window",
    DisputeEventKind.MODERATOR_DECIDES: "dispute.escalation",
    DisputeEventKind.PLATFORM_REFUNDS: "dispute.closes_on_refund",
}


class Stage(Ranked):
    """Where a dispute is at an instant, in the order a dispute can move through them.

    A dispute only ever moves forward through these stages: time passing or an event
    never brings it back to an earlier one, so its :attr:`rank` never goes down.
    """

    AWAITING_SELLER = "awaiting_seller"
    """Opened; the seller has until the reply deadline (``dispute.seller_reply``)."""
    NEGOTIATING = "negotiating"
    """The seller replied without accepting; the two sides can still agree."""
    WITH_MODERATOR = "with_moderator"
    """Escalated by the buyer, or the moderator time passed without agreement (``dispute.escalation``:
    7 days in rulebook 2025.1)."""
    RETURN_DUE = "return_due"
    """The item must be sent back, with a tracking number, by the return deadline (``return.window``)."""
    RETURN_MISSED = "return_missed"
    """The item was not sent back in time: the full refund is no longer due (``return.window``)."""
    REFUND_DUE = "refund_due"
    """The buyer is to be refunded: the seller accepted, stayed silent, or lost."""
    CLOSED = "closed"
    """Closed; see the :class:`Outcome`. A closed dispute never changes again."""


class Outcome(enum.Enum):
    """Why a dispute closed."""

    REFUNDED = "refunded"
    """The refund was made (``dispute.closes_on_refund``)."""
    OFFER_ACCEPTED = "offer_accepted"
    """The buyer accepted the seller's offer (``dispute.accept_offer_closes``)."""
    CANCELLED_BY_BUYER = "cancelled_by_buyer"
    """The buyer closed it; it cannot be reopened (``dispute.accept_offer_closes``)."""
    LOST = "lost"
    """Decided not in the buyer's favour: no refund for this order (``dispute.lost_is_final``)."""


def _kind(value: DisputeEventKind) -> DisputeEventKind:
    return _checks.member(value, DisputeEventKind, "kind")


@attrs.frozen(kw_only=True)
class DisputeEvent(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """One thing that happened in a dispute, at an instant.

    Build events with the transition functions (:func:`aliprotect.seller_accepts` and the others);
    this class is what a :class:`Dispute` stores.

    Attributes:
        kind: what happened.
        at: when.
        amount: the seller's offer (``SELLER_OFFERS``, required), the refund a moderator
            awards (``MODERATOR_DECIDES``; ``None`` for the refund asked) or the refund made
            (``PLATFORM_REFUNDS``; ``None`` for the refund due).
        buyer_wins: the moderator's decision (``MODERATOR_DECIDES``, required).
        tracking_number: the return's tracking number (``BUYER_SHIPS_RETURN``, required).
        rude: the seller's reply was rude or inappropriate (``SELLER_REJECTS``).
    """

    kind: DisputeEventKind = attrs.field(converter=_kind)
    at: pendulum.DateTime = attrs.field(converter=_days.aware_at)
    amount: Money | None = attrs.field(default=None, converter=optional_money)
    buyer_wins: bool | None = None
    tracking_number: str | None = None
    rude: bool = False

    def __attrs_post_init__(self) -> None:
        if self.kind is DisputeEventKind.SELLER_OFFERS and self.amount is None:
            raise InvalidValueError(
                "amount=None: a seller_offers event needs the amount offered, e.g. Money('5', 'USD')"
            )
        with_amount = {
            DisputeEventKind.SELLER_OFFERS,
            DisputeEventKind.PLATFORM_REFUNDS,
            DisputeEventKind.MODERATOR_DECIDES,
        }
        if self.amount is not None and self.kind not in with_amount:
            raise InvalidValueError(f"amount={shown(self.amount)} does not go with a {self.kind.value} event")
        if self.amount is not None and self.amount.amount <= 0:
            raise InvalidValueError(f"amount={shown(self.amount)} must be greater than 0")
        if (self.kind is DisputeEventKind.MODERATOR_DECIDES) != isinstance(self.buyer_wins, bool):
            raise InvalidValueError(
                f"buyer_wins={shown(self.buyer_wins)}: a moderator_decides event needs True or False, "
                "and no other event has one"
            )
        if self.kind is DisputeEventKind.BUYER_SHIPS_RETURN:
            if not isinstance(self.tracking_number, str) or not self.tracking_number.strip():
                raise InvalidValueError(
                    f"tracking_number={shown(self.tracking_number)}: a return is shipped with a tracking "
                    "number (return.window); give the carrier's number, e.g. 'RR123456789CN'"
                )
        elif self.tracking_number is not None:
            raise InvalidValueError(
                f"tracking_number={shown(self.tracking_number)} goes only with a buyer_ships_return event"
            )
        if not isinstance(self.rude, bool) or (self.rude and self.kind is not DisputeEventKind.SELLER_REJECTS):
            raise InvalidValueError(f"rude={shown(self.rude)} must be a bool, and True only for a seller_rejects event")


def _events(value: Iterable[DisputeEvent]) -> tuple[DisputeEvent, ...]:
    return _checks.items(value, DisputeEvent, "events", "(DisputeEvent(...),)")


def _opened_at(value: dt.datetime) -> pendulum.DateTime:
    return _days.aware(value, "opened_at")


def _order(value: Order) -> Order:
    return _checks.instance(value, Order, "order")


def _claim(value: Claim) -> Claim:
    return _checks.instance(value, Claim, "claim")


@attrs.frozen(kw_only=True)
class Dispute(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """A dispute: the order, the claim, when it opened, under which rulebook, and what happened since.

    Open one with :func:`aliprotect.open_dispute`, move it on with the transition functions
    and ask :func:`aliprotect.dispute_status` what it is at any instant. Its events are in time order and none is
    before it opened.

    Attributes:
        order: the order disputed.
        claim: what the buyer claims and asks for.
        opened_at: when the dispute was opened.
        rulebook: the version of the rulebook it was opened under; its deadlines come
            from that rulebook.
        fingerprint: that rulebook's fingerprint, checked whenever the dispute is read.
        refundable: what was left of the order amount to refund when it opened, or
            ``None`` when the order amount is unknown.
        events: what happened since, in time order.
    """

    order: Order = attrs.field(converter=_order)
    claim: Claim = attrs.field(converter=_claim)
    opened_at: pendulum.DateTime = attrs.field(converter=_opened_at)
    rulebook: str
    fingerprint: str
    refundable: Money | None = attrs.field(default=None, converter=optional_money)
    events: tuple[DisputeEvent, ...] = attrs.field(default=(), converter=_events)

    def __attrs_post_init__(self) -> None:
        if _days.key(self.opened_at) < _days.key(self.order.placed_at):
            raise TimeOrderError(
                f"opened_at {self.opened_at.isoformat()} is before order {self.order.id} was placed "
                f"({self.order.placed_at.isoformat()})"
            )
        previous = self.opened_at
        for event in self.events:
            check_time_order(previous, event, self.opened_at)
            previous = event.at


def check_time_order(previous: pendulum.DateTime, event: DisputeEvent, opened_at: pendulum.DateTime) -> None:
    if _days.key(event.at) < _days.key(opened_at):
        raise TimeOrderError(
            f"{event.kind.value} at {event.at.isoformat()} is before the dispute opened "
            f"({opened_at.isoformat()}); events come after the opening"
        )
    if _days.key(event.at) < _days.key(previous):
        raise TimeOrderError(
            f"{event.kind.value} at {event.at.isoformat()} is before the previous event "
            f"({previous.isoformat()}); events must be in time order"
        )


class _Scheduled:
    """A read-only attribute of a :class:`DisputeStatus`: the deadline of its schedule named as the attribute."""

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, status: None, owner: type) -> _Scheduled: ...
    @overload
    def __get__(self, status: DisputeStatus, owner: type) -> Deadline | None: ...
    def __get__(self, status: DisputeStatus | None, owner: type) -> _Scheduled | Deadline | None:
        return self if status is None else status.deadline(self.name)


@attrs.frozen(kw_only=True)
class DisputeStatus(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """What a dispute is at an instant, why, and by when what must happen.

    Attributes:
        order_id: the order disputed.
        at: the instant asked about.
        stage: where the dispute is.
        description: the stage in a sentence, with the instants that matter.
        deadlines: what must happen by when at this stage (``seller_reply_by``,
            ``moderator_from``, ``return_by``, ``refund_arrives_by``; under a rulebook with a
            claim phase also ``claim_from`` and ``claim_until``).
        schedule: every deadline that has governed the dispute by ``at``, passed or not, in
            time order: ``seller_reply_by``; once the sides negotiated (or the buyer escalated),
            ``claim_from`` and ``claim_until`` under a rulebook with a claim phase and
            ``moderator_from``; ``return_by`` once a return was due; ``refund_arrives_by`` once
            the refund was made. A deadline that never came to govern it (the moderator time of
            a dispute the seller accepted at once) is not there. Each is also an attribute of
            its name, ``None`` when the dispute has had no such deadline.
        refund: the refund due, awarded, agreed or made, when there is one and the
            amount is known.
        offer: the seller's offer on the table, if any.
        outcome: why it closed, once it has.
        rule_ids: the rules behind the stage.
        rulebook: the version of the rulebook the dispute was opened under.
        fingerprint: that rulebook's fingerprint.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> dispute = aliprotect.open_dispute(
        ...     order,
        ...     aliprotect.Claim(kind=aliprotect.ClaimKind.NOT_RECEIVED),
        ...     at=pendulum.datetime(2025, 4, 20, 9, tz="Europe/Paris"),
        ...     rules=aliprotect.rulebook("2025.2"),
        ... )
        >>> later = aliprotect.dispute_status(dispute, at=pendulum.datetime(2025, 5, 1, tz="Europe/Paris"))
        >>> later.deadlines
        ()
        >>> later.seller_reply_by.at.isoformat(), later.seller_reply_by.rule_ids
        ('2025-04-25T09:00:00+02:00', ('dispute.seller_reply', 'dispute.seller_silent'))
    """

    order_id: str
    at: pendulum.DateTime
    stage: Stage
    description: str
    deadlines: tuple[Deadline, ...]
    schedule: tuple[Deadline, ...]
    refund: Money | None
    offer: Money | None
    outcome: Outcome | None
    rule_ids: tuple[str, ...]
    rulebook: str
    fingerprint: str

    @property
    def closed(self) -> bool:
        """Whether the dispute is closed at ``at``."""
        return self.stage is Stage.CLOSED

    def deadline(self, name: str) -> Deadline | None:
        """The deadline of the :attr:`schedule` called ``name``, passed or not; ``None`` when the
        dispute has had none of that name by ``at``.

        Raises:
            InvalidValueError: ``name`` is not the name of a dispute deadline.
        """
        if name not in DISPUTE_NAMES:
            raise InvalidValueError(f"name={shown(name)} is not a dispute deadline; one of {', '.join(DISPUTE_NAMES)}")
        return next((deadline for deadline in self.schedule if deadline.name == name), None)

    seller_reply_by = _Scheduled("The seller's reply deadline (``dispute.seller_reply``), passed or not.")
    claim_from = _Scheduled("From when the buyer can escalate, under a rulebook with a claim phase.")
    claim_until = _Scheduled("The end of the claim phase, under a rulebook with one.")
    moderator_from = _Scheduled(
        "When a moderator steps in without agreement (``dispute.escalation``), when the rulebook says."
    )
    return_by = _Scheduled("The last instant to send the item back (``return.window``), once the seller accepted.")
    refund_arrives_by = _Scheduled("When the refund reaches the card at the latest (``refund.arrival``), once made.")
