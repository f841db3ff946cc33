"""Pictures as inline SVG, with no plotting library: an order's timeline, and a store's orders.

Both have a date axis whose ticks fall on whole days, weeks, months or years of one zone's
calendar, and say which zone that is. Text is placed by its box, estimated from the number
of characters at a width no common sans-serif font exceeds on average, so that no two
labels overlap and none leaves the picture (a test checks the boxes of every picture it
draws); a label is drawn over the lines on a white ground, so that no line runs through it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import pendulum

from aliprotect import _checks, _days
from aliprotect._dispute import Dispute
from aliprotect._dispute_machine import planned_deadlines
from aliprotect._model import Order
from aliprotect._registry import given_or_latest, published
from aliprotect._rulebook import Rulebook
from aliprotect._shown import shown
from aliprotect._timeline import timeline
from aliprotect.errors import AliprotectError, InvalidValueError

CHARACTER = 0.62
"""The width of a character, in font sizes, that the layout allows: more than the average of
the common sans-serif fonts, so that a box holds its text."""

WIDTH = 760
_MARGIN = 10
_FONT = 10
_SMALL = 9
_GREY, _BLUE, _GREEN, _ORANGE, _RED, _PURPLE, _BLACK = "#555", "#27c", "#2a7", "#d80", "#c22", "#a2a", "#000"


class Svg(str):
    """SVG text that a notebook shows as a picture; everywhere else, a plain string."""

    __slots__ = ()

    def __new__(cls, object: str = "") -> Svg:  # the name str() gives its argument
        if not isinstance(object, str):
            raise InvalidValueError(f"Svg({shown(object)}): give the SVG text, a string")
        return super().__new__(cls, object)

    def _repr_svg_(self) -> str:
        return str(self)


def svg(label: str, width: float, height: float, content: str) -> Svg:
    return Svg(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" role="img" '
        f'aria-label="{_e(label)}">{content}</svg>'
    )


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, which an order id may have: written as U+FFFD."""


def _e(value: object) -> str:
    return html.escape(_NOT_XML.sub("\ufffd", str(value)), quote=True)


def text_width(text: str, size: float) -> float:
    return len(text) * CHARACTER * size


class Box(NamedTuple):
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom
        )


def _text(
    x: float, baseline: float, text: str, *, size: float = _FONT, anchor: str = "start", tip: str = "", **style: str
) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{_e(value)}"' for name, value in style.items())
    title = f"<title>{_e(tip)}</title>" if tip else ""
    return (
        f'<text x="{x:.1f}" y="{baseline:.1f}" font-size="{size:g}" text-anchor="{anchor}"{extra}>{title}'
        f"{_e(text)}</text>"
    )


def _fitted(text: str, width: float, size: float) -> str:
    """``text``, cut short with an ellipsis when it is wider than ``width``."""
    most = max(int(width / (CHARACTER * size)), 1)
    return text if len(text) <= most else text[: most - 1] + "…"


def when(instant: pendulum.DateTime) -> str:
    """An instant as a label shows it: date, time to the minute, and its UTC offset."""
    return f"{instant.format('YYYY-MM-DD HH:mm')} {instant.format('Z')}"


def zone_name(instant: pendulum.DateTime) -> str:
    """The name of an instant's zone (``Europe/Paris``), or its offset (``UTC+08:00``)."""
    return _days.zone_name(instant) or f"UTC{instant.format('Z')}"


# --- the date axis -------------------------------------------------------------------------------

_DAY_STEPS = (1, 2, 7, 14)
_MONTH_STEPS = (1, 2, 3, 6)
_YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def ticks(start: pendulum.DateTime, stop: pendulum.DateTime, most: int = 8) -> list[tuple[pendulum.DateTime, str]]:
    """At most ``most`` ticks between two instants, on whole days, weeks (Mondays), months or
    years of ``start``'s zone, each with its label; the year is written at the first tick and
    wherever it changes."""
    try:
        return _ticks(start, stop, most)
    except (OverflowError, ValueError):  # an axis that reaches the year 1 or 9999: no ticks
        return []


def _ticks(start: pendulum.DateTime, stop: pendulum.DateTime, most: int) -> list[tuple[pendulum.DateTime, str]]:
    start_key, stop_key = _days.key(start), _days.key(stop)
    days_spanned = (_seconds(stop) - _seconds(start)) / 86400
    for days in _DAY_STEPS:
        if days_spanned / days > most + 1:
            continue
        first = start.start_of("day")
        if days == 7:
            first = first.subtract(days=first.weekday())
        found = _steps(first, start_key, stop_key, most, lambda t, n, d=days: t.add(days=d * n))
        if found is not None:
            return _labelled(found, "D MMM", "D MMM YYYY")
    for months in _MONTH_STEPS:
        if days_spanned / (31 * months) > most + 1:
            continue
        first = start.start_of("month")
        first = first.subtract(months=(first.month - 1) % months)
        found = _steps(first, start_key, stop_key, most, lambda t, n, m=months: t.add(months=m * n))
        if found is not None:
            return _labelled(found, "MMM", "MMM YYYY")
    for years in _YEAR_STEPS:
        if days_spanned / (366 * years) > most + 1:
            continue
        first = start.start_of("year")
        first = first.subtract(years=first.year % years) if first.year > years else first
        found = _steps(first, start_key, stop_key, most, lambda t, n, y=years: t.add(years=y * n))
        if found is not None:
            return _labelled(found, "YYYY", "YYYY")
    return []


def _steps(
    first: pendulum.DateTime,
    start: dt.timedelta,
    stop: dt.timedelta,
    most: int,
    step: object,
) -> list[pendulum.DateTime] | None:
    """The instants ``step(first, n)`` between ``start`` and ``stop``, or ``None`` when there are
    more than ``most`` of them."""
    found: list[pendulum.DateTime] = []
    for n in range(3 * most + 400):
        try:
            instant = step(first, n)  # type: ignore[operator]
        except (OverflowError, ValueError):  # past the year 9999
            break
        key = _days.key(instant)
        if key > stop:
            break
        if key >= start:
            found.append(instant)
            if len(found) > most:
                return None
    else:
        return None
    return found


def _labelled(instants: Sequence[pendulum.DateTime], short: str, long: str) -> list[tuple[pendulum.DateTime, str]]:
    labelled = []
    for n, instant in enumerate(instants):
        new_year = n == 0 or instant.year != instants[n - 1].year
        labelled.append((instant, instant.format(long if new_year else short)))
    return labelled


def _seconds(instant: pendulum.DateTime) -> float:
    """The instant's place on the time line, in seconds from 1970 (exact, and never out of range
    for an instant near the year 1 or 9999 with an offset, as its reading in UTC would be)."""
    return _days.key(instant).total_seconds()


class _Scale(NamedTuple):
    start: float
    span: float
    left: float
    right: float

    def x(self, instant: pendulum.DateTime) -> float:
        return self.left + (_seconds(instant) - self.start) / self.span * (self.right - self.left)


def _scale(instants: Iterable[pendulum.DateTime], left: float, right: float) -> _Scale:
    stamps = [_seconds(instant) for instant in instants]
    start, stop = min(stamps), max(stamps)
    margin = max((stop - start) * 0.02, 3600.0)  # room for the first and last marks
    return _Scale(start - margin, stop - start + 2 * margin, left, right)


def _axis(
    scale: _Scale, instants: Sequence[pendulum.DateTime], zone: pendulum.DateTime, top: float, bottom: float
) -> str:
    """The ticks of the axis on the calendar of ``zone``'s zone, from the first to the last of
    ``instants``, with grid lines from ``top`` down to ``bottom`` and labels just above ``top``."""
    try:
        start = pendulum.instance(min(instants, key=_days.key).astimezone(zone.tzinfo))
        stop = pendulum.instance(max(instants, key=_days.key).astimezone(zone.tzinfo))
    except (OverflowError, ValueError):  # the year 1 or 9999 in another zone
        start = stop = zone
    shapes = []
    right_edge = -1.0
    for instant, label in ticks(start, stop):
        x = scale.x(instant)
        width = text_width(label, _SMALL)
        left = min(max(x - width / 2, _MARGIN), WIDTH - _MARGIN - width)
        if left < right_edge + 6:  # too close to the previous label: a tick without one
            shapes.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#e4e4e4"/>')
            continue
        right_edge = left + width
        shapes.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#e4e4e4"/>'
            + _text(left, top - 3, label, size=_SMALL, fill=_GREY)
        )
    return "".join(shapes)


def _heading(title: str, zone: pendulum.DateTime) -> str:
    """The picture's title on the left, and on the right the zone whose days the axis shows."""
    caption = f"days of {zone_name(zone)}"
    room = WIDTH - 2 * _MARGIN - text_width(caption, _SMALL) - 12
    return _text(_MARGIN, 12, _fitted(title, room, 11), size=11, font_weight="bold") + _text(
        WIDTH - _MARGIN, 12, caption, size=_SMALL, anchor="end", fill=_GREY
    )


def _legend(items: Sequence[tuple[str, str, str]], top: float) -> tuple[str, float]:
    """A row (or rows) of keys: ``(kind, colour, text)``, kind ``bar`` or ``line`` or ``dot``; and
    the y below it."""
    shapes, x, y = [], float(_MARGIN), top
    for kind, colour, label in items:
        width = 14 + 4 + text_width(label, _SMALL) + 14
        if x + width > WIDTH - _MARGIN:
            x, y = float(_MARGIN), y + 14
        if kind == "bar":
            shapes.append(
                f'<rect x="{x:.1f}" y="{y + 2:.1f}" width="14" height="8" fill="{colour}" fill-opacity="0.35"/>'
            )
        elif kind == "short":
            shapes.append(
                f'<line x1="{x + 7:.1f}" y1="{y + 3:.1f}" x2="{x + 7:.1f}" y2="{y + 10:.1f}" stroke="{colour}" '
                'stroke-width="3"/>'
            )
        elif kind == "dot":
            shapes.append(f'<circle cx="{x + 7:.1f}" cy="{y + 6:.1f}" r="3.5" fill="{colour}"/>')
        else:
            shapes.append(
                f'<line x1="{x + 7:.1f}" y1="{y:.1f}" x2="{x + 7:.1f}" y2="{y + 12:.1f}" stroke="{colour}" '
                'stroke-width="2"/>'
            )
        shapes.append(_text(x + 18, y + 10, label, size=_SMALL, fill=_GREY))
        x += width
    return "".join(shapes), y + 14


# --- one order ----------------------------------------------------------------------------------


_ORDER_MARKS = (
    ("dispute_opens", "dispute opens", _GREEN),
    ("open_by_recommended", "open by (recommended)", _ORANGE),
    ("protection_ends", "protection ends", _BLUE),
    ("dispute_closes", "last chance", _RED),
)
"""The deadlines of an order's timeline that its picture marks, with their labels and colours."""


def _deadlines(order: Order, rules: Rulebook) -> dict[str, pendulum.DateTime]:
    """The instants of the order's timeline by name: those it has (an order received before its
    protection ended has no ``protection_ends`` nor ``open_by_recommended``)."""
    return {deadline.name: deadline.at for deadline in timeline(order, rules=rules).deadlines}


def _bar(
    scale: _Scale, start: pendulum.DateTime, stop: pendulum.DateTime, top: float, height: float, colour: str, tip: str
) -> str:
    x = scale.x(start)
    return (
        f'<rect x="{x:.1f}" y="{top:.1f}" width="{max(scale.x(stop) - x, 1):.1f}" height="{height:g}" '
        f'fill="{colour}" fill-opacity="0.35"><title>{_e(tip)}</title></rect>'
    )


class _Mark(NamedTuple):
    label: str
    at: pendulum.DateTime
    colour: str


def timeline_svg(
    order: Order,
    *,
    at: pendulum.DateTime | None = None,
    dispute: Dispute | None = None,
    rules: Rulebook | None = None,
) -> Svg:
    """An order's timeline as an inline SVG picture, with no plotting library.

    The result is a string; a notebook shows it as a picture.

    It shows the protection period with its extensions and the dispute window as bars on a
    date axis (whose ticks are days of the zone the order shipped in, as the picture says),
    and a mark for each event and deadline: placed, shipped, the dispute window's opening,
    the recommended open-by, the end of protection, the last chance, receipt, each extension,
    the dispute's opening, seller-reply and moderator deadlines when a dispute is given, and
    "now" at ``at``. Each mark's label gives its instant with its UTC offset; labels never
    overlap, and each is drawn over the lines on a white ground. A legend says what the
    bars and colours are.

    Raises:
        InvalidValueError: ``order`` is not an order, ``at`` is not an aware instant, or
            ``dispute`` is not a dispute of this order.

    Example:
        >>> import pendulum, aliprotect
        >>> order = aliprotect.Order(
        ...     id="A1",
        ...     placed_at=pendulum.datetime(2025, 3, 1, 10, tz="Europe/Paris"),
        ...     shipped_at=pendulum.datetime(2025, 3, 3, 18, tz="Europe/Paris"),
        ...     protection_days=60,
        ... )
        >>> from aliprotect.display import timeline_svg
        >>> svg = timeline_svg(order, at=pendulum.datetime(2025, 4, 1, tz="Europe/Paris"))
        >>> svg.startswith("<svg") and "dispute window" in svg and "now 2025-04-01 00:00 +02:00" in svg
        True
    """
    order = _checks.instance(order, Order, "order")
    at = None if at is None else _days.aware(at, "at")
    dispute = _checks.optional(dispute, Dispute, "dispute", "aliprotect.open_dispute(...)")
    if dispute is not None and dispute.order.id != order.id:
        raise InvalidValueError(
            f"dispute= is a dispute of order {dispute.order.id}, not of order {order.id}: give that order's dispute"
        )
    rules = None if rules is None else given_or_latest(rules)
    rules = rules or (published(dispute.rulebook) if dispute is not None else published())
    if order.shipped_at is None:
        said = f"order {_fitted(order.id, WIDTH - 2 * _MARGIN - 130, _FONT)}: not shipped yet"
        return svg("not shipped yet", text_width(said, _FONT) + 2 * _MARGIN, 20, _text(_MARGIN, 14, said))
    found = _deadlines(order, rules)
    marks = [_Mark("placed", order.placed_at, _GREY), _Mark("shipped", order.shipped_at, _GREY)]
    marks += [_Mark(label, found[name], colour) for name, label, colour in _ORDER_MARKS if name in found]
    if order.received_at is not None:
        marks.append(_Mark("received", order.received_at, _GREY))
    marks += [_Mark(f"extended +{e.days} days", e.granted_at, _BLUE) for e in order.extensions]
    if dispute is not None:
        marks.append(_Mark("dispute opened", dispute.opened_at, _PURPLE))
        labels = {
            "seller_reply_by": "seller reply by",
            "claim_until": "claims until",
            "moderator_from": "moderator from",
        }
        for deadline in planned_deadlines(dispute, rules):  # the dispute's plan, fixed when it opened
            if deadline.name in labels:
                marks.append(_Mark(labels[deadline.name], deadline.at, _PURPLE))
    if at is not None:
        marks.append(_Mark("now", at, _BLACK))
    marks.sort(key=lambda mark: _days.key(mark.at))

    scale = _scale([mark.at for mark in marks], _MARGIN, WIDTH - _MARGIN)
    axis_top, bars_top = 30.0, 34.0
    rows_top = bars_top + 30
    placed = _place([(scale.x(mark.at), f"{mark.label} {when(mark.at)}") for mark in marks], rows_top)
    bottom = max(box.bottom for _, box in placed) + 6
    shapes = [
        _heading(f"order {order.id}", order.shipped_at),
        _axis(scale, [mark.at for mark in marks], order.shipped_at, axis_top, bottom),
    ]
    for top, start, stop, colour, what in (
        (bars_top, order.shipped_at, found.get("protection_ends", found.get("completed")), _BLUE, "protection"),
        (bars_top + 14, found.get("dispute_opens"), found.get("dispute_closes"), _GREEN, "dispute window"),
    ):
        if start is not None and stop is not None:
            shapes.append(
                _bar(scale, start, stop, top, 10, colour, f"{what}: {start.isoformat()} to {stop.isoformat()}")
            )
    texts: list[str] = []  # drawn after every line, each on a white ground, so that no line runs through one
    for mark, (x, box) in zip(marks, placed, strict=True):
        width = 2 if mark.label == "now" else 1
        anchor = "start" if box.left >= x - 0.5 else "end"
        text_x = box.left if anchor == "start" else box.right
        shapes.append(
            f'<line x1="{x:.1f}" y1="{bars_top - 2:.1f}" x2="{x:.1f}" y2="{box.bottom:.1f}" stroke="{mark.colour}" '
            f'stroke-width="{width}"/>'
        )
        texts.append(
            f'<rect x="{box.left:.1f}" y="{box.top:.1f}" width="{box.right - box.left:.1f}" '
            f'height="{box.bottom - box.top:.1f}" fill="#fff" fill-opacity="0.85"/>'
            + _text(text_x, box.bottom - 3, f"{mark.label} {when(mark.at)}", anchor=anchor, fill=mark.colour)
        )
    shapes += texts
    legend, height = _legend(
        [
            ("bar", _BLUE, "protection"),
            ("bar", _GREEN, "dispute window"),
            ("line", _ORANGE, "recommended open-by"),
            ("line", _RED, "last chance"),
            *([("line", _PURPLE, "dispute")] if dispute is not None else []),
            *([("line", _BLACK, "now")] if at is not None else []),
        ],
        bottom + 4,
    )
    return svg(f"timeline of order {order.id}", WIDTH, height + 2, "".join(shapes) + legend)


_ROW = 15.0


def _place(marks: Sequence[tuple[float, str]], top: float) -> list[tuple[float, Box]]:
    """A label box for each mark ``(x, text)``, beside its line (to the right, or to the left
    near the right edge), in the first row from ``top`` where it overlaps no other label."""
    placed: list[Box] = []
    found = []
    for x, text in marks:
        width = text_width(text, _FONT) + 2
        if x + 4 + width <= WIDTH - _MARGIN:
            left = x + 4
        elif x - 4 - width >= _MARGIN:
            left = x - 4 - width
        else:
            left = max(_MARGIN, WIDTH - _MARGIN - width)
        row = 0
        while True:  # ends: a row below every placed label is free
            box = Box(left, top + row * _ROW, left + width, top + row * _ROW + _ROW - 2)
            if not any(box.overlaps(other) for other in placed):
                break
            row += 1
        placed.append(box)
        found.append((x, box))
    return found


# --- many orders ----------------------------------------------------------------------------------


_LABELS = 130.0
"""The width of the column of order ids."""


def orders_svg(
    orders: Iterable[Order],
    *,
    at: dt.datetime,
    rules: Rulebook | None = None,
    soon: dt.timedelta = dt.timedelta(days=7),
) -> Svg:
    """Many orders in one picture, one row per order: its protection and dispute window as
    bars on a date axis, its recommended open-by (a dot), the end of its protection (a short
    tick) and its last chance (a tall tick), and "now" as a line across every row.

    Each deadline is coloured by how soon it comes: grey once it has passed, red within
    ``soon`` of ``at`` (a week by default), green later. An order not shipped yet says so, and
    so does an order ``rules`` cannot answer for (a fact the rulebook needs is missing, such as
    the carrier under rulebook 2010.1): its row reads "not drawn" and the reason, in full in
    its tooltip, and the other orders are drawn.
    The axis's ticks are days (or weeks, months, years) of ``at``'s zone, as the picture
    says; each mark's tooltip gives its instant with its UTC offset.

    Raises:
        InvalidValueError: ``orders`` is not a list of orders (or has none), ``at`` is not
            an aware instant, or ``soon`` is not a positive ``timedelta``.

    Example:
        >>> import pendulum, aliprotect
        >>> orders = [
        ...     aliprotect.Order(
        ...         id=f"A{n}",
        ...         placed_at=pendulum.datetime(2025, 3, n, 10, tz="Europe/Paris"),
        ...         shipped_at=pendulum.datetime(2025, 3, n + 2, 18, tz="Europe/Paris"),
        ...         protection_days=45,
        ...     )
        ...     for n in (1, 5, 9)
        ... ]
        >>> from aliprotect.display import orders_svg
        >>> svg = orders_svg(orders, at=pendulum.datetime(2025, 4, 20, tz="Europe/Paris"))
        >>> import re
        >>> for tip in re.findall(r"<title>(order A1: [^<]*)</title>", svg):
        ...     print(tip)
        order A1: protection
        order A1: dispute window
        order A1: protection ends 2025-04-17 18:00 +02:00
        order A1: last chance 2025-05-02 18:00 +02:00
        order A1: open by (recommended) 2025-04-07 18:00 +02:00
    """
    chosen = list(_checks.items(orders, Order, "orders", "[order, ...]"))
    if not chosen:
        raise InvalidValueError("orders=[] holds no order: give at least one")
    instant = _days.aware(at, "at")
    if not isinstance(soon, dt.timedelta) or soon <= dt.timedelta(0):
        raise InvalidValueError(f"soon={shown(soon)} must be a positive timedelta, e.g. datetime.timedelta(days=7)")
    rules = given_or_latest(rules)
    rows = [(order, _answered(order, rules)) for order in chosen]
    moments = [instant]
    moments += [moment for _, found in rows if isinstance(found, dict) for moment in found.values()]
    moments += [order.shipped_at for order, found in rows if isinstance(found, dict) and order.shipped_at is not None]
    left = _MARGIN + _LABELS
    scale = _scale(moments, left, WIDTH - _MARGIN)
    axis_top, rows_top = 30.0, 36.0
    bottom = rows_top + len(rows) * _ROW
    shapes = [
        _heading(f"{len(chosen)} orders at {when(instant)}", instant),
        _axis(scale, moments, instant, axis_top, bottom),
    ]
    for n, (order, facts) in enumerate(rows):
        top = rows_top + n * _ROW
        shapes.append(
            _text(_MARGIN, top + 11, _fitted(order.id, _LABELS - 6, _FONT), fill=_GREY, tip=f"order {order.id}")
        )
        if facts is None:
            shapes.append(_text(left + 2, top + 11, "not shipped yet", size=_SMALL, fill=_GREY))
            continue
        if isinstance(facts, AliprotectError):
            said = f"not drawn: {facts}"
            tip = f"order {order.id}: {facts}"
            shapes.append(
                _text(
                    left + 2,
                    top + 11,
                    _fitted(said, WIDTH - _MARGIN - left - 2, _SMALL),
                    size=_SMALL,
                    fill=_RED,
                    tip=tip,
                )
            )
            continue
        assert order.shipped_at is not None
        end = facts.get("protection_ends", facts.get("completed"))
        if end is not None:
            shapes.append(_bar(scale, order.shipped_at, end, top + 2, 5, _BLUE, f"order {order.id}: protection"))
        if "dispute_opens" in facts and "dispute_closes" in facts:
            window = f"order {order.id}: dispute window"
            shapes.append(_bar(scale, facts["dispute_opens"], facts["dispute_closes"], top + 8, 5, _GREEN, window))
        for name, what, (y1, y2) in (
            ("protection_ends", "protection ends", (top + 1, top + 8)),
            ("dispute_closes", "last chance", (top + 1, top + 14)),
            ("open_by_recommended", "open by (recommended)", (top + 7, top + 7)),  # a dot at y1
        ):
            if name not in facts:
                continue
            moment = facts[name]
            colour = _urgency(moment, instant, soon)
            x = scale.x(moment)
            tip = f"<title>order {_e(order.id)}: {what} {_e(when(moment))}</title>"
            if name == "open_by_recommended":
                shapes.append(f'<circle cx="{x:.1f}" cy="{y1:.1f}" r="3.5" fill="{colour}">{tip}</circle>')
            else:
                shapes.append(
                    f'<line x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                    f'stroke-width="3">{tip}</line>'
                )
    now_x = scale.x(instant)
    shapes.append(
        f'<line x1="{now_x:.1f}" y1="{axis_top:.1f}" x2="{now_x:.1f}" y2="{bottom:.1f}" stroke="{_BLACK}" '
        f'stroke-width="1.5"><title>now: {_e(when(instant))}</title></line>'
    )
    legend, height = _legend(
        [
            ("bar", _BLUE, "protection"),
            ("bar", _GREEN, "dispute window"),
            ("dot", _GREY, "recommended open-by"),
            ("short", _GREY, "protection ends"),
            ("line", _GREY, "last chance"),
            ("line", _RED, f"within {_span(soon)}"),
            ("line", _GREEN, "later"),
            ("line", "#999", "passed"),
            ("line", _BLACK, "now"),
        ],
        bottom + 6,
    )
    return svg(f"{len(chosen)} orders", WIDTH, height + 2, "".join(shapes) + legend)


def _answered(order: Order, rules: Rulebook) -> dict[str, pendulum.DateTime] | AliprotectError | None:
    """The order's deadlines; ``None`` if it has not shipped; the error if ``rules`` cannot
    answer for it (a fact the rulebook needs and the order lacks), which its row then says."""
    if order.shipped_at is None:
        return None
    try:
        return _deadlines(order, rules)
    except AliprotectError as error:
        return error


def _urgency(moment: pendulum.DateTime, at: pendulum.DateTime, soon: dt.timedelta) -> str:
    if _days.key(moment) <= _days.key(at):
        return "#999"
    return _RED if _days.key(moment) - _days.key(at) <= soon else _GREEN


def _span(soon: dt.timedelta) -> str:
    """``soon`` in the largest unit that measures it whole: days, hours, minutes, else seconds."""
    for unit, one in (
        ("day", dt.timedelta(days=1)),
        ("hour", dt.timedelta(hours=1)),
        ("minute", dt.timedelta(minutes=1)),
    ):
        if soon % one == dt.timedelta(0):
            count = soon // one
            return f"a {unit}" if count == 1 else f"{count:,} {unit}s"
    return f"{soon.total_seconds():g} seconds"
