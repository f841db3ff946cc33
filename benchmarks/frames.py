"""How aliprotect's columnar engine compares with hand-written pandas, and with a loop.

Run it from the repository root, with ``aliprotect[frames]`` and pandas installed:

    python benchmarks/frames.py            # 1,000,000 orders
    python benchmarks/frames.py 100000     # another size

It builds a table of orders (shipped in 2023-2026, in five zones, a third of them received)
and prints, as ratios against baselines measured in the same run (the best of a few rounds,
alternating the two):

- ``frames.timelines`` against an exact hand-written per-zone pandas computation of the
  same five deadlines under rulebook 2025.2 (checked equal to it first);
- ``frames.timelines`` against looping over ``aliprotect.timeline()`` (on a sample of the
  table, per order);
- the peak memory of a fresh process that builds the table and answers it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import pendulum

import aliprotect
from aliprotect import frames

RULES = aliprotect.rulebook("2025.2")
ZONES = ("Europe/Paris", "America/New_York", "Asia/Shanghai", "America/Sao_Paulo", "UTC")
ROUNDS = 3
SAMPLE = 5_000


def orders(rows: int, seed: int = 2025) -> pd.DataFrame:
    """``rows`` orders in the five zones, their instants in UTC and a zone column."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01", tz="UTC").value // 1000
    span = 4 * 365 * 86_400 * 1_000_000
    shipped = start + rng.integers(0, span, rows)
    placed = shipped - rng.integers(0, 5 * 86_400 * 1_000_000, rows)
    received = shipped + rng.integers(5 * 86_400 * 1_000_000, 80 * 86_400 * 1_000_000, rows)
    has_received = rng.random(rows) < 0.33

    def instants(values: np.ndarray, valid: np.ndarray | None = None) -> pd.Series:
        series = pd.Series(pd.to_datetime(values, unit="us", utc=True))
        return series.where(valid) if valid is not None else series

    return pd.DataFrame(
        {
            "id": pd.Series(np.arange(rows)).astype(str),
            "placed_at": instants(placed),
            "shipped_at": instants(shipped),
            "protection_days": rng.choice(np.array([60, 75, 90]), rows),
            "received_at": instants(received, has_received),
            "zone": pd.Categorical(rng.choice(np.array(ZONES), rows)),
        }
    )


def by_hand(table: pd.DataFrame) -> pd.DataFrame:
    """The five deadlines of rulebook 2025.2, zone by zone, as a careful pandas user writes them.

    Exact across DST for these zones (their changes are one hour): a skipped wall time moves
    forward by the gap and a repeated one is its second pass, as pendulum reads them.
    """
    parts = []
    for zone, part in table.groupby("zone", observed=True):

        def local(wall: pd.Series, zone: str = str(zone)) -> pd.Series:
            return wall.dt.tz_localize(zone, ambiguous=np.zeros(len(wall), dtype=bool), nonexistent=pd.Timedelta("1h"))

        shipped = part["shipped_at"].dt.tz_convert(zone).dt.tz_localize(None)
        days = pd.to_timedelta(part["protection_days"], unit="D")
        ends = local(shipped + days).dt.tz_convert("UTC")
        received = part["received_at"]
        receipt = received.notna() & (received < ends)
        completed = ends.where(~receipt, received)
        closes = local(completed.dt.tz_convert(zone).dt.tz_localize(None) + pd.Timedelta(days=15))
        advised = local(ends.dt.tz_convert(zone).dt.tz_localize(None) - pd.Timedelta(days=10)).dt.tz_convert("UTC")
        parts.append(
            pd.DataFrame(
                {
                    "dispute_opens": local(shipped.dt.normalize() + pd.Timedelta(days=6)).dt.tz_convert("UTC"),
                    "open_by_recommended": advised.where(~receipt & (advised < closes)),
                    "protection_ends": ends.where(~receipt),
                    "completed": completed,
                    "dispute_closes": closes.dt.tz_convert("UTC"),
                },
                index=part.index,
            )
        )
    return table.join(pd.concat(parts))


def ours(table: pd.DataFrame) -> pd.DataFrame:
    return frames.timelines(table, rules=RULES)


def best(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def race(first: Callable[[], object], second: Callable[[], object]) -> tuple[float, float]:
    """The best time of each, alternating them in rounds."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(ROUNDS):
        times[0].append(best(first))
        times[1].append(best(second))
    return min(times[0]), min(times[1])


def _check_the_baseline_agrees(table: pd.DataFrame) -> None:
    mine, theirs = ours(table), by_hand(table)
    for name in ("dispute_opens", "open_by_recommended", "protection_ends", "completed", "dispute_closes"):
        left = mine[name].astype("datetime64[us, UTC]")
        right = theirs[name].astype("datetime64[us, UTC]")
        assert left.equals(right), name


def _loop(table: pd.DataFrame) -> Callable[[], object]:
    sample = table.head(SAMPLE)
    order_values = [
        aliprotect.Order(
            id=row.id,
            placed_at=pendulum.instance(row.placed_at.to_pydatetime()).in_timezone(row.zone),
            shipped_at=pendulum.instance(row.shipped_at.to_pydatetime()).in_timezone(row.zone),
            protection_days=int(row.protection_days),
            received_at=None
            if pd.isna(row.received_at)
            else pendulum.instance(row.received_at.to_pydatetime()).in_timezone(row.zone),
        )
        for row in sample.itertuples()
    ]
    return lambda: [aliprotect.timeline(order, rules=RULES) for order in order_values]


def peak_memory(rows: int) -> float:
    """The peak memory, in MB, of a fresh process that builds the table and answers it."""
    code = (
        "import resource, sys; sys.path.insert(0, 'benchmarks'); import frames as bench; "
        f"table = bench.orders({rows}); bench.ours(table); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1]) / 1024


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    table = orders(rows)
    _check_the_baseline_agrees(table.head(50_000))
    engine, pandas = race(lambda: ours(table), lambda: by_hand(table))
    loop = best(_loop(table)) / SAMPLE * rows
    memory = peak_memory(rows)
    print(f"{rows:,} orders, five zones, rulebook 2025.2 (best of {ROUNDS})")
    print(f"{'what':52} {'ours':>9} {'baseline':>9} {'ratio':>8} {'target':>8}")
    row("frames.timelines / exact per-zone pandas by hand", engine, pandas, f"{engine / pandas:7.2f}x", "<= 3")
    row("a loop of timeline() / frames.timelines", loop, engine, f"{loop / engine:7.0f}x", ">= 100")
    print(f"{'peak memory of a process doing it (MB)':52} {memory:8.0f}  {'':9} {'':8} {'< 1024':>8}")


def row(what: str, ours: float, baseline: float, ratio: str, target: str) -> None:
    print(f"{what:52} {ours:8.2f}s {baseline:8.2f}s {ratio:>8} {target:>8}")


if __name__ == "__main__":
    main()
