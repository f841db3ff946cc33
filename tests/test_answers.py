"""Every answer the library returns can be explained, stored, recorded and replayed; a timeline
is a sequence; a dispute's deadlines are direct, passed ones included."""

from __future__ import annotations

import copy
import pickle

import pendulum
import pytest

import aliprotect
from aliprotect import Claim, ClaimKind, Money, Role

RULES = aliprotect.rulebook("2025.1")
ORDER = aliprotect.Order(
    id="8012345678901234",
    placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
    shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
    protection_days=60,
    amount=Money("20.00", "EUR"),
)


def paris(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="Europe/Paris")


def _dispute() -> aliprotect.Dispute:
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    return aliprotect.seller_rejects(opened, at=paris(2025, 4, 2), rude=True, rules=RULES)


def test_a_timeline_is_a_sequence_of_its_deadlines() -> None:
    result = aliprotect.timeline(ORDER, rules=RULES)
    assert len(result) == len(result.deadlines) == 5
    assert list(result) == list(result.deadlines)
    assert result[0] is result.deadlines[0]
    assert result[-2:] == result.deadlines[-2:]
    assert result.get("completed") in result
    assert next(d.name for d in reversed(result)) == "dispute_closes"
    unshipped = aliprotect.timeline(aliprotect.Order(id="U", placed_at=paris(2025, 3, 1), protection_days=60))
    assert len(unshipped) == 0
    assert not list(unshipped)


def test_explain_accepts_a_dispute_and_advice() -> None:
    dispute = _dispute()
    text = aliprotect.explain(dispute)
    assert text.startswith("dispute of order 8012345678901234, opened at 2025-04-01T09:00:00+02:00: not_received")
    assert "seller_rejects" in text
    assert "- claim.not_received:" in text
    assert "- dispute.seller_reply:" in text
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 4, 25), rules=RULES, role=Role.DROPSHIPPER)
    text = aliprotect.explain(advice)
    assert text.startswith("advice for order 8012345678901234:")
    for item in advice:
        for rule_id in item.rule_ids:
            assert f"- {rule_id}: " in text
    assert aliprotect.explain(advice[0]).startswith(f"{advice[0].urgency.value}: {advice[0].action.value}")
    nothing = aliprotect.next_actions(ORDER, at=paris(2025, 6, 30), rules=RULES)
    assert nothing == ()
    assert aliprotect.explain(nothing).startswith("nothing to do\nRulebook 2025.1")


def test_explain_accepts_a_reminder() -> None:
    (reminder, *_) = aliprotect.upcoming([ORDER], at=paris(2025, 4, 20), within=pendulum.duration(days=14), rules=RULES)
    text = aliprotect.explain(reminder)
    assert text.startswith(f"order {ORDER.id}: {reminder.deadline.name} at ")


def test_advice_and_disputes_go_to_json_and_back() -> None:
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 4, 25), rules=RULES)
    back = aliprotect.from_json(aliprotect.to_json(advice))
    assert isinstance(back, aliprotect.AdviceList)
    assert back == advice
    assert (back.rulebook, back.fingerprint) == (RULES.version, RULES.fingerprint)
    assert aliprotect.from_json(aliprotect.to_json(advice[0])) == advice[0]
    empty = aliprotect.next_actions(ORDER, at=paris(2025, 6, 30), rules=RULES)
    assert aliprotect.from_json(aliprotect.to_json(empty)).fingerprint == RULES.fingerprint
    dispute = _dispute()
    assert aliprotect.from_json(aliprotect.to_json(dispute)) == dispute
    status = aliprotect.dispute_status(dispute, at=paris(2025, 5, 1), rules=RULES)
    assert aliprotect.from_json(aliprotect.to_json(status)) == status


def test_next_actions_open_dispute_and_dispute_status_are_recorded_and_replayed() -> None:
    dispute = _dispute()
    for decision in (
        aliprotect.record(aliprotect.next_actions, ORDER, at=paris(2025, 4, 25), rules=RULES, role=Role.DROPSHIPPER),
        aliprotect.record(aliprotect.next_actions, ORDER, at=paris(2025, 4, 3), dispute=dispute, rules=RULES),
        aliprotect.record(
            aliprotect.open_dispute, ORDER, Claim(kind=ClaimKind.LATE), at=paris(2025, 4, 1), rules=RULES
        ),
        aliprotect.record(aliprotect.dispute_status, dispute, at=paris(2025, 4, 9)),
    ):
        stored = aliprotect.from_json(aliprotect.to_json(decision))
        assert stored == decision
        replayed = aliprotect.replay(stored)
        assert replayed.holds, replayed.differences
    shorter = RULES.derive(version="buffer5", changes={"protection.settlement_buffer": 5})
    decision = aliprotect.record(aliprotect.next_actions, ORDER, at=paris(2025, 4, 20), rules=RULES)
    assert not aliprotect.replay(decision, rules=shorter).holds


def test_an_advice_list_cannot_be_changed_and_survives_copy_and_pickle() -> None:
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 4, 25), rules=RULES)
    with pytest.raises(AttributeError):
        advice.rulebook = "other"  # type: ignore[misc]
    for clone in (copy.copy(advice), copy.deepcopy(advice), pickle.loads(pickle.dumps(advice))):
        assert clone == advice
        assert (clone.rulebook, clone.fingerprint) == (advice.rulebook, advice.fingerprint)
    with pytest.raises(
        aliprotect.errors.InvalidValueError, match=r"items holds 'not advice'; every item must be an Advice"
    ):
        aliprotect.AdviceList(["not advice"], rulebook="2025.1", fingerprint=RULES.fingerprint)  # type: ignore[list-item]


def test_a_dispute_status_names_its_deadlines_passed_ones_included() -> None:
    dispute = _dispute()
    waiting = aliprotect.dispute_status(dispute, at=paris(2025, 4, 1, 10), rules=RULES)
    assert [d.name for d in waiting.deadlines] == ["seller_reply_by"]
    later = aliprotect.dispute_status(dispute, at=paris(2025, 4, 20), rules=RULES)
    assert later.stage is aliprotect.Stage.WITH_MODERATOR
    assert later.deadlines == ()  # nothing left to do by a deadline at this stage
    assert later.seller_reply_by is not None
    assert later.seller_reply_by.at == paris(2025, 4, 6, 9)
    assert later.seller_reply_by.rule_ids == ("dispute.seller_reply", "dispute.seller_silent")
    assert later.moderator_from is not None
    assert later.moderator_from.at == paris(2025, 4, 8, 9)
    assert later.moderator_from.rule_ids == ("dispute.escalation",)
    assert later.return_by is None
    assert later.refund_arrives_by is None
    assert later.claim_from is None
    assert later.claim_until is None
    assert [d.name for d in later.schedule] == ["seller_reply_by", "moderator_from"]
    assert later.deadline("moderator_from") == later.moderator_from
    with pytest.raises(aliprotect.errors.InvalidValueError, match=r"name='reply_by' is not a dispute deadline"):
        later.deadline("reply_by")


def test_a_return_deadline_stays_on_the_schedule_after_the_return_and_the_refund() -> None:
    wrong = Claim(kind=ClaimKind.WRONG_ITEM, resolution=aliprotect.Resolution.REFUND_WITH_RETURN)
    dispute = aliprotect.open_dispute(ORDER, wrong, at=paris(2025, 4, 1, 9), rules=RULES)
    dispute = aliprotect.seller_accepts(dispute, at=paris(2025, 4, 2, 12), rules=RULES)
    dispute = aliprotect.buyer_ships_return(dispute, at=paris(2025, 4, 5), tracking_number="RR1", rules=RULES)
    dispute = aliprotect.platform_refunds(dispute, at=paris(2025, 4, 9), rules=RULES)
    closed = aliprotect.dispute_status(dispute, at=paris(2025, 5, 1), rules=RULES)
    assert closed.closed
    assert closed.return_by is not None
    assert closed.return_by.at == paris(2025, 4, 12, 12)
    assert closed.refund_arrives_by is not None
    assert closed.refund_arrives_by.at == paris(2025, 4, 16)
    names = [d.name for d in closed.schedule]
    assert names == ["seller_reply_by", "return_by", "refund_arrives_by"]
    assert closed.moderator_from is None  # the seller accepted at once: no moderator time ever governed it
    assert [d.at for d in closed.schedule] == sorted((d.at for d in closed.schedule), key=lambda t: t.timestamp())


def test_a_claim_phase_is_on_the_schedule_under_a_rulebook_that_has_one() -> None:
    pages = aliprotect.rulebook("undated.2")
    order = aliprotect.Order(
        id="P1",
        placed_at=pendulum.datetime(2016, 4, 1, 10, tz="UTC"),
        shipped_at=pendulum.datetime(2016, 4, 2, 10, tz="UTC"),
        protection_days=30,
        promised_days=10,
    )
    dispute = aliprotect.open_dispute(
        order, Claim(kind=ClaimKind.DAMAGED), at=pendulum.datetime(2016, 4, 20, 9, tz="UTC"), rules=pages
    )
    before = aliprotect.dispute_status(dispute, at=pendulum.datetime(2016, 6, 1, tz="UTC"))
    assert before.claim_from is None  # the seller never replied: the claim phase never governed it
    rejected = aliprotect.seller_rejects(dispute, at=pendulum.datetime(2016, 4, 21, tz="UTC"))
    status = aliprotect.dispute_status(rejected, at=pendulum.datetime(2016, 6, 1, tz="UTC"))
    assert status.claim_from is not None
    assert status.claim_from.at == pendulum.datetime(2016, 4, 24, tz="UTC")
    assert status.claim_until is not None
    assert status.claim_until.at == pendulum.datetime(2016, 5, 6, tz="UTC")
    assert status.moderator_from is None  # the pages give no moderator time


def test_a_decision_with_earlier_disputes_is_stored_and_replayed() -> None:
    still_open = _dispute()
    partial = Claim(
        kind=ClaimKind.MISSING_ITEMS, resolution=aliprotect.Resolution.PARTIAL_REFUND, amount=Money("5", "EUR")
    )
    first = aliprotect.open_dispute(ORDER, partial, at=paris(2025, 4, 1, 9), rules=RULES)
    refunded = aliprotect.platform_refunds(aliprotect.seller_accepts(first, at=paris(2025, 4, 2)), at=paris(2025, 4, 3))
    decisions = [
        aliprotect.record(
            aliprotect.can_open_dispute, ORDER, ClaimKind.DAMAGED, at=paris(2025, 4, 20), previous=[still_open]
        ),
        aliprotect.record(
            aliprotect.open_dispute, ORDER, Claim(kind=ClaimKind.LATE), at=paris(2025, 4, 20), previous=[refunded]
        ),
    ]
    assert not decisions[0].answer.allowed  # one dispute at a time
    assert decisions[1].answer.refundable == Money("15.00", "EUR")  # what the first left to refund
    for decision in decisions:
        stored = aliprotect.from_json(aliprotect.to_json(decision))
        assert stored.inputs["previous"] == tuple(decision.inputs["previous"])
        assert aliprotect.replay(stored).holds


def test_every_transition_is_recorded_and_replayed() -> None:
    dispute = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.LATE), at=paris(2025, 4, 1, 9), rules=RULES)
    offered = aliprotect.record(aliprotect.seller_offers, dispute, at=paris(2025, 4, 2), refund=Money("5", "EUR"))
    assert offered.question == "seller_offers"
    assert aliprotect.replay(aliprotect.from_json(aliprotect.to_json(offered))).holds
    accepted = aliprotect.record(aliprotect.buyer_accepts_offer, offered.answer, at=paris(2025, 4, 3))
    assert aliprotect.replay(accepted).holds
    with pytest.raises(aliprotect.errors.InvalidValueError, match=r"opened under rulebook 2025.1"):
        aliprotect.replay(accepted, rules=aliprotect.rulebook("2020.1"))


def test_the_reminders_of_upcoming_are_explained_and_stored() -> None:
    reminders = aliprotect.upcoming([ORDER], at=paris(2025, 4, 20), within=pendulum.duration(days=30), rules=RULES)
    assert len(reminders) >= 2
    text = aliprotect.explain(reminders)
    assert text.count(f"order {ORDER.id}: ") == len(reminders)
    assert aliprotect.from_json(aliprotect.to_json(reminders)) == reminders
    assert aliprotect.explain(()) == "no reminders"
    with pytest.raises(aliprotect.errors.InvalidValueError, match=r"answer\[\]"):
        aliprotect.explain([ORDER])  # type: ignore[list-item]


def test_a_slice_of_advice_keeps_its_rulebook_and_its_repr_names_it() -> None:
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 4, 25), rules=RULES)
    head = advice[:1]
    assert isinstance(head, aliprotect.AdviceList)
    assert (head.rulebook, head.fingerprint) == (RULES.version, RULES.fingerprint)
    assert head == (advice[0],)
    assert aliprotect.explain(head).startswith("advice for order")
    assert repr(advice[:0]) == f"AdviceList([], rulebook='2025.1', fingerprint={RULES.fingerprint!r})"


def test_after_a_partial_refund_the_advice_and_reminders_agree_with_the_verdict() -> None:
    five = Money("5", "EUR")
    partial = Claim(kind=ClaimKind.MISSING_ITEMS, resolution=aliprotect.Resolution.PARTIAL_REFUND, amount=five)
    first = aliprotect.open_dispute(ORDER, partial, at=paris(2025, 4, 1, 9), rules=RULES)
    refunded = aliprotect.platform_refunds(aliprotect.seller_accepts(first, at=paris(2025, 4, 2)), at=paris(2025, 4, 3))
    at = paris(2025, 4, 20)
    verdict = aliprotect.can_open_dispute(ORDER, ClaimKind.DAMAGED, at=at, rules=RULES, previous=[refunded])
    assert verdict.allowed
    advice = aliprotect.next_actions(ORDER, at=at, dispute=refunded, rules=RULES)
    (new,) = [a for a in advice if a.action is aliprotect.Action.OPEN_DISPUTE]
    assert "15.00 EUR" in new.text
    assert new.by == aliprotect.dispute_window(ORDER, rules=RULES).closes
    assert new.rule_ids == ("dispute.closes_on_refund", "open.latest")
    later = aliprotect.upcoming([ORDER], at=at, within=pendulum.duration(days=60), disputes=[refunded], rules=RULES)
    assert [r.deadline.name for r in later] == ["dispute_closes"]
    # a refund of everything leaves nothing to claim: no such advice, no reminder
    whole = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.DAMAGED), at=paris(2025, 4, 1, 9), rules=RULES)
    all_back = aliprotect.platform_refunds(aliprotect.seller_accepts(whole, at=paris(2025, 4, 2)), at=paris(2025, 4, 3))
    assert not aliprotect.can_open_dispute(ORDER, ClaimKind.LATE, at=at, rules=RULES, previous=[all_back])
    after = aliprotect.next_actions(ORDER, at=at, dispute=all_back, rules=RULES)
    assert all(a.action is not aliprotect.Action.OPEN_DISPUTE for a in after)
    assert aliprotect.upcoming([ORDER], at=at, within=pendulum.duration(days=60), disputes=[all_back]) == ()


def test_values_pickle_and_copy_with_every_instant_exact_in_a_repeated_hour() -> None:
    import copy
    import pickle

    paris = pendulum.timezone("Europe/Paris")
    second_pass = pendulum.DateTime(2025, 10, 26, 2, 30, tzinfo=paris, fold=1)  # 01:30 UTC, not 00:30
    order = aliprotect.Order(
        id="F",
        placed_at=second_pass,
        shipped_at=second_pass,
        protection_days=60,
        extensions=[aliprotect.Extension(granted_at=second_pass.add(days=3), days=5)],
    )
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.LATE), at=second_pass.add(days=10), rules=RULES)
    values: list[object] = [
        order,
        dispute,
        aliprotect.timeline(order, rules=RULES),
        aliprotect.dispute_status(dispute, at=second_pass.add(days=10), rules=RULES),
        aliprotect.TrackingEvent(at=second_pass, where=aliprotect.Location.IN_TRANSIT),
    ]
    for value in values:
        for clone in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value), copy.copy(value)):
            assert clone == value
            assert aliprotect.to_json(clone) == aliprotect.to_json(value)  # every instant, with its offset
    decision = aliprotect.record(aliprotect.can_cancel, order, at=second_pass, rules=RULES)
    custom = RULES.derive(version="2025.1+reply7", changes={"dispute.seller_reply": 7})
    for value in (decision, RULES, custom):
        for clone in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value)):
            assert clone == value
            assert aliprotect.to_json(clone) == aliprotect.to_json(value)
    assert pickle.loads(pickle.dumps(decision)).inputs["at"].utcoffset() == second_pass.utcoffset()
    assert pickle.loads(pickle.dumps(custom)).parent == custom.parent
    back = pickle.loads(pickle.dumps(order))
    assert back.placed_at.utcoffset() == second_pass.utcoffset()
    assert aliprotect.timeline(back, rules=RULES) == aliprotect.timeline(order, rules=RULES)


def test_an_order_near_the_year_1_is_compared_without_overflow() -> None:
    east = pendulum.FixedTimezone(8 * 3600)  # 0001-01-01T03:00+08:00 is 0000-12-31 in UTC
    order = aliprotect.Order(
        id="Y1",
        placed_at=pendulum.DateTime(1, 1, 1, 3, tzinfo=east),
        shipped_at=pendulum.DateTime(1, 1, 1, 4, tzinfo=east),
        protection_days=60,
    )
    assert aliprotect.timeline(order, rules=RULES)[0].name == "dispute_opens"
    assert aliprotect.can_cancel(order, at=pendulum.DateTime(1, 1, 1, 3, 30, tzinfo=east), rules=RULES)
