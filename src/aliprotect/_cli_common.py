"""What every command of the command line shares: exit statuses, the files it reads (standard
input as ``-``), numbers of days, extensions written DAYS@INSTANT, and printing JSON."""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import pathlib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import IO, Any, NamedTuple, TextIO

import attrs

from aliprotect._days import parse_instant
from aliprotect._model import Extension
from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError

EXIT_OK = 0
EXIT_BROKEN_PIPE = 1
EXIT_BAD_INPUT = 2
PROGRESS_EVERY = 1000
"""Without tqdm, the plain progress line is rewritten every this many orders."""


class BadRows(Exception):
    """Raised after ``check`` has reported its bad rows, to exit with status 2."""


def whole_number(text: str, option: str, unit: str = "days", example: str = "60") -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise InvalidValueError(f"{option} {shown(text)} must be a whole number of {unit}, like {example}") from None


def extension(text: str, option: str = "--extension") -> Extension:
    days, separator, instant = text.strip().partition("@")
    if not separator:
        raise InvalidValueError(f"{option} {shown(text)} must be DAYS@INSTANT, like 15@2025-04-20T10:00:00+08:00")
    return Extension(granted_at=parse_instant(instant, field=option), days=whole_number(days, option))


def optional_instant(text: str | None, field: str) -> Any:
    return None if text is None or not text.strip() else parse_instant(text, field=field)


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


FORMATS = ("csv", "json", "jsonl", "parquet")
"""The formats of the files the command line reads, by the suffix of their names."""

STDIN = "<stdin>"
"""How messages name standard input, which ``-`` reads."""


@attrs.frozen
class Source:
    """A file the command line reads: where it is opened (``os.fspath``), the name its messages
    give it (``str``: the name the user gave, or ``<stdin>``) and its format."""

    path: str
    name: str
    format: str

    def __fspath__(self) -> str:
        return self.path

    def __str__(self) -> str:
        return self.name


@contextlib.contextmanager
def opened(argument: str, format: str | None, stdin: IO[bytes] | None) -> Iterator[Source]:
    """The file the user named, ``-`` for standard input (kept in a temporary file while the command
    runs, since a Parquet file or a second look at a row needs to seek), in the format ``format``
    or, by default, its suffix's (a name with another suffix, and standard input, are CSV).
    ``stdin`` is the standard input's bytes, ``sys.stdin``'s when ``None``."""
    if argument != "-":
        suffix = pathlib.Path(argument).suffix.lower().lstrip(".")
        yield Source(argument, argument, format or (suffix if suffix in FORMATS else "csv"))
        return
    import shutil  # only for standard input: the other commands start without them
    import sys
    import tempfile

    stdin = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
    if stdin is None:
        raise InvalidValueError("- reads standard input, which is closed here; name a file instead")

    with tempfile.TemporaryDirectory(prefix="aliprotect-") as folder:
        path = os.path.join(folder, "stdin")
        with open(path, "wb") as copy:
            shutil.copyfileobj(stdin, copy)
        yield Source(path, STDIN, format or "csv")


def jsonl_lines(text: str | Iterable[str]) -> Iterator[tuple[int, str]]:
    """The lines of a JSON Lines text (or of a file opened with ``newline="\\n"``) that hold
    something, with their line numbers (from 1): each is one record, and a blank line is none. Only
    a line feed ends a line (a carriage return before it is JSON's whitespace), never a character
    inside a JSON string such as U+2028."""
    lines = text.split("\n") if isinstance(text, str) else text
    for number, line in enumerate(lines, start=1):
        if line.strip(_JSON_SPACE):
            yield number, line


_JSON_SPACE = " \t\r\n"


LONGEST_CELL = 1 << 30
"""The longest CSV cell read, in characters (Python's csv stops at 131,072; pyarrow reads more)."""


@contextlib.contextmanager
def long_cells() -> Iterator[None]:
    """Python's csv reads cells up to :data:`LONGEST_CELL` long while the block runs."""
    import csv  # only for the commands that read CSV: timeline starts without it

    limit = csv.field_size_limit(LONGEST_CELL)
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def csv_records(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """The data rows of CSV ``lines`` (a file opened with ``newline=""``) after the header row, each
    with the line it starts on (from 1), as :class:`csv.DictReader` reads them: a blank line is no
    row, and a quoted cell may span lines."""
    import csv

    reader = csv.reader(lines)
    with long_cells():
        if next(reader, None) is None:
            return
        end = reader.line_num
        for row in reader:
            if row:
                yield end + 1, row
            end = reader.line_num


class Place(NamedTuple):
    """Where a record is in its file: ``line 7``, ``item 3`` of a JSON array, ``row 3`` of Parquet."""

    kind: str
    number: int

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"

    @property
    def line(self) -> int | None:
        """The line the record starts on, in a file of lines."""
        return self.number if self.kind == "line" else None


def places(source: Source, numbers: Collection[int]) -> dict[int, Place]:
    """Where each of the records ``numbers`` (counted from 1, as the readers count them) is in the
    file: the line its row starts on in a CSV or JSON Lines file, its item in a JSON array, its
    row in a Parquet file. The file is read again, a line at a time, only when there are any."""
    wanted = set(numbers)
    if not wanted or source.format not in ("csv", "jsonl"):
        kind = "row" if source.format == "parquet" else "item"
        return {number: Place(kind, number) for number in wanted}
    encoding, _ = encoding_of(source)
    found: dict[int, Place] = {}
    newline = "" if source.format == "csv" else "\n"
    with open(source, encoding="utf-8-sig" if encoding == "utf-8" else "utf-16", newline=newline) as text:
        records = csv_records(text) if source.format == "csv" else jsonl_lines(text)
        for number, (line, _) in enumerate(records, start=1):
            if number in wanted:
                found[number] = Place("line", line)
                if len(found) == len(wanted):
                    break
    return {number: found.get(number, Place("record", number)) for number in wanted}


def encoding_of(path: str | os.PathLike[str]) -> tuple[str, int]:
    """The encoding of the file ``path`` by its byte-order mark, and the mark's length: UTF-8 with or
    without one (as Excel's "CSV UTF-8" writes it), or UTF-16 with one."""
    try:
        with open(path, "rb") as source:
            start = source.read(3)
    except OSError as error:
        raise InvalidValueError(f"cannot read {path}: {error.strerror or error}") from None
    return next(((name, len(mark)) for mark, name in _BOMS if start.startswith(mark)), ("utf-8", 0))


def read(path: str | os.PathLike[str]) -> str:
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


def not_utf8(
    path: str | os.PathLike[str], error: UnicodeDecodeError, skip: int = 0, encoding: str = "utf-8"
) -> InvalidValueError:
    """The error for a file that is not text in its encoding, naming the first byte that cannot be read
    (counted from the start of the file)."""
    at = error.start + skip
    kind = "UTF-8" if encoding == "utf-8" else "UTF-16"
    return InvalidValueError(
        f"{path} is not {kind} text: byte {at} (0x{error.object[error.start]:02x}) cannot be read; "
        "save the file as UTF-8"
    )


def dump(data: object, out: TextIO) -> None:
    """``data`` as JSON, in UTF-8 where it can be (a lone surrogate in a user's value, which UTF-8
    cannot hold, makes the whole output ASCII, with JSON's escapes)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = json.dumps(data, indent=2)
    print(text, file=out)


def not_json_line(error: Exception) -> InvalidValueError:
    """The error of a line of JSON Lines that is not JSON, at its column: the decoder's own
    "line 1 column 17" would be read as the file's line 1."""
    if isinstance(error, json.JSONDecodeError):
        return InvalidValueError(f"not JSON: {error.msg} at column {error.colno}")
    return InvalidValueError(f"not JSON: {error}")


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


class Progress:
    """The progress of a long read, on standard error: a tqdm bar (the cli extra) with the count,
    the total when it is known, the rate and the time left; without tqdm, a plain count.

    It shows only when ``err`` is a terminal, or when ``forced`` (``--progress``); never with
    ``disabled`` (``--no-progress``). Lines printed to a terminal while it shows go through
    :meth:`print`, which clears the bar first and draws it again after.
    """

    def __init__(
        self, err: TextIO, *, total: Callable[[], int | None], forced: bool, disabled: bool, unit: str = "orders"
    ) -> None:
        self.err, self.unit = err, unit
        self.shown = not disabled and (forced or _is_terminal(err))
        self.total = total() if self.shown else None  # counted only when it shows
        self.count = self.drawn = 0
        self.bar: Any = None
        if self.shown:
            try:
                from tqdm import tqdm  # the cli extra: imported only when progress shows
            except ImportError:
                return
            large = (self.total or 0) >= 10_000  # 12.3k/1.00M; a small count reads better whole
            self.bar = tqdm(
                total=self.total, unit=f" {unit}", unit_scale=large, file=err, dynamic_ncols=True, mininterval=0.25
            )

    def update(self, count: int) -> None:
        """``count`` rows are read so far."""
        if not self.shown or count <= self.count:
            return
        if self.bar is not None:
            self.bar.update(count - self.count)
        elif count - self.drawn >= PROGRESS_EVERY:
            self.drawn = count
            print(f"\r{self._plain(count)}", end="", file=self.err, flush=True)
        self.count = count

    def print(self, line: str, out: TextIO) -> None:
        """Print ``line`` to ``out`` without mixing it with the progress on a terminal: the bar,
        or the plain count, is cleared first and drawn again after."""
        if not self.shown or not _is_terminal(out):
            print(line, file=out)
        elif self.bar is not None:
            self.bar.clear()
            print(line, file=out, flush=True)
            self.bar.refresh()
        else:
            count = self._plain(self.drawn) if self.drawn else ""
            print(f"\r{' ' * len(count)}\r", end="", file=self.err, flush=True)
            print(line, file=out, flush=True)
            if count:
                print(f"\r{count}", end="", file=self.err, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.shown:
            print(f"\r{self._plain(self.count)}", file=self.err)

    def _plain(self, count: int) -> str:
        return f"checked {count} {self.unit}" if self.total is None else f"checked {count} of {self.total} {self.unit}"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def count_lines(source: Source) -> int | None:
    """The number of lines of the file, counted fast in its bytes: the total that progress shows
    (a quoted cell that holds a line break makes it more than the rows, and the bar ends short
    of it). ``None`` for a UTF-16 file or one that cannot be read."""
    try:
        encoding, _ = encoding_of(source)
        if encoding != "utf-8":
            return None
        lines, last = 0, b"\n"
        with open(source, "rb") as file:
            while chunk := file.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return lines + (last != b"\n")
    except (OSError, InvalidValueError):
        return None
