"""The question and the action never disagree: :func:`aliprotect.can_open_dispute` and
:func:`aliprotect.open_dispute`, asked the same thing, give the same answer.

- An error of one is the same error of the other: the same type, the same message.
- A refused verdict is an :class:`~aliprotect.errors.ActionRefusedError` (a
  :class:`~aliprotect.errors.ClaimNotCoveredError` for a circumstance protection does not
  cover) with the verdict's rule ids and reason.
- An allowed verdict is a dispute opened at the verdict's instant, under its rulebook.
- Nothing but an :class:`~aliprotect.AliprotectError` ever escapes.
- Asked with the claim's kind only, the question gives the same answer as with a plain claim.

For every published rulebook, on orders shipped or not, received or not, extended or not,
with and without a carrier and a promised delivery time, with and without tracking, and
with earlier disputes of the same order: still open, closed by the buyer, lost, refunded,
partly refunded.
"""

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import pendulum
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import aliprotect
from aliprotect import (
    AliprotectError,
    Circumstance,
    Claim,
    ClaimKind,
    Dispute,
    Evidence,
    Money,
    Order,
    Resolution,
    Rulebook,
    Stage,
    Tracking,
    Verdict,
    _days,
)
from aliprotect.errors import ActionRefusedError, ClaimNotCoveredError, InvalidValueError, UnstatedRuleError
from aliprotect.strategies import disputes, instants, money, orders, trackings, zones

BOOKS = aliprotect.rulebooks()
DAY = 86_400
TICK = dt.timedelta(microseconds=1)
USUALLY = st.sampled_from([True, True, True, False])
RARELY = st.sampled_from([*[False] * 9, True])

T = TypeVar("T")


def answer(call: Callable[[], T]) -> T | AliprotectError:
    """What ``call`` returns, or the AliprotectError it raises; any other exception escapes."""
    try:
        return call()
    except AliprotectError as error:
        return error


def resolutions(book: Rulebook, kind: ClaimKind) -> tuple[Resolution, ...]:
    """What a claim of ``kind`` can ask for under ``book``; none when the rule is not stated."""
    try:
        return book.rule(kind.rule_id).resolutions
    except UnstatedRuleError:
        return ()


def has(book: Rulebook, rule_id: str, name: str) -> bool:
    try:
        return book.has(rule_id, name)
    except UnstatedRuleError:
        return False


def needs_no_facts(book: Rulebook) -> bool:
    """Whether ``strategies.disputes(rules=book)`` can open a dispute on any shipped order: the
    window needs no carrier, no promised delivery time, no tracking, and any timer is allowed."""
    try:
        return not (
            has(book, "protection.period", "at_most")
            or has(book, "open.earliest", "at_once_if_promised_at_most")
            or has(book, "open.latest", "until_day_after_shipping")
            or book.rule("open.latest").anchor is not None
            or book.rule("open.earliest").in_transit_waits
        )
    except UnstatedRuleError:
        return False


# --- the check -------------------------------------------------------------------------


def same(one: object, other: object) -> bool:
    """The same error (type and message), or equal answers."""
    if isinstance(one, AliprotectError) or isinstance(other, AliprotectError):
        return type(one) is type(other) and str(one) == str(other)
    return one == other


def label(asked: Verdict | AliprotectError) -> str:
    """Which branch of the judgement answered."""
    if isinstance(asked, AliprotectError):
        if isinstance(asked, InvalidValueError) and " is not possible for a " in str(asked):
            return "bad resolution"
        return f"error: {type(asked).__name__}"
    if asked.allowed:
        return "allowed"
    reason = asked.reason
    if "already has an open dispute" in reason:
        return "earlier dispute still open"
    if asked.rule_ids == ("open.earliest",):
        if reason.startswith("too early"):
            return "too early"
        return "not shipped" if "has not shipped" in reason else "in transit"
    branches: dict[tuple[str, ...], str] = {
        ("claim.not_covered",): "not covered",
        ("open.latest",): "too late",
        ("open.not_received_before_receipt",): "not received after receipt",
        ("dispute.accept_offer_closes",): "earlier closed by the buyer",
        ("dispute.lost_is_final",): "earlier lost",
        ("dispute.closes_on_refund",): "refunded in full",
    }
    return branches.get(asked.rule_ids, f"refused: {asked.rule_ids}")


def check_agreement(
    order: Order,
    claim: Claim,
    *,
    at: dt.datetime,
    rules: Rulebook,
    previous: tuple[Dispute, ...] = (),
    tracking: Tracking | None = None,
) -> str:
    """Ask both, assert that they agree, and return which branch answered (see :func:`label`)."""
    asked = answer(
        lambda: aliprotect.can_open_dispute(order, claim, at=at, rules=rules, previous=previous, tracking=tracking)
    )
    opened = answer(
        lambda: aliprotect.open_dispute(order, claim, at=at, rules=rules, previous=previous, tracking=tracking)
    )
    if isinstance(asked, AliprotectError):
        assert isinstance(opened, AliprotectError), f"can_open_dispute raised {asked!r}; open_dispute gave {opened!r}"
        assert type(opened) is type(asked), f"can_open_dispute raised {asked!r}; open_dispute raised {opened!r}"
        assert str(opened) == str(asked)
    else:
        assert isinstance(asked, Verdict)
        assert (asked.rulebook, asked.fingerprint) == (rules.version, rules.fingerprint)
        if asked.allowed:
            assert isinstance(opened, Dispute), f"allowed ({asked.reason}), but open_dispute raised {opened!r}"
            assert opened.opened_at == asked.at
            assert opened.opened_at.isoformat() == asked.at.isoformat()
            assert (opened.rulebook, opened.fingerprint) == (rules.version, rules.fingerprint)
            assert (opened.order, opened.claim, opened.events) == (order, claim, ())
        else:
            assert type(opened) in {ActionRefusedError, ClaimNotCoveredError}, (
                f"refused ({asked.reason}), but open_dispute gave {opened!r}"
            )
            assert isinstance(opened, ActionRefusedError)
            assert opened.rule_ids == asked.rule_ids
            assert asked.reason in str(opened)
            assert isinstance(opened, ClaimNotCoveredError) == ("claim.not_covered" in asked.rule_ids)
    if claim.circumstance is None and claim.amount is None and claim.resolution in resolutions(rules, claim.kind):
        by_kind = answer(
            lambda: aliprotect.can_open_dispute(
                order, claim.kind, at=at, rules=rules, previous=previous, tracking=tracking
            )
        )
        assert same(by_kind, asked), f"with the kind only: {by_kind!r}; with the claim: {asked!r}"
    return label(asked)


# --- the cases -------------------------------------------------------------------------


@attrs.frozen
class Case:
    """One question: the same arguments for both functions."""

    order: Order
    claim: Claim
    at: pendulum.DateTime
    previous: tuple[Dispute, ...] = ()
    tracking: Tracking | None = None


def some_of(draw: st.DrawFn, paid: Money | None) -> Money:
    """An amount from 0.01 to all of ``paid`` (any amount when it is unknown)."""
    if paid is None:
        return draw(money())
    amount = draw(st.decimals(min_value=Decimal("0.01"), max_value=max(paid.amount, Decimal("0.01")), places=2))
    return Money(amount, paid.currency)


@st.composite
def fitted_orders(draw: st.DrawFn, book: Rulebook) -> Order:
    """An order, often with the facts ``book`` may need: a carrier (sometimes one it does not
    know), a promised delivery time, a protection timer it allows."""
    order = draw(orders(shipped=draw(USUALLY)))
    facts: dict[str, Any] = {}
    if draw(USUALLY):
        known = [name for group, names in book.carriers.items() for name in (group, *names)]
        facts["carrier"] = draw(st.sampled_from([*known, "EMS", "China Post", "Yodel"]))
    if draw(USUALLY):
        facts["promised_days"] = draw(st.integers(min_value=1, max_value=45))
    if has(book, "protection.period", "at_most") and draw(USUALLY):
        longest = book.number("protection.period", "at_most")
        if order.protection_days > longest:
            facts.update(extensions=(), protection_days=draw(st.integers(min_value=1, max_value=longest)))
    return attrs.evolve(order, **facts)


@st.composite
def earlier_dispute(
    draw: st.DrawFn, order: Order, book: Rulebook, previous: tuple[Dispute, ...], tracking: Tracking | None
) -> Dispute | None:
    """A dispute of ``order`` opened after ``previous``, then left open, closed by the buyer
    (cancelled or an offer accepted), lost, refunded or partly refunded; ``None`` when the rules
    do not let it open."""
    window = answer(lambda: aliprotect.dispute_window(order, rules=book))
    if isinstance(window, AliprotectError):
        return None
    start = window.opens
    if previous:
        last = previous[-1]
        start = max(start, last.events[-1].at if last.events else last.opened_at, key=_days.utc)
    span = int((window.closes - start).total_seconds())
    if span <= 0:
        return None
    opened = start.add(seconds=draw(st.integers(min_value=0, max_value=span - 1))).in_timezone(draw(zones()))
    kind = draw(st.sampled_from(ClaimKind))
    allowed = resolutions(book, kind)
    if not allowed:
        return None
    resolution = draw(st.sampled_from(allowed))
    amount = some_of(draw, order.amount) if resolution is Resolution.PARTIAL_REFUND else None
    claim = Claim(kind=kind, resolution=resolution, amount=amount)
    dispute = answer(
        lambda: aliprotect.open_dispute(order, claim, at=opened, rules=book, previous=previous, tracking=tracking)
    )
    if isinstance(dispute, AliprotectError):
        return None
    step = opened.add(seconds=draw(st.integers(min_value=0, max_value=2 * DAY)))
    outcome = draw(st.sampled_from(["open", "cancelled", "offer accepted", "lost", "refunded", "partly refunded"]))
    event(f"earlier dispute: {outcome}")
    moved = answer(lambda: _lead_to(draw, dispute, outcome, step, book, tracking))
    return dispute if isinstance(moved, AliprotectError) else moved


def _lead_to(
    draw: st.DrawFn, dispute: Dispute, outcome: str, at: pendulum.DateTime, book: Rulebook, tracking: Tracking | None
) -> Dispute:
    paid = dispute.order.amount
    if outcome == "open":
        return dispute
    if outcome == "cancelled":
        return aliprotect.buyer_cancels(dispute, at=at, rules=book)
    if outcome == "offer accepted":
        offered = aliprotect.seller_offers(dispute, at=at, refund=some_of(draw, dispute.refundable), rules=book)
        return aliprotect.buyer_accepts_offer(offered, at=at, rules=book)
    if outcome == "lost":
        return _lost(dispute, at, book, tracking)
    accepted = aliprotect.seller_accepts(dispute, at=at, rules=book)
    if dispute.claim.resolution is Resolution.REFUND_WITH_RETURN:
        accepted = aliprotect.buyer_ships_return(accepted, at=at, tracking_number="RR123456789CN", rules=book)
    if outcome == "refunded":  # the refund due, or an amount when the order amount is unknown
        return aliprotect.platform_refunds(accepted, at=at, refund=None if paid else draw(money()), rules=book)
    return aliprotect.platform_refunds(accepted, at=at, refund=some_of(draw, dispute.refundable), rules=book)


def _lost(dispute: Dispute, at: pendulum.DateTime, book: Rulebook, tracking: Tracking | None) -> Dispute:
    """The seller rejects; the dispute reaches a moderator (by time, or escalated), who decides against the buyer."""
    rejected = aliprotect.seller_rejects(dispute, at=at, rules=book)
    schedule = aliprotect.dispute_status(rejected, at=at, rules=book).schedule
    moments = [at, *(d.at for d in schedule if d.name in {"claim_from", "moderator_from"} and d.at > at)]
    for moment in sorted(moments, key=_days.utc):
        if aliprotect.dispute_status(rejected, at=moment, rules=book).stage is Stage.WITH_MODERATOR:
            return aliprotect.moderator_decides(rejected, at=moment, buyer_wins=False, rules=book)
        escalated = answer(
            functools.partial(aliprotect.buyer_escalates, rejected, at=moment, rules=book, tracking=tracking)
        )
        if isinstance(escalated, Dispute):
            return aliprotect.moderator_decides(escalated, at=moment, buyer_wins=False, rules=book)
    return rejected


@st.composite
def claims(draw: st.DrawFn, book: Rulebook, order: Order) -> Claim:
    """A claim of any kind: mostly asking for what its kind allows, sometimes not; sometimes a
    partial refund (in the order's currency, too large or in another currency); sometimes with
    a circumstance protection does not cover."""
    kind = draw(st.sampled_from(ClaimKind))
    allowed = resolutions(book, kind)
    usual: bool = bool(allowed) and draw(USUALLY)
    pool = allowed if usual else tuple(Resolution)
    resolution = draw(st.sampled_from(pool))
    amount = None
    if resolution is Resolution.PARTIAL_REFUND:
        paid, how = order.amount, draw(st.sampled_from(["part", "part", "more", "other currency", "any"]))
        if paid is None or how == "any":
            amount = draw(money())
        elif how == "part":
            amount = some_of(draw, paid)
        elif how == "more":
            amount = Money(paid.amount + 1, paid.currency)
        else:
            amount = Money(paid.amount, "JPY")
    circumstance = draw(st.sampled_from([*[None] * 6, *Circumstance]))
    evidence = draw(st.lists(st.sampled_from(Evidence), max_size=2))
    return Claim(kind=kind, resolution=resolution, amount=amount, evidence=evidence, circumstance=circumstance)


@st.composite
def instants_for(draw: st.DrawFn, order: Order, book: Rulebook, previous: tuple[Dispute, ...]) -> pendulum.DateTime:
    """An instant at or after the order was placed (rarely before): inside the dispute window,
    at or next to a boundary that matters (the window's ends, receipt, the earlier disputes'
    events), some time after placing, or any instant (mirrored to after placing)."""
    anchors = [order.placed_at]
    window = answer(lambda: aliprotect.dispute_window(order, rules=book))
    if not isinstance(window, AliprotectError):
        anchors += [window.opens, window.closes]
    if order.received_at is not None:
        anchors.append(order.received_at)
    for dispute in previous:
        anchors += [dispute.opened_at, *(e.at for e in dispute.events)]
    how = draw(st.sampled_from(["inside", "inside", "boundary", "boundary", "after placing", "any", "before placing"]))
    if how == "inside" and not isinstance(window, AliprotectError):
        start = max(window.opens, anchors[-1], key=_days.utc) if previous else window.opens  # mostly after them
        span = max(int((window.closes - start).total_seconds()), 1)
        at = start.add(seconds=draw(st.integers(min_value=0, max_value=span - 1)))
    elif how in {"inside", "boundary"}:
        at = draw(st.sampled_from(anchors)) + draw(st.sampled_from([-TICK, dt.timedelta(0), TICK]))
    elif how == "after placing":
        at = order.placed_at.add(seconds=draw(st.integers(min_value=0, max_value=200 * DAY)))
    elif how == "any":
        at = pendulum.instance(draw(instants()))
        if _days.utc(at) < _days.utc(order.placed_at):
            at = order.placed_at + (order.placed_at - at)
    else:  # a question the library refuses: TimeOrderError
        at = order.placed_at.subtract(seconds=draw(st.integers(min_value=1, max_value=30 * DAY)))
    at = pendulum.instance(at).in_timezone(draw(zones()))
    if how != "before placing" and _days.utc(at) < _days.utc(order.placed_at):
        at = order.placed_at
    return at


@st.composite
def cases(draw: st.DrawFn, book: Rulebook) -> Case:
    previous: tuple[Dispute, ...]
    if needs_no_facts(book) and not draw(USUALLY):
        made = draw(disputes(rules=book))  # its order, and the dispute as an earlier one
        order, previous = made.order, (made,)
    else:
        order, previous = draw(fitted_orders(book)), ()
    tracking = None
    if order.shipped_at is not None and draw(st.booleans()):
        tracking = draw(trackings(order.shipped_at))
    elif draw(RARELY):  # a tracking that does not fit the order
        tracking = draw(trackings(order.placed_at.subtract(days=1)))
    if not previous:
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            another = draw(earlier_dispute(order, book, previous, tracking))
            if another is None:
                break
            previous = (*previous, another)
    at = draw(instants_for(order, book, previous))
    return Case(order=order, claim=draw(claims(book, order)), at=at, previous=previous, tracking=tracking)


@pytest.mark.parametrize("book", BOOKS, ids=lambda book: book.version)
@given(data=st.data())
def test_can_open_dispute_and_open_dispute_never_disagree(book: Rulebook, data: st.DataObject) -> None:
    case = data.draw(cases(book))
    outcome = check_agreement(
        case.order, case.claim, at=case.at, rules=book, previous=case.previous, tracking=case.tracking
    )
    event(outcome)


# --- every branch, by hand -------------------------------------------------------------

RULES = aliprotect.rulebook("2025.1")
PARIS = "Europe/Paris"


def paris(year: int, month: int, day: int, hour: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(year, month, day, hour, tz=PARIS)


# Placed 1 March 2025, shipped 3 March 18:00: a dispute opens 9 March 00:00 and the window
# shuts 17 May 18:00 (60 days of protection, then 15 days).
ORDER = Order(
    id="A1",
    placed_at=paris(2025, 3, 1, 10),
    shipped_at=paris(2025, 3, 3, 18),
    protection_days=60,
    amount=Money("20.00", "EUR"),
)
NOT_RECEIVED = Claim(kind=ClaimKind.NOT_RECEIVED)
OPENED = paris(2025, 3, 20, 9)


def earlier(claim: Claim = NOT_RECEIVED) -> Dispute:
    return aliprotect.open_dispute(ORDER, claim, at=OPENED, rules=RULES)


def cancelled() -> Dispute:
    return aliprotect.buyer_cancels(earlier(), at=paris(2025, 3, 21), rules=RULES)


def offer_accepted() -> Dispute:
    offered = aliprotect.seller_offers(earlier(), at=paris(2025, 3, 21), refund=Money("5", "EUR"), rules=RULES)
    return aliprotect.buyer_accepts_offer(offered, at=paris(2025, 3, 21), rules=RULES)


def lost() -> Dispute:
    rejected = aliprotect.seller_rejects(earlier(), at=paris(2025, 3, 21), rules=RULES)
    return aliprotect.moderator_decides(rejected, at=paris(2025, 3, 27, 9), buyer_wins=False, rules=RULES)


def refunded(claim: Claim = NOT_RECEIVED) -> Dispute:
    accepted = aliprotect.seller_accepts(earlier(claim), at=paris(2025, 3, 21), rules=RULES)
    return aliprotect.platform_refunds(accepted, at=paris(2025, 3, 21), rules=RULES)


PARTLY = Claim(kind=ClaimKind.DAMAGED, resolution=Resolution.PARTIAL_REFUND, amount=Money("5.00", "EUR"))
LATER = paris(2025, 3, 28)

BRANCHES: dict[str, Callable[[], str]] = {
    "allowed": lambda: check_agreement(ORDER, NOT_RECEIVED, at=OPENED, rules=RULES),
    "allowed at the first instant": lambda: check_agreement(ORDER, NOT_RECEIVED, at=paris(2025, 3, 9), rules=RULES),
    "allowed after a partial refund": lambda: check_agreement(
        ORDER, Claim(kind=ClaimKind.DAMAGED), at=LATER, rules=RULES, previous=(refunded(PARTLY),)
    ),
    "too early": lambda: check_agreement(ORDER, NOT_RECEIVED, at=paris(2025, 3, 9) - TICK, rules=RULES),
    "not shipped": lambda: check_agreement(attrs.evolve(ORDER, shipped_at=None), NOT_RECEIVED, at=OPENED, rules=RULES),
    "too late": lambda: check_agreement(ORDER, NOT_RECEIVED, at=paris(2025, 5, 17, 18), rules=RULES),
    "not received after receipt": lambda: check_agreement(
        attrs.evolve(ORDER, received_at=paris(2025, 3, 15)), NOT_RECEIVED, at=OPENED, rules=RULES
    ),
    "earlier dispute still open": lambda: check_agreement(
        ORDER, NOT_RECEIVED, at=LATER, rules=RULES, previous=(earlier(),)
    ),
    "earlier cancelled by the buyer": lambda: check_agreement(
        ORDER, NOT_RECEIVED, at=LATER, rules=RULES, previous=(cancelled(),)
    ),
    "earlier offer accepted": lambda: check_agreement(
        ORDER, NOT_RECEIVED, at=LATER, rules=RULES, previous=(offer_accepted(),)
    ),
    "earlier lost": lambda: check_agreement(ORDER, NOT_RECEIVED, at=LATER, rules=RULES, previous=(lost(),)),
    "refunded in full": lambda: check_agreement(ORDER, NOT_RECEIVED, at=LATER, rules=RULES, previous=(refunded(),)),
    "not covered": lambda: check_agreement(
        ORDER,
        Claim(kind=ClaimKind.NOT_RECEIVED, circumstance=Circumstance.UNCLAIMED_AT_POST_OFFICE),
        at=OPENED,
        rules=RULES,
    ),
    "bad resolution": lambda: check_agreement(
        ORDER, Claim(kind=ClaimKind.NOT_RECEIVED, resolution=Resolution.REFUND_WITH_RETURN), at=OPENED, rules=RULES
    ),
    "too large a partial refund": lambda: check_agreement(
        ORDER, attrs.evolve(PARTLY, amount=Money("16.00", "EUR")), at=LATER, rules=RULES, previous=(refunded(PARTLY),)
    ),
    "an earlier dispute opened after the instant": lambda: check_agreement(
        ORDER, NOT_RECEIVED, at=paris(2025, 3, 19), rules=RULES, previous=(cancelled(),)
    ),
    "before the order was placed": lambda: check_agreement(ORDER, NOT_RECEIVED, at=paris(2025, 2, 1), rules=RULES),
}
EXPECTED = {
    "allowed": "allowed",
    "allowed at the first instant": "allowed",
    "allowed after a partial refund": "allowed",
    "too early": "too early",
    "not shipped": "not shipped",
    "too late": "too late",
    "not received after receipt": "not received after receipt",
    "earlier dispute still open": "earlier dispute still open",
    "earlier cancelled by the buyer": "earlier closed by the buyer",
    "earlier offer accepted": "earlier closed by the buyer",
    "earlier lost": "earlier lost",
    "refunded in full": "refunded in full",
    "not covered": "not covered",
    "bad resolution": "bad resolution",
    "too large a partial refund": "error: InvalidValueError",
    "an earlier dispute opened after the instant": "error: TimeOrderError",
    "before the order was placed": "error: TimeOrderError",
}


@pytest.mark.parametrize("branch", BRANCHES)
def test_both_agree_on_every_branch_of_rulebook_2025_1(branch: str) -> None:
    assert BRANCHES[branch]() == EXPECTED[branch]


def test_the_branches_by_hand_cover_every_outcome() -> None:
    required = {
        "allowed",
        "too early",
        "too late",
        "not received after receipt",
        "earlier dispute still open",
        "earlier closed by the buyer",
        "earlier lost",
        "refunded in full",
        "not covered",
        "bad resolution",
    }
    assert BRANCHES.keys() == EXPECTED.keys()
    assert required <= set(EXPECTED.values())


def test_the_check_catches_a_disagreement_and_any_other_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    def opens_anyway(order: Order, claim: Claim, *, at: dt.datetime, **_: object) -> Dispute:
        return Dispute(order=order, claim=claim, opened_at=at, rulebook=RULES.version, fingerprint=RULES.fingerprint)

    def crashes(*_: object, **__: object) -> Dispute:
        raise KeyError("a bug")

    monkeypatch.setattr(aliprotect, "open_dispute", opens_anyway)
    assert check_agreement(ORDER, NOT_RECEIVED, at=OPENED, rules=RULES) == "allowed"
    with pytest.raises(AssertionError, match="refused"):
        check_agreement(ORDER, NOT_RECEIVED, at=paris(2025, 3, 5), rules=RULES)
    monkeypatch.setattr(aliprotect, "open_dispute", crashes)
    with pytest.raises(KeyError):
        check_agreement(ORDER, NOT_RECEIVED, at=OPENED, rules=RULES)
