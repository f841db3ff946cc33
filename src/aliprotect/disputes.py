"""Disputes: an immutable record of what happened, pure transitions, and a derived status.

A :class:`Dispute` holds the order, the claim, when it was opened, the rulebook it was
opened under and the events since, in time order. Nothing else is stored: what the
dispute *is* at an instant (waiting for the seller, negotiating, with a moderator,
refund due, closed...) is derived by :func:`status` from those events, the instant
and the rulebook, so it can never disagree with them.

Each transition (:func:`seller_accepts`, :func:`buyer_escalates`, ...) takes a dispute
and ``at=`` and returns a new dispute with one more event, or raises a typed error and
leaves the old one as it was. Once opened, a dispute keeps running after the order
completes (convention C7).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs
import pendulum

from aliprotect import _checks, _days
from aliprotect.errors import (
    ActionRefusedError,
    ClaimNotCoveredError,
    DisputeClosedError,
    FingerprintError,
    InvalidValueError,
    TimeOrderError,
    UnstatedRuleError,
)
from aliprotect.model import Circumstance, Claim, Money, Order, Resolution
from aliprotect.model import _amount as _optional_money
from aliprotect.rulebook import Rulebook, Unit, rulebook
from aliprotect.timeline import Deadline, can_open_dispute, in_transit_until
from aliprotect.tracking import Tracking, for_order

__all__ = [
    "Dispute",
    "DisputeStatus",
    "Event",
    "EventKind",
    "Outcome",
    "Stage",
    "buyer_accepts_offer",
    "buyer_cancels",
    "buyer_escalates",
    "buyer_ships_return",
    "moderator_decides",
    "open_dispute",
    "refund_granted",
    "seller_accepts",
    "seller_offers",
    "seller_rejects",
    "status",
]


class EventKind(enum.Enum):
    """What happened in a dispute."""

    SELLER_ACCEPTS = "seller_accepts"
    SELLER_REJECTS = "seller_rejects"
    SELLER_OFFERS = "seller_offers"
    BUYER_ACCEPTS_OFFER = "buyer_accepts_offer"
    BUYER_CANCELS = "buyer_cancels"
    BUYER_ESCALATES = "buyer_escalates"
    MODERATOR_DECIDES = "moderator_decides"
    REFUND_GRANTED = "refund_granted"
    RETURN_SHIPPED = "return_shipped"


class Stage(enum.Enum):
    """Where a dispute is at an instant, in the order a dispute can move through them.

    A dispute only ever moves forward through these stages: time passing or an event
    never brings it back to an earlier one.
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

    @property
    def rank(self) -> int:
        """The position of the stage in the order above: a dispute's rank never goes down."""
        return list(Stage).index(self)


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


def _event_at(value: dt.datetime) -> pendulum.DateTime:
    return _days.aware(value, "at")


def _kind(value: EventKind) -> EventKind:
    return _checks.instance(value, EventKind, "kind")


@attrs.frozen(kw_only=True)
class Event:
    """One thing that happened in a dispute, at an instant.

    Build events with the transition functions (:func:`seller_accepts` and the others);
    this class is what a :class:`Dispute` stores.

    Attributes:
        kind: what happened.
        at: when.
        amount: the seller's offer (``SELLER_OFFERS``, required), the refund a moderator
            awards (``MODERATOR_DECIDES``; ``None`` for the refund asked) or the refund made
            (``REFUND_GRANTED``; ``None`` for the refund due).
        buyer_wins: the moderator's decision (``MODERATOR_DECIDES``, required).
        tracking_number: the return's tracking number (``RETURN_SHIPPED``, required).
        rude: the seller's reply was rude or inappropriate (``SELLER_REJECTS``).
    """

    kind: EventKind = attrs.field(converter=_kind)
    at: pendulum.DateTime = attrs.field(converter=_event_at)
    amount: Money | None = attrs.field(default=None, converter=_optional_money)
    buyer_wins: bool | None = None
    tracking_number: str | None = None
    rude: bool = False

    def __attrs_post_init__(self) -> None:
        if self.kind is EventKind.SELLER_OFFERS and self.amount is None:
            raise InvalidValueError(
                "amount=None: a seller_offers event needs the amount offered, e.g. Money('5', 'USD')"
            )
        with_amount = {EventKind.SELLER_OFFERS, EventKind.REFUND_GRANTED, EventKind.MODERATOR_DECIDES}
        if self.amount is not None and self.kind not in with_amount:
            raise InvalidValueError(f"amount={self.amount!r} does not go with a {self.kind.value} event")
        if self.amount is not None and self.amount.amount <= 0:
            raise InvalidValueError(f"amount={self.amount!r} must be greater than 0")
        if (self.kind is EventKind.MODERATOR_DECIDES) != isinstance(self.buyer_wins, bool):
            raise InvalidValueError(
                f"buyer_wins={self.buyer_wins!r}: a moderator_decides event needs True or False, "
                "and no other event has one"
            )
        if self.kind is EventKind.RETURN_SHIPPED:
            if not isinstance(self.tracking_number, str) or not self.tracking_number.strip():
                raise InvalidValueError(
                    f"tracking_number={self.tracking_number!r}: a return is shipped with a tracking "
                    "number (return.window); give the carrier's number, e.g. 'RR123456789CN'"
                )
        elif self.tracking_number is not None:
            raise InvalidValueError(f"tracking_number={self.tracking_number!r} goes only with a return_shipped event")
        if not isinstance(self.rude, bool) or (self.rude and self.kind is not EventKind.SELLER_REJECTS):
            raise InvalidValueError(f"rude={self.rude!r} must be a bool, and True only for a seller_rejects event")


def _events(value: Iterable[Event]) -> tuple[Event, ...]:
    if isinstance(value, Event | str) or not isinstance(value, Iterable):
        raise InvalidValueError(f"events={value!r} must be a sequence of Event values")
    items = tuple(value)
    if not all(isinstance(item, Event) for item in items):
        raise InvalidValueError("events must hold only Event values")
    return items


def _opened_at(value: dt.datetime) -> pendulum.DateTime:
    return _days.aware(value, "opened_at")


def _claim(value: Claim) -> Claim:
    return _checks.instance(value, Claim, "claim")


@attrs.frozen(kw_only=True)
class Dispute:
    """A dispute: the order, the claim, when it opened, under which rulebook, and what happened since.

    Open one with :func:`open_dispute`, move it on with the transition functions and ask
    :func:`status` what it is at any instant. Its events are in time order and none is
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

    order: Order = attrs.field(converter=_checks.order)
    claim: Claim = attrs.field(converter=_claim)
    opened_at: pendulum.DateTime = attrs.field(converter=_opened_at)
    rulebook: str
    fingerprint: str
    refundable: Money | None = attrs.field(default=None, converter=_optional_money)
    events: tuple[Event, ...] = attrs.field(default=(), converter=_events)

    def __attrs_post_init__(self) -> None:
        if _days.utc(self.opened_at) < _days.utc(self.order.placed_at):
            raise TimeOrderError(
                f"opened_at {self.opened_at.isoformat()} is before order {self.order.id} was placed "
                f"({self.order.placed_at.isoformat()})"
            )
        previous = self.opened_at
        for event in self.events:
            _check_time_order(previous, event, self.opened_at)
            previous = event.at


def _check_time_order(previous: pendulum.DateTime, event: Event, opened_at: pendulum.DateTime) -> None:
    if _days.utc(event.at) < _days.utc(opened_at):
        raise TimeOrderError(
            f"{event.kind.value} at {event.at.isoformat()} is before the dispute opened "
            f"({opened_at.isoformat()}); events come after the opening"
        )
    if _days.utc(event.at) < _days.utc(previous):
        raise TimeOrderError(
            f"{event.kind.value} at {event.at.isoformat()} is before the previous event "
            f"({previous.isoformat()}); events must be in time order"
        )


@attrs.frozen(kw_only=True)
class DisputeStatus:
    """What a dispute is at an instant, why, and by when what must happen.

    Attributes:
        order_id: the order disputed.
        at: the instant asked about.
        stage: where the dispute is.
        description: the stage in a sentence, with the instants that matter.
        deadlines: what must happen by when at this stage (``seller_reply_by``,
            ``moderator_from``, ``return_by``, ``refund_arrives_by``; under a rulebook with a
            claim phase also ``claim_from`` and ``claim_until``).
        refund: the refund due, awarded, agreed or made, when there is one and the
            amount is known.
        offer: the seller's offer on the table, if any.
        outcome: why it closed, once it has.
        rule_ids: the rules behind the stage.
        rulebook: the version of the rulebook the dispute was opened under.
        fingerprint: that rulebook's fingerprint.
    """

    order_id: str
    at: pendulum.DateTime
    stage: Stage
    description: str
    deadlines: tuple[Deadline, ...]
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

    def _repr_html_(self) -> str:
        from aliprotect.display import status_html  # the display shell, loaded only in a notebook

        return status_html(self)


# --- the state machine --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _State:
    stage: Stage
    description: str
    rule_ids: tuple[str, ...]
    offer: Money | None = None
    refund: Money | None = None
    outcome: Outcome | None = None
    return_by: pendulum.DateTime | None = None
    refunded_at: pendulum.DateTime | None = None


_MACHINE_RULES = (
    "dispute.seller_reply",
    "dispute.seller_silent",
    "dispute.seller_accepts",
    "dispute.escalation",
    "dispute.accept_offer_closes",
    "dispute.closes_on_refund",
    "dispute.lost_is_final",
    "refund.only_through_dispute",
    "refund.arrival",
    "return.window",
)
"""The rules the dispute machine cites: a rulebook that does not state one of them cannot run it."""


@attrs.frozen
class _Clock:
    """The deadlines fixed when the dispute opened, and the refund it asks for."""

    reply_by: pendulum.DateTime
    reply_rules: tuple[str, ...]
    moderator_from: pendulum.DateTime | None
    """When a moderator steps in without agreement; ``None`` when the rulebook does not say."""
    ship_back_days: int
    refund_arrival_days: int
    refund_arrival_unit: Unit
    asked: Money | None

    claim_from: pendulum.DateTime | None
    """From when the buyer can escalate, when the rulebook has a claim phase."""
    claim_until: pendulum.DateTime | None
    """The end of the claim phase (the start of the day after its last day), when it has one."""

    @classmethod
    def of(cls, dispute: Dispute, rules: Rulebook) -> _Clock:
        _checks.stated(rules, *_MACHINE_RULES)  # the machine needs every one (UnstatedRuleError otherwise)
        with_return = dispute.claim.resolution is Resolution.REFUND_WITH_RETURN
        # refund and return: the seller's 5 days come from return.window (seed 002:88)
        reply_days, reply_rules = (
            (rules.number("return.window", "seller_response"), ("return.window", "dispute.seller_reply"))
            if with_return
            else (rules.number("dispute.seller_reply", "reply"), ("dispute.seller_reply",))
        )
        asked = dispute.claim.amount if dispute.claim.resolution is Resolution.PARTIAL_REFUND else dispute.refundable
        return cls(
            reply_by=_days.add_days(dispute.opened_at, reply_days),
            reply_rules=reply_rules,
            moderator_from=_optional_nth(rules, dispute.opened_at, "moderator_after"),
            ship_back_days=rules.number("return.window", "ship_back"),
            refund_arrival_days=rules.number("refund.arrival", "at_most"),
            refund_arrival_unit=rules.quantity("refund.arrival", "at_most").unit,
            asked=asked,
            claim_from=_optional_nth(rules, dispute.opened_at, "claim_from"),
            claim_until=_optional_nth(rules, dispute.opened_at, "claim_until", after=1),
        )


def _optional_nth(rules: Rulebook, opened: pendulum.DateTime, name: str, *, after: int = 0) -> pendulum.DateTime | None:
    """A number of ``dispute.escalation`` counted from opening (plus ``after`` days), if the rule has it."""
    if not rules.has("dispute.escalation", name):
        return None
    return _nth(rules, opened, "dispute.escalation", name, after=after)


def _nth(rules: Rulebook, opened: pendulum.DateTime, rule_id: str, name: str, *, after: int = 0) -> pendulum.DateTime:
    """A number of days after opening (C2), or the start of the Nth day after it (C4), by its
    unit; ``after`` adds days to the number (1: the end of the Nth day, which is included)."""
    quantity = rules.quantity(rule_id, name)
    number = rules.number(rule_id, name) + after
    if quantity.unit is Unit.DAY_NUMBER:
        return _days.start_of_day_number(opened, number)
    return _days.add_days(opened, number)


def dispute_clock(dispute: Dispute, rules: Rulebook) -> _Clock:
    """The deadlines fixed when ``dispute`` opened (for the display shell)."""
    return _Clock.of(dispute, rules)


def _reached(at: pendulum.DateTime, deadline: pendulum.DateTime) -> bool:
    return _days.utc(at) >= _days.utc(deadline)  # at the deadline itself it has passed (C3)


def _on_time(state: _State, at: pendulum.DateTime, clock: _Clock) -> _State:
    """The state once time has run on to ``at`` with no event."""
    if state.stage is Stage.AWAITING_SELLER and _reached(at, clock.reply_by):
        state = _State(
            stage=Stage.REFUND_DUE,
            description=f"the seller did not reply by {clock.reply_by.isoformat()}: "
            "the buyer wins the full refund asked for",
            rule_ids=(*clock.reply_rules, "dispute.seller_silent"),
            refund=clock.asked,
        )
    if state.stage is Stage.NEGOTIATING and clock.moderator_from is not None and _reached(at, clock.moderator_from):
        state = attrs.evolve(
            state,
            stage=Stage.WITH_MODERATOR,
            description=f"no agreement by {clock.moderator_from.isoformat()}: a moderator decides",
            rule_ids=("dispute.escalation",),
        )
    if (
        state.stage is Stage.NEGOTIATING
        and clock.moderator_from is None
        and clock.claim_until is not None
        and _reached(at, clock.claim_until)
    ):
        state = attrs.evolve(
            state,
            description=f"no claim was filed before {clock.claim_until.isoformat()}, the end of the claim phase; "
            "the rulebook's sources do not say what happens next",
            rule_ids=("dispute.escalation",),
        )
    if state.stage is Stage.RETURN_DUE and state.return_by is not None and _reached(at, state.return_by):
        state = attrs.evolve(
            state,
            stage=Stage.RETURN_MISSED,
            description=f"the item was not sent back by {state.return_by.isoformat()}: "
            "the full refund is no longer due",
            rule_ids=("return.window",),
        )
    return state


_OPEN = frozenset(Stage) - {Stage.CLOSED}
_ALLOWED: dict[EventKind, frozenset[Stage]] = {
    EventKind.SELLER_ACCEPTS: frozenset({Stage.AWAITING_SELLER, Stage.NEGOTIATING, Stage.WITH_MODERATOR}),
    EventKind.SELLER_REJECTS: frozenset({Stage.AWAITING_SELLER, Stage.NEGOTIATING}),
    EventKind.SELLER_OFFERS: frozenset({Stage.AWAITING_SELLER, Stage.NEGOTIATING, Stage.WITH_MODERATOR}),
    EventKind.BUYER_ACCEPTS_OFFER: frozenset({Stage.NEGOTIATING, Stage.WITH_MODERATOR}),
    EventKind.BUYER_CANCELS: _OPEN,
    EventKind.BUYER_ESCALATES: frozenset({Stage.NEGOTIATING}),
    EventKind.MODERATOR_DECIDES: frozenset({Stage.WITH_MODERATOR}),
    EventKind.REFUND_GRANTED: frozenset({Stage.REFUND_DUE}),
    EventKind.RETURN_SHIPPED: frozenset({Stage.RETURN_DUE}),
}


def _next_step(clock: _Clock, at: pendulum.DateTime, *, rude: bool) -> str:
    """What can follow a rejection at ``at``: escalation (when), and a moderator (when)."""
    text = "; the reply was rude" if rude else ""
    if clock.claim_from is not None and not _reached(at, clock.claim_from):
        text += f"; the buyer can escalate from {clock.claim_from.isoformat()}"
    elif rude:
        text += ", so the buyer can escalate now"
    if clock.claim_until is not None:
        text += f"; a claim can be filed until {clock.claim_until.isoformat()}"
    if clock.moderator_from is not None:
        text += f"; without agreement a moderator decides from {clock.moderator_from.isoformat()}"
    return text


def _possible(stage: Stage) -> str:
    kinds = [kind.value for kind, stages in _ALLOWED.items() if stage in stages]
    return ", ".join(kinds) or "nothing"


def _check_amount(amount: Money, dispute: Dispute, what: str) -> None:
    limit = dispute.refundable
    if limit is None:
        return
    if amount.currency != limit.currency:
        raise InvalidValueError(
            f"{what}={amount!r} is in {amount.currency}, but order {dispute.order.id} was paid in "
            f"{limit.currency}; give the amount in {limit.currency}"
        )
    if amount.amount > limit.amount:
        raise InvalidValueError(
            f"{what}={amount!r} is more than the {limit.amount} {limit.currency} left to refund on "
            f"order {dispute.order.id}; a refund never exceeds what was paid"
        )


def _on_event(state: _State, event: Event, dispute: Dispute, clock: _Clock) -> _State:
    """The state after ``event``, or a typed error when the rules do not allow it now."""
    at = event.at
    if state.stage is Stage.CLOSED:
        raise DisputeClosedError(
            f"{event.kind.value} at {at.isoformat()} cannot happen: the dispute of order "
            f"{dispute.order.id} is closed ({state.description})",
            rule_ids=state.rule_ids,
        )
    allowed = _ALLOWED[event.kind]
    if event.kind is EventKind.BUYER_ESCALATES and clock.claim_from is not None:
        allowed = allowed | {Stage.AWAITING_SELLER}  # a claim phase counted in days of the dispute
    if state.stage not in allowed:
        raise ActionRefusedError(
            f"{event.kind.value} at {at.isoformat()} is not possible while the dispute is "
            f"{state.stage.value} ({state.description}); possible now: {_possible(state.stage)}",
            rule_ids=state.rule_ids,
        )
    match event.kind:
        case EventKind.SELLER_ACCEPTS if dispute.claim.resolution is Resolution.REFUND_WITH_RETURN:
            return_by = _days.add_days(at, clock.ship_back_days)
            return _State(
                stage=Stage.RETURN_DUE,
                description=f"the seller accepted: send the item back with a tracking number by "
                f"{return_by.isoformat()} for the full refund",
                rule_ids=("dispute.seller_accepts", "return.window"),
                refund=clock.asked,
                return_by=return_by,
            )
        case EventKind.SELLER_ACCEPTS:
            return _State(
                stage=Stage.REFUND_DUE,
                description="the seller accepted: the buyer is refunded as asked",
                rule_ids=("dispute.seller_accepts",),
                refund=clock.asked,
            )
        case EventKind.SELLER_REJECTS:
            return attrs.evolve(
                state,
                stage=Stage.NEGOTIATING,
                description=f"the seller rejected the claim{_next_step(clock, at, rude=event.rude)}",
                rule_ids=("dispute.seller_reply", "dispute.escalation"),
            )
        case EventKind.SELLER_OFFERS:
            offer = event.amount
            if offer is None:  # pragma: no cover - Event refuses it
                raise AssertionError("an offer without an amount")
            _check_amount(offer, dispute, "amount")
            stage = Stage.WITH_MODERATOR if state.stage is Stage.WITH_MODERATOR else Stage.NEGOTIATING
            return attrs.evolve(
                state,
                stage=stage,
                offer=offer,
                description=f"the seller offers {offer.amount} {offer.currency}; "
                "accepting the offer closes the dispute",
                rule_ids=("dispute.accept_offer_closes", "dispute.escalation"),
            )
        case EventKind.BUYER_ACCEPTS_OFFER:
            if state.offer is None:
                raise ActionRefusedError(
                    f"buyer_accepts_offer at {at.isoformat()}: the seller has made no offer to accept",
                    rule_ids=("dispute.accept_offer_closes",),
                )
            return _State(
                stage=Stage.CLOSED,
                description=f"closed at {at.isoformat()}: the buyer accepted the seller's offer of "
                f"{state.offer.amount} {state.offer.currency}",
                rule_ids=("dispute.accept_offer_closes",),
                refund=state.offer,
                outcome=Outcome.OFFER_ACCEPTED,
            )
        case EventKind.BUYER_CANCELS:
            return _State(
                stage=Stage.CLOSED,
                description=f"closed at {at.isoformat()} by the buyer; it cannot be reopened",
                rule_ids=("dispute.accept_offer_closes",),
                outcome=Outcome.CANCELLED_BY_BUYER,
            )
        case EventKind.BUYER_ESCALATES:
            if clock.claim_from is not None and not _reached(at, clock.claim_from):
                raise ActionRefusedError(
                    f"buyer_escalates at {at.isoformat()}: a claim can be filed from {clock.claim_from.isoformat()}",
                    rule_ids=("dispute.escalation",),
                )
            if clock.claim_until is not None and _reached(at, clock.claim_until):
                raise ActionRefusedError(
                    f"buyer_escalates at {at.isoformat()}: the claim phase ended at {clock.claim_until.isoformat()}",
                    rule_ids=("dispute.escalation",),
                )
            return attrs.evolve(
                state,
                stage=Stage.WITH_MODERATOR,
                description=f"escalated at {at.isoformat()}: a moderator decides",
                rule_ids=("dispute.escalation",),
            )
        case EventKind.MODERATOR_DECIDES if event.buyer_wins:
            if event.amount is not None:
                _check_amount(event.amount, dispute, "refund")
            return _State(
                stage=Stage.REFUND_DUE,
                description=f"the moderator decided for the buyer at {at.isoformat()}: the buyer is refunded",
                rule_ids=("dispute.escalation",),
                refund=event.amount or clock.asked,
            )
        case EventKind.MODERATOR_DECIDES:
            return _State(
                stage=Stage.CLOSED,
                description=f"closed at {at.isoformat()}: the moderator decided against the buyer; "
                "no refund can be had for this order any more",
                rule_ids=("dispute.lost_is_final",),
                outcome=Outcome.LOST,
            )
        case EventKind.RETURN_SHIPPED:
            return _State(
                stage=Stage.REFUND_DUE,
                description=f"the item was sent back at {at.isoformat()} with tracking number "
                f"{event.tracking_number}: the full refund is due",
                rule_ids=("return.window",),
                refund=state.refund,
            )
        case EventKind.REFUND_GRANTED:  # pragma: no branch - the last kind
            refund = event.amount or state.refund
            if refund is None:
                raise InvalidValueError(
                    f"amount=None: the amount of order {dispute.order.id} is unknown, so the refund due is "
                    "too; pass the amount refunded, e.g. amount=Money('12.50', 'USD')"
                )
            _check_amount(refund, dispute, "amount")
            return _State(
                stage=Stage.CLOSED,
                description=f"closed at {at.isoformat()}: {refund.amount} {refund.currency} "
                "refunded through the dispute",
                rule_ids=("dispute.closes_on_refund", "refund.only_through_dispute", "refund.arrival"),
                refund=refund,
                outcome=Outcome.REFUNDED,
                refunded_at=at,
            )
    raise AssertionError(f"unhandled event kind {event.kind}")  # pragma: no cover


def _replay(dispute: Dispute, rules: Rulebook, until: pendulum.DateTime) -> tuple[_State, _Clock]:
    """The state at ``until``: the events up to it, applied in order, with time in between."""
    clock = _Clock.of(dispute, rules)
    state = _State(
        stage=Stage.AWAITING_SELLER,
        description=f"waiting for the seller to reply or accept by {clock.reply_by.isoformat()}; "
        "if the seller stays silent, the buyer wins",
        rule_ids=clock.reply_rules,
    )
    for event in dispute.events:
        if _days.utc(event.at) > _days.utc(until):
            break
        state = _on_event(_on_time(state, event.at, clock), event, dispute, clock)
    return _on_time(state, until, clock), clock


def _rules_of(dispute: Dispute, rules: Rulebook | None) -> Rulebook:
    """The rulebook the dispute was opened under; another one is refused, never mixed in."""
    rules = rulebook(dispute.rulebook) if rules is None else _checks.rules_or_latest(rules)
    if (rules.version, rules.fingerprint) != (dispute.rulebook, dispute.fingerprint):
        error = FingerprintError if rules.version == dispute.rulebook else InvalidValueError
        raise error(
            f"rules={rules.version!r} ({rules.fingerprint[:15]}...): the dispute of order {dispute.order.id} "
            f"was opened under rulebook {dispute.rulebook} ({dispute.fingerprint[:15]}...); "
            "pass that very rulebook (leave rules out for a published one)"
        )
    return rules


def _dispute(value: Dispute) -> Dispute:
    return _checks.instance(value, Dispute, "dispute")


# --- public: status and opening ----------------------------------------------------------


def status(dispute: Dispute, *, at: dt.datetime, rules: Rulebook | None = None) -> DisputeStatus:
    """What ``dispute`` is at ``at``, derived from its events and the rulebook it was opened under.

    Events after ``at`` are not taken into account, so the status at a past instant is what
    it was then. The stage moves on with time alone too: the seller's silence past the
    reply deadline makes the buyer win (``dispute.seller_silent``); the moderator time
    without agreement brings in a moderator (``dispute.escalation``: 7 days in rulebook
    2025.1; a rulebook with a claim phase and no moderator time leaves that to the buyer);
    a return not sent in time is missed (``return.window``).

    Raises:
        TimeOrderError: ``at`` is before the dispute opened.
        InvalidValueError: ``rules`` is not the rulebook the dispute was opened under.
        ActionRefusedError: the stored events break the rules (only for disputes not
            built with the transition functions).

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ...     amount=aliprotect.Money("20.00", "EUR"),
        ... )
        >>> dispute = aliprotect.open_dispute(
        ...     order,
        ...     aliprotect.Claim(kind=aliprotect.ClaimKind.NOT_RECEIVED),
        ...     at=pendulum.datetime(2025, 4, 20, 9, tz="Europe/Paris"),
        ...     rules=aliprotect.rulebook("2025.1"),
        ... )
        >>> now = aliprotect.status(dispute, at=pendulum.datetime(2025, 4, 22, tz="Europe/Paris"))
        >>> now.stage, now.deadlines[0].name, now.deadlines[0].at.isoformat()
        (<Stage.AWAITING_SELLER: 'awaiting_seller'>, 'seller_reply_by', '2025-04-25T09:00:00+02:00')
        >>> later = aliprotect.status(dispute, at=pendulum.datetime(2025, 4, 25, 9, tz="Europe/Paris"))
        >>> later.stage, later.refund
        (<Stage.REFUND_DUE: 'refund_due'>, Money(amount=Decimal('20.00'), currency='EUR'))
        >>> later.rule_ids
        ('dispute.seller_reply', 'dispute.seller_silent')
    """
    dispute = _dispute(dispute)
    rules = _rules_of(dispute, rules)
    instant = _checks.at_or_after(dispute.opened_at, at, f"the dispute of order {dispute.order.id} opened")
    state, clock = _replay(dispute, rules, instant)
    return DisputeStatus(
        order_id=dispute.order.id,
        at=instant,
        stage=state.stage,
        description=state.description,
        deadlines=_deadlines(state, clock, rules),
        refund=state.refund,
        offer=state.offer if state.stage is not Stage.CLOSED else None,
        outcome=state.outcome,
        rule_ids=state.rule_ids,
        rulebook=rules.version,
        fingerprint=rules.fingerprint,
    )


def _deadlines(state: _State, clock: _Clock, rules: Rulebook) -> tuple[Deadline, ...]:
    def deadline(name: str, at: pendulum.DateTime, description: str, *rule_ids: str) -> tuple[Deadline, ...]:
        return (
            Deadline(
                name=name,
                at=at,
                description=description,
                rule_ids=rule_ids,
                rulebook=rules.version,
                fingerprint=rules.fingerprint,
            ),
        )

    if state.stage is Stage.AWAITING_SELLER:
        return deadline(
            "seller_reply_by",
            clock.reply_by,
            "the seller must reply or accept before this instant, or the buyer wins",
            *clock.reply_rules,
            "dispute.seller_silent",
        )
    if state.stage is Stage.NEGOTIATING:
        found: tuple[Deadline, ...] = ()
        if clock.claim_from is not None:
            found += deadline("claim_from", clock.claim_from, "the buyer can escalate from now", "dispute.escalation")
        if clock.claim_until is not None:
            found += deadline(
                "claim_until", clock.claim_until, "the claim phase ends: no escalation from now", "dispute.escalation"
            )
        if clock.moderator_from is not None:
            found += deadline(
                "moderator_from", clock.moderator_from, "without agreement, a moderator decides", "dispute.escalation"
            )
        return found
    if state.stage is Stage.RETURN_DUE and state.return_by is not None:
        return deadline("return_by", state.return_by, "send the item back, with a tracking number", "return.window")
    if state.refunded_at is not None:
        return deadline(
            "refund_arrives_by",
            (_days.add_business_days if clock.refund_arrival_unit is Unit.BUSINESS_DAYS else _days.add_days)(
                state.refunded_at, clock.refund_arrival_days
            ),
            "the refund reaches the card by then",
            "refund.arrival",
        )
    return ()


def _minus(paid: Money, refunds: Iterable[Money]) -> Money:
    total = sum((r.amount for r in refunds if r.currency == paid.currency), Decimal(0))
    return Money(paid.amount - total, paid.currency)


def open_dispute(
    order: Order,
    claim: Claim,
    *,
    at: dt.datetime,
    rules: Rulebook | None = None,
    previous: Sequence[Dispute] = (),
    tracking: Tracking | None = None,
) -> Dispute:
    """Open a dispute about ``order`` at ``at``, or say why it cannot be opened.

    The claim must be covered (``claim.not_covered``), ask for a resolution its kind can
    have (the ``claim.*`` rules), and be opened inside the dispute window
    (``open.earliest``, ``open.latest``, ``open.not_received_before_receipt``: see
    :func:`aliprotect.can_open_dispute`). ``previous`` are the order's earlier disputes:
    none may still be open at ``at``, and none may have been closed by the buyer
    (``dispute.accept_offer_closes``) or lost (``dispute.lost_is_final``). A partial
    refund asked must be in the order's currency and no more than what is left to refund.
    ``tracking`` is needed only by a rulebook whose opening waits while the parcel is in
    transit (see :func:`aliprotect.can_open_dispute`).

    Raises:
        ClaimNotCoveredError: the claim's circumstance is not covered.
        ActionRefusedError: outside the window, another dispute still open, a dispute
            closed by the buyer or lost, or nothing left to refund; its ``rule_ids`` name
            the rules.
        InvalidValueError: a resolution the claim kind cannot have, a refund in another
            currency or larger than the order amount, or a previous dispute of another order.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> claim = aliprotect.Claim(kind=aliprotect.ClaimKind.NOT_RECEIVED)
        >>> try:
        ...     aliprotect.open_dispute(order, claim, at=pendulum.datetime(2025, 3, 5, tz="Europe/Paris"))
        ... except aliprotect.ActionRefusedError as refused:
        ...     print(refused.rule_ids)
        ...     print(refused)
        ('open.earliest',)
        a dispute cannot be opened at 2025-03-05T00:00:00+01:00: too early: a dispute opens at ...
        >>> at = pendulum.datetime(2025, 3, 20, tz="Europe/Paris")
        >>> dispute = aliprotect.open_dispute(order, claim, at=at, rules=aliprotect.rulebook("2025.1"))
        >>> dispute.rulebook
        '2025.1'
    """
    rules = _checks.rules_or_latest(rules)
    order, claim = _checks.order(order), _claim(claim)
    instant = _checks.at_or_after(order.placed_at, at, f"order {order.id} was placed")
    if claim.circumstance is not None:
        raise ClaimNotCoveredError(
            f"{_NOT_COVERED[claim.circumstance]}: buyer protection does not cover this, so no refund "
            f"is normally made (claim.not_covered: {_cited(rules, 'claim.not_covered')})",
            rule_ids=("claim.not_covered",),
        )
    allowed = rules.rule(claim.kind.rule_id).resolutions
    if not allowed:
        raise UnstatedRuleError(
            f"kind={claim.kind.value!r}: rulebook {rules.version} does not say what a {claim.kind.value} claim "
            f"can ask for ({claim.kind.rule_id} lists no resolutions); pin a rulebook that states it"
        )
    if claim.resolution not in allowed:
        raise InvalidValueError(
            f"resolution={claim.resolution.value!r} is not possible for a {claim.kind.value} claim "
            f"({claim.kind.rule_id}, rulebook {rules.version}); it can ask for: "
            f"{', '.join(r.value for r in allowed)}"
        )
    verdict = can_open_dispute(order, claim.kind, at=instant, rules=rules, tracking=tracking)
    if not verdict:
        raise ActionRefusedError(
            f"a dispute cannot be opened at {instant.isoformat()}: {verdict.reason}",
            rule_ids=verdict.rule_ids,
        )
    if isinstance(previous, Dispute | str) or not isinstance(previous, Iterable):
        raise InvalidValueError(
            f"previous={previous!r} must be a sequence of the order's earlier disputes, e.g. [dispute]"
        )
    _checks.stated(rules, *_MACHINE_RULES)  # a dispute the machine could not run is not opened
    refunds = [_earlier_refund(earlier, order, instant) for earlier in previous]
    refundable = None if order.amount is None else _minus(order.amount, [r for r in refunds if r is not None])
    if refundable is not None and refundable.amount <= 0:
        raise ActionRefusedError(
            f"order {order.id} has already been refunded in full; there is nothing left to claim",
            rule_ids=("dispute.closes_on_refund",),
        )
    dispute = Dispute(
        order=order,
        claim=claim,
        opened_at=instant,
        rulebook=rules.version,
        fingerprint=rules.fingerprint,
        refundable=refundable,
    )
    if claim.amount is not None:
        _check_amount(claim.amount, dispute, "amount")
    return dispute


_NOT_COVERED = {
    Circumstance.WRONG_ADDRESS_GIVEN_BY_BUYER: "the parcel was delivered to a wrong address the buyer gave",
    Circumstance.UNCLAIMED_AT_POST_OFFICE: "the parcel was not picked up at the post office in time and was sent back",
}


def _cited(rules: Rulebook, rule_id: str) -> str:
    return ", ".join(str(citation) for citation in rules.rule(rule_id).citations)


def _earlier_refund(earlier: Dispute, order: Order, at: pendulum.DateTime) -> Money | None:
    """The refund an earlier dispute of the order made, after checking it allows a new one."""
    earlier = _dispute(earlier)
    if earlier.order.id != order.id:
        raise InvalidValueError(
            f"previous holds a dispute of order {earlier.order.id}; give only the disputes of order {order.id}"
        )
    if _days.utc(earlier.opened_at) > _days.utc(at):
        raise TimeOrderError(
            f"previous holds a dispute opened at {earlier.opened_at.isoformat()}, after at={at.isoformat()}"
        )
    then = status(earlier, at=at)
    opened = earlier.opened_at.isoformat()
    if not then.closed:
        raise ActionRefusedError(
            f"order {order.id} already has an open dispute, opened at {opened} ({then.stage.value}); "
            "one dispute at a time: follow that one",
            rule_ids=then.rule_ids,
        )
    if then.outcome in {Outcome.CANCELLED_BY_BUYER, Outcome.OFFER_ACCEPTED}:
        raise ActionRefusedError(
            f"the dispute opened at {opened} was closed by the buyer ({then.outcome.value}), "
            "and a dispute closed by the buyer cannot be reopened",
            rule_ids=("dispute.accept_offer_closes",),
        )
    if then.outcome is Outcome.LOST:
        raise ActionRefusedError(
            f"the dispute opened at {opened} was decided against the buyer, which ends the chance "
            "of a refund for this order",
            rule_ids=("dispute.lost_is_final",),
        )
    return then.refund


# --- public: the transitions ---------------------------------------------------------------


def _apply(dispute: Dispute, rules: Rulebook | None, event: Event) -> Dispute:
    """``dispute`` with ``event`` added, once the rules allow it at its instant."""
    dispute = _dispute(dispute)
    rules = _rules_of(dispute, rules)
    _check_time_order(dispute.events[-1].at if dispute.events else dispute.opened_at, event, dispute.opened_at)
    state, clock = _replay(dispute, rules, event.at)
    _on_event(state, event, dispute, clock)
    return attrs.evolve(dispute, events=(*dispute.events, event))


def seller_accepts(dispute: Dispute, *, at: dt.datetime, rules: Rulebook | None = None) -> Dispute:
    """The seller accepts the claim (``dispute.seller_accepts``): the buyer is refunded as asked.

    For a refund with return, the buyer must first send the item back within 10 days
    (``return.window``). Possible until the reply deadline, while negotiating and while
    with a moderator.
    """
    return _apply(dispute, rules, Event(kind=EventKind.SELLER_ACCEPTS, at=at))


def seller_rejects(dispute: Dispute, *, at: dt.datetime, rude: bool = False, rules: Rulebook | None = None) -> Dispute:
    """The seller replies without accepting; ``rude=True`` when the reply is rude or inappropriate.

    The sides negotiate; the buyer can escalate (``dispute.escalation``), and without
    agreement a moderator decides once the rulebook's moderator time has passed (7 days
    after opening in rulebook 2025.1).
    """
    return _apply(dispute, rules, Event(kind=EventKind.SELLER_REJECTS, at=at, rude=rude))


def seller_offers(dispute: Dispute, *, at: dt.datetime, refund: Money, rules: Rulebook | None = None) -> Dispute:
    """The seller offers a refund of ``refund``; a later offer replaces an earlier one.

    Accepting it closes the dispute (``dispute.accept_offer_closes``).

    Raises:
        InvalidValueError: the offer is in another currency than the order, or more than
            what is left to refund.
    """
    return _apply(dispute, rules, Event(kind=EventKind.SELLER_OFFERS, at=at, amount=refund))


def buyer_accepts_offer(dispute: Dispute, *, at: dt.datetime, rules: Rulebook | None = None) -> Dispute:
    """The buyer accepts the seller's offer, which closes the dispute (``dispute.accept_offer_closes``).

    It cannot be reopened, and no other dispute can be opened for the order.
    """
    return _apply(dispute, rules, Event(kind=EventKind.BUYER_ACCEPTS_OFFER, at=at))


def buyer_cancels(dispute: Dispute, *, at: dt.datetime, rules: Rulebook | None = None) -> Dispute:
    """The buyer closes the dispute, for instance at the seller's request.

    It cannot be reopened (``dispute.accept_offer_closes``): the sources warn against it.
    """
    return _apply(dispute, rules, Event(kind=EventKind.BUYER_CANCELS, at=at))


def buyer_escalates(
    dispute: Dispute, *, at: dt.datetime, rules: Rulebook | None = None, tracking: Tracking | None = None
) -> Dispute:
    """The buyer asks AliExpress to step in (``dispute.escalation``).

    Possible once the seller has replied without agreement, for instance rudely. Before
    the seller's reply there is nothing to escalate: a silent seller loses by itself.
    Under a rulebook with a claim phase, only inside it; under one whose escalation waits
    while the parcel is in transit inside the promised delivery time (``in_transit_waits``,
    rulebook undated.2), not while the ``tracking`` shows it on its way then.

    Raises:
        ActionRefusedError: the rules do not allow it at ``at``.
        MissingFactError: the answer depends on ``tracking``, or on the order's promised
            delivery time, and it was not given.
    """
    escalated = _apply(dispute, rules, Event(kind=EventKind.BUYER_ESCALATES, at=at))
    book, event = _rules_of(dispute, rules), escalated.events[-1]
    waits_until = in_transit_until(
        dispute.order, event.at, book, "dispute.escalation", for_order(tracking, dispute.order)
    )
    if waits_until is not None:
        raise ActionRefusedError(
            f"buyer_escalates at {event.at.isoformat()}: the parcel is in transit inside the seller's promised "
            f"delivery time, so escalation waits until {waits_until.isoformat()}",
            rule_ids=("dispute.escalation",),
        )
    return escalated


def moderator_decides(
    dispute: Dispute,
    *,
    at: dt.datetime,
    buyer_wins: bool,
    refund: Money | None = None,
    rules: Rulebook | None = None,
) -> Dispute:
    """The moderator decides a dispute that is with them (``dispute.escalation``).

    For the buyer: the refund ``refund`` (by default the one asked) is due. Against the
    buyer: the dispute closes and no refund can be had for the order any more
    (``dispute.lost_is_final``).
    """
    return _apply(dispute, rules, Event(kind=EventKind.MODERATOR_DECIDES, at=at, buyer_wins=buyer_wins, amount=refund))


def refund_granted(
    dispute: Dispute, *, at: dt.datetime, amount: Money | None = None, rules: Rulebook | None = None
) -> Dispute:
    """The refund is made, which closes the dispute (``dispute.closes_on_refund``).

    Money comes back only through a dispute (``refund.only_through_dispute``), and reaches
    the card within 7 days (``refund.arrival``: see :func:`status`). ``amount`` defaults to
    the refund due.

    Raises:
        ActionRefusedError: no refund is due at ``at``.
        InvalidValueError: no amount given when the refund due is unknown, or an amount in
            another currency or more than what is left to refund.
    """
    return _apply(dispute, rules, Event(kind=EventKind.REFUND_GRANTED, at=at, amount=amount))


def buyer_ships_return(
    dispute: Dispute, *, at: dt.datetime, tracking_number: str, rules: Rulebook | None = None
) -> Dispute:
    """The buyer sends the item back with ``tracking_number``; the full refund is then due.

    The item must be sent within 10 days of the seller accepting (``return.window``).

    Raises:
        InvalidValueError: no tracking number.
        ActionRefusedError: no return is due, or its 10 days are over.
    """
    return _apply(dispute, rules, Event(kind=EventKind.RETURN_SHIPPED, at=at, tracking_number=tracking_number))
