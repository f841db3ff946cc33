"""Tables of orders: the timeline, the dispute window and the next action of every row at once.

``pip install "aliprotect[frames]"``. A pandas, polars or pyarrow table goes in and the same
kind comes out, with the answer's columns added; a DuckDB relation (or a polars LazyFrame)
is read through Arrow and comes back as a pyarrow table (a polars DataFrame). It is built on
`narwhals <https://narwhals-dev.github.io/narwhals/>`_, so the table is never copied into
Python objects: the day arithmetic runs over whole columns, and its answers are exactly
those of the scalar functions (the test suite proves it row by row, for every published
rulebook, in zones with and without daylight saving).

The input, one row per order (see :data:`ORDER_COLUMNS`):

=================  =========  ==================================================================
column             required   what it holds
=================  =========  ==================================================================
``id``             yes        the order number
``placed_at``      yes        when the order was placed: a timezone-aware datetime column
``shipped_at``     yes        when it shipped; null while it has not
``protection_days`` yes       the length of the protection timer in days (whole numbers, > 0)
``received_at``    no         when the buyer confirmed receipt
``delivered_at``   no         when the tracking showed it delivered (rulebooks that cut protection)
``carrier``        no         the carrier, for rulebooks whose numbers depend on it
``promised_days``  no         the seller's promised delivery time, for rulebooks that use it
``zone``           no         the IANA zone (or a fixed offset such as ``+08:00``) whose calendar
                              counts the row's days; without it each instant counts days in its
                              own column's zone, as a scalar instant does
=================  =========  ==================================================================

The extensions of protection the sellers granted go in a second table, ``extensions=``, one
row per extension: ``id`` (the order's), ``granted_at``, ``days``.

Nothing is guessed and nothing is dropped: a naive datetime column is refused (C1), a
missing column is an error that names the closest column the table has, and a column whose
name looks like one of these (``shipped`` for ``shipped_at``) is an error too, unless it is
mapped with ``columns={"shipped_at": "shipped"}`` or marked as the table's own with
``extra=("shipped",)``. Every other column comes back untouched. A row the scalar
:class:`~aliprotect.Order` would refuse (shipped before it was placed, a protection timer of
0 days) is refused with the same error, naming the row (counted from 0, like ``iloc``) and
the order's id.

Every instant the functions add is in UTC; each adds the columns ``rulebook`` and
``fingerprint``, so a stored table says which rules answered it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

import narwhals.stable.v2 as nw
import numpy as np
import numpy.typing as npt
import pendulum
import pyarrow as pa
import pyarrow.compute as pc

from aliprotect import _checks, _columnar, _days, _timeline, aliexpress
from aliprotect._advice import Action, Role, Urgency
from aliprotect._answers import TIMELINE_NAMES
from aliprotect._claims import ClaimKind
from aliprotect._dispute_machine import MACHINE_RULES
from aliprotect._registry import given_or_latest
from aliprotect._rulebook import Rulebook, stated
from aliprotect._schema import Unit
from aliprotect._shown import shown
from aliprotect.errors import (
    AliprotectError,
    ColumnError,
    InvalidValueError,
    MissingFactError,
    NaiveDatetimeError,
    TimeOrderError,
)

__all__ = [
    "ALIEXPRESS_COLUMNS",
    "EXTENSION_COLUMNS",
    "ORDER_COLUMNS",
    "can_open",
    "from_aliexpress",
    "next_actions",
    "timelines",
]

ORDER_COLUMNS: Mapping[str, str] = {
    "id": "the order number (required)",
    "placed_at": "when the order was placed (required; timezone-aware)",
    "shipped_at": "when the seller shipped it, null while it has not (required; timezone-aware)",
    "protection_days": "the length of the buyer-protection timer in whole days (required)",
    "received_at": "when the buyer confirmed receipt (timezone-aware)",
    "delivered_at": "when the tracking showed the parcel delivered (timezone-aware)",
    "carrier": "the carrier or carrier group, for rulebooks whose numbers depend on it",
    "promised_days": "the seller's promised delivery time in whole days, for rulebooks that use it",
    "zone": "the IANA zone or fixed offset whose calendar counts the row's days",
}
"""The columns a table of orders can have, and what each holds."""

EXTENSION_COLUMNS: Mapping[str, str] = {
    "id": "the order number of the order extended (required)",
    "granted_at": "when the seller granted the extension (required; timezone-aware)",
    "days": "the days of protection it added, a whole number greater than 0 (required)",
}
"""The columns of a table of extensions of protection, one row per extension."""

_REQUIRED = ("id", "placed_at", "shipped_at", "protection_days")
_KINDS = {
    "placed_at": "timezone-aware datetimes",
    "shipped_at": "timezone-aware datetimes",
    "received_at": "timezone-aware datetimes",
    "delivered_at": "timezone-aware datetimes",
    "granted_at": "timezone-aware datetimes",
    "protection_days": "whole numbers",
    "promised_days": "whole numbers",
    "days": "whole numbers",
}
_INSTANTS = ("placed_at", "shipped_at", "received_at", "delivered_at")
_FIXED_OFFSET = re.compile(r"(?:UTC)?([+-])([01]\d|2[0-3]):?([0-5]\d)")
_US = dt.timedelta(microseconds=1)
_SPACES = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())
"""The characters Python's ``str.strip`` removes (a few more than Unicode's white space): an id is empty,
for a table as for an :class:`~aliprotect.Order`, when nothing else is left."""
_FARTHEST = 3_660_000
"""More days than the years 1 to 9999 hold: a count this large leaves them, whatever it is added to."""

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
T = TypeVar("T")


class _At(NamedTuple):
    """A column of instants: each row's zone (an index into the zone table), its microseconds since 1970
    UTC and, when known, its wall-clock time there (microseconds since 1970-01-01, local)."""

    zone: Ints
    us: Ints
    wall: Ints | None = None


def _choose(where: Bools, then: _At, otherwise: _At) -> _At:
    wall = None
    if then.wall is not None and otherwise.wall is not None:
        wall = np.where(where, then.wall, otherwise.wall)
    return _At(np.where(where, then.zone, otherwise.zone), np.where(where, then.us, otherwise.us), wall)


# --- reading a table --------------------------------------------------------------------------


def _native_frame(table: object, argument: str) -> nw.DataFrame[Any]:
    """``table`` as an eager narwhals DataFrame: a lazy one (DuckDB, a polars LazyFrame) is collected."""
    try:
        frame = nw.from_native(table)  # type: ignore[call-overload]
    except TypeError:
        raise InvalidValueError(
            f"{argument}={type(table).__name__} is not a table: pass a pandas, polars or pyarrow table, "
            "or a DuckDB relation"
        ) from None
    except nw.exceptions.DuplicateError:  # pandas and pyarrow tables may name a column twice
        raise _named_twice(argument, getattr(table, "column_names", None) or getattr(table, "columns", [])) from None
    if isinstance(frame, nw.LazyFrame):
        impl = frame.implementation
        if impl.is_duckdb() and "zone" not in frame.columns:
            raise ColumnError(
                f"{argument} is a DuckDB relation, whose TIMESTAMPTZ columns hold instants without a zone of "
                "their own (DuckDB shows them in its session's zone): add a zone column naming the zone whose "
                "calendar counts each row's days, e.g. SELECT *, 'Europe/Paris' AS zone FROM orders"
            )
        try:
            return frame.collect("polars" if impl.is_polars() else "pyarrow")
        except nw.exceptions.DuplicateError:  # a relation naming a column twice
            raise _named_twice(argument, frame.columns) from None
    if not isinstance(frame, nw.DataFrame):
        raise InvalidValueError(f"{argument} is a single column; pass the whole table of {argument}")
    return frame


def _named_twice(argument: str, columns: Iterable[object]) -> ColumnError:
    """The error of a table that names a column twice, naming it: only one of the two could be read."""
    names = [str(name) for name in columns]
    twice = next((name for name in names if names.count(name) > 1), None)
    return ColumnError(
        f"{argument} names the column {shown(twice) if twice is not None else 'of a fact'} twice, and only one of "
        "the two could be read: keep one of them, or rename the other"
    )


_ALIASES = {
    "id": ("order_id", "order_no", "order_number", "orderid"),
    "zone": ("timezone", "time_zone", "tz"),
    "protection_days": ("protection", "protection_period"),
    "promised_days": ("freight_commit_day", "delivery_days"),
}
"""Names a table often gives a fact, besides the ones :func:`difflib.get_close_matches` finds."""


def _closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate that looks most like ``name``: the same letters in another case or spelling."""
    pool = list(candidates)
    folded = {candidate.casefold().strip().replace(" ", "_").replace("-", "_"): candidate for candidate in pool}
    for key in (name, *_ALIASES.get(name, ())):
        if key in folded:
            return folded[key]
    for key, candidate in folded.items():  # "shipped" for "shipped_at", "order_id" for "id"
        if len(key) >= 4 and (name.startswith(key) or key.endswith(f"_{name}") or key.startswith(f"{name}_")):
            return candidate
    found = difflib.get_close_matches(name, list(folded), n=1, cutoff=0.75)
    return folded[found[0]] if found else None


def _checked_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    """``columns=``: which column holds each fact, names to names."""
    if columns is None:
        return {}
    if not isinstance(columns, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise InvalidValueError(
            f"columns={shown(columns)} must map field names to column names, e.g. {{'id': 'order_no'}}"
        )
    return dict(columns)


def _checked_extra(extra: Iterable[str]) -> tuple[str, ...]:
    """``extra=``: the names of the table's own columns, which aliprotect does not read."""
    names = () if isinstance(extra, str) or not isinstance(extra, Iterable) else tuple(extra)
    if isinstance(extra, str) or not isinstance(extra, Iterable) or not all(isinstance(n, str) for n in names):
        raise InvalidValueError(f"extra={shown(extra)} must be a list of column names, e.g. ['note']")
    return names


def _columns(
    frame: nw.DataFrame[Any],
    known: Mapping[str, str],
    required: Sequence[str],
    columns: Mapping[str, str] | None,
    extra: Iterable[str],
    argument: str,
) -> dict[str, str]:
    """Which column of ``frame`` holds each known fact; refuses a missing or misnamed one."""
    present = list(frame.columns)
    mapping = _checked_columns(columns)
    for name, given in mapping.items():
        if name not in known:
            raise ColumnError(
                f"columns={{{shown(name)}: {shown(given)}}}: {shown(name)} is not a column aliprotect reads; "
                f"it reads: {', '.join(known)}"
            )
        if given not in present:
            raise ColumnError(f"columns={{{shown(name)}: {shown(given)}}}: {argument} has no column {shown(given)}")
    extra = set(_checked_extra(extra))
    found: dict[str, str] = {}
    for name in known:
        column: str | None = mapping.get(name, name if name in present else None)
        if column is not None:
            found[name] = column
            continue
        strangers = [c for c in present if c not in extra and c not in mapping.values() and c not in known]
        close = _closest(name, strangers)
        if name in required:
            hint = (
                f"; the closest is {shown(close)}: rename it, or pass columns={{{shown(name)}: {shown(close)}}}"
                if close
                else ""
            )
            raise ColumnError(f"{argument} has no column {shown(name)} ({known[name]}){hint}")
        if close is not None:
            raise ColumnError(
                f"{argument} has a column {shown(close)} that looks like {shown(name)} ({known[name]}), "
                f"which it lacks: rename it, pass columns={{{shown(name)}: {shown(close)}}}, "
                f"or pass extra=[{shown(close)}] if it is something else of your own"
            )
    return found


class _Reader:
    """Reads the columns of one table into NumPy arrays, with errors that name the row and column."""

    def __init__(self, frame: nw.DataFrame[Any], found: Mapping[str, str], argument: str) -> None:
        self.frame, self.found, self.argument = frame, found, argument
        self.rows = len(frame)
        self.ids = None
        if "id" in found:
            try:
                self.ids = pc.cast(frame[found["id"]].to_arrow(), pa.string())
            except (pa.ArrowException, TypeError, ValueError, OverflowError):  # pyarrow's own, as in _arrow
                raise ColumnError(
                    f"column {shown(found['id'])} of {argument} (id) holds values that are not all text or all "
                    "numbers; give it one type, such as text"
                ) from None

    def where(self, row: int) -> str:
        """``row 3 (order '8012')``: a row, counted from 0, and its order's id."""
        if self.ids is None:
            return f"row {row} of {self.argument}"
        return f"row {row} of {self.argument} (order {shown(self.ids[row].as_py())})"

    def fail(self, error: type[AliprotectError], bad: Bools, message: str | Callable[[int], str]) -> None:
        """Raise ``error`` for the first row of ``bad``, with how many rows share the problem."""
        if not bad.any():
            return
        first = int(np.argmax(bad))
        count = int(bad.sum())
        others = f" ({count - 1} more rows have the same problem)" if count > 1 else ""
        text = message(first) if callable(message) else message
        raise error(f"{self.where(first)}: {text}{others}")

    def _arrow(self, name: str) -> pa.Array:
        column_name = self.found[name]
        series = self.frame[column_name]
        try:
            column = series.to_arrow()
        except pa.ArrowException:
            raise ColumnError(
                f"column {shown(column_name)} of {self.argument} ({name}) holds values of more than one kind "
                f"({series.dtype}); give it one type, such as {_KINDS.get(name, 'text')}"
            ) from None
        except (TypeError, ValueError, OverflowError):  # pyarrow's own, e.g. for Decimal("Infinity")
            raise ColumnError(
                f"column {shown(column_name)} of {self.argument} ({name}) holds a value no column type can hold "
                f"({series.dtype}), such as Decimal('Infinity'); give it one type, such as {_KINDS.get(name, 'text')}"
            ) from None
        return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column

    def has(self, name: str) -> bool:
        return name in self.found

    def valid(self, name: str) -> Bools:
        if name not in self.found:
            return np.zeros(self.rows, dtype=bool)
        return np.asarray(self._arrow(name).is_valid().to_numpy(zero_copy_only=False), dtype=bool)

    def instants(self, name: str) -> tuple[Ints, Bools, str | None]:
        """Microseconds since 1970 UTC, which rows hold one, and the column's own zone."""
        if name not in self.found:
            return np.zeros(self.rows, dtype=np.int64), np.zeros(self.rows, dtype=bool), None
        column = self.found[name]
        array = self._arrow(name)
        if array.null_count == len(array):  # no instant to misread, whatever its type says
            return np.zeros(self.rows, dtype=np.int64), np.zeros(self.rows, dtype=bool), None
        if not _datetime_column(self.frame[column]):
            # a column of Python objects (pandas' object dtype): its values may each have a zone of their
            # own, or none, and reading it as one zone would guess
            raise ColumnError(
                f"column {shown(column)} of {self.argument} ({name}) holds {self.frame[column].dtype} values, not a "
                "datetime column with one zone: convert it, e.g. with pandas.to_datetime(..., utc=True), and "
                "name each row's zone in a zone column"
            )
        if not pa.types.is_timestamp(array.type):
            raise ColumnError(
                f"column {shown(column)} of {self.argument} ({name}) holds {array.type}, not instants: make it a "
                "timezone-aware datetime column, e.g. with pandas.to_datetime(..., utc=True)"
            )
        if array.type.tz is None:
            raise NaiveDatetimeError(
                f"column {shown(column)} of {self.argument} ({name}) holds datetimes without a timezone; aliprotect "
                "never guesses one (C1): give the column its zone, e.g. .dt.tz_localize('Asia/Shanghai')"
            )
        try:
            exact = array.cast(pa.timestamp("us", array.type.tz))
        except pa.ArrowInvalid:
            raise ColumnError(
                f"column {shown(column)} of {self.argument} ({name}) holds instants finer than a microsecond, "
                "which aliprotect cannot keep exactly; round them, e.g. with .dt.floor('us')"
            ) from None
        us = np.asarray(pc.cast(exact, pa.int64()).fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
        ok = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        self.fail(
            InvalidValueError,
            _columnar.in_range(us, ok),
            f"{name} falls outside the years 1 to 9999 that aliprotect's instants can have",
        )
        return us, ok, array.type.tz

    def whole(self, name: str, *, required: bool) -> tuple[Ints, Bools]:
        """Whole numbers greater than 0, and which rows hold one."""
        if name not in self.found:
            return np.zeros(self.rows, dtype=np.int64), np.zeros(self.rows, dtype=bool)
        column = self.found[name]
        array = self._arrow(name)
        ok = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        if not (pa.types.is_null(array.type) or pa.types.is_integer(array.type) or pa.types.is_floating(array.type)):
            raise ColumnError(
                f"column {shown(column)} of {self.argument} ({name}) holds {array.type}, not whole numbers of days"
            )
        values = np.asarray(pc.cast(array, pa.float64(), safe=False).fill_null(1).to_numpy(zero_copy_only=False))
        if required:
            self.fail(InvalidValueError, ~ok, f"{name} is missing; it is required (a whole number of days, like 60)")
        bad = ok & ~((values > 0) & (values == np.floor(values)) & (values < 2**40))
        self.fail(
            InvalidValueError,
            bad,
            lambda row: f"{name}={float(values[row]):g} must be a whole number of days greater than 0, like 60",
        )
        return np.where(ok, values, 0).astype(np.int64), ok

    def strings(self, name: str) -> tuple[Ints, list[str]]:
        """Each row's code into the list of distinct strings returned (-1 for a null)."""
        if name not in self.found:
            return np.full(self.rows, -1, dtype=np.int64), []
        column = self.found[name]
        array = self._arrow(name)
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        if pa.types.is_null(array.type):
            return np.full(self.rows, -1, dtype=np.int64), []
        if pa.types.is_string_view(array.type):
            array = array.cast(pa.string())
        if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            raise ColumnError(f"column {shown(column)} of {self.argument} ({name}) holds {array.type}, not text")
        encoded = pc.dictionary_encode(array)
        codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
        return codes, [str(value) for value in encoded.dictionary.to_pylist()]


# --- the facts of a table ----------------------------------------------------------------------


def _zone_named(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    fixed = _FIXED_OFFSET.fullmatch(name)
    if fixed:
        sign, hours, minutes = fixed.groups()
        seconds = (int(hours) * 3600 + int(minutes) * 60) * (-1 if sign == "-" else 1)
        if abs(seconds) < 24 * 3600:
            return pendulum.FixedTimezone(seconds)
    found = _days.zone_named(name)
    if found is None:
        raise InvalidValueError(
            f"zone={shown(name)} is not in the tz database nor a fixed offset like +08:00; "
            "use a name like Europe/Paris or America/New_York"
        )
    return found


class _ZoneList:
    """The zones a table uses, each once, with its index."""

    def __init__(self) -> None:
        self.zones: list[dt.tzinfo] = []
        self._index: dict[str, int] = {}

    def index(self, name: str) -> int:
        if name not in self._index:
            self.zones.append(_zone_named(name))
            self._index[name] = len(self.zones) - 1
        return self._index[name]


def _datetime_column(series: nw.Series[Any]) -> bool:
    """Whether ``series`` is a column of datetimes (not of Python objects that may each have a zone)."""
    if isinstance(series.dtype, nw.Datetime):
        return True
    # narwhals 2 reads pandas' datetime64[us, America/Los_Angeles] as Unknown: its pattern for
    # zone names has no "_", "-" or digits; pandas' own dtype says what the column is
    native = getattr(nw.to_native(series), "dtype", None)
    return series.dtype == nw.Unknown and str(native).startswith("datetime64[")


class _Facts:
    """The facts of every order of a table, column by column, checked as :class:`~aliprotect.Order` checks them."""

    def __init__(
        self, reader: _Reader, extensions: _Reader | None, cell_zones: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self.reader = reader
        rows = self.rows = reader.rows
        self.zones = _ZoneList()
        zone_codes, zone_names = reader.strings("zone")
        if reader.has("zone"):
            reader.fail(ColumnError, zone_codes < 0, "zone is missing; name the zone whose calendar counts its days")
            indices = np.zeros(len(zone_names) + 1, dtype=np.int64)
            for code, name in enumerate(zone_names):
                try:
                    indices[code] = self.zones.index(name)
                except InvalidValueError as error:
                    reader.fail(InvalidValueError, zone_codes == code, str(error))
            row_zone = indices[zone_codes]
        reader.fail(InvalidValueError, ~reader.valid("id"), "id is missing; every order needs its order number")
        if reader.ids is not None:
            empty = np.asarray(pc.equal(pc.utf8_trim(reader.ids, _SPACES), "").fill_null(False), dtype=bool)
            reader.fail(InvalidValueError, empty, "id is empty; every order needs its order number")
        self.instant: dict[str, _At] = {}
        self.known: dict[str, Bools] = {}
        for name in _INSTANTS:
            us, ok, own_zone = reader.instants(name)
            if cell_zones is not None and name in cell_zones:
                encoded = pc.dictionary_encode(pa.array(cell_zones[name], type=pa.string()))
                names = [self.zones.index(str(each)) for each in encoded.dictionary.to_pylist()]
                codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
                zone = np.asarray(names, dtype=np.int64)[codes]
            elif reader.has("zone"):
                zone = row_zone
            else:
                zone = np.full(rows, self._column_zone(reader, name, own_zone), dtype=np.int64)
            self.instant[name], self.known[name] = _At(zone, us), ok
        if not self.zones.zones:
            self.zones.index("UTC")
        reader.fail(InvalidValueError, ~self.known["placed_at"], "placed_at is missing; every order was placed")
        self.protection, _ = reader.whole("protection_days", required=True)
        self.promised, self.has_promised = reader.whole("promised_days", required=False)
        self.carrier, self.carriers = reader.strings("carrier")
        empty_carrier = np.asarray([not name.strip() for name in self.carriers], dtype=bool)
        if len(self.carriers):
            reader.fail(
                InvalidValueError,
                (self.carrier >= 0) & empty_carrier[np.maximum(self.carrier, 0)],
                "carrier is empty; give the carrier's name, like 'EMS', or leave it null",
            )
        self._check_order()
        self.ext_order = np.zeros(0, dtype=np.int64)
        self.ext_rows = np.zeros(0, dtype=np.int64)  # each extension's row in the extensions table
        self.ext_granted = _At(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        self.ext_days = np.zeros(0, dtype=np.int64)
        self.ext_reader = extensions
        if extensions is not None:
            self._read_extensions(extensions)

    def _column_zone(self, reader: _Reader, name: str, own_zone: str | None) -> int:
        """The index of a column's own zone, refused as a column when the tz database lacks it."""
        if not own_zone:
            return 0
        try:
            return self.zones.index(own_zone)
        except InvalidValueError as error:
            raise ColumnError(f"column {shown(reader.found[name])} of {reader.argument} ({name}): {error}") from None

    @property
    def shipped(self) -> _At:
        return self.instant["shipped_at"]

    def _check_order(self) -> None:
        reader, known, at = self.reader, self.known, self.instant
        shipped = known["shipped_at"]
        reader.fail(
            TimeOrderError,
            shipped & (at["shipped_at"].us < at["placed_at"].us),
            "shipped_at is before placed_at; an order ships after it is placed",
        )
        for name, what in (("received_at", "receipt"), ("delivered_at", "delivery")):
            reader.fail(
                TimeOrderError,
                known[name] & ~shipped,
                f"{name} is set but shipped_at is null; set shipped_at to when the seller shipped",
            )
            reader.fail(
                TimeOrderError,
                known[name] & shipped & (at[name].us < at["shipped_at"].us),
                f"{name} is before shipped_at; {what} comes after shipping",
            )

    def _read_extensions(self, extensions: _Reader) -> None:
        reader = self.reader
        if reader.ids is None or extensions.ids is None:  # pragma: no cover - both are required columns
            raise ColumnError("orders and extensions both need an id column")
        ids = reader.ids
        if len(pc.unique(ids)) != len(ids) and len(extensions.ids):
            counts = pc.value_counts(ids)
            repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
            extended = pc.filter(repeated, pc.is_in(repeated, value_set=extensions.ids))
            if len(extended):
                raise InvalidValueError(
                    f"orders has the order id {shown(extended[0].as_py())} on more than one row, so its extensions "
                    "cannot be matched; give each order one row"
                )
        extensions.fail(InvalidValueError, ~extensions.valid("id"), "id is missing; name the order extended")
        order = np.asarray(pc.index_in(extensions.ids, value_set=ids).fill_null(-1).to_numpy(zero_copy_only=False))
        extensions.fail(InvalidValueError, order < 0, "its id is not the id of any order in orders")
        granted, ok, own_zone = extensions.instants("granted_at")
        extensions.fail(InvalidValueError, ~ok, "granted_at is missing; say when the seller granted the extension")
        days, _ = extensions.whole("days", required=True)
        order = order.astype(np.int64)
        if self.reader.has("zone"):
            zone = self.shipped.zone[order]
        else:
            zone = np.full(len(order), self.zones.index(own_zone) if own_zone else 0, dtype=np.int64)
        self.ext_order, self.ext_granted, self.ext_days = order, _At(zone, granted), days
        self.ext_rows = np.arange(len(order), dtype=np.int64)

    def _timer_days(self, engine: _Engine, order: Ints) -> Ints:
        """Each order's protection timer as the rulebook gives it, for the orders of the extensions ``order``."""
        extended = np.zeros(self.rows, dtype=bool)
        extended[order] = True
        return engine.timer_days(extended)

    def check_extensions(self, engine: _Engine, rule: str | None = None, rows: Bools | None = None) -> None:
        """Each extension granted after shipping and while protection ran, as :class:`~aliprotect.Order` checks
        (``rule`` ``None``), or, for the orders of ``rows``, with protection counted on the rulebook's
        calendar, as the scalar questions check it again when they need the end (``"protection.period"``)."""
        if not len(self.ext_order):
            return
        if rows is not None and not rows[self.ext_order].all():
            part = object.__new__(_Facts)
            part.__dict__.update(self.__dict__)
            keep = rows[self.ext_order]
            part.ext_order, part.ext_days = self.ext_order[keep], self.ext_days[keep]
            part.ext_granted = _At(self.ext_granted.zone[keep], self.ext_granted.us[keep])
            part.ext_rows = self.ext_rows[keep]
            part.check_extensions(engine, rule)
            return
        order, granted = self.ext_order, self.ext_granted.us
        reader = self.ext_reader
        assert reader is not None

        def where(error: type[AliprotectError], bad: Bools, message: str) -> None:
            """``bad`` (one flag per extension here) named by the extension's row of the extensions table."""
            full = np.zeros(reader.rows, dtype=bool)
            full[self.ext_rows[bad]] = True
            reader.fail(error, full, message)

        shipped = self.known["shipped_at"][order]
        where(
            TimeOrderError,
            ~shipped,
            "its order has no shipped_at; protection starts when the seller ships (C6), so set shipped_at first",
        )
        sort = np.lexsort((granted, order))
        days = self.ext_days[sort]
        ordered = order[sort]
        total = np.cumsum(days) - days
        first_of_order = np.r_[True, ordered[1:] != ordered[:-1]]
        total -= np.maximum.accumulate(np.where(first_of_order, total, 0))
        so_far = engine.add(
            _At(self.shipped.zone[ordered], self.shipped.us[ordered]),
            (self._timer_days(engine, order) if rule else self.protection)[ordered] + total,
            np.ones(len(ordered), dtype=bool),
            rule=rule,
        )
        received = self.instant["received_at"].us[ordered]
        stop = np.where(self.known["received_at"][ordered], np.minimum(so_far.us, received), so_far.us)
        bad_early = np.zeros(len(order), dtype=bool)
        bad_early[sort] = granted[sort] < self.shipped.us[ordered]
        where(TimeOrderError, bad_early, "granted_at is before its order's shipped_at; protection starts then (C6)")
        bad_late = np.zeros(len(order), dtype=bool)
        bad_late[sort] = granted[sort] >= stop
        where(
            TimeOrderError,
            bad_late,
            "granted_at is not before its order's protection ended"
            + (
                ""
                if rule is None
                else ", counted"
                + (f" on the calendar of {engine.rules.calendar(rule)}" if engine.rules.calendar(rule) else "")
                + f" as rulebook {engine.rules.version} counts it"
            )
            + "; an extension can only be granted while protection is active (protection.extension)",
        )

    def extension_days(self, counted: Bools) -> Ints:
        """The days of each order's extensions for which ``counted`` (one flag per extension) holds."""
        if not len(self.ext_order):
            return np.zeros(self.rows, dtype=np.int64)
        return np.bincount(self.ext_order, weights=np.where(counted, self.ext_days, 0), minlength=self.rows).astype(
            np.int64
        )

    def known_at(self, at: int) -> _Facts:
        """The facts as they were known at ``at``: a shipment, receipt, delivery or extension after it has not
        happened yet."""
        known = object.__new__(_Facts)
        known.__dict__.update(self.__dict__)
        shipped = self.known["shipped_at"] & (self.shipped.us <= at)
        known.known = dict(self.known)
        known.known["shipped_at"] = shipped
        for name in ("received_at", "delivered_at"):
            known.known[name] = shipped & self.known[name] & (self.instant[name].us <= at)
        if len(self.ext_order):
            keep = shipped[self.ext_order] & (self.ext_granted.us <= at)
            known.ext_order = self.ext_order[keep]
            known.ext_granted = _At(self.ext_granted.zone[keep], self.ext_granted.us[keep])
            known.ext_days = self.ext_days[keep]
            known.ext_rows = self.ext_rows[keep]
        return known


# --- the rules over columns --------------------------------------------------------------------


def _near_the_ends(instants: Ints, rows: Bools) -> bool:
    """Whether an instant of ``rows`` lies within two days of the years 1 to 9999's ends, where its
    local date, a day or so away, may lie outside them."""
    if not rows.any():
        return False
    chosen = instants[rows]
    margin = 2 * _columnar.DAY
    return bool(chosen.min() < _columnar.LOWEST_US + margin or chosen.max() > _columnar.HIGHEST_US - margin)


class _Engine:
    """One rulebook's timeline over the columns of a table."""

    def __init__(self, facts: _Facts, rules: Rulebook) -> None:
        self.facts, self.rules = facts, rules
        self.cut_at_delivery: Bools = np.zeros(facts.rows, dtype=bool)
        """The rows whose protection the parcel's delivery cut short, as the last protection_end found them."""
        # the rulebook's days_counted_in: the zone whose calendar counts the days of its rules, for every row
        self._calendar = None if rules.days_counted_in is None else facts.zones.index(rules.days_counted_in)
        self._zones: _columnar.Zones | None = None
        self._last_year = 0
        self._walls: dict[tuple[int, int], tuple[Ints, Ints, Ints]] = {}
        self._calendar_zones: dict[int, Ints] = {}

    def _zone_table(self, latest: int) -> _columnar.Zones:
        year = dt.datetime.fromtimestamp(0, dt.UTC).year + int(latest // (365 * _columnar.DAY)) + 2
        if self._zones is None or year > self._last_year:
            self._last_year = max(year, 2040, self._last_year)
            self._zones = _columnar.Zones(self.facts.zones.zones, self._last_year)
            self._walls.clear()  # found with a shorter table
        return self._zones

    def _guarded(self, start: _At, days: Ints, rows: Bools, what: str) -> Ints:
        """``days`` for ``rows`` (0 elsewhere), refusing a count that must leave the years 1 to 9999."""
        days = np.where(rows, days, 0)
        self.facts.reader.fail(
            InvalidValueError,
            np.abs(days) > _FARTHEST,
            lambda row: (
                f"{days[row]} {what} {self._iso(start, row)} falls outside the years 1 to 9999 that "
                "dates can have; check the number of days"
            ),
        )
        return days

    def _checked(self, result: Ints, rows: Bools, start: _At, days: Ints, what: str, zones: _columnar.Zones) -> Ints:
        """``result``, refused where it or its local date falls outside the years 1 to 9999, as the scalar
        functions refuse it."""
        outside = _columnar.in_range(result, rows)
        if _near_the_ends(result, rows):  # a local date may leave the years its instant is in
            outside |= _columnar.in_range(zones.wall(start.zone, result), rows)
        self.facts.reader.fail(
            InvalidValueError,
            outside,
            lambda row: (
                f"{days[row]} {what} {self._iso(start, row)} falls outside the years 1 to 9999 that "
                "dates can have; check the number of days"
            ),
        )
        return result

    def _iso(self, at: _At, row: int) -> str:
        moment = _columnar.LOWEST + dt.timedelta(microseconds=int(at.us[row]) - _columnar.LOWEST_US)
        try:
            return moment.astimezone(self.facts.zones.zones[int(at.zone[row])]).isoformat()
        except OverflowError:  # its local date is past the year 9999: say it in UTC
            return moment.isoformat()

    def check_local_dates(self) -> None:
        """Each instant of the table has a local date in the years 1 to 9999, as a scalar instant must."""
        facts = self.facts
        instants = [(name, facts.instant[name], facts.known[name], facts.reader) for name in _INSTANTS]
        if facts.ext_reader is not None:
            instants.append(
                ("granted_at", facts.ext_granted, np.ones(len(facts.ext_order), dtype=bool), facts.ext_reader)
            )
        for name, at, known, reader in instants:
            if not _near_the_ends(at.us, known):
                continue
            zones = self._zone_table(int(np.abs(at.us[known]).max()))
            reader.fail(
                InvalidValueError,
                _columnar.in_range(zones.wall(at.zone, at.us), known),
                f"{name} falls on a local date outside the years 1 to 9999 that aliprotect's instants can have",
            )

    def _wall(self, start: _At, zones: _columnar.Zones) -> Ints:
        """The wall-clock times of ``start``: known, or found once for each column of instants."""
        if start.wall is not None:
            return start.wall
        key = (id(start.us), id(start.zone))
        if key not in self._walls:  # keeps the arrays, so that their ids stay theirs
            self._walls[key] = (start.us, start.zone, zones.wall(start.zone, start.us))
        return self._walls[key][2]

    def _on_calendar(self, start: _At) -> _At:
        """``start`` in the rulebook's ``days_counted_in`` zone, when it has one."""
        if self._calendar is None:
            return start
        size = len(start.zone)
        if size not in self._calendar_zones:  # one array per length, so that _wall finds its walls again
            self._calendar_zones[size] = np.full(size, self._calendar, dtype=np.int64)
        return _At(self._calendar_zones[size], start.us)

    def _counts_on_calendar(self, rule: str | None) -> bool:
        return self._calendar is not None and rule is not None and self.rules.calendar(rule) is not None

    def add(self, start: _At, days: Ints, rows: Bools, *, rule: str | None) -> _At:
        """``days`` calendar days after each instant of ``rows`` (C2), for the rule ``rule``: on the
        rulebook's calendar when it counts that rule's days, else in each instant's zone (``None``: as
        an :class:`~aliprotect.Order` checks itself); other rows hold no meaning."""
        if self._counts_on_calendar(rule):
            counted = self.add(self._on_calendar(start), days, rows, rule=None)
            return _At(start.zone, counted.us)
        days = self._guarded(start, days, rows, "days after")
        reach = np.abs(start.us).max(initial=0) + np.abs(days).max(initial=0) * _columnar.DAY
        zones = self._zone_table(int(reach))
        result, wall = zones.add_days_and_wall(start.zone, start.us, days, self._wall(start, zones))
        return _At(start.zone, self._checked(result, rows, start, days, "days after", zones), wall)

    def day_number(self, start: _At, day: Ints, rows: Bools, *, rule: str | None) -> _At:
        """The first instant of the local date ``date(start) + day`` (C4), for the rule ``rule``: on the
        rulebook's calendar when it counts that rule's days."""
        if self._counts_on_calendar(rule):
            counted = self.day_number(self._on_calendar(start), day, rows, rule=None)
            return _At(start.zone, counted.us)
        day = self._guarded(start, day, rows, "days into the local date of")
        reach = np.abs(start.us).max(initial=0) + (np.abs(day).max(initial=0) + 1) * _columnar.DAY
        zones = self._zone_table(int(reach))
        result, wall = zones.start_of_day_number_and_wall(start.zone, start.us, day, self._wall(start, zones))
        return _At(start.zone, self._checked(result, rows, start, day, "days into the local date of", zones), wall)

    def number(self, rule_id: str, name: str, unit: Unit, rows: Bools, *, by_carrier: bool) -> Ints:
        """The rule's number for each row of ``rows``: per carrier when ``by_carrier``, as the scalar functions ask."""
        if not rows.any():
            return np.zeros(self.facts.rows, dtype=np.int64)
        quantity = self.rules.quantity(rule_id, name, unit=unit)
        if quantity.value is not None:
            return np.full(self.facts.rows, quantity.value, dtype=np.int64)
        out = np.zeros(self.facts.rows, dtype=np.int64)
        codes = self.facts.carrier if by_carrier else np.full(self.facts.rows, -1, dtype=np.int64)
        names: list[str | None] = [*self.facts.carriers, None]
        for code in np.unique(codes[rows]):
            chosen = rows & (codes == code)
            try:
                out[chosen] = self.rules.number(rule_id, name, unit=unit, carrier=names[int(code)])
            except AliprotectError as error:
                self.facts.reader.fail(type(error), chosen, str(error))
        return out

    def timer_days(self, rows: Bools) -> Ints:
        """The length of each order's protection timer, as :func:`aliprotect._timeline.timer_days` gives it."""
        if not _timeline.follows_promised(self.rules):
            return self.facts.protection
        promised = self.promised(rows, "protection.period")
        if self.rules.has("protection.period", "at_most"):
            return np.minimum(promised, self.rules.number("protection.period", "at_most", unit=Unit.DAYS))
        return promised

    def promised(self, rows: Bools, rule_id: str) -> Ints:
        self.facts.reader.fail(
            MissingFactError,
            rows & ~self.facts.has_promised,
            f"promised_days is missing; under rulebook {self.rules.version}, {rule_id} depends on the seller's "
            "promised delivery time: add a promised_days column",
        )
        return self.facts.promised

    def protection_end(self, rows: Bools) -> _At:
        """When protection ends (``protection.period``, ``protection.extension``), as the scalar function does."""
        facts, rules = self.facts, self.rules
        self.cut_at_delivery = np.zeros(facts.rows, dtype=bool)
        if not rows.any():
            return facts.shipped
        if rules.calendar("protection.period") is not None:  # the order checked itself on its own calendar
            facts.check_extensions(self, rule="protection.period", rows=rows)
        longest, why = _timeline.longest_timer(rules)
        length = self.timer_days(rows)
        if _timeline.follows_promised(rules):  # the timer is the promised time; protection_days does not set it
            facts.reader.fail(
                InvalidValueError, rows & (length > longest), lambda row: f"promised_days={facts.promised[row]}: {why}"
            )
        else:
            facts.reader.fail(
                InvalidValueError,
                rows & (facts.protection > longest),
                lambda row: f"protection_days={facts.protection[row]}: {why}",
            )
        if _timeline.follows_promised(rules):  # the order checked its extensions against its own protection_days
            facts.check_extensions(self, rule="protection.period", rows=rows & (length != facts.protection))
        everything = np.ones(len(facts.ext_order), dtype=bool)
        total = facts.extension_days(everything)
        timer = self.add(facts.shipped, length + total, rows, rule="protection.period")
        delivered = facts.instant["delivered_at"]
        cutting = rows & facts.known["delivered_at"]
        if not cutting.any() or not rules.has("protection.period", "after_delivered"):
            return timer
        before = facts.extension_days(facts.ext_granted.us < delivered.us[facts.ext_order])
        running = self.add(facts.shipped, length + before, cutting, rule="protection.period")
        cut = cutting & (delivered.us < running.us)
        left_days = rules.number("protection.period", "after_delivered", unit=Unit.DAYS)
        left = self.add(delivered, np.full(facts.rows, left_days, dtype=np.int64), cut, rule="protection.period")
        earlier = _choose(left.us < running.us, left, running)
        ends = _choose(cut, self.add(earlier, total - before, cut, rule="protection.period"), timer)
        self.cut_at_delivery = cut & (ends.us != timer.us)
        return ends

    def open_by(self, ends: _At, rows: Bools, opens: _At) -> _At:
        """The recommended open-by (``protection.settlement_buffer``), as the scalar function gives it; under
        ``anchor = "end_known"``, never before the window opens, the last extension or a delivery that cut
        protection short."""
        facts = self.facts
        buffer = self.number("protection.settlement_buffer", "before_protection_end", Unit.DAYS, rows, by_carrier=False)
        advised = self.add(ends, -buffer, rows, rule="protection.settlement_buffer")
        buffer_rule = self.rules.rules.get("protection.settlement_buffer")
        if buffer_rule is None or buffer_rule.anchor != "end_known":
            return advised
        floor = opens
        if len(facts.ext_order):
            last = np.full(facts.rows, np.iinfo(np.int64).min, dtype=np.int64)
            np.maximum.at(last, facts.ext_order, facts.ext_granted.us)
            granted = _At(facts.shipped.zone, last)  # an instant only compared, never shown
            floor = _choose(last > floor.us, granted, floor)
        delivered = facts.instant["delivered_at"]
        floor = _choose(self.cut_at_delivery & (delivered.us > floor.us), delivered, floor)
        return _choose(advised.us < floor.us, floor, advised)

    def window(self, rows: Bools, end: Callable[[], _At]) -> tuple[_At, _At, Bools | None]:
        """When a dispute can be opened, ``[opens, closes)``, and which rows complete at receipt when that was
        asked (``None`` when the end of protection was not needed)."""
        facts, rules = self.facts, self.rules
        shipped = facts.shipped
        if not rows.any():
            return shipped, shipped, np.zeros(facts.rows, dtype=bool)
        rest = rows.copy()
        if rules.has("open.earliest", "at_once_if_promised_at_most"):
            limit = rules.number("open.earliest", "at_once_if_promised_at_most", unit=Unit.DAYS)
            rest = rows & ~(self.promised(rows, "open.earliest") <= limit)
        quantity = rules.quantity("open.earliest", "opens")
        days = self.number("open.earliest", "opens", quantity.unit, rest, by_carrier=True)
        if quantity.unit is Unit.DAYS:
            opens = _choose(rest, self.add(shipped, days, rest, rule="open.earliest"), shipped)
        else:
            opens = _choose(rest, self.day_number(shipped, days, rest, rule="open.earliest"), shipped)
        receipt: Bools | None = None
        if rules.has("open.latest", "until_day_after_shipping"):
            last = self.number("open.latest", "until_day_after_shipping", Unit.DAY_NUMBER, rows, by_carrier=True)
            closes = self.day_number(shipped, last + 1, rows, rule="open.latest")
        else:
            unit = rules.quantity("open.latest", "after_completion").unit
            after = self.number("open.latest", "after_completion", unit, rows, by_carrier=False)
            received = facts.instant["received_at"]
            if rules.rule("open.latest").anchor == "promised_delivery_or_receipt":
                delivery_end = self.add(shipped, self.promised(rows, "open.latest"), rows, rule="open.latest")
                anchor = _choose(facts.known["received_at"] & (received.us < delivery_end.us), received, delivery_end)
            else:
                ends = end()
                receipt = rows & facts.known["received_at"] & (received.us < ends.us)
                anchor = _choose(receipt, received, ends)
            if unit is Unit.DAY_NUMBER:  # "until the Nth day after": day N is still inside (C8)
                closes = self.day_number(anchor, after + 1, rows, rule="open.latest")
            else:  # "within N days after" (C2)
                closes = self.add(anchor, after, rows, rule="open.latest")
        return opens, _choose(closes.us > opens.us, closes, opens), receipt

    def check_stated(self, *rule_ids: str) -> None:
        stated(self.rules, *rule_ids)


class _Lazy:
    """A value computed once, when first asked for."""

    def __init__(self, compute: Callable[[], _At]) -> None:
        self._compute = compute
        self._value: _At | None = None

    def __call__(self) -> _At:
        if self._value is None:
            self._value = self._compute()
        return self._value


# --- writing the answer ------------------------------------------------------------------------


def _instant_column(at: _At, rows: Bools) -> pa.Array:
    return pa.array(at.us, type=pa.int64(), mask=~rows).cast(pa.timestamp("us", "UTC"))


def _text_column(codes: Ints, choices: Sequence[str]) -> pa.Array:
    """Text from the index of each row into ``choices`` (-1 for null)."""
    indices = pa.array(codes, type=pa.int32(), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(choices), type=pa.string())).dictionary_decode()


def _with(frame: nw.DataFrame[Any], columns: Mapping[str, pa.Array], rules: Rulebook) -> Any:
    """``frame`` with ``columns`` and the rulebook's version and fingerprint added, as the caller's kind of table."""
    added = {**columns, "rulebook": None, "fingerprint": None}
    taken = [name for name in added if name in frame.columns]
    if taken:
        raise ColumnError(
            f"orders already has a column {shown(taken[0])}, which the answer adds; rename or drop it first"
        )
    rows = len(frame)
    arrays = dict(columns)
    arrays["rulebook"] = _text_column(np.zeros(rows, dtype=np.int64), [rules.version])
    arrays["fingerprint"] = _text_column(np.zeros(rows, dtype=np.int64), [rules.fingerprint])
    new = nw.from_arrow(pa.table(arrays), backend=frame.implementation)
    return frame.with_columns(*(new[name] for name in arrays)).to_native()


def _prepare(
    orders: object,
    extensions: object | None,
    columns: Mapping[str, str] | None,
    extra: Iterable[str],
    rules: Rulebook | None,
    cell_zones: Mapping[str, Sequence[str]] | None = None,
) -> tuple[nw.DataFrame[Any], _Facts, _Engine]:
    book = given_or_latest(rules)
    frame = _native_frame(orders, "orders")
    extra = _checked_extra(extra)
    reader = _Reader(frame, _columns(frame, ORDER_COLUMNS, _REQUIRED, columns, extra, "orders"), "orders")
    ext_reader = None
    if extensions is not None:
        ext_frame = _native_frame(extensions, "extensions")
        found = _columns(ext_frame, EXTENSION_COLUMNS, tuple(EXTENSION_COLUMNS), None, (), "extensions")
        ext_reader = _Reader(ext_frame, found, "extensions")
    facts = _Facts(reader, ext_reader, cell_zones)
    engine = _Engine(facts, book)
    engine.check_local_dates()
    facts.check_extensions(engine)
    return frame, facts, engine


def _at(value: dt.datetime, facts: _Facts) -> int:
    instant = _days.aware(value, "at")
    at = _days.key(instant) // _US
    placed = facts.instant["placed_at"].us
    facts.reader.fail(
        TimeOrderError,
        placed > at,
        f"at={instant.isoformat()} is before the order was placed; ask about an order only once it exists, "
        "e.g. keep the rows placed at or before at",
    )
    return int(at)


# --- the questions -----------------------------------------------------------------------------


def timelines(
    orders: Any,
    *,
    rules: Rulebook | None = None,
    extensions: Any | None = None,
    columns: Mapping[str, str] | None = None,
    extra: Iterable[str] = (),
) -> Any:
    """Every order's timeline: ``orders`` with one column per deadline, as :func:`aliprotect.timeline` gives.

    The columns added, each an instant in UTC, null where the order has no such deadline:
    ``dispute_opens``, ``open_by_recommended``, ``protection_ends``, ``completed``,
    ``dispute_closes`` (an order not shipped has none; one whose buyer confirmed receipt
    before protection ended has no ``protection_ends`` nor ``open_by_recommended``), and
    ``rulebook`` and ``fingerprint``.

    Args:
        orders: a table of orders (see the module's input contract).
        rules: the rulebook; the latest when left out.
        extensions: a table of the extensions of protection granted, one row per extension.
        columns: which column holds a fact, when it has another name: ``{"shipped_at": "shipped"}``.
        extra: columns of the table's own that merely look like one aliprotect reads.

    Raises:
        ColumnError: a required column is missing, a column looks like a misnamed one, or a
            column holds values of the wrong kind.
        NaiveDatetimeError: an instant column has no timezone.
        InvalidValueError, TimeOrderError, MissingFactError: a row that the scalar functions
            refuse, named by its position and order id.

    Example:
        >>> import pandas as pd, aliprotect
        >>> from aliprotect import frames
        >>> orders = pd.DataFrame({
        ...     "id": ["A1"],
        ...     "placed_at": pd.to_datetime(["2025-03-01 10:00"]).tz_localize("Europe/Paris"),
        ...     "shipped_at": pd.to_datetime(["2025-03-03 18:00"]).tz_localize("Europe/Paris"),
        ...     "protection_days": [60],
        ... })
        >>> table = frames.timelines(orders, rules=aliprotect.rulebook("2025.2"))
        >>> str(table.loc[0, "dispute_opens"]), str(table.loc[0, "dispute_closes"])
        ('2025-03-08 23:00:00+00:00', '2025-05-17 16:00:00+00:00')
    """
    frame, facts, engine = _prepare(orders, extensions, columns, extra, rules)
    shipped = facts.known["shipped_at"]
    end = _Lazy(lambda: engine.protection_end(shipped))
    opens, closes, receipt = engine.window(shipped, end)
    ends = end()
    received = facts.instant["received_at"]
    if receipt is None:
        receipt = shipped & facts.known["received_at"] & (received.us < ends.us)
    timer = shipped & ~receipt
    advised = engine.open_by(ends, timer, opens)
    if shipped.any():
        engine.check_stated("open.earliest", "open.latest", "protection.period", "escrow.release")
    if timer.any():
        engine.check_stated("protection.expiry_completes")
    if len(facts.ext_order):
        engine.check_stated("protection.extension")
    completed = _choose(receipt, received, ends)
    answer = {
        "dispute_opens": _instant_column(opens, shipped),
        "open_by_recommended": _instant_column(advised, timer & (advised.us < closes.us)),
        "protection_ends": _instant_column(ends, timer),
        "completed": _instant_column(completed, shipped),
        "dispute_closes": _instant_column(closes, shipped),
    }
    return _with(frame, {name: answer[name] for name in TIMELINE_NAMES}, engine.rules)


_REASONS = ("not_shipped", "too_early", "too_late", "received", "allowed")


def can_open(
    orders: Any,
    *,
    at: dt.datetime,
    claim: ClaimKind = ClaimKind.NOT_RECEIVED,
    rules: Rulebook | None = None,
    extensions: Any | None = None,
    columns: Mapping[str, str] | None = None,
    extra: Iterable[str] = (),
) -> Any:
    """Whether a dispute of kind ``claim`` can be opened at ``at``, for every order: as
    :func:`aliprotect.can_open_dispute` answers for an order with no earlier dispute.

    The columns added: ``can_open`` (true or false), ``can_open_reason`` (``not_shipped``,
    ``too_early``, ``too_late``, ``received`` for a "not received" claim after the buyer
    confirmed receipt, or ``allowed``), ``can_open_rule_ids`` (the rule ids behind the
    answer, comma-separated), ``rulebook`` and ``fingerprint``.

    Orders with earlier disputes, or under a rulebook that waits while the parcel is in
    transit (rulebook 2021.1, which needs the tracking), are for the scalar function:
    the latter raises :class:`~aliprotect.errors.MissingFactError` for the rows it concerns.

    Raises:
        TimeOrderError: an order was placed after ``at``.
        ColumnError, InvalidValueError, MissingFactError: as :func:`timelines`.
    """
    kind = _checks.member(claim, ClaimKind, "claim")
    frame, facts, engine = _prepare(orders, extensions, columns, extra, rules)
    at_us = _at(at, facts)
    rules = engine.rules
    shipped = facts.known["shipped_at"]
    opens, closes, _ = engine.window(shipped, _Lazy(lambda: engine.protection_end(shipped)))
    reason = np.full(facts.rows, _REASONS.index("allowed"), dtype=np.int64)
    early = shipped & (at_us < opens.us)
    late = shipped & ~early & (at_us >= closes.us)
    received = facts.instant["received_at"]
    after_receipt = np.zeros(facts.rows, dtype=bool)
    if kind is ClaimKind.NOT_RECEIVED:
        after_receipt = shipped & ~early & ~late & facts.known["received_at"] & (received.us <= at_us)
    reason[~shipped] = _REASONS.index("not_shipped")
    reason[early] = _REASONS.index("too_early")
    reason[late] = _REASONS.index("too_late")
    reason[after_receipt] = _REASONS.index("received")
    allowed = reason == _REASONS.index("allowed")
    if rules.rule("open.earliest").in_transit_waits:
        promised = engine.promised(allowed, "open.earliest")
        until = engine.add(facts.shipped, promised, allowed, rule="open.earliest")
        facts.reader.fail(
            MissingFactError,
            allowed & (at_us < until.us),
            f"under rulebook {rules.version}, open.earliest waits while the parcel is in transit inside the "
            "seller's promised delivery time, which has not ended at at: the answer needs the order's tracking; "
            "ask aliprotect.can_open_dispute(order, ..., tracking=...) for this order",
        )
    cited = {
        "not_shipped": ("open.earliest",),
        "too_early": ("open.earliest",),
        "too_late": ("open.latest",),
        "received": ("open.not_received_before_receipt",),
        "allowed": ("open.earliest", "open.latest")
        + (("open.not_received_before_receipt",) if kind is ClaimKind.NOT_RECEIVED else ()),
    }
    for code, name in enumerate(_REASONS):
        if (reason == code).any():
            engine.check_stated(*cited[name])
    if allowed.any():
        engine.check_stated(*MACHINE_RULES)
    return _with(
        frame,
        {
            "can_open": pa.array(allowed),
            "can_open_reason": _text_column(reason, _REASONS),
            "can_open_rule_ids": _text_column(reason, [", ".join(cited[name]) for name in _REASONS]),
        },
        rules,
    )


# The most urgent advice of each order, as :func:`aliprotect.next_actions` sorts it, without a dispute
# or tracking: one of these, by how the order stands at ``at``.
_ADVICE = (
    (Action.WAIT, Urgency.INFO, ("cancel.before_shipment",)),  # not shipped
    (Action.OPEN_DISPUTE, Urgency.BY_DEADLINE, ("open.latest",)),  # received; or the window closes first
    (Action.OPEN_DISPUTE, Urgency.BY_DEADLINE, ("protection.settlement_buffer", "protection.extension")),
    (Action.OPEN_DISPUTE, Urgency.NOW, ("protection.settlement_buffer", "open.latest")),
    (Action.OPEN_DISPUTE, Urgency.BY_DEADLINE, ("protection.settlement_buffer", "open.latest")),
    (Action.ASK_EXTENSION, Urgency.NOW, ("protection.extension",)),
    (Action.OPEN_DISPUTE, Urgency.NOW, ("protection.expiry_completes", "open.latest")),
    (Action.OPEN_DISPUTE, Urgency.BY_DEADLINE, ("protection.expiry_completes", "open.latest")),
)


def next_actions(
    orders: Any,
    *,
    at: dt.datetime,
    role: Role = Role.BUYER,
    rules: Rulebook | None = None,
    extensions: Any | None = None,
    columns: Mapping[str, str] | None = None,
    extra: Iterable[str] = (),
) -> Any:
    """The most urgent thing to do about every order at ``at``: the first advice of
    :func:`aliprotect.next_actions` for an order with no dispute and no tracking given.

    As the scalar function does, it uses only what was known at ``at``: a shipment,
    receipt, delivery or extension after ``at`` has not happened yet.

    The columns added: ``next_action`` (an :class:`~aliprotect.Action` value such as
    ``open_dispute``; null when nothing can be done any more), ``next_action_urgency``
    (``now``, ``by_deadline`` or ``info``), ``next_action_by`` (its deadline, in UTC),
    ``next_action_rule_ids``, ``rulebook`` and ``fingerprint``. For all of an order's
    advice, with its words, ask :func:`aliprotect.next_actions` for that order.

    Raises:
        TimeOrderError: an order was placed after ``at``.
        MissingFactError: under a rulebook that waits while the parcel is in transit
            (2021.1), a row whose answer needs its tracking.
        ColumnError, InvalidValueError: as :func:`timelines`.
    """
    role = _checks.member(role, Role, "role")
    return _next_actions(*_prepare(orders, extensions, columns, extra, rules), at=at, role=role)


def next_actions_by_cell(
    orders: pa.Table, cell_zones: Mapping[str, Sequence[str]], *, at: dt.datetime, role: Role, rules: Rulebook
) -> pa.Table:
    """:func:`next_actions` of a table whose every instant cell has a zone of its own (``cell_zones``: for
    each instant column, the zone of each row), as a scalar instant has: the command line's ``check`` of a
    CSV file whose instants state their offsets."""
    return _next_actions(*_prepare(orders, None, None, (), rules, cell_zones), at=at, role=role)


def _next_actions(frame: nw.DataFrame[Any], all_facts: _Facts, engine: _Engine, *, at: dt.datetime, role: Role) -> Any:
    at_us = _at(at, all_facts)
    facts = engine.facts = all_facts.known_at(at_us)
    rules = engine.rules
    shipped = facts.known["shipped_at"]
    end = _Lazy(lambda: engine.protection_end(shipped))
    opens, closes, _ = engine.window(shipped, end)
    live = shipped & (at_us < closes.us)
    received = live & facts.known["received_at"]
    rest = live & ~received
    if rules.rule("open.earliest").in_transit_waits:
        started = rest & (at_us >= opens.us)
        until = engine.add(facts.shipped, engine.promised(started, "open.earliest"), started, rule="open.earliest")
        facts.reader.fail(
            MissingFactError,
            started & (at_us < until.us),
            f"under rulebook {rules.version}, open.earliest waits while the parcel is in transit inside the "
            "seller's promised delivery time, which has not ended at at: the advice needs the order's tracking; "
            "ask aliprotect.next_actions(order, ..., tracking=...) for this order",
        )
    ends = end()
    engine.number("protection.settlement_buffer", "before_protection_end", Unit.DAYS, rest, by_carrier=True)
    advised = engine.open_by(ends, rest, opens)
    waiting = at_us < opens.us
    last_chance = rest & ~(advised.us < closes.us)
    by_advice = rest & ~last_chance & (at_us < advised.us) & ~(advised.us < opens.us)
    running = rest & ~last_chance & ~by_advice & (at_us < ends.us)
    ended = rest & ~last_chance & ~by_advice & ~running
    ask_first = running & (waiting | (ends.us < closes.us))  # NOW before BY_DEADLINE; then the sooner `by`
    kind = np.full(facts.rows, -1, dtype=np.int64)
    kind[~shipped] = 0
    kind[received | last_chance] = 1
    kind[by_advice] = 2
    kind[running & ~waiting] = 3
    kind[running & waiting] = 4
    kind[ask_first] = 5
    kind[ended & ~waiting] = 6
    kind[ended & waiting] = 7
    by = _choose(by_advice, advised, closes)
    by = _choose(ask_first, ends, by)
    for code, (_, _, rule_ids) in enumerate(_ADVICE):
        if (kind == code).any():
            engine.check_stated(*rule_ids)
    if rest.any():
        engine.check_stated(ClaimKind.NOT_RECEIVED.rule_id, *(("dropship.reship",) if role is Role.DROPSHIPPER else ()))
        rules.rule(ClaimKind.NOT_RECEIVED.rule_id)
    return _with(
        frame,
        {
            "next_action": _text_column(kind, [action.value for action, _, _ in _ADVICE]),
            "next_action_urgency": _text_column(kind, [urgency.value for _, urgency, _ in _ADVICE]),
            "next_action_by": _instant_column(by, kind > 0),
            "next_action_rule_ids": _text_column(kind, [", ".join(ids) for _, _, ids in _ADVICE]),
        },
        rules,
    )


# --- AliExpress's records -----------------------------------------------------------------------

ALIEXPRESS_COLUMNS: Mapping[str, str] = {
    "id": "the order number (required; or order_id)",
    "gmt_create": "when the order was placed, 'YYYY-MM-DD HH:MM:SS' in US Pacific time (required)",
    "order_status": "the order's status code (required)",
    "logistics_status": "the logistics status code; without it, the order status says whether it shipped",
    "gmt_send": "when the whole order shipped: its last shipment's gmt_send (Pacific time)",
    "freight_commit_day": "the products' promised delivery time in days (required unless protection_days= is given)",
    "order_end_reason": "why the order ended (buyer_confirm_goods: the buyer confirmed receipt)",
    "gmt_trade_end": "when the order ended (Pacific time)",
    "receive_status": "received once every shipment was delivered",
    "gmt_received": "when the last shipment was delivered (Pacific time)",
    "logistics_service_name": "the shipping service, as the order's carrier",
    "over_time_left": "AliExpress's countdown of the current status (Pacific time)",
    "issue_status": "whether the order has a dispute (NO_ISSUE, IN_ISSUE, END_ISSUE)",
}
"""The columns :func:`from_aliexpress` reads: the fields of an AliExpress order record, one row per
order (camelCase names read alike)."""

_ALIEXPRESS_REQUIRED = ("id", "gmt_create", "order_status")


def _texts(reader: _Reader, name: str) -> tuple[Ints, list[str]]:
    """:meth:`_Reader.strings`, with an empty text read as no value, as the scalar reader reads it."""
    codes, texts = reader.strings(name)
    if "" in texts:
        codes = np.where(codes == texts.index(""), -1, codes)
    return codes, texts


def _pacific(
    reader: _Reader, name: str, zones: _columnar.Zones, repeated_hour: str, rows: Bools | None = None
) -> tuple[Ints, Bools]:
    """Microseconds since 1970 UTC of a column of AliExpress times, and which rows hold one; only
    ``rows`` are read, when given (the others as if they held none)."""
    codes, texts = _texts(reader, name)
    if rows is not None:
        codes = np.where(rows, codes, -1)
    if not texts:
        return np.zeros(reader.rows, dtype=np.int64), np.zeros(reader.rows, dtype=bool)
    choices = pa.array(texts, type=pa.string())
    well_formed = np.asarray(
        pc.match_substring_regex(choices, r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")
        .fill_null(False)
        .to_numpy(zero_copy_only=False),
        dtype=bool,
    )
    parsed = pc.strptime(choices, format="%Y-%m-%d %H:%M:%S", unit="us", error_is_null=True)
    # strptime moves an impossible date on (2024-02-30 to 2024-03-01): keep only what writes back the same
    written = pc.strftime(parsed.cast(pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S")
    same = pc.equal(written, choices).fill_null(False)
    valid = well_formed & np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)
    walls = np.asarray(pc.cast(parsed, pa.int64()).fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    known = codes >= 0
    column = np.maximum(codes, 0)

    def given(row: int) -> str:
        return f"{name}={shown(texts[int(codes[row])])}"

    reader.fail(
        InvalidValueError,
        known & ~valid[column],
        lambda row: f"{given(row)} is not a real AliExpress time: expected 'YYYY-MM-DD HH:MM:SS' in US Pacific time",
    )
    wall = walls[column]
    zone = np.zeros(reader.rows, dtype=np.int64)
    later, moved = zones.instant_and_wall(zone, wall)  # the second pass of a repeated time; a skipped one moves
    reader.fail(
        InvalidValueError,
        known & (moved != wall),
        lambda row: f"{given(row)} does not exist in US Pacific time: the clocks skip from 02:00 to 03:00 that day",
    )
    earlier = wall - zones.offset(zone, later - 3 * 3_600_000_000)  # the offset before a change an hour earlier
    repeated = known & (earlier != later) & (zones.wall(zone, earlier) == wall)
    if repeated_hour == "refuse":
        reader.fail(
            InvalidValueError,
            repeated,
            lambda row: (
                f"{given(row)} falls in the hour US Pacific time repeats that day, and the table does not "
                "say which pass; aliprotect does not pick one: pass repeated_hour='earlier' or 'later' if you know"
            ),
        )
    us = np.where(repeated & (repeated_hour == "earlier"), earlier, later)
    reader.fail(InvalidValueError, _columnar.in_range(us, known), f"{name} is outside the years 1 to 9999 in UTC")
    return np.where(known, us, 0), known


def _codes(reader: _Reader, name: str, kind: type[enum.Enum]) -> tuple[Ints, list[enum.Enum]]:
    """Each row's status code as an index into the members returned (-1 for a null); unknown codes refused."""
    codes, texts = _texts(reader, name)
    members: list[enum.Enum] = []
    for index, text in enumerate(texts):
        if text == "":
            members.append(next(iter(kind)))  # no row points here: an empty text is no value
            continue
        try:
            members.append(kind(text))
        except ValueError:
            known = ", ".join(str(member.value) for member in kind)
            reader.fail(
                InvalidValueError,
                codes == index,
                f"{name}={shown(text)} is not a status code aliprotect knows; known: {known}",
            )
    return codes, members


def from_aliexpress(
    records: Any,
    *,
    protection_days: int | None = None,
    repeated_hour: str = "refuse",
    columns: Mapping[str, str] | None = None,
    extra: Iterable[str] = (),
) -> Any:
    """A table of AliExpress order records, one row per order, as a table of orders for this module.

    Each row holds an order record's fields (see :data:`ALIEXPRESS_COLUMNS`), flattened: its
    times as AliExpress writes them, text in US Pacific time. The facts are read as
    :func:`aliprotect.aliexpress.order_from_api` reads them, row by row (the test suite
    proves it): the order has shipped once the whole order has (``logistics_status``
    ``SELLER_SEND_GOODS`` or ``BUYER_ACCEPT_GOODS``, or else the order status), at
    ``gmt_send``; its protection and promised time are ``freight_commit_day``; the buyer
    confirmed at ``gmt_trade_end`` when ``order_end_reason`` is ``buyer_confirm_goods``; it
    shows delivered at ``gmt_received`` when ``receive_status`` is ``received``.

    Returns the same kind of table with the columns ``id``, ``placed_at``, ``shipped_at``,
    ``received_at``, ``delivered_at`` (instants in UTC), ``protection_days``,
    ``promised_days``, ``carrier``, ``zone`` (``America/Los_Angeles``, whose calendar counts
    the days unless the rulebook says otherwise), ``order_status``, ``issue_status`` and
    ``over_time_left`` (AliExpress's countdown, in UTC): ready for :func:`timelines`,
    :func:`can_open` and :func:`next_actions`. An empty text is no value, as in a record.

    Args:
        records: the table of records.
        protection_days: every order's protection timer, for a table without ``freight_commit_day``.
        repeated_hour: how to read a time in the hour US Pacific time repeats in November:
            ``"refuse"`` (the default), ``"earlier"`` or ``"later"``.
        columns: which column holds a field, when it has another name.
        extra: columns of the table's own that merely look like one this reads.

    Raises:
        ColumnError: a required column is missing, or a column looks like a misnamed one.
        InvalidValueError, MissingFactError: a row that :func:`aliprotect.aliexpress.order_from_api`
            refuses, named by its position and order id.

    Example:
        >>> import pandas as pd, aliprotect
        >>> from aliprotect import frames
        >>> records = pd.DataFrame({
        ...     "orderId": ["8012"], "gmtCreate": ["2024-02-24 15:00:51"],
        ...     "orderStatus": ["WAIT_BUYER_ACCEPT_GOODS"], "logisticsStatus": ["SELLER_SEND_GOODS"],
        ...     "gmtSend": ["2024-02-27 23:15:30"], "freightCommitDay": [90],
        ...     "overTimeLeft": ["2024-05-28 00:15:30"],
        ... })
        >>> orders = frames.from_aliexpress(records)
        >>> table = frames.timelines(orders, rules=aliprotect.rulebook("observed.2"))
        >>> bool((table["protection_ends"] == table["over_time_left"]).all())
        True
    """
    if repeated_hour not in ("refuse", "earlier", "later"):
        raise InvalidValueError(f"repeated_hour={shown(repeated_hour)} must be 'refuse', 'earlier' or 'later'")
    columns, extra = _checked_columns(columns), _checked_extra(extra)
    frame = _native_frame(records, "records")
    renamed = {name: aliexpress._snake(name) for name in frame.columns}
    if len(set(renamed.values())) < len(renamed):
        raise ColumnError("records has two columns with the same name in snake_case and camelCase; keep one")
    frame = frame.rename(renamed)
    mapping = {name: aliexpress._snake(given) for name, given in (columns or {}).items()}
    if "id" not in frame.columns and "order_id" in frame.columns and "id" not in mapping:
        mapping["id"] = "order_id"
    required = (*_ALIEXPRESS_REQUIRED, *(() if protection_days is not None else ("freight_commit_day",)))
    extra = tuple(aliexpress._snake(name) for name in extra)
    reader = _Reader(frame, _columns(frame, ALIEXPRESS_COLUMNS, required, mapping, extra, "records"), "records")
    rows = reader.rows
    ids = _record_ids(reader)

    status, statuses = _codes(reader, "order_status", aliexpress.OrderStatus)
    reader.fail(MissingFactError, status < 0, "order_status is missing: every order record has one")
    logistics, kinds = _codes(reader, "logistics_status", aliexpress.LogisticsStatus)
    shipped_kinds = np.asarray([kind in aliexpress._SHIPPED for kind in kinds] + [False], dtype=bool)
    by_status = [aliexpress._SHIPPED_BY_STATUS.get(member) for member in statuses]  # type: ignore[call-overload]
    status_ships = np.asarray([value is True for value in by_status] + [False], dtype=bool)
    status_says = np.asarray(
        [
            value is not None or member is aliexpress.OrderStatus.SELLER_PART_SEND_GOODS
            for value, member in zip(by_status, statuses, strict=True)
        ]
        + [True],
        dtype=bool,
    )
    has_logistics = logistics >= 0
    reader.fail(
        MissingFactError,
        ~has_logistics & ~status_says[status],
        lambda row: (
            f"logistics_status is missing, and order_status {statuses[int(status[row])].value} does not "
            "say whether the seller shipped; give the table its logistics_status column"
        ),
    )
    shipped = np.where(has_logistics, shipped_kinds[logistics], status_ships[status])

    last_year = 2040
    for name in ("gmt_create", "gmt_send", "gmt_trade_end", "gmt_received", "over_time_left"):
        _, texts = reader.strings(name)
        years = [int(text[:4]) for text in texts if text[:4].isascii() and text[:4].isdigit()]  # not "²⁰²⁵"
        last_year = max(last_year, *(year + 2 for year in years)) if years else last_year
    zones = _columnar.Zones([_zone_named(aliexpress.PACIFIC)], min(last_year, 9999))
    placed, has_placed = _pacific(reader, "gmt_create", zones, repeated_hour)
    reader.fail(MissingFactError, ~has_placed, "gmt_create is missing: it says when the order was placed")
    sent, has_sent = _pacific(reader, "gmt_send", zones, repeated_hour)
    reader.fail(
        MissingFactError,
        shipped & ~has_sent,
        "gmt_send is missing, but the order has shipped: give the time its last shipment was sent",
    )

    if protection_days is not None:
        if reader.has("freight_commit_day"):
            raise ColumnError(
                "records has a freight_commit_day column and protection_days= was given; leave protection_days out"
            )
        if not isinstance(protection_days, int) or isinstance(protection_days, bool) or protection_days <= 0:
            raise InvalidValueError(
                f"protection_days={shown(protection_days)} must be a whole number of days, such as 60"
            )
        days = np.full(rows, protection_days, dtype=np.int64)
    else:
        days = _commit_days(reader)

    reason_codes, reasons = _texts(reader, "order_end_reason")
    confirmed_reason = np.asarray([reason == "buyer_confirm_goods" for reason in reasons] + [False], dtype=bool)
    by_buyer = confirmed_reason[reason_codes]
    accepted = np.asarray([kind is aliexpress.LogisticsStatus.BUYER_ACCEPT_GOODS for kind in kinds] + [False])[
        logistics
    ]
    ended, has_end = _pacific(reader, "gmt_trade_end", zones, repeated_hour, rows=by_buyer)
    reader.fail(
        MissingFactError,
        (accepted | by_buyer) & ~(by_buyer & has_end),
        "the buyer confirmed receipt, but the row has no time for it (gmt_trade_end with order_end_reason "
        "buyer_confirm_goods)",
    )
    received = accepted | by_buyer

    status_codes, receive_texts = _texts(reader, "receive_status")
    all_received = np.asarray([text == "received" for text in receive_texts] + [False], dtype=bool)[status_codes]
    known_receive = {member.value for member in aliexpress.ReceiveStatus}
    for index, text in enumerate(receive_texts):
        reader.fail(
            InvalidValueError,
            status_codes == index if text and text not in known_receive else np.zeros(rows, dtype=bool),
            f"receive_status={shown(text)} is not a status aliprotect knows; known: {', '.join(sorted(known_receive))}",
        )
    delivered_us, has_delivered = _pacific(reader, "gmt_received", zones, repeated_hour)
    delivered = shipped & all_received & has_delivered
    countdown, has_countdown = _pacific(reader, "over_time_left", zones, repeated_hour)

    carrier_codes, carriers = _texts(reader, "logistics_service_name")
    carrier_codes = np.where(shipped, carrier_codes, -1)
    issue, issues = _codes(reader, "issue_status", aliexpress.IssueStatus)
    facts = {
        "id": ids,
        "placed_at": _instant_column(_At(placed, placed), np.ones(rows, dtype=bool)),
        "shipped_at": _instant_column(_At(sent, sent), shipped),
        "received_at": _instant_column(_At(ended, ended), received),
        "delivered_at": _instant_column(_At(delivered_us, delivered_us), delivered),
        "protection_days": pa.array(days, type=pa.int64()),
        "promised_days": pa.array(days, type=pa.int64()),
        "carrier": _text_column(carrier_codes, carriers),
        "zone": _text_column(np.zeros(rows, dtype=np.int64), [aliexpress.PACIFIC]),
        "order_status": _text_column(status, [str(member.value) for member in statuses]),
        "issue_status": _text_column(issue, [str(member.value) for member in issues]),
        "over_time_left": _instant_column(_At(countdown, countdown), has_countdown),
    }
    read = nw.from_arrow(pa.table(facts), backend=frame.implementation)
    # every row checked as the scalar Order checks itself (time order), named as a row of records
    _Facts(_Reader(read, {name: name for name in ORDER_COLUMNS if name in facts}, "records"), None)
    return read.to_native()


def _record_ids(reader: _Reader) -> pa.Array:
    """The order numbers, as text: whole numbers greater than 0, or text without its surrounding spaces."""
    array = reader._arrow("id")
    if pa.types.is_integer(array.type):
        values = np.asarray(pc.fill_null(array, 1).to_numpy(zero_copy_only=False))
        reader.fail(
            InvalidValueError,
            values <= 0,
            lambda row: f"id={int(values[row])} is not an order number: give a whole number greater than 0",
        )
        text = pc.cast(array, pa.string())
    elif pa.types.is_string(array.type) or pa.types.is_large_string(array.type) or pa.types.is_string_view(array.type):
        text = pc.utf8_trim(array.cast(pa.string()), _SPACES)
    elif pa.types.is_null(array.type):
        text = pa.nulls(len(array), type=pa.string())
    else:
        raise ColumnError(
            f"column {shown(reader.found['id'])} of records (id) holds {array.type}: give order numbers as whole "
            "numbers or as text"
        )
    empty = np.asarray(pc.equal(text, "").fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)
    reader.fail(MissingFactError, empty, "id is missing; every order needs its order number")
    return text


def _commit_days(reader: _Reader) -> Ints:
    """``freight_commit_day``: whole numbers, or their text (``"90"``), as AliExpress writes them."""
    array = reader._arrow("freight_commit_day")
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) or pa.types.is_string_view(array.type):
        text = array.cast(pa.string())
        digits = np.asarray(
            pc.match_substring_regex(pc.utf8_trim(text, _SPACES), r"^[0-9]{1,9}$")
            .fill_null(False)
            .to_numpy(zero_copy_only=False),
            dtype=bool,
        )
        ok = np.asarray(text.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        reader.fail(
            InvalidValueError,
            ok & ~digits,
            lambda row: f"freight_commit_day={shown(text[row].as_py())} must be a whole number of days, such as 90",
        )
        values = np.asarray(
            pc.cast(pc.if_else(pa.array(digits), pc.utf8_trim(text, _SPACES), "0"), pa.int64()).to_numpy(
                zero_copy_only=False
            ),
            dtype=np.int64,
        )
        reader.fail(MissingFactError, ~ok, "freight_commit_day is missing: pass protection_days= for such orders")
        reader.fail(
            InvalidValueError,
            ok & digits & (values <= 0),
            "freight_commit_day must be a whole number of days, such as 90",
        )
        return values
    values, _ = reader.whole("freight_commit_day", required=True)
    reader.fail(
        InvalidValueError,
        values > aliexpress._MOST_DAYS,
        lambda row: f"freight_commit_day={int(values[row])} must be a whole number of days, such as 90",
    )
    return values
