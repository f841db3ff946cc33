"""A table of AliExpress records reads as its records do, one by one: ``frames.from_aliexpress``
agrees with ``aliexpress.order_from_api`` row by row, and so do the answers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_aliexpress_properties import orders

import aliprotect
from aliexpress_support import PACIFIC, flat, pacific, record_of
from aliprotect import Order, aliexpress

pa = pytest.importorskip("pyarrow")
frames = pytest.importorskip("aliprotect.frames")

FIELDS = (
    "id",
    "gmt_create",
    "order_status",
    "logistics_status",
    "gmt_send",
    "freight_commit_day",
    "order_end_reason",
    "gmt_trade_end",
    "receive_status",
    "gmt_received",
    "logistics_service_name",
    "over_time_left",
)


def utc(instant: dt.datetime | None) -> dt.datetime | None:
    """``instant`` in UTC: instants in the repeated hour compare unequal across zones (PEP 495)."""
    return None if instant is None else instant.astimezone(dt.UTC)


def table(rows: list[dict[str, object]]) -> object:
    return pa.table({field: pa.array([row.get(field) for row in rows], type=pa.string()) for field in FIELDS})


@given(st.lists(orders(), min_size=1, max_size=8), st.sampled_from(["observed.2", "2025.2", "2020.2"]))
def test_a_table_of_records_reads_and_answers_as_each_record_does(found: list[Order], version: str) -> None:
    rules = aliprotect.rulebook(version)
    records = []
    for order in found:
        ends = None if order.shipped_at is None else order.shipped_at.add(hours=24 * order.protection_days)
        records.append(record_of(order, countdown=None if ends is None else pacific(ends)))
    rows = [flat(record) for record in records]
    for row in rows:
        row["freight_commit_day"] = str(row["freight_commit_day"])
    orders_table = frames.from_aliexpress(table(rows), repeated_hour="later")
    answers = frames.timelines(orders_table, rules=rules).to_pylist()
    read = orders_table.to_pylist()
    for index, record in enumerate(records):
        scalar = aliexpress.order_from_api(record, repeated_hour="later")
        order = scalar.order
        assert read[index]["id"] == order.id
        for name in ("placed_at", "shipped_at", "received_at", "delivered_at"):
            expected = getattr(order, name)
            assert utc(read[index][name]) == utc(expected), name
        assert (read[index]["protection_days"], read[index]["promised_days"]) == (
            order.protection_days,
            order.promised_days,
        )
        assert read[index]["carrier"] == order.carrier
        assert read[index]["zone"] == PACIFIC
        assert utc(read[index]["over_time_left"]) == utc(scalar.countdown)
        expected_timeline = {deadline.name: deadline.at for deadline in aliprotect.timeline(order, rules=rules)}
        for name in ("dispute_opens", "open_by_recommended", "protection_ends", "completed", "dispute_closes"):
            assert utc(answers[index][name]) == utc(expected_timeline.get(name)), name
