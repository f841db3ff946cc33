"""How days are counted: conventions C1 to C5 of the rule catalog, and nothing else.

Every piece of day arithmetic in aliprotect goes through this module, so the
conventions are written once:

- C1: every instant is timezone-aware; a naive one is refused, never guessed.
- C2: "N days after t" is t plus N calendar days in t's own zone, keeping the
  wall-clock time across a DST change (pendulum's ``add(days=N)``). A wall-clock
  time that does not exist that day moves forward by the gap; an ambiguous one
  takes pendulum's resolution.
- C3: windows are half-open, ``[opens, closes)``: the closing instant is outside.
- C4: "from the Nth day after X" opens at 00:00 of the local date ``date(X) + N``
  in X's zone (or the first instant of that date, where a DST change skips midnight).
- C5: business days are Monday to Friday in the zone of the instant counted from,
  with no public holidays.

Instants are compared by their exact place on the time line (:func:`key`), never by their
wall-clock readings.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import NamedTuple

import attrs
import pendulum

from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError, NaiveDatetimeError

_SATURDAY = 5  # date.weekday(): Monday is 0, so Saturday and Sunday are 5 and 6


def aware(value: object, field: str) -> pendulum.DateTime:
    """Return ``value`` as a pendulum ``DateTime``, refusing naive datetimes (C1)."""
    if not isinstance(value, dt.datetime):
        raise InvalidValueError(
            f"{field}={shown(value)} must be a timezone-aware datetime, "
            f"not {type(value).__name__}; pass e.g. pendulum.datetime(2025, 3, 1, tz='UTC')"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{field}={value.isoformat()} has no timezone; aliprotect never guesses one (C1): "
            "give it an offset or a zone, e.g. pendulum.datetime(..., tz='Asia/Shanghai')"
        )
    if isinstance(value, pendulum.DateTime):
        if type(value.tzinfo) in (_ZONE, _FIXED):
            return value
        # a pendulum DateTime in another library's zone (a ZoneInfo): read as the plain datetime it is
        # (pendulum's arithmetic drops a foreign zone)
        value = dt.datetime(*value.timetuple()[:6], value.microsecond, tzinfo=value.tzinfo, fold=value.fold)
    return _in_pendulum_zone(value, field)


def _in_pendulum_zone(value: dt.datetime, field: str) -> pendulum.DateTime:
    """The same instant as ``value`` (an aware datetime in another library's zone) in pendulum's
    zone of the same name, or at the same fixed offset.

    The instant is the one Python gives ``value`` (its wall time less its ``utcoffset()``), so a
    wall time a DST change skips is read as Python reads it, and as :func:`parse_instant` reads
    the same text. The zone is found by its tz database name (a ``ZoneInfo``'s key, a pytz
    zone's name, the name a dateutil zone was read by), or is the fixed offset a zone says it
    always has (``utcoffset(None)``: ``datetime.timezone``, dateutil's ``tzoffset`` and
    ``tzutc``, pytz's ``FixedOffset``). Refused rather than guessed: a zone with neither, which
    flattened into the offset it has at that instant would count later days wrongly across a
    DST change; the machine's own zone (dateutil's ``tzlocal``, unless it is UTC, as dateutil
    gives a time ending in ``Z`` on a machine set to UTC); a zone whose offsets are not
    those of the zone its name gives; a pytz time whose offset is not its zone's at that
    instant (a pytz zone attached without ``localize``); an offset of a fraction of a second."""
    tzinfo = value.tzinfo
    assert tzinfo is not None
    zone = _pendulum_zone(tzinfo, value, field)
    try:
        utc = value.astimezone(dt.UTC)
        result = as_pendulum(utc.astimezone(zone), zone)
    except OverflowError:  # at the ends of time, where the instant has no reading in UTC
        return as_pendulum(value, zone)
    if isinstance(zone, _FIXED) or tzinfo is zone:
        return result
    theirs = utc.astimezone(tzinfo).utcoffset()
    if theirs != result.utcoffset():
        raise InvalidValueError(
            f"{field}={value.isoformat()}: its zone ({shown(tzinfo)}) has the offset {_offset_text(theirs)} at "
            f"that instant, and the zone its name gives has {_offset_text(result.utcoffset())}; give the zone by "
            "its tz database name, e.g. zoneinfo.ZoneInfo('Europe/Paris')"
        )
    if hasattr(tzinfo, "localize") and value.utcoffset() != theirs:
        raise InvalidValueError(
            f"{field}={value.isoformat()}: the offset {_offset_text(value.utcoffset())} is not the offset of "
            f"{zone.name} at that time ({_offset_text(theirs)}), as when a pytz zone is given as tzinfo=; "
            "attach a pytz zone with its localize(), or use zoneinfo.ZoneInfo"
        )
    return result


def _pendulum_zone(tzinfo: dt.tzinfo, value: dt.datetime, field: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    """Pendulum's zone for another library's ``tzinfo``: by name, or its fixed offset."""
    if isinstance(tzinfo, _ZONE | _FIXED):  # a plain datetime in one of pendulum's zones
        return tzinfo
    name = getattr(tzinfo, "key", None) or getattr(tzinfo, "zone", None) or getattr(tzinfo, "_filename", None)
    if isinstance(name, str) and not isinstance(tzinfo, dt.timezone):
        found = zone_named(name)
        if found is not None:
            return found
    fixed = tzinfo.utcoffset(None)
    if type(tzinfo).__name__ == "tzlocal" and (fixed != dt.timedelta(0) or tzinfo.tzname(None) != "UTC"):
        fixed = None  # the machine's own zone, which another machine does not share (UTC is UTC everywhere)
    if not isinstance(fixed, dt.timedelta):
        raise InvalidValueError(
            f"{field}={value.isoformat()} is in a zone aliprotect cannot name ({type(tzinfo).__name__}: "
            f"{shown(tzinfo)}); days are counted on a named zone's calendar (C2), and aliprotect never "
            "guesses one: give the zone by its tz database name, e.g. zoneinfo.ZoneInfo('Europe/Paris'), "
            "or a fixed offset, e.g. datetime.timezone(datetime.timedelta(hours=2))"
        )
    if fixed % dt.timedelta(seconds=1):
        raise InvalidValueError(
            f"{field}={value.isoformat()} has an offset of a fraction of a second; give whole seconds"
        )
    if fixed == dt.timedelta(0) and (isinstance(tzinfo, dt.timezone) or tzinfo.tzname(None) == "UTC"):
        return pendulum.UTC
    return pendulum.FixedTimezone(int(fixed.total_seconds()))


def _offset_text(offset: dt.timedelta | None) -> str:
    """An offset from UTC as ISO 8601 writes it, with seconds when it has them (``+00:09:21``)."""
    if offset is None:
        return "none"
    sign, left = ("-", -offset) if offset < dt.timedelta(0) else ("+", offset)
    minutes, seconds = divmod(int(left.total_seconds()), 60)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


def aware_at(value: object) -> pendulum.DateTime:
    """:func:`aware` for a field called ``at``: the converter of the instant of an event."""
    return aware(value, "at")


# The day arithmetic below gives exactly what pendulum's ``add(days=n)`` and ``pendulum.datetime``
# give, with the standard library's C arithmetic (2-4 times faster). pendulum's rules, in a zone
# with daylight saving: a wall time the change skips moves forward by the gap (fold 0); a wall
# time it repeats is read as its second pass (fold 1); any other time has fold 1; a fixed offset
# has fold 0. Values whose zone is not pendulum's own go through pendulum itself.
_add = dt.datetime.__add__
_replace = dt.datetime.replace
_offset = dt.datetime.utcoffset
_since = dt.datetime.__sub__
_date_of = dt.datetime.date  # the standard library's date, whose arithmetic is C
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

_ZONE, _FIXED = pendulum.Timezone, pendulum.FixedTimezone


def _resolved(wall: pendulum.DateTime) -> pendulum.DateTime:
    """``wall`` (a wall-clock time in a pendulum zone, fold 0) read as pendulum reads it."""
    second = _replace(wall, fold=1)
    first_offset, second_offset = _offset(wall), _offset(second)
    if second_offset is not None and first_offset is not None and second_offset > first_offset:
        return _add(wall, second_offset - first_offset)  # skipped: forward by the gap
    return second  # repeated: the second pass; otherwise the same instant


def _in_zone_of(result: pendulum.DateTime, instant: pendulum.DateTime) -> pendulum.DateTime:
    """``result``, an instant counted on another calendar, shown in ``instant``'s zone."""
    zone = instant.timezone
    if zone is not None:
        return result.in_timezone(zone)
    return pendulum.instance(result.astimezone(instant.tzinfo))


def add_days(instant: pendulum.DateTime, days: int, calendar: str | None = None) -> pendulum.DateTime:
    """``days`` calendar days after ``instant`` in its own zone (C2); negative goes back.

    With ``calendar`` (a rulebook's ``days_counted_in``), the days are counted on that
    zone's calendar instead, and the result is given in ``instant``'s zone.
    """
    if calendar is not None:
        return _in_zone_of(add_days(instant.in_timezone(calendar), days), instant)
    try:
        zone = type(instant.tzinfo)
        if days and type(instant) is pendulum.DateTime and zone in (_ZONE, _FIXED):
            wall = _add(instant, dt.timedelta(days=days))  # the wall clock moved on, fold 0
            return wall if zone is _FIXED else _resolved(wall)
        return instant.add(days=days)
    except OverflowError:
        raise InvalidValueError(
            f"{days} days after {instant.isoformat()} falls outside the years 1 to 9999 that dates can "
            "have; check the number of days"
        ) from None


def start_of_day_number(instant: pendulum.DateTime, day: int, calendar: str | None = None) -> pendulum.DateTime:
    """The first instant of the local date ``date(instant) + day`` in ``instant``'s zone (C4).

    With ``calendar`` (a rulebook's ``days_counted_in``), the local date and the start of
    the day are that zone's, and the result is given in ``instant``'s zone.
    """
    if calendar is not None:
        return _in_zone_of(start_of_day_number(instant.in_timezone(calendar), day), instant)
    try:
        local_date = _date_of(instant) + dt.timedelta(days=day)
    except OverflowError:
        raise InvalidValueError(
            f"day {day} after {instant.isoformat()} falls outside the years 1 to 9999 that dates can have"
        ) from None
    zone = instant.tzinfo
    if type(zone) is _FIXED:
        return pendulum.DateTime(local_date.year, local_date.month, local_date.day, tzinfo=zone)
    if type(zone) is _ZONE:
        return _resolved(pendulum.DateTime(local_date.year, local_date.month, local_date.day, tzinfo=zone))
    return pendulum.datetime(local_date.year, local_date.month, local_date.day, tz=instant.timezone or zone)


def add_business_days(instant: pendulum.DateTime, days: int, calendar: str | None = None) -> pendulum.DateTime:
    """``days`` business days (Monday to Friday, C5) after ``instant``, in its own zone.

    Each step moves one calendar day forward and counts it only when it falls on a
    weekday, keeping the wall-clock time (C2): Friday 10:00 plus one business day is
    Monday 10:00, and so is Saturday 10:00 plus one. With ``calendar``, the days and
    weekdays are that zone's, and the result is given in ``instant``'s zone.
    """
    if calendar is not None:
        return _in_zone_of(add_business_days(instant.in_timezone(calendar), days), instant)
    result = instant
    counted = 0
    while counted < days:
        result = add_days(result, 1)
        if result.weekday() < _SATURDAY:
            counted += 1
    return result


def utc(instant: pendulum.DateTime) -> pendulum.DateTime:
    """``instant`` in UTC: the form to compare instants in.

    Python compares two datetimes that share a tzinfo by their wall-clock times and
    ignores ``fold``, so in the hour a DST change repeats, 02:30 (first pass) would
    wrongly sort before 02:10 (second pass). In UTC every instant has one reading.
    """
    return instant.in_timezone("UTC")


def zone_name(instant: dt.datetime) -> str | None:
    """The IANA name of the instant's zone (``Europe/Paris``), or ``None`` when its zone is a
    fixed offset (``+08:00``), which names no place whose rules could be followed."""
    zone = instant.tzinfo
    return zone.name if isinstance(zone, _ZONE) and not isinstance(zone, _FIXED) else None


def key(instant: dt.datetime) -> dt.timedelta:
    """The exact place of an aware ``instant`` on the time line (its distance from 1970-01-01 UTC):
    the key to compare, sort and order instants by, as :func:`utc` does, only faster."""
    return _since(instant, _EPOCH)


def in_window(instant: pendulum.DateTime, opens: pendulum.DateTime, closes: pendulum.DateTime) -> bool:
    """Whether ``instant`` lies in the half-open window ``[opens, closes)`` (C3)."""
    return key(opens) <= key(instant) < key(closes)


@functools.lru_cache(maxsize=512)
def zone_named(name: str) -> pendulum.Timezone | None:
    """The pendulum zone of the tz database called ``name``, or ``None`` when there is none.

    Names that depend on the machine are not zones here: ``localtime`` (the machine's own zone),
    ``posixrules``, and the ``posix/`` and ``right/`` copies of the database that some machines
    install (``right/`` zones count leap seconds), so that the same order gives the same answer
    on every machine."""
    if name in ("localtime", "posixrules") or name.startswith(("posix/", "right/")):
        return None
    try:
        return pendulum.timezone(name)
    except Exception:  # pendulum raises several kinds for an unknown zone name
        return None


def as_pendulum(local: dt.datetime, zone: dt.tzinfo) -> pendulum.DateTime:
    """The pendulum ``DateTime`` of ``local``'s wall-clock time and fold in ``zone`` (a pendulum zone)."""
    return pendulum.DateTime(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
        tzinfo=zone,
        fold=local.fold,
    )


def parse_instant(text: str, *, field: str = "instant") -> pendulum.DateTime:
    """Read an ISO 8601 instant that states its offset or its zone (C1).

    Accepted: ``2025-03-01T10:00:00+08:00``, ``2025-03-01T02:00:00Z``, a zone in
    brackets ``2025-03-01T10:00:00[Asia/Shanghai]`` (RFC 9557), or both
    ``2025-03-01T10:00:00+08:00[Asia/Shanghai]`` when they agree. A string with neither
    is refused: pendulum's own ``parse`` would assume UTC, and aliprotect never guesses.
    """
    if not isinstance(field, str):
        raise InvalidValueError(f"field={shown(field)} must be the field's name, a string, e.g. 'shipped_at'")
    try:
        return _parse_instant(text, field)
    except OverflowError:
        raise InvalidValueError(
            f"{field}={shown(text)} falls outside the years 1 to 9999 that aliprotect's instants can have"
        ) from None


def _parse_instant(text: str, field: str) -> pendulum.DateTime:
    """The body of :func:`parse_instant`, which turns an overflow into the library's error."""
    if not isinstance(text, str):
        raise InvalidValueError(f"{field}={shown(text)} must be an ISO 8601 string, not {type(text).__name__}")
    stamp, zone_name = text.strip(), None
    if stamp.endswith("]") and "[" in stamp:
        stamp, _, zone_name = stamp[:-1].partition("[")
    try:
        parsed = dt.datetime.fromisoformat(stamp)
    except ValueError:
        raise InvalidValueError(
            f"{field}={shown(text)} is not an ISO 8601 date and time; "
            "write it like 2025-03-01T10:00:00+08:00 or 2025-03-01T10:00:00[Asia/Shanghai]"
        ) from None
    offset = parsed.utcoffset()
    if offset is not None and offset % dt.timedelta(seconds=1):
        raise InvalidValueError(f"{field}={shown(text)} has an offset of a fraction of a second; give whole seconds")
    if zone_name is None:
        if offset is None:
            raise NaiveDatetimeError(
                f"{field}={shown(text)} has no offset and no zone; aliprotect never guesses one (C1): "
                "add one, e.g. 2025-03-01T10:00:00+08:00 or 2025-03-01T10:00:00[Asia/Shanghai]"
            )
        # "Z" names UTC; an offset, even +00:00, stays a fixed offset
        zone = pendulum.UTC if stamp.upper().endswith("Z") else pendulum.FixedTimezone(int(offset.total_seconds()))
        return pendulum.instance(parsed.replace(tzinfo=None), tz=zone)
    if parsed.tzinfo is not None:
        known = zone_named(zone_name)
        if known is not None:  # the common case, in the standard library's C code
            local = parsed.astimezone(known)
            if local.utcoffset() == parsed.utcoffset():
                return as_pendulum(local, known)
    found = zone_named(zone_name)
    if found is None:
        raise InvalidValueError(
            f"{field}={shown(text)} names the zone {shown(zone_name)}, which is not in the tz database; "
            "use a name like Europe/Paris or America/New_York"
        )
    zone = found
    if parsed.tzinfo is None:
        # pendulum.datetime resolves a skipped wall time forward, as add_days does (C2)
        return pendulum.datetime(
            parsed.year,
            parsed.month,
            parsed.day,
            parsed.hour,
            parsed.minute,
            parsed.second,
            parsed.microsecond,
            tz=zone,
        )
    stated = pendulum.instance(parsed)
    result = stated.in_timezone(zone)
    if result.utcoffset() != stated.utcoffset():
        raise InvalidValueError(
            f"{field}={shown(text)}: the offset {stated.format('Z')} is not the offset of "
            f"{zone_name} at that time ({result.format('Z')}); fix one of them"
        )
    return result


# --- pickling ---------------------------------------------------------------------------------
# pendulum pickles a DateTime without its fold, so an instant in the hour a DST change repeats
# would come back an hour off (and still compare equal, since same-zone comparison ignores
# fold). The library's values pickle their instants with the fold instead: copies, pickles,
# multiprocessing and Dask keep every instant exact.


def rebuild(kind: type, names: tuple[str, ...], values: tuple[object, ...]) -> object:
    """The value of type ``kind`` made, and checked, from its fields ``names`` and ``values``
    (instants kept whole)."""
    return kind(**{name: _thawed(item) for name, item in zip(names, values, strict=True)})


def _thawed(value: object) -> object:
    if isinstance(value, _Instant):
        return pendulum.DateTime(*value.wall, tzinfo=value.zone, fold=value.fold)
    if isinstance(value, _Mapping):
        return {key: _thawed(item) for key, item in value.items}
    if type(value) is tuple:
        return tuple(_thawed(item) for item in value)
    return value


class _Mapping(NamedTuple):
    items: tuple[tuple[str, object], ...]


class _Instant(NamedTuple):
    wall: tuple[int, int, int, int, int, int, int]
    zone: dt.tzinfo | None
    fold: int


class PicklesInstantsWhole:
    """A mix-in for frozen attrs values: pickled with the fold of every instant they hold."""

    __slots__ = ()

    def __reduce__(self) -> tuple[object, ...]:
        names = tuple(field.name for field in attrs.fields(type(self)))  # type: ignore[arg-type]
        values = tuple(_whole(getattr(self, name)) for name in names)
        return (rebuild, (type(self), names, values))


def _whole(value: object) -> object:
    if type(value) is pendulum.DateTime:
        wall = (value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond)
        return _Instant(wall, value.tzinfo, value.fold)
    if isinstance(value, Mapping):  # a decision's inputs
        return _Mapping(tuple((key, _whole(item)) for key, item in value.items()))
    if type(value) is tuple:
        return tuple(_whole(item) for item in value)
    return value
