"""Past one machine, on Spark: ``mapInArrow`` over a local Spark session gives the
single-machine answer. Run by ``.ci/run`` when a JVM is present (``ALIPROTECT_SPARK=1``,
with pyspark installed); see CONTRIBUTING.md."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pyarrow as pa
import pytest
from pyspark.sql import SparkSession
from pyspark.sql.pandas.types import from_arrow_schema

import aliprotect
from aliprotect import frames

RULES = aliprotect.rulebook("2025.1")

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


def test_map_in_arrow_on_a_local_spark_session_gives_the_single_machine_answer() -> None:
    rules = RULES

    def answer_each(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        # defined here, so that Spark's workers get it by value: they cannot import the tests
        for batch in batches:
            yield from frames.timelines(pa.Table.from_batches([batch]), rules=rules).to_batches()

    orders = pd.DataFrame(
        {
            "id": [f"S{index}" for index in range(400)],
            "placed_at": pd.date_range("2024-10-20 09:00", periods=400, freq="7h", tz="UTC"),
            "shipped_at": pd.date_range("2024-10-21 17:30", periods=400, freq="7h", tz="UTC"),
            "protection_days": [60, 75, 90, 60] * 100,
            "zone": ["Europe/Paris", "Asia/Tokyo", "America/New_York", "Australia/Lord_Howe"] * 100,
        }
    )
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    try:
        empty = frames.timelines(pa.Table.from_pandas(orders.iloc[:0], preserve_index=False), rules=RULES)
        spread = spark.createDataFrame(orders).repartition(3)
        answer = spread.mapInArrow(answer_each, schema=from_arrow_schema(empty.schema)).toArrow()
    finally:
        spark.stop()
    expected = frames.timelines(pa.Table.from_pandas(orders, preserve_index=False), rules=RULES)
    got = answer.sort_by("id").select(expected.column_names)
    want = expected.sort_by("id")
    for name in ("dispute_opens", "open_by_recommended", "protection_ends", "completed", "dispute_closes"):
        assert got[name].cast(pa.int64()).to_pylist() == want[name].cast(pa.int64()).to_pylist(), name
