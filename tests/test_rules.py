"""One worked example per rule id of the timeline, protection, cancel and escrow groups.

Each test is named after the rule it checks, uses rulebook 2025.1 and states the
instants by hand, so a reader can check them against the rule catalog.
"""

import pendulum
import pytest

import aliprotect
from aliprotect import ClaimKind, Extension, Order

RULES = aliprotect.rulebook("2025.1")
PARIS = "Europe/Paris"


def paris(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=PARIS)


@pytest.fixture
def order() -> Order:
    """Placed 1 March 2025, shipped 3 March 18:00 in Paris, 60 days of protection."""
    return Order(id="A1", placed_at=paris(2025, 3, 1, 10), shipped_at=paris(2025, 3, 3, 18), protection_days=60)


def test_open_earliest(order: Order) -> None:
    # day 6 after 3 March is 9 March, from 00:00 local time (C4)
    window = aliprotect.dispute_window(order, rules=RULES)
    assert window.opens == paris(2025, 3, 9)
    before = aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=paris(2025, 3, 8, 23, 59, 59), rules=RULES)
    assert not before
    assert before.rule_ids == ("open.earliest",)
    assert "2025-03-09T00:00:00+01:00" in before.reason
    assert aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=paris(2025, 3, 9), rules=RULES)


def test_open_latest(order: Order) -> None:
    # protection ends 2 May 18:00 (60 days, DST kept the wall clock); 15 days later: 17 May 18:00
    window = aliprotect.dispute_window(order, rules=RULES)
    assert window.closes == paris(2025, 5, 17, 18)
    inside = aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=paris(2025, 5, 17, 17, 59, 59), rules=RULES)
    assert inside
    assert inside.rule_ids == ("open.earliest", "open.latest", "open.not_received_before_receipt")
    closed = aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=paris(2025, 5, 17, 18), rules=RULES)
    assert not closed
    assert closed.rule_ids == ("open.latest",)
    assert "no refund" in closed.reason


def test_open_latest_counts_from_receipt_when_the_buyer_confirms_first(order: Order) -> None:
    confirmed = Order(
        id="A1",
        placed_at=order.placed_at,
        shipped_at=order.shipped_at,
        received_at=paris(2025, 3, 28, 12),
        protection_days=60,
    )
    assert aliprotect.dispute_window(confirmed, rules=RULES).closes == paris(2025, 4, 12, 12)


def test_open_not_received_before_receipt(order: Order) -> None:
    confirmed = Order(
        id="A1",
        placed_at=order.placed_at,
        shipped_at=order.shipped_at,
        received_at=paris(2025, 3, 20, 9),
        protection_days=60,
    )
    before_receipt = aliprotect.can_open_dispute(
        confirmed, ClaimKind.NOT_RECEIVED, at=paris(2025, 3, 20, 8, 59), rules=RULES
    )
    assert before_receipt
    after = aliprotect.can_open_dispute(confirmed, ClaimKind.NOT_RECEIVED, at=paris(2025, 3, 20, 9), rules=RULES)
    assert not after
    assert after.rule_ids == ("open.not_received_before_receipt",)
    # another kind of claim is still open after receipt
    damaged = aliprotect.can_open_dispute(confirmed, ClaimKind.DAMAGED, at=paris(2025, 3, 20, 9), rules=RULES)
    assert damaged
    assert damaged.rule_ids == ("open.earliest", "open.latest")


def test_protection_period(order: Order) -> None:
    assert RULES.quantity("protection.period", "default").value == 60
    end = aliprotect.protection_end(order, rules=RULES)
    # 60 calendar days after 3 March 18:00 CET is 2 May 18:00 CEST (C2: wall clock kept)
    assert end.at == paris(2025, 5, 2, 18)
    assert end.rule_ids == ("protection.period",)
    assert end.rulebook == "2025.1"


def test_protection_extension(order: Order) -> None:
    extended = aliprotect.grant_extension(order, days=15, at=paris(2025, 4, 25))
    assert extended.extensions == (Extension(granted_at=paris(2025, 4, 25), days=15),)
    assert order.extensions == ()  # the original is unchanged
    end = aliprotect.protection_end(extended, rules=RULES)
    assert end.at == paris(2025, 5, 17, 18)
    assert end.rule_ids == ("protection.period", "protection.extension")
    twice = aliprotect.grant_extension(extended, days=10, at=paris(2025, 5, 10))
    assert aliprotect.protection_end(twice, rules=RULES).at == paris(2025, 5, 27, 18)


def test_protection_extension_is_refused_once_protection_ended(order: Order) -> None:
    with pytest.raises(aliprotect.errors.ActionRefusedError, match=r"ended at 2025-05-02T18:00:00\+02:00"):
        aliprotect.grant_extension(order, days=15, at=paris(2025, 5, 2, 18))
    received = Order(
        id="A1",
        placed_at=order.placed_at,
        shipped_at=order.shipped_at,
        received_at=paris(2025, 3, 20),
        protection_days=60,
    )
    with pytest.raises(aliprotect.errors.ActionRefusedError, match=r"protection.extension"):
        aliprotect.grant_extension(received, days=15, at=paris(2025, 3, 21))


def test_protection_extension_before_shipping_is_refused(order: Order) -> None:
    unshipped = Order(id="A2", placed_at=paris(2025, 3, 1), protection_days=60)
    with pytest.raises(aliprotect.errors.NotShippedError, match=r"C6"):
        aliprotect.grant_extension(unshipped, days=15, at=paris(2025, 3, 2))
    with pytest.raises(aliprotect.errors.ActionRefusedError, match=r"before the order shipped"):
        aliprotect.grant_extension(order, days=15, at=paris(2025, 3, 2))
    with pytest.raises(aliprotect.errors.NotShippedError, match=r"no protection end"):
        aliprotect.protection_end(unshipped, rules=RULES)


def test_protection_expiry_completes(order: Order) -> None:
    done = aliprotect.completion(order, rules=RULES)
    assert done.at == paris(2025, 5, 2, 18)
    assert done.rule_ids == ("protection.expiry_completes", "escrow.release")
    # a "not received" order then has only open.latest left
    late = aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=paris(2025, 5, 10), rules=RULES)
    assert late
    assert late.reason == "a dispute can be opened until 2025-05-17T18:00:00+02:00"


def test_protection_settlement_buffer(order: Order) -> None:
    advice = aliprotect.recommended_open_by(order, rules=RULES)
    assert advice.at == paris(2025, 4, 22, 18)
    assert advice.rule_ids == ("protection.settlement_buffer", "protection.period")
    assert "10 days" in advice.description


def test_cancel_before_shipment(order: Order) -> None:
    before = aliprotect.can_cancel(order, at=paris(2025, 3, 3, 17, 59), rules=RULES)
    assert before
    assert before.rule_ids == ("cancel.before_shipment",)
    assert "seller's agreement" in before.reason
    after = aliprotect.can_cancel(order, at=paris(2025, 3, 3, 18), rules=RULES)
    assert not after
    assert "only a dispute" in after.reason
    unshipped = Order(id="A2", placed_at=paris(2025, 3, 1), protection_days=60)
    assert aliprotect.can_cancel(unshipped, at=paris(2025, 6, 1), rules=RULES)


def test_escrow_release() -> None:
    received = Order(
        id="A3",
        placed_at=paris(2025, 3, 1, 10),
        shipped_at=paris(2025, 3, 3, 18),
        received_at=paris(2025, 3, 28, 12),
        protection_days=60,
    )
    paid = aliprotect.completion(received, rules=RULES)
    assert paid.at == paris(2025, 3, 28, 12)
    assert paid.rule_ids == ("escrow.release",)
    assert "escrow pays the seller" in paid.description


def test_timeline_lists_the_deadlines_in_time_order(order: Order) -> None:
    result = aliprotect.timeline(order, rules=RULES)
    assert [(d.name, d.at) for d in result.deadlines] == [
        ("dispute_opens", paris(2025, 3, 9)),
        ("open_by_recommended", paris(2025, 4, 22, 18)),
        ("protection_ends", paris(2025, 5, 2, 18)),
        ("completed", paris(2025, 5, 2, 18)),
        ("dispute_closes", paris(2025, 5, 17, 18)),
    ]
    assert {d.rulebook for d in result.deadlines} == {"2025.1"}
    assert result.get("dispute_closes") == result.deadlines[-1]
    with pytest.raises(aliprotect.errors.InvalidValueError, match=r"name=.no_such_deadline. is not an order"):
        result.get("no_such_deadline")  # a misspelt name is refused, never answered None


def test_timeline_after_receipt_leaves_out_the_stopped_timer(order: Order) -> None:
    received = Order(
        id="A1",
        placed_at=order.placed_at,
        shipped_at=order.shipped_at,
        received_at=paris(2025, 3, 28, 12),
        protection_days=60,
    )
    names = [d.name for d in aliprotect.timeline(received, rules=RULES).deadlines]
    assert names == ["dispute_opens", "completed", "dispute_closes"]


def test_timeline_of_an_unshipped_order_is_empty() -> None:
    unshipped = Order(id="A2", placed_at=paris(2025, 3, 1), protection_days=60)
    result = aliprotect.timeline(unshipped, rules=RULES)
    assert result.deadlines == ()
    verdict = aliprotect.can_open_dispute(unshipped, ClaimKind.NOT_RECEIVED, at=paris(2025, 3, 20), rules=RULES)
    assert not verdict
    assert verdict.rule_ids == ("open.earliest",)
    with pytest.raises(aliprotect.errors.NotShippedError, match=r"order A2 has no shipped_at"):
        aliprotect.dispute_window(unshipped, rules=RULES)


def test_the_latest_rulebook_is_the_default(order: Order) -> None:
    assert aliprotect.timeline(order).rulebook == aliprotect.rulebook().version
