"""Next actions: one worked example per rule id of the tracking, dropship and protection
advice, the evidence to attach, the advice during a dispute, upcoming deadlines, bad input."""

import datetime as dt

import pendulum
import pytest

import aliprotect
from aliprotect import (
    Action,
    Advice,
    Claim,
    ClaimKind,
    Evidence,
    Location,
    Order,
    Role,
    Tracking,
    TrackingEvent,
    Urgency,
)
from aliprotect.errors import InvalidValueError, TimeOrderError

RULES = aliprotect.rulebook("2025.1")


def paris(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="Europe/Paris")


# Placed and shipped from Paris; protection ends 2 May 18:00, open-by 22 April 18:00,
# window from 9 March to 17 May 18:00.
ORDER = Order(
    id="N1",
    placed_at=paris(2025, 3, 1, 10),
    shipped_at=paris(2025, 3, 3, 18),
    protection_days=60,
    amount=aliprotect.Money("20.00", "EUR"),
)


def advise(at: pendulum.DateTime, **kwargs: object) -> tuple[Advice, ...]:
    return aliprotect.next_actions(ORDER, at=at, rules=RULES, **kwargs)  # type: ignore[arg-type]


def actions(advice: tuple[Advice, ...]) -> list[tuple[str, str]]:
    return [(a.action.value, a.urgency.value) for a in advice]


def tracking(*events: tuple[pendulum.DateTime, Location]) -> Tracking:
    return Tracking(
        number="LP00417245813281",
        provided_at=paris(2025, 3, 4, 9),
        events=[TrackingEvent(at=at, where=where) for at, where in events],
    )


# --- protection.* ------------------------------------------------------------------------


def test_wait_for_the_window_then_open_by_the_recommended_date() -> None:
    early = advise(paris(2025, 3, 5))
    assert actions(early) == [("open_dispute", "by_deadline"), ("attach_evidence", "by_deadline"), ("wait", "info")]
    wait = early[-1]
    assert (wait.by, wait.rule_ids) == (paris(2025, 3, 9), ("open.earliest",))
    assert early[0].by == paris(2025, 4, 22, 18)


def test_protection_settlement_buffer() -> None:
    advice = advise(paris(2025, 4, 22, 18))  # the recommended instant itself: now, not by then
    assert actions(advice)[:2] == [("ask_extension", "now"), ("open_dispute", "now")]
    open_now = advice[1]
    assert open_now.rule_ids == ("protection.settlement_buffer", "open.latest")
    assert open_now.by == paris(2025, 5, 17, 18)
    assert "settlement takes 10 days" in open_now.text


def test_protection_extension() -> None:
    ask = advise(paris(2025, 4, 25))[0]
    assert (ask.action, ask.urgency, ask.by, ask.rule_ids) == (
        Action.ASK_EXTENSION,
        Urgency.NOW,
        paris(2025, 5, 2, 18),
        ("protection.extension",),
    )


def test_protection_expiry_completes() -> None:
    advice = advise(paris(2025, 5, 10))
    assert actions(advice) == [("open_dispute", "now"), ("attach_evidence", "now")]
    assert advice[0].rule_ids == ("protection.expiry_completes", "open.latest")
    assert "last chance" in advice[0].text
    assert advise(paris(2025, 5, 17, 18)) == ()  # the window has closed: nothing to advise


def test_the_evidence_to_attach_for_a_not_received_claim() -> None:
    evidence = advise(paris(2025, 5, 10))[1]
    assert evidence.rule_ids == ("claim.not_received",)
    for item in ("tracking screenshot", "seller messages", "statement", "carrier statement"):
        assert item in evidence.text
    assert "the seller's own tracking number" in evidence.text


def test_a_received_order_can_still_dispute_the_item() -> None:
    received = Order(
        id="N2",
        placed_at=ORDER.placed_at,
        shipped_at=ORDER.shipped_at,
        received_at=paris(2025, 3, 20),
        protection_days=60,
    )
    (advice,) = aliprotect.next_actions(received, at=paris(2025, 3, 25), rules=RULES)
    assert (advice.action, advice.by, advice.rule_ids) == (Action.OPEN_DISPUTE, paris(2025, 4, 4), ("open.latest",))


def test_an_unshipped_order_can_be_cancelled() -> None:
    unshipped = Order(id="N3", placed_at=paris(2025, 3, 1), protection_days=60)
    (advice,) = aliprotect.next_actions(unshipped, at=paris(2025, 3, 2), rules=RULES)
    assert (advice.action, advice.rule_ids) == (Action.WAIT, ("cancel.before_shipment",))


# --- tracking.* -------------------------------------------------------------------------------


def test_tracking_not_available() -> None:
    quiet = tracking()
    waiting = [a for a in advise(paris(2025, 3, 12), tracking=quiet) if a.rule_ids == ("tracking.not_available",)]
    assert [(a.action, a.by) for a in waiting] == [(Action.WAIT, paris(2025, 3, 14, 9))]
    assert "5-10 days" in waiting[0].text
    after = [a for a in advise(paris(2025, 3, 14, 9), tracking=quiet) if a.rule_ids == ("tracking.not_available",)]
    assert [(a.action, a.urgency) for a in after] == [(Action.CONTACT_SELLER, Urgency.NOW)]
    assert "probably not sent" in after[0].text


def test_tracking_inactive_counts_business_days_in_the_buyers_zone() -> None:
    # last news Friday 7 March 12:00 in Paris: 5 business days later is Friday 14 March 12:00
    friday = paris(2025, 3, 7, 12)
    quiet = tracking((friday, Location.IN_TRANSIT))
    assert not [a for a in advise(paris(2025, 3, 14, 11, 59), tracking=quiet) if "tracking.inactive" in a.rule_ids]
    ask = [a for a in advise(paris(2025, 3, 14, 12), tracking=quiet) if "tracking.inactive" in a.rule_ids]
    assert [(a.action, a.by) for a in ask] == [(Action.CONTACT_SELLER, paris(2025, 3, 16, 12))]
    dispute = [a for a in advise(paris(2025, 3, 16, 12), tracking=quiet) if "tracking.inactive" in a.rule_ids]
    assert [(a.action, a.urgency) for a in dispute] == [(Action.OPEN_DISPUTE, Urgency.NOW)]


def test_tracking_inactive_uses_the_buyers_zone_not_the_carriers() -> None:
    # Saturday 01:00 in Shanghai is still Friday 18:00 in Paris, where the buyer is
    shanghai = pendulum.datetime(2025, 3, 8, 1, tz="Asia/Shanghai")
    quiet = tracking((shanghai, Location.ORIGIN_COUNTRY))
    ask = [a for a in advise(paris(2025, 3, 15), tracking=quiet) if "tracking.inactive" in a.rule_ids]
    assert [(a.action, a.by) for a in ask] == [
        (Action.CONTACT_SELLER, paris(2025, 3, 16, 18))
    ]  # Friday 18:00 + 5 business days = Friday 14 March + 2 days


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (Location.ORIGIN_COUNTRY, [Action.CONTACT_SELLER, Action.ASK_EXTENSION]),
        (Location.DESTINATION_CUSTOMS, [Action.ASK_EXTENSION]),
        (Location.LOCAL_POST_OFFICE, [Action.PICK_UP]),
        (Location.IN_TRANSIT, []),
    ],
)
def test_tracking_stalled(where: Location, expected: list[Action]) -> None:
    since = paris(2025, 3, 20, 10)
    stalled = tracking((since, where))
    before = [a for a in advise(paris(2025, 3, 22, 9, 59), tracking=stalled) if "tracking.stalled" in a.rule_ids]
    assert before == []
    after = [a for a in advise(paris(2025, 3, 22, 10), tracking=stalled) if "tracking.stalled" in a.rule_ids]
    assert [a.action for a in after] == expected
    if where is Location.LOCAL_POST_OFFICE:
        assert after[0].rule_ids == ("tracking.stalled", "claim.not_covered")
        assert "not refunded" in after[0].text


def test_tracking_stalled_without_information_near_the_end_of_protection() -> None:
    since = paris(2025, 4, 15)
    stalled = tracking((since, Location.NO_INFORMATION))
    assert not [a for a in advise(paris(2025, 4, 20), tracking=stalled) if "tracking.stalled" in a.rule_ids]
    near_end = [a for a in advise(paris(2025, 4, 23), tracking=stalled) if "tracking.stalled" in a.rule_ids]
    assert [(a.action, a.urgency) for a in near_end] == [(Action.OPEN_DISPUTE, Urgency.NOW)]


def test_a_parcel_returned_to_sender_is_a_not_received_claim() -> None:
    back = tracking((paris(2025, 3, 20), Location.RETURNED_TO_SENDER))
    advice = [a for a in advise(paris(2025, 3, 21), tracking=back) if a.rule_ids == ("claim.not_received",)]
    assert advice[0].action is Action.OPEN_DISPUTE
    assert advice[0].urgency is Urgency.NOW


def test_tracking_events_after_at_are_not_known_yet() -> None:
    later = tracking((paris(2025, 3, 20), Location.DELIVERED))
    advice = advise(paris(2025, 3, 12), tracking=later)
    assert Action.WAIT in [a.action for a in advice if a.rule_ids == ("tracking.not_available",)]


# --- dropship.* ----------------------------------------------------------------------------------


def test_dropship_reship() -> None:
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 4, 1), role=Role.DROPSHIPPER, rules=RULES)
    reship = [a for a in advice if a.action is Action.RESHIP]
    assert [(a.rule_ids, a.by) for a in reship] == [(("dropship.reship",), paris(2025, 4, 22, 18))]
    assert "keep both" in reship[0].text
    assert not [a for a in advise(paris(2025, 4, 1)) if a.action is Action.RESHIP]  # a buyer has no customer


def test_dropship_refund_customer() -> None:
    dispute = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1), rules=RULES)
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 4, 2), dispute=dispute, role=Role.DROPSHIPPER)
    (refund,) = [a for a in advice if a.action is Action.REFUND_CUSTOMER]
    assert (refund.urgency, refund.rule_ids) == (Urgency.NOW, ("dropship.refund_customer",))
    assert "chargeback" in refund.text
    buyer = aliprotect.next_actions(ORDER, at=paris(2025, 4, 2), dispute=dispute)
    assert Action.REFUND_CUSTOMER not in [a.action for a in buyer]


# --- during a dispute ------------------------------------------------------------------------------


def _dispute(claim: Claim | None = None) -> aliprotect.Dispute:
    return aliprotect.open_dispute(
        ORDER, claim or Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES
    )


def test_waiting_for_the_seller_and_the_evidence_still_missing() -> None:
    claim = Claim(kind=ClaimKind.NOT_RECEIVED, evidence=[Evidence.TRACKING_SCREENSHOT, Evidence.STATEMENT])
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 4, 2), dispute=_dispute(claim))
    assert actions(advice) == [("attach_evidence", "now"), ("wait", "info")]
    assert "seller messages, carrier statement" in advice[0].text
    assert advice[1].by == paris(2025, 4, 6, 9)
    assert advice[1].rule_ids == ("dispute.seller_reply", "dispute.seller_silent")


def test_escalate_a_rude_reply_now_and_answer_an_offer() -> None:
    rude = aliprotect.seller_rejects(_dispute(), at=paris(2025, 4, 2), rude=True, rules=RULES)
    offered = aliprotect.seller_offers(rude, at=paris(2025, 4, 3), refund=aliprotect.Money("5", "EUR"), rules=RULES)
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 4, 3), dispute=offered)
    assert actions(advice) == [("answer_offer", "now"), ("escalate", "now")]
    assert advice[1].by == paris(2025, 4, 8, 9)
    polite = aliprotect.seller_rejects(_dispute(), at=paris(2025, 4, 2), rules=RULES)
    (escalate,) = aliprotect.next_actions(ORDER, at=paris(2025, 4, 3), dispute=polite)
    assert escalate.urgency is Urgency.BY_DEADLINE


def test_ship_the_return_by_its_deadline_then_wait_for_the_refund() -> None:
    claim = Claim(
        kind=ClaimKind.WRONG_ITEM, resolution=aliprotect.Resolution.REFUND_WITH_RETURN, evidence=[Evidence.PHOTOS]
    )
    accepted = aliprotect.seller_accepts(_dispute(claim), at=paris(2025, 4, 2, 12), rules=RULES)
    (ship,) = aliprotect.next_actions(ORDER, at=paris(2025, 4, 3), dispute=accepted)
    assert (ship.action, ship.by, ship.rule_ids) == (Action.SHIP_RETURN, paris(2025, 4, 12, 12), ("return.window",))
    refunded = aliprotect.platform_refunds(
        aliprotect.buyer_ships_return(accepted, at=paris(2025, 4, 4), tracking_number="RR1", rules=RULES),
        at=paris(2025, 4, 5, 15),
        rules=RULES,
    )
    (wait,) = aliprotect.next_actions(ORDER, at=paris(2025, 4, 6), dispute=refunded)
    assert (wait.action, wait.by, wait.rule_ids) == (Action.WAIT, paris(2025, 4, 12, 15), ("refund.arrival",))
    assert aliprotect.next_actions(ORDER, at=paris(2025, 4, 12, 15), dispute=refunded) == ()


def test_with_the_moderator_and_refund_due() -> None:
    rejected = aliprotect.seller_rejects(_dispute(), at=paris(2025, 4, 2), rules=RULES)
    (wait,) = aliprotect.next_actions(ORDER, at=paris(2025, 4, 9), dispute=rejected)
    assert (wait.action, wait.rule_ids) == (Action.WAIT, ("dispute.escalation",))
    (due,) = aliprotect.next_actions(ORDER, at=paris(2025, 4, 7), dispute=_dispute())
    assert "refund is due" in due.text


def test_before_the_dispute_opened_the_order_advice_applies() -> None:
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 3, 20), dispute=_dispute(), rules=RULES)
    assert Action.OPEN_DISPUTE in [a.action for a in advice]


# --- upcoming ------------------------------------------------------------------------------------


def test_upcoming_skips_passed_deadlines_and_follows_open_disputes() -> None:
    other = Order(id="N9", placed_at=paris(2025, 3, 10), shipped_at=paris(2025, 3, 11), protection_days=30)
    dispute = _dispute()
    reminders = aliprotect.upcoming(
        [ORDER, other], at=paris(2025, 4, 3), within=dt.timedelta(days=10), disputes=[dispute], rules=RULES
    )
    assert [(r.order_id, r.deadline.name, r.deadline.at) for r in reminders] == [
        ("N1", "seller_reply_by", paris(2025, 4, 6, 9)),
        ("N9", "protection_ends", paris(2025, 4, 10)),
    ]
    cancelled = aliprotect.buyer_cancels(dispute, at=paris(2025, 4, 2), rules=RULES)
    later = aliprotect.upcoming([ORDER], at=paris(2025, 4, 3), within=dt.timedelta(days=60), disputes=[cancelled])
    assert later == ()  # a closed dispute: no reminders, and no more "open a dispute" ones


# --- bad input -------------------------------------------------------------------------------------


def test_bad_tracking_and_roles_are_refused() -> None:
    with pytest.raises(TimeOrderError, match=r"tracking events? at .* comes after one at"):
        tracking((paris(2025, 3, 20), Location.IN_TRANSIT), (paris(2025, 3, 19), Location.ORIGIN_COUNTRY))
    early = tracking((paris(2025, 2, 1), Location.ORIGIN_COUNTRY))
    with pytest.raises(TimeOrderError, match=r"is before order N1 was placed"):
        advise(paris(2025, 3, 20), tracking=early)
    before_shipping = Tracking(number="X1", provided_at=paris(2025, 3, 2))
    with pytest.raises(TimeOrderError, match=r"was provided at .* but order N1 shipped at"):
        advise(paris(2025, 3, 20), tracking=before_shipping)
    with pytest.raises(InvalidValueError, match=r"role='reseller' must be a Role: one of Role.BUYER"):
        advise(paris(2025, 3, 20), role="reseller")
    with pytest.raises(InvalidValueError, match=r"number='' must be the seller's tracking number"):
        Tracking(number="", provided_at=paris(2025, 3, 4))
    with pytest.raises(InvalidValueError, match=r"where='customs' must be a Location: one of Location.ORIGIN_COUNTRY"):
        TrackingEvent(at=paris(2025, 3, 4), where="customs")  # type: ignore[arg-type]
    other = Order(id="N9", placed_at=paris(2025, 3, 1), shipped_at=paris(2025, 3, 2), protection_days=60)
    with pytest.raises(InvalidValueError, match=r"dispute is about order N1, not order N9"):
        aliprotect.next_actions(other, at=paris(2025, 4, 2), dispute=_dispute())


def test_bad_upcoming_input_is_refused() -> None:
    with pytest.raises(InvalidValueError, match=r"order N1 is given twice"):
        aliprotect.upcoming([ORDER, ORDER], at=paris(2025, 4, 1), within=dt.timedelta(days=1))
    with pytest.raises(InvalidValueError, match=r"must be a positive timedelta"):
        aliprotect.upcoming([ORDER], at=paris(2025, 4, 1), within=14)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"a dispute of order N1 is given, but not that order"):
        aliprotect.upcoming([], at=paris(2025, 4, 1), within=dt.timedelta(days=1), disputes=[_dispute()])


def test_upcoming_reads_a_dispute_of_a_custom_rulebook_with_it() -> None:
    custom = RULES.derive(version="custom", changes={"dispute.seller_reply": 7})
    dispute = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=custom)
    (reminder,) = aliprotect.upcoming(
        [ORDER], at=paris(2025, 4, 2), within=dt.timedelta(days=10), disputes=[dispute], rules=custom
    )
    assert (reminder.deadline.name, reminder.deadline.at) == ("seller_reply_by", paris(2025, 4, 8, 9))
