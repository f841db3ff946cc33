"""Calendar reminders: ``aliprotect.to_ical`` and ``aliprotect calendar`` write valid iCalendar
(RFC 5545), read back here with the ``icalendar`` library: one event per upcoming deadline, at its
exact instant in the order's zone, with its alarm, summary, sources and a stable id."""

from __future__ import annotations

import datetime as dt
import io
import math
import pathlib
import sys
from typing import Any

import icalendar
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aliprotect
from aliprotect import cli
from aliprotect.errors import InvalidValueError, MissingExtraError
from aliprotect.strategies import disputes, instants, orders

RULES = aliprotect.rulebook("2025.2")
PARIS = "Europe/Paris"
AT = pendulum.datetime(2025, 4, 1, tz=PARIS)
STORE = pathlib.Path(__file__).parent.parent / "docs" / "examples"


def order(order_id: str = "A1", **changes: Any) -> aliprotect.Order:
    values: dict[str, Any] = {
        "id": order_id,
        "placed_at": pendulum.datetime(2025, 3, 1, 10, tz=PARIS),
        "shipped_at": pendulum.datetime(2025, 3, 3, 18, tz=PARIS),
        "protection_days": 45,
    }
    return aliprotect.Order(**{**values, **changes})


def events(text: str) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar.get_missing_tzids() == set(), "every zone an event names has its VTIMEZONE"
    return list(calendar.walk("VEVENT"))


def test_each_upcoming_deadline_is_an_event_at_its_instant_in_the_orders_zone() -> None:
    found = events(aliprotect.to_ical([order()], at=AT, rules=RULES))
    expected = aliprotect.upcoming([order()], at=AT, within=dt.timedelta(days=3650), rules=RULES)
    assert [event.decoded("dtstart") for event in found] == [reminder.deadline.at for reminder in expected]
    assert [str(event["summary"]) for event in found] == [
        "Order A1: open a dispute by this time (recommended)",
        "Order A1: protection ends",
        "Order A1: last chance to open a dispute",
    ]
    for event in found:
        start = event.decoded("dtstart")
        assert str(start.tzinfo) == PARIS
        assert event.decoded("dtstamp") == AT  # the instant asked at, never the clock
        assert event.decoded("dtstamp").utcoffset() == dt.timedelta(0)


def test_the_description_names_the_rules_the_rulebook_and_the_sources_with_their_addresses() -> None:
    first = events(aliprotect.to_ical([order()], at=AT, rules=RULES))[0]
    description = str(first["description"])
    assert "Rulebook 2025.2" in description
    assert RULES.fingerprint in description
    for rule_id in ("protection.settlement_buffer", "protection.period"):
        assert f"Rule {rule_id}: {RULES.rules[rule_id].summary}" in description
        for citation in RULES.rules[rule_id].citations:
            assert f"{citation.where()}: {citation.url}" in description


def test_each_event_reminds_a_day_before_by_default_and_as_asked() -> None:
    def triggers(text: str) -> list[dt.timedelta]:
        return [alarm.decoded("trigger") for event in events(text) for alarm in event.walk("VALARM")]

    assert triggers(aliprotect.to_ical([order()], at=AT, rules=RULES)) == [dt.timedelta(hours=-24)] * 3
    assert (
        triggers(aliprotect.to_ical([order()], at=AT, rules=RULES, alarm=dt.timedelta(hours=2)))
        == [dt.timedelta(hours=-2)] * 3
    )
    assert triggers(aliprotect.to_ical([order()], at=AT, rules=RULES, alarm=dt.timedelta(0))) == []
    alarm = events(aliprotect.to_ical([order()], at=AT, rules=RULES))[0].walk("VALARM")[0]
    assert str(alarm["action"]) == "DISPLAY"
    assert str(alarm["description"]).startswith("Order A1:")


def test_ids_are_stable_so_a_later_calendar_updates_the_same_events() -> None:
    before = events(aliprotect.to_ical([order()], at=AT, rules=RULES))
    extended = order(extensions=(aliprotect.Extension(days=10, granted_at=pendulum.datetime(2025, 4, 2, tz=PARIS)),))
    after = events(aliprotect.to_ical([extended], at=AT.add(days=2), rules=RULES))
    assert [str(e["uid"]) for e in before] == [str(e["uid"]) for e in after]
    assert [e.decoded("dtstart") for e in after] == [e.decoded("dtstart") + dt.timedelta(days=10) for e in before]
    other = events(aliprotect.to_ical([order("A2")], at=AT, rules=RULES))
    assert not {str(e["uid"]) for e in before} & {str(e["uid"]) for e in other}


def test_within_keeps_only_the_nearer_deadlines() -> None:
    found = events(aliprotect.to_ical([order()], at=AT, within=dt.timedelta(days=10), rules=RULES))
    assert [str(event["summary"]) for event in found] == ["Order A1: open a dispute by this time (recommended)"]


def test_a_fixed_offset_is_written_in_utc_as_it_names_no_zone_a_calendar_could_follow() -> None:
    fixed = order(
        placed_at=pendulum.parse("2025-03-01T10:00:00+08:00"), shipped_at=pendulum.parse("2025-03-03T09:00:00+08:00")
    )
    text = aliprotect.to_ical([fixed], at=AT, rules=RULES)
    assert "TZID" not in text
    starts = [event.decoded("dtstart") for event in events(text)]
    assert all(start.utcoffset() == dt.timedelta(0) for start in starts)
    expected = aliprotect.upcoming([fixed], at=AT, within=dt.timedelta(days=3650), rules=RULES)
    assert starts == [reminder.deadline.at for reminder in expected]


def test_an_open_disputes_deadlines_are_its_events() -> None:
    opened = aliprotect.open_dispute(
        order(),
        aliprotect.Claim(kind=aliprotect.ClaimKind.NOT_RECEIVED),
        at=pendulum.datetime(2025, 4, 2, tz=PARIS),
        rules=RULES,
    )
    at = pendulum.datetime(2025, 4, 3, tz=PARIS)
    found = events(aliprotect.to_ical([order()], at=at, disputes=[opened], rules=RULES))
    status = aliprotect.dispute_status(opened, at=at)
    assert [event.decoded("dtstart") for event in found] == sorted(
        (d.at for d in status.deadlines if d.at > at), key=lambda instant: instant.timestamp()
    )
    assert "Order A1: the seller's reply is due" in [str(event["summary"]) for event in found]
    with pytest.raises(InvalidValueError, match=r"the dispute of order A1 opened at 2025-04-02T00:00:00.* given twice"):
        aliprotect.to_ical([order()], at=at, disputes=[opened, opened], rules=RULES)


def test_text_a_calendar_file_cannot_hold_is_replaced_not_written_raw() -> None:
    text = aliprotect.to_ical([order("A\x00\ud800B")], at=AT, rules=RULES, name="shop\x07")
    assert "\x00" not in text
    assert "\x07" not in text
    found = events(text)
    assert str(found[0]["summary"]).startswith("Order A\ufffd\ufffdB:")
    reversed_text = aliprotect.to_ical([order("A\u202eB")], at=AT, rules=RULES)
    assert "\u202e" not in reversed_text
    assert str(events(reversed_text)[0]["summary"]).startswith("Order A\ufffdB:")


def test_a_time_a_dst_change_repeats_is_written_in_utc_so_a_calendar_does_not_read_it_an_hour_early() -> None:
    # Paris repeats 02:00-03:00 on 26 October 2025; a calendar reads 02:30 there as the first pass
    second_pass = pendulum.datetime(2025, 10, 26, 2, 30, tz=PARIS, fold=1)
    shipped = second_pass.subtract(days=60)
    assert shipped.utcoffset() == dt.timedelta(hours=2)
    repeated = order(placed_at=shipped.subtract(days=1), shipped_at=shipped, protection_days=60)
    end = aliprotect.protection_end(repeated, rules=RULES).at
    assert end.utcoffset() != end.replace(fold=1 - end.fold).utcoffset()  # the wall clock is ambiguous
    found = events(aliprotect.to_ical([repeated], at=pendulum.datetime(2025, 9, 1, tz=PARIS), rules=RULES))
    starts = {str(e["summary"]): e.decoded("dtstart") for e in found}
    ends = starts["Order A1: protection ends"]
    assert ends.utcoffset() == dt.timedelta(0)
    assert ends.timestamp() == end.timestamp()


def test_an_alarm_is_rounded_up_to_a_whole_second_and_at_most_a_year() -> None:
    text = aliprotect.to_ical([order()], at=AT, rules=RULES, alarm=dt.timedelta(microseconds=1))
    triggers = {alarm.decoded("trigger") for e in events(text) for alarm in e.walk("VALARM")}
    assert triggers == {dt.timedelta(seconds=-1)}  # never later than asked
    year = aliprotect.to_ical([order()], at=AT, rules=RULES, alarm=dt.timedelta(days=366))
    assert {a.decoded("trigger") for e in events(year) for a in e.walk("VALARM")} == {dt.timedelta(days=-366)}
    with pytest.raises(InvalidValueError, match="from zero to 366 days"):
        aliprotect.to_ical([order()], at=AT, rules=RULES, alarm=dt.timedelta(days=367))


@pytest.mark.parametrize(
    ("placed", "at"),
    [
        ("0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00+14:00"),
        ("9999-10-01T00:00:00-12:00", "9999-12-31T13:00:00-12:00"),
        ("9999-10-01T00:00:00[America/Los_Angeles]", "9999-10-05T00:00:00[America/Los_Angeles]"),
    ],
)
def test_instants_at_the_ends_of_time_are_refused_not_a_traceback(placed: str, at: str) -> None:
    start = aliprotect.parse_instant(placed)
    near = order(placed_at=start, shipped_at=start.add(days=1), protection_days=30)
    with pytest.raises(InvalidValueError, match="too near the year 1 or 9999"):
        aliprotect.to_ical([near], at=aliprotect.parse_instant(at), rules=RULES)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"alarm": dt.timedelta(hours=-1)}, "alarm="),
        ({"alarm": 24}, "alarm="),
        ({"within": dt.timedelta(0)}, "within="),
        ({"name": 3}, "name="),
        ({"name": "shop\nX-INJECTED:1"}, "name=.* a string of one line"),
        ({"at": dt.datetime(2025, 4, 1)}, "at="),
    ],
)
def test_bad_arguments_are_refused_naming_them(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidValueError, match=words):
        aliprotect.to_ical([order()], **{"at": AT, "rules": RULES, **changes})


def test_without_the_calendar_extra_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)  # as if it were not installed
    with pytest.raises(MissingExtraError, match=r"pip install 'aliprotect\[calendar\]'") as raised:
        aliprotect.to_ical([order()], at=AT)
    assert isinstance(raised.value, ImportError)


@settings(deadline=None)
@given(chosen=st.lists(orders(), max_size=4, unique_by=lambda o: o.id), at=instants(), data=st.data())
def test_the_events_are_exactly_the_upcoming_deadlines(
    chosen: list[aliprotect.Order], at: pendulum.DateTime, data: st.DataObject
) -> None:
    within = data.draw(st.none() | st.timedeltas(min_value=dt.timedelta(hours=1), max_value=dt.timedelta(days=400)))
    try:
        text = aliprotect.to_ical(chosen, at=at, within=within, rules=RULES)
    except InvalidValueError:  # a horizon past the year 9999
        return
    span = dt.timedelta(days=(dt.datetime.max.replace(tzinfo=dt.UTC) - at).days - 1) if within is None else within
    expected = aliprotect.upcoming(chosen, at=at, within=span, rules=RULES)
    found = events(text)
    assert [(e.decoded("dtstart").timestamp(), str(e["summary"]).split(":")[0]) for e in found] == [
        (math.floor(r.deadline.at.timestamp()), f"Order {r.order_id}") for r in expected
    ]
    assert len({str(e["uid"]) for e in found}) == len(found)


@settings(deadline=None)
@given(dispute=disputes(rules=RULES))
def test_disputes_events_match_their_upcoming_deadlines(dispute: aliprotect.Dispute) -> None:
    at = dispute.opened_at
    found = events(aliprotect.to_ical([dispute.order], at=at, disputes=[dispute], rules=RULES))
    expected = aliprotect.upcoming(
        [dispute.order], at=at, disputes=[dispute], within=dt.timedelta(days=3000), rules=RULES
    )
    assert [e.decoded("dtstart").timestamp() for e in found] == [
        math.floor(r.deadline.at.timestamp()) for r in expected
    ]


# --- the command line ----------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(list(argv), out=out, err=err, stdin=io.BytesIO(b""))
    return status, out.getvalue(), err.getvalue()


CSV = (
    "id,placed_at,shipped_at,protection_days\n"
    "A1,2025-03-01T10:00:00[Europe/Paris],2025-03-03T18:00:00[Europe/Paris],45\n"
    "A2,2025-03-02T10:00:00[Asia/Shanghai],2025-03-04T09:00:00[Asia/Shanghai],60\n"
)


def test_calendar_writes_the_files_orders_deadlines(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "orders.csv"
    source.write_text(CSV, encoding="utf-8")
    target = tmp_path / "deadlines.ics"
    status, out, err = run("calendar", str(source), "--at", AT.isoformat(), "-o", str(target), "--alarm", "48")
    assert (status, out, err) == (0, "", "")
    found = events(target.read_text(encoding="utf-8"))
    assert {str(e["summary"]).split(":")[0] for e in found} == {"Order A1", "Order A2"}
    assert {alarm.decoded("trigger") for e in found for alarm in e.walk("VALARM")} == {dt.timedelta(hours=-48)}
    assert {str(e.decoded("dtstart").tzinfo) for e in found} == {PARIS, "Asia/Shanghai"}
    status, out, _ = run("calendar", str(source), "--at", AT.isoformat(), "--alarm", "48")
    assert status == 0
    assert out == target.read_bytes().decode("utf-8")


def test_calendar_reports_bad_rows_and_repeated_ids_and_leaves_them_out(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "orders.csv"
    source.write_text(
        CSV
        + "A3,2025-03-02T10:00:00,,60\n"
        + "A2,2025-03-02T10:00:00+08:00,,60\n"
        + "A4,2026-03-02T10:00:00+08:00,,60\n",
        encoding="utf-8",
    )
    target = tmp_path / "deadlines.ics"
    status, _out, err = run("calendar", str(source), "--at", AT.isoformat(), "-o", str(target))
    assert status == 2
    lines = err.splitlines()
    assert any("line 4: placed_at=" in line for line in lines)
    assert any("line 5: order A2 is also at line 3" in line for line in lines)
    assert any("not yet placed" in line and "A4 (line 6)" in line for line in lines)
    assert lines[-1].startswith("aliprotect: error: 1 bad rows of 5 and 1 rows repeat an order id")
    assert {str(e["summary"]).split(":")[0] for e in events(target.read_text(encoding="utf-8"))} == {"Order A1"}


def test_a_file_with_no_order_to_read_leaves_the_calendar_file_as_it_was(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "orders.csv"
    source.write_text("id,placed_at,shipped_at,protection_days\nA3,2025-03-02T10:00:00,,60\n", encoding="utf-8")
    target = tmp_path / "deadlines.ics"
    target.write_text("the calendar written yesterday", encoding="utf-8")
    status, out, err = run("calendar", str(source), "--at", AT.isoformat(), "-o", str(target))
    assert (status, out) == (2, "")
    assert err.splitlines()[-2:] == [
        "aliprotect: error: 1 bad rows of 1; no order could be read",
        f"aliprotect: {target} is left as it was: no order of the file could be read",
    ]
    assert target.read_text(encoding="utf-8") == "the calendar written yesterday"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--alarm", "-3"], "--alarm"),
        (["--alarm", "9" * 30], "--alarm"),
        (["--within", "0"], "--within"),
        (["--within", "soon"], "--within"),
        (["--at", "2025-04-01T00:00:00"], "--at"),
    ],
)
def test_calendar_refuses_bad_options_in_one_line(tmp_path: pathlib.Path, argv: list[str], words: str) -> None:
    source = tmp_path / "orders.csv"
    source.write_text(CSV, encoding="utf-8")
    status, out, err = run("calendar", str(source), *(["--at", AT.isoformat()] if "--at" not in argv else []), *argv)
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert words in err


def test_the_docs_example_store_calendar_is_what_the_command_writes_and_imports_cleanly() -> None:
    stored = (STORE / "deadlines.ics").read_bytes().decode("utf-8")
    status, out, _ = run("calendar", str(STORE / "store.csv"), "--at", "2025-04-20T09:00:00+02:00")
    assert status == 0
    assert out == stored, "the docs' deadlines.ics is stale: run the calendar command of docs/guides/calendar.md"
    found = events(stored)
    assert len(found) >= 5
    for event in found:
        for name in ("uid", "dtstamp", "dtstart", "summary", "description"):
            assert name in event, name
        assert event.walk("VALARM")


def test_an_order_the_rulebook_cannot_answer_is_a_bad_row_and_the_others_are_written(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "orders.csv"
    source.write_text(  # 2021.2's timer follows the promised delivery time: A2 lacks it
        "id,placed_at,shipped_at,protection_days,promised_days\n"
        "A1,2025-03-01T10:00:00[Europe/Paris],2025-03-03T18:00:00[Europe/Paris],60,20\n"
        "A2,2025-03-02T10:00:00[Europe/Paris],2025-03-04T18:00:00[Europe/Paris],60,\n",
        encoding="utf-8",
    )
    target = tmp_path / "deadlines.ics"
    at = "2025-03-10T00:00:00+01:00"
    status, _, err = run("calendar", str(source), "--at", at, "--rulebook", "2021.2", "-o", str(target))
    assert status == 2
    assert err.splitlines()[0].startswith(f"aliprotect: {source} line 3: ")
    assert "promised_days" in err.splitlines()[0]
    assert {str(e["summary"]).split(":")[0] for e in events(target.read_bytes().decode("utf-8"))} == {"Order A1"}


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--alarm", "8785"], "--alarm '8785' must be from 0 to 8,784 hours"),
        (["--within", "3660001"], "--within '3660001' must be from 1 to 3,660,000 days"),
        (["--within", "3000000"], "--within '3000000' after --at"),
    ],
)
def test_calendar_names_the_option_whose_span_is_too_long(tmp_path: pathlib.Path, argv: list[str], words: str) -> None:
    source = tmp_path / "orders.csv"
    source.write_text(CSV, encoding="utf-8")
    status, out, err = run("calendar", str(source), "--at", AT.isoformat(), *argv)
    assert (status, out) == (2, "")
    assert words in err
    assert len(err.splitlines()) == 1


def test_calendar_writes_its_crlf_line_ends_to_the_bytes_of_standard_output(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "orders.csv"
    source.write_text(CSV, encoding="utf-8")
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="\r\n")  # as a text stream on Windows translates
    assert cli.main(["calendar", str(source), "--at", AT.isoformat()], out=out, err=io.StringIO()) == 0
    out.flush()
    data = raw.getvalue()
    assert b"\r\n" in data
    assert b"\r\r\n" not in data
    assert data.count(b"BEGIN:VEVENT") == 6


@pytest.mark.parametrize(("days", "kept"), [(6, False), (7, True)])
def test_within_counts_calendar_days_in_the_zone_of_at_across_a_dst_change(
    tmp_path: pathlib.Path, days: int, kept: bool
) -> None:
    source = tmp_path / "orders.csv"  # protection ends 2025-10-27 18:00 in Paris, the day after clocks went back
    source.write_text(
        "id,placed_at,shipped_at,protection_days\n"
        "W1,2025-08-27T10:00:00[Europe/Paris],2025-08-28T18:00:00[Europe/Paris],60\n",
        encoding="utf-8",
    )
    order = aliprotect.Order(
        id="W1",
        placed_at=pendulum.datetime(2025, 8, 27, 10, tz=PARIS),
        shipped_at=pendulum.datetime(2025, 8, 28, 18, tz=PARIS),
        protection_days=60,
    )
    assert aliprotect.protection_end(order).at == pendulum.datetime(2025, 10, 27, 18, tz=PARIS)
    status, out, _ = run("calendar", str(source), "--at", "2025-10-20T18:00:00[Europe/Paris]", "--within", str(days))
    assert status == 0
    names = {str(event["categories"].cats[1]) for event in events(out)}
    assert ("protection_ends" in names) is kept
