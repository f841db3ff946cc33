"""Hypothesis properties on every dispute deadline: one instant before it vs the deadline itself
(C3), counted in calendar days that keep the wall clock (C2), across DST changes and in
zones from UTC+14 to UTC-11."""

import datetime as dt

import pendulum
from hypothesis import given
from hypothesis import strategies as st

import aliprotect
from aliprotect import Claim, ClaimKind, Dispute, Order, Resolution, Stage
from aliprotect.strategies import orders, zones

RULES = aliprotect.rulebook("2025.1")
TICK = dt.timedelta(microseconds=1)
REPLY = RULES.quantity("dispute.seller_reply").value
MODERATOR = RULES.quantity("dispute.escalation").value
SHIP_BACK = RULES.quantity("return.window", "ship_back").value
ARRIVAL = RULES.quantity("refund.arrival").value


@st.composite
def disputes(draw: st.DrawFn, resolution: Resolution = Resolution.FULL_REFUND) -> Dispute:
    """A dispute opened at a random instant of its order's window, in a random zone."""
    order: Order = draw(orders(shipped=True, received=False, paid=True))
    window = aliprotect.dispute_window(order, rules=RULES)
    span = int((window.closes - window.opens).total_seconds())
    opened = window.opens.add(seconds=draw(st.integers(min_value=0, max_value=span - 1))).in_timezone(draw(zones()))
    kind = ClaimKind.WRONG_ITEM if resolution is Resolution.REFUND_WITH_RETURN else ClaimKind.NOT_RECEIVED
    return aliprotect.open_dispute(order, Claim(kind=kind, resolution=resolution), at=opened, rules=RULES)


def stage(dispute: Dispute, at: dt.datetime) -> Stage:
    return aliprotect.dispute_status(dispute, at=at, rules=RULES).stage


def local_days_between(start: pendulum.DateTime, end: pendulum.DateTime) -> int:
    return (end.date() - start.date()).days


@given(disputes())
def test_the_seller_replies_until_the_instant_before_the_reply_deadline(dispute: Dispute) -> None:
    reply_by = aliprotect.dispute_status(dispute, at=dispute.opened_at, rules=RULES).deadlines[0].at
    assert local_days_between(dispute.opened_at, reply_by) == REPLY
    assert reply_by.tzinfo == dispute.opened_at.tzinfo
    assert stage(dispute, reply_by - TICK) is Stage.AWAITING_SELLER
    assert stage(dispute, reply_by) is Stage.REFUND_DUE  # silent: the buyer wins (dispute.seller_silent)
    aliprotect.seller_accepts(dispute, at=reply_by - TICK, rules=RULES)
    refused = None
    try:
        aliprotect.seller_accepts(dispute, at=reply_by, rules=RULES)
    except aliprotect.errors.ActionRefusedError as error:
        refused = error
    assert refused is not None
    assert "dispute.seller_silent" in refused.rule_ids


@given(disputes(), st.integers(min_value=0, max_value=4 * 86_400))
def test_a_moderator_steps_in_exactly_seven_days_after_opening(dispute: Dispute, after: int) -> None:
    rejected = aliprotect.seller_rejects(dispute, at=dispute.opened_at.add(seconds=after), rules=RULES)
    moderator_from = aliprotect.dispute_status(rejected, at=rejected.events[-1].at, rules=RULES).deadlines[0].at
    assert local_days_between(dispute.opened_at, moderator_from) == MODERATOR
    assert stage(rejected, moderator_from - TICK) is Stage.NEGOTIATING
    assert stage(rejected, moderator_from) is Stage.WITH_MODERATOR


@given(disputes(Resolution.REFUND_WITH_RETURN), st.integers(min_value=0, max_value=4 * 86_400))
def test_a_return_ships_until_the_instant_before_the_return_deadline(dispute: Dispute, after: int) -> None:
    accepted = aliprotect.seller_accepts(dispute, at=dispute.opened_at.add(seconds=after), rules=RULES)
    return_by = aliprotect.dispute_status(accepted, at=accepted.events[-1].at, rules=RULES).deadlines[0].at
    assert local_days_between(accepted.events[-1].at, return_by) == SHIP_BACK
    assert stage(accepted, return_by - TICK) is Stage.RETURN_DUE
    assert stage(accepted, return_by) is Stage.RETURN_MISSED
    shipped = aliprotect.buyer_ships_return(accepted, at=return_by - TICK, tracking_number="RR1", rules=RULES)
    assert stage(shipped, return_by) is Stage.REFUND_DUE


@given(disputes(), st.integers(min_value=0, max_value=4 * 86_400))
def test_a_refund_arrives_within_seven_local_days(dispute: Dispute, after: int) -> None:
    accepted = aliprotect.seller_accepts(dispute, at=dispute.opened_at.add(seconds=after), rules=RULES)
    refunded = aliprotect.platform_refunds(accepted, at=accepted.events[-1].at, rules=RULES)
    closed = aliprotect.dispute_status(refunded, at=refunded.events[-1].at, rules=RULES)
    (arrives,) = closed.deadlines
    assert arrives.name == "refund_arrives_by"
    assert local_days_between(refunded.events[-1].at, arrives.at) == ARRIVAL
    assert closed.refund == dispute.refundable


def test_the_reply_deadline_keeps_the_wall_clock_across_a_dst_change() -> None:
    order = Order(
        id="DST",
        placed_at=pendulum.datetime(2025, 2, 1, tz="Europe/Paris"),
        shipped_at=pendulum.datetime(2025, 2, 3, tz="Europe/Paris"),
        protection_days=90,
    )
    opened = pendulum.datetime(2025, 3, 27, 9, tz="Europe/Paris")  # the clocks move on 30 March
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=RULES)
    reply_by = aliprotect.dispute_status(dispute, at=opened, rules=RULES).deadlines[0].at
    assert reply_by.isoformat() == "2025-04-01T09:00:00+02:00"
    assert (reply_by - opened).in_hours() == 5 * 24 - 1
