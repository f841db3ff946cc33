"""The public transitions of a dispute: opening it, and what each side can do next.

Each transition takes a dispute and ``at=`` and returns a new dispute with one more event,
or raises a typed error and leaves the old one as it was. Names are the actor and the
verb: ``seller_accepts``, ``buyer_escalates``, ``platform_refunds``. Once opened, a dispute
keeps running after the order completes (convention C7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aliprotect import _checks
from aliprotect._claims import Claim
from aliprotect._dispute import Dispute, DisputeEvent, DisputeEventKind
from aliprotect._dispute_machine import rules_of, with_event
from aliprotect._eligibility import judge_opening
from aliprotect._model import Money, Order
from aliprotect._rulebook import Rulebook
from aliprotect._timeline import in_transit_until
from aliprotect._tracking import Tracking, for_order
from aliprotect.errors import ActionRefusedError, ClaimNotCoveredError


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
    transit. It opens the dispute exactly when :func:`aliprotect.can_open_dispute` with the
    same arguments answers yes, and refuses with that verdict's reason and rules otherwise.

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
        ... except aliprotect.errors.ActionRefusedError as refused:
        ...     print(refused.rule_ids)
        ...     print(refused)
        ('open.earliest',)
        a dispute cannot be opened at 2025-03-05T00:00:00+01:00: too early: a dispute opens at ...
        >>> at = pendulum.datetime(2025, 3, 20, tz="Europe/Paris")
        >>> dispute = aliprotect.open_dispute(order, claim, at=at, rules=aliprotect.rulebook("2025.2"))
        >>> dispute.rulebook
        '2025.2'
    """
    claim = _checks.instance(claim, Claim, "claim")
    judged = judge_opening(order, claim, at=at, rules=rules, previous=previous, tracking=tracking)
    verdict = judged.verdict
    if verdict.rule_ids == ("claim.not_covered",):
        raise ClaimNotCoveredError(verdict.reason, rule_ids=verdict.rule_ids)
    if not verdict:
        raise ActionRefusedError(
            f"a dispute cannot be opened at {verdict.at.isoformat()}: {verdict.reason}", rule_ids=verdict.rule_ids
        )
    return Dispute(
        order=order,
        claim=claim,
        opened_at=verdict.at,
        rulebook=verdict.rulebook,
        fingerprint=verdict.fingerprint,
        refundable=judged.refundable,
    )


def seller_accepts(dispute: Dispute, *, at: dt.datetime, rules: Rulebook | None = None) -> Dispute:
    """The seller accepts the claim (``dispute.seller_accepts``): the buyer is refunded as asked.

    For a refund with return, the buyer must first send the item back within 10 days
    (``return.window``). Possible until the reply deadline, while negotiating and while
    with a moderator.
    """
    return with_event(dispute, rules, DisputeEvent(kind=DisputeEventKind.SELLER_ACCEPTS, at=at))


def seller_rejects(dispute: Dispute, *, at: dt.datetime, rude: bool = False, rules: Rulebook | None = None) -> Dispute:
    """The seller replies without accepting; ``rude=True`` when the reply is rude or inappropriate.

    The sides negotiate; the buyer can escalate (``dispute.escalation``), and without
    agreement a moderator decides once the rulebook's moderator time has passed (7 days
    after opening in rulebook 2025.1).
    """
    return with_event(dispute, rules, DisputeEvent(kind=DisputeEventKind.SELLER_REJECTS, at=at, rude=rude))


def seller_offers(dispute: Dispute, *, at: dt.datetime, refund: Money, rules: Rulebook | None = None) -> Dispute:
    """The seller offers a refund of ``refund``; a later offer replaces an earlier one.

    Accepting it closes the dispute (``dispute.accept_offer_closes``).

    Raises:
        InvalidValueError: the offer is in another currency than the order, or more than
            what is left to refund.
    """
    return with_event(dispute, rules, DisputeEvent(kind=DisputeEventKind.SELLER_OFFERS, at=at, amount=refund))


def buyer_accepts_offer(dispute: Dispute, *, at: dt.datetime, rules: Rulebook | None = None) -> Dispute:
    """The buyer accepts the seller's offer, which closes the dispute (``dispute.accept_offer_closes``).

    It cannot be reopened, and no other dispute can be opened for the order.
    """
    return with_event(dispute, rules, DisputeEvent(kind=DisputeEventKind.BUYER_ACCEPTS_OFFER, at=at))


def buyer_cancels(dispute: Dispute, *, at: dt.datetime, rules: Rulebook | None = None) -> Dispute:
    """The buyer closes the dispute, for instance at the seller's request.

    It cannot be reopened (``dispute.accept_offer_closes``): the sources warn against it.
    """
    return with_event(dispute, rules, DisputeEvent(kind=DisputeEventKind.BUYER_CANCELS, at=at))


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
    escalated = with_event(dispute, rules, DisputeEvent(kind=DisputeEventKind.BUYER_ESCALATES, at=at))
    book, event = rules_of(dispute, rules), escalated.events[-1]
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
    return with_event(
        dispute,
        rules,
        DisputeEvent(kind=DisputeEventKind.MODERATOR_DECIDES, at=at, buyer_wins=buyer_wins, amount=refund),
    )


def platform_refunds(
    dispute: Dispute, *, at: dt.datetime, refund: Money | None = None, rules: Rulebook | None = None
) -> Dispute:
    """AliExpress makes the refund, which closes the dispute (``dispute.closes_on_refund``).

    Money comes back only through a dispute (``refund.only_through_dispute``), and reaches
    the card within 7 days (``refund.arrival``: see :func:`aliprotect.dispute_status`).
    ``refund``, the amount refunded, defaults to the refund due (as in
    :func:`seller_offers` and :func:`moderator_decides`).

    Raises:
        ActionRefusedError: no refund is due at ``at``.
        InvalidValueError: no ``refund`` given when the refund due is unknown, or a refund in
            another currency or more than what is left to refund.
    """
    return with_event(dispute, rules, DisputeEvent(kind=DisputeEventKind.PLATFORM_REFUNDS, at=at, amount=refund))


def buyer_ships_return(
    dispute: Dispute, *, at: dt.datetime, tracking_number: str, rules: Rulebook | None = None
) -> Dispute:
    """The buyer sends the item back with ``tracking_number``; the full refund is then due.

    The item must be sent within 10 days of the seller accepting (``return.window``).

    Raises:
        InvalidValueError: no tracking number.
        ActionRefusedError: no return is due, or its 10 days are over.
    """
    return with_event(
        dispute, rules, DisputeEvent(kind=DisputeEventKind.BUYER_SHIPS_RETURN, at=at, tracking_number=tracking_number)
    )
