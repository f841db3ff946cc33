"""What every command of the command line shares: exit statuses, reading a file, numbers of days,
extensions written DAYS@INSTANT, and printing JSON."""

from __future__ import annotations

import json
import pathlib
from typing import Any, TextIO

from aliprotect._days import parse_instant
from aliprotect._model import Extension
from aliprotect.errors import InvalidValueError

EXIT_OK = 0
EXIT_BROKEN_PIPE = 1
EXIT_BAD_INPUT = 2
PROGRESS_EVERY = 1000


class BadRows(Exception):
    """Raised after ``check`` has reported its bad rows, to exit with status 2."""


def whole_number(text: str, option: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise InvalidValueError(f"{option} {text!r} must be a whole number of days, like 60") from None


def extension(text: str, option: str = "--extension") -> Extension:
    days, separator, instant = text.strip().partition("@")
    if not separator:
        raise InvalidValueError(f"{option} {text!r} must be DAYS@INSTANT, like 15@2025-04-20T10:00:00+08:00")
    return Extension(granted_at=parse_instant(instant, field=option), days=whole_number(days, option))


def optional_instant(text: str | None, field: str) -> Any:
    return None if text is None or not text.strip() else parse_instant(text, field=field)


def read(path: str) -> str:
    try:
        return pathlib.Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidValueError(f"cannot read {path}: {error.strerror or error}") from None


def dump(data: object, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    print(file=out)
