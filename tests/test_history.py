"""The dated history: a rulebook for every date since 2010, readings corrected in new versions,
carried rules that say where they come from, and the superseded rulebooks kept loadable."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import warnings

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aliprotect
from aliprotect import Claim, ClaimKind, Order, Stage
from aliprotect.errors import AliprotectDeprecationWarning, MalformedRulebookError
from aliprotect.rules import SUPERSEDED, Certainty

BOOKS = {book.version: book for book in aliprotect.rulebooks()}
FIRST = dt.date(2010, 1, 1)


def order_of(day: dt.date) -> Order:
    """An order placed on ``day`` with every fact an era may need: a carrier and a promised time."""
    placed = pendulum.datetime(day.year, day.month, day.day, 10, tz="Asia/Shanghai")
    return Order(
        id="H1",
        placed_at=placed,
        shipped_at=placed.add(days=2),
        protection_days=60,
        carrier="EMS",
        promised_days=20,
    )


@given(st.dates(min_value=FIRST, max_value=dt.date.today()))
def test_every_date_since_2010_has_a_rulebook_that_answers_the_timeline(day: dt.date) -> None:
    book = aliprotect.rulebook(on=day)
    assert book.version not in SUPERSEDED
    assert book.in_force_from is not None
    assert book.in_force_from <= day
    answer = aliprotect.timeline(order_of(day), rules=book)
    assert {d.name for d in answer.deadlines} >= {"dispute_opens", "dispute_closes", "protection_ends"}
    assert answer.rulebook == book.version


@pytest.mark.parametrize("day", [FIRST, dt.date(2013, 7, 31), dt.date(2013, 8, 1), dt.date(2020, 6, 5)])
def test_the_boundaries_of_the_history(day: dt.date) -> None:
    expected = {FIRST: "2010.1", dt.date(2013, 7, 31): "2010.1", dt.date(2013, 8, 1): "2013.2"}
    assert aliprotect.rulebook(on=day).version == expected.get(day, "2018.1")
    with pytest.raises(aliprotect.errors.UnknownRulebookError, match="earliest known rules are from 2010-01-01"):
        aliprotect.rulebook(on=FIRST - dt.timedelta(days=1))


@pytest.mark.parametrize("version", sorted(BOOKS))
def test_every_carried_rule_is_stated_as_it_is_by_the_rulebook_it_names(version: str) -> None:
    book = BOOKS[version]
    for rule in book.rules.values():
        if rule.carried_from is None:
            continue
        origin = BOOKS[rule.carried_from]
        stated = origin.rule(rule.id)
        assert stated.carried_from is None, f"{version} {rule.id}: {origin.version} carries it too"
        assert (stated.summary, stated.citations, stated.quantities) == (rule.summary, rule.citations, rule.quantities)


@pytest.mark.parametrize("version", ["2010.1", "2013.2", "2015.1", "2018.1"])
def test_a_new_era_carries_from_the_latest_earlier_period_that_states_a_rule(version: str) -> None:
    chain = ["2010.1", "2013.2", "2015.1", "2018.1", "2020.2", "2021.2", "2025.2"]
    at = chain.index(version)
    for rule in BOOKS[version].rules.values():
        if rule.carried_from is None:
            continue
        earlier = [v for v in chain[:at] if BOOKS[v].rule(rule.id).carried_from is None]
        says = [v for v in earlier if BOOKS[v].rule(rule.id).resolutions or not rule.id.startswith("claim.")]
        if says:
            assert rule.carried_from == says[-1], rule.id
        else:  # no earlier period states it: the earliest later one that does
            assert chain.index(rule.carried_from) > at, rule.id


def test_explain_says_which_rules_an_answer_carries_from_another_period() -> None:
    book = aliprotect.rulebook("2013.2")
    window = aliprotect.dispute_window(order_of(dt.date(2014, 3, 1)), rules=book)
    text = aliprotect.explain(window)
    assert (
        "- open.earliest: A dispute can be opened from the 6th day after shipping. (carried over from rulebook 2010.1)"
        in text
    )
    assert text.count("carried over from rulebook") == 2  # open.earliest and open.latest, both of the escrow era


# --- each corrected reading, with its source --------------------------------------------------


def test_escrow_a_silent_supplier_sends_the_dispute_to_the_dispute_team_on_the_16th_day() -> None:
    # escrow.aliexpress.com/escrow-faq/dispute/how-does-our-dispute-refund-process-work.html: the supplier has
    # 15 days to respond; on the 16th day an unresolved dispute goes to AliExpress's dispute team
    escrow, old = aliprotect.rulebook("2010.1"), BOOKS["undated.1"]
    assert escrow.rule("dispute.seller_silent").outcome == "to_moderator"
    shipped = pendulum.datetime(2012, 5, 2, 15, tz="Asia/Shanghai")
    order = Order(id="E1", placed_at=shipped, shipped_at=shipped, protection_days=60, carrier="EMS")
    opened = pendulum.datetime(2012, 5, 10, 9, tz="Asia/Shanghai")
    claim = Claim(kind=ClaimKind.NOT_RECEIVED)
    silent = aliprotect.open_dispute(order, claim, at=opened, rules=escrow)
    reply_by = opened.add(days=15)
    at_reply = aliprotect.dispute_status(silent, at=reply_by)
    assert at_reply.stage is Stage.AWAITING_SELLER  # not the buyer's win
    assert at_reply.refund is None
    assert "goes to AliExpress's dispute team at 2012-05-26T00:00:00+08:00" in at_reply.description
    before_16th = aliprotect.dispute_status(silent, at=pendulum.datetime(2012, 5, 25, 23, 59, 59, tz="Asia/Shanghai"))
    assert before_16th.stage is Stage.AWAITING_SELLER
    on_16th = aliprotect.dispute_status(silent, at=pendulum.datetime(2012, 5, 26, tz="Asia/Shanghai"))
    assert on_16th.stage is Stage.WITH_MODERATOR
    assert on_16th.rule_ids == ("dispute.seller_reply", "dispute.seller_silent", "dispute.escalation")
    # the superseded reading: the buyer wins at the reply deadline
    superseded = aliprotect.open_dispute(order, claim, at=opened, rules=old)
    assert aliprotect.dispute_status(superseded, at=reply_by).stage is Stage.REFUND_DUE


def test_2015_escalation_is_automatic_when_the_seller_does_not_respond_within_15_days() -> None:
    # k-popfashion.blogspot.com/2015/08/disputes-and-refunds.html: the seller has 15 days, then escalation
    # is automatic; the buyer can escalate after 3 days
    book = aliprotect.rulebook("2015.1")
    order = order_of(dt.date(2016, 3, 1))
    opened = order.shipped_at.add(days=10)
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=book)
    assert aliprotect.dispute_status(dispute, at=opened.add(days=15)).stage is Stage.WITH_MODERATOR
    assert aliprotect.dispute_status(dispute, at=opened.add(days=15, microseconds=-1)).stage is Stage.AWAITING_SELLER
    assert book.quantity("dispute.escalation", "claim_from").value == 3


def test_2018_and_2015_close_disputes_when_the_order_completes() -> None:
    for version in ("2015.1", "2018.1"):
        book = aliprotect.rulebook(version)
        order = order_of(dt.date(2019, 3, 1))
        window = aliprotect.dispute_window(order, rules=book)
        assert window.closes == aliprotect.completion(order, rules=book).at
        topics = {conflict.topic for conflict in book.conflicts}
        assert "a dispute after protection ends" in topics


def test_2020_four_or_more_days_is_a_minimum_and_the_seller_has_five() -> None:
    # megabonus.com/en/blog/aliexpress-dispute-terms-changed/: "4 or more days"; seed 001:64 (06.2020): 5 days
    book = aliprotect.rulebook("2020.2")
    assert book.number("dispute.seller_reply", "reply") == 5
    assert [str(c) for c in book.rule("dispute.seller_reply").citations] == [
        "seed 001:64",
        "megabonus.com/en/blog/aliexpress-dispute-terms-changed/",
    ]
    order = order_of(dt.date(2020, 7, 1))
    opened = order.shipped_at.add(days=10)
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=book)
    assert (
        aliprotect.dispute_status(dispute, at=opened.add(days=4)).stage is Stage.AWAITING_SELLER
    )  # 2020.1: refund_due
    assert aliprotect.dispute_status(dispute, at=opened.add(days=5)).stage is Stage.REFUND_DUE
    conflict = next(c for c in book.conflicts if c.topic == "seller reply time")
    assert "a minimum, not a deadline" in conflict.follows


def test_2021_counts_the_promised_delivery_deadline_in_pacific_time() -> None:
    # christinasbeautyjourney.blogspot.com/2021/12/...: "the deadline shown in PST"
    book = aliprotect.rulebook("2021.2")
    assert (book.days_counted_in, book.days_counted_in_rules) == (
        "America/Los_Angeles",
        ("open.earliest", "open.latest"),
    )
    shipped = pendulum.datetime(2022, 3, 2, 12, tz="Europe/Paris")
    order = Order(id="P1", placed_at=shipped, shipped_at=shipped, protection_days=60, promised_days=20)
    window = aliprotect.dispute_window(order, rules=book)
    # the 11th day starts at midnight in Los Angeles; the promised time ends 20 Pacific days after shipping,
    # an hour earlier in Paris across the United States' change to summer time on 13 March
    assert window.opens == pendulum.datetime(2022, 3, 13, tz="America/Los_Angeles")
    # "until the 15th day after" the promised time: 15 days on, that day still inside (C8)
    assert window.closes == pendulum.datetime(2022, 4, 7, tz="America/Los_Angeles")
    received = Order(
        id="P2",
        placed_at=shipped,
        shipped_at=shipped,
        protection_days=60,
        promised_days=20,
        received_at=pendulum.datetime(2022, 3, 18, 10, tz="Europe/Paris"),  # 02:00 in Los Angeles
    )
    assert aliprotect.dispute_window(received, rules=book).closes == pendulum.datetime(
        2022, 4, 3, tz="America/Los_Angeles"
    )
    before = aliprotect.dispute_window(order, rules=BOOKS["2021.1"])
    assert before.opens == pendulum.datetime(2022, 3, 13, tz="Europe/Paris")


def test_2025_2_corrects_the_citations_and_keeps_the_rules() -> None:
    old, new = BOOKS["2025.1"], BOOKS["2025.2"]
    assert [str(c) for c in new.rule("claim.missing_items").citations][:2] == ["seed 004:39", "seed 004:45"]
    assert "seed 000:71" in [str(c) for c in new.rule("dropship.refund_customer").citations]
    for rule_id, rule in old.rules.items():
        assert new.rule(rule_id).quantities == rule.quantities
        assert new.rule(rule_id).summary == rule.summary
    changes = {(change.rule_id, change.field) for change in aliprotect.rules.diff(old, new)}
    assert changes == {
        ("claim.missing_items", "citations"),
        ("dropship.refund_customer", "citations"),
        ("claim.not_received", "citations"),
        ("claim.not_as_described", "citations"),
        # and it states the articles' rules 2025.1 left out
        ("refund.item_arrives_later", "rule"),
        ("refund.destination", "rule"),
        ("return.when_expected", "rule"),
        ("dispute.escalate_after_decline", "rule"),
        ("dropship.returns_to_store", "rule"),
    }


# --- superseded rulebooks --------------------------------------------------------------------


@pytest.mark.parametrize("version", sorted(SUPERSEDED))
def test_a_superseded_rulebook_stays_loadable_and_warns_saying_why(version: str) -> None:
    superseded = SUPERSEDED[version]
    with pytest.warns(AliprotectDeprecationWarning, match=rf"rulebook {version} is superseded by {superseded.by}: "):
        book = aliprotect.rulebook(version)
    assert book is BOOKS[version]
    assert superseded.by in BOOKS
    assert superseded.by not in SUPERSEDED
    assert all(aliprotect.rulebook(on=day).version != version for day in _starts())


def _starts() -> list[dt.date]:
    return [book.in_force_from for book in BOOKS.values() if book.in_force_from is not None]


def test_an_answer_of_a_superseded_rulebook_is_explained_and_replayed_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old = aliprotect.rulebook("2025.1")
    decision = aliprotect.record(aliprotect.timeline, order_of(dt.date(2025, 3, 1)), rules=old)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert aliprotect.replay(decision).holds
        assert "Rulebook 2025.1" in aliprotect.explain(decision.answer)


def test_the_rule_outcome_is_checked() -> None:
    text = (importlib.resources.files("aliprotect") / "rulebooks" / "2010.1.toml").read_text(encoding="utf-8")
    with pytest.raises(MalformedRulebookError, match=r"outcome: 'to_buyer' is not an outcome this rule can have"):
        aliprotect.Rulebook.from_toml(text.replace('outcome = "to_moderator"', 'outcome = "to_buyer"'))
    elsewhere = text.replace(
        'citations = ["escrow.aliexpress.com/escrow-faq/dispute/how-does-our-dispute-refund-process-work.html"]\n'
        "quantities.reply",
        'citations = ["escrow.aliexpress.com/escrow-faq/dispute/how-does-our-dispute-refund-process-work.html"]\n'
        'outcome = "to_moderator"\nquantities.reply',
    )
    assert elsewhere != text
    with pytest.raises(MalformedRulebookError, match=r"dispute.seller_reply.*outcome.*\(allowed: none\)"):
        aliprotect.Rulebook.from_toml(elsewhere)
    assert BOOKS["2010.1"].in_force_certainty is Certainty.ASSUMED


def test_the_docs_show_the_dated_history_as_a_table_and_a_picture() -> None:
    import importlib.util
    import pathlib
    import xml.etree.ElementTree as ElementTree

    path = pathlib.Path(__file__).parent.parent / "docs" / "hooks.py"
    spec = importlib.util.spec_from_file_location("docs_hooks", path)
    assert spec is not None
    assert spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    page = hooks.on_page_markdown("# Eras\n\n<!-- eras-history -->\n")
    dated = ["2010.1", "2013.2", "2015.1", "2018.1", "2020.2", "2021.2", "2025.2"]
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == dated
    assert "| `2010.1` | 2010-01-01 (assumed) |" in page
    svg = ElementTree.fromstring(page[page.index("<svg") : page.index("</svg>") + len("</svg>")])
    labels = [element.text or "" for element in svg.iter("{http://www.w3.org/2000/svg}text")]
    for version in dated:
        stated = sum(1 for rule in BOOKS[version].rules.values() if rule.carried_from is None)
        assert any(label.startswith(f"{version} · from ") and f"{stated} rules stated" in label for label in labels)


def test_the_later_pages_timer_follows_the_promised_delivery_time_at_most_60_days() -> None:
    # www.aliexpress.com/buyerprotection/how_do_i_open_a_dispute.html: the confirmation date follows
    # the seller's stated delivery time, 60 days at most
    pages, old = aliprotect.rulebook("undated.4"), BOOKS["undated.2"]
    shipped = pendulum.datetime(2016, 4, 2, tz="UTC")
    order = Order(id="Q", placed_at=shipped, shipped_at=shipped, protection_days=60, promised_days=30)
    assert aliprotect.protection_end(order, rules=pages).at == shipped.add(days=30)
    assert aliprotect.protection_end(order, rules=old).at == shipped.add(days=60)  # the superseded reading
    longer = attrs.evolve(order, promised_days=90)
    end = aliprotect.protection_end(longer, rules=pages)
    assert end.at == shipped.add(days=60)
    assert "the longest allowed for the promised delivery time of 90 days" in end.description
    with pytest.raises(aliprotect.errors.MissingFactError, match=r"protection\.period depends on the seller"):
        aliprotect.protection_end(attrs.evolve(order, promised_days=None), rules=pages)
    # an extension must be granted while the timer the rulebook gives still runs
    late = attrs.evolve(order, extensions=[aliprotect.Extension(granted_at=shipped.add(days=40), days=10)])
    with pytest.raises(aliprotect.errors.TimeOrderError, match="is not before protection ended at 2016-05-02"):
        aliprotect.protection_end(late, rules=pages)


def test_the_later_pages_never_advise_opening_before_the_delivery_that_cut_protection() -> None:
    pages, old = aliprotect.rulebook("undated.4"), BOOKS["undated.2"]
    shipped = pendulum.datetime(2016, 4, 2, tz="UTC")
    delivered = pendulum.datetime(2016, 4, 20, tz="UTC")
    order = Order(
        id="D", placed_at=shipped, shipped_at=shipped, protection_days=30, promised_days=30, delivered_at=delivered
    )
    assert aliprotect.protection_end(order, rules=pages).at == delivered.add(days=5)
    assert aliprotect.recommended_open_by(order, rules=pages).at == delivered
    assert aliprotect.recommended_open_by(order, rules=old).at == delivered.add(days=5).subtract(days=10)  # before it
    names = {d.name: d.at for d in aliprotect.timeline(order, rules=pages).deadlines}
    assert names["open_by_recommended"] == delivered
    # not cut (shown delivered after the timer ran out): the buffer counts back as usual
    late = attrs.evolve(order, delivered_at=shipped.add(days=31))
    assert aliprotect.recommended_open_by(late, rules=pages).at == shipped.add(days=20)


def test_the_notebook_display_says_which_rules_an_answer_carries() -> None:
    book = aliprotect.rulebook("2013.2")
    page = aliprotect.timeline(order_of(dt.date(2014, 3, 1)), rules=book)._repr_html_()
    assert "carried over from rulebook 2010.1" in page  # open.earliest's tooltip
    current = aliprotect.timeline(order_of(dt.date(2025, 3, 1)), rules=BOOKS["2025.2"])._repr_html_()
    assert "carried over" not in current


def test_under_the_escrow_era_the_advice_says_silence_goes_to_the_dispute_team() -> None:
    escrow = aliprotect.rulebook("2010.1")
    shipped = pendulum.datetime(2012, 5, 2, 15, tz="Asia/Shanghai")
    order = Order(id="E1", placed_at=shipped, shipped_at=shipped, protection_days=60, carrier="EMS")
    opened = pendulum.datetime(2012, 5, 10, 9, tz="Asia/Shanghai")
    dispute = aliprotect.open_dispute(order, Claim(kind=ClaimKind.NOT_RECEIVED), at=opened, rules=escrow)
    team = pendulum.datetime(2012, 5, 26, tz="Asia/Shanghai")
    for at in (opened.add(days=1), opened.add(days=15, hours=12)):
        status = aliprotect.dispute_status(dispute, at=at)
        assert [d.name for d in status.deadlines] == ["seller_reply_by", "moderator_from"]
        assert status.deadlines[1].at == team
        advice = aliprotect.next_actions(order, at=at, dispute=dispute, rules=escrow)
        waiting = next(a for a in advice if a.action is aliprotect.Action.WAIT)
        assert "you win" not in waiting.text
        assert "dispute team" in waiting.text
        assert all(a.by is None or a.by > at for a in advice)  # never advice whose time has passed


def test_words_for_a_last_chance_at_completion_or_on_a_named_day() -> None:
    order = order_of(dt.date(2019, 3, 1))
    late = order.shipped_at.add(days=70)
    for version, words in (("2018.1", ", when the order completed"), ("2021.2", ", at the end of day 15 after")):
        verdict = aliprotect.can_open_dispute(order, ClaimKind.NOT_RECEIVED, at=late, rules=BOOKS[version])
        assert not verdict
        assert words in verdict.reason


def test_under_the_promised_timer_the_sanity_bound_applies_to_the_promised_days() -> None:
    pages = aliprotect.rulebook("undated.4")
    shipped = pendulum.datetime(2016, 4, 2, tz="UTC")
    # protection_days no longer sets the timer, so a long one is not refused; the timer is capped at 60
    order = Order(id="L", placed_at=shipped, shipped_at=shipped, protection_days=90, promised_days=30)
    assert aliprotect.protection_end(order, rules=pages).at == shipped.add(days=30)


def test_the_later_pages_never_advise_opening_before_a_dispute_can_open() -> None:
    pages = aliprotect.rulebook("undated.4")
    shipped = pendulum.datetime(2019, 3, 1, 18, tz="Europe/Paris")
    short = Order(id="S", placed_at=shipped, shipped_at=shipped, protection_days=60, promised_days=7)
    window = aliprotect.dispute_window(short, rules=pages)
    advised = aliprotect.recommended_open_by(short, rules=pages)
    assert advised.at == window.opens  # not 3 days before shipping (7 - 10)
    assert "less than the 10 days settlement takes after a dispute can first be opened" in advised.description
    extended = attrs.evolve(short, extensions=[aliprotect.Extension(granted_at=shipped.add(days=6), days=2)])
    assert aliprotect.recommended_open_by(extended, rules=pages).at == shipped.add(days=6)  # the extension's instant
    frames = pytest.importorskip("aliprotect.frames")
    pd = pytest.importorskip("pandas")
    table = pd.DataFrame(
        {
            "id": ["S", "T"],
            "placed_at": pd.Series([shipped, shipped], dtype="datetime64[us, Europe/Paris]"),
            "shipped_at": pd.Series([shipped, shipped], dtype="datetime64[us, Europe/Paris]"),
            "protection_days": [60, 60],
            "promised_days": [7, 45],
        }
    )
    answers = frames.timelines(table, rules=pages)
    for row, order in enumerate([short, attrs.evolve(short, id="T", promised_days=45)]):
        expected = {d.name: d.at for d in aliprotect.timeline(order, rules=pages).deadlines}
        got = answers.loc[row, "open_by_recommended"]
        assert got == expected["open_by_recommended"], (row, got, expected)
