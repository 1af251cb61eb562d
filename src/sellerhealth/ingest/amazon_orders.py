"""Amazon's order flat file, GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL (TSV).

The file has one row per item; an order is its `amazon-order-id`, counted once (SPEC section
3). Only the columns an `Order` needs are declared: the buyer's address columns (ship-city,
ship-postal-code, ...) are never read into a record.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from sellerhealth.domain.marketplaces import BY_DOMAIN, MARKETPLACES, is_outside_amazon
from sellerhealth.domain.records import DEFAULT_MARKETPLACE, Channel, Order, Record
from sellerhealth.errors import RowError
from sellerhealth.ingest.base import (
    Column,
    MalformedFile,
    ReadOptions,
    ReadResult,
    RejectedRow,
    Row,
    Rows,
    TabularImporter,
    _parse_row,
    duplicate_columns,
    read_columns,
    row_account,
    shape_problem,
)
from sellerhealth.ingest.values import (
    check_text,
    optional,
    parse_bool,
    parse_day,
    parse_int,
    parse_required_text,
    parse_text,
    shown,
)

# The `sales-channel` cell of an order placed outside Amazon (Multi-Channel Fulfillment for
# another site: `Non-Amazon`, `SI UK Prod Marketplace`). Such an order is no Amazon store's to
# measure: it is counted in the import summary and left out of the records, hence every metric.
OUTSIDE_AMAZON = "outside-amazon"
_CHANNELS = {"amazon": Channel.AFN, "merchant": Channel.MFN}

T = TypeVar("T")
Key = tuple[str, str]  # (account, amazon-order-id)

# The `Order` field each declared column fills. A file updates only the fields it has columns
# for, so importing it does not blank ship-by dates that the Orders API supplied.
FIELDS = {
    "amazon-order-id": "order_id",
    "purchase-date": "purchase_date",
    "fulfillment-channel": "fulfillment_channel",
    "sales-channel": "marketplace_id",
    "is-business-order": "is_business_order",
    "quantity": "units",
    "order-status": "order_status",
    "sku": "skus",
}


def _channel(raw: str) -> Channel:
    try:
        return _CHANNELS[raw.strip().lower()]
    except KeyError:
        expected = "expected Amazon or Merchant"
        raise ValueError(f"unknown value {shown(raw.strip())}; {expected}") from None


def _marketplace(raw: str) -> str:
    """The marketplace id of a store name (`Amazon.co.uk`); an empty cell is amazon.com."""
    name = raw.strip().lower()
    if not name:
        return DEFAULT_MARKETPLACE
    store = BY_DOMAIN.get(name.removeprefix("www."))
    if store is not None:
        return store.marketplace_id
    if is_outside_amazon(name):
        return OUTSIDE_AMAZON
    raise ValueError(
        f"unknown sales channel {shown(raw.strip())}; expected Non-Amazon, an SI ... Prod "
        "Marketplace (Multi-Channel Fulfillment) or one of: "
        + ", ".join(f"Amazon{m.domain[6:]}" for m in MARKETPLACES)
    )


def _cached(parse: Callable[[str], T]) -> Callable[[str], T]:
    """`parse` remembering its answers: a million item rows repeat a few thousand distinct cells
    (purchase times, channels, stores, quantities), and a cache hit costs a fraction of a parse.
    Errors are not cached; they are raised again for each bad row, as they must be."""
    return lru_cache(maxsize=1 << 16)(parse)


_purchase_day = _cached(parse_day)
_channel_of = _cached(_channel)
_marketplace_of = _cached(_marketplace)
_business = _cached(parse_bool)
_quantity = _cached(optional(parse_int(0)))
_status = _cached(parse_text)


def _build(row: Row, account: str) -> Order:
    return Order(
        account=account,
        order_id=row["amazon-order-id"],
        purchase_date=row["purchase-date"],
        fulfillment_channel=row["fulfillment-channel"],
        marketplace_id=row.get("sales-channel") or DEFAULT_MARKETPLACE,
        is_business_order=row.get("is-business-order") or False,
        # Units are summed over the item rows in `_merge`; a cancelled item says quantity 0.
        units=row.get("quantity") or 0,
        order_status=row.get("order-status"),
        skus=row.get("sku"),
    )


def _join_skus(skus: list[str]) -> str | None:
    """An order's distinct SKUs in file order, comma-separated (what-if: "SKU moves to FBA")."""
    return ",".join(dict.fromkeys(skus)) or None


def _merge(records: list[Record], result: ReadResult, _options: ReadOptions) -> list[Record]:
    """One `Order` per (account, amazon-order-id): the first item row's fields, summed units."""
    first: dict[Key, Order] = {}
    units: dict[Key, int] = {}
    skus: dict[Key, list[str]] = {}
    outside: set[Key] = set()
    for record in records:
        assert isinstance(record, Order)
        key = (record.account, record.order_id)
        if record.marketplace_id == OUTSIDE_AMAZON:
            outside.add(key)
            continue
        if key in first:
            units[key] += record.units
        else:
            first[key] = record
            units[key] = record.units
            skus[key] = []
        if record.skus:
            skus[key].append(record.skus)
    result.outside_amazon = len(outside)
    # An order has at least one unit, even when every item row says 0 (a cancelled order).
    return [
        replace(order, units=max(units[key], 1), skus=_join_skus(skus[key]))
        for key, order in first.items()
    ]


class _ItemRows(TabularImporter):
    """The general reader, made fast for this kind: a million item rows in a few seconds.

    Only the seven cells an `Order` needs are parsed, with the same (cached) parsers as the
    declared columns, and item rows are merged as they are read instead of building one record
    per row. A bad row is handed to the general row parser, so its errors are exactly what
    `TabularImporter.read` reports (tests/ingest check that both readers agree).
    """

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        with _no_cycle_collection():
            try:
                result = _read_items(self, path, options)
            except MalformedFile as problem:
                result = ReadResult(self.kind, str(path), errors=[problem.error])
            # None: no header, or a required column is absent or named twice; the general
            # reader says so.
            if result is None:
                result = super().read(path, options)
        header = {cell.strip().lower() for cell in result.header}
        result.fields = frozenset(field for name, field in FIELDS.items() if name in header)
        return result


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector while a file is read.

    Reading creates a million small acyclic objects that all stay alive; the collector would
    traverse them again and again for nothing (it doubled the read time of a 1,000,000-row
    file). Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _At(NamedTuple):
    """Where the cells the fast reader parses are (the header's width when absent)."""

    order_id: int
    purchase_date: int
    fulfillment_channel: int
    sales_channel: int
    is_business_order: int
    quantity: int
    order_status: int
    sku: int
    account: int


_AT_COLUMNS = (  # the header names of _At's fields, in order
    "amazon-order-id",
    "purchase-date",
    "fulfillment-channel",
    "sales-channel",
    "is-business-order",
    "quantity",
    "order-status",
    "sku",
    "account",
)


def _fast_row(
    cells: list[str], at: _At, order_id: str, default_account: str
) -> tuple[str, tuple[date, Channel, str, bool, str | None], int, str | None]:
    """(account, first-row fields, quantity, sku) of one item row; ValueError when bad."""
    if not order_id:
        raise ValueError("amazon-order-id is empty")
    check_text(order_id)
    fields = (
        _purchase_day(cells[at.purchase_date]),
        _channel_of(cells[at.fulfillment_channel]),
        _marketplace_of(cells[at.sales_channel]),
        _business(cells[at.is_business_order]),
        _status(cells[at.order_status]),
    )
    account = row_account(cells[at.account], default_account)
    return account, fields, _quantity(cells[at.quantity]) or 0, _status(cells[at.sku])


def _add_item(
    key: Key,
    fields: tuple[date, Channel, str, bool, str | None],
    quantity: int,
    sku: str | None,
    firsts: dict[Key, tuple[date, Channel, str, bool, str | None]],
    units: dict[Key, int],
    skus: dict[Key, list[str]],
) -> None:
    """One item row into its order: the first row's fields, the units summed, the SKUs."""
    if key in units:
        units[key] += quantity
    else:
        firsts[key] = fields
        units[key] = quantity
        skus[key] = []
    if sku:
        skus[key].append(sku)


def _read_items(importer: TabularImporter, path: Path, options: ReadOptions) -> ReadResult | None:
    rows = Rows(path, options.encoding)
    header = next(rows, (1, []))[1]
    index = {cell.strip().lower(): i for i, cell in enumerate(header)}
    if not header or any(name not in index for name in importer.required()):
        return None
    if duplicate_columns(str(path), header, importer.columns):
        return None
    result = ReadResult(importer.kind, str(path), header=tuple(header), encoding=rows.encoding)
    result.read_columns = read_columns(header, importer.columns)
    present = [(c, index[c.name]) for c in importer.columns if c.name in index]
    # An absent optional column reads as one extra empty cell, which parses to its default.
    width = len(header)
    at = _At(*(index.get(name, width) for name in _AT_COLUMNS))
    firsts: dict[Key, tuple[date, Channel, str, bool, str | None]] = {}
    units: dict[Key, int] = {}
    skus: dict[Key, list[str]] = {}
    outside: set[Key] = set()
    for line, cells in rows:
        size = len(cells)
        shape = shape_problem(str(path), line, cells, width)
        cells.append("")
        if size < width:  # a short row: the missing cells are empty
            cells.extend([""] * (width - size))
        order_id = cells[at.order_id].strip()
        if not order_id and not "".join(cells).strip():
            continue  # a blank line
        result.rows += 1
        if shape:
            del cells[size:]
            result.errors.append(shape)
            result.rejected.append(RejectedRow(line, tuple(cells), (shape,)))
            continue
        try:
            account, fields, quantity, sku = _fast_row(cells, at, order_id, options.account)
        except ValueError:
            del cells[size:]
            errors = _parse_row(str(path), line, cells, present)[1]
            if at.account < size:
                try:
                    row_account(cells[at.account], options.account)
                except ValueError as problem:
                    errors.append(RowError(str(path), line, "account", str(problem)))
            result.errors.extend(errors)
            result.rejected.append(RejectedRow(line, tuple(cells), tuple(errors)))
            continue
        key = (account, order_id)
        if fields[2] == OUTSIDE_AMAZON:
            outside.add(key)
            continue
        _add_item(key, fields, quantity, sku, firsts, units, skus)
    result.outside_amazon = len(outside)
    result.records = [
        Order(
            account=account,
            order_id=order_id,
            purchase_date=day,
            fulfillment_channel=channel,
            marketplace_id=store,
            is_business_order=business,
            units=max(units[account, order_id], 1),
            order_status=status,
            skus=_join_skus(skus[account, order_id]),
        )
        for (account, order_id), (day, channel, store, business, status) in firsts.items()
    ]
    return result


AMAZON_ORDERS = _ItemRows(
    kind="amazon-orders",
    columns=(
        Column("amazon-order-id", parse_required_text, required=True),
        Column("purchase-date", _purchase_day, required=True),
        Column("fulfillment-channel", _channel_of, required=True),
        Column("sales-channel", _marketplace_of),
        Column("is-business-order", _business),
        Column("quantity", _quantity),
        Column("order-status", _status),
        Column("sku", _status),
    ),
    build=_build,
    signature=frozenset({"amazon-order-id", "purchase-date", "fulfillment-channel"}),
    finish=_merge,
)
