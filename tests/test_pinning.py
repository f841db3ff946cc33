"""Rulebook pinning and provenance: the registry, golden fingerprints, custom rulebooks,
diff, explain, stored decisions and their replay, and strict JSON documents."""

import datetime as dt
import importlib
import importlib.resources
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import warnings

import attrs
import pendulum
import pytest

import aliprotect
from aliprotect import ClaimKind, Order, Rulebook
from aliprotect.errors import (
    DocumentError,
    FingerprintError,
    InvalidValueError,
    MalformedRulebookError,
    UnknownRulebookError,
    UnknownRuleError,
)
from aliprotect.rules import Certainty, RuleChange

rulebook_module = importlib.import_module("aliprotect._registry")
rulebook_documents = importlib.import_module("rulebook_documents")  # scripts/, on the path in pyproject.toml

# A published rulebook never changes: its fingerprint is frozen here. Changing the rules
# means publishing a new version, with a CHANGELOG entry saying which orders it affects.
GOLDEN = {
    "2010.1": "sha256:eae78df532f88211b82e4ae014497a7a59aebd6011c66095c7a7b6420d665d6a",
    "2013.1": "sha256:ce2897fadd95eb5ac3874b96ede6f0cb88532c3d80092350f16e0c406a0fb0cd",
    "2013.2": "sha256:31a34e419b4f47c3975e6a50b8db5dc027bbf86b780aec566caf69ce819f1863",
    "2015.1": "sha256:47db6089217fa1ca10c63d36114d2bdf16a122c311bb087e96e538c2d46ae193",
    "2018.1": "sha256:89b97af26aaf4a9d12c226b96090b8b93531069b5142ae69a3b357a7f33ee1b6",
    "2020.1": "sha256:9687671b558827cdbb006d0d8d613a3322c855ac8ef1da88676a1fc693106525",
    "2020.2": "sha256:fd64177c51a047a64cbba1c3dddaa03f2f614723b6c30ff5868805ed844b6dc5",
    "2021.1": "sha256:096cd08c8cd7a112c3035d8f1fb9ac0b95ff5344c83c8916f5fbcff8c92dc7c4",
    "2021.2": "sha256:120829bbee6883fe08deacd1b2a0e26cade3d3626d4ba81c229e1a8f6125752e",
    "2025.1": "sha256:31849fa377302694cc4e026f0ddcfe5f87a2eab2ea21d493d30901f2b7af03d9",
    "2025.2": "sha256:1173a81b7399380b66ccdc2701dd257d71f00f32c6e7ff0dde06af9d61507436",
    "observed.1": "sha256:a0522b60125ef9131abc269f5950442651ae6171fe4ed25f5bf3a01082f03e5d",
    "observed.2": "sha256:2e406dc9799abadbc95caeaf00539686b5f620392c3e89ceddf6fe647a7c81bb",
    "undated.1": "sha256:e1236d2c90f999bf89246c3af94b2e53b345568bea78be597e557a9f9b378cd3",
    "undated.2": "sha256:682f4eec63b7ea5582994fdbf9808b46a074f9fef70383e28e5de76aaedf7f0a",
    "undated.3": "sha256:e9b63d1bd6307c5e54ee05829c07d84e99073fe75a08a207b19c618ef335d01d",
    "undated.4": "sha256:5a27333747e061a0b6ec8e8ba2ce7b692835c2fdfd60719fa49abc712e36ad08",
    "undated.5": "sha256:a788480ffbfac79ba027624fda9c26b29e556d78e8b3770b8f71de24514cfabf",
}

RULES = aliprotect.rulebook("2025.1")
PARIS = "Europe/Paris"
ORDER = Order(
    id="P1",
    placed_at=pendulum.datetime(2025, 3, 1, 10, tz=PARIS),
    shipped_at=pendulum.datetime(2025, 3, 3, 18, tz=PARIS),
    protection_days=60,
    amount=aliprotect.Money("20.00", "EUR"),
)


def paris(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=PARIS)


# --- the registry ---------------------------------------------------------------------


def test_published_rulebooks_keep_their_golden_fingerprints() -> None:
    published = {book.version: book.fingerprint for book in aliprotect.rulebooks()}
    assert published == GOLDEN
    assert dict(rulebook_module.PUBLISHED) == GOLDEN  # the package checks each file against these when it loads


def test_a_modified_installation_is_refused_not_served(tmp_path: pathlib.Path) -> None:
    # a copy of the installed package whose rulebook 2025.1 gives the seller 6 days, not 5
    package = pathlib.Path(aliprotect.__file__).parent
    copy = tmp_path / "aliprotect"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "rulebooks" / "2025.1.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    data["rules"]["dispute.seller_reply"]["quantities"]["reply"]["value"] = 6
    target.write_text(json.dumps(data), encoding="utf-8")
    code = (
        "import aliprotect\n"
        "try:\n    aliprotect.rulebook('2025.1')\n"
        "except aliprotect.errors.ModifiedRulebookError as error:\n    print('refused:', error)\n"
        "print(aliprotect.rulebook('2013.1').version)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    refused, untouched = found.stdout.splitlines()
    assert refused.startswith("refused: the installed rulebook file 2025.1.json has fingerprint sha256:")
    assert f"not {GOLDEN['2025.1']} as released: the installation was modified; reinstall aliprotect" in refused
    assert untouched == "2013.1"  # the other rulebooks still load


def test_the_registry_lists_versions_dates_and_fingerprints() -> None:
    books = aliprotect.rulebooks()
    assert [book.version for book in books] == [
        "2010.1",
        "2013.1",
        "2013.2",
        "2015.1",
        "2018.1",
        "2020.1",
        "2020.2",
        "2021.1",
        "2021.2",
        "2025.1",
        "2025.2",
        "observed.1",
        "observed.2",
        "undated.1",
        "undated.2",
        "undated.3",
        "undated.4",
        "undated.5",
    ]
    assert books[9] is RULES
    assert (RULES.in_force_from, RULES.in_force_certainty) == (dt.date(2025, 1, 1), Certainty.SEEN)
    assert [str(c) for c in RULES.in_force_citations] == ["seed 003:1"]
    assert all(book.parent is None for book in books)
    undated = books[13]
    assert (undated.in_force_from, undated.in_force_certainty) == (None, Certainty.UNKNOWN)
    assert (books[0].in_force_from, books[0].in_force_certainty) == (dt.date(2010, 1, 1), Certainty.ASSUMED)


def test_the_rulebook_in_force_on_a_date() -> None:
    # a date never chooses a superseded rulebook: 2025.2 has 2025.1's rules with its citations corrected
    latest = aliprotect.rulebook("2025.2")
    assert aliprotect.rulebook(on=dt.date(2025, 1, 1)) is latest
    assert aliprotect.rulebook(on=paris(2026, 6, 1, 12)) is latest
    # 1 January 2025 starts earlier east of UTC: the instant counts by its own local date
    assert aliprotect.rulebook(on=pendulum.datetime(2025, 1, 1, 0, 30, tz="Pacific/Kiritimati")) is latest
    assert aliprotect.rulebook(on=pendulum.datetime(2024, 12, 31, 23, 59, tz="UTC")).version == "2021.2"
    assert aliprotect.rulebook(on=dt.date(2021, 12, 1)).version == "2021.2"
    assert aliprotect.rulebook(on=dt.date(2021, 11, 30)).version == "2020.2"
    assert aliprotect.rulebook(on=dt.date(2020, 6, 5)).version == "2018.1"
    assert aliprotect.rulebook(on=dt.date(2018, 7, 31)).version == "2015.1"
    assert aliprotect.rulebook(on=dt.date(2015, 7, 31)).version == "2013.2"
    assert aliprotect.rulebook(on=dt.date(2013, 8, 1)).version == "2013.2"
    assert aliprotect.rulebook(on=dt.date(2013, 7, 31)).version == "2010.1"
    assert aliprotect.rulebook(on=dt.date(2010, 1, 1)).version == "2010.1"
    with pytest.raises(UnknownRulebookError, match=r"on=2009-12-31: no published rulebook was in force .* 2010-01-01"):
        aliprotect.rulebook(on=dt.date(2009, 12, 31))
    with pytest.raises(aliprotect.errors.NaiveDatetimeError):
        aliprotect.rulebook(on=dt.datetime(2025, 6, 1))
    with pytest.raises(InvalidValueError, match=r"ask for one or the other"):
        aliprotect.rulebook("2025.1", on=dt.date(2025, 6, 1))
    with pytest.raises(InvalidValueError, match=r"must be a date"):
        aliprotect.rulebook(on="2025-06-01")  # type: ignore[arg-type]


def test_a_new_version_is_the_latest_and_in_force_from_its_date(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _published_text("2026.1", in_force_from="2026-07-01", reply=7)
    _publish_only(monkeypatch, {"2025.1": _published_text(), "2026.1": text})
    assert aliprotect.rulebook().version == "2026.1"
    assert aliprotect.rulebook(on=dt.date(2026, 6, 30)).version == "2025.1"
    assert aliprotect.rulebook(on=dt.date(2026, 7, 1)).version == "2026.1"


def _publish_only(monkeypatch: pytest.MonkeyPatch, texts: dict[str, str]) -> None:
    """Make the registry publish only these rulebooks, given as TOML texts by version, as released."""
    books = {version: Rulebook.from_toml(text) for version, text in texts.items()}
    documents = {version: book.document for version, book in books.items()}
    monkeypatch.setattr(rulebook_module, "_published", lambda: tuple(documents))
    monkeypatch.setattr(rulebook_module, "_document", documents.__getitem__)
    monkeypatch.setattr(rulebook_module, "PUBLISHED", {version: book.fingerprint for version, book in books.items()})
    monkeypatch.setattr(rulebook_module, "_load", rulebook_module._load.__wrapped__)
    monkeypatch.setattr(rulebook_module, "SUPERSEDED", {})


def test_each_published_json_file_is_its_toml_file() -> None:
    # the package loads the JSON files; people read and edit the TOML files
    folder = importlib.resources.files("aliprotect") / "rulebooks"
    names = {entry.name for entry in folder.iterdir()}
    tomls = {name.removesuffix(".toml") for name in names if name.endswith(".toml")}
    assert {name.removesuffix(".json") for name in names if name.endswith(".json")} == tomls
    for version in tomls:
        text = (folder / f"{version}.toml").read_text(encoding="utf-8")
        loaded = aliprotect.rulebook(version)
        assert (folder / f"{version}.json").read_text(encoding="utf-8") == rulebook_documents.as_json(text), (
            f"{version}.json is not {version}.toml: run python scripts/rulebook_documents.py"
        )
        from_toml = Rulebook.from_toml(text)
        assert loaded == from_toml

        def in_order(book: Rulebook) -> list[object]:  # rules, sources and carrier groups show in this order
            return [list(book.sources.items()), list(book.carriers.items()), [repr(r) for r in book.rules.values()]]

        assert in_order(loaded) == in_order(from_toml)


def _published_text(version: str = "2025.1", *, in_force_from: str = "2025-01-01", reply: int = 5) -> str:
    text = (importlib.resources.files("aliprotect") / "rulebooks" / "2025.1.toml").read_text(encoding="utf-8")
    return (
        text.replace('version = "2025.1"', f'version = "{version}"')
        .replace("in_force_from = 2025-01-01", f"in_force_from = {in_force_from}")
        .replace("quantities.reply = { value = 5,", f"quantities.reply = {{ value = {reply},")
    )


# --- custom rulebooks and diff ---------------------------------------------------------------


def test_a_derived_rulebook_records_its_parent_and_leaves_it_unchanged() -> None:
    seven = RULES.derive(
        version="2025.1+reply7",
        changes={"dispute.seller_reply": 7},
        citations={"dispute.seller_reply": ["seed 004:51"]},
    )
    assert seven.quantity("dispute.seller_reply").value == 7
    assert RULES.quantity("dispute.seller_reply").value == 5
    assert seven.parent == aliprotect.rules.Parent(version="2025.1", fingerprint=RULES.fingerprint)
    assert seven.fingerprint != RULES.fingerprint
    assert aliprotect.rules.diff(RULES, seven) == (
        RuleChange("dispute.seller_reply", "quantities.reply", 5, 7),
        RuleChange(
            "dispute.seller_reply", "citations", ("seed 000:38", "seed 001:64", "seed 002:88"), ("seed 004:51",)
        ),
    )
    assert aliprotect.rules.diff(seven, RULES)[0] == RuleChange("dispute.seller_reply", "quantities.reply", 7, 5)


def test_a_derived_rulebook_reads_back_from_its_document() -> None:
    custom = RULES.derive(version="custom", changes={("return.window", "ship_back"): 12})
    again = Rulebook.from_dict(json.loads(custom.document))
    assert again == custom
    assert again.parent is not None


def test_a_derived_rulebook_changes_the_answers() -> None:
    seven = RULES.derive(version="custom", changes={"dispute.seller_reply": 7})
    claim = aliprotect.Claim(kind=ClaimKind.NOT_RECEIVED)
    dispute = aliprotect.open_dispute(ORDER, claim, at=paris(2025, 4, 1, 9), rules=seven)
    status = aliprotect.dispute_status(dispute, at=paris(2025, 4, 7), rules=seven)
    assert status.deadlines[0].at == paris(2025, 4, 8, 9)
    assert (status.rulebook, status.fingerprint) == ("custom", seven.fingerprint)


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"dispute.seller_answer": 7}, UnknownRuleError, "rule_id='dispute.seller_answer' is not a rule"),
        ({("return.window", "ship"): 7}, UnknownRuleError, "name='ship' is not a quantity of rule return.window"),
        ({"return.window": 7}, UnknownRuleError, "has 2 quantities"),
        ({"escrow.release": 7}, UnknownRuleError, "has 0 quantities"),
        ({"dispute.seller_reply": -1}, MalformedRulebookError, "must be a whole number of 0 or more, found -1"),
        ({"dispute.seller_reply": 1.5}, MalformedRulebookError, "found 1.5"),
    ],
)
def test_a_bad_derivation_is_refused(changes: dict[object, object], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        RULES.derive(version="custom", changes=changes)  # type: ignore[arg-type]


def test_a_derived_rulebook_needs_its_own_version() -> None:
    with pytest.raises(MalformedRulebookError, match=r"needs a version of its own"):
        RULES.derive(version="2025.1", changes={})
    with pytest.raises(MalformedRulebookError, match=r"citation 'blog 7:1' does not start with a source"):
        RULES.derive(version="x", changes={}, citations={"dispute.seller_reply": ["blog 7:1"]})


def test_a_custom_rulebook_file_must_have_every_rule_and_only_known_ones() -> None:
    text = _published_text("custom")
    without = text.replace('[rules."escrow.release"]', '[unused."escrow.release"]')
    with pytest.raises(MalformedRulebookError, match=r"rulebook custom lacks the rules escrow.release"):
        Rulebook.from_toml(without)
    extra = text + '\n[rules."open.soonest"]\nsummary = "x"\ncitations = ["seed 002:26"]\n'
    with pytest.raises(MalformedRulebookError, match=r"has rules aliprotect does not know: open.soonest"):
        Rulebook.from_toml(extra)
    wrong_unit = text.replace(
        'quantities.reply = { value = 5, unit = "days" }', 'quantities.reply = { value = 5, unit = "business_days" }'
    )
    with pytest.raises(MalformedRulebookError, match=r"has reply in business_days; it must have reply in days"):
        Rulebook.from_toml(wrong_unit)
    no_resolution = text.replace('resolutions = ["full_refund"]\nevidence = ["tracking', 'evidence = ["tracking')
    with pytest.raises(MalformedRulebookError, match=r"rule claim.not_received .* lists no resolutions"):
        Rulebook.from_toml(no_resolution)


def test_diff_of_anything_but_rulebooks_is_refused() -> None:
    with pytest.raises(InvalidValueError, match=r"b='2025.1' must be a Rulebook"):
        aliprotect.rules.diff(RULES, "2025.1")  # type: ignore[arg-type]


# --- provenance and explain ---------------------------------------------------------------------


def test_every_answer_names_the_rulebook_version_and_fingerprint() -> None:
    pinned = (RULES.version, RULES.fingerprint)
    answers = [
        aliprotect.protection_end(ORDER, rules=RULES),
        aliprotect.dispute_window(ORDER, rules=RULES),
        aliprotect.can_cancel(ORDER, at=paris(2025, 3, 2), rules=RULES),
        aliprotect.timeline(ORDER, rules=RULES),
        *aliprotect.timeline(ORDER, rules=RULES).deadlines,
    ]
    dispute = aliprotect.open_dispute(ORDER, aliprotect.Claim(kind=ClaimKind.LATE), at=paris(2025, 4, 1), rules=RULES)
    answers.append(aliprotect.dispute_status(dispute, at=paris(2025, 4, 2)))
    for answer in answers:
        assert (answer.rulebook, answer.fingerprint) == pinned


def _explained_answers() -> list[object]:
    dispute = aliprotect.open_dispute(ORDER, aliprotect.Claim(kind=ClaimKind.LATE), at=paris(2025, 4, 1), rules=RULES)
    refunded = aliprotect.platform_refunds(
        aliprotect.seller_accepts(dispute, at=paris(2025, 4, 2), rules=RULES), at=paris(2025, 4, 3), rules=RULES
    )
    return [
        aliprotect.timeline(ORDER, rules=RULES),
        aliprotect.recommended_open_by(ORDER, rules=RULES),
        aliprotect.dispute_window(ORDER, rules=RULES),
        aliprotect.can_open_dispute(ORDER, ClaimKind.NOT_RECEIVED, at=paris(2025, 3, 5), rules=RULES),
        aliprotect.dispute_status(dispute, at=paris(2025, 4, 1)),
        aliprotect.dispute_status(refunded, at=paris(2025, 4, 3)),
    ]


@pytest.mark.parametrize("answer", _explained_answers(), ids=lambda a: type(a).__name__)
def test_explain_cites_the_sources_of_every_rule_it_names(answer: object) -> None:
    text = aliprotect.explain(answer)  # type: ignore[arg-type]
    assert f"Rulebook 2025.1 ({RULES.fingerprint})" in text
    named = [line[2:].split(":")[0] for line in text.splitlines() if line.startswith("- ")]
    assert named
    rule_ids = set(getattr(answer, "rule_ids", ())) | {r for d in getattr(answer, "deadlines", ()) for r in d.rule_ids}
    assert set(named) == rule_ids
    for rule_id in named:
        rule = RULES.rule(rule_id)
        assert f"- {rule_id}: {rule.summary}" in text
        explained = text.split(f"- {rule_id}: ", 1)[1].split("\n- ", 1)[0]
        for citation in rule.citations:
            source = RULES.sources[citation.source]
            assert f"  {citation.source}, {source.title} ({source.evidence.text}): {source.url}" in explained
            if citation.section is not None:
                assert f'section "{citation.section}"' in explained
            if citation.locator[:1].isdigit():  # the line of the copy stays as the second locator
                assert re.search(rf"\b{re.escape(citation.locator)}\b", explained)


def test_explain_needs_the_very_rulebook_of_a_custom_answer() -> None:
    custom = RULES.derive(version="custom", changes={"open.latest": 20})
    window = aliprotect.dispute_window(ORDER, rules=custom)
    assert "- open.latest" in aliprotect.explain(window, rules=custom)
    with pytest.raises(UnknownRulebookError, match=r"version='custom' is not a published rulebook"):
        aliprotect.explain(window)
    with pytest.raises(FingerprintError, match=r"was made with rulebook custom of fingerprint"):
        aliprotect.explain(window, rules=RULES.derive(version="custom", changes={"open.latest": 21}))


# --- decisions: record, store, replay ----------------------------------------------------------


def test_a_stored_decision_is_reproduced_after_a_new_rulebook_is_published(monkeypatch: pytest.MonkeyPatch) -> None:
    dispute = aliprotect.open_dispute(
        ORDER, aliprotect.Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 1, 9), rules=RULES
    )
    decision = aliprotect.record(aliprotect.dispute_status, dispute, at=paris(2025, 4, 7))
    assert decision.answer.stage is aliprotect.Stage.REFUND_DUE  # the seller was silent for 5 days
    stored = aliprotect.to_json(decision)

    # later: rulebook 2026.1 gives the seller 7 days and becomes the latest
    _publish_only(monkeypatch, {"2025.1": _published_text(), "2026.1": _published_text("2026.1", reply=7)})
    assert aliprotect.rulebook().version == "2026.1"
    replayed = aliprotect.replay(aliprotect.from_json(stored))
    assert replayed.holds
    assert replayed.answer == decision.answer
    assert replayed.fingerprint == RULES.fingerprint


def test_replay_with_newer_rules_says_what_changed() -> None:
    decision = aliprotect.record(aliprotect.dispute_window, ORDER, rules=RULES)
    longer = RULES.derive(version="2026.1-draft", changes={"open.latest": 20})
    again = aliprotect.replay(decision, rules=longer)
    assert not again.holds
    assert again.differences == ("closes",)
    assert again.answer.closes == paris(2025, 5, 22, 18)
    assert aliprotect.replay(decision, rules=RULES).holds


def test_replay_refuses_a_decision_whose_fingerprint_was_tampered_with() -> None:
    decision = aliprotect.record(aliprotect.can_cancel, ORDER, at=paris(2025, 3, 2), rules=RULES)
    data = aliprotect.to_data(decision)
    data["value"]["fingerprint"] = "sha256:" + "0" * 64
    with pytest.raises(FingerprintError, match=r"the rules changed, or the record was altered"):
        aliprotect.replay(aliprotect.from_data(data))


def test_record_takes_only_the_library_questions() -> None:
    with pytest.raises(InvalidValueError, match=r"is not one a decision records"):
        aliprotect.record(aliprotect.grant_extension, ORDER, days=3, at=paris(2025, 3, 5))  # type: ignore[arg-type]


# --- documents ----------------------------------------------------------------------------------


def test_a_rulebook_document_with_a_tampered_fingerprint_or_rule_is_refused() -> None:
    data = aliprotect.to_data(RULES)
    data["value"]["document"]["rules"]["dispute.seller_reply"]["quantities"]["reply"]["value"] = 7
    with pytest.raises(FingerprintError, match=r"has the fingerprint sha256:\w+, not the 'sha256:"):
        aliprotect.from_data(data)


def test_a_dispute_document_with_another_fingerprint_is_refused_when_read() -> None:
    dispute = aliprotect.open_dispute(ORDER, aliprotect.Claim(kind=ClaimKind.LATE), at=paris(2025, 4, 1), rules=RULES)
    data = aliprotect.to_data(dispute)
    data["value"]["fingerprint"] = "sha256:" + "1" * 64
    tampered = aliprotect.from_data(data)
    with pytest.raises(FingerprintError, match=r"pass that very rulebook"):
        aliprotect.dispute_status(tampered, at=paris(2025, 4, 2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "the document is not JSON"),
        ("[]", "an aliprotect document is an object with the keys aliprotect, type and value"),
        ('{"aliprotect": 1, "type": "Order", "value": {}}', "schema version 1; this aliprotect reads version 2 only"),
        ('{"aliprotect": 2, "type": "Parcel", "value": {}}', "type 'Parcel' is not one aliprotect stores"),
        ('{"aliprotect": 2, "type": "Order", "value": {"id": "1"}}', "lacks the field 'placed_at' of Order"),
        (
            '{"aliprotect": 2, "type": "Money", "value": {"amount": "1", "currency": "EUR", "x": 1}}',
            "has fields Money does not have: x",
        ),
        (
            '{"aliprotect": 2, "type": "Money", "value": {"amount": 1, "currency": "EUR"}}',
            "decimal amount written as text",
        ),
        ('{"aliprotect": 2, "type": "Claim", "value": {"kind": "lost"}}', "'lost' is not a ClaimKind"),
        (
            '{"aliprotect": 2, "type": "Extension", "value": {"granted_at": 5, "days": 1}}',
            "must be an ISO 8601 instant",
        ),
        (
            '{"aliprotect": 2, "type": "Extension", "value": {"granted_at": "2025-01-01T00:00", "days": 1}}',
            "has no offset and no zone",
        ),
        ('{"aliprotect": 2, "type": "Order", "value": {"id": 5}}', r"Order.id: must be str, found 5"),
        ('{"aliprotect": 2, "type": "Order", "value": []}', "must be an object of the fields of Order"),
        (
            '{"aliprotect": 2, "type": "Rulebook", "value": {"document": {}}}',
            "a rulebook is an object with its document",
        ),
        ('{"aliprotect": 2, "type": "Decision", "value": {}}', "a decision has a question, inputs"),
    ],
)
def test_a_bad_document_is_refused_with_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(aliprotect.AliprotectError, match=message):
        aliprotect.from_json(text)


def test_only_library_values_are_written() -> None:
    with pytest.raises(DocumentError, match=r"cannot be written as an aliprotect document"):
        aliprotect.to_json({"id": 1})


def test_an_instant_keeps_its_zone_and_its_side_of_the_repeated_hour() -> None:
    second_pass = pendulum.datetime(2025, 10, 26, 2, 30, tz=PARIS, fold=1)
    extension = aliprotect.Extension(granted_at=second_pass, days=1)
    text = aliprotect.to_json(extension)
    assert "2025-10-26T02:30:00+01:00[Europe/Paris]" in text
    again = aliprotect.from_json(text)
    assert again.granted_at.utcoffset() == dt.timedelta(hours=1)
    assert again.granted_at.timezone_name == PARIS


# --- deprecations ------------------------------------------------------------------------------


def test_deprecations_have_their_own_warning_class_and_date() -> None:
    def old_function() -> None:  # what a deprecated function of the library does
        aliprotect.errors.warn_deprecated("old_function() is now new_function()", since=dt.date(2026, 11, 22))

    with pytest.warns(
        aliprotect.errors.AliprotectDeprecationWarning, match=r"\(deprecated since 2026-11-22\)"
    ) as caught:
        old_function()
    assert issubclass(aliprotect.errors.AliprotectDeprecationWarning, DeprecationWarning)
    assert caught[0].message.since == dt.date(2026, 11, 22)  # type: ignore[union-attr]
    assert caught[0].filename == __file__  # it points at the code that called the deprecated function
    with warnings.catch_warnings():
        warnings.simplefilter("error", aliprotect.errors.AliprotectDeprecationWarning)
        with pytest.raises(aliprotect.errors.AliprotectDeprecationWarning):
            old_function()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"extensions": 5}, r"Order.extensions: must be a list, found 5"),
        ({"placed_at": "2025-03-01T10:00:00+01:00", "protection_days": True}, r"Order.protection_days: must be int"),
    ],
)
def test_fields_of_the_wrong_kind_are_refused(value: dict[str, object], message: str) -> None:
    fields = {"id": "1", "placed_at": "2025-03-01T10:00:00+01:00", "protection_days": 60, **value}
    with pytest.raises(DocumentError, match=message):
        aliprotect.from_data({"aliprotect": 2, "type": "Order", "value": fields})


def test_optional_fields_may_be_left_out_of_a_document() -> None:
    data = {
        "aliprotect": 2,
        "type": "Order",
        "value": {"id": "1", "placed_at": "2025-03-01T10:00:00Z", "protection_days": 60},
    }
    assert aliprotect.from_data(data).shipped_at is None


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (5, r"Decision.inputs: must be an object"),
        ({"order": 5}, r"inputs.order: must be an object with a type and a value"),
    ],
)
def test_a_decision_document_with_bad_inputs_is_refused(inputs: object, message: str) -> None:
    data = aliprotect.to_data(aliprotect.record(aliprotect.dispute_window, ORDER, rules=RULES))
    data["value"]["inputs"] = inputs
    with pytest.raises(DocumentError, match=message):
        aliprotect.from_data(data)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"question": "grant_extension"}, "is not one a decision records"),
        ({"inputs": 5}, "must be a mapping of argument names"),
        ({"answer": "yes"}, "must be an answer of aliprotect"),
    ],
)
def test_a_decision_checks_its_fields(fields: dict[str, object], message: str) -> None:
    decision = aliprotect.record(aliprotect.dispute_window, ORDER, rules=RULES)
    values = {"question": decision.question, "inputs": decision.inputs, "answer": decision.answer}
    with pytest.raises(InvalidValueError, match=message):
        aliprotect.Decision(**{**values, **fields}, rulebook="2025.1", fingerprint=RULES.fingerprint)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('in_force_certainty = "seen"', 'in_force_certainty = "likely"'),
            "must be one of stated, seen, assumed, unknown, found 'likely'",
        ),
        (
            ('in_force_certainty = "seen"', 'in_force_certainty = "seen"\nparent = "2024.1"'),
            "must be a table with a version",
        ),
    ],
)
def test_the_rulebook_header_is_checked(change: tuple[str, str], message: str) -> None:
    with pytest.raises(MalformedRulebookError, match=message):
        Rulebook.from_toml(_published_text().replace(*change))
    with pytest.raises(MalformedRulebookError, match="a rulebook document is a table"):
        Rulebook.from_dict([])  # type: ignore[arg-type]


def test_diff_names_rules_only_one_rulebook_has_and_changed_units() -> None:
    import attrs

    fewer = attrs.evolve(RULES, rules={k: v for k, v in RULES.rules.items() if k != "escrow.release"})
    assert aliprotect.rules.diff(RULES, fewer) == (
        RuleChange("escrow.release", "rule", RULES.rule("escrow.release").summary, None),
    )
    rule = RULES.rule("open.latest")
    weeks = attrs.evolve(
        rule, quantities={"after_completion": aliprotect.rules.Quantity(15, aliprotect.rules.Unit.BUSINESS_DAYS)}
    )
    other = attrs.evolve(RULES, rules={**RULES.rules, "open.latest": weeks})
    (change,) = aliprotect.rules.diff(RULES, other)
    assert change.after == aliprotect.rules.Quantity(15, aliprotect.rules.Unit.BUSINESS_DAYS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ordr": "order"}, r"inputs of dispute_window: unknown 'ordr'; missing 'order'; its inputs are order"),
        ({"order": None}, r"inputs of dispute_window: missing 'order'"),
        ({"rules": "order"}, r"inputs of dispute_window: unknown 'rules'"),
    ],
)
def test_a_stored_decision_whose_inputs_do_not_fit_its_question_is_refused_when_read(
    change: dict[str, str | None], message: str
) -> None:
    data = aliprotect.to_data(aliprotect.record(aliprotect.dispute_window, ORDER, rules=RULES))
    inputs = data["value"]["inputs"]
    for new, old in change.items():
        if old is None:
            inputs.pop(new)
        else:
            inputs[new] = inputs.pop(old)
    with pytest.raises(DocumentError, match=message):
        aliprotect.from_data(data)


@pytest.mark.parametrize(
    ("read", "error", "message"),
    [
        (lambda: aliprotect.from_json("[" * 100_000), DocumentError, r"nests too deeply"),
        (lambda: aliprotect.from_json("1" * 5000), DocumentError, r"the document is not JSON: Exceeds the limit"),
        (lambda: aliprotect.from_json(b"\xff\xfe\x00"), DocumentError, r"the document is not JSON"),
        (lambda: Rulebook.from_toml(None), MalformedRulebookError, r"read from TOML text, not from NoneType"),
        (
            lambda: Rulebook.from_toml("a = " + "[" * 2000 + "]" * 2000),
            MalformedRulebookError,
            r"nests too deeply to be a rulebook",
        ),
        (
            lambda: aliprotect.parse_instant("0001-01-01T00:00:00+01:00[UTC]"),
            InvalidValueError,
            r"falls outside the years 1 to 9999",
        ),
        # integers of more digits than Python writes as text: the message shows how many
        (
            lambda: aliprotect.timeline(attrs.evolve(ORDER, protection_days=10**5000), rules=RULES),
            InvalidValueError,
            r"protection_days=an integer of 5001 digits is more than 9,223,372,036,854,775,807 days",
        ),
        (lambda: aliprotect.Extension(days=-(10**5000), granted_at=ORDER.placed_at), InvalidValueError, r"5001 digits"),
        (lambda: aliprotect.rulebook(10**5000), aliprotect.AliprotectError, r"an integer of 5001 digits"),
        (lambda: aliprotect.parse_instant("", field=10**5000), InvalidValueError, r"field=an integer of 5001 digits"),
        (lambda: aliprotect.display.Svg(10**5000), InvalidValueError, r"Svg\(an integer of 5001 digits\)"),
    ],
)
def test_inputs_that_escaped_as_foreign_errors_raise_the_library_s(read: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        read()  # type: ignore[operator]


def test_the_longest_timer_a_value_holds_is_refused_by_the_display_naming_the_sources_limit() -> None:
    longest = attrs.evolve(ORDER, protection_days=2**63 - 1)  # what a table's 64-bit integer column holds
    with pytest.raises(InvalidValueError, match="protection_days=9223372036854775807: no source states"):
        aliprotect.display.order_html(longest)
    with pytest.raises(InvalidValueError, match="is more than 9,223,372,036,854,775,807 days"):
        attrs.evolve(ORDER, protection_days=2**63)
