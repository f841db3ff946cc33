"""``aliprotect check`` prints the same thing, byte for byte, whether the frames extra's columnar
engine reads the file or the scalar path reads it one order at a time: the same orders needing
action with the same advice, the same bad rows with the same messages, the same exit status.

The files are generated: orders of every zone written in every form an instant can take (an
offset, "Z", an offset and a zone, a zone alone), with extensions, amounts, carriers and
promised delivery times, and rows broken in the ways real files are (an empty or naive
instant, a date that does not exist, an offset that is not the zone's, a shipment before the
order, a bad number of days, a bad amount), in files laid out as real files are (Windows line
ends, a cell with a line break, a row with a cell too many, a byte-order mark, a column named
twice), under every published rulebook.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import tempfile
from typing import Any
from unittest import mock

import attrs
import numpy as np
import pendulum
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

import aliprotect
from aliprotect import Order, _cli_check, _columnar, _fast_check, cli, strategies

BOOKS = tuple(aliprotect.rulebooks())
HEADER = (
    "id",
    "placed_at",
    "shipped_at",
    "received_at",
    "delivered_at",
    "protection_days",
    "extensions",
    "amount",
    "currency",
    "carrier",
    "promised_days",
    "note",
)


def _written(instant: pendulum.DateTime | None, form: str) -> str:
    if instant is None:
        return ""
    text = instant.isoformat()
    zone = getattr(instant.tzinfo, "name", "")
    named = "/" in zone or zone == "UTC"
    if form == "zulu":
        return instant.in_timezone("UTC").isoformat().replace("+00:00", "Z")
    if form == "offset and zone" and named:
        return f"{text}[{zone}]"
    if form == "zone alone" and named:
        return f"{instant.format('YYYY-MM-DDTHH:mm:ss')}[{zone}]"
    return text


BROKEN = {
    "placed_at": [
        "",
        "2025-03-01T10:00:00",
        "2025-02-30T10:00:00+01:00",
        "yesterday",
        "2025-03-01T10:00:00+05:00[Europe/Paris]",
    ],
    "shipped_at": ["2019-01-01T00:00:00+00:00", "2025-13-01T00:00:00Z", "2025-03-01T25:00:00Z"],
    "protection_days": ["0", "-5", "abc", "60.5", " 75 "],
    "promised_days": ["0", "x", " 12 "],
    "amount": ["12.50", "-1"],
    "currency": ["usd", "EUR"],
    "extensions": ["15", "0@2025-03-10T00:00:00Z"],
    "id": ["", "\x1c", " \u3000"],
}


@st.composite
def rows(draw: st.DrawFn, book: Any) -> dict[str, str]:
    order: Order = draw(strategies.orders())
    forms = ("offset", "zulu", "offset and zone", "zone alone")
    form = draw(st.sampled_from(forms))
    carriers = ["", *(name for names in book.carriers.values() for name in names)]
    row = {
        "id": order.id,
        "placed_at": _written(order.placed_at, form),
        "shipped_at": _written(order.shipped_at, form),
        "received_at": _written(order.received_at, form),
        "delivered_at": _written(order.delivered_at, form),
        "protection_days": draw(st.sampled_from(["", str(order.protection_days)])),
        "extensions": ";".join(f"{e.days}@{e.granted_at.isoformat()}" for e in order.extensions),
        "amount": "" if order.amount is None else str(order.amount.amount),
        "currency": "" if order.amount is None else order.amount.currency,
        "carrier": draw(st.sampled_from(carriers)),
        "promised_days": draw(st.sampled_from(["", "7", "20", "45"])),
        "note": draw(st.sampled_from(["", "gift", "a, b", 'two\nlines, "quoted"'])),
    }
    if draw(st.integers(min_value=0, max_value=5)) == 0:  # one row in six is broken
        field = draw(st.sampled_from(sorted(BROKEN)))
        row[field] = draw(st.sampled_from(BROKEN[field]))
    return row


def _run(arguments: list[str], *, fast: bool) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if fast:
        status = cli.main(arguments, out=out, err=err)
    else:
        with mock.patch.object(_cli_check, "fast_engine", return_value=None):
            status = cli.main(arguments, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@given(data=st.data())
def test_the_columnar_check_prints_what_the_scalar_check_prints(data: st.DataObject) -> None:
    book = data.draw(st.sampled_from(BOOKS))
    written = data.draw(st.lists(rows(book), min_size=1, max_size=12, unique_by=lambda row: row["id"]))
    at = data.draw(st.sampled_from(["2016-06-01T00:00:00Z", "2024-03-01T12:00:00+01:00", "2030-01-01T00:00:00Z"]))
    role = data.draw(st.sampled_from(["buyer", "dropshipper"]))
    layout = data.draw(st.sampled_from(["plain", "crlf", "ragged", "byte-order mark", "header twice"]))
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "orders.csv"
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=HEADER, lineterminator="\r\n" if layout == "crlf" else "\n")
        writer.writeheader()
        writer.writerows(written)
        content = text.getvalue()
        if layout == "ragged":  # a row with a cell more, as spreadsheets sometimes write
            content += f"{written[0]['id']}x,{written[0]['placed_at']},,,,60,,,,,,,extra\n"
        elif layout == "byte-order mark":
            content = "\ufeff" + content
        elif layout == "header twice":
            content = content.replace("note", "carrier", 1)
        path.write_text(content, encoding="utf-8")
        arguments = ["check", str(path), "--at", at, "--rulebook", book.version, "--role", role, "--extra", "note"]
        for extra in ([], ["--json"]):
            fast = _run(arguments + extra, fast=True)
            assert fast == _run(arguments + extra, fast=False)
            assert "is not one check reads" not in fast[2]  # the rows were read, not the header refused


def _exactly(value: object) -> object:
    """A value with everything that can tell two equal instants apart: zone type and name, and fold."""
    if isinstance(value, dt.datetime):
        return (value.isoformat(), type(value), type(value.tzinfo), getattr(value.tzinfo, "name", None), value.fold)
    if isinstance(value, tuple):
        return tuple(_exactly(item) for item in value)
    return value


@given(data=st.data())
def test_a_plain_row_read_from_its_columns_is_the_order_the_scalar_reader_makes(data: st.DataObject) -> None:
    book = data.draw(st.sampled_from(BOOKS))
    written = data.draw(st.lists(rows(book), min_size=1, max_size=12))
    record = pa.RecordBatch.from_pylist(written, schema=pa.schema([(name, pa.string()) for name in HEADER]))
    batch = _fast_check._Batch(record, book)
    plain, _, _ = batch.plain(_columnar.HIGHEST_US)
    for index in np.flatnonzero(plain).tolist():
        fast = batch.order(index)
        scalar = _cli_check._order_from_row(written[index], book)
        for field in attrs.fields(Order):
            assert _exactly(getattr(fast, field.name)) == _exactly(getattr(scalar, field.name)), field.name
