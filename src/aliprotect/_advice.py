"""Next actions: what a buyer or a dropshipper should do now, and by when.

The source articles are mostly advice: watch the tracking, ask for an extension before
it is too late, open the dispute at least 10 days before protection ends, escalate when
the seller is rude, refund your own customer at once. :func:`next_actions` turns that
advice into :class:`Advice` values for one order at an instant. It is pure: ``at`` is an
argument, nothing is read or stored.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Mapping
from typing import Any, SupportsIndex, overload

import attrs
import pendulum

from aliprotect import _checks, _days, _formatting
from aliprotect._answers import Deadline, Ranked
from aliprotect._claims import ClaimKind
from aliprotect._dispute import Dispute, DisputeEventKind, DisputeStatus, Outcome, Stage
from aliprotect._dispute_machine import dispute_status
from aliprotect._model import Money, Order
from aliprotect._registry import given_or_latest, published
from aliprotect._rulebook import Rulebook, stated
from aliprotect._schema import Unit
from aliprotect._shown import shown
from aliprotect._timeline import dispute_window, in_transit_until, protection_end, recommended_deadline
from aliprotect._tracking import Location, Tracking, for_order
from aliprotect.errors import InvalidValueError, MissingFactError


class Role(enum.Enum):
    """Who the advice is for."""

    BUYER = "buyer"
    """Someone who bought for themselves."""
    DROPSHIPPER = "dropshipper"
    """A store that bought for its own customer: it also has a customer to look after."""


class Urgency(Ranked):
    """How urgent an :class:`Advice` is, most urgent first (``rank`` 0)."""

    NOW = "now"
    """Do it now: the rules' time for it has come, and ``by`` is the hard limit."""
    BY_DEADLINE = "by_deadline"
    """Do it before ``by``."""
    INFO = "info"
    """Nothing to do yet: wait (until ``by``, when there is one)."""


class Action(enum.Enum):
    """What an :class:`Advice` says to do."""

    WAIT = "wait"
    OPEN_DISPUTE = "open_dispute"
    ASK_EXTENSION = "ask_extension"
    CONTACT_SELLER = "contact_seller"
    PICK_UP = "pick_up"
    ATTACH_EVIDENCE = "attach_evidence"
    ANSWER_OFFER = "answer_offer"
    ESCALATE = "escalate"
    SHIP_RETURN = "ship_return"
    REFUND_CUSTOMER = "refund_customer"
    RESHIP = "reship"


@attrs.frozen(kw_only=True)
class Advice(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """One thing to do (or to wait for), by when, how urgent, and the rules behind it.

    Attributes:
        order_id: the order it is about.
        action: what to do.
        text: what to do, in a sentence, with the instants that matter.
        by: the instant by which to do it (or until which to wait), if any.
        urgency: how urgent it is.
        rule_ids: the rules it comes from.
        rulebook: the version of the rulebook that gave the numbers.
        fingerprint: that rulebook's fingerprint.
    """

    order_id: str
    action: Action
    text: str
    by: pendulum.DateTime | None
    urgency: Urgency
    rule_ids: tuple[str, ...]
    rulebook: str
    fingerprint: str


class AdviceList(tuple[Advice, ...]):
    """The advice :func:`next_actions` gives: a tuple of :class:`Advice`, most urgent first,
    that also names the rulebook it came from (even when it is empty); a slice keeps it. It
    compares and hashes as a tuple, so ``next_actions(...) == ()`` reads as it should. A
    notebook shows it as a table.

    Attributes:
        rulebook: the version of the rulebook the advice came from.
        fingerprint: that rulebook's fingerprint.
    """

    rulebook: str
    fingerprint: str

    def __new__(cls, items: Iterable[Advice] = (), *, rulebook: str, fingerprint: str) -> AdviceList:
        advice = super().__new__(cls, _checks.items(items, Advice, "items", "aliprotect.next_actions(...)"))
        for name, value in (("rulebook", rulebook), ("fingerprint", fingerprint)):
            if not isinstance(value, str):
                raise InvalidValueError(f"{name}={shown(value)} must be the advice's {name}, a string")
        object.__setattr__(advice, "rulebook", rulebook)
        object.__setattr__(advice, "fingerprint", fingerprint)
        return advice

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"an AdviceList cannot be changed: {name}")

    @overload
    def __getitem__(self, index: SupportsIndex) -> Advice: ...
    @overload
    def __getitem__(self, index: slice) -> AdviceList: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Advice | AdviceList:
        """One piece of advice, or a slice of them that still names its rulebook."""
        if isinstance(index, slice):
            return AdviceList(tuple(self)[index], rulebook=self.rulebook, fingerprint=self.fingerprint)
        return tuple.__getitem__(self, index)

    def __repr__(self) -> str:
        return (
            f"AdviceList({shown(list(self))}, rulebook={shown(self.rulebook)}, fingerprint={shown(self.fingerprint)})"
        )

    def __getnewargs_ex__(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (tuple(self),), {"rulebook": self.rulebook, "fingerprint": self.fingerprint}

    def _repr_html_(self) -> str | None:
        return _formatting.html(self)


def _role(value: Role) -> Role:
    return _checks.member(value, Role, "role")


def known_at(order: Order, at: pendulum.DateTime) -> Order:
    """The order as it was known at ``at``: a shipment, receipt, delivery or extension after it
    has not happened yet."""

    now = _days.key(at)

    def happened(instant: pendulum.DateTime | None) -> bool:
        return instant is not None and _days.key(instant) <= now

    facts = (order.shipped_at, order.received_at, order.delivered_at, *(e.granted_at for e in order.extensions))
    if all(instant is None or happened(instant) for instant in facts):
        return order  # everything known had happened by `at`: the order as it is
    shipped = order.shipped_at if happened(order.shipped_at) else None
    return attrs.evolve(
        order,
        shipped_at=shipped,
        received_at=order.received_at if shipped and happened(order.received_at) else None,
        delivered_at=order.delivered_at if shipped and happened(order.delivered_at) else None,
        extensions=tuple(e for e in order.extensions if shipped and happened(e.granted_at)),
    )


class _Advisor:
    """Collects the advice for one order at one instant."""

    def __init__(self, order: Order, at: pendulum.DateTime, rules: Rulebook, role: Role) -> None:
        self.order, self.at, self.rules, self.role = order, at, rules, role
        self.advice: list[Advice] = []

    @functools.cached_property
    def protection_ends(self) -> Deadline:
        """The end of the order's protection, computed once for all the advice."""
        return protection_end(self.order, rules=self.rules)

    @functools.cached_property
    def open_by_recommended(self) -> Deadline:
        """The recommended open-by, computed once for all the advice."""
        return recommended_deadline(self.order, self.protection_ends.at, self.rules)

    def add(
        self, action: Action, text: str, urgency: Urgency, *rule_ids: str, by: pendulum.DateTime | None = None
    ) -> None:
        self.advice.append(
            Advice(
                order_id=self.order.id,
                action=action,
                text=text,
                by=by,
                urgency=urgency,
                rule_ids=stated(self.rules, *dict.fromkeys(rule_ids)),  # each once, in the order given
                rulebook=self.rules.version,
                fingerprint=self.rules.fingerprint,
            )
        )

    def days(self, rule_id: str, name: str, unit: Unit = Unit.DAYS) -> int:
        return self.rules.number(rule_id, name, unit=unit, carrier=self.order.carrier)

    def before(self, instant: pendulum.DateTime) -> bool:
        return _days.key(self.at) < _days.key(instant)

    # --- an order without a dispute ------------------------------------------------------

    def order_advice(self, tracking: Tracking | None) -> None:
        order = self.order
        if order.shipped_at is None:
            self.add(
                Action.WAIT,
                "not shipped yet: it can still be cancelled, with the seller's agreement",
                Urgency.INFO,
                "cancel.before_shipment",
            )
            return
        window = dispute_window(order, rules=self.rules)
        if not self.before(window.closes):
            return  # the last chance has passed: nothing can be done (open.latest)
        if order.received_at is not None and not self.before(order.received_at):
            self.add(
                Action.OPEN_DISPUTE,
                f"if something is wrong with the item, open a dispute before {window.closes.isoformat()}, with photos",
                Urgency.BY_DEADLINE,
                "open.latest",
                by=window.closes,
            )
            return
        opens = window.opens
        if not self.before(opens):
            opens = in_transit_until(order, self.at, self.rules, "open.earliest", tracking) or opens
            if not _days.key(opens) < _days.key(window.closes):
                return  # in transit until after the last chance: nothing can be done in time
        if self.before(opens):
            waiting = (
                "the parcel is in transit inside the seller's promised delivery time: "
                if opens is not window.opens
                else ""
            )
            self.add(
                Action.WAIT,
                f"{waiting}a dispute can be opened from {opens.isoformat()}",
                Urgency.INFO,
                "open.earliest",
                by=opens,
            )
        self.open_by(opens, window.closes)
        if tracking is not None:
            self.tracking_advice(tracking, opens, window.closes)

    def open_by(self, opens: pendulum.DateTime, closes: pendulum.DateTime) -> None:
        """When to open a "not received" dispute: by the recommended date, or now."""
        end, recommended = self.protection_ends.at, self.open_by_recommended.at
        buffer = self.days("protection.settlement_buffer", "before_protection_end")
        # before the window opens, "now" means as soon as it opens
        urgency, now_or_from = (
            (Urgency.BY_DEADLINE, f"from {opens.isoformat()}") if self.before(opens) else (Urgency.NOW, "now")
        )
        if not _days.key(recommended) < _days.key(closes):
            # the window closes before the settlement buffer would: the last chance is the deadline
            self.dispute(
                f"if it has not arrived, open a dispute {now_or_from}; the last chance ends at {closes.isoformat()}",
                Urgency.BY_DEADLINE,
                ("open.latest",),
                by=closes,
            )
        elif self.before(recommended) and not _days.key(recommended) < _days.key(opens):
            self.dispute(
                f"if it has not arrived by {recommended.isoformat()}, open a dispute then, or get the seller "
                f"to extend protection first: settlement takes {buffer} days",
                Urgency.BY_DEADLINE,
                ("protection.settlement_buffer", "protection.extension"),
                by=recommended,
            )
        elif self.before(end):
            self.dispute(
                f"protection ends at {end.isoformat()} and settlement takes {buffer} days: open a dispute "
                f"{now_or_from}, unless the seller extends protection",
                urgency,
                ("protection.settlement_buffer", "open.latest"),
                by=closes,
            )
            self.add(
                Action.ASK_EXTENSION,
                f"ask the seller to extend protection before it ends at {end.isoformat()}",
                Urgency.NOW,
                "protection.extension",
                by=end,
            )
        else:
            self.dispute(
                f"protection has ended and the order is completed; this is the last chance: open a dispute "
                f"{now_or_from}, before {closes.isoformat()}",
                urgency,
                ("protection.expiry_completes", "open.latest"),
                by=closes,
            )

    def dispute(self, text: str, urgency: Urgency, rule_ids: tuple[str, ...], *, by: pendulum.DateTime) -> None:
        """Advise opening a "not received" dispute, with its evidence and, for a dropshipper, the customer."""
        self.add(Action.OPEN_DISPUTE, text, urgency, *rule_ids, by=by)
        rule = self.rules.rule(ClaimKind.NOT_RECEIVED.rule_id)
        evidence = ", ".join(item.value.replace("_", " ") for item in rule.evidence)
        self.add(
            Action.ATTACH_EVIDENCE,
            f"attach to the dispute: {evidence}; use the seller's own tracking number",
            urgency,
            ClaimKind.NOT_RECEIVED.rule_id,
            by=by,
        )
        if self.role is Role.DROPSHIPPER:
            self.add(
                Action.RESHIP,
                "or have the seller re-ship, and tell the customer they keep both if both arrive",
                urgency,
                "dropship.reship",
                by=by,
            )

    def tracking_advice(self, tracking: Tracking, opens: pendulum.DateTime, closes: pendulum.DateTime) -> None:
        if self.before(tracking.provided_at):
            return  # the number is not known yet at `at`
        events = tracking.known_at(self.at)
        if not events:
            quiet = _days.add_days(
                tracking.provided_at,
                self.days("tracking.not_available", "max"),
                self.rules.calendar("tracking.not_available"),
            )
            if self.before(quiet) and _days.key(quiet) < _days.key(closes):  # never wait past the last chance
                self.add(
                    Action.WAIT,
                    f"a new tracking number can show nothing for {self.days('tracking.not_available', 'min')}-"
                    f"{self.days('tracking.not_available', 'max')} days: wait until {quiet.isoformat()}",
                    Urgency.INFO,
                    "tracking.not_available",
                    by=quiet,
                )
            else:
                self.add(
                    Action.CONTACT_SELLER,
                    f"tracking number {tracking.number} still shows nothing: the parcel was probably not sent; "
                    "ask the seller, and open a dispute if the answer is missing or unclear",
                    Urgency.NOW,
                    "tracking.not_available",
                )
            return
        last = events[-1]
        if last.where is Location.DELIVERED:
            return
        if last.where is Location.RETURNED_TO_SENDER:
            if not self.before(opens):
                self.add(
                    Action.OPEN_DISPUTE,
                    "the parcel is going back to the seller: open a 'not received' dispute for a full refund",
                    Urgency.NOW,
                    "claim.not_received",
                    by=closes,
                )
            return
        self.stalled(last.at, last.where, opens, closes)
        self.inactive(last.at, opens, closes)

    def stalled(
        self, since: pendulum.DateTime, where: Location, opens: pendulum.DateTime, closes: pendulum.DateTime
    ) -> None:
        """``tracking.stalled``: not moving for 2 days or more in one place."""
        if self.before(
            _days.add_days(
                since, self.days("tracking.stalled", "stalled_after"), self.rules.calendar("tracking.stalled")
            )
        ):
            return
        end = self.protection_ends.at
        running = self.before(end)
        still = f"not moving since {since.isoformat()}"
        if where is Location.ORIGIN_COUNTRY and running:
            self.add(
                Action.CONTACT_SELLER,
                f"{still}, still in the seller's country: ask the seller why",
                Urgency.NOW,
                "tracking.stalled",
                by=end,
            )
            self.add(
                Action.ASK_EXTENSION,
                f"ask the seller to extend protection, giving the hold-up as the reason, before {end.isoformat()}",
                Urgency.NOW,
                "tracking.stalled",
                "protection.extension",
                by=end,
            )
        elif where is Location.DESTINATION_CUSTOMS and running:
            self.add(
                Action.ASK_EXTENSION,
                f"{still} at customs: it usually arrives, but late; extend protection before {end.isoformat()}",
                Urgency.NOW,
                "tracking.stalled",
                "protection.extension",
                by=end,
            )
        elif where is Location.LOCAL_POST_OFFICE:
            self.add(
                Action.PICK_UP,
                f"{still} at the local post office: pick it up now; an unclaimed parcel is sent back and not refunded",
                Urgency.NOW,
                "tracking.stalled",
                "claim.not_covered",
                by=closes,
            )
        elif where is Location.NO_INFORMATION:
            recommended = self.open_by_recommended.at
            if not self.before(recommended) and not self.before(opens):
                self.add(
                    Action.OPEN_DISPUTE,
                    f"no tracking information since {since.isoformat()} and protection ends soon: open a dispute",
                    Urgency.NOW,
                    "tracking.stalled",
                    "protection.settlement_buffer",
                    by=closes,
                )

    def inactive(self, since: pendulum.DateTime, opens: pendulum.DateTime, closes: pendulum.DateTime) -> None:
        """``tracking.inactive``: 5 business days without news, counted in the buyer's zone (C5)."""
        buyer_zone = self.order.placed_at.timezone or self.order.placed_at.tzinfo
        local = since.in_timezone(buyer_zone)  # type: ignore[arg-type]
        ask_from = _days.add_business_days(
            local,
            self.days("tracking.inactive", "inactive", Unit.BUSINESS_DAYS),
            self.rules.calendar("tracking.inactive"),
        )
        if self.before(ask_from):
            return
        dispute_from = _days.add_days(
            ask_from, self.days("tracking.inactive", "then"), self.rules.calendar("tracking.inactive")
        )
        if self.before(dispute_from):
            self.add(
                Action.CONTACT_SELLER,
                f"no tracking news since {since.isoformat()}: ask the seller for an update; if the tracking is not "
                f"active again by {dispute_from.isoformat()}, open a dispute",
                Urgency.NOW,
                "tracking.inactive",
                by=dispute_from,
            )
        elif not self.before(opens):
            self.add(
                Action.OPEN_DISPUTE,
                f"the tracking has not moved since {since.isoformat()}, also after asking the seller: open a dispute",
                Urgency.NOW,
                "tracking.inactive",
                by=closes,
            )

    # --- an order with a dispute ---------------------------------------------------------

    def negotiating_advice(
        self, dispute: Dispute, deadline: Mapping[str, pendulum.DateTime], tracking: Tracking | None
    ) -> None:
        """Escalate: now, from the start of a claim phase or once the parcel's promised delivery
        time has passed, or not any more once the claim phase has ended."""
        claim_from, claim_until = deadline.get("claim_from"), deadline.get("claim_until")
        moderator_from = deadline.get("moderator_from")
        if claim_from is not None and self.before(claim_from):
            self.add(
                Action.WAIT,
                f"no agreement yet: you can escalate to AliExpress from {claim_from.isoformat()}",
                Urgency.INFO,
                "dispute.escalation",
                by=claim_from,
            )
            return
        if claim_until is not None and not self.before(claim_until):
            self.add(
                Action.WAIT,
                f"the claim phase ended at {claim_until.isoformat()}; the rules do not say what happens next",
                Urgency.INFO,
                "dispute.escalation",
            )
            return
        waits_until = in_transit_until(dispute.order, self.at, self.rules, "dispute.escalation", tracking)
        if waits_until is not None:
            self.add(
                Action.WAIT,
                "the parcel is in transit inside the seller's promised delivery time: you can escalate from "
                f"{waits_until.isoformat()}",
                Urgency.INFO,
                "dispute.escalation",
                by=waits_until,
            )
            return
        rude = any(
            e.kind is DisputeEventKind.SELLER_REJECTS and e.rude for e in dispute.events if not self.before(e.at)
        )
        ends = [(at, f"escalate by {at.isoformat()}, when the claim phase ends") for at in (claim_until,) if at]
        ends += [(at, f"escalate, or a moderator steps in at {at.isoformat()}") for at in (moderator_from,) if at]
        by, then = min(ends, key=lambda end: _days.key(end[0]))  # the rulebook schema gives one or both
        self.add(
            Action.ESCALATE,
            "the seller's reply was rude: escalate to AliExpress now" if rude else f"no agreement yet: {then}",
            Urgency.NOW if rude else Urgency.BY_DEADLINE,
            "dispute.escalation",
            by=by,
        )

    def dispute_advice(self, dispute: Dispute, now: DisputeStatus, tracking: Tracking | None) -> None:
        deadline = {d.name: d.at for d in now.deadlines}
        if self.role is Role.DROPSHIPPER and now.outcome is not Outcome.LOST:
            self.add(
                Action.REFUND_CUSTOMER,
                "refund your customer now, without waiting for the seller's money, to avoid a chargeback and its fee",
                Urgency.NOW,
                "dropship.refund_customer",
            )
        if now.offer is not None:
            self.add(
                Action.ANSWER_OFFER,
                f"answer the seller's offer of {now.offer.amount} {now.offer.currency}: accepting it closes the "
                "dispute for good",
                Urgency.NOW,
                "dispute.accept_offer_closes",
                by=deadline.get("moderator_from"),
            )
        if now.stage is Stage.AWAITING_SELLER:
            reply_by = deadline["seller_reply_by"]
            to_team = deadline.get("moderator_from")  # a rulebook whose silent seller sends the dispute to the team
            if to_team is None:
                text, by = (
                    f"the seller has until {reply_by.isoformat()} to reply; if the seller stays silent, you win",
                    reply_by,
                )
            elif self.before(reply_by):
                text = (
                    f"the seller has until {reply_by.isoformat()} to reply; if the seller stays silent, the dispute "
                    f"goes to AliExpress's dispute team at {to_team.isoformat()}"
                )
                by = reply_by
            else:
                text = (
                    f"the seller did not reply by {reply_by.isoformat()}: the dispute goes to AliExpress's dispute "
                    f"team at {to_team.isoformat()}"
                )
                by = to_team
            self.add(Action.WAIT, text, Urgency.INFO, *now.rule_ids, "dispute.seller_silent", by=by)
            rule = self.rules.rule(dispute.claim.kind.rule_id)
            missing = [item for item in rule.evidence if item not in dispute.claim.evidence]
            if missing:
                self.add(
                    Action.ATTACH_EVIDENCE,
                    f"add the evidence a {dispute.claim.kind.value} claim should carry: "
                    f"{', '.join(item.value.replace('_', ' ') for item in missing)}",
                    Urgency.NOW,
                    rule.id,
                    by=by,
                )
        elif now.stage is Stage.NEGOTIATING:
            self.negotiating_advice(dispute, deadline, tracking)
        elif now.stage is Stage.WITH_MODERATOR:
            self.add(Action.WAIT, "a moderator decides the dispute", Urgency.INFO, "dispute.escalation")
        elif now.stage is Stage.RETURN_DUE:
            return_by = deadline["return_by"]
            self.add(
                Action.SHIP_RETURN,
                f"send the item back with a tracking number before {return_by.isoformat()} for the full refund",
                Urgency.BY_DEADLINE,
                "return.window",
                by=return_by,
            )
        elif now.stage is Stage.REFUND_DUE:
            self.add(Action.WAIT, "the refund is due: it comes through the dispute", Urgency.INFO, *now.rule_ids)
        elif now.outcome is Outcome.REFUNDED and self.before(deadline["refund_arrives_by"]):
            arrives = deadline["refund_arrives_by"]
            self.add(
                Action.WAIT,
                f"the refund reaches the card by {arrives.isoformat()}",
                Urgency.INFO,
                "refund.arrival",
                by=arrives,
            )
        if now.outcome is Outcome.REFUNDED:
            self.after_partial_refund(dispute, now)

    def after_partial_refund(self, dispute: Dispute, now: DisputeStatus) -> None:
        """A refund that left part of the order unrefunded: a new dispute can be opened inside the window,
        as :func:`aliprotect.can_open_dispute` with this dispute among ``previous`` says."""
        left = money_left(dispute, now)
        if left is None:
            return
        window = dispute_window(known_at(self.order, self.at), rules=self.rules)
        if self.before(window.closes):
            self.add(
                Action.OPEN_DISPUTE,
                f"the refund left {left.amount} {left.currency} of the order unrefunded: if something else is "
                f"wrong, a new dispute can be opened until {window.closes.isoformat()}",
                Urgency.BY_DEADLINE,
                "dispute.closes_on_refund",
                "open.latest",
                by=window.closes,
            )


def money_left(dispute: Dispute, now: DisputeStatus) -> Money | None:
    """What a dispute closed by a refund left of the order to refund, when something is left and known."""
    paid, refund = dispute.refundable, now.refund
    if now.outcome is not Outcome.REFUNDED or paid is None or refund is None or refund.currency != paid.currency:
        return None
    return Money(paid.amount - refund.amount, paid.currency) if refund.amount < paid.amount else None


def _sort_key(advice: Advice) -> tuple[int, int, dt.timedelta]:
    """Most urgent first, then the soonest ``by``; ties keep the order the advice was given in."""
    by = _days.key(advice.by) if advice.by is not None else dt.timedelta.max
    return (advice.urgency.rank, 0 if advice.by is not None else 1, by)


def next_actions(
    order: Order,
    *,
    at: dt.datetime,
    dispute: Dispute | None = None,
    tracking: Tracking | None = None,
    role: Role = Role.BUYER,
    rules: Rulebook | None = None,
) -> AdviceList:
    """What to do about ``order`` at ``at``, most urgent first.

    Without a dispute: wait for the window (``open.earliest``); open a "not received"
    dispute by the recommended date or now (``protection.settlement_buffer``,
    ``protection.expiry_completes``, ``open.latest``) with its evidence; ask for an
    extension (``protection.extension``); and, from the tracking, what ``tracking.stalled``,
    ``tracking.not_available`` and ``tracking.inactive`` advise. With a dispute: wait for
    the seller, add missing evidence, answer an offer, escalate, ship the return, wait
    for the refund, and, when the refund left part of the order unrefunded, that a new
    dispute can be opened until the last chance. For a dropshipper, also refund the customer once a dispute is open
    (``dropship.refund_customer``) or re-ship (``dropship.reship``).

    Events after ``at`` (tracking, receipt, dispute events) are not known yet and are not
    used. No advice is for an action whose window has closed.

    Args:
        order: the order.
        at: the instant to advise at.
        dispute: the order's dispute, if one was opened; its own rulebook is used.
        tracking: the seller's tracking number and events, if any.
        role: a buyer, or a dropshipper with a customer.
        rules: the rulebook; the latest when left out (for a dispute, the dispute's own).

    Raises:
        InvalidValueError: an unknown role, or a dispute of another order.
        TimeOrderError: ``at`` before the order was placed, a tracking number provided
            before shipping, or tracking events before the order was placed.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> for advice in aliprotect.next_actions(
        ...     order, at=pendulum.datetime(2025, 4, 25, tz="Europe/Paris"), rules=aliprotect.rulebook("2025.2")
        ... ):
        ...     print(advice.urgency.value, advice.action.value, advice.by.isoformat())
        now ask_extension 2025-05-02T18:00:00+02:00
        now open_dispute 2025-05-17T18:00:00+02:00
        now attach_evidence 2025-05-17T18:00:00+02:00
    """
    order = _checks.instance(order, Order, "order")
    role = _role(role)
    instant = _checks.at_or_after(order.placed_at, at, f"order {order.id} was placed")
    tracking = for_order(tracking, order)
    if dispute is not None:
        dispute = _checks.instance(dispute, Dispute, "dispute")
        if dispute.order.id != order.id:
            raise InvalidValueError(f"dispute is about order {dispute.order.id}, not order {order.id}")
    if dispute is not None and not _days.key(instant) < _days.key(dispute.opened_at):
        now = dispute_status(dispute, at=instant, rules=rules)
        advisor = _Advisor(order, instant, published(now.rulebook) if rules is None else rules, role)
        _check_delivery(advisor, tracking)
        advisor.dispute_advice(dispute, now, tracking)
    else:
        advisor = _Advisor(known_at(order, instant), instant, given_or_latest(rules), role)
        _check_delivery(advisor, tracking)
        advisor.order_advice(tracking)
    return AdviceList(
        sorted(advisor.advice, key=_sort_key), rulebook=advisor.rules.version, fingerprint=advisor.rules.fingerprint
    )


def _check_delivery(advisor: _Advisor, tracking: Tracking | None) -> None:
    """Under a rulebook that cuts protection at delivery, the tracking and ``delivered_at`` must agree."""
    order, rules = advisor.order, advisor.rules
    if tracking is None or order.delivered_at is not None or not rules.has("protection.period", "after_delivered"):
        return
    delivered = next((e.at for e in tracking.known_at(advisor.at) if e.where is Location.DELIVERED), None)
    if delivered is not None:
        raise MissingFactError(
            f"delivered_at=None, but the tracking shows order {order.id} delivered at {delivered.isoformat()}; under "
            f"rulebook {rules.version}, protection.period cuts protection once the parcel shows as delivered: "
            "set the order's delivered_at"
        )
