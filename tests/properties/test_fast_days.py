"""The day arithmetic of aliprotect._days gives exactly what pendulum gives: the same wall
time, offset, fold and zone, on every side of every DST change (C2, C4)."""

from __future__ import annotations

import datetime as dt

import pendulum
from hypothesis import example, given
from hypothesis import strategies as st

from aliprotect import _days
from aliprotect.strategies import instants

days = st.integers(min_value=-400, max_value=400)


def _same(mine: pendulum.DateTime, theirs: pendulum.DateTime) -> None:
    assert type(mine) is type(theirs)
    assert mine.isoformat() == theirs.isoformat()
    assert mine.fold == theirs.fold
    assert mine.tzinfo == theirs.tzinfo
    assert _days.key(mine) == _days.key(theirs)


@given(instants(), days)
@example(pendulum.datetime(2025, 3, 29, 2, 30, tz="Europe/Paris"), 1)  # lands in the skipped hour
@example(pendulum.datetime(2025, 10, 25, 2, 30, tz="Europe/Paris"), 1)  # lands in the repeated hour
@example(pendulum.datetime(2025, 10, 26, 2, 30, tz="Europe/Paris").add(hours=1), -1)  # leaves it, second pass
@example(pendulum.datetime(2025, 4, 5, 1, 45, tz="Australia/Lord_Howe"), 1)  # a repeated half hour
@example(pendulum.datetime(2024, 2, 29, 12, tz="Asia/Shanghai"), 365)
@example(pendulum.datetime(2025, 1, 1, tz=pendulum.FixedTimezone(-5 * 3600)), 0)
def test_adding_days_is_what_pendulum_does(instant: pendulum.DateTime, n: int) -> None:
    _same(_days.add_days(instant, n), instant.add(days=n))


@given(instants(), days)
@example(pendulum.datetime(2025, 3, 29, 12, tz="America/Santiago"), 7)
@example(pendulum.datetime(2025, 9, 6, 12, tz="America/Santiago"), 1)  # midnight skipped there
@example(pendulum.datetime(2025, 3, 8, 12, tz="America/Havana"), 1)
def test_the_start_of_a_day_is_what_pendulum_says(instant: pendulum.DateTime, n: int) -> None:
    day = instant.date() + dt.timedelta(days=n)
    expected = pendulum.datetime(day.year, day.month, day.day, tz=instant.timezone or instant.tzinfo)
    _same(_days.start_of_day_number(instant, n), expected)


@given(instants(), instants())
def test_the_key_orders_instants_as_utc_does(a: pendulum.DateTime, b: pendulum.DateTime) -> None:
    assert (_days.key(a) < _days.key(b)) == (_days.utc(a) < _days.utc(b))
    assert (_days.key(a) == _days.key(b)) == (_days.utc(a) == _days.utc(b))


def _changes(name: str) -> list[dt.date]:
    """The days in 2024-2026 on which the zone's offset changes."""
    zone = pendulum.timezone(name)
    day, found = dt.date(2024, 1, 1), []
    while day < dt.date(2027, 1, 1):
        before = pendulum.datetime(day.year, day.month, day.day, tz=zone).utcoffset()
        after = pendulum.datetime(day.year, day.month, day.day, 23, 59, tz=zone).utcoffset()
        if before != after:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


_DST = ("Europe/Paris", "America/Los_Angeles", "Australia/Sydney", "Pacific/Chatham", "Australia/Lord_Howe")
_DST += ("America/Santiago", "America/Havana", "Asia/Gaza")
_CHANGES = [(name, day) for name in _DST for day in _changes(name)]


@st.composite
def near_a_change(draw: st.DrawFn) -> tuple[pendulum.DateTime, int]:
    """An instant ``n`` days before (or after) a wall time on a day the offset changes, close to midnight
    or to the change, so that adding ``n`` days lands in a skipped or repeated wall time as often as not."""
    name, day = draw(st.sampled_from(_CHANGES))
    n = draw(st.integers(min_value=-30, max_value=30))
    minutes = draw(st.integers(min_value=0, max_value=4 * 60 - 1))
    start = day - dt.timedelta(days=n)
    instant = pendulum.datetime(start.year, start.month, start.day, tz=name).add(minutes=minutes)
    return instant, n


@given(near_a_change())
def test_adding_days_into_a_change_is_what_pendulum_does(case: tuple[pendulum.DateTime, int]) -> None:
    instant, n = case
    _same(_days.add_days(instant, n), instant.add(days=n))
    day = instant.date() + dt.timedelta(days=n)
    expected = pendulum.datetime(day.year, day.month, day.day, tz=instant.timezone)
    _same(_days.start_of_day_number(instant, n), expected)


def _read_by_pendulum(text: str) -> pendulum.DateTime:
    """What reading ``2025-03-01T10:00:00+01:00[Europe/Paris]`` gives through pendulum alone."""
    stamp, _, name = text[:-1].partition("[")
    return pendulum.instance(dt.datetime.fromisoformat(stamp)).in_timezone(pendulum.timezone(name))


def _read_back(instant: pendulum.DateTime, text: str) -> None:
    read = _days.parse_instant(text)
    _same(read, _read_by_pendulum(text))
    assert read.isoformat() == instant.isoformat()
    assert _days.key(read) == _days.key(instant)


@given(instants())
def test_reading_an_instant_back_gives_the_same_instant_and_zone(instant: pendulum.DateTime) -> None:
    zone = instant.tzinfo
    if isinstance(zone, pendulum.Timezone) and not isinstance(zone, pendulum.FixedTimezone):
        _read_back(instant, f"{instant.isoformat()}[{zone.name}]")


@given(near_a_change())
def test_reading_an_instant_in_a_repeated_or_skipped_hour_back(case: tuple[pendulum.DateTime, int]) -> None:
    instant, n = case
    moved = instant.add(days=n)
    _read_back(moved, f"{moved.isoformat()}[{moved.timezone_name}]")
