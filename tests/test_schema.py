"""The rule schema: one table of every rule id, and how it grows without changing a published rulebook."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.resources
from types import MappingProxyType

import pytest

import aliprotect
from aliprotect.errors import MalformedRulebookError, UnstatedRuleError
from aliprotect.rules import SCHEMA, Feeds, RuleSpec, Unit

_toml = importlib.import_module("aliprotect._toml")


def _published() -> dict[str, str]:
    """The TOML text of each published rulebook, by version."""
    folder = importlib.resources.files("aliprotect") / "rulebooks"
    return {
        entry.name.removesuffix(".toml"): entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def test_every_published_rulebook_states_or_leaves_out_every_rule_of_the_schema() -> None:
    for book in aliprotect.rulebooks():
        assert set(book.rules) | set(book.not_stated) == set(SCHEMA), book.version
        assert not set(book.rules) & set(book.not_stated)


def test_the_machine_rules_are_the_dispute_refund_and_return_rules() -> None:
    machine = {rule_id for rule_id, spec in SCHEMA.items() if Feeds.MACHINE in spec.feeds}
    # the first schema's dispute, refund and return rules run the machine; the articles' rules added later are
    # data the answers do not use, so a rulebook published before them can still run a dispute
    added = {r for r, spec in SCHEMA.items() if spec.added is not None}
    assert machine == {r for r in SCHEMA if r.split(".")[0] in {"dispute", "refund", "return"}} - added
    assert all(not SCHEMA[r].feeds for r in added)
    claims = {rule_id for rule_id, spec in SCHEMA.items() if Feeds.CLAIMS in spec.feeds}
    assert claims == {kind.rule_id for kind in aliprotect.ClaimKind}


def test_a_number_may_be_counted_only_in_its_units() -> None:
    spec = SCHEMA["open.earliest"]
    assert spec.allows("opens", Unit.DAY_NUMBER)
    assert spec.allows("opens", Unit.DAYS)
    assert not spec.allows("opens", Unit.BUSINESS_DAYS)
    assert spec.allows("at_once_if_promised_at_most", Unit.DAYS)
    assert not spec.allows("no_such_number", Unit.DAYS)


def _with_rule(monkeypatch: pytest.MonkeyPatch, added: dt.date | None) -> None:
    grown = {**SCHEMA, "tracking.customs_hold": RuleSpec(numbers={"days": Unit.DAYS}, added=added)}
    monkeypatch.setattr(_toml, "SCHEMA", MappingProxyType(grown))


def test_a_rule_added_after_a_rulebook_was_published_leaves_that_rulebook_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = {version: aliprotect.Rulebook.from_toml(text).fingerprint for version, text in _published().items()}
    _with_rule(monkeypatch, added=dt.date(2030, 1, 1))
    for version, text in _published().items():
        book = aliprotect.Rulebook.from_toml(text)
        assert book.fingerprint == before[version]  # the document did not change
        assert "tracking.customs_hold" in book.not_stated
        with pytest.raises(UnstatedRuleError, match=r"tracking.customs_hold"):
            book.rule("tracking.customs_hold")


def test_a_rulebook_published_after_the_rule_was_added_must_state_it(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_rule(monkeypatch, added=dt.date(2026, 1, 1))  # before rulebook 2025.1 was published (2026-11-22)
    with pytest.raises(MalformedRulebookError, match=r"lacks the rules tracking.customs_hold"):
        aliprotect.Rulebook.from_toml(_published()["2025.1"])


def test_a_rule_of_the_first_schema_is_never_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_rule(monkeypatch, added=None)
    with pytest.raises(MalformedRulebookError, match=r"lacks the rules tracking.customs_hold"):
        aliprotect.Rulebook.from_toml(_published()["2013.1"])
