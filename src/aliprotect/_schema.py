"""The rule schema: every rule id aliprotect knows, its numbers and units, and what it feeds.

This is the one place a rule is declared. A rulebook must state every rule here (or list
it as not stated), with exactly the numbers declared here, in the units declared here;
the code reads only these. Adding a rule is one entry in :data:`SCHEMA`, its data in
the rulebooks, and a test (see the architecture page of the documentation).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from aliprotect import _checks
from aliprotect._claims import ClaimKind


class Unit(enum.Enum):
    """How a rule's number counts time (see the day conventions C2, C4 and C5)."""

    DAYS = "days"
    """Calendar days after an instant, in the instant's own zone (C2)."""
    BUSINESS_DAYS = "business_days"
    """Monday to Friday in the zone of the instant counted from (C5)."""
    DAY_NUMBER = "day_number"
    """"From the Nth day after": 00:00 of the local date plus N (C4). As a last day, "until
    the Nth day after", day N is still inside: it shuts at 00:00 of the local date plus N + 1 (C8)."""


class Feeds(enum.Enum):
    """A table of the library that a rule feeds, besides its numbers."""

    CLAIMS = "claims"
    """A kind of claim: the rule lists the resolutions it can ask for and the evidence it should carry."""
    MACHINE = "machine"
    """The dispute machine cites it: a rulebook that does not state it cannot run a dispute."""


def _units(mapping: Mapping[str, Unit]) -> Mapping[str, Unit]:
    return _checks.mapping(mapping, "numbers")


def _other_units(mapping: Mapping[str, frozenset[Unit]]) -> Mapping[str, frozenset[Unit]]:
    return _checks.mapping(mapping, "other_units")


def _names(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return _checks.mapping(mapping, "unless")


@attrs.frozen(kw_only=True)
class RuleSpec:
    """What a rule of the schema may hold.

    Attributes:
        numbers: the numbers every rulebook gives for it, by name, with their units.
        optional: numbers a rulebook may add, for the rules of other eras.
        other_units: other units a number may be counted in, by name.
        one_of: when not empty, exactly one of these numbers is given (the others are then
            not required).
        unless: a required number that may be left out when the other number named is given.
        anchors: what ``anchor`` may say, for a rule counted from another event.
        outcomes: what ``outcome`` may say, for a rule whose consequence differs by era.
        in_transit_waits: whether the rule may wait while the parcel is in transit inside the
            seller's promised delivery time.
        feeds: the other tables the rule feeds.
        added: the day the rule entered the schema, for a rule added after the first
            rulebooks were published: a rulebook published before that day may leave it out,
            and then does not state it (asking for it raises
            :class:`~aliprotect.errors.UnstatedRuleError`), so a published rulebook never has
            to change when the schema grows. ``None`` for the rules of the first schema.
    """

    numbers: Mapping[str, Unit] = attrs.field(factory=dict, converter=_units)
    optional: Mapping[str, Unit] = attrs.field(factory=dict, converter=_units)
    other_units: Mapping[str, frozenset[Unit]] = attrs.field(factory=dict, converter=_other_units)
    one_of: frozenset[str] = frozenset()
    unless: Mapping[str, str] = attrs.field(factory=dict, converter=_names)
    anchors: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()
    in_transit_waits: bool = False
    feeds: frozenset[Feeds] = frozenset()
    added: dt.date | None = None

    def allows(self, name: str, unit: Unit) -> bool:
        """Whether the number ``name`` may be counted in ``unit``."""
        if not isinstance(name, str) or not isinstance(unit, Unit):
            return False  # no number has such a name, or is counted in such a unit
        declared = self.numbers.get(name) or self.optional.get(name)
        return unit is declared or unit in self.other_units.get(name, frozenset())


_D, _B, _N = Unit.DAYS, Unit.BUSINESS_DAYS, Unit.DAY_NUMBER
_SOURCE_RULES = dt.date(2026, 11, 23)
"""When the rules the source articles state and the first schema lacked joined it."""
_MACHINE = frozenset({Feeds.MACHINE})
_CLAIM = frozenset({Feeds.CLAIMS})

SCHEMA: Mapping[str, RuleSpec] = MappingProxyType(
    {
        "open.earliest": RuleSpec(
            numbers={"opens": _N},
            optional={"at_once_if_promised_at_most": _D},
            other_units={"opens": frozenset({_D})},
            in_transit_waits=True,
        ),
        "open.latest": RuleSpec(
            numbers={"after_completion": _D},
            optional={"until_day_after_shipping": _N},
            other_units={"after_completion": frozenset({_N})},
            one_of=frozenset({"after_completion", "until_day_after_shipping"}),
            anchors=frozenset({"promised_delivery_or_receipt"}),
        ),
        "open.not_received_before_receipt": RuleSpec(),
        "protection.period": RuleSpec(
            numbers={"default": _D},
            optional={"after_delivered": _D, "at_most": _D},
            anchors=frozenset({"promised_delivery"}),
        ),
        "protection.extension": RuleSpec(),
        "protection.expiry_completes": RuleSpec(),
        "protection.settlement_buffer": RuleSpec(
            numbers={"before_protection_end": _D}, anchors=frozenset({"end_known"})
        ),
        "cancel.before_shipment": RuleSpec(),
        "escrow.release": RuleSpec(),
        "dispute.seller_reply": RuleSpec(numbers={"reply": _D}, feeds=_MACHINE),
        "dispute.seller_silent": RuleSpec(outcomes=frozenset({"to_moderator"}), feeds=_MACHINE),
        "dispute.seller_accepts": RuleSpec(feeds=_MACHINE),
        "dispute.escalation": RuleSpec(
            numbers={"moderator_after": _D},
            optional={"claim_from": _N, "claim_until": _N},
            other_units={"moderator_after": frozenset({_N}), "claim_from": frozenset({_D})},
            unless={"moderator_after": "claim_until"},
            in_transit_waits=True,
            feeds=_MACHINE,
        ),
        "dispute.accept_offer_closes": RuleSpec(feeds=_MACHINE),
        "dispute.closes_on_refund": RuleSpec(feeds=_MACHINE),
        "dispute.lost_is_final": RuleSpec(feeds=_MACHINE),
        "refund.only_through_dispute": RuleSpec(feeds=_MACHINE),
        "refund.arrival": RuleSpec(numbers={"at_most": _D}, other_units={"at_most": frozenset({_B})}, feeds=_MACHINE),
        "return.window": RuleSpec(numbers={"seller_response": _D, "ship_back": _D}, feeds=_MACHINE),
        **{kind.rule_id: RuleSpec(feeds=_CLAIM) for kind in ClaimKind},
        "claim.not_covered": RuleSpec(),
        "tracking.not_available": RuleSpec(numbers={"min": _D, "max": _D}),
        "tracking.inactive": RuleSpec(numbers={"inactive": _B, "then": _D}),
        "tracking.stalled": RuleSpec(numbers={"stalled_after": _D}),
        "dropship.refund_customer": RuleSpec(),
        "dropship.reship": RuleSpec(),
        # rules of the source articles the first schema lacked (data: the answers do not use them yet)
        "refund.item_arrives_later": RuleSpec(added=_SOURCE_RULES),
        "refund.destination": RuleSpec(added=_SOURCE_RULES),
        "return.when_expected": RuleSpec(added=_SOURCE_RULES),
        "dispute.escalate_after_decline": RuleSpec(added=_SOURCE_RULES),
        "dropship.returns_to_store": RuleSpec(added=_SOURCE_RULES),
    }
)
"""Every rule a rulebook must state (or list as not stated), by id, with what it may hold.

Example:
    >>> from aliprotect.rules import SCHEMA, Unit
    >>> SCHEMA["dispute.seller_reply"].numbers["reply"] is Unit.DAYS
    True
"""


@attrs.frozen(kw_only=True)
class Bound:
    """The most a number of a rule may be where a rulebook states no maximum of its own: the
    largest number any source states for it, so that a value beyond every source (a timer of
    a thousand days, hours mistaken for days) is refused rather than answered.

    Attributes:
        rule_id: the rule whose number is bounded.
        days: the bound, in days.
        statement: what the source states, in its words.
        source: who states it, and where a reader can find it.
    """

    rule_id: str
    days: int
    statement: str
    source: str


LONGEST_TIMER = Bound(
    rule_id="protection.period",
    days=120,
    statement="protection of 60 days, 90 for Russia, 120 for Brazil",
    source="AliExpress help-centre text quoted on bio-guard.net",
)
"""The longest buyer-protection timer any source states (Brazil's 120 days): the sanity limit on
``protection_days`` under a rulebook whose ``protection.period`` has no ``at_most``.

Example:
    >>> from aliprotect.rules import LONGEST_TIMER
    >>> LONGEST_TIMER.days
    120
"""


def feeding(table: Feeds) -> tuple[str, ...]:
    """The ids of the rules that feed ``table``, in schema order."""
    return tuple(rule_id for rule_id, spec in SCHEMA.items() if table in spec.feeds)
