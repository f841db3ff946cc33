"""The command line's reading of AliExpress's records: ``check --aliexpress`` and ``reconcile``.

A file of records is a JSON array of order records, a JSON Lines file with one record per
line, or a JSON list response; each record a whole response or its inner object.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from aliprotect import _checks, aliexpress
from aliprotect._cli_common import BadRows, Source, dump, jsonl_lines, not_json_line, one_line, opened, places, read
from aliprotect._registry import published
from aliprotect._rulebook import Rulebook
from aliprotect.errors import AliprotectError, InvalidValueError


def records(source: Source) -> Iterator[tuple[int, Mapping[str, Any] | AliprotectError]]:
    """Each record of the file, numbered from 1 (a line of JSON Lines, an item of a JSON array or of
    a list response), or the error that stops it from being a record."""
    text = read(source)
    if source.format == "jsonl":
        for number, (_, line) in enumerate(jsonl_lines(text), start=1):
            try:
                item, repeats = _checks.json_loads(line)
            except (ValueError, RecursionError) as error:  # JSONDecodeError, and integers too long to read
                yield number, not_json_line(error)
                continue
            if repeats:
                item = _checks.unless_repeated(item)
            yield (
                number,
                item
                if isinstance(item, Mapping | AliprotectError)
                else InvalidValueError(f"holds {type(item).__name__}, not an order record (a JSON object)"),
            )
        return
    try:
        loaded, repeats = _checks.json_loads(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, and integers too long to read
        raise InvalidValueError(f"{source} is not JSON: {error}") from None
    if repeats and not isinstance(loaded, list):  # a list response: its entries are read out of their envelope
        raise InvalidValueError(f"{source}: {_checks.once(str(_checks.repeated_field(loaded)))}")
    items = loaded if isinstance(loaded, list) else aliexpress._list_entries(loaded)
    for number, item in enumerate(items, start=1):
        if repeats:
            item = _checks.unless_repeated(item)
        yield (
            number,
            item
            if isinstance(item, Mapping | AliprotectError)
            else InvalidValueError(f"holds {type(item).__name__}, not an order record (a JSON object)"),
        )


def orders(
    source: Source, repeated_hour: aliexpress.RepeatedHour
) -> Iterator[tuple[int, aliexpress.ApiOrder | AliprotectError]]:
    """Each record of the file read with :func:`aliprotect.aliexpress.order_from_api`, or its error."""
    for number, record in records(source):
        if isinstance(record, AliprotectError):
            yield number, record
            continue
        try:
            yield number, aliexpress.order_from_api(record, repeated_hour=repeated_hour)
        except AliprotectError as error:
            yield number, error


def reconcile(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    rules = published(args.rulebook)
    with opened(args.file, args.format, args.stdin) as source:
        if source.format not in ("json", "jsonl"):
            raise InvalidValueError(
                f"{source}: AliExpress's records are read from a .json or .jsonl file; give --format json or "
                "--format jsonl"
            )
        _reconcile(source, rules, args, out, err)


def _reconcile(source: Source, rules: Rulebook, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    found: list[dict[str, Any]] = []
    bad: list[tuple[int, str]] = []
    for number, item in orders(source, args.repeated_hour):
        if isinstance(item, AliprotectError):
            bad.append((number, str(item)))
            continue
        try:
            result = aliexpress.reconcile(item, rules=rules)
        except AliprotectError as error:
            bad.append((number, str(error)))
            continue
        found.append(
            {
                "order_id": result.order_id,
                "comparable": result.comparable,
                "agrees": result.agrees,
                "aliexpress": None if result.aliexpress is None else result.aliexpress.isoformat(),
                "aliprotect": None if result.aliprotect is None else result.aliprotect.isoformat(),
                "difference_seconds": None if result.difference is None else result.difference.total_seconds(),
                "reason": result.reason,
            }
        )
    where = places(source, [number for number, _ in bad])
    agreeing = sum(1 for entry in found if entry["agrees"])
    comparable = sum(1 for entry in found if entry["comparable"])
    if args.json:
        dump(
            {
                "rulebook": rules.version,
                "fingerprint": rules.fingerprint,
                "orders": found,
                "bad_records": [
                    {"record": number, "line": where[number].line, "error": reason} for number, reason in bad
                ],
            },
            out,
        )
    else:
        print(
            f"{agreeing} of {comparable} orders agree with AliExpress's countdown to the second "
            f"(rulebook {rules.version}); {len(found) - comparable} have no countdown of buyer protection",
            file=out,
        )
        for entry in found:
            verdict = "agrees" if entry["agrees"] else ("differs" if entry["comparable"] else "not compared")
            print(one_line(f"order {entry['order_id']}: {verdict}: {entry['reason']}"), file=out)
    for number, reason in bad:
        print(one_line(f"aliprotect: {source} {where[number]}: {reason}"), file=err)
    if bad:
        print(f"aliprotect: error: {len(bad)} bad records; the other records were compared", file=err)
        raise BadRows
