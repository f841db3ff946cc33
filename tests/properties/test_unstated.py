"""A rule a rulebook does not state never decides anything.

For each rule of the schema, a rulebook is made from 2025.2 with that one rule listed as
``not_stated``. Whatever is asked under it, the answer either is refused with an
``UnstatedRuleError`` naming that rule, or does not cite it: no verdict, deadline,
advice or dispute stage rests on a rule the rulebook does not have.
"""

import functools
import json

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aliprotect
from aliprotect import Claim, ClaimKind, Resolution, Role, Rulebook
from aliprotect.errors import UnstatedRuleError
from aliprotect.strategies import orders

BASE = aliprotect.rulebook("2025.2")  # the current rulebook, which states every rule of the schema


@functools.cache
def without(rule_id: str) -> Rulebook:
    data = json.loads(BASE.document)
    del data["rules"][rule_id]
    data["conflicts"] = [c for c in data.get("conflicts", []) if rule_id not in c["rules"]]
    data["rulebook"]["version"] = f"2025.2-{rule_id}"
    data["rulebook"]["not_stated"] = [rule_id]
    return Rulebook.from_dict(data)


def cited(answer: object) -> set[str]:
    """Every rule id an answer (or a sequence of answers) rests on."""
    if isinstance(answer, list | tuple):
        return set().union(*(cited(item) for item in answer))
    ids = set(getattr(answer, "rule_ids", ()))
    for deadline in getattr(answer, "deadlines", ()):
        ids |= set(deadline.rule_ids)
    return ids


def ask(rule_id: str, question: object) -> None:
    """Run ``question``: it is refused for the missing rule, or its answer does not cite it."""
    assert callable(question)
    answer: object = None
    try:
        answer = question()
    except (UnstatedRuleError, aliprotect.errors.ActionRefusedError) as error:
        answer = error
    if isinstance(answer, UnstatedRuleError):
        assert f"'{rule_id}'" in str(answer) or f"{rule_id} lists" in str(answer)
    else:  # an answer, or a refusal by the rules the rulebook has
        assert rule_id not in cited(answer)


@pytest.mark.parametrize("rule_id", sorted(aliprotect.rules.SCHEMA))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_no_answer_rests_on_a_rule_the_rulebook_does_not_state(rule_id: str, data: st.DataObject) -> None:
    rules = without(rule_id)
    order = data.draw(orders(paid=True))
    at = order.placed_at.add(seconds=data.draw(st.integers(min_value=0, max_value=120 * 86_400)))
    kind = data.draw(st.sampled_from(ClaimKind))
    ask(rule_id, lambda: aliprotect.timeline(order, rules=rules))
    ask(rule_id, lambda: aliprotect.can_open_dispute(order, kind, at=at, rules=rules))
    ask(rule_id, lambda: aliprotect.can_cancel(order, at=at, rules=rules))
    for role in Role:
        ask(rule_id, lambda role=role: aliprotect.next_actions(order, at=at, rules=rules, role=role))

    resolutions = BASE.rule(kind.rule_id).resolutions
    resolution = data.draw(st.sampled_from(resolutions))
    assert order.amount is not None
    amount = aliprotect.Money("0.01", order.amount.currency) if resolution is Resolution.PARTIAL_REFUND else None
    claim = Claim(kind=kind, resolution=resolution, amount=amount)
    ask(rule_id, lambda: aliprotect.open_dispute(order, claim, at=at, rules=rules))
    try:
        dispute = aliprotect.open_dispute(order, claim, at=at, rules=rules)
    except aliprotect.AliprotectError:  # refused: checked just above
        return
    later = at.add(seconds=data.draw(st.integers(min_value=0, max_value=30 * 86_400)))
    ask(rule_id, lambda: aliprotect.dispute_status(dispute, at=later, rules=rules))
    ask(rule_id, lambda: aliprotect.next_actions(order, at=later, dispute=dispute, rules=rules))
    for transition in (aliprotect.seller_accepts, aliprotect.seller_rejects, aliprotect.buyer_escalates):
        try:
            moved = transition(dispute, at=later, rules=rules)
        except aliprotect.AliprotectError:
            continue
        ask(rule_id, lambda moved=moved: aliprotect.dispute_status(moved, at=later.add(days=20), rules=rules))


def test_an_unstated_rule_is_named_when_it_is_needed() -> None:
    rules = without("dispute.lost_is_final")
    order = aliprotect.Order(
        id="U1",
        placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        protection_days=60,
    )
    assert aliprotect.timeline(order, rules=rules).order_id == "U1"  # the timeline does not need it
    with pytest.raises(UnstatedRuleError, match=r"rule_id='dispute.lost_is_final': rulebook 2025.2-dispute"):
        aliprotect.open_dispute(
            order, Claim(kind=ClaimKind.NOT_RECEIVED), at=pendulum.datetime(2025, 4, 1, tz="Europe/Paris"), rules=rules
        )
