"""Stored documents of schema version 2, written before documents went through cattrs, still read,
and are written again byte for byte: the document format did not change."""

from __future__ import annotations

import pathlib

import pytest

import aliprotect

FOLDER = pathlib.Path(__file__).parent / "documents"
STORED = sorted(FOLDER.glob("*.json"))


def test_there_is_a_stored_document_of_every_type_aliprotect_stores() -> None:
    import json

    types = {json.loads(path.read_text(encoding="utf-8"))["type"] for path in STORED}
    assert types >= {
        "Order", "Extension", "Money", "Claim", "Dispute", "DisputeEvent", "DisputeStatus", "Deadline", "Window",
        "Verdict", "Timeline", "Decision", "Rulebook", "Tracking", "TrackingEvent", "Advice", "AdviceList", "Reminder",
    }  # fmt: skip


@pytest.mark.parametrize("path", STORED, ids=lambda path: path.stem)
def test_a_stored_document_reads_back_and_writes_the_same_text(path: pathlib.Path) -> None:
    text = path.read_text(encoding="utf-8").rstrip("\n")
    value = aliprotect.from_json(text)
    assert aliprotect.to_json(value, indent=1) == text
    assert aliprotect.from_json(aliprotect.to_json(value)) == value


def test_stored_decisions_still_replay_and_hold() -> None:
    for path in FOLDER.glob("decision_*.json"):
        decision = aliprotect.from_json(path.read_text(encoding="utf-8"))
        assert aliprotect.replay(decision).holds, path.name


def test_a_problem_deep_in_a_document_names_where_it_is() -> None:
    import json

    data = json.loads((FOLDER / "dispute.json").read_text(encoding="utf-8"))
    data["value"]["order"]["extensions"][0]["days"] = "15"
    data["value"]["events"][1]["kind"] = "shouting"
    with pytest.raises(aliprotect.errors.DocumentError) as raised:
        aliprotect.from_data(data)
    problems = [str(problem) for problem in raised.value.problems]
    assert "document Dispute.order.extensions[0].days: must be int, found '15'" in str(raised.value)
    assert any(p.startswith("document Dispute.events[1].kind: 'shouting' is not a DisputeEventKind") for p in problems)


def test_a_document_naming_a_field_twice_is_refused_rather_than_read_with_the_last_value() -> None:
    text = (FOLDER / "order.json").read_text(encoding="utf-8")
    assert '"protection_days": ' in text
    twice = text.replace('"protection_days": ', '"protection_days": 1, "protection_days": ', 1)
    with pytest.raises(aliprotect.errors.DocumentError, match="field 'protection_days' appears twice in one object"):
        aliprotect.from_json(twice)
    aliprotect.from_json(text)  # the document as written reads


def test_sequences_nested_without_end_are_refused_not_a_recursion_error() -> None:
    import json

    data = json.loads((FOLDER / "decision_timeline.json").read_text(encoding="utf-8"))
    nested: dict[str, object] = {"type": "Sequence", "value": []}
    for _ in range(2000):
        nested = {"type": "Sequence", "value": [nested]}
    data["value"]["inputs"]["order"] = nested
    with pytest.raises(
        aliprotect.errors.DocumentError, match="sequences nest more than 8 deep here, deeper than aliprotect writes"
    ):
        aliprotect.from_data(data)


def test_what_to_json_writes_from_json_reads_and_deeper_sequences_are_refused_by_both() -> None:
    nested: list[object] = []
    for _ in range(7):
        nested = [nested]
    assert aliprotect.from_json(aliprotect.to_json(nested)) == ((((((((),),),),),),),)
    with pytest.raises(aliprotect.errors.DocumentError, match="sequences nest more than 8 deep"):
        aliprotect.to_json([nested])
    for _ in range(3000):
        nested = [nested]
    with pytest.raises(aliprotect.errors.DocumentError, match="sequences nest more than 8 deep"):
        aliprotect.to_json(nested)  # was a RecursionError
