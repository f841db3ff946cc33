"""The command line's ``check``: many orders from a file, and those that need action at an instant.

With the frames extra, CSV and Parquet files go through the columnar engine
(:mod:`aliprotect._fast_check`); otherwise, and for JSON files, one order at a time.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import pathlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TextIO

import pendulum

from aliprotect import _days
from aliprotect._advice import Advice, Role, Urgency, next_actions
from aliprotect._cli_common import (
    PROGRESS_EVERY,
    BadRows,
    closest,
    dump,
    encoding_of,
    extension,
    one_line,
    optional_instant,
    read,
    whole_number,
)
from aliprotect._cli_documents import order_from_data, value_from_data
from aliprotect._days import parse_instant
from aliprotect._model import Money, Order
from aliprotect._registry import rulebook
from aliprotect._rulebook import Rulebook
from aliprotect._tracking import Tracking
from aliprotect.errors import AliprotectError, InvalidValueError


def _order_from_row(row: Mapping[str, str | None], rules: Rulebook) -> Order:
    """An order from a CSV row; empty cells are missing values."""

    def cell(name: str) -> str | None:
        value = row.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    placed, days = cell("placed_at"), cell("protection_days")
    if placed is None:
        raise InvalidValueError("placed_at is empty; every order needs the instant it was placed")
    amount, currency = cell("amount"), cell("currency")
    if (amount is None) != (currency is None):
        raise InvalidValueError("amount and currency go together: give both or neither")
    return Order(
        id=cell("id") or "",
        placed_at=parse_instant(placed, field="placed_at"),
        shipped_at=optional_instant(cell("shipped_at"), "shipped_at"),
        received_at=optional_instant(cell("received_at"), "received_at"),
        delivered_at=optional_instant(cell("delivered_at"), "delivered_at"),
        protection_days=rules.number("protection.period", "default")
        if days is None
        else whole_number(days, "protection_days"),
        extensions=tuple(extension(text, "extensions") for text in (cell("extensions") or "").split(";") if text),
        amount=None if amount is None or currency is None else Money(amount, currency),
        carrier=cell("carrier"),
        promised_days=None
        if cell("promised_days") is None
        else whole_number(cell("promised_days") or "", "promised_days"),
    )


_Row = tuple[Order, Tracking | None]


_CSV_COLUMNS = (
    "id, placed_at, shipped_at, received_at, delivered_at, protection_days, extensions, amount, currency, carrier, "
    "promised_days"
)


_KNOWN = tuple(name.strip() for name in _CSV_COLUMNS.split(","))


def _checked_header(
    path: str, names: Sequence[str] | None, extra: Sequence[str] = (), known: Sequence[str] = _KNOWN
) -> list[str]:
    """The header row's names: it must name placed_at, and every other column must be one check reads
    or one the user marks as their own (``--extra``), so that no column is silently ignored."""
    if names is None or "placed_at" not in names:
        raise InvalidValueError(
            f"{path} must be a CSV file with a header row naming at least placed_at (columns: {_CSV_COLUMNS})"
        )
    for name in names:
        if name in known or name in extra:
            continue
        close = closest(name, known)
        hint = f"; did you mean {close!r}? rename it" if close else ""
        raise InvalidValueError(
            f"{path}: the column {name!r} is not one check reads{hint}, or pass --extra {name!r} if it is one "
            f"of your own (columns check reads: {', '.join(known)})"
        )
    return list(names)


def _csv_header(path: str, extra: Sequence[str] = ()) -> tuple[list[str], bool]:
    """The names of the CSV file's header row, checked, and whether the file is plain UTF-8 (no
    byte-order mark), which the columnar engine reads as it is."""
    encoding, mark = encoding_of(path)
    limit = csv.field_size_limit(_LONGEST_CELL)
    try:
        with open(path, encoding="utf-8-sig" if encoding == "utf-8" else "utf-16", newline="") as source:
            return _checked_header(path, next(csv.reader(source), None), extra), encoding == "utf-8" and not mark
    except OSError as error:
        raise InvalidValueError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        read(path)  # says which byte of the file cannot be read
        raise
    finally:
        csv.field_size_limit(limit)


def _json_items(path: str, text: str) -> list[object]:
    """The orders of a JSON file (an array) or a JSON Lines file (one object per line)."""
    if path.lower().endswith(".jsonl"):
        items: list[object] = []
        for line_number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except (ValueError, RecursionError) as error:  # JSONDecodeError, and integers too long to read
                raise InvalidValueError(f"{path} line {line_number} is not JSON: {error}") from None
        return items
    try:
        loaded = json.loads(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, and integers too long to read
        raise InvalidValueError(f"{path} is not JSON: {error}") from None
    if not isinstance(loaded, list):
        raise InvalidValueError(f"{path} must hold a JSON array of orders")
    return loaded


def _rows(path: str, rules: Rulebook, extra: Sequence[str] = ()) -> Iterator[tuple[int, _Row | AliprotectError]]:
    """Each row of a CSV, JSON or JSON Lines file of orders, numbered from 1, as an order (with its
    tracking, which a JSON row may carry under the key ``tracking``) or the error it gives."""
    text = read(path)
    if path.lower().endswith((".json", ".jsonl")):
        for number, item in enumerate(_json_items(path, text), start=1):
            try:
                fields = dict(item) if isinstance(item, Mapping) else item
                raw = fields.pop("tracking", None) if isinstance(fields, dict) else None
                tracking = None if raw is None else value_from_data(raw, Tracking, label="tracking")
                yield number, (order_from_data(fields, rules), tracking)
            except AliprotectError as error:
                yield number, error
        return
    # a cell may be as long as the columnar engine reads it (Python's csv stops at 131,072 characters)
    limit = csv.field_size_limit(_LONGEST_CELL)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        _checked_header(path, reader.fieldnames, extra)
        for number, row in enumerate(reader, start=1):
            try:
                yield number, (_order_from_row(row, rules), None)
            except AliprotectError as error:
                yield number, error
    finally:
        csv.field_size_limit(limit)


_LONGEST_CELL = 1 << 30


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
    path: str,
    rules: Rulebook,
    advise: Callable[[Order, Tracking | None], tuple[Advice, ...]],
    extra: Sequence[str] = (),
) -> Iterator[tuple[int, _Result]]:
    for number, row in _rows(path, rules, extra):
        if isinstance(row, AliprotectError):
            yield number, row
            continue
        order, tracking = row
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
    path: str, repeated_hour: Any, advise: Callable[[Order, Tracking | None], tuple[Advice, ...]]
) -> Iterator[tuple[int, _Result]]:
    """Each AliExpress record of the file with its result. The records carry no tracking events, so
    the advice is given without tracking (a shipment's number alone says nothing of its progress)."""
    from aliprotect import _cli_aliexpress  # AliExpress's records: only for --aliexpress

    for number, found in _cli_aliexpress.orders(path, repeated_hour):
        if isinstance(found, AliprotectError):
            yield number, found
            continue
        try:
            advice = advise(found.order, None)
        except AliprotectError as error:
            yield number, error
            continue
        yield number, (found.order.id, advice) if advice else None


def _results(
    path: str, at: pendulum.DateTime, role: Role, rules: Rulebook, err: TextIO, args: argparse.Namespace
) -> Iterator[tuple[int, _Result]]:
    """Each row of the file with its result: AliExpress's records one at a time; CSV and Parquet
    through the columnar engine when the frames extra is installed; else one order at a time."""
    advise = _advise_with(at, role, rules)
    if args.aliexpress:
        if not path.lower().endswith((".json", ".jsonl")):
            raise InvalidValueError(f"{path}: AliExpress's records are read from a .json or .jsonl file")
        return _aliexpress_results(path, args.repeated_hour, advise)
    suffix = pathlib.Path(path).suffix.lower()
    if suffix in {".csv", ".parquet"}:
        fast = fast_engine()
        if fast is None and suffix == ".parquet":
            raise InvalidValueError(f"{path}: reading Parquet needs the frames extra: pip install 'aliprotect[frames]'")
        if fast is None:
            if _size(path) > LARGE:
                print(
                    "aliprotect: hint: pip install 'aliprotect[frames]' checks large files several times faster",
                    file=err,
                )
        elif suffix == ".parquet":
            known = (*_KNOWN, "zone")
            _checked_header(path, fast.parquet_columns(path, known), args.extra, known=known)
            return fast.check_parquet(path, at=at, role=role, rules=rules, advise=advise)  # type: ignore[no-any-return]
        else:
            header, plain = _csv_header(path, args.extra)
            return fast.check_csv(  # type: ignore[no-any-return]
                path,
                header,
                at=at,
                role=role,
                rules=rules,
                order_from_row=_order_from_row,
                advise=advise,
                one_by_one=lambda: _scalar_results(path, rules, advise, args.extra),
                plain=plain,
            )
    return _scalar_results(path, rules, advise, args.extra)


def _size(path: str) -> int:
    try:
        return pathlib.Path(path).stat().st_size
    except OSError:
        return 0


def check(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    rules = rulebook(args.rulebook)
    at = parse_instant(args.at, field="--at")
    role = Role(args.role)
    show_progress = args.progress or err.isatty()
    needing: list[tuple[str, tuple[Advice, ...]]] = []
    bad: list[tuple[int, str]] = []
    later: list[tuple[int, str]] = []  # orders placed after --at: they did not exist yet
    count = shown = 0
    for number, result in _results(args.file, at, role, rules, err, args):
        count = max(count, number)
        if isinstance(result, NotYetPlaced):
            later.append((number, result.order_id))
        elif isinstance(result, AliprotectError):
            bad.append((number, str(result)))
        elif result is not None:
            needing.append(result)
        if show_progress and count - shown >= PROGRESS_EVERY:
            shown = count
            print(f"\rchecked {count} orders", end="", file=err, flush=True)
    if show_progress:
        print(f"\rchecked {count} orders", file=err)
    needing.sort(key=lambda item: (min(_urgency_key(a) for a in item[1]), item[0]))
    if args.json:
        dump(
            {
                "at": at.isoformat(),
                "rulebook": rules.version,
                "fingerprint": rules.fingerprint,
                "checked": count,
                "orders": [{"order_id": oid, "advice": [_advice_json(a) for a in advice]} for oid, advice in needing],
                "not_yet_placed": [{"row": number, "order_id": oid} for number, oid in later],
                "bad_rows": [{"row": number, "error": reason} for number, reason in bad],
            },
            out,
        )
    else:
        print(
            f"{len(needing)} of {count - len(bad) - len(later)} orders need action at {at.isoformat()} "
            f"(rulebook {rules.version})",
            file=out,
        )
        for order_id, advice in needing:
            print(f"order {order_id}", file=out)
            for item in advice:
                by = "" if item.by is None else f" by {item.by.isoformat()}"
                print(
                    f"  {item.urgency.value:<11} {item.action.value}{by}: {item.text} [{', '.join(item.rule_ids)}]",
                    file=out,
                )
        if later:
            what = "record" if args.aliexpress else "row"
            placed = ", ".join(f"{oid} ({what} {number})" for number, oid in later)
            print(one_line(f"{len(later)} orders were not yet placed at {at.isoformat()}: {placed}"), file=out)
    for number, reason in bad:
        print(one_line(f"aliprotect: {'record' if args.aliexpress else 'row'} {number}: {reason}"), file=err)
    if bad:
        what = "records" if args.aliexpress else "rows"
        print(f"aliprotect: error: {len(bad)} bad {what} of {count}; the other {what} were checked", file=err)
        raise BadRows


def _urgency_key(advice: Advice) -> tuple[int, float]:
    return (advice.urgency.rank, float("inf") if advice.by is None else advice.by.timestamp())
