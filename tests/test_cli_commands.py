"""The command line's other commands: timeline from a file, rules, rulebooks, and check of many orders."""

import io
import json
import pathlib
import sys
from typing import Any

import pendulum
import pytest

import aliprotect
from aliprotect import _cli_check
from aliprotect.cli import main
from cli_support import summary

RULES = aliprotect.rulebook("2025.1")
HEADER = "id,placed_at,shipped_at,received_at,protection_days,extensions,amount,currency\n"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_timeline_from_a_json_file_of_plain_fields(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "order.json"
    path.write_text(
        json.dumps({"id": "F1", "placed_at": "2025-03-01T10:00:00+08:00", "shipped_at": "2025-03-03T09:00:00+08:00"})
    )
    status, out, _ = run("timeline", "--file", str(path), "--json")
    assert status == 0
    data = json.loads(out)
    assert data["order_id"] == "F1"
    assert data["deadlines"][-1] == {
        "name": "dispute_closes",
        "at": "2025-05-17T09:00:00+08:00",
        "description": "last chance: a dispute can no longer be opened from now on",
        "rule_ids": ["open.latest"],
        "rulebook": "2025.2",  # the latest, when none is given
    }


def test_timeline_from_an_aliprotect_document(tmp_path: pathlib.Path) -> None:
    order = aliprotect.Order(
        id="F2",
        placed_at=pendulum.datetime(2025, 3, 1, tz="Asia/Shanghai"),
        shipped_at=pendulum.datetime(2025, 3, 2, tz="Asia/Shanghai"),
        protection_days=45,
    )
    path = tmp_path / "order.json"
    path.write_text(aliprotect.to_json(order))
    status, out, _ = run("timeline", "--file", str(path))
    assert status == 0
    assert "2025-04-16T00:00:00+08:00  protection_ends" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ("[1, 2]", "an order is a JSON object of its fields, not list"),
        ('{"id": "F3", "placed_at": "2025-03-01T10:00:00"}', "has no offset and no zone"),
        (json.dumps(aliprotect.to_data(aliprotect.Money("1", "EUR"))), "holds a Money, not an Order"),
    ],
)
def test_a_bad_order_file_is_one_line_and_status_2(tmp_path: pathlib.Path, content: str, message: str) -> None:
    path = tmp_path / "order.json"
    path.write_text(content)
    status, _, err = run("timeline", "--file", str(path))
    assert status == 2
    assert message in err
    assert err.count("\n") == 1


def test_timeline_needs_a_file_or_the_options_not_both(tmp_path: pathlib.Path) -> None:
    status, _, err = run("timeline", "--file", str(tmp_path / "missing.json"))
    assert (status, "cannot read") == (2, err.split(": ")[2][:11])
    status, _, err = run("timeline", "--file", "x.json", "--placed", "2025-03-01T10:00:00Z")
    assert status == 2
    assert "either with --file or with --placed" in err


def test_rules_lists_every_rule_with_its_sources() -> None:
    status, out, _ = run("rules", "--rulebook", "2025.1")
    assert status == 0
    for rule in RULES.rules.values():
        assert f"\n{rule.id}" in out
        assert f"    sources: {'; '.join(c.where() for c in rule.citations)}" in out
    for source in RULES.sources.values():
        assert f"    {source.credit()}; {source.url}" in out
    assert "seller reply time: 5 days for the reply" in out
    assert "superseded by 2025.2 since 2026-11-23: two citations pointed at the wrong line" in out
    status, out, _ = run("rules", "--json")
    assert json.loads(out)["rulebook"]["version"] == "2025.2"  # the latest, when none is given


def test_rulebooks_lists_versions_dates_and_fingerprints() -> None:
    status, out, _ = run("rulebooks")
    assert status == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [book.version for book in aliprotect.rulebooks()]
    assert lines[0].startswith("2010.1  in force from 2010-01-01 (assumed)")
    assert lines[1].startswith("2013.1  in force from 2013-08-01 (stated)")
    assert lines[1].endswith("  [superseded by 2013.2]")
    assert lines[9].startswith(f"2025.1  in force from 2025-01-01 (seen)  {RULES.fingerprint}")
    assert lines[10].startswith("2025.2  in force from 2025-01-01 (seen)")
    assert not lines[10].endswith("]")
    assert lines[11].startswith("observed.1  in force from 2019-03-06 (seen)")
    assert lines[12].startswith("observed.2  in force from 2019-03-06 (seen)")
    assert lines[13].startswith("undated.1  in force from an unknown date (unknown)")
    assert lines[14].startswith("undated.2  in force from an unknown date (unknown)")
    assert lines[14].endswith("  [superseded by undated.4]")
    status, out, _ = run("rulebooks", "--json")
    listed = {book["version"]: book for book in json.loads(out)}
    assert listed["2025.1"]["fingerprint"] == RULES.fingerprint
    assert listed["2025.1"]["superseded_by"] == "2025.2"
    assert "two citations pointed at the wrong line" in listed["2025.1"]["superseded_why"]
    assert listed["2025.2"]["superseded_by"] is None
    assert listed["undated.1"]["in_force_from"] is None


def _order(n: int) -> aliprotect.Order:
    day = 1 + n % 28
    return aliprotect.Order(
        id=f"O{n}",
        placed_at=pendulum.parse(f"2025-02-{day:02d}T10:00:00+01:00"),  # type: ignore[arg-type]
        shipped_at=pendulum.parse(f"2025-02-{day:02d}T18:00:00+01:00"),  # type: ignore[arg-type]
        protection_days=60,
    )


def _csv(rows: int, bad_every: int) -> str:
    lines = [HEADER]
    for n in range(1, rows + 1):
        day = 1 + n % 28
        if n % bad_every == 0:
            lines.append(f"B{n},2025-03-{day:02d}T10:00:00,,,60,,,\n")  # naive: refused
        else:
            lines.append(f"O{n},2025-02-{day:02d}T10:00:00+01:00,2025-02-{day:02d}T18:00:00+01:00,,60,,12.50,EUR\n")
    return "".join(lines)


def test_check_ten_thousand_orders_reports_the_bad_rows_and_checks_the_rest(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(_csv(10_000, bad_every=997))
    status, out, err = run("check", str(path), "--at", "2025-04-20T09:00:00+02:00")
    assert status == 2  # some rows were bad; the good ones are still checked and printed
    bad_lines = [line for line in err.splitlines() if line.startswith(f"aliprotect: {path} line ")]
    assert len(bad_lines) == 10
    # row 997 is on line 998, after the header
    assert bad_lines[0].startswith(
        f"aliprotect: {path} line 998: placed_at='2025-03-18T10:00:00' has no offset and no zone"
    )
    assert "10 bad rows of 10000; the other rows were checked" in err
    # an order needs action while its dispute window is open; for the others it is too late
    at = pendulum.datetime(2025, 4, 20, 9, tz="Europe/Paris")
    still_open = sum(
        1 for n in range(1, 10_001) if n % 997 and at < aliprotect.dispute_window(_order(n), rules=RULES).closes
    )
    assert 0 < still_open < 9990
    assert summary(out) == f"{still_open} of 9990 orders need action at 2025-04-20T09:00:00+02:00 (rulebook 2025.2)"
    assert ("\n" + out).count("\norder O") == still_open


def test_check_as_json_puts_the_most_urgent_first(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.json"
    orders = [
        {"id": "late", "placed_at": "2025-02-24T10:00:00Z", "shipped_at": "2025-02-25T10:00:00Z"},
        {"id": "early", "placed_at": "2025-04-01T10:00:00Z", "shipped_at": "2025-04-02T10:00:00Z"},
        {"id": "fresh", "placed_at": "2025-04-18T10:00:00Z"},
        {"id": "broken", "placed_at": "soon"},
    ]
    path.write_text(json.dumps(orders))
    status, out, _ = run("check", str(path), "--at", "2025-04-20T10:00:00Z", "--json", "--role", "dropshipper")
    assert status == 2
    data = json.loads(out)
    assert [o["order_id"] for o in data["orders"]] == ["late", "early"]
    assert data["orders"][0]["advice"][0]["urgency"] == "now"
    assert data["bad_rows"] == [
        {
            "row": 4,
            "line": None,  # an item of a JSON array, not a line of its own
            "error": "Order.placed_at='soon' is not an ISO 8601 date and time; "
            "write it like 2025-03-01T10:00:00+08:00 or 2025-03-01T10:00:00[Asia/Shanghai]",
        }
    ]
    assert "reship" in [a["action"] for a in data["orders"][1]["advice"]]


class Terminal(io.StringIO):
    """Standard error as a terminal would be."""

    def isatty(self) -> bool:
        return True


def run_with(argv: list[str], err: io.StringIO) -> tuple[int, str, str]:
    out = io.StringIO()
    status = main(argv, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_check_shows_a_bar_with_the_total_the_rate_and_the_time_left_when_asked(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(_csv(2500, bad_every=10_000))
    status, _, err = run("check", str(path), "--at", "2025-04-20T09:00:00+02:00", "--progress")
    assert status == 0
    assert "2500/2500" in err  # the count and the total (the file's lines, less the header)
    assert "orders/s" in err  # the rate
    assert "<00:00" in err or "<?" in err  # the time left


def test_check_shows_progress_on_a_terminal_only(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(_csv(1500, bad_every=10_000))
    argv = ["check", str(path), "--at", "2025-04-20T09:00:00+02:00"]
    assert run_with(argv, io.StringIO())[2] == ""  # not a terminal: nothing
    assert "1500/1500" in run_with(argv, Terminal())[2]
    assert run_with([*argv, "--no-progress"], Terminal())[2] == ""


def test_without_tqdm_progress_is_a_plain_count_of_the_total(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if the cli extra were not installed
    path = tmp_path / "orders.csv"
    path.write_text(_csv(2500, bad_every=10_000))
    status, _, err = run("check", str(path), "--at", "2025-04-20T09:00:00+02:00", "--progress")
    assert status == 0
    assert "checked 1000 of 2500 orders" in err
    assert err.rstrip().endswith("checked 2500 of 2500 orders")


def test_check_prints_each_order_as_soon_as_it_is_checked_unless_sorted(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(_csv(300, bad_every=10_000))
    checked: list[int] = []
    original = _cli_check._results

    def counted(*args: Any, **kwargs: Any) -> Any:
        for number, result in original(*args, **kwargs):
            checked.append(number)
            yield number, result

    monkeypatch.setattr(_cli_check, "_results", counted)
    monkeypatch.setattr(_cli_check, "fast_engine", lambda: None)  # one row at a time (the columnar engine: a batch)

    class Out(io.StringIO):
        def __init__(self) -> None:
            super().__init__()
            self.when: list[int] = []

        def write(self, text: str) -> int:
            if text.startswith("order "):
                self.when.append(len(checked))
            return super().write(text)

    argv = ["check", str(path), "--at", "2025-04-20T09:00:00+02:00"]
    streamed = Out()
    assert main(argv, out=streamed, err=io.StringIO()) == 0
    assert streamed.when[0] < 10  # the first order was out after fewer than ten rows were read
    assert len(checked) == 300
    ids = [line.split()[1] for line in streamed.getvalue().splitlines() if line.startswith("order ")]
    assert ids == sorted(ids, key=lambda order_id: int(order_id[1:]))  # in the file's order
    checked.clear()
    ordered = Out()
    assert main([*argv, "--sort", "urgency"], out=ordered, err=io.StringIO()) == 0
    assert ordered.when[0] == len(checked)  # sorted: printed once every row is checked
    assert sorted(ordered.getvalue().splitlines()) == sorted(streamed.getvalue().splitlines())


def test_check_refuses_a_file_it_cannot_read(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order,when\n1,2\n")
    status, _, err = run("check", str(path), "--at", "2025-04-20T09:00:00+02:00")
    assert status == 2
    assert "must be a CSV file with a header row naming at least placed_at" in err
    (tmp_path / "orders.json").write_text('{"id": 1}')
    status, _, err = run("check", str(tmp_path / "orders.json"), "--at", "2025-04-20T09:00:00+02:00")
    assert "must hold a JSON array of orders" in err
    status, _, err = run("check", str(path), "--at", "2025-04-20T09:00:00")
    assert "--at='2025-04-20T09:00:00' has no offset and no zone" in err


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("X1,2025-02-01T10:00:00Z,,,,,12.50,\n", "amount and currency go together"),
        ("X2,,,,,,,\n", "placed_at is empty"),
        ("X3,2025-02-01T10:00:00Z,2025-02-02T10:00:00Z,,60,15,,\n", "extensions '15' must be DAYS@INSTANT"),
        ("X4,2025-02-01T10:00:00Z,2025-02-02T10:00:00Z,,sixty,,,\n", "protection_days 'sixty' must be a whole number"),
    ],
)
def test_check_names_the_problem_of_each_bad_row(tmp_path: pathlib.Path, row: str, message: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + row)
    status, _, err = run("check", str(path), "--at", "2025-04-20T09:00:00+02:00")
    assert status == 2
    assert f"aliprotect: {path} line 2: {message}" in err


def test_the_facts_other_eras_need_from_options_and_columns(tmp_path: pathlib.Path) -> None:
    common = ("timeline", "--placed", "2016-04-01T10:00:00+08:00", "--shipped", "2016-04-02T10:00:00+08:00")
    status, out, _ = run(*common, "--rulebook", "undated.1", "--carrier", "EMS", "--json")
    assert status == 0
    closes = {d["name"]: d["at"] for d in json.loads(out)["deadlines"]}["dispute_closes"]
    assert closes == "2016-04-30T00:00:00+08:00"  # the end of day 27 after shipping
    status, _, err = run(*common, "--rulebook", "undated.1")
    assert status == 2
    assert "carrier=None" in err
    cut = (*common, "--rulebook", "undated.2", "--promised-days", "12", "--delivered", "2016-04-10T10:00:00+08:00")
    status, out, _ = run(*cut, "--json")
    assert status == 0
    ends = {d["name"]: d["at"] for d in json.loads(out)["deadlines"]}["protection_ends"]
    assert ends == "2016-04-15T10:00:00+08:00"  # 5 days after delivery, not 60 after shipping
    path = tmp_path / "orders.csv"
    path.write_text(
        "id,placed_at,shipped_at,delivered_at,promised_days\n"
        "D1,2016-04-01T10:00:00+08:00,2016-04-02T10:00:00+08:00,2016-04-10T10:00:00+08:00,12\n"
        "D2,2016-04-01T10:00:00+08:00,2016-04-02T10:00:00+08:00,2016-04-01T10:00:00+08:00,12\n"
    )
    status, out, err = run("check", str(path), "--at", "2016-04-12T10:00:00+08:00", "--rulebook", "undated.2")
    assert status == 2
    assert f"{path} line 3: delivered_at 2016-04-01T10:00:00+08:00 is before shipped_at" in err
    assert "D1" in out


def test_check_reads_the_tracking_a_json_row_carries(tmp_path: pathlib.Path) -> None:
    order = {
        "id": "T1",
        "placed_at": "2022-03-01T10:00:00+01:00",
        "shipped_at": "2022-03-02T12:00:00+01:00",
        "promised_days": 20,
    }
    moving = {
        "number": "LP00417245813281",
        "provided_at": "2022-03-02T12:00:00+01:00",
        "events": [{"at": "2022-03-05T08:00:00+01:00", "where": "in_transit", "text": ""}],
    }
    path = tmp_path / "orders.json"
    path.write_text(json.dumps([{**order, "tracking": moving}, order, {**order, "id": "T3", "tracking": [1]}]))
    status, out, _ = run("check", str(path), "--at", "2022-03-14T09:00:00+01:00", "--rulebook", "2021.1", "--json")
    assert status == 2
    data = json.loads(out)
    # in transit inside the promised time: a dispute only from 22 March, when that time ends
    (t1,) = data["orders"]
    assert t1["order_id"] == "T1"
    assert "open a dispute from 2022-03-22T12:00:00+01:00" in t1["advice"][0]["text"]
    assert [row["row"] for row in data["bad_rows"]] == [2, 3]
    assert "tracking=None: under rulebook 2021.1" in data["bad_rows"][0]["error"]
    status, out, _ = run("check", str(path), "--at", "2022-03-22T12:00:00+01:00", "--rulebook", "2021.1", "--json")
    actions = {o["order_id"]: [a["action"] for a in o["advice"]] for o in json.loads(out)["orders"]}
    assert "open_dispute" in actions["T1"]


def test_check_refuses_a_row_whose_tracking_is_another_document(tmp_path: pathlib.Path) -> None:
    money = aliprotect.to_data(aliprotect.Money("1.00", "USD"))
    row = {"id": "M1", "placed_at": "2022-03-01T10:00:00+01:00", "tracking": money}
    path = tmp_path / "orders.json"
    path.write_text(json.dumps([row]))
    status, _, err = run("check", str(path), "--at", "2022-03-14T09:00:00+01:00")
    assert status == 2
    assert f"{path} item 1: tracking: the document holds a Money, not a Tracking" in err


def _commands() -> dict[str, Any]:
    import argparse

    from aliprotect.cli import _parser

    parser = _parser()
    found = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(found.choices)


def test_every_command_has_a_description_and_every_option_its_help() -> None:
    commands = _commands()
    assert set(commands) == {"timeline", "rules", "rulebooks", "check", "calendar", "reconcile", "completion"}
    for name, command in commands.items():
        assert command.description, f"{name} has no description"
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_completion_writes_a_bash_script_that_completes_every_command_and_file_names() -> None:
    import shutil
    import subprocess

    status, out, _ = run("completion", "bash")
    assert status == 0
    for name in _commands():
        assert name in out
    assert "_shtab_aliprotect_check_pos_0_COMPGEN=_shtab_compgen_files" in out  # FILE completes file names
    assert "--no-progress" in out
    if shutil.which("bash"):
        assert subprocess.run(["bash", "-n"], input=out, text=True, check=False).returncode == 0  # valid bash


def test_completion_without_the_cli_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "shtab", None)
    status, out, err = run("completion", "zsh")
    assert (status, out) == (2, "")
    assert "pip install 'aliprotect[cli]'" in err


def test_a_hint_on_standard_error_comes_before_the_progress_bar(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(_csv(20, bad_every=10_000))
    monkeypatch.setattr(_cli_check, "fast_engine", lambda: None)
    monkeypatch.setattr(_cli_check, "LARGE", 0)  # every file is large: the hint is given
    _, _, err = run_with(["check", str(path), "--at", "2025-04-20T09:00:00+02:00"], Terminal())
    hint, bar = err.split("\n", 1)
    assert hint == "aliprotect: hint: pip install 'aliprotect[frames]' checks large files several times faster"
    assert "20/20" in bar


def test_without_tqdm_an_order_printed_to_the_terminal_clears_the_count_first(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setattr(_cli_check, "fast_engine", lambda: None)
    path = tmp_path / "orders.csv"
    path.write_text(_csv(2500, bad_every=10_000))
    screen = Terminal()  # standard output and standard error on one terminal
    status = main(["check", str(path), "--at", "2025-04-20T09:00:00+02:00"], out=screen, err=screen)
    assert status == 0
    lines = screen.getvalue().split("\n")
    printed = [line.rsplit("\r", 1)[-1] for line in lines]  # what the terminal shows of each line
    assert any(line.startswith("order O") for line in printed)
    assert not any("orders" in line and "order O" in line for line in printed)  # no count glued to an order
