"""Junk input only ever raises AliprotectError: never a TypeError, KeyError or AttributeError."""

import contextlib
import datetime as dt
import importlib
import importlib.resources
import tomllib
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aliprotect
from aliprotect import AliprotectError, Extension, Money, Order, Rulebook, parse_instant
from aliprotect.strategies import orders
from junk_support import json_values, junk

# the module, not the function aliprotect.rulebook that shares its name
PUBLISHED = tomllib.loads(
    (importlib.resources.files("aliprotect") / "rulebooks" / "2025.1.toml").read_text(encoding="utf-8")
)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "id": junk,
            "placed_at": junk,
            "shipped_at": junk,
            "protection_days": junk,
            "extensions": st.one_of(junk, st.lists(junk, max_size=3)),
            "received_at": junk,
            "amount": junk,
        },
    ),
    orders(),
)
def test_an_order_of_junk_raises_only_our_error(changes: dict[str, Any], valid: Order) -> None:
    fields: dict[str, Any] = {
        "id": valid.id,
        "placed_at": valid.placed_at,
        "shipped_at": valid.shipped_at,
        "protection_days": valid.protection_days,
        "extensions": valid.extensions,
        "received_at": valid.received_at,
        "amount": valid.amount,
    }
    fields.update(changes)
    with contextlib.suppress(AliprotectError):
        Order(**fields)


@given(junk, junk, junk)
def test_money_and_extensions_of_junk_raise_only_our_error(a: object, b: object, c: object) -> None:
    for build in (lambda: Money(a, b), lambda: Extension(granted_at=b, days=c)):  # type: ignore[arg-type]
        with contextlib.suppress(AliprotectError):
            build()


@given(
    st.one_of(
        st.text(),
        st.from_regex(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)?(\[[A-Za-z_/+-]{0,20}\])?"),
    )
)
def test_parse_instant_of_junk_returns_an_aware_instant_or_raises_our_error(text: str) -> None:
    try:
        result = parse_instant(text, field="at")
    except AliprotectError:
        return
    assert isinstance(result, pendulum.DateTime)
    assert result.utcoffset() is not None


@given(orders(), junk, junk)
def test_questions_with_junk_arguments_raise_only_our_error(order: Order, claim: object, at: object) -> None:
    calls = (
        lambda: aliprotect.can_open_dispute(order, claim, at=at),  # type: ignore[arg-type]
        lambda: aliprotect.can_cancel(order, at=at),  # type: ignore[arg-type]
        lambda: aliprotect.grant_extension(order, days=claim, at=at),  # type: ignore[arg-type]
        lambda: aliprotect.timeline(claim),  # type: ignore[arg-type]
        lambda: aliprotect.rulebook(claim),  # type: ignore[arg-type]
        lambda: aliprotect.rulebook("2025.1").quantity(claim, at),  # type: ignore[arg-type]
    )
    for call in calls:
        with contextlib.suppress(AliprotectError):
            call()


@given(st.text(max_size=200))
def test_rulebook_text_of_junk_raises_only_our_error(text: str) -> None:
    with contextlib.suppress(AliprotectError):
        Rulebook.from_toml(text)


def _paths(data: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _replaced(data: Any, path: tuple[Any, ...], value: object, delete: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy = dict(data) if isinstance(data, dict) else list(data)
    if delete and not rest:
        del copy[head]
    else:
        copy[head] = _replaced(data[head], rest, value, delete)
    return copy


@given(st.sampled_from(_paths(PUBLISHED)), junk, st.booleans())
def test_a_damaged_rulebook_raises_only_our_error(path: tuple[Any, ...], value: object, delete: bool) -> None:
    damaged = _replaced(PUBLISHED, path, value, delete)
    try:
        book = Rulebook.from_dict(damaged)
    except AliprotectError:
        return
    assert isinstance(book, Rulebook)


def test_dates_are_not_instants() -> None:
    with pytest.raises(
        AliprotectError, match=r"placed_at=datetime.date\(2025, 1, 1\) must be a timezone-aware datetime"
    ):
        Order(id="A", placed_at=dt.date(2025, 1, 1), protection_days=60)  # type: ignore[arg-type]


@given(
    st.fixed_dictionaries(
        {"kind": st.one_of(junk, st.sampled_from(aliprotect.ClaimKind))},
        optional={
            "resolution": st.one_of(junk, st.sampled_from(aliprotect.Resolution)),
            "amount": junk,
            "evidence": st.one_of(junk, st.lists(st.one_of(junk, st.sampled_from(aliprotect.Evidence)), max_size=3)),
            "circumstance": junk,
        },
    )
)
def test_a_claim_of_junk_raises_only_our_error(fields: dict[str, Any]) -> None:
    with contextlib.suppress(AliprotectError):
        aliprotect.Claim(**fields)


@given(
    st.fixed_dictionaries(
        {"kind": st.one_of(junk, st.sampled_from(aliprotect.DisputeEventKind)), "at": junk},
        optional={"amount": junk, "buyer_wins": junk, "tracking_number": junk, "rude": junk},
    )
)
def test_an_event_of_junk_raises_only_our_error(fields: dict[str, Any]) -> None:
    with contextlib.suppress(AliprotectError):
        aliprotect.DisputeEvent(**fields)


@given(orders(shipped=True, paid=True), junk, junk)
def test_dispute_functions_with_junk_arguments_raise_only_our_error(order: Order, a: object, b: object) -> None:
    late = aliprotect.Claim(kind=aliprotect.ClaimKind.LATE)
    in_window = aliprotect.dispute_window(order).opens
    calls = (
        lambda: aliprotect.open_dispute(order, a, at=b),  # type: ignore[arg-type]
        lambda: aliprotect.open_dispute(order, late, at=in_window, previous=a),  # type: ignore[arg-type]
        lambda: aliprotect.open_dispute(order, late, at=in_window, previous=[a]),  # type: ignore[list-item]
        lambda: aliprotect.dispute_status(a, at=b),  # type: ignore[arg-type]
        lambda: aliprotect.seller_offers(a, at=b, refund=a),  # type: ignore[arg-type]
    )
    for call in calls:
        with contextlib.suppress(AliprotectError):
            call()


@given(
    st.sampled_from(sorted(["DateTime", "Order", "Money", "Claim", "Dispute", "Event", "Decision", "Rulebook"])),
    json_values,
)
def test_a_document_of_junk_raises_only_our_error(kind: str, value: object) -> None:
    with contextlib.suppress(AliprotectError):
        aliprotect.from_data({"aliprotect": 2, "type": kind, "value": value})


@given(json_values)
def test_any_json_raises_only_our_error(value: object) -> None:
    with contextlib.suppress(AliprotectError):
        aliprotect.from_data(value)  # type: ignore[arg-type]
    with contextlib.suppress(AliprotectError):
        aliprotect.from_data({"aliprotect": 2, "type": value, "value": value})
