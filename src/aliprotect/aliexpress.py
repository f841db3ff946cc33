"""AliExpress's own records in: Open Platform order payloads, read into aliprotect's values.

AliExpress's order APIs (``aliexpress.trade.new.redefining.findorderbyid``,
``aliexpress.solution.order.get`` and ``.info.get``, ``aliexpress.trade.ds.order.get``)
give their timestamps as text without a zone, ``YYYY-MM-DD HH:MM:SS``, in **US Pacific
time** (America/Los_Angeles, with daylight saving): AliExpress's SDK documents each of these
fields so. aliprotect never guesses a zone (C1); here the zone is a documented fact of the
source, and this module applies it explicitly. A time in the hour that the November change
repeats is refused unless the caller says which pass it is (``repeated_hour=``); a time in
the hour that the March change skips is refused.

- :func:`order_from_api` reads one order (a whole response or its inner object, in
  snake_case or camelCase) into an :class:`ApiOrder`: the :class:`~aliprotect.Order`, its
  shipments, its status codes and AliExpress's own countdown, with the field each fact
  came from.
- :func:`orders_from_api` reads a list response.
- :func:`reconcile` compares aliprotect's end of protection with AliExpress's countdown
  (``over_time_left``) and says whether they agree to the second, or by how much and why.

Which field gives which fact is a table in the docs ("From AliExpress's API to answers").
Nothing is guessed: a fact the answer needs and the record lacks raises
:class:`~aliprotect.errors.MissingFactError` naming it and how to give it; an unknown status
code, a malformed time or amount raises :class:`~aliprotect.errors.InvalidValueError`
naming the field, the value and what was expected.

Example:
    >>> import aliprotect
    >>> from aliprotect import aliexpress
    >>> record = {
    ...     "id": 8012345678901234,
    ...     "gmt_create": "2024-02-24 15:00:51",
    ...     "order_status": "WAIT_BUYER_ACCEPT_GOODS",
    ...     "logistics_status": "SELLER_SEND_GOODS",
    ...     "logistic_info_list": [
    ...         {"gmt_send": "2024-02-27 23:15:30", "logistics_no": "LP0041", "logistics_service_name": "Standard"}
    ...     ],
    ...     "child_order_list": [{"freight_commit_day": "90"}],
    ...     "over_time_left": "2024-05-28 00:15:30",
    ... }
    >>> found = aliexpress.order_from_api(record)
    >>> found.order.shipped_at.isoformat()
    '2024-02-27T23:15:30-08:00'
    >>> found.sources["protection_days"]
    'child_order_list[0].freight_commit_day'
    >>> aliexpress.reconcile(found, rules=aliprotect.rulebook("observed.2")).agrees
    True
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import functools
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import attrs
import pendulum

from aliprotect import _checks, _days, _formatting
from aliprotect._model import Money, Order
from aliprotect._registry import given_or_latest
from aliprotect._rulebook import Rulebook
from aliprotect._shown import shown
from aliprotect._timeline import protection_end
from aliprotect._tracking import Tracking
from aliprotect.display import fields_html
from aliprotect.errors import AliprotectError, InvalidValueError, MissingFactError

__all__ = [
    "CHINA",
    "PACIFIC",
    "ApiOrder",
    "IssueStatus",
    "LogisticsStatus",
    "OrderStatus",
    "ReceiveStatus",
    "Reconciliation",
    "Shipment",
    "china_time",
    "order_from_api",
    "orders_from_api",
    "pacific_time",
    "reconcile",
]

PACIFIC = "America/Los_Angeles"
"""The zone of every timestamp of AliExpress's order, logistics and dispute records."""

RepeatedHour = Literal["refuse", "earlier", "later"]


class OrderStatus(enum.Enum):
    """``order_status``: where the order is in AliExpress's process."""

    PLACE_ORDER_SUCCESS = "PLACE_ORDER_SUCCESS"
    """Placed, waiting for the buyer's payment."""
    IN_CANCEL = "IN_CANCEL"
    """The buyer asked to cancel."""
    WAIT_SELLER_SEND_GOODS = "WAIT_SELLER_SEND_GOODS"
    """Paid, waiting for the seller to ship."""
    SELLER_PART_SEND_GOODS = "SELLER_PART_SEND_GOODS"
    """Part of the order shipped."""
    WAIT_BUYER_ACCEPT_GOODS = "WAIT_BUYER_ACCEPT_GOODS"
    """Shipped, waiting for the buyer to confirm receipt: buyer protection runs."""
    FUND_PROCESSING = "FUND_PROCESSING"
    """The buyer confirmed receipt; the payment is being settled. Some clients spell it
    ``PAYMENT_PROCESSING``, which reads as this."""
    IN_ISSUE = "IN_ISSUE"
    """A dispute is open."""
    IN_FROZEN = "IN_FROZEN"
    """Frozen."""
    WAIT_SELLER_EXAMINE_MONEY = "WAIT_SELLER_EXAMINE_MONEY"
    """Waiting for the seller to confirm the amount."""
    RISK_CONTROL = "RISK_CONTROL"
    """Held for AliExpress's risk check of the payment."""
    RISK_CONTROL_HOLD = "RISK_CONTROL_HOLD"
    """Held by the risk check."""
    FINISH = "FINISH"
    """Ended."""
    ARCHIVE = "ARCHIVE"
    """Archived."""

    @classmethod
    def _missing_(cls, value: object) -> OrderStatus | None:
        return cls.FUND_PROCESSING if value == "PAYMENT_PROCESSING" else None


class LogisticsStatus(enum.Enum):
    """``logistics_status``: how much of the order the seller has shipped."""

    NO_LOGISTICS = "NO_LOGISTICS"
    WAIT_SELLER_SEND_GOODS = "WAIT_SELLER_SEND_GOODS"
    SELLER_SEND_PART_GOODS = "SELLER_SEND_PART_GOODS"
    SELLER_SEND_GOODS = "SELLER_SEND_GOODS"
    BUYER_ACCEPT_GOODS = "BUYER_ACCEPT_GOODS"


class IssueStatus(enum.Enum):
    """``issue_status``: whether the order has a dispute."""

    NO_ISSUE = "NO_ISSUE"
    IN_ISSUE = "IN_ISSUE"
    END_ISSUE = "END_ISSUE"


class ReceiveStatus(enum.Enum):
    """``receive_status`` of a shipment: whether the carrier delivered it."""

    DEFAULT = "default"
    RECEIVED = "received"
    NOT_RECEIVED = "not_received"
    SUSPECTED_RECEIVED = "suspected_received"


_SHIPPED = frozenset({LogisticsStatus.SELLER_SEND_GOODS, LogisticsStatus.BUYER_ACCEPT_GOODS})
_NOT_SHIPPED = frozenset({LogisticsStatus.NO_LOGISTICS, LogisticsStatus.WAIT_SELLER_SEND_GOODS})
# what an order status says about shipping when the record has no logistics_status
_SHIPPED_BY_STATUS = {
    OrderStatus.PLACE_ORDER_SUCCESS: False,
    OrderStatus.WAIT_SELLER_SEND_GOODS: False,
    OrderStatus.RISK_CONTROL: False,
    OrderStatus.RISK_CONTROL_HOLD: False,
    OrderStatus.WAIT_SELLER_EXAMINE_MONEY: False,
    OrderStatus.WAIT_BUYER_ACCEPT_GOODS: True,
    OrderStatus.FUND_PROCESSING: True,
}


@attrs.frozen(kw_only=True)
class Shipment(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """One shipment of an order (an entry of ``logistic_info_list``); an order may ship in parts.

    Attributes:
        number: ``logistics_no``, the tracking number.
        service: ``logistics_service_name``, the shipping service, when the record has it.
        sent_at: ``gmt_send``, when the seller shipped it.
        delivered_at: ``gmt_received``, when the carrier delivered it, when the record has it.
        receive_status: ``receive_status``, when the record has it.
    """

    number: str
    service: str | None
    sent_at: pendulum.DateTime
    delivered_at: pendulum.DateTime | None
    receive_status: ReceiveStatus | None

    @property
    def tracking(self) -> Tracking:
        """The shipment as a :class:`~aliprotect.Tracking`: its number, given when it was sent, with no events."""
        return Tracking(number=self.number, provided_at=self.sent_at)


def _fields(value: Mapping[str, str]) -> Mapping[str, str]:
    return _checks.mapping(value, "sources")


@attrs.frozen(kw_only=True)
class ApiOrder(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """An order read from AliExpress's records.

    Attributes:
        order: the :class:`~aliprotect.Order` the record describes, its instants in US Pacific time.
        status: ``order_status``.
        logistics_status: ``logistics_status``, when the record has it.
        issue_status: ``issue_status``, when the record has it.
        shipments: the shipments, in the order of ``gmt_send``.
        countdown: ``over_time_left``: when AliExpress's timer of the current status runs out.
            While the order waits for the buyer to accept the goods, that is the end of buyer
            protection. ``None`` when the record has none.
        timeout_left: ``timeout_left_time``: the same timer, as the time left at the moment of
            the response (negative: overdue); ``None`` when the record has none.
        responded_at: the moment of the response: the caller's ``responded_at``, or the whole
            response's ``time_stamp`` (China time); ``None`` when neither is known.
        end_reason: ``order_end_reason``, as text, when the record has it.
        sources: for each fact of ``order``, the field of the record it was read from (or
            ``"argument"`` when the caller gave it).
    """

    order: Order
    status: OrderStatus
    logistics_status: LogisticsStatus | None
    issue_status: IssueStatus | None
    shipments: tuple[Shipment, ...]
    countdown: pendulum.DateTime | None
    end_reason: str | None
    timeout_left: dt.timedelta | None = None
    responded_at: pendulum.DateTime | None = None
    sources: Mapping[str, str] = attrs.field(converter=_fields, repr=False)


@attrs.frozen(kw_only=True)
class Reconciliation(_formatting.ShowsAsHtml, _days.PicklesInstantsWhole):
    """aliprotect's end of protection beside AliExpress's own countdown.

    Attributes:
        order_id: the order.
        comparable: whether AliExpress's countdown is the end of buyer protection (it is while
            the order waits for the buyer to accept the goods); when not, ``agrees`` is ``False``
            and ``reason`` says what the countdown is.
        agrees: whether the two ends are the same instant, to the second.
        aliexpress: AliExpress's end, in US Pacific time: ``over_time_left``, or else the
            response's time plus ``timeout_left_time``; ``None`` when the record has neither.
        aliprotect: aliprotect's end of protection under ``rulebook``, or ``None``.
        difference: ``aliprotect - aliexpress``, or ``None`` when they cannot be compared.
        reason: why they differ (or that they agree), in a sentence.
        rulebook: the version of the rulebook aliprotect counted with.
        fingerprint: its fingerprint.
        aliexpress_field: the field AliExpress's end came from (``over_time_left`` or
            ``timeout_left_time``), or ``None``.
    """

    order_id: str
    comparable: bool
    agrees: bool
    aliexpress: pendulum.DateTime | None
    aliprotect: pendulum.DateTime | None
    difference: dt.timedelta | None
    reason: str
    rulebook: str
    fingerprint: str
    aliexpress_field: str | None = None


# --- reading the record ---------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")
_DAYS = re.compile(r"[0-9]{1,9}")
_MOST_DAYS = 999_999_999
"""The most days ``freight_commit_day`` may say (nine digits); the rulebooks allow far fewer."""
_ORDER_KEYS = frozenset({"id", "order_id", "gmt_create", "order_status", "product_list", "child_order_list"})
_ENVELOPES = ("target", "result", "data", "value")
_LISTS = ("target_list", "order_list", "order_dto", "orders", "list")


def _snake(key: str) -> str:
    """``gmtCreate`` as ``gmt_create``; snake_case stays as it is."""
    return _CAMEL.sub("_", key).lower()


_DEEPEST = 32
"""How deeply a record may nest: AliExpress's records nest about six levels."""


def _normalized(value: object, depth: int = 0) -> object:
    """``value`` with every object's keys in snake_case (as the API writes them; SDKs write camelCase)."""
    if depth > _DEEPEST:
        raise InvalidValueError(f"the record nests more than {_DEEPEST} levels deep; an order record nests about six")
    if isinstance(value, Mapping):
        result: dict[str, object] = {}
        spelled: dict[str, str] = {}
        for key, item in value.items():
            name = _snake(str(key))
            if name in result:
                raise InvalidValueError(
                    f"the record has both {shown(spelled[name])} and {shown(str(key))}, "
                    f"two spellings of {shown(name)}; "
                    "give each field once"
                )
            spelled[name] = str(key)
            result[name] = _normalized(item, depth + 1)
        return result
    if isinstance(value, list):
        return [_normalized(item, depth + 1) for item in value]
    return value


def _items(value: object, where: str) -> list[Mapping[str, Any]]:
    """The objects of a list field: a list, or the single-key object that wraps one in the API's
    JSON (``{"aeop_tp_logistic_info_dto": [...]}``); ``None`` is no items."""
    if value is None:
        return []
    if isinstance(value, Mapping) and len(value) == 1:
        (value,) = value.values()
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise InvalidValueError(f"{where}={_shown(value)} must be a list of objects")
    return value


def _shown(value: object) -> str:
    """A value as a message shows it, cut short after 80 characters (a record can be long)."""
    text = shown(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _unwrapped(payload: Mapping[str, Any]) -> tuple[Mapping[str, Any], object]:
    """The order object inside a whole response (``{"..._response": {"target": {...}}}``), and the
    response's ``time_stamp`` when it has one."""
    current: Mapping[str, Any] = payload
    stamp: object = None
    for _ in range(6):
        if _ORDER_KEYS & set(current):
            return current, stamp
        stamp = current.get("time_stamp", stamp)
        keys = [key for key in current if key.endswith("_response")]
        if len(current) == 1 and keys:
            inner = current[keys[0]]
        else:
            inner = next((current[key] for key in _ENVELOPES if isinstance(current.get(key), Mapping)), None)
        if not isinstance(inner, Mapping):
            break
        current = inner
    error = current.get("error_response") or current.get("error_message") or current.get("msg")
    if error:
        raise InvalidValueError(f"the record is an error response, not an order: {_shown(error)}")
    raise InvalidValueError(
        f"the record has no order in it: found the fields {sorted(current)[:12]}; an order has gmt_create "
        "and order_status (a whole response of findorderbyid, solution.order.info.get or ds.order.get, "
        "or its inner object)"
    )


_ORDER_FIELDS = (
    "id",
    "order_id",
    "gmt_create",
    "order_status",
    "logistics_status",
    "issue_status",
    "over_time_left",
    "timeout_left_time",
    "gmt_trade_end",
    "order_end_reason",
    "pay_amount",
    "order_amount",
    "logistic_info_list",
    "logistics_info_list",
    "product_list",
    "child_order_list",
)
"""The fields of an order record that the reader reads; the record's other fields it leaves."""
_SHIPMENT_FIELDS = ("gmt_send", "gmt_received", "logistics_no", "logistics_service_name", "receive_status")
_PRODUCT_FIELDS = ("freight_commit_day",)


def _no_look_alikes(data: Mapping[str, Any], read: Sequence[str], where: str) -> None:
    """Refuse a field that looks like one the reader reads but is not it (``gmt_creat``,
    ``gmt_sendd``), when the record lacks the real one: the reader would leave it and
    answer as if the fact were unknown."""
    missing = tuple(name for name in read if name not in data)
    if not missing:
        return
    for name in data:
        close = None if name in read or not isinstance(name, str) else _look_alike(name, missing)
        if close is not None:
            raise InvalidValueError(
                f"{where}{name}: the record has the field {shown(name)}, which aliprotect does not read, and lacks "
                f"{shown(close)}, which it looks like; rename it {shown(close)}, as AliExpress's API names it"
            )


@functools.lru_cache(maxsize=4096)
def _look_alike(name: str, missing: tuple[str, ...]) -> str | None:
    """The field of ``missing`` that ``name`` looks like, if one does: asked once per name, as the
    records of a file share their fields."""
    close = difflib.get_close_matches(name, missing, n=1, cutoff=0.9)
    return close[0] if close else None


class _Record:
    """One order's record, with its fields in snake_case, read field by field."""

    def __init__(self, payload: object, repeated_hour: RepeatedHour) -> None:
        if not isinstance(payload, Mapping):
            raise InvalidValueError(
                f"payload={_shown(payload)} must be an AliExpress order record: a dict, as parsed from its JSON"
            )
        normalized = _normalized(payload)
        assert isinstance(normalized, Mapping)
        self.data, stamp = _unwrapped(normalized)
        self.repeated_hour = repeated_hour
        self.id = self._id()
        _no_look_alikes(self.data, _ORDER_FIELDS, self.where(""))
        self.responded_at = None if stamp is None else china_time(stamp, field=self.where("time_stamp"))

    def left(self) -> dt.timedelta | None:
        """``timeout_left_time``: the time left in the current status at the response, in milliseconds."""
        value = self.data.get("timeout_left_time")
        if value is None or value == "":
            return None
        number: object = value
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,13}", value.strip()):
            number = int(value.strip())
        if not isinstance(number, int) or isinstance(number, bool) or abs(number) >= 10**13:
            raise InvalidValueError(
                f"{self.where('timeout_left_time')}={_shown(value)} must be a whole number of milliseconds, "
                "less than about 300 years either way"
            )
        return dt.timedelta(milliseconds=number)

    def _id(self) -> str:
        for key in ("id", "order_id"):
            value = self.data.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return str(value)
            if isinstance(value, str):
                return value.strip()
            raise InvalidValueError(
                f"{key}={_shown(value)} is not an order number: give it as a whole number greater than 0 or as text"
            )
        raise MissingFactError(f"the record has no order id: it needs id or order_id (found {sorted(self.data)[:12]})")

    def where(self, field: str) -> str:
        return f"order {self.id}: {field}"

    def text(self, field: str, data: Mapping[str, Any] | None = None, where: str | None = None) -> str | None:
        value = (self.data if data is None else data).get(field)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise InvalidValueError(f"{self.where(where or field)}={_shown(value)} must be text")
        return value

    def time(
        self, field: str, data: Mapping[str, Any] | None = None, where: str | None = None
    ) -> pendulum.DateTime | None:
        text = self.text(field, data, where)
        if text is None:
            return None
        return pacific_time(text, field=self.where(where or field), repeated_hour=self.repeated_hour)

    def code(self, field: str, kind: type[_Code]) -> _Code | None:
        text = self.text(field)
        if text is None:
            return None
        try:
            return kind(text)
        except ValueError:
            known = ", ".join(member.value for member in kind)
            raise InvalidValueError(
                f"{self.where(field)}={shown(text)} is not a status code aliprotect knows; known: {known}"
            ) from None

    def days(self, value: object, where: str) -> int:
        """A whole number of days, given as a number (``90``, ``90.0``) or as its text (``"90"``)."""
        number: object = value
        if isinstance(value, str) and _DAYS.fullmatch(value.strip()):
            number = int(value.strip())
        elif isinstance(value, float) and value.is_integer() and 0 < value <= _MOST_DAYS:
            number = int(value)
        if not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= _MOST_DAYS:
            raise InvalidValueError(f"{self.where(where)}={_shown(value)} must be a whole number of days, such as 90")
        return number

    def money(self) -> tuple[Money | None, str | None]:
        for field in ("pay_amount", "order_amount"):
            value = self.data.get(field)
            if value is None:
                continue
            if not isinstance(value, Mapping) or not {"amount", "currency_code"} <= set(value):
                raise InvalidValueError(
                    f"{self.where(field)}={_shown(value)} must be an amount and its currency: "
                    "{'amount': '20.50', 'currency_code': 'USD'}"
                )
            amount, currency = value["amount"], value["currency_code"]
            try:
                number = (
                    Decimal(str(amount)) if isinstance(amount, str | int) and not isinstance(amount, bool) else None
                )
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                raise InvalidValueError(
                    f"{self.where(field)}.amount={_shown(amount)} must be a decimal number, such as '20.50'"
                )
            try:
                return Money(number, currency), field
            except AliprotectError as error:
                raise InvalidValueError(f"{self.where(field)}: {error}") from None
        return None, None


_Code = Any  # an enum type of this module's status codes


def pacific_time(text: str, *, field: str = "time", repeated_hour: RepeatedHour = "refuse") -> pendulum.DateTime:
    """An AliExpress timestamp, ``YYYY-MM-DD HH:MM:SS`` in US Pacific time, as an instant.

    Args:
        text: the timestamp as the API gives it.
        field: the field's name, for the error message.
        repeated_hour: what a time in the hour the November change repeats (01:00 to 01:59)
            means: ``"refuse"`` (the default) raises, ``"earlier"`` takes the first pass (PDT,
            UTC-7), ``"later"`` the second (PST, UTC-8). Choose only when you know, for
            instance from the record's other times.

    Raises:
        InvalidValueError: not a time of that form; a time the March change skips; a time in
            the repeated hour with ``repeated_hour="refuse"``.

    Example:
        >>> from aliprotect.aliexpress import pacific_time
        >>> pacific_time("2024-03-10 03:30:00").isoformat()
        '2024-03-10T03:30:00-07:00'
        >>> pacific_time("2024-11-03 01:30:00", repeated_hour="later").isoformat()
        '2024-11-03T01:30:00-08:00'
    """
    if repeated_hour not in ("refuse", "earlier", "later"):
        raise InvalidValueError(f"repeated_hour={shown(repeated_hour)} must be 'refuse', 'earlier' or 'later'")
    wall = _wall(text, field, "an AliExpress time", "US Pacific time")
    zone = pendulum.timezone(PACIFIC)
    first, later = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != later.utcoffset():
        back = first.astimezone(dt.UTC).astimezone(zone)
        if back.replace(tzinfo=None) != wall:
            raise InvalidValueError(
                f"{field}={shown(text)} does not exist in US Pacific time: the clocks skip from 02:00 to 03:00 "
                "that day; the record is not in Pacific time, or it is damaged"
            )
        if repeated_hour == "refuse":
            raise InvalidValueError(
                f"{field}={shown(text)} falls in the hour US Pacific time repeats that day (first PDT, UTC-7, then "
                "PST, UTC-8), and the record does not say which; aliprotect does not pick one: pass "
                "repeated_hour='earlier' or 'later' if you know"
            )
        chosen = first if repeated_hour == "earlier" else later
    else:
        chosen = first
    try:
        chosen.astimezone(dt.UTC)
    except OverflowError:
        raise InvalidValueError(f"{field}={shown(text)} is outside the years 1 to 9999 in UTC") from None
    return _days.as_pendulum(chosen, zone)


def _wall(text: object, field: str, what: str, zone: str) -> dt.datetime:
    """The wall-clock time of an AliExpress timestamp, ``YYYY-MM-DD HH:MM:SS``, without its zone."""
    if not isinstance(field, str):
        raise InvalidValueError(f"field={shown(field)} must be the field's name, a string, e.g. 'gmt_create'")
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidValueError(f"{field}={_shown(text)} is not {what}: expected 'YYYY-MM-DD HH:MM:SS' in {zone}")
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError as error:
        raise InvalidValueError(f"{field}={shown(text)} is not a real date and time: {error}") from None


CHINA = "Asia/Shanghai"
"""The zone of the API gateway's ``time_stamp`` (China time, UTC+8, no daylight saving since 1991)."""


def china_time(text: object, *, field: str = "time_stamp") -> pendulum.DateTime:
    """The API gateway's ``time_stamp``, ``YYYY-MM-DD HH:MM:SS`` in China time, as an instant.

    Raises:
        InvalidValueError: not a time of that form.

    Example:
        >>> from aliprotect.aliexpress import china_time
        >>> china_time("2024-03-20 22:00:35").in_timezone("UTC").isoformat()
        '2024-03-20T14:00:35+00:00'
    """
    wall = _wall(text, field, "an AliExpress gateway time", "China time")
    if wall.year < 1992:
        raise InvalidValueError(f"{field}={shown(text)} is before 1992: AliExpress's gateway did not answer then")
    return _days.as_pendulum(wall, pendulum.timezone(CHINA))


def _shipments(record: _Record) -> tuple[Shipment, ...]:
    shipments = []
    for index, entry in enumerate(_items(record.data.get("logistic_info_list"), record.where("logistic_info_list"))):
        where = f"logistic_info_list[{index}]"
        _no_look_alikes(entry, _SHIPMENT_FIELDS, record.where(f"{where}."))
        sent = record.time("gmt_send", entry, f"{where}.gmt_send")
        if sent is None:
            raise MissingFactError(f"{record.where(where)} has no gmt_send: a shipment needs the time it was sent")
        number = record.text("logistics_no", entry, f"{where}.logistics_no")
        if number is None:
            raise MissingFactError(f"{record.where(where)} has no logistics_no: a shipment needs its tracking number")
        status_text = record.text("receive_status", entry, f"{where}.receive_status")
        try:
            status = None if status_text is None else ReceiveStatus(status_text)
        except ValueError:
            known = ", ".join(member.value for member in ReceiveStatus)
            raise InvalidValueError(
                f"{record.where(where)}.receive_status={shown(status_text)} is not a status aliprotect knows; "
                f"known: {known}"
            ) from None
        shipments.append(
            Shipment(
                number=number,
                service=record.text("logistics_service_name", entry, f"{where}.logistics_service_name"),
                sent_at=sent,
                delivered_at=record.time("gmt_received", entry, f"{where}.gmt_received"),
                receive_status=status,
            )
        )
    return tuple(sorted(shipments, key=lambda shipment: _days.key(shipment.sent_at)))


def _product_days(record: _Record, listing: _Record | None) -> tuple[int | None, str | None]:
    """The products' ``freight_commit_day``, which every product of the order must share, and its field."""
    found: dict[int, str] = {}
    for source in (record, listing):
        if source is None:
            continue
        for field in ("product_list", "child_order_list"):
            for index, entry in enumerate(_items(source.data.get(field), source.where(field))):
                _no_look_alikes(entry, _PRODUCT_FIELDS, source.where(f"{field}[{index}]."))
                value = entry.get("freight_commit_day")
                if value is not None:
                    where = f"{field}[{index}].freight_commit_day"
                    found.setdefault(source.days(value, where), where if source is record else f"listing {where}")
        if found:
            break
    if len(found) > 1:
        raise InvalidValueError(
            f"{record.where('freight_commit_day')}: the products promise different times "
            f"({', '.join(map(str, sorted(found)))} days), and the record does not say which one the order's "
            "protection follows; pass protection_days="
        )
    if not found:
        return None, None
    ((days, where),) = found.items()
    return days, where


def _shipped(record: _Record, status: OrderStatus, logistics: LogisticsStatus | None) -> bool:
    """Whether the seller has shipped the whole order, by ``logistics_status`` or else by ``order_status``."""
    if logistics is not None:
        return logistics in _SHIPPED
    if status in _SHIPPED_BY_STATUS:
        return _SHIPPED_BY_STATUS[status]
    if status is OrderStatus.SELLER_PART_SEND_GOODS:
        return False
    raise MissingFactError(
        f"{record.where('logistics_status')} is missing, and order_status {status.value} does not say whether the "
        "seller shipped; give the record with its logistics_status"
    )


def order_from_api(
    payload: Mapping[str, Any],
    *,
    listing: Mapping[str, Any] | None = None,
    protection_days: int | None = None,
    received_at: dt.datetime | None = None,
    responded_at: dt.datetime | None = None,
    repeated_hour: RepeatedHour = "refuse",
) -> ApiOrder:
    """An order of AliExpress's records, read into aliprotect's values.

    Args:
        payload: the order as parsed from the API's JSON: a whole response
            (``{"aliexpress_trade_new_redefining_findorderbyid_response": {"target": {...}}}``)
            or its inner object, in snake_case or camelCase.
        listing: the same order's entry of a list response, for facts a detail response may
            lack (the products' ``freight_commit_day``).
        protection_days: the order's protection timer, when neither record has it.
        received_at: when the buyer confirmed receipt, when the record shows it confirmed but
            has no time for it (see the docs' table).
        responded_at: the moment of the response (for instance its HTTP ``Date``), against
            which ``timeout_left_time`` counts; a whole response's ``time_stamp`` gives it too.
        repeated_hour: how to read a time in the hour US Pacific time repeats in November
            (see :func:`pacific_time`).

    Raises:
        InvalidValueError: a field the answer needs holds a malformed value, an unknown status
            code, or contradicts another; the message names the field and the value.
        MissingFactError: a fact the order needs is in neither record nor the arguments.

    Example:
        >>> from aliprotect import aliexpress
        >>> found = aliexpress.order_from_api(
        ...     {"orderId": "3031", "gmtCreate": "2024-11-03 01:30:00", "orderStatus": "WAIT_SELLER_SEND_GOODS"},
        ...     protection_days=60,
        ...     repeated_hour="earlier",
        ... )
        >>> found.order.placed_at.isoformat(), found.order.shipped
        ('2024-11-03T01:30:00-07:00', False)
    """
    record = _Record(payload, repeated_hour)
    other = None if listing is None else _Record(listing, repeated_hour)
    if other is not None and other.id != record.id:
        raise InvalidValueError(f"listing is the entry of order {other.id}, not of order {record.id}")
    sources: dict[str, str] = {"id": "id" if "id" in record.data else "order_id"}
    status = record.code("order_status", OrderStatus)
    if status is None:
        raise MissingFactError(f"{record.where('order_status')} is missing: every order record has one")
    logistics = record.code("logistics_status", LogisticsStatus)
    placed = record.time("gmt_create")
    if placed is None:
        raise MissingFactError(f"{record.where('gmt_create')} is missing: it says when the order was placed")
    sources["placed_at"] = "gmt_create"
    shipments = _shipments(record)
    shipped_at = None
    if _shipped(record, status, logistics):
        if not shipments and "logistics_info_list" in record.data:
            raise MissingFactError(
                f"{record.where('logistics_info_list')}: the record lists its shipments without the time each was "
                "sent (as ds.order.get gives them), and the order has shipped: aliprotect needs gmt_send; read "
                "the order with findorderbyid (or solution.order.info.get), whose logistic_info_list has it"
            )
        if not shipments:
            raise MissingFactError(
                f"{record.where('logistic_info_list')} is empty, but the order has shipped "
                f"({(logistics or status).value}): the record needs its shipments, with gmt_send"
            )
        shipped_at = shipments[-1].sent_at  # protection starts when the whole order has shipped
        sources["shipped_at"] = f"logistic_info_list[{len(shipments) - 1}].gmt_send (the last shipment)"

    days, where = _product_days(record, other)
    if protection_days is not None:
        if isinstance(protection_days, bool) or not isinstance(protection_days, int) or protection_days <= 0:
            raise InvalidValueError(
                f"protection_days={shown(protection_days)} must be a whole number of days greater than 0, such as 60"
            )
        if days is not None and days != protection_days:
            raise InvalidValueError(
                f"protection_days={shown(protection_days)}, but {record.where(where or '')} says {days}; "
                "leave protection_days out, or correct it"
            )
        days, where = protection_days, "argument"
    if days is None:
        raise MissingFactError(
            f"{record.where('freight_commit_day')} is missing: the order's protection timer is its products' "
            "promised delivery time, which list responses carry (product_list[].freight_commit_day); pass "
            "that order's entry of a list response as listing=, or protection_days="
        )
    sources["protection_days"] = sources["promised_days"] = where or "argument"

    confirmed = None
    if logistics is LogisticsStatus.BUYER_ACCEPT_GOODS or record.text("order_end_reason") == "buyer_confirm_goods":
        ended = record.time("gmt_trade_end") if record.text("order_end_reason") == "buyer_confirm_goods" else None
        if received_at is not None:
            confirmed, sources["received_at"] = _days.aware(received_at, "received_at"), "argument"
            if ended is not None and _days.key(ended) != _days.key(confirmed):
                raise InvalidValueError(
                    f"received_at={confirmed.isoformat()}, but {record.where('gmt_trade_end')} says the buyer "
                    f"confirmed at {ended.isoformat()}; leave received_at out, or correct it"
                )
        elif ended is not None:
            confirmed, sources["received_at"] = ended, "gmt_trade_end"
        else:
            raise MissingFactError(
                f"{record.where('received_at')}: the buyer confirmed receipt ({(logistics or status).value}), but "
                "the record has no time for it (gmt_trade_end with order_end_reason buyer_confirm_goods); pass "
                "received_at="
            )
    elif received_at is not None:
        raise InvalidValueError(
            f"received_at={shown(received_at)}, but {record.where('logistics_status')} does not show the buyer's "
            "confirmation; leave received_at out"
        )

    delivered = None
    every = all(s.receive_status is ReceiveStatus.RECEIVED and s.delivered_at is not None for s in shipments)
    if shipped_at is not None and shipments and every:
        delivered = max((s.delivered_at for s in shipments if s.delivered_at is not None), key=_days.key)
        sources["delivered_at"] = "logistic_info_list[].gmt_received (the last delivery)"

    amount, money_field = record.money()
    if money_field is not None:
        sources["amount"] = money_field
    services = {s.service for s in shipments if s.service is not None}
    carrier = services.pop() if len(services) == 1 and shipped_at is not None else None
    if carrier is not None:
        sources["carrier"] = "logistic_info_list[].logistics_service_name"
    try:
        order = Order(
            id=record.id,
            placed_at=placed,
            shipped_at=shipped_at,
            protection_days=days,
            received_at=confirmed,
            amount=amount,
            carrier=carrier,
            promised_days=days,
            delivered_at=delivered,
        )
    except AliprotectError as error:
        raise type(error)(f"order {record.id}: {error}") from None
    return ApiOrder(
        order=order,
        status=status,
        logistics_status=logistics,
        issue_status=record.code("issue_status", IssueStatus),
        shipments=shipments,
        countdown=record.time("over_time_left"),
        end_reason=record.text("order_end_reason"),
        sources=sources,
        timeout_left=record.left(),
        responded_at=record.responded_at if responded_at is None else _days.aware(responded_at, "responded_at"),
    )


def orders_from_api(
    payload: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    protection_days: int | None = None,
    repeated_hour: RepeatedHour = "refuse",
) -> tuple[ApiOrder, ...]:
    """The orders of a list response (``aliexpress.solution.order.get``, whole or inner), or of a
    list of order records.

    Raises:
        InvalidValueError, MissingFactError: as :func:`order_from_api`, for the first order that
            cannot be read; the message names its order id and its place in the list.
    """
    entries = _list_entries(payload)
    found = []
    for index, entry in enumerate(entries):
        try:
            found.append(order_from_api(entry, protection_days=protection_days, repeated_hour=repeated_hour))
        except AliprotectError as error:
            raise type(error)(f"order #{index + 1} of the list: {error}") from None
    return tuple(found)


def _list_entries(payload: object) -> list[Mapping[str, Any]]:
    if isinstance(payload, list):
        return _items(payload, "payload")
    if not isinstance(payload, Mapping):
        raise InvalidValueError(f"payload={_shown(payload)} must be a list response (a dict) or a list of orders")
    current: object = _normalized(payload)
    for _ in range(8):
        if isinstance(current, list):
            return _items(current, "the list of orders")
        if not isinstance(current, Mapping):
            break
        if any(key in current for key in _LISTS):
            listed = next(current[key] for key in _LISTS if key in current)
            if listed is None or listed == {} or listed == []:
                return []  # an empty page
            current = listed
            continue
        keys = [key for key in current if key.endswith("_response")]
        inner = current[keys[0]] if len(current) == 1 and keys else None
        inner = inner if inner is not None else next((current[k] for k in _ENVELOPES if k in current), None)
        if inner is None:
            if len(current) == 1 and isinstance(next(iter(current.values())), list):
                return _items(current, "the list of orders")
            break
        current = inner
    raise InvalidValueError(
        "the payload holds no list of orders: expected a list response such as "
        '{"aliexpress_solution_order_get_response": {"result": {"target_list": {"order_dto": [...]}}}}'
    )


# --- reconciling with AliExpress's countdown ------------------------------------------------------


def reconcile(
    record: ApiOrder | Mapping[str, Any],
    *,
    rules: Rulebook | None = None,
    repeated_hour: RepeatedHour = "refuse",
) -> Reconciliation:
    """aliprotect's end of protection beside AliExpress's own countdown (``over_time_left``).

    While an order waits for the buyer to accept the goods, AliExpress's countdown is the end of
    buyer protection. The two agree to the second under rulebook ``observed.2``, which counts
    days as the countdown does (whole 24-hour days). Under a rulebook that counts calendar days
    in the order's zone (C2), they differ by an hour when US Pacific time changes offset between
    shipping and the end; the reason says so. A few seconds apart means AliExpress started its
    timer when it recorded the status change, a moment after the last shipment's ``gmt_send``;
    whole days apart, that AliExpress's timer has another length (an extension the record
    does not list, or another promised time).

    Args:
        record: an :class:`ApiOrder`, or an order record to read with :func:`order_from_api`.
        rules: the rulebook to count with; ``None`` for the latest.

    Example:
        >>> import aliprotect
        >>> from aliprotect import aliexpress
        >>> record = {
        ...     "order_id": "3031", "gmt_create": "2024-02-24 15:00:51", "order_status": "WAIT_BUYER_ACCEPT_GOODS",
        ...     "logistics_status": "SELLER_SEND_GOODS",
        ...     "logistic_info_list": [{"gmt_send": "2024-02-27 23:15:30", "logistics_no": "LP0041"}],
        ...     "product_list": [{"freight_commit_day": 90}], "over_time_left": "2024-05-28 00:15:30",
        ... }
        >>> aliexpress.reconcile(record, rules=aliprotect.rulebook("observed.2")).reason
        'agree to the second'
        >>> reason = aliexpress.reconcile(record, rules=aliprotect.rulebook("2025.2")).reason
        >>> print(reason)  # doctest: +NORMALIZE_WHITESPACE
        aliprotect's end is 1 hour before AliExpress's: rulebook 2025.2 counts calendar days in the
        order's zone (C2), while AliExpress counts whole 24-hour days, and US Pacific time changed
        its offset in between (-08:00 to -07:00); rulebook observed.2 counts as AliExpress does
    """
    rules = given_or_latest(rules)
    found = record if isinstance(record, ApiOrder) else order_from_api(record, repeated_hour=repeated_hour)
    order = found.order
    from_left = None
    if found.timeout_left is not None and found.responded_at is not None:
        # to the second, as AliExpress writes its times: the milliseconds count from a moment inside
        # the second its time_stamp names
        left = dt.timedelta(seconds=round(found.timeout_left.total_seconds()))
        try:
            from_left = _days.as_pendulum((found.responded_at + left).in_timezone(PACIFIC), pendulum.timezone(PACIFIC))
        except OverflowError:
            raise InvalidValueError(
                f"order {order.id}: timeout_left_time counted from the response's time "
                f"({found.responded_at.isoformat()}) falls outside the years 1 to 9999"
            ) from None
    theirs, field = (
        (found.countdown, "over_time_left") if found.countdown is not None else (from_left, "timeout_left_time")
    )

    def answer(comparable: bool, reason: str, ours: pendulum.DateTime | None = None) -> Reconciliation:
        difference = None if ours is None or theirs is None else _days.key(ours) - _days.key(theirs)
        return Reconciliation(
            order_id=order.id,
            comparable=comparable,
            agrees=comparable and difference == dt.timedelta(0),
            aliexpress=theirs,
            aliprotect=ours,
            difference=difference,
            reason=reason,
            rulebook=rules.version,
            fingerprint=rules.fingerprint,
            aliexpress_field=field if theirs is not None else None,
        )

    if theirs is None:
        known = "" if found.timeout_left is None else " (it has timeout_left_time, but not the time of the response)"
        return answer(False, f"the record has no over_time_left: AliExpress's countdown is not known{known}")
    if found.status is OrderStatus.WAIT_BUYER_ACCEPT_GOODS and order.shipped_at is None:
        return answer(
            False,
            f"the order waits for the buyer, but the record does not show it wholly shipped (logistics_status "
            f"{found.logistics_status.value if found.logistics_status else 'missing'}), so aliprotect's protection "
            "timer has not started",
        )
    if found.status is not OrderStatus.WAIT_BUYER_ACCEPT_GOODS or order.shipped_at is None:
        return answer(
            False,
            f"{field} is when status {found.status.value} times out, not the end of buyer protection "
            "(it is while the order waits for the buyer to accept the goods)",
        )
    ours = _days.as_pendulum(protection_end(order, rules=rules).at.in_timezone(PACIFIC), pendulum.timezone(PACIFIC))
    reason = _why(_days.key(ours) - _days.key(theirs), order, theirs, rules)
    if from_left is not None and found.countdown is not None:
        apart = round((_days.key(from_left) - _days.key(found.countdown)).total_seconds())
        if apart:
            side = "later" if apart > 0 else "earlier"
            reason += (
                f"; timeout_left_time, counted from the response's time, puts AliExpress's end "
                f"{_duration(dt.timedelta(seconds=abs(apart)))} {side} than over_time_left"
            )
    return answer(True, reason, ours)


def _duration(size: dt.timedelta) -> str:
    """``size`` in words: ``1 hour``, ``2 days 3 seconds``."""
    seconds = int(size.total_seconds())
    parts = []
    for name, length in (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, length)
        if count:
            parts.append(f"{count} {name}{'s' if count != 1 else ''}")
    return " ".join(parts) or f"{size.microseconds} microseconds"


def _why(difference: dt.timedelta, order: Order, theirs: pendulum.DateTime, rules: Rulebook) -> str:
    if not difference:
        return "agree to the second"
    size = abs(difference)
    side = "after" if difference > dt.timedelta(0) else "before"
    said = f"aliprotect's end is {_duration(size)} {side} AliExpress's"
    shipped = order.shipped_at
    assert shipped is not None
    if size == dt.timedelta(hours=1) and rules.calendar("protection.period") is None:
        start, end = shipped.in_timezone(PACIFIC), theirs
        if start.utcoffset() != end.utcoffset():
            return (
                f"{said}: rulebook {rules.version} counts calendar days in the order's zone (C2), while AliExpress "
                f"counts whole 24-hour days, and US Pacific time changed its offset in between "
                f"({start.strftime('%z')[:3]}:{start.strftime('%z')[3:]} to {end.strftime('%z')[:3]}:"
                f"{end.strftime('%z')[3:]}); rulebook observed.2 counts as AliExpress does"
            )
    if size < dt.timedelta(minutes=10):
        return (
            f"{said}: AliExpress starts its countdown when it records the order's change to "
            "WAIT_BUYER_ACCEPT_GOODS, a moment after the last shipment's gmt_send, where aliprotect starts it"
        )
    if size % dt.timedelta(days=1) == dt.timedelta(0) or size % dt.timedelta(days=1) in (
        dt.timedelta(hours=1),
        dt.timedelta(hours=23),
    ):
        days = round(size / dt.timedelta(days=1))
        longer = "longer" if difference < dt.timedelta(0) else "shorter"
        return (
            f"{said}: AliExpress's timer is about {days} days {longer} than the order's {order.protection_days} "
            f"days of protection{' and extensions' if order.extensions else ''}: an extension the record does "
            "not list, or another promised time; add the extension (aliprotect.Extension) if the seller granted one"
        )
    return f"{said}, for a reason aliprotect cannot tell from the record"


for _kind in (Shipment, ApiOrder, Reconciliation):  # shown in a notebook field by field
    _formatting.register_html(_kind, fields_html)
