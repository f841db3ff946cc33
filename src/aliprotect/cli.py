"""The ``aliprotect`` command line: a thin shell over the library.

    aliprotect timeline --placed 2025-03-01T10:00:00+08:00 --shipped 2025-03-03T09:00:00+08:00 [--json]
    aliprotect timeline --file order.json
    aliprotect rules [--rulebook VERSION] [--json]
    aliprotect rulebooks [--json]
    aliprotect check orders.csv --at 2025-04-25T09:00:00+02:00 [--role dropshipper] [--json]
    aliprotect calendar orders.csv --at 2025-04-25T09:00:00+02:00 -o deadlines.ics [--alarm HOURS]
    aliprotect completion bash

This is the only part of aliprotect that reads files and the clock-free ``--at`` it is
given. Bad input prints one line, ``aliprotect: error: ...``, on standard error and exits
with status 2, with no traceback. ``check`` reports each bad row with its number and
reason, still checks the good rows, and exits with status 2 when any row was bad.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence
from typing import IO, Any, TextIO

from aliprotect import _checks
from aliprotect._answers import Timeline
from aliprotect._cli_common import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PIPE,
    EXIT_OK,
    FORMATS,
    BadRows,
    dump,
    extension,
    one_line,
    opened,
    optional_instant,
    read,
    whole_number,
)
from aliprotect._days import parse_instant
from aliprotect._model import Order
from aliprotect._registry import SUPERSEDED, published
from aliprotect._rulebook import Rulebook
from aliprotect._shown import shown
from aliprotect._timeline import timeline
from aliprotect.errors import AliprotectError, InvalidValueError, MissingExtraError

__all__ = ["main"]

ROLES = ("buyer", "dropshipper")
"""The values of :class:`aliprotect.Role`, written here so that the parser does not import the advice
(a test checks that they agree)."""


# --- the commands: each imports what it needs when it runs, so that each starts fast --------


def _order_from_options(args: argparse.Namespace, rules: Rulebook) -> Order:
    days = (
        rules.number("protection.period", "default")
        if args.protection_days is None
        else whole_number(args.protection_days, "--protection-days")
    )
    return Order(
        id=args.id,
        placed_at=parse_instant(args.placed, field="--placed"),
        shipped_at=optional_instant(args.shipped, "--shipped"),
        received_at=optional_instant(args.received, "--received"),
        delivered_at=optional_instant(args.delivered, "--delivered"),
        protection_days=days,
        extensions=tuple(extension(text) for text in args.extension),
        carrier=args.carrier,
        promised_days=None if args.promised_days is None else whole_number(args.promised_days, "--promised-days"),
    )


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


def _timeline(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    rules = published(args.rulebook)
    if args.file is not None:
        from aliprotect import _cli_documents  # JSON documents: only for --file

        if args.placed is not None:
            raise InvalidValueError("give the order either with --file or with --placed and the other options")
        with opened(args.file, "json", args.stdin) as source:
            text = read(source)
            try:
                data, repeats = _checks.json_loads(text)
            except (ValueError, RecursionError) as error:  # JSONDecodeError, and integers too long to read
                raise InvalidValueError(f"{source} is not JSON: {error}") from None
            if repeats:
                raise InvalidValueError(f"{source}: {_checks.once(str(_checks.repeated_field(data)))}")
        order = _cli_documents.order_from_data(data, rules)
    elif args.placed is None:
        raise InvalidValueError("give the order with --placed (and --shipped, ...) or with --file ORDER.json")
    else:
        order = _order_from_options(args, rules)
    result = timeline(order, rules=rules)
    if args.json:
        dump(_timeline_json(result), out)
    else:
        _print_timeline(result, out)


def _rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from aliprotect import _cli_rules  # the display of numbers

    _cli_rules.show_rules(args, out, err)


def _rulebooks(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from aliprotect import _cli_rules

    _cli_rules.show_rulebooks(args, out, err)


def _reconcile(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from aliprotect import _cli_aliexpress  # AliExpress's records

    _cli_aliexpress.reconcile(args, out, err)


def _calendar(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from aliprotect import _cli_ical  # the icalendar library (the calendar extra)

    _cli_ical.calendar(args, out, err)


def _completion(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    try:
        import shtab  # the cli extra: generates the script from this parser
    except ImportError:
        raise MissingExtraError("completion needs the cli extra: pip install 'aliprotect[cli]'") from None
    print(shtab.complete(_parser(), shell=args.shell), file=out)


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from aliprotect import _cli_check  # the advice, the documents and, with the frames extra, the columnar engine

    _cli_check.check(args, out, err)


# --- the parser ------------------------------------------------------------------------------


_FILE_NAMES = {"bash": "_shtab_compgen_files", "zsh": "_files", "tcsh": "f"}
"""How each shell completes a file name: shtab's ``complete`` attribute of an argument (its
``shtab.FILE``), written here so that building the parser does not import shtab."""


def _files(action: argparse.Action) -> None:
    """Complete the argument ``action`` with file names in ``aliprotect completion``'s scripts."""
    action.complete = _FILE_NAMES  # type: ignore[attr-defined]


class _Version(argparse.Action):
    """``--version``: reads the installed version only when asked (reading package metadata is slow)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import importlib.metadata

        try:
            found = importlib.metadata.version("aliprotect")
        except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
            found = "unknown"
        print(f"{parser.prog} {found}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aliprotect",
        description="AliExpress buyer-protection rules: deadlines, windows and advice with their sources.",
        epilog="Instants are ISO 8601 with an offset (2025-03-01T10:00:00+08:00) or a zone "
        "(2025-03-01T10:00:00[Asia/Shanghai]); one without either is refused.",
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    show = commands.add_parser(
        "timeline",
        help="print an order's deadlines in time order, with their rule ids",
        description="Print an order's deadlines in time order, each with its rule ids and the rulebook.",
    )
    show.set_defaults(run=_timeline)
    _files(
        show.add_argument(
            "--file", metavar="ORDER.json", help="read the order from a JSON file instead (- for standard input)"
        )
    )
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

    rules_command = commands.add_parser(
        "rules",
        help="print the rules with their numbers and sources",
        description="Print every rule of a rulebook (the latest by default): its id, summary, numbers, certainty, "
        "and its sources, each with its public address and the section the passage is in; then where the "
        "sources disagree and which reading the rulebook chose.",
    )
    rules_command.set_defaults(run=_rules)

    books = commands.add_parser(
        "rulebooks",
        help="list the published rulebooks with their dates and fingerprints",
        description="List every published rulebook: its version, title, the date it is in force from and how "
        "sure that date is, its fingerprint, and, for a superseded one, the rulebook that replaces it and why.",
    )
    books.set_defaults(run=_rulebooks)

    completion = commands.add_parser(
        "completion",
        help="print a shell completion script for aliprotect (bash, zsh or tcsh)",
        description="Print a script that completes aliprotect's commands, options and file names in your "
        "shell. For bash: aliprotect completion bash > ~/.local/share/bash-completion/completions/aliprotect. "
        "Needs the cli extra: pip install 'aliprotect[cli]'.",
    )
    completion.set_defaults(run=_completion)
    completion.add_argument("shell", choices=("bash", "zsh", "tcsh"), help="the shell to complete in")

    check = commands.add_parser(
        "check",
        help="check many orders from a CSV, JSON, JSON Lines or Parquet file and print those that need action",
        description="Check many orders and print the ones that need action, each as soon as it is checked (most "
        "urgent first with --sort urgency), then how many they are. A CSV file has "
        "a header row with the columns id, placed_at, shipped_at, received_at, delivered_at, protection_days, "
        "extensions (DAYS@INSTANT;...), amount, currency, carrier, promised_days; a JSON file holds an array of "
        "orders, a JSON Lines file one order per line; a Parquet file (with the frames extra) typed columns.",
    )
    check.set_defaults(run=_check)
    _files(
        check.add_argument(
            "file", metavar="FILE", help="a .csv, .json, .jsonl or .parquet file of orders, or - for standard input"
        )
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        help="the file's format (default: by its suffix; CSV for standard input and other suffixes)",
    )
    check.add_argument("--at", required=True, metavar="INSTANT", help="the instant to check at")
    check.add_argument("--role", choices=ROLES, default=ROLES[0], help="whose advice: a buyer's or a dropshipper's")
    check.add_argument(
        "--sort",
        choices=("urgency",),
        help="print the orders most urgent first, once the whole file is read (default: each order as soon "
        "as it is checked, in the file's order)",
    )
    shown = check.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress",
        action="store_true",
        help="show progress on standard error even when it is not a terminal (on a terminal it shows anyway: "
        "a bar with the rate and the time left with the cli extra, pip install 'aliprotect[cli]')",
    )
    shown.add_argument("--no-progress", action="store_true", help="never show progress")

    calendar = commands.add_parser(
        "calendar",
        help="write the upcoming deadlines of a file's orders as an iCalendar (.ics) file, with reminders",
        description="Read the orders of a CSV, JSON or JSON Lines file (as check does) and write every deadline "
        "after --at as an event at its instant, in the order's zone, with a reminder before it: the "
        "recommended open-by, the end of protection and the last chance to open a dispute. Each event's id is "
        "made of the order id and the deadline, so importing a later calendar updates the events. Needs the "
        "calendar extra: pip install 'aliprotect[calendar]'.",
    )
    calendar.set_defaults(run=_calendar)
    _files(
        calendar.add_argument(
            "file", metavar="FILE", help="a .csv, .json or .jsonl file of orders, or - for standard input"
        )
    )
    calendar.add_argument(
        "--format",
        choices=FORMATS[:3],
        help="the file's format (default: by its suffix; CSV for standard input and other suffixes)",
    )
    calendar.add_argument("--at", required=True, metavar="INSTANT", help="the instant after which deadlines count")
    _files(
        calendar.add_argument(
            "-o", "--output", metavar="FILE.ics", help="where to write the calendar (default: standard output)"
        )
    )
    calendar.add_argument(
        "--within",
        metavar="DAYS",
        help="only the deadlines of the next DAYS calendar days in the zone of --at (default: all that are ahead)",
    )
    calendar.add_argument(
        "--alarm",
        metavar="HOURS",
        default="24",
        help="how many hours before each deadline the reminder goes off (default: 24; 0 for none)",
    )
    for name, command in (("check", check), ("calendar", calendar)):
        command.add_argument(
            "--extra",
            action="append",
            default=[],
            metavar="COLUMN",
            help=f"a column of your own in a CSV file, which {name} does not read; repeat for several",
        )
        command.add_argument(
            "--aliexpress",
            action="store_true",
            help="FILE holds AliExpress order records (a JSON array, JSON Lines, or a list response), in US Pacific "
            "time",
        )

    reconcile = commands.add_parser(
        "reconcile",
        help="compare each order's end of protection with AliExpress's own countdown (over_time_left)",
        description="Read AliExpress order records (a JSON array, JSON Lines, or a list response; times in US "
        "Pacific time) and say, per order, whether aliprotect's end of protection and AliExpress's countdown "
        "agree to the second, or by how much and why. Rulebook observed.2 counts days as AliExpress does.",
    )
    reconcile.set_defaults(run=_reconcile)
    _files(
        reconcile.add_argument(
            "file", metavar="FILE", help="a .json or .jsonl file of AliExpress order records, or - for standard input"
        )
    )
    reconcile.add_argument(
        "--format", choices=("json", "jsonl"), help="the file's format (default: by its suffix; needed for -)"
    )

    for command in (check, calendar, reconcile):
        command.add_argument(
            "--repeated-hour",
            choices=("refuse", "earlier", "later"),
            default="refuse",
            help="how to read a Pacific time in the hour the November change repeats (default: refuse it)",
        )
    for command in (show, rules_command, check, calendar, reconcile):
        command.add_argument("--rulebook", metavar="VERSION", help="a published rulebook version (default: latest)")
    for command in (show, rules_command, books, check, reconcile):
        command.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: IO[bytes] | None = None,
) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit status.
    A file named ``-`` is read from ``stdin`` (default: the standard input's bytes).

    Returns 0 on success and 2 on bad input, after printing the error's message.
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    args = _parser().parse_args(argv)
    args.stdin = stdin  # read, from sys.stdin when None, only for a file named -
    if args.run is not _rules:  # `rules` shows the rulebook, which says itself that it is superseded
        _warn_if_superseded(getattr(args, "rulebook", None), err)
    try:
        args.run(args, out, err)
        out.flush()  # a full disk says so here, not after the exit status is decided
    except BadRows:
        return EXIT_BAD_INPUT
    except AliprotectError as error:
        print(one_line(f"aliprotect: error: {error}"), file=err)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # the reader went away (``aliprotect rules | head``): stop quietly, as other tools do
        _drop_output(out)
        return EXIT_BROKEN_PIPE
    except UnicodeEncodeError as error:  # only writing encodes: the input is read as UTF-8 or UTF-16
        encoding, character = getattr(out, "encoding", None) or error.encoding, error.object[error.start]
        print(
            one_line(
                f"aliprotect: error: the output's encoding ({encoding}) cannot write {shown(character)}: "
                "set PYTHONIOENCODING=utf-8, or write to a file with -o where the command has it"
            ),
            file=err,
        )
        _drop_output(out)
        return EXIT_BAD_INPUT
    except OSError as error:
        if error.errno not in _WRITE_FAILED:
            raise
        print(one_line(f"aliprotect: error: could not write: {error.strerror or error}"), file=err)
        _drop_output(out)
        return EXIT_BAD_INPUT
    return EXIT_OK


_WRITE_FAILED = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}
"""The errors of a write that failed (a full disk or quota, a file too large, a device error):
said in one line. Any other OSError is not the output's and stays a bug to see."""


def _warn_if_superseded(version: object, err: TextIO) -> None:
    """Say on standard error that ``--rulebook`` names a superseded rulebook (the answers still
    follow it, as a decision made with it is replayed with it), as ``aliprotect.rulebook`` warns."""
    superseded = SUPERSEDED.get(version) if isinstance(version, str) else None
    if superseded is not None:
        print(
            one_line(
                f"aliprotect: warning: rulebook {version} is superseded by {superseded.by}: {superseded.why}; "
                f"it answers as it did, for decisions made with it; give --rulebook {superseded.by} for new ones"
            ),
            file=err,
        )


def _drop_output(out: TextIO) -> None:
    """After standard output failed, send what is left in its buffer nowhere, so that Python's
    own flush at exit does not fail again with a traceback."""
    if out is sys.stdout:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
