"""Render the docs' example pictures to PNG, to look at them as a reader's browser would.

    pip install cairosvg
    python scripts/render_pictures.py

writes ``docs/images/timeline.png``, ``dispute.png`` and ``store.png``: the timeline of an
order with an extension, the same order with a dispute, and the docs' example store
(``docs/examples/store.csv``) at 2025-04-20 09:00 Paris time. The docs show them; rerun this
after changing a picture, and look at each.
"""

from __future__ import annotations

import csv
import pathlib

import pendulum

import aliprotect
from aliprotect import Claim, ClaimKind

DOCS = pathlib.Path(__file__).parent.parent / "docs"
PARIS = "Europe/Paris"


def store_orders() -> list[aliprotect.Order]:
    """The orders of the docs' example store, read as ``aliprotect check`` reads a CSV file."""
    found = []
    with (DOCS / "examples" / "store.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            extensions = tuple(
                aliprotect.Extension(days=int(days), granted_at=aliprotect.parse_instant(when))
                for days, when in (part.split("@", 1) for part in row["extensions"].split(";") if part)
            )
            found.append(
                aliprotect.Order(
                    id=row["id"],
                    placed_at=aliprotect.parse_instant(row["placed_at"]),
                    shipped_at=aliprotect.parse_instant(row["shipped_at"]) if row["shipped_at"] else None,
                    received_at=aliprotect.parse_instant(row["received_at"]) if row["received_at"] else None,
                    protection_days=int(row["protection_days"]),
                    extensions=extensions,
                )
            )
    return found


def pictures() -> dict[str, str]:
    rules = aliprotect.rulebook("2025.2")
    now = pendulum.datetime(2025, 4, 25, 9, tz=PARIS)
    order = aliprotect.Order(
        id="8000000000000002",
        placed_at=pendulum.datetime(2025, 3, 1, 10, tz=PARIS),
        shipped_at=pendulum.datetime(2025, 3, 3, 18, tz=PARIS),
        protection_days=60,
    )
    extended = aliprotect.grant_extension(order, days=15, at=pendulum.datetime(2025, 4, 20, tz=PARIS), rules=rules)
    dispute = aliprotect.open_dispute(extended, Claim(kind=ClaimKind.NOT_RECEIVED), at=now, rules=rules)
    dispute = aliprotect.seller_rejects(dispute, at=now.add(days=1), rude=True, rules=rules)
    return {
        "timeline": aliprotect.display.timeline_svg(extended, at=now, rules=rules),
        "dispute": aliprotect.display.timeline_svg(extended, at=now.add(days=2), dispute=dispute, rules=rules),
        "store": aliprotect.display.orders_svg(
            store_orders(), at=pendulum.datetime(2025, 4, 20, 9, tz=PARIS), rules=rules
        ),
    }


def main() -> None:
    import cairosvg  # only for this script

    folder = DOCS / "images"
    folder.mkdir(exist_ok=True)
    for name, picture in pictures().items():
        cairosvg.svg2png(
            bytestring=picture.encode("utf-8"),
            write_to=str(folder / f"{name}.png"),
            background_color="white",
            scale=1.5,
        )
        print(f"wrote docs/images/{name}.png")


if __name__ == "__main__":
    main()
