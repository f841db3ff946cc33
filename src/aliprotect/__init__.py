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
    >>> rules = aliprotect.rulebook("2025.2")
    >>> aliprotect.dispute_window(order, rules=rules).opens.isoformat()
    '2025-03-09T00:00:00+08:00'
"""

# The public door. Every name a user needs lives in a private module, one concept each; the
# door imports a module only when one of its names is first asked for (PEP 562), so that
# ``import aliprotect``, the command line and ``aliprotect.frames`` start fast. The first name
# asked for also imports aliprotect.display, which registers the notebook display of every
# value. The namespaces a user imports on purpose are aliprotect.errors, aliprotect.rules,
# aliprotect.display, aliprotect.frames (the frames extra) and aliprotect.strategies (which
# needs Hypothesis).
import importlib
import typing

from aliprotect import errors as errors
from aliprotect.errors import AliprotectError

_HOMES: dict[str, tuple[str, ...]] = {
    "_advice": (
        "Action",
        "Advice",
        "AdviceList",
        "Role",
        "Urgency",
        "next_actions",
    ),
    "_answers": (
        "Deadline",
        "Timeline",
        "Verdict",
        "Window",
    ),
    "_ical": ("to_ical",),
    "_claims": (
        "Circumstance",
        "Claim",
        "ClaimKind",
        "Evidence",
        "Resolution",
    ),
    "_days": ("parse_instant",),
    "_dispute": (
        "Dispute",
        "DisputeEvent",
        "DisputeEventKind",
        "DisputeStatus",
        "Outcome",
        "Stage",
    ),
    "_dispute_machine": ("dispute_status",),
    "_documents": (
        "from_data",
        "from_json",
        "to_data",
        "to_json",
    ),
    "_eligibility": (
        "can_cancel",
        "can_open_dispute",
        "grant_extension",
    ),
    "_model": (
        "Extension",
        "Money",
        "Order",
    ),
    "_provenance": (
        "Decision",
        "Replay",
        "explain",
        "record",
        "replay",
    ),
    "_registry": (
        "rulebook",
        "rulebooks",
    ),
    "_reminders": (
        "Reminder",
        "upcoming",
    ),
    "_rulebook": ("Rulebook",),
    "_timeline": (
        "completion",
        "dispute_window",
        "protection_end",
        "recommended_open_by",
        "timeline",
    ),
    "_tracking": (
        "Location",
        "Tracking",
        "TrackingEvent",
    ),
    "_transitions": (
        "buyer_accepts_offer",
        "buyer_cancels",
        "buyer_escalates",
        "buyer_ships_return",
        "moderator_decides",
        "open_dispute",
        "platform_refunds",
        "seller_accepts",
        "seller_offers",
        "seller_rejects",
    ),
}
"""Each private module, and the public names it holds."""

_HOME = {name: module for module, names in _HOMES.items() for name in names}
_NAMESPACES = ("display", "rules")


def __getattr__(name: str) -> typing.Any:
    """A public name, imported from its module when first asked for, then kept."""
    if name in _NAMESPACES:
        return importlib.import_module(f"aliprotect.{name}")
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'aliprotect' has no attribute {name!r}")
    importlib.import_module("aliprotect.display")  # values show themselves in notebooks from the start
    value = getattr(importlib.import_module(f"aliprotect.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME, *_NAMESPACES})


if typing.TYPE_CHECKING:  # what the door holds, for type checkers and readers
    from aliprotect import display as display
    from aliprotect import rules as rules
    from aliprotect._advice import Action, Advice, AdviceList, Role, Urgency, next_actions
    from aliprotect._answers import Deadline, Timeline, Verdict, Window
    from aliprotect._claims import Circumstance, Claim, ClaimKind, Evidence, Resolution
    from aliprotect._days import parse_instant
    from aliprotect._dispute import Dispute, DisputeEvent, DisputeEventKind, DisputeStatus, Outcome, Stage
    from aliprotect._dispute_machine import dispute_status
    from aliprotect._documents import from_data, from_json, to_data, to_json
    from aliprotect._eligibility import can_cancel, can_open_dispute, grant_extension
    from aliprotect._ical import to_ical
    from aliprotect._model import Extension, Money, Order
    from aliprotect._provenance import Decision, Replay, explain, record, replay
    from aliprotect._registry import rulebook, rulebooks
    from aliprotect._reminders import Reminder, upcoming
    from aliprotect._rulebook import Rulebook
    from aliprotect._timeline import completion, dispute_window, protection_end, recommended_open_by, timeline
    from aliprotect._tracking import Location, Tracking, TrackingEvent
    from aliprotect._transitions import (
        buyer_accepts_offer,
        buyer_cancels,
        buyer_escalates,
        buyer_ships_return,
        moderator_decides,
        open_dispute,
        platform_refunds,
        seller_accepts,
        seller_offers,
        seller_rejects,
    )

__all__ = [
    "Action",
    "Advice",
    "AdviceList",
    "AliprotectError",
    "Circumstance",
    "Claim",
    "ClaimKind",
    "Deadline",
    "Decision",
    "Dispute",
    "DisputeEvent",
    "DisputeEventKind",
    "DisputeStatus",
    "Evidence",
    "Extension",
    "Location",
    "Money",
    "Order",
    "Outcome",
    "Reminder",
    "Replay",
    "Resolution",
    "Role",
    "Rulebook",
    "Stage",
    "Timeline",
    "Tracking",
    "TrackingEvent",
    "Urgency",
    "Verdict",
    "Window",
    "buyer_accepts_offer",
    "buyer_cancels",
    "buyer_escalates",
    "buyer_ships_return",
    "can_cancel",
    "can_open_dispute",
    "completion",
    "dispute_status",
    "dispute_window",
    "explain",
    "from_data",
    "from_json",
    "grant_extension",
    "moderator_decides",
    "next_actions",
    "open_dispute",
    "parse_instant",
    "platform_refunds",
    "protection_end",
    "recommended_open_by",
    "record",
    "replay",
    "rulebook",
    "rulebooks",
    "seller_accepts",
    "seller_offers",
    "seller_rejects",
    "timeline",
    "to_data",
    "to_ical",
    "to_json",
    "upcoming",
]
