"""Every public entry point, fed junk mixed with valid values, raises only the library's errors
and returns in time.

Each public function, constructor and method of the public namespaces (``aliprotect``,
``aliprotect.aliexpress``, ``aliprotect.frames``, ``aliprotect.display``, ``aliprotect.rules``)
has an entry below, and a test fails when one has none. Each argument is drawn from valid values
of its kind mixed with junk (``None``, numbers, text, bytes, naive datetimes, lists, dicts), so
that the calls reach past the first check. An entry passes when the call returns or raises an
:class:`~aliprotect.AliprotectError`, within ten seconds.

In the suite, each entry point gets ``ALIPROTECT_FUZZ_EXAMPLES`` examples (default 40). The
thorough run, reported on the docs' testing page, gives each 100,000:

    ALIPROTECT_FUZZ_EXAMPLES=100000 python -m pytest tests/properties/test_fuzz.py
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import inspect
import json
import os
from collections.abc import Callable
from typing import Any

import attrs
import pandas as pd
import pendulum
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import aliprotect
import aliprotect.aliexpress as aliexpress
import aliprotect.display as display
import aliprotect.frames as frames
import aliprotect.rules as rules_namespace
from aliexpress_support import detail, flat, record_of, whole
from aliprotect import AliprotectError
from aliprotect.strategies import disputes, instants, money, orders
from frames_support import arrow_tables, in_zone
from junk_support import json_values, junk

EXAMPLES = int(os.environ.get("ALIPROTECT_FUZZ_EXAMPLES", "40"))
NAMESPACES = (aliprotect, aliexpress, frames, display, rules_namespace)
BOOKS = aliprotect.rulebooks()


def either(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid value or junk, about half and half."""
    return st.one_of(valid, junk)


def members(kind: type[enum.Enum]) -> st.SearchStrategy[Any]:
    return either(st.sampled_from(kind) | st.sampled_from([member.value for member in kind]))


books = st.sampled_from(BOOKS)
EXTREMES = [
    aliprotect.parse_instant(text)
    for text in (
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T10:00:00[Asia/Tokyo]",
        "9999-12-31T13:00:00-12:00",
        "9999-12-31T12:00:00[America/Los_Angeles]",
    )
]
"""Instants at the ends of time, whose reading in UTC (or in another zone) is out of range."""


def valid(factory: Callable[..., Any], **strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``factory(**drawn)``, for drawn arguments that make a valid value (the others are rejected)."""

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        values = {name: draw(strategy) for name, strategy in strategies.items()}
        try:
            return factory(**values)
        except AliprotectError:
            reject()

    return build()


claims = valid(
    aliprotect.Claim,
    kind=st.sampled_from(aliprotect.ClaimKind),
    resolution=st.sampled_from(aliprotect.Resolution),
    amount=st.none() | money(),
    evidence=st.lists(st.sampled_from(aliprotect.Evidence), max_size=2),
)
trackings = valid(
    aliprotect.Tracking,
    number=st.text(min_size=1, max_size=8),
    provided_at=instants(),
    events=st.lists(
        st.builds(aliprotect.TrackingEvent, at=instants(), where=st.sampled_from(aliprotect.Location)), max_size=3
    ).map(lambda events: sorted(events, key=lambda event: event.at.timestamp())),
)
timelines = orders(shipped=True).map(aliprotect.timeline)
advice_lists = valid(lambda order, at: aliprotect.next_actions(order, at=at), order=orders(), at=instants())
answers = st.one_of(
    timelines,
    orders(shipped=True).map(aliprotect.dispute_window),
    advice_lists,
    disputes().map(lambda dispute: aliprotect.dispute_status(dispute, at=dispute.opened_at)),
)
reminders = valid(
    lambda chosen, at: aliprotect.upcoming(chosen, at=at, within=dt.timedelta(days=90)),
    chosen=st.lists(orders(), max_size=3, unique_by=lambda order: order.id),
    at=instants(),
)
sources = books.flatmap(lambda book: st.sampled_from(list(book.sources.values())))
citations = books.flatmap(
    lambda book: st.sampled_from([citation for rule in book.rules.values() for citation in rule.citations])
)
locators = st.from_regex(r'\d{1,3}(-\d{1,3})?|"[^"]{0,10}"|comment \d{1,2}( reply)?', fullmatch=True) | st.text(
    max_size=6
)
decisions = orders(shipped=True).map(lambda order: aliprotect.record(aliprotect.timeline, order))
records = st.one_of(orders().map(record_of), st.just(detail()), st.just(whole(detail())), json_values)


@st.composite
def tables(draw: st.DrawFn, *, of_records: bool = False) -> Any:
    """A table of orders (pyarrow or pandas), of AliExpress records, or of junk columns."""
    if draw(st.booleans()):
        chosen = draw(st.lists(orders(), min_size=1, max_size=4, unique_by=lambda order: order.id))
        if of_records:
            return pd.DataFrame([flat(record_of(order)) for order in chosen])
        try:  # in UTC, the days of an order's extensions may fall otherwise (C2): such an order is no order
            table = arrow_tables([in_zone(order, pendulum.UTC) for order in chosen])[0]
        except AliprotectError:
            reject()
        return table.to_pandas() if draw(st.booleans()) else table
    names = [
        "id",
        "placed_at",
        "shipped_at",
        "protection_days",
        "received_at",
        "zone",
        "gmt_create",
        "order_status",
        "freight_commit_day",
    ]
    columns = draw(st.lists(st.sampled_from(names) | st.text(max_size=6), min_size=1, max_size=6, unique=True))
    rows = draw(st.integers(min_value=0, max_value=3))
    return pd.DataFrame(
        {name: pd.Series(draw(st.lists(junk, min_size=rows, max_size=rows)), dtype=object) for name in columns}
    )


ARGS: dict[str, st.SearchStrategy[Any]] = {
    "order": either(orders()),
    "orders": either(st.lists(orders(), max_size=3)),
    "dispute": either(disputes()),
    "previous": either(st.lists(disputes(), max_size=2)),
    "disputes": either(st.lists(disputes(), max_size=2)),
    "claim": either(claims | st.sampled_from(aliprotect.ClaimKind)),
    "at": either(instants() | st.sampled_from(EXTREMES)),
    "rules": either(st.none() | books),
    "tracking": either(st.none() | trackings),
    "days": either(st.integers(min_value=-5, max_value=200)),
    "refund": either(st.none() | money()),
    "buyer_wins": either(st.booleans()),
    "rude": either(st.booleans()),
    "tracking_number": either(st.text(max_size=12)),
    "role": members(aliprotect.Role),
    "soon": either(st.timedeltas(min_value=dt.timedelta(days=-1), max_value=dt.timedelta(days=30))),
    "alarm": either(st.timedeltas(min_value=dt.timedelta(days=-1), max_value=dt.timedelta(days=3))),
    "within": either(st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=400))),
    "answer": either(answers | reminders),
    "decision": either(decisions),
    "text": either(st.from_regex(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)?(\[[A-Za-z_/+-]{0,20}\])?")),
    "field": either(st.text(max_size=10)),
    "data": either(json_values | st.builds(lambda v: {"aliprotect": 2, "type": "Order", "value": v}, json_values)),
    "value": either(orders() | answers | money()),
    "indent": either(st.none() | st.integers(min_value=0, max_value=4)),
    "version": either(st.none() | st.sampled_from([book.version for book in BOOKS])),
    "on": either(st.none() | st.dates()),
    "payload": either(records | st.lists(records, max_size=2)),
    "record": either(records),
    "listing": either(st.none() | records),
    "protection_days": either(st.none() | st.integers(min_value=1, max_value=130)),
    "received_at": either(st.none() | instants()),
    "responded_at": either(st.none() | instants()),
    "repeated_hour": either(st.sampled_from(["refuse", "earlier", "later"])),
    "extensions": either(st.none()),
    "columns": either(st.none() | st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2)),
    "extra": either(st.lists(st.text(max_size=8), max_size=2)),
    "books": either(st.lists(books, max_size=3)),
    "book": either(books),
    "a": either(books),
    "b": either(books),
    "quantity": junk,
    "result": either(timelines),
    "now": either(disputes().map(lambda dispute: aliprotect.dispute_status(dispute, at=dispute.opened_at))),
    "deadline": junk,
    "reminder": junk,
    "verdict": junk,
    "window": either(orders(shipped=True).map(aliprotect.dispute_window)),
    "advice": either(advice_lists),
    "rule_id": either(st.sampled_from(sorted(rules_namespace.SCHEMA))),
    "name": either(st.sampled_from(["default", "reply", "opens", "after_completion"])),
    "unit": members(rules_namespace.Unit),
    "carrier": either(st.none() | st.sampled_from(["EMS", "China Post"])),
    "kind": junk,
    "source": junk,
}
"""What each parameter of an entry point is drawn from, by its name (else junk)."""

FRAMES = {
    "timelines": (frames.timelines, {"orders": tables()}),
    "can_open": (frames.can_open, {"orders": tables(), "claim": members(aliprotect.ClaimKind)}),
    "next_actions": (frames.next_actions, {"orders": tables()}),
    "from_aliexpress": (frames.from_aliexpress, {"records": either(tables(of_records=True))}),
}


def _entry(call: Callable[..., Any], overrides: dict[str, st.SearchStrategy[Any]] | None = None) -> Any:
    parameters = [
        p for p in inspect.signature(call).parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    return (
        call,
        {p.name: (overrides or {}).get(p.name, ARGS.get(p.name, junk)) for p in parameters},
        {p.name for p in parameters if p.default is not inspect.Parameter.empty},
    )


def _constructor(cls: type) -> Any:
    fields = attrs.fields(cls)
    return (
        cls,
        {f.name: ARGS.get(f.name, junk) for f in fields},
        {f.name for f in fields if f.default is not attrs.NOTHING},
    )


def _public(methods: bool = True) -> dict[str, Any]:
    """Every public callable: the functions and classes of each namespace, and their public methods."""
    found: dict[str, Any] = {}
    for namespace in NAMESPACES:
        prefix = "" if namespace is aliprotect else namespace.__name__.removeprefix("aliprotect.") + "."
        for name in namespace.__all__:
            value = getattr(namespace, name)
            if isinstance(value, type) and issubclass(value, BaseException | enum.Enum):
                continue
            if inspect.isfunction(value) or isinstance(value, type):
                found[prefix + name] = value
            if isinstance(value, type) and methods:
                for method, member in vars(value).items():
                    if not method.startswith("_") and callable(getattr(value, method)):
                        found[f"{prefix}{name}.{method}"] = member
    return found


def method(owner: st.SearchStrategy[Any], called: str, /, **arguments: st.SearchStrategy[Any]) -> Any:
    """The entry of the method ``called``, on a valid value drawn from ``owner``."""
    return (lambda owner, **kwargs: getattr(owner, called)(**kwargs), {"owner": owner, **arguments}, set())


def _entries() -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for name, value in _public(methods=False).items():
        if name.startswith("frames."):
            call, overrides = FRAMES[name.removeprefix("frames.")]
            entries[name] = _entry(call, overrides)
        elif isinstance(value, type) and attrs.has(value):
            entries[name] = _constructor(value)
        elif name == "AdviceList":
            entries[name] = (
                lambda items, rulebook, fingerprint: aliprotect.AdviceList(
                    items, rulebook=rulebook, fingerprint=fingerprint
                ),
                {"items": either(advice_lists | st.lists(junk, max_size=2)), "rulebook": junk, "fingerprint": junk},
                set(),
            )
        elif name == "display.Svg":  # text, as any str takes
            entries[name] = (display.Svg, {"object": junk}, set())
        elif name == "record":
            entries[name] = (
                lambda question, order: aliprotect.record(question, order),
                {
                    "question": either(st.sampled_from([aliprotect.timeline, aliprotect.completion])),
                    "order": ARGS["order"],
                },
                set(),
            )
        else:
            entries[name] = _entry(value)
    json_text = json_values.map(json.dumps)
    entries.update(
        {
            "Rulebook.from_toml": (aliprotect.Rulebook.from_toml, {"text": either(st.text(max_size=200))}, set()),
            "Rulebook.from_dict": (aliprotect.Rulebook.from_dict, {"data": either(json_values)}, set()),
            "Rulebook.derive": (
                lambda book, version, changes, **optional: book.derive(version=version, changes=changes, **optional),
                {
                    "book": books,
                    "version": either(st.text(max_size=8)),
                    "changes": either(
                        st.dictionaries(
                            st.sampled_from(sorted(rules_namespace.SCHEMA))
                            | st.tuples(
                                st.sampled_from(sorted(rules_namespace.SCHEMA)),
                                st.sampled_from(["default", "reply", "opens"]) | st.integers(),
                            )
                            | st.integers()
                            | st.text(max_size=5),
                            junk | st.integers(min_value=0, max_value=100),
                            max_size=2,
                        )
                    ),
                    "citations": either(st.none() | st.dictionaries(st.text(max_size=8), st.lists(junk), max_size=2)),
                    "title": either(st.none() | st.text(max_size=8)),
                },
                {"citations", "title"},
            ),
            "Rulebook.calendar": method(books, "calendar", rule_id=ARGS["rule_id"]),
            "Rulebook.rule": method(books, "rule", rule_id=ARGS["rule_id"]),
            "Rulebook.has": method(books, "has", rule_id=ARGS["rule_id"], name=ARGS["name"]),
            "Rulebook.quantity": method(
                books, "quantity", rule_id=ARGS["rule_id"], name=ARGS["name"], unit=st.none() | ARGS["unit"]
            ),
            "Rulebook.number": method(
                books,
                "number",
                rule_id=ARGS["rule_id"],
                name=ARGS["name"],
                unit=st.none() | ARGS["unit"],
                carrier=ARGS["carrier"],
            ),
            "Timeline.get": method(timelines, "get", name=junk | st.just("protection_ends")),
            "Window.contains": method(orders(shipped=True).map(aliprotect.dispute_window), "contains", at=ARGS["at"]),
            "Tracking.known_at": method(trackings, "known_at", at=ARGS["at"]),
            "Tracking.on_its_way": method(trackings, "on_its_way", at=ARGS["at"]),
            "DisputeStatus.deadline": method(
                disputes().map(lambda dispute: aliprotect.dispute_status(dispute, at=dispute.opened_at)),
                "deadline",
                name=junk | st.just("seller_reply"),
            ),
            "rules.RuleSpec.allows": method(
                st.sampled_from(list(rules_namespace.SCHEMA.values())),
                "allows",
                name=junk | ARGS["name"],
                unit=ARGS["unit"],
            ),
            "rules.Source.section": method(sources, "section", locator=either(locators)),
            "rules.Source.link": method(sources, "link", section=either(st.none() | st.text(max_size=20))),
            "rules.Source.credit": method(sources, "credit"),
            "rules.Citation.where": method(citations, "where"),
            "from_json": (aliprotect.from_json, {"text": either(json_text)}, set()),
        }
    )
    return entries


ENTRIES = _entries()


def test_every_public_entry_point_is_fuzzed() -> None:
    assert sorted(ENTRIES) == sorted(_public())


@pytest.mark.parametrize("name", sorted(ENTRIES))
@settings(
    max_examples=EXAMPLES,
    deadline=dt.timedelta(seconds=10),  # nothing hangs
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_only_our_errors_escape(name: str, data: st.DataObject) -> None:
    call, strategies, optional = ENTRIES[name]
    kwargs = {
        parameter: data.draw(strategy, label=parameter)
        for parameter, strategy in strategies.items()
        if parameter not in optional or data.draw(st.booleans(), label=f"give {parameter}")
    }
    with contextlib.suppress(AliprotectError):
        call(**kwargs)
