"""How ``aliprotect check`` reads rows as people's files hold them: ``-`` for standard input, each
problem reported at the file's own line, every problem of a row at once, and an order id given by
two rows reported. Each holds on the columnar path and on the plain install's path alike."""

from __future__ import annotations

import io
import json
import pathlib
from unittest import mock

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aliprotect import _cli_check, cli
from cli_support import summary

AT = "2025-04-25T09:00:00+02:00"
GOOD = "2025-03-01T10:00:00+01:00"
SHIPPED = "2025-03-03T18:00:00+01:00"


def run(*argv: str, fast: bool = True, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if fast:
        status = cli.main(list(argv), out=out, err=err, stdin=io.BytesIO(stdin))
    else:
        with mock.patch.object(_cli_check, "fast_engine", return_value=None):
            status = cli.main(list(argv), out=out, err=err, stdin=io.BytesIO(stdin))
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(params=[True, False], ids=["columnar", "plain install"])
def fast(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


# --- standard input ------------------------------------------------------------------------------


def test_a_dash_reads_standard_input_as_csv(tmp_path: pathlib.Path, fast: bool) -> None:
    text = f"id,placed_at,shipped_at,protection_days\nA1,{GOOD},{SHIPPED},60\nA2,2025-03-01T10:00:00,,60\n"
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    status, out, err = run("check", "-", "--at", AT, fast=fast, stdin=text.encode())
    from_file = run("check", str(path), "--at", AT, fast=fast)
    assert (status, out) == from_file[:2]
    assert status == 2
    assert summary(out).startswith("1 of 1 orders need action")
    assert err.startswith("aliprotect: <stdin> line 3: placed_at='2025-03-01T10:00:00' has no offset")
    assert err.replace("<stdin>", str(path)) == from_file[2]


def test_standard_input_in_another_format_says_so(tmp_path: pathlib.Path) -> None:
    order = {"id": "J1", "placed_at": GOOD, "shipped_at": SHIPPED, "protection_days": 60}
    lines = (json.dumps(order) + "\n").encode()
    status, out, err = run("check", "-", "--format", "jsonl", "--at", AT, stdin=lines)
    assert (status, err) == (0, "")
    assert "order J1" in out
    status, out, err = run("check", "-", "--at", AT, stdin=lines)  # read as CSV: refused, with the fix
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert "<stdin> must be a CSV file with a header row naming at least placed_at" in err
    assert err.rstrip().endswith("it looks like JSON: give --format jsonl")
    table = pa.table({"id": ["Q1"], "placed_at": pa.array([1_740_823_200_000_000], pa.timestamp("us", "UTC"))})
    sink = io.BytesIO()
    table = table.append_column("shipped_at", pa.array([None], pa.timestamp("us", "UTC")))
    pq.write_table(table.append_column("protection_days", pa.array([60])), sink)
    status, out, err = run("check", "-", "--format", "parquet", "--at", AT, stdin=sink.getvalue())
    assert (status, err) == (0, "")
    assert "0 of 1 orders need action" in summary(out)


def test_timeline_and_reconcile_read_standard_input_too() -> None:
    order = json.dumps({"id": "T1", "placed_at": GOOD, "shipped_at": SHIPPED, "protection_days": 60})
    status, out, err = run("timeline", "--file", "-", stdin=order.encode())
    assert (status, err) == (0, "")
    assert "protection_ends" in out
    status, out, err = run("reconcile", "-", "--format", "jsonl", stdin=b'{"order_id": "1"}\n')
    assert status == 2
    assert err.startswith("aliprotect: <stdin> line 1: order 1: order_status is missing")
    status, _, err = run("reconcile", "-", stdin=b"[]")
    assert status == 2
    assert "<stdin>: AliExpress's records are read from a .json or .jsonl file" in err


# --- the file's own line numbers ---------------------------------------------------------------------


def test_a_problem_is_reported_at_the_line_its_row_starts_on(tmp_path: pathlib.Path, fast: bool) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "id,placed_at,shipped_at,protection_days,carrier\n"  # line 1
        "\n"  # line 2: blank, no row
        f'A1,{GOOD},{SHIPPED},60,"China\nPost"\n'  # lines 3 and 4: one row, a cell across two lines
        f"A2,{GOOD},{SHIPPED},sixty,\n"  # line 5
        "\n"  # line 6
        f"A3,{GOOD},,60,\n"  # line 7
        f"A4,2025-06-01T00:00:00Z,,60,\n",  # line 8: placed after --at
        encoding="utf-8",
    )
    status, out, err = run("check", str(path), "--at", AT, fast=fast)
    assert status == 2
    assert (
        err.splitlines()[0]
        == f"aliprotect: {path} line 5: protection_days 'sixty' must be a whole number of days, like 60"
    )
    assert out.splitlines()[-1].endswith(": A4 (line 8)")
    status, out, _ = run("check", str(path), "--at", AT, "--json", fast=fast)
    report = json.loads(out)
    assert [(row["row"], row["line"]) for row in report["bad_rows"]] == [(2, 5)]
    assert [(row["row"], row["line"]) for row in report["not_yet_placed"]] == [(4, 8)]
    assert report["checked"] == 4


def test_a_json_lines_file_counts_its_lines_and_only_a_line_feed_ends_one(tmp_path: pathlib.Path) -> None:
    good = {"id": "J1\u2028x", "placed_at": GOOD, "shipped_at": SHIPPED, "protection_days": 60}
    path = tmp_path / "orders.jsonl"
    path.write_text(
        json.dumps(good, ensure_ascii=False) + "\n\n" + json.dumps({**good, "id": "J2", "protection_days": 0}) + "\n",
        encoding="utf-8",
    )
    status, out, err = run("check", str(path), "--at", AT)
    assert status == 2
    assert "order J1\\u2028x" in out  # the line separator inside the id did not split the record, and is escaped
    assert err.startswith(f"aliprotect: {path} line 3: protection_days=0 must be a whole number")


# --- every problem of a row -----------------------------------------------------------------------


def test_every_problem_of_a_csv_row_is_reported_not_only_the_first(tmp_path: pathlib.Path, fast: bool) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "id,placed_at,shipped_at,protection_days,amount,currency\n"
        f",{GOOD},2025-13-01T00:00:00Z,0,-1,usd\n"
        f"A2,{GOOD},{SHIPPED},60,1,\n",
        encoding="utf-8",
    )
    status, _, err = run("check", str(path), "--at", AT, fast=fast)
    assert status == 2
    first, second = err.splitlines()[:2]
    assert first.startswith(f"aliprotect: {path} line 2: 5 problems: shipped_at='2025-13-01T00:00:00Z' is not")
    for problem in (
        "amount='-1' must be a finite amount of 0 or more",
        "currency='usd' must be an ISO 4217 code",
        "id='' must be a non-empty string",
        "protection_days=0 must be a whole number of days greater than 0",
    ):
        assert problem in first
    assert second == f"aliprotect: {path} line 3: amount and currency go together: give both or neither"


def test_every_problem_of_a_json_order_is_reported(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps([{"id": "", "placed_at": "soon", "protection_days": 0, "shiped_at": GOOD}]))
    status, _, err = run("check", str(path), "--at", AT)
    assert status == 2
    line = err.splitlines()[0]
    assert line.startswith(f"aliprotect: {path} item 1: 4 problems: document Order: has fields Order does not have")
    assert "Order.placed_at='soon' is not an ISO 8601 date and time" in line
    assert "id='' must be a non-empty string" in line
    assert "protection_days=0 must be" in line


def test_a_row_with_more_cells_than_the_header_is_refused(tmp_path: pathlib.Path, fast: bool) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(f"id,placed_at,protection_days\nA1,{GOOD},60,surplus\nA2,{GOOD},60\n", encoding="utf-8")
    status, out, err = run("check", str(path), "--at", AT, fast=fast)
    assert status == 2
    assert "0 of 1 orders need action" in summary(out)
    assert err.startswith(f"aliprotect: {path} line 2: the row has 4 cells and the header names 3 columns")


# --- an order id given twice ------------------------------------------------------------------------


def test_an_order_id_given_by_two_rows_is_reported(tmp_path: pathlib.Path, fast: bool) -> None:
    path = tmp_path / "orders.csv"
    rows = [f"D{n},{GOOD},{SHIPPED},60" for n in range(1, 6)]
    rows[3] = f"D1,{GOOD},,60"  # line 5 repeats line 2's order
    rows.append(f"D2,{GOOD},{SHIPPED},oops")  # a bad row is no order: not counted as a repeat
    path.write_text("id,placed_at,shipped_at,protection_days\n" + "\n".join(rows) + "\n", encoding="utf-8")
    status, out, err = run("check", str(path), "--at", AT, fast=fast)
    assert status == 2
    lines = err.splitlines()
    assert f"aliprotect: {path} line 5: order D1 is also at line 2; give each order once" in "\n".join(lines)
    assert "D2 is also" not in err
    assert lines[-1] == "aliprotect: error: 1 bad rows of 6 and 1 rows repeat an order id; the other rows were checked"
    status, out, _ = run("check", str(path), "--at", AT, "--json", fast=fast)
    assert json.loads(out)["repeated_ids"] == [{"row": 4, "line": 5, "order_id": "D1", "first_row": 1, "first_line": 2}]


def test_repeated_ids_are_found_across_batches_of_the_columnar_engine(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aliprotect import _fast_check

    monkeypatch.setattr(_fast_check, "BATCH_BYTES", 4096)  # many small batches
    path = tmp_path / "orders.csv"
    rows = [f"R{n},{GOOD},{SHIPPED},60" for n in range(1, 801)]
    rows[700] = f"R3,{GOOD},{SHIPPED},60"
    path.write_text("id,placed_at,shipped_at,protection_days\n" + "\n".join(rows) + "\n", encoding="utf-8")
    fast, plain = run("check", str(path), "--at", AT), run("check", str(path), "--at", AT, fast=False)
    assert fast == plain
    assert fast[0] == 2
    assert f"aliprotect: {path} line 702: order R3 is also at line 4" in fast[2]


def test_an_order_id_given_twice_in_parquet_and_aliexpress_records_is_reported(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.parquet"
    moment = pa.array([1_740_823_200_000_000] * 3, pa.timestamp("us", "UTC"))
    table = {"id": ["P1", "P2", "P1"], "placed_at": moment, "shipped_at": moment, "protection_days": [60] * 3}
    pq.write_table(pa.table(table), path)
    status, _, err = run("check", str(path), "--at", AT)
    assert status == 2
    assert f"aliprotect: {path} row 3: order P1 is also at row 1" in err


def test_only_a_dash_needs_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO())  # no bytes under it, as when embedded or closed
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["timeline", "--placed", GOOD], out=out, err=err) == 0
    assert cli.main(["check", "-", "--at", AT], out=out, err=err) == 2
    assert err.getvalue() == "aliprotect: error: - reads standard input, which is closed here; name a file instead\n"


def test_an_order_id_no_terminal_can_print_is_escaped_not_a_traceback(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps([{"id": "\ud800x", "placed_at": GOOD, "shipped_at": SHIPPED}]), encoding="utf-8")
    status, out, _ = run("check", str(path), "--at", AT)
    assert status == 0
    assert "order \\ud800x" in out
    out.encode("utf-8")  # no lone surrogate left
    status, out, _ = run("check", str(path), "--at", AT, "--json")
    assert status == 0
    out.encode("utf-8")
    assert json.loads(out)["orders"][0]["order_id"] == "\ud800x"  # JSON's own escape keeps it exactly


def test_cells_must_match_the_header_except_empty_ones_at_the_end(tmp_path: pathlib.Path, fast: bool) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "id,placed_at,shipped_at\n"  # line 1
        f"A1,{GOOD},{SHIPPED},,\n"  # line 2: two empty cells past the header, as spreadsheets export: fine
        f"A2,{GOOD}\n"  # line 3: shipped_at has no cell
        f'"A3,{GOOD},{SHIPPED}\n'  # lines 4 to 6: a quote that is never closed swallows the rows below
        f"A4,{GOOD},{SHIPPED}\n"
        f"A5,{GOOD},{SHIPPED}\n",
        encoding="utf-8",
    )
    status, out, err = run("check", str(path), "--at", AT, fast=fast)
    assert status == 2
    assert "1 of 1 orders need action" in summary(out)  # A1
    lines = err.splitlines()
    assert lines[0] == (
        f"aliprotect: {path} line 3: the row has 2 cells and the header names 3 columns: give every column its "
        "cell, an empty one for a missing value"
    )
    assert lines[1] == (
        f"aliprotect: {path} line 4: the row has 1 cells and the header names 3 columns, and a quoted cell runs "
        "from line 4 to line 6: is a closing quote missing?"
    )
    path.write_text(f"id,placed_at\nA1,{GOOD},x\n", encoding="utf-8")
    status, _, err = run("check", str(path), "--at", AT, fast=fast)
    assert (status, err.splitlines()[0]) == (
        2,
        f"aliprotect: {path} line 2: the row has 3 cells and the header names 2 columns; the cells ['x'] are in "
        "no column: quote a cell that holds a comma",
    )
