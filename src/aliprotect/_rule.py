"""The parts of a rulebook: rules, their numbers and citations, the points where sources disagree."""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

from aliprotect import _checks
from aliprotect._claims import Evidence, Resolution
from aliprotect._schema import Unit
from aliprotect._shown import shown
from aliprotect._sources import Source
from aliprotect.errors import InvalidValueError

# Read-only copies, so that a frozen value cannot be changed through its mappings. One
# per value type, so that type checkers see what each constructor argument accepts.


def quantity_map(mapping: Mapping[str, Quantity]) -> Mapping[str, Quantity]:
    return _checks.mapping(mapping, "quantities")


def source_map(mapping: Mapping[str, Source]) -> Mapping[str, Source]:
    return _checks.mapping(mapping, "sources")


def rule_map(mapping: Mapping[str, Rule]) -> Mapping[str, Rule]:
    return _checks.mapping(mapping, "rules")


def int_map(mapping: Mapping[str, int]) -> Mapping[str, int]:
    return _checks.mapping(mapping, "by_carrier")


def names_map(mapping: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return _checks.mapping(mapping, "carriers")


def _source_text(value: str) -> str:
    if not isinstance(value, str):
        raise InvalidValueError(f"source={shown(value)} must be text: the key of a source, e.g. 'seed 002'")
    return value


def _locator_text(value: str) -> str:
    if not isinstance(value, str):
        raise InvalidValueError(f"locator={shown(value)} must be text: a line, a range or a quoted heading, e.g. '26'")
    return value


def _unit(value: Unit) -> Unit:
    return _checks.member(value, Unit, "unit")


@attrs.frozen(repr=False)
class Quantity:
    """A number of a rule, with its unit.

    Example:
        >>> import aliprotect
        >>> aliprotect.rulebook("2025.2").quantity("dispute.seller_reply")
        Quantity(value=5, unit=<Unit.DAYS: 'days'>)
    """

    value: int | None = attrs.field()
    """The number; ``None`` when it depends on the carrier (see ``by_carrier``)."""
    unit: Unit = attrs.field(converter=_unit)
    by_carrier: Mapping[str, int] = attrs.field(factory=dict, converter=int_map, hash=False, repr=False)
    """The number for each carrier group of the rulebook's ``carriers``, when it depends on the carrier."""

    @value.validator
    def _check_value(self, _: attrs.Attribute[int | None], value: int | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidValueError(f"value={shown(value)} must be a whole number of 0 or more")
        if value > 2**63 - 1:  # as an order's numbers: what a table's 64-bit integer column holds
            raise InvalidValueError(f"value={shown(value)} must be at most {2**63 - 1:,}")

    def __attrs_post_init__(self) -> None:
        if (self.value is None) == (not self.by_carrier):
            raise InvalidValueError("a quantity has either a value or a value for each carrier group, not both")
        for group, number in self.by_carrier.items():
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise InvalidValueError(
                    f"by_carrier[{shown(group)}]={shown(number)} must be a whole number of 0 or more"
                )

    def __repr__(self) -> str:
        if self.by_carrier:
            return f"Quantity(by_carrier={shown(dict(self.by_carrier))}, unit={shown(self.unit)})"
        return f"Quantity(value={shown(self.value)}, unit={shown(self.unit)})"


@attrs.frozen
class Citation:
    """Where a rule is written: a source of the rulebook and a place in it.

    ``str(citation)`` gives it back as written, for example ``seed 002:26``.

    Example:
        >>> import aliprotect
        >>> citation = aliprotect.rulebook("2025.2").rule("open.earliest").citations[0]
        >>> citation
        Citation(source='seed 002', locator='26', section='What’s the Refund Policy for Drop Shipping Orders?')
        >>> citation.url.split("#")[0]
        'https://www.hockinsonkountrycafe.com/9094.html'
    """

    source: str = attrs.field(converter=_source_text)
    """The key of the source in the rulebook's ``sources`` table, e.g. ``seed 002``."""
    locator: str = attrs.field(converter=_locator_text)
    """The place in the source: a line (``26``), a range (``21-29``) of aliprotect's copy, or a heading."""
    section: str | None = attrs.field(default=None, eq=False)
    """The heading of the section of the public page the place is in, when known: what a
    reader looks for on the page (the line of the copy is the secondary locator)."""
    url: str | None = attrs.field(default=None, eq=False, repr=False)
    """A link to the public page, opened at the section where the browser can (a text
    fragment); ``None`` when the source has no known address."""

    def where(self) -> str:
        """The citation for a reader: the section first, then the place in the copy.

        Example:
            >>> import aliprotect
            >>> rule = aliprotect.rulebook("2025.2").rule("open.earliest")
            >>> rule.citations[0].where()
            'seed 002, section "What’s the Refund Policy for Drop Shipping Orders?" (line 26)'
        """
        if self.section is None or self.locator.startswith('"'):
            return str(self)
        place = self.locator
        if place[:1].isdigit():
            place = f"{'lines' if '-' in place else 'line'} {place}"
        return f'{self.source}, section "{self.section}" ({place})'

    def __str__(self) -> str:
        if not self.locator:
            return self.source
        separator = ":" if self.locator[0].isdigit() else " "
        return f"{self.source}{separator}{self.locator}"


RULE_FIELDS = (
    "summary",
    "citations",
    "quantities",
    "resolutions",
    "evidence",
    "anchor",
    "outcome",
    "carried_from",
    "in_transit_waits",
)
"""The keys a rule's table of a rulebook document may have, in the order :func:`aliprotect.rules.diff` lists them."""


@attrs.frozen
class Rule:
    """One rule of a rulebook: its id, what it says, where it is written, its numbers.

    Example:
        >>> import aliprotect
        >>> rule = aliprotect.rulebook("2025.2").rule("open.latest")
        >>> rule.summary[:45]
        'A dispute can still be opened within 15 days '
        >>> rule.quantities["after_completion"].value
        15
    """

    id: str
    summary: str
    citations: tuple[Citation, ...]
    quantities: Mapping[str, Quantity] = attrs.field(factory=dict, converter=quantity_map, hash=False)
    resolutions: tuple[Resolution, ...] = ()
    """For a ``claim.*`` rule: the resolutions a claim of that kind can ask for."""
    evidence: tuple[Evidence, ...] = ()
    """For a ``claim.*`` rule: the evidence a claim of that kind should carry."""
    anchor: str | None = None
    """What the rule counts from or follows, when not its default. For ``open.latest``, what
    the last chance is counted from, when not the completion of the order:
    ``promised_delivery_or_receipt``, the earlier of the end of the seller's promised delivery
    time and the buyer's confirmation of receipt. For ``protection.period``,
    ``promised_delivery``: the timer is the seller's promised delivery time (the order's
    ``promised_days``, at most ``at_most``), not the order's ``protection_days``. For
    ``protection.settlement_buffer``, ``end_known``: counted back from the end of protection,
    but never before the instant that end became known (the parcel's delivery, for an end
    the delivery cut short)."""
    outcome: str | None = attrs.field(default=None, kw_only=True)
    """For ``dispute.seller_silent``: what the seller's silence leads to, when not the buyer's
    win: ``to_moderator``, the dispute goes to AliExpress's dispute team (the moderator time
    of ``dispute.escalation``, or the reply deadline without one)."""
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
    ASSUMED = "assumed"
    """No source dates these rules, but they are the oldest known: aliprotect applies them
    from ``in_force_from``, the start of its dated history, until the next period's rules."""
    UNKNOWN = "unknown"
    """No source dates these rules: the rulebook has no ``in_force_from``."""


@attrs.frozen
class Parent:
    """The rulebook a custom rulebook was derived from (see :meth:`Rulebook.derive`)."""

    version: str
    fingerprint: str
