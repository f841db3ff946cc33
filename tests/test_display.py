"""Jupyter representations, the SVG timeline, records and the generated rules reference."""

import html

import pendulum
import pytest

import aliprotect
from aliprotect import Claim, ClaimKind, Order
from aliprotect.display import rules_markdown

RULES = aliprotect.rulebook("2025.1")
PARIS = "Europe/Paris"


def paris(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=PARIS)


ORDER = Order(
    id="H<1>",
    placed_at=paris(2025, 3, 1, 10),
    shipped_at=paris(2025, 3, 3, 18),
    protection_days=60,
    extensions=[aliprotect.Extension(granted_at=paris(2025, 4, 20), days=15)],
    amount=aliprotect.Money("9.90", "EUR"),
)


def test_an_order_shows_its_facts_timeline_and_picture_escaped() -> None:
    html = ORDER._repr_html_()
    assert "H&lt;1&gt;" in html
    assert "H<1>" not in html
    assert "+15 days at 2025-04-20T00:00:00+02:00" in html
    assert "<svg" in html
    assert "<abbr title=" in html  # rule ids show their rule on hover
    summary = RULES.rule("open.earliest").summary
    assert summary.replace('"', "&quot;") in html


def test_a_timeline_of_an_unshipped_order_says_so() -> None:
    unshipped = Order(id="U", placed_at=paris(2025, 3, 1), protection_days=60)
    assert "Not shipped yet" in aliprotect.timeline(unshipped, rules=RULES)._repr_html_()
    assert "not shipped yet" in aliprotect.display.timeline_svg(unshipped, rules=RULES)
    assert "not yet" in unshipped._repr_html_()


def test_a_status_and_advice_show_as_tables() -> None:
    dispute = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 5, 1), rules=RULES)
    offered = aliprotect.seller_offers(dispute, at=paris(2025, 5, 2), refund=aliprotect.Money("3", "EUR"), rules=RULES)
    html = aliprotect.dispute_status(offered, at=paris(2025, 5, 3))._repr_html_()
    assert "negotiating" in html
    assert "Seller's offer: 3 EUR" in html
    refunded = aliprotect.platform_refunds(
        aliprotect.seller_accepts(dispute, at=paris(2025, 5, 2), rules=RULES), at=paris(2025, 5, 3), rules=RULES
    )
    assert "Refund: 9.90 EUR" in aliprotect.dispute_status(refunded, at=paris(2025, 5, 3))._repr_html_()
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 5, 10), rules=RULES)
    assert isinstance(advice, tuple)
    assert advice._repr_html_().count("<tr>") == len(advice) + 1
    assert aliprotect.next_actions(ORDER, at=paris(2025, 6, 30), rules=RULES)._repr_html_() == "<p>Nothing to do.</p>"


def test_a_custom_rulebook_shows_rule_ids_without_tooltips() -> None:
    custom = RULES.derive(version="custom", changes={"open.latest": 20})
    html = aliprotect.timeline(ORDER, rules=custom)._repr_html_()
    assert "<code>open.latest</code>" in html
    assert "<abbr" not in html


def test_the_svg_marks_every_deadline_and_now() -> None:
    dispute = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 5, 1), rules=RULES)
    svg = aliprotect.display.timeline_svg(ORDER, at=paris(2025, 5, 3), dispute=dispute, rules=RULES)
    for label in (
        "placed",
        "shipped",
        "dispute opens",
        "open by (recommended)",
        "protection ends",
        "last chance",
        "extended +15 days",
        "dispute opened",
        "seller reply by",
        "moderator from",
        "now",
    ):
        assert f">{label} " in svg, label
    assert svg._repr_svg_() == str(svg)


def test_a_rulebook_shows_every_rule_and_conflict() -> None:
    html = RULES._repr_html_()
    for rule_id in RULES.rules:
        assert f"<code>{rule_id}</code>" in html
    assert "seller reply time" in html


def test_records_for_each_kind_of_answer() -> None:
    records = aliprotect.display.to_records(aliprotect.timeline(ORDER, rules=RULES))
    assert [r["name"] for r in records][-1] == "dispute_closes"
    assert records[0]["at"] == paris(2025, 3, 9)
    advice = aliprotect.display.to_records(aliprotect.next_actions(ORDER, at=paris(2025, 5, 10), rules=RULES))
    assert set(advice[0]) == {"order_id", "urgency", "action", "by", "text", "rule_ids", "rulebook", "fingerprint"}
    reminders = aliprotect.upcoming([ORDER], at=paris(2025, 5, 10), within=pendulum.duration(days=30), rules=RULES)
    assert [r["name"] for r in aliprotect.display.to_records(reminders)] == ["protection_ends", "dispute_closes"]
    dispute = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.LATE), at=paris(2025, 5, 1), rules=RULES)
    assert (
        aliprotect.display.to_records(aliprotect.dispute_status(dispute, at=paris(2025, 5, 1)))[0]["name"]
        == "seller_reply_by"
    )
    with pytest.raises(aliprotect.errors.InvalidValueError, match="cannot be made into records"):
        aliprotect.display.to_records(ORDER)


def test_the_rules_reference_lists_every_rule_with_its_sources_and_the_conflicts() -> None:
    for book in aliprotect.rulebooks():
        text = rules_markdown(book)
        assert f"## Rulebook {book.version}" in text
        assert book.fingerprint in text
        for rule in book.rules.values():
            row = next(line for line in text.splitlines() if line.startswith(f"| `{rule.id}` |"))
            for citation in rule.citations:  # a link to the page, at the section, named by section and line
                assert f"[{html.escape(citation.where(), quote=False)}]({citation.url})" in row
        for conflict in book.conflicts:
            assert conflict.topic in text
        for key, source in book.sources.items():
            assert f"- **{key}**: {html.escape(source.title, quote=False)}. " in text
            assert f"[{source.address}]({source.url})" in text


def test_every_answer_and_value_with_a_notebook_display_shows_escaped_html() -> None:
    dispute = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.LATE), at=paris(2025, 4, 1), rules=RULES)
    dispute = aliprotect.seller_rejects(dispute, at=paris(2025, 4, 2), rules=RULES)
    advice = aliprotect.next_actions(ORDER, at=paris(2025, 4, 25), rules=RULES)
    reminders = aliprotect.upcoming([ORDER], at=paris(2025, 4, 20), within=pendulum.duration(days=30), rules=RULES)
    values: list[object] = [
        ORDER,
        RULES,
        aliprotect.timeline(ORDER, rules=RULES),
        aliprotect.protection_end(ORDER, rules=RULES),
        aliprotect.dispute_window(ORDER, rules=RULES),
        aliprotect.can_cancel(ORDER, at=paris(2025, 3, 2), rules=RULES),
        dispute,
        aliprotect.dispute_status(dispute, at=paris(2025, 4, 3), rules=RULES),
        advice,
        advice[0],
        reminders[0],
    ]
    for value in values:
        html = value._repr_html_()  # type: ignore[attr-defined]
        assert isinstance(html, str), type(value).__name__
        assert html.startswith("<"), type(value).__name__
        assert "H<1>" not in html, type(value).__name__  # the order id is escaped wherever it shows


def test_a_value_with_no_formatter_falls_back_to_its_repr() -> None:
    formatting = __import__("importlib").import_module("aliprotect._formatting")
    assert formatting.html(object()) is None


def test_every_value_and_answer_type_shows_itself_in_a_notebook() -> None:
    import attrs

    import aliprotect.aliexpress as aliexpress

    types = [getattr(aliprotect, name) for name in aliprotect.__all__]
    types += [getattr(aliexpress, name) for name in aliexpress.__all__]
    shown = [kind for kind in types if isinstance(kind, type) and attrs.has(kind)]
    assert {"Dispute", "Verdict", "Window", "Money", "Decision", "Replay", "ApiOrder"} <= {k.__name__ for k in shown}
    for kind in shown:
        assert aliprotect._formatting._HTML.get(kind) is not None, f"{kind.__name__} has no notebook display"


def test_values_without_a_table_of_their_own_show_field_by_field_escaped() -> None:
    decision = aliprotect.record(aliprotect.timeline, ORDER, rules=RULES)
    html_text = decision._repr_html_()
    assert html_text.startswith("<p><b>Decision</b></p>")
    assert "<b>question</b>" in html_text
    assert "timeline" in html_text
    assert "H&lt;1&gt;" in html_text  # the order among the inputs, escaped
    assert "dispute_closes" in html_text  # the answer, shown by its own table
    replayed = aliprotect.replay(decision)._repr_html_()
    assert "<b>holds</b>" in replayed
    assert "True" in replayed
    money = aliprotect.Money("9.90", "EUR")._repr_html_()
    assert "9.90" in money
    assert "EUR" in money
    claim = Claim(kind=ClaimKind.NOT_RECEIVED, evidence=[aliprotect.Evidence.TRACKING_SCREENSHOT])._repr_html_()
    assert "not_received" in claim
    assert "tracking_screenshot" in claim
    with pytest.raises(aliprotect.errors.InvalidValueError, match="value="):
        aliprotect.display.fields_html("text")


def test_an_aliexpress_record_shows_field_by_field() -> None:
    from aliexpress_support import detail, whole

    found = aliprotect.aliexpress.order_from_api(whole(detail()))
    html_text = found._repr_html_()
    assert html_text.startswith("<p><b>ApiOrder</b></p>")
    assert "<b>order</b>" in html_text
    assert "<table" in html_text


def test_fields_html_shows_only_aliprotect_s_own_values() -> None:
    import attrs

    from aliprotect.display import fields_html

    @attrs.define
    class Mine:
        items: list[object]

    looped: list[object] = []
    looped.append(looped)  # a list that holds itself, in a value of the caller's: it recursed without end
    with pytest.raises(aliprotect.errors.InvalidValueError, match="must be one of aliprotect's values"):
        fields_html(Mine(looped))
