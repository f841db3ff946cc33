"""How long ``aliprotect check`` takes on a large CSV file, and how much memory it needs.

Run it from the repository root, with ``aliprotect[frames]`` installed:

    python benchmarks/check.py            # 1,000,000 rows
    python benchmarks/check.py 200000     # another size

It writes a store's order history as a CSV file (two years of orders in five zones, each
instant with its offset, a third of them received, an amount on each) and times
``aliprotect check FILE --at ...`` in a fresh process, with the columnar engine and, on a
tenth of the rows, one order at a time (the plain install's path), and prints the peak
memory of the process.
"""

from __future__ import annotations

import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ZONES = ("Europe/Paris", "America/New_York", "Asia/Shanghai", "America/Sao_Paulo", "UTC")
AT = "2026-01-01T09:00:00+01:00"


def write(path: Path, rows: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    placed = start + pd.to_timedelta(rng.integers(0, 730 * 86_400, rows), unit="s")
    shipped = placed + pd.to_timedelta(rng.integers(3_600, 5 * 86_400, rows), unit="s")
    received = shipped + pd.to_timedelta(rng.integers(5 * 86_400, 60 * 86_400, rows), unit="s")
    zone = rng.choice(np.array(ZONES), rows)
    has_received = rng.random(rows) < 0.33
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "placed_at", "shipped_at", "received_at", "protection_days", "amount", "currency"])
        for name in ZONES:
            chosen = np.flatnonzero(zone == name)
            local = [series[chosen].tz_convert(name) for series in (placed, shipped, received)]
            texts = [[moment.isoformat() for moment in series] for series in local]
            for position, index in enumerate(chosen):
                writer.writerow(
                    [
                        f"80{index:014d}",
                        texts[0][position],
                        texts[1][position],
                        texts[2][position] if has_received[index] else "",
                        60,
                        "19.90",
                        "USD",
                    ]
                )


def run(path: Path, *, fast: bool) -> float:
    code = (
        "import sys; from unittest import mock; from aliprotect import _cli_check, cli\n"
        + ("" if fast else "mock.patch.object(_cli_check, 'fast_engine', return_value=None).start()\n")
        + f"sys.exit(cli.main(['check', {str(path)!r}, '--at', {AT!r}], out=open('/dev/null', 'w')))"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder) / "orders.csv", Path(folder) / "tenth.csv"
        write(big, rows)
        write(small, rows // 10)
        fast = run(big, fast=True)
        memory = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        scalar = run(small, fast=False) * 10
    print(f"aliprotect check of {rows:,} CSV rows (five zones, two years of orders, at {AT})")
    print(f"{'columnar engine (the frames extra)':44} {fast:7.1f} s   target < 15 s")
    print(f"{'one order at a time (plain install), scaled':44} {scalar:7.1f} s   ratio {scalar / fast:.1f}x")
    print(f"{'peak memory of the columnar run':44} {memory:7.0f} MB  target < 1024 MB")


if __name__ == "__main__":
    main()
