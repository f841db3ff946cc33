"""The command line's ``check``: many orders from a file, and those that need action at an instant.

With the frames extra, CSV and Parquet files go through the columnar engine
(:mod:`aliprotect._fast_check`); otherwise, and for JSON files, one order at a time.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import pathlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TextIO

import pendulum

from aliprotect import _checks, _days
from aliprotect._advice import Advice, Role, Urgency, next_actions
from aliprotect._cli_common import (
    BadRows,
    Place,
    Progress,
    Source,
    closest,
    count_lines,
    dump,
    encoding_of,
    extension,
    jsonl_lines,
    long_cells,
    not_json_line,
    one_line,
    opened,
    places,
    read,
    whole_number,
)
from aliprotect._cli_documents import order_from_data, value_from_data
from aliprotect._days import parse_instant
from aliprotect._model import Money, Order
from aliprotect._registry import published
from aliprotect._rulebook import Rulebook
from aliprotect._shown import shown
from aliprotect._tracking import Tracking
from aliprotect.errors import AliprotectError, InvalidValueError


def _order_from_row(row: Mapping[str, str | None], rules: Rulebook) -> Order:
    """An order from a CSV row; empty cells are missing values. A row with several problems is
    refused with all of them, not only the first."""
    problems: list[AliprotectError] = []

    def cell(name: str) -> str | None:
        value = row.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    def read(name: str, parse: Callable[[str], object]) -> None:
        text = cell(name)
        if text is None:
            return
        try:
            values[name] = parse(text)
        except AliprotectError as error:
            problems.append(error)

    values: dict[str, object] = {"id": cell("id") or ""}
    if cell("placed_at") is None:
        problems.append(InvalidValueError("placed_at is empty; every order needs the instant it was placed"))
    for name in ("placed_at", "shipped_at", "received_at", "delivered_at"):
        read(name, functools.partial(parse_instant, field=name))
    if cell("protection_days") is None:  # the rulebook's default
        try:
            values["protection_days"] = rules.number("protection.period", "default")
        except AliprotectError as error:
            problems.append(error)
    read("protection_days", functools.partial(whole_number, option="protection_days"))
    read("extensions", lambda text: tuple(extension(part, "extensions") for part in text.split(";") if part))
    amount, currency = cell("amount"), cell("currency")
    if (amount is None) != (currency is None):
        problems.append(InvalidValueError("amount and currency go together: give both or neither"))
    elif amount is not None:
        read("amount", lambda text: _checks.built(Money, {"amount": text, "currency": currency}))
    read("carrier", str)
    read("promised_days", functools.partial(whole_number, option="promised_days"))
    return _checks.built(Order, values, problems)


_Row = tuple[Order, Tracking | None]


_CSV_COLUMNS = (
    "id, placed_at, shipped_at, received_at, delivered_at, protection_days, extensions, amount, currency, carrier, "
    "promised_days"
)


_KNOWN = tuple(name.strip() for name in _CSV_COLUMNS.split(","))


def _checked_header(
    source: Source, names: Sequence[str] | None, extra: Sequence[str] = (), known: Sequence[str] = _KNOWN
) -> list[str]:
    """The header row's names: it must name placed_at, every other column must be one check reads
    or one the user marks as their own (``--extra``), and none may come twice (a reader would
    keep one of the two cells), so that no column is silently ignored."""
    if names is None or "placed_at" not in names:
        first = _first_character(source)
        if not first:
            raise InvalidValueError(f"{source} is empty: give a CSV file with a header row naming at least placed_at")
        hint = f"; it looks like JSON: give --format {'jsonl' if first == '{' else 'json'}" if first in "{[" else ""
        raise InvalidValueError(
            f"{source} must be a CSV file with a header row naming at least placed_at (columns: {_CSV_COLUMNS}){hint}"
        )
    for name in names:
        if name in known or name in extra:
            continue
        close = closest(name, known)
        hint = f"; did you mean {shown(close)}? rename it" if close else ""
        raise InvalidValueError(
            f"{source}: the column {shown(name)} is not one check reads{hint}, or pass --extra {shown(name)} "
            "if it is one "
            f"of your own (columns check reads: {', '.join(known)})"
        )
    first_at: dict[str, int] = {}
    for n, name in enumerate(names, start=1):
        if name in first_at:
            raise InvalidValueError(
                f"{source}: the column {shown(name)} comes twice (columns {first_at[name]} and {n}), and a row's "
                "two cells cannot both be read under one name: give each column a name of its own"
            )
        first_at[name] = n
    return list(names)


def _first_character(source: Source) -> str:
    """The first character of the file that is not white space (or a byte-order mark), or ""."""
    try:
        with open(source, "rb") as file:
            start = file.read(4096)
    except OSError:
        return ""
    return start.lstrip(b"\xef\xbb\xbf \t\r\n")[:1].decode("ascii", errors="replace")


def _csv_header(source: Source, extra: Sequence[str] = ()) -> tuple[list[str], bool]:
    """The names of the CSV file's header row, checked, and whether the file is plain UTF-8 (no
    byte-order mark), which the columnar engine reads as it is."""
    encoding, mark = encoding_of(source)
    try:
        with (
            long_cells(),
            open(source, encoding="utf-8-sig" if encoding == "utf-8" else "utf-16", newline="") as text,
        ):
            return _checked_header(source, next(csv.reader(text), None), extra), encoding == "utf-8" and not mark
    except OSError as error:
        raise InvalidValueError(f"cannot read {source}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        read(source)  # says which byte of the file cannot be read
        raise


def _json_items(source: Source, text: str) -> list[object]:
    """The orders of a JSON file (an array) or a JSON Lines file (one object per line); a line of
    JSON Lines that is not JSON is its error, and the other lines are still read. An item with an
    object that names a field twice is its error too: JSON would keep one of the two values."""
    if source.format == "jsonl":
        items: list[object] = []
        for _, line in jsonl_lines(text):
            try:
                item, repeats = _checks.json_loads(line)
            except (ValueError, RecursionError) as error:  # JSONDecodeError, and integers too long to read
                items.append(not_json_line(error))
                continue
            items.append(_checks.unless_repeated(item) if repeats else item)
        return items
    try:
        loaded, repeats = _checks.json_loads(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, and integers too long to read
        raise InvalidValueError(f"{source} is not JSON: {error}") from None
    if not isinstance(loaded, list):
        raise InvalidValueError(f"{source} must hold a JSON array of orders")
    return [_checks.unless_repeated(item) for item in loaded] if repeats else loaded


def order_rows(
    source: Source, rules: Rulebook, extra: Sequence[str] = ()
) -> Iterator[tuple[int, _Row | AliprotectError]]:
    """Each row of a CSV, JSON or JSON Lines file of orders, numbered from 1, as an order (with its
    tracking, which a JSON row may carry under the key ``tracking``) or the error it gives."""
    text = read(source)
    if source.format in ("json", "jsonl"):
        for number, item in enumerate(_json_items(source, text), start=1):
            try:
                if isinstance(item, AliprotectError):
                    raise item
                fields = dict(item) if isinstance(item, Mapping) else item
                raw = fields.pop("tracking", None) if isinstance(fields, dict) else None
                tracking = None if raw is None else value_from_data(raw, Tracking, label="tracking")
                yield number, (order_from_data(fields, rules), tracking)
            except AliprotectError as error:
                yield number, error
        return
    with long_cells():
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = _checked_header(source, reader.fieldnames, extra)
        end = reader.reader.line_num
        for number, row in enumerate(reader, start=1):
            lines, end = (end + 1, reader.reader.line_num), reader.reader.line_num
            try:
                _check_cells(row, header, lines)
                yield number, (_order_from_row(row, rules), None)
            except AliprotectError as error:
                yield number, error


def _check_cells(row: Mapping[str | None, object], header: Sequence[str], lines: tuple[int, int]) -> None:
    """Refuse a row with fewer cells than the header names columns, or with more that are not empty:
    a value in no column, or a column without its cell, is a row misread, not a missing value."""
    surplus = row.get(None)
    extra = [cell for cell in surplus if isinstance(cell, str) and cell.strip()] if isinstance(surplus, list) else []
    short = sum(1 for name in header if row.get(name) is None)
    if not extra and not short:
        return
    cells = len(header) - short + (len(surplus) if isinstance(surplus, list) else 0)
    what = f"the row has {cells} cells and the header names {len(header)} columns"
    if lines[1] > lines[0]:
        raise InvalidValueError(
            f"{what}, and a quoted cell runs from line {lines[0]} to line {lines[1]}: is a closing quote missing?"
        )
    if extra:
        raise InvalidValueError(f"{what}; the cells {shown(extra)} are in no column: quote a cell that holds a comma")
    raise InvalidValueError(f"{what}: give every column its cell, an empty one for a missing value")


def _advice_json(advice: Advice) -> dict[str, Any]:
    return {
        "action": advice.action.value,
        "urgency": advice.urgency.value,
        "by": None if advice.by is None else advice.by.isoformat(),
        "text": advice.text,
        "rule_ids": list(advice.rule_ids),
        "rulebook": advice.rulebook,
    }


_Result = AliprotectError | tuple[str, tuple[Advice, ...]] | None
"""A checked row: its error, its order's id and the advice that needs action, or ``None``."""

LARGE = 20 << 20
"""A file this large (in bytes) is worth the columnar engine: say how to get it when it is missing."""


class NotYetPlaced(AliprotectError):
    """An order placed after ``--at``: not a bad row, an order that did not exist yet then."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id} was placed after --at")
        self.order_id = order_id


class Ledger:
    """The order ids of the rows read so far, to report an id that more than one row gives: which
    of two rows with one id is the order, the file does not say. Rows may be added out of order
    (the columnar engine adds a batch's plain rows first), and again after :meth:`resume_after`."""

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.again: list[tuple[int, str]] = []
        self.floor = 0

    def add(self, number: int, order_id: str) -> None:
        if number <= self.floor:
            return  # added before the reading resumed after this row
        if order_id in self.first:
            self.again.append((number, order_id))
        else:
            self.first[order_id] = number

    def resume_after(self, number: int) -> None:
        """The rows up to ``number`` are added: the reading starts over and adds them again."""
        self.floor = number

    def repeats(self) -> list[tuple[int, str, int]]:
        """Each row that repeats an earlier row's order id, with the id and the earliest row giving it."""
        rows: dict[str, list[int]] = {}
        for number, order_id in self.again:
            rows.setdefault(order_id, [self.first[order_id]]).append(number)
        found = []
        for order_id, numbers in rows.items():
            earliest, *others = sorted(numbers)
            found += [(number, order_id, earliest) for number in others]
        return sorted(found)


def _advise_with(
    at: pendulum.DateTime, role: Role, rules: Rulebook
) -> Callable[[Order, Tracking | None], tuple[Advice, ...]]:
    """The advice that needs action (more than information) for an order at ``at``."""

    def advise(order: Order, tracking: Tracking | None) -> tuple[Advice, ...]:
        if _days.key(order.placed_at) > _days.key(at):
            raise NotYetPlaced(order.id)
        advice = next_actions(order, at=at, role=role, rules=rules, tracking=tracking)
        return tuple(item for item in advice if item.urgency is not Urgency.INFO)

    return advise


def _scalar_results(
    source: Source,
    rules: Rulebook,
    advise: Callable[[Order, Tracking | None], tuple[Advice, ...]],
    ledger: Ledger,
    extra: Sequence[str] = (),
) -> Iterator[tuple[int, _Result]]:
    for number, row in order_rows(source, rules, extra):
        if isinstance(row, AliprotectError):
            yield number, row
            continue
        order, tracking = row
        ledger.add(number, order.id)
        try:
            advice = advise(order, tracking)
        except AliprotectError as error:
            yield number, error
            continue
        yield number, (order.id, advice) if advice else None


def fast_engine() -> Any:
    """The columnar ``check`` (the frames extra), or ``None`` when the extra is not installed."""
    try:
        import aliprotect._fast_check as fast  # the frames extra: imported only when check needs it
    except ImportError:
        return None
    return fast


def _aliexpress_results(
    source: Source,
    repeated_hour: Any,
    advise: Callable[[Order, Tracking | None], tuple[Advice, ...]],
    ledger: Ledger,
) -> Iterator[tuple[int, _Result]]:
    """Each AliExpress record of the file with its result. The records carry no tracking events, so
    the advice is given without tracking (a shipment's number alone says nothing of its progress)."""
    from aliprotect import _cli_aliexpress  # AliExpress's records: only for --aliexpress

    for number, found in _cli_aliexpress.orders(source, repeated_hour):
        if isinstance(found, AliprotectError):
            yield number, found
            continue
        ledger.add(number, found.order.id)
        try:
            advice = advise(found.order, None)
        except AliprotectError as error:
            yield number, error
            continue
        yield number, (found.order.id, advice) if advice else None


def _results(
    source: Source,
    at: pendulum.DateTime,
    role: Role,
    rules: Rulebook,
    err: TextIO,
    args: argparse.Namespace,
    ledger: Ledger,
) -> Iterator[tuple[int, _Result]]:
    """Each row of the file with its result: AliExpress's records one at a time; CSV and Parquet
    through the columnar engine when the frames extra is installed; else one order at a time."""
    advise = _advise_with(at, role, rules)
    if args.aliexpress:
        if source.format not in ("json", "jsonl"):
            raise InvalidValueError(
                f"{source}: AliExpress's records are read from a .json or .jsonl file; give --format json or "
                "--format jsonl"
            )
        return _aliexpress_results(source, args.repeated_hour, advise, ledger)
    if source.format in ("csv", "parquet"):
        fast = fast_engine()
        if fast is None and source.format == "parquet":
            raise InvalidValueError(
                f"{source}: reading Parquet needs the frames extra: pip install 'aliprotect[frames]'"
            )
        if fast is None:
            if _size(source) > LARGE:
                print(
                    "aliprotect: hint: pip install 'aliprotect[frames]' checks large files several times faster",
                    file=err,
                )
        elif source.format == "parquet":
            known = (*_KNOWN, "zone")
            _checked_header(source, fast.parquet_columns(source, known), args.extra, known=known)
            return fast.check_parquet(source, at=at, role=role, rules=rules, advise=advise, ledger=ledger)  # type: ignore[no-any-return]
        else:
            header, plain = _csv_header(source, args.extra)
            return fast.check_csv(  # type: ignore[no-any-return]
                source,
                header,
                at=at,
                role=role,
                rules=rules,
                order_from_row=_order_from_row,
                advise=advise,
                one_by_one=lambda: _scalar_results(source, rules, advise, ledger, args.extra),
                plain=plain,
                ledger=ledger,
            )
    return _scalar_results(source, rules, advise, ledger, args.extra)


def _size(source: Source) -> int:
    try:
        return pathlib.Path(source).stat().st_size
    except OSError:
        return 0


def check(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    rules = published(args.rulebook)
    at = parse_instant(args.at, field="--at")
    role = Role(args.role)
    with opened(args.file, args.format, args.stdin) as source:
        _check(source, at, role, rules, args, out, err)


def _check(
    source: Source,
    at: pendulum.DateTime,
    role: Role,
    rules: Rulebook,
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
) -> None:
    ledger = Ledger()
    results = _results(source, at, role, rules, err, args, ledger)  # may print a hint: before the bar shows
    progress = Progress(err, total=lambda: _rows_in(source), forced=args.progress, disabled=args.no_progress)
    stream = not args.json and args.sort is None  # each order as soon as it is known
    needing: list[tuple[str, tuple[Advice, ...]]] = []
    bad: list[tuple[int, str]] = []
    later: list[tuple[int, str]] = []  # orders placed after --at: they did not exist yet
    count = needs = 0
    try:
        for number, result in results:
            count = max(count, number)
            if isinstance(result, NotYetPlaced):
                later.append((number, result.order_id))
            elif isinstance(result, AliprotectError):
                bad.append((number, str(result)))
            elif result is not None:
                needs += 1
                if stream:
                    progress.print(_order_lines(*result), out)
                else:
                    needing.append(result)
            progress.update(count)
    finally:
        progress.close()
    needing.sort(key=lambda item: (min(_urgency_key(a) for a in item[1]), item[0]))
    repeats = ledger.repeats()
    where = places(
        source, [number for number, _ in (*bad, *later)] + [n for repeat in repeats for n in (repeat[0], repeat[2])]
    )
    line = {number: place.line for number, place in where.items()}
    if args.json:
        dump(
            {
                "at": at.isoformat(),
                "rulebook": rules.version,
                "fingerprint": rules.fingerprint,
                "checked": count,
                "orders": [{"order_id": oid, "advice": [_advice_json(a) for a in advice]} for oid, advice in needing],
                "not_yet_placed": [{"row": n, "line": line[n], "order_id": oid} for n, oid in later],
                "bad_rows": [{"row": n, "line": line[n], "error": reason} for n, reason in bad],
                "repeated_ids": [
                    {"row": n, "line": line[n], "order_id": oid, "first_row": first, "first_line": line[first]}
                    for n, oid, first in repeats
                ],
            },
            out,
        )
    else:
        for order_id, advice in needing:  # sorted: the file is read; else already printed
            print(_order_lines(order_id, advice), file=out)
        print(
            f"{needs} of {count - len(bad) - len(later)} orders need action at {at.isoformat()} "
            f"(rulebook {rules.version})",
            file=out,
        )
        if later:
            placed = ", ".join(f"{oid} ({where[number]})" for number, oid in later)
            print(one_line(f"{len(later)} orders were not yet placed at {at.isoformat()}: {placed}"), file=out)
    if report(source, bad, repeats, where, count, args.aliexpress, err, "; the other {what} were checked"):
        raise BadRows


def report(
    source: Source,
    bad: Sequence[tuple[int, str]],
    repeats: Sequence[tuple[int, str, int]],
    where: Mapping[int, Place],
    count: int,
    records: bool,
    err: TextIO,
    outcome: str,
    repeated: str = " (an order sent in several parcels: one row, shipped when the last parcel was sent)",
) -> bool:
    """Report the bad rows and the rows that repeat an order id on ``err``, each at its place in
    the file, then one line that counts them and says the ``outcome``; whether there were any."""
    for number, reason in bad:
        print(one_line(f"aliprotect: {source} {where[number]}: {reason}"), file=err)
    for number, order_id, first in repeats:
        print(
            one_line(
                f"aliprotect: {source} {where[number]}: order {order_id} is also at {where[first]}; give each order "
                f"once{repeated}"
            ),
            file=err,
        )
    if not (bad or repeats):
        return False
    what = "records" if records else "rows"
    problems = [f"{len(bad)} bad {what} of {count}"] if bad else []
    problems += [f"{len(repeats)} {what} repeat an order id"] if repeats else []
    print(f"aliprotect: error: {' and '.join(problems)}{outcome.format(what=what)}", file=err)
    return True


def _order_lines(order_id: str, advice: Sequence[Advice]) -> str:
    """An order that needs action and its advice, a line each."""
    lines = [one_line(f"order {order_id}")]
    for item in advice:
        by = "" if item.by is None else f" by {item.by.isoformat()}"
        lines.append(
            one_line(f"  {item.urgency.value:<11} {item.action.value}{by}: {item.text} [{', '.join(item.rule_ids)}]")
        )
    return "\n".join(lines)


def _rows_in(source: Source) -> int | None:
    """About how many rows the file has, for the progress bar: its lines, less the header of a
    CSV file; the rows of a Parquet file; ``None`` for a JSON array."""
    if source.format == "parquet":
        fast = fast_engine()
        return None if fast is None else fast.parquet_rows(source)
    if source.format == "json":
        return None
    lines = count_lines(source)
    return None if lines is None else max(lines - (source.format == "csv"), 0)


def _urgency_key(advice: Advice) -> tuple[int, float]:
    return (advice.urgency.rank, float("inf") if advice.by is None else advice.by.timestamp())
