"""Round trips: value -> JSON -> value is the identity for every type aliprotect stores;
and diff properties: diff(a, a) is empty, a derived rulebook differs exactly in what changed."""

import datetime as dt
from typing import Any

import attrs
import pendulum
from hypothesis import given
from hypothesis import strategies as st

import aliprotect
from aliprotect import Claim, ClaimKind, Dispute, Evidence, Order, Resolution
from aliprotect.rules import RuleChange, Unit
from aliprotect.strategies import disputes, instants, money, orders, trackings

RULES = aliprotect.rulebook("2025.1")


def roundtrip(value: Any) -> Any:
    text = aliprotect.to_json(value)
    again = aliprotect.from_json(text)
    assert aliprotect.to_json(again) == text  # the same text again: nothing drifts
    return again


@given(instants())
def test_instants_round_trip_to_the_same_instant_offset_and_zone(instant: pendulum.DateTime) -> None:
    extension = aliprotect.Extension(granted_at=instant, days=1)
    again = roundtrip(extension).granted_at
    assert again == instant
    assert again.in_timezone("UTC") == instant.in_timezone("UTC")
    assert again.utcoffset() == instant.utcoffset()
    assert again.timezone_name == instant.timezone_name


@given(orders())
def test_orders_round_trip(order: Order) -> None:
    assert roundtrip(order) == order


@given(money())
def test_money_round_trips(amount: aliprotect.Money) -> None:
    assert roundtrip(amount) == amount


@given(
    st.sampled_from(ClaimKind),
    st.data(),
    st.lists(st.sampled_from(Evidence), max_size=3),
    st.none() | st.sampled_from(aliprotect.Circumstance),
)
def test_claims_round_trip(kind: ClaimKind, data: st.DataObject, evidence: list[Evidence], circumstance: Any) -> None:
    resolution = data.draw(st.sampled_from(Resolution))
    amount = data.draw(money()) if resolution is Resolution.PARTIAL_REFUND else None
    claim = Claim(kind=kind, resolution=resolution, amount=amount, evidence=evidence, circumstance=circumstance)
    assert roundtrip(claim) == claim


@given(disputes())
def test_disputes_and_their_events_round_trip(dispute: Dispute) -> None:
    again = roundtrip(dispute)
    assert again == dispute
    for event in dispute.events:
        assert roundtrip(event) == event
    last = (dispute.events[-1].at if dispute.events else dispute.opened_at).add(days=3)
    status = aliprotect.dispute_status(dispute, at=last)
    assert roundtrip(status) == status
    assert aliprotect.dispute_status(again, at=last) == status


@given(orders(shipped=True), st.data())
def test_answers_round_trip(order: Order, data: st.DataObject) -> None:
    at = data.draw(st.integers(min_value=0, max_value=120 * 86_400).map(lambda s: order.placed_at.add(seconds=s)))
    answers = [
        aliprotect.timeline(order, rules=RULES),
        aliprotect.dispute_window(order, rules=RULES),
        aliprotect.protection_end(order, rules=RULES),
        aliprotect.can_open_dispute(order, data.draw(st.sampled_from(ClaimKind)), at=at, rules=RULES),
        aliprotect.can_cancel(order, at=at, rules=RULES),
    ]
    for answer in answers:
        assert roundtrip(answer) == answer


@given(orders(shipped=True), st.sampled_from(ClaimKind), st.integers(min_value=0, max_value=90 * 86_400))
def test_decisions_round_trip_and_replay(order: Order, kind: ClaimKind, seconds: int) -> None:
    at = order.placed_at.add(seconds=seconds)
    decision = aliprotect.record(aliprotect.can_open_dispute, order, kind, at=at, rules=RULES)
    again = roundtrip(decision)
    assert again == decision
    assert aliprotect.replay(again).holds


@given(orders(shipped=True), st.data(), st.integers(min_value=1, max_value=40), st.integers(0, 60 * 86_400))
def test_tracking_and_decisions_that_needed_it_round_trip(
    order: Order, data: st.DataObject, promised: int, seconds: int
) -> None:
    assert order.shipped_at is not None
    tracking = data.draw(trackings(order.shipped_at))
    assert roundtrip(tracking) == tracking
    order = attrs.evolve(order, promised_days=promised)
    at = order.shipped_at.add(seconds=seconds)
    rules2021 = aliprotect.rulebook("2021.1")
    decision = aliprotect.record(
        aliprotect.can_open_dispute, order, ClaimKind.NOT_RECEIVED, at=at, rules=rules2021, tracking=tracking
    )
    again = roundtrip(decision)
    assert again == decision
    assert again.inputs["tracking"] == tracking
    assert aliprotect.replay(again).holds


def test_rulebooks_round_trip() -> None:
    assert roundtrip(RULES) == RULES
    derived = RULES.derive(version="custom", changes={"open.latest": 20})
    again = roundtrip(derived)
    assert (again, again.parent) == (derived, derived.parent)


# --- diff ----------------------------------------------------------------------------------

NUMBERS = [(rule_id, name) for rule_id, rule in RULES.rules.items() for name in rule.quantities]


@given(st.dictionaries(st.sampled_from(NUMBERS), st.integers(min_value=0, max_value=400), max_size=6))
def test_a_derived_rulebook_differs_exactly_in_what_was_changed(changes: dict[tuple[str, str], int]) -> None:
    derived = RULES.derive(version="derived", changes=changes)  # type: ignore[arg-type]
    expected = tuple(
        sorted(
            (
                RuleChange(rule_id, f"quantities.{name}", RULES.quantity(rule_id, name).value, value)
                for (rule_id, name), value in changes.items()
                if RULES.quantity(rule_id, name).value != value
            ),
            key=lambda change: (change.rule_id, change.field),
        )
    )
    assert aliprotect.rules.diff(RULES, derived) == expected
    assert aliprotect.rules.diff(derived, derived) == ()
    assert (derived.fingerprint == RULES.fingerprint) is False  # the version and parent differ anyway
    assert all(derived.quantity(r, n).unit is RULES.quantity(r, n).unit for r, n in NUMBERS)


def test_diff_of_a_rulebook_with_itself_is_empty() -> None:
    assert aliprotect.rules.diff(RULES, RULES) == ()
    assert aliprotect.rules.diff(RULES, aliprotect.Rulebook.from_dict(__import__("json").loads(RULES.document))) == ()


def test_units_are_kept_in_the_document() -> None:
    assert RULES.quantity("tracking.inactive", "inactive").unit is Unit.BUSINESS_DAYS
    assert isinstance(RULES.in_force_from, dt.date)
