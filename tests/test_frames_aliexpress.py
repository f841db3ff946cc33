"""``frames.from_aliexpress``: a table of AliExpress records as a table of orders, with the
scalar reader's refusals, row by row."""

from __future__ import annotations

import pytest

from aliprotect.errors import ColumnError, InvalidValueError, MissingFactError

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
frames = pytest.importorskip("aliprotect.frames")

ROW = {
    "order_id": "8012",
    "gmt_create": "2024-02-24 15:00:51",
    "order_status": "WAIT_BUYER_ACCEPT_GOODS",
    "logistics_status": "SELLER_SEND_GOODS",
    "gmt_send": "2024-02-27 23:15:30",
    "freight_commit_day": 90,
    "over_time_left": "2024-05-28 00:15:30",
}


def records(**changes: object) -> object:
    row = {**ROW, **changes}
    return pd.DataFrame({key: [value] for key, value in row.items() if value is not None})


def test_pandas_and_polars_tables_come_back_as_their_kind_in_the_order_contract() -> None:
    read = frames.from_aliexpress(records())
    assert isinstance(read, pd.DataFrame)
    assert list(read.columns) == [
        "id",
        "placed_at",
        "shipped_at",
        "received_at",
        "delivered_at",
        "protection_days",
        "promised_days",
        "carrier",
        "zone",
        "order_status",
        "issue_status",
        "over_time_left",
    ]
    assert str(read.loc[0, "shipped_at"]) == "2024-02-28 07:15:30+00:00"
    assert read.loc[0, "zone"] == "America/Los_Angeles"
    polars = frames.from_aliexpress(pl.DataFrame({key: [value] for key, value in ROW.items()}))
    assert isinstance(polars, pl.DataFrame)
    assert polars["id"].to_list() == ["8012"]


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"order_status": "WAITING"}, InvalidValueError, r"row 0 of records \(order '8012'\): order_status='WAITING'"),
        ({"gmt_send": None}, MissingFactError, r"gmt_send is missing, but the order has shipped"),
        ({"gmt_create": "2024-02-24T15:00:51"}, InvalidValueError, r"is not a real AliExpress time"),
        ({"gmt_create": "2024-03-10 02:30:00"}, InvalidValueError, r"does not exist in US Pacific time"),
        ({"over_time_left": "2024-11-03 01:30:00"}, InvalidValueError, r"falls in the hour US Pacific time repeats"),
        ({"freight_commit_day": "ninety"}, InvalidValueError, r"freight_commit_day='ninety' must be a whole number"),
        ({"logistics_status": None, "order_status": "FINISH"}, MissingFactError, r"logistics_status is missing"),
        (
            {"logistics_status": "BUYER_ACCEPT_GOODS"},
            MissingFactError,
            r"the buyer confirmed receipt, but the row has no time for it",
        ),
    ],
)
def test_a_row_the_scalar_reader_refuses_is_refused_with_its_place(
    changes: dict[str, object], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        frames.from_aliexpress(records(**changes))


def test_missing_and_misnamed_columns_name_the_closest() -> None:
    table = records().drop(columns=["gmt_create"])
    with pytest.raises(ColumnError, match=r"records has no column 'gmt_create'"):
        frames.from_aliexpress(table)
    with pytest.raises(ColumnError, match=r"records has no column 'freight_commit_day'"):
        frames.from_aliexpress(records().drop(columns=["freight_commit_day"]))
    read = frames.from_aliexpress(records().drop(columns=["freight_commit_day"]), protection_days=60)
    assert read.loc[0, "protection_days"] == 60
    with pytest.raises(ColumnError, match=r"looks like 'gmt_send'"):
        frames.from_aliexpress(records().rename(columns={"gmt_send": "gmt_sent"}))


def test_the_repeated_hour_is_read_as_the_caller_says() -> None:
    earlier = frames.from_aliexpress(records(over_time_left="2024-11-03 01:30:00"), repeated_hour="earlier")
    later = frames.from_aliexpress(records(over_time_left="2024-11-03 01:30:00"), repeated_hour="later")
    assert str(earlier.loc[0, "over_time_left"]) == "2024-11-03 08:30:00+00:00"
    assert str(later.loc[0, "over_time_left"]) == "2024-11-03 09:30:00+00:00"


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"gmt_send": "2024-04-31 10:00:00"}, InvalidValueError, r"gmt_send='2024-04-31 10:00:00' is not a real"),
        ({"over_time_left": "2024-02-30 00:00:00"}, InvalidValueError, r"is not a real AliExpress time"),
        ({"gmt_create": "2023-02-29 00:00:00"}, InvalidValueError, r"is not a real AliExpress time"),
        ({"gmt_create": "2024-02-24 15:00:60"}, InvalidValueError, r"is not a real AliExpress time"),
        ({"gmt_create": "２０２４-02-24 15:00:51"}, InvalidValueError, r"is not a real AliExpress time"),
        ({"gmt_create": "²⁰²⁴-02-24 15:00:51"}, InvalidValueError, r"is not a real AliExpress time"),  # was ValueError
        ({"freight_commit_day": "²"}, InvalidValueError, r"freight_commit_day='²' must be a whole number"),
        ({"freight_commit_day": 10**10}, InvalidValueError, r"freight_commit_day=10000000000 must be a whole"),
        ({"order_id": 0}, InvalidValueError, r"id=0 is not an order number"),
        ({"order_id": "  "}, MissingFactError, r"id is missing"),
        ({"order_id": 8012.0}, ColumnError, r"holds double: give order numbers as whole numbers or as text"),
        ({"gmt_send": "2024-02-20 10:00:00"}, InvalidValueError, r"row 0 of records .* shipped_at is before placed_at"),
        ({"gmt_create": ""}, MissingFactError, r"gmt_create is missing"),
    ],
)
def test_what_the_scalar_reader_refuses_the_table_refuses(
    changes: dict[str, object], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        frames.from_aliexpress(records(**changes))


def test_empty_texts_are_no_value_and_ids_lose_their_spaces_as_in_the_scalar_reader() -> None:
    read = frames.from_aliexpress(
        records(order_id=" 8012 ", over_time_left="", receive_status="", logistics_service_name="", issue_status="")
    )
    assert read.loc[0, "id"] == "8012"
    assert pd.isna(read.loc[0, "over_time_left"])
    assert read.loc[0, "carrier"] is None or pd.isna(read.loc[0, "carrier"])
    # a garbage gmt_trade_end is read only when the order ended by the buyer's confirmation
    assert len(frames.from_aliexpress(records(gmt_trade_end="garbage"))) == 1


def test_bad_arguments_are_refused_with_the_library_s_error() -> None:
    with pytest.raises(InvalidValueError, match=r"columns=\{'id': 5\} must map field names to column names"):
        frames.from_aliexpress(records(), columns={"id": 5})  # type: ignore[dict-item]
    with pytest.raises(InvalidValueError, match=r"extra=\[5\] must be a list of column names"):
        frames.from_aliexpress(records(), extra=[5])  # type: ignore[list-item]
    with pytest.raises(InvalidValueError, match=r"columns='x' must map"):
        frames.from_aliexpress(records(), columns="x")  # type: ignore[arg-type]
