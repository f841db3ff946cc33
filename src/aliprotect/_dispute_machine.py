"""The dispute machine: the status of a dispute at an instant, replayed from its events.

The deadlines fixed when a dispute opens (:class:`_Clock`), the stage each event leads to
(:func:`_on_event`), what time alone changes (:func:`_on_time`), and
:func:`dispute_status`, which replays a dispute's events up to an instant. The public
transitions (:mod:`aliprotect._transitions`) add events through :func:`with_event`.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum

from aliprotect import _checks, _days
from aliprotect._answers import DISPUTE_NAMES, Deadline
from aliprotect._claims import Resolution
from aliprotect._dispute import (
    Dispute,
    DisputeEvent,
    DisputeEventKind,
    DisputeStatus,
    Outcome,
    Stage,
    check_time_order,
)
from aliprotect._model import Money
from aliprotect._registry import given_or_latest, published
from aliprotect._rulebook import Rulebook, stated
from aliprotect._schema import Feeds, Unit, feeding
from aliprotect._shown import shown
from aliprotect.errors import (
    ActionRefusedError,
    DisputeClosedError,
    FingerprintError,
    InvalidValueError,
)


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
    seen: frozenset[Stage] = frozenset()
    """The stages the dispute has been in up to this state (set by :func:`run`)."""


MACHINE_RULES = feeding(Feeds.MACHINE)
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
    return_calendar: str | None
    """The calendar ``return.window``'s days are counted on (the rulebook's ``days_counted_in``), or ``None``."""
    refund_calendar: str | None
    """The calendar ``refund.arrival``'s days are counted on, if not the instant's own."""
    silent_to_team: pendulum.DateTime | None = None
    """When the rulebook sends a dispute the seller left unanswered to AliExpress's dispute
    team instead of refunding the buyer (``dispute.seller_silent`` with ``outcome =
    "to_moderator"``): the instant it goes there, the moderator time or, without one, the
    reply deadline. ``None`` when a silent seller makes the buyer win."""

    @property
    def if_silent(self) -> str:
        """What the seller's silence leads to, in words."""
        if self.silent_to_team is None:
            return "the buyer wins"
        return f"the dispute goes to AliExpress's dispute team at {self.silent_to_team.isoformat()}"

    @classmethod
    def of(cls, dispute: Dispute, rules: Rulebook) -> _Clock:
        stated(rules, *MACHINE_RULES)  # the machine needs every one (UnstatedRuleError otherwise)
        with_return = dispute.claim.resolution is Resolution.REFUND_WITH_RETURN
        # refund and return: the seller's 5 days come from return.window (seed 002:88)
        reply_days, reply_rules = (
            (rules.number("return.window", "seller_response"), ("return.window", "dispute.seller_reply"))
            if with_return
            else (rules.number("dispute.seller_reply", "reply"), ("dispute.seller_reply",))
        )
        asked = dispute.claim.amount if dispute.claim.resolution is Resolution.PARTIAL_REFUND else dispute.refundable
        reply_by = _days.add_days(dispute.opened_at, reply_days, rules.calendar(reply_rules[0]))
        moderator_from = _optional_nth(rules, dispute.opened_at, "moderator_after")
        silent_to_team = None
        if rules.rule("dispute.seller_silent").outcome == "to_moderator":
            later = moderator_from is not None and _days.key(moderator_from) > _days.key(reply_by)
            silent_to_team = moderator_from if later and moderator_from is not None else reply_by
        return cls(
            reply_by=reply_by,
            reply_rules=reply_rules,
            moderator_from=moderator_from,
            ship_back_days=rules.number("return.window", "ship_back"),
            refund_arrival_days=rules.number("refund.arrival", "at_most"),
            refund_arrival_unit=rules.quantity("refund.arrival", "at_most").unit,
            asked=asked,
            claim_from=_optional_nth(rules, dispute.opened_at, "claim_from"),
            claim_until=_optional_nth(rules, dispute.opened_at, "claim_until", after=1),
            return_calendar=rules.calendar("return.window"),
            refund_calendar=rules.calendar("refund.arrival"),
            silent_to_team=silent_to_team,
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
        return _days.start_of_day_number(opened, number, rules.calendar(rule_id))
    return _days.add_days(opened, number, rules.calendar(rule_id))


def _reached(at: pendulum.DateTime, deadline: pendulum.DateTime) -> bool:
    return _days.key(at) >= _days.key(deadline)  # at the deadline itself it has passed (C3)


def _on_time(state: _State, at: pendulum.DateTime, clock: _Clock) -> _State:
    """The state once time has run on to ``at`` with no event."""
    if state.stage is Stage.AWAITING_SELLER and _reached(at, clock.reply_by) and clock.silent_to_team is not None:
        to_team = _reached(at, clock.silent_to_team)
        state = attrs.evolve(
            state,
            stage=Stage.WITH_MODERATOR if to_team else Stage.AWAITING_SELLER,
            description=f"the seller did not reply by {clock.reply_by.isoformat()}: "
            + ("the dispute is with AliExpress's dispute team" if to_team else clock.if_silent),
            rule_ids=(*clock.reply_rules, "dispute.seller_silent", *(("dispute.escalation",) if to_team else ())),
        )
    if state.stage is Stage.AWAITING_SELLER and _reached(at, clock.reply_by) and clock.silent_to_team is None:
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


_ALLOWED: dict[DisputeEventKind, frozenset[Stage]] = {
    DisputeEventKind.SELLER_ACCEPTS: frozenset({Stage.AWAITING_SELLER, Stage.NEGOTIATING, Stage.WITH_MODERATOR}),
    DisputeEventKind.SELLER_REJECTS: frozenset({Stage.AWAITING_SELLER, Stage.NEGOTIATING}),
    DisputeEventKind.SELLER_OFFERS: frozenset({Stage.AWAITING_SELLER, Stage.NEGOTIATING, Stage.WITH_MODERATOR}),
    DisputeEventKind.BUYER_ACCEPTS_OFFER: frozenset({Stage.NEGOTIATING, Stage.WITH_MODERATOR}),
    DisputeEventKind.BUYER_CANCELS: _OPEN,
    DisputeEventKind.BUYER_ESCALATES: frozenset({Stage.NEGOTIATING}),
    DisputeEventKind.MODERATOR_DECIDES: frozenset({Stage.WITH_MODERATOR}),
    DisputeEventKind.PLATFORM_REFUNDS: frozenset({Stage.REFUND_DUE}),
    DisputeEventKind.BUYER_SHIPS_RETURN: frozenset({Stage.RETURN_DUE}),
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


def check_amount(amount: Money, limit: Money | None, order_id: str, what: str) -> None:
    """A refund or an offer is in the order's currency and no more than ``limit``, what is left to refund."""
    if limit is None:
        return
    if amount.currency != limit.currency:
        raise InvalidValueError(
            f"{what}={shown(amount)} is in {amount.currency}, but order {order_id} was paid in "
            f"{limit.currency}; give the amount in {limit.currency}"
        )
    if amount.amount > limit.amount:
        raise InvalidValueError(
            f"{what}={shown(amount)} is more than the {limit.amount} {limit.currency} left to refund on "
            f"order {order_id}; a refund never exceeds what was paid"
        )


def _on_event(state: _State, event: DisputeEvent, dispute: Dispute, clock: _Clock) -> _State:
    """The state after ``event``, or a typed error when the rules do not allow it now."""
    at = event.at
    if state.stage is Stage.CLOSED:
        raise DisputeClosedError(
            f"{event.kind.value} at {at.isoformat()} cannot happen: the dispute of order "
            f"{dispute.order.id} is closed ({state.description})",
            rule_ids=state.rule_ids,
        )
    allowed = _ALLOWED[event.kind]
    if event.kind is DisputeEventKind.BUYER_ESCALATES and clock.claim_from is not None:
        allowed = allowed | {Stage.AWAITING_SELLER}  # a claim phase counted in days of the dispute
    if state.stage not in allowed:
        raise ActionRefusedError(
            f"{event.kind.value} at {at.isoformat()} is not possible while the dispute is "
            f"{state.stage.value} ({state.description}); possible now: {_possible(state.stage)}",
            rule_ids=state.rule_ids,
        )
    match event.kind:
        case DisputeEventKind.SELLER_ACCEPTS if dispute.claim.resolution is Resolution.REFUND_WITH_RETURN:
            return_by = _days.add_days(at, clock.ship_back_days, clock.return_calendar)
            return _State(
                stage=Stage.RETURN_DUE,
                description=f"the seller accepted: send the item back with a tracking number by "
                f"{return_by.isoformat()} for the full refund",
                rule_ids=("dispute.seller_accepts", "return.window"),
                refund=clock.asked,
                return_by=return_by,
            )
        case DisputeEventKind.SELLER_ACCEPTS:
            return _State(
                stage=Stage.REFUND_DUE,
                description="the seller accepted: the buyer is refunded as asked",
                rule_ids=("dispute.seller_accepts",),
                refund=clock.asked,
            )
        case DisputeEventKind.SELLER_REJECTS:
            return attrs.evolve(
                state,
                stage=Stage.NEGOTIATING,
                description=f"the seller rejected the claim{_next_step(clock, at, rude=event.rude)}",
                rule_ids=("dispute.seller_reply", "dispute.escalation"),
            )
        case DisputeEventKind.SELLER_OFFERS:
            offer = event.amount
            if offer is None:  # pragma: no cover - DisputeEvent refuses it
                raise AssertionError("an offer without an amount")
            check_amount(offer, dispute.refundable, dispute.order.id, "amount")
            stage = Stage.WITH_MODERATOR if state.stage is Stage.WITH_MODERATOR else Stage.NEGOTIATING
            return attrs.evolve(
                state,
                stage=stage,
                offer=offer,
                description=f"the seller offers {offer.amount} {offer.currency}; "
                "accepting the offer closes the dispute",
                rule_ids=("dispute.accept_offer_closes", "dispute.escalation"),
            )
        case DisputeEventKind.BUYER_ACCEPTS_OFFER:
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
        case DisputeEventKind.BUYER_CANCELS:
            return _State(
                stage=Stage.CLOSED,
                description=f"closed at {at.isoformat()} by the buyer; it cannot be reopened",
                rule_ids=("dispute.accept_offer_closes",),
                outcome=Outcome.CANCELLED_BY_BUYER,
            )
        case DisputeEventKind.BUYER_ESCALATES:
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
        case DisputeEventKind.MODERATOR_DECIDES if event.buyer_wins:
            if event.amount is not None:
                check_amount(event.amount, dispute.refundable, dispute.order.id, "refund")
            return _State(
                stage=Stage.REFUND_DUE,
                description=f"the moderator decided for the buyer at {at.isoformat()}: the buyer is refunded",
                rule_ids=("dispute.escalation",),
                refund=event.amount or clock.asked,
            )
        case DisputeEventKind.MODERATOR_DECIDES:
            return _State(
                stage=Stage.CLOSED,
                description=f"closed at {at.isoformat()}: the moderator decided against the buyer; "
                "no refund can be had for this order any more",
                rule_ids=("dispute.lost_is_final",),
                outcome=Outcome.LOST,
            )
        case DisputeEventKind.BUYER_SHIPS_RETURN:
            return _State(
                stage=Stage.REFUND_DUE,
                description=f"the item was sent back at {at.isoformat()} with tracking number "
                f"{event.tracking_number}: the full refund is due",
                rule_ids=("return.window",),
                refund=state.refund,
                return_by=state.return_by,
            )
        case DisputeEventKind.PLATFORM_REFUNDS:  # pragma: no branch - the last kind
            refund = event.amount or state.refund
            if refund is None:
                raise InvalidValueError(
                    f"refund=None: the amount of order {dispute.order.id} is unknown, so the refund due is "
                    "too; pass the amount refunded, e.g. refund=Money('12.50', 'USD')"
                )
            check_amount(refund, dispute.refundable, dispute.order.id, "refund")
            return _State(
                stage=Stage.CLOSED,
                description=f"closed at {at.isoformat()}: {refund.amount} {refund.currency} "
                "refunded through the dispute",
                rule_ids=("dispute.closes_on_refund", "refund.only_through_dispute", "refund.arrival"),
                refund=refund,
                outcome=Outcome.REFUNDED,
                return_by=state.return_by,
                refunded_at=at,
            )
    raise AssertionError(f"unhandled event kind {event.kind}")  # pragma: no cover


def run(dispute: Dispute, rules: Rulebook, until: pendulum.DateTime) -> tuple[_State, _Clock]:
    """The state at ``until``: the events up to it, applied in order, with time in between."""
    clock = _Clock.of(dispute, rules)
    state = _State(
        stage=Stage.AWAITING_SELLER,
        description=f"waiting for the seller to reply or accept by {clock.reply_by.isoformat()}; "
        f"if the seller stays silent, {clock.if_silent}",
        rule_ids=clock.reply_rules,
    )
    seen = {state.stage}
    for event in dispute.events:
        if _days.key(event.at) > _days.key(until):
            break
        state = _on_event(_on_time(state, event.at, clock), event, dispute, clock)
        seen.add(state.stage)
    state = _on_time(state, until, clock)
    return attrs.evolve(state, seen=frozenset({*seen, state.stage})), clock


def rules_of(dispute: Dispute, rules: Rulebook | None) -> Rulebook:
    """The rulebook the dispute was opened under; another one is refused, never mixed in."""
    rules = published(dispute.rulebook) if rules is None else given_or_latest(rules)
    if (rules.version, rules.fingerprint) != (dispute.rulebook, dispute.fingerprint):
        error = FingerprintError if rules.version == dispute.rulebook else InvalidValueError
        raise error(
            f"rules={shown(rules.version)} ({rules.fingerprint}): the dispute of order {dispute.order.id} "
            f"was opened under rulebook {dispute.rulebook} ({dispute.fingerprint}); "
            "pass that very rulebook (leave rules out for a published one)"
        )
    return rules


def checked(value: Dispute) -> Dispute:
    """``value`` when it is a :class:`Dispute`."""
    return _checks.instance(value, Dispute, "dispute")


def dispute_status(dispute: Dispute, *, at: dt.datetime, rules: Rulebook | None = None) -> DisputeStatus:
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
        ...     rules=aliprotect.rulebook("2025.2"),
        ... )
        >>> now = aliprotect.dispute_status(dispute, at=pendulum.datetime(2025, 4, 22, tz="Europe/Paris"))
        >>> now.stage, now.deadlines[0].name, now.deadlines[0].at.isoformat()
        (<Stage.AWAITING_SELLER: 'awaiting_seller'>, 'seller_reply_by', '2025-04-25T09:00:00+02:00')
        >>> later = aliprotect.dispute_status(dispute, at=pendulum.datetime(2025, 4, 25, 9, tz="Europe/Paris"))
        >>> later.stage, later.refund
        (<Stage.REFUND_DUE: 'refund_due'>, Money(amount=Decimal('20.00'), currency='EUR'))
        >>> later.rule_ids
        ('dispute.seller_reply', 'dispute.seller_silent')
    """
    dispute = checked(dispute)
    rules = rules_of(dispute, rules)
    instant = _checks.at_or_after(dispute.opened_at, at, f"the dispute of order {dispute.order.id} opened")
    state, clock = run(dispute, rules, instant)
    schedule = _schedule(state, clock, rules)
    return DisputeStatus(
        order_id=dispute.order.id,
        at=instant,
        stage=state.stage,
        description=state.description,
        deadlines=_current(state, schedule),
        schedule=tuple(sorted(schedule.values(), key=lambda d: (_days.key(d.at), DISPUTE_NAMES.index(d.name)))),
        refund=state.refund,
        offer=state.offer if state.stage is not Stage.CLOSED else None,
        outcome=state.outcome,
        rule_ids=state.rule_ids,
        rulebook=rules.version,
        fingerprint=rules.fingerprint,
    )


_ENGAGED = frozenset({Stage.NEGOTIATING, Stage.WITH_MODERATOR})


def _schedule(state: _State, clock: _Clock, rules: Rulebook, *, planned: bool = False) -> dict[str, Deadline]:
    """Every deadline that has governed the dispute up to ``state``, by name, passed or not: the
    seller's reply; the claim phase and the moderator time once the sides negotiated (or the buyer
    escalated); the return deadline once a return was due; the refund's arrival once it was made.
    ``planned``: every deadline fixed when the dispute opened instead, whether it came to govern or not."""

    def deadline(name: str, at: pendulum.DateTime, description: str, *rule_ids: str) -> None:
        found[name] = Deadline(
            name=name,
            at=at,
            description=description,
            rule_ids=rule_ids,
            rulebook=rules.version,
            fingerprint=rules.fingerprint,
        )

    found: dict[str, Deadline] = {}
    deadline(
        "seller_reply_by",
        clock.reply_by,
        f"the seller must reply or accept before this instant, or {clock.if_silent}",
        *clock.reply_rules,
        "dispute.seller_silent",
    )
    engaged = planned or bool(state.seen & _ENGAGED)
    if clock.claim_from is not None and engaged:
        deadline("claim_from", clock.claim_from, "the buyer can escalate from now", "dispute.escalation")
    if clock.claim_until is not None and engaged:
        deadline("claim_until", clock.claim_until, "the claim phase ends: no escalation from now", "dispute.escalation")
    if clock.moderator_from is not None and engaged:
        deadline("moderator_from", clock.moderator_from, "without agreement, a moderator decides", "dispute.escalation")
    elif clock.silent_to_team is not None and (planned or Stage.NEGOTIATING not in state.seen):
        # the seller never replied: silence sends the dispute to the team
        deadline(
            "moderator_from",
            clock.silent_to_team,
            "if the seller has not replied, the dispute goes to AliExpress's dispute team",
            "dispute.seller_silent",
            "dispute.escalation",
        )
    if state.return_by is not None:
        deadline("return_by", state.return_by, "send the item back, with a tracking number", "return.window")
    if state.refunded_at is not None:
        add = _days.add_business_days if clock.refund_arrival_unit is Unit.BUSINESS_DAYS else _days.add_days
        deadline(
            "refund_arrives_by",
            add(state.refunded_at, clock.refund_arrival_days, clock.refund_calendar),
            "the refund reaches the card by then",
            "refund.arrival",
        )
    return found


def _current(state: _State, schedule: dict[str, Deadline]) -> tuple[Deadline, ...]:
    """The deadlines that govern the dispute's stage in ``state``."""
    if state.stage is Stage.AWAITING_SELLER:
        names: tuple[str, ...] = ("seller_reply_by", "moderator_from")  # the latter when silence goes to the team
    elif state.stage is Stage.NEGOTIATING:
        names = ("claim_from", "claim_until", "moderator_from")
    elif state.stage is Stage.RETURN_DUE:
        names = ("return_by",)
    else:
        names = ("refund_arrives_by",)
    return tuple(schedule[name] for name in names if name in schedule)


def with_event(dispute: Dispute, rules: Rulebook | None, event: DisputeEvent) -> Dispute:
    """``dispute`` with ``event`` added, once the rules allow it at its instant."""
    dispute = checked(dispute)
    rules = rules_of(dispute, rules)
    check_time_order(dispute.events[-1].at if dispute.events else dispute.opened_at, event, dispute.opened_at)
    state, clock = run(dispute, rules, event.at)
    _on_event(state, event, dispute, clock)
    return attrs.evolve(dispute, events=(*dispute.events, event))


def planned_deadlines(dispute: Dispute, rules: Rulebook | None = None) -> tuple[Deadline, ...]:
    """The deadlines fixed when ``dispute`` opened, in time order: the seller's reply, the claim
    phase and the moderator time, whether or not they come to govern it (for a picture of its plan)."""
    dispute = checked(dispute)
    rules = rules_of(dispute, rules)
    state, clock = run(dispute, rules, dispute.opened_at)
    planned = _schedule(state, clock, rules, planned=True)
    return tuple(sorted(planned.values(), key=lambda d: (_days.key(d.at), DISPUTE_NAMES.index(d.name))))
