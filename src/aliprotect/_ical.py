"""Calendar reminders: the upcoming deadlines of many orders as an iCalendar (RFC 5545) file.

The text is written with the ``icalendar`` library (the calendar extra), which escapes and
folds the lines and writes the ``VTIMEZONE`` of each zone the events use; the core never
imports it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pendulum

from aliprotect import _days
from aliprotect._answers import Deadline
from aliprotect._dispute import Dispute
from aliprotect._model import Order
from aliprotect._registry import given_or_latest, published
from aliprotect._reminders import Reminder, horizon_after, reminders
from aliprotect._rulebook import Rulebook
from aliprotect._shown import shown
from aliprotect.errors import InvalidValueError, MissingExtraError, UnknownRulebookError

_ACTIONS = {
    "open_by_recommended": "open a dispute by this time (recommended)",
    "protection_ends": "protection ends",
    "dispute_closes": "last chance to open a dispute",
    "seller_reply_by": "the seller's reply is due",
    "claim_from": "the claim can be made from this time",
    "claim_until": "last chance to make the claim",
    "moderator_from": "the dispute can go to the moderator",
    "return_by": "ship the return by this time",
    "refund_arrives_by": "the refund should have arrived",
}
"""What each deadline asks of the reader, in the few words of an event's summary (the
description says the rest)."""

_UNWRITABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
"""What iCalendar text cannot hold (RFC 5545, 3.3.11: no control character but tab and line
break) or UTF-8 cannot encode (a lone surrogate), and the controls that would show the text
around them in another order than it is written (U+202A to U+202E, U+2066 to U+2069)."""

PRODUCT = "-//aliprotect//deadlines//EN"

LONGEST_ALARM = dt.timedelta(days=366)
"""The longest lead a reminder may have: a year. Longer is no reminder; it is refused."""
"""The calendar's ``PRODID``: which product wrote it (RFC 5545, 3.7.3)."""


def to_ical(
    orders: Iterable[Order],
    *,
    at: dt.datetime,
    within: dt.timedelta | None = None,
    disputes: Iterable[Dispute] = (),
    rules: Rulebook | None = None,
    alarm: dt.timedelta = dt.timedelta(hours=24),
    name: str = "AliExpress deadlines",
) -> str:
    """Every deadline of many orders after ``at`` as an iCalendar (RFC 5545) file, to import
    into a calendar.

    The deadlines are those of :func:`aliprotect.upcoming` (the recommended open-by, the end
    of protection and the last chance to open a dispute; an open dispute's own deadlines
    instead), all of them when ``within`` is ``None``, else those up to ``at + within``.
    Each is an event:

    - at the deadline's instant, to the second (iCalendar holds no fraction of a second,
      and one is dropped, so that no event is later than its deadline), in the order's
      zone: with its ``VTIMEZONE`` for a named zone (``Europe/Paris``), in UTC for a fixed
      offset (``+08:00``), which names no zone a calendar could follow, and for a time a DST
      change repeats, which a calendar would read as its first pass;
    - with a reminder ``alarm`` before it (24 hours by default, at most 366 days, rounded up
      to a whole second; ``datetime.timedelta(0)`` for none);
    - with a summary naming the order and what to do, and a description with the rule ids,
      the rulebook and the sources with their addresses;
    - with each character a calendar file cannot hold (a control character, a lone
      surrogate) or that would show text in another order than it is written (a
      right-to-left override) written as U+FFFD;
    - with an id (``UID``) made of the order id and the deadline's name (and, for a second
      open dispute of the same order, its place among them), so that importing a later
      calendar updates an event (a deadline an extension moved) rather than adding a second
      one. An event that no longer applies (the open-by once a dispute is open) is not in the
      later calendar, and a calendar that imported it keeps it. ``DTSTAMP`` is ``at``, never
      the clock.

    With no deadline ahead, the calendar holds no event (RFC 5545 asks for at least one
    component; calendars import such a file as an empty one).

    Needs the calendar extra: ``pip install 'aliprotect[calendar]'``.

    Raises:
        MissingExtraError: the ``icalendar`` library is not installed.
        InvalidValueError: as :func:`aliprotect.upcoming`, or an ``alarm`` that is not a
            ``timedelta`` from zero to 366 days, a ``name`` that is not one line of text, or an instant
            too near the year 1 or 9999 to be written in a calendar file.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=45,
        ... )
        >>> text = aliprotect.to_ical(
        ...     [order], at=pendulum.datetime(2025, 4, 1, tz="Europe/Paris"), rules=aliprotect.rulebook("2025.2")
        ... )
        >>> for line in text.splitlines():
        ...     if line.startswith(("SUMMARY", "DTSTART;", "TRIGGER")):
        ...         print(line)
        SUMMARY:Order A1: open a dispute by this time (recommended)
        DTSTART;TZID=Europe/Paris:20250407T180000
        TRIGGER:-P1D
        SUMMARY:Order A1: protection ends
        DTSTART;TZID=Europe/Paris:20250417T180000
        TRIGGER:-P1D
        SUMMARY:Order A1: last chance to open a dispute
        DTSTART;TZID=Europe/Paris:20250502T180000
        TRIGGER:-P1D
    """
    try:
        import icalendar
    except ImportError:
        raise MissingExtraError("to_ical needs the calendar extra: pip install 'aliprotect[calendar]'") from None
    instant = _days.aware(at, "at")
    horizon = None if within is None else horizon_after(instant, within)
    if not isinstance(alarm, dt.timedelta) or not dt.timedelta(0) <= alarm <= LONGEST_ALARM:
        raise InvalidValueError(
            f"alarm={shown(alarm)} must be how long before each deadline to remind, a timedelta from zero to "
            "366 days, e.g. datetime.timedelta(hours=24)"
        )
    if not isinstance(name, str) or "\n" in name or "\r" in name:
        raise InvalidValueError(f"name={shown(name)} must be the calendar's name, a string of one line")
    rules = given_or_latest(rules)
    found = reminders(orders, at=instant, horizon=horizon, disputes=disputes, rules=rules)
    try:
        return _calendar(icalendar, found, instant, _whole_seconds(alarm), rules, name)
    except OverflowError:  # an instant near the year 1 or 9999: no reading in UTC, or no zone rules after it
        raise InvalidValueError(
            f"at={instant.isoformat()} or a deadline after it is too near the year 1 or 9999 to be written in "
            "a calendar file (in UTC, with its zone's rules); give instants inside the years 2 to 9998"
        ) from None


def _whole_seconds(alarm: dt.timedelta) -> dt.timedelta:
    """The alarm's lead in whole seconds, rounded up (iCalendar holds no fraction of a second), so
    that a reminder never comes later than asked."""
    return dt.timedelta(seconds=math.ceil(alarm.total_seconds()))


def _calendar(
    icalendar: Any,
    found: Sequence[Reminder],
    instant: pendulum.DateTime,
    alarm: dt.timedelta,
    rules: Rulebook,
    name: str,
) -> str:
    """The iCalendar text of the reminders ``found``: an event each, then the zones they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _text(name))
    stamp = _days.utc(instant)
    seen: dict[str, int] = {}
    for reminder in found:
        calendar.add_component(_event(icalendar, reminder, stamp, alarm, rules, seen))
    if found:  # each zone's offsets from the day before `at` to the day after the last deadline
        last = max(_days.utc(r.deadline.at).date() for r in found)
        calendar.add_missing_timezones(
            first_date=max(stamp.date(), dt.date.min + dt.timedelta(days=1)) - dt.timedelta(days=1),
            last_date=min(last, dt.date.max - dt.timedelta(days=1)) + dt.timedelta(days=1),
        )
        zones = sorted(calendar.walk("VTIMEZONE"), key=lambda zone: str(zone["tzid"]))  # the same text every run
        calendar.subcomponents = [*zones, *calendar.walk("VEVENT")]
    return str(calendar.to_ical().decode("utf-8"))


def _event(
    icalendar: Any,
    reminder: Reminder,
    stamp: pendulum.DateTime,
    alarm: dt.timedelta,
    rules: Rulebook,
    seen: dict[str, int],
) -> Any:
    deadline = reminder.deadline
    key = f"{reminder.order_id}\x00{deadline.name}"
    seen[key] = seen.get(key, 0) + 1  # two open disputes of one order: the second's events apart
    digest = hashlib.sha256(f"{key}\x00{seen[key]}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    summary = f"Order {reminder.order_id}: {_ACTIONS.get(deadline.name, deadline.name.replace('_', ' '))}"
    event = icalendar.Event()
    event.add("uid", f"{digest}@aliprotect")
    event.add("dtstamp", stamp)
    event.add("dtstart", _in_zone(deadline.at))
    event.add("summary", _text(summary))
    event.add("description", _text(_description(reminder, rules)))
    event.add("categories", ["aliprotect", deadline.name])
    if alarm > dt.timedelta(0):
        reminder_alarm = icalendar.Alarm()
        reminder_alarm.add("action", "DISPLAY")
        reminder_alarm.add("trigger", -alarm)
        reminder_alarm.add("description", _text(summary))
        event.add_component(reminder_alarm)
    return event


def _text(text: str) -> str:
    """``text`` with each character a calendar file cannot hold written as U+FFFD."""
    return _UNWRITABLE.sub("\ufffd", text)


def _in_zone(instant: pendulum.DateTime) -> dt.datetime:
    """The instant to the second, never later (iCalendar holds no fraction of a second), in its
    named zone; in UTC when its zone is a fixed offset, or when its wall-clock time is one a
    DST change repeats (a calendar reads a repeated local time as its first pass, RFC 5545
    3.3.5, which would put the second pass an hour early)."""
    instant = instant.replace(microsecond=0)
    if (
        _days.zone_name(instant) is not None
        and instant.replace(fold=1 - instant.fold).utcoffset() == instant.utcoffset()
    ):
        return instant
    return _days.utc(instant)


def _description(reminder: Reminder, rules: Rulebook) -> str:
    deadline = reminder.deadline
    lines = [
        deadline.description[:1].upper() + deadline.description[1:].rstrip(".") + ".",
        f"Order {reminder.order_id}, {deadline.name} at {deadline.at.isoformat()}.",
        f"Rulebook {deadline.rulebook} (fingerprint {deadline.fingerprint}).",
    ]
    book = _book(deadline, rules)
    for rule_id in deadline.rule_ids:
        rule = None if book is None else book.rules.get(rule_id)
        if rule is None:
            lines.append(f"Rule {rule_id}.")
            continue
        lines.append(f"Rule {rule_id}: {rule.summary}")
        lines += [f"  {citation.where()}: {citation.url or citation.source}" for citation in rule.citations]
    return "\n".join(lines)


def _book(deadline: Deadline, rules: Rulebook) -> Rulebook | None:
    """The rulebook that gave the deadline, for its rules' sources, when it is known."""
    if deadline.fingerprint == rules.fingerprint:
        return rules
    try:
        book = published(deadline.rulebook)
    except UnknownRulebookError:
        return None
    return book if book.fingerprint == deadline.fingerprint else None
