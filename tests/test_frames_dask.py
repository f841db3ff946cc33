"""Past one machine: the same functions over a Dask dataframe, on a local cluster of two
worker processes, with no scheduler of aliprotect's own (``map_partitions``)."""

from __future__ import annotations

import dask.dataframe as dd
import distributed
import numpy as np
import pandas as pd
import pendulum

import aliprotect
from aliprotect import frames

RULES = aliprotect.rulebook("2025.1")
ZONES = ("Europe/Paris", "America/New_York", "Asia/Shanghai", "Australia/Lord_Howe", "UTC")


def orders(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    shipped = pd.Timestamp("2024-01-01", tz="UTC").value // 1000 + rng.integers(0, 2 * 365 * 86_400 * 10**6, rows)
    received = shipped + rng.integers(5 * 86_400 * 10**6, 90 * 86_400 * 10**6, rows)
    return pd.DataFrame(
        {
            "id": [f"D{index}" for index in range(rows)],
            "placed_at": pd.to_datetime(shipped - 86_400 * 10**6, unit="us", utc=True),
            "shipped_at": pd.to_datetime(shipped, unit="us", utc=True),
            "protection_days": rng.choice(np.array([60, 75, 90]), rows),
            "received_at": pd.Series(pd.to_datetime(received, unit="us", utc=True)).where(rng.random(rows) < 0.3),
            "zone": rng.choice(np.array(ZONES), rows),
        }
    )


def test_a_dask_dataframe_on_two_workers_gives_the_single_machine_answer() -> None:
    table = orders(20_000)
    at = pendulum.datetime(2025, 1, 15, tz="UTC")
    early = table[table["placed_at"] <= pd.Timestamp(at)]
    spread = dd.from_pandas(table, npartitions=6)
    spread_early = dd.from_pandas(early, npartitions=6)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster),
    ):
        timelines = spread.map_partitions(
            frames.timelines, rules=RULES, meta=frames.timelines(table.iloc[:0], rules=RULES)
        ).compute()
        actions = spread_early.map_partitions(
            frames.next_actions, at=at, rules=RULES, meta=frames.next_actions(early.iloc[:0], at=at, rules=RULES)
        ).compute()
    pd.testing.assert_frame_equal(timelines, frames.timelines(table, rules=RULES), check_dtype=False)
    pd.testing.assert_frame_equal(actions, frames.next_actions(early, at=at, rules=RULES), check_dtype=False)
    assert timelines["dispute_closes"].notna().all()
