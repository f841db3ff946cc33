"""The command line's ``calendar``: the upcoming deadlines of a file's orders as an iCalendar file.

It reads CSV, JSON and JSON Lines files as ``check`` does (AliExpress's records with
``--aliexpress``; not Parquet), one order at a time, and reports bad rows, orders the
rulebook cannot answer for, repeated order ids and orders not yet placed, each at its line.
The calendar holds every other order's deadlines, and the exit status is 2 when any row was
left out for a problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from typing import TextIO

import pendulum

from aliprotect import _days
from aliprotect._cli_check import Ledger, order_rows, report
from aliprotect._cli_common import BadRows, Source, one_line, opened, places, whole_number
from aliprotect._days import parse_instant
from aliprotect._ical import LONGEST_ALARM, to_ical
from aliprotect._model import Order
from aliprotect._registry import published
from aliprotect._rulebook import Rulebook
from aliprotect._shown import shown
from aliprotect._timeline import timeline
from aliprotect.errors import AliprotectError, InvalidValueError

DAYS_AHEAD = 3_660_000
"""The most days ``--within`` takes: about ten thousand years, past which no instant lies."""


def _orders(source: Source, rules: Rulebook, args: argparse.Namespace) -> Iterator[tuple[int, Order | AliprotectError]]:
    if args.aliexpress:
        from aliprotect import _cli_aliexpress  # AliExpress's records: only for --aliexpress

        if source.format not in ("json", "jsonl"):
            raise InvalidValueError(
                f"{source}: AliExpress's records are read from a .json or .jsonl file; give --format json or "
                "--format jsonl"
            )
        for number, found in _cli_aliexpress.orders(source, args.repeated_hour):
            yield number, found if isinstance(found, AliprotectError) else found.order
        return
    if source.format == "parquet":
        raise InvalidValueError(f"{source}: calendar reads CSV, JSON and JSON Lines files; give one of those")
    for number, row in order_rows(source, rules, args.extra):
        yield number, row if isinstance(row, AliprotectError) else row[0]


def _number(text: str, option: str, unit: str, least: int, most: int, example: str) -> int:
    """A whole number of days or hours from ``least`` to ``most``."""
    number = whole_number(text, option, unit, example)
    if not least <= number <= most:
        raise InvalidValueError(f"{option} {shown(text)} must be from {least} to {most:,} {unit}")
    return number


def _within(text: str, at: pendulum.DateTime) -> dt.timedelta:
    """``--within DAYS`` as the span from ``at`` to the same time DAYS calendar days later in its
    zone (C2): across a DST change that is an hour more or less than DAYS times 24 hours."""
    days = _number(text, "--within", "days", 1, DAYS_AHEAD, "7")
    try:
        end = _days.add_days(at, days)
    except InvalidValueError:
        raise InvalidValueError(
            f"--within {shown(text)} after --at {at.isoformat()} reaches past the year 9999; give fewer days"
        ) from None
    return _days.key(end) - _days.key(at)


def calendar(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    rules = published(args.rulebook)
    at = parse_instant(args.at, field="--at")
    within = None if args.within is None else _within(args.within, at)
    hours = _number(args.alarm, "--alarm", "hours", 0, LONGEST_ALARM // dt.timedelta(hours=1), "24")
    alarm = dt.timedelta(hours=hours)
    with opened(args.file, args.format, args.stdin) as source:
        text, complete, held = _calendar(source, at, within, alarm, rules, args, err)
    if not complete and not held and args.output not in (None, "-"):
        print(one_line(f"aliprotect: {args.output} is left as it was: no order of the file could be read"), file=err)
        raise BadRows
    if args.output in (None, "-"):
        _write_lines_as_they_are(text, out)
    else:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as file:
                file.write(text)
        except OSError as error:
            raise InvalidValueError(f"cannot write {args.output}: {error.strerror or error}") from None
    if not complete:
        raise BadRows


def _write_lines_as_they_are(text: str, out: TextIO) -> None:
    """Write ``text`` with its CRLF line ends (RFC 5545) as they are: to the bytes under a text
    stream when it has them, since a text stream on Windows would turn each LF into CRLF."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def _calendar(
    source: Source,
    at: pendulum.DateTime,
    within: dt.timedelta | None,
    alarm: dt.timedelta,
    rules: Rulebook,
    args: argparse.Namespace,
    err: TextIO,
) -> tuple[str, bool, int]:
    """The calendar's text, whether it holds every order of the file (else the problems are
    reported on ``err``), and how many orders it holds."""
    ledger = Ledger()
    orders: dict[str, tuple[int, Order]] = {}
    bad: list[tuple[int, str]] = []
    later: list[tuple[int, str]] = []
    count = 0
    for number, found in _orders(source, rules, args):
        count = max(count, number)
        if isinstance(found, AliprotectError):
            bad.append((number, str(found)))
            continue
        ledger.add(number, found.id)
        if _days.key(found.placed_at) > _days.key(at):
            later.append((number, found.id))
            continue
        try:  # an order the rulebook cannot answer for (a fact it needs is missing) is a bad row
            timeline(found, rules=rules)
        except AliprotectError as error:
            bad.append((number, str(error)))
            continue
        orders.setdefault(found.id, (number, found))
    repeats = ledger.repeats()
    repeated = {order_id for _, order_id, _ in repeats}
    chosen = [order for order_id, (_, order) in orders.items() if order_id not in repeated]
    text = to_ical(chosen, at=at, within=within, alarm=alarm, rules=rules)
    where = places(
        source, [number for number, _ in (*bad, *later)] + [n for repeat in repeats for n in (repeat[0], repeat[2])]
    )
    if later:
        placed = ", ".join(f"{oid} ({where[number]})" for number, oid in later)
        print(one_line(f"aliprotect: {len(later)} orders were not yet placed at {at.isoformat()}: {placed}"), file=err)
    complete = not report(
        source,
        bad,
        repeats,
        where,
        count,
        args.aliexpress,
        err,
        "; the calendar holds the deadlines of the other {what}" if chosen else "; no order could be read",
        repeated=". Neither row is in the calendar",
    )
    return text, complete, len(chosen)
