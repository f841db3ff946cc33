"""One worked example per rule id of the dispute, refund, return and claim groups, and bad input.

Every example uses rulebook 2025.1 and an order of 20.00 EUR shipped from Paris, so the
instants can be checked by hand against the rule catalog.
"""

from decimal import Decimal

import pendulum
import pytest

import aliprotect
from aliprotect import Circumstance, Claim, ClaimKind, Dispute, Evidence, Money, Order, Outcome, Resolution, Stage
from aliprotect.errors import (
    ActionRefusedError,
    ClaimNotCoveredError,
    DisputeClosedError,
    InvalidValueError,
    TimeOrderError,
)

RULES = aliprotect.rulebook("2025.1")
EUR = "EUR"


def paris(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="Europe/Paris")


def eur(amount: str) -> Money:
    return Money(amount, EUR)


ORDER = Order(
    id="D1",
    placed_at=paris(2025, 3, 1, 10),
    shipped_at=paris(2025, 3, 3, 18),
    protection_days=60,
    amount=eur("20.00"),
)
OPENED = paris(2025, 4, 1, 9)  # the seller's 5 days end 6 April 09:00; the moderator comes 8 April 09:00


def open_(claim: Claim | None = None, *, at: pendulum.DateTime = OPENED, order: Order = ORDER) -> Dispute:
    return aliprotect.open_dispute(order, claim or Claim(kind=ClaimKind.NOT_RECEIVED), at=at, rules=RULES)


def stage_at(dispute: Dispute, at: pendulum.DateTime) -> Stage:
    return aliprotect.dispute_status(dispute, at=at, rules=RULES).stage


# --- dispute.* ---------------------------------------------------------------------------


def test_dispute_seller_reply() -> None:
    dispute = open_()
    now = aliprotect.dispute_status(dispute, at=paris(2025, 4, 6, 8, 59), rules=RULES)
    assert now.stage is Stage.AWAITING_SELLER
    assert [(d.name, d.at) for d in now.deadlines] == [("seller_reply_by", paris(2025, 4, 6, 9))]
    assert now.deadlines[0].rule_ids == ("dispute.seller_reply", "dispute.seller_silent")
    assert now.rule_ids == ("dispute.seller_reply",)
    assert now.rulebook == "2025.1"


def test_dispute_seller_silent() -> None:
    dispute = open_()
    won = aliprotect.dispute_status(dispute, at=paris(2025, 4, 6, 9), rules=RULES)
    assert won.stage is Stage.REFUND_DUE
    assert won.refund == eur("20.00")  # the full refund asked for
    assert won.rule_ids == ("dispute.seller_reply", "dispute.seller_silent")
    with pytest.raises(
        ActionRefusedError, match=r"seller_accepts at .* is not possible while the dispute is refund_due"
    ):
        aliprotect.seller_accepts(dispute, at=paris(2025, 4, 6, 9), rules=RULES)
    paid = aliprotect.platform_refunds(dispute, at=paris(2025, 4, 7), rules=RULES)
    assert aliprotect.dispute_status(paid, at=paris(2025, 4, 7), rules=RULES).outcome is Outcome.REFUNDED


def test_dispute_seller_accepts() -> None:
    partial = Claim(kind=ClaimKind.DAMAGED, resolution=Resolution.PARTIAL_REFUND, amount=eur("6.50"))
    accepted = aliprotect.seller_accepts(open_(partial), at=paris(2025, 4, 2), rules=RULES)
    now = aliprotect.dispute_status(accepted, at=paris(2025, 4, 2), rules=RULES)
    assert now.stage is Stage.REFUND_DUE
    assert now.refund == eur("6.50")  # refunded as asked
    assert now.rule_ids == ("dispute.seller_accepts",)


def test_dispute_escalation() -> None:
    rejected = aliprotect.seller_rejects(open_(), at=paris(2025, 4, 2), rules=RULES)
    now = aliprotect.dispute_status(rejected, at=paris(2025, 4, 8, 8, 59), rules=RULES)
    assert now.stage is Stage.NEGOTIATING
    assert [(d.name, d.at) for d in now.deadlines] == [("moderator_from", paris(2025, 4, 8, 9))]
    # without agreement 7 days after opening, a moderator decides
    assert stage_at(rejected, paris(2025, 4, 8, 9)) is Stage.WITH_MODERATOR
    # the buyer can escalate sooner, for instance after a rude reply
    rude = aliprotect.seller_rejects(open_(), at=paris(2025, 4, 2), rude=True, rules=RULES)
    assert "rude" in aliprotect.dispute_status(rude, at=paris(2025, 4, 2), rules=RULES).description
    escalated = aliprotect.buyer_escalates(rude, at=paris(2025, 4, 2, 12), rules=RULES)
    assert stage_at(escalated, paris(2025, 4, 2, 12)) is Stage.WITH_MODERATOR
    assert aliprotect.dispute_status(escalated, at=paris(2025, 4, 3), rules=RULES).rule_ids == ("dispute.escalation",)


def test_dispute_escalation_needs_a_reply_first() -> None:
    with pytest.raises(ActionRefusedError, match=r"buyer_escalates .* awaiting_seller") as refused:
        aliprotect.buyer_escalates(open_(), at=paris(2025, 4, 2), rules=RULES)
    assert refused.value.rule_ids == ("dispute.seller_reply",)


def test_dispute_accept_offer_closes() -> None:
    offered = aliprotect.seller_offers(open_(), at=paris(2025, 4, 2), refund=eur("8.00"), rules=RULES)
    assert aliprotect.dispute_status(offered, at=paris(2025, 4, 2), rules=RULES).offer == eur("8.00")
    accepted = aliprotect.buyer_accepts_offer(offered, at=paris(2025, 4, 3), rules=RULES)
    closed = aliprotect.dispute_status(accepted, at=paris(2025, 4, 3), rules=RULES)
    assert (closed.stage, closed.outcome, closed.refund) == (
        Stage.CLOSED,
        Outcome.OFFER_ACCEPTED,
        eur("8.00"),
    )
    assert closed.rule_ids == ("dispute.accept_offer_closes",)
    with pytest.raises(ActionRefusedError, match=r"closed by the buyer .* cannot be reopened") as refused:
        aliprotect.open_dispute(
            ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 10), rules=RULES, previous=[accepted]
        )
    assert refused.value.rule_ids == ("dispute.accept_offer_closes",)


def test_dispute_closed_by_the_buyer_cannot_be_reopened() -> None:
    cancelled = aliprotect.buyer_cancels(open_(), at=paris(2025, 4, 2), rules=RULES)
    assert aliprotect.dispute_status(cancelled, at=paris(2025, 4, 2), rules=RULES).outcome is Outcome.CANCELLED_BY_BUYER
    with pytest.raises(ActionRefusedError, match=r"cannot be reopened"):
        aliprotect.open_dispute(
            ORDER,
            Claim(kind=ClaimKind.NOT_RECEIVED),
            at=paris(2025, 4, 10),
            rules=RULES,
            previous=[cancelled],
        )


def test_there_is_no_offer_to_accept_before_one_is_made() -> None:
    rejected = aliprotect.seller_rejects(open_(), at=paris(2025, 4, 2), rules=RULES)
    with pytest.raises(ActionRefusedError, match=r"the seller has made no offer to accept"):
        aliprotect.buyer_accepts_offer(rejected, at=paris(2025, 4, 3), rules=RULES)


def test_dispute_closes_on_refund() -> None:
    accepted = aliprotect.seller_accepts(open_(), at=paris(2025, 4, 2), rules=RULES)
    refunded = aliprotect.platform_refunds(accepted, at=paris(2025, 4, 3), rules=RULES)
    closed = aliprotect.dispute_status(refunded, at=paris(2025, 4, 3), rules=RULES)
    assert (closed.stage, closed.outcome, closed.refund) == (Stage.CLOSED, Outcome.REFUNDED, eur("20.00"))
    assert "dispute.closes_on_refund" in closed.rule_ids


def test_dispute_lost_is_final() -> None:
    rejected = aliprotect.seller_rejects(open_(), at=paris(2025, 4, 2), rules=RULES)
    lost = aliprotect.moderator_decides(rejected, at=paris(2025, 4, 10), buyer_wins=False, rules=RULES)
    closed = aliprotect.dispute_status(lost, at=paris(2025, 4, 10), rules=RULES)
    assert (closed.stage, closed.outcome, closed.rule_ids) == (
        Stage.CLOSED,
        Outcome.LOST,
        ("dispute.lost_is_final",),
    )
    with pytest.raises(ActionRefusedError, match=r"ends the chance of a refund") as refused:
        aliprotect.open_dispute(
            ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 11), rules=RULES, previous=[lost]
        )
    assert refused.value.rule_ids == ("dispute.lost_is_final",)


def test_the_moderator_can_decide_for_the_buyer_with_another_amount() -> None:
    rejected = aliprotect.seller_rejects(open_(), at=paris(2025, 4, 2), rules=RULES)
    won = aliprotect.moderator_decides(rejected, at=paris(2025, 4, 9), buyer_wins=True, refund=eur("15"), rules=RULES)
    assert aliprotect.dispute_status(won, at=paris(2025, 4, 9), rules=RULES).refund == eur("15")
    with pytest.raises(ActionRefusedError, match=r"moderator_decides .* awaiting_seller"):
        aliprotect.moderator_decides(open_(), at=paris(2025, 4, 2), buyer_wins=True, rules=RULES)


# --- refund.* and return.window ------------------------------------------------------------


def test_refund_only_through_dispute() -> None:
    # a refund is only ever an event of a dispute, and only once the dispute has made it due
    with pytest.raises(
        ActionRefusedError, match=r"platform_refunds .* not possible while the dispute is awaiting_seller"
    ):
        aliprotect.platform_refunds(open_(), at=paris(2025, 4, 2), rules=RULES)
    assert not hasattr(ORDER, "refund")
    accepted = aliprotect.seller_accepts(open_(), at=paris(2025, 4, 2), rules=RULES)
    refunded = aliprotect.platform_refunds(accepted, at=paris(2025, 4, 3), rules=RULES)
    assert (
        "refund.only_through_dispute" in aliprotect.dispute_status(refunded, at=paris(2025, 4, 3), rules=RULES).rule_ids
    )


def test_refund_arrival() -> None:
    accepted = aliprotect.seller_accepts(open_(), at=paris(2025, 4, 2), rules=RULES)
    refunded = aliprotect.platform_refunds(accepted, at=paris(2025, 4, 3, 15), rules=RULES)
    closed = aliprotect.dispute_status(refunded, at=paris(2025, 4, 4), rules=RULES)
    assert [(d.name, d.at, d.rule_ids) for d in closed.deadlines] == [
        ("refund_arrives_by", paris(2025, 4, 10, 15), ("refund.arrival",))
    ]


def test_return_window() -> None:
    claim = Claim(kind=ClaimKind.WRONG_ITEM, resolution=Resolution.REFUND_WITH_RETURN, evidence=[Evidence.PHOTOS])
    dispute = open_(claim)
    waiting = aliprotect.dispute_status(dispute, at=OPENED, rules=RULES)
    assert waiting.deadlines[0].rule_ids == ("return.window", "dispute.seller_reply", "dispute.seller_silent")
    accepted = aliprotect.seller_accepts(dispute, at=paris(2025, 4, 2, 12), rules=RULES)
    due = aliprotect.dispute_status(accepted, at=paris(2025, 4, 2, 12), rules=RULES)
    assert due.stage is Stage.RETURN_DUE
    assert [(d.name, d.at) for d in due.deadlines] == [("return_by", paris(2025, 4, 12, 12))]
    with pytest.raises(InvalidValueError, match=r"a return is shipped with a tracking number"):
        aliprotect.buyer_ships_return(accepted, at=paris(2025, 4, 5), tracking_number=" ", rules=RULES)
    shipped = aliprotect.buyer_ships_return(
        accepted, at=paris(2025, 4, 12, 11, 59), tracking_number="RR123456789FR", rules=RULES
    )
    refund_due = aliprotect.dispute_status(shipped, at=paris(2025, 4, 12, 12), rules=RULES)
    assert (refund_due.stage, refund_due.refund) == (Stage.REFUND_DUE, eur("20.00"))
    assert "RR123456789FR" in refund_due.description
    # at the deadline itself the return window is shut (C3)
    assert stage_at(accepted, paris(2025, 4, 12, 12)) is Stage.RETURN_MISSED
    with pytest.raises(ActionRefusedError, match=r"buyer_ships_return .* return_missed"):
        aliprotect.buyer_ships_return(accepted, at=paris(2025, 4, 12, 12), tracking_number="RR1", rules=RULES)


# --- claim.* ---------------------------------------------------------------------------------

CLAIMS = {
    ClaimKind.NOT_RECEIVED: ({Resolution.FULL_REFUND}, Evidence.TRACKING_SCREENSHOT),
    ClaimKind.LATE: ({Resolution.FULL_REFUND, Resolution.PARTIAL_REFUND}, Evidence.TRACKING_SCREENSHOT),
    ClaimKind.NOT_AS_DESCRIBED: (
        {Resolution.PARTIAL_REFUND, Resolution.FULL_REFUND, Resolution.REFUND_WITH_RETURN},
        Evidence.PHOTOS,
    ),
    ClaimKind.WRONG_ITEM: ({Resolution.FULL_REFUND, Resolution.REFUND_WITH_RETURN}, Evidence.PHOTOS),
    ClaimKind.DAMAGED: (
        {Resolution.FULL_REFUND, Resolution.PARTIAL_REFUND, Resolution.REFUND_WITH_RETURN},
        Evidence.PHOTOS,
    ),
    ClaimKind.MISSING_ITEMS: ({Resolution.PARTIAL_REFUND, Resolution.REFUND_WITH_RETURN}, Evidence.PHOTOS),
    ClaimKind.COUNTERFEIT: ({Resolution.FULL_REFUND}, Evidence.PHOTOS),
}


def _claim(kind: ClaimKind, resolution: Resolution) -> Claim:
    amount = eur("5.00") if resolution is Resolution.PARTIAL_REFUND else None
    return Claim(kind=kind, resolution=resolution, amount=amount)


@pytest.mark.parametrize("kind", list(CLAIMS), ids=[kind.rule_id for kind in CLAIMS])
def test_claim_kinds_and_their_resolutions(kind: ClaimKind) -> None:
    allowed, evidence = CLAIMS[kind]
    rule = RULES.rule(kind.rule_id)
    assert set(rule.resolutions) == allowed
    assert evidence in rule.evidence
    for resolution in Resolution:
        if resolution in allowed:
            assert open_(_claim(kind, resolution)).claim.resolution is resolution
        else:
            with pytest.raises(InvalidValueError, match=rf"not possible for a {kind.value} claim \({kind.rule_id}"):
                open_(_claim(kind, resolution))


def test_claim_not_received_asks_for_tracking_and_the_carriers_word() -> None:
    evidence = RULES.rule("claim.not_received").evidence
    assert Evidence.CARRIER_STATEMENT in evidence
    assert Evidence.SELLER_MESSAGES in evidence


@pytest.mark.parametrize("circumstance", list(Circumstance))
def test_claim_not_covered(circumstance: Circumstance) -> None:
    claim = Claim(kind=ClaimKind.NOT_RECEIVED, circumstance=circumstance)
    with pytest.raises(ClaimNotCoveredError, match=r"claim.not_covered: seed 001:149") as refused:
        open_(claim)
    assert refused.value.rule_ids == ("claim.not_covered",)


def test_a_partial_refund_needs_an_amount_and_only_a_partial_refund_has_one() -> None:
    with pytest.raises(InvalidValueError, match=r"a partial refund needs the amount asked"):
        Claim(kind=ClaimKind.DAMAGED, resolution=Resolution.PARTIAL_REFUND)
    with pytest.raises(InvalidValueError, match=r"goes only with Resolution.PARTIAL_REFUND"):
        Claim(kind=ClaimKind.DAMAGED, amount=eur("3"))


# --- conventions and the window ----------------------------------------------------------------


def test_an_open_dispute_keeps_running_after_the_order_completes() -> None:
    # protection ends 2 May 18:00; a dispute opened the day before goes on (C7)
    dispute = open_(at=paris(2025, 5, 1, 18))
    rejected = aliprotect.seller_rejects(dispute, at=paris(2025, 5, 3), rules=RULES)
    assert stage_at(rejected, paris(2025, 5, 30)) is Stage.WITH_MODERATOR
    decided = aliprotect.moderator_decides(rejected, at=paris(2025, 6, 1), buyer_wins=True, rules=RULES)
    refunded = aliprotect.platform_refunds(decided, at=paris(2025, 6, 2), rules=RULES)
    closed = aliprotect.dispute_status(refunded, at=paris(2025, 6, 2), rules=RULES)
    assert (closed.outcome, closed.refund) == (Outcome.REFUNDED, eur("20.00"))


def test_a_dispute_opens_only_inside_the_window() -> None:
    with pytest.raises(ActionRefusedError, match=r"too early") as early:
        open_(at=paris(2025, 3, 8, 23))
    assert early.value.rule_ids == ("open.earliest",)
    with pytest.raises(ActionRefusedError, match=r"too late") as late:
        open_(at=paris(2025, 5, 17, 18))
    assert late.value.rule_ids == ("open.latest",)


def test_one_dispute_at_a_time() -> None:
    first = open_()
    with pytest.raises(ActionRefusedError, match=r"already has an open dispute"):
        aliprotect.open_dispute(
            ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 2), rules=RULES, previous=[first]
        )


def test_a_refunded_dispute_leaves_only_the_rest_to_claim() -> None:
    partial = Claim(kind=ClaimKind.MISSING_ITEMS, resolution=Resolution.PARTIAL_REFUND, amount=eur("12.00"))
    refunded = aliprotect.platform_refunds(
        aliprotect.seller_accepts(open_(partial), at=paris(2025, 4, 2), rules=RULES),
        at=paris(2025, 4, 3),
        rules=RULES,
    )
    second = aliprotect.open_dispute(
        ORDER, Claim(kind=ClaimKind.DAMAGED), at=paris(2025, 4, 5), rules=RULES, previous=[refunded]
    )
    assert second.refundable == eur("8.00")
    with pytest.raises(InvalidValueError, match=r"more than the 8.00 EUR left to refund"):
        aliprotect.open_dispute(
            ORDER,
            Claim(kind=ClaimKind.DAMAGED, resolution=Resolution.PARTIAL_REFUND, amount=eur("9")),
            at=paris(2025, 4, 5),
            rules=RULES,
            previous=[refunded],
        )
    full = aliprotect.platform_refunds(
        aliprotect.seller_accepts(second, at=paris(2025, 4, 6), rules=RULES),
        at=paris(2025, 4, 7),
        rules=RULES,
    )
    with pytest.raises(ActionRefusedError, match=r"refunded in full"):
        aliprotect.open_dispute(
            ORDER, Claim(kind=ClaimKind.LATE), at=paris(2025, 4, 8), rules=RULES, previous=[refunded, full]
        )


# --- bad input -------------------------------------------------------------------------------------


def test_events_out_of_time_order_are_refused() -> None:
    rejected = aliprotect.seller_rejects(open_(), at=paris(2025, 4, 3), rules=RULES)
    with pytest.raises(TimeOrderError, match=r"seller_offers at .* is before the previous event"):
        aliprotect.seller_offers(rejected, at=paris(2025, 4, 2), refund=eur("1"), rules=RULES)


def test_a_seller_event_before_the_dispute_opened_is_refused() -> None:
    with pytest.raises(TimeOrderError, match=r"is before the dispute opened"):
        aliprotect.seller_accepts(open_(), at=paris(2025, 3, 31), rules=RULES)


def test_any_event_after_the_dispute_closed_is_refused() -> None:
    cancelled = aliprotect.buyer_cancels(open_(), at=paris(2025, 4, 2), rules=RULES)
    for transition in (aliprotect.seller_accepts, aliprotect.buyer_cancels, aliprotect.buyer_escalates):
        with pytest.raises(DisputeClosedError, match=r"is closed \(closed at 2025-04-02T00:00:00\+02:00 by the buyer"):
            transition(cancelled, at=paris(2025, 4, 3), rules=RULES)


def test_a_refund_larger_than_the_order_or_in_another_currency_is_refused() -> None:
    with pytest.raises(InvalidValueError, match=r"more than the 20.00 EUR left to refund"):
        open_(Claim(kind=ClaimKind.DAMAGED, resolution=Resolution.PARTIAL_REFUND, amount=eur("20.01")))
    with pytest.raises(InvalidValueError, match=r"is in USD, but order D1 was paid in EUR"):
        open_(Claim(kind=ClaimKind.DAMAGED, resolution=Resolution.PARTIAL_REFUND, amount=Money("2", "USD")))
    dispute = open_()
    with pytest.raises(InvalidValueError, match=r"more than the 20.00 EUR"):
        aliprotect.seller_offers(dispute, at=paris(2025, 4, 2), refund=eur("25"), rules=RULES)
    accepted = aliprotect.seller_accepts(dispute, at=paris(2025, 4, 2), rules=RULES)
    with pytest.raises(InvalidValueError, match=r"is in USD"):
        aliprotect.platform_refunds(accepted, at=paris(2025, 4, 3), refund=Money("20", "USD"), rules=RULES)


def test_an_unknown_order_amount_needs_the_refund_amount() -> None:
    order = Order(id="D2", placed_at=ORDER.placed_at, shipped_at=ORDER.shipped_at, protection_days=60)
    accepted = aliprotect.seller_accepts(open_(order=order), at=paris(2025, 4, 2), rules=RULES)
    assert aliprotect.dispute_status(accepted, at=paris(2025, 4, 2), rules=RULES).refund is None
    with pytest.raises(InvalidValueError, match=r"the amount of order D2 is unknown"):
        aliprotect.platform_refunds(accepted, at=paris(2025, 4, 3), rules=RULES)
    refunded = aliprotect.platform_refunds(accepted, at=paris(2025, 4, 3), refund=Money("9.99", "USD"), rules=RULES)
    assert aliprotect.dispute_status(refunded, at=paris(2025, 4, 3), rules=RULES).refund == Money(
        Decimal("9.99"), "USD"
    )


def test_a_refused_transition_leaves_the_dispute_untouched() -> None:
    dispute = open_()
    before = (dispute.events, aliprotect.dispute_status(dispute, at=paris(2025, 4, 2), rules=RULES))
    with pytest.raises(ActionRefusedError):
        aliprotect.buyer_escalates(dispute, at=paris(2025, 4, 2), rules=RULES)
    assert (dispute.events, aliprotect.dispute_status(dispute, at=paris(2025, 4, 2), rules=RULES)) == before


def test_the_status_of_a_dispute_before_it_opened_is_refused() -> None:
    with pytest.raises(TimeOrderError, match=r"before the dispute of order D1 opened"):
        aliprotect.dispute_status(open_(), at=paris(2025, 3, 31), rules=RULES)


def test_a_dispute_is_read_with_the_rulebook_it_was_opened_under() -> None:
    dispute = open_()
    assert aliprotect.dispute_status(dispute, at=OPENED).rulebook == "2025.1"  # rules left out: the pinned one
    other = aliprotect.Rulebook.from_toml(
        (__import__("importlib").resources.files("aliprotect") / "rulebooks" / "2025.1.toml")
        .read_text(encoding="utf-8")
        .replace('version = "2025.1"', 'version = "2025.1-custom"')
    )
    with pytest.raises(InvalidValueError, match=r"was opened under rulebook 2025.1 \(sha256:.*pass that very rulebook"):
        aliprotect.dispute_status(dispute, at=OPENED, rules=other)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "seller_accepts"}, "must be a DisputeEventKind: one of DisputeEventKind.SELLER_ACCEPTS"),
        ({"kind": aliprotect.DisputeEventKind.SELLER_OFFERS}, "needs the amount offered"),
        (
            {"kind": aliprotect.DisputeEventKind.SELLER_ACCEPTS, "amount": Money("1", EUR)},
            "does not go with a seller_accepts",
        ),
        ({"kind": aliprotect.DisputeEventKind.PLATFORM_REFUNDS, "amount": Money("0", EUR)}, "must be greater than 0"),
        ({"kind": aliprotect.DisputeEventKind.MODERATOR_DECIDES}, "needs True or False"),
        ({"kind": aliprotect.DisputeEventKind.SELLER_ACCEPTS, "buyer_wins": True}, "no other event has one"),
        (
            {"kind": aliprotect.DisputeEventKind.SELLER_ACCEPTS, "tracking_number": "RR1"},
            "goes only with a buyer_ships_return",
        ),
        ({"kind": aliprotect.DisputeEventKind.SELLER_ACCEPTS, "rude": True}, "True only for a seller_rejects"),
    ],
)
def test_malformed_events_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        aliprotect.DisputeEvent(at=OPENED, **fields)  # type: ignore[arg-type]


def test_a_dispute_built_by_hand_must_keep_its_events_in_order() -> None:
    late = aliprotect.DisputeEvent(kind=aliprotect.DisputeEventKind.SELLER_REJECTS, at=paris(2025, 4, 3))
    early = aliprotect.DisputeEvent(kind=aliprotect.DisputeEventKind.BUYER_ESCALATES, at=paris(2025, 4, 2))
    with pytest.raises(TimeOrderError, match=r"events must be in time order"):
        Dispute(
            order=ORDER,
            claim=Claim(kind=ClaimKind.LATE),
            opened_at=OPENED,
            rulebook="2025.1",
            fingerprint=RULES.fingerprint,
            events=(late, early),
        )
    with pytest.raises(TimeOrderError, match=r"before order D1 was placed"):
        Dispute(
            order=ORDER,
            claim=Claim(kind=ClaimKind.LATE),
            opened_at=paris(2025, 2, 1),
            rulebook="2025.1",
            fingerprint=RULES.fingerprint,
        )
    bad = Dispute(
        order=ORDER,
        claim=Claim(kind=ClaimKind.LATE),
        opened_at=OPENED,
        rulebook="2025.1",
        fingerprint=RULES.fingerprint,
        events=(early,),
    )
    with pytest.raises(ActionRefusedError, match=r"buyer_escalates"):
        aliprotect.dispute_status(bad, at=paris(2025, 4, 5), rules=RULES)


def test_the_status_at_a_past_instant_ignores_later_events() -> None:
    accepted = aliprotect.seller_accepts(open_(), at=paris(2025, 4, 3), rules=RULES)
    assert stage_at(accepted, paris(2025, 4, 2)) is Stage.AWAITING_SELLER
    assert stage_at(accepted, paris(2025, 4, 3)) is Stage.REFUND_DUE


def test_previous_disputes_must_be_of_the_order_and_earlier() -> None:
    other = Order(id="D9", placed_at=ORDER.placed_at, shipped_at=ORDER.shipped_at, protection_days=60)
    foreign = aliprotect.buyer_cancels(open_(order=other), at=paris(2025, 4, 2), rules=RULES)
    with pytest.raises(InvalidValueError, match=r"previous holds a dispute of order D9"):
        aliprotect.open_dispute(
            ORDER, Claim(kind=ClaimKind.LATE), at=paris(2025, 4, 3), rules=RULES, previous=[foreign]
        )
    later = open_(at=paris(2025, 4, 5))
    with pytest.raises(TimeOrderError, match=r"opened at 2025-04-05T00:00:00\+02:00, after at="):
        aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.LATE), at=paris(2025, 4, 3), rules=RULES, previous=[later])


@pytest.mark.parametrize(
    "events", ["x", 5, aliprotect.DisputeEvent(kind=aliprotect.DisputeEventKind.BUYER_CANCELS, at=OPENED), [1]]
)
def test_dispute_events_must_be_a_sequence_of_events(events: object) -> None:
    with pytest.raises(InvalidValueError, match=r"events"):
        Dispute(
            order=ORDER,
            claim=Claim(kind=ClaimKind.LATE),
            opened_at=OPENED,
            rulebook="2025.1",
            fingerprint=RULES.fingerprint,
            events=events,
        )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "late"}, r"kind='late' must be a ClaimKind"),
        (
            {"kind": ClaimKind.LATE, "resolution": "full_refund"},
            r"resolution='full_refund' must be a Resolution",
        ),
        ({"kind": ClaimKind.LATE, "evidence": Evidence.PHOTOS}, r"must be a sequence of Evidence values"),
        ({"kind": ClaimKind.LATE, "evidence": ["photos"]}, r"evidence holds 'photos'"),
        (
            {"kind": ClaimKind.LATE, "circumstance": "unclaimed"},
            r"circumstance='unclaimed' must be a Circumstance",
        ),
        ({"kind": ClaimKind.LATE, "amount": 5}, r"amount=5 must be a Money value"),
    ],
)
def test_malformed_claims_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        Claim(**fields)  # type: ignore[arg-type]
