"""The command line never prints a traceback: on junk files and junk arguments it exits 0, or 2
after messages that each take one line and start with ``aliprotect:``."""

from __future__ import annotations

import contextlib
import io
import json
import pathlib
import re
import tempfile

from hypothesis import given, settings
from hypothesis import strategies as st

from aliprotect import cli

HEADER = ["id", "placed_at", "shipped_at", "received_at", "delivered_at", "protection_days", "extensions", "carrier"]
CELLS = st.one_of(
    st.sampled_from(["", "A1", "60", "0", "-5", "1e9", "99999999999999999999", "EMS", "15@2025-03-20T10:00:00Z"]),
    st.sampled_from(
        [
            "2025-03-01T10:00:00+01:00",
            "2025-03-01T10:00:00",
            "0001-01-01T00:00:00+01:00[UTC]",
            "9999-12-31T23:59:59-12:00",
            "2025-03-10T02:30:00[America/Los_Angeles]",
            "2025-02-30T10:00:00Z",
        ]
    ),
    st.text(max_size=12),
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    names = draw(st.lists(st.sampled_from([*HEADER, "shipped", "note", ""]), min_size=1, max_size=9))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=10), max_size=5))
    text = "\n".join(",".join(json.dumps(c) if "," in c or '"' in c else c for c in row) for row in [names, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | CELLS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(HEADER) | st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)
FILES = st.one_of(
    csv_files(),
    st.binary(max_size=200),
    JSONISH.map(lambda value: json.dumps(value).encode()),
    st.lists(JSONISH, max_size=4).map(lambda items: "\n".join(json.dumps(i) for i in items).encode()),
)
OPTIONS = st.lists(
    st.sampled_from(
        [
            "--json",
            "--aliexpress",
            "--progress",
            "--no-progress",
            "--sort",
            "urgency",
            "--rulebook",
            "2025.1",
            "observed.2",
            "1999.1",
            "--role",
            "dropshipper",
            "--repeated-hour",
            "later",
            "--extra",
            "note",
            "--format",
            "csv",
            "jsonl",
            "parquet",
            "--alarm",
            "--within",
            "0",
            "-1",
        ]
    ),
    max_size=4,
)


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):  # argparse writes to sys.stderr
            status = cli.main(argv, out=out, err=err, stdin=io.BytesIO(stdin))
    except SystemExit as stop:  # argparse refusing the arguments, with its usage line
        status = int(stop.code or 0)
    return status, err.getvalue()


def _check_exit(status: int, err: str, name: str | None = None) -> None:
    assert "Traceback" not in err, err
    assert status in (0, 2), (status, err)
    if status == 2 and not err.startswith("usage:"):
        # each message one line of its own (\\n ends it; a \\r inside it would split it on a terminal)
        lines = [line for line in err.split("\n") if line and not line.startswith("\r")]  # progress
        assert lines, "exit 2 with no message"
        assert all(line.startswith("aliprotect: ") and "\r" not in line for line in lines), err
        if name is not None:  # a problem of one row names the file and where the row is in it
            rows = [line for line in lines if not line.startswith(("aliprotect: error: ", "aliprotect: hint: "))]
            assert all(re.match(rf"aliprotect: {re.escape(name)} (line|item|row) \d+: ", line) for line in rows), err


@settings(deadline=None)
@given(
    FILES,
    st.sampled_from([".csv", ".json", ".jsonl", ".parquet", ".txt"]),
    st.sampled_from(["check", "calendar", "reconcile", "timeline"]),
    OPTIONS,
    CELLS,
)
def test_junk_files_never_make_a_traceback(data: bytes, suffix: str, command: str, options: list[str], at: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / f"orders{suffix}"
        path.write_bytes(data)
        if command in ("check", "calendar"):
            argv = [command, str(path), "--at", at, *options]
        elif command == "reconcile":
            argv = ["reconcile", str(path), *options]
        else:
            argv = ["timeline", "--file", str(path), *options]
        _check_exit(*run(argv), name=str(path))


@settings(deadline=None)
@given(FILES, st.sampled_from(["check", "calendar", "reconcile"]), OPTIONS, CELLS)
def test_junk_on_standard_input_never_makes_a_traceback(data: bytes, command: str, options: list[str], at: str) -> None:
    argv = [command, "-", "--at", at, *options] if command != "reconcile" else ["reconcile", "-", *options]
    _check_exit(*run(argv, stdin=data), name="<stdin>")


@settings(deadline=None)
@given(
    st.lists(
        st.one_of(
            CELLS,
            st.sampled_from(
                [
                    "timeline",
                    "check",
                    "calendar",
                    "completion",
                    "bash",
                    "rules",
                    "rulebooks",
                    "reconcile",
                    "--placed",
                    "--shipped",
                    "--protection-days",
                    "--extension",
                    "--carrier",
                    "--at",
                    "--alarm",
                    "-o",
                    "-",
                ]
            ),
        ),
        max_size=7,
    )
)
def test_junk_arguments_never_make_a_traceback(argv: list[str]) -> None:
    _check_exit(*run(argv))
