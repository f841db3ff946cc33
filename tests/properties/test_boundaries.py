"""Hypothesis properties on every boundary of the timeline (conventions C2 to C4, C6, C7).

Orders come from :mod:`aliprotect.strategies`: zones from UTC+14 to UTC-11, with DST
at 02:00, at midnight and by half an hour, instants from 2016 to 2034 (month ends,
year ends and leap days included).
"""

import datetime as dt
import itertools

import pendulum
from hypothesis import example, given
from hypothesis import strategies as st

import aliprotect
from aliprotect import ClaimKind, Order, _days
from aliprotect.strategies import instants, orders

RULES = aliprotect.rulebook("2025.1")
ONE_MICROSECOND = dt.timedelta(microseconds=1)
OPEN_DAY = RULES.quantity("open.earliest").value
LATEST_DAYS = RULES.quantity("open.latest").value
BUFFER_DAYS = RULES.quantity("protection.settlement_buffer").value


def wall_clock_exists(zone: dt.tzinfo, naive: dt.datetime) -> bool:
    """Whether the local time ``naive`` happens in ``zone`` (a DST change can skip it)."""
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == naive


@given(orders(shipped=True))
def test_one_instant_before_open_latest_is_inside_and_the_instant_itself_is_outside(order: Order) -> None:
    window = aliprotect.dispute_window(order, rules=RULES)
    claim = ClaimKind.WRONG_ITEM
    before = aliprotect.can_open_dispute(order, claim, at=window.closes - ONE_MICROSECOND, rules=RULES)
    at_close = aliprotect.can_open_dispute(order, claim, at=window.closes, rules=RULES)
    assert before.allowed
    assert not at_close.allowed
    assert at_close.rule_ids == ("open.latest",)
    assert window.contains(window.closes - ONE_MICROSECOND)
    assert not window.contains(window.closes)


@given(orders(shipped=True))
def test_open_latest_is_fifteen_days_after_completion(order: Order) -> None:
    done = aliprotect.completion(order, rules=RULES).at
    closes = aliprotect.dispute_window(order, rules=RULES).closes
    assert closes.date() == done.date() + dt.timedelta(days=LATEST_DAYS)
    if wall_clock_exists(done.tzinfo, closes.naive().replace(hour=done.hour, minute=done.minute)):  # type: ignore[arg-type]
        assert (closes.hour, closes.minute, closes.second) == (done.hour, done.minute, done.second)


@given(orders(shipped=True))
def test_day_six_starts_at_local_midnight(order: Order) -> None:
    assert order.shipped_at is not None
    opens = aliprotect.dispute_window(order, rules=RULES).opens
    assert opens.tzinfo == order.shipped_at.tzinfo
    assert opens.date() == order.shipped_at.date() + dt.timedelta(days=OPEN_DAY)
    local_midnight = dt.datetime.combine(opens.date(), dt.time())
    if wall_clock_exists(opens.tzinfo, local_midnight):  # type: ignore[arg-type]
        assert opens.time() == dt.time(0, 0)
    else:  # a DST change skips midnight: the day starts at its first instant
        assert (opens - ONE_MICROSECOND).date() < opens.date()
    refused = aliprotect.can_open_dispute(
        order, ClaimKind.DAMAGED, at=max(opens - ONE_MICROSECOND, order.placed_at), rules=RULES
    )
    assert not refused.allowed
    assert refused.rule_ids == ("open.earliest",)
    assert aliprotect.can_open_dispute(order, ClaimKind.DAMAGED, at=opens, rules=RULES).allowed


@given(orders(shipped=True, received=False))
def test_the_settlement_buffer_is_ten_local_days_before_protection_ends(order: Order) -> None:
    end = aliprotect.protection_end(order, rules=RULES).at
    advice = aliprotect.recommended_open_by(order, rules=RULES)
    assert advice.at < end
    assert advice.at.date() == end.date() - dt.timedelta(days=BUFFER_DAYS)
    assert advice.rule_ids[0] == "protection.settlement_buffer"
    names = [deadline.name for deadline in aliprotect.timeline(order, rules=RULES).deadlines]
    assert names.index("open_by_recommended") < names.index("protection_ends")


@given(orders(shipped=True, extended=True), st.randoms(use_true_random=False))
def test_extensions_add_up_in_any_order(order: Order, random: object) -> None:
    assert order.shipped_at is not None
    expected = _days.add_days(order.shipped_at, order.protection_days + sum(e.days for e in order.extensions))
    for permutation in itertools.permutations(order.extensions):
        shuffled = Order(
            id=order.id,
            placed_at=order.placed_at,
            shipped_at=order.shipped_at,
            protection_days=order.protection_days,
            extensions=permutation,
            received_at=order.received_at,
        )
        assert aliprotect.protection_end(shuffled, rules=RULES).at == expected


@given(orders(shipped=True, received=False), st.integers(min_value=1, max_value=90), st.data())
def test_an_extension_granted_while_protection_runs_moves_the_end_by_its_days(
    order: Order, days: int, data: st.DataObject
) -> None:
    assert order.shipped_at is not None
    end = aliprotect.protection_end(order, rules=RULES).at
    start = max([order.shipped_at, *(e.granted_at for e in order.extensions)])
    offset = data.draw(st.integers(min_value=0, max_value=int((end - start).total_seconds()) - 1))
    at = start.add(seconds=offset)
    extended = aliprotect.grant_extension(order, days=days, at=at)
    assert aliprotect.protection_end(extended, rules=RULES).at == _days.add_days(
        order.shipped_at, order.protection_days + order.extension_days + days
    )
    try:
        aliprotect.grant_extension(order, days=days, at=end)
    except aliprotect.errors.ActionRefusedError:
        pass
    else:
        raise AssertionError("an extension at the very end of protection must be refused")


@given(instants(), st.integers(min_value=-400, max_value=400))
@example(pendulum.datetime(2025, 3, 29, 2, 30, tz="Europe/Paris"), 1)  # into the spring gap
@example(pendulum.datetime(2025, 10, 25, 2, 30, tz="Europe/Paris"), 1)  # into the autumn overlap
@example(pendulum.datetime(2025, 3, 8, 9, tz="America/New_York"), 60)
@example(pendulum.datetime(2024, 2, 29, 12, tz="Pacific/Kiritimati"), 365)
@example(pendulum.datetime(2024, 12, 31, 23, 59, tz="Pacific/Pago_Pago"), 1)
def test_days_keep_the_wall_clock_across_dst_changes(start: pendulum.DateTime, days: int) -> None:
    result = _days.add_days(start, days)
    assert result.tzinfo == start.tzinfo
    assert result.date() == start.date() + dt.timedelta(days=days)
    target = dt.datetime.combine(result.date(), start.time())
    if wall_clock_exists(start.tzinfo, target):  # type: ignore[arg-type]
        assert result.time() == start.time()
    else:  # the wall-clock time does not exist that day: it moves forward by the gap
        assert result.time() > start.time()


def test_dst_changes_in_both_directions_keep_the_wall_clock() -> None:
    spring = _days.add_days(pendulum.datetime(2025, 3, 29, 18, tz="Europe/Paris"), 1)
    assert (
        spring.isoformat(),
        (spring - pendulum.datetime(2025, 3, 29, 18, tz="Europe/Paris")).in_hours(),
    ) == (
        "2025-03-30T18:00:00+02:00",
        23,
    )
    autumn = _days.add_days(pendulum.datetime(2025, 10, 25, 18, tz="Europe/Paris"), 1)
    assert autumn.isoformat() == "2025-10-26T18:00:00+01:00"
    assert (autumn - pendulum.datetime(2025, 10, 25, 18, tz="Europe/Paris")).in_hours() == 25


def test_month_ends_year_ends_and_leap_days() -> None:
    def order(shipped: pendulum.DateTime, days: int) -> Order:
        return Order(id="E", placed_at=shipped, shipped_at=shipped, protection_days=days)

    year_end = order(pendulum.datetime(2024, 12, 28, 15, tz="Asia/Shanghai"), 60)
    assert aliprotect.dispute_window(year_end, rules=RULES).opens == pendulum.datetime(2025, 1, 3, tz="Asia/Shanghai")

    leap = order(pendulum.datetime(2024, 2, 25, 8, tz="UTC"), 4)
    assert aliprotect.protection_end(leap, rules=RULES).at == pendulum.datetime(2024, 2, 29, 8, tz="UTC")
    assert aliprotect.dispute_window(leap, rules=RULES).opens == pendulum.datetime(2024, 3, 2, tz="UTC")

    month_end = aliprotect.dispute_window(
        order(pendulum.datetime(2025, 1, 31, 23, 30, tz="America/New_York"), 30), rules=RULES
    )
    assert month_end.opens == pendulum.datetime(2025, 2, 6, tz="America/New_York")
    # 30 days: 2 March 23:30; then 15 days across the DST change of 9 March, wall clock kept
    assert month_end.closes == pendulum.datetime(2025, 3, 17, 23, 30, tz="America/New_York")


def test_zones_far_east_and_far_west_open_on_their_own_local_day() -> None:
    shipped = pendulum.datetime(2025, 6, 1, 12, tz="UTC")
    east = Order(id="E", placed_at=shipped, shipped_at=shipped.in_timezone("Pacific/Kiritimati"), protection_days=60)
    west = Order(id="W", placed_at=shipped, shipped_at=shipped.in_timezone("Pacific/Pago_Pago"), protection_days=60)
    east_opens = aliprotect.dispute_window(east, rules=RULES).opens
    west_opens = aliprotect.dispute_window(west, rules=RULES).opens
    assert east_opens.isoformat() == "2025-06-08T00:00:00+14:00"  # 2 June local + 6 days
    assert west_opens.isoformat() == "2025-06-07T00:00:00-11:00"  # 1 June local + 6 days
    assert (west_opens - east_opens).in_hours() == 1


def test_midnight_skipped_by_dst_opens_at_the_first_instant_of_the_day() -> None:
    # Chile moved its clocks from 00:00 to 01:00 on 7 September 2025
    shipped = pendulum.datetime(2025, 9, 1, 10, tz="America/Santiago")
    order = Order(id="S", placed_at=shipped, shipped_at=shipped, protection_days=60)
    assert aliprotect.dispute_window(order, rules=RULES).opens.isoformat() == "2025-09-07T01:00:00-03:00"


@given(orders())
def test_the_timeline_is_sorted_and_explains_itself(order: Order) -> None:
    result = aliprotect.timeline(order, rules=RULES)
    instants_ = [deadline.at for deadline in result.deadlines]
    assert instants_ == sorted(instants_)
    for deadline in result.deadlines:
        assert deadline.rule_ids
        assert all(rule_id in RULES.rules for rule_id in deadline.rule_ids)
        assert deadline.rulebook == RULES.version
    if order.shipped_at is None:
        assert result.deadlines == ()
    else:
        done = aliprotect.completion(order, rules=RULES).at
        assert done == min(
            t for t in (order.received_at, aliprotect.protection_end(order, rules=RULES).at) if t is not None
        )


@given(orders(shipped=True, received=False, extended=False), st.integers(min_value=0, max_value=86_400))
def test_not_received_closes_at_receipt_but_other_claims_do_not(unreceived: Order, seconds: int) -> None:
    # receipt on the first local day of the window (or just after) always lies inside it:
    # the window then closes 15 days after the receipt or after protection ended
    opens = aliprotect.dispute_window(unreceived, rules=RULES).opens
    received_at = opens.add(seconds=seconds)
    order = Order(
        id=unreceived.id,
        placed_at=unreceived.placed_at,
        shipped_at=unreceived.shipped_at,
        protection_days=unreceived.protection_days,
        received_at=received_at,
    )
    window = aliprotect.dispute_window(order, rules=RULES)
    assert window.contains(received_at)
    assert not aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=received_at, rules=RULES)
    assert aliprotect.can_open_dispute(order, ClaimKind.NOT_AS_DESCRIBED, at=received_at, rules=RULES)
    if window.contains(received_at - ONE_MICROSECOND):
        before = received_at - ONE_MICROSECOND
        assert aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=before, rules=RULES)


@given(orders(shipped=True), st.data())
def test_cancelling_is_allowed_exactly_before_shipping(order: Order, data: st.DataObject) -> None:
    assert order.shipped_at is not None
    span = int((order.shipped_at - order.placed_at).total_seconds() * 1_000_000)
    at = order.placed_at + dt.timedelta(microseconds=data.draw(st.integers(min_value=0, max_value=span + 10**9)))
    assert aliprotect.can_cancel(order, at=at, rules=RULES).allowed == (at < order.shipped_at)
