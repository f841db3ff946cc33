"""aliprotect.frames: every kind of table in and the same kind out, the golden corpus through
the columnar path, and clear errors for every way a table can be wrong."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import pathlib
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pendulum
import polars as pl
import pyarrow as pa
import pytest

import aliprotect
import golden
from aliprotect import ClaimKind, Order, Role, frames
from aliprotect._answers import TIMELINE_NAMES
from aliprotect._days import parse_instant
from aliprotect.errors import ColumnError, InvalidValueError, NaiveDatetimeError, TimeOrderError
from frames_support import arrow_tables, column_micros, column_values, micros

RULES = aliprotect.rulebook("2025.1")
SNAPSHOTS = pathlib.Path(__file__).parent / "snapshots"


def paris(*args: int) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(*args), tz="Europe/Paris")  # type: ignore[misc]


def store() -> pd.DataFrame:
    """Three orders of a store: shipped, received, not shipped yet."""
    return pd.DataFrame(
        {
            "id": ["A1", "A2", "A3"],
            "placed_at": [paris(2025, 3, 1, 10), paris(2025, 3, 1, 11), paris(2025, 3, 20, 9)],
            "shipped_at": [paris(2025, 3, 3, 18), paris(2025, 3, 2, 8), pd.NaT],
            "protection_days": [60, 75, 60],
            "received_at": [pd.NaT, paris(2025, 3, 28, 12), pd.NaT],
            "customer": ["Ana", "Bo", "Cy"],
        },
        index=[101, 102, 103],
    )


def test_a_pandas_table_comes_back_with_its_index_its_columns_and_the_timeline() -> None:
    table = frames.timelines(store(), rules=RULES)
    assert isinstance(table, pd.DataFrame)
    assert list(table.index) == [101, 102, 103]
    assert list(table.columns) == [*store().columns, *TIMELINE_NAMES, "rulebook", "fingerprint"]
    assert list(table["customer"]) == ["Ana", "Bo", "Cy"]
    assert str(table.loc[101, "dispute_closes"]) == "2025-05-17 16:00:00+00:00"
    assert pd.isna(table.loc[102, "protection_ends"])  # received before protection ended
    assert table.loc[103, TIMELINE_NAMES].isna().all()  # not shipped: no deadlines yet
    assert set(table["rulebook"]) == {"2025.1"}
    assert set(table["fingerprint"]) == {RULES.fingerprint}


def _scalar_deadlines(rules: Any = RULES) -> dict[str, list[int | None]]:
    orders = [
        Order(
            id=str(row.id),
            placed_at=pendulum.instance(row.placed_at.to_pydatetime()),
            shipped_at=None if pd.isna(row.shipped_at) else pendulum.instance(row.shipped_at.to_pydatetime()),
            protection_days=int(row.protection_days),
            received_at=None if pd.isna(row.received_at) else pendulum.instance(row.received_at.to_pydatetime()),
        )
        for row in store().itertuples()
    ]
    timelines = [aliprotect.timeline(order, rules=rules) for order in orders]
    return {
        name: [None if (d := timeline.get(name)) is None else micros(d.at) for timeline in timelines]
        for name in TIMELINE_NAMES
    }


@pytest.mark.parametrize(
    "convert",
    [
        pytest.param(lambda df: df, id="pandas"),
        pytest.param(pl.from_pandas, id="polars"),
        pytest.param(lambda df: pl.from_pandas(df).lazy(), id="polars lazy"),
        pytest.param(lambda df: pa.Table.from_pandas(df, preserve_index=False), id="pyarrow"),
        pytest.param(
            lambda df: duckdb.from_arrow(pa.Table.from_pandas(df.assign(zone="Europe/Paris"), preserve_index=False)),
            id="duckdb",
        ),
    ],
)
def test_every_kind_of_table_gives_the_scalar_answers_and_the_kind_it_expects(convert: Any) -> None:
    native = convert(store())
    answer = frames.timelines(native, rules=RULES)
    expected_kind = {
        "DataFrame": type(native),
        "LazyFrame": pl.DataFrame,
        "Table": pa.Table,
        "DuckDBPyRelation": pa.Table,
    }[type(native).__name__]
    assert type(answer) is expected_kind
    for name, want in _scalar_deadlines().items():
        assert column_micros(answer, name) == want, name


def test_a_duckdb_relation_needs_a_zone_column_since_its_instants_have_no_zone() -> None:
    relation = duckdb.from_arrow(pa.Table.from_pandas(store(), preserve_index=False))
    with pytest.raises(ColumnError, match=r"DuckDB relation.*add a zone column"):
        frames.timelines(relation, rules=RULES)


def test_can_open_and_next_actions_answer_every_row() -> None:
    at = pendulum.datetime(2025, 4, 5, tz="Europe/Paris")
    verdicts = frames.can_open(store(), at=at, claim=ClaimKind.NOT_RECEIVED, rules=RULES)
    assert list(verdicts["can_open"]) == [True, False, False]
    assert list(verdicts["can_open_reason"]) == ["allowed", "received", "not_shipped"]
    assert verdicts.loc[102, "can_open_rule_ids"] == "open.not_received_before_receipt"
    actions = frames.next_actions(store(), at=at, role=Role.DROPSHIPPER, rules=RULES)
    assert list(actions["next_action"]) == ["open_dispute", "open_dispute", "wait"]
    assert list(actions["next_action_urgency"]) == ["by_deadline", "by_deadline", "info"]
    assert str(actions.loc[101, "next_action_by"]) == "2025-04-22 16:00:00+00:00"  # settlement takes 10 days
    assert str(actions.loc[102, "next_action_by"]) == "2025-04-12 10:00:00+00:00"  # 15 days after receipt, in CEST
    assert pd.isna(actions.loc[103, "next_action_by"])
    later = frames.next_actions(store(), at=pendulum.datetime(2025, 4, 25, tz="Europe/Paris"), rules=RULES)
    assert later.loc[101, "next_action"] == "ask_extension"
    assert pd.isna(later.loc[102, "next_action"])  # A2's last chance has passed: nothing can be done


def test_an_empty_table_has_the_answer_columns_for_a_dask_meta() -> None:
    table = frames.timelines(store().iloc[:0], rules=RULES)
    assert len(table) == 0
    assert str(table["dispute_opens"].dtype) == "datetime64[us, UTC]"


def test_a_zone_column_chooses_each_rows_calendar() -> None:
    orders = store().iloc[:1].copy()
    orders["shipped_at"] = [pd.Timestamp("2025-03-03 23:30", tz="UTC")]
    orders["placed_at"] = [pd.Timestamp("2025-03-01 10:00", tz="UTC")]
    in_utc = frames.timelines(orders, rules=RULES)
    in_tokyo = frames.timelines(orders.assign(zone=["Asia/Tokyo"]), rules=RULES)
    # shipped on 3 March in UTC, but on 4 March in Tokyo: day 6 starts a local day later
    assert str(in_utc.loc[101, "dispute_opens"]) == "2025-03-09 00:00:00+00:00"
    assert str(in_tokyo.loc[101, "dispute_opens"]) == "2025-03-09 15:00:00+00:00"


def test_extensions_come_in_a_table_of_their_own() -> None:
    extensions = pd.DataFrame({"id": ["A1"], "granted_at": [paris(2025, 4, 25)], "days": [15]})
    table = frames.timelines(store(), rules=RULES, extensions=extensions)
    assert str(table.loc[101, "protection_ends"]) == "2025-05-17 16:00:00+00:00"
    late = extensions.assign(granted_at=[paris(2025, 5, 3)])
    with pytest.raises(TimeOrderError, match=r"row 0 of extensions \(order 'A1'\).*protection ended"):
        frames.timelines(store(), rules=RULES, extensions=late)
    stranger = extensions.assign(id=["Z9"])
    with pytest.raises(InvalidValueError, match="not the id of any order"):
        frames.timelines(store(), rules=RULES, extensions=stranger)


# --- errors that name the column, the row and the fix ---------------------------------------


def test_a_missing_column_names_the_closest_one() -> None:
    with pytest.raises(ColumnError, match=r"no column 'shipped_at'.*closest is 'shipped'.*columns=\{'shipped_at'"):
        frames.timelines(store().rename(columns={"shipped_at": "shipped"}), rules=RULES)
    with pytest.raises(ColumnError, match="closest is 'order_id'"):
        frames.timelines(store().rename(columns={"id": "order_id"}), rules=RULES)
    with pytest.raises(ColumnError, match="no column 'protection_days'"):
        frames.timelines(store().drop(columns="protection_days"), rules=RULES)


def test_a_column_that_looks_like_an_optional_one_is_never_ignored() -> None:
    misnamed = store().rename(columns={"received_at": "received"})
    with pytest.raises(ColumnError, match=r"'received' that looks like 'received_at'.*extra="):
        frames.timelines(misnamed, rules=RULES)
    timezone = store().assign(timezone="Asia/Tokyo")
    with pytest.raises(ColumnError, match="'timezone' that looks like 'zone'"):
        frames.timelines(timezone, rules=RULES)
    mapped = frames.timelines(misnamed, rules=RULES, columns={"received_at": "received"})
    assert column_micros(mapped, "completed") == _scalar_deadlines()["completed"]
    kept = frames.timelines(misnamed, rules=RULES, extra=["received"])  # the user's own column: kept as it is
    assert "received" in kept.columns
    with pytest.raises(ColumnError, match="'shiped' is not a column aliprotect reads"):
        frames.timelines(store(), rules=RULES, columns={"shiped": "shipped_at"})


def test_naive_and_wrong_kinds_of_columns_are_refused() -> None:
    naive = store().assign(placed_at=store()["placed_at"].dt.tz_localize(None))
    with pytest.raises(NaiveDatetimeError, match=r"column 'placed_at'.*without a timezone"):
        frames.timelines(naive, rules=RULES)
    text = store().assign(placed_at=["2025-03-01", "2025-03-01", "2025-03-20"])
    with pytest.raises(ColumnError, match=r"column 'placed_at'.*holds String values, not a datetime column"):
        frames.timelines(text, rules=RULES)
    fraction = store().assign(protection_days=[60.5, 60, 60])
    with pytest.raises(InvalidValueError, match=r"row 0 of orders \(order 'A1'\): protection_days=60.5"):
        frames.timelines(fraction, rules=RULES)
    nanoseconds = store().assign(placed_at=store()["placed_at"].astype("datetime64[ns, Europe/Paris]"))
    nanoseconds.loc[101, "placed_at"] += pd.Timedelta(1, "ns")
    with pytest.raises(ColumnError, match="finer than a microsecond"):
        frames.timelines(nanoseconds, rules=RULES)


def test_rows_the_scalar_order_refuses_are_refused_with_their_row_and_id() -> None:
    early = store().assign(shipped_at=[paris(2025, 2, 1), pd.NaT, pd.NaT], received_at=pd.NaT)
    with pytest.raises(TimeOrderError, match=r"row 0 of orders \(order 'A1'\): shipped_at is before placed_at"):
        frames.timelines(early, rules=RULES)
    zone = store().assign(zone=["Europe/Paris", "Mars/Olympus", "UTC"])
    with pytest.raises(InvalidValueError, match=r"row 1 of orders \(order 'A2'\).*'Mars/Olympus'"):
        frames.timelines(zone, rules=RULES)
    with pytest.raises(TimeOrderError, match="before the order was placed"):
        frames.can_open(store(), at=pendulum.datetime(2025, 3, 5, tz="UTC"), rules=RULES)


def test_an_answer_never_overwrites_a_column_and_a_non_table_is_refused() -> None:
    with pytest.raises(ColumnError, match="already has a column 'completed'"):
        frames.timelines(store().assign(completed=1), rules=RULES)
    with pytest.raises(InvalidValueError, match="is not a table"):
        frames.timelines([{"id": "A1"}], rules=RULES)
    with pytest.raises(InvalidValueError, match="claim="):
        frames.can_open(store(), at=pendulum.datetime(2025, 4, 1, tz="UTC"), claim="late", rules=RULES)  # type: ignore[arg-type]


# --- the golden corpus through the columnar path ---------------------------------------------


def _snapshot(book: str) -> dict[str, Any]:
    return json.loads((SNAPSHOTS / book / "orders.json").read_text(encoding="utf-8"))["orders"]  # type: ignore[no-any-return]


def _stored_micros(value: str | None) -> int | None:
    return None if value is None else micros(parse_instant(value))


@pytest.mark.parametrize("book", [book.version for book in aliprotect.rulebooks()])
def test_the_golden_corpus_gives_the_stored_answers_through_the_columnar_path(book: str) -> None:
    rules, stored = aliprotect.rulebook(book), _snapshot(book)
    index = [b.version for b in aliprotect.rulebooks()].index(book)
    for order, tracking in golden.corpus():
        table, extensions = arrow_tables([order])
        entry = stored[order.id]
        expected = entry["timeline"]
        if isinstance(expected, dict):  # the scalar function refused it
            with pytest.raises(aliprotect.AliprotectError) as refused:
                frames.timelines(table, rules=rules, extensions=extensions)
            assert type(refused.value).__name__ == expected["error"], order.id
        else:
            answer = frames.timelines(table, rules=rules, extensions=extensions)
            by_name = {deadline["name"]: deadline["at"] for deadline in expected}
            for name in TIMELINE_NAMES:
                assert column_micros(answer, name) == [_stored_micros(by_name.get(name))], (order.id, name)
        if tracking is not None:
            continue  # the tables carry no tracking; these answers depend on it
        probes = list(entry["at"].items())
        for probe, asked in probes[index % 3 :: 3]:
            at = parse_instant(probe)
            _check_asked(table, extensions, rules, at, asked, order.id)


def _check_asked(table: Any, extensions: Any, rules: Any, at: Any, asked: dict[str, Any], order_id: str) -> None:
    for kind in (ClaimKind.NOT_RECEIVED, ClaimKind.DAMAGED):
        want = asked[f"can_open_dispute {kind.value}"]
        if "error" in want:
            with pytest.raises(aliprotect.AliprotectError) as refused:
                frames.can_open(table, at=at, claim=kind, rules=rules, extensions=extensions)
            assert type(refused.value).__name__ == want["error"], (order_id, at)
            continue
        verdict = frames.can_open(table, at=at, claim=kind, rules=rules, extensions=extensions)
        assert column_values(verdict, "can_open") == [want["allowed"]], (order_id, at)
        assert column_values(verdict, "can_open_rule_ids") == [", ".join(want["rule_ids"])], (order_id, at)
    advice = asked["next_actions buyer"]
    if isinstance(advice, dict):
        with pytest.raises(aliprotect.AliprotectError) as refused:
            frames.next_actions(table, at=at, rules=rules, extensions=extensions)
        assert type(refused.value).__name__ == advice["error"], (order_id, at)
        return
    actions = frames.next_actions(table, at=at, rules=rules, extensions=extensions)
    first = advice[0] if advice else {"action": None, "urgency": None, "by": None, "rule_ids": None}
    assert column_values(actions, "next_action") == [first["action"]], (order_id, at)
    assert column_values(actions, "next_action_urgency") == [first["urgency"]], (order_id, at)
    assert column_micros(actions, "next_action_by") == [_stored_micros(first["by"])], (order_id, at)
    rule_ids = None if first["rule_ids"] is None else ", ".join(first["rule_ids"])
    assert column_values(actions, "next_action_rule_ids") == [rule_ids], (order_id, at)


# --- found by review: each once a wrong answer or a foreign exception --------------------------


def test_a_column_of_python_objects_is_refused_rather_than_read_in_its_first_values_zone() -> None:
    tokyo = pendulum.datetime(2025, 3, 1, 10, tz="Asia/Tokyo")
    angeles = pendulum.datetime(2025, 3, 1, 10, tz="America/Los_Angeles")
    mixed = pd.DataFrame(
        {
            "id": ["T", "L"],
            "placed_at": pd.Series([tokyo, angeles], dtype=object),
            "shipped_at": pd.Series([tokyo.add(days=1), angeles.add(days=1)], dtype=object),
            "protection_days": [60, 60],
        }
    )
    with pytest.raises(ColumnError, match=r"column 'placed_at'.*holds Object values"):
        frames.timelines(mixed, rules=RULES)
    naive = mixed.assign(placed_at=pd.Series([tokyo, dt.datetime(2025, 3, 1, 10)], dtype=object))
    with pytest.raises(ColumnError, match="not a datetime column with one zone"):
        frames.timelines(naive, rules=RULES)
    kinds = store().assign(protection_days=pd.Series([60, "x", 60], dtype=object, index=[101, 102, 103]))
    with pytest.raises(ColumnError, match=r"column 'protection_days'.*more than one kind.*whole numbers"):
        frames.timelines(kinds, rules=RULES)
    # pyarrow itself cannot hold Decimal("Infinity") in a column (it raised TypeError, found by the fuzz test)
    infinite = store().assign(
        shipped_at=pd.Series([decimal.Decimal("Infinity")] * 3, dtype=object, index=[101, 102, 103])
    )
    with pytest.raises(ColumnError, match=r"column 'shipped_at'.*holds a value no column type can hold"):
        frames.timelines(infinite, rules=RULES)
    named = store().assign(id=pd.Series([decimal.Decimal("Infinity")] * 3, dtype=object, index=[101, 102, 103]))
    with pytest.raises(ColumnError, match=r"column 'id' of orders \(id\) holds values that are not all text"):
        frames.timelines(named, rules=RULES)


def test_a_timer_longer_than_any_source_states_is_refused_as_the_scalar_functions_refuse_it() -> None:
    huge = store().assign(protection_days=[213_503_982, 60, 60])
    sanity = r"protection_days=213503982: no source states a protection timer longer than 120 days"
    with pytest.raises(InvalidValueError, match=r"row 0 of orders \(order 'A1'\): " + sanity):
        frames.timelines(huge, rules=RULES)
    order = Order(
        id="A1", placed_at=paris(2025, 3, 1, 10), shipped_at=paris(2025, 3, 3, 18), protection_days=213_503_982
    )
    with pytest.raises(InvalidValueError, match=sanity):
        aliprotect.timeline(order, rules=RULES)


def test_day_counts_and_local_dates_past_the_year_9999_are_refused_as_the_scalar_functions_refuse_them() -> None:
    late = dt.datetime(9999, 11, 30, tzinfo=dt.UTC)
    table = pa.table(
        {
            "id": ["Z"],
            "placed_at": pa.array([late], type=pa.timestamp("us", "UTC")),
            "shipped_at": pa.array([late], type=pa.timestamp("us", "UTC")),
            "protection_days": [60],
        }
    )
    with pytest.raises(InvalidValueError, match=r"row 0 of orders \(order 'Z'\): 60 days after"):
        frames.timelines(table, rules=RULES)
    order = Order(id="Z", placed_at=late, shipped_at=late, protection_days=60)
    with pytest.raises(InvalidValueError, match="60 days after"):
        aliprotect.timeline(order, rules=RULES)
    unsigned = store().assign(protection_days=np.array([2**60, 60, 60], dtype=np.uint64))
    with pytest.raises(InvalidValueError, match="must be a whole number of days"):
        frames.timelines(unsigned, rules=RULES)
    late = pd.DataFrame(
        {
            "id": ["K"],
            "placed_at": [pd.Timestamp("9999-12-31 20:00", tz="UTC")],
            "shipped_at": [pd.Timestamp("9999-12-31 20:00", tz="UTC")],
            "protection_days": [60],
            "zone": ["Asia/Tokyo"],
        }
    )
    with pytest.raises(InvalidValueError, match="placed_at falls on a local date outside the years 1 to 9999"):
        frames.timelines(late, rules=RULES)


def test_string_view_columns_and_repeated_ids_without_extensions_are_read() -> None:
    table = pa.Table.from_pandas(store().assign(zone="Europe/Paris"), preserve_index=False)
    viewed = table.set_column(table.schema.get_field_index("zone"), "zone", table["zone"].cast(pa.string_view()))
    assert (
        column_micros(frames.timelines(viewed, rules=RULES), "dispute_closes") == _scalar_deadlines()["dispute_closes"]
    )
    twice = store().assign(id=["A1", "A1", "A3"])
    empty = pd.DataFrame(
        {"id": pd.Series([], dtype=str), "granted_at": pd.Series([], dtype="datetime64[us, UTC]"), "days": []}
    )
    assert len(frames.timelines(twice, rules=RULES, extensions=empty)) == 3


def test_an_id_column_of_mixed_kinds_and_an_offset_past_59_minutes_are_refused() -> None:
    mixed = store().assign(id=pd.Series(["A1", 3, "A3"], dtype=object, index=[101, 102, 103]))
    with pytest.raises(ColumnError, match=r"column 'id' of orders \(id\) holds values that are not all text"):
        frames.timelines(mixed, rules=RULES)
    with pytest.raises(InvalidValueError, match="'\\+05:99' is not in the tz database"):
        frames.timelines(store().assign(zone="+05:99"), rules=RULES)


def test_a_table_naming_a_column_twice_is_refused_not_read_with_one_of_the_two() -> None:
    import pyarrow as pa

    cells = [["A"], ["2025-03-01T10:00:00+01:00"], ["2025-03-03T10:00:00+01:00"], [""]]
    names = ["id", "placed_at", "shipped_at", "shipped_at"]
    tables = [
        pd.DataFrame([[column[0] for column in cells]], columns=names),
        pa.Table.from_arrays([pa.array(column) for column in cells], names=names),
        duckdb.sql(
            "select 'A' as id, TIMESTAMPTZ '2025-03-01 10:00:00+01' as placed_at, "
            "TIMESTAMPTZ '2025-03-03 10:00:00+01' as shipped_at, NULL::TIMESTAMPTZ as shipped_at, 'UTC' as zone"
        ),
    ]
    for table in tables:
        with pytest.raises(ColumnError, match="orders names the column 'shipped_at' twice"):
            frames.timelines(table)
        with pytest.raises(ColumnError, match="orders names the column 'shipped_at' twice"):
            frames.next_actions(table, at=pendulum.datetime(2025, 5, 1, tz="UTC"))
