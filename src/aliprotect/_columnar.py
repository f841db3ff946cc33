"""The day arithmetic of :mod:`aliprotect._days` over whole columns of instants, with NumPy.

An instant is an ``int64`` count of microseconds since 1970-01-01 UTC; each row also has a
zone, an index into a :class:`Zones` table. The results are exactly those of the scalar
functions (conventions C2 and C4, with pendulum's reading of skipped and repeated wall
times), which the property tests prove row by row.

How a zone is read: the tz database gives each zone a list of transitions, instants at which
its offset from UTC changes. Between two transitions the offset is fixed. So

- the wall-clock time of an instant ``u`` is ``u`` plus the offset of the last transition at
  or before ``u``;
- a wall-clock time ``w`` is read as the instant ``w`` minus the offset of the last period whose
  first wall-clock time is at or before ``w``. In a repeated hour that is the second pass; in a
  skipped hour it is the offset before the gap, which moves the wall time forward by the gap:
  both exactly what pendulum does.

Both lookups are one :func:`numpy.searchsorted` over the transitions of every zone at once
(each zone's keys are shifted into a range of their own), so a table's cost does not grow
with the number of zones in it.

The transitions come from the same tz database the scalar path reads (the standard
library's :mod:`zoneinfo`), and each one is checked against it when the table is built.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import zoneinfo
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pendulum

from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError

_pure: Any = importlib.import_module("zoneinfo._zoneinfo")
"""The standard library's pure-Python zone reader: unlike the C one, it keeps the transitions it read."""

Array: TypeAlias = npt.NDArray[np.int64]

MICROSECONDS = 1_000_000
DAY = 86_400 * MICROSECONDS
"""Microseconds in a calendar day of wall-clock time."""

_SPAN = 1 << 40
"""Each zone's keys live in a range of their own this wide: seconds from about year -15000 to 19000."""
_MID = _SPAN // 2

LOWEST = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
HIGHEST = dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LOWEST_US = (LOWEST - _EPOCH) // dt.timedelta(microseconds=1)
HIGHEST_US = (HIGHEST - _EPOCH) // dt.timedelta(microseconds=1)
"""The instants a pendulum ``DateTime`` can hold (years 1 to 9999), in microseconds."""


@functools.lru_cache(maxsize=256)
def _checked_transitions(zone: dt.tzinfo, last_year: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """:func:`_transitions`, checked against the standard library, once per zone and horizon."""
    starts, offsets = _transitions(zone, last_year)
    _check(zone, starts, offsets)
    return tuple(starts), tuple(offsets)


def _transitions(zone: dt.tzinfo, last_year: int) -> tuple[list[int], list[int]]:
    """The transitions of ``zone`` up to the end of ``last_year``: their instants in seconds
    (the first is ``-_MID``, standing for "since ever") and the offset in seconds from each on."""
    if isinstance(zone, pendulum.FixedTimezone) or zone is dt.UTC:
        offset = zone.utcoffset(None)
        assert offset is not None
        return [-_MID], [int(offset.total_seconds())]
    if not isinstance(zone, zoneinfo.ZoneInfo) or zone.key is None:
        raise InvalidValueError(f"zone={shown(zone)} is neither a zone of the tz database nor a fixed offset")
    data = _pure.ZoneInfo.no_cache(zone.key)
    starts: list[int] = [-_MID]
    before = data._tti_before if data._tti_before is not None else data._tz_after
    offsets: list[int] = [int(before.utcoff.total_seconds())]
    for start, info in zip(data._trans_utc, data._ttinfos, strict=True):
        starts.append(int(start))
        offsets.append(int(info.utcoff.total_seconds()))
    after = data._tz_after
    if isinstance(after, _pure._TZStr):
        # past the file's last transition the zone follows its POSIX rule, year after year
        first = dt.datetime.fromtimestamp(max(starts[-1], 0), dt.UTC).year - 1 if len(starts) > 1 else 1969
        std, dst = int(after.std.utcoff.total_seconds()), int(after.dst.utcoff.total_seconds())
        for year in range(max(first, 1), last_year + 1):
            begins, ends = after.transitions(year)
            for moment, now_offset in sorted(((int(begins) - std, dst), (int(ends) - dst, std))):
                if moment > starts[-1]:
                    starts.append(moment)
                    offsets.append(now_offset)
    elif len(starts) == 1:
        offsets = [int(after.utcoff.total_seconds())]
    return starts, offsets


def _check(zone: dt.tzinfo, starts: list[int], offsets: list[int]) -> None:
    """Each transition read agrees with the standard library's own reading of ``zone``."""
    for index in range(1, len(starts)):
        at = starts[index]
        if not -62_135_596_800 + 86_400 < at < 253_402_214_400 - 86_400:
            continue  # outside the years datetime can show
        for second, expected in ((at - 1, offsets[index - 1]), (at, offsets[index])):
            offset = dt.datetime.fromtimestamp(second, dt.UTC).astimezone(zone).utcoffset()
            if offset is None or int(offset.total_seconds()) != expected:  # pragma: no cover - a reader bug
                raise AssertionError(f"the transitions read for {zone} disagree with zoneinfo at {second}")


class Zones:
    """The transitions of a list of zones, searchable for all of them at once.

    Args:
        zones: the zones; a row's zone is its index in this list.
        last_year: the last year any instant worked on can fall in.
    """

    def __init__(self, zones: Sequence[dt.tzinfo], last_year: int) -> None:
        utc_keys: list[Array] = []
        local_keys: list[Array] = []
        all_offsets: list[Array] = []
        for index, zone in enumerate(zones):
            starts, offsets = _checked_transitions(zone, last_year)
            base = index * _SPAN + _MID
            at = np.asarray(starts, dtype=np.int64)
            offset = np.asarray(offsets, dtype=np.int64)
            local = at + offset
            local[0] = -_MID
            if np.any(np.diff(local) <= 0):  # pragma: no cover - no zone of the tz database does this
                raise AssertionError(f"the wall-clock starts of the periods of {zone} are not increasing")
            utc_keys.append(at + base)
            local_keys.append(local + base)
            all_offsets.append(offset * MICROSECONDS)
        end = np.asarray([len(zones) * _SPAN + _MID], dtype=np.int64)  # after every zone's last period
        self._utc = np.concatenate([*utc_keys, end])
        self._local = np.concatenate([*local_keys, end])
        self._offsets = np.concatenate([*all_offsets, np.zeros(1, dtype=np.int64)])

    def _key(self, zone: Array, instant: Array) -> Array:
        return zone * _SPAN + _MID + np.floor_divide(instant, MICROSECONDS)

    def offset(self, zone: Array, instant: Array) -> Array:
        """The offset from UTC, in microseconds, of each row's zone at ``instant``."""
        return self._offsets[np.searchsorted(self._utc, self._key(zone, instant), side="right") - 1]

    def wall(self, zone: Array, instant: Array) -> Array:
        """The wall-clock time of each instant in its row's zone, as microseconds since 1970-01-01."""
        return instant + self.offset(zone, instant)

    def instant(self, zone: Array, wall: Array) -> Array:
        """Each wall-clock time read as pendulum reads it in its row's zone: a repeated time is its
        second pass; a skipped time moves forward by the gap (C2)."""
        return self.instant_and_wall(zone, wall)[0]

    def instant_and_wall(self, zone: Array, wall: Array) -> tuple[Array, Array]:
        """:meth:`instant`, and the wall-clock time of each instant found: ``wall`` itself, or, for a
        time the clocks skipped, that time moved forward by the gap. One search, not two."""
        period = np.searchsorted(self._local, self._key(zone, wall), side="right") - 1
        instant = wall - self._offsets[period]
        skipped = self._key(zone, instant) >= self._utc[period + 1]  # past the next change: in its gap
        return instant, np.where(skipped, instant + self._offsets[np.minimum(period + 1, len(self._utc) - 1)], wall)

    def add_days(self, zone: Array, instant: Array, days: Array, wall: Array | None = None) -> Array:
        """``days`` calendar days after each instant, keeping its wall-clock time (C2); a row with
        0 days keeps its instant as it is, as pendulum's ``add(days=0)`` does."""
        return self.add_days_and_wall(zone, instant, days, wall)[0]

    def add_days_and_wall(
        self, zone: Array, instant: Array, days: Array, wall: Array | None = None
    ) -> tuple[Array, Array]:
        """:meth:`add_days`, and the wall-clock time of each result; ``wall`` is that of ``instant``, when
        known."""
        start = self.wall(zone, instant) if wall is None else wall
        moved, moved_wall = self.instant_and_wall(zone, start + days * DAY)
        kept = days == 0
        return np.where(kept, instant, moved), np.where(kept, start, moved_wall)

    def start_of_day_number(self, zone: Array, instant: Array, day: Array, wall: Array | None = None) -> Array:
        """The first instant of the local date ``date(instant) + day`` (C4)."""
        return self.start_of_day_number_and_wall(zone, instant, day, wall)[0]

    def start_of_day_number_and_wall(
        self, zone: Array, instant: Array, day: Array, wall: Array | None = None
    ) -> tuple[Array, Array]:
        """:meth:`start_of_day_number`, and the wall-clock time of each result."""
        start = self.wall(zone, instant) if wall is None else wall
        return self.instant_and_wall(zone, np.floor_divide(start, DAY) * DAY + day * DAY)


def in_range(instant: Array, valid: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Which valid rows hold an instant outside the years 1 to 9999."""
    return valid & ((instant < LOWEST_US) | (instant > HIGHEST_US))
