"""Orders, extensions and money: valid values are built, bad input gets a clear, typed error."""

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest

import aliprotect
from aliprotect import AliprotectError, Extension, Money, Order
from aliprotect.errors import InvalidValueError, NaiveDatetimeError, TimeOrderError

RULES = aliprotect.rulebook("2025.1")

PLACED = pendulum.datetime(2025, 3, 1, 10, tz="Asia/Shanghai")
SHIPPED = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")


def make(**changes: Any) -> Order:
    fields: dict[str, Any] = {"id": "A1", "placed_at": PLACED, "shipped_at": SHIPPED, "protection_days": 60}
    fields.update(changes)
    return Order(**fields)


def test_an_order_is_frozen() -> None:
    order = make()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        order.protection_days = 90  # type: ignore[misc]


def test_plain_aware_datetimes_become_pendulum_datetimes() -> None:
    placed = dt.datetime(2025, 3, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    order = make(placed_at=placed, shipped_at=None)
    assert isinstance(order.placed_at, pendulum.DateTime)
    assert order.placed_at == placed


def test_every_error_is_an_aliprotect_error_and_a_value_error() -> None:
    for error in (InvalidValueError, NaiveDatetimeError, TimeOrderError, aliprotect.errors.RulebookError):
        assert issubclass(error, AliprotectError)
        assert issubclass(error, ValueError)


@pytest.mark.parametrize("field", ["placed_at", "shipped_at", "received_at"])
def test_naive_datetimes_are_refused(field: str) -> None:
    naive = dt.datetime(2025, 3, 5, 10)
    with pytest.raises(NaiveDatetimeError, match=rf"{field}=2025-03-05T10:00:00 has no timezone"):
        make(**{field: naive})


def test_a_naive_extension_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError, match=r"granted_at"):
        Extension(granted_at=dt.datetime(2025, 3, 5), days=5)


def test_a_string_instant_is_refused_in_the_core() -> None:
    with pytest.raises(InvalidValueError, match=r"placed_at='2025-03-01T10:00:00Z' must be a timezone-aware datetime"):
        make(placed_at="2025-03-01T10:00:00Z")


def test_shipped_before_placed_is_refused() -> None:
    with pytest.raises(TimeOrderError, match=r"shipped_at 2025-02-28T09:00:00\+08:00 is before placed_at"):
        make(shipped_at=pendulum.datetime(2025, 2, 28, 9, tz="Asia/Shanghai"))


def test_receipt_before_shipping_is_refused() -> None:
    with pytest.raises(TimeOrderError, match=r"received_at .* is before shipped_at"):
        make(received_at=SHIPPED.subtract(seconds=1))


def test_receipt_without_shipping_is_refused() -> None:
    with pytest.raises(TimeOrderError, match=r"set shipped_at"):
        make(shipped_at=None, received_at=SHIPPED)


@pytest.mark.parametrize("days", [0, -5])
def test_zero_or_negative_days_are_refused(days: int) -> None:
    with pytest.raises(
        InvalidValueError, match=rf"protection_days={days} must be a whole number of days greater than 0"
    ):
        make(protection_days=days)


@pytest.mark.parametrize("days", [60.0, 1.5, "60", True, None, Decimal(60)])
def test_non_integer_days_are_refused(days: object) -> None:
    with pytest.raises(InvalidValueError, match=r"protection_days=.* must be a whole number"):
        make(protection_days=days)
    with pytest.raises(InvalidValueError, match=r"days=.* must be a whole number"):
        Extension(granted_at=SHIPPED, days=days)  # type: ignore[arg-type]


def test_an_extension_granted_after_protection_ended_is_refused() -> None:
    ended = SHIPPED.add(days=60)
    with pytest.raises(TimeOrderError, match=r"is not before protection ended at .*\(protection.extension\)"):
        make(extensions=(Extension(granted_at=ended, days=10),))


def test_an_extension_counts_the_extensions_granted_before_it() -> None:
    first = Extension(granted_at=SHIPPED.add(days=59), days=10)
    second = Extension(granted_at=SHIPPED.add(days=65), days=10)  # after day 60, inside the first one
    order = make(extensions=(second, first))  # any order
    assert aliprotect.protection_end(order, rules=RULES).at == SHIPPED.add(days=80)
    with pytest.raises(TimeOrderError):
        make(extensions=(second,))


def test_an_extension_after_receipt_is_refused() -> None:
    received = SHIPPED.add(days=20)
    with pytest.raises(TimeOrderError, match=r"not before protection ended"):
        make(received_at=received, extensions=(Extension(granted_at=received, days=10),))


def test_extensions_before_shipping_are_refused() -> None:
    with pytest.raises(TimeOrderError, match=r"before shipped_at"):
        make(extensions=(Extension(granted_at=PLACED, days=10),))
    with pytest.raises(TimeOrderError, match=r"shipped_at is None"):
        make(shipped_at=None, extensions=(Extension(granted_at=PLACED, days=10),))


@pytest.mark.parametrize("extensions", [Extension(granted_at=SHIPPED, days=1), "x", 5, [1]])
def test_extensions_must_be_a_sequence_of_extensions(extensions: object) -> None:
    with pytest.raises(InvalidValueError, match=r"extensions"):
        make(extensions=extensions)


@pytest.mark.parametrize("order_id", ["", "  ", 12345, None])
def test_an_order_needs_an_id(order_id: object) -> None:
    with pytest.raises(InvalidValueError, match=r"id=.* must be a non-empty string"):
        make(id=order_id)


def test_money_keeps_exact_decimals() -> None:
    assert Money("12.50", "USD").amount == Decimal("12.50")
    assert Money(12, "EUR").amount == Decimal(12)
    assert make(amount=Money("3.10", "CNY")).amount == Money(Decimal("3.10"), "CNY")


@pytest.mark.parametrize("amount", [12.5, True, "twelve", "-1", "NaN", "Infinity", None])
def test_money_refuses_inexact_or_negative_amounts(amount: object) -> None:
    with pytest.raises(InvalidValueError, match=r"amount="):
        Money(amount, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["usd", "US", "USDT", 840, ""])
def test_money_needs_an_iso_currency_code(currency: object) -> None:
    with pytest.raises(InvalidValueError, match=r"ISO 4217"):
        Money("1", currency)  # type: ignore[arg-type]


def test_an_order_amount_must_be_money() -> None:
    with pytest.raises(InvalidValueError, match=r"amount=Decimal\('12'\) must be a Money value"):
        make(amount=Decimal(12))


def test_claim_kinds_name_their_rules() -> None:
    rules = aliprotect.rulebook("2025.1")
    for kind in aliprotect.ClaimKind:
        assert rules.rule(kind.rule_id).group == "claim"


def test_questions_need_an_aware_instant_after_placing() -> None:
    order = make()
    with pytest.raises(NaiveDatetimeError, match=r"at="):
        aliprotect.can_cancel(order, at=dt.datetime(2025, 3, 2))
    with pytest.raises(TimeOrderError, match=r"before order A1 was placed"):
        aliprotect.can_cancel(order, at=PLACED.subtract(seconds=1))
    with pytest.raises(InvalidValueError, match=r"claim='not_received' must be a Claim, or a ClaimKind"):
        aliprotect.can_open_dispute(order, "not_received", at=SHIPPED)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"order=.* must be an aliprotect.Order"):
        aliprotect.timeline("A1")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"rules='2025.1' must be a Rulebook"):
        aliprotect.timeline(order, rules="2025.1")  # type: ignore[arg-type]


def test_instants_in_the_repeated_hour_of_a_dst_change_compare_as_instants() -> None:
    # Paris repeats 02:00-03:00 on 26 October 2025: 02:10 on the second pass (+01:00)
    # comes after 02:30 on the first pass (+02:00), although its wall clock reads earlier.
    first_pass = pendulum.datetime(2025, 10, 26, 2, 30, tz="Europe/Paris", fold=0)
    second_pass = pendulum.datetime(2025, 10, 26, 2, 10, tz="Europe/Paris", fold=1)
    order = Order(id="F", placed_at=first_pass, shipped_at=second_pass, protection_days=60)
    assert order.shipped_at == second_pass
    extended = make(
        placed_at=first_pass, shipped_at=first_pass, extensions=(Extension(granted_at=second_pass, days=1),)
    )
    assert aliprotect.protection_end(extended, rules=RULES).at == pendulum.datetime(
        2025, 12, 26, 2, 30, tz="Europe/Paris"
    )
    with pytest.raises(TimeOrderError):
        Order(id="F", placed_at=second_pass, shipped_at=first_pass, protection_days=60)


def test_a_document_with_several_problems_names_each_and_lists_them() -> None:
    document = {"id": "", "placed_at": "2025-03-01T10:00:00Z", "protection_days": 0, "amount": {"amount": "-1"}}
    with pytest.raises(aliprotect.errors.DocumentError) as raised:
        aliprotect.from_data({"aliprotect": 2, "type": "Order", "value": document})
    problems = [str(problem) for problem in raised.value.problems]
    assert len(problems) == 4
    assert problems[0] == "document Order.amount: lacks the field 'currency' of Money"
    assert problems[1] == "amount='-1' must be a finite amount of 0 or more"  # inside Money, alongside
    assert problems[2].startswith("id='' must be a non-empty string")
    assert problems[3].startswith("protection_days=0 must be a whole number of days")
    assert str(raised.value) == "4 problems: " + "; ".join(problems)
    with pytest.raises(InvalidValueError) as one:  # one problem: its own error, listing itself
        aliprotect.from_data({"aliprotect": 2, "type": "Money", "value": {"amount": "1", "currency": "usd"}})
    assert one.value.problems == (one.value,)


def test_an_unknown_field_of_a_document_names_the_field_it_looks_like() -> None:
    value = {"id": "1", "placed_at": "2025-03-01T10:00:00Z", "protection_days": 60, "shiped_at": "x", "note": 1}
    with pytest.raises(aliprotect.errors.DocumentError) as raised:
        aliprotect.from_data({"aliprotect": 2, "type": "Order", "value": value})
    assert (
        str(raised.value)
        == "document Order: has fields Order does not have: note, shiped_at (did you mean shipped_at?)"
    )
