"""The ``aliprotect`` command line: a thin shell over the library.

    aliprotect timeline --placed 2025-03-01T10:00:00+08:00 \\
        --shipped 2025-03-03T09:00:00+08:00 --protection-days 60 [--json]

Bad input prints one line, ``aliprotect: error: ...``, on standard error and exits
with status 2; there is no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TextIO

from aliprotect._days import parse_instant
from aliprotect.errors import AliprotectError, InvalidValueError
from aliprotect.model import Extension, Order
from aliprotect.rulebook import Rulebook, rulebook
from aliprotect.timeline import Timeline, timeline

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _whole_number(text: str, option: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise InvalidValueError(f"{option} {text!r} must be a whole number of days, like 60") from None


def _extension(text: str) -> Extension:
    days, separator, instant = text.partition("@")
    if not separator:
        raise InvalidValueError(f"--extension {text!r} must be DAYS@INSTANT, like 15@2025-04-20T10:00:00+08:00")
    return Extension(granted_at=parse_instant(instant, field="--extension"), days=_whole_number(days, "--extension"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aliprotect",
        description="AliExpress buyer-protection rules: deadlines and windows with their sources.",
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
    show.add_argument("--id", default="unnamed", help="the order number shown in the output")
    show.add_argument("--placed", required=True, metavar="INSTANT", help="when the order was placed")
    show.add_argument("--shipped", metavar="INSTANT", help="when the seller shipped it")
    show.add_argument("--received", metavar="INSTANT", help="when the buyer confirmed receipt")
    show.add_argument(
        "--protection-days",
        metavar="DAYS",
        help="length of the protection timer (default: the rulebook's protection.period default)",
    )
    show.add_argument(
        "--extension",
        action="append",
        default=[],
        metavar="DAYS@INSTANT",
        help="an extension the seller granted, e.g. 15@2025-04-20T10:00:00+08:00; repeat for several",
    )
    show.add_argument("--rulebook", metavar="VERSION", help="a published rulebook version (default: latest)")
    show.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def _version() -> str:
    try:
        return version("aliprotect")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _order(args: argparse.Namespace, rules: Rulebook) -> Order:
    days = (
        rules.quantity("protection.period", "default").value
        if args.protection_days is None
        else _whole_number(args.protection_days, "--protection-days")
    )
    return Order(
        id=args.id,
        placed_at=parse_instant(args.placed, field="--placed"),
        shipped_at=None if args.shipped is None else parse_instant(args.shipped, field="--shipped"),
        received_at=None if args.received is None else parse_instant(args.received, field="--received"),
        protection_days=days,
        extensions=tuple(_extension(text) for text in args.extension),
    )


def _timeline_json(result: Timeline) -> dict[str, Any]:
    """The timeline as plain JSON data: instants as ISO 8601 text with their offsets."""
    return {
        "order_id": result.order_id,
        "rulebook": result.rulebook,
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


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

    Returns 0 on success and 2 on bad input, after printing the error's message.
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    args = _parser().parse_args(argv)
    try:
        rules = rulebook(args.rulebook)
        result = timeline(_order(args, rules), rules=rules)
    except AliprotectError as error:
        print(f"aliprotect: error: {error}", file=err)
        return EXIT_BAD_INPUT
    if args.json:
        json.dump(_timeline_json(result), out, indent=2, ensure_ascii=False)
        print(file=out)
    else:
        _print_timeline(result, out)
    return EXIT_OK
