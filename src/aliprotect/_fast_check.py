"""The command line's ``check`` over a whole file at once, with :mod:`aliprotect.frames`.

Only with the ``frames`` extra; the command line imports this module when ``check`` runs on a
CSV or Parquet file and the extra is installed. The answers are the scalar path's, row for
row, by construction:

1. A batch of rows is read with pyarrow (CSV cells as text; Parquet columns as they are).
2. The rows in the plain form every CSV export has (each instant ISO 8601 with its offset,
   optionally with its zone in brackets, whole numbers of days, no extensions) are read column by column and checked as
   :class:`~aliprotect.Order` checks them. Every other row goes to the scalar reader, which
   gives it exactly the answer or the error it gives today.
3. :func:`aliprotect.frames.next_actions` finds, for all plain rows at once, the orders whose
   most urgent advice is more than information: the orders that need action.
4. Only those orders are read as scalar values and advised by :func:`aliprotect.next_actions`,
   for the words of their advice. The rest need nothing.

So the scalar work is proportional to the orders that need action, not to the file.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pendulum
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from aliprotect import _columnar, _days, frames
from aliprotect._advice import Advice, Role, Urgency
from aliprotect._model import Money, Order
from aliprotect._rulebook import Rulebook
from aliprotect._shown import shown
from aliprotect._tracking import Tracking
from aliprotect.errors import AliprotectError, ColumnError, InvalidValueError, NaiveDatetimeError

Result = AliprotectError | tuple[str, tuple[Advice, ...]] | None
"""A row's result: its error, its order's id and the advice that needs action, or ``None`` when
the order needs nothing. The rows that need nothing are not all listed: after each batch, the
number of its last row comes with ``None``, so that every row is counted."""

BATCH_BYTES = 8 << 20
"""How much of a CSV file is read at a time: memory stays bounded, whatever the file's size."""

_INSTANT = (
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?:\.(?P<fraction>\d{1,6}))?(?P<offset>Z|[+-]\d{2}:\d{2})(?:\[(?P<zone>[A-Za-z0-9_+\-/]+)\])?$"
)
_INSTANTS = ("placed_at", "shipped_at", "received_at", "delivered_at")
_NEEDING = (Urgency.NOW.value, Urgency.BY_DEADLINE.value)
_Bools = npt.NDArray[np.bool_]
_Ints = npt.NDArray[np.int64]


def _days_from_civil(year: _Ints, month: _Ints, day: _Ints) -> _Ints:
    """Days since 1970-01-01 of each proleptic Gregorian date (H. Hinnant's algorithm)."""
    year = year - (month <= 2)
    era = np.floor_divide(year, 400)
    of_era = year - era * 400
    of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    of_cycle = of_era * 365 + of_era // 4 - of_era // 100 + of_year
    return np.asarray(era * 146_097 + of_cycle - 719_468, dtype=np.int64)


def _month_days(year: _Ints, month: _Ints) -> _Ints:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = np.asarray([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)[np.clip(month, 0, 12)]
    return np.asarray(days + ((month == 2) & leap), dtype=np.int64)


class _Column:
    """One column of ISO 8601 instants, read: microseconds since 1970 UTC, the zone each cell
    names (its bracketed zone, or its offset), and which cells are empty or plain."""

    def __init__(self, text: pa.Array) -> None:
        self.empty = np.asarray(pc.equal(text, "").to_numpy(zero_copy_only=False), dtype=bool)
        parts = pc.extract_regex(text, _INSTANT)
        self.plain = np.asarray(parts.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        rows = len(text)

        def number(name: str, width: int = 0) -> _Ints:
            field = pc.struct_field(parts, name).fill_null("0")
            if width:
                field = pc.utf8_rpad(pc.if_else(pc.equal(field, ""), "0", field), width, "0")
            return np.asarray(pc.cast(field, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)

        if not self.plain.any():
            self.us = self.offset = np.zeros(rows, dtype=np.int64)
            self.zone = pa.array([""] * rows, type=pa.string())
            self.named = np.zeros(rows, dtype=bool)
            return
        year, month, day = number("year"), number("month"), number("day")
        hour, minute, second = number("hour"), number("minute"), number("second")
        fraction = number("fraction", 6)
        offset_text = pc.struct_field(parts, "offset").fill_null("Z")
        sign = np.where(np.asarray(pc.starts_with(offset_text, "-").to_numpy(zero_copy_only=False)), -1, 1)
        hours = _ints(pc.utf8_slice_codeunits(offset_text, 1, 3))  # "" for "Z": 0
        minutes = _ints(pc.utf8_slice_codeunits(offset_text, 4, 6))
        self.plain &= (
            (year >= 1)
            & (month >= 1)
            & (month <= 12)
            & (day >= 1)
            & (day <= _month_days(year, month))
            & (hour <= 23)
            & (minute <= 59)
            & (second <= 59)
            & (hours <= 23)
            & (minutes <= 59)
        )
        self.offset = sign * (hours * 3600 + minutes * 60) * _columnar.MICROSECONDS
        wall = (
            (_days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) * _columnar.MICROSECONDS
        ) + fraction
        self.us = wall - self.offset
        self.plain &= ~_columnar.in_range(self.us, self.plain)
        zone = pc.struct_field(parts, "zone").fill_null("")
        named = pc.if_else(pc.equal(zone, ""), pc.if_else(pc.equal(offset_text, "Z"), "UTC", offset_text), zone)
        self.named = np.asarray(pc.not_equal(zone, "").fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
        self.zone = named


def _ints(text: pa.Array) -> _Ints:
    cleaned = pc.if_else(pc.equal(text, ""), "0", text.fill_null("0"))
    return np.asarray(pc.cast(cleaned, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def _whole_days(text: pa.Array) -> tuple[_Ints, _Bools, _Bools]:
    """Whole numbers of days from text: their values, which cells are empty, and which are plain (> 0)."""
    empty = np.asarray(pc.equal(text, "").to_numpy(zero_copy_only=False), dtype=bool)
    digits = np.asarray(pc.match_substring_regex(text, r"^\d{1,9}$").to_numpy(zero_copy_only=False), dtype=bool)
    values = _ints(pc.if_else(pa.array(digits), text, "0"))
    return values, empty, digits & (values > 0)


def _zones_agree(column: _Column, rows: _Bools) -> _Bools:
    """Which cells of ``rows`` that name a zone in brackets name one of the tz database and state its
    own offset at their instant (the scalar reader refuses the others, with its own message)."""
    agree = np.ones(len(rows), dtype=bool)
    check = rows & column.named & column.plain
    if not check.any():
        return agree
    encoded = pc.dictionary_encode(column.zone)
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    names = [str(name) for name in encoded.dictionary.to_pylist()]
    known = np.asarray([_known(name) for name in names], dtype=bool)
    agree[check] = known[codes[check]]
    check &= agree
    if not check.any():
        return agree
    zones = [
        frames._zone_named(name) if ok else frames._zone_named("UTC") for name, ok in zip(names, known, strict=True)
    ]
    latest = int(column.us[check].max()) // (365 * _columnar.DAY) + 1972
    table = _columnar.Zones(zones, max(latest, 2040))
    agree[check] = table.offset(codes[check], column.us[check]) == column.offset[check]
    return agree


class _Batch:
    """One batch of CSV rows, as text, and what the columnar engine says about them."""

    def __init__(self, batch: pa.RecordBatch, rules: Rulebook) -> None:
        self.batch = batch
        self.rows = batch.num_rows
        self.rules = rules
        names = set(batch.schema.names)
        texts: dict[str, pa.Array] = {}

        def text(name: str) -> pa.Array:
            """The column's cells as text, trimmed as ``str.strip()`` trims; read once."""
            if name not in texts:
                if name not in names:
                    texts[name] = pa.array([""] * self.rows, type=pa.string())
                else:
                    texts[name] = pc.utf8_trim(batch.column(name).fill_null(""), frames._SPACES)
            return texts[name]

        self.text = text
        self._cells: dict[str, list[str]] = {}
        self._zones: dict[str, list[str]] = {}

    def plain(self, at: int) -> tuple[_Bools, pa.Table, dict[str, pa.Array]]:
        """Which rows are plain, and the table of them that :mod:`aliprotect.frames` reads."""
        text = self.text
        plain = ~np.asarray(pc.equal(text("id"), "").to_numpy(zero_copy_only=False), dtype=bool)
        columns = {name: _Column(text(name)) for name in _INSTANTS}
        placed = columns["placed_at"]
        plain &= placed.plain & ~placed.empty
        for name in _INSTANTS[1:]:
            column = columns[name]
            plain &= column.empty | column.plain
        days, no_days, good_days = _whole_days(text("protection_days"))
        plain &= no_days | good_days
        promised, no_promise, good_promise = _whole_days(text("promised_days"))
        plain &= no_promise | good_promise
        plain &= np.asarray(pc.equal(text("extensions"), "").to_numpy(zero_copy_only=False), dtype=bool)
        amount, currency = text("amount"), text("currency")
        no_money = np.asarray(
            pc.and_(pc.equal(amount, ""), pc.equal(currency, "")).to_numpy(zero_copy_only=False), dtype=bool
        )
        money = np.asarray(
            pc.and_(
                pc.match_substring_regex(amount, r"^\d{1,12}(\.\d{1,6})?$"),
                pc.match_substring_regex(currency, r"^[A-Z]{3}$"),
            ).to_numpy(zero_copy_only=False),
            dtype=bool,
        )
        plain &= no_money | money
        shipped, received, delivered = columns["shipped_at"], columns["received_at"], columns["delivered_at"]
        plain &= shipped.empty | (shipped.us >= placed.us)
        for later in (received, delivered):
            plain &= later.empty | (~shipped.empty & (later.us >= shipped.us))
        plain &= placed.us <= at
        for column in columns.values():
            plain &= _zones_agree(column, plain)
        default = 0
        if (plain & no_days).any():
            try:
                default = self.rules.number("protection.period", "default")
            except AliprotectError:  # the scalar reader reports it, row by row
                plain &= ~no_days
        chosen = np.flatnonzero(plain)

        def instants(column: _Column) -> pa.Array:
            return pa.array(column.us[chosen], type=pa.int64(), mask=column.empty[chosen]).cast(
                pa.timestamp("us", "UTC")
            )

        table = pa.table(
            {
                "id": text("id").take(chosen),
                "placed_at": instants(placed),
                "shipped_at": instants(shipped),
                "received_at": instants(received),
                "delivered_at": instants(delivered),
                "protection_days": pa.array(np.where(no_days, default, days)[chosen], type=pa.int64()),
                "promised_days": pa.array(promised[chosen], type=pa.int64(), mask=no_promise[chosen]),
                "carrier": pc.if_else(pc.equal(text("carrier"), ""), None, text("carrier")).take(chosen),
            }
        )
        taken = pa.array(chosen)
        zones = {
            name: pc.if_else(pa.array(column.empty), "UTC", column.zone).take(taken) for name, column in columns.items()
        }
        self.columns, self.default = columns, default
        self.days, self.no_days, self.promised, self.no_promise = days, no_days, promised, no_promise
        return plain, table, zones

    def cells(self, name: str) -> list[str]:
        """The column's trimmed text as Python strings, made once per batch."""
        if name not in self._cells:
            self._cells[name] = self.text(name).to_pylist()
        return self._cells[name]

    def order(self, index: int) -> Order:
        """The order of the plain row ``index``, made from the columns already read: the same value the
        scalar reader makes from the row's text, without reading the text again."""
        columns, cells = self.columns, self.cells

        def instant(name: str) -> pendulum.DateTime | None:
            column = columns[name]
            if name not in self._zones:
                self._zones[name] = column.zone.to_pylist()
            return _instant(column, index, self._zones[name][index])

        placed = instant("placed_at")
        if placed is None:  # a plain row has one: the scalar reader's refusal, should it not
            raise InvalidValueError("placed_at is empty; every order needs the instant it was placed")
        amount = cells("amount")[index]
        return Order(
            id=cells("id")[index],
            placed_at=placed,
            shipped_at=instant("shipped_at"),
            received_at=instant("received_at"),
            delivered_at=instant("delivered_at"),
            protection_days=self.default if self.no_days[index] else int(self.days[index]),
            amount=Money(amount, cells("currency")[index]) if amount else None,
            carrier=cells("carrier")[index] or None,
            promised_days=None if self.no_promise[index] else int(self.promised[index]),
        )


_EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _instant(column: _Column, index: int, zone_name: str) -> pendulum.DateTime | None:
    """Cell ``index`` of a plain column as :func:`aliprotect.parse_instant` reads its text: in its zone
    in brackets (with the fold the zone gives it), in UTC for "Z", or at its fixed offset."""
    if column.empty[index]:
        return None
    at = dt.timedelta(microseconds=int(column.us[index]))
    if column.named[index]:
        zone: dt.tzinfo | None = _days.zone_named(zone_name)
        local = (_EPOCH_UTC + at).astimezone(zone)
    else:
        offset = int(column.offset[index])
        zone = pendulum.UTC if zone_name == "UTC" else _fixed(offset // 1_000_000)
        local = _EPOCH + at + dt.timedelta(microseconds=offset)
    if zone is None:  # a plain cell's zone in brackets is one the tz database has; the scalar reader's words
        raise InvalidValueError(f"zone {shown(zone_name)} is not in the tz database; use a name like Europe/Paris")
    return _days.as_pendulum(local, zone)


@functools.lru_cache(maxsize=256)
def _fixed(seconds: int) -> pendulum.FixedTimezone:
    return pendulum.FixedTimezone(seconds)


def _known(name: str) -> bool:
    """Whether ``name`` is a zone of the tz database, as the scalar reader asks of a zone in brackets."""
    return _days.zone_named(name) is not None


def _needing(
    table: pa.Table, at: dt.datetime, role: Role, rules: Rulebook, zones: Mapping[str, Any] | None = None
) -> _Bools | None:
    """Which orders of ``table`` need action at ``at``; ``None`` when the engine refuses one of its rows,
    so that each row is asked on its own. A table whose columns are wrong is refused as a whole."""
    try:
        if zones is None:
            answer = frames.next_actions(table, at=at, role=role, rules=rules)
        else:
            answer = frames.next_actions_by_cell(table, zones, at=at, role=role, rules=rules)
    except (ColumnError, NaiveDatetimeError):
        raise
    except AliprotectError:
        return None
    urgency = answer.column("next_action_urgency")
    return np.asarray(
        pc.is_in(urgency, value_set=pa.array(_NEEDING)).fill_null(False).to_numpy(zero_copy_only=False), dtype=bool
    )


Advise = Callable[[Order, Tracking | None], tuple[Advice, ...]]


class Ledger(Protocol):
    """Where the order id of each row read goes, so that an id given twice is reported."""

    def add(self, number: int, order_id: str) -> None: ...

    def resume_after(self, number: int) -> None: ...


def check_csv(
    path: os.PathLike[str],
    header: Sequence[str],
    *,
    at: pendulum.DateTime,
    role: Role,
    rules: Rulebook,
    order_from_row: Callable[[Mapping[str, str | None], Rulebook], Order],
    advise: Advise,
    one_by_one: Callable[[], Iterator[tuple[int, Result]]],
    ledger: Ledger,
    plain: bool = True,
) -> Iterator[tuple[int, Result]]:
    """Each data row of the CSV file ``path`` (numbered from 1) with its result; the id of each row
    that is an order goes to ``ledger``.

    A file pyarrow reads otherwise than Python's :mod:`csv` would (a header that names a column
    twice, a file that starts with a byte-order mark or is UTF-16 (``plain`` false), a row with
    more or fewer cells than the header, text
    that is not UTF-8) is read ``one_by_one``, from the first row not yet answered, so that its
    answer is the scalar path's.
    """
    number = 0
    if not plain or len(set(header)) != len(header):
        yield from one_by_one()
        return
    try:
        for answers, ids, rows in _csv_batches(path, header, at, role, rules, order_from_row, advise):
            for index, order_id in ids:
                ledger.add(number + index, order_id)
            yield from ((number + index, answer) for index, answer in answers)
            number += rows
            yield number, None  # the rows of the batch that need nothing: counted, not listed
    except pa.ArrowException:
        ledger.resume_after(number)
        yield from ((row, answer) for row, answer in one_by_one() if row > number)


def _csv_batches(
    path: os.PathLike[str],
    header: Sequence[str],
    at: pendulum.DateTime,
    role: Role,
    rules: Rulebook,
    order_from_row: Callable[[Mapping[str, str | None], Rulebook], Order],
    advise: Advise,
) -> Iterator[tuple[list[tuple[int, Result]], list[tuple[int, str]], int]]:
    """Each batch's answers (row numbers from 1 within the batch) for its rows that need action or are
    not plain, the order id of each row that is an order (with its row number), and the batch's
    number of rows."""
    at_us = _days.key(at) // dt.timedelta(microseconds=1)
    reader = pa_csv.open_csv(
        os.fspath(path),
        read_options=pa_csv.ReadOptions(block_size=BATCH_BYTES),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    for record in reader:
        batch = _Batch(record, rules)
        plain, table, zones = batch.plain(at_us)
        needing = _needing(table, at, role, rules, zones)
        asked = np.ones(batch.rows, dtype=bool)  # the rows to read and advise one by one
        if needing is not None:
            asked[np.flatnonzero(plain)] = needing
        chosen = np.flatnonzero(asked)
        answers: list[tuple[int, Result]] = []
        read = np.flatnonzero(plain)  # the plain rows are orders; the others, once read one by one
        ids = list(zip((read + 1).tolist(), batch.text("id").take(pa.array(read)).to_pylist(), strict=True))
        for index, row in zip(chosen.tolist(), record.take(pa.array(chosen)).to_pylist(), strict=True):
            try:
                order = batch.order(index) if plain[index] else order_from_row(row, rules)
                if not plain[index]:
                    ids.append((index + 1, order.id))
                advice = advise(order, None)
            except AliprotectError as error:
                answers.append((index + 1, error))
                continue
            answers.append((index + 1, (order.id, advice) if advice else None))
        yield answers, ids, batch.rows


def parquet_rows(path: os.PathLike[str]) -> int | None:
    """The number of rows of the Parquet file ``path``, from its footer, or ``None`` when it
    cannot be read (the reading proper says why)."""
    try:
        return int(pq.ParquetFile(os.fspath(path)).metadata.num_rows)
    except (OSError, pa.ArrowException):
        return None


def parquet_columns(path: os.PathLike[str], known: Sequence[str]) -> list[str]:
    """The names of the columns of the Parquet file ``path``, less those that look like a known
    column the file lacks: :mod:`aliprotect.frames` refuses those itself, naming the column they
    look like."""
    try:
        names = list(pq.ParquetFile(os.fspath(path)).schema_arrow.names)
    except (OSError, pa.ArrowException) as error:
        raise InvalidValueError(f"cannot read {path} as Parquet: {error}") from None
    missing = [name for name in known if name not in names]
    return [
        name
        for name in names
        if name in known or not any(frames._closest(wanted, [name]) == name for wanted in missing)
    ]


def check_parquet(
    path: os.PathLike[str], *, at: pendulum.DateTime, role: Role, rules: Rulebook, advise: Advise, ledger: Ledger
) -> Iterator[tuple[int, Result]]:
    """Each row of the Parquet file ``path`` (numbered from 1) with its result: typed columns, as
    :mod:`aliprotect.frames` reads them; the id of each row that is an order goes to ``ledger``."""
    try:
        source = pq.ParquetFile(os.fspath(path))
    except (OSError, pa.ArrowInvalid) as error:
        raise InvalidValueError(f"cannot read {path} as Parquet: {error}") from None
    if "extensions" in source.schema_arrow.names:
        raise ColumnError(
            f"{path} has an extensions column, which check does not read from a Parquet file; check orders "
            "with extensions from a CSV or JSON file, or use aliprotect.frames with an extensions table"
        )
    number = 0
    for record in source.iter_batches(batch_size=200_000):
        table = pa.Table.from_batches([record])
        needing = _needing(table, at, role, rules)  # a refused row: ask each row on its own
        ids = pc.cast(table.column("id"), pa.string()).to_pylist() if needing is not None else []
        for index in range(table.num_rows):
            number += 1
            if needing is not None and not needing[index]:
                ledger.add(number, ids[index])  # the engine took the whole table: each row is an order
                yield number, None
                continue
            try:
                order = _order_from_arrow(table, index)
                ledger.add(number, order.id)
                advice = advise(order, None)
            except AliprotectError as error:
                yield number, error
                continue
            yield number, (order.id, advice) if advice else None


_READ = ("id", "placed_at", "shipped_at", "received_at", "delivered_at", "protection_days", "carrier", "promised_days")


def _order_from_arrow(table: pa.Table, index: int) -> Order:
    """The order of row ``index`` of a typed table, with its instants in the row's zone: asked of a row
    only when the table as a whole was refused for one of its rows, so each row says what is wrong
    with it. Only the columns check reads are read."""
    row: dict[str, Any] = {}
    for name in _READ:
        if name not in table.column_names:
            continue
        column = table.column(name)
        if name == "id":
            column = pc.cast(column, pa.string())  # as aliprotect.frames reads an id: numbers as text
        try:
            row[name] = column[index].as_py()
        except (OverflowError, ValueError, pa.ArrowException):
            raise InvalidValueError(
                f"{name} holds a value Python cannot read ({column.type}): outside the years 1 to 9999, or in "
                "a zone the tz database lacks"
            ) from None
    zone = None
    if "zone" in table.column_names:
        named = table.column("zone")[index].as_py()
        if named is None:
            raise InvalidValueError("zone is missing; name the zone whose calendar counts its days")
        zone = frames._zone_named(str(named))
    order_id: Any = row.get("id")  # a missing one is refused by Order

    def instant(name: str) -> Any:
        value = row.get(name)
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            return value  # a naive one, or none: Order refuses it or keeps it out, never guessing a zone
        moment = pendulum.instance(value)
        return moment.in_timezone(zone) if zone is not None else moment

    return Order(
        id=order_id,
        placed_at=instant("placed_at"),
        shipped_at=instant("shipped_at"),
        received_at=instant("received_at"),
        delivered_at=instant("delivered_at"),
        protection_days=_whole(row.get("protection_days")),
        carrier=row.get("carrier"),
        promised_days=_whole(row.get("promised_days")),
    )


def _whole(value: Any) -> Any:
    """A whole number of days as an ``int``, as the table reader accepts it (60.0 is 60)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
