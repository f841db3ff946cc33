"""A Hypothesis state machine that drives random disputes of one order through random
transitions at increasing instants, and checks the invariants after every step:

- at most one dispute of the order is open at a time;
- a closed dispute stays closed, with the same outcome;
- a dispute's status never goes back (its stage rank never decreases);
- every status explains itself with rule ids of its rulebook;
- refunds never exceed the amount paid;
- a refused transition leaves the dispute untouched.
"""

from decimal import Decimal
from typing import ClassVar

import attrs
import pendulum
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import aliprotect
from aliprotect import AliprotectError, Claim, ClaimKind, Dispute, Money, Order, Outcome, Resolution, Stage
from aliprotect.strategies import orders

RULES = aliprotect.rulebook("2025.1")
DAY = 86_400


class DisputeMachine(RuleBasedStateMachine):
    book = RULES  # not 'rules': the state machine has an attribute of that name
    facts: ClassVar[dict[str, object]] = {}  # order facts a rulebook needs (carrier, promised_days)

    def __init__(self) -> None:
        super().__init__()
        self.order: Order
        self.now: pendulum.DateTime
        self.disputes: list[Dispute] = []
        self.ranks: dict[int, int] = {}
        self.closed: dict[int, Outcome | None] = {}

    @initialize(order=orders(shipped=True, received=False, paid=True), data=st.data())
    def start(self, order: Order, data: st.DataObject) -> None:
        self.order = attrs.evolve(order, **self.facts)
        if self.book.has("protection.period", "at_most"):  # a timer the rulebook allows
            longest = self.book.number("protection.period", "at_most")
            self.order = attrs.evolve(self.order, extensions=(), protection_days=min(order.protection_days, longest))
        window = aliprotect.dispute_window(self.order, rules=self.book)
        span = int((window.closes - window.opens).total_seconds())
        # mostly inside the dispute window, sometimes before it
        offset = data.draw(st.integers(min_value=0, max_value=max(span - 1, 0)) | st.integers(-8 * DAY, 0))
        self.now = max(window.opens.add(seconds=offset), order.placed_at)

    # --- time and opening ----------------------------------------------------------

    @rule(seconds=st.integers(min_value=0, max_value=4 * DAY) | st.sampled_from([DAY, 5 * DAY, 7 * DAY, 10 * DAY]))
    def time_passes(self, seconds: int) -> None:
        self.now = self.now.add(seconds=seconds)

    @rule(
        kind=st.sampled_from(ClaimKind),
        data=st.data(),
        share=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1.2"), places=2),
    )
    def open(self, kind: ClaimKind, data: st.DataObject, share: Decimal) -> None:
        assert self.order.amount is not None
        # mostly a resolution the kind can have, sometimes any
        allowed = self.book.rule(kind.rule_id).resolutions
        resolution = data.draw(st.sampled_from(allowed) | st.sampled_from(Resolution))
        amount = None
        if resolution is Resolution.PARTIAL_REFUND:
            amount = Money(
                max(Decimal("0.01"), (self.order.amount.amount * share).quantize(Decimal("0.01"))),
                self.order.amount.currency,
            )
        claim = Claim(kind=kind, resolution=resolution, amount=amount)
        try:
            dispute = aliprotect.open_dispute(self.order, claim, at=self.now, rules=self.book, previous=self.disputes)
        except AliprotectError:
            return
        self.disputes.append(dispute)

    # --- transitions of the latest dispute --------------------------------------------

    def _try(self, transition: object, **arguments: object) -> None:
        """Apply ``transition`` to the latest dispute, if there is one."""
        if not self.disputes:
            return
        before = self.disputes[-1]
        events = before.events
        try:
            after = transition(before, at=self.now, rules=self.book, **arguments)  # type: ignore[operator]
        except AliprotectError as refused:
            event(f"refused: {type(refused).__name__}")
            assert self.disputes[-1] is before
            assert before.events == events
            return
        event(f"applied: {after.events[-1].kind.value}")
        assert len(after.events) == len(events) + 1
        assert after.events[:-1] == events
        self.disputes[-1] = after

    @rule()
    def seller_accepts(self) -> None:
        self._try(aliprotect.seller_accepts)

    @rule(rude=st.booleans())
    def seller_rejects(self, rude: bool) -> None:
        self._try(aliprotect.seller_rejects, rude=rude)

    @rule(share=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1.5"), places=2))
    def seller_offers(self, share: Decimal) -> None:
        assert self.order.amount is not None
        offer = Money(
            (self.order.amount.amount * share).quantize(Decimal("0.01")) or Decimal("0.01"),
            self.order.amount.currency,
        )
        self._try(aliprotect.seller_offers, refund=offer)

    @rule()
    def buyer_accepts_offer(self) -> None:
        self._try(aliprotect.buyer_accepts_offer)

    @rule()
    def buyer_cancels(self) -> None:
        self._try(aliprotect.buyer_cancels)

    @rule()
    def buyer_escalates(self) -> None:
        self._try(aliprotect.buyer_escalates)

    @rule(
        buyer_wins=st.booleans(),
        share=st.none() | st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1.5"), places=2),
    )
    def moderator_decides(self, buyer_wins: bool, share: Decimal | None) -> None:
        assert self.order.amount is not None
        refund = (
            None
            if share is None
            else Money(
                (self.order.amount.amount * share).quantize(Decimal("0.01")) or Decimal("0.01"),
                self.order.amount.currency,
            )
        )
        self._try(aliprotect.moderator_decides, buyer_wins=buyer_wins, refund=refund)

    @rule()
    def platform_refunds(self) -> None:
        self._try(aliprotect.platform_refunds)

    @rule(tracking_number=st.sampled_from(["RR123456789CN", "LP00417245813281", ""]))
    def buyer_ships_return(self, tracking_number: str) -> None:
        self._try(aliprotect.buyer_ships_return, tracking_number=tracking_number)

    # --- invariants ---------------------------------------------------------------------

    def _statuses(self) -> list[aliprotect.DisputeStatus]:
        return [aliprotect.dispute_status(dispute, at=self.now, rules=self.book) for dispute in self.disputes]

    @invariant()
    def at_most_one_open_dispute(self) -> None:
        if self.disputes:
            assert sum(not s.closed for s in self._statuses()) <= 1

    @invariant()
    def closed_stays_closed_and_status_never_goes_back(self) -> None:
        if not self.disputes:
            return
        for index, now in enumerate(self._statuses()):
            assert now.stage.rank >= self.ranks.get(index, 0)
            self.ranks[index] = now.stage.rank
            if index in self.closed:
                assert now.closed
                assert now.outcome is self.closed[index]
            elif now.closed:
                self.closed[index] = now.outcome

    @invariant()
    def every_status_explains_itself(self) -> None:
        if not self.disputes:
            return
        for now in self._statuses():
            assert now.rule_ids
            assert all(rule_id in self.book.rules for rule_id in now.rule_ids)
            assert now.rulebook == self.book.version
            for deadline in now.deadlines:
                assert deadline.rule_ids
                assert all(rule_id in self.book.rules for rule_id in deadline.rule_ids)

    @invariant()
    def refunds_never_exceed_the_amount_paid(self) -> None:
        if not self.disputes:
            return
        assert self.order.amount is not None
        paid = self.order.amount.amount
        statuses = self._statuses()
        for now in statuses:
            assert now.refund is None or now.refund.amount <= paid
            assert now.refund is None or now.refund.currency == self.order.amount.currency
        made = [
            s.refund.amount for s in statuses if s.outcome in {Outcome.REFUNDED, Outcome.OFFER_ACCEPTED} and s.refund
        ]
        assert sum(made, Decimal(0)) <= paid

    @invariant()
    def open_stages_are_the_open_ones(self) -> None:
        if self.disputes:
            assert all((s.outcome is None) == (s.stage is not Stage.CLOSED) for s in self._statuses())


DisputeMachine.TestCase.settings = settings(settings.default, stateful_step_count=50)
TestDisputeMachine = DisputeMachine.TestCase


class LaterPagesMachine(DisputeMachine):
    """The same invariants under rulebook undated.2: a claim phase and no moderator time."""

    book = aliprotect.rulebook("undated.2")
    facts: ClassVar[dict[str, object]] = {"promised_days": 10}


LaterPagesMachine.TestCase.settings = settings(
    settings.default, stateful_step_count=50, max_examples=max(settings.default.max_examples // 3, 10)
)
TestLaterPagesMachine = LaterPagesMachine.TestCase
