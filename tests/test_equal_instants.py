"""The comparisons at the equal instant, each decided and documented (docs: "At the very same
instant", in How days are counted), for the scalar functions and for tables alike."""

from __future__ import annotations

import pendulum
import pytest

import aliprotect
from aliprotect import Extension, Order

PARIS = "Europe/Paris"
SHIPPED = pendulum.datetime(2025, 3, 3, 18, tz=PARIS)
LATEST = aliprotect.rulebook("2025.1")
CUT = aliprotect.rulebook("undated.2")  # 5 days left once the parcel shows as delivered


def order(**fields: object) -> Order:
    return Order(id="E1", placed_at=SHIPPED.subtract(days=1), shipped_at=SHIPPED, **fields)  # type: ignore[arg-type]


def names(timeline: aliprotect.Timeline) -> list[str]:
    return [deadline.name for deadline in timeline]


def frames_timeline(found: Order, rules: aliprotect.Rulebook) -> dict[str, object]:
    pa = pytest.importorskip("pyarrow")
    frames = pytest.importorskip("aliprotect.frames")

    def column(value: pendulum.DateTime | None) -> object:
        micros = None if value is None else int(value.timestamp() * 1_000_000)
        return pa.array([micros], type=pa.int64()).cast(pa.timestamp("us", PARIS))

    table = pa.table(
        {
            "id": [found.id],
            "placed_at": column(found.placed_at),
            "shipped_at": column(found.shipped_at),
            "received_at": column(found.received_at),
            "delivered_at": column(found.delivered_at),
            "protection_days": [found.protection_days],
            "promised_days": pa.array([found.promised_days], type=pa.int64()),
        }
    )
    extensions = None
    if found.extensions:
        extensions = pa.table(
            {
                "id": [found.id] * len(found.extensions),
                "granted_at": pa.array(
                    [int(e.granted_at.timestamp() * 1_000_000) for e in found.extensions], type=pa.int64()
                ).cast(pa.timestamp("us", PARIS)),
                "days": [e.days for e in found.extensions],
            }
        )
    return frames.timelines(table, rules=rules, extensions=extensions).to_pylist()[0]  # type: ignore[no-any-return]


def test_receipt_at_the_very_end_of_protection_completes_by_the_timer() -> None:
    # C7: the earlier of receipt and the timer's end; at the same instant receipt is not earlier
    end = SHIPPED.add(days=60)
    at_end = order(protection_days=60, received_at=end)
    timeline = aliprotect.timeline(at_end, rules=LATEST)
    assert "protection_ends" in names(timeline)
    completed = timeline.get("completed")
    assert completed is not None
    assert completed.rule_ids == ("protection.expiry_completes", "escrow.release")
    just_before = aliprotect.timeline(order(protection_days=60, received_at=end.subtract(microseconds=1)), rules=LATEST)
    assert "protection_ends" not in names(just_before)
    assert frames_timeline(at_end, LATEST)["protection_ends"] == end
    assert (
        frames_timeline(order(protection_days=60, received_at=end.subtract(microseconds=1)), LATEST)["protection_ends"]
        is None
    )


def test_delivery_at_the_very_end_of_the_timer_cuts_nothing() -> None:
    # (whether this comparison is < or <= gives the same end: 5 days after the end is later than the
    # end, and no extension can follow it; the test pins the answer, not the comparison)
    timer_end = SHIPPED.add(days=60)
    at_end = order(promised_days=30, protection_days=60, delivered_at=timer_end)
    assert aliprotect.protection_end(at_end, rules=CUT).at == timer_end
    just_before = order(promised_days=30, protection_days=60, delivered_at=timer_end.subtract(seconds=1))
    assert aliprotect.protection_end(just_before, rules=CUT).at == timer_end  # 5 days after is later: no cut
    early = order(promised_days=30, protection_days=60, delivered_at=SHIPPED.add(days=20))
    assert aliprotect.protection_end(early, rules=CUT).at == SHIPPED.add(days=25)
    assert frames_timeline(at_end, CUT)["protection_ends"] == timer_end


def test_an_extension_granted_at_the_very_instant_of_delivery_counts_as_granted_after_it() -> None:
    delivered = SHIPPED.add(days=20)
    at_delivery = order(
        promised_days=30,
        protection_days=60,
        delivered_at=delivered,
        extensions=(Extension(granted_at=delivered, days=10),),
    )
    # after the delivery: its days add to the 5 days left (20 + 5 + 10), rather than to a timer the cut replaced
    assert aliprotect.protection_end(at_delivery, rules=CUT).at == delivered.add(days=15)
    before = order(
        promised_days=30,
        protection_days=60,
        delivered_at=delivered,
        extensions=(Extension(granted_at=delivered.subtract(seconds=1), days=10),),
    )
    assert aliprotect.protection_end(before, rules=CUT).at == delivered.add(days=5)
    assert frames_timeline(at_delivery, CUT)["protection_ends"] == delivered.add(days=15)
    assert frames_timeline(before, CUT)["protection_ends"] == delivered.add(days=5)


def test_advice_to_open_by_the_very_last_chance_is_not_given() -> None:
    # rulebook 2021.1: the window shuts 15 days after the promised delivery; open-by is 10 days before
    # protection ends: with 55 days of protection and 30 promised, both fall on 17 April 18:00
    rules = aliprotect.rulebook("2021.1")
    equal = order(protection_days=55, promised_days=30)
    timeline = aliprotect.timeline(equal, rules=rules)
    closes = timeline.get("dispute_closes")
    assert closes is not None
    assert closes.at == SHIPPED.add(days=45)
    assert "open_by_recommended" not in names(timeline)  # advice past the last chance is no advice
    earlier = aliprotect.timeline(order(protection_days=54, promised_days=30), rules=rules)
    recommended = earlier.get("open_by_recommended")
    assert recommended is not None
    assert recommended.at == SHIPPED.add(days=44)
    assert frames_timeline(equal, rules)["open_by_recommended"] is None
    assert frames_timeline(order(protection_days=54, promised_days=30), rules)["open_by_recommended"] == SHIPPED.add(
        days=44
    )
