"""Synthetic seller data at portfolio scale, written as Parquet, with defects of every kind.

Orders over a year for K accounts of Pareto-skewed size, 60% FBA; negative and neutral
feedback arriving 3-40 days after the order, some later removed or struck through; A-to-z
claims with status histories decided weeks later (granted, denied, reversed, ...), some Buy
Shipping protected; service and fraud chargebacks, some won; shipments with late
confirmations, missing scans and late deliveries; cancellations by seller, buyer and system;
buyer messages; policy violations. Generated in chunks so 100M orders fit in memory.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

END = date(2026, 11, 20)
DAYS = 365
EPOCH = np.datetime64("1970-01-01", "D")
CHUNK = 5_000_000
CATEGORIES = np.array(["toys", "kitchen", "books", "garden"])
VIOLATION_CATEGORIES = np.array(
    ["listingPolicyViolations", "receivedIntellectualPropertyComplaints"]
)
SEVERITIES = np.array(["low", "medium", "high", "critical"])


def _days(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[D]"), type=pa.date32())


def _maybe_days(values: np.ndarray, present: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[D]"), type=pa.date32(), mask=~present)


def _flat(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """pyarrow returns large string arrays in chunks; the writers here want one array."""
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _text(values: np.ndarray) -> pa.Array:
    return _flat(pa.array(values.astype(str)))


def _accounts(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    weights = rng.pareto(1.2, k) + 1
    return rng.choice(k, size=n, p=weights / weights.sum()).astype(np.int32)


def _write(out: Path, table: str, part: int, columns: dict[str, pa.Array]) -> None:
    folder = out / table
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), folder / f"part-{part:04d}.parquet")


def _account_names(ids: np.ndarray) -> pa.Array:
    return _flat(pa.array(np.char.add("acct", ids.astype(str))))


def write_chunk(
    out: Path, part: int, first_id: int, n: int, k: int, rng: np.random.Generator,
    start: np.datetime64, days: int,
) -> None:  # fmt: skip
    """n orders with ids first_id.. purchased in [start, start+days), and their events."""
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    account = _accounts(rng, n, k)
    p = start + rng.integers(0, days, n).astype("timedelta64[D]")
    mfn = rng.random(n) < 0.4
    latest_ship = p + rng.integers(1, 3, n).astype("timedelta64[D]")
    units = rng.integers(1, 4, n)
    category = CATEGORIES[rng.integers(0, len(CATEGORIES), n)]
    names = _account_names(account)
    _write(out, "orders", part, {
        "account": names, "order_id": _text(ids), "purchase_date": _days(p),
        "fulfillment_channel": pa.array(np.where(mfn, "MFN", "AFN")),
        "marketplace_id": pa.array(np.full(n, "ATVPDKIKX0DER")),
        "is_business_order": pa.array(np.zeros(n, dtype=np.int32)),
        "units": pa.array(units), "latest_ship_date": _maybe_days(latest_ship, mfn),
        "latest_delivery_date": _maybe_days(latest_ship + np.timedelta64(5, "D"), mfn),
        "order_status": pa.array(np.full(n, "Shipped")), "category": _text(category),
        "skus": pa.nulls(n, pa.string()),
    })  # fmt: skip
    _feedback(out, part, rng, ids, names, p)
    _claims(out, part, rng, ids, names, p)
    _chargebacks(out, part, rng, ids, names, p)
    _fulfilment(out, part, rng, ids[mfn], names.filter(pa.array(mfn)), p[mfn], latest_ship[mfn],
                units[mfn])  # fmt: skip


def _pick(rng: np.random.Generator, share: float, n: int) -> np.ndarray:
    return np.flatnonzero(rng.random(n) < share)


def _feedback(out: Path, part: int, rng, ids, names, p) -> None:
    at = _pick(rng, 0.015, len(ids))
    m = len(at)
    left = p[at] + rng.integers(3, 41, m).astype("timedelta64[D]")
    removed = rng.random(m) < 0.1
    struck = ~removed & (rng.random(m) < 0.05)
    gone = left + rng.integers(1, 30, m).astype("timedelta64[D]")
    _write(out, "feedback", part, {
        "account": names.take(pa.array(at)), "order_id": _text(ids[at]),
        "feedback_date": _days(left), "rating": pa.array(rng.integers(1, 4, m)),
        "comments": pa.nulls(m, pa.string()), "removed_date": _maybe_days(gone, removed),
        "struck_through_date": _maybe_days(gone, struck),
        "last_seen_report": pa.nulls(m, pa.date32()),
    })  # fmt: skip


STATUSES = np.array(["granted", "refunded", "order_cancelled", "denied", "withdrawn", "reversed"])


def _claims(out: Path, part: int, rng, ids, names, p) -> None:
    at = _pick(rng, 0.004, len(ids))
    m = len(at)
    filed = p[at] + rng.integers(10, 61, m).astype("timedelta64[D]")
    reasons = np.where(rng.random(m) < 0.5, "item not received", "not as described")
    protected = (rng.random(m) < 0.1).astype(np.int32)
    acc = names.take(pa.array(at))
    _write(out, "claims", part, {
        "account": acc, "order_id": _text(ids[at]), "claim_date": _days(filed),
        "reason": pa.array(reasons), "buy_shipping_protected": pa.array(protected),
    })  # fmt: skip
    decided = rng.random(m) < 0.7  # the rest stay pending
    when = filed + rng.integers(5, 31, m).astype("timedelta64[D]")
    status = STATUSES[rng.integers(0, len(STATUSES), m)]
    keep = np.flatnonzero(decided)
    _write(out, "claim_statuses", part, {
        "account": pa.concat_arrays([acc, acc.take(pa.array(keep))]),
        "order_id": _text(np.concatenate([ids[at], ids[at][keep]])),
        "claim_date": _days(np.concatenate([filed, filed[keep]])),
        "effective_date": _days(np.concatenate([filed, when[keep]])),
        "status": pa.array(np.concatenate([np.full(m, "pending"), status[keep]])),
    })  # fmt: skip


def _chargebacks(out: Path, part: int, rng, ids, names, p) -> None:
    at = _pick(rng, 0.0015, len(ids))
    m = len(at)
    filed = p[at] + rng.integers(20, 81, m).astype("timedelta64[D]")
    acc = names.take(pa.array(at))
    _write(out, "chargebacks", part, {
        "account": acc, "order_id": _text(ids[at]), "chargeback_date": _days(filed),
        "reason": pa.array(np.where(rng.random(m) < 0.7, "service", "fraud")),
    })  # fmt: skip
    won = rng.random(m) < 0.3
    keep = np.flatnonzero(won)
    _write(out, "chargeback_statuses", part, {
        "account": acc.take(pa.array(keep)), "order_id": _text(ids[at][keep]),
        "chargeback_date": _days(filed[keep]),
        "effective_date": _days(filed[keep] + np.timedelta64(14, "D")),
        "status": pa.array(np.full(len(keep), "seller_won")),
    })  # fmt: skip


def _fulfilment(out: Path, part: int, rng, ids, names, p, latest_ship, units) -> None:
    n = len(ids)
    confirmed = rng.random(n) < 0.97
    at = np.flatnonzero(confirmed)
    m = len(at)
    c = p[at] + rng.choice([0, 1, 2, 3], m, p=[0.4, 0.4, 0.15, 0.05]).astype("timedelta64[D]")
    valid = rng.random(m) < 0.96
    scan = c + np.timedelta64(1, "D")
    promised = latest_ship[at] + np.timedelta64(4, "D")
    delivered = promised + rng.choice([-2, -1, 0, 1, 3], m, p=[0.3, 0.3, 0.3, 0.07, 0.03]).astype(
        "timedelta64[D]"
    )
    _write(out, "shipments", part, {
        "account": names.take(pa.array(at)), "order_id": _text(ids[at]),
        "package": _text(np.char.add("T", ids[at].astype(str))),
        "ship_confirm_date": _days(c), "carrier": pa.array(np.full(m, "UPS")),
        "tracking_id": _text(np.char.add("T", ids[at].astype(str))),
        "tracking_valid": pa.nulls(m, pa.int32()), "first_scan_date": _maybe_days(scan, valid),
        "delivered_date": _maybe_days(delivered, valid), "promised_delivery_date": _days(promised),
        "units": pa.array(units[at]),
    })  # fmt: skip
    cancelled = np.flatnonzero(~confirmed | (rng.random(n) < 0.005))
    k = len(cancelled)
    _write(out, "cancellations", part, {
        "account": names.take(pa.array(cancelled)), "order_id": _text(ids[cancelled]),
        "cancel_date": _days(p[cancelled] + rng.integers(0, 3, k).astype("timedelta64[D]")),
        "initiator": pa.array(np.array(["seller", "buyer", "system"])[rng.integers(0, 3, k)]),
        "reason": pa.nulls(k, pa.string()),
    })  # fmt: skip


def write_account_events(out: Path, k: int, rng: np.random.Generator, start: np.datetime64) -> None:
    """Buyer messages and policy violations, which belong to accounts, not orders."""
    m = k * 200
    account = _account_names(rng.integers(0, k, m))
    received = start.astype("datetime64[s]") + rng.integers(0, DAYS * 86400, m).astype(
        "timedelta64[s]"
    )
    answered = rng.random(m) < 0.95
    delay = rng.exponential(8 * 3600, m).astype("timedelta64[s]")
    _write(out, "messages", 0, {
        "account": account, "message_id": _text(np.arange(m)),
        "received_at": pa.array(received.astype("datetime64[us]")),
        "responded_at": pa.array((received + delay).astype("datetime64[us]"), mask=~answered),
    })  # fmt: skip
    v = k * 3
    vdate = start + rng.integers(0, DAYS, v).astype("timedelta64[D]")
    resolved = rng.random(v) < 0.4
    _write(out, "violations", 0, {
        "account": _account_names(rng.integers(0, k, v)), "violation_id": _text(np.arange(v)),
        "date": _days(vdate),
        "category": pa.array(VIOLATION_CATEGORIES[rng.integers(0, 2, v)]),
        "severity": pa.array(SEVERITIES[rng.choice(4, v, p=[0.4, 0.3, 0.28, 0.02])]),
        "asin": pa.nulls(v, pa.string()),
        "status": pa.array(np.where(resolved, "resolved", "open")),
        "status_date": _maybe_days(vdate + np.timedelta64(20, "D"), resolved),
    })  # fmt: skip


def generate(out: Path, orders: int, accounts: int, seed: int = 1) -> None:
    """The base data: `orders` orders purchased in the year ending END, and their events."""
    rng = np.random.default_rng(seed)
    start = np.datetime64(END - timedelta(days=DAYS - 1), "D")
    first = 0
    for part, offset in enumerate(range(0, orders, CHUNK)):
        n = min(CHUNK, orders - offset)
        write_chunk(out, part, first, n, accounts, rng, start, DAYS)
        first += n
    write_account_events(out, accounts, rng, start)


def next_day_batch(out: Path, orders: int, accounts: int, offset: int = 1) -> None:
    """One more day of events (END+offset, after the base in `out/../../base`): that day's
    orders and the events it brings to older orders: new feedback, removals of old feedback,
    claim decisions, new claims."""
    rng = np.random.default_rng(1 + offset)
    day = np.datetime64(END + timedelta(days=offset), "D")
    per_day = max(1, orders // DAYS)
    write_chunk(out, 0, orders + 10 + (offset - 1) * per_day, per_day, accounts, rng, day, 1)
    # Events dated that day on older orders (of their own accounts): feedback, claims.
    base = ds.dataset(out.parent.parent / "base" / "orders", format="parquet")
    rows = pa.array(rng.integers(0, base.count_rows(), per_day // 50 + 1))
    taken = base.take(rows, columns=["account", "order_id"])  # reads the needed rows only
    acc = taken["account"].combine_chunks()
    old = np.asarray(taken["order_id"].to_pylist())
    m = len(old)
    _write(out, "feedback", 1, {
        "account": acc, "order_id": _text(old), "feedback_date": _days(np.full(m, day)),
        "rating": pa.array(rng.integers(1, 3, m)), "comments": pa.nulls(m, pa.string()),
        "removed_date": pa.nulls(m, pa.date32()), "struck_through_date": pa.nulls(m, pa.date32()),
        "last_seen_report": pa.nulls(m, pa.date32()),
    })  # fmt: skip
    _write(out, "claim_statuses", 1, {
        "account": acc, "order_id": _text(old), "claim_date": _days(np.full(m, day)),
        "effective_date": _days(np.full(m, day)), "status": pa.array(np.full(m, "granted")),
    })  # fmt: skip
    _write(out, "claims", 1, {
        "account": acc, "order_id": _text(old), "claim_date": _days(np.full(m, day)),
        "reason": pa.array(np.full(m, "not as described")),
        "buy_shipping_protected": pa.array(np.zeros(m, dtype=np.int32)),
    })  # fmt: skip
