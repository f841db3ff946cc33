"""The command line on files of AliExpress's records: ``check --aliexpress`` and ``reconcile``."""

from __future__ import annotations

import io
import json
import pathlib

import pytest

from aliexpress_support import detail, whole
from aliprotect import cli
from cli_support import summary

AT = "2024-05-20T09:00:00-07:00"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def records() -> list[dict[str, object]]:
    return [
        whole(detail(order_id="1")),  # protection ends 2024-05-28 00:15:30 PDT
        detail(order_id="2", sends=("2024-06-01 10:00:00",), countdown="2024-08-30 10:00:00"),
        detail(
            order_id="3", status="WAIT_SELLER_SEND_GOODS", logistics="WAIT_SELLER_SEND_GOODS", sends=(), countdown=None
        ),
    ]


@pytest.fixture
def jsonl(tmp_path: pathlib.Path) -> str:
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records()) + "\n", encoding="utf-8")
    return str(path)


def test_check_reads_a_json_lines_file_of_records(jsonl: str) -> None:
    status, out, err = run("check", jsonl, "--aliexpress", "--at", AT, "--json")
    assert (status, err) == (0, "")
    report = json.loads(out)
    assert report["checked"] == 3
    assert [item["order_id"] for item in report["orders"]] == ["1"]  # order 1's last chance is close
    assert report["bad_rows"] == []


@pytest.mark.parametrize("shape", ["array", "list response"])
def test_check_reads_a_json_array_or_a_list_response(tmp_path: pathlib.Path, jsonl: str, shape: str) -> None:
    items = [detail(order_id="1"), *records()[1:]]
    data: object = items
    if shape == "list response":
        data = {"aliexpress_solution_order_get_response": {"result": {"target_list": {"order_dto": items}}}}
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run("check", str(path), "--aliexpress", "--at", AT) == run("check", jsonl, "--aliexpress", "--at", AT)


def test_a_bad_record_is_reported_with_its_line_and_the_others_are_checked(tmp_path: pathlib.Path) -> None:
    lines = [json.dumps(detail(order_id="1")), "{not json", json.dumps(detail(order_id="3", status="WAITING")), "[1]"]
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    status, out, err = run("check", str(path), "--aliexpress", "--at", AT)
    assert status == 2
    assert "1 of 1 orders need action" in summary(out)
    assert f"aliprotect: {path} line 2: not JSON" in err
    assert f"aliprotect: {path} line 3: order 3: order_status='WAITING' is not a status code" in err
    assert f"aliprotect: {path} line 4: holds list, not an order record" in err
    assert "error: 3 bad records of 4; the other records were checked" in err
    assert "Traceback" not in err


def test_a_repeated_hour_is_refused_unless_the_command_says_which(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.jsonl"
    record = detail(created="2024-11-03 01:30:00", sends=("2024-11-05 10:00:00",), countdown=None)
    path.write_text(json.dumps(record), encoding="utf-8")
    status, _, err = run("check", str(path), "--aliexpress", "--at", "2024-11-20T09:00:00-08:00")
    assert status == 2
    assert "falls in the hour US Pacific time repeats" in err
    status, out, _ = run(
        "check", str(path), "--aliexpress", "--at", "2024-11-20T09:00:00-08:00", "--repeated-hour", "later"
    )
    assert status == 0
    assert "of 1 orders need action" in summary(out)


def test_records_need_a_json_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("id,gmt_create\n1,2024-02-24 15:00:51\n", encoding="utf-8")
    status, _, err = run("check", str(path), "--aliexpress", "--at", AT)
    assert status == 2
    assert "AliExpress's records are read from a .json or .jsonl file" in err


def test_reconcile_says_per_order_whether_aliprotect_and_aliexpress_agree(jsonl: str) -> None:
    status, out, err = run("reconcile", jsonl, "--rulebook", "observed.2")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (
        "2 of 2 orders agree with AliExpress's countdown to the second (rulebook observed.2); "
        "1 have no countdown of buyer protection"
    )
    assert lines[1] == "order 1: agrees: agree to the second"
    assert lines[3].startswith("order 3: not compared: the record has no over_time_left")
    status, out, _ = run("reconcile", jsonl, "--rulebook", "2025.1", "--json")
    report = json.loads(out)
    first = report["orders"][0]
    assert (first["order_id"], first["agrees"], first["difference_seconds"]) == ("1", False, -3600.0)
    assert "rulebook observed.2 counts as AliExpress does" in first["reason"]
    assert report["orders"][1]["agrees"]  # shipped and ended in summer time: no change in between


def test_reconcile_reports_bad_records_and_exits_2(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps([detail(order_id="1"), {"order_id": "2"}]), encoding="utf-8")
    status, out, err = run("reconcile", str(path))
    assert status == 2
    assert out.startswith("0 of 1 orders agree")  # the latest rulebook keeps the Pacific wall-clock time
    assert f"aliprotect: {path} item 2: order 2: order_status is missing" in err
    path.write_text("{", encoding="utf-8")
    status, _, err = run("reconcile", str(path))
    assert status == 2
    assert err.count("\n") == 1
    assert "is not JSON" in err


def test_one_bad_record_does_not_stop_reconcile_and_junk_json_never_escapes(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.jsonl"
    huge = json.dumps(detail(order_id="1", commit_days=(10**20,)))
    long_int = '{"id": ' + "9" * 5000 + "}"
    twice = '{"id": "3", "over_time_left": "2024-05-28 00:15:30", "over_time_left": "2024-05-28 00:15:31"}'
    path.write_text("\n".join([huge, long_int, twice, json.dumps(detail(order_id="4"))]), encoding="utf-8")
    status, out, err = run("reconcile", str(path), "--rulebook", "observed.2")
    assert status == 2
    assert "order 4: agrees" in out
    assert f"{path} line 1: order 1: child_order_list[0].freight_commit_day=" in err
    assert f"{path} line 2: not JSON" in err
    assert f"{path} line 3: the field 'over_time_left' appears twice in one object" in err
    assert "Traceback" not in err


def test_the_rules_of_a_rulebook_say_which_days_it_counts_on_another_calendar() -> None:
    import aliprotect
    from aliprotect.display import rules_markdown

    status, out, _ = run("rules", "--rulebook", "observed.2")
    assert status == 0
    assert out.splitlines()[1].startswith(
        "days of protection.period, protection.extension counted on the calendar of Asia/Shanghai; "
        "sources: response 2024 target.over_time_left"
    )
    _, latest, _ = run("rules", "--rulebook", "2025.1")
    assert "counted on the calendar" not in latest
    assert "are counted on the calendar of Asia/Shanghai" in rules_markdown(aliprotect.rulebook("observed.2"))


def test_a_record_naming_a_field_twice_in_a_json_array_is_refused_at_its_item(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.json"
    twice = '{"id": "3", "over_time_left": "2024-05-28 00:15:30", "over_time_left": "2024-05-28 00:15:31"}'
    path.write_text(f"[{json.dumps(detail(order_id='4'))}, {twice}]", encoding="utf-8")
    status, out, err = run("reconcile", str(path), "--rulebook", "observed.2")
    assert status == 2
    assert "order 4: agrees" in out
    assert f"{path} item 2: the field 'over_time_left' appears twice in one object" in err


def test_a_list_response_naming_a_field_twice_outside_its_records_is_refused_whole(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "page.json"
    response = json.dumps({"result": {"target_list": {"order_dto": [detail(order_id="4")]}}})
    path.write_text(response[:-1] + ', "result": {}}', encoding="utf-8")
    status, out, err = run("reconcile", str(path), "--rulebook", "observed.2")
    assert (status, out) == (2, "")
    assert err == (
        f"aliprotect: error: {path}: the field 'result' appears twice in one object, and JSON would keep only the "
        "last; give it once\n"
    )
