"""What every command of the command line shares: exit statuses, reading a file, numbers of days,
extensions written DAYS@INSTANT, and printing JSON."""

from __future__ import annotations

import json
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
    """The text of the UTF-8 file ``path``, its line ends as they are."""
    try:
        with open(path, encoding="utf-8", newline="") as source:
            return source.read()
    except OSError as error:
        raise InvalidValueError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise not_utf8(path, error) from None


def not_utf8(path: str, error: UnicodeDecodeError) -> InvalidValueError:
    """The error for a file that is not UTF-8 text, naming the first byte that is not."""
    return InvalidValueError(
        f"{path} is not UTF-8 text: byte {error.start} (0x{error.object[error.start]:02x}) cannot be read; "
        "save the file as UTF-8"
    )


def dump(data: object, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    print(file=out)
