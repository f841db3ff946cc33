"""The golden snapshots: every answer about the fixed corpus equals the stored one.

A failure lists the answers that changed. When the change is meant, regenerate the snapshots
with ``python tests/golden.py`` and review ``git diff tests/snapshots`` before committing.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest

import aliprotect
import golden


@functools.cache
def _computed() -> dict[str, dict[str, Any]]:
    return golden.snapshots()


def _differences(stored: Any, computed: Any, path: str = "") -> list[str]:
    if isinstance(stored, dict) and isinstance(computed, dict):
        found = []
        for key in stored.keys() | computed.keys():
            if key not in computed:
                found.append(f"{path}/{key}: only in the snapshot")
            elif key not in stored:
                found.append(f"{path}/{key}: not in the snapshot")
            else:
                found += _differences(stored[key], computed[key], f"{path}/{key}")
        return found
    if stored != computed:
        return [f"{path}: snapshot {json.dumps(stored)[:300]} != now {json.dumps(computed)[:300]}"]
    return []


def test_the_corpus_is_as_large_as_promised() -> None:
    orders, disputes = golden.corpus(), list(golden.disputes())
    assert len(orders) >= 60
    assert len(disputes) >= 20
    assert len({order.id for order, _ in orders}) == len(orders)
    offsets = {order.shipped_at.utcoffset() for order, _ in orders if order.shipped_at is not None}
    assert min(offsets).total_seconds() == -11 * 3600
    assert max(offsets).total_seconds() == 14 * 3600


@pytest.mark.parametrize("version", [book.version for book in aliprotect.rulebooks()])
@pytest.mark.parametrize("kind", ["orders", "disputes"])
def test_answers_equal_the_snapshot(version: str, kind: str) -> None:
    path = f"{version}/{kind}.json"
    stored = json.loads((golden.SNAPSHOTS / path).read_text(encoding="utf-8"))
    computed = json.loads(golden.render(_computed()[path]))
    changed = _differences(stored, computed)
    assert not changed, f"{len(changed)} answers in {path} changed:\n" + "\n".join(sorted(changed)[:20])


def test_every_stage_and_outcome_is_in_the_snapshots() -> None:
    text = "".join((golden.SNAPSHOTS / f"{book.version}/disputes.json").read_text() for book in aliprotect.rulebooks())
    for stage in aliprotect.Stage:
        assert f'"stage": "{stage.value}"' in text, stage
    for outcome in aliprotect.Outcome:
        assert f'"outcome": "{outcome.value}"' in text, outcome


def test_every_snapshot_file_is_one_the_generator_writes() -> None:
    on_disk = {str(p.relative_to(golden.SNAPSHOTS)) for p in golden.SNAPSHOTS.rglob("*.json")}
    assert on_disk == set(_computed())
