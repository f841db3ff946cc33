"""Build-time hooks of the documentation site: pages written from the library itself.

- ``rules.md``: the rules reference, from the data of every published rulebook.
- ``concepts/days.md``: the picture of an order's timeline, drawn by aliprotect.display.timeline_svg.
- ``guides/eras.md``: the dated history, as a table and a picture, from the published rulebooks.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pendulum

import aliprotect
from aliprotect.display import comparison_markdown, rules_markdown


def _rules_reference() -> str:
    """The current rulebook first, then the dated history newest first, then the rulebooks chosen
    by name only, then the superseded ones; and what changed along the dated history."""
    dated = history()
    named = [b for b in aliprotect.rulebooks() if b not in dated and b.version not in aliprotect.rules.SUPERSEDED]
    superseded = [b for b in aliprotect.rulebooks() if b.version in aliprotect.rules.SUPERSEDED]
    ordered = [*reversed(dated), *named, *reversed(superseded)]
    return "\n".join([*(rules_markdown(book) for book in ordered), comparison_markdown([*dated, *named])])


def _timeline_picture() -> str:
    paris = "Europe/Paris"
    order = aliprotect.Order(
        id="8012345678901234",
        placed_at=pendulum.datetime(2025, 3, 1, 10, tz=paris),
        shipped_at=pendulum.datetime(2025, 3, 3, 18, tz=paris),
        protection_days=60,
        extensions=[aliprotect.Extension(granted_at=pendulum.datetime(2025, 4, 20, tz=paris), days=15)],
    )
    rules = aliprotect.rulebook("2025.2")
    dispute = aliprotect.open_dispute(
        order,
        aliprotect.Claim(kind=aliprotect.ClaimKind.NOT_RECEIVED),
        at=pendulum.datetime(2025, 5, 1, tz=paris),
        rules=rules,
    )
    svg = aliprotect.display.timeline_svg(
        order, at=pendulum.datetime(2025, 5, 3, tz=paris), dispute=dispute, rules=rules
    )
    return f'<div style="overflow-x:auto">{svg}</div>'


def history() -> list[aliprotect.Rulebook]:
    """The dated history: the rulebooks a date can choose, oldest first."""
    return [
        book
        for book in aliprotect.rulebooks()
        if book.in_force_from is not None
        and book.version.partition(".")[0].isdigit()
        and book.version not in aliprotect.rules.SUPERSEDED
    ]


def _stated_and_carried(book: aliprotect.Rulebook) -> tuple[int, int]:
    carried = sum(1 for rule in book.rules.values() if rule.carried_from)
    return len(book.rules) - carried, carried


def _levels(book: aliprotect.Rulebook) -> str:
    """The evidence levels of the sources a rulebook's own rules cite."""
    keys = {c.source for rule in book.rules.values() if not rule.carried_from for c in rule.citations}
    levels = {book.sources[key].evidence for key in keys}
    return ", ".join(level.text for level in aliprotect.rules.EvidenceLevel if level in levels)


def _eras_table(books: list[aliprotect.Rulebook]) -> str:
    rows = [
        "| version | in force from | period | its own sources | rules stated | rules carried |",
        "|---|---|---|---|---|---|",
    ]
    for book in books:
        stated, carried = _stated_and_carried(book)
        date = book.in_force_from.isoformat() if book.in_force_from else "unknown"
        rows.append(
            f"| `{book.version}` | {date} ({book.in_force_certainty.value}) | {html.escape(book.title, quote=False)} "
            f"| {_levels(book)} | {stated} | {carried} |"
        )
    return "\n".join(rows)


def eras_svg(books: list[aliprotect.Rulebook]) -> str:
    """The dated history as a picture: one bar per period on a time axis, shaded by how sure
    its start is, with the rules its own sources state and those carried from other periods."""
    first = min(book.in_force_from for book in books if book.in_force_from)
    last = max(book.in_force_from for book in books if book.in_force_from)
    start, end = dt.date(first.year, 1, 1), dt.date(last.year + 2, 1, 1)
    width, left, right, top, bar = 900, 20, 20, 20, 34
    scale = (width - left - right) / (end - start).days

    def x(day: dt.date) -> float:
        return left + (day - start).days * scale

    shade = {"stated": "#1f5f8b", "seen": "#4f93c4", "assumed": "#a9cbe3"}
    rows = len(books)
    height = top + rows * (bar + 22) + 62
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img">',
        "<title>The dated history of aliprotect's rulebooks</title>",
    ]
    axis = top + rows * (bar + 22) + 6
    for year in range(start.year, end.year + 1):
        at = x(dt.date(year, 1, 1))
        parts.append(f'<line x1="{at:.1f}" y1="{top - 6}" x2="{at:.1f}" y2="{axis}" stroke="#ddd"/>')
        parts.append(f'<text x="{at:.1f}" y="{axis + 16}" text-anchor="middle" fill="#555">{year}</text>')
    for row, book in enumerate(books):
        begins = book.in_force_from or start
        ends = books[row + 1].in_force_from if row + 1 < rows else end
        y = top + row * (bar + 22)
        stated, carried = _stated_and_carried(book)
        certainty = book.in_force_certainty.value
        parts.append(
            f'<rect x="{x(begins):.1f}" y="{y}" width="{max(x(ends or end) - x(begins), 2):.1f}" height="{bar}" '
            f'fill="{shade.get(certainty, "#ccc")}" rx="3"><title>{html.escape(book.title)}</title></rect>'
        )
        label = f"{book.version} · from {begins.isoformat()} ({certainty}) · {stated} rules stated, {carried} carried"
        fits = x(begins) + 4 + 6.8 * len(label) <= width - right  # else it ends at the right edge
        at, anchor = (x(begins) + 4, "start") if fits else (width - right, "end")
        parts.append(
            f'<text x="{at:.1f}" y="{y + bar + 14}" text-anchor="{anchor}" fill="#222">{html.escape(label)}</text>'
        )
    legend_y = height - 6
    for index, (certainty, colour) in enumerate(shade.items()):
        at = left + index * 170
        parts.append(f'<rect x="{at}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{at + 16}" y="{legend_y}" fill="#222">start {certainty}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _eras_history() -> str:
    books = history()
    return _eras_table(books) + '\n\n<div style="overflow-x:auto">' + eras_svg(books) + "</div>\n"


_PLACEHOLDERS = {
    "<!-- rules-reference -->": _rules_reference,
    "<!-- timeline-picture -->": _timeline_picture,
    "<!-- eras-history -->": _eras_history,
}


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    for placeholder, write in _PLACEHOLDERS.items():
        if placeholder in markdown:
            markdown = markdown.replace(placeholder, write())
    return markdown
