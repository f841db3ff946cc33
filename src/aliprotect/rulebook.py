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

import contextlib
import datetime as dt
import enum
import functools
import hashlib
import importlib.resources
import json
import tomllib
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from aliprotect import _days
from aliprotect.errors import (
    InvalidValueError,
    MalformedRulebookError,
    MissingFactError,
    UnknownRulebookError,
    UnknownRuleError,
    UnstatedRuleError,
)
from aliprotect.model import Evidence, Resolution

__all__ = [
    "OPTIONAL_QUANTITIES",
    "RULE_SCHEMA",
    "Certainty",
    "Citation",
    "Conflict",
    "Parent",
    "Quantity",
    "Reading",
    "Rule",
    "RuleChange",
    "Rulebook",
    "Unit",
    "diff",
    "rulebook",
    "rulebooks",
]


# Read-only copies, so that a frozen value cannot be changed through its mappings. One
# per value type, so that type checkers see what each constructor argument accepts.


def _quantity_map(mapping: Mapping[str, Quantity]) -> Mapping[str, Quantity]:
    return MappingProxyType(dict(mapping))


def _text_map(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


def _rule_map(mapping: Mapping[str, Rule]) -> Mapping[str, Rule]:
    return MappingProxyType(dict(mapping))


def _int_map(mapping: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(mapping))


def _names_map(mapping: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType(dict(mapping))


class Unit(enum.Enum):
    """How a rule's number counts time (see the day conventions C2, C4 and C5)."""

    DAYS = "days"
    """Calendar days after an instant, in the instant's own zone (C2)."""
    BUSINESS_DAYS = "business_days"
    """Monday to Friday in the zone of the instant counted from (C5)."""
    DAY_NUMBER = "day_number"
    """"From the Nth day after": 00:00 of the local date plus N (C4)."""


@attrs.frozen(repr=False)
class Quantity:
    """A number of a rule, with its unit.

    Example:
        >>> import aliprotect
        >>> aliprotect.rulebook("2025.1").quantity("dispute.seller_reply")
        Quantity(value=5, unit=<Unit.DAYS: 'days'>)
    """

    value: int | None = attrs.field()
    """The number; ``None`` when it depends on the carrier (see ``by_carrier``)."""
    unit: Unit = attrs.field(validator=attrs.validators.instance_of(Unit))
    by_carrier: Mapping[str, int] = attrs.field(factory=dict, converter=_int_map, hash=False, repr=False)
    """The number for each carrier group of the rulebook's ``carriers``, when it depends on the carrier."""

    @value.validator
    def _check_value(self, _: attrs.Attribute[int | None], value: int | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidValueError(f"value={value!r} must be a whole number of 0 or more")

    def __attrs_post_init__(self) -> None:
        if (self.value is None) == (not self.by_carrier):
            raise InvalidValueError("a quantity has either a value or a value for each carrier group, not both")
        for group, number in self.by_carrier.items():
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise InvalidValueError(f"by_carrier[{group!r}]={number!r} must be a whole number of 0 or more")

    def __repr__(self) -> str:
        if self.by_carrier:
            return f"Quantity(by_carrier={dict(self.by_carrier)!r}, unit={self.unit!r})"
        return f"Quantity(value={self.value!r}, unit={self.unit!r})"


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
    anchor: str | None = None
    """For ``open.latest``: what the last chance is counted from, when not the completion
    of the order: ``promised_delivery_or_receipt``, the earlier of the end of the seller's
    promised delivery time and the buyer's confirmation of receipt."""
    carried_from: str | None = None
    """The rulebook this rule is carried over from, when the sources of this rulebook do not
    restate it; its citations are that rulebook's."""
    in_transit_waits: bool = False
    """For ``open.earliest`` and ``dispute.escalation``: while the tracking shows the parcel
    on its way inside the seller's promised delivery time, what the rule allows waits
    until that time has passed."""

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


class Certainty(enum.Enum):
    """How sure a rulebook's ``in_force_from`` date is."""

    STATED = "stated"
    """A source states the date the rules started."""
    SEEN = "seen"
    """Only seen in a source of that date: the rules may have started earlier."""
    UNKNOWN = "unknown"
    """No source dates these rules: the rulebook has no ``in_force_from``."""


@attrs.frozen
class Parent:
    """The rulebook a custom rulebook was derived from (see :meth:`Rulebook.derive`)."""

    version: str
    fingerprint: str


@attrs.frozen
class RuleChange:
    """One difference between two rulebooks, as listed by :func:`aliprotect.diff`.

    Attributes:
        rule_id: the rule that differs.
        field: what differs: ``quantities.<name>``, ``citations``, ``summary``,
            ``resolutions``, ``evidence``, ``anchor``, ``carried_from``, ``in_transit_waits``,
            or ``rule`` when only one rulebook has the rule.
        before: the value in the first rulebook (``None`` when it lacks it).
        after: the value in the second rulebook (``None`` when it lacks it).
    """

    rule_id: str
    field: str
    before: object
    after: object


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
    in_force_from: dt.date | None
    """The first day these rules are known to have been in force; ``None`` when the sources
    give no date (certainty ``unknown``): such a rulebook is never chosen by date."""
    in_force_certainty: Certainty
    """Whether a source states that date, or it is only the date of a source that shows the rules."""
    in_force_citations: tuple[Citation, ...] = attrs.field(repr=False)
    summary: str = attrs.field(repr=False)
    parent: Parent | None
    """For a derived rulebook, the one it was derived from; ``None`` for a published one."""
    sources: Mapping[str, str] = attrs.field(converter=_text_map, hash=False, repr=False)
    """Source key (as cited) to the source's title."""
    carriers: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=_names_map, hash=False, repr=False, kw_only=True
    )
    """Carrier groups, for numbers that depend on the carrier: group name to carrier names."""
    not_stated: tuple[str, ...] = attrs.field(default=(), kw_only=True, repr=False)
    """Rules of :data:`RULE_SCHEMA` that this rulebook's sources do not state, left out on
    purpose rather than carried over from another rulebook: asking for one raises
    :class:`~aliprotect.UnstatedRuleError`."""
    rules: Mapping[str, Rule] = attrs.field(converter=_rule_map, hash=False, repr=False)
    conflicts: tuple[Conflict, ...] = attrs.field(repr=False)
    fingerprint: str
    document: str = attrs.field(repr=False, eq=False)
    """The canonical JSON form of the rulebook document; ``fingerprint`` is its SHA-256."""

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``.

        Raises:
            UnstatedRuleError: the rule is one of :attr:`not_stated`: its sources do not state it.
            UnknownRuleError: the rulebook has no such rule.
        """
        if rule_id in self.not_stated:
            raise UnstatedRuleError(
                f"rule_id={rule_id!r}: rulebook {self.version} does not state this rule, because its sources "
                "do not give it, and aliprotect carries nothing over into it; pin a rulebook that states it, "
                "such as the latest, aliprotect.rulebook()"
            )
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
                f"name={name!r} is not a quantity of rule {rule_id}; it has: {', '.join(quantities) or 'none'}"
            )
        if unit is not None and quantity.unit is not unit:
            raise MalformedRulebookError(
                f"rule {rule_id} of rulebook {self.version} counts in {quantity.unit.value}, "
                f"but it is used as {unit.value}; fix the rule's unit"
            )
        return quantity

    def has(self, rule_id: str, name: str) -> bool:
        """Whether rule ``rule_id`` has a quantity called ``name`` (some are optional: see :data:`RULE_SCHEMA`)."""
        return name in self.rule(rule_id).quantities

    def number(self, rule_id: str, name: str, *, unit: Unit | None = None, carrier: str | None = None) -> int:
        """The number ``name`` of rule ``rule_id``, for ``carrier`` when it depends on the carrier.

        Args:
            rule_id: the rule's id.
            name: the quantity's name.
            unit: when given, the unit the caller counts in; a different one is an error.
            carrier: the order's carrier (a carrier name or a carrier group of this
                rulebook); needed only when the number depends on it.

        Raises:
            MissingFactError: the number depends on the carrier and none is given.
            InvalidValueError: a carrier that none of this rulebook's carrier groups has.

        Example:
            >>> import aliprotect
            >>> aliprotect.rulebook("2025.1").number("open.latest", "after_completion")
            15
        """
        quantity = self.quantity(rule_id, name, unit=unit)
        if quantity.value is not None:
            return quantity.value
        groups = ", ".join(f"{group} ({', '.join(names)})" for group, names in self.carriers.items())
        if carrier is None:
            raise MissingFactError(
                f"carrier=None: under rulebook {self.version}, {rule_id} depends on the carrier; set the "
                f"order's carrier to one of: {groups}"
            )
        wanted = carrier.strip().casefold()
        for group, names in self.carriers.items():
            if wanted == group.casefold() or wanted in {name.casefold() for name in names}:
                return quantity.by_carrier[group]
        raise InvalidValueError(
            f"carrier={carrier!r} is in none of the carrier groups of rulebook {self.version}: {groups}"
        )

    def _repr_html_(self) -> str:
        from aliprotect.display import rulebook_html  # the display shell, loaded only in a notebook

        return rulebook_html(self)

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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rulebook:
        """Read a rulebook from its document as plain data, for instance :attr:`document` parsed as JSON.

        Raises:
            MalformedRulebookError: the data breaks the schema.
        """
        if not isinstance(data, Mapping):
            raise MalformedRulebookError(f"a rulebook document is a table (a dict), not {type(data).__name__}")
        return _parse(data)

    def derive(
        self,
        *,
        version: str,
        changes: Mapping[str | tuple[str, str], int],
        citations: Mapping[str, Sequence[str]] | None = None,
        title: str | None = None,
    ) -> Rulebook:
        """A custom rulebook: this one with some numbers (and their citations) changed.

        The new rulebook has its own ``version`` and fingerprint and records this one as its
        :attr:`parent`; this rulebook stays as it is.

        Args:
            version: the id of the new rulebook; it must differ from this one's.
            changes: new values by rule id (for a rule with one number) or by
                ``(rule id, quantity name)``.
            citations: new citations by rule id, written as in the rulebook (``seed 004:51``).
            title: a title for the new rulebook; by default one that names the parent.

        Raises:
            UnknownRuleError: a rule or a quantity that this rulebook does not have.
            MalformedRulebookError: a value that is not a whole number of 0 or more, a
                citation of an unknown source, or the version of this rulebook.

        Example:
            >>> import aliprotect
            >>> base = aliprotect.rulebook("2025.1")
            >>> seven = base.derive(
            ...     version="2025.1+reply7",
            ...     changes={"dispute.seller_reply": 7},
            ...     citations={"dispute.seller_reply": ["seed 004:51"]},
            ... )
            >>> seven.quantity("dispute.seller_reply").value, base.quantity("dispute.seller_reply").value
            (7, 5)
            >>> seven.parent.version, seven.fingerprint != base.fingerprint
            ('2025.1', True)
        """
        if not isinstance(version, str) or not version.strip() or version == self.version:
            raise MalformedRulebookError(
                f"version={version!r}: a derived rulebook needs a version of its own, not {self.version!r}"
            )
        data = json.loads(self.document)
        for key, value in changes.items():
            rule_id, name = (key, None) if isinstance(key, str) else key
            quantity_name = name or next(iter(self.rule(rule_id).quantities), None)
            self.quantity(rule_id, name)  # raises UnknownRuleError for a rule or number it lacks
            data["rules"][rule_id]["quantities"][quantity_name]["value"] = value
        for rule_id, cited in (citations or {}).items():
            self.rule(rule_id)
            data["rules"][rule_id]["citations"] = list(cited)
        data["rulebook"]["version"] = version
        data["rulebook"]["title"] = title or f"{self.title}, derived from {self.version}"
        data["rulebook"]["parent"] = {"version": self.version, "fingerprint": self.fingerprint}
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
        if not isinstance(spec, Mapping) or set(spec) not in ({"value", "unit"}, {"by_carrier", "unit"}):
            raise _fail(here, "must be a table with the keys value (or by_carrier) and unit")
        unit = spec["unit"]
        if not isinstance(unit, str) or unit not in {u.value for u in Unit}:
            raise _fail(f"{here}.unit", f"must be one of {units}, found {unit!r}")
        if "value" in spec:
            result[name] = Quantity(_whole(spec["value"], f"{here}.value"), Unit(unit))
            continue
        by_carrier = spec["by_carrier"]
        if not isinstance(by_carrier, Mapping) or not by_carrier or not all(isinstance(k, str) for k in by_carrier):
            raise _fail(f"{here}.by_carrier", f"must be a table of carrier groups and numbers, found {by_carrier!r}")
        numbers = {group: _whole(number, f"{here}.by_carrier.{group}") for group, number in by_carrier.items()}
        result[name] = Quantity(None, Unit(unit), by_carrier=numbers)
    return result


def _whole(number: object, where: str) -> int:
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise _fail(where, f"must be a whole number of 0 or more, found {number!r}")
    return number


_RULE_KEYS = {
    "summary",
    "citations",
    "quantities",
    "resolutions",
    "evidence",
    "anchor",
    "carried_from",
    "in_transit_waits",
}
_ANCHORS = {"open.latest": {"promised_delivery_or_receipt"}}
_IN_TRANSIT_WAITS = {"open.earliest", "dispute.escalation"}
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
    published = _date(head, "published")
    certainty = head.get("in_force_certainty")
    if not isinstance(certainty, str) or certainty not in {c.value for c in Certainty}:
        allowed = ", ".join(c.value for c in Certainty)
        raise _fail("[rulebook].in_force_certainty", f"must be one of {allowed}, found {certainty!r}")
    if certainty == Certainty.UNKNOWN.value:
        if "in_force_from" in head:
            raise _fail("[rulebook].in_force_from", "must be left out when in_force_certainty is unknown")
        in_force_from = None
    else:
        in_force_from = _date(head, "in_force_from")
    carriers = _carriers(data.get("carriers"))
    parent = head.get("parent")
    if parent is not None and not (
        isinstance(parent, Mapping)
        and set(parent) == {"version", "fingerprint"}
        and all(isinstance(v, str) for v in parent.values())
    ):
        raise _fail("[rulebook].parent", f"must be a table with a version and a fingerprint, found {parent!r}")
    sources = {
        key: _text(spec, "title", f'[sources."{key}"].') if isinstance(spec, Mapping) else ""
        for key, spec in _table(data, "sources", "").items()
    }
    if not all(sources.values()):
        raise _fail("[sources]", "every source must be a table with a title")

    in_force_citations = _citations(head.get("in_force_citations"), sources, "[rulebook].in_force_citations")
    not_stated = head.get("not_stated", [])
    if not isinstance(not_stated, list) or not all(isinstance(r, str) and r in RULE_SCHEMA for r in not_stated):
        raise _fail(
            "[rulebook].not_stated", f"must be a list of rule ids of aliprotect.RULE_SCHEMA, found {not_stated!r}"
        )
    rules = {}
    silent_claims = set()
    for rule_id, spec in _table(data, "rules", "").items():
        where = f'[rules."{rule_id}"]'
        if not isinstance(spec, Mapping):
            raise _fail(where, "must be a table")
        unknown = set(spec) - _RULE_KEYS
        if unknown:
            raise _fail(where, f"has unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(_RULE_KEYS))}")
        anchor, carried_from = spec.get("anchor"), spec.get("carried_from")
        if anchor is not None and (not isinstance(anchor, str) or anchor not in _ANCHORS.get(str(rule_id), set())):
            raise _fail(f"{where}.anchor", f"{anchor!r} is not an anchor this rule can have")
        waits = spec.get("in_transit_waits", False)
        if not isinstance(waits, bool) or (waits and rule_id not in _IN_TRANSIT_WAITS):
            raise _fail(
                f"{where}.in_transit_waits",
                f"must be true or false, and true only for {', '.join(sorted(_IN_TRANSIT_WAITS))}; found {waits!r}",
            )
        if carried_from is not None and (not isinstance(carried_from, str) or not carried_from.strip()):
            raise _fail(
                f"{where}.carried_from", f"must name the rulebook the rule is carried from, found {carried_from!r}"
            )
        rules[rule_id] = Rule(
            rule_id,
            _text(spec, "summary", f"{where}."),
            _citations(spec.get("citations"), sources, f"{where}.citations"),
            _quantities(spec.get("quantities"), f"{where}.quantities"),
            _choices(spec.get("resolutions"), Resolution, f"{where}.resolutions"),
            _choices(spec.get("evidence"), Evidence, f"{where}.evidence"),
            anchor,
            carried_from,
            waits,
        )
        if spec.get("resolutions") == []:
            silent_claims.add(rule_id)

    _check_schema(version, rules, carriers, tuple(not_stated), silent_claims)
    conflicts = []
    raw_conflicts = data.get("conflicts", [])
    if not isinstance(raw_conflicts, list):
        raise _fail("[[conflicts]]", "must be an array of tables")
    for index, spec in enumerate(raw_conflicts):
        where = f"[[conflicts]] #{index + 1}"
        if not isinstance(spec, Mapping):
            raise _fail(where, "must be a table")
        named = spec.get("rules")
        if not isinstance(named, list) or not named or any(not isinstance(r, str) or r not in rules for r in named):
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

    document = _canonical(data)
    return Rulebook(
        version=version,
        title=_text(head, "title", "[rulebook]."),
        published=published,
        in_force_from=in_force_from,
        in_force_certainty=Certainty(certainty),
        in_force_citations=in_force_citations,
        summary=_text(head, "summary", "[rulebook]."),
        parent=None if parent is None else Parent(parent["version"], parent["fingerprint"]),
        sources=sources,
        carriers=carriers,
        not_stated=tuple(not_stated),
        rules=rules,
        conflicts=tuple(conflicts),
        fingerprint="sha256:" + hashlib.sha256(document.encode("utf-8")).hexdigest(),
        document=document,
    )


def _reading(spec: object, sources: Mapping[str, str], where: str) -> Reading:
    if not isinstance(spec, Mapping):
        raise _fail(where, "each reading must be a table with says and citations")
    return Reading(_text(spec, "says", f"{where}."), _citations(spec.get("citations"), sources, f"{where}.citations"))


def _carriers(value: object) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(names, list) and names and all(isinstance(n, str) and n.strip() for n in names)
        for names in value.values()
    ):
        raise _fail("[carriers]", "must be a table of carrier groups, each a non-empty list of carrier names")
    return {str(group): tuple(names) for group, names in value.items()}


def _canonical(data: Mapping[str, Any]) -> str:
    """The document's canonical JSON: sorted keys, no spaces, dates as ISO text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _date(head: Mapping[str, Any], key: str) -> dt.date:
    """A date of the [rulebook] table: a TOML date, or its ISO text in a JSON document."""
    value = head.get(key)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _fail(f"[rulebook].{key}", f"must be a TOML date like 2026-11-22, found {value!r}")
    return value


_D, _B, _N = Unit.DAYS, Unit.BUSINESS_DAYS, Unit.DAY_NUMBER
RULE_SCHEMA: Mapping[str, Mapping[str, Unit]] = MappingProxyType(
    {
        "open.earliest": {"opens": _N},
        "open.latest": {"after_completion": _D},
        "open.not_received_before_receipt": {},
        "protection.period": {"default": _D},
        "protection.extension": {},
        "protection.expiry_completes": {},
        "protection.settlement_buffer": {"before_protection_end": _D},
        "cancel.before_shipment": {},
        "escrow.release": {},
        "dispute.seller_reply": {"reply": _D},
        "dispute.seller_silent": {},
        "dispute.seller_accepts": {},
        "dispute.escalation": {"moderator_after": _D},
        "dispute.accept_offer_closes": {},
        "dispute.closes_on_refund": {},
        "dispute.lost_is_final": {},
        "refund.only_through_dispute": {},
        "refund.arrival": {"at_most": _D},
        "return.window": {"seller_response": _D, "ship_back": _D},
        **{
            f"claim.{kind}": {}
            for kind in (
                "not_received",
                "late",
                "not_as_described",
                "wrong_item",
                "damaged",
                "missing_items",
                "counterfeit",
                "not_covered",
            )
        },
        "tracking.not_available": {"min": _D, "max": _D},
        "tracking.inactive": {"inactive": _B, "then": _D},
        "tracking.stalled": {"stalled_after": _D},
        "dropship.refund_customer": {},
        "dropship.reship": {},
    }
)
"""Every rule a rulebook must have, with the names and units of its numbers: the library
reads exactly these."""


OPTIONAL_QUANTITIES: Mapping[str, Mapping[str, Unit]] = MappingProxyType(
    {
        "open.earliest": {"at_once_if_promised_at_most": _D},
        "open.latest": {"until_day_after_shipping": _N},
        "dispute.escalation": {"claim_from": _N, "claim_until": _N},
        "protection.period": {"after_delivered": _D, "at_most": _D},
    }
)
"""Numbers a rulebook may add to a rule, for the rules of other eras: a dispute open at once
for a short promised delivery time, a last day counted from shipping (often per carrier),
the day of the dispute from which a claim can be filed and the last day it can (that day
included), the time left to protection once the parcel shows as delivered and the longest
timer an order can have. A rule with
``claim_until`` may leave out ``moderator_after`` when its sources do not say when a
moderator steps in: the dispute then goes to a moderator only when the buyer escalates."""

_OTHER_UNITS = {
    ("open.earliest", "opens"): {_D},
    ("dispute.escalation", "moderator_after"): {_N},
    ("refund.arrival", "at_most"): {_B},
}
_ONE_OF = {"open.latest": {"after_completion", "until_day_after_shipping"}}
_REQUIRED_UNLESS = {("dispute.escalation", "moderator_after"): "claim_until"}


def _check_schema(
    version: str,
    rules: Mapping[str, Rule],
    carriers: Mapping[str, tuple[str, ...]],
    not_stated: tuple[str, ...],
    silent_claims: set[str],
) -> None:
    both = sorted(set(not_stated) & set(rules))
    if both:
        raise MalformedRulebookError(
            f"rulebook {version} lists {', '.join(both)} in [rulebook].not_stated and also states them; "
            "keep one or the other"
        )
    missing = sorted(set(RULE_SCHEMA) - set(rules) - set(not_stated))
    if missing:
        raise MalformedRulebookError(
            f"rulebook {version} lacks the rules {', '.join(missing)}; every rulebook has all the rules "
            "of aliprotect.RULE_SCHEMA, or lists those its sources do not state in [rulebook].not_stated"
        )
    unknown = sorted(set(rules) - set(RULE_SCHEMA))
    if unknown:
        raise MalformedRulebookError(
            f"rulebook {version} has rules aliprotect does not know: {', '.join(unknown)}; "
            "check their ids against aliprotect.RULE_SCHEMA"
        )
    for rule_id, expected in RULE_SCHEMA.items():
        if rule_id in not_stated:
            continue
        found = {name: q.unit for name, q in rules[rule_id].quantities.items()}
        optional = OPTIONAL_QUANTITIES.get(rule_id, {})
        one_of = _ONE_OF.get(rule_id, set())
        allowed = {**expected, **optional}
        required = {n for n in expected if n not in one_of and _REQUIRED_UNLESS.get((rule_id, n), "") not in found}
        fits = (
            required <= set(found)
            and set(found) <= set(expected) | set(optional)
            and all(u is allowed[n] or u in _OTHER_UNITS.get((rule_id, n), set()) for n, u in found.items())
            and (not one_of or len(one_of & set(found)) == 1)
        )
        if not fits:
            want = ", ".join(f"{n} in {u.value}" for n, u in expected.items()) or "no numbers"
            have = ", ".join(f"{n} in {u.value}" for n, u in found.items()) or "no numbers"
            raise MalformedRulebookError(f"rule {rule_id} of rulebook {version} has {have}; it must have {want}")
        for name, quantity in rules[rule_id].quantities.items():
            if quantity.by_carrier and set(quantity.by_carrier) != set(carriers):
                raise MalformedRulebookError(
                    f"rule {rule_id} of rulebook {version}: {name} must give a number for each carrier group "
                    f"of [carriers] ({', '.join(carriers) or 'none'}), and only for them"
                )
        claim = rule_id.startswith("claim.") and rule_id != "claim.not_covered"
        if claim and not rules[rule_id].resolutions and rule_id not in silent_claims:
            raise MalformedRulebookError(
                f"rule {rule_id} of rulebook {version} lists no resolutions; a claim of that kind must ask for one "
                "(write resolutions = [] only when the rulebook's sources do not say which)"
            )


# --- The published rulebooks --------------------------------------------------------


def _version_key(version: str) -> tuple[int, int, int]:
    """Calendar versions (``2025.1``) in time order, then the undated ones (``undated.1``)."""
    head, _, number = version.partition(".")
    count = int(number) if number.isdigit() else 0
    return (1, 0, count) if not head.isdigit() else (0, int(head), count)


def _dated(version: str) -> bool:
    return version.partition(".")[0].isdigit()


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
        raise MalformedRulebookError(f"the rulebook file {version}.toml says version={book.version!r}; they must agree")
    return book


def rulebooks() -> tuple[Rulebook, ...]:
    """Every published rulebook: the dated ones oldest first, then the undated ones.

    Example:
        >>> import aliprotect
        >>> for book in aliprotect.rulebooks():
        ...     print(book.version, book.in_force_from, book.in_force_certainty.value)
        2013.1 2013-08-01 stated
        2020.1 2020-06-06 seen
        2021.1 2021-12-01 seen
        2025.1 2025-01-01 seen
        undated.1 None unknown
        undated.2 None unknown
        undated.3 None unknown
    """
    return tuple(_load(version) for version in sorted(_published(), key=_version_key))


def rulebook(version: str | None = None, *, on: dt.date | None = None) -> Rulebook:
    """A published rulebook: the one named ``version``, or the latest.

    Args:
        version: a published version such as ``"2025.1"``; ``None`` for the latest.
            Pin a version in an app so its decisions can be reproduced later.
        on: instead of a version, a date: the rulebook in force on it, the published one
            with the latest ``in_force_from`` on or before it. An aware datetime counts by
            its own local date.

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
        '2025.1'
    """
    published = _published()
    if on is not None:
        if version is not None:
            raise InvalidValueError(f"version={version!r} and on={on!r}: ask for one or the other")
        return _in_force(on)
    if version is None:
        version = max((v for v in published if _dated(v)), key=_version_key)
    elif not isinstance(version, str) or version not in published:
        raise UnknownRulebookError(
            f"version={version!r} is not a published rulebook; "
            f"published: {', '.join(sorted(published, key=_version_key))}"
        )
    return _load(version)


def _in_force(on: dt.date) -> Rulebook:
    day: dt.date
    if isinstance(on, dt.datetime):
        day = _days.aware(on, "on").date()
    elif isinstance(on, dt.date):
        day = on
    else:
        raise InvalidValueError(f"on={on!r} must be a date, e.g. datetime.date(2025, 6, 1)")
    dated = [book for book in rulebooks() if book.in_force_from is not None]
    candidates = [book for book in dated if book.in_force_from is not None and book.in_force_from <= day]
    if not candidates:
        earliest = min(book.in_force_from for book in dated if book.in_force_from is not None)
        raise UnknownRulebookError(
            f"on={day.isoformat()}: no published rulebook was in force that day; the earliest known "
            f"rules are from {earliest.isoformat()}, and aliprotect does not guess older ones"
        )
    return max(candidates, key=lambda book: (book.in_force_from or dt.date.min, _version_key(book.version)))


def diff(a: Rulebook, b: Rulebook) -> tuple[RuleChange, ...]:
    """The rules whose numbers, citations or other data differ between ``a`` and ``b``.

    Empty when the two rulebooks have the same rules; ordered by rule id.

    Example:
        >>> import aliprotect
        >>> base = aliprotect.rulebook("2025.1")
        >>> aliprotect.diff(base, base)
        ()
        >>> seven = base.derive(version="custom", changes={"dispute.seller_reply": 7})
        >>> aliprotect.diff(base, seven)
        (RuleChange(rule_id='dispute.seller_reply', field='quantities.reply', before=5, after=7),)
    """
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, Rulebook):
            raise InvalidValueError(f"{name}={value!r} must be a Rulebook")
    changes: list[RuleChange] = []
    for rule_id in sorted(set(a.rules) | set(b.rules)):
        old, new = a.rules.get(rule_id), b.rules.get(rule_id)
        if old is None or new is None:
            changes.append(RuleChange(rule_id, "rule", old and old.summary, new and new.summary))
            continue
        for name in sorted(set(old.quantities) | set(new.quantities)):
            before, after = old.quantities.get(name), new.quantities.get(name)
            if before != after:
                changes.append(
                    RuleChange(
                        rule_id,
                        f"quantities.{name}",
                        before.value if before and after and before.unit == after.unit else before,
                        after.value if before and after and before.unit == after.unit else after,
                    )
                )
        for field in ("summary", "citations", "resolutions", "evidence", "anchor", "carried_from", "in_transit_waits"):
            before_value, after_value = getattr(old, field), getattr(new, field)
            if before_value != after_value:
                if field == "citations":
                    before_value = tuple(str(c) for c in before_value)
                    after_value = tuple(str(c) for c in after_value)
                changes.append(RuleChange(rule_id, field, before_value, after_value))
    return tuple(changes)
