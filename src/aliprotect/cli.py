"""The ``aliprotect`` command line: a thin shell over the library.

    aliprotect timeline --placed 2025-03-01T10:00:00+08:00 --shipped 2025-03-03T09:00:00+08:00 [--json]
    aliprotect timeline --file order.json
    aliprotect rules [--rulebook VERSION] [--json]
    aliprotect rulebooks [--json]
    aliprotect check orders.csv --at 2025-04-25T09:00:00+02:00 [--role dropshipper] [--json]

This is the only part of aliprotect that reads files and the clock-free ``--at`` it is
given. Bad input prints one line, ``aliprotect: error: ...``, on standard error and exits
with status 2, with no traceback. ``check`` reports each bad row with its number and
reason, still checks the good rows, and exits with status 2 when any row was bad.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pathlib
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TextIO, TypeVar

import pendulum

from aliprotect._advice import Advice, Role, Urgency, next_actions
from aliprotect._answers import Timeline
from aliprotect._days import parse_instant
from aliprotect._documents import SCHEMA_VERSION, from_data
from aliprotect._model import Extension, Money, Order
from aliprotect._registry import rulebook, rulebooks
from aliprotect._rulebook import Rulebook
from aliprotect._timeline import timeline
from aliprotect._tracking import Tracking
from aliprotect.display import number_text
from aliprotect.errors import AliprotectError, InvalidValueError

__all__ = ["main"]

EXIT_OK = 0
EXIT_BROKEN_PIPE = 1
EXIT_BAD_INPUT = 2
_PROGRESS_EVERY = 1000


class _BadRows(Exception):
    """Raised after ``check`` has reported its bad rows, to exit with status 2."""


# --- reading input --------------------------------------------------------------------------


def _whole_number(text: str, option: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise InvalidValueError(f"{option} {text!r} must be a whole number of days, like 60") from None


def _extension(text: str, option: str = "--extension") -> Extension:
    days, separator, instant = text.strip().partition("@")
    if not separator:
        raise InvalidValueError(f"{option} {text!r} must be DAYS@INSTANT, like 15@2025-04-20T10:00:00+08:00")
    return Extension(granted_at=parse_instant(instant, field=option), days=_whole_number(days, option))


def _optional_instant(text: str | None, field: str) -> Any:
    return None if text is None or not text.strip() else parse_instant(text, field=field)


def _order_from_options(args: argparse.Namespace, rules: Rulebook) -> Order:
    days = (
        rules.number("protection.period", "default")
        if args.protection_days is None
        else _whole_number(args.protection_days, "--protection-days")
    )
    return Order(
        id=args.id,
        placed_at=parse_instant(args.placed, field="--placed"),
        shipped_at=_optional_instant(args.shipped, "--shipped"),
        received_at=_optional_instant(args.received, "--received"),
        delivered_at=_optional_instant(args.delivered, "--delivered"),
        protection_days=days,
        extensions=tuple(_extension(text) for text in args.extension),
        carrier=args.carrier,
        promised_days=None if args.promised_days is None else _whole_number(args.promised_days, "--promised-days"),
    )


_Value = TypeVar("_Value", Order, Tracking)


def _value_from_data(
    data: object, kind: type[_Value], *, label: str, defaults: Callable[[], Mapping[str, object]] = dict
) -> _Value:
    """A ``kind`` from JSON: an aliprotect document, or a plain object of its fields, completed
    by ``defaults()``. ``label`` starts the error messages."""
    if isinstance(data, Mapping) and "aliprotect" in data:
        value = from_data(data)
    elif isinstance(data, Mapping):
        value = from_data({"aliprotect": SCHEMA_VERSION, "type": kind.__name__, "value": {**defaults(), **data}})
    else:
        raise InvalidValueError(f"{label} is a JSON object of its fields, not {type(data).__name__}")
    if not isinstance(value, kind):
        raise InvalidValueError(f"{label}: the document holds a {type(value).__name__}, not {_a(kind.__name__)}")
    return value


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "AEIOU" else f"a {noun}"


def _order_from_data(data: object, rules: Rulebook) -> Order:
    """An order from JSON; a plain object without protection_days gets the rulebook's default."""
    return _value_from_data(
        data,
        Order,
        label="an order",
        defaults=lambda: {"protection_days": rules.number("protection.period", "default")},
    )


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
        shipped_at=_optional_instant(cell("shipped_at"), "shipped_at"),
        received_at=_optional_instant(cell("received_at"), "received_at"),
        delivered_at=_optional_instant(cell("delivered_at"), "delivered_at"),
        protection_days=rules.number("protection.period", "default")
        if days is None
        else _whole_number(days, "protection_days"),
        extensions=tuple(_extension(text, "extensions") for text in (cell("extensions") or "").split(";") if text),
        amount=None if amount is None or currency is None else Money(amount, currency),
        carrier=cell("carrier"),
        promised_days=None
        if cell("promised_days") is None
        else _whole_number(cell("promised_days") or "", "promised_days"),
    )


def _read(path: str) -> str:
    try:
        return pathlib.Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidValueError(f"cannot read {path}: {error.strerror or error}") from None


_Row = tuple[Order, Tracking | None]


_CSV_COLUMNS = (
    "id, placed_at, shipped_at, received_at, delivered_at, protection_days, extensions, amount, currency, carrier, "
    "promised_days"
)


def _checked_header(path: str, names: Sequence[str] | None) -> list[str]:
    if names is None or "placed_at" not in names:
        raise InvalidValueError(
            f"{path} must be a CSV file with a header row naming at least placed_at (columns: {_CSV_COLUMNS})"
        )
    return list(names)


def _csv_header(path: str) -> list[str]:
    """The names of the CSV file's header row, which must name placed_at."""
    try:
        with open(path, encoding="utf-8", newline="") as source:
            return _checked_header(path, next(csv.reader(source), None))
    except OSError as error:
        raise InvalidValueError(f"cannot read {path}: {error.strerror or error}") from None


def _json_items(path: str, text: str) -> list[object]:
    """The orders of a JSON file (an array) or a JSON Lines file (one object per line)."""
    if path.lower().endswith(".jsonl"):
        items: list[object] = []
        for line_number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise InvalidValueError(f"{path} line {line_number} is not JSON: {error}") from None
        return items
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidValueError(f"{path} is not JSON: {error}") from None
    if not isinstance(loaded, list):
        raise InvalidValueError(f"{path} must hold a JSON array of orders")
    return loaded


def _rows(path: str, rules: Rulebook) -> Iterator[tuple[int, _Row | AliprotectError]]:
    """Each row of a CSV, JSON or JSON Lines file of orders, numbered from 1, as an order (with its
    tracking, which a JSON row may carry under the key ``tracking``) or the error it gives."""
    text = _read(path)
    if path.lower().endswith((".json", ".jsonl")):
        for number, item in enumerate(_json_items(path, text), start=1):
            try:
                fields = dict(item) if isinstance(item, Mapping) else item
                raw = fields.pop("tracking", None) if isinstance(fields, dict) else None
                tracking = None if raw is None else _value_from_data(raw, Tracking, label="tracking")
                yield number, (_order_from_data(fields, rules), tracking)
            except AliprotectError as error:
                yield number, error
        return
    reader = csv.DictReader(text.splitlines())
    _checked_header(path, reader.fieldnames)
    for number, row in enumerate(reader, start=1):
        try:
            yield number, (_order_from_row(row, rules), None)
        except AliprotectError as error:
            yield number, error


# --- output ----------------------------------------------------------------------------------


def _advice_json(advice: Advice) -> dict[str, Any]:
    return {
        "action": advice.action.value,
        "urgency": advice.urgency.value,
        "by": None if advice.by is None else advice.by.isoformat(),
        "text": advice.text,
        "rule_ids": list(advice.rule_ids),
        "rulebook": advice.rulebook,
    }


def _timeline_json(result: Timeline) -> dict[str, Any]:
    """The timeline as plain JSON data: instants as ISO 8601 text with their offsets."""
    return {
        "order_id": result.order_id,
        "rulebook": result.rulebook,
        "fingerprint": result.fingerprint,
        "deadlines": [
            {
                "name": deadline.name,
                "at": deadline.at.isoformat(),
                "description": deadline.description,
                "rule_ids": list(deadline.rule_ids),
                "rulebook": deadline.rulebook,
            }
            for deadline in result.deadlines
        ],
    }


def _print_timeline(result: Timeline, out: TextIO) -> None:
    print(f"order {result.order_id} · rulebook {result.rulebook}", file=out)
    if not result.deadlines:
        print(
            "not shipped yet: no protection timer and no dispute window; the order can be "
            "cancelled with the seller's agreement (cancel.before_shipment)",
            file=out,
        )
    width = max((len(deadline.name) for deadline in result.deadlines), default=0)
    for deadline in result.deadlines:
        print(
            f"{deadline.at.isoformat()}  {deadline.name:<{width}}  {deadline.description}"
            f"  [{', '.join(deadline.rule_ids)}]",
            file=out,
        )


def _dump(data: object, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    print(file=out)


# --- commands --------------------------------------------------------------------------------


def _timeline(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    rules = rulebook(args.rulebook)
    if args.file is not None:
        if args.placed is not None:
            raise InvalidValueError("give the order either with --file or with --placed and the other options")
        try:
            data = json.loads(_read(args.file))
        except json.JSONDecodeError as error:
            raise InvalidValueError(f"{args.file} is not JSON: {error}") from None
        order = _order_from_data(data, rules)
    elif args.placed is None:
        raise InvalidValueError("give the order with --placed (and --shipped, ...) or with --file ORDER.json")
    else:
        order = _order_from_options(args, rules)
    result = timeline(order, rules=rules)
    if args.json:
        _dump(_timeline_json(result), out)
    else:
        _print_timeline(result, out)


def _rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    book = rulebook(args.rulebook)
    if args.json:
        _dump(json.loads(book.document), out)
        return
    print(f"rulebook {book.version}: {book.title} · {book.fingerprint}", file=out)
    for rule in book.rules.values():
        numbers = ", ".join(f"{name}={number_text(q)} {q.unit.value}" for name, q in rule.quantities.items())
        print(f"{rule.id}{'  ' + numbers if numbers else ''}", file=out)
        print(f"    {rule.summary}", file=out)
        print(f"    sources: {', '.join(str(c) for c in rule.citations)}", file=out)
    if book.not_stated:
        print(f"not stated by its sources: {', '.join(book.not_stated)}", file=out)
    if book.conflicts:
        print("where the sources disagree:", file=out)
    for conflict in book.conflicts:
        print(f"  {conflict.topic}: {conflict.follows}", file=out)


def _date(book: Rulebook) -> str | None:
    return None if book.in_force_from is None else book.in_force_from.isoformat()


def _rulebooks(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    books = rulebooks()
    if args.json:
        _dump(
            [
                {
                    "version": book.version,
                    "title": book.title,
                    "in_force_from": _date(book),
                    "in_force_certainty": book.in_force_certainty.value,
                    "published": book.published.isoformat(),
                    "fingerprint": book.fingerprint,
                }
                for book in books
            ],
            out,
        )
        return
    for book in books:
        print(
            f"{book.version}  in force from {_date(book) or 'an unknown date'} ({book.in_force_certainty.value})  "
            f"{book.fingerprint}  {book.title}",
            file=out,
        )


_Result = AliprotectError | tuple[str, tuple[Advice, ...]] | None
"""A checked row: its error, its order's id and the advice that needs action, or ``None``."""

_LARGE = 20 << 20
"""A file this large (in bytes) is worth the columnar engine: say how to get it when it is missing."""


def _advise_with(
    at: pendulum.DateTime, role: Role, rules: Rulebook
) -> Callable[[Order, Tracking | None], tuple[Advice, ...]]:
    """The advice that needs action (more than information) for an order at ``at``."""

    def advise(order: Order, tracking: Tracking | None) -> tuple[Advice, ...]:
        advice = next_actions(order, at=at, role=role, rules=rules, tracking=tracking)
        return tuple(item for item in advice if item.urgency is not Urgency.INFO)

    return advise


def _scalar_results(
    path: str, rules: Rulebook, advise: Callable[[Order, Tracking | None], tuple[Advice, ...]]
) -> Iterator[tuple[int, _Result]]:
    for number, row in _rows(path, rules):
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


def _fast_engine() -> Any:
    """The columnar ``check`` (the frames extra), or ``None`` when the extra is not installed."""
    try:
        import aliprotect._fast_check as fast  # the frames extra: imported only when check needs it
    except ImportError:
        return None
    return fast


def _results(
    path: str, at: pendulum.DateTime, role: Role, rules: Rulebook, err: TextIO
) -> Iterator[tuple[int, _Result]]:
    """Each row of the file with its result: through the columnar engine for CSV and Parquet when the
    frames extra is installed, else one order at a time."""
    advise = _advise_with(at, role, rules)
    suffix = pathlib.Path(path).suffix.lower()
    if suffix in {".csv", ".parquet"}:
        fast = _fast_engine()
        if fast is None and suffix == ".parquet":
            raise InvalidValueError(f"{path}: reading Parquet needs the frames extra: pip install 'aliprotect[frames]'")
        if fast is None:
            if _size(path) > _LARGE:
                print(
                    "aliprotect: hint: pip install 'aliprotect[frames]' checks large files several times faster",
                    file=err,
                )
        elif suffix == ".parquet":
            return fast.check_parquet(path, at=at, role=role, rules=rules, advise=advise)  # type: ignore[no-any-return]
        else:
            header = _csv_header(path)
            return fast.check_csv(  # type: ignore[no-any-return]
                path, header, at=at, role=role, rules=rules, order_from_row=_order_from_row, advise=advise
            )
    return _scalar_results(path, rules, advise)


def _size(path: str) -> int:
    try:
        return pathlib.Path(path).stat().st_size
    except OSError:
        return 0


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    rules = rulebook(args.rulebook)
    at = parse_instant(args.at, field="--at")
    role = Role(args.role)
    show_progress = args.progress or err.isatty()
    needing: list[tuple[str, tuple[Advice, ...]]] = []
    bad: list[tuple[int, str]] = []
    count = shown = 0
    for number, result in _results(args.file, at, role, rules, err):
        count = max(count, number)
        if isinstance(result, AliprotectError):
            bad.append((number, str(result)))
        elif result is not None:
            needing.append(result)
        if show_progress and count - shown >= _PROGRESS_EVERY:
            shown = count
            print(f"\rchecked {count} orders", end="", file=err, flush=True)
    if show_progress:
        print(f"\rchecked {count} orders", file=err)
    needing.sort(key=lambda item: (min(_urgency_key(a) for a in item[1]), item[0]))
    if args.json:
        _dump(
            {
                "at": at.isoformat(),
                "rulebook": rules.version,
                "fingerprint": rules.fingerprint,
                "checked": count,
                "orders": [{"order_id": oid, "advice": [_advice_json(a) for a in advice]} for oid, advice in needing],
                "bad_rows": [{"row": number, "error": reason} for number, reason in bad],
            },
            out,
        )
    else:
        print(
            f"{len(needing)} of {count - len(bad)} orders need action at {at.isoformat()} (rulebook {rules.version})",
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
    for number, reason in bad:
        print(f"aliprotect: row {number}: {reason}", file=err)
    if bad:
        print(f"aliprotect: error: {len(bad)} bad rows of {count}; the other rows were checked", file=err)
        raise _BadRows


def _urgency_key(advice: Advice) -> tuple[int, float]:
    return (advice.urgency.rank, float("inf") if advice.by is None else advice.by.timestamp())


# --- the parser ------------------------------------------------------------------------------


def _version() -> str:
    try:
        return version("aliprotect")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aliprotect",
        description="AliExpress buyer-protection rules: deadlines, windows and advice with their sources.",
        epilog="Instants are ISO 8601 with an offset (2025-03-01T10:00:00+08:00) or a zone "
        "(2025-03-01T10:00:00[Asia/Shanghai]); one without either is refused.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    show = commands.add_parser(
        "timeline",
        help="print an order's deadlines in time order, with their rule ids",
        description="Print an order's deadlines in time order, each with its rule ids and the rulebook.",
    )
    show.set_defaults(run=_timeline)
    show.add_argument("--file", metavar="ORDER.json", help="read the order from a JSON file instead")
    show.add_argument("--id", default="unnamed", help="the order number shown in the output")
    show.add_argument("--placed", metavar="INSTANT", help="when the order was placed")
    show.add_argument("--shipped", metavar="INSTANT", help="when the seller shipped it")
    show.add_argument("--received", metavar="INSTANT", help="when the buyer confirmed receipt")
    show.add_argument("--delivered", metavar="INSTANT", help="when the tracking showed the parcel delivered")
    show.add_argument(
        "--protection-days",
        metavar="DAYS",
        help="length of the protection timer (default: the rulebook's protection.period default)",
    )
    show.add_argument("--carrier", help="the carrier (needed by rulebooks whose windows depend on it)")
    show.add_argument("--promised-days", metavar="DAYS", help="the seller's promised delivery time in days")
    show.add_argument(
        "--extension",
        action="append",
        default=[],
        metavar="DAYS@INSTANT",
        help="an extension the seller granted, e.g. 15@2025-04-20T10:00:00+08:00; repeat for several",
    )

    rules_command = commands.add_parser("rules", help="print the rules with their numbers and sources")
    rules_command.set_defaults(run=_rules)

    books = commands.add_parser("rulebooks", help="list the published rulebooks with their dates and fingerprints")
    books.set_defaults(run=_rulebooks)

    check = commands.add_parser(
        "check",
        help="check many orders from a CSV, JSON, JSON Lines or Parquet file and print those that need action",
        description="Check many orders and print the ones that need action, most urgent first. A CSV file has "
        "a header row with the columns id, placed_at, shipped_at, received_at, delivered_at, protection_days, "
        "extensions (DAYS@INSTANT;...), amount, currency, carrier, promised_days; a JSON file holds an array of "
        "orders, a JSON Lines file one order per line; a Parquet file (with the frames extra) typed columns.",
    )
    check.set_defaults(run=_check)
    check.add_argument("file", metavar="FILE", help="a .csv, .json, .jsonl or .parquet file of orders")
    check.add_argument("--at", required=True, metavar="INSTANT", help="the instant to check at")
    check.add_argument("--role", choices=[role.value for role in Role], default=Role.BUYER.value)
    check.add_argument("--progress", action="store_true", help="show progress on standard error")

    for command in (show, rules_command, check):
        command.add_argument("--rulebook", metavar="VERSION", help="a published rulebook version (default: latest)")
    for command in (show, rules_command, books, check):
        command.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

    Returns 0 on success and 2 on bad input, after printing the error's message.
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    args = _parser().parse_args(argv)
    try:
        args.run(args, out, err)
    except _BadRows:
        return EXIT_BAD_INPUT
    except AliprotectError as error:
        print(f"aliprotect: error: {error}", file=err)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # the reader went away (``aliprotect rules | head``): stop quietly, as other tools do
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return EXIT_OK
