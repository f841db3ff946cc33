"""aliprotect: AliExpress buyer-protection rules as pure, cited functions.

Immutable orders go in, cited answers come out: when protection ends, when a
dispute can be opened and by when it should be, whether an order can still be
cancelled. The numbers come from a versioned rulebook; "now" is always an argument.

Example:
    >>> import pendulum, aliprotect
    >>> order = aliprotect.Order(
    ...     id="8012345678901234",
    ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Asia/Shanghai"),
    ...     shipped_at=pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai"),
    ...     protection_days=60,
    ... )
    >>> rules = aliprotect.rulebook("2025.1")
    >>> aliprotect.dispute_window(order, rules=rules).opens.isoformat()
    '2025-03-09T00:00:00+08:00'
"""

from aliprotect._days import parse_instant
from aliprotect.errors import (
    ActionRefusedError,
    AliprotectError,
    InvalidValueError,
    MalformedRulebookError,
    NaiveDatetimeError,
    NotShippedError,
    RulebookError,
    TimeOrderError,
    UnknownRulebookError,
    UnknownRuleError,
)
from aliprotect.model import ClaimKind, Extension, Money, Order
from aliprotect.rulebook import Citation, Conflict, Quantity, Reading, Rule, Rulebook, Unit, rulebook
from aliprotect.timeline import (
    Deadline,
    Timeline,
    Verdict,
    Window,
    can_cancel,
    can_open_dispute,
    completion,
    dispute_window,
    grant_extension,
    protection_end,
    recommended_open_by,
    timeline,
)

__all__ = [
    "ActionRefusedError",
    "AliprotectError",
    "Citation",
    "ClaimKind",
    "Conflict",
    "Deadline",
    "Extension",
    "InvalidValueError",
    "MalformedRulebookError",
    "Money",
    "NaiveDatetimeError",
    "NotShippedError",
    "Order",
    "Quantity",
    "Reading",
    "Rule",
    "Rulebook",
    "RulebookError",
    "TimeOrderError",
    "Timeline",
    "Unit",
    "UnknownRuleError",
    "UnknownRulebookError",
    "Verdict",
    "Window",
    "can_cancel",
    "can_open_dispute",
    "completion",
    "dispute_window",
    "grant_extension",
    "parse_instant",
    "protection_end",
    "recommended_open_by",
    "rulebook",
    "timeline",
]
