"""Write each published rulebook's TOML file as JSON beside it.

The TOML files in ``src/aliprotect/rulebooks/`` are the rulebooks as people read and edit
them. The package loads the JSON beside each: the same data, in the same order (so that
rules, sources and carrier groups show in the order the TOML gives them), with dates as
ISO text. Reading it is several times faster than parsing TOML, which matters to the
start-up of every command-line run. The fingerprint does not change: it is the SHA-256 of
the canonical document, which is the same whichever of the two files it is read from.

Run this after editing a TOML file (a published rulebook never changes; a new one does)::

    python scripts/rulebook_documents.py

``tests/test_registry.py`` fails while a JSON file does not match its TOML.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import tomllib

FOLDER = pathlib.Path(__file__).resolve().parent.parent / "src" / "aliprotect" / "rulebooks"


def _iso_date(value: object) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"a rulebook has dates, not {value!r}")


def as_json(toml_text: str) -> str:
    """The JSON the package loads for a rulebook, from the text of its TOML file."""
    return json.dumps(tomllib.loads(toml_text), ensure_ascii=False, indent=1, default=_iso_date) + "\n"


def main() -> None:
    for source in sorted(FOLDER.glob("*.toml")):
        document = as_json(source.read_text(encoding="utf-8"))
        target = source.with_suffix(".json")
        if not target.exists() or target.read_text(encoding="utf-8") != document:
            target.write_text(document, encoding="utf-8")
            print(f"wrote {target.name}")
    for stray in sorted(FOLDER.glob("*.json")):
        if not stray.with_suffix(".toml").exists():
            stray.unlink()
            print(f"removed {stray.name}: no TOML beside it")


if __name__ == "__main__":
    main()
