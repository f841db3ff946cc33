"""The day conventions C1 to C5 (aliprotect._days) and reading instants from text."""

import datetime as dt
import pathlib
import zoneinfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aliprotect import _days, parse_instant
from aliprotect.errors import InvalidValueError, NaiveDatetimeError
from aliprotect.strategies import instants


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01T10:00:00+08:00", "2025-03-01T10:00:00+08:00"),
        ("2025-03-01T02:00:00Z", "2025-03-01T02:00:00+00:00"),
        ("2025-03-01T10:00:00[Asia/Shanghai]", "2025-03-01T10:00:00+08:00"),
        ("2025-03-01T10:00:00+08:00[Asia/Shanghai]", "2025-03-01T10:00:00+08:00"),
        ("  2025-07-01T10:00:00-04:00[America/New_York] ", "2025-07-01T10:00:00-04:00"),
        # a wall-clock time skipped by DST moves forward by the gap, as in C2
        ("2025-03-30T02:30:00[Europe/Paris]", "2025-03-30T03:30:00+02:00"),
    ],
)
def test_parse_instant_reads_an_offset_or_a_zone(text: str, expected: str) -> None:
    assert parse_instant(text).isoformat() == expected


def test_parse_instant_keeps_the_named_zone() -> None:
    assert parse_instant("2025-03-01T10:00:00[Asia/Shanghai]").timezone_name == "Asia/Shanghai"


@pytest.mark.parametrize("text", ["2025-03-01T10:00:00", "2025-03-01", "2025-03-01 10:00"])
def test_parse_instant_refuses_text_without_offset_or_zone(text: str) -> None:
    with pytest.raises(NaiveDatetimeError, match=r"shipped_at=.* has no offset and no zone; .*\(C1\)"):
        parse_instant(text, field="shipped_at")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "is not an ISO 8601 date and time"),
        ("2025-02-30T10:00:00Z", "is not an ISO 8601 date and time"),
        (
            "2025-03-01T10:00:00[Mars/Olympus]",
            "names the zone 'Mars/Olympus', which is not in the tz database",
        ),
        (
            "2025-03-01T10:00:00+09:00[Asia/Shanghai]",
            r"the offset \+09:00 is not the offset of Asia/Shanghai",
        ),
    ],
)
def test_parse_instant_refuses_what_it_cannot_read(text: str, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        parse_instant(text)


def test_parse_instant_needs_text() -> None:
    with pytest.raises(InvalidValueError, match="at=20250301 must be an ISO 8601 string, not int"):
        parse_instant(20250301, field="at")  # type: ignore[arg-type]


@given(instants())
def test_parse_instant_reads_back_what_isoformat_writes(instant: pendulum.DateTime) -> None:
    parsed = parse_instant(instant.isoformat())
    assert _days.utc(parsed) == _days.utc(instant)
    assert parsed.utcoffset() == instant.utcoffset()


def test_aware_refuses_naive_and_non_datetimes() -> None:
    with pytest.raises(NaiveDatetimeError, match="at=2025-01-01T00:00:00 has no timezone"):
        _days.aware(dt.datetime(2025, 1, 1), "at")
    with pytest.raises(InvalidValueError, match="must be a timezone-aware datetime, not date"):
        _days.aware(dt.date(2025, 1, 1), "at")


# --- C5: business days -------------------------------------------------------------

FRIDAY = pendulum.datetime(2025, 6, 6, 10, tz="Europe/Paris")


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (FRIDAY, 1, pendulum.datetime(2025, 6, 9, 10, tz="Europe/Paris")),  # Monday
        (FRIDAY.add(days=1), 1, pendulum.datetime(2025, 6, 9, 10, tz="Europe/Paris")),  # Saturday -> Monday
        (FRIDAY.add(days=2), 1, pendulum.datetime(2025, 6, 9, 10, tz="Europe/Paris")),  # Sunday -> Monday
        (FRIDAY.subtract(days=4), 5, pendulum.datetime(2025, 6, 9, 10, tz="Europe/Paris")),  # Monday + 5
        (FRIDAY, 0, FRIDAY),
    ],
)
def test_business_days_skip_weekends(start: pendulum.DateTime, days: int, expected: pendulum.DateTime) -> None:
    assert _days.add_business_days(start, days) == expected


def test_business_days_count_in_the_zone_of_the_instant() -> None:
    # Friday 23:00 in Shanghai is still Friday 17:00 in Paris
    shanghai = pendulum.datetime(2025, 6, 6, 23, tz="Asia/Shanghai")
    assert _days.add_business_days(shanghai, 1).isoformat() == "2025-06-09T23:00:00+08:00"
    kiritimati = pendulum.datetime(2025, 6, 7, 1, tz="Pacific/Kiritimati")  # Saturday there, Friday in UTC
    assert _days.add_business_days(kiritimati, 1).isoformat() == "2025-06-09T01:00:00+14:00"


@given(instants(), st.integers(min_value=0, max_value=30))
def test_business_days_land_on_a_weekday_and_count_every_weekday_between(start: pendulum.DateTime, days: int) -> None:
    result = _days.add_business_days(start, days)
    local_dates = [start.date() + dt.timedelta(days=n) for n in range(1, (result.date() - start.date()).days + 1)]
    assert sum(1 for day in local_dates if day.weekday() < 5) == days
    if days:
        assert result.weekday() < 5


# --- C3 and comparisons ---------------------------------------------------------------


def test_windows_are_half_open() -> None:
    opens = pendulum.datetime(2025, 1, 1, tz="UTC")
    closes = opens.add(days=1)
    assert _days.in_window(opens, opens, closes)
    assert not _days.in_window(closes, opens, closes)
    assert not _days.in_window(opens.subtract(microseconds=1), opens, closes)


def test_instants_compare_in_utc_even_in_the_repeated_hour() -> None:
    first = pendulum.datetime(2025, 10, 26, 2, 30, tz="Europe/Paris", fold=0)
    second = pendulum.datetime(2025, 10, 26, 2, 10, tz="Europe/Paris", fold=1)
    assert _days.utc(first) < _days.utc(second)
    assert _days.in_window(second, first, first.add(hours=2))


def test_days_beyond_the_last_representable_date_are_refused_with_our_error() -> None:
    late = pendulum.datetime(9999, 12, 30, tz="UTC")
    with pytest.raises(InvalidValueError, match="falls outside the years 1 to 9999"):
        _days.add_days(late, 5)
    with pytest.raises(InvalidValueError, match="day 5 after 9999-12-30"):
        _days.start_of_day_number(late, 5)


# --- instants in other libraries' zones: the same instant, in pendulum's zone of the same name ---

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TOKYO_FILE = pathlib.Path(zoneinfo.TZPATH[0] if zoneinfo.TZPATH else "/usr/share/zoneinfo") / "Asia" / "Tokyo"


def test_a_standard_datetime_keeps_its_instant_even_in_the_hour_a_dst_change_skips() -> None:
    skipped = dt.datetime(2025, 3, 30, 2, 30, tzinfo=PARIS)  # Python reads it at +01:00: 01:30 UTC
    read = _days.aware(skipped, "shipped_at")
    assert read.timestamp() == skipped.timestamp()
    assert read == parse_instant("2025-03-30T02:30:00[Europe/Paris]")  # the same text, the same instant
    assert (read.isoformat(), read.timezone_name) == ("2025-03-30T03:30:00+02:00", "Europe/Paris")


@pytest.mark.parametrize(("fold", "offset"), [(0, "+02:00"), (1, "+01:00")])
def test_a_standard_datetime_in_the_hour_a_dst_change_repeats_keeps_its_pass(fold: int, offset: str) -> None:
    repeated = dt.datetime(2025, 10, 26, 2, 30, tzinfo=PARIS, fold=fold)
    read = _days.aware(repeated, "shipped_at")
    assert read.isoformat() == f"2025-10-26T02:30:00{offset}"
    assert read.timestamp() == repeated.timestamp()


def test_utc_from_dateutil_is_utc() -> None:
    from dateutil import tz

    read = _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=tz.UTC), "placed_at")
    assert (read.isoformat(), read.timezone_name) == ("2025-03-01T10:00:00+00:00", "UTC")


def _zones_without_a_name() -> list[dt.tzinfo]:
    from dateutil import tz

    with TOKYO_FILE.open("rb") as file:
        unnamed = zoneinfo.ZoneInfo.from_file(file)
    return [tz.tzstr("EST5EDT"), unnamed]


@pytest.mark.parametrize("zone", _zones_without_a_name(), ids=lambda zone: type(zone).__name__)
def test_a_zone_without_a_name_is_refused_not_flattened_into_one_offset(zone: dt.tzinfo) -> None:
    with pytest.raises(InvalidValueError, match="is in a zone aliprotect cannot name"):
        _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=zone), "placed_at")


@pytest.mark.parametrize(("machine", "accepted"), [("Europe/Paris", False), ("UTC", True)])
def test_the_machine_s_own_zone_is_refused_unless_it_is_utc(
    monkeypatch: pytest.MonkeyPatch, machine: str, accepted: bool
) -> None:
    import time

    from dateutil import tz

    monkeypatch.setenv("TZ", machine)
    time.tzset()
    try:
        value = dt.datetime(2025, 3, 1, 10, tzinfo=tz.tzlocal())
        if accepted:  # dateutil reads "...Z" as tzlocal() on a machine set to UTC
            assert _days.aware(value, "placed_at").isoformat() == "2025-03-01T10:00:00+00:00"
        else:
            with pytest.raises(InvalidValueError, match="is in a zone aliprotect cannot name"):
                _days.aware(value, "placed_at")
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    "zone",
    [
        pytest.param(dt.timezone(dt.timedelta(hours=2)), id="datetime.timezone"),
        pytest.param("tzoffset", id="dateutil tzoffset"),
    ],
)
def test_a_fixed_offset_from_any_library_is_that_offset(zone: object) -> None:
    from dateutil import parser, tz

    tzinfo = tz.tzoffset(None, 7200) if zone == "tzoffset" else zone
    read = _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=tzinfo), "placed_at")  # type: ignore[arg-type]
    assert read.isoformat() == "2025-03-01T10:00:00+02:00"
    assert _days.aware(parser.isoparse("2025-03-01T10:00:00+02:00"), "placed_at") == read


def test_a_zone_dateutil_read_by_name_is_that_zone() -> None:
    from dateutil import tz

    read = _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=tz.gettz("Europe/Paris")), "placed_at")
    assert (read.isoformat(), read.timezone_name) == ("2025-03-01T10:00:00+01:00", "Europe/Paris")


def test_a_zone_whose_name_is_not_its_rules_is_refused() -> None:
    with TOKYO_FILE.open("rb") as file:
        misnamed = zoneinfo.ZoneInfo.from_file(file, key="Europe/Paris")
    with pytest.raises(InvalidValueError, match=r"has the offset \+09:00 at that instant.* has \+01:00"):
        _days.aware(dt.datetime(2025, 3, 1, 18, tzinfo=misnamed), "placed_at")


def test_an_offset_of_a_fraction_of_a_second_is_refused_not_cut_short() -> None:
    with pytest.raises(InvalidValueError, match="an offset of a fraction of a second"):
        _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=dt.timezone(dt.timedelta(seconds=30.5))), "placed_at")
    with pytest.raises(InvalidValueError, match="an offset of a fraction of a second"):
        parse_instant("2025-04-20T09:00:00+23:59:59.999999")


@pytest.mark.parametrize("name", ["localtime", "posixrules", "posix/Europe/Paris", "right/Europe/Paris"])
def test_a_zone_name_that_depends_on_the_machine_is_refused(name: str) -> None:
    with pytest.raises(InvalidValueError, match="which is not in the tz database"):
        parse_instant(f"2025-03-01T10:00:00[{name}]")
    assert _days.zone_named(name) is None


def test_a_pytz_zone_is_read_when_localized_and_refused_when_attached_as_tzinfo() -> None:
    import pytz

    paris = pytz.timezone("Europe/Paris")
    read = _days.aware(paris.localize(dt.datetime(2025, 3, 1, 10)), "placed_at")
    assert (read.isoformat(), read.timezone_name) == ("2025-03-01T10:00:00+01:00", "Europe/Paris")
    second = _days.aware(paris.localize(dt.datetime(2025, 10, 26, 2, 30), is_dst=False), "placed_at")
    assert second.isoformat() == "2025-10-26T02:30:00+01:00"
    with pytest.raises(InvalidValueError, match=r"the offset \+00:09 is not the offset of Europe/Paris at that time"):
        _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=paris), "placed_at")  # pytz's own warning: use localize
    fixed = _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=pytz.FixedOffset(120)), "placed_at")
    assert fixed.isoformat() == "2025-03-01T10:00:00+02:00"
