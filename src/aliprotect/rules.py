"""The parts of a rulebook, the rule schema, and how two rulebooks differ.

A :class:`~aliprotect.Rulebook` (from :func:`aliprotect.rulebook`) holds :class:`Rule`
values, each with its :class:`Citation` values and named :class:`Quantity` numbers in a
:class:`Unit`. :data:`SCHEMA` declares every rule id the library knows and what each may
hold; :data:`LONGEST_TIMER` bounds the protection timer where a rulebook states no maximum;
:func:`diff` lists what differs between two rulebooks.

Example:
    >>> import aliprotect
    >>> from aliprotect.rules import SCHEMA, diff
    >>> "dispute.seller_reply" in SCHEMA
    True
    >>> changes = diff(aliprotect.rulebook("2020.1"), aliprotect.rulebook("2025.2"))
    >>> [(change.rule_id, change.before, change.after) for change in changes if change.field.startswith("quantities")]
    [('dispute.seller_reply', 4, 5), ('protection.period', 90, 60)]
"""

from aliprotect._registry import SUPERSEDED, Superseded
from aliprotect._rule import Certainty, Citation, Conflict, Parent, Quantity, Reading, Rule
from aliprotect._rulebook import RuleChange, diff
from aliprotect._schema import LONGEST_TIMER, SCHEMA, Bound, Feeds, RuleSpec, Unit
from aliprotect._sources import CATALOG, EvidenceLevel, Source

__all__ = [
    "CATALOG",
    "LONGEST_TIMER",
    "SCHEMA",
    "SUPERSEDED",
    "Bound",
    "Certainty",
    "Citation",
    "Conflict",
    "EvidenceLevel",
    "Feeds",
    "Parent",
    "Quantity",
    "Reading",
    "Rule",
    "RuleChange",
    "RuleSpec",
    "Source",
    "Superseded",
    "Unit",
    "diff",
]
