"""What an order allows at an instant: opening a dispute, cancelling, extending protection.

:func:`can_open_dispute` and :func:`aliprotect.open_dispute` share one judgement,
:func:`judge_opening`, so that the question and the action can never disagree: the verdict
is allowed exactly when the dispute would be opened, and both raise the same error for
the same bad input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs
import pendulum

from aliprotect import _checks, _days
from aliprotect._answers import Verdict
from aliprotect._claims import Circumstance, Claim, ClaimKind
from aliprotect._dispute import Dispute, Outcome
from aliprotect._dispute_machine import MACHINE_RULES, check_amount, dispute_status
from aliprotect._model import Extension, Money, Order
from aliprotect._registry import given_or_latest
from aliprotect._rulebook import Rulebook, stated
from aliprotect._shown import shown
from aliprotect._timeline import (
    asked_at,
    closing_words,
    dispute_window,
    end_of_protection,
    in_transit_until,
    opening_words,
    shipped_at,
)
from aliprotect._tracking import Tracking, for_order
from aliprotect.errors import ActionRefusedError, InvalidValueError, TimeOrderError, UnstatedRuleError


@attrs.frozen(kw_only=True)
class Opening:
    """The judgement on opening a dispute: the verdict, and what is left to refund when allowed."""

    verdict: Verdict
    refundable: Money | None = None


_NOT_COVERED = {
    Circumstance.WRONG_ADDRESS_GIVEN_BY_BUYER: "the parcel was delivered to a wrong address the buyer gave",
    Circumstance.UNCLAIMED_AT_POST_OFFICE: "the parcel was not picked up at the post office in time and was sent back",
}


def _kind_of(claim: Claim | ClaimKind) -> ClaimKind:
    if isinstance(claim, Claim):
        return claim.kind
    if isinstance(claim, ClaimKind):
        return claim
    kinds = ", ".join(f"ClaimKind.{kind.name}" for kind in ClaimKind)
    raise InvalidValueError(f"claim={shown(claim)} must be a Claim, or a ClaimKind: one of {kinds}")


def _previous(value: Sequence[Dispute]) -> tuple[Dispute, ...]:
    if isinstance(value, Dispute | str) or not isinstance(value, Iterable):
        raise InvalidValueError(
            f"previous={shown(value)} must be a sequence of the order's earlier disputes, e.g. [dispute]"
        )
    return tuple(_checks.instance(item, Dispute, "previous[]") for item in value)


def judge_opening(
    order: Order,
    claim: Claim | ClaimKind,
    *,
    at: dt.datetime,
    rules: Rulebook | None,
    previous: Sequence[Dispute],
    tracking: Tracking | None,
) -> Opening:
    """Whether a dispute about ``order`` with ``claim`` can be opened at ``at``, and what is left to refund.

    The checks, in order: the arguments; the claim's circumstance (``claim.not_covered``);
    the resolutions its kind can have (the ``claim.*`` rules); the dispute window
    (``open.earliest``, ``open.latest``, ``open.not_received_before_receipt``, and the wait
    while the parcel is in transit); the rules the dispute machine needs; the order's earlier
    disputes; what is left to refund; the amount asked.
    """
    rules, order = given_or_latest(rules), _checks.instance(order, Order, "order")
    kind = _kind_of(claim)
    instant = asked_at(order, at)
    tracking = for_order(tracking, order)
    earlier = _previous(previous)

    def refused(reason: str, *rule_ids: str) -> Opening:
        return Opening(
            verdict=Verdict(
                allowed=False,
                at=instant,
                reason=reason,
                rule_ids=stated(rules, *rule_ids),
                rulebook=rules.version,
                fingerprint=rules.fingerprint,
            )
        )

    if isinstance(claim, Claim):
        if claim.circumstance is not None:
            cited = ", ".join(str(citation) for citation in rules.rule("claim.not_covered").citations)
            return refused(
                f"{_NOT_COVERED[claim.circumstance]}: buyer protection does not cover this, so no refund "
                f"is normally made (claim.not_covered: {cited})",
                "claim.not_covered",
            )
        allowed = rules.rule(kind.rule_id).resolutions
        if not allowed:
            raise UnstatedRuleError(
                f"kind={shown(kind.value)}: rulebook {rules.version} does not say what a {kind.value} claim "
                f"can ask for ({kind.rule_id} lists no resolutions); pin a rulebook that states it"
            )
        if claim.resolution not in allowed:
            raise InvalidValueError(
                f"resolution={shown(claim.resolution.value)} is not possible for a {kind.value} claim "
                f"({kind.rule_id}, rulebook {rules.version}); it can ask for: "
                f"{', '.join(r.value for r in allowed)}"
            )
    if order.shipped_at is None:
        return refused(f"the order has not shipped; a dispute opens from {opening_words(rules)}", "open.earliest")
    window = dispute_window(order, rules=rules)
    if _days.key(instant) < _days.key(window.opens):
        return refused(
            f"too early: a dispute opens at {window.opens.isoformat()}, {opening_words(rules)}", "open.earliest"
        )
    if _days.key(instant) >= _days.key(window.closes):
        return refused(
            f"too late: the last chance ended at {window.closes.isoformat()}, {closing_words(order, rules)}; "
            "no refund is possible",
            "open.latest",
        )
    received = order.received_at
    if kind is ClaimKind.NOT_RECEIVED and received is not None and _days.key(received) <= _days.key(instant):
        return refused(
            f"the buyer confirmed receipt at {received.isoformat()}, so a 'not received' "
            "claim no longer applies; choose the claim that describes the problem",
            "open.not_received_before_receipt",
        )
    waits_until = in_transit_until(order, instant, rules, "open.earliest", tracking)
    if waits_until is not None:
        return refused(
            "the parcel is in transit inside the seller's promised delivery time: a dispute can be opened "
            f"from {waits_until.isoformat()}, when that time has passed",
            "open.earliest",
        )
    stated(rules, *MACHINE_RULES)  # a dispute the machine could not run is not opened
    refunds: list[Money] = []
    for dispute in earlier:
        refusal, refund = _earlier(dispute, order, instant)
        if refusal is not None:
            return refused(*refusal)
        if refund is not None:
            refunds.append(refund)
    refundable = None if order.amount is None else _minus(order.amount, refunds)
    if refundable is not None and refundable.amount <= 0:
        return refused(
            f"order {order.id} has already been refunded in full; there is nothing left to claim",
            "dispute.closes_on_refund",
        )
    if isinstance(claim, Claim) and claim.amount is not None:
        check_amount(claim.amount, refundable, order.id, "amount")
    allowed_by = ["open.earliest", "open.latest"]
    if kind is ClaimKind.NOT_RECEIVED:
        allowed_by.append("open.not_received_before_receipt")
    return Opening(
        verdict=Verdict(
            allowed=True,
            at=instant,
            reason=f"a dispute can be opened until {window.closes.isoformat()}",
            rule_ids=stated(rules, *allowed_by),
            rulebook=rules.version,
            fingerprint=rules.fingerprint,
        ),
        refundable=refundable,
    )


def _earlier(earlier: Dispute, order: Order, at: pendulum.DateTime) -> tuple[tuple[str, ...] | None, Money | None]:
    """Why an earlier dispute of the order stops a new one (a reason and its rule ids), or the refund it made."""
    if earlier.order.id != order.id:
        raise InvalidValueError(
            f"previous holds a dispute of order {earlier.order.id}; give only the disputes of order {order.id}"
        )
    if _days.key(earlier.opened_at) > _days.key(at):
        raise TimeOrderError(
            f"previous holds a dispute opened at {earlier.opened_at.isoformat()}, after at={at.isoformat()}"
        )
    then = dispute_status(earlier, at=at)
    opened = earlier.opened_at.isoformat()
    if not then.closed:
        return (
            f"order {order.id} already has an open dispute, opened at {opened} ({then.stage.value}); "
            "one dispute at a time: follow that one",
            *then.rule_ids,
        ), None
    if then.outcome in {Outcome.CANCELLED_BY_BUYER, Outcome.OFFER_ACCEPTED}:
        return (
            f"the dispute opened at {opened} was closed by the buyer ({then.outcome.value}), "
            "and a dispute closed by the buyer cannot be reopened",
            "dispute.accept_offer_closes",
        ), None
    if then.outcome is Outcome.LOST:
        return (
            f"the dispute opened at {opened} was decided against the buyer, which ends the chance "
            "of a refund for this order",
            "dispute.lost_is_final",
        ), None
    return None, then.refund


def _minus(paid: Money, refunds: Iterable[Money]) -> Money:
    total = sum((r.amount for r in refunds if r.currency == paid.currency), Decimal(0))
    return Money(paid.amount - total, paid.currency)


def can_open_dispute(
    order: Order,
    claim: Claim | ClaimKind,
    *,
    at: dt.datetime,
    rules: Rulebook | None = None,
    previous: Sequence[Dispute] = (),
    tracking: Tracking | None = None,
) -> Verdict:
    """Whether a dispute with ``claim`` (a :class:`~aliprotect.Claim`, or only its kind) can be opened at ``at``.

    It can inside :func:`aliprotect.dispute_window` (``open.earliest``, ``open.latest``). A
    "not received" claim also needs an order whose receipt the buyer has not confirmed
    by ``at`` (``open.not_received_before_receipt``). ``previous`` are the order's earlier
    disputes: none may still be open at ``at``, none may have been closed by the buyer
    (``dispute.accept_offer_closes``) or lost (``dispute.lost_is_final``), and something
    must be left to refund (``dispute.closes_on_refund``). Given a whole claim, it must
    also be covered (``claim.not_covered``).

    Under a rulebook whose ``open.earliest`` waits while the parcel is in transit inside
    the seller's promised delivery time (``in_transit_waits``, rulebook 2021.1), the
    answer inside that time depends on the order's ``tracking``.

    The verdict is allowed exactly when :func:`aliprotect.open_dispute` with the same
    arguments opens the dispute, and both raise the same errors.

    Raises:
        InvalidValueError: ``claim`` is neither a Claim nor a ClaimKind, a resolution its
            kind cannot have, a partial refund larger than what is left, a previous dispute
            of another order, or ``at`` not an aware datetime.
        TimeOrderError: ``at`` is before the order was placed, ``tracking`` does not fit
            the order, or a previous dispute opened after ``at``.
        MissingFactError: the answer depends on a fact the order lacks (its carrier, its
            promised delivery time) or on ``tracking``, and it was not given.
        UnstatedRuleError: the rulebook does not state a rule the answer needs.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> verdict = aliprotect.can_open_dispute(
        ...     order, aliprotect.ClaimKind.NOT_RECEIVED,
        ...     at=pendulum.datetime(2025, 3, 8, 23, 59, tz="Europe/Paris"),
        ...     rules=aliprotect.rulebook("2025.2"),
        ... )
        >>> bool(verdict), verdict.rule_ids
        (False, ('open.earliest',))
    """
    return judge_opening(order, claim, at=at, rules=rules, previous=previous, tracking=tracking).verdict


def can_cancel(order: Order, *, at: dt.datetime, rules: Rulebook | None = None) -> Verdict:
    """Whether the order can still be cancelled at ``at`` (``cancel.before_shipment``).

    Only before it ships, and only with the seller's agreement; once it has shipped,
    only a dispute gets money back.

    Raises:
        TimeOrderError: ``at`` is before the order was placed.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1", placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"), protection_days=60
        ... )
        >>> bool(aliprotect.can_cancel(order, at=pendulum.datetime(2025, 3, 2, tz="Europe/Paris")))
        True
    """
    rules, order = given_or_latest(rules), _checks.instance(order, Order, "order")
    instant = asked_at(order, at)
    if order.shipped_at is not None and _days.key(order.shipped_at) <= _days.key(instant):
        allowed = False
        reason = f"the order shipped at {order.shipped_at.isoformat()}; only a dispute can get the money back now"
    else:
        allowed, reason = True, "the order has not shipped yet: it can be cancelled with the seller's agreement"
    return Verdict(
        allowed=allowed,
        at=instant,
        reason=reason,
        rule_ids=stated(rules, "cancel.before_shipment"),
        rulebook=rules.version,
        fingerprint=rules.fingerprint,
    )


def grant_extension(order: Order, *, days: int, at: dt.datetime, rules: Rulebook | None = None) -> Order:
    """The order with ``days`` more days of protection granted by the seller at ``at``.

    The seller can extend protection only while it is active (``protection.extension``):
    after shipping, before the timer runs out and before the buyer confirms receipt.
    Extensions add up. ``rules`` matters only for a rulebook that cuts protection once the
    parcel shows as delivered (see :func:`aliprotect.protection_end`); the latest by default.

    Raises:
        NotShippedError: the order has not shipped, so there is no protection to extend.
        ActionRefusedError: protection has already ended at ``at``.
        InvalidValueError: ``days`` is not a whole number greater than 0.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> rules = aliprotect.rulebook("2025.2")
        >>> longer = aliprotect.grant_extension(
        ...     order, days=15, at=pendulum.datetime(2025, 4, 25, tz="Europe/Paris"), rules=rules
        ... )
        >>> aliprotect.protection_end(longer, rules=rules).at.isoformat()
        '2025-05-17T18:00:00+02:00'
    """
    rules, order = given_or_latest(rules), _checks.instance(order, Order, "order")
    shipped = shipped_at(order, "protection to extend")
    end = end_of_protection(order, "protection to extend", rules)
    instant = asked_at(order, at)
    extension = Extension(granted_at=instant, days=days)
    stop = end if order.received_at is None else min(end, order.received_at, key=_days.key)
    if _days.key(instant) < _days.key(shipped):
        raise ActionRefusedError(
            f"at={instant.isoformat()} is before the order shipped ({shipped.isoformat()}); "
            "protection starts when the seller ships (C6)"
        )
    if _days.key(instant) >= _days.key(stop):
        raise ActionRefusedError(
            f"protection of order {order.id} ended at {stop.isoformat()}, so it cannot be extended "
            f"at {instant.isoformat()}; an extension is granted only while protection is active "
            "(protection.extension). Check dispute_window() for the last chance to open a dispute",
            rule_ids=("protection.extension",),
        )
    return attrs.evolve(order, extensions=(*order.extensions, extension))
