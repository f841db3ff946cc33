"""Properties of next_actions and upcoming: no advice for a closed window, every advice deadline
inside the window of the rule it cites, most urgent first; upcoming sorted, inside its horizon and
independent of the order in which orders are given."""

import datetime as dt

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aliprotect
from aliprotect import Action, Advice, Location, Order, Role, Tracking, TrackingEvent, _days
from aliprotect.strategies import disputes, instants, orders

RULES = aliprotect.rulebook("2025.1")
DAY = 86_400


@st.composite
def trackings(draw: st.DrawFn, order: Order) -> Tracking:
    assert order.shipped_at is not None
    provided = order.shipped_at.add(seconds=draw(st.integers(min_value=0, max_value=3 * DAY)))
    offsets = sorted(draw(st.lists(st.integers(min_value=-2 * DAY, max_value=80 * DAY), max_size=4)))
    events = [
        TrackingEvent(
            at=max(provided.add(seconds=offset), order.placed_at, key=_days.utc), where=draw(st.sampled_from(Location))
        )
        for offset in offsets
    ]
    events.sort(key=lambda event: _days.utc(event.at))
    return Tracking(number="LP00417245813281", provided_at=provided, events=events)


def known_at(order: Order, at: pendulum.DateTime) -> Order:
    def happened(instant: pendulum.DateTime | None) -> bool:
        return instant is not None and _days.utc(instant) <= _days.utc(at)

    shipped = order.shipped_at if happened(order.shipped_at) else None
    return attrs.evolve(
        order,
        shipped_at=shipped,
        received_at=order.received_at if shipped and happened(order.received_at) else None,
        delivered_at=order.delivered_at if shipped and happened(order.delivered_at) else None,
        extensions=tuple(e for e in order.extensions if shipped and happened(e.granted_at)),
    )


def later(order: Order, seconds: int) -> pendulum.DateTime:
    return order.placed_at.add(seconds=seconds)


def check(advice: tuple[Advice, ...], at: pendulum.DateTime) -> None:
    ranks = [a.urgency.rank for a in advice]
    assert ranks == sorted(ranks)
    for a in advice:
        assert a.rule_ids
        assert all(rule_id in RULES.rules for rule_id in a.rule_ids)
        assert (a.rulebook, a.fingerprint) == (RULES.version, RULES.fingerprint)
        if a.by is not None:
            assert _days.utc(a.by) > _days.utc(at), a  # never advice whose time has passed


@given(
    orders(),
    st.integers(min_value=0, max_value=130 * DAY),
    st.sampled_from(Role),
    st.data(),
)
def test_order_advice_never_points_at_a_closed_window(
    order: Order, seconds: int, role: Role, data: st.DataObject
) -> None:
    at = later(order, seconds)
    tracking = data.draw(st.none() | trackings(order)) if order.shipped_at is not None else None
    advice = aliprotect.next_actions(order, at=at, tracking=tracking, role=role, rules=RULES)
    check(advice, at)
    # what was known at `at`: a shipment, receipt or extension after it has not happened yet
    order = known_at(order, at)
    if order.shipped_at is None:
        return
    window = aliprotect.dispute_window(order, rules=RULES)
    end = aliprotect.protection_end(order, rules=RULES).at
    if not _days.utc(at) < _days.utc(window.closes):
        assert advice == ()
    for a in advice:
        if a.by is not None and a.action is not Action.WAIT:
            assert _days.utc(a.by) <= _days.utc(window.closes), a  # inside the dispute window (open.latest)
        if a.action is Action.OPEN_DISPUTE and a.by is not None:
            assert _days.utc(window.opens) <= _days.utc(a.by)
        if a.action is Action.ASK_EXTENSION:  # protection.extension: only while protection runs
            assert _days.utc(at) < _days.utc(end)
            assert a.by == end
        if a.action is Action.OPEN_DISPUTE and a.urgency is aliprotect.Urgency.NOW:
            assert _days.utc(window.opens) <= _days.utc(at)  # "now" only once a dispute can open
        if a.action is Action.WAIT and a.by is not None:
            assert _days.utc(a.by) <= _days.utc(window.closes)  # never wait past the last chance
    if role is Role.BUYER:
        assert Action.RESHIP not in [a.action for a in advice]


@given(disputes(rules=RULES), st.integers(min_value=0, max_value=20 * DAY), st.sampled_from(Role))
def test_dispute_advice_is_timely_and_cited(dispute: aliprotect.Dispute, seconds: int, role: Role) -> None:
    last = dispute.events[-1].at if dispute.events else dispute.opened_at
    at = last.add(seconds=seconds)
    advice = aliprotect.next_actions(dispute.order, at=at, dispute=dispute, role=role)
    check(advice, at)
    now = aliprotect.dispute_status(dispute, at=at)
    deadlines = {d.at for d in now.deadlines}
    for a in advice:
        if a.by is None:
            continue
        if a.action is Action.OPEN_DISPUTE:
            # after a partial refund, a new dispute can be opened until the window of the order as
            # known at `at` closes (an extension granted later has not happened yet)
            assert now.outcome is aliprotect.Outcome.REFUNDED
            assert a.rule_ids == ("dispute.closes_on_refund", "open.latest")
            assert a.by == aliprotect.dispute_window(known_at(dispute.order, at)).closes
        else:
            assert a.by in deadlines  # every other advice deadline is a deadline of the dispute's stage
    if role is Role.DROPSHIPPER and now.outcome is not aliprotect.Outcome.LOST:
        assert Action.REFUND_CUSTOMER in [a.action for a in advice]


@given(
    st.lists(orders(), max_size=6, unique_by=lambda order: order.id),
    st.integers(min_value=0, max_value=120 * DAY),
    st.integers(min_value=1, max_value=30 * DAY),
    st.randoms(use_true_random=False),
)
def test_upcoming_is_sorted_inside_its_horizon_and_independent_of_order(
    given_orders: list[Order], seconds: int, within: int, random: object
) -> None:
    at = pendulum.datetime(2016, 1, 1, tz="UTC").add(seconds=seconds)
    if given_orders:
        at = min((o.placed_at for o in given_orders), key=_days.utc).add(seconds=seconds)
    horizon = dt.timedelta(seconds=within)
    reminders = aliprotect.upcoming(given_orders, at=at, within=horizon, rules=RULES)
    keys = [(_days.utc(r.deadline.at), r.order_id, r.deadline.name) for r in reminders]
    assert keys == sorted(keys)
    for reminder in reminders:
        assert _days.utc(at) < _days.utc(reminder.deadline.at) <= _days.utc(at + horizon)
        order = next(o for o in given_orders if o.id == reminder.order_id)
        assert _days.utc(at) < _days.utc(aliprotect.dispute_window(order, rules=RULES).closes)
    shuffled = list(given_orders)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert aliprotect.upcoming(shuffled, at=at, within=horizon, rules=RULES) == reminders


@given(orders(), st.integers(min_value=0, max_value=120 * DAY))
def test_upcoming_reads_each_order_as_it_was_known_at_at_as_next_actions_does(order: Order, seconds: int) -> None:
    at = order.placed_at.add(seconds=seconds)
    horizon = dt.timedelta(days=400)
    found = aliprotect.upcoming([order], at=at, within=horizon, rules=RULES)
    assert found == aliprotect.upcoming([known_at(order, at)], at=at, within=horizon, rules=RULES)
    if order.shipped_at is None or _days.utc(at) < _days.utc(order.shipped_at):
        assert found == ()  # not shipped yet at `at`: no timer runs


def test_a_receipt_after_at_has_not_happened_yet_for_upcoming_as_for_next_actions() -> None:
    paris = "Europe/Paris"
    order = Order(
        id="F2",
        placed_at=pendulum.datetime(2025, 3, 1, 10, tz=paris),
        shipped_at=pendulum.datetime(2025, 3, 3, 18, tz=paris),
        received_at=pendulum.datetime(2025, 5, 1, 12, tz=paris),
        protection_days=45,
    )
    at = pendulum.datetime(2025, 4, 1, tz=paris)
    names = [r.deadline.name for r in aliprotect.upcoming([order], at=at, within=dt.timedelta(days=60), rules=RULES)]
    assert names == ["open_by_recommended", "protection_ends", "dispute_closes"]
    advice = aliprotect.next_actions(order, at=at, rules=RULES)
    assert any(a.action is Action.OPEN_DISPUTE for a in advice)


ERAS = [aliprotect.rulebook(v) for v in ("2021.2", "2010.1", "undated.4", "undated.5", "2025.2")]


@pytest.mark.parametrize("rules", ERAS, ids=lambda book: book.version)
@given(
    instants(),
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=0, max_value=45),
    st.integers(min_value=0, max_value=DAY - 1),
    st.lists(st.tuples(st.integers(min_value=0, max_value=45), st.sampled_from(Location)), max_size=3),
)
def test_advice_to_open_a_dispute_now_agrees_with_the_verdict_in_every_era(
    rules: aliprotect.Rulebook,
    shipped: pendulum.DateTime,
    promised: int,
    protection: int,
    days: int,
    seconds: int,
    moves: list[tuple[int, Location]],
) -> None:
    # day counts rather than seconds, so that protection, the promised time and the tracking overlap often
    events = [TrackingEvent(at=shipped.add(days=after), where=where) for after, where in sorted(moves, key=_first)]
    tracking = Tracking(number="LP00417245813281", provided_at=shipped, events=events)
    shown = [e.at for e in events if e.where is Location.DELIVERED]
    order = Order(
        id="E",
        placed_at=shipped,
        shipped_at=shipped,
        protection_days=protection,
        carrier="EMS",
        promised_days=promised,
        delivered_at=shown[0] if shown else None,  # the order records the delivery its tracking shows
    )
    at = shipped.add(days=days, seconds=seconds)
    for item in aliprotect.next_actions(order, at=at, tracking=tracking, rules=rules):
        if item.action is Action.OPEN_DISPUTE and item.urgency is aliprotect.Urgency.NOW:
            verdict = aliprotect.can_open_dispute(
                order, aliprotect.ClaimKind.NOT_RECEIVED, at=at, rules=rules, tracking=tracking
            )
            assert verdict, (item, verdict)
        if item.by is not None:
            assert _days.utc(item.by) > _days.utc(at)


def _first(move: tuple[int, Location]) -> int:
    return move[0]
