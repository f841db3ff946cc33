"""The command line's ``rules`` and ``rulebooks``: the rules of a rulebook, and the published rulebooks."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from aliprotect._cli_common import dump
from aliprotect._registry import SUPERSEDED, published, rulebooks
from aliprotect._rulebook import Rulebook
from aliprotect.display import number_text


def show_rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    book = published(args.rulebook)
    if args.json:
        dump(json.loads(book.document), out)
        return
    print(f"rulebook {book.version}: {book.title} · {book.fingerprint}", file=out)
    if book.version in SUPERSEDED:
        superseded = SUPERSEDED[book.version]
        print(f"superseded by {superseded.by} since {superseded.since.isoformat()}: {superseded.why}", file=out)
    if book.days_counted_in is not None:
        print(
            f"days of {', '.join(book.days_counted_in_rules)} counted on the calendar of {book.days_counted_in}; "
            f"sources: {'; '.join(str(c) for c in book.days_counted_in_citations)}",
            file=out,
        )
    for rule in book.rules.values():
        numbers = ", ".join(f"{name}={number_text(q)} {q.unit.value}" for name, q in rule.quantities.items())
        print(f"{rule.id}{'  ' + numbers if numbers else ''}", file=out)
        print(f"    {rule.summary}", file=out)
        print(f"    sources: {'; '.join(c.where() for c in rule.citations)}", file=out)
        if rule.carried_from:
            print(f"    carried over from rulebook {rule.carried_from}: its sources do not restate it", file=out)
    if book.not_stated:
        print(f"not stated by its sources: {', '.join(book.not_stated)}", file=out)
    if book.conflicts:
        print("where the sources disagree:", file=out)
    for conflict in book.conflicts:
        print(f"  {conflict.topic}: {conflict.follows}", file=out)
    print("sources:", file=out)
    for key, source in book.sources.items():
        print(f"  {key}: {source.title}", file=out)
        print(f"    {source.credit()}; {source.url or 'no public address known'}", file=out)


def _date(book: Rulebook) -> str | None:
    return None if book.in_force_from is None else book.in_force_from.isoformat()


def show_rulebooks(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    books = rulebooks()
    if args.json:
        dump(
            [
                {
                    "version": book.version,
                    "title": book.title,
                    "in_force_from": _date(book),
                    "in_force_certainty": book.in_force_certainty.value,
                    "published": book.published.isoformat(),
                    "fingerprint": book.fingerprint,
                    "superseded_by": SUPERSEDED[book.version].by if book.version in SUPERSEDED else None,
                    "superseded_why": SUPERSEDED[book.version].why if book.version in SUPERSEDED else None,
                }
                for book in books
            ],
            out,
        )
        return
    for book in books:
        print(
            f"{book.version}  in force from {_date(book) or 'an unknown date'} ({book.in_force_certainty.value})  "
            f"{book.fingerprint}  {book.title}"
            + (f"  [superseded by {SUPERSEDED[book.version].by}]" if book.version in SUPERSEDED else ""),
            file=out,
        )
