"""The columnar engine answers exactly as the scalar functions, row by row.

For generated tables of orders (every zone of :mod:`aliprotect.strategies`, fixed offsets,
extensions, receipt, delivery, carriers and promised delivery times drawn from each
rulebook's own), under every published rulebook:

- :func:`aliprotect.frames.timelines` gives each order's deadlines as :func:`aliprotect.timeline`;
- :func:`aliprotect.frames.can_open` gives each verdict and its rule ids as
  :func:`aliprotect.can_open_dispute`;
- :func:`aliprotect.frames.next_actions` gives each order's first advice (action, urgency,
  deadline, rule ids) as :func:`aliprotect.next_actions`;
- when a table is refused, one of its orders is refused by the scalar function with the same
  kind of error, and a table whose orders all have answers is never refused.

Both ways of saying which calendar counts a row's days are covered: a ``zone`` column (each
order's instants read in that zone), and each column's own zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aliprotect
from aliprotect import ClaimKind, Order, Role, _columnar, _days, frames, strategies
from aliprotect._answers import TIMELINE_NAMES
from frames_support import arrow_tables, column_micros, column_values, in_zone, micros, zone_name

BOOKS = tuple(aliprotect.rulebooks())


@st.composite
def tables(draw: st.DrawFn, *, zone_column: bool) -> tuple[list[Order], list[str] | None, aliprotect.rules.Rulebook]:
    """Orders valid as scalar values, with each instant in the calendar the table will count in."""
    book = draw(st.sampled_from(BOOKS))
    carriers = [None, *(name for names in book.carriers.values() for name in names), *book.carriers]
    drawn = draw(st.lists(strategies.orders(), min_size=1, max_size=5, unique_by=lambda order: order.id))
    if zone_column:
        zones = [(order.shipped_at or order.placed_at).tzinfo for order in drawn]
    else:
        columns = {name: draw(strategies.zones()) for name in ("placed", "shipped", "received", "delivered")}
        zones = [columns["shipped"] for _ in drawn]
    orders: list[Order] = []
    for order, zone in zip(drawn, zones, strict=True):
        facts = {
            "carrier": draw(st.sampled_from(carriers)),
            "promised_days": draw(st.one_of(st.none(), st.integers(min_value=1, max_value=90))),
        }
        try:  # a calendar moves the end of protection, so an extension may no longer fit
            moved = in_zone(order, zone) if zone_column else _columns_in(order, columns)
            orders.append(attrs.evolve(moved, **facts))
        except aliprotect.AliprotectError:
            continue
    if not orders:
        orders = [Order(id="plain", placed_at=drawn[0].placed_at.in_timezone(zones[0]), protection_days=60)]
        zones = zones[:1]
    names = [zone_name(zone) for zone in zones[: len(orders)]] if zone_column else None
    if zone_column:
        names = [zone_name((order.shipped_at or order.placed_at).tzinfo) for order in orders]
    return orders, names, book


def _columns_in(order: Order, zones: dict[str, Any]) -> Order:
    """``order`` with each instant in the zone of its column (extensions in the shipping zone)."""

    def moved(instant: pendulum.DateTime | None, column: str) -> pendulum.DateTime | None:
        return None if instant is None else instant.in_timezone(zones[column])

    return attrs.evolve(
        order,
        placed_at=moved(order.placed_at, "placed"),
        shipped_at=moved(order.shipped_at, "shipped"),
        received_at=moved(order.received_at, "received"),
        delivered_at=moved(order.delivered_at, "delivered"),
        extensions=tuple(attrs.evolve(e, granted_at=moved(e.granted_at, "shipped")) for e in order.extensions),
    )


def _scalar(orders: Sequence[Order], question: Callable[[Order], Any]) -> list[Any]:
    answers: list[Any] = []
    for order in orders:
        try:
            answers.append(question(order))
        except aliprotect.AliprotectError as error:
            answers.append(error)
    return answers


def _agree(orders: Sequence[Order], expected: list[Any], ask: Callable[[], Any]) -> Any | None:
    """The table's answer, or ``None`` when it was refused as one of its orders is."""
    refused = [type(answer) for answer in expected if isinstance(answer, Exception)]
    if refused:
        with pytest.raises(aliprotect.AliprotectError) as caught:
            ask()
        assert caught.type in refused, (caught.value, refused)
        return None
    answer = ask()
    assert not refused, f"the table was answered, but the scalar function refused: {refused}"
    return answer


def _tables(orders: Sequence[Order], zones: list[str] | None) -> tuple[Any, Any]:
    return arrow_tables(orders, zones=zones)


@pytest.mark.parametrize("zone_column", [True, False], ids=["zone column", "column zones"])
@given(data=st.data())
def test_timelines_equal_the_scalar_timeline(zone_column: bool, data: st.DataObject) -> None:
    orders, zones, book = data.draw(tables(zone_column=zone_column))
    table, extensions = _tables(orders, zones)
    expected = _scalar(orders, lambda order: aliprotect.timeline(order, rules=book))
    answer = _agree(orders, expected, lambda: frames.timelines(table, rules=book, extensions=extensions))
    if answer is None:
        return
    for name in TIMELINE_NAMES:
        got = column_micros(answer, name)
        want = [None if (d := timeline.get(name)) is None else micros(d.at) for timeline in expected]
        assert got == want, name
    assert set(column_values(answer, "rulebook")) == {book.version}
    assert set(column_values(answer, "fingerprint")) == {book.fingerprint}


def _after_every_placement(data: st.DataObject, orders: Sequence[Order]) -> pendulum.DateTime:
    latest = max(orders, key=lambda order: micros(order.placed_at) or 0).placed_at
    return latest.add(seconds=data.draw(st.integers(min_value=0, max_value=200 * 86_400)))


@pytest.mark.parametrize("zone_column", [True, False], ids=["zone column", "column zones"])
@given(data=st.data())
def test_can_open_equals_the_scalar_verdict(zone_column: bool, data: st.DataObject) -> None:
    orders, zones, book = data.draw(tables(zone_column=zone_column))
    at = _after_every_placement(data, orders)
    kind = data.draw(st.sampled_from(ClaimKind))
    table, extensions = _tables(orders, zones)
    expected = _scalar(orders, lambda order: aliprotect.can_open_dispute(order, kind, at=at, rules=book))
    answer = _agree(
        orders, expected, lambda: frames.can_open(table, at=at, claim=kind, rules=book, extensions=extensions)
    )
    if answer is None:
        return
    assert column_values(answer, "can_open") == [verdict.allowed for verdict in expected]
    assert column_values(answer, "can_open_rule_ids") == [", ".join(verdict.rule_ids) for verdict in expected]


@pytest.mark.parametrize("zone_column", [True, False], ids=["zone column", "column zones"])
@given(data=st.data())
def test_next_actions_gives_the_first_scalar_advice(zone_column: bool, data: st.DataObject) -> None:
    orders, zones, book = data.draw(tables(zone_column=zone_column))
    at = _after_every_placement(data, orders)
    role = data.draw(st.sampled_from(Role))
    table, extensions = _tables(orders, zones)
    expected = _scalar(orders, lambda order: aliprotect.next_actions(order, at=at, rules=book, role=role))
    answer = _agree(
        orders, expected, lambda: frames.next_actions(table, at=at, role=role, rules=book, extensions=extensions)
    )
    if answer is None:
        return
    firsts = [advice[0] if advice else None for advice in expected]
    assert column_values(answer, "next_action") == [a and a.action.value for a in firsts]
    assert column_values(answer, "next_action_urgency") == [a and a.urgency.value for a in firsts]
    assert column_micros(answer, "next_action_by") == [a and micros(a.by) for a in firsts]
    assert column_values(answer, "next_action_rule_ids") == [a and ", ".join(a.rule_ids) for a in firsts]


# --- the zone arithmetic, where the clocks change ---------------------------------------------

CHANGING = (
    "Europe/Paris",
    "America/New_York",
    "America/Santiago",  # DST at midnight
    "Australia/Lord_Howe",  # a half-hour change
    "Pacific/Chatham",
    "Pacific/Apia",  # skipped a whole day in 2011
    "Europe/Dublin",  # "negative" DST in the tz database
    "America/Sao_Paulo",  # DST abolished in 2019
    "Asia/Tehran",
)


@st.composite
def near_a_change(draw: st.DrawFn) -> pendulum.DateTime:
    """An instant within a few hours of one of the zone's changes of offset, in that zone."""
    zone = pendulum.timezone(draw(st.sampled_from(CHANGING)))
    year = draw(st.integers(min_value=1990, max_value=2045))
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    changes = []
    previous = start.astimezone(zone).utcoffset()
    for hour in range(0, 366 * 24, 6):
        moment = start + dt.timedelta(hours=hour)
        offset = moment.astimezone(zone).utcoffset()
        if offset != previous:
            changes.append(moment)
            previous = offset
    base = draw(st.sampled_from(changes)) if changes else start
    moment = base + dt.timedelta(seconds=draw(st.integers(min_value=-12 * 3600, max_value=6 * 3600)))
    return pendulum.instance(moment).in_timezone(zone)


@given(instant=near_a_change(), days=st.integers(min_value=-400, max_value=400))
def test_day_arithmetic_over_columns_equals_the_scalar_one_near_every_change(
    instant: pendulum.DateTime, days: int
) -> None:
    zones = _columnar.Zones([instant.tzinfo], 2050)
    zone, at = np.zeros(1, dtype=np.int64), np.asarray([micros(instant)], dtype=np.int64)
    step = np.asarray([days], dtype=np.int64)
    assert zones.add_days(zone, at, step)[0] == micros(_days.add_days(instant, days))
    assert zones.start_of_day_number(zone, at, step)[0] == micros(_days.start_of_day_number(instant, days))
    for moved, moved_wall in (
        zones.add_days_and_wall(zone, at, step),
        zones.start_of_day_number_and_wall(zone, at, step),
    ):  # the wall-clock time found with an instant is that instant's own
        assert moved_wall[0] == zones.wall(zone, moved)[0]
    naive = dt.datetime(*instant.timetuple()[:6], instant.microsecond)
    wall = naive - dt.datetime(1970, 1, 1)
    assert zones.wall(zone, at)[0] == wall // dt.timedelta(microseconds=1)
