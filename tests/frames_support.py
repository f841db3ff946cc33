"""Tables of orders built from scalar :class:`~aliprotect.Order` values, and the scalar answers
read back from a table: what the tests of :mod:`aliprotect.frames` compare."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import pendulum
import pyarrow as pa

from aliprotect import Order, _days

US = dt.timedelta(microseconds=1)


def micros(instant: dt.datetime | None) -> int | None:
    """An instant as microseconds since 1970 UTC, as the tables hold it."""
    return None if instant is None else _days.key(instant) // US


def zone_name(zone: dt.tzinfo | None) -> str:
    name = getattr(zone, "name", None)
    assert isinstance(name, str), zone
    return name


def in_zone(order: Order, zone: dt.tzinfo) -> Order:
    """``order`` with every instant read in ``zone``: the same instants, another calendar."""

    def moved(instant: pendulum.DateTime | None) -> pendulum.DateTime | None:
        return None if instant is None else instant.in_timezone(zone)

    return attrs.evolve(
        order,
        placed_at=moved(order.placed_at),
        shipped_at=moved(order.shipped_at),
        received_at=moved(order.received_at),
        delivered_at=moved(order.delivered_at),
        extensions=tuple(attrs.evolve(e, granted_at=moved(e.granted_at)) for e in order.extensions),
    )


def _instants(values: Sequence[dt.datetime | None], zone: str) -> pa.Array:
    return pa.array([micros(value) for value in values], type=pa.int64()).cast(pa.timestamp("us", zone))


def arrow_tables(orders: Sequence[Order], *, zones: Sequence[str] | None = None) -> tuple[pa.Table, pa.Table]:
    """The orders and their extensions as pyarrow tables.

    With ``zones`` (one per order), the instants are stored in UTC and a ``zone`` column names
    each row's calendar. Without, each instant column takes the zone of its first instant,
    and every instant of that column must be in that zone.
    """

    def column(name: str, values: list[dt.datetime | None]) -> pa.Array:
        if zones is not None:
            return _instants(values, "UTC")
        given = [value for value in values if value is not None]
        zone = zone_name(given[0].tzinfo) if given else "UTC"
        # an extension's zone counts no days: only its instant matters
        assert name == "granted_at" or all(zone_name(value.tzinfo) == zone for value in given), f"{name} mixes zones"
        return _instants(values, zone)

    table: dict[str, Any] = {
        "id": pa.array([order.id for order in orders], type=pa.string()),
        "placed_at": column("placed_at", [order.placed_at for order in orders]),
        "shipped_at": column("shipped_at", [order.shipped_at for order in orders]),
        "protection_days": pa.array([order.protection_days for order in orders], type=pa.int64()),
        "received_at": column("received_at", [order.received_at for order in orders]),
        "delivered_at": column("delivered_at", [order.delivered_at for order in orders]),
        "carrier": pa.array([order.carrier for order in orders], type=pa.string()),
        "promised_days": pa.array([order.promised_days for order in orders], type=pa.int64()),
    }
    if zones is not None:
        table["zone"] = pa.array(list(zones), type=pa.string())
    granted = [(order.id, e) for order in orders for e in order.extensions]
    extensions = {
        "id": pa.array([order_id for order_id, _ in granted], type=pa.string()),
        "granted_at": column("granted_at", [e.granted_at for _, e in granted]),
        "days": pa.array([e.days for _, e in granted], type=pa.int64()),
    }
    return pa.table(table), pa.table(extensions)


def column_micros(table: Any, name: str) -> list[int | None]:
    """A column of instants of an answer, of any kind of table, as microseconds since 1970 UTC."""
    arrow = _arrow(table)
    return [None if value is None else value for value in arrow[name].cast(pa.int64()).to_pylist()]


def column_values(table: Any, name: str) -> list[Any]:
    return list(_arrow(table)[name].to_pylist())


def _arrow(table: Any) -> pa.Table:
    if isinstance(table, pa.Table):
        return table
    if hasattr(table, "to_arrow"):  # polars
        return table.to_arrow()
    return pa.Table.from_pandas(table, preserve_index=False)
