"""``aliprotect check`` of CSV, JSON Lines and Parquet files: each kind of file gives the same
answer about the same orders, and a plain install says what it cannot do and how to get it."""

from __future__ import annotations

import io
import json
import pathlib
from unittest import mock

import pendulum
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aliprotect import _cli_check, cli
from cli_support import summary

AT = "2025-04-25T09:00:00+02:00"
ORDERS = [
    # id, zone, placed, shipped, received, protection days
    ("P1", "Europe/Paris", (2025, 3, 1, 10), (2025, 3, 3, 18), None, 60),
    ("P2", "Europe/Paris", (2025, 3, 1, 11), (2025, 3, 2, 8), (2025, 3, 28, 12), 75),
    ("P3", "Asia/Shanghai", (2025, 3, 20, 9), None, None, 60),
    ("P4", "America/New_York", (2025, 2, 20, 9), (2025, 2, 22, 9), None, 60),
    ("P5", "America/New_York", (2024, 11, 1, 9), (2024, 11, 2, 9), None, 60),
]


def _instant(zone: str, parts: tuple[int, ...] | None) -> pendulum.DateTime | None:
    return None if parts is None else pendulum.datetime(*parts, tz=zone)


def run(*argv: str, fast: bool = True) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if fast:
        status = cli.main(list(argv), out=out, err=err)
    else:
        with mock.patch.object(_cli_check, "fast_engine", return_value=None):
            status = cli.main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _csv(path: pathlib.Path) -> None:
    lines = ["id,placed_at,shipped_at,received_at,protection_days"]
    for order_id, zone, placed, shipped, received, days in ORDERS:
        cells = [_instant(zone, parts) for parts in (placed, shipped, received)]
        written = ["" if cell is None else f"{cell.isoformat()}[{zone}]" for cell in cells]
        lines.append(",".join([order_id, *written, str(days)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _jsonl(path: pathlib.Path) -> None:
    lines = []
    for order_id, zone, placed, shipped, received, days in ORDERS:
        fields = {"id": order_id, "protection_days": days}
        for name, parts in (("placed_at", placed), ("shipped_at", shipped), ("received_at", received)):
            instant = _instant(zone, parts)
            if instant is not None:
                fields[name] = f"{instant.isoformat()}[{zone}]"
        lines.append(json.dumps(fields))
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")


def _parquet(path: pathlib.Path) -> None:
    def column(index: int) -> pa.Array:
        values = [_instant(order[1], order[index]) for order in ORDERS]  # type: ignore[arg-type]
        return pa.array([None if value is None else value.in_timezone("UTC") for value in values]).cast(
            pa.timestamp("us", "UTC")
        )

    table = pa.table(
        {
            "id": [order[0] for order in ORDERS],
            "placed_at": column(2),
            "shipped_at": column(3),
            "received_at": column(4),
            "protection_days": [order[5] for order in ORDERS],
            "zone": [order[1] for order in ORDERS],
        }
    )
    pq.write_table(table, path)


def test_csv_json_lines_and_parquet_give_the_same_answer(tmp_path: pathlib.Path) -> None:
    paths = {suffix: tmp_path / f"orders.{suffix}" for suffix in ("csv", "jsonl", "parquet")}
    _csv(paths["csv"])
    _jsonl(paths["jsonl"])
    _parquet(paths["parquet"])
    answers = {suffix: run("check", str(path), "--at", AT) for suffix, path in paths.items()}
    status, out, err = answers["csv"]
    assert (status, err) == (0, "")
    assert "2 of 5 orders need action" in summary(out)
    assert "order P1" in out
    assert "order P4" in out
    assert "order P2" not in out  # its last chance, 15 days after receipt, has passed
    assert answers["jsonl"] == answers["csv"]
    assert answers["parquet"] == answers["csv"]
    assert run("check", str(paths["csv"]), "--at", AT, fast=False) == answers["csv"]


def test_a_json_lines_file_names_the_line_that_is_not_json(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.jsonl"
    path.write_text('{"id": "J1", "placed_at": "2025-03-01T10:00:00Z"}\n{oops\n', encoding="utf-8")
    status, _, err = run("check", str(path), "--at", AT)
    assert status == 2
    assert (
        f"aliprotect: {path} line 2: not JSON: Expecting property name enclosed in double quotes at column 2\n" in err
    )
    assert "line 1 column" not in err  # the decoder's own place would be read as the file's line 1
    assert "1 bad rows of 2; the other rows were checked" in err  # J1 was still checked


def test_a_plain_install_cannot_read_parquet_and_says_how_to(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.parquet"
    _parquet(path)
    status, out, err = run("check", str(path), "--at", AT, fast=False)
    assert (status, out) == (2, "")
    hint = "reading Parquet needs the frames extra: pip install 'aliprotect[frames]'"
    assert err == f"aliprotect: error: {path}: {hint}\n"


def test_a_plain_install_says_in_one_line_how_to_check_a_large_file_faster(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.csv"
    _csv(path)
    with mock.patch.object(_cli_check, "LARGE", 10):
        status, out, err = run("check", str(path), "--at", AT, fast=False)
    assert status == 0
    assert err == "aliprotect: hint: pip install 'aliprotect[frames]' checks large files several times faster\n"
    assert "2 of 5 orders need action" in summary(out)


def _parquet_with(
    path: pathlib.Path, change: dict[str, object] | None = None, rename: dict[str, str] | None = None
) -> None:
    _parquet(path)
    table = pq.read_table(path)
    for name, values in (change or {}).items():
        table = table.set_column(table.schema.get_field_index(name), name, pa.array(values))
    if rename:
        table = table.rename_columns([rename.get(name, name) for name in table.column_names])
    pq.write_table(table, path)


@pytest.mark.parametrize(
    ("rename", "message"),
    [
        ({"shipped_at": "shipped"}, "no column 'shipped_at'"),
        ({"zone": "timezone"}, "'timezone' that looks like 'zone'"),
        ({"id": "order_id"}, "no column 'id'"),
        ({"zone": "extensions"}, "has an extensions column"),
    ],
)
def test_a_parquet_file_with_a_wrong_column_is_refused_whole(
    tmp_path: pathlib.Path, rename: dict[str, str], message: str
) -> None:
    path = tmp_path / "orders.parquet"
    _parquet_with(path, rename=rename)
    status, out, err = run("check", str(path), "--at", AT)
    assert (status, out) == (2, "")
    assert message in err
    assert err.count("\n") == 1


def test_a_parquet_row_without_an_id_is_a_bad_row_and_the_others_are_checked(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.parquet"
    _parquet_with(path, change={"id": [None, "P2", "P3", "P4", "P5"]})
    status, out, err = run("check", str(path), "--at", AT)
    assert status == 2
    assert "1 of 4 orders need action" in summary(out)  # P4; the row without an id is not an order
    assert "order None" not in out
    assert f"aliprotect: {path} row 1: id=None must be a non-empty string" in err


@pytest.mark.parametrize(
    "row",
    [
        "A,2025-03-01T00:00:00Z,2025-03-02T00:00:00Z,213503982",  # days past the year 9999
        "A,2025-03-01T00:00:00+05:45[+0545],2025-03-02T00:00:00+05:45[+0545],60",  # not a zone of the tz database
        "A,2025-03-01T00:00:00Z,2025-03-02T00:00:00Z,60,a\u2028line separator",
    ],
)
def test_odd_rows_get_the_same_answer_on_both_paths(tmp_path: pathlib.Path, row: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(f"id,placed_at,shipped_at,protection_days,note\n{row}\nB,2025-03-01T00:00:00Z,,60\n", "utf-8")
    for at in ("2025-03-20T00:00:00Z", "2026-01-01T00:00:00Z"):
        fast = run("check", str(path), "--at", at, "--extra", "note")
        assert fast == run("check", str(path), "--at", at, "--extra", "note", fast=False)
        assert "is not one check reads" not in fast[2]  # the rows were read, not the header refused


def test_a_file_that_is_not_utf8_is_refused_in_one_line_naming_the_byte(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(b"id,placed_at\nA1,2025-03-01T10:00:00+01:00\xff\n")
    for fast in (True, False):
        status, out, err = run("check", str(path), "--at", AT, fast=fast)
        assert (status, out) == (2, "")
        assert (
            err
            == f"aliprotect: error: {path} is not UTF-8 text: byte 41 (0xff) cannot be read; save the file as UTF-8\n"
        )


def test_with_the_frames_extra_check_has_its_columnar_engine() -> None:
    # the tests above compare the columnar path with the scalar one: they would compare the scalar
    # path with itself if the engine failed to import
    assert _cli_check.fast_engine() is not None


def _typed(path: pathlib.Path, **columns: pa.Array) -> None:
    moment = pa.array([1_740_823_200_000_000], pa.timestamp("us", "UTC"))  # 2025-03-01T10:00:00Z
    shipped = pa.array([1_740_996_000_000_000], pa.timestamp("us", "UTC"))  # 2025-03-03T10:00:00Z
    table = {"id": pa.array(["T1"]), "placed_at": moment, "shipped_at": shipped, "protection_days": pa.array([60])}
    pq.write_table(pa.table({**table, **columns}), path)


def test_a_parquet_file_with_numeric_order_ids_lists_its_orders_by_those_numbers(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.parquet"
    _typed(path, id=pa.array([8012345678901234]))
    status, out, err = run("check", str(path), "--at", "2025-03-20T00:00:00Z")
    assert (status, err) == (0, "")
    assert "1 of 1 orders need action" in summary(out)
    assert "order 8012345678901234" in out


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"placed_at": pa.array([400_000_000_000], pa.timestamp("s", "UTC"))}, "placed_at"),
        ({"zone": pa.array([""])}, "zone=''"),
    ],
)
def test_a_parquet_row_python_cannot_read_is_a_bad_row_not_a_traceback(
    tmp_path: pathlib.Path, columns: dict[str, pa.Array], message: str
) -> None:
    path = tmp_path / "orders.parquet"
    _typed(path, **columns)
    status, out, err = run("check", str(path), "--at", "2025-03-20T00:00:00Z")
    assert status == 2
    assert "0 of 0 orders need action" in summary(out)
    assert err.startswith(f"aliprotect: {path} row 1: ")
    assert message in err
    assert "Traceback" not in err


def test_a_parquet_column_in_a_zone_the_tz_database_lacks_is_refused_whole(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.parquet"
    _typed(path, placed_at=pa.array([1_740_823_200_000_000], pa.timestamp("us", "Mars/Base")))
    status, out, err = run("check", str(path), "--at", "2025-03-20T00:00:00Z")
    assert (status, out) == (2, "")
    assert err.startswith("aliprotect: error: column 'placed_at' of orders (placed_at): zone='Mars/Base'")


# --- files as people's files are (issue: nothing lost, nothing foreign) -----------------------------

_HEADER = "id,placed_at,shipped_at,protection_days\n"
_ROW = "A,2025-03-01T10:00:00+01:00,2025-03-03T10:00:00+01:00,60\n"


@pytest.mark.parametrize(
    ("encoding", "mark"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")],
)
@pytest.mark.parametrize("fast", [True, False])
def test_utf8_with_or_without_a_bom_and_utf16_with_one_read_alike(
    tmp_path: pathlib.Path, encoding: str, mark: bytes, fast: bool
) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(mark + (_HEADER + _ROW).encode(encoding))
    status, out, err = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00", fast=fast)
    assert (status, err) == (0, "")
    assert "1 of 1 orders need action" in summary(out)  # the BOM did not eat the id column


def test_a_file_in_no_encoding_it_could_be_names_the_byte(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes((_HEADER + "Café").encode("latin-1"))
    status, _, err = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00")
    assert status == 2
    assert f"{path} is not UTF-8 text: byte {len(_HEADER) + 3} (0xe9) cannot be read" in err
    path.write_bytes(b"\xff\xfe" + b"\x00\xd8")  # UTF-16 with a lone surrogate
    status, _, err = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00")
    assert status == 2
    assert "is not UTF-16 text: byte 2" in err


@pytest.mark.parametrize("fast", [True, False])
def test_a_misnamed_or_unknown_column_is_an_error_unless_marked_as_the_user_s_own(
    tmp_path: pathlib.Path, fast: bool
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(_HEADER.replace("shipped_at", "shipped") + _ROW, encoding="utf-8")
    status, out, err = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00", fast=fast)
    assert (status, out) == (2, "")
    assert "the column 'shipped' is not one check reads; did you mean 'shipped_at'?" in err
    path.write_text(_HEADER.replace("\n", ",note\n") + _ROW.replace("\n", ",gift\n"), encoding="utf-8")
    status, _, err = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00", fast=fast)
    assert status == 2
    assert "the column 'note' is not one check reads, or pass --extra 'note'" in err
    status, out, err = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00", "--extra", "note", fast=fast)
    assert (status, err) == (0, "")
    assert "1 of 1 orders need action" in summary(out)


@pytest.mark.parametrize("fast", [True, False])
def test_a_cell_longer_than_python_s_csv_default_is_read_on_both_paths(tmp_path: pathlib.Path, fast: bool) -> None:
    import csv

    path = tmp_path / "orders.csv"
    path.write_text(_HEADER + _ROW + "B" + "x" * 200_000 + ",2025-03-01T10:00:00+01:00,,60\n", encoding="utf-8")
    status, out, err = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00", fast=fast)
    assert (status, err) == (0, "")
    assert "1 of 2 orders need action" in summary(out)
    assert csv.field_size_limit() == 131_072  # the process's own limit is as it was


def test_an_instant_near_the_year_1_is_refused_in_one_line(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(_HEADER + _ROW, encoding="utf-8")
    status, out, err = run("check", str(path), "--at", "0001-01-01T00:00:00+01:00[UTC]")
    assert (status, out) == (2, "")
    assert err == (
        "aliprotect: error: --at='0001-01-01T00:00:00+01:00[UTC]' falls outside the years 1 to 9999 that "
        "aliprotect's instants can have\n"
    )


@pytest.mark.parametrize("fast", [True, False])
def test_an_order_placed_after_at_is_not_yet_placed_not_a_bad_row(tmp_path: pathlib.Path, fast: bool) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(_HEADER + _ROW + "B,2025-06-01T10:00:00+01:00,,60\n", encoding="utf-8")
    status, out, err = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00", fast=fast)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert summary("\n".join(lines)).startswith("1 of 1 orders need action")
    assert lines[-1] == "1 orders were not yet placed at 2025-05-01T00:00:00+01:00: B (line 3)"
    status, out, _ = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00", "--json", fast=fast)
    report = json.loads(out)
    assert (report["not_yet_placed"], report["bad_rows"]) == ([{"row": 2, "line": 3, "order_id": "B"}], [])


def test_an_unknown_parquet_column_is_an_error_unless_marked_as_the_user_s_own(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.parquet"
    _parquet_with(path)
    table = pq.read_table(path)
    pq.write_table(table.append_column("note", pa.array(["gift"] * table.num_rows)), path)
    status, out, err = run("check", str(path), "--at", AT)
    assert (status, out) == (2, "")
    assert "the column 'note' is not one check reads, or pass --extra 'note'" in err
    status, out, err = run("check", str(path), "--at", AT, "--extra", "note")
    assert (status, err) == (0, "")
    assert "2 of 5 orders need action" in summary(out)


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("column", ["shipped_at", "id"])
def test_a_column_named_twice_is_refused_naming_both_places(tmp_path: pathlib.Path, fast: bool, column: str) -> None:
    path = tmp_path / "orders.csv"
    header = _HEADER.rstrip("\n").split(",")
    cells = _ROW.rstrip("\n").split(",")
    where = header.index(column)
    path.write_text(
        ",".join([*header, column]) + "\n" + ",".join([*cells, "" if column == "shipped_at" else "OTHER"]) + "\n",
        encoding="utf-8",
    )
    status, out, err = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00", fast=fast)
    assert (status, out) == (2, "")
    assert err == (
        f"aliprotect: error: {path}: the column '{column}' comes twice (columns {where + 1} and "
        f"{len(header) + 1}), and a row's two cells cannot both be read under one name: give each column a name "
        "of its own\n"
    )


@pytest.mark.parametrize("suffix", ["json", "jsonl"])
def test_a_json_order_naming_a_field_twice_is_a_bad_row_and_the_others_are_checked(
    tmp_path: pathlib.Path, suffix: str
) -> None:
    good = '{"id": "A", "placed_at": "2025-03-01T10:00:00+01:00", "shipped_at": "2025-03-03T18:00:00+01:00"}'
    twice = (
        '{"id": "B", "placed_at": "2025-03-01T10:00:00+01:00", "shipped_at": "2025-03-03T18:00:00+01:00", '
        '"shipped_at": null}'
    )
    path = tmp_path / f"orders.{suffix}"
    path.write_text(f"[{good}, {twice}]" if suffix == "json" else f"{good}\n{twice}\n", encoding="utf-8")
    status, out, err = run("check", str(path), "--at", "2025-05-01T00:00:00+01:00")
    assert status == 2
    assert "1 of 1 orders need action" in summary(out)
    where = "item 2" if suffix == "json" else "line 2"
    assert f"{where}: the field 'shipped_at' appears twice in one object, and JSON would keep only the last" in err


def test_an_empty_file_is_said_to_be_empty(tmp_path: pathlib.Path) -> None:
    for text in ("", "\n\n  \n"):
        path = tmp_path / "orders.csv"
        path.write_text(text, encoding="utf-8")
        status, out, err = run("check", str(path), "--at", AT)
        assert (status, out) == (2, "")
        assert "is empty" in err
        assert "JSON" not in err
