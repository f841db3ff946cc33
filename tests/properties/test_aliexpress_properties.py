"""Properties of reading AliExpress's records: what aliprotect can express survives the trip
through a record; the observed counting agrees with AliExpress's countdown to the second; junk
raises only the library's errors."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

import pendulum
from hypothesis import assume, given
from hypothesis import strategies as st

import aliprotect
from aliexpress_support import PACIFIC, detail, pacific, record_of
from aliprotect import Money, Order, aliexpress
from aliprotect.errors import AliprotectError

OBSERVED = aliprotect.rulebook("observed.2")
ZONE = pendulum.timezone(PACIFIC)


def _unambiguous(instant: pendulum.DateTime) -> bool:
    """Whether ``instant``'s Pacific wall-clock time names one instant (not in the repeated hour)."""
    wall = instant.in_timezone(PACIFIC).naive()
    return wall.replace(tzinfo=ZONE, fold=0).utcoffset() == wall.replace(tzinfo=ZONE, fold=1).utcoffset()


# seconds from 2015 to 2030: AliExpress writes whole seconds
_SECONDS = st.integers(min_value=1_420_070_400, max_value=1_893_456_000)


def _instant(seconds: int) -> pendulum.DateTime:
    return pendulum.from_timestamp(seconds, tz=PACIFIC)


@st.composite
def orders(draw: st.DrawFn) -> Order:
    placed = _instant(draw(_SECONDS))
    shipped = received = delivered = None
    if draw(st.booleans()):
        shipped = placed.add(seconds=draw(st.integers(min_value=0, max_value=20 * 86_400)))
        if draw(st.booleans()):
            delivered = shipped.add(seconds=draw(st.integers(min_value=0, max_value=60 * 86_400)))
        if draw(st.booleans()):
            received = shipped.add(seconds=draw(st.integers(min_value=0, max_value=90 * 86_400)))
    for instant in (placed, shipped, received, delivered):
        assume(instant is None or _unambiguous(instant))
    days = draw(st.integers(min_value=1, max_value=120))
    amount = draw(st.none() | st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2))
    return Order(
        id=str(draw(st.integers(min_value=1, max_value=10**16))),
        placed_at=placed,
        shipped_at=shipped,
        protection_days=days,
        promised_days=days,
        received_at=received,
        delivered_at=delivered,
        amount=None if amount is None else Money(amount, draw(st.sampled_from(["USD", "EUR", "RUB"]))),
        carrier=None if shipped is None else draw(st.none() | st.sampled_from(["AliExpress Standard Shipping", "EMS"])),
    )


@given(orders())
def test_any_order_written_as_a_record_reads_back_the_same(order: Order) -> None:
    found = aliexpress.order_from_api(record_of(order))
    assert found.order == order
    for name in ("placed_at", "shipped_at", "received_at", "delivered_at"):
        instant = getattr(found.order, name)
        assert instant is None or instant.timezone_name == PACIFIC


@given(_SECONDS, st.integers(min_value=1, max_value=120))
def test_the_observed_counting_agrees_with_aliexpress_s_countdown_to_the_second(seconds: int, days: int) -> None:
    shipped = _instant(seconds)
    assume(_unambiguous(shipped))
    placed = shipped.subtract(hours=30)
    assume(_unambiguous(placed))
    ends = shipped.add(hours=24 * days)  # AliExpress's countdown: whole 24-hour days
    record = record_of(
        Order(id="1", placed_at=placed, shipped_at=shipped, protection_days=days), countdown=pacific(ends)
    )
    if _unambiguous(ends):
        found = aliexpress.reconcile(record, rules=OBSERVED)
    else:  # the countdown's time is in the repeated hour: the caller says which pass it is
        side = "earlier" if ends.in_timezone(PACIFIC).utcoffset() == dt.timedelta(hours=-7) else "later"
        found = aliexpress.reconcile(record, rules=OBSERVED, repeated_hour=side)
    assert found.agrees, found.reason
    assert found.difference == dt.timedelta(0)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4),
    max_leaves=20,
)
_FIELDS = [
    "id",
    "gmt_create",
    "order_status",
    "logistics_status",
    "issue_status",
    "logistic_info_list",
    "child_order_list",
    "pay_amount",
    "over_time_left",
    "order_end_reason",
    "gmt_trade_end",
]


@given(_JSON)
def test_junk_raises_only_the_library_s_errors(payload: Any) -> None:
    for read in (aliexpress.order_from_api, aliexpress.orders_from_api, aliexpress.reconcile):
        with contextlib.suppress(AliprotectError):
            read(payload)


@given(st.dictionaries(st.sampled_from(_FIELDS), _JSON | st.text(max_size=25), max_size=4), st.booleans())
def test_a_damaged_record_raises_only_the_library_s_errors(changes: dict[str, Any], whole: bool) -> None:
    record = {**detail(), **changes}
    payload = {"aliexpress_trade_new_redefining_findorderbyid_response": {"target": record}} if whole else record
    with contextlib.suppress(AliprotectError):
        aliexpress.reconcile(payload, rules=OBSERVED)
