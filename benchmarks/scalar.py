"""How aliprotect's scalar path compares with what a careful user would write by hand.

Run it from the repository root, with aliprotect installed:

    python benchmarks/scalar.py

Each figure is a ratio against a baseline measured in the same run, alternating the two in
rounds and keeping the best time of each (so a busy machine slows both alike):

- one order's ``timeline()`` (with one extension) against the same five deadlines written
  with ``datetime``, ``zoneinfo`` and ``timedelta`` (checked equal first);
- ``from_json`` of an order against ``to_json`` of it;
- ``import aliprotect`` against ``import pendulum, attrs``, and the command line's
  ``timeline`` against the same, in fresh processes.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pendulum

import aliprotect

ROUNDS = 15
PARIS = "Europe/Paris"
RULES = aliprotect.rulebook("2025.2")
ORDER = aliprotect.Order(
    id="8012345678901234",
    placed_at=pendulum.datetime(2025, 3, 1, 10, tz=PARIS),
    shipped_at=pendulum.datetime(2025, 3, 3, 18, tz=PARIS),
    protection_days=60,
    extensions=(aliprotect.Extension(granted_at=pendulum.datetime(2025, 4, 20, 9, tz=PARIS), days=15),),
)


# --- the baseline: the same deadlines by hand, exact across DST (as pendulum reads wall times) ---


def _wall(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A wall-clock time in ``zone``: a skipped one moves forward by the gap, a repeated one is its second pass."""
    second = wall.replace(tzinfo=zone, fold=1)
    first_offset, second_offset = wall.replace(tzinfo=zone, fold=0).utcoffset(), second.utcoffset()
    if first_offset is not None and second_offset is not None and second_offset > first_offset:
        return (wall + (second_offset - first_offset)).replace(tzinfo=zone)
    return second


def _add_days(instant: dt.datetime, days: int) -> dt.datetime:
    assert instant.tzinfo is not None
    return _wall(instant.replace(tzinfo=None, fold=0) + dt.timedelta(days=days), instant.tzinfo)


def by_hand(shipped: dt.datetime, protection_days: int, extension_days: int) -> tuple[dt.datetime, ...]:
    """dispute_opens, open_by_recommended, protection_ends, completed, dispute_closes (rulebook 2025.2)."""
    assert shipped.tzinfo is not None
    day = shipped.date() + dt.timedelta(days=6)
    opens = _wall(dt.datetime(day.year, day.month, day.day), shipped.tzinfo)
    ends = _add_days(shipped, protection_days + extension_days)
    return opens, _add_days(ends, -10), ends, ends, _add_days(ends, 15)


SHIPPED = dt.datetime(2025, 3, 3, 18, tzinfo=ZoneInfo(PARIS))


def _check_the_baseline_agrees() -> None:
    ours = [deadline.at for deadline in aliprotect.timeline(ORDER, rules=RULES)]
    theirs = by_hand(SHIPPED, 60, 15)
    assert [a.isoformat() for a in ours] == [b.isoformat() for b in theirs], (ours, theirs)


# --- measuring ---------------------------------------------------------------------------


def _per_call(function: Callable[[], object], number: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=3)) / number


def ratio(ours: Callable[[], object], baseline: Callable[[], object], number: int) -> tuple[float, float, float]:
    """The best time per call of each, alternating them in rounds, and their ratio."""
    mine, theirs = [], []
    for _ in range(ROUNDS):
        mine.append(_per_call(ours, number))
        theirs.append(_per_call(baseline, number))
    return min(mine), min(theirs), min(mine) / min(theirs)


def _process(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def process_ratio(ours: str, baseline: str) -> tuple[float, float, float]:
    mine, theirs = [], []
    for _ in range(ROUNDS):
        mine.append(_process(ours))
        theirs.append(_process(baseline))
    return min(mine), min(theirs), min(mine) / min(theirs)


def main() -> None:
    _check_the_baseline_agrees()
    text = aliprotect.to_json(ORDER)
    rows = [
        (
            "timeline() of one order / the same by hand",
            *ratio(lambda: aliprotect.timeline(ORDER, rules=RULES), lambda: by_hand(SHIPPED, 60, 15), 2000),
            3.0,
        ),
        (
            "from_json of an order / to_json of it",
            *ratio(lambda: aliprotect.from_json(text), lambda: aliprotect.to_json(ORDER), 2000),
            3.0,
        ),
        (
            "import aliprotect / import pendulum, attrs",
            *process_ratio("import aliprotect", "import pendulum, attrs"),
            1.2,
        ),
        (
            "aliprotect timeline / import pendulum, attrs",
            *process_ratio(
                "from aliprotect.cli import main; main(['timeline', '--placed', '2025-03-01T10:00:00[Europe/Paris]', "
                "'--shipped', '2025-03-03T18:00:00[Europe/Paris]'])",
                "import pendulum, attrs",
            ),
            1.3,
        ),
    ]
    print(f"{'what':48} {'ours':>10} {'baseline':>10} {'ratio':>7} {'target':>7}")
    for what, ours, baseline, times, target in rows:
        unit, scale = ("ms", 1e3) if ours > 1e-3 else ("us", 1e6)
        print(
            f"{what:48} {ours * scale:8.1f}{unit} {baseline * scale:8.1f}{unit} {times:6.2f}x {target:6.1f}x"
            f"{'' if times <= target else '  (over)'}"
        )


if __name__ == "__main__":
    main()
