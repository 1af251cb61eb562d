"""Orders API v0 `getOrders` responses (JSON), the source of ship-by and deliver-by dates.

Accepted shapes: a response `{"payload": {"Orders": [...]}}`, a bare `{"Orders": [...]}`, or a
list of such pages (what a client that follows `NextToken` collects). Only the fields an `Order`
needs are read; the buyer's name, e-mail and address never leave the file.

An error names the line where the offending order object starts (its `{`) and the JSON field.
Finding that line needs a pure-Python JSON parse that records positions; it is several times
slower than `json.loads`, so it runs only when the file has a problem to report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from json.decoder import JSONArray, JSONObject  # type: ignore[attr-defined]
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from sellerhealth.domain.records import DEFAULT_MARKETPLACE, Channel, Order
from sellerhealth.errors import RowError
from sellerhealth.ingest.base import ReadOptions, ReadResult, RejectedRow
from sellerhealth.ingest.json_input import load_json
from sellerhealth.ingest.values import (
    MAX_COUNT,
    check_text,
    parse_bool,
    parse_day,
    without_emails,
)

Problem = tuple[str, str]  # (JSON field, what is wrong)
# The `Order` fields a response fills: an import updates only these, so it does not blank the
# category or SKUs that another file supplied.
FIELDS = frozenset(
    {
        "order_id",
        "purchase_date",
        "fulfillment_channel",
        "marketplace_id",
        "is_business_order",
        "units",
        "latest_ship_date",
        "latest_delivery_date",
        "order_status",
    }
)
# The response fields `_order` reads; nothing else of an order is kept, even in a rejects file.
READ = (
    "AmazonOrderId",
    "PurchaseDate",
    "FulfillmentChannel",
    "MarketplaceId",
    "IsBusinessOrder",
    "NumberOfItemsShipped",
    "NumberOfItemsUnshipped",
    "LatestShipDate",
    "LatestDeliveryDate",
    "OrderStatus",
)
# (order, the object or array whose line an error names, problem of a page without orders)
Item = tuple[Any, Any, Problem | None]
Bad = tuple[int, Any, list[Problem]]  # (index in the items, the order, its problems)
_NO_ORDER = object()  # stands for the order of a page that holds none


def _items(document: Any) -> list[Item]:
    """(order, object to place errors at, problem) for every order, in file order.

    A page that holds no order list is an item too, with its problem, so it is reported.
    """
    pages = document if isinstance(document, list) else [document]
    items: list[Item] = []
    for page in pages:
        if not isinstance(page, dict):
            items.append((page, None, ("json", "expected a getOrders response object")))
        elif "AmazonOrderId" in page:  # a list of orders rather than of pages
            items.append((page, page, None))
        else:
            payload = page.get("payload", page)
            orders = payload.get("Orders") if isinstance(payload, dict) else None
            if isinstance(orders, list):
                # An entry that is not an object is placed at its Orders array.
                items.extend((o, o if isinstance(o, dict) else orders, None) for o in orders)
            else:
                # A failed call returns {"errors": [...]} instead: its orders are missing.
                if page.get("errors"):
                    why = ("errors", f"the call failed: {_shown(page['errors'], 300)}")
                else:
                    why = ("payload", "has no Orders list")
                items.append((page, page, why))
    return items


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{_shown(value)} is not a non-empty string")
    return check_text(value.strip())


def _shown(value: Any, limit: int = 60) -> str:
    """A value for a message: as JSON, cut short (a field can be megabytes long), with any
    character no file can hold (a lone surrogate) escaped."""
    return _plain(json.dumps(value, ensure_ascii=False), limit)


def _day(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError(f"{_shown(value)} is not an ISO 8601 date or time string")
    return parse_day(value)


def _channel(value: Any) -> Channel:
    try:
        return Channel(_text(value).upper())
    except ValueError:
        raise ValueError(f"unknown value {_shown(value)}; expected AFN or MFN") from None


def _bool(value: Any) -> bool:
    return value if isinstance(value, bool) else parse_bool(_text(value))


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
        return value
    raise ValueError(f"{_shown(value)} is not a count of items (0 to {MAX_COUNT:,})")


def _order(data: dict[str, Any], account: str) -> tuple[Order | None, list[Problem]]:
    problems: list[Problem] = []

    def field(name: str, parse: Callable[[Any], Any], required: bool = False) -> Any:
        value = data.get(name)
        if value is None or value == "":
            if required:
                problems.append((name, "is missing; a value is required"))
            return None
        try:
            return parse(value)
        except ValueError as problem:
            problems.append((name, str(problem)))
            return None

    order_id = field("AmazonOrderId", _text, required=True)
    purchase_date = field("PurchaseDate", _day, required=True)
    channel = field("FulfillmentChannel", _channel, required=True)
    marketplace = field("MarketplaceId", _text)
    business = field("IsBusinessOrder", _bool)
    items = (field("NumberOfItemsShipped", _count) or 0) + (
        field("NumberOfItemsUnshipped", _count) or 0
    )
    latest_ship = field("LatestShipDate", _day)
    latest_delivery = field("LatestDeliveryDate", _day)
    status = field("OrderStatus", _text)
    if problems:
        return None, problems
    order = Order(
        account=account,
        order_id=order_id,
        purchase_date=purchase_date,
        fulfillment_channel=channel,
        marketplace_id=marketplace or DEFAULT_MARKETPLACE,
        is_business_order=bool(business),
        units=max(items, 1),  # a cancelled order reports no items, but it had at least one
        latest_ship_date=latest_ship,
        latest_delivery_date=latest_delivery,
        order_status=status,
    )
    return order, problems


class _Located(json.JSONDecoder):
    """A JSON decoder that remembers the offset where each object and array starts, by id."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: dict[int, int] = {}

        def located(parse: Callable[..., tuple[Any, int]]) -> Callable[..., tuple[Any, int]]:
            def parse_located(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
                found, end = parse(s_and_end, *args)
                self.starts[id(found)] = s_and_end[1] - 1  # the offset of its { or [
                return found, end

            return parse_located

        self.parse_object = located(JSONObject)
        self.parse_array = located(JSONArray)
        # The C scanner parses objects itself; the Python one calls the parsers above.
        self.scan_once = py_make_scanner(self)


def _plain(text: str, limit: int = 60) -> str:
    cut = text if len(text) <= limit else text[: limit - 3] + "..."
    return without_emails(cut).encode("utf-8", "backslashreplace").decode("utf-8")


def _read_fields(data: Any) -> Any:
    return {k: v for k, v in data.items() if k in READ} if isinstance(data, dict) else data


def _lines(text: str) -> list[int]:
    """The line where each item's object starts, in the order of `_items` (1 when unknown)."""
    decoder = _Located()
    lines = []
    for _data, where, _problem in _items(decoder.decode(text)):
        start = decoder.starts.get(id(where)) if where is not None else None
        lines.append(1 if start is None else text.count("\n", 0, start) + 1)
    return lines


class AmazonOrdersApiImporter:
    kind = "amazon-orders-api"

    def identify(self, head: str) -> bool:
        if not head.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
            return False
        if '"FinancialEvents"' in head:  # Finances API events name orders too
            return False
        return '"AmazonOrderId"' in head or ('"payload"' in head and '"Orders"' in head)

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        result = ReadResult(kind=self.kind, path=str(path), fields=FIELDS)
        document, text = load_json(path, result, options.encoding)
        if document is None:
            return result
        items = _items(document)
        orders: dict[str, Order] = {}
        bad: list[Bad] = []
        for at, (data, _where, problem) in enumerate(items):
            if problem is not None:
                bad.append((at, _NO_ORDER, [problem]))
                continue
            result.rows += 1
            if not isinstance(data, dict):
                bad.append((at, data, [("Orders", "expected an order object")]))
                continue
            order, problems = _order(data, options.account)
            if order is None:
                bad.append((at, data, problems))
            else:
                # The same order in two pages (overlapping pulls): the later page is newer.
                orders[order.order_id] = order
        result.records.extend(orders.values())
        if bad:
            self._report(result, text, bad)
        return result

    def _report(self, result: ReadResult, text: str, bad: list[Bad]) -> None:
        lines = _lines(text)
        for at, data, problems in bad:
            # A response saved as one line puts every order on line 1: name the order too.
            order_id = data.get("AmazonOrderId") if isinstance(data, dict) else None
            named = f" (order {_plain(order_id)})" if isinstance(order_id, str) and order_id else ""
            errors = tuple(RowError(result.path, lines[at], c, p + named) for c, p in problems)
            result.errors.extend(errors)
            if data is not _NO_ORDER:  # a page without orders is no row that could be skipped
                # Only the fields read: the buyer's name, e-mail and address stay in the file.
                kept = _read_fields(data)
                cells = (json.dumps(kept),)
                result.rejected.append(RejectedRow(lines[at], cells, errors))


AMAZON_ORDERS_API = AmazonOrdersApiImporter()
