"""The SVG pictures are readable: every label lies inside the picture and overlaps no other,
the date axis has a few ticks in time order on whole days of the zone it names, each time is
shown with its offset, and the store picture has one row per order, coloured by urgency.

A label's box is computed from the SVG text itself (position, anchor, font size and number
of characters), so the test reads the picture as it is drawn, not the layout's own boxes. The
width of a character is the one the layout assumes (:data:`aliprotect._pictures.CHARACTER`,
more than the common sans-serif fonts' average for Latin text); a font wider than that, as
for Chinese or Japanese text, would make a label wider than its box.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aliprotect
from aliprotect import Claim, ClaimKind, Order
from aliprotect._pictures import CHARACTER
from aliprotect.display import orders_svg, timeline_svg
from aliprotect.strategies import disputes, instants, orders

RULES = aliprotect.rulebook("2025.2")
PARIS = "Europe/Paris"
SVG = "{http://www.w3.org/2000/svg}"
OFFSET = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d$")


def paris(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=PARIS)


class Text:
    def __init__(self, element: ET.Element) -> None:
        self.text = "".join(element.itertext()) if element.find(f"{SVG}title") is None else (element.text or "")
        title = element.find(f"{SVG}title")
        if title is not None:
            self.text = title.tail or ""
        size = float(element.get("font-size", "10"))
        x, y = float(element.get("x", "0")), float(element.get("y", "0"))
        width = len(self.text) * CHARACTER * size
        anchor = element.get("text-anchor", "start")
        left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
        self.box = (left, y - 0.8 * size, left + width, y + 0.2 * size)
        self.fill = element.get("fill")

    def overlaps(self, other: Text) -> bool:
        a, b = self.box, other.box
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def texts(picture: str) -> tuple[ET.Element, list[Text]]:
    root = ET.fromstring(picture)
    return root, [Text(element) for element in root.iter(f"{SVG}text")]


def assert_readable(picture: str) -> list[Text]:
    root, found = texts(picture)
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    for text in found:
        left, top, right, bottom = text.box
        assert left >= 0, (text.text, text.box)
        assert right <= width, (text.text, text.box, width)
        assert top >= 0, (text.text, text.box)
        assert bottom <= height, (text.text, text.box, height)
    for n, one in enumerate(found):
        for other in found[n + 1 :]:
            assert not one.overlaps(other), (one.text, one.box, other.text, other.box)
    assert height - max(text.box[3] for text in found) < 12, "no empty space at the bottom"
    return found


def axis_labels(found: list[Text]) -> list[Text]:
    return [text for text in found if text.box[3] <= 30 and text.fill == "#555" and not text.text.startswith("days")]


ORDER = Order(
    id="A1",
    placed_at=paris(2025, 3, 1, 10),
    shipped_at=paris(2025, 3, 3, 18),
    protection_days=60,
    extensions=(aliprotect.Extension(days=15, granted_at=paris(2025, 4, 20)),),
)


def test_the_timeline_has_a_date_axis_in_the_zone_it_names_and_times_with_offsets() -> None:
    found = assert_readable(timeline_svg(ORDER, at=paris(2025, 4, 25, 9), rules=RULES))
    assert "days of Europe/Paris" in [text.text for text in found]
    ticks = axis_labels(found)
    assert 3 <= len(ticks) <= 8
    assert [tick.text for tick in ticks] == ["15 Mar 2025", "29 Mar", "12 Apr", "26 Apr", "10 May", "24 May"]
    assert [tick.box[0] for tick in ticks] == sorted(tick.box[0] for tick in ticks)
    marks = [text for text in found if (text.box[1] >= 60 and text.fill != "#555") or text.text.startswith("placed")]
    assert all(OFFSET.search(text.text) for text in marks if text.box[1] >= 60), [t.text for t in marks]
    labels = {text.text for text in found}
    assert "protection ends 2025-05-17 18:00 +02:00" in labels
    assert "placed 2025-03-01 10:00 +01:00" in labels  # the offset before the change to summer time
    assert {"protection", "dispute window", "recommended open-by", "last chance", "now"} <= labels  # the legend


def test_a_received_order_shows_no_open_by_nor_protection_end_as_its_timeline_has_none() -> None:
    received = ORDER.__class__(
        id="R", placed_at=ORDER.placed_at, shipped_at=ORDER.shipped_at, protection_days=60,
        received_at=paris(2025, 3, 20, 12),
    )  # fmt: skip
    names = {deadline.name for deadline in aliprotect.timeline(received, rules=RULES).deadlines}
    assert "open_by_recommended" not in names
    labels = [text.text for text in assert_readable(timeline_svg(received, rules=RULES))]
    assert not any(label.startswith(("open by", "protection ends")) for label in labels)
    assert any(label.startswith("received 2025-03-20 12:00") for label in labels)


def test_the_ticks_fall_on_whole_days_weeks_months_or_years() -> None:
    from aliprotect._pictures import ticks

    start = paris(2025, 3, 3, 18)
    for span, first in (
        (dt.timedelta(days=3), "4 Mar 2025"),
        (dt.timedelta(days=40), "10 Mar 2025"),  # weeks start on Mondays
        (dt.timedelta(days=200), "Apr 2025"),
        (dt.timedelta(days=3000), "2026"),
    ):
        found = ticks(start, start + span)
        assert 2 <= len(found) <= 8, (span, found)
        assert found[0][1] == first
        assert all(instant.hour == 0 and instant.minute == 0 for instant, _ in found)
        assert all(start <= instant <= start + span for instant, _ in found)


@settings(deadline=None)
@given(order=orders(shipped=True), at=st.none() | instants(), data=st.data())
def test_every_timeline_picture_is_readable(order: Order, at: pendulum.DateTime | None, data: st.DataObject) -> None:
    rules = data.draw(st.sampled_from(aliprotect.rulebooks()))
    try:
        picture = timeline_svg(order, at=at, rules=rules)
    except aliprotect.AliprotectError:  # a rulebook that needs a fact the order lacks
        return
    found = assert_readable(picture)
    assert 0 <= len(axis_labels(found)) <= 8


@settings(deadline=None)
@given(dispute=disputes(rules=RULES), later=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=30)))
def test_every_dispute_picture_is_readable(dispute: aliprotect.Dispute, later: dt.timedelta) -> None:
    picture = timeline_svg(dispute.order, at=dispute.opened_at + later, dispute=dispute, rules=RULES)
    labels = [text.text for text in assert_readable(picture)]
    assert any(label.startswith("dispute opened ") for label in labels)


@settings(deadline=None)
@given(chosen=st.lists(orders(), min_size=1, max_size=12, unique_by=lambda order: order.id), at=instants())
def test_every_store_picture_is_readable_with_one_row_per_order(chosen: list[Order], at: pendulum.DateTime) -> None:
    root, _ = texts(orders_svg(chosen, at=at, rules=RULES))
    found = assert_readable(orders_svg(chosen, at=at, rules=RULES))
    rows = [text for text in root.iter(f"{SVG}text") if (text.findtext(f"{SVG}title") or "").startswith("order ")]
    assert [row.findtext(f"{SVG}title") for row in rows] == [f"order {order.id}" for order in chosen]
    assert sum(text.text == "not shipped yet" for text in found) == sum(o.shipped_at is None for o in chosen)


def test_the_store_picture_colours_each_deadline_by_how_soon_it_comes() -> None:
    at = paris(2025, 4, 20, 9)
    soon = Order(id="S", placed_at=paris(2025, 2, 20), shipped_at=paris(2025, 2, 22), protection_days=60)
    late = Order(id="L", placed_at=paris(2025, 4, 10), shipped_at=paris(2025, 4, 12), protection_days=60)
    root = ET.fromstring(orders_svg([soon, late], at=at, rules=RULES, soon=dt.timedelta(days=7)))
    colours = {}
    for element in root.iter():
        tip = element.findtext(f"{SVG}title") or ""
        if ": " in tip and element.tag != f"{SVG}rect":
            colours[tip.split(" 20")[0]] = element.get("fill") or element.get("stroke")
    assert colours["order S: protection ends"] == "#c22"  # 2025-04-23: within the week
    assert colours["order S: open by (recommended)"] == "#999"  # passed
    assert colours["order L: last chance"] == "#2a7"  # later
    assert ">within 7 days<" in ET.tostring(root, encoding="unicode")


@pytest.mark.parametrize(
    ("arguments", "words"),
    [({"orders": []}, "orders=\\[\\]"), ({"soon": dt.timedelta(0)}, "soon="), ({"at": dt.datetime(2025, 4, 1)}, "at=")],
)
def test_the_store_picture_refuses_bad_arguments(arguments: dict[str, object], words: str) -> None:
    with pytest.raises(aliprotect.errors.InvalidValueError, match=words):
        orders_svg(**{"orders": [ORDER], "at": paris(2025, 4, 1), **arguments})  # type: ignore[arg-type]


def test_a_dispute_picture_shows_its_deadlines() -> None:
    dispute = aliprotect.open_dispute(ORDER, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 25, 9), rules=RULES)
    labels = [text.text for text in assert_readable(timeline_svg(ORDER, dispute=dispute, rules=RULES))]
    assert any(label.startswith("seller reply by 2025-04-30 09:00 +02:00") for label in labels)
    assert "dispute" in labels  # the legend


def test_long_order_ids_are_cut_short_to_fit_and_kept_whole_in_the_tooltip() -> None:
    long_id = "8" * 120
    order = Order(id=long_id, placed_at=paris(2025, 3, 1), shipped_at=paris(2025, 3, 3), protection_days=60)
    unshipped = Order(id="9" * 200, placed_at=paris(2025, 3, 1), protection_days=60)
    for picture in (
        orders_svg([order, unshipped], at=paris(2025, 4, 1), rules=RULES),
        timeline_svg(order, rules=RULES),
        timeline_svg(unshipped, rules=RULES),
    ):
        found = assert_readable(picture)
        assert any("…" in text.text for text in found)
    assert f"<title>order {long_id}</title>" in orders_svg([order], at=paris(2025, 4, 1), rules=RULES)


def test_an_order_the_rulebook_cannot_answer_for_is_said_not_drawn_and_the_others_are_drawn() -> None:
    escrow = aliprotect.rulebook("2010.1")  # the dispute window depends on the carrier
    shipped = pendulum.datetime(2012, 5, 2, tz="Asia/Shanghai")
    known = Order(id="K", placed_at=shipped, shipped_at=shipped, protection_days=60, carrier="EMS")
    unknown = Order(id="U", placed_at=shipped, shipped_at=shipped, protection_days=60)
    with pytest.raises(aliprotect.errors.MissingFactError) as refused:
        aliprotect.timeline(unknown, rules=escrow)
    picture = orders_svg([known, unknown], at=shipped.add(days=10), rules=escrow)
    found = assert_readable(picture)
    said = [text.text for text in found if text.text.startswith("not drawn: carrier=None")]
    assert len(said) == 1
    assert f"<title>order U: {refused.value}</title>" in picture.replace("&#x27;", "'")
    assert "order K: last chance" in picture
    assert "order U: last chance" not in picture


def test_characters_xml_cannot_hold_are_replaced_so_the_picture_stays_well_formed() -> None:
    odd = "A\x01\ud800\ufffeB"
    order = Order(id=odd, placed_at=paris(2025, 3, 1), shipped_at=paris(2025, 3, 3), protection_days=60)
    for picture in (orders_svg([order], at=paris(2025, 4, 1), rules=RULES), timeline_svg(order, rules=RULES)):
        root = ET.fromstring(picture)  # well-formed XML
        assert "A\ufffd\ufffd\ufffdB" in "".join(root.itertext())


def test_a_dispute_of_another_order_is_refused_not_drawn_on_this_one() -> None:
    other = attrs.evolve(ORDER, id="B2")
    dispute = aliprotect.open_dispute(other, Claim(kind=ClaimKind.NOT_RECEIVED), at=paris(2025, 4, 25, 9), rules=RULES)
    with pytest.raises(aliprotect.errors.InvalidValueError, match="a dispute of order B2, not of order A1"):
        timeline_svg(ORDER, dispute=dispute, rules=RULES)


@pytest.mark.parametrize(
    ("soon", "said"),
    [
        (dt.timedelta(days=7), "within 7 days"),
        (dt.timedelta(days=1), "within a day"),
        (dt.timedelta(hours=36), "within 36 hours"),
        (dt.timedelta(minutes=90), "within 90 minutes"),
        (dt.timedelta(microseconds=1), "within 1e-06 seconds"),
    ],
)
def test_the_legend_says_soon_in_the_largest_whole_unit(soon: dt.timedelta, said: str) -> None:
    assert f">{said}<" in orders_svg([ORDER], at=paris(2025, 4, 1), rules=RULES, soon=soon)
