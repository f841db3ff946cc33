"""Build-time hooks of the documentation site: pages written from the library itself.

- ``rules.md``: the rules reference, from the data of every published rulebook.
- ``concepts/days.md``: the picture of an order's timeline, drawn by aliprotect.display.timeline_svg.
"""

from __future__ import annotations

from typing import Any

import pendulum

import aliprotect
from aliprotect.display import comparison_markdown, rules_markdown


def _rules_reference() -> str:
    books = aliprotect.rulebooks()
    return "\n".join([*(rules_markdown(book) for book in reversed(books)), comparison_markdown(books)])


def _timeline_picture() -> str:
    paris = "Europe/Paris"
    order = aliprotect.Order(
        id="8012345678901234",
        placed_at=pendulum.datetime(2025, 3, 1, 10, tz=paris),
        shipped_at=pendulum.datetime(2025, 3, 3, 18, tz=paris),
        protection_days=60,
        extensions=[aliprotect.Extension(granted_at=pendulum.datetime(2025, 4, 20, tz=paris), days=15)],
    )
    rules = aliprotect.rulebook("2025.1")
    dispute = aliprotect.open_dispute(
        order,
        aliprotect.Claim(kind=aliprotect.ClaimKind.NOT_RECEIVED),
        at=pendulum.datetime(2025, 5, 1, tz=paris),
        rules=rules,
    )
    svg = aliprotect.display.timeline_svg(order, at=pendulum.datetime(2025, 5, 3, tz=paris), dispute=dispute, rules=rules)
    return f'<div style="overflow-x:auto">{svg}</div>'


_PLACEHOLDERS = {
    "<!-- rules-reference -->": _rules_reference,
    "<!-- timeline-picture -->": _timeline_picture,
}


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    for placeholder, write in _PLACEHOLDERS.items():
        if placeholder in markdown:
            markdown = markdown.replace(placeholder, write())
    return markdown
