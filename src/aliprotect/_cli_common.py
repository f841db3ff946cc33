"""What every command of the command line shares: exit statuses, reading a file, numbers of days,
extensions written DAYS@INSTANT, and printing JSON."""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
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


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def encoding_of(path: str) -> tuple[str, int]:
    """The encoding of the file ``path`` by its byte-order mark, and the mark's length: UTF-8 with or
    without one (as Excel's "CSV UTF-8" writes it), or UTF-16 with one."""
    try:
        with open(path, "rb") as source:
            start = source.read(3)
    except OSError as error:
        raise InvalidValueError(f"cannot read {path}: {error.strerror or error}") from None
    return next(((name, len(mark)) for mark, name in _BOMS if start.startswith(mark)), ("utf-8", 0))


def read(path: str) -> str:
    """The text of the file ``path`` (UTF-8 with or without a byte-order mark, or UTF-16 with one),
    its line ends as they are."""
    encoding, skip = encoding_of(path)
    try:
        with open(path, "rb") as source:
            data = source.read()
    except OSError as error:
        raise InvalidValueError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as error:
        raise not_utf8(path, error, skip, encoding) from None


def not_utf8(path: str, error: UnicodeDecodeError, skip: int = 0, encoding: str = "utf-8") -> InvalidValueError:
    """The error for a file that is not text in its encoding, naming the first byte that cannot be read
    (counted from the start of the file)."""
    at = error.start + skip
    kind = "UTF-8" if encoding == "utf-8" else "UTF-16"
    return InvalidValueError(
        f"{path} is not {kind} text: byte {at} (0x{error.object[error.start]:02x}) cannot be read; "
        "save the file as UTF-8"
    )


def dump(data: object, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    print(file=out)


def closest(name: str, known: Sequence[str]) -> str | None:
    """The known name that looks most like ``name`` (``shipped`` for ``shipped_at``), if one does."""
    folded = name.strip().casefold().replace(" ", "_").replace("-", "_")
    for candidate in known:
        if folded == candidate or (len(folded) >= 4 and (candidate.startswith(folded) or folded.startswith(candidate))):
            return candidate
    found = difflib.get_close_matches(folded, list(known), n=1, cutoff=0.75)
    return found[0] if found else None


def one_line(text: object) -> str:
    """``text`` on one line: a character that is not printable (a line break, a carriage return, a
    control character in a user's value) is written as its escape, ``\\r``, ``\\u2028``."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in value)
