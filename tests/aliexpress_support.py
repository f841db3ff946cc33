"""Order records as AliExpress's Open Platform API writes them, built from its documented fields.

No real order is copied here: every record is written from the field lists of the API's
documentation (``findorderbyid``, ``solution.order.get`` / ``.info.get``, ``ds.order.get``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pendulum

from aliprotect import Order

PACIFIC = "America/Los_Angeles"


def pacific(instant: dt.datetime) -> str:
    """``instant`` as AliExpress writes it: its US Pacific wall-clock time, without a zone."""
    return pendulum.instance(instant).in_timezone(PACIFIC).strftime("%Y-%m-%d %H:%M:%S")


def at(text: str) -> pendulum.DateTime:
    """A Pacific wall-clock time that is not in a repeated hour, as an instant."""
    return pendulum.parse(text.replace(" ", "T"), tz=PACIFIC)  # type: ignore[return-value]


def detail(
    *,
    order_id: str = "8012345678901234",
    status: str = "WAIT_BUYER_ACCEPT_GOODS",
    logistics: str | None = "SELLER_SEND_GOODS",
    created: str = "2024-02-24 15:00:51",
    sends: tuple[str, ...] = ("2024-02-27 23:15:30",),
    received: tuple[str | None, ...] | None = None,
    receive_status: tuple[str, ...] | None = None,
    commit_days: tuple[object, ...] = (90,),
    countdown: str | None = "2024-05-28 00:15:30",
    issue: str | None = "NO_ISSUE",
    end_reason: str | None = None,
    trade_end: str | None = None,
    amount: dict[str, object] | None = None,
    service: str | None = "AliExpress Standard Shipping",
) -> dict[str, Any]:
    """The inner object of a ``findorderbyid`` response (snake_case), with the fields aliprotect reads
    and a few it ignores on purpose."""
    logistic = []
    for index, sent in enumerate(sends):
        entry: dict[str, object] = {"gmt_send": sent, "logistics_no": f"LP0{index}41", "logistics_type": "CAINIAO"}
        if service is not None:
            entry["logistics_service_name"] = service
        if received is not None and received[index] is not None:
            entry["gmt_received"] = received[index]
        if receive_status is not None:
            entry["receive_status"] = receive_status[index]
        logistic.append(entry)
    record: dict[str, Any] = {
        "id": order_id,
        "gmt_create": created,
        "gmt_pay_success": created,
        "gmt_modified": sends[-1] if sends else created,
        "order_status": status,
        "frozen_status": "NO_FROZEN",
        "fund_status": "PAY_SUCCESS",
        "buyer_login_id": "buyer-example",
        "pay_amount": amount or {"amount": "20.50", "currency_code": "USD"},
        "logistic_info_list": {"aeop_tp_logistic_info_dto": logistic},
        "child_order_list": {
            "aeop_tp_child_order_dto": [
                {"product_id": 1005000 + i, "freight_commit_day": days} for i, days in enumerate(commit_days)
            ]
        },
    }
    for key, value in (
        ("logistics_status", logistics),
        ("over_time_left", countdown),
        ("issue_status", issue),
        ("order_end_reason", end_reason),
        ("gmt_trade_end", trade_end),
    ):
        if value is not None:
            record[key] = value
    return record


def whole(inner: dict[str, Any], method: str = "aliexpress_trade_new_redefining_findorderbyid") -> dict[str, Any]:
    """``inner`` as a whole response of ``method``."""
    return {f"{method}_response": {"target": inner, "request_id": "0ba2887315178178017221014"}}


def camel(value: object) -> object:
    """``value`` with every key in camelCase, as SDKs write them."""
    if isinstance(value, dict):
        return {re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), key): camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel(item) for item in value]
    return value


def record_of(order: Order, *, countdown: str | None = None) -> dict[str, Any]:
    """The record AliExpress would give of ``order`` (shipped in one parcel, waiting for the buyer
    unless received): the writer the round-trip property reads back."""
    shipped = order.shipped_at
    status, logistics = "WAIT_SELLER_SEND_GOODS", "WAIT_SELLER_SEND_GOODS"
    if shipped is not None:
        status, logistics = "WAIT_BUYER_ACCEPT_GOODS", "SELLER_SEND_GOODS"
    record: dict[str, Any] = {
        "id": order.id,
        "gmt_create": pacific(order.placed_at),
        "order_status": status,
        "logistics_status": logistics,
        "child_order_list": [{"freight_commit_day": str(order.protection_days)}],
    }
    if order.amount is not None:
        record["pay_amount"] = {"amount": str(order.amount.amount), "currency_code": order.amount.currency}
    if shipped is not None:
        entry: dict[str, object] = {"gmt_send": pacific(shipped), "logistics_no": "LP0041"}
        if order.carrier is not None:
            entry["logistics_service_name"] = order.carrier
        if order.delivered_at is not None:
            entry["gmt_received"] = pacific(order.delivered_at)
            entry["receive_status"] = "received"
        record["logistic_info_list"] = [entry]
    if order.received_at is not None:
        record["order_status"], record["logistics_status"] = "FINISH", "BUYER_ACCEPT_GOODS"
        record["order_end_reason"] = "buyer_confirm_goods"
        record["gmt_trade_end"] = pacific(order.received_at)
    if countdown is not None:
        record["over_time_left"] = countdown
    return record


def flat(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` (as :func:`record_of` writes it) as a flat row of a table of records: the last
    shipment's fields, and the products' promised time."""
    row = {key: value for key, value in record.items() if not isinstance(value, list | dict)}
    shipments = record.get("logistic_info_list") or []
    if shipments:
        last = shipments[-1]
        for key in ("gmt_send", "gmt_received", "receive_status", "logistics_service_name"):
            if key in last:
                row[key] = last[key]
    products = record.get("child_order_list") or []
    if products:
        row["freight_commit_day"] = products[0]["freight_commit_day"]
    return row
