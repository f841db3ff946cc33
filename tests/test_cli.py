"""The command line: the timeline as a table or JSON; bad input is one line and exit status 2."""

import io
import json
import os
import pathlib
import subprocess
import sys

import pytest

import aliprotect
from aliprotect import cli
from aliprotect.cli import main

PLACED = "2025-03-01T10:00:00+08:00"
SHIPPED = "2025-03-03T09:00:00+08:00"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_timeline_prints_the_deadlines_with_their_rule_ids() -> None:
    status, out, err = run(
        "timeline", "--id", "8001", "--placed", PLACED, "--shipped", SHIPPED, "--protection-days", "60"
    )
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "order 8001 · rulebook 2025.2"  # the latest, when none is given
    assert lines[1].startswith("2025-03-09T00:00:00+08:00  dispute_opens")
    assert lines[1].endswith("[open.earliest]")
    assert lines[-1].startswith("2025-05-17T09:00:00+08:00  dispute_closes")
    assert len(lines) == 6


def test_timeline_as_json() -> None:
    status, out, _ = run(
        "timeline",
        "--placed",
        PLACED,
        "--shipped",
        "2025-03-03T09:00:00[Asia/Shanghai]",
        "--extension",
        "15@2025-04-20T10:00:00+08:00",
        "--rulebook",
        "2025.1",
        "--json",
    )
    assert status == 0
    data = json.loads(out)
    assert data["rulebook"] == "2025.1"
    ends = next(d for d in data["deadlines"] if d["name"] == "protection_ends")
    # default protection: the rulebook's 60 days, plus the 15-day extension
    assert ends == {
        "name": "protection_ends",
        "at": "2025-05-17T09:00:00+08:00",
        "description": "buyer protection ends: 60 days after shipping, extended by 15 days",
        "rule_ids": ["protection.period", "protection.extension"],
        "rulebook": "2025.1",
    }


def test_an_unshipped_order_says_it_can_still_be_cancelled() -> None:
    status, out, _ = run("timeline", "--placed", PLACED)
    assert status == 0
    assert "cancel.before_shipment" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--placed", "2025-03-01T10:00:00"], "--placed='2025-03-01T10:00:00' has no offset and no zone"),
        (
            ["--placed", PLACED, "--shipped", "2025-02-01T10:00:00Z"],
            "shipped_at 2025-02-01T10:00:00+00:00 is before placed_at",
        ),
        (
            ["--placed", PLACED, "--protection-days", "0"],
            "protection_days=0 must be a whole number of days greater than 0",
        ),
        (
            ["--placed", PLACED, "--protection-days", "sixty"],
            "--protection-days 'sixty' must be a whole number",
        ),
        (
            ["--placed", PLACED, "--shipped", SHIPPED, "--extension", "15"],
            "--extension '15' must be DAYS@INSTANT",
        ),
        (["--placed", PLACED, "--rulebook", "1999.1"], "version='1999.1' is not a published rulebook"),
        (["--placed", "yesterday"], "--placed='yesterday' is not an ISO 8601 date and time"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(argv: list[str], message: str) -> None:
    status, out, err = run("timeline", *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("aliprotect: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_the_installed_command_exits_2_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aliprotect", "timeline", "--placed", "2025-03-01T10:00:00"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "aliprotect never guesses" in result.stderr


def test_usage_errors_exit_2_too() -> None:
    status, _, err = run("timeline")
    assert status == 2
    assert "give the order with --placed" in err
    with pytest.raises(SystemExit) as exit_info:
        run("refund")  # no such command: argparse's own usage error
    assert exit_info.value.code == 2


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: pathlib.Path) -> None:
    rows = "".join(f"O{n},2025-03-01T10:00:00+01:00,2025-03-02T10:00:00+01:00,,60\n" for n in range(3000))
    orders = tmp_path / "orders.csv"
    orders.write_text("id,placed_at,shipped_at,received_at,protection_days\n" + rows)
    process = subprocess.Popen(
        [sys.executable, "-m", "aliprotect", "check", str(orders), "--at", "2025-04-25T10:00:00+02:00", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.read(10)
    process.stdout.close()  # like `aliprotect check ... | head -c 10`: far more output than a pipe holds
    _, stderr = process.communicate()
    assert b"Traceback" not in stderr
    assert process.returncode == 1


def _accented_orders(tmp_path: pathlib.Path) -> pathlib.Path:
    orders = tmp_path / "orders.csv"
    orders.write_text("id,placed_at,shipped_at\n\u00c91,2025-03-01T10:00:00+01:00,2025-03-03T18:00:00+01:00\n")
    return orders


def test_an_output_whose_encoding_cannot_write_an_id_says_so_in_one_line(tmp_path: pathlib.Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "aliprotect", "check", str(_accented_orders(tmp_path)), "--at", "2025-04-20T00:00:00Z"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr.decode().splitlines() == [
        "aliprotect: error: the output's encoding (ascii) cannot write '\\xc9': set PYTHONIOENCODING=utf-8, "
        "or write to a file with -o where the command has it"
    ]


def test_a_full_disk_on_standard_output_is_one_line_not_a_traceback(tmp_path: pathlib.Path) -> None:
    with open("/dev/full", "w") as full:  # Linux's device that is always full
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "aliprotect",
                "check",
                str(_accented_orders(tmp_path)),
                "--at",
                "2025-04-20T00:00:00Z",
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert run.returncode == 2
    assert run.stderr.decode().splitlines() == ["aliprotect: error: could not write: No space left on device"]


def test_the_parser_offers_every_role_of_the_advice() -> None:
    assert tuple(role.value for role in aliprotect.Role) == cli.ROLES


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("aliprotect ")


def test_a_superseded_rulebook_is_said_on_standard_error_and_still_answers() -> None:
    argv = ["timeline", "--placed", "2025-03-01T10:00:00+01:00", "--shipped", "2025-03-03T18:00:00+01:00"]
    status, out, err = run(*argv, "--rulebook", "2020.1")
    assert status == 0
    assert out == run(*argv, "--rulebook", "2020.1")[1] != ""
    assert err.startswith("aliprotect: warning: rulebook 2020.1 is superseded by 2020.2: ")
    assert err.endswith("give --rulebook 2020.2 for new ones\n")
    assert err.count("\n") == 1
    assert run(*argv, "--rulebook", "2020.2")[2] == ""


def test_an_order_file_naming_a_field_twice_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "order.json"
    path.write_text(
        '{"id": "A1", "placed_at": "2025-03-01T10:00:00+01:00", "shipped_at": "2025-03-03T18:00:00+01:00", '
        '"protection_days": 60, "protection_days": 90}',
        encoding="utf-8",
    )
    status, out, err = run("timeline", "--file", str(path))
    assert (status, out) == (2, "")
    assert err == (
        f"aliprotect: error: {path}: the field 'protection_days' appears twice in one object, and JSON would keep "
        "only the last; give it once\n"
    )
