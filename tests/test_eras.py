"""Rulebooks of other eras: a worked example per era, the new boundaries as properties, and
the facts they need (carrier, promised delivery time, delivery, tracking), and the 2013 rules
that state no time limits."""

import datetime as dt
import importlib.resources
import io

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aliprotect
from aliprotect import Claim, ClaimKind, Location, Order, Rulebook, Stage, Tracking, TrackingEvent, _days
from aliprotect.errors import MissingFactError
from aliprotect.rules import RuleChange
from aliprotect.strategies import instants

ESCROW = aliprotect.rulebook("undated.1")
Y2020 = aliprotect.rulebook("2020.1")
Y2021 = aliprotect.rulebook("2021.1")
BASE = aliprotect.rulebook("2025.1")
TICK = dt.timedelta(microseconds=1)
SHANGHAI = "Asia/Shanghai"


def shipped_order(shipped: pendulum.DateTime, **facts: object) -> Order:
    return Order(id="E", placed_at=shipped, shipped_at=shipped, protection_days=60, **facts)  # type: ignore[arg-type]


# --- worked examples, one per era ---------------------------------------------------------------


def test_early_escrow_ems_opens_from_day_6_until_day_27() -> None:
    shipped = pendulum.datetime(2012, 5, 2, 15, tz=SHANGHAI)
    window = aliprotect.dispute_window(shipped_order(shipped, carrier="EMS"), rules=ESCROW)
    assert window.opens == pendulum.datetime(2012, 5, 8, tz=SHANGHAI)
    assert window.closes == pendulum.datetime(2012, 5, 30, tz=SHANGHAI)  # all of day 27 is inside
    verdict = aliprotect.can_open_dispute(
        shipped_order(shipped, carrier="sf"), ClaimKind.NOT_RECEIVED, at=window.closes, rules=ESCROW
    )
    assert not verdict
    assert "at the end of day 27 after shipping" in verdict.reason


@pytest.mark.parametrize(
    ("carrier", "last_day"),
    [("DHL", 23), ("ups", 23), ("FedEx", 23), ("express", 23), ("EMS", 27), ("China Post", 39), ("HK Post", 39)],
)
def test_early_escrow_windows_by_carrier(carrier: str, last_day: int) -> None:
    shipped = pendulum.datetime(2012, 1, 1, 9, tz=SHANGHAI)
    closes = aliprotect.dispute_window(shipped_order(shipped, carrier=carrier), rules=ESCROW).closes
    assert closes == pendulum.datetime(2012, 1, 1, tz=SHANGHAI).add(days=last_day + 1)


def test_early_escrow_supplier_has_15_days_and_the_dispute_team_takes_day_16() -> None:
    order = shipped_order(pendulum.datetime(2012, 5, 2, 15, tz=SHANGHAI), carrier="EMS")
    opened = pendulum.datetime(2012, 5, 10, 9, tz=SHANGHAI)
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=ESCROW)
    assert aliprotect.dispute_status(dispute, at=opened).deadlines[0].at == opened.add(days=15)
    rejected = aliprotect.seller_rejects(dispute, at=opened.add(days=1), rules=ESCROW)
    day16 = pendulum.datetime(2012, 5, 26, tz=SHANGHAI)
    assert aliprotect.dispute_status(rejected, at=day16 - TICK).stage is Stage.NEGOTIATING
    assert aliprotect.dispute_status(rejected, at=day16).stage is Stage.WITH_MODERATOR


def test_the_june_2020_change() -> None:
    assert Y2020.number("protection.period", "default") == 90
    assert Y2020.number("dispute.seller_reply", "reply") == 4
    assert Y2020.rule("escrow.release").carried_from == "2025.1"
    assert Y2020.rule("protection.period").carried_from is None
    order = Order(
        id="Y",
        placed_at=pendulum.datetime(2020, 7, 1, tz="UTC"),
        shipped_at=pendulum.datetime(2020, 7, 2, tz="UTC"),
        protection_days=Y2020.number("protection.period", "default"),
    )
    dispute = aliprotect.open_dispute(
        order, Claim(kind=ClaimKind.NOT_RECEIVED), at=pendulum.datetime(2020, 8, 1, tz="UTC"), rules=Y2020
    )
    assert aliprotect.dispute_status(dispute, at=pendulum.datetime(2020, 8, 5, tz="UTC")).stage is Stage.REFUND_DUE
    # superseded by 2020.2, which reads "4 or more days" as the minimum it is: a date never chooses 2020.1
    assert aliprotect.rulebook(on=dt.date(2020, 8, 1)).version == "2020.2"


def test_2021_opens_from_day_11_until_15_days_after_the_promised_delivery() -> None:
    shipped = pendulum.datetime(2022, 3, 2, 12, tz="Europe/Paris")
    window = aliprotect.dispute_window(shipped_order(shipped, promised_days=20), rules=Y2021)
    assert window.opens == pendulum.datetime(2022, 3, 13, tz="Europe/Paris")
    assert window.closes == pendulum.datetime(2022, 4, 6, 12, tz="Europe/Paris")
    received = shipped_order(shipped, promised_days=20, received_at=pendulum.datetime(2022, 3, 18, tz="Europe/Paris"))
    assert aliprotect.dispute_window(received, rules=Y2021).closes == pendulum.datetime(2022, 4, 2, tz="Europe/Paris")


# --- missing facts and the old rulebooks ------------------------------------------------------------


def test_a_rulebook_that_needs_a_missing_fact_names_it() -> None:
    shipped = pendulum.datetime(2022, 3, 2, tz="Europe/Paris")
    with pytest.raises(MissingFactError, match=r"order E has no promised_days; under rulebook 2021.1, open.latest"):
        aliprotect.dispute_window(shipped_order(shipped), rules=Y2021)
    with pytest.raises(
        MissingFactError, match=r"carrier=None: under rulebook undated.1, open.latest depends on the carrier"
    ):
        aliprotect.timeline(shipped_order(shipped), rules=ESCROW)
    with pytest.raises(aliprotect.errors.InvalidValueError, match=r"carrier='Yanwen' is in none of the carrier groups"):
        aliprotect.dispute_window(shipped_order(shipped, carrier="Yanwen"), rules=ESCROW)
    # an order without them still works where they are not needed
    assert aliprotect.dispute_window(shipped_order(shipped), rules=BASE).opens


def test_order_facts_are_validated() -> None:
    shipped = pendulum.datetime(2022, 3, 2, tz="Europe/Paris")
    with pytest.raises(aliprotect.errors.InvalidValueError, match=r"carrier='' must be the carrier's name"):
        shipped_order(shipped, carrier="")
    with pytest.raises(
        aliprotect.errors.InvalidValueError, match=r"promised_days=0 must be a whole number of days greater than 0"
    ):
        shipped_order(shipped, promised_days=0)


def test_the_published_rulebook_of_2025_keeps_its_fingerprint_and_carries_nothing() -> None:
    assert BASE.fingerprint == "sha256:31849fa377302694cc4e026f0ddcfe5f87a2eab2ea21d493d30901f2b7af03d9"
    assert not any(rule.carried_from for rule in BASE.rules.values())


def test_explain_says_which_rules_are_carried_over() -> None:
    order = shipped_order(pendulum.datetime(2020, 7, 2, tz="UTC"))
    text = aliprotect.explain(aliprotect.can_cancel(order, at=pendulum.datetime(2020, 7, 2, tz="UTC"), rules=Y2020))
    assert "- cancel.before_shipment: " in text
    assert "(carried over from rulebook 2025.1)" in text
    window = aliprotect.explain(
        aliprotect.dispute_window(
            shipped_order(pendulum.datetime(2012, 1, 1, tz=SHANGHAI), carrier="EMS"), rules=ESCROW
        )
    )
    assert "escrow.aliexpress.com/escrow-faq/dispute/how-does-our-dispute-refund-process-work.html" in window


# --- the format: per-carrier numbers, conditions, schema ---------------------------------------------

BASE_TEXT = (importlib.resources.files("aliprotect") / "rulebooks" / "2025.1.toml").read_text(encoding="utf-8")
AT_ONCE = Rulebook.from_toml(
    BASE_TEXT.replace('version = "2025.1"', 'version = "at-once"').replace(
        'quantities.opens = { value = 6, unit = "day_number" }',
        'quantities.opens = { value = 5, unit = "days" }\n'
        'quantities.at_once_if_promised_at_most = { value = 5, unit = "days" }',
    )
)


@given(instants(), st.integers(min_value=1, max_value=30))
def test_the_5_day_condition(shipped: pendulum.DateTime, promised: int) -> None:
    opens = aliprotect.dispute_window(shipped_order(shipped, promised_days=promised), rules=AT_ONCE).opens
    if promised <= 5:
        assert opens == shipped  # at once
    else:
        assert opens == _days.add_days(shipped, 5)  # 5 calendar days after shipment (C2)


@given(instants(), st.sampled_from(["DHL", "EMS", "China Post"]))
def test_the_carrier_windows_one_instant_before_and_at_the_close(shipped: pendulum.DateTime, carrier: str) -> None:
    order = shipped_order(shipped, carrier=carrier)
    window = aliprotect.dispute_window(order, rules=ESCROW)
    last_day = ESCROW.number("open.latest", "until_day_after_shipping", carrier=carrier)
    assert window.closes.date() == shipped.date() + dt.timedelta(days=last_day + 1)
    assert aliprotect.can_open_dispute(order, ClaimKind.DAMAGED, at=window.closes - TICK, rules=ESCROW)
    assert not aliprotect.can_open_dispute(order, ClaimKind.DAMAGED, at=window.closes, rules=ESCROW)


@given(st.sampled_from(["DHL", "EMS", "China Post"]), st.integers(min_value=0, max_value=20 * 86_400), instants())
def test_the_4th_15th_and_16th_days_of_the_dispute(carrier: str, after: int, shipped: pendulum.DateTime) -> None:
    order = shipped_order(shipped, carrier=carrier)
    window = aliprotect.dispute_window(order, rules=ESCROW)
    span = int((window.closes - window.opens).total_seconds())
    opened = window.opens.add(seconds=after % max(span, 1))
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.DAMAGED), at=opened, rules=ESCROW)
    day4 = _days.start_of_day_number(opened, 4)
    with pytest.raises(aliprotect.errors.ActionRefusedError, match=r"a claim can be filed from"):
        aliprotect.buyer_escalates(dispute, at=day4 - TICK, rules=ESCROW)
    assert (
        aliprotect.dispute_status(aliprotect.buyer_escalates(dispute, at=day4, rules=ESCROW), at=day4).stage
        is Stage.WITH_MODERATOR
    )
    rejected = aliprotect.seller_rejects(dispute, at=opened, rules=ESCROW)
    day16 = _days.start_of_day_number(opened, 16)
    assert (
        aliprotect.dispute_status(rejected, at=day16 - TICK).stage is Stage.NEGOTIATING
    )  # the 15th day is the last of the claim phase
    assert aliprotect.dispute_status(rejected, at=day16).stage is Stage.WITH_MODERATOR


def test_the_format_checks_carriers_and_optional_numbers() -> None:
    text = (importlib.resources.files("aliprotect") / "rulebooks" / "undated.1.toml").read_text(encoding="utf-8")
    with pytest.raises(aliprotect.errors.MalformedRulebookError, match=r"must give a number for each carrier group"):
        Rulebook.from_toml(text.replace("ems = 27, ", ""))
    with pytest.raises(
        aliprotect.errors.MalformedRulebookError, match=r"\[carriers\]: must be a table of carrier groups"
    ):
        Rulebook.from_toml(text.replace('post = ["China Post", "HK Post"]', "post = []"))
    with pytest.raises(
        aliprotect.errors.MalformedRulebookError, match=r"must be left out when in_force_certainty is unknown"
    ):
        Rulebook.from_toml(
            text.replace('in_force_certainty = "unknown"', 'in_force_certainty = "unknown"\nin_force_from = 2012-01-01')
        )
    both = BASE_TEXT.replace(
        'quantities.after_completion = { value = 15, unit = "days" }',
        'quantities.after_completion = { value = 15, unit = "days" }\n'
        'quantities.until_day_after_shipping = { value = 30, unit = "day_number" }',
    )
    with pytest.raises(aliprotect.errors.MalformedRulebookError, match=r"rule open.latest of rulebook 2025.1 has"):
        Rulebook.from_toml(both)
    with pytest.raises(aliprotect.errors.MalformedRulebookError, match=r"is not an anchor this rule can have"):
        Rulebook.from_toml(
            BASE_TEXT.replace(
                '[rules."open.earliest"]', '[rules."open.earliest"]\nanchor = "promised_delivery_or_receipt"'
            )
        )
    with pytest.raises(
        aliprotect.errors.MalformedRulebookError, match=r"by_carrier: must be a table of carrier groups and numbers"
    ):
        Rulebook.from_toml(text.replace("by_carrier = { express = 23, ems = 27, post = 39 }", "by_carrier = {}"))


def test_quantities_show_their_carrier_numbers() -> None:
    quantity = ESCROW.quantity("open.latest", "until_day_after_shipping")
    assert (
        repr(quantity)
        == "Quantity(by_carrier={'express': 23, 'ems': 27, 'post': 39}, unit=<Unit.DAY_NUMBER: 'day_number'>)"
    )
    with pytest.raises(aliprotect.errors.InvalidValueError, match=r"either a value or a value for each carrier group"):
        aliprotect.rules.Quantity(None, aliprotect.rules.Unit.DAYS)


def test_the_docs_compare_the_eras_side_by_side() -> None:
    from aliprotect.display import comparison_markdown

    old = [aliprotect.rulebook(v) for v in ("2013.1", "2020.1", "2021.1", "2025.1", "observed.1", "undated.1")]
    text = comparison_markdown(old)
    assert "### 2020.1 → 2021.1" in text
    assert "| `protection.period` | quantities.default | 90 | 60 |" in text
    assert "### 2025.1 → observed.1" in text
    assert "### observed.1 → undated.1" in text
    assert "| `open.latest` | anchor | promised_delivery_or_receipt | — |" in text  # 2021.1 → 2025.1
    assert "23 (express)/27 (ems)/39 (post) day_number" in text


@given(instants(), st.sampled_from(["DHL", "EMS", "China Post"]), st.integers(min_value=0, max_value=60 * 86_400))
def test_advice_under_the_escrow_rules_never_points_past_the_last_chance(
    shipped: pendulum.DateTime, carrier: str, seconds: int
) -> None:
    order = shipped_order(shipped, carrier=carrier)
    at = shipped.add(seconds=seconds)
    closes = aliprotect.dispute_window(order, rules=ESCROW).closes
    for advice in aliprotect.next_actions(order, at=at, rules=ESCROW):
        assert advice.by is not None
        assert _days.utc(at) < _days.utc(advice.by) <= _days.utc(closes)
    names = [d.name for d in aliprotect.timeline(order, rules=ESCROW).deadlines]
    assert "open_by_recommended" not in names  # protection outlasts the window: that advice would come too late


def test_verdicts_say_how_each_era_counts() -> None:
    shipped = pendulum.datetime(2022, 3, 2, 12, tz="Europe/Paris")
    early = aliprotect.can_open_dispute(
        shipped_order(shipped, promised_days=9), ClaimKind.DAMAGED, at=shipped.add(days=1), rules=AT_ONCE
    )
    assert early.reason.endswith("5 days after shipping")
    late = aliprotect.can_open_dispute(
        shipped_order(shipped, promised_days=20), ClaimKind.DAMAGED, at=shipped.add(days=60), rules=Y2021
    )
    assert "15 days after the promised delivery time ended or receipt was confirmed" in late.reason


def test_malformed_era_data_is_refused() -> None:
    with pytest.raises(aliprotect.errors.InvalidValueError, match=r"by_carrier\['ems'\]=-1 must be a whole number"):
        aliprotect.rules.Quantity(None, aliprotect.rules.Unit.DAYS, by_carrier={"ems": -1})
    with pytest.raises(
        aliprotect.errors.MalformedRulebookError, match="must name the rulebook the rule is carried from"
    ):
        Rulebook.from_toml(BASE_TEXT.replace('[rules."escrow.release"]', '[rules."escrow.release"]\ncarried_from = ""'))


PAGES = aliprotect.rulebook("undated.2")
SELLERS = aliprotect.rulebook("undated.3")


@given(instants(), st.integers(min_value=1, max_value=40))
def test_later_buyer_protection_pages_open_at_once_for_5_days_or_less(
    shipped: pendulum.DateTime, promised: int
) -> None:
    opens = aliprotect.dispute_window(shipped_order(shipped, promised_days=promised), rules=PAGES).opens
    assert opens == (shipped if promised <= 5 else _days.add_days(shipped, 5))
    with pytest.raises(MissingFactError, match=r"has no promised_days; under rulebook undated.2, open.earliest"):
        aliprotect.dispute_window(shipped_order(shipped), rules=PAGES)


def test_recent_seller_rules() -> None:
    shipped = pendulum.datetime(2024, 5, 3, 10, tz="Asia/Shanghai")  # a Friday
    assert aliprotect.dispute_window(shipped_order(shipped, promised_days=4), rules=SELLERS).opens == shipped
    window = aliprotect.dispute_window(shipped_order(shipped, promised_days=5), rules=SELLERS)
    assert window.opens == shipped.add(days=10)
    order = shipped_order(shipped, promised_days=12)
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=shipped.add(days=12), rules=SELLERS)
    refunded = aliprotect.platform_refunds(
        aliprotect.seller_accepts(dispute, at=shipped.add(days=13), rules=SELLERS),
        at=shipped.add(days=14),
        refund=aliprotect.Money("10", "CNY"),
        rules=SELLERS,
    )
    (arrives,) = aliprotect.dispute_status(refunded, at=shipped.add(days=14)).deadlines
    # 20 business days after Friday 17 May 10:00: four weeks later, Friday 14 June 10:00 (C5)
    assert arrives.at == pendulum.datetime(2024, 6, 14, 10, tz="Asia/Shanghai")
    assert SELLERS.rule("cancel.before_shipment").carried_from == "2025.1"


# --- 2013: rules the source does not state are left out, not carried over ----------------------

RULES_2013 = aliprotect.rulebook("2013.1")


def test_the_dispute_rules_of_2013_state_the_kinds_of_claim_and_nothing_else() -> None:
    assert (RULES_2013.in_force_from, RULES_2013.in_force_certainty) == (
        dt.date(2013, 8, 1),
        aliprotect.rules.Certainty.STATED,
    )
    # superseded by 2013.2, which carries a timeline: a date never chooses 2013.1
    assert aliprotect.rulebook(on=dt.date(2013, 8, 1)).version == "2013.2"
    stated = {
        "claim.not_received",
        "claim.not_as_described",
        "claim.damaged",
        "claim.missing_items",
        "claim.counterfeit",
    }
    assert set(RULES_2013.rules) == stated
    assert set(RULES_2013.not_stated) == set(aliprotect.rules.SCHEMA) - stated
    for rule in RULES_2013.rules.values():
        assert [str(c) for c in rule.citations] == [
            "activities.aliexpress.com/adcms/help-aliexpress-com/claim_policies.php"
        ]
        assert rule.carried_from is None
        assert rule.resolutions == ()  # the chapters do not say what a claim can ask for
    assert "customs detention" in RULES_2013.rule("claim.not_received").summary
    assert "short shipment" in RULES_2013.rule("claim.missing_items").summary


@pytest.mark.parametrize("rule_id", sorted(set(aliprotect.rules.SCHEMA) - set(RULES_2013.rules)))
def test_every_rule_2013_does_not_state_is_refused_by_name(rule_id: str) -> None:
    with pytest.raises(
        aliprotect.errors.UnstatedRuleError, match=rf"rule_id='{rule_id}': rulebook 2013.1 does not state"
    ):
        RULES_2013.rule(rule_id)
    with pytest.raises(aliprotect.errors.UnknownRuleError):  # an UnstatedRuleError is an UnknownRuleError
        RULES_2013.derive(version="2013.1+mine", changes={(rule_id, "x"): 1})


def test_questions_under_the_2013_rules_are_refused_not_answered_with_other_eras_numbers() -> None:
    shipped = pendulum.datetime(2016, 3, 2, tz=SHANGHAI)
    order = shipped_order(shipped)
    at = shipped.add(days=20)
    for question in (
        lambda: aliprotect.timeline(order, rules=RULES_2013),
        lambda: aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=at, rules=RULES_2013),
        lambda: aliprotect.next_actions(order, at=at, rules=RULES_2013),
        lambda: aliprotect.can_cancel(order, at=at, rules=RULES_2013),
    ):
        with pytest.raises(aliprotect.errors.UnstatedRuleError, match=r"rulebook 2013.1 does not state"):
            question()
    with pytest.raises(aliprotect.errors.UnstatedRuleError, match=r"does not say what a damaged claim can ask for"):
        aliprotect.open_dispute(order, Claim(kind=ClaimKind.DAMAGED), at=at, rules=RULES_2013)
    with pytest.raises(aliprotect.errors.UnstatedRuleError, match=r"rule_id='claim.late'"):
        aliprotect.open_dispute(order, Claim(kind=ClaimKind.LATE), at=at, rules=RULES_2013)


def test_the_2013_rulebook_in_the_docs_and_the_comparison() -> None:
    from aliprotect.display import comparison_markdown, rules_markdown

    text = rules_markdown(RULES_2013)
    assert "**Not stated by its sources**" in text
    assert "`dispute.seller_reply`" in text
    assert "Where the sources disagree" not in text  # it has no conflicts
    comparison = comparison_markdown([RULES_2013, aliprotect.rulebook("2020.1")])
    assert "### 2013.1 → 2020.1" in comparison
    assert "| `protection.period` | rule | not stated |" in comparison
    assert "Not stated by its sources" in RULES_2013._repr_html_()


def test_the_format_checks_rules_not_stated() -> None:
    text = (importlib.resources.files("aliprotect") / "rulebooks" / "2013.1.toml").read_text(encoding="utf-8")
    with pytest.raises(aliprotect.errors.MalformedRulebookError, match=r"lacks the rules open.earliest; .*not_stated"):
        Rulebook.from_toml(text.replace('    "open.earliest",\n', ""))
    with pytest.raises(
        aliprotect.errors.MalformedRulebookError, match=r"\[rulebook\].not_stated: must be a list of rule ids"
    ):
        Rulebook.from_toml(text.replace('    "open.earliest",\n', '    "open.soonest",\n'))
    with pytest.raises(
        aliprotect.errors.MalformedRulebookError, match=r"\[rulebook\].not_stated: must be a list of rule ids"
    ):
        Rulebook.from_toml(text.replace("not_stated = [", "not_stated = [{},"))
    with pytest.raises(
        aliprotect.errors.MalformedRulebookError, match=r"lists claim.damaged in \[rulebook\].not_stated and also"
    ):
        Rulebook.from_toml(text.replace('    "open.earliest",\n', '    "open.earliest",\n    "claim.damaged",\n'))
    # an empty list says "not stated"; leaving resolutions out is still an error
    with pytest.raises(
        aliprotect.errors.MalformedRulebookError, match=r"claim.damaged of rulebook 2013.1 lists no resolutions"
    ):
        Rulebook.from_toml(
            text.replace(
                'A \\"not as described\\" claim for damage. What it can ask for is not stated."\n'
                'citations = ["activities.aliexpress.com/adcms/help-aliexpress-com/claim_policies.php"]\n'
                "resolutions = []",
                'A \\"not as described\\" claim for damage. What it can ask for is not stated."\n'
                'citations = ["activities.aliexpress.com/adcms/help-aliexpress-com/claim_policies.php"]',
            )
        )
    # published before the schema gained the articles' five other rules, it does not state them
    assert set(BASE.not_stated) == {
        "refund.item_arrives_later",
        "refund.destination",
        "return.when_expected",
        "dispute.escalate_after_decline",
        "dropship.returns_to_store",
    }


# --- the later buyer-protection pages: a claim phase from the 4th to the 15th day --------------


@given(st.integers(min_value=0, max_value=30 * 86_400), instants())
def test_the_claim_phase_of_the_later_pages_runs_from_the_4th_to_the_15th_day(
    after: int, shipped: pendulum.DateTime
) -> None:
    order = shipped_order(shipped, promised_days=10)
    window = aliprotect.dispute_window(order, rules=PAGES)
    span = int((window.closes - window.opens).total_seconds())
    opened = window.opens.add(seconds=after % max(span, 1))
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.DAMAGED), at=opened, rules=PAGES)
    rejected = aliprotect.seller_rejects(dispute, at=opened, rules=PAGES)
    day4, day16 = _days.start_of_day_number(opened, 4), _days.start_of_day_number(opened, 16)
    delivered = tracking_at(shipped, Location.DELIVERED)  # escalation does not wait for a delivered parcel
    with pytest.raises(aliprotect.errors.ActionRefusedError, match=r"a claim can be filed from"):
        aliprotect.buyer_escalates(rejected, at=day4 - TICK, rules=PAGES, tracking=delivered)
    for inside in (day4, day16 - TICK):
        escalated = aliprotect.buyer_escalates(rejected, at=inside, rules=PAGES, tracking=delivered)
        assert aliprotect.dispute_status(escalated, at=inside).stage is Stage.WITH_MODERATOR
    with pytest.raises(aliprotect.errors.ActionRefusedError, match=r"the claim phase ended at"):
        aliprotect.buyer_escalates(rejected, at=day16, rules=PAGES, tracking=delivered)
    # the pages set no time for a moderator: without a claim, nobody steps in
    late = aliprotect.dispute_status(rejected, at=day16.add(days=30))
    assert late.stage is Stage.NEGOTIATING
    assert "do not say what happens next" in late.description
    assert [d.name for d in aliprotect.dispute_status(rejected, at=opened).deadlines] == ["claim_from", "claim_until"]


def test_advice_follows_the_claim_phase_of_the_later_pages() -> None:
    shipped = pendulum.datetime(2016, 4, 2, 10, tz="UTC")
    order = shipped_order(shipped, promised_days=10)
    opened = pendulum.datetime(2016, 4, 8, 9, tz="UTC")
    rejected = aliprotect.seller_rejects(
        aliprotect.open_dispute(order, Claim(kind=ClaimKind.DAMAGED), at=opened, rules=PAGES),
        at=opened.add(hours=1),
        rules=PAGES,
        rude=True,
    )
    assert (
        "the buyer can escalate from 2016-04-12T00:00:00+00:00"
        in aliprotect.dispute_status(rejected, at=opened.add(hours=1)).description
    )

    def advice(at: pendulum.DateTime) -> aliprotect.Advice:
        (first,) = list(aliprotect.next_actions(order, at=at, dispute=rejected, rules=PAGES))
        return first

    early = advice(opened.add(days=1))  # rude, but the claim phase has not begun
    assert (early.action, early.by) == (aliprotect.Action.WAIT, pendulum.datetime(2016, 4, 12, tz="UTC"))
    inside = advice(pendulum.datetime(2016, 4, 20, tz="UTC"))
    assert (inside.action, inside.urgency) == (aliprotect.Action.ESCALATE, aliprotect.Urgency.NOW)
    assert inside.by == pendulum.datetime(2016, 4, 24, tz="UTC")  # the 15th day of the dispute ends
    after = advice(pendulum.datetime(2016, 4, 24, tz="UTC"))
    assert (after.action, after.by) == (aliprotect.Action.WAIT, None)
    assert "the claim phase ended" in after.text


def test_a_claim_phase_end_may_stand_in_for_the_moderator_time() -> None:
    text = BASE_TEXT.replace(
        'quantities.moderator_after = { value = 7, unit = "days" }',
        'quantities.claim_until = { value = 15, unit = "day_number" }',
    )
    assert not Rulebook.from_toml(text).has("dispute.escalation", "moderator_after")
    with pytest.raises(
        aliprotect.errors.MalformedRulebookError, match=r"rule dispute.escalation of rulebook 2025.1 has"
    ):
        Rulebook.from_toml(text.replace('quantities.claim_until = { value = 15, unit = "day_number" }', ""))


# --- rules that wait while the parcel is in transit inside the promised delivery time ----------


def tracking_at(shipped: pendulum.DateTime, where: Location, *, after: dt.timedelta = dt.timedelta(0)) -> Tracking:
    """Tracking given at shipping whose one event, ``after`` shipping, puts the parcel at ``where``."""
    return Tracking(
        number="LP00417245813281", provided_at=shipped, events=[TrackingEvent(at=shipped + after, where=where)]
    )


ON_ITS_WAY = {Location.ORIGIN_COUNTRY, Location.IN_TRANSIT, Location.DESTINATION_CUSTOMS}


def test_2021_a_parcel_in_transit_inside_the_promised_time_waits_for_its_end() -> None:
    shipped = pendulum.datetime(2022, 3, 2, 12, tz="Europe/Paris")
    order = shipped_order(shipped, promised_days=20)
    day12 = shipped.add(days=11)
    promised_end = shipped.add(days=20)  # 2022-03-22 12:00, the same wall-clock time (C2)
    moving = tracking_at(shipped, Location.IN_TRANSIT, after=dt.timedelta(days=3))
    verdict = aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=day12, rules=Y2021, tracking=moving)
    assert not verdict
    assert verdict.rule_ids == ("open.earliest",)
    assert "can be opened from 2022-03-22T12:00:00+01:00" in verdict.reason
    arrived = tracking_at(shipped, Location.DELIVERED, after=dt.timedelta(days=9))
    assert aliprotect.can_open_dispute(order, ClaimKind.DAMAGED, at=day12, rules=Y2021, tracking=arrived)
    with pytest.raises(MissingFactError, match=r"tracking=None: under rulebook 2021.1, open.earliest waits"):
        aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=day12, rules=Y2021)
    # once the promised time has passed, the tracking no longer matters
    assert aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=promised_end, rules=Y2021)
    with pytest.raises(aliprotect.errors.ActionRefusedError, match=r"in transit inside the seller's promised delivery"):
        aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=day12, rules=Y2021, tracking=moving)
    (wait,) = [
        a for a in aliprotect.next_actions(order, at=day12, rules=Y2021, tracking=moving) if a.by == promised_end
    ]
    assert wait.action is aliprotect.Action.WAIT
    assert "in transit" in aliprotect.timeline(order, rules=Y2021).deadlines[0].description


@given(
    instants(),
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=0, max_value=70 * 86_400),
    st.sampled_from(Location),
    st.integers(min_value=0, max_value=30 * 86_400),
)
def test_2021_the_in_transit_wait_on_every_boundary(
    shipped: pendulum.DateTime, promised: int, seconds: int, where: Location, moved: int
) -> None:
    order = shipped_order(shipped, promised_days=promised)
    at = shipped.add(seconds=seconds)
    tracking = tracking_at(shipped, where, after=dt.timedelta(seconds=moved))
    window = aliprotect.dispute_window(order, rules=Y2021)
    promised_end = _days.add_days(shipped, promised)
    on_its_way = moved <= seconds and where in ON_ITS_WAY
    waits = _days.utc(at) < _days.utc(promised_end) and on_its_way
    verdict = aliprotect.can_open_dispute(order, ClaimKind.DAMAGED, at=at, rules=Y2021, tracking=tracking)
    assert bool(verdict) == (window.contains(at) and not waits)
    # one instant before the end of the promised time it still waits; at the end it is over (C3)
    for edge, still_waits in ((promised_end - TICK, where in ON_ITS_WAY), (promised_end, False)):
        if window.contains(edge) and _days.utc(tracking.events[0].at) <= _days.utc(edge):
            edge_verdict = aliprotect.can_open_dispute(
                order, ClaimKind.DAMAGED, at=edge, rules=Y2021, tracking=tracking
            )
            assert bool(edge_verdict) is not still_waits


@given(instants(), st.integers(min_value=1, max_value=30), st.sampled_from(Location), st.integers(0, 20 * 86_400))
def test_later_pages_escalation_waits_while_in_transit_inside_the_promised_time(
    shipped: pendulum.DateTime, promised: int, where: Location, seconds: int
) -> None:
    order = shipped_order(shipped, promised_days=promised)
    opened = aliprotect.dispute_window(order, rules=PAGES).opens
    rejected = aliprotect.seller_rejects(
        aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=PAGES),
        at=opened,
        rules=PAGES,
    )
    at = _days.start_of_day_number(opened, 4).add(seconds=seconds)
    if not _days.utc(at) < _days.utc(_days.start_of_day_number(opened, 16)):
        return  # outside the claim phase: covered above
    tracking = tracking_at(shipped, where)
    promised_end = _days.add_days(shipped, promised)
    waits = _days.utc(at) < _days.utc(promised_end) and where in ON_ITS_WAY
    if waits:
        with pytest.raises(aliprotect.errors.ActionRefusedError, match=r"escalation waits until"):
            aliprotect.buyer_escalates(rejected, at=at, rules=PAGES, tracking=tracking)
        (advice,) = aliprotect.next_actions(order, at=at, dispute=rejected, rules=PAGES, tracking=tracking)
        assert (advice.action, advice.by) == (aliprotect.Action.WAIT, promised_end)
    else:
        escalated = aliprotect.buyer_escalates(rejected, at=at, rules=PAGES, tracking=tracking)
        assert aliprotect.dispute_status(escalated, at=at).stage is Stage.WITH_MODERATOR
    if _days.utc(at) < _days.utc(promised_end):
        with pytest.raises(MissingFactError, match=r"tracking=None: under rulebook undated.2, dispute.escalation"):
            aliprotect.buyer_escalates(rejected, at=at, rules=PAGES)


def test_the_format_checks_in_transit_waits() -> None:
    with pytest.raises(aliprotect.errors.MalformedRulebookError, match=r"in_transit_waits: must be true or false"):
        Rulebook.from_toml(BASE_TEXT.replace('[rules."open.latest"]', '[rules."open.latest"]\nin_transit_waits = true'))
    with pytest.raises(aliprotect.errors.MalformedRulebookError, match=r"in_transit_waits: must be true or false"):
        Rulebook.from_toml(
            BASE_TEXT.replace('[rules."open.earliest"]', '[rules."open.earliest"]\nin_transit_waits = "yes"')
        )
    changes = aliprotect.rules.diff(aliprotect.rulebook("2020.1"), Y2021)
    assert RuleChange("open.earliest", "in_transit_waits", False, True) in changes


# --- the later pages: 5 days left once the parcel shows as delivered -----------------------------


def test_later_pages_cut_protection_to_5_days_once_delivered() -> None:
    shipped = pendulum.datetime(2016, 4, 2, 10, tz=SHANGHAI)
    order = shipped_order(shipped, promised_days=12, delivered_at=shipped.add(days=8))
    end = aliprotect.protection_end(order, rules=PAGES)
    assert end.at == shipped.add(days=13)
    assert "cut to 5 days after the parcel showed as delivered" in end.description
    assert aliprotect.protection_end(order, rules=BASE).at == shipped.add(days=60)  # 2025.1 has no cut
    assert aliprotect.completion(order, rules=PAGES).at == shipped.add(days=13)
    # the boundary: shown delivered 5 days before the timer runs out, the cut changes nothing
    for delivered, ends in (
        (shipped.add(days=55) - TICK, shipped.add(days=60) - TICK),
        (shipped.add(days=55), shipped.add(days=60)),
        (shipped.add(days=55) + TICK, shipped.add(days=60)),
        (shipped.add(days=60), shipped.add(days=60)),
    ):
        at_the_edge = shipped_order(shipped, promised_days=12, delivered_at=delivered)
        assert aliprotect.protection_end(at_the_edge, rules=PAGES).at == ends
    # an extension granted after delivery still adds its days; one after the cut end is refused
    longer = aliprotect.grant_extension(order, days=7, at=shipped.add(days=12), rules=PAGES)
    assert aliprotect.protection_end(longer, rules=PAGES).at == shipped.add(days=20)
    with pytest.raises(aliprotect.errors.ActionRefusedError, match=r"ended at 2016-04-15T10:00:00\+08:00"):
        aliprotect.grant_extension(order, days=7, at=shipped.add(days=13), rules=PAGES)
    # the tracking and delivered_at must agree under a rulebook that uses them
    delivered = tracking_at(shipped, Location.DELIVERED, after=dt.timedelta(days=8))
    undelivered = shipped_order(shipped, promised_days=12)
    with pytest.raises(aliprotect.errors.InvalidValueError, match=r"protection_days=61: under rulebook undated.2 the"):
        aliprotect.protection_end(attrs.evolve(order, protection_days=61), rules=PAGES)
    assert aliprotect.protection_end(attrs.evolve(order, protection_days=60), rules=PAGES).at == shipped.add(days=13)
    with pytest.raises(MissingFactError, match=r"delivered_at=None, but the tracking shows order E delivered"):
        aliprotect.next_actions(undelivered, at=shipped.add(days=9), rules=PAGES, tracking=delivered)
    assert aliprotect.next_actions(undelivered, at=shipped.add(days=9), rules=BASE, tracking=delivered) is not None


@given(
    instants(),
    st.integers(min_value=1, max_value=90),
    st.integers(min_value=0, max_value=100 * 86_400),
    st.lists(st.tuples(st.integers(0, 80 * 86_400), st.integers(1, 30)), max_size=3),
)
def test_the_cut_at_delivery_on_every_boundary(
    shipped: pendulum.DateTime, days: int, delivered_after: int, grants: list[tuple[int, int]]
) -> None:
    days = min(days, PAGES.number("protection.period", "at_most"))
    order = Order(id="C", placed_at=shipped, shipped_at=shipped, protection_days=days, promised_days=10)
    for after, extra in sorted(grants):
        try:
            order = aliprotect.grant_extension(order, days=extra, at=shipped.add(seconds=after), rules=BASE)
        except aliprotect.errors.ActionRefusedError:
            continue
    delivered = shipped.add(seconds=delivered_after)
    cut = attrs.evolve(order, delivered_at=delivered)
    end = aliprotect.protection_end(cut, rules=PAGES).at
    timer = aliprotect.protection_end(order, rules=BASE).at
    assert aliprotect.protection_end(cut, rules=BASE).at == timer  # only a rulebook with the cut cuts
    assert _days.utc(end) <= _days.utc(timer)  # never longer than the timer
    later_days = sum(e.days for e in order.extensions if _days.utc(e.granted_at) >= _days.utc(delivered))
    if later_days == 0:
        running = _days.utc(delivered) < _days.utc(timer)
        expected = min(timer, _days.add_days(delivered, 5), key=_days.utc) if running else timer
        assert end == expected


def test_escrow_advice_waits_for_the_claim_phase_even_after_a_rude_reply() -> None:
    shipped = pendulum.datetime(2012, 5, 2, 15, tz=SHANGHAI)
    order = shipped_order(shipped, carrier="EMS")
    opened = pendulum.datetime(2012, 5, 10, 9, tz=SHANGHAI)
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=ESCROW)
    rude = aliprotect.seller_rejects(dispute, at=opened.add(hours=3), rude=True, rules=ESCROW)
    (wait,) = aliprotect.next_actions(order, at=opened.add(days=1), dispute=rude, rules=ESCROW)
    assert (wait.action, wait.by) == (aliprotect.Action.WAIT, pendulum.datetime(2012, 5, 14, tz=SHANGHAI))
    (escalate,) = aliprotect.next_actions(order, at=pendulum.datetime(2012, 5, 14, tz=SHANGHAI), dispute=rude)
    assert (escalate.action, escalate.urgency) == (aliprotect.Action.ESCALATE, aliprotect.Urgency.NOW)
    assert escalate.by == pendulum.datetime(2012, 5, 26, tz=SHANGHAI)  # the dispute team on the 16th day


def test_the_edges_of_waiting_and_claim_phases_in_advice_pictures_and_the_command_line() -> None:
    from aliprotect.cli import main

    # a custom rulebook whose last chance is the end of the promised time: waiting leaves nothing to do
    shut = Y2021.derive(version="2021.1+shut", changes={"open.latest": 0})
    shipped = pendulum.datetime(2022, 3, 2, 12, tz="Europe/Paris")
    order = shipped_order(shipped, promised_days=20)
    moving = tracking_at(shipped, Location.IN_TRANSIT, after=dt.timedelta(days=3))
    assert not aliprotect.next_actions(order, at=shipped.add(days=12), rules=shut, tracking=moving)
    # the picture of a dispute under the later pages shows the claim phase, and no moderator time
    opened = pendulum.datetime(2016, 4, 8, 9, tz="UTC")
    pages_order = shipped_order(pendulum.datetime(2016, 4, 2, 10, tz="UTC"), promised_days=10)
    dispute = aliprotect.open_dispute(pages_order, Claim(kind=ClaimKind.DAMAGED), at=opened, rules=PAGES)
    picture = aliprotect.display.timeline_svg(pages_order, dispute=dispute, rules=PAGES)
    assert "claims until" in picture
    assert "moderator from" not in picture
    out, err = io.StringIO(), io.StringIO()
    assert main(["rules", "--rulebook", "2013.1"], out=out, err=err) == 0
    assert "not stated by its sources: open.earliest, open.latest" in out.getvalue()
    assert "where the sources disagree" not in out.getvalue()
