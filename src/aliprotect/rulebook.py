"""Rulebooks: the rules' numbers and citations, as versioned, fingerprinted data.

A rulebook is a TOML document shipped inside the package (``aliprotect/rulebooks/``).
Each rule has a stable id (the ids of the rule catalog, such as ``open.earliest``), a
one-line summary, its citations and, where it has numbers, named quantities with a
unit. The code never holds a day count of its own: it asks the rulebook by rule id.

A published rulebook never changes. Its fingerprint, a SHA-256 hash of the canonical
JSON form of the document, lets an app store which rules it decided with and check
later that it still has exactly those rules.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import importlib.resources
import json
import tomllib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from aliprotect.errors import (
    InvalidValueError,
    MalformedRulebookError,
    UnknownRulebookError,
    UnknownRuleError,
)
from aliprotect.model import Evidence, Resolution

__all__ = [
    "Citation",
    "Conflict",
    "Quantity",
    "Reading",
    "Rule",
    "Rulebook",
    "Unit",
    "rulebook",
]


# Read-only copies, so that a frozen value cannot be changed through its mappings. One
# per value type, so that type checkers see what each constructor argument accepts.


def _quantity_map(mapping: Mapping[str, Quantity]) -> Mapping[str, Quantity]:
    return MappingProxyType(dict(mapping))


def _text_map(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


def _rule_map(mapping: Mapping[str, Rule]) -> Mapping[str, Rule]:
    return MappingProxyType(dict(mapping))


class Unit(enum.Enum):
    """How a rule's number counts time (see the day conventions C2, C4 and C5)."""

    DAYS = "days"
    """Calendar days after an instant, in the instant's own zone (C2)."""
    BUSINESS_DAYS = "business_days"
    """Monday to Friday in the zone of the instant counted from (C5)."""
    DAY_NUMBER = "day_number"
    """"From the Nth day after": 00:00 of the local date plus N (C4)."""


@attrs.frozen
class Quantity:
    """A number of a rule, with its unit.

    Example:
        >>> import aliprotect
        >>> aliprotect.rulebook("2025.1").quantity("dispute.seller_reply")
        Quantity(value=5, unit=<Unit.DAYS: 'days'>)
    """

    value: int = attrs.field()
    unit: Unit = attrs.field(validator=attrs.validators.instance_of(Unit))

    @value.validator
    def _check_value(self, _: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidValueError(f"value={value!r} must be a whole number of 0 or more")


@attrs.frozen
class Citation:
    """Where a rule is written: a source of the rulebook and a place in it.

    ``str(citation)`` gives it back as written, for example ``seed 002:26``.

    Example:
        >>> import aliprotect
        >>> aliprotect.rulebook("2025.1").rule("open.earliest").citations
        (Citation(source='seed 002', locator='26'),)
    """

    source: str
    """The key of the source in the rulebook's ``sources`` table, e.g. ``seed 002``."""
    locator: str
    """The place in the source: a line (``26``), a range (``21-29``) or a heading."""

    def __str__(self) -> str:
        if not self.locator:
            return self.source
        separator = ":" if self.locator[0].isdigit() else " "
        return f"{self.source}{separator}{self.locator}"


@attrs.frozen
class Rule:
    """One rule of a rulebook: its id, what it says, where it is written, its numbers.

    Example:
        >>> import aliprotect
        >>> rule = aliprotect.rulebook("2025.1").rule("open.latest")
        >>> rule.summary[:45]
        'A dispute can still be opened within 15 days '
        >>> rule.quantities["after_completion"].value
        15
    """

    id: str
    summary: str
    citations: tuple[Citation, ...]
    quantities: Mapping[str, Quantity] = attrs.field(factory=dict, converter=_quantity_map, hash=False)
    resolutions: tuple[Resolution, ...] = ()
    """For a ``claim.*`` rule: the resolutions a claim of that kind can ask for."""
    evidence: tuple[Evidence, ...] = ()
    """For a ``claim.*`` rule: the evidence a claim of that kind should carry."""

    @property
    def group(self) -> str:
        """The part of the id before the first dot: ``open``, ``protection``, ``dispute``..."""
        return self.id.split(".", 1)[0]


@attrs.frozen
class Reading:
    """One source's reading of a point where the sources disagree."""

    says: str
    citations: tuple[Citation, ...]


@attrs.frozen
class Conflict:
    """A point where the sources disagree, their readings and the one the rulebook follows."""

    topic: str
    rules: tuple[str, ...]
    readings: tuple[Reading, ...]
    follows: str


@attrs.frozen
class Rulebook:
    """A published (or custom) set of rules: versioned, cited and fingerprinted.

    Get a published one with :func:`aliprotect.rulebook`; read one from TOML text with
    :meth:`Rulebook.from_toml`. Every function of the library takes ``rules=`` and
    reads its numbers from it by rule id.

    Example:
        >>> import aliprotect
        >>> rules = aliprotect.rulebook("2025.1")
        >>> rules.version
        '2025.1'
        >>> rules.quantity("open.earliest")
        Quantity(value=6, unit=<Unit.DAY_NUMBER: 'day_number'>)
        >>> rules.fingerprint[:7]
        'sha256:'
    """

    version: str
    title: str
    published: dt.date
    summary: str = attrs.field(repr=False)
    sources: Mapping[str, str] = attrs.field(converter=_text_map, hash=False, repr=False)
    """Source key (as cited) to the source's title."""
    rules: Mapping[str, Rule] = attrs.field(converter=_rule_map, hash=False, repr=False)
    conflicts: tuple[Conflict, ...] = attrs.field(repr=False)
    fingerprint: str

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``.

        Raises:
            UnknownRuleError: the rulebook has no such rule.
        """
        try:
            return self.rules[rule_id]
        except (KeyError, TypeError):
            raise UnknownRuleError(
                f"rule_id={rule_id!r} is not a rule of rulebook {self.version}; "
                f"its rules are: {', '.join(sorted(self.rules))}"
            ) from None

    def quantity(self, rule_id: str, name: str | None = None, *, unit: Unit | None = None) -> Quantity:
        """A number of rule ``rule_id``: the one named ``name``, or its only one.

        Args:
            rule_id: the rule's id, e.g. ``"dispute.seller_reply"``.
            name: which of the rule's quantities; may be left out when it has one.
            unit: when given, the unit the caller counts in; a different one is an error.

        Raises:
            UnknownRuleError: no such rule, no such quantity, or ``name`` left out for a
                rule with several quantities.
            MalformedRulebookError: the quantity is not in ``unit``.
        """
        quantities = self.rule(rule_id).quantities
        if name is None:
            if len(quantities) != 1:
                raise UnknownRuleError(
                    f"rule {rule_id} has {len(quantities)} quantities ({', '.join(quantities) or 'none'}); "
                    "name the one you want"
                )
            (quantity,) = quantities.values()
        elif name in quantities:
            quantity = quantities[name]
        else:
            raise UnknownRuleError(
                f"name={name!r} is not a quantity of rule {rule_id}; "
                f"it has: {', '.join(quantities) or 'none'}"
            )
        if unit is not None and quantity.unit is not unit:
            raise MalformedRulebookError(
                f"rule {rule_id} of rulebook {self.version} counts in {quantity.unit.value}, "
                f"but it is used as {unit.value}; fix the rule's unit"
            )
        return quantity

    @classmethod
    def from_toml(cls, text: str) -> Rulebook:
        """Read a rulebook from the text of a TOML document of the rulebook schema.

        Raises:
            MalformedRulebookError: the text is not TOML, or breaks the schema; the
                message names the place and what is wrong.
        """
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, TypeError) as error:
            raise MalformedRulebookError(f"the rulebook is not valid TOML: {error}") from None
        return _parse(data)


# --- Reading the schema -----------------------------------------------------------


def _fail(where: str, problem: str) -> MalformedRulebookError:
    return MalformedRulebookError(f"rulebook {where}: {problem}")


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise _fail(f"{where}{key}", "is missing or is not a table")
    return value


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}{key}", f"must be a non-empty string, found {value!r}")
    return value


def _citations(value: object, sources: Mapping[str, str], where: str) -> tuple[Citation, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(where, "must be a non-empty list of citations")
    # the longest source key that starts the citation, so "seed 00" never shadows "seed 001"
    keys = sorted(sources, key=len, reverse=True)
    citations = []
    for text in value:
        source = next((k for k in keys if isinstance(text, str) and text.startswith(k)), None)
        if source is None:
            raise _fail(where, f"citation {text!r} does not start with a source of [sources]")
        citations.append(Citation(source, text[len(source) :].lstrip(": ")))
    return tuple(citations)


def _quantities(value: object, where: str) -> dict[str, Quantity]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _fail(where, "must be a table of quantities")
    result = {}
    units = ", ".join(unit.value for unit in Unit)
    for name, spec in value.items():
        here = f"{where}.{name}"
        if not isinstance(spec, Mapping) or set(spec) != {"value", "unit"}:
            raise _fail(here, "must be a table with exactly the keys value and unit")
        number, unit = spec["value"], spec["unit"]
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise _fail(f"{here}.value", f"must be a whole number of 0 or more, found {number!r}")
        if not isinstance(unit, str) or unit not in {u.value for u in Unit}:
            raise _fail(f"{here}.unit", f"must be one of {units}, found {unit!r}")
        result[name] = Quantity(number, Unit(unit))
    return result


_RULE_KEYS = {"summary", "citations", "quantities", "resolutions", "evidence"}
_Choice = TypeVar("_Choice", Resolution, Evidence)


def _choices(value: object, choices: type[_Choice], where: str) -> tuple[_Choice, ...]:
    if value is None:
        return ()
    allowed = [choice.value for choice in choices]
    if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
        raise _fail(where, f"must be a list of {', '.join(allowed)}; found {value!r}")
    return tuple(choices(v) for v in value)


def _parse(data: Mapping[str, Any]) -> Rulebook:
    head = _table(data, "rulebook", "")
    version = _text(head, "version", "[rulebook].")
    published = head.get("published")
    if not isinstance(published, dt.date) or isinstance(published, dt.datetime):
        raise _fail("[rulebook].published", f"must be a TOML date like 2026-11-22, found {published!r}")
    sources = {
        key: _text(spec, "title", f'[sources."{key}"].') if isinstance(spec, Mapping) else ""
        for key, spec in _table(data, "sources", "").items()
    }
    if not all(sources.values()):
        raise _fail("[sources]", "every source must be a table with a title")

    rules = {}
    for rule_id, spec in _table(data, "rules", "").items():
        where = f'[rules."{rule_id}"]'
        if not isinstance(spec, Mapping):
            raise _fail(where, "must be a table")
        unknown = set(spec) - _RULE_KEYS
        if unknown:
            raise _fail(
                where, f"has unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(_RULE_KEYS))}"
            )
        rules[rule_id] = Rule(
            rule_id,
            _text(spec, "summary", f"{where}."),
            _citations(spec.get("citations"), sources, f"{where}.citations"),
            _quantities(spec.get("quantities"), f"{where}.quantities"),
            _choices(spec.get("resolutions"), Resolution, f"{where}.resolutions"),
            _choices(spec.get("evidence"), Evidence, f"{where}.evidence"),
        )

    conflicts = []
    raw_conflicts = data.get("conflicts", [])
    if not isinstance(raw_conflicts, list):
        raise _fail("[[conflicts]]", "must be an array of tables")
    for index, spec in enumerate(raw_conflicts):
        where = f"[[conflicts]] #{index + 1}"
        if not isinstance(spec, Mapping):
            raise _fail(where, "must be a table")
        named = spec.get("rules")
        if (
            not isinstance(named, list)
            or not named
            or any(not isinstance(r, str) or r not in rules for r in named)
        ):
            raise _fail(f"{where}.rules", f"must list rule ids of this rulebook, found {named!r}")
        readings = spec.get("readings")
        if not isinstance(readings, list) or len(readings) < 2:
            raise _fail(f"{where}.readings", "must list at least two readings")
        conflicts.append(
            Conflict(
                _text(spec, "topic", f"{where}."),
                tuple(named),
                tuple(_reading(r, sources, f"{where}.readings") for r in readings),
                _text(spec, "follows", f"{where}."),
            )
        )

    return Rulebook(
        version=version,
        title=_text(head, "title", "[rulebook]."),
        published=published,
        summary=_text(head, "summary", "[rulebook]."),
        sources=sources,
        rules=rules,
        conflicts=tuple(conflicts),
        fingerprint=_fingerprint(data),
    )


def _reading(spec: object, sources: Mapping[str, str], where: str) -> Reading:
    if not isinstance(spec, Mapping):
        raise _fail(where, "each reading must be a table with says and citations")
    return Reading(
        _text(spec, "says", f"{where}."), _citations(spec.get("citations"), sources, f"{where}.citations")
    )


def _fingerprint(data: Mapping[str, Any]) -> str:
    """SHA-256 of the document's canonical JSON: sorted keys, no spaces, dates as ISO text."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- The published rulebooks --------------------------------------------------------


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@functools.cache
def _published() -> Mapping[str, str]:
    """Version to TOML text of every rulebook shipped in the package."""
    folder = importlib.resources.files("aliprotect") / "rulebooks"
    return MappingProxyType(
        {
            entry.name.removesuffix(".toml"): entry.read_text(encoding="utf-8")
            for entry in folder.iterdir()
            if entry.name.endswith(".toml")
        }
    )


@functools.cache
def _load(version: str) -> Rulebook:
    book = Rulebook.from_toml(_published()[version])
    if book.version != version:
        raise MalformedRulebookError(
            f"the rulebook file {version}.toml says version={book.version!r}; they must agree"
        )
    return book


def rulebook(version: str | None = None) -> Rulebook:
    """A published rulebook: the one named ``version``, or the latest.

    Args:
        version: a published version such as ``"2025.1"``; ``None`` for the latest.
            Pin a version in an app so its decisions can be reproduced later.

    Raises:
        UnknownRulebookError: no published rulebook has that version. Nothing falls
            back to another rulebook.

    Example:
        >>> import aliprotect
        >>> aliprotect.rulebook("2025.1").title
        'Buyer protection as described by the source articles'
        >>> aliprotect.rulebook().version >= "2025.1"
        True
    """
    published = _published()
    if version is None:
        version = max(published, key=_version_key)
    elif not isinstance(version, str) or version not in published:
        raise UnknownRulebookError(
            f"version={version!r} is not a published rulebook; "
            f"published: {', '.join(sorted(published, key=_version_key))}"
        )
    return _load(version)
