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
from aliprotect.disputes import (
    Dispute,
    DisputeStatus,
    Event,
    EventKind,
    Outcome,
    Stage,
    buyer_accepts_offer,
    buyer_cancels,
    buyer_escalates,
    buyer_ships_return,
    moderator_decides,
    open_dispute,
    refund_granted,
    seller_accepts,
    seller_offers,
    seller_rejects,
    status,
)
from aliprotect.errors import (
    ActionRefusedError,
    AliprotectError,
    ClaimNotCoveredError,
    DisputeClosedError,
    InvalidValueError,
    MalformedRulebookError,
    NaiveDatetimeError,
    NotShippedError,
    RulebookError,
    TimeOrderError,
    UnknownRulebookError,
    UnknownRuleError,
)
from aliprotect.model import (
    Circumstance,
    Claim,
    ClaimKind,
    Evidence,
    Extension,
    Money,
    Order,
    Resolution,
)
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
    "Circumstance",
    "Citation",
    "Claim",
    "ClaimKind",
    "ClaimNotCoveredError",
    "Conflict",
    "Deadline",
    "Dispute",
    "DisputeClosedError",
    "DisputeStatus",
    "Event",
    "EventKind",
    "Evidence",
    "Extension",
    "InvalidValueError",
    "MalformedRulebookError",
    "Money",
    "NaiveDatetimeError",
    "NotShippedError",
    "Order",
    "Outcome",
    "Quantity",
    "Reading",
    "Resolution",
    "Rule",
    "Rulebook",
    "RulebookError",
    "Stage",
    "TimeOrderError",
    "Timeline",
    "Unit",
    "UnknownRuleError",
    "UnknownRulebookError",
    "Verdict",
    "Window",
    "buyer_accepts_offer",
    "buyer_cancels",
    "buyer_escalates",
    "buyer_ships_return",
    "can_cancel",
    "can_open_dispute",
    "completion",
    "dispute_window",
    "grant_extension",
    "moderator_decides",
    "open_dispute",
    "parse_instant",
    "protection_end",
    "recommended_open_by",
    "refund_granted",
    "rulebook",
    "seller_accepts",
    "seller_offers",
    "seller_rejects",
    "status",
    "timeline",
]
