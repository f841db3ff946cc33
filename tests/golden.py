"""Golden snapshots: a fixed corpus of orders and disputes, and every answer the library gives about them.

For every published rulebook, each order's timeline, ``can_open_dispute`` and ``can_cancel`` at chosen
instants, each dispute's status at chosen instants, and ``next_actions`` for a buyer and a dropshipper
are written as readable JSON under ``tests/snapshots/<version>/``. ``tests/test_golden.py`` compares
the library's answers with them, so a change of any answer shows as a reviewable diff.

Regenerate them, after a change that is meant to change answers, with::

    python tests/golden.py

and review the diff (``git diff tests/snapshots``) before committing it.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import sys
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pendulum

import aliprotect
from aliprotect import Claim, ClaimKind, Extension, Location, Money, Order, Resolution, Role, Tracking, TrackingEvent

SNAPSHOTS = pathlib.Path(__file__).parent / "snapshots"

# Zones from UTC-11 to UTC+14, both hemispheres' daylight saving, odd offsets, a fixed offset.
ZONES = (
    "Pacific/Pago_Pago",  # UTC-11
    "America/Los_Angeles",  # US DST
    "America/Sao_Paulo",
    "UTC",
    "Europe/Paris",  # EU DST
    "Asia/Shanghai",
    "Asia/Kolkata",  # +05:30
    "Australia/Sydney",  # southern DST
    "Pacific/Chatham",  # +12:45 / +13:45
    "Pacific/Kiritimati",  # UTC+14
    "-05:00",  # a fixed offset
)

CARRIERS = (None, "EMS", "DHL", "China Post", "SF", "FedEx", "HK Post", "UPS", "TNT")


def _zone(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    if name.startswith(("+", "-")):
        sign = -1 if name[0] == "-" else 1
        hours, minutes = name[1:].split(":")
        return pendulum.FixedTimezone(sign * (int(hours) * 3600 + int(minutes) * 60))
    return pendulum.timezone(name)


def _at(zone: str, *args: int, fold: int = 0) -> pendulum.DateTime:
    return pendulum.DateTime(*args, tzinfo=_zone(zone), fold=fold)  # type: ignore[arg-type]


def _shipping_instants() -> list[tuple[str, pendulum.DateTime]]:
    """Shipping instants at the edges of the calendar and of daylight saving."""
    return [
        ("us-spring-forward", _at("America/Los_Angeles", 2025, 3, 8, 1, 30)),
        ("us-repeated-hour-first", _at("America/Los_Angeles", 2025, 11, 2, 1, 30, fold=0)),
        ("us-repeated-hour-second", _at("America/Los_Angeles", 2025, 11, 2, 1, 30, fold=1)),
        ("eu-spring-forward", _at("Europe/Paris", 2025, 3, 29, 2, 30)),
        ("eu-fall-back", _at("Europe/Paris", 2025, 10, 25, 23, 0)),
        ("sydney-fall-back", _at("Australia/Sydney", 2025, 4, 5, 12, 0)),
        ("sydney-spring-forward", _at("Australia/Sydney", 2025, 10, 4, 20, 0)),
        ("chatham-dst", _at("Pacific/Chatham", 2025, 9, 27, 3, 0)),
        ("leap-day", _at("Asia/Shanghai", 2024, 2, 29, 23, 59, 59)),
        ("before-leap-day", _at("UTC", 2024, 1, 31, 0, 0)),
        ("month-end-jan", _at("Europe/Paris", 2025, 1, 31, 22, 15)),
        ("month-end-apr", _at("Asia/Kolkata", 2025, 4, 30, 23, 30)),
        ("year-end", _at("Pacific/Kiritimati", 2024, 12, 31, 23, 30)),
        ("year-end-west", _at("Pacific/Pago_Pago", 2024, 12, 31, 23, 30)),
        ("midnight", _at("America/Sao_Paulo", 2025, 6, 1, 0, 0)),
        ("fixed-offset", _at("-05:00", 2025, 7, 15, 12, 0)),
    ]


def _tracking(order_id: str, shipped: pendulum.DateTime, last: Location, after_days: int) -> Tracking:
    """A tracking that moves from the seller's country and ends at ``last`` after ``after_days`` days."""
    events = [TrackingEvent(at=shipped.add(hours=10), where=Location.ORIGIN_COUNTRY, text="accepted")]
    if last is not Location.ORIGIN_COUNTRY:
        events.append(TrackingEvent(at=shipped.add(days=after_days), where=last, text=last.value))
    return Tracking(number=f"LP{order_id}", provided_at=shipped.add(hours=2), events=events)


def corpus() -> list[tuple[Order, Tracking | None]]:
    """At least 60 orders, each with its tracking when it has one. Built from fixed instants: no randomness."""
    orders: list[tuple[Order, Tracking | None]] = []

    def add(order: Order, tracking: Tracking | None = None) -> None:
        orders.append((order, tracking))

    # 1. Every edge instant, shipped a day and a half after placing, plain 60-day protection.
    for index, (name, shipped) in enumerate(_shipping_instants()):
        add(
            Order(
                id=f"edge-{name}",
                placed_at=shipped.subtract(hours=36),
                shipped_at=shipped,
                protection_days=60,
                carrier=CARRIERS[index % len(CARRIERS)],
                promised_days=(3, 4, 5, 6, 20, 30, 45)[index % 7],
                amount=Money("19.99", "USD"),
            )
        )

    # 2. Every zone: one order not shipped, one shipped with each carrier group, one received early.
    for index, zone in enumerate(ZONES):
        placed = _at(zone, 2025, 2, 10 + index, 9, 45)
        shipped = placed.add(days=2, hours=3)
        add(Order(id=f"unshipped-{index}", placed_at=placed, protection_days=60))
        add(
            Order(
                id=f"zone-{index}",
                placed_at=placed,
                shipped_at=shipped,
                protection_days=(60, 90, 45, 30, 75)[index % 5],
                carrier=("EMS", "DHL", "China Post")[index % 3],
                promised_days=(4, 5, 6, 12, 20, 25)[index % 6],
                amount=Money("42.00", "EUR"),
            )
        )
        add(
            Order(
                id=f"received-{index}",
                placed_at=placed,
                shipped_at=shipped,
                received_at=shipped.add(days=18 + index, hours=5),
                protection_days=60,
                carrier=("SF", "UPS", "HK Post")[index % 3],
                promised_days=(5, 20)[index % 2],
                amount=Money("7.50", "CNY"),
            )
        )

    # 3. Promised delivery times on both sides of every condition (at once if <= 4 or <= 5 days;
    #    the promised time's end inside and outside the window), with tracking in transit.
    for days in (1, 4, 5, 6, 10, 11, 25, 60):
        shipped = _at("Asia/Shanghai", 2025, 5, 5, 16, 20)
        order = Order(
            id=f"promised-{days}",
            placed_at=shipped.subtract(days=1),
            shipped_at=shipped,
            protection_days=60,
            carrier="EMS",
            promised_days=days,
            amount=Money("12.00", "USD"),
        )
        add(order, _tracking(order.id, shipped, Location.IN_TRANSIT, 3))

    # 4. Extensions before and after delivery, delivered and received orders, and every tracking place.
    paris = "Europe/Paris"
    shipped = _at(paris, 2025, 3, 3, 18, 0)
    base = {"placed_at": _at(paris, 2025, 3, 1, 10), "shipped_at": shipped, "carrier": "China Post"}
    add(
        Order(
            id="ext-one",
            protection_days=60,
            promised_days=20,
            extensions=[Extension(granted_at=_at(paris, 2025, 4, 20), days=15)],
            **base,
        )
    )
    add(
        Order(
            id="ext-two",
            protection_days=60,
            promised_days=20,
            extensions=[
                Extension(granted_at=_at(paris, 2025, 4, 20), days=15),
                Extension(granted_at=_at(paris, 2025, 5, 10), days=10),
            ],
            **base,
        )
    )
    add(
        Order(
            id="delivered-then-extended",
            protection_days=60,
            promised_days=20,
            delivered_at=_at(paris, 2025, 3, 25, 11),
            extensions=[Extension(granted_at=_at(paris, 2025, 3, 27), days=7)],
            **base,
        )
    )
    add(
        Order(
            id="extended-then-delivered",
            protection_days=60,
            promised_days=20,
            extensions=[Extension(granted_at=_at(paris, 2025, 3, 20), days=7)],
            delivered_at=_at(paris, 2025, 3, 25, 11),
            **base,
        )
    )
    add(
        Order(
            id="delivered-late",
            protection_days=30,
            promised_days=20,
            delivered_at=_at(paris, 2025, 4, 10, 9),
            **base,
        )
    )
    add(
        Order(
            id="delivered-and-received",
            protection_days=60,
            promised_days=20,
            delivered_at=_at(paris, 2025, 3, 25, 11),
            received_at=_at(paris, 2025, 3, 26, 20),
            amount=Money("33.30", "EUR"),
            **base,
        )
    )
    add(
        Order(
            id="received-after-extension",
            protection_days=60,
            promised_days=20,
            extensions=[Extension(granted_at=_at(paris, 2025, 4, 28), days=20)],
            received_at=_at(paris, 2025, 5, 10, 8),
            **base,
        )
    )
    places = (
        Location.ORIGIN_COUNTRY,
        Location.DESTINATION_CUSTOMS,
        Location.LOCAL_POST_OFFICE,
        Location.RETURNED_TO_SENDER,
        Location.NO_INFORMATION,
    )
    for place in places:
        order = Order(id=f"track-{place.value}", protection_days=45, promised_days=15, **base)
        add(order, _tracking(order.id, shipped, place, 9))
    empty = Order(id="track-empty", protection_days=45, promised_days=15, **base)
    add(empty, Tracking(number="LPempty", provided_at=shipped.add(days=1)))
    delivered_tracking = Order(
        id="track-delivered",
        protection_days=60,
        promised_days=15,
        delivered_at=shipped.add(days=12),
        **base,
    )
    add(delivered_tracking, _tracking(delivered_tracking.id, shipped, Location.DELIVERED, 12))
    return orders


def _probes(order: Order) -> list[pendulum.DateTime]:
    """The instants each order is asked about: before and after shipping, and around each deadline."""
    placed = order.placed_at
    if order.shipped_at is None:
        return [placed, placed.add(hours=20), placed.add(days=40)]
    shipped = order.shipped_at
    probes = [
        placed,
        shipped,
        shipped.add(days=4, hours=23),
        shipped.add(days=10),
        shipped.add(days=20),
        shipped.add(days=55),
        shipped.add(days=200),
    ]
    try:
        with warnings.catch_warnings():  # superseded by 2025.2 (the same numbers); the probes stay where they were
            warnings.simplefilter("ignore", aliprotect.errors.AliprotectDeprecationWarning)
            rules = aliprotect.rulebook("2025.1")
        for deadline in aliprotect.timeline(order, rules=rules).deadlines:
            probes += [deadline.at.subtract(seconds=1), deadline.at]
    except aliprotect.AliprotectError:
        pass
    unique = {p.in_timezone("UTC"): p for p in probes if p.in_timezone("UTC") >= placed.in_timezone("UTC")}
    return [unique[key] for key in sorted(unique)]


# --- projections: answers as plain, readable data ---------------------------------------


def instant(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    zone = value.tzinfo
    if isinstance(zone, pendulum.Timezone) and not isinstance(zone, pendulum.FixedTimezone):
        text += f"[{zone.name}]"
    return text


def money(value: Money | None) -> str | None:
    return None if value is None else f"{value.amount} {value.currency}"


def deadline(value: Any) -> dict[str, Any]:
    return {
        "name": value.name,
        "at": instant(value.at),
        "description": value.description,
        "rule_ids": list(value.rule_ids),
    }


def _deadlines(value: Any) -> list[dict[str, Any]]:
    return [deadline(d) for d in value.deadlines]


def verdict(value: Any) -> dict[str, Any]:
    return {"allowed": value.allowed, "reason": value.reason, "rule_ids": list(value.rule_ids)}


def advice(values: Any) -> list[dict[str, Any]]:
    return [
        {
            "action": item.action.value,
            "text": item.text,
            "by": instant(item.by),
            "urgency": item.urgency.value,
            "rule_ids": list(item.rule_ids),
        }
        for item in values
    ]


def dispute_status(value: Any) -> dict[str, Any]:
    return {
        "stage": value.stage.value,
        "description": value.description,
        "deadlines": [deadline(d) for d in value.deadlines],
        "refund": money(value.refund),
        "offer": money(value.offer),
        "outcome": None if value.outcome is None else value.outcome.value,
        "rule_ids": list(value.rule_ids),
    }


def answer(project: Callable[[Any], Any], question: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """The projected answer of ``question(*args, **kwargs)``, or the library's error: its class and message."""
    try:
        return project(question(*args, **kwargs))
    except aliprotect.AliprotectError as error:
        return {"error": type(error).__name__, "message": str(error)}


# --- the snapshots ------------------------------------------------------------------


def order_snapshot(rules: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for order, tracking in corpus():
        entry: dict[str, Any] = {
            "timeline": answer(_deadlines, aliprotect.timeline, order, rules=rules),
            "at": {},
        }
        for probe in _probes(order):
            asked: dict[str, Any] = {"can_cancel": answer(verdict, aliprotect.can_cancel, order, at=probe, rules=rules)}
            for kind in (ClaimKind.NOT_RECEIVED, ClaimKind.DAMAGED):
                asked[f"can_open_dispute {kind.value}"] = answer(
                    verdict, aliprotect.can_open_dispute, order, kind, at=probe, rules=rules, tracking=tracking
                )
            for role in Role:
                asked[f"next_actions {role.value}"] = answer(
                    advice, aliprotect.next_actions, order, at=probe, rules=rules, tracking=tracking, role=role
                )
            entry["at"][instant(probe)] = asked
        result[order.id] = entry
    return result


# A dispute's story: (day after opening, hour, the step). Each step is a transition.
Step = tuple[int, int, str, dict[str, Any]]

STORIES: dict[str, tuple[Claim, list[Step]]] = {
    "silent-seller": (Claim(kind=ClaimKind.NOT_RECEIVED), [(6, 9, "platform_refunds", {})]),
    "seller-accepts": (
        Claim(kind=ClaimKind.NOT_RECEIVED),
        [(1, 10, "seller_accepts", {}), (3, 10, "platform_refunds", {})],
    ),
    "rejected-then-moderator": (Claim(kind=ClaimKind.DAMAGED), [(2, 8, "seller_rejects", {})]),
    "rude-escalated-buyer-wins": (
        Claim(kind=ClaimKind.NOT_AS_DESCRIBED),
        [
            (1, 8, "seller_rejects", {"rude": True}),
            (4, 12, "buyer_escalates", {}),
            (9, 12, "moderator_decides", {"buyer_wins": True}),
            (11, 9, "platform_refunds", {}),
        ],
    ),
    "escalated-buyer-loses": (
        Claim(kind=ClaimKind.NOT_RECEIVED),
        [
            (2, 8, "seller_rejects", {}),
            (5, 12, "buyer_escalates", {}),
            (9, 12, "moderator_decides", {"buyer_wins": False}),
        ],
    ),
    "offer-accepted": (
        Claim(kind=ClaimKind.MISSING_ITEMS, resolution=Resolution.PARTIAL_REFUND, amount=Money("5.00", "USD")),
        [
            (1, 8, "seller_offers", {"refund": Money("3.00", "USD")}),
            (2, 20, "buyer_accepts_offer", {}),
        ],
    ),
    "buyer-cancels": (Claim(kind=ClaimKind.LATE), [(1, 8, "seller_rejects", {}), (3, 8, "buyer_cancels", {})]),
    "return-shipped": (
        Claim(kind=ClaimKind.WRONG_ITEM, resolution=Resolution.REFUND_WITH_RETURN),
        [
            (2, 9, "seller_accepts", {}),
            (6, 9, "buyer_ships_return", {"tracking_number": "RR123456789CN"}),
            (8, 9, "platform_refunds", {}),
        ],
    ),
    "return-missed": (
        Claim(kind=ClaimKind.WRONG_ITEM, resolution=Resolution.REFUND_WITH_RETURN),
        [(1, 9, "seller_accepts", {})],
    ),
    "offer-with-moderator": (
        Claim(kind=ClaimKind.COUNTERFEIT),
        [
            (1, 8, "seller_rejects", {}),
            (8, 10, "seller_offers", {"refund": Money("10.00", "USD")}),
            (10, 10, "moderator_decides", {"buyer_wins": True, "refund": Money("15.00", "USD")}),
            (12, 10, "platform_refunds", {}),
        ],
    ),
    "late-escalation": (
        Claim(kind=ClaimKind.NOT_RECEIVED),
        [(1, 8, "seller_rejects", {}), (16, 8, "buyer_escalates", {})],
    ),
}

# The orders the stories happen to, in zones east and west, across daylight saving changes.
DISPUTED = (
    ("paris", _at("Europe/Paris", 2025, 3, 1, 10), _at("Europe/Paris", 2025, 3, 3, 18), 18),
    ("los-angeles", _at("America/Los_Angeles", 2025, 10, 10, 10), _at("America/Los_Angeles", 2025, 10, 12, 7), 15),
    ("sydney", _at("Australia/Sydney", 2025, 9, 20, 10), _at("Australia/Sydney", 2025, 9, 21, 10), 12),
)


def disputes() -> Iterator[tuple[str, Order, Tracking, pendulum.DateTime, Claim, list[Step]]]:
    """At least 20 disputes: every story, for each disputed order."""
    for place, placed, shipped, opens_after in DISPUTED:
        for story, (claim, steps) in STORIES.items():
            order = Order(
                id=f"{place}-{story}",
                placed_at=placed,
                shipped_at=shipped,
                protection_days=60,
                carrier="EMS",
                promised_days=10,
                amount=Money("20.00", "USD"),
            )
            tracking = _tracking(order.id, shipped, Location.IN_TRANSIT, 4)
            yield order.id, order, tracking, shipped.add(days=opens_after, hours=3), claim, steps


_TRANSITIONS: dict[str, Callable[..., Any]] = {
    "seller_accepts": aliprotect.seller_accepts,
    "seller_rejects": aliprotect.seller_rejects,
    "seller_offers": aliprotect.seller_offers,
    "buyer_accepts_offer": aliprotect.buyer_accepts_offer,
    "buyer_cancels": aliprotect.buyer_cancels,
    "buyer_escalates": aliprotect.buyer_escalates,
    "buyer_ships_return": aliprotect.buyer_ships_return,
    "moderator_decides": aliprotect.moderator_decides,
    "platform_refunds": aliprotect.platform_refunds,
}


def dispute_snapshot(rules: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, order, tracking, opened_at, claim, steps in disputes():
        entry: dict[str, Any] = {"opened_at": instant(opened_at), "steps": [], "at": {}}
        try:
            dispute = aliprotect.open_dispute(order, claim, at=opened_at, rules=rules, tracking=tracking)
        except aliprotect.AliprotectError as error:
            entry["opened"] = {"error": type(error).__name__, "message": str(error)}
            result[name] = entry
            continue
        entry["opened"] = True
        for day, hour, step, arguments in steps:
            at = opened_at.add(days=day).set(hour=hour)
            extra = {"tracking": tracking} if step == "buyer_escalates" else {}
            try:
                dispute = _TRANSITIONS[step](dispute, at=at, rules=rules, **arguments, **extra)
                entry["steps"].append({"step": step, "at": instant(at), "done": True})
            except aliprotect.AliprotectError as error:
                entry["steps"].append(
                    {"step": step, "at": instant(at), "error": type(error).__name__, "message": str(error)}
                )
                break
        probes = [opened_at.add(days=d, hours=h) for d, h in ((0, 0), (1, 23), (3, 12), (8, 0), (10, 23), (16, 0))]
        probes += [opened_at.add(days=d).subtract(seconds=s) for d in (5, 7) for s in (1, 0)]
        for probe in sorted(probes, key=lambda p: p.in_timezone("UTC")):
            asked = {"status": answer(dispute_status, aliprotect.dispute_status, dispute, at=probe, rules=rules)}
            for role in Role:
                asked[f"next_actions {role.value}"] = answer(
                    advice,
                    aliprotect.next_actions,
                    order,
                    at=probe,
                    dispute=dispute,
                    tracking=tracking,
                    role=role,
                    rules=rules,
                )
            entry["at"][instant(probe)] = asked
        result[name] = entry
    return result


def snapshots() -> dict[str, dict[str, Any]]:
    """Every snapshot file's content, by its path under ``tests/snapshots``."""
    files: dict[str, dict[str, Any]] = {}
    for book in aliprotect.rulebooks():
        files[f"{book.version}/orders.json"] = {
            "rulebook": book.version,
            "fingerprint": book.fingerprint,
            "orders": order_snapshot(book),
        }
        files[f"{book.version}/disputes.json"] = {
            "rulebook": book.version,
            "fingerprint": book.fingerprint,
            "disputes": dispute_snapshot(book),
        }
    return files


def render(content: dict[str, Any]) -> str:
    """The file's text: nested objects indented, each answer (a deadline, a verdict, a piece of advice)
    on one line, keys in the order written, so that a diff shows the answers that changed."""
    return _render(content, 0) + "\n"


def _leaf(value: Any) -> bool:
    if isinstance(value, dict):
        return all(
            not isinstance(v, dict | list) or (isinstance(v, list) and all(map(_scalar, v))) for v in value.values()
        )
    return _scalar(value) or (isinstance(value, list) and all(map(_scalar, value)))


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _render(value: Any, depth: int) -> str:
    if _leaf(value):
        return json.dumps(value, ensure_ascii=False, default=_default)
    pad, inner = " " * depth, " " * (depth + 1)
    if isinstance(value, list):
        return "[\n" + ",\n".join(inner + _render(v, depth + 1) for v in value) + "\n" + pad + "]"
    items = (f"{inner}{json.dumps(k, ensure_ascii=False)}: {_render(v, depth + 1)}" for k, v in value.items())
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{value!r} is not JSON")  # pragma: no cover


def main() -> int:
    written = 0
    for path, content in snapshots().items():
        target = SNAPSHOTS / path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = render(content)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written += 1
    print(f"{written} snapshot file(s) written under {SNAPSHOTS.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
