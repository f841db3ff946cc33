"""Edges of the rules that mutation testing (mutmut, ``[tool.mutmut]`` in pyproject.toml) found
unpinned: whole messages and reasons, the rule ids on refusals, the rulebook a function was
given, and comparisons at an instant in the hour a DST change repeats.

Each test names the rule or the boundary it pins. Unless a test says otherwise the order is
placed 1 March 2025 10:00 and shipped 3 March 18:00 in Paris, with 60 days of protection and
20.00 EUR paid, under rulebook 2025.1: the window opens 9 March 00:00, protection ends 2 May
18:00 (open-by 22 April 18:00) and the last chance ends 17 May 18:00.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
import pickle
import time
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest

import aliprotect
from aliprotect import (
    Action,
    Claim,
    ClaimKind,
    DisputeEvent,
    DisputeEventKind,
    Location,
    Money,
    Order,
    Tracking,
    TrackingEvent,
    Urgency,
    _days,
)
from aliprotect._dispute_machine import planned_deadlines
from aliprotect.errors import ActionRefusedError, InvalidValueError, NotShippedError, TimeOrderError

PARIS = "Europe/Paris"
RULES = aliprotect.rulebook("2025.1")


def paris(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=PARIS)


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


ORDER = Order(
    id="E1",
    placed_at=paris(2025, 3, 1, 10),
    shipped_at=paris(2025, 3, 3, 18),
    protection_days=60,
    amount=eur("20.00"),
)
UNSHIPPED = Order(id="U1", placed_at=paris(2025, 3, 1, 10), protection_days=60)


def advice_of(advice: tuple[aliprotect.Advice, ...]) -> list[tuple[str, str, str | None, tuple[str, ...], str]]:
    """Each piece of advice as (action, urgency, by, rule ids, text)."""
    return [
        (a.action.value, a.urgency.value, None if a.by is None else a.by.isoformat(), a.rule_ids, a.text)
        for a in advice
    ]


# --- the questions an order answers: bad input and the rulebook given --------------------------


@pytest.mark.parametrize(
    ("ask", "question"),
    [
        (lambda order: aliprotect.protection_end(order, rules=RULES), "protection end"),
        (lambda order: aliprotect.completion(order, rules=RULES), "protection end"),
        (lambda order: aliprotect.recommended_open_by(order, rules=RULES), "protection end"),
        (lambda order: aliprotect.dispute_window(order, rules=RULES), "dispute window"),
        (
            lambda order: aliprotect.grant_extension(order, days=5, at=paris(2025, 3, 2), rules=RULES),
            "protection to extend",
        ),
    ],
)
def test_an_unshipped_order_is_refused_with_the_question_it_cannot_answer(ask: object, question: str) -> None:
    # C6: the protection timer starts when the seller ships
    with pytest.raises(NotShippedError) as raised:
        ask(UNSHIPPED)  # type: ignore[operator]
    assert str(raised.value) == (
        f"order U1 has no shipped_at, so it has no {question}: the protection timer starts when the seller "
        "ships (C6); set shipped_at, or ask can_cancel()"
    )


@pytest.mark.parametrize(
    "ask",
    [
        lambda order: aliprotect.protection_end(order, rules=RULES),
        lambda order: aliprotect.completion(order, rules=RULES),
        lambda order: aliprotect.recommended_open_by(order, rules=RULES),
        lambda order: aliprotect.dispute_window(order, rules=RULES),
        lambda order: aliprotect.timeline(order, rules=RULES),
        lambda order: aliprotect.can_cancel(order, at=paris(2025, 3, 2), rules=RULES),
        lambda order: aliprotect.grant_extension(order, days=5, at=paris(2025, 3, 2), rules=RULES),
    ],
)
def test_what_is_not_an_order_is_refused_by_name(ask: object) -> None:
    with pytest.raises(InvalidValueError) as raised:
        ask("E1")  # type: ignore[operator]
    assert str(raised.value) == "order='E1' must be an aliprotect.Order"


def test_the_open_by_advice_comes_from_the_rulebook_given() -> None:
    # protection.settlement_buffer: 10 days in both 2020.1 and 2025.1, so only the rulebook named differs
    older = aliprotect.rulebook("2020.1")
    advised = aliprotect.recommended_open_by(ORDER, rules=older)
    assert advised.at == paris(2025, 4, 22, 18)
    assert (advised.rulebook, advised.fingerprint) == ("2020.1", older.fingerprint)
    done = aliprotect.completion(ORDER, rules=older)
    assert (done.rulebook, done.fingerprint) == ("2020.1", older.fingerprint)


# --- protection.extension ----------------------------------------------------------------------


def test_an_extension_before_shipping_is_refused_with_the_rule_of_c6() -> None:
    placed_early = Order(id="E1", placed_at=paris(2025, 2, 20), shipped_at=paris(2025, 3, 3, 18), protection_days=60)
    with pytest.raises(ActionRefusedError) as raised:
        aliprotect.grant_extension(placed_early, days=5, at=paris(2025, 3, 1), rules=RULES)
    assert str(raised.value) == (
        "at=2025-03-01T00:00:00+01:00 is before the order shipped (2025-03-03T18:00:00+01:00); "
        "protection starts when the seller ships (C6)"
    )


def test_an_extension_once_protection_ended_is_refused_with_its_rule() -> None:
    # protection.extension: only while protection is active; it ended 2 May 18:00
    with pytest.raises(ActionRefusedError) as raised:
        aliprotect.grant_extension(ORDER, days=5, at=paris(2025, 5, 2, 18), rules=RULES)
    assert raised.value.rule_ids == ("protection.extension",)
    assert str(raised.value) == (
        "protection of order E1 ended at 2025-05-02T18:00:00+02:00, so it cannot be extended at "
        "2025-05-02T18:00:00+02:00; an extension is granted only while protection is active "
        "(protection.extension). Check dispute_window() for the last chance to open a dispute"
    )


def test_an_extension_stops_at_the_earlier_instant_in_the_hour_a_dst_change_repeats() -> None:
    # protection.extension, C3: protection stops at the earlier of its end and receipt. On 26 October
    # 2025 Paris lives 02:00-03:00 twice. The timer ends at 02:30 on the second pass (01:30 UTC); the
    # buyer confirmed receipt at 02:45 on the first pass (00:45 UTC), which is earlier although its wall
    # clock reads later. At 01:00 UTC protection has therefore ended.
    shipped = paris(2025, 8, 27, 2, 30)
    received = pendulum.datetime(2025, 10, 26, 0, 45, tz="UTC").in_timezone(PARIS)
    order = Order(
        id="E1", placed_at=shipped.subtract(days=1), shipped_at=shipped, protection_days=60, received_at=received
    )
    end = aliprotect.protection_end(order, rules=RULES).at
    assert (end.fold, received.fold) == (1, 0)
    assert end.in_timezone("UTC") == pendulum.datetime(2025, 10, 26, 1, 30, tz="UTC")
    at = pendulum.datetime(2025, 10, 26, 1, tz="UTC").in_timezone(PARIS)
    with pytest.raises(ActionRefusedError, match=r"ended at 2025-10-26T02:45:00\+02:00") as raised:
        aliprotect.grant_extension(order, days=5, at=at, rules=RULES)
    assert raised.value.rule_ids == ("protection.extension",)


# --- earlier disputes of the order (dispute.*) --------------------------------------------------


def test_an_earlier_dispute_opened_at_the_very_instant_asked_is_still_open() -> None:
    # one dispute at a time: a dispute opened at `at` is open at `at` (not a dispute "after at")
    opened = paris(2025, 4, 1, 9)
    first = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=RULES)
    verdict = aliprotect.can_open_dispute(ORDER, ClaimKind.DAMAGED, at=opened, rules=RULES, previous=[first])
    assert not verdict
    assert verdict.rule_ids == ("dispute.seller_reply",)
    assert verdict.reason == (
        "order E1 already has an open dispute, opened at 2025-04-01T09:00:00+02:00 (awaiting_seller); "
        "one dispute at a time: follow that one"
    )
    with pytest.raises(TimeOrderError, match=r"after at=2025-04-01T08:59:59\+02:00"):
        aliprotect.can_open_dispute(
            ORDER, ClaimKind.DAMAGED, at=opened.subtract(seconds=1), rules=RULES, previous=[first]
        )


def test_an_earlier_dispute_closed_by_the_buyer_is_named_in_the_reason() -> None:
    # dispute.accept_offer_closes: a dispute closed by the buyer cannot be reopened
    opened = paris(2025, 4, 1, 9)
    first = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=RULES)
    cancelled = aliprotect.buyer_cancels(first, at=paris(2025, 4, 2, 9), rules=RULES)
    verdict = aliprotect.can_open_dispute(
        ORDER, ClaimKind.DAMAGED, at=paris(2025, 4, 3), rules=RULES, previous=[cancelled]
    )
    assert verdict.rule_ids == ("dispute.accept_offer_closes",)
    assert verdict.reason == (
        "the dispute opened at 2025-04-01T09:00:00+02:00 was closed by the buyer (cancelled_by_buyer), "
        "and a dispute closed by the buyer cannot be reopened"
    )


# --- negotiating (dispute.escalation) ----------------------------------------------------------


PROMISED = Order(
    id="E1",
    placed_at=paris(2025, 3, 1, 10),
    shipped_at=paris(2025, 3, 3, 18),
    protection_days=60,
    amount=eur("20.00"),
    promised_days=30,
    carrier="China Post",
)


def rejected(version: str, opened: pendulum.DateTime, *, rude: bool = False) -> aliprotect.Dispute:
    rules = aliprotect.rulebook(version)
    dispute = aliprotect.open_dispute(PROMISED, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=rules)
    return aliprotect.seller_rejects(dispute, at=opened.add(days=1), rude=rude, rules=rules)


def test_before_the_claim_phase_the_advice_is_to_wait_for_it() -> None:
    # undated.1, dispute.escalation: a claim from day 4 after opening (14 April 00:00), a moderator from day 16
    dispute = rejected("undated.1", paris(2025, 4, 10, 9))
    advice = aliprotect.next_actions(PROMISED, at=paris(2025, 4, 11, 10), dispute=dispute)
    assert advice_of(advice) == [
        (
            "wait",
            "info",
            "2025-04-14T00:00:00+02:00",
            ("dispute.escalation",),
            "no agreement yet: you can escalate to AliExpress from 2025-04-14T00:00:00+02:00",
        )
    ]


def test_after_the_claim_phase_the_advice_says_the_rules_are_silent() -> None:
    # undated.2, dispute.escalation: the claim phase ends at the start of day 15 after opening (26 April)
    dispute = rejected("undated.2", paris(2025, 4, 10, 9))
    inside = aliprotect.next_actions(PROMISED, at=paris(2025, 4, 14, 10), dispute=dispute)
    assert advice_of(inside) == [
        (
            "escalate",
            "by_deadline",
            "2025-04-26T00:00:00+02:00",
            ("dispute.escalation",),
            "no agreement yet: escalate by 2025-04-26T00:00:00+02:00, when the claim phase ends",
        )
    ]
    after = aliprotect.next_actions(PROMISED, at=paris(2025, 4, 26), dispute=dispute)
    assert advice_of(after) == [
        (
            "wait",
            "info",
            None,
            ("dispute.escalation",),
            "the claim phase ended at 2025-04-26T00:00:00+02:00; the rules do not say what happens next",
        )
    ]


def test_escalation_waits_while_the_parcel_is_in_transit_inside_the_promised_time() -> None:
    # undated.2, dispute.escalation with in_transit_waits: the promised 30 days end 2 April 18:00
    dispute = rejected("undated.2", paris(2025, 3, 10, 9))
    on_its_way = Tracking(
        number="LP00417245813281",
        provided_at=paris(2025, 3, 4, 9),
        events=[TrackingEvent(at=paris(2025, 3, 15, 8), where=Location.IN_TRANSIT)],
    )
    advice = aliprotect.next_actions(PROMISED, at=paris(2025, 3, 20, 10), dispute=dispute, tracking=on_its_way)
    assert advice_of(advice) == [
        (
            "wait",
            "info",
            "2025-04-02T18:00:00+02:00",
            ("dispute.escalation",),
            "the parcel is in transit inside the seller's promised delivery time: you can escalate from "
            "2025-04-02T18:00:00+02:00",
        )
    ]


@pytest.mark.parametrize(
    ("rude", "expected"),
    [
        (True, ("escalate", "now", "the seller's reply was rude: escalate to AliExpress now")),
        (
            False,
            (
                "escalate",
                "by_deadline",
                "no agreement yet: escalate, or a moderator steps in at 2025-04-08T09:00:00+02:00",
            ),
        ),
    ],
)
def test_a_rude_reply_is_escalated_now_and_a_polite_one_by_the_moderator_time(
    rude: bool, expected: tuple[str, str, str]
) -> None:
    # dispute.escalation (2025.1): a moderator steps in 7 days after opening, 8 April 09:00
    dispute = rejected("2025.1", paris(2025, 4, 1, 9), rude=rude)
    advice = aliprotect.next_actions(PROMISED, at=paris(2025, 4, 3), dispute=dispute)
    assert [(a.action.value, a.urgency.value, a.text) for a in advice] == [expected]
    assert advice[0].rule_ids == ("dispute.escalation",)
    assert advice[0].by == paris(2025, 4, 8, 9)


# --- after a refund (dispute.closes_on_refund) --------------------------------------------------


def test_a_partial_refund_points_at_the_window_of_the_disputes_own_rulebook() -> None:
    # 2021.1, open.latest: 15 days after the promised 30 days end (2 April 18:00), so 17 April 18:00,
    # where 2025.1 would say 17 May 18:00
    rules = aliprotect.rulebook("2021.1")
    opened = aliprotect.open_dispute(PROMISED, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 3, 9), rules=rules)
    refunded = aliprotect.platform_refunds(opened, at=paris(2025, 4, 8, 10), refund=eur("5.00"))
    advice = aliprotect.next_actions(PROMISED, at=paris(2025, 4, 9, 10), dispute=refunded)
    assert advice_of(advice)[0] == (
        "open_dispute",
        "by_deadline",
        "2025-04-17T18:00:00+02:00",
        ("dispute.closes_on_refund", "open.latest"),
        "the refund left 15.00 EUR of the order unrefunded: if something else is wrong, a new dispute can be "
        "opened until 2025-04-17T18:00:00+02:00",
    )


def test_a_refund_on_an_order_of_unknown_amount_leaves_nothing_known_to_claim() -> None:
    # dispute.closes_on_refund: what is left is unknown without the order amount, so no new dispute is advised
    order = Order(id="E2", placed_at=paris(2025, 3, 1, 10), shipped_at=paris(2025, 3, 3, 18), protection_days=60)
    opened = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    refunded = aliprotect.platform_refunds(opened, at=paris(2025, 4, 6, 10), refund=eur("5.00"))
    advice = aliprotect.next_actions(order, at=paris(2025, 4, 7, 10), dispute=refunded)
    assert [(a.action, a.urgency, a.by) for a in advice] == [(Action.WAIT, Urgency.INFO, paris(2025, 4, 13, 10))]


# --- the advice from the tracking (tracking.*) ---------------------------------------------------


def tracking(*events: tuple[pendulum.DateTime, Location]) -> Tracking:
    return Tracking(
        number="LP00417245813281",
        provided_at=paris(2025, 3, 4, 9),
        events=[TrackingEvent(at=at, where=where) for at, where in events],
    )


def advice_citing(rule_id: str, at: pendulum.DateTime, **kwargs: object) -> list[tuple[object, ...]]:
    advice = aliprotect.next_actions(ORDER, at=at, rules=RULES, **kwargs)  # type: ignore[arg-type]
    return [row for row in advice_of(advice) if rule_id in row[3]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (
            Location.ORIGIN_COUNTRY,
            [
                (
                    "contact_seller",
                    "now",
                    "2025-05-02T18:00:00+02:00",
                    ("tracking.stalled",),
                    "not moving since 2025-03-20T10:00:00+01:00, still in the seller's country: ask the seller why",
                ),
                (
                    "ask_extension",
                    "now",
                    "2025-05-02T18:00:00+02:00",
                    ("tracking.stalled", "protection.extension"),
                    "ask the seller to extend protection, giving the hold-up as the reason, before "
                    "2025-05-02T18:00:00+02:00",
                ),
            ],
        ),
        (
            Location.DESTINATION_CUSTOMS,
            [
                (
                    "ask_extension",
                    "now",
                    "2025-05-02T18:00:00+02:00",
                    ("tracking.stalled", "protection.extension"),
                    "not moving since 2025-03-20T10:00:00+01:00 at customs: it usually arrives, but late; extend "
                    "protection before 2025-05-02T18:00:00+02:00",
                )
            ],
        ),
        (
            Location.LOCAL_POST_OFFICE,
            [
                (
                    "pick_up",
                    "now",
                    "2025-05-17T18:00:00+02:00",
                    ("tracking.stalled", "claim.not_covered"),
                    "not moving since 2025-03-20T10:00:00+01:00 at the local post office: pick it up now; an "
                    "unclaimed parcel is sent back and not refunded",
                )
            ],
        ),
    ],
)
def test_a_stalled_parcel_is_advised_on_by_where_it_is(where: Location, expected: list[tuple[object, ...]]) -> None:
    # tracking.stalled: 2 days in one place (from 20 March 10:00); by the end of protection while it runs,
    # by the last chance at the post office
    assert advice_citing(
        "tracking.stalled", paris(2025, 3, 22, 10), tracking=tracking((paris(2025, 3, 20, 10), where))
    ) == (expected)


def test_no_tracking_information_near_the_end_of_protection_is_a_dispute_by_the_last_chance() -> None:
    # tracking.stalled with protection.settlement_buffer: past the open-by (22 April 18:00)
    stalled = tracking((paris(2025, 4, 15), Location.NO_INFORMATION))
    assert advice_citing("tracking.stalled", paris(2025, 4, 23), tracking=stalled) == [
        (
            "open_dispute",
            "now",
            "2025-05-17T18:00:00+02:00",
            ("tracking.stalled", "protection.settlement_buffer"),
            "no tracking information since 2025-04-15T00:00:00+02:00 and protection ends soon: open a dispute",
        )
    ]


def test_inactive_tracking_asks_the_seller_then_opens_a_dispute() -> None:
    # tracking.inactive: 5 business days after Friday 7 March 12:00 is Friday 14 March 12:00; 2 days later
    quiet = tracking((paris(2025, 3, 7, 12), Location.IN_TRANSIT))
    assert advice_citing("tracking.inactive", paris(2025, 3, 14, 12), tracking=quiet) == [
        (
            "contact_seller",
            "now",
            "2025-03-16T12:00:00+01:00",
            ("tracking.inactive",),
            "no tracking news since 2025-03-07T12:00:00+01:00: ask the seller for an update; if the tracking is "
            "not active again by 2025-03-16T12:00:00+01:00, open a dispute",
        )
    ]
    assert advice_citing("tracking.inactive", paris(2025, 3, 16, 12), tracking=quiet) == [
        (
            "open_dispute",
            "now",
            "2025-05-17T18:00:00+02:00",
            ("tracking.inactive",),
            "the tracking has not moved since 2025-03-07T12:00:00+01:00, also after asking the seller: open a dispute",
        )
    ]


AUCKLAND = "Pacific/Auckland"


@pytest.mark.parametrize("zone", [pendulum.timezone(AUCKLAND), ZoneInfo(AUCKLAND)], ids=["pendulum", "zoneinfo"])
def test_inactive_tracking_counts_business_days_in_the_buyers_zone_far_from_utc(zone: dt.tzinfo) -> None:
    # tracking.inactive, C5: the last news, Friday 7 March 20:00 UTC, is Saturday 09:00 for a buyer in
    # Auckland, so the 5 business days run Monday to Friday 14 March 09:00 there (counted in UTC, they
    # would end a day later). The buyer's zone is the zone placed_at was given in, of either kind.
    order = Order(
        id="E3",
        placed_at=pendulum.DateTime(2025, 3, 1, 10, tzinfo=zone),
        shipped_at=pendulum.datetime(2025, 3, 3, 18, tz=AUCKLAND),
        protection_days=60,
    )
    quiet = Tracking(
        number="LP00417245813281",
        provided_at=pendulum.datetime(2025, 3, 4, 9, tz=AUCKLAND),
        events=[TrackingEvent(at=pendulum.datetime(2025, 3, 7, 20, tz="UTC"), where=Location.IN_TRANSIT)],
    )
    at = pendulum.datetime(2025, 3, 14, 12, tz=AUCKLAND)
    advice = aliprotect.next_actions(order, at=at, tracking=quiet, rules=RULES)
    asked = [a for a in advice if a.rule_ids == ("tracking.inactive",)]
    assert [(a.action, a.by) for a in asked] == [
        (Action.CONTACT_SELLER, pendulum.datetime(2025, 3, 16, 9, tz=AUCKLAND))
    ]


def custom_rulebook(version: str, *replacements: tuple[str, str], base: str = "2025.1") -> aliprotect.Rulebook:
    """Rulebook ``base`` renamed ``version``, with each (old, new) text replaced."""
    text = (importlib.resources.files("aliprotect") / "rulebooks" / f"{base}.toml").read_text(encoding="utf-8")
    text = text.replace(f'version = "{base}"', f'version = "{version}"')
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return aliprotect.Rulebook.from_toml(text)


def on_calendar(zone: str, rule_ids: list[str], citations: list[str]) -> tuple[str, str]:
    """The replacement that counts the days of ``rule_ids`` on ``zone``'s calendar (``days_counted_in``)."""
    return (
        'in_force_certainty = "seen"',
        f'in_force_certainty = "seen"\ndays_counted_in = "{zone}"\n'
        f"days_counted_in_rules = {json.dumps(rule_ids)}\ndays_counted_in_citations = {json.dumps(citations)}",
    )


# Rulebook 2025.1 with the tracking advice counted on China's calendar (days_counted_in), which has no
# daylight saving: across Paris's change on 30 March 2025 its days are 24 hours, Paris's wall clock moves.
SHANGHAI_TRACKING = custom_rulebook(
    "2025.1-tracking-in-shanghai",
    on_calendar(
        "Asia/Shanghai", ["tracking.stalled", "tracking.inactive", "tracking.not_available"], ["seed 002:78-82"]
    ),
)


def test_stalled_tracking_counts_its_days_on_the_rulebooks_calendar() -> None:
    # tracking.stalled, days_counted_in: 2 days of 24 hours after 28 March 10:00 (CET) is 30 March 11:00
    # (CEST), where Paris's calendar would say 10:00
    stalled = tracking((paris(2025, 3, 28, 10), Location.ORIGIN_COUNTRY))

    def stalled_advice(at: pendulum.DateTime) -> list[Action]:
        advice = aliprotect.next_actions(ORDER, at=at, tracking=stalled, rules=SHANGHAI_TRACKING)
        return [a.action for a in advice if "tracking.stalled" in a.rule_ids]

    assert stalled_advice(paris(2025, 3, 30, 10, 30)) == []
    assert stalled_advice(paris(2025, 3, 30, 11)) == [Action.CONTACT_SELLER, Action.ASK_EXTENSION]


@pytest.mark.parametrize(
    ("since", "at", "dispute_from"),
    [
        # Friday 21 March 20:00 in Paris is already Saturday in Shanghai: 5 business days there end on
        # Friday 28 March 03:00 (Thursday 20:00 in Paris); 2 days later is 29 March 20:00
        (paris(2025, 3, 21, 20), paris(2025, 3, 27, 20), paris(2025, 3, 29, 20)),
        # Friday 21 March 10:00: Friday 28 March 10:00 (CET); 2 days of 24 hours later, across the change
        # to summer time, is 30 March 11:00 (CEST)
        (paris(2025, 3, 21, 10), paris(2025, 3, 28, 10), paris(2025, 3, 30, 11)),
    ],
)
def test_inactive_tracking_counts_its_days_on_the_rulebooks_calendar(
    since: pendulum.DateTime, at: pendulum.DateTime, dispute_from: pendulum.DateTime
) -> None:
    # tracking.inactive, days_counted_in: the business days and the 2 days after are China's
    quiet = tracking((since, Location.IN_TRANSIT))
    advice = aliprotect.next_actions(ORDER, at=at, tracking=quiet, rules=SHANGHAI_TRACKING)
    assert [(a.action, a.by) for a in advice if "tracking.inactive" in a.rule_ids] == [
        (Action.CONTACT_SELLER, dispute_from)
    ]
    before = aliprotect.next_actions(ORDER, at=at.subtract(seconds=1), tracking=quiet, rules=SHANGHAI_TRACKING)
    assert not [a for a in before if "tracking.inactive" in a.rule_ids]


def test_a_tracking_event_at_the_very_instant_asked_is_known() -> None:
    # events up to and including `at` are known (an instant has happened by itself)
    moved = paris(2025, 3, 20, 10)
    shown = tracking((paris(2025, 3, 10), Location.ORIGIN_COUNTRY), (moved, Location.DELIVERED))
    assert [event.where for event in shown.known_at(moved)] == [Location.ORIGIN_COUNTRY, Location.DELIVERED]
    assert [event.where for event in shown.known_at(moved.subtract(microseconds=1))] == [Location.ORIGIN_COUNTRY]
    assert not shown.on_its_way(moved)


# --- the advice during a dispute ---------------------------------------------------------------


def test_a_dropshipper_waiting_for_the_seller_is_told_everything_in_full() -> None:
    # dispute.seller_reply (5 days: 6 April 09:00), claim.not_received's evidence, dropship.refund_customer
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 4, 2), dispute=opened, role=aliprotect.Role.DROPSHIPPER)
    assert advice_of(advice) == [
        (
            "attach_evidence",
            "now",
            "2025-04-06T09:00:00+02:00",
            ("claim.not_received",),
            "add the evidence a not_received claim should carry: tracking screenshot, seller messages, statement, "
            "carrier statement",
        ),
        (
            "refund_customer",
            "now",
            None,
            ("dropship.refund_customer",),
            "refund your customer now, without waiting for the seller's money, to avoid a chargeback and its fee",
        ),
        (
            "wait",
            "info",
            "2025-04-06T09:00:00+02:00",
            ("dispute.seller_reply", "dispute.seller_silent"),
            "the seller has until 2025-04-06T09:00:00+02:00 to reply; if the seller stays silent, you win",
        ),
    ]


def test_an_offer_is_answered_by_the_moderator_time() -> None:
    # dispute.accept_offer_closes; dispute.escalation: a moderator 7 days after opening, 8 April 09:00
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    rejected = aliprotect.seller_rejects(opened, at=paris(2025, 4, 2), rules=RULES)
    offered = aliprotect.seller_offers(rejected, at=paris(2025, 4, 3), refund=eur("5"), rules=RULES)
    assert advice_of(aliprotect.next_actions(ORDER, at=paris(2025, 4, 3), dispute=offered)) == [
        (
            "answer_offer",
            "now",
            "2025-04-08T09:00:00+02:00",
            ("dispute.accept_offer_closes",),
            "answer the seller's offer of 5 EUR: accepting it closes the dispute for good",
        ),
        (
            "escalate",
            "by_deadline",
            "2025-04-08T09:00:00+02:00",
            ("dispute.escalation",),
            "no agreement yet: escalate, or a moderator steps in at 2025-04-08T09:00:00+02:00",
        ),
    ]


def test_a_dispute_status_names_its_deadlines_and_refuses_other_names() -> None:
    assert aliprotect.DisputeStatus.seller_reply_by.__doc__ == (
        "The seller's reply deadline (``dispute.seller_reply``), passed or not."
    )
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    status = aliprotect.dispute_status(opened, at=paris(2025, 4, 2))
    assert status.seller_reply_by == status.deadline("seller_reply_by")
    with pytest.raises(InvalidValueError) as raised:
        status.deadline("reply_by")
    assert str(raised.value) == (
        "name='reply_by' is not a dispute deadline; one of seller_reply_by, claim_from, claim_until, "
        "moderator_from, return_by, refund_arrives_by"
    )


# --- protection.period and protection.extension on China's calendar (rulebook observed.1) --------


OBSERVED = aliprotect.rulebook("observed.2")


def test_each_extension_adds_its_days_to_the_timer_on_the_rulebooks_calendar() -> None:
    # observed.1 counts the timer in whole 24-hour days (Asia/Shanghai): shipped 4 March 01:00 there;
    # the second extension, 29 April, is inside 60 + 5 days (8 May 01:00 there) but not inside 60 - 5
    order = attrs.evolve(
        ORDER,
        extensions=(
            aliprotect.Extension(granted_at=paris(2025, 3, 13), days=5),
            aliprotect.Extension(granted_at=paris(2025, 4, 29, 12), days=5),
        ),
    )
    # 60 + 5 + 5 days after 4 March 01:00 in Shanghai is 13 May 01:00 there, 12 May 19:00 in Paris
    assert aliprotect.protection_end(order, rules=OBSERVED).at == paris(2025, 5, 12, 19)


def test_an_extension_at_the_very_end_counted_on_the_rulebooks_calendar_is_refused() -> None:
    # observed.1, protection.extension, C3: shipped 3 September 2025 10:00 in Los Angeles; 60 days of 24
    # hours end 2 November 09:00 (PST), an hour before Los Angeles's own calendar ends them (10:00)
    la = "America/Los_Angeles"
    shipped = pendulum.datetime(2025, 9, 3, 10, tz=la)
    end = pendulum.datetime(2025, 11, 2, 9, tz=la)

    def extended_at(granted: pendulum.DateTime) -> Order:
        return Order(
            id="E4",
            placed_at=shipped.subtract(days=1),
            shipped_at=shipped,
            protection_days=60,
            extensions=(aliprotect.Extension(granted_at=granted, days=5),),
        )

    with pytest.raises(TimeOrderError) as raised:
        aliprotect.protection_end(extended_at(end), rules=OBSERVED)
    assert str(raised.value) == (
        "extension granted_at 2025-11-02T09:00:00-08:00 is not before protection ended at "
        "2025-11-02T09:00:00-08:00, counted on the calendar of Asia/Shanghai as rulebook observed.2 counts it; "
        "an extension can only be granted while protection is active (protection.extension)"
    )
    # a second earlier it is granted: 5 more days of 24 hours
    assert aliprotect.protection_end(extended_at(end.subtract(seconds=1)), rules=OBSERVED).at == end.add(days=5)


def test_a_tracking_number_that_shows_nothing_is_waited_for_on_the_rulebooks_calendar() -> None:
    # tracking.not_available, days_counted_in: 10 days of 24 hours after 25 March 09:00 (CET) is 4 April
    # 10:00 (CEST), where Paris's calendar would say 09:00
    quiet = Tracking(number="LP00417245813281", provided_at=paris(2025, 3, 25, 9))
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 3, 26), tracking=quiet, rules=SHANGHAI_TRACKING)
    assert [(a.action, a.by) for a in advice if a.rule_ids == ("tracking.not_available",)] == [
        (Action.WAIT, paris(2025, 4, 4, 10))
    ]


def test_a_tracking_number_is_not_waited_for_up_to_the_last_chance() -> None:
    # tracking.not_available: its 10 quiet days end exactly as the last chance ends (17 May 18:00, C3),
    # so there is no time to wait: ask the seller now
    quiet = Tracking(number="LP1", provided_at=paris(2025, 5, 7, 18))
    assert advice_citing("tracking.not_available", paris(2025, 5, 8), tracking=quiet) == [
        (
            "contact_seller",
            "now",
            None,
            ("tracking.not_available",),
            "tracking number LP1 still shows nothing: the parcel was probably not sent; ask the seller, and open a "
            "dispute if the answer is missing or unclear",
        )
    ]
    earlier = Tracking(number="LP1", provided_at=paris(2025, 5, 7, 17, 59))
    assert [row[:3] for row in advice_citing("tracking.not_available", paris(2025, 5, 8), tracking=earlier)] == [
        ("wait", "info", "2025-05-17T17:59:00+02:00")
    ]


def test_a_parcel_going_back_to_the_seller_is_a_dispute_by_the_last_chance() -> None:
    # claim.not_received: returned to sender
    back = tracking((paris(2025, 3, 20), Location.RETURNED_TO_SENDER))
    assert advice_citing("claim.not_received", paris(2025, 3, 21), tracking=back)[0] == (
        "open_dispute",
        "now",
        "2025-05-17T18:00:00+02:00",
        ("claim.not_received",),
        "the parcel is going back to the seller: open a 'not received' dispute for a full refund",
    )


def test_the_advice_at_each_later_stage_of_a_dispute_in_full() -> None:
    # dispute.escalation, the refund due, refund.arrival (7 days after the refund: 14 April 10:00)
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    rejected = aliprotect.seller_rejects(opened, at=paris(2025, 4, 2), rules=RULES)
    escalated = aliprotect.buyer_escalates(rejected, at=paris(2025, 4, 3), rules=RULES)
    assert advice_of(aliprotect.next_actions(ORDER, at=paris(2025, 4, 4), dispute=escalated)) == [
        ("wait", "info", None, ("dispute.escalation",), "a moderator decides the dispute")
    ]
    won = aliprotect.moderator_decides(escalated, at=paris(2025, 4, 5), buyer_wins=True, rules=RULES)
    assert advice_of(aliprotect.next_actions(ORDER, at=paris(2025, 4, 6), dispute=won)) == [
        ("wait", "info", None, ("dispute.escalation",), "the refund is due: it comes through the dispute")
    ]
    paid = aliprotect.platform_refunds(won, at=paris(2025, 4, 7, 10), rules=RULES)
    assert advice_of(aliprotect.next_actions(ORDER, at=paris(2025, 4, 8), dispute=paid)) == [
        (
            "wait",
            "info",
            "2025-04-14T10:00:00+02:00",
            ("refund.arrival",),
            "the refund reaches the card by 2025-04-14T10:00:00+02:00",
        )
    ]


def test_a_return_is_advised_with_its_deadline_in_full() -> None:
    # return.window: 10 days after the seller accepted, 12 April 12:00
    claim = Claim(
        kind=ClaimKind.WRONG_ITEM,
        resolution=aliprotect.Resolution.REFUND_WITH_RETURN,
        evidence=[aliprotect.Evidence.PHOTOS],
    )
    opened = aliprotect.open_dispute(ORDER, claim, at=paris(2025, 4, 1, 9), rules=RULES)
    accepted = aliprotect.seller_accepts(opened, at=paris(2025, 4, 2, 12), rules=RULES)
    assert advice_of(aliprotect.next_actions(ORDER, at=paris(2025, 4, 3), dispute=accepted)) == [
        (
            "ship_return",
            "by_deadline",
            "2025-04-12T12:00:00+02:00",
            ("return.window",),
            "send the item back with a tracking number before 2025-04-12T12:00:00+02:00 for the full refund",
        )
    ]


# --- the transitions read the dispute with its own rulebook --------------------------------------


@pytest.mark.parametrize(
    "transition",
    [
        lambda d, rules: aliprotect.seller_accepts(d, at=paris(2025, 4, 2), rules=rules),
        lambda d, rules: aliprotect.seller_rejects(d, at=paris(2025, 4, 2), rules=rules),
        lambda d, rules: aliprotect.seller_offers(d, at=paris(2025, 4, 2), refund=eur("5"), rules=rules),
        lambda d, rules: aliprotect.buyer_cancels(d, at=paris(2025, 4, 2), rules=rules),
        lambda d, rules: aliprotect.buyer_escalates(d, at=paris(2025, 4, 2), rules=rules),
        lambda d, rules: aliprotect.moderator_decides(d, at=paris(2025, 4, 2), buyer_wins=True, rules=rules),
        lambda d, rules: aliprotect.platform_refunds(d, at=paris(2025, 4, 2), rules=rules),
        lambda d, rules: aliprotect.buyer_ships_return(d, at=paris(2025, 4, 2), tracking_number="RR1", rules=rules),
        lambda d, rules: aliprotect.dispute_status(d, at=paris(2025, 4, 2), rules=rules),
    ],
)
def test_a_transition_refuses_a_rulebook_other_than_the_disputes_own(transition: object) -> None:
    # a dispute runs on the rulebook it was opened under (2025.1 here); another one is never mixed in
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    other = aliprotect.rulebook("2020.1")
    with pytest.raises(InvalidValueError) as raised:
        transition(opened, other)  # type: ignore[operator]
    assert str(raised.value) == (
        f"rules='2020.1' ({other.fingerprint}): the dispute of order E1 was opened under rulebook 2025.1 "
        f"({RULES.fingerprint}); pass that very rulebook (leave rules out for a published one)"
    )


def test_a_dispute_opened_under_a_custom_rulebook_runs_on_it() -> None:
    # the transitions and the plan of a dispute use the rulebook given when it is the dispute's own,
    # even one that is not published (here 2025.1 with 3 days for the seller's reply)
    custom = custom_rulebook(
        "2025.1-three-days",
        ('quantities.reply = { value = 5, unit = "days" }', 'quantities.reply = { value = 3, unit = "days" }'),
    )
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=custom)
    # the plan, fixed when it opened: the seller's reply 3 days after opening, a moderator after 7
    assert [(d.name, d.at) for d in planned_deadlines(opened, custom)] == [
        ("seller_reply_by", paris(2025, 4, 4, 9)),
        ("moderator_from", paris(2025, 4, 8, 9)),
    ]
    offered = aliprotect.seller_offers(opened, at=paris(2025, 4, 2), refund=eur("5"), rules=custom)
    cancelled = aliprotect.buyer_cancels(offered, at=paris(2025, 4, 3), rules=custom)
    assert (
        aliprotect.dispute_status(cancelled, at=paris(2025, 4, 3), rules=custom).outcome
        is aliprotect.Outcome.CANCELLED_BY_BUYER
    )
    rejected = aliprotect.seller_rejects(opened, at=paris(2025, 4, 2), rules=custom)
    decided = aliprotect.moderator_decides(
        aliprotect.buyer_escalates(rejected, at=paris(2025, 4, 3), rules=custom),
        at=paris(2025, 4, 4),
        buyer_wins=False,
        rules=custom,
    )
    assert aliprotect.dispute_status(decided, at=paris(2025, 4, 4), rules=custom).outcome is aliprotect.Outcome.LOST


# --- claims ------------------------------------------------------------------------------------


def test_a_partial_refund_of_nothing_is_refused() -> None:
    # a partial refund asks for an amount greater than 0
    with pytest.raises(InvalidValueError) as raised:
        Claim(kind=ClaimKind.DAMAGED, resolution=aliprotect.Resolution.PARTIAL_REFUND, amount=eur("0"))
    assert str(raised.value) == (
        "amount=Money(amount=Decimal('0'), currency='EUR'): a partial refund needs the amount asked, greater "
        "than 0, e.g. amount=Money('4.00', 'USD')"
    )
    assert Claim(kind=ClaimKind.DAMAGED, resolution=aliprotect.Resolution.PARTIAL_REFUND, amount=eur("0.01"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"evidence": "photos"}, "evidence='photos' must be a sequence of Evidence values, e.g. (Evidence.PHOTOS,)"),
        (
            {"circumstance": "unclaimed"},
            "circumstance='unclaimed' must be a Circumstance value, e.g. Circumstance.UNCLAIMED_AT_POST_OFFICE, "
            "or None",
        ),
    ],
)
def test_a_claim_field_of_the_wrong_kind_is_refused_with_an_example(fields: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        Claim(kind=ClaimKind.DAMAGED, **fields)  # type: ignore[arg-type]
    assert str(raised.value) == message


# --- the promised delivery time (rulebook 2021.1) ------------------------------------------------


def test_a_rule_that_needs_the_promised_delivery_time_says_so() -> None:
    # 2021.1, open.latest counts from the end of the promised delivery time
    with pytest.raises(aliprotect.errors.MissingFactError) as raised:
        aliprotect.dispute_window(ORDER, rules=aliprotect.rulebook("2021.1"))
    assert str(raised.value) == (
        "order E1 has no promised_days; under rulebook 2021.1, open.latest depends on the seller's promised "
        "delivery time: set promised_days"
    )


def test_the_promised_delivery_time_is_counted_on_the_rulebooks_calendar() -> None:
    # 2021.1 with open.latest counted on China's calendar: the promised 30 days after 3 March 18:00 (CET)
    # are 30 days of 24 hours, ending 2 April 19:00 (CEST); the last chance is 15 such days later
    custom = custom_rulebook(
        "2021.1-shanghai",
        on_calendar("Asia/Shanghai", ["open.latest"], ["seed 002:26"]),
        base="2021.1",
    )
    assert aliprotect.dispute_window(PROMISED, rules=custom).closes == paris(2025, 4, 17, 19)


# --- escalating when the rulebook has both a claim phase and a moderator time --------------------


def test_escalation_is_advised_by_the_earlier_of_the_claim_phases_end_and_the_moderator_time() -> None:
    # dispute.escalation with claim_until (day 5 after opening, so until 7 April 00:00) and a moderator
    # 7 days after opening (8 April 09:00): the advice names the earlier one
    custom = custom_rulebook(
        "2025.1-claim-phase",
        (
            'quantities.moderator_after = { value = 7, unit = "days" }',
            'quantities.moderator_after = { value = 7, unit = "days" }\n'
            'quantities.claim_until = { value = 5, unit = "day_number" }',
        ),
    )
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=custom)
    rejected = aliprotect.seller_rejects(opened, at=paris(2025, 4, 2), rules=custom)
    assert advice_of(aliprotect.next_actions(ORDER, at=paris(2025, 4, 3), dispute=rejected, rules=custom)) == [
        (
            "escalate",
            "by_deadline",
            "2025-04-07T00:00:00+02:00",
            ("dispute.escalation",),
            "no agreement yet: escalate by 2025-04-07T00:00:00+02:00, when the claim phase ends",
        )
    ]


# --- how days are counted (_days) -------------------------------------------------------------


def test_utc_gives_the_instant_in_the_utc_zone() -> None:
    in_utc = _days.utc(paris(2025, 3, 1, 10))
    assert (in_utc, in_utc.timezone_name) == (pendulum.datetime(2025, 3, 1, 9, tz="UTC"), "UTC")


def test_business_days_on_another_calendar_take_that_calendars_weekdays() -> None:
    # C5 with days_counted_in: Friday 21 March 20:00 in Paris is Saturday 03:00 in Shanghai; 5 business
    # days there end Friday 28 March 03:00, which is Thursday 27 March 20:00 in Paris
    counted = _days.add_business_days(paris(2025, 3, 21, 20), 5, "Asia/Shanghai")
    assert (counted, counted.timezone_name) == (paris(2025, 3, 27, 20), PARIS)


def test_a_count_on_another_calendar_comes_back_in_the_instants_own_zone_of_any_kind() -> None:
    # C2 with days_counted_in: 60 days of 24 hours after 1 March 10:00 in Los Angeles (PST) is 30 April
    # 11:00 there (PDT), given in the instant's own zoneinfo zone
    zone = ZoneInfo("America/Los_Angeles")
    counted = _days.add_days(pendulum.DateTime(2025, 3, 1, 10, tzinfo=zone), 60, "Asia/Shanghai")
    assert counted == pendulum.datetime(2025, 4, 30, 18, tz="UTC")
    assert (counted.tzinfo, counted.utcoffset()) == (zone, dt.timedelta(hours=-7))


def test_a_value_is_rebuilt_only_from_as_many_values_as_it_has_fields() -> None:
    # what PicklesInstantsWhole pickles: a field without its value is refused, not left out
    with pytest.raises(ValueError, match="zip"):
        _days.rebuild(aliprotect.Extension, ("granted_at", "days"), (paris(2025, 3, 10),))


def test_instants_inside_tuples_pickle_with_their_fold() -> None:
    # the second pass of 02:30 on 26 October 2025 in Paris (01:30 UTC), inside nested tuples: pendulum's
    # own pickling would bring back the first pass, an hour earlier
    second_pass = pendulum.datetime(2025, 10, 26, 2, 30, tz=PARIS, fold=1)
    kept = _days._thawed(pickle.loads(pickle.dumps(_days._whole((second_pass, (second_pass,))))))
    assert isinstance(kept, tuple)
    assert [_days.key(kept[0]), _days.key(kept[1][0])] == [_days.key(second_pass)] * 2  # type: ignore[index]


# --- reading instants (parse_instant, C1) ------------------------------------------------------


def local_offset() -> str:
    """The offset of this machine's local time on 1 March 2025 10:00, as +HH:MM."""
    offset = dt.datetime(2025, 3, 1, 10).astimezone().utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds()) // 60
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "not a date",
            "instant='not a date' is not an ISO 8601 date and time; write it like 2025-03-01T10:00:00+08:00 or "
            "2025-03-01T10:00:00[Asia/Shanghai]",
        ),
        (
            "2025-03-01T10:00:00",
            "instant='2025-03-01T10:00:00' has no offset and no zone; aliprotect never guesses one (C1): add one, "
            "e.g. 2025-03-01T10:00:00+08:00 or 2025-03-01T10:00:00[Asia/Shanghai]",
        ),
        (
            "2025-03-01T10:00:00[Nowhere/Atlantis]",
            "instant='2025-03-01T10:00:00[Nowhere/Atlantis]' names the zone 'Nowhere/Atlantis', which is not in the "
            "tz database; use a name like Europe/Paris or America/New_York",
        ),
        (
            "2025-03-01T10:00:00+00:00[Europe/Paris]",
            "instant='2025-03-01T10:00:00+00:00[Europe/Paris]': the offset +00:00 is not the offset of Europe/Paris "
            "at that time (+01:00); fix one of them",
        ),
        # a bracket that does not close is not a zone; the zone is everything inside the first bracket
        (
            "2025-03-01T10:00:00+08:00[Asia",
            "instant='2025-03-01T10:00:00+08:00[Asia' is not an ISO 8601 date and time; write it like "
            "2025-03-01T10:00:00+08:00 or 2025-03-01T10:00:00[Asia/Shanghai]",
        ),
        (
            "2025-03-01T10:00:00[Europe/Paris[x]",
            "instant='2025-03-01T10:00:00[Europe/Paris[x]' names the zone 'Europe/Paris[x', which is not in the tz "
            "database; use a name like Europe/Paris or America/New_York",
        ),
    ],
)
def test_an_instant_that_cannot_be_read_is_refused_with_the_way_to_write_it(text: str, message: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        aliprotect.parse_instant(text)
    assert str(raised.value) == message


def test_z_names_utc_and_an_offset_stays_an_offset() -> None:
    assert aliprotect.parse_instant("2025-03-01T02:00:00Z").timezone_name == "UTC"
    assert aliprotect.parse_instant("2025-03-01T02:00:00+00:00").timezone_name == "+00:00"


def test_a_zone_keeps_every_digit_of_the_wall_clock() -> None:
    parsed = aliprotect.parse_instant("2025-03-01T10:00:30.250000[Europe/Paris]")
    assert parsed == pendulum.datetime(2025, 3, 1, 10, 0, 30, 250000, tz=PARIS)
    assert parsed.timezone_name == PARIS


def test_a_wall_clock_in_a_zone_is_read_in_that_zone_even_at_the_first_instant_of_the_year_1() -> None:
    # C1: 0001-01-01 00:00 in New York (local mean time, -04:56:02) exists, though UTC's reading of it
    # would be in the year 0
    parsed = aliprotect.parse_instant("0001-01-01T00:00:00[America/New_York]")
    assert parsed.isoformat() == "0001-01-01T00:00:00-04:56:02"


def test_the_machines_own_offset_never_stands_in_for_a_zone() -> None:
    # C1: nothing is read in the machine's zone; an unknown zone, or an offset that is not the zone's,
    # is refused even when the offset happens to be this machine's
    offset = local_offset()
    with pytest.raises(InvalidValueError, match="not in the tz database"):
        aliprotect.parse_instant(f"2025-03-01T10:00:00{offset}[Nowhere/Atlantis]")
    zone = "Asia/Tokyo" if offset != "+09:00" else "America/New_York"
    with pytest.raises(InvalidValueError, match=f"is not the offset of {zone}"):
        aliprotect.parse_instant(f"2025-03-01T10:00:00{offset}[{zone}]")


# --- what the dispute machine refuses ----------------------------------------------------------


def test_an_action_the_stage_does_not_allow_is_refused_with_what_is_possible_now() -> None:
    # dispute.seller_reply: while waiting for the seller, the buyer has nothing to escalate yet
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    with pytest.raises(ActionRefusedError) as raised:
        aliprotect.buyer_escalates(opened, at=paris(2025, 4, 2), rules=RULES)
    assert raised.value.rule_ids == ("dispute.seller_reply",)
    assert str(raised.value) == (
        "buyer_escalates at 2025-04-02T00:00:00+02:00 is not possible while the dispute is awaiting_seller "
        "(waiting for the seller to reply or accept by 2025-04-06T09:00:00+02:00; if the seller stays silent, the "
        "buyer wins); possible now: seller_accepts, seller_rejects, seller_offers, buyer_cancels"
    )


def test_escalating_while_the_parcel_is_in_transit_is_refused_with_its_rule() -> None:
    # undated.2, dispute.escalation with in_transit_waits: the promised 30 days end 2 April 18:00
    dispute = rejected("undated.2", paris(2025, 3, 10, 9))
    on_its_way = tracking((paris(2025, 3, 15, 8), Location.IN_TRANSIT))
    with pytest.raises(ActionRefusedError) as raised:
        aliprotect.buyer_escalates(
            dispute, at=paris(2025, 3, 20, 10), rules=aliprotect.rulebook("undated.2"), tracking=on_its_way
        )
    assert raised.value.rule_ids == ("dispute.escalation",)
    assert str(raised.value) == (
        "buyer_escalates at 2025-03-20T10:00:00+01:00: the parcel is in transit inside the seller's promised "
        "delivery time, so escalation waits until 2025-04-02T18:00:00+02:00"
    )


@pytest.mark.parametrize(
    ("version", "rude", "day", "description"),
    [
        (
            "2025.1",
            False,
            11,
            "the seller rejected the claim; without agreement a moderator decides from 2025-04-17T09:00:00+02:00",
        ),
        (
            "2025.1",
            True,
            11,
            "the seller rejected the claim; the reply was rude, so the buyer can escalate now; without agreement a "
            "moderator decides from 2025-04-17T09:00:00+02:00",
        ),
        (
            "undated.1",
            True,
            11,
            "the seller rejected the claim; the reply was rude; the buyer can escalate from 2025-04-14T00:00:00+02:00; "
            "without agreement a moderator decides from 2025-04-26T00:00:00+02:00",
        ),
        (
            "undated.1",
            False,
            14,
            "the seller rejected the claim; without agreement a moderator decides from 2025-04-26T00:00:00+02:00",
        ),
        (
            "undated.2",
            False,
            11,
            "the seller rejected the claim; the buyer can escalate from 2025-04-14T00:00:00+02:00; a claim can be "
            "filed until 2025-04-26T00:00:00+02:00",
        ),
        (
            "undated.2",
            True,
            14,
            "the seller rejected the claim; the reply was rude, so the buyer can escalate now; a claim can be filed "
            "until 2025-04-26T00:00:00+02:00",
        ),
    ],
)
def test_a_rejection_says_what_can_follow_and_when(version: str, rude: bool, day: int, description: str) -> None:
    # dispute.escalation: escalate now after a rude reply, or from the claim phase (day 4 after opening
    # 10 April: 14 April); the claim phase's end (undated.2) and the moderator time (undated.1: day 16)
    rules = aliprotect.rulebook(version)
    opened = aliprotect.open_dispute(
        PROMISED, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 10, 9), rules=rules
    )
    rejected = aliprotect.seller_rejects(opened, at=paris(2025, 4, day, 9), rude=rude, rules=rules)
    assert aliprotect.dispute_status(rejected, at=paris(2025, 4, day, 9)).description == description


# --- tracking values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: Tracking(number="LP1", provided_at=dt.datetime(2025, 3, 4, 9)),
            "provided_at=2025-03-04T09:00:00 has no timezone; aliprotect never guesses one (C1): give it an offset "
            "or a zone, e.g. pendulum.datetime(..., tz='Asia/Shanghai')",
        ),
        (
            lambda: Tracking(number="LP1", provided_at=paris(2025, 3, 4, 9), events="x"),
            "events='x' must be a sequence of TrackingEvent values, e.g. (TrackingEvent(...),)",
        ),
        (
            lambda: TrackingEvent(at=paris(2025, 3, 4), where=Location.IN_TRANSIT, text=5),
            "text=5 must be a string (the carrier's words, or '')",
        ),
    ],
)
def test_a_tracking_field_of_the_wrong_kind_is_refused_by_name(make: object, message: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        make()  # type: ignore[operator]
    assert str(raised.value) == message


# --- the earlier of two instants in the hour a DST change repeats (C3) ---------------------------
# Python compares two datetimes of one zone by their wall clocks and ignores fold; the rules compare
# instants by their place on the time line (_days.key).


def test_an_extension_after_the_end_on_the_rulebooks_calendar_is_refused_though_receipt_reads_earlier() -> None:
    # observed.1, protection.extension: shipped 3 September 2025 01:30 in Los Angeles (08:30 UTC); 60 days
    # of 24 hours end 2 November 08:30 UTC, 01:30 on the first pass of the hour Los Angeles lives twice.
    # Receipt at 01:10 on the second pass (09:10 UTC) is later, though its wall clock reads earlier; an
    # extension at 01:45 on the first pass (08:45 UTC) comes after the end, so it is refused. (Los
    # Angeles's own calendar ends the 60 days at 09:30 UTC, so the order itself accepts it.)
    la = "America/Los_Angeles"
    shipped = pendulum.datetime(2025, 9, 3, 1, 30, tz=la)
    received = pendulum.datetime(2025, 11, 2, 9, 10, tz="UTC").in_timezone(la)
    granted = pendulum.datetime(2025, 11, 2, 8, 45, tz="UTC").in_timezone(la)
    order = Order(
        id="E5",
        placed_at=shipped.subtract(days=1),
        shipped_at=shipped,
        protection_days=60,
        received_at=received,
        extensions=(aliprotect.Extension(granted_at=granted, days=5),),
    )
    assert (received.fold, granted.fold) == (1, 0)
    with pytest.raises(TimeOrderError, match=r"is not before protection ended at 2025-11-02T01:30:00-07:00, counted"):
        aliprotect.protection_end(order, rules=OBSERVED)


def test_escalation_is_advised_by_the_earlier_instant_in_the_hour_a_dst_change_repeats() -> None:
    # dispute.escalation counted on Bogota's calendar (UTC-5 all year), a dispute in Havana, which on
    # 2 November 2025 lives 00:00-01:00 twice. Opened 26 October 00:30 (04:30 UTC): the moderator steps
    # in 7 days later, 00:30 on the first pass (04:30 UTC); the claim phase ends as day 7 ends in Bogota,
    # 00:00 on the second pass (05:00 UTC). The moderator time is the earlier, though its wall clock
    # reads later.
    custom = custom_rulebook(
        "2025.1-bogota",
        on_calendar("America/Bogota", ["dispute.escalation"], ["seed 000:38"]),
        (
            'quantities.moderator_after = { value = 7, unit = "days" }',
            'quantities.moderator_after = { value = 7, unit = "days" }\n'
            'quantities.claim_until = { value = 7, unit = "day_number" }',
        ),
    )
    havana = "America/Havana"
    order = Order(
        id="H1",
        placed_at=pendulum.datetime(2025, 9, 18, 10, tz=havana),
        shipped_at=pendulum.datetime(2025, 9, 20, 10, tz=havana),
        protection_days=60,
    )
    opened = pendulum.datetime(2025, 10, 26, 4, 30, tz="UTC").in_timezone(havana)
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=custom)
    rejected = aliprotect.seller_rejects(dispute, at=opened.add(days=1), rules=custom)
    status = aliprotect.dispute_status(rejected, at=opened.add(days=2), rules=custom)
    moderator, claim_until = status.moderator_from, status.claim_until
    assert moderator is not None
    assert claim_until is not None
    assert (moderator.at.fold, claim_until.at.fold) == (0, 1)
    assert _days.key(moderator.at) == _days.key(pendulum.datetime(2025, 11, 2, 4, 30, tz="UTC"))
    # the claim phase ends as 2 November starts in Bogota, not in Havana (which would be 3 November 05:00 UTC)
    assert _days.key(claim_until.at) == _days.key(pendulum.datetime(2025, 11, 2, 5, tz="UTC"))
    (escalate,) = aliprotect.next_actions(order, at=opened.add(days=2), dispute=rejected, rules=custom)
    assert escalate.action is Action.ESCALATE
    assert escalate.by is not None
    # (an instant in a repeated hour never equals one of another zone in Python, so compare keys)
    assert _days.key(escalate.by) == _days.key(pendulum.datetime(2025, 11, 2, 4, 30, tz="UTC"))
    assert escalate.text == "no agreement yet: escalate, or a moderator steps in at 2025-11-02T00:30:00-04:00"


# --- when to open a "not received" dispute (protection.settlement_buffer, open.latest) -----------


def test_the_advice_to_open_a_dispute_in_full_before_and_after_protection_ends() -> None:
    # at 25 April protection still runs (until 2 May 18:00) but the open-by (22 April) has passed; at
    # 10 May it has ended and the order completed: the last chance is 17 May 18:00. For a dropshipper.
    def advice(at: pendulum.DateTime) -> list[tuple[object, ...]]:
        return advice_of(aliprotect.next_actions(ORDER, at=at, rules=RULES, role=aliprotect.Role.DROPSHIPPER))

    evidence = (
        "attach_evidence",
        "now",
        "2025-05-17T18:00:00+02:00",
        ("claim.not_received",),
        "attach to the dispute: tracking screenshot, seller messages, statement, carrier statement; use the "
        "seller's own tracking number",
    )
    reship = (
        "reship",
        "now",
        "2025-05-17T18:00:00+02:00",
        ("dropship.reship",),
        "or have the seller re-ship, and tell the customer they keep both if both arrive",
    )
    assert advice(paris(2025, 4, 25)) == [
        (
            "ask_extension",
            "now",
            "2025-05-02T18:00:00+02:00",
            ("protection.extension",),
            "ask the seller to extend protection before it ends at 2025-05-02T18:00:00+02:00",
        ),
        (
            "open_dispute",
            "now",
            "2025-05-17T18:00:00+02:00",
            ("protection.settlement_buffer", "open.latest"),
            "protection ends at 2025-05-02T18:00:00+02:00 and settlement takes 10 days: open a dispute now, "
            "unless the seller extends protection",
        ),
        evidence,
        reship,
    ]
    assert advice(paris(2025, 5, 10)) == [
        (
            "open_dispute",
            "now",
            "2025-05-17T18:00:00+02:00",
            ("protection.expiry_completes", "open.latest"),
            "protection has ended and the order is completed; this is the last chance: open a dispute now, "
            "before 2025-05-17T18:00:00+02:00",
        ),
        evidence,
        reship,
    ]


def test_an_open_by_at_the_very_last_chance_gives_way_to_the_last_chance() -> None:
    # 2021.1 (see test_equal_instants): with 55 days of protection and 30 promised, the open-by and the
    # last chance both fall on 17 April 18:00; the advice names the last chance, not the settlement buffer
    order = attrs.evolve(PROMISED, protection_days=55)
    (opening, _) = aliprotect.next_actions(order, at=paris(2025, 4, 5), rules=aliprotect.rulebook("2021.1"))
    assert advice_of((opening,)) == [
        (
            "open_dispute",
            "by_deadline",
            "2025-04-17T18:00:00+02:00",
            ("open.latest",),
            "if it has not arrived, open a dispute now; the last chance ends at 2025-04-17T18:00:00+02:00",
        )
    ]


def test_an_open_by_at_the_very_opening_of_the_window_is_still_the_deadline_to_open_by() -> None:
    # shipped 3 March 00:00 with 16 days of protection: the window opens 9 March 00:00 (day 6) and the
    # open-by is 10 days before 19 March 00:00, the same instant; before it, open then or extend first
    order = attrs.evolve(ORDER, shipped_at=paris(2025, 3, 3), protection_days=16)
    advice = aliprotect.next_actions(order, at=paris(2025, 3, 5), rules=RULES)
    assert advice_of(advice)[0] == (
        "open_dispute",
        "by_deadline",
        "2025-03-09T00:00:00+01:00",
        ("protection.settlement_buffer", "protection.extension"),
        "if it has not arrived by 2025-03-09T00:00:00+01:00, open a dispute then, or get the seller to extend "
        "protection first: settlement takes 10 days",
    )
    assert Action.ASK_EXTENSION not in [a.action for a in advice]


def test_cancelling_before_shipping_is_explained() -> None:
    # cancel.before_shipment
    verdict = aliprotect.can_cancel(UNSHIPPED, at=paris(2025, 3, 2), rules=RULES)
    assert verdict.reason == "the order has not shipped yet: it can be cancelled with the seller's agreement"


def test_the_tracking_advice_reads_a_number_given_per_carrier() -> None:
    # undated.1 with tracking.stalled given per carrier group (post: 3 days): the order's carrier picks it
    custom = custom_rulebook(
        "undated.1-stalled-by-carrier",
        (
            'quantities.stalled_after = { value = 2, unit = "days" }',
            'quantities.stalled_after = { by_carrier = { express = 1, ems = 2, post = 3 }, unit = "days" }',
        ),
        base="undated.1",
    )
    stalled = tracking((paris(2025, 3, 20, 10), Location.ORIGIN_COUNTRY))

    def stalled_advice(at: pendulum.DateTime) -> list[Action]:
        advice = aliprotect.next_actions(PROMISED, at=at, tracking=stalled, rules=custom)
        return [a.action for a in advice if "tracking.stalled" in a.rule_ids]

    assert stalled_advice(paris(2025, 3, 23, 9, 59)) == []
    assert stalled_advice(paris(2025, 3, 23, 10)) == [Action.CONTACT_SELLER, Action.ASK_EXTENSION]


def test_an_event_before_the_last_one_is_refused_for_its_time_order() -> None:
    # events come in time order: an escalation before the seller's rejection is out of order (not refused
    # for the stage the dispute was in at that earlier instant)
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    rejected = aliprotect.seller_rejects(opened, at=paris(2025, 4, 3), rules=RULES)
    with pytest.raises(TimeOrderError) as raised:
        aliprotect.buyer_escalates(rejected, at=paris(2025, 4, 2), rules=RULES)
    assert str(raised.value) == (
        "buyer_escalates at 2025-04-02T00:00:00+02:00 is before the previous event (2025-04-03T00:00:00+02:00); "
        "events must be in time order"
    )


def test_nothing_can_happen_in_a_closed_dispute_and_the_refusal_names_why_it_closed() -> None:
    # dispute.accept_offer_closes: a dispute closed by the buyer cannot be reopened
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    cancelled = aliprotect.buyer_cancels(opened, at=paris(2025, 4, 2), rules=RULES)
    with pytest.raises(aliprotect.errors.DisputeClosedError) as raised:
        aliprotect.seller_accepts(cancelled, at=paris(2025, 4, 3), rules=RULES)
    assert raised.value.rule_ids == ("dispute.accept_offer_closes",)
    assert str(raised.value) == (
        "seller_accepts at 2025-04-03T00:00:00+02:00 cannot happen: the dispute of order E1 is closed (closed at "
        "2025-04-02T00:00:00+02:00 by the buyer; it cannot be reopened)"
    )


RETURN_CLAIM = Claim(
    kind=ClaimKind.WRONG_ITEM,
    resolution=aliprotect.Resolution.REFUND_WITH_RETURN,
    evidence=[aliprotect.Evidence.PHOTOS],
)


def test_a_seller_accepting_a_return_sets_its_deadline_and_rules() -> None:
    # dispute.seller_accepts, return.window: 10 days after 28 March 12:00 (CET) is 7 April 12:00 (CEST)
    opened = aliprotect.open_dispute(ORDER, RETURN_CLAIM, at=paris(2025, 3, 25, 9), rules=RULES)
    accepted = aliprotect.seller_accepts(opened, at=paris(2025, 3, 28, 12), rules=RULES)
    status = aliprotect.dispute_status(accepted, at=paris(2025, 3, 29))
    assert (status.stage, status.rule_ids) == (aliprotect.Stage.RETURN_DUE, ("dispute.seller_accepts", "return.window"))
    assert status.description == (
        "the seller accepted: send the item back with a tracking number by 2025-04-07T12:00:00+02:00 for the full "
        "refund"
    )


def test_the_return_window_is_counted_on_the_rulebooks_calendar() -> None:
    # return.window counted on China's calendar: 10 days of 24 hours after 28 March 12:00 (CET) is
    # 7 April 13:00 (CEST), across Paris's change to summer time
    custom = custom_rulebook(
        "2025.1-return-in-shanghai",
        on_calendar("Asia/Shanghai", ["return.window"], ["seed 002:88"]),
    )
    opened = aliprotect.open_dispute(ORDER, RETURN_CLAIM, at=paris(2025, 3, 25, 9), rules=custom)
    accepted = aliprotect.seller_accepts(opened, at=paris(2025, 3, 28, 12), rules=custom)
    status = aliprotect.dispute_status(accepted, at=paris(2025, 3, 29), rules=custom)
    assert status.return_by is not None
    assert status.return_by.at == paris(2025, 4, 7, 13)
    # the seller's 5 days to respond to a return come from return.window too: 25 March 09:00 (CET) plus
    # 5 days of 24 hours is 30 March 10:00 (CEST)
    assert status.seller_reply_by is not None
    assert status.seller_reply_by.at == paris(2025, 3, 30, 10)


# --- the dispute machine, every stage in full (dispute.*, refund.*, return.window) -------------------


def _machine_steps() -> dict[str, tuple[aliprotect.Dispute, pendulum.DateTime]]:
    """A dispute opened 1 April 09:00 (the seller's 5 days end 6 April 09:00, the moderator comes 8 April
    09:00) and where each path of the machine takes it."""
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    rejected = aliprotect.seller_rejects(opened, at=paris(2025, 4, 2), rules=RULES)
    offered = aliprotect.seller_offers(rejected, at=paris(2025, 4, 3), refund=eur("5"), rules=RULES)
    escalated = aliprotect.buyer_escalates(rejected, at=paris(2025, 4, 3), rules=RULES)
    won = aliprotect.moderator_decides(escalated, at=paris(2025, 4, 5), buyer_wins=True, refund=eur("15"), rules=RULES)
    returned = aliprotect.seller_accepts(
        aliprotect.open_dispute(ORDER, RETURN_CLAIM, at=paris(2025, 4, 1, 9), rules=RULES),
        at=paris(2025, 4, 2, 12),
        rules=RULES,
    )
    return {
        "awaiting": (opened, paris(2025, 4, 1, 10)),
        "silent": (opened, paris(2025, 4, 6, 9)),
        "accepted": (aliprotect.seller_accepts(opened, at=paris(2025, 4, 2), rules=RULES), paris(2025, 4, 2)),
        "rejected": (rejected, paris(2025, 4, 2)),
        "moderator time": (rejected, paris(2025, 4, 8, 9)),
        "offered": (offered, paris(2025, 4, 3)),
        "offer accepted": (
            aliprotect.buyer_accepts_offer(offered, at=paris(2025, 4, 4), rules=RULES),
            paris(2025, 4, 4),
        ),
        "escalated": (escalated, paris(2025, 4, 3)),
        "won": (won, paris(2025, 4, 5)),
        "lost": (
            aliprotect.moderator_decides(escalated, at=paris(2025, 4, 5), buyer_wins=False, rules=RULES),
            paris(2025, 4, 5),
        ),
        "refunded": (aliprotect.platform_refunds(won, at=paris(2025, 4, 6), rules=RULES), paris(2025, 4, 6)),
        "return missed": (returned, paris(2025, 4, 12, 12)),
        "return shipped": (
            aliprotect.buyer_ships_return(returned, at=paris(2025, 4, 4), tracking_number="RR1", rules=RULES),
            paris(2025, 4, 4),
        ),
    }


MACHINE = {
    "awaiting": (
        "awaiting_seller",
        ("dispute.seller_reply",),
        "waiting for the seller to reply or accept by 2025-04-06T09:00:00+02:00; if the seller stays silent, the "
        "buyer wins",
        None,
        None,
    ),
    "silent": (
        "refund_due",
        ("dispute.seller_reply", "dispute.seller_silent"),
        "the seller did not reply by 2025-04-06T09:00:00+02:00: the buyer wins the full refund asked for",
        "20.00",
        None,
    ),
    "accepted": (
        "refund_due",
        ("dispute.seller_accepts",),
        "the seller accepted: the buyer is refunded as asked",
        "20.00",
        None,
    ),
    "rejected": (
        "negotiating",
        ("dispute.seller_reply", "dispute.escalation"),
        "the seller rejected the claim; without agreement a moderator decides from 2025-04-08T09:00:00+02:00",
        None,
        None,
    ),
    "moderator time": (
        "with_moderator",
        ("dispute.escalation",),
        "no agreement by 2025-04-08T09:00:00+02:00: a moderator decides",
        None,
        None,
    ),
    "offered": (
        "negotiating",
        ("dispute.accept_offer_closes", "dispute.escalation"),
        "the seller offers 5 EUR; accepting the offer closes the dispute",
        None,
        None,
    ),
    "offer accepted": (
        "closed",
        ("dispute.accept_offer_closes",),
        "closed at 2025-04-04T00:00:00+02:00: the buyer accepted the seller's offer of 5 EUR",
        "5",
        "offer_accepted",
    ),
    "escalated": (
        "with_moderator",
        ("dispute.escalation",),
        "escalated at 2025-04-03T00:00:00+02:00: a moderator decides",
        None,
        None,
    ),
    "won": (
        "refund_due",
        ("dispute.escalation",),
        "the moderator decided for the buyer at 2025-04-05T00:00:00+02:00: the buyer is refunded",
        "15",
        None,
    ),
    "lost": (
        "closed",
        ("dispute.lost_is_final",),
        "closed at 2025-04-05T00:00:00+02:00: the moderator decided against the buyer; no refund can be had for "
        "this order any more",
        None,
        "lost",
    ),
    "refunded": (
        "closed",
        ("dispute.closes_on_refund", "refund.only_through_dispute", "refund.arrival"),
        "closed at 2025-04-06T00:00:00+02:00: 15 EUR refunded through the dispute",
        "15",
        "refunded",
    ),
    "return missed": (
        "return_missed",
        ("return.window",),
        "the item was not sent back by 2025-04-12T12:00:00+02:00: the full refund is no longer due",
        "20.00",
        None,
    ),
    "return shipped": (
        "refund_due",
        ("return.window",),
        "the item was sent back at 2025-04-04T00:00:00+02:00 with tracking number RR1: the full refund is due",
        "20.00",
        None,
    ),
}


@pytest.mark.parametrize("step", list(MACHINE))
def test_each_stage_of_the_dispute_machine_in_full(step: str) -> None:
    # the stage, its rules, its description, the refund and the outcome after each event or deadline
    dispute, at = _machine_steps()[step]
    status = aliprotect.dispute_status(dispute, at=at)
    refund = None if status.refund is None else str(status.refund.amount)
    outcome = None if status.outcome is None else status.outcome.value
    assert (status.stage.value, status.rule_ids, status.description, refund, outcome) == MACHINE[step]


def test_an_offer_made_while_a_moderator_decides_leaves_the_dispute_with_the_moderator() -> None:
    # dispute.accept_offer_closes, dispute.escalation: an offer does not take the dispute back from the moderator
    opened, _ = _machine_steps()["escalated"]
    offered = aliprotect.seller_offers(opened, at=paris(2025, 4, 4), refund=eur("5"), rules=RULES)
    status = aliprotect.dispute_status(offered, at=paris(2025, 4, 4))
    assert (status.stage, status.offer) == (aliprotect.Stage.WITH_MODERATOR, eur("5"))


@pytest.mark.parametrize(
    ("act", "message"),
    [
        (
            lambda d: aliprotect.seller_offers(d, at=paris(2025, 4, 3), refund=Money("5", "USD"), rules=RULES),
            "amount=Money(amount=Decimal('5'), currency='USD') is in USD, but order E1 was paid in EUR; give the "
            "amount in EUR",
        ),
        (
            lambda d: aliprotect.seller_offers(d, at=paris(2025, 4, 3), refund=eur("25"), rules=RULES),
            "amount=Money(amount=Decimal('25'), currency='EUR') is more than the 20.00 EUR left to refund on order "
            "E1; a refund never exceeds what was paid",
        ),
        (
            lambda d: aliprotect.moderator_decides(
                aliprotect.buyer_escalates(d, at=paris(2025, 4, 3), rules=RULES),
                at=paris(2025, 4, 4),
                buyer_wins=True,
                refund=eur("25"),
                rules=RULES,
            ),
            "refund=Money(amount=Decimal('25'), currency='EUR') is more than the 20.00 EUR left to refund on order "
            "E1; a refund never exceeds what was paid",
        ),
    ],
)
def test_an_amount_beyond_what_is_left_or_in_another_currency_is_refused_by_name(act: object, message: str) -> None:
    # a refund never exceeds what was paid, in the order's currency (20.00 EUR)
    rejected, _ = _machine_steps()["rejected"]
    with pytest.raises(InvalidValueError) as raised:
        act(rejected)  # type: ignore[operator]
    assert str(raised.value) == message


def test_accepting_an_offer_that_was_never_made_is_refused_with_its_rule() -> None:
    # dispute.accept_offer_closes
    rejected, _ = _machine_steps()["rejected"]
    with pytest.raises(ActionRefusedError) as raised:
        aliprotect.buyer_accepts_offer(rejected, at=paris(2025, 4, 3), rules=RULES)
    assert raised.value.rule_ids == ("dispute.accept_offer_closes",)
    assert (
        str(raised.value) == "buyer_accepts_offer at 2025-04-03T00:00:00+02:00: the seller has made no offer to accept"
    )


@pytest.mark.parametrize(
    ("version", "at", "message"),
    [
        (
            "undated.1",
            paris(2025, 4, 13, 23, 59),
            "buyer_escalates at 2025-04-13T23:59:00+02:00: a claim can be filed from 2025-04-14T00:00:00+02:00",
        ),
        (
            "undated.2",
            paris(2025, 4, 26),
            "buyer_escalates at 2025-04-26T00:00:00+02:00: the claim phase ended at 2025-04-26T00:00:00+02:00",
        ),
    ],
)
def test_escalating_outside_the_claim_phase_is_refused_with_its_rule(
    version: str, at: pendulum.DateTime, message: str
) -> None:
    # dispute.escalation with a claim phase: from day 4 after opening (14 April 00:00); undated.2 closes
    # it as day 15 starts (26 April 00:00, C3)
    dispute = rejected(version, paris(2025, 4, 10, 9))
    with pytest.raises(ActionRefusedError) as raised:
        aliprotect.buyer_escalates(dispute, at=at, rules=aliprotect.rulebook(version))
    assert raised.value.rule_ids == ("dispute.escalation",)
    assert str(raised.value) == message


def test_a_refund_of_unknown_amount_must_be_given() -> None:
    # dispute.closes_on_refund: without the order amount the refund due is unknown
    order = Order(id="E2", placed_at=paris(2025, 3, 1, 10), shipped_at=paris(2025, 3, 3, 18), protection_days=60)
    opened = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES)
    with pytest.raises(InvalidValueError) as raised:
        aliprotect.platform_refunds(opened, at=paris(2025, 4, 7), rules=RULES)
    assert str(raised.value) == (
        "refund=None: the amount of order E2 is unknown, so the refund due is too; pass the amount refunded, e.g. "
        "refund=Money('12.50', 'USD')"
    )


def test_a_refund_in_another_currency_is_refused_by_name() -> None:
    # the seller stayed silent (refund due from 6 April 09:00): the refund is in the order's currency
    opened, _ = _machine_steps()["awaiting"]
    with pytest.raises(InvalidValueError) as raised:
        aliprotect.platform_refunds(opened, at=paris(2025, 4, 7), refund=Money("5", "USD"), rules=RULES)
    assert str(raised.value) == (
        "refund=Money(amount=Decimal('5'), currency='USD') is in USD, but order E1 was paid in EUR; give the amount "
        "in EUR"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"kind": DisputeEventKind.SELLER_OFFERS},
            "amount=None: a seller_offers event needs the amount offered, e.g. Money('5', 'USD')",
        ),
        (
            {"kind": DisputeEventKind.MODERATOR_DECIDES},
            "buyer_wins=None: a moderator_decides event needs True or False, and no other event has one",
        ),
        (
            {"kind": DisputeEventKind.SELLER_ACCEPTS, "buyer_wins": True},
            "buyer_wins=True: a moderator_decides event needs True or False, and no other event has one",
        ),
        (
            {"kind": DisputeEventKind.BUYER_SHIPS_RETURN, "tracking_number": " "},
            "tracking_number=' ': a return is shipped with a tracking number (return.window); give the carrier's "
            "number, e.g. 'RR123456789CN'",
        ),
        (
            {"kind": DisputeEventKind.SELLER_ACCEPTS, "tracking_number": "RR1"},
            "tracking_number='RR1' goes only with a buyer_ships_return event",
        ),
        (
            {"kind": DisputeEventKind.SELLER_ACCEPTS, "amount": eur("5")},
            "amount=Money(amount=Decimal('5'), currency='EUR') does not go with a seller_accepts event",
        ),
        (
            {"kind": DisputeEventKind.SELLER_OFFERS, "amount": eur("0")},
            "amount=Money(amount=Decimal('0'), currency='EUR') must be greater than 0",
        ),
        (
            {"kind": DisputeEventKind.SELLER_ACCEPTS, "rude": True},
            "rude=True must be a bool, and True only for a seller_rejects event",
        ),
    ],
)
def test_a_dispute_event_with_fields_its_kind_cannot_have_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        DisputeEvent(at=paris(2025, 4, 2), **fields)  # type: ignore[arg-type]
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("version", "schedule"),
    [
        (
            "undated.1",
            [
                ("claim_from", "2025-04-14T00:00:00+02:00", "the buyer can escalate from now", ("dispute.escalation",)),
                (
                    "seller_reply_by",
                    "2025-04-25T09:00:00+02:00",
                    "the seller must reply or accept before this instant, or the buyer wins",
                    ("dispute.seller_reply", "dispute.seller_silent"),
                ),
                (
                    "moderator_from",
                    "2025-04-26T00:00:00+02:00",
                    "without agreement, a moderator decides",
                    ("dispute.escalation",),
                ),
            ],
        ),
        (
            "undated.2",
            [
                ("claim_from", "2025-04-14T00:00:00+02:00", "the buyer can escalate from now", ("dispute.escalation",)),
                (
                    "seller_reply_by",
                    "2025-04-15T09:00:00+02:00",
                    "the seller must reply or accept before this instant, or the buyer wins",
                    ("dispute.seller_reply", "dispute.seller_silent"),
                ),
                (
                    "claim_until",
                    "2025-04-26T00:00:00+02:00",
                    "the claim phase ends: no escalation from now",
                    ("dispute.escalation",),
                ),
            ],
        ),
    ],
)
def test_the_schedule_of_a_negotiated_dispute_in_full(version: str, schedule: list[tuple[object, ...]]) -> None:
    # dispute.seller_reply (15 days in undated.1, 5 in undated.2), dispute.escalation's claim phase
    # (day 4 to day 15 after opening 10 April) and moderator (day 16)
    dispute = rejected(version, paris(2025, 4, 10, 9))
    status = aliprotect.dispute_status(dispute, at=paris(2025, 4, 11, 10))
    assert [(d.name, d.at.isoformat(), d.description, d.rule_ids) for d in status.schedule] == schedule


def test_the_schedule_of_a_returned_and_refunded_dispute_in_full() -> None:
    # return.window (the seller's 5 days, 10 days to send the item back after 2 April 12:00) and
    # refund.arrival (7 days after the refund of 5 April 15:00)
    opened = aliprotect.open_dispute(ORDER, RETURN_CLAIM, at=paris(2025, 4, 1, 9), rules=RULES)
    accepted = aliprotect.seller_accepts(opened, at=paris(2025, 4, 2, 12), rules=RULES)
    shipped = aliprotect.buyer_ships_return(accepted, at=paris(2025, 4, 4), tracking_number="RR1", rules=RULES)
    refunded = aliprotect.platform_refunds(shipped, at=paris(2025, 4, 5, 15), rules=RULES)
    status = aliprotect.dispute_status(refunded, at=paris(2025, 4, 6))
    assert [(d.name, d.at.isoformat(), d.description, d.rule_ids) for d in status.schedule] == [
        (
            "seller_reply_by",
            "2025-04-06T09:00:00+02:00",
            "the seller must reply or accept before this instant, or the buyer wins",
            ("return.window", "dispute.seller_reply", "dispute.seller_silent"),
        ),
        ("return_by", "2025-04-12T12:00:00+02:00", "send the item back, with a tracking number", ("return.window",)),
        ("refund_arrives_by", "2025-04-12T15:00:00+02:00", "the refund reaches the card by then", ("refund.arrival",)),
    ]


def test_the_refunds_arrival_is_counted_on_the_rulebooks_calendar() -> None:
    # refund.arrival counted on China's calendar: 7 days of 24 hours after 28 March 12:00 (CET) is 4 April
    # 13:00 (CEST), across Paris's change to summer time
    custom = custom_rulebook(
        "2025.1-refund-in-shanghai",
        on_calendar("Asia/Shanghai", ["refund.arrival"], ["seed 004:51"]),
    )
    opened = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 3, 20, 9), rules=custom)
    refunded = aliprotect.platform_refunds(opened, at=paris(2025, 3, 28, 12), rules=custom)
    status = aliprotect.dispute_status(refunded, at=paris(2025, 3, 29), rules=custom)
    assert status.refund_arrives_by is not None
    assert status.refund_arrives_by.at == paris(2025, 4, 4, 13)


def test_a_dispute_under_a_rulebook_that_leaves_out_a_rule_of_the_machine_is_not_run() -> None:
    # a dispute the machine could not run through is refused as soon as it is read, even one built by
    # hand (open_dispute refuses to open it): here the rulebook does not state dispute.lost_is_final
    text = (importlib.resources.files("aliprotect") / "rulebooks" / "2025.1.toml").read_text(encoding="utf-8")
    start, end = text.index('[rules."dispute.lost_is_final"]'), text.index('[rules."refund.only_through_dispute"]')
    text = (text[:start] + text[end:]).replace('version = "2025.1"', 'version = "2025.1-no-final"')
    text = text.replace(
        'in_force_certainty = "seen"', 'in_force_certainty = "seen"\nnot_stated = ["dispute.lost_is_final"]'
    )
    custom = aliprotect.Rulebook.from_toml(text)
    dispute = aliprotect.Dispute(
        order=ORDER,
        claim=Claim(kind=ClaimKind.NOT_RECEIVED),
        opened_at=paris(2025, 4, 1, 9),
        rulebook=custom.version,
        fingerprint=custom.fingerprint,
    )
    with pytest.raises(aliprotect.errors.UnstatedRuleError, match=r"rule_id='dispute.lost_is_final'"):
        aliprotect.dispute_status(dispute, at=paris(2025, 4, 2), rules=custom)


def test_a_claim_phase_that_ends_without_a_claim_says_the_rules_are_silent() -> None:
    # undated.2, dispute.escalation: a claim phase and no moderator time; at its end (26 April 00:00)
    # the dispute stays negotiating, and the status says why
    dispute = rejected("undated.2", paris(2025, 4, 10, 9))
    status = aliprotect.dispute_status(dispute, at=paris(2025, 4, 26))
    assert (status.stage, status.rule_ids) == (aliprotect.Stage.NEGOTIATING, ("dispute.escalation",))
    assert status.description == (
        "no claim was filed before 2025-04-26T00:00:00+02:00, the end of the claim phase; the rulebook's sources do "
        "not say what happens next"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"order": "E1"}, "order='E1' must be an aliprotect.Order"),
        ({"claim": "damaged"}, "claim='damaged' must be an aliprotect.Claim"),
        (
            {"opened_at": dt.datetime(2025, 4, 1, 9)},
            "opened_at=2025-04-01T09:00:00 has no timezone; aliprotect never guesses one (C1): give it an offset or "
            "a zone, e.g. pendulum.datetime(..., tz='Asia/Shanghai')",
        ),
        ({"events": "x"}, "events='x' must be a sequence of DisputeEvent values, e.g. (DisputeEvent(...),)"),
    ],
)
def test_a_dispute_field_of_the_wrong_kind_is_refused_by_name(fields: dict[str, object], message: str) -> None:
    given: dict[str, object] = {
        "order": ORDER,
        "claim": Claim(kind=ClaimKind.NOT_RECEIVED),
        "opened_at": paris(2025, 4, 1, 9),
        "rulebook": "2025.1",
        "fingerprint": RULES.fingerprint,
    }
    with pytest.raises(InvalidValueError) as raised:
        aliprotect.Dispute(**{**given, **fields})  # type: ignore[arg-type]
    assert str(raised.value) == message


def test_what_is_not_a_dispute_or_an_event_kind_is_refused_by_name() -> None:
    with pytest.raises(InvalidValueError) as raised:
        aliprotect.dispute_status("D1", at=paris(2025, 4, 2))  # type: ignore[arg-type]
    assert str(raised.value) == "dispute='D1' must be an aliprotect.Dispute"
    with pytest.raises(InvalidValueError) as raised:
        DisputeEvent(kind="seller_accepts", at=paris(2025, 4, 2))  # type: ignore[arg-type]
    assert str(raised.value) == (
        "kind='seller_accepts' must be a DisputeEventKind: one of DisputeEventKind.SELLER_ACCEPTS, "
        "DisputeEventKind.SELLER_REJECTS, DisputeEventKind.SELLER_OFFERS, DisputeEventKind.BUYER_ACCEPTS_OFFER, "
        "DisputeEventKind.BUYER_CANCELS, DisputeEventKind.BUYER_ESCALATES, DisputeEventKind.BUYER_SHIPS_RETURN, "
        "DisputeEventKind.MODERATOR_DECIDES, DisputeEventKind.PLATFORM_REFUNDS"
    )


def test_the_moderator_time_stays_in_the_schedule_of_a_dispute_that_negotiated_before_it_was_accepted() -> None:
    # dispute.escalation: the moderator time governed the dispute while the sides negotiated (2-3 April)
    rejected_first, _ = _machine_steps()["rejected"]
    accepted = aliprotect.seller_accepts(rejected_first, at=paris(2025, 4, 3), rules=RULES)
    status = aliprotect.dispute_status(accepted, at=paris(2025, 4, 4))
    assert [(d.name, d.at) for d in status.schedule] == [
        ("seller_reply_by", paris(2025, 4, 6, 9)),
        ("moderator_from", paris(2025, 4, 8, 9)),
    ]


def test_a_closed_dispute_has_no_offer_on_the_table() -> None:
    # dispute.accept_offer_closes: once accepted, the offer is the refund, not an offer any more
    accepted, at = _machine_steps()["offer accepted"]
    status = aliprotect.dispute_status(accepted, at=at)
    assert (status.offer, status.refund) == (None, eur("5"))


# --- protection.period's deadline and the open-by ---------------------------------------------


@pytest.mark.parametrize(
    ("order", "version", "description"),
    [
        (ORDER, "2025.1", "buyer protection ends: 60 days after shipping"),
        (
            attrs.evolve(ORDER, extensions=(aliprotect.Extension(granted_at=paris(2025, 3, 10), days=5),)),
            "2025.1",
            "buyer protection ends: 60 days after shipping, extended by 5 days",
        ),
        (
            attrs.evolve(ORDER, promised_days=30, delivered_at=paris(2025, 3, 20, 12)),
            "undated.2",
            "buyer protection ends: 60 days after shipping; cut to 5 days after the parcel showed as delivered at "
            "2025-03-20T12:00:00+01:00",
        ),
    ],
)
def test_the_end_of_protection_says_how_it_was_counted(order: Order, version: str, description: str) -> None:
    # protection.period, protection.extension; undated.2 cuts protection to 5 days after delivery
    assert aliprotect.protection_end(order, rules=aliprotect.rulebook(version)).description == description


def test_the_open_by_is_counted_back_on_the_rulebooks_calendar() -> None:
    # protection.settlement_buffer counted on China's calendar: protection ends 5 April 18:00 (CEST); 10 days
    # of 24 hours before is 26 March 17:00 (CET), across Paris's change to summer time
    custom = custom_rulebook(
        "2025.1-buffer-in-shanghai",
        on_calendar("Asia/Shanghai", ["protection.settlement_buffer"], ["seed 000:58"]),
    )
    order = attrs.evolve(ORDER, placed_at=paris(2025, 2, 3), shipped_at=paris(2025, 2, 4, 18))
    assert aliprotect.protection_end(order, rules=custom).at == paris(2025, 4, 5, 18)
    assert aliprotect.recommended_open_by(order, rules=custom).at == paris(2025, 3, 26, 17)


# --- the order as it was known at `at` ---------------------------------------------------------

NOT_ARRIVED = (
    "open_dispute",
    "by_deadline",
    "2025-04-22T18:00:00+02:00",
    ("protection.settlement_buffer", "protection.extension"),
    "if it has not arrived by 2025-04-22T18:00:00+02:00, open a dispute then, or get the seller to extend "
    "protection first: settlement takes 10 days",
)


@pytest.mark.parametrize(
    ("facts", "version", "at", "first"),
    [
        # receipt (20 March) and delivery (19 March) are both after `at`: neither is known yet, shipping is
        (
            {"received_at": paris(2025, 3, 20, 12), "delivered_at": paris(2025, 3, 19, 12)},
            "2025.1",
            paris(2025, 3, 10),
            NOT_ARRIVED,
        ),
        ({"received_at": paris(2025, 3, 20, 12)}, "2025.1", paris(2025, 3, 10), NOT_ARRIVED),
        # receipt is known, a later delivery scan is not: the item arrived
        (
            {"received_at": paris(2025, 3, 20, 12), "delivered_at": paris(2025, 3, 22, 12)},
            "2025.1",
            paris(2025, 3, 21),
            (
                "open_dispute",
                "by_deadline",
                "2025-04-04T12:00:00+02:00",
                ("open.latest",),
                "if something is wrong with the item, open a dispute before 2025-04-04T12:00:00+02:00, with photos",
            ),
        ),
        # undated.2 cuts protection 5 days after delivery: a known delivery cuts it, a later one does not yet
        (
            {"promised_days": 30, "delivered_at": paris(2025, 3, 20, 12), "received_at": paris(2025, 3, 28, 12)},
            "undated.2",
            paris(2025, 3, 22),
            (
                "ask_extension",
                "now",
                "2025-03-25T12:00:00+01:00",
                ("protection.extension",),
                "ask the seller to extend protection before it ends at 2025-03-25T12:00:00+01:00",
            ),
        ),
        ({"promised_days": 30, "delivered_at": paris(2025, 3, 28, 12)}, "undated.2", paris(2025, 3, 22), NOT_ARRIVED),
        # an extension granted before `at` counts though receipt (28 April) is still to come: protection
        # ends 7 May 18:00, the open-by is 27 April 18:00
        (
            {
                "extensions": (aliprotect.Extension(granted_at=paris(2025, 3, 10), days=5),),
                "received_at": paris(2025, 4, 28, 12),
            },
            "2025.1",
            paris(2025, 4, 25),
            (
                "open_dispute",
                "by_deadline",
                "2025-04-27T18:00:00+02:00",
                ("protection.settlement_buffer", "protection.extension"),
                "if it has not arrived by 2025-04-27T18:00:00+02:00, open a dispute then, or get the seller to extend "
                "protection first: settlement takes 10 days",
            ),
        ),
    ],
)
def test_advice_uses_only_what_had_happened_by_then(
    facts: dict[str, object], version: str, at: pendulum.DateTime, first: tuple[object, ...]
) -> None:
    # shipping, receipt, delivery and extensions after `at` are not known at `at`
    order = attrs.evolve(ORDER, **facts)
    assert advice_of(aliprotect.next_actions(order, at=at, rules=aliprotect.rulebook(version)))[0] == first


# --- the advice on an order without a dispute --------------------------------------------------


def test_the_advice_while_waiting_for_the_window_in_full() -> None:
    # cancel.before_shipment before shipping; open.earliest (day 6, 9 March 00:00) after; under 2021.1 the
    # window waits while the parcel is in transit inside the promised 30 days (until 2 April 18:00)
    assert advice_of(aliprotect.next_actions(UNSHIPPED, at=paris(2025, 3, 2), rules=RULES)) == [
        (
            "wait",
            "info",
            None,
            ("cancel.before_shipment",),
            "not shipped yet: it can still be cancelled, with the seller's agreement",
        )
    ]
    assert advice_of(aliprotect.next_actions(ORDER, at=paris(2025, 3, 5), rules=RULES))[-1] == (
        "wait",
        "info",
        "2025-03-09T00:00:00+01:00",
        ("open.earliest",),
        "a dispute can be opened from 2025-03-09T00:00:00+01:00",
    )
    on_its_way = tracking((paris(2025, 3, 15, 8), Location.IN_TRANSIT))
    waiting = aliprotect.next_actions(
        PROMISED, at=paris(2025, 3, 20), tracking=on_its_way, rules=aliprotect.rulebook("2021.1")
    )
    assert advice_of(waiting)[-1] == (
        "wait",
        "info",
        "2025-04-02T18:00:00+02:00",
        ("open.earliest",),
        "the parcel is in transit inside the seller's promised delivery time: a dispute can be opened from "
        "2025-04-02T18:00:00+02:00",
    )


def test_the_timeline_describes_each_deadline() -> None:
    # open.earliest (and, under 2021.1, its wait while the parcel is in transit), open.latest; an order
    # that has not shipped has no deadlines, but its timeline still names the order and the rulebook
    def described(version: str) -> dict[str, str]:
        timeline = aliprotect.timeline(PROMISED, rules=aliprotect.rulebook(version))
        return {d.name: d.description for d in timeline}

    assert described("2025.1")["dispute_opens"] == "a dispute can be opened from now"
    assert described("2025.1")["dispute_closes"] == "last chance: a dispute can no longer be opened from now on"
    assert described("2021.1")["dispute_opens"] == (
        "a dispute can be opened from now; while the parcel is in transit inside the seller's promised delivery "
        "time, only once that time has passed"
    )
    assert aliprotect.timeline(UNSHIPPED, rules=RULES) == aliprotect.Timeline(
        order_id="U1", rulebook="2025.1", fingerprint=RULES.fingerprint, deadlines=()
    )


def test_an_event_at_a_naive_instant_is_refused_by_the_name_at() -> None:
    # C1
    with pytest.raises(aliprotect.errors.NaiveDatetimeError) as raised:
        TrackingEvent(at=dt.datetime(2025, 3, 4), where=Location.IN_TRANSIT)
    assert str(raised.value) == (
        "at=2025-03-04T00:00:00 has no timezone; aliprotect never guesses one (C1): give it an offset or a zone, "
        "e.g. pendulum.datetime(..., tz='Asia/Shanghai')"
    )


# --- more bad input, by name --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ask", "error", "message"),
    [
        (
            lambda: aliprotect.next_actions("E1", at=paris(2025, 3, 2)),  # type: ignore[arg-type]
            InvalidValueError,
            "order='E1' must be an aliprotect.Order",
        ),
        (
            lambda: aliprotect.next_actions(ORDER, at=paris(2025, 2, 1), rules=RULES),
            TimeOrderError,
            "at=2025-02-01T00:00:00+01:00 is before order E1 was placed (2025-03-01T10:00:00+01:00); ask about an "
            "instant at or after it",
        ),
        (
            lambda: aliprotect.next_actions(ORDER, at=paris(2025, 3, 2), dispute="D1", rules=RULES),  # type: ignore[arg-type]
            InvalidValueError,
            "dispute='D1' must be an aliprotect.Dispute",
        ),
        (
            lambda: aliprotect.open_dispute(ORDER, "damaged", at=paris(2025, 4, 1), rules=RULES),  # type: ignore[arg-type]
            InvalidValueError,
            "claim='damaged' must be an aliprotect.Claim",
        ),
        (
            lambda: aliprotect.can_open_dispute(
                PROMISED, ClaimKind.NOT_RECEIVED, at=paris(2025, 3, 20), rules=aliprotect.rulebook("2021.1")
            ),
            aliprotect.errors.MissingFactError,
            "tracking=None: under rulebook 2021.1, open.earliest waits while the parcel is in transit inside the "
            "seller's promised delivery time, which ends at 2025-04-02T18:00:00+02:00; pass the order's tracking",
        ),
    ],
)
def test_the_questions_refuse_bad_input_by_name(ask: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as raised:
        ask()  # type: ignore[operator]
    assert str(raised.value) == message


def test_during_a_dispute_a_delivery_the_tracking_shows_must_be_set_on_the_order() -> None:
    # undated.2, protection.period cuts protection at delivery: the tracking and delivered_at must agree
    opened = aliprotect.open_dispute(
        PROMISED, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 3, 20, 9), rules=aliprotect.rulebook("undated.2")
    )
    delivered = tracking((paris(2025, 3, 19, 8), Location.DELIVERED))
    with pytest.raises(aliprotect.errors.MissingFactError) as raised:
        aliprotect.next_actions(PROMISED, at=paris(2025, 3, 21), dispute=opened, tracking=delivered)
    assert str(raised.value) == (
        "delivered_at=None, but the tracking shows order E1 delivered at 2025-03-19T08:00:00+01:00; under rulebook "
        "undated.2, protection.period cuts protection once the parcel shows as delivered: set the order's delivered_at"
    )


def test_a_dispute_built_by_hand_about_an_unshipped_order_has_no_promised_delivery_time() -> None:
    # C6 (undated.2's escalation waits on the promised delivery time, which counts from shipping)
    undated_2 = aliprotect.rulebook("undated.2")
    unshipped = Order(id="U1", placed_at=paris(2025, 3, 1, 10), protection_days=60, promised_days=30)
    by_hand = aliprotect.Dispute(
        order=unshipped,
        claim=Claim(kind=ClaimKind.NOT_RECEIVED),
        opened_at=paris(2025, 3, 10, 9),
        rulebook="undated.2",
        fingerprint=undated_2.fingerprint,
        events=(DisputeEvent(kind=DisputeEventKind.SELLER_REJECTS, at=paris(2025, 3, 11)),),
    )
    with pytest.raises(NotShippedError, match=r"^order U1 has no shipped_at, so it has no promised delivery time: "):
        aliprotect.next_actions(unshipped, at=paris(2025, 3, 20), dispute=by_hand)


def test_completion_needs_the_extension_rule_for_an_extended_order() -> None:
    # the completion of an extended order rests on protection.extension: a rulebook that does not state it
    # cannot answer (one without extensions can)
    text = (importlib.resources.files("aliprotect") / "rulebooks" / "2025.1.toml").read_text(encoding="utf-8")
    start, end = text.index('[rules."protection.extension"]'), text.index('[rules."protection.expiry_completes"]')
    text = (text[:start] + text[end:]).replace('version = "2025.1"', 'version = "2025.1-no-extension"')
    text = text.replace(
        'in_force_certainty = "seen"', 'in_force_certainty = "seen"\nnot_stated = ["protection.extension"]'
    )
    custom = aliprotect.Rulebook.from_toml(text)
    assert aliprotect.completion(ORDER, rules=custom).at == paris(2025, 5, 2, 18)
    extended = attrs.evolve(ORDER, extensions=(aliprotect.Extension(granted_at=paris(2025, 3, 10), days=5),))
    with pytest.raises(aliprotect.errors.UnstatedRuleError, match=r"rule_id='protection.extension'"):
        aliprotect.completion(extended, rules=custom)


def test_the_wait_while_in_transit_is_counted_on_the_rulebooks_calendar() -> None:
    # 2021.1 with open.earliest counted on China's calendar: the promised 30 days after 3 March 18:00 (CET)
    # end 2 April 19:00 (CEST); at 18:30 the parcel on its way still makes the buyer wait
    custom = custom_rulebook(
        "2021.1-earliest-in-shanghai",
        on_calendar("Asia/Shanghai", ["open.earliest"], ["seed 002:26"]),
        base="2021.1",
    )
    on_its_way = tracking((paris(2025, 3, 15, 8), Location.IN_TRANSIT))
    verdict = aliprotect.can_open_dispute(
        PROMISED, ClaimKind.NOT_RECEIVED, at=paris(2025, 4, 2, 18, 30), rules=custom, tracking=on_its_way
    )
    assert not verdict
    assert verdict.reason == (
        "the parcel is in transit inside the seller's promised delivery time: a dispute can be opened from "
        "2025-04-02T19:00:00+02:00, when that time has passed"
    )


# --- opening a dispute (open.*, claim.*) -------------------------------------------------------


def test_completion_says_how_the_order_completed() -> None:
    # C7: by receipt, or by protection running out (protection.expiry_completes)
    assert aliprotect.completion(ORDER, rules=RULES).description == (
        "order completes: protection ran out and escrow pays the seller"
    )
    received = attrs.evolve(ORDER, received_at=paris(2025, 3, 28, 12))
    assert aliprotect.completion(received, rules=RULES).description == (
        "order completes: the buyer confirmed receipt and escrow pays the seller"
    )


@pytest.mark.parametrize(
    ("order", "claim", "at", "reason"),
    [
        (
            ORDER,
            Claim(kind=ClaimKind.NOT_RECEIVED, circumstance=aliprotect.Circumstance.UNCLAIMED_AT_POST_OFFICE),
            paris(2025, 4, 1),
            "the parcel was not picked up at the post office in time and was sent back: buyer protection does not "
            "cover this, so no refund is normally made (claim.not_covered: seed 001:149, seed 001 comment 44 reply, "
            "seed 001:158)",
        ),
        (
            ORDER,
            ClaimKind.NOT_RECEIVED,
            paris(2025, 5, 17, 18),
            "too late: the last chance ended at 2025-05-17T18:00:00+02:00, 15 days after the order completed; no "
            "refund is possible",
        ),
        (
            attrs.evolve(ORDER, received_at=paris(2025, 3, 28, 12)),
            ClaimKind.NOT_RECEIVED,
            paris(2025, 4, 1),
            "the buyer confirmed receipt at 2025-03-28T12:00:00+01:00, so a 'not received' claim no longer applies; "
            "choose the claim that describes the problem",
        ),
    ],
)
def test_a_refused_opening_gives_its_reason_in_full(
    order: Order, claim: Claim | ClaimKind, at: pendulum.DateTime, reason: str
) -> None:
    # claim.not_covered (with its citations), open.latest (C3), open.not_received_before_receipt
    assert aliprotect.can_open_dispute(order, claim, at=at, rules=RULES).reason == reason


@pytest.mark.parametrize(
    ("ask", "message"),
    [
        (
            lambda d: aliprotect.can_open_dispute(ORDER, "not_received", at=paris(2025, 4, 1), rules=RULES),  # type: ignore[arg-type]
            "claim='not_received' must be a Claim, or a ClaimKind: one of ClaimKind.NOT_RECEIVED, ClaimKind.LATE, "
            "ClaimKind.NOT_AS_DESCRIBED, ClaimKind.WRONG_ITEM, ClaimKind.DAMAGED, ClaimKind.MISSING_ITEMS, "
            "ClaimKind.COUNTERFEIT",
        ),
        (
            lambda d: aliprotect.can_open_dispute(
                ORDER, ClaimKind.DAMAGED, at=paris(2025, 4, 1), rules=RULES, previous=d
            ),
            "previous={!r} must be a sequence of the order's earlier disputes, e.g. [dispute]",
        ),
        (
            lambda d: aliprotect.can_open_dispute(
                ORDER, ClaimKind.DAMAGED, at=paris(2025, 4, 1), rules=RULES, previous=["x"]
            ),  # type: ignore[list-item]
            "previous[]='x' must be an aliprotect.Dispute",
        ),
        (
            lambda d: aliprotect.can_open_dispute("E1", ClaimKind.DAMAGED, at=paris(2025, 4, 1), rules=RULES),  # type: ignore[arg-type]
            "order='E1' must be an aliprotect.Order",
        ),
        (
            lambda d: aliprotect.can_open_dispute(
                ORDER,
                Claim(kind=ClaimKind.LATE, resolution=aliprotect.Resolution.REFUND_WITH_RETURN),
                at=paris(2025, 4, 1),
                rules=RULES,
            ),
            "resolution='refund_with_return' is not possible for a late claim (claim.late, rulebook 2025.1); it can "
            "ask for: full_refund, partial_refund",
        ),
        (
            lambda d: aliprotect.can_open_dispute(
                ORDER,
                Claim(kind=ClaimKind.DAMAGED, resolution=aliprotect.Resolution.PARTIAL_REFUND, amount=eur("25")),
                at=paris(2025, 4, 1),
                rules=RULES,
            ),
            "amount=Money(amount=Decimal('25'), currency='EUR') is more than the 20.00 EUR left to refund on order "
            "E1; a refund never exceeds what was paid",
        ),
    ],
)
def test_opening_refuses_bad_input_by_name(ask: object, message: str) -> None:
    earlier = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 3, 20), rules=RULES)
    with pytest.raises(InvalidValueError) as raised:
        ask(earlier)  # type: ignore[operator]
    assert str(raised.value) == message.replace("{!r}", repr(earlier))


# --- protection cut at delivery, counted on China's calendar (undated.2 with days_counted_in) ---------

CUT_IN_SHANGHAI = custom_rulebook(
    "undated.2-shanghai",
    (
        'in_force_certainty = "unknown"',
        'days_counted_in = "Asia/Shanghai"\ndays_counted_in_rules = ["protection.period", "protection.extension"]\n'
        'days_counted_in_citations = ["seed 002:44"]\nin_force_certainty = "unknown"',
    ),
    base="undated.2",
)


@pytest.mark.parametrize(
    ("facts", "end"),
    [
        # delivered 27 March 12:00 (CET, 11:00 UTC): 5 days of 24 hours later is 1 April 13:00 (CEST); an
        # extension of 5 days granted after delivery adds 5 more: 6 April 13:00
        (
            {
                "delivered_at": paris(2025, 3, 27, 12),
                "extensions": (aliprotect.Extension(granted_at=paris(2025, 3, 28), days=5),),
            },
            paris(2025, 4, 6, 13),
        ),
        # delivered 24 March 12:00 (CET): 29 March 12:00, then 5 days of 24 hours across the change: 3 April 13:00
        (
            {
                "delivered_at": paris(2025, 3, 24, 12),
                "extensions": (aliprotect.Extension(granted_at=paris(2025, 3, 25), days=5),),
            },
            paris(2025, 4, 3, 13),
        ),
        # delivered 30 April: 5 days later is past the timer's own end, 60 days of 24 hours after 3 March
        # 18:00 (CET): 2 May 19:00 (CEST)
        ({"delivered_at": paris(2025, 4, 30, 12)}, paris(2025, 5, 2, 19)),
    ],
)
def test_a_cut_at_delivery_is_counted_on_the_rulebooks_calendar(
    facts: dict[str, object], end: pendulum.DateTime
) -> None:
    # protection.period's after_delivered (5 days) and at_most, counted in whole 24-hour days
    order = attrs.evolve(ORDER, promised_days=30, **facts)
    assert aliprotect.protection_end(order, rules=CUT_IN_SHANGHAI).at == end


def test_a_cut_at_delivery_takes_the_earlier_instant_in_the_hour_a_dst_change_repeats() -> None:
    # shipped 27 August 2025 00:30 UTC (02:30 CEST): 60 days of 24 hours end 26 October 00:30 UTC, 02:30 on
    # the first pass; delivered 21 October 01:15 UTC, so 5 days later is 26 October 01:15 UTC, 02:15 on the
    # second pass. The timer's end is the earlier instant, though its wall clock reads later.
    shipped = pendulum.datetime(2025, 8, 27, 0, 30, tz="UTC").in_timezone(PARIS)
    order = Order(
        id="E1",
        placed_at=shipped.subtract(days=1),
        shipped_at=shipped,
        protection_days=60,
        promised_days=30,
        delivered_at=pendulum.datetime(2025, 10, 21, 1, 15, tz="UTC").in_timezone(PARIS),
    )
    end = aliprotect.protection_end(order, rules=CUT_IN_SHANGHAI).at
    assert _days.key(end) == _days.key(pendulum.datetime(2025, 10, 26, 0, 30, tz="UTC"))


def test_the_last_chance_counts_from_receipt_at_the_very_end_of_the_promised_time_in_its_zone() -> None:
    # 2021.1, open.latest: 15 days after the earlier of the promised 20 days' end (23 March 18:00 CET) and
    # receipt. Receipt at that very instant, written in UTC, is not earlier: the 15 days count on Paris's
    # calendar from 23 March 18:00, to 7 April 18:00 (CEST), not from 17:00 UTC to 7 April 17:00 UTC
    order = attrs.evolve(PROMISED, promised_days=20, received_at=pendulum.datetime(2025, 3, 23, 17, tz="UTC"))
    assert aliprotect.dispute_window(order, rules=aliprotect.rulebook("2021.1")).closes == paris(2025, 4, 7, 18)


def test_tracking_that_does_not_fit_the_order_is_refused() -> None:
    with pytest.raises(InvalidValueError) as raised:
        aliprotect.next_actions(ORDER, at=paris(2025, 3, 5), tracking="LP1", rules=RULES)  # type: ignore[arg-type]
    assert str(raised.value) == "tracking='LP1' must be an aliprotect.Tracking"
    with pytest.raises(TimeOrderError) as raised:
        aliprotect.next_actions(
            UNSHIPPED,
            at=paris(2025, 3, 5),
            tracking=Tracking(number="LP1", provided_at=paris(2025, 3, 4, 9)),
            rules=RULES,
        )
    assert str(raised.value) == (
        "tracking number LP1 was provided at 2025-03-04T09:00:00+01:00, but order U1 has not shipped; the seller "
        "gives the number when shipping"
    )


def test_the_start_of_a_day_number_in_a_zoneinfo_zone() -> None:
    # C4: day 6 after 3 March 18:00 in Auckland (a zoneinfo zone, which pendulum's fast path does not
    # handle) starts 9 March 00:00 there, NZDT (+13:00)
    shipped = pendulum.DateTime(2025, 3, 3, 18, tzinfo=ZoneInfo(AUCKLAND))
    start = _days.start_of_day_number(shipped, 6)
    assert start == pendulum.datetime(2025, 3, 9, tz=AUCKLAND)
    assert (start.timezone_name, start.utcoffset()) == (AUCKLAND, dt.timedelta(hours=13))


# --- the dispute window on another calendar (open.*, days_counted_in) ---------------------------


def _counted_in(zone: str, rules: str, citation: str) -> tuple[str, str]:
    """The replacement that makes a rulebook count ``rules``' days on ``zone``'s calendar."""
    return (
        'in_force_certainty = "',
        f'days_counted_in = "{zone}"\ndays_counted_in_rules = [{rules}]\n'
        f'days_counted_in_citations = ["{citation}"]\nin_force_certainty = "',
    )


def test_the_last_day_after_shipping_ends_on_the_rulebooks_calendar() -> None:
    # undated.1, open.latest "until day 39" (post) counted on China's calendar: shipped 3 March 18:00 in
    # Paris is 4 March 01:00 there, so the window shuts as 13 April starts there: 12 April 18:00 in Paris
    custom = custom_rulebook(
        "undated.1-shanghai", _counted_in("Asia/Shanghai", '"open.latest"', "seed 002:26"), base="undated.1"
    )
    assert aliprotect.dispute_window(PROMISED, rules=custom).closes == paris(2025, 4, 12, 18)


def test_the_days_after_completion_are_counted_on_the_rulebooks_calendar() -> None:
    # 2025.1, open.latest counted on China's calendar: 15 days of 24 hours after receipt on 20 March 12:00
    # (CET) end 4 April 13:00 (CEST)
    custom = custom_rulebook("2025.1-latest-in-shanghai", _counted_in("Asia/Shanghai", '"open.latest"', "seed 001:99"))
    received = attrs.evolve(ORDER, received_at=paris(2025, 3, 20, 12))
    assert aliprotect.dispute_window(received, rules=custom).closes == paris(2025, 4, 4, 13)


def test_the_day_a_window_opens_can_depend_on_the_carrier() -> None:
    # undated.1 with open.earliest given per carrier group (post: day 7): 10 March 00:00
    custom = custom_rulebook(
        "undated.1-opens-by-carrier",
        (
            'quantities.opens = { value = 6, unit = "day_number" }',
            'quantities.opens = { by_carrier = { express = 5, ems = 6, post = 7 }, unit = "day_number" }',
        ),
        base="undated.1",
    )
    assert aliprotect.dispute_window(PROMISED, rules=custom).opens == paris(2025, 3, 10)


def test_an_empty_window_is_never_inverted_in_the_hour_a_dst_change_repeats() -> None:
    # C3: a custom rulebook (open.earliest day 13, open.latest 2 days counted on Bogota's calendar) can make
    # the window empty. Havana lives 00:00-01:00 twice on 2 November 2025: the window opens at 00:00 on the
    # second pass (05:00 UTC); 2 days after receipt on 31 October 04:30 UTC is 00:30 on the first pass
    # (04:30 UTC), earlier, though its wall clock reads later. The window closes as it opens.
    custom = custom_rulebook(
        "2025.1-empty-window",
        _counted_in("America/Bogota", '"open.latest"', "seed 001:99"),
        (
            'quantities.opens = { value = 6, unit = "day_number" }',
            'quantities.opens = { value = 13, unit = "day_number" }',
        ),
        (
            'quantities.after_completion = { value = 15, unit = "days" }',
            'quantities.after_completion = { value = 2, unit = "days" }',
        ),
    )
    havana = "America/Havana"
    order = Order(
        id="H2",
        placed_at=pendulum.datetime(2025, 10, 18, 10, tz=havana),
        shipped_at=pendulum.datetime(2025, 10, 20, 12, tz=havana),
        protection_days=60,
        received_at=pendulum.datetime(2025, 10, 31, 4, 30, tz="UTC").in_timezone(havana),
    )
    window = aliprotect.dispute_window(order, rules=custom)
    assert _days.key(window.opens) == _days.key(pendulum.datetime(2025, 11, 2, 5, tz="UTC"))
    assert _days.key(window.closes) == _days.key(window.opens)


def test_a_window_opening_days_after_shipping_counts_them_on_the_rulebooks_calendar() -> None:
    # undated.2, open.earliest "5 days after shipping" counted on China's calendar: shipped 27 March 12:00
    # (CET), 5 days of 24 hours later is 1 April 13:00 (CEST)
    custom = custom_rulebook(
        "undated.2-opens-in-shanghai", _counted_in("Asia/Shanghai", '"open.earliest"', "seed 002:26"), base="undated.2"
    )
    order = Order(
        id="E1",
        placed_at=paris(2025, 3, 26, 10),
        shipped_at=paris(2025, 3, 27, 12),
        protection_days=60,
        promised_days=30,
    )
    assert aliprotect.dispute_window(order, rules=custom).opens == paris(2025, 4, 1, 13)


def test_days_on_a_calendar_with_daylight_saving_keep_that_calendars_wall_clock() -> None:
    # C2 with days_counted_in: 8 March 12:00 in Paris is 06:00 in New York; a day later on New York's
    # calendar is 9 March 06:00 there (EDT, the clocks moved), 11:00 in Paris
    assert _days.add_days(paris(2025, 3, 8, 12), 1, "America/New_York") == paris(2025, 3, 9, 11)


def test_a_count_of_days_past_the_year_9999_is_refused() -> None:
    with pytest.raises(InvalidValueError) as raised:
        _days.add_days(paris(9999, 12, 1), 100)
    assert str(raised.value) == (
        "100 days after 9999-12-01T00:00:00+01:00 falls outside the years 1 to 9999 that dates can have; check the "
        "number of days"
    )


class _NoOffset(dt.tzinfo):
    """A zone that does not know its offset: utcoffset() is None, as for a naive datetime."""

    def utcoffset(self, value: dt.datetime | None) -> dt.timedelta | None:
        return None

    def dst(self, value: dt.datetime | None) -> dt.timedelta | None:
        return None

    def tzname(self, value: dt.datetime | None) -> str | None:
        return None


def test_an_instant_whose_zone_gives_no_offset_is_refused_as_naive() -> None:
    # C1: a tzinfo whose utcoffset() is None does not place the instant on the time line
    with pytest.raises(aliprotect.errors.NaiveDatetimeError) as raised:
        Order(id="E1", placed_at=dt.datetime(2025, 3, 1, 10, tzinfo=_NoOffset()), protection_days=60)
    assert str(raised.value) == (
        "placed_at=2025-03-01T10:00:00 has no timezone; aliprotect never guesses one (C1): give it an offset or a "
        "zone, e.g. pendulum.datetime(..., tz='Asia/Shanghai')"
    )


def test_a_pendulum_instant_in_a_zoneinfo_zone_is_read_in_pendulum_s_zone_of_that_name() -> None:
    # C1, C2: found by mutation testing; pendulum's day arithmetic turned such an instant naive, and
    # dispute_window raised TypeError. It is now the same instant, in pendulum's zone of that name.
    shipped = pendulum.DateTime(2025, 3, 3, 18, tzinfo=ZoneInfo("Pacific/Auckland"))
    order = Order(id="Z1", placed_at=shipped, shipped_at=shipped, protection_days=60)
    assert isinstance(order.shipped_at.tzinfo, pendulum.Timezone)
    assert order.shipped_at.tzinfo.name == "Pacific/Auckland"
    plain = Order(
        id="Z1",
        placed_at=shipped,
        shipped_at=dt.datetime(2025, 3, 3, 18, tzinfo=ZoneInfo("Pacific/Auckland")),
        protection_days=60,
    )
    window = aliprotect.dispute_window(order, rules=RULES)
    assert window == aliprotect.dispute_window(plain, rules=RULES)
    assert window.closes.isoformat() == "2025-05-17T18:00:00+12:00"  # NZ daylight saving ended on 6 April


def test_reminders_within_a_span_past_the_year_9999_are_refused_not_overflowed() -> None:
    # found by the 100,000-example fuzz run: `at + within` past the year 9999
    with pytest.raises(InvalidValueError, match=r"within=datetime.timedelta\(days=2916096\) after at="):
        aliprotect.upcoming([ORDER], at=paris(2025, 4, 1), within=dt.timedelta(days=2_916_096), rules=RULES)


# --- the later pages' timer, which follows the promised delivery time (undated.4) ---------------

PAGES = aliprotect.rulebook("undated.4")


def test_an_extension_past_the_promised_timer_is_refused_naming_no_calendar() -> None:
    # undated.4, protection.period follows the promised 20 days (shipped 4 March 2019 18:00: ends 24 March
    # 18:00), counted in the instant's own zone; the order's own 60 days would have let a 29 March extension in
    shipped = paris(2019, 3, 4, 18)
    order = Order(
        id="P1",
        placed_at=shipped,
        shipped_at=shipped,
        protection_days=60,
        promised_days=20,
        extensions=(aliprotect.Extension(granted_at=paris(2019, 3, 29, 18), days=5),),
    )
    with pytest.raises(TimeOrderError) as raised:
        aliprotect.protection_end(order, rules=PAGES)
    assert str(raised.value) == (
        "extension granted_at 2019-03-29T18:00:00+01:00 is not before protection ended at "
        "2019-03-24T18:00:00+01:00, counted as rulebook undated.4 counts it; "
        "an extension can only be granted while protection is active (protection.extension)"
    )


def test_a_promised_timer_beyond_every_source_is_refused_under_a_rulebook_with_no_maximum() -> None:
    # protection.period follows the promised time and, without at_most, the sanity limit (120 days) applies
    uncapped = custom_rulebook(
        "undated.4+uncapped",
        ('quantities.at_most = { value = 60, unit = "days" }\n', ""),
        base="undated.4",
    )
    shipped = paris(2019, 3, 4, 18)
    order = Order(
        id="P2",
        placed_at=shipped,
        shipped_at=shipped,
        protection_days=60,
        promised_days=121,
    )
    with pytest.raises(InvalidValueError) as raised:
        aliprotect.protection_end(order, rules=uncapped)
    assert str(raised.value) == (
        "promised_days=121: no source states a protection timer longer than 120 days (protection of 60 days, "
        "90 for Russia, 120 for Brazil: AliExpress help-centre text quoted on bio-guard.net) and rulebook "
        "undated.4+uncapped states no maximum of its own (protection.period); give the timer in days, 120 or less"
    )
    assert aliprotect.protection_end(attrs.evolve(order, promised_days=120), rules=uncapped).at == paris(2019, 7, 2, 18)


@pytest.mark.parametrize(
    ("facts", "at", "description"),
    [
        # promised 15 days: protection ends 19 March 18:00, 10 days before is 9 March 18:00, the very
        # instant the window opens (5 days after shipping): not before it, so the plain advice stands
        (
            {"promised_days": 15},
            paris(2019, 3, 9, 18),
            "open a dispute by now: settlement takes at least 10 days before protection ends",
        ),
        # an extension granted 22 March (promised 20 days + 5): 10 days before the end would be before it
        (
            {
                "promised_days": 20,
                "extensions": (aliprotect.Extension(granted_at=paris(2019, 3, 22, 18), days=5),),
            },
            paris(2019, 3, 22, 18),
            "open a dispute by now: protection ends at 2019-03-29T18:00:00+01:00, less than the 10 days "
            "settlement takes after the last extension was granted at 2019-03-22T18:00:00+01:00",
        ),
        # delivered 14 March cuts protection to 19 March (5 days): the open-by is the delivery itself
        (
            {"promised_days": 30, "delivered_at": paris(2019, 3, 14, 18)},
            paris(2019, 3, 14, 18),
            "open a dispute by now: protection ends at 2019-03-19T18:00:00+01:00, less than the 10 days "
            "settlement takes after the parcel showed as delivered and protection was cut at "
            "2019-03-14T18:00:00+01:00",
        ),
        # an extension granted at the very instant the window opens (9 March 18:00): the first of the two
        # equal reasons, the window's opening, is the one given
        (
            {
                "promised_days": 8,
                "extensions": (aliprotect.Extension(granted_at=paris(2019, 3, 9, 18), days=2),),
            },
            paris(2019, 3, 9, 18),
            "open a dispute by now: protection ends at 2019-03-14T18:00:00+01:00, less than the 10 days "
            "settlement takes after a dispute can first be opened at 2019-03-09T18:00:00+01:00",
        ),
    ],
)
def test_the_later_pages_open_by_is_never_before_the_end_was_known_and_says_why(
    facts: dict[str, object], at: pendulum.DateTime, description: str
) -> None:
    # protection.settlement_buffer, anchor "end_known": shipped 4 March 2019 18:00 in Paris
    shipped = paris(2019, 3, 4, 18)
    order = attrs.evolve(
        Order(id="P3", placed_at=shipped, shipped_at=shipped, protection_days=60),
        **facts,
    )
    advised = aliprotect.recommended_open_by(order, rules=PAGES)
    assert (advised.at.isoformat(), advised.description) == (
        at.isoformat(),
        description,
    )


# --- the order as it was known at `at` ----------------------------------------------------------


def test_an_extension_granted_after_at_is_not_yet_known_to_the_advice() -> None:
    # protection.extension: the extension of 28 April is still to come on 25 April, so protection ends
    # 2 May 18:00 as far as anyone knows then (not 7 May), and the open-by (22 April) has passed
    order = attrs.evolve(
        ORDER,
        extensions=(aliprotect.Extension(granted_at=paris(2025, 4, 28, 12), days=5),),
    )
    at = paris(2025, 4, 25)
    advised = aliprotect.next_actions(order, at=at, rules=RULES)
    assert advised == aliprotect.next_actions(ORDER, at=at, rules=RULES)  # the order without it: pinned above
    assert advised[0].text == "ask the seller to extend protection before it ends at 2025-05-02T18:00:00+02:00"


# --- a silent seller under the escrow era: the dispute goes to the team (2010.1) ------------------

SHANGHAI = "Asia/Shanghai"
ESCROW = aliprotect.rulebook("2010.1")


def deadlines_of(
    status: aliprotect.DisputeStatus,
) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(d.name, d.at.isoformat(), d.description, d.rule_ids) for d in status.deadlines]


def test_a_silent_sellers_dispute_goes_to_the_dispute_team_in_full() -> None:
    # 2010.1: dispute.seller_reply 15 days (opened 10 May 2012 09:00 in Shanghai: 25 May 09:00), then
    # dispute.seller_silent sends it to the team on the 16th day (dispute.escalation: 26 May 00:00)
    shipped = pendulum.datetime(2012, 5, 2, 15, tz=SHANGHAI)
    order = Order(
        id="E1",
        placed_at=shipped,
        shipped_at=shipped,
        protection_days=60,
        carrier="EMS",
    )
    opened = pendulum.datetime(2012, 5, 10, 9, tz=SHANGHAI)
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=ESCROW)
    team = (
        "moderator_from",
        "2012-05-26T00:00:00+08:00",
        "if the seller has not replied, the dispute goes to AliExpress's dispute team",
        ("dispute.seller_silent", "dispute.escalation"),
    )
    reply = (
        "seller_reply_by",
        "2012-05-25T09:00:00+08:00",
        "the seller must reply or accept before this instant, or the dispute goes to AliExpress's dispute team "
        "at 2012-05-26T00:00:00+08:00",
        ("dispute.seller_reply", "dispute.seller_silent"),
    )

    def wait_by(at: pendulum.DateTime) -> str | None:
        advice = aliprotect.next_actions(order, at=at, dispute=dispute, rules=ESCROW)
        (wait,) = [a for a in advice if a.action is Action.WAIT]
        return None if wait.by is None else wait.by.isoformat()

    # waiting: the reply deadline, and the team after it
    waiting = aliprotect.dispute_status(dispute, at=opened.add(days=1))
    assert (waiting.stage, waiting.rule_ids) == (
        aliprotect.Stage.AWAITING_SELLER,
        ("dispute.seller_reply",),
    )
    assert deadlines_of(waiting) == [reply, team]
    assert wait_by(opened.add(days=1)) == "2012-05-25T09:00:00+08:00"
    # the seller let the reply deadline pass: still waiting, now for the team
    silent = aliprotect.dispute_status(dispute, at=pendulum.datetime(2012, 5, 25, 21, tz=SHANGHAI))
    assert (silent.stage, silent.rule_ids) == (
        aliprotect.Stage.AWAITING_SELLER,
        ("dispute.seller_reply", "dispute.seller_silent"),
    )
    assert silent.description == (
        "the seller did not reply by 2012-05-25T09:00:00+08:00: the dispute goes to AliExpress's dispute team at "
        "2012-05-26T00:00:00+08:00"
    )
    assert deadlines_of(silent) == [reply, team]
    assert wait_by(pendulum.datetime(2012, 5, 25, 21, tz=SHANGHAI)) == "2012-05-26T00:00:00+08:00"
    # on the 16th day the team has it
    with_team = aliprotect.dispute_status(dispute, at=pendulum.datetime(2012, 5, 26, tz=SHANGHAI))
    assert (with_team.stage, with_team.description) == (
        aliprotect.Stage.WITH_MODERATOR,
        "the seller did not reply by 2012-05-25T09:00:00+08:00: the dispute is with AliExpress's dispute team",
    )
    assert with_team.rule_ids == (
        "dispute.seller_reply",
        "dispute.seller_silent",
        "dispute.escalation",
    )


def test_a_moderator_time_before_the_reply_deadline_sends_silence_to_the_team_at_the_deadline() -> None:
    # a custom 2015.1 whose moderator steps in 10 days after opening, before the seller's 15 days are up:
    # a silent seller's dispute goes to the team at the reply deadline, never before it
    sooner = aliprotect.rulebook("2015.1").derive(
        version="2015.1+moderator10",
        changes={("dispute.escalation", "moderator_after"): 10},
    )
    shipped = pendulum.datetime(2016, 5, 2, 15, tz=SHANGHAI)
    order = Order(id="E2", placed_at=shipped, shipped_at=shipped, protection_days=60)
    opened = pendulum.datetime(2016, 5, 10, 9, tz=SHANGHAI)
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=sooner)
    waiting = aliprotect.dispute_status(dispute, at=opened.add(days=1), rules=sooner)
    assert waiting.description == (
        "waiting for the seller to reply or accept by 2016-05-25T09:00:00+08:00; if the seller stays silent, the "
        "dispute goes to AliExpress's dispute team at 2016-05-25T09:00:00+08:00"
    )
    assert [(d.name, d.at.isoformat()) for d in waiting.deadlines] == [
        ("seller_reply_by", "2016-05-25T09:00:00+08:00"),
        ("moderator_from", "2016-05-25T09:00:00+08:00"),
    ]


# --- instants as given ----------------------------------------------------------------------------


def test_a_pendulum_instant_in_a_zoneinfo_zone_keeps_its_microseconds_and_its_fold() -> None:
    # C1: read as the plain datetime it is; 26 October 2025 02:30 in Paris happens twice, fold 1 is the second
    order = Order(
        id="Z2",
        placed_at=pendulum.DateTime(2025, 3, 1, 10, 0, 0, 250_000, tzinfo=ZoneInfo(PARIS)),
        shipped_at=pendulum.DateTime(2025, 10, 26, 2, 30, tzinfo=ZoneInfo(PARIS), fold=1),
        protection_days=60,
    )
    assert order.shipped_at is not None
    assert (order.placed_at.isoformat(), order.shipped_at.isoformat()) == (
        "2025-03-01T10:00:00.250000+01:00",
        "2025-10-26T02:30:00+01:00",
    )


def test_a_pendulum_instant_in_pendulums_own_zone_is_taken_as_it_is() -> None:
    # C1: never moved, even at a wall-clock time a DST change skips (30 March 2025 02:30 in Paris, which
    # Python reads with the offset before the change, +01:00: 01:30 UTC)
    skipped = pendulum.DateTime(2025, 3, 30, 2, 30, tzinfo=pendulum.timezone(PARIS))
    order = Order(id="Z3", placed_at=skipped, protection_days=60)
    assert order.placed_at is skipped
    assert _days.key(order.placed_at) == _days.key(pendulum.datetime(2025, 3, 30, 1, 30, tz="UTC"))


def test_the_events_known_at_a_naive_instant_are_refused_by_the_name_at() -> None:
    # C1
    quiet = Tracking(number="LP00417245813281", provided_at=paris(2025, 3, 4, 9))
    with pytest.raises(aliprotect.errors.NaiveDatetimeError) as raised:
        quiet.known_at(dt.datetime(2025, 3, 5))  # type: ignore[arg-type]
    assert str(raised.value) == (
        "at=2025-03-05T00:00:00 has no timezone; aliprotect never guesses one (C1): give it an offset or a zone, "
        "e.g. pendulum.datetime(..., tz='Asia/Shanghai')"
    )


def test_advice_names_each_rule_once() -> None:
    # 2010.1: after the reply deadline the wait names dispute.seller_silent, which the status already names
    shipped = pendulum.datetime(2012, 5, 2, 15, tz=SHANGHAI)
    order = Order(id="E3", placed_at=shipped, shipped_at=shipped, protection_days=60, carrier="EMS")
    opened = pendulum.datetime(2012, 5, 10, 9, tz=SHANGHAI)
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=ESCROW)
    at = pendulum.datetime(2012, 5, 25, 21, tz=SHANGHAI)
    (wait,) = [
        a for a in aliprotect.next_actions(order, at=at, dispute=dispute, rules=ESCROW) if a.action is Action.WAIT
    ]
    assert wait.rule_ids == ("dispute.seller_reply", "dispute.seller_silent")


# --- instants in other libraries' zones, read in pendulum's zone (C1, C2) -------------------------


def test_an_instant_at_a_fixed_offset_keeps_its_offset_and_utc_stays_utc() -> None:
    # C1: datetime.timezone.utc is read as pendulum's UTC (a named zone); any other fixed offset stays that offset
    utc = _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC), "placed_at")
    assert (utc.isoformat(), utc.timezone_name) == ("2025-03-01T10:00:00+00:00", "UTC")
    plus_two = _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))), "placed_at")
    assert (plus_two.isoformat(), plus_two.timezone_name) == ("2025-03-01T10:00:00+02:00", "+02:00")


def test_an_offset_of_whole_seconds_is_taken_as_it_is() -> None:
    # C1: Paris mean time, +00:09:21, is a whole number of seconds (an odd one): taken, not refused
    mean_time = dt.timezone(dt.timedelta(minutes=9, seconds=21))
    assert _days.aware(dt.datetime(1900, 1, 1, 10, tzinfo=mean_time), "placed_at").isoformat() == (
        "1900-01-01T10:00:00+00:09:21"
    )
    assert _days.parse_instant("1900-01-01T10:00:00+00:09:21").isoformat() == "1900-01-01T10:00:00+00:09:21"


def test_an_offset_of_a_fraction_of_a_second_is_refused_by_the_fields_name() -> None:
    # C1
    with pytest.raises(InvalidValueError) as raised:
        _days.parse_instant("2025-04-20T09:00:00+23:59:59.999999", field="shipped_at")
    assert str(raised.value) == (
        "shipped_at='2025-04-20T09:00:00+23:59:59.999999' has an offset of a fraction of a second; give whole seconds"
    )
    with pytest.raises(InvalidValueError) as raised:
        _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=dt.timezone(dt.timedelta(seconds=30.5))), "placed_at")
    assert str(raised.value) == (
        "placed_at=2025-03-01T10:00:00+00:00:30.500000 has an offset of a fraction of a second; give whole seconds"
    )


class _Unnamed(dt.tzinfo):
    """A zone at +03:00 with no name (neither ``key`` nor ``zone``), which does not say its offset
    is fixed (``utcoffset(None)`` is ``None``, as for a zone with daylight saving time)."""

    def utcoffset(self, value: dt.datetime | None) -> dt.timedelta | None:
        return None if value is None else dt.timedelta(hours=3)

    def dst(self, value: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, value: dt.datetime | None) -> str:
        return "+03"

    def __repr__(self) -> str:
        return "_Unnamed()"


class _Mislabelled(_Unnamed):
    """A zone at +03:00 whose name, ``key``, is that of a zone at +01:00 in winter."""

    key = "Europe/Paris"

    def __repr__(self) -> str:
        return "_Mislabelled()"


class _NamedByZone(dt.tzinfo):
    """Paris's rules, named by a ``zone`` attribute, as pytz names its zones."""

    zone = "Europe/Paris"

    def utcoffset(self, value: dt.datetime | None) -> dt.timedelta | None:
        return ZoneInfo(PARIS).utcoffset(value)

    def dst(self, value: dt.datetime | None) -> dt.timedelta | None:
        return ZoneInfo(PARIS).dst(value)

    def tzname(self, value: dt.datetime | None) -> str | None:
        return ZoneInfo(PARIS).tzname(value)


def test_a_zone_without_a_name_is_refused_in_full() -> None:
    # C1, C2
    with pytest.raises(InvalidValueError) as raised:
        _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=_Unnamed()), "placed_at")
    assert str(raised.value) == (
        "placed_at=2025-03-01T10:00:00+03:00 is in a zone aliprotect cannot name (_Unnamed: _Unnamed()); days are "
        "counted on a named zone's calendar (C2), and aliprotect never guesses one: give the zone by its tz database "
        "name, e.g. zoneinfo.ZoneInfo('Europe/Paris'), or a fixed offset, e.g. "
        "datetime.timezone(datetime.timedelta(hours=2))"
    )


def test_a_zone_named_by_its_zone_attribute_is_read_in_pendulums_zone_of_that_name() -> None:
    # C1: 1 March 2025 10:00 in Paris (+01:00)
    read = _days.aware(dt.datetime(2025, 3, 1, 10, tzinfo=_NamedByZone()), "placed_at")
    assert (read.isoformat(), read.timezone_name) == ("2025-03-01T10:00:00+01:00", PARIS)


MISLABELLED = (
    "at=9999-12-31T20:00:00+03:00: its zone (_Mislabelled()) has the offset +03:00 at that instant, and the zone "
    "its name gives has +01:00; give the zone by its tz database name, e.g. zoneinfo.ZoneInfo('Europe/Paris')"
)


def test_a_zone_whose_offsets_are_not_those_of_its_name_is_refused_in_full() -> None:
    # C1: near the end of time, 31 December 9999 20:00 at +03:00 (17:00 UTC)
    with pytest.raises(InvalidValueError) as raised:
        _days.aware(dt.datetime(9999, 12, 31, 20, tzinfo=_Mislabelled()), "at")
    assert str(raised.value) == MISLABELLED


def test_the_check_of_a_zones_offsets_does_not_depend_on_the_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # C1: 17:00 UTC on 31 December 9999 is already the year 10000 in Tokyo; the machine's zone plays no part
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        with pytest.raises(InvalidValueError) as raised:
            _days.aware(dt.datetime(9999, 12, 31, 20, tzinfo=_Mislabelled()), "at")
        assert str(raised.value) == MISLABELLED
    finally:
        monkeypatch.undo()
        time.tzset()


def test_an_instant_whose_utc_reading_is_before_the_year_1_keeps_its_wall_time_and_offset() -> None:
    # C1: 1 January of the year 1, 00:30 at +01:00, is 23:30 UTC in the year 0, which dates cannot have
    early = _days.aware(dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))), "placed_at")
    assert (early.isoformat(), early.timezone_name) == ("0001-01-01T00:30:00+01:00", "+01:00")


# --- claims: refusals by the value refused ----------------------------------------------------------


def test_an_amount_with_a_full_refund_is_refused_naming_the_amount() -> None:
    with pytest.raises(InvalidValueError) as raised:
        Claim(kind=ClaimKind.DAMAGED, amount=Money("4.00", "USD"))
    assert str(raised.value) == (
        "amount=Money(amount=Decimal('4.00'), currency='USD') goes only with Resolution.PARTIAL_REFUND; "
        "a full_refund asks for what is left of the order amount"
    )


def test_a_claim_whose_kind_the_rulebook_gives_no_resolutions_is_refused_naming_the_kind() -> None:
    # 2013.1 lists no resolutions for claim.damaged (also pinned by the 2013.1 golden snapshot, which mutmut
    # does not rerun for this function: the snapshots are computed once per session)
    shipped = pendulum.datetime(2016, 3, 2, tz=SHANGHAI)
    order = Order(id="E4", placed_at=shipped, shipped_at=shipped, protection_days=60)
    with pytest.raises(aliprotect.errors.UnstatedRuleError) as raised:
        aliprotect.open_dispute(
            order, Claim(kind=ClaimKind.DAMAGED), at=shipped.add(days=20), rules=aliprotect.rulebook("2013.1")
        )
    assert str(raised.value) == (
        "kind='damaged': rulebook 2013.1 does not say what a damaged claim can ask for (claim.damaged lists no "
        "resolutions); pin a rulebook that states it"
    )
