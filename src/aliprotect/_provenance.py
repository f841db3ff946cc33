"""Where answers come from: explain them with their sources, record decisions, replay them.

Every answer of the library (a :class:`~aliprotect.Deadline`, :class:`~aliprotect.Window`,
:class:`~aliprotect.Verdict`, :class:`~aliprotect.Timeline`,
:class:`~aliprotect.DisputeStatus`, :class:`~aliprotect.Advice`,
:class:`~aliprotect.AdviceList`, a :class:`~aliprotect.Dispute`) names the rule ids it
used and the rulebook version and fingerprint that gave the numbers. :func:`explain` turns that into a short account
with each rule's summary and sources. :func:`record` keeps a question, its inputs and
its answer as a :class:`Decision` that can be stored as JSON; :func:`replay` recomputes
it later and says whether it still holds.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs

from aliprotect import _checks, _days, _formatting
from aliprotect._advice import Advice, AdviceList, next_actions
from aliprotect._answers import Deadline, Timeline, Verdict, Window
from aliprotect._dispute import Dispute, DisputeStatus
from aliprotect._dispute_machine import dispute_status
from aliprotect._eligibility import can_cancel, can_open_dispute
from aliprotect._registry import given_or_latest, published
from aliprotect._reminders import Reminder
from aliprotect._rule import Citation
from aliprotect._rulebook import Rulebook
from aliprotect._shown import shown
from aliprotect._timeline import completion, dispute_window, protection_end, recommended_open_by, timeline
from aliprotect._transitions import (
    buyer_accepts_offer,
    buyer_cancels,
    buyer_escalates,
    buyer_ships_return,
    moderator_decides,
    open_dispute,
    platform_refunds,
    seller_accepts,
    seller_offers,
    seller_rejects,
)
from aliprotect.errors import FingerprintError, InvalidValueError

Answer = Deadline | Window | Verdict | Timeline | DisputeStatus | Advice | AdviceList | Dispute
"""Every kind of answer a decision can hold."""

QUESTIONS: Mapping[str, Callable[..., Answer]] = MappingProxyType(
    {
        function.__name__: function
        for function in (
            timeline,
            protection_end,
            completion,
            dispute_window,
            recommended_open_by,
            can_open_dispute,
            can_cancel,
            open_dispute,
            seller_accepts,
            seller_rejects,
            seller_offers,
            buyer_accepts_offer,
            buyer_cancels,
            buyer_escalates,
            buyer_ships_return,
            moderator_decides,
            platform_refunds,
            dispute_status,
            next_actions,
        )
    }
)
"""The questions a decision can record, by name: every function that answers about one order or
one dispute. (:func:`aliprotect.upcoming` answers about many orders at once: record each order's
:func:`aliprotect.next_actions` or :func:`aliprotect.timeline` instead.)"""


def _answer(value: object) -> Answer:
    if not isinstance(value, Answer):
        raise InvalidValueError(
            f"answer={shown(value)} must be an answer of aliprotect: a Deadline, Window, Verdict, Timeline, "
            "DisputeStatus, Advice, AdviceList, Dispute, or (for explain) a Reminder or the reminders of upcoming()"
        )
    return value


def _inputs(value: Mapping[str, object]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise InvalidValueError(f"inputs={shown(value)} must be a mapping of argument names to values")
    return MappingProxyType(dict(value))


def _question(value: str) -> str:
    if not isinstance(value, str) or value not in QUESTIONS:
        raise InvalidValueError(f"question={shown(value)} is not one a decision records; one of {', '.join(QUESTIONS)}")
    return value


@attrs.frozen(kw_only=True)
class Decision(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """A question asked of the library, its inputs, its answer and the rulebook it was answered with.

    Make one with :func:`record`; store it with :func:`aliprotect.to_json`; check it
    later with :func:`replay`.

    Attributes:
        question: the name of the function asked, e.g. ``"can_open_dispute"``.
        inputs: its arguments by name, without ``rules``.
        answer: what it answered.
        rulebook: the version of the rulebook the answer came from.
        fingerprint: that rulebook's fingerprint.
    """

    question: str = attrs.field(converter=_question)
    inputs: Mapping[str, object] = attrs.field(converter=_inputs, hash=False)
    answer: Answer = attrs.field(converter=_answer)
    rulebook: str
    fingerprint: str

    def __attrs_post_init__(self) -> None:
        """The inputs must be arguments of the question, with every one it needs, so that a stored
        decision that cannot be asked again is refused when it is read, not when it is replayed."""
        parameters = _parameters(self.question)
        unknown = sorted(set(self.inputs) - set(parameters) | ({"rules"} & set(self.inputs)))
        missing = [name for name, required in parameters.items() if required and name not in self.inputs]
        if unknown or missing:
            wanted = ", ".join(name for name in parameters if name != "rules")
            problems = [f"unknown {', '.join(map(repr, unknown))}" if unknown else "", ""]
            problems[1] = f"missing {', '.join(map(repr, missing))}" if missing else ""
            raise InvalidValueError(
                f"inputs of {self.question}: {'; '.join(p for p in problems if p)}; its inputs are {wanted}"
            )


@functools.cache
def _parameters(question: str) -> dict[str, bool]:
    """The arguments of a question, each with whether it must be given (``rules`` never must)."""
    signature = inspect.signature(QUESTIONS[question])
    return {
        name: parameter.default is inspect.Parameter.empty and name != "rules"
        for name, parameter in signature.parameters.items()
    }


@attrs.frozen(kw_only=True)
class Replay(_formatting.ShowsAsHtml):
    """The result of :func:`replay`: the decision, what the rules answer now, and whether it still holds.

    Attributes:
        decision: the stored decision.
        answer: the answer recomputed now.
        holds: whether the recomputed answer says the same as the stored one (the
            rulebook version and fingerprint aside).
        differences: the names of the answer's fields that differ; for a list of advice, the
            positions (``"0"``, ``"1"``...) of the pieces of advice that differ.
        rulebook: the version of the rulebook it was recomputed with.
        fingerprint: that rulebook's fingerprint.
    """

    decision: Decision
    answer: Answer
    holds: bool
    differences: tuple[str, ...]
    rulebook: str
    fingerprint: str


def record(question: Callable[..., Answer], /, *args: Any, **kwargs: Any) -> Decision:
    """Ask ``question(*args, **kwargs)`` and keep the question, its inputs and its answer.

    ``question`` is one of the library's questions: :func:`aliprotect.timeline`,
    :func:`aliprotect.protection_end`, :func:`aliprotect.completion`,
    :func:`aliprotect.dispute_window`, :func:`aliprotect.recommended_open_by`,
    :func:`aliprotect.can_open_dispute`, :func:`aliprotect.can_cancel`,
    :func:`aliprotect.open_dispute` and every transition of a dispute
    (:func:`aliprotect.seller_accepts` and the others), :func:`aliprotect.dispute_status` or
    :func:`aliprotect.next_actions` (see :data:`QUESTIONS`). Pass ``rules=`` to pin the
    rulebook, as in the call itself.

    Raises:
        InvalidValueError: ``question`` is not one of those.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> decision = aliprotect.record(
        ...     aliprotect.can_open_dispute, order, aliprotect.ClaimKind.NOT_RECEIVED,
        ...     at=pendulum.datetime(2025, 5, 10, tz="Europe/Paris"), rules=aliprotect.rulebook("2025.2"),
        ... )
        >>> decision.question, decision.answer.allowed, decision.rulebook
        ('can_open_dispute', True, '2025.2')
        >>> aliprotect.replay(aliprotect.from_json(aliprotect.to_json(decision))).holds
        True
    """
    name = getattr(question, "__name__", "")
    if not callable(question) or not isinstance(name, str) or QUESTIONS.get(name) is not question:
        raise InvalidValueError(
            f"question={shown(question)} is not one a decision records; one of {', '.join(QUESTIONS)}"
        )
    try:
        bound = inspect.signature(question).bind(*args, **kwargs)
    except TypeError as error:
        raise InvalidValueError(f"the arguments do not fit {name}: {error}") from None
    inputs = {key: value for key, value in bound.arguments.items() if key != "rules"}
    answer = question(*args, **kwargs)
    return Decision(
        question=name, inputs=inputs, answer=answer, rulebook=answer.rulebook, fingerprint=answer.fingerprint
    )


def _pinned(version: str, fingerprint: str, rules: Rulebook | None, what: str) -> Rulebook:
    """The rulebook ``version`` with exactly ``fingerprint``: ``rules`` if given, else the published one."""
    book = published(version) if rules is None else given_or_latest(rules)
    if book.fingerprint != fingerprint:
        raise FingerprintError(
            f"{what} was made with rulebook {version} of fingerprint {fingerprint}, but the rulebook "
            f"{book.version} at hand has {book.fingerprint}; the rules changed, or the record was altered"
        )
    return book


def _substance(answer: Answer) -> dict[str, Any]:
    """The answer's fields without the rulebook version and fingerprint, to compare two answers."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in {"rulebook", "fingerprint"}}
        if isinstance(value, list | tuple):
            return [strip(v) for v in value]
        return value

    if isinstance(answer, AdviceList):
        return {str(index): strip(attrs.asdict(item, recurse=True)) for index, item in enumerate(answer)}
    return dict(strip(attrs.asdict(answer, recurse=True)))


def replay(decision: Decision, *, rules: Rulebook | None = None) -> Replay:
    """Recompute ``decision`` and say whether it still holds.

    With ``rules`` left out, it is recomputed with the very rulebook it was made with (the
    published version of the same fingerprint): it holds unless the library changed how it
    answers. With ``rules``, it is recomputed with those rules, for instance the latest
    rulebook, to see whether a newer rulebook changes the decision. A question about a
    dispute (its status, a transition, advice during it) can only be answered with the
    rulebook the dispute was opened under: another ``rules`` is refused.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> decision = aliprotect.record(
        ...     aliprotect.next_actions, order, at=pendulum.datetime(2025, 4, 25, tz="Europe/Paris"),
        ...     rules=aliprotect.rulebook("2025.2"),
        ... )
        >>> aliprotect.replay(decision).holds
        True
        >>> shorter = aliprotect.rulebook("2025.2").derive(
        ...     version="buffer5", changes={"protection.settlement_buffer": 5}
        ... )
        >>> aliprotect.replay(decision, rules=shorter).differences
        ('0', '1', '2')

    Raises:
        InvalidValueError: ``rules`` is not the rulebook of the dispute the question is about.
        FingerprintError: the published rulebook of that version has another fingerprint
            than the decision names.
        UnknownRulebookError: the decision names a rulebook that is not published (a
            custom one): pass it as ``rules``.
    """
    decision = _checks.instance(decision, Decision, "decision")
    if rules is None:
        rules = _pinned(decision.rulebook, decision.fingerprint, None, "the decision")
    answer = QUESTIONS[decision.question](**decision.inputs, rules=rules)
    before, after = _substance(decision.answer), _substance(answer)
    differences = tuple(sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key)))
    return Replay(
        decision=decision,
        answer=answer,
        holds=not differences,
        differences=differences,
        rulebook=answer.rulebook,
        fingerprint=answer.fingerprint,
    )


def _headline(answer: Answer | Reminder) -> list[str]:
    if isinstance(answer, Reminder):
        return [f"order {answer.order_id}: {line}" for line in _headline(answer.deadline)]
    if isinstance(answer, Deadline):
        return [f"{answer.name} at {answer.at.isoformat()}: {answer.description}"]
    if isinstance(answer, Window):
        return [f"open from {answer.opens.isoformat()} until {answer.closes.isoformat()} (that instant excluded)"]
    if isinstance(answer, Verdict):
        return [f"{'allowed' if answer.allowed else 'refused'} at {answer.at.isoformat()}: {answer.reason}"]
    if isinstance(answer, Timeline):
        return [f"timeline of order {answer.order_id}:"] + [
            f"  {d.at.isoformat()}  {d.name}: {d.description}" for d in answer.deadlines
        ]
    if isinstance(answer, Advice):
        by = "" if answer.by is None else f" by {answer.by.isoformat()}"
        return [f"{answer.urgency.value}: {answer.action.value}{by}: {answer.text}"]
    if isinstance(answer, AdviceList):
        if not answer:
            return ["nothing to do"]
        return [f"advice for order {answer[0].order_id}:"] + [f"  {_headline(item)[0]}" for item in answer]
    if isinstance(answer, Dispute):
        claim = answer.claim
        lines = [
            f"dispute of order {answer.order.id}, opened at {answer.opened_at.isoformat()}: "
            f"{claim.kind.value}, asking for {claim.resolution.value}"
        ]
        return lines + [f"  {e.at.isoformat()}  {e.kind.value}" for e in answer.events]
    lines = [
        f"dispute of order {answer.order_id} at {answer.at.isoformat()}: {answer.stage.value}: {answer.description}"
    ]
    lines += [f"  {d.name} {d.at.isoformat()}: {d.description}" for d in answer.deadlines]
    return lines


def _rule_ids(answer: Answer | Reminder) -> list[str]:
    if isinstance(answer, Reminder):
        return list(answer.deadline.rule_ids)
    if isinstance(answer, Dispute):
        ids = [answer.claim.kind.rule_id, *(event.kind.rule_id for event in answer.events)]
    elif isinstance(answer, AdviceList):
        ids = [rule_id for item in answer for rule_id in item.rule_ids]
    else:
        ids = list(answer.rule_ids) if not isinstance(answer, Timeline) else []
    for deadline in getattr(answer, "deadlines", ()):
        ids += deadline.rule_ids
    return list(dict.fromkeys(ids))


def explain(answer: Answer | Reminder | Sequence[Reminder], *, rules: Rulebook | None = None) -> str:
    """A short account of ``answer``: what it says, the rules it used and where they are written.

    Each rule is given with its summary and its citations: each source with its title, its
    evidence level and its public address, and the places cited in it by the section of the
    page (and the line of aliprotect's copy); the rulebook with its version and fingerprint,
    like a legal trace. A rule the rulebook carries over from another says so.

    Args:
        answer: an answer of the library: a deadline, window, verdict, timeline, dispute
            status, piece of advice or list of advice, a reminder or the reminders
            :func:`aliprotect.upcoming` returns (each explained in turn), or a dispute (its
            claim and events).
        rules: the rulebook the answer came from; needed only for a custom rulebook. It
            must have the fingerprint the answer names.

    Raises:
        FingerprintError: ``rules`` (or the published rulebook of the answer's version) is
            not the one the answer came from.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> window = aliprotect.dispute_window(order, rules=aliprotect.rulebook("2025.2"))
        >>> print(aliprotect.explain(window))
        open from 2025-03-09T00:00:00+01:00 until 2025-05-17T18:00:00+02:00 (that instant excluded)
        Rulebook 2025.2 (sha256:...)
        - open.earliest: A dispute can be opened from the 6th day after the seller ships.
          seed 002, AliExpress dropshipping orders: ... (a third-party article): https://www.hockinsonkountrycafe.com/9094.html
            section "What’s the Refund Policy for Drop Shipping Orders?" (line 26)
        - open.latest: A dispute can still be opened within 15 days after the order completes; ...
          seed 001, What To Do if You Did Not Receive a Product From AliExpress ... (a third-party article): https://megabonus.com/...
            section "Comments" (lines 99, 171, 177, 184, 192, 198)
    """
    if isinstance(answer, tuple | list) and not isinstance(answer, AdviceList):
        reminders = [_checks.instance(item, Reminder, "answer[]") for item in answer]
        return "\n\n".join(explain(item, rules=rules) for item in reminders) or "no reminders"
    if not isinstance(answer, Reminder):
        answer = _answer(answer)
    version, fingerprint = (
        (answer.deadline.rulebook, answer.deadline.fingerprint)
        if isinstance(answer, Reminder)
        else (answer.rulebook, answer.fingerprint)
    )
    book = _pinned(version, fingerprint, rules, "the answer")
    lines = _headline(answer)
    lines.append(f"Rulebook {book.version} ({book.fingerprint})")
    for rule_id in _rule_ids(answer):
        rule = book.rule(rule_id)
        carried = f" (carried over from rulebook {rule.carried_from})" if rule.carried_from else ""
        lines.append(f"- {rule_id}: {rule.summary}{carried}")
        lines += _citations(rule.citations, book)
    return "\n".join(lines)


def _citations(citations: Sequence[Citation], book: Rulebook) -> list[str]:
    """The citations of a rule for a reader: each source with its title, weight and address,
    then the places cited in it, by section of the public page (and line of the copy)."""
    by_source: dict[str, dict[str | None, list[Citation]]] = {}
    for citation in citations:
        by_source.setdefault(citation.source, {}).setdefault(citation.section, []).append(citation)
    lines = []
    for key, sections in by_source.items():
        source = book.sources[key]
        level = source.evidence.text if source.evidence is not None else "evidence level not stated"
        lines.append(f"  {key}, {source.title} ({level}): {source.url or 'no public address known'}")
        places = []
        for section, cited in sections.items():
            at = [c.locator for c in cited if c.locator and not c.locator.startswith('"')]
            numbers = [place for place in at if place[:1].isdigit()]  # "comment 31 reply" is no line
            copy = ", ".join(
                [
                    *(
                        [f"{'lines' if len(numbers) > 1 or '-' in numbers[0] else 'line'} {', '.join(numbers)}"]
                        if numbers
                        else []
                    ),
                    *(place for place in at if place not in numbers),
                ]
            )
            if section is None:
                places.append(copy)
            else:
                places.append(f'section "{section}"' + (f" ({copy})" if copy else ""))
        if any(places):
            lines.append(f"    {'; '.join(p for p in places if p)}")
    return lines
