"""Rulebooks: the published one is complete and cited; bad documents get a clear, typed error."""

import importlib
import importlib.resources
import inspect
import re

import pytest

import aliprotect
from aliprotect import Rulebook
from aliprotect.errors import MalformedRulebookError, UnknownRulebookError, UnknownRuleError
from aliprotect.rules import Unit

PUBLISHED_TEXT = (importlib.resources.files("aliprotect") / "rulebooks" / "2025.1.toml").read_text(encoding="utf-8")

# Every rule id of the rule catalog, by group.
CATALOG = {
    "open": ["open.earliest", "open.latest", "open.not_received_before_receipt"],
    "protection": [
        "protection.period",
        "protection.extension",
        "protection.expiry_completes",
        "protection.settlement_buffer",
    ],
    "cancel": ["cancel.before_shipment"],
    "escrow": ["escrow.release"],
    "dispute": [
        "dispute.seller_reply",
        "dispute.seller_silent",
        "dispute.seller_accepts",
        "dispute.escalation",
        "dispute.accept_offer_closes",
        "dispute.closes_on_refund",
        "dispute.lost_is_final",
    ],
    "refund": ["refund.only_through_dispute", "refund.arrival"],
    "return": ["return.window"],
    "claim": [
        "claim.not_received",
        "claim.late",
        "claim.not_as_described",
        "claim.wrong_item",
        "claim.damaged",
        "claim.missing_items",
        "claim.counterfeit",
        "claim.not_covered",
    ],
    "tracking": ["tracking.not_available", "tracking.inactive", "tracking.stalled"],
    "dropship": ["dropship.refund_customer", "dropship.reship"],
}

# The numbers of the rule catalog, as (rule id, quantity name): (value, unit).
NUMBERS = {
    ("open.earliest", "opens"): (6, Unit.DAY_NUMBER),
    ("open.latest", "after_completion"): (15, Unit.DAYS),
    ("protection.period", "default"): (60, Unit.DAYS),
    ("protection.settlement_buffer", "before_protection_end"): (10, Unit.DAYS),
    ("dispute.seller_reply", "reply"): (5, Unit.DAYS),
    ("dispute.escalation", "moderator_after"): (7, Unit.DAYS),
    ("refund.arrival", "at_most"): (7, Unit.DAYS),
    ("return.window", "seller_response"): (5, Unit.DAYS),
    ("return.window", "ship_back"): (10, Unit.DAYS),
    ("tracking.not_available", "min"): (5, Unit.DAYS),
    ("tracking.not_available", "max"): (10, Unit.DAYS),
    ("tracking.inactive", "inactive"): (5, Unit.BUSINESS_DAYS),
    ("tracking.inactive", "then"): (2, Unit.DAYS),
    ("tracking.stalled", "stalled_after"): (2, Unit.DAYS),
}

RULES = aliprotect.rulebook("2025.1")


def test_the_published_rulebook_has_every_rule_of_the_catalog() -> None:
    expected = {rule_id for ids in CATALOG.values() for rule_id in ids}
    assert set(RULES.rules) == expected
    for group, ids in CATALOG.items():
        assert all(RULES.rule(rule_id).group == group for rule_id in ids)


@pytest.mark.parametrize(("key", "expected"), NUMBERS.items(), ids=[f"{r}.{n}" for r, n in NUMBERS])
def test_the_published_numbers(key: tuple[str, str], expected: tuple[int, Unit]) -> None:
    quantity = RULES.quantity(*key)
    assert (quantity.value, quantity.unit) == expected


def test_every_number_is_in_the_table_above() -> None:
    found = {(rule.id, name) for rule in RULES.rules.values() for name in rule.quantities}
    assert found == set(NUMBERS)


def test_every_rule_is_cited_to_a_listed_source() -> None:
    for rule in RULES.rules.values():
        assert rule.summary
        assert rule.citations, rule.id
        for citation in rule.citations:
            assert citation.source in RULES.sources
            assert str(citation).startswith(citation.source)
            assert citation.locator


def test_citations_read_back_as_written() -> None:
    assert [str(c) for c in RULES.rule("open.latest").citations][:2] == ["seed 001:99", "seed 001:171"]
    assert "seed 001 comment 36" in [str(c) for c in RULES.rule("claim.missing_items").citations]


def test_the_three_conflicts_and_the_reading_followed() -> None:
    topics = {conflict.topic: conflict for conflict in RULES.conflicts}
    assert set(topics) == {"seller reply time", "last day to open a dispute", "when a dispute can open"}
    reply = topics["seller reply time"]
    assert [str(c) for c in reply.readings[1].citations] == ["seed 004:51"]
    assert reply.follows.startswith("5 days")
    assert "after completion" in topics["last day to open a dispute"].follows
    assert all(rule_id in RULES.rules for c in RULES.conflicts for rule_id in c.rules)


def test_the_timeline_reads_its_numbers_from_the_rulebook_by_rule_id() -> None:
    source = "\n".join(
        inspect.getsource(importlib.import_module(name)) for name in ("aliprotect._timeline", "aliprotect._eligibility")
    )
    for rule_id in CATALOG["open"] + CATALOG["protection"] + CATALOG["cancel"] + CATALOG["escrow"]:
        assert f'"{rule_id}"' in source, rule_id
    # no day count is written into the logic: every number in the code is 0 or 1
    code = "\n".join(line.split("#")[0] for line in source.splitlines() if not line.lstrip().startswith(">>>"))
    code = re.sub(r'""".*?"""', "", code, flags=re.DOTALL)
    assert set(re.findall(r"(?<![\w.])\d+(?![\w.])", code)) <= {"0", "1"}


def test_the_latest_and_a_named_rulebook() -> None:
    assert aliprotect.rulebook() is aliprotect.rulebook(aliprotect.rulebook().version)
    assert RULES.version == "2025.1"
    assert RULES.published.isoformat() == "2026-11-22"


@pytest.mark.parametrize("version", ["1999.1", "2025.01", "", "latest", 2025.1])
def test_an_unknown_version_is_refused(version: object) -> None:
    with pytest.raises(
        UnknownRulebookError,
        match=r"is not a published rulebook; published: 2010\.1, 2013\.1, 2013\.2, 2015\.1, 2018\.1, 2020\.1, "
        r"2020\.2, 2021\.1, 2021\.2, 2025\.1, 2025\.2, observed\.1, observed\.2, undated\.1, undated\.2, "
        r"undated\.3, undated\.4, undated\.5",
    ):
        aliprotect.rulebook(version)  # type: ignore[arg-type]


def test_an_unknown_rule_or_quantity_is_refused() -> None:
    with pytest.raises(UnknownRuleError, match=r"rule_id='open.soonest' is not a rule of rulebook 2025.1"):
        RULES.rule("open.soonest")
    with pytest.raises(UnknownRuleError, match=r"name='maximum' is not a quantity of rule open.latest"):
        RULES.quantity("open.latest", "maximum")
    with pytest.raises(UnknownRuleError, match=r"has 2 quantities .*name the one you want"):
        RULES.quantity("return.window")
    with pytest.raises(UnknownRuleError, match=r"has 0 quantities"):
        RULES.quantity("escrow.release")


def test_a_quantity_in_another_unit_is_refused() -> None:
    with pytest.raises(MalformedRulebookError, match=r"counts in day_number, but it is used as days"):
        RULES.quantity("open.earliest", unit=Unit.DAYS)


def test_the_same_text_gives_the_same_fingerprint() -> None:
    assert Rulebook.from_toml(PUBLISHED_TEXT) == RULES
    assert Rulebook.from_toml(PUBLISHED_TEXT).fingerprint == RULES.fingerprint
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", RULES.fingerprint)
    assert hash(RULES) == hash(Rulebook.from_toml(PUBLISHED_TEXT))


def test_any_change_changes_the_fingerprint() -> None:
    changed = Rulebook.from_toml(PUBLISHED_TEXT.replace("value = 15,", "value = 14,"))
    assert changed.quantity("open.latest").value == 14
    assert changed.fingerprint != RULES.fingerprint


def test_formatting_and_comments_do_not_change_the_fingerprint() -> None:
    reformatted = Rulebook.from_toml("# a comment\n" + PUBLISHED_TEXT.replace(" = ", "   =   "))
    assert reformatted.fingerprint == RULES.fingerprint


MALFORMED = {
    "not TOML": ("[rulebook\nversion = ", "not valid TOML"),
    "no rulebook table": ("[rules]\n", r"rulebook rulebook: is missing"),
    "no version": (
        PUBLISHED_TEXT.replace('version = "2025.1"', ""),
        r"\[rulebook\]\.version: must be a non-empty string",
    ),
    "bad date": (
        PUBLISHED_TEXT.replace("published = 2026-11-22", 'published = "soon"'),
        "must be a TOML date",
    ),
    "a negative number": (
        PUBLISHED_TEXT.replace("value = 6,", "value = -6,"),
        r'rules\."open.earliest"\]\.quantities\.opens\.value: must be a whole number of 0 or more, found -6',
    ),
    "quantities not a table": (
        PUBLISHED_TEXT.replace('quantities.opens = { value = 6, unit = "day_number" }', "quantities = 6"),
        r"quantities: must be a table of quantities",
    ),
    "a fractional number": (PUBLISHED_TEXT.replace("value = 6,", "value = 6.5,"), "found 6.5"),
    "a wrong unit": (
        PUBLISHED_TEXT.replace('unit = "day_number"', 'unit = "weeks"'),
        r"\.unit: must be one of days, business_days, day_number, found 'weeks'",
    ),
    "an unknown source": (
        PUBLISHED_TEXT.replace('citations = ["seed 002:26"]', 'citations = ["seed 009:26"]', 1),
        "citation 'seed 009:26' does not start with a source",
    ),
    "no citations": (
        PUBLISHED_TEXT.replace('citations = ["seed 002:26"]', "citations = []", 1),
        "non-empty list",
    ),
    "an unknown key": (
        PUBLISHED_TEXT.replace(
            'summary = "A dispute can be opened from', 'sumary = "x"\nsummary = "A dispute can be opened from'
        ),
        r"has unknown keys \['sumary'\]",
    ),
    "sources not tables": (
        PUBLISHED_TEXT.replace('[sources."seed 000"]\ntitle =', "sources_title ="),
        "source",
    ),
    "a source that is not a table": (
        '[rulebook]\nversion = "1"\ntitle = "t"\npublished = 2026-01-01\nsummary = "s"\n'
        'in_force_from = 2025-01-01\nin_force_certainty = "seen"\n'
        '[sources]\n"seed 000" = "x"\n[rules]\n',
        "every source must be a table with a title",
    ),
    "a rule that is not a table": (
        PUBLISHED_TEXT.replace(
            '[rules."escrow.release"]\nsummary', '[rules]\n"x.y" = 1\n[rules."escrow.release"]\nsummary'
        ),
        r'rules\."x.y"\]: must be a table',
    ),
    "conflicts not an array": (
        "conflicts = 1\n" + PUBLISHED_TEXT.split("[[conflicts]]")[0],
        r"\[\[conflicts\]\]: must be an array of tables",
    ),
    "a conflict of one reading as text": (
        PUBLISHED_TEXT.replace('{ says = "The seller has 7 days to reply.", citations = ["seed 004:51"] }', '"7 days"'),
        "each reading must be a table",
    ),
    "a conflict about no rule": (
        PUBLISHED_TEXT.replace('rules = ["open.latest"]', 'rules = ["open.lastest"]'),
        r"conflicts\]\] #2\.rules: must list rule ids",
    ),
    "a conflict of one reading": (
        PUBLISHED_TEXT
        + '[[conflicts]]\ntopic = "t"\nrules = ["open.latest"]\n'
        + 'readings = [{says = "x", citations = ["seed 001:1"]}]\nfollows = "x"\n',
        "at least two readings",
    ),
}


@pytest.mark.parametrize(("text", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_rulebook_is_refused(text: str, message: str) -> None:
    with pytest.raises(MalformedRulebookError, match=message):
        Rulebook.from_toml(text)


def test_conflicts_must_be_tables() -> None:
    text = PUBLISHED_TEXT.split("[[conflicts]]")[0]
    with pytest.raises(MalformedRulebookError, match=r"\[\[conflicts\]\] #1: must be a table"):
        Rulebook.from_toml("conflicts = [1]\n" + text)


def test_a_quantity_is_a_whole_number_of_zero_or_more() -> None:
    assert aliprotect.rules.Quantity(0, Unit.DAYS).value == 0
    with pytest.raises(aliprotect.errors.InvalidValueError, match=r"value=-1 must be a whole number of 0 or more"):
        aliprotect.rules.Quantity(-1, Unit.DAYS)


def test_a_citation_of_a_whole_source_reads_back_as_the_source() -> None:
    assert str(aliprotect.rules.Citation("seed 002", "")) == "seed 002"


def test_a_published_file_must_carry_its_own_version(monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module("aliprotect._registry")
    monkeypatch.setattr(module, "_published", lambda: ("2030.1",))
    monkeypatch.setattr(module, "_document", lambda version: aliprotect.Rulebook.from_toml(PUBLISHED_TEXT).document)
    with pytest.raises(MalformedRulebookError, match=r"the rulebook file 2030.1.json says version='2025.1'"):
        module._load.__wrapped__("2030.1")


def test_the_disputes_cite_every_rule_of_their_groups() -> None:
    source = "\n".join(
        inspect.getsource(importlib.import_module(f"aliprotect.{name}"))
        for name in ("_dispute", "_dispute_machine", "_eligibility", "_transitions")
    )
    for rule_id in [*CATALOG["dispute"], *CATALOG["refund"], *CATALOG["return"], "claim.not_covered"]:
        assert f'"{rule_id}"' in source, rule_id
    for kind in aliprotect.ClaimKind:
        assert kind.rule_id in RULES.rules
    assert {kind.rule_id for kind in aliprotect.ClaimKind} | {"claim.not_covered"} == set(CATALOG["claim"])
