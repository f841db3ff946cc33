"""The published rulebooks: the files shipped in ``aliprotect/rulebooks/``, by version and by date."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from aliprotect import _days
from aliprotect._rulebook import Rulebook
from aliprotect._shown import shown
from aliprotect.errors import (
    InvalidValueError,
    MalformedRulebookError,
    ModifiedRulebookError,
    UnknownRulebookError,
    warn_deprecated,
)


def _version_key(version: str) -> tuple[int, int, str, int]:
    """Calendar versions (``2025.1``) in time order, then the others by family and number
    (``observed.1``, then ``undated.1``, ``undated.2``)."""
    head, _, number = version.partition(".")
    count = int(number) if number.isdigit() else 0
    return (1, 0, head, count) if not head.isdigit() else (0, int(head), "", count)


def _dated(version: str) -> bool:
    return version.partition(".")[0].isdigit()


_FOLDER = os.path.join(os.path.dirname(__file__), "rulebooks")
"""Each published rulebook is a TOML file, as people read and edit it, and beside it its
canonical JSON document (written by ``scripts/rulebook_documents.py``, checked by the tests),
which is what the package loads: reading JSON is several times faster than parsing TOML."""


@functools.cache
def _published() -> tuple[str, ...]:
    """The version of every rulebook shipped in the package, from the names of its files.

    The files are read one at a time, when a rulebook is asked for (:func:`_document`).
    """
    if os.path.isdir(_FOLDER):
        names = os.listdir(_FOLDER)
    else:  # installed in a zip file: through the import system's resource readers
        import importlib.resources

        names = [entry.name for entry in (importlib.resources.files("aliprotect") / "rulebooks").iterdir()]
    return tuple(sorted((name.removesuffix(".json") for name in names if name.endswith(".json")), key=_version_key))


def _document(version: str) -> str:
    """The canonical JSON document of the published rulebook ``version``."""
    if os.path.isdir(_FOLDER):
        with open(os.path.join(_FOLDER, f"{version}.json"), encoding="utf-8") as file:
            return file.read()
    import importlib.resources

    return (importlib.resources.files("aliprotect") / "rulebooks" / f"{version}.json").read_text(encoding="utf-8")


PUBLISHED: Mapping[str, str] = MappingProxyType(
    {
        "2010.1": "sha256:eae78df532f88211b82e4ae014497a7a59aebd6011c66095c7a7b6420d665d6a",
        "2013.1": "sha256:ce2897fadd95eb5ac3874b96ede6f0cb88532c3d80092350f16e0c406a0fb0cd",
        "2013.2": "sha256:31a34e419b4f47c3975e6a50b8db5dc027bbf86b780aec566caf69ce819f1863",
        "2015.1": "sha256:47db6089217fa1ca10c63d36114d2bdf16a122c311bb087e96e538c2d46ae193",
        "2018.1": "sha256:89b97af26aaf4a9d12c226b96090b8b93531069b5142ae69a3b357a7f33ee1b6",
        "2020.1": "sha256:9687671b558827cdbb006d0d8d613a3322c855ac8ef1da88676a1fc693106525",
        "2020.2": "sha256:fd64177c51a047a64cbba1c3dddaa03f2f614723b6c30ff5868805ed844b6dc5",
        "2021.1": "sha256:096cd08c8cd7a112c3035d8f1fb9ac0b95ff5344c83c8916f5fbcff8c92dc7c4",
        "2021.2": "sha256:120829bbee6883fe08deacd1b2a0e26cade3d3626d4ba81c229e1a8f6125752e",
        "2025.1": "sha256:31849fa377302694cc4e026f0ddcfe5f87a2eab2ea21d493d30901f2b7af03d9",
        "2025.2": "sha256:1173a81b7399380b66ccdc2701dd257d71f00f32c6e7ff0dde06af9d61507436",
        "observed.1": "sha256:a0522b60125ef9131abc269f5950442651ae6171fe4ed25f5bf3a01082f03e5d",
        "observed.2": "sha256:2e406dc9799abadbc95caeaf00539686b5f620392c3e89ceddf6fe647a7c81bb",
        "undated.1": "sha256:e1236d2c90f999bf89246c3af94b2e53b345568bea78be597e557a9f9b378cd3",
        "undated.2": "sha256:682f4eec63b7ea5582994fdbf9808b46a074f9fef70383e28e5de76aaedf7f0a",
        "undated.3": "sha256:e9b63d1bd6307c5e54ee05829c07d84e99073fe75a08a207b19c618ef335d01d",
        "undated.4": "sha256:5a27333747e061a0b6ec8e8ba2ce7b692835c2fdfd60719fa49abc712e36ad08",
        "undated.5": "sha256:a788480ffbfac79ba027624fda9c26b29e556d78e8b3770b8f71de24514cfabf",
    }
)
"""The fingerprint each published rulebook was released with. A published rulebook never
changes, so a file that no longer matches means the installation was modified; loading it
raises :class:`~aliprotect.errors.ModifiedRulebookError`."""


def _text(value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"{shown(value)} must be text: a rulebook's version, or why it was superseded")
    return value


def _day(value: dt.date) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidValueError(f"since={shown(value)} must be a date, e.g. datetime.date(2026, 11, 23)")
    return value


@attrs.frozen
class Superseded:
    """Why a published rulebook is deprecated, and the one to use instead.

    A published rulebook never changes: a correction is a new version, and the old one stays
    loadable, so that decisions made with it can be replayed and explained. Asking for it by
    version warns (:class:`~aliprotect.errors.AliprotectDeprecationWarning`); a date never
    chooses it.
    """

    by: str = attrs.field(converter=_text)
    """The version to use instead."""
    since: dt.date = attrs.field(converter=_day)
    """The day it was superseded."""
    why: str = attrs.field(converter=_text)
    """What was wrong with it, or what it lacks."""


_CORRECTED = dt.date(2026, 11, 23)

SUPERSEDED: Mapping[str, Superseded] = MappingProxyType(
    {
        "undated.1": Superseded(
            "2010.1",
            _CORRECTED,
            "it read a supplier's silence as the buyer's win on the 15th day, while its own escrow pages send a "
            "dispute still unresolved to AliExpress's dispute team on the 16th day; 2010.1 follows the pages and "
            "places the era in the dated history",
        ),
        "undated.2": Superseded(
            "undated.4",
            _CORRECTED,
            "it kept the order's protection_days as the timer (60 days when the seller promised 30), while its "
            "pages say the confirmation date follows the seller's stated delivery time, 60 days at most; and for "
            "an order shown delivered it advised opening a dispute before the delivery that cut protection short",
        ),
        "2013.1": Superseded(
            "2013.2",
            _CORRECTED,
            "its source states no time limits, so it cannot say when a dispute opens or closes; 2013.2 keeps its "
            "kinds of claim and carries the timeline from the escrow era (2010.1), marked carried",
        ),
        "2020.1": Superseded(
            "2020.2",
            _CORRECTED,
            'it read the seller\'s "4 or more days" as a deadline of 4 days: a minimum is not a deadline; 2020.2 '
            "follows the same month's 5 days (seed 001:64)",
        ),
        "2021.1": Superseded(
            "2021.2",
            _CORRECTED,
            "it counted the promised delivery deadline in the zone of shipping, while its source shows the deadline "
            "in Pacific time; 2021.2 counts those days on the America/Los_Angeles calendar",
        ),
        "observed.1": Superseded(
            "observed.2",
            _CORRECTED,
            "the rules it carries from 2025.1 carry 2025.1's two citations that pointed at the wrong line; "
            "observed.2 has the same rules and numbers with 2025.2's citations and its sources' addresses",
        ),
        "undated.3": Superseded(
            "undated.5",
            _CORRECTED,
            "the rules it carries from 2025.1 carry 2025.1's two citations that pointed at the wrong line; "
            "undated.5 has the same rules and numbers with 2025.2's citations and its sources' addresses",
        ),
        "2025.1": Superseded(
            "2025.2",
            _CORRECTED,
            "two citations pointed at the wrong line (claim.missing_items is seed 004:39 and 004:45, "
            "dropship.refund_customer seed 000:71) and two headings were not as the page writes them; 2025.2 has "
            "the same rules and numbers with its citations checked and its sources' addresses",
        ),
    }
)
"""The deprecated published rulebooks, by version: why, and the version to use instead."""


@functools.cache
def _load(version: str) -> Rulebook:
    try:
        data = json.loads(_document(version))
    except ValueError as error:
        raise MalformedRulebookError(f"the rulebook file {version}.json is not valid JSON: {error}") from None
    book = Rulebook.from_dict(data)
    if book.version != version:
        raise MalformedRulebookError(
            f"the rulebook file {version}.json says version={shown(book.version)}; they must agree"
        )
    released = PUBLISHED.get(version)
    if book.fingerprint != released:
        found = (
            "is not one the package was released with" if released is None else f"has fingerprint {book.fingerprint}"
        )
        raise ModifiedRulebookError(
            f"the installed rulebook file {version}.json {found}"
            + ("" if released is None else f", not {released} as released")
            + ": the installation was modified; reinstall aliprotect (pip install --force-reinstall aliprotect)"
        )
    return book


def rulebooks() -> tuple[Rulebook, ...]:
    """Every published rulebook: the dated ones oldest first, then the undated ones.

    Example:
        >>> import aliprotect
        >>> for book in aliprotect.rulebooks():
        ...     print(book.version, book.in_force_from, book.in_force_certainty.value)
        2010.1 2010-01-01 assumed
        2013.1 2013-08-01 stated
        2013.2 2013-08-01 stated
        2015.1 2015-08-01 seen
        2018.1 2018-08-01 seen
        2020.1 2020-06-06 seen
        2020.2 2020-06-06 seen
        2021.1 2021-12-01 seen
        2021.2 2021-12-01 seen
        2025.1 2025-01-01 seen
        2025.2 2025-01-01 seen
        observed.1 2019-03-06 seen
        observed.2 2019-03-06 seen
        undated.1 None unknown
        undated.2 None unknown
        undated.3 None unknown
        undated.4 None unknown
        undated.5 None unknown
    """
    return tuple(_load(version) for version in _published())


def rulebook(version: str | None = None, *, on: dt.date | None = None) -> Rulebook:
    """A published rulebook: the one named ``version``, or the latest.

    Args:
        version: a published version such as ``"2025.1"``; ``None`` for the latest.
            Pin a version in an app so its decisions can be reproduced later.
        on: instead of a version, a date: the rulebook in force on it, the published one
            with a calendar version (``2025.1``) and the latest ``in_force_from`` on or
            before it. An aware datetime counts by its own local date. Other families
            (``observed.1``, ``undated.1``) are chosen by name only.

    Raises:
        UnknownRulebookError: no published rulebook has that version, or none was in
            force on that date. Nothing falls back to another rulebook.
        InvalidValueError: both ``version`` and ``on`` given, or ``on`` not a date.

    Example:
        >>> import aliprotect
        >>> aliprotect.rulebook("2025.1").title
        'Buyer protection as described by the source articles'
        >>> aliprotect.rulebook().version >= "2025.1"
        True
        >>> import datetime
        >>> aliprotect.rulebook(on=datetime.date(2025, 6, 1)).version
        '2025.2'
    """
    if on is not None:
        if version is not None:
            raise InvalidValueError(f"version={shown(version)} and on={shown(on)}: ask for one or the other")
        return _in_force(on)
    book = published(version)
    superseded = SUPERSEDED.get(book.version)
    if superseded is not None:
        warn_deprecated(
            f"rulebook {book.version} is superseded by {superseded.by}: {superseded.why}. "
            f"It stays loadable to replay decisions made with it; use {superseded.by} for new ones",
            since=superseded.since,
        )
    return book


def published(version: str | None = None) -> Rulebook:
    """The published rulebook ``version`` (the latest for ``None``), without the warning of a
    superseded one: for an answer or a decision that names its rulebook, which must be
    explained with that very rulebook."""
    known = _published()
    if version is None:
        version = max((v for v in known if _dated(v) and v not in SUPERSEDED), key=_version_key)
    elif not isinstance(version, str) or version not in known:
        raise UnknownRulebookError(
            f"version={shown(version)} is not a published rulebook; published: {', '.join(known)}"
        )
    return _load(version)


def _in_force(on: dt.date) -> Rulebook:
    day: dt.date
    if isinstance(on, dt.datetime):
        day = _days.aware(on, "on").date()
    elif isinstance(on, dt.date):
        day = on
    else:
        raise InvalidValueError(f"on={shown(on)} must be a date, e.g. datetime.date(2025, 6, 1)")
    # only calendar versions are eras; another family (observed.1) is asked for by name
    dated = [
        book
        for book in rulebooks()
        if _dated(book.version) and book.in_force_from is not None and book.version not in SUPERSEDED
    ]
    candidates = [book for book in dated if book.in_force_from is not None and book.in_force_from <= day]
    if not candidates:
        earliest = min(book.in_force_from for book in dated if book.in_force_from is not None)
        raise UnknownRulebookError(
            f"on={day.isoformat()}: no published rulebook was in force that day; the earliest known "
            f"rules are from {earliest.isoformat()}, and aliprotect does not guess older ones"
        )
    return max(candidates, key=lambda book: (book.in_force_from or dt.date.min, _version_key(book.version)))


def given_or_latest(rules: Rulebook | None) -> Rulebook:
    """``rules``, or the latest published rulebook when it is ``None``."""
    if rules is None:
        return published()
    if not isinstance(rules, Rulebook):
        raise InvalidValueError(
            f"rules={shown(rules)} must be a Rulebook, e.g. aliprotect.rulebook('2025.2'), or None for the latest"
        )
    return rules
