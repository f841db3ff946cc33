"""The rulebook: a versioned, cited, fingerprinted set of rules, and how two rulebooks differ.

A rulebook is a TOML document (read by :mod:`aliprotect._toml`). Each rule has a stable id
(the ids of :data:`aliprotect.rules.SCHEMA`, such as ``open.earliest``), a one-line
summary, its citations and, where it has numbers, named quantities with a unit. The code
never holds a day count of its own: it asks the rulebook by rule id.

A published rulebook never changes. Its fingerprint, a SHA-256 hash of the canonical
JSON form of the document, lets an app store which rules it decided with and check
later that it still has exactly those rules.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from aliprotect import _checks, _formatting, _toml
from aliprotect._rule import (
    RULE_FIELDS,
    Certainty,
    Citation,
    Conflict,
    Parent,
    Quantity,
    Rule,
    names_map,
    rule_map,
    source_map,
)
from aliprotect._schema import Unit
from aliprotect._shown import shown
from aliprotect._sources import Source
from aliprotect.errors import (
    InvalidValueError,
    MalformedRulebookError,
    MissingFactError,
    UnknownRuleError,
    UnstatedRuleError,
)


@attrs.frozen
class RuleChange:
    """One difference between two rulebooks, as listed by :func:`aliprotect.rules.diff`.

    Attributes:
        rule_id: the rule that differs.
        field: what differs: ``quantities.<name>``, ``citations``, ``summary``,
            ``resolutions``, ``evidence``, ``anchor``, ``outcome``, ``carried_from``, ``in_transit_waits``,
            or ``rule`` when only one rulebook has the rule.
        before: the value in the first rulebook (``None`` when it lacks it).
        after: the value in the second rulebook (``None`` when it lacks it).
    """

    rule_id: str
    field: str
    before: object
    after: object


@attrs.frozen
class Rulebook(_formatting.ShowsAsHtml):
    """A published (or custom) set of rules: versioned, cited and fingerprinted.

    Get a published one with :func:`aliprotect.rulebook`; read one from TOML text with
    :meth:`Rulebook.from_toml`. Every function of the library takes ``rules=`` and
    reads its numbers from it by rule id.

    Example:
        >>> import aliprotect
        >>> rules = aliprotect.rulebook("2025.2")
        >>> rules.version
        '2025.2'
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
    sources: Mapping[str, Source] = attrs.field(converter=source_map, hash=False, repr=False)
    """Source key (as cited) to the source: its title, publisher, address and evidence level."""
    carriers: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=names_map, hash=False, repr=False, kw_only=True
    )
    """Carrier groups, for numbers that depend on the carrier: group name to carrier names."""
    not_stated: tuple[str, ...] = attrs.field(default=(), kw_only=True, repr=False)
    """Rules of :data:`aliprotect.rules.SCHEMA` that this rulebook's sources do not state, left out on
    purpose rather than carried over from another rulebook: asking for one raises
    :class:`~aliprotect.errors.UnstatedRuleError`."""
    rules: Mapping[str, Rule] = attrs.field(converter=rule_map, hash=False, repr=False)
    conflicts: tuple[Conflict, ...] = attrs.field(repr=False)
    fingerprint: str
    document: str = attrs.field(repr=False, eq=False)
    """The canonical JSON form of the rulebook document; ``fingerprint`` is its SHA-256."""
    days_counted_in: str | None = attrs.field(default=None, kw_only=True)
    """The IANA zone whose calendar counts the days of the rules in ``days_counted_in_rules``,
    whatever the zone of the instant counted from; ``None`` (most rulebooks) counts every
    rule's days in the instant's own zone (C2, C4). ``"Asia/Shanghai"``, which has no daylight
    saving, makes every day 24 hours long, as AliExpress's own countdown counts them."""
    days_counted_in_rules: tuple[str, ...] = attrs.field(default=(), kw_only=True, repr=False)
    """The rules whose days ``days_counted_in`` counts: only those its sources show."""
    days_counted_in_citations: tuple[Citation, ...] = attrs.field(default=(), kw_only=True, repr=False)
    """The sources that show the calendar of ``days_counted_in``."""

    def calendar(self, rule_id: str) -> str | None:
        """The zone whose calendar counts ``rule_id``'s days, or ``None`` for the instant's own (C2, C4)."""
        return self.days_counted_in if rule_id in self.days_counted_in_rules else None

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its document, from which it is read back whole (its fingerprint included)."""
        return (_from_document, (self.document,))

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``.

        Raises:
            UnstatedRuleError: the rule is one of :attr:`not_stated`: its sources do not state it.
            UnknownRuleError: the rulebook has no such rule.
        """
        if rule_id in self.not_stated:
            raise UnstatedRuleError(
                f"rule_id={shown(rule_id)}: rulebook {self.version} does not state this rule, because its sources "
                "do not give it, and aliprotect carries nothing over into it; pin a rulebook that states it, "
                "such as the latest, aliprotect.rulebook()"
            )
        try:
            return self.rules[rule_id]
        except (KeyError, TypeError):
            raise UnknownRuleError(
                f"rule_id={shown(rule_id)} is not a rule of rulebook {self.version}; "
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
        elif isinstance(name, str) and name in quantities:
            quantity = quantities[name]
        else:
            raise UnknownRuleError(
                f"name={shown(name)} is not a quantity of rule {rule_id}; it has: {', '.join(quantities) or 'none'}"
            )
        if unit is not None and quantity.unit is not _checks.member(unit, Unit, "unit"):
            raise MalformedRulebookError(
                f"rule {rule_id} of rulebook {self.version} counts in {quantity.unit.value}, "
                f"but it is used as {unit.value}; fix the rule's unit"
            )
        return quantity

    def has(self, rule_id: str, name: str) -> bool:
        """Whether rule ``rule_id`` has a quantity called ``name`` (some are optional: see
        :data:`aliprotect.rules.SCHEMA`)."""
        quantities = self.rule(rule_id).quantities
        return isinstance(name, str) and name in quantities

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
            >>> aliprotect.rulebook("2025.2").number("open.latest", "after_completion")
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
            f"carrier={shown(carrier)} is in none of the carrier groups of rulebook {self.version}: {groups}"
        )

    @classmethod
    def from_toml(cls, text: str) -> Rulebook:
        """Read a rulebook from the text of a TOML document of the rulebook schema.

        Raises:
            MalformedRulebookError: the text is not TOML, or breaks the schema; the
                message names the place and what is wrong.
        """
        import tomllib  # here, not at the top: published rulebooks load from JSON, and start-up is faster without it

        if not isinstance(text, str):
            raise MalformedRulebookError(f"a rulebook is read from TOML text, not from {type(text).__name__}")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise MalformedRulebookError(f"the rulebook is not valid TOML: {error}") from None
        except RecursionError:
            raise MalformedRulebookError("the rulebook nests too deeply to be a rulebook") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rulebook:
        """Read a rulebook from its document as plain data, for instance :attr:`document` parsed as JSON.

        Raises:
            MalformedRulebookError: the data breaks the schema.
        """
        if not isinstance(data, Mapping):
            raise MalformedRulebookError(f"a rulebook document is a table (a dict), not {type(data).__name__}")
        try:
            return cls(**_toml.fields(data))
        except RecursionError:
            raise MalformedRulebookError("the rulebook nests too deeply to be a rulebook") from None

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
            >>> base = aliprotect.rulebook("2025.2")
            >>> seven = base.derive(
            ...     version="2025.2+reply7",
            ...     changes={"dispute.seller_reply": 7},
            ...     citations={"dispute.seller_reply": ["seed 004:51"]},
            ... )
            >>> seven.quantity("dispute.seller_reply").value, base.quantity("dispute.seller_reply").value
            (7, 5)
            >>> seven.parent.version, seven.fingerprint != base.fingerprint
            ('2025.2', True)
        """
        if not isinstance(version, str) or not version.strip() or version == self.version:
            raise MalformedRulebookError(
                f"version={shown(version)}: a derived rulebook needs a version of its own, not {shown(self.version)}"
            )
        if not isinstance(changes, Mapping) or (citations is not None and not isinstance(citations, Mapping)):
            raise MalformedRulebookError(
                f"changes={shown(changes)} and citations={shown(citations)} must be mappings by rule id, such as "
                "{'dispute.seller_reply': 7} and {'dispute.seller_reply': ['seed 004:51']}"
            )
        for key in changes:
            if not isinstance(key, str) and not (
                isinstance(key, tuple) and len(key) == 2 and all(isinstance(part, str) for part in key)
            ):
                raise MalformedRulebookError(
                    f"changes: {shown(key)} must be a rule id or a (rule id, quantity name) pair"
                )
        for cited in (citations or {}).values():
            if isinstance(cited, str) or not isinstance(cited, Sequence) or not all(isinstance(c, str) for c in cited):
                raise MalformedRulebookError(
                    f"citations: {shown(cited)} must be a list of citations, like ['seed 004:51']"
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
        return type(self)(**_toml.fields(data))


def diff(a: Rulebook, b: Rulebook) -> tuple[RuleChange, ...]:
    """The rules whose numbers, citations or other data differ between ``a`` and ``b``.

    Empty when the two rulebooks have the same rules; ordered by rule id.

    Example:
        >>> import aliprotect
        >>> base = aliprotect.rulebook("2025.2")
        >>> aliprotect.rules.diff(base, base)
        ()
        >>> seven = base.derive(version="custom", changes={"dispute.seller_reply": 7})
        >>> aliprotect.rules.diff(base, seven)
        (RuleChange(rule_id='dispute.seller_reply', field='quantities.reply', before=5, after=7),)
    """
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, Rulebook):
            raise InvalidValueError(f"{name}={shown(value)} must be a Rulebook")
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
        for field in (name for name in RULE_FIELDS if name != "quantities"):  # the quantities, above
            before_value, after_value = getattr(old, field), getattr(new, field)
            if before_value != after_value:
                if field == "citations":
                    before_value = tuple(str(c) for c in before_value)
                    after_value = tuple(str(c) for c in after_value)
                changes.append(RuleChange(rule_id, field, before_value, after_value))
    return tuple(changes)


def stated(rules: Rulebook, *rule_ids: str) -> tuple[str, ...]:
    """``rule_ids``, once each is known to be stated by ``rules``: an answer never cites a
    rule its rulebook leaves out (that raises :class:`~aliprotect.errors.UnstatedRuleError`)."""
    if not rules.not_stated and all(rule_id in rules.rules for rule_id in rule_ids):
        return rule_ids  # the common case, without building an error for each id
    for rule_id in rule_ids:
        rules.rule(rule_id)
    return rule_ids


def _from_document(document: str) -> Rulebook:
    """The rulebook whose canonical document is ``document`` (how a pickled rulebook is read back)."""
    return Rulebook.from_dict(json.loads(document))
