"""The baseline a seller's analyst would write: pandas, one pass of masks per day and metric.

Same rules as sellerhealth's plain domain functions (SPEC section 4); output in the engine's
long format (account, marketplace_id, scope, metric, part, day, value), zero values left out,
so the benchmark can check the two agree row for row.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

NEGATIVE_MAX = 2
COUNTED_CLAIMS = {"pending", "granted", "refunded", "order_cancelled"}
DELIVERY_WORDS = ("deliver", "receiv", "arriv", "lost", "transit", "late", "track",
                  "missing package", "non-receipt", "not received")  # fmt: skip
POINTS = {"low": 2, "medium": 4, "high": 8}


def _read(folder: Path, table: str) -> pd.DataFrame:
    df = pd.read_parquet(folder / table)
    for column in df.columns:
        if column.endswith("_date") or column in ("date", "last_seen_report"):
            df[column] = pd.to_datetime(df[column])
    return df


def _index(df: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Attach each event row to its order's row number (events of unknown orders drop out)."""
    return df.merge(orders[["account", "order_id", "oi"]], on=["account", "order_id"])


def _emit(rows: list, day: date, frame: pd.DataFrame, keys: list[str], values: dict) -> None:
    """Group `frame` by `keys` and emit one row per group and non-zero part."""
    grouped = frame.groupby(keys, sort=False)[list(values)].sum()
    for group, record in grouped.iterrows():
        key = group if isinstance(group, tuple) else (group,)
        for column, (metric, part, scope, market) in values.items():
            value = int(record[column])
            if value:
                named = dict(zip(keys, key, strict=True))
                rows.append((
                    named["account"], market or named.get("marketplace_id"),
                    scope if scope is not None else named.get("scope"), metric, part, day, value,
                ))  # fmt: skip


class Data:
    """The tables, read once, with what every day's masks need precomputed."""

    def __init__(self, folder: Path) -> None:
        orders = _read(folder, "orders")
        orders["oi"] = np.arange(len(orders))
        self.orders = orders
        self.mfn = orders["fulfillment_channel"] == "MFN"
        self.feedback = _index(_read(folder, "feedback"), orders)
        self.claims = _index(_read(folder, "claims"), orders)
        self.statuses = _read(folder, "claim_statuses")
        self.chargebacks = _index(_read(folder, "chargebacks"), orders)
        self.cb_statuses = _read(folder, "chargeback_statuses")
        shipments = _index(_read(folder, "shipments"), orders)
        cancellations = _index(_read(folder, "cancellations"), orders)
        # First ship confirmation per order, and the first counted cancellation before it.
        self.confirm = (
            shipments.groupby("oi")["ship_confirm_date"].min().reindex(orders["oi"]).to_numpy()
        )
        cancel = cancellations[cancellations["initiator"].isin(["seller", "system"])].copy()
        cancel["c"] = self.confirm[cancel["oi"].to_numpy()]
        cancel = cancel[cancel["c"].isna() | (cancel["c"] > cancel["cancel_date"])]
        self.first_cancel = (
            cancel.groupby("oi")["cancel_date"].min().reindex(orders["oi"]).to_numpy()
        )
        reason = (
            self.claims["reason"].fillna("").str.lower().str.replace("_", " ").str.replace("-", " ")
        )
        delivery = (reason == "") | reason.apply(lambda t: any(w in t for w in DELIVERY_WORDS))
        self.claims["protected"] = (self.claims["buy_shipping_protected"] == 1) & delivery
        facts = orders[["oi", "purchase_date", "category", "units", "marketplace_id"]]
        ship = shipments.merge(facts.rename(columns={"units": "order_units"}), on="oi")
        ship = ship[self.mfn.to_numpy()[ship["oi"].to_numpy()]].copy()
        ship["tracked_from"] = ship["first_scan_date"].where(
            ship["tracking_valid"] != 1, pd.Timestamp.min
        )
        ship["w"] = ship["units"].fillna(ship["order_units"]).fillna(1)
        self.ship = ship
        messages = pd.read_parquet(folder / "messages")
        messages["r"] = messages["received_at"].dt.floor("D")
        messages["due"] = (messages["received_at"] + pd.Timedelta(hours=24)).dt.floor("D")
        answered = messages["responded_at"] - messages["received_at"]
        messages["ok"] = answered <= pd.Timedelta(hours=24)
        self.messages = messages
        self.violations = _read(folder, "violations")
        self.resolved_on = self.violations["status_date"].fillna(self.violations["date"])


def _days(n: int) -> pd.Timedelta:
    return pd.Timedelta(days=n)


def _last_status(statuses: pd.DataFrame, d: pd.Timestamp, key: list[str]) -> pd.Series:
    known = statuses[statuses["effective_date"] <= d].sort_values("effective_date")
    return known.groupby(key)["status"].last()


def _odr(data: Data, d: pd.Timestamp, day: date, rows: list) -> None:
    fb = data.feedback
    negative = fb[
        (fb["rating"] <= NEGATIVE_MAX)
        & (fb["feedback_date"] <= d)
        & ~(fb["removed_date"] <= d)
        & ~(fb["struck_through_date"] <= d)
    ]
    key = ["account", "order_id", "claim_date"]
    c = data.claims[data.claims["claim_date"] <= d].join(
        _last_status(data.statuses, d, key), on=key
    )
    c = c[c["status"].fillna("pending").isin(COUNTED_CLAIMS) & ~c["protected"]]
    key = ["account", "order_id", "chargeback_date"]
    cb = data.chargebacks
    cb = cb[(cb["chargeback_date"] <= d) & (cb["reason"] == "service")]
    cb = cb.join(_last_status(data.cb_statuses, d, key), on=key)
    cb = cb[cb["status"].fillna("pending") != "seller_won"]
    flags = {}
    for name, events in (("negativeFeedback", negative), ("claims", c), ("chargebacks", cb)):
        flag = np.zeros(len(data.orders), dtype=bool)
        flag[events["oi"].to_numpy()] = True
        flags[name] = flag
    p = data.orders["purchase_date"]
    in_window = ((p >= d - _days(73)) & (p <= d - _days(14))).to_numpy()
    frame = data.orders[["account", "marketplace_id", "fulfillment_channel"]].copy()
    frame.columns = ["account", "marketplace_id", "scope"]
    frame["orders"] = in_window
    frame["defective"] = in_window & (
        flags["negativeFeedback"] | flags["claims"] | flags["chargebacks"]
    )
    for name, flag in flags.items():
        frame[name] = in_window & flag
    parts = {k: ("odr", k, None, None) for k in ("orders", "defective", *flags)}
    _emit(rows, day, frame, ["account", "marketplace_id", "scope"], parts)


def _fulfilment(data: Data, d: pd.Timestamp, day: date, rows: list) -> None:
    """Late shipment over 10 and 30 days, and pre-fulfillment cancellations."""
    orders, mfn, p = data.orders, data.mfn, data.orders["purchase_date"]
    frame = orders[["account", "marketplace_id"]].copy()
    latest = orders["latest_ship_date"]
    parts = {}
    for width in (10, 30):
        due = (mfn & (latest >= d - _days(width - 1)) & (latest <= d) & (p <= d)).to_numpy()
        frame[f"due{width}"] = due
        confirmed = data.confirm <= d.to_datetime64()
        frame[f"late{width}"] = due & confirmed & (data.confirm > latest.to_numpy())
        parts[f"due{width}"] = ("lateShipmentRate", "orders", f"{width}d", None)
        parts[f"late{width}"] = ("lateShipmentRate", "late", f"{width}d", None)
    in_window = (mfn & (p >= d - _days(6)) & (p <= d)).to_numpy()
    frame["pf"] = in_window
    frame["pfc"] = in_window & (data.first_cancel <= d.to_datetime64())
    parts["pf"] = ("preFulfillmentCancellationRate", "orders", "", None)
    parts["pfc"] = ("preFulfillmentCancellationRate", "cancelled", "", None)
    _emit(rows, day, frame, ["account", "marketplace_id"], parts)


def _tracking(data: Data, d: pd.Timestamp, day: date, rows: list) -> None:
    """Valid tracking (overall and per category) and on-time delivery in units."""
    ship = data.ship
    q = ship["promised_delivery_date"]
    tracked = (ship["tracked_from"] <= d).to_numpy()
    known = (ship["ship_confirm_date"] <= d) & (ship["purchase_date"] <= d)
    frame = ship[["account", "marketplace_id"]].copy()
    frame["shipments"] = (known & (q >= d - _days(43)) & (q <= d - _days(14))).to_numpy()
    frame["valid"] = frame["shipments"] & tracked
    frame["scope"] = ""
    by_category = frame.copy()
    by_category["scope"] = ship["category"].to_numpy()
    scoped = pd.concat([frame, by_category[by_category["scope"].notna()]])
    _emit(rows, day, scoped, ["account", "marketplace_id", "scope"], {
        "shipments": ("validTrackingRate", "shipments", None, None),
        "valid": ("validTrackingRate", "valid", None, None),
    })  # fmt: skip
    judged = (known & (q >= d - _days(21)) & (q <= d - _days(8))).to_numpy() & tracked
    on_time = ((ship["delivered_date"] <= q) & (ship["delivered_date"] <= d)).to_numpy()
    frame["units"] = np.where(judged, ship["w"], 0)
    frame["onTime"] = np.where(judged & on_time, ship["w"], 0)
    _emit(rows, day, frame, ["account", "marketplace_id"], {
        "units": ("unitOnTimeDeliveryRate", "units", "", None),
        "onTime": ("unitOnTimeDeliveryRate", "onTime", "", None),
    })  # fmt: skip


def _account(data: Data, d: pd.Timestamp, day: date, rows: list) -> None:
    """Contact response, policy compliance and the AHR's parts."""
    m = data.messages
    judged = (m["r"] >= d - _days(29)) & (m["r"] <= d) & (m["due"] <= d)
    frame = m[["account"]].copy()
    frame["messages"] = judged
    frame["onTime"] = judged & m["ok"]
    _emit(rows, day, frame, ["account"], {
        "messages": ("contactResponse", "messages", "", "*"),
        "onTime": ("contactResponse", "onTime", "", "*"),
    })  # fmt: skip
    v = data.violations
    in_window = (v["date"] >= d - _days(179)) & (v["date"] <= d)
    open_now = in_window & ((v["status"] != "resolved") | (data.resolved_on > d))
    frame = v[["account"]].copy()
    frame["scope"] = v["category"]
    frame["violations"] = open_now
    frame["dated"] = in_window  # dated in the window, whatever its status
    parts = {
        "violations": ("policyCompliance", "violations", None, "*"),
        "dated": ("policyCompliance", "dated", None, "*"),
    }
    _emit(rows, day, frame, ["account", "scope"], parts)
    frame["violationPoints"] = np.where(open_now, v["severity"].map(POINTS).fillna(0), 0)
    frame["critical"] = open_now & (v["severity"] == "critical")
    _emit(rows, day, frame, ["account"], {
        "violationPoints": ("ahr", "violationPoints", "", "*"),
        "critical": ("ahr", "critical", "", "*"),
    })  # fmt: skip
    p = data.orders["purchase_date"]
    frame = data.orders[["account", "marketplace_id"]].copy()
    frame["orders"] = ((p >= d - _days(179)) & (p <= d)).to_numpy()
    _emit(rows, day, frame, ["account", "marketplace_id"], {"orders": ("ahr", "orders", "", None)})


def compute(folder: Path, first: date, last: date) -> pd.DataFrame:
    data = Data(folder)
    rows: list = []
    day = first
    while day <= last:
        d = pd.Timestamp(day)
        for metric in (_odr, _fulfilment, _tracking, _account):
            metric(data, d, day, rows)
        day += timedelta(days=1)
    columns = ["account", "marketplace_id", "scope", "metric", "part", "day", "value"]
    return pd.DataFrame(rows, columns=columns)
