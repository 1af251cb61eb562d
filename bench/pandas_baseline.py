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
    for key, record in grouped.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        for column, (metric, part, scope, market) in values.items():
            value = int(record[column])
            if value:
                named = dict(zip(keys, key, strict=True))
                rows.append((
                    named["account"], market or named.get("marketplace_id"),
                    scope if scope is not None else named.get("scope"), metric, part, day, value,
                ))  # fmt: skip


def compute(folder: Path, first: date, last: date) -> pd.DataFrame:
    orders = _read(folder, "orders")
    orders["oi"] = np.arange(len(orders))
    p = orders["purchase_date"]
    mfn = orders["fulfillment_channel"] == "MFN"
    feedback = _index(_read(folder, "feedback"), orders)
    claims = _index(_read(folder, "claims"), orders)
    statuses = _read(folder, "claim_statuses")
    chargebacks = _index(_read(folder, "chargebacks"), orders)
    cb_statuses = _read(folder, "chargeback_statuses")
    shipments = _index(_read(folder, "shipments"), orders)
    cancellations = _index(_read(folder, "cancellations"), orders)
    messages = pd.read_parquet(folder / "messages")
    violations = _read(folder, "violations")

    # First ship confirmation per order, and the first counted cancellation before it.
    confirm = shipments.groupby("oi")["ship_confirm_date"].min().reindex(orders["oi"]).to_numpy()
    cancel = cancellations[cancellations["initiator"].isin(["seller", "system"])].copy()
    cancel["c"] = confirm[cancel["oi"].to_numpy()]
    cancel = cancel[cancel["c"].isna() | (cancel["c"] > cancel["cancel_date"])]
    first_cancel = cancel.groupby("oi")["cancel_date"].min().reindex(orders["oi"]).to_numpy()
    reason = claims["reason"].fillna("").str.lower().str.replace("_", " ").str.replace("-", " ")
    delivery = (reason == "") | reason.apply(lambda t: any(w in t for w in DELIVERY_WORDS))
    claims["protected"] = (claims["buy_shipping_protected"] == 1) & delivery
    ship = shipments.merge(orders[["oi", "purchase_date", "category", "units"]].rename(
        columns={"units": "order_units"}), on="oi")[lambda s: mfn.to_numpy()[s["oi"]]]  # fmt: skip
    ship["tracked_from"] = ship["first_scan_date"].where(
        ship["tracking_valid"] != 1, pd.Timestamp.min
    )
    ship["w"] = ship["units"].fillna(ship["order_units"]).fillna(1)
    messages["r"] = messages["received_at"].dt.floor("D")
    messages["due"] = (messages["received_at"] + pd.Timedelta(hours=24)).dt.floor("D")
    messages["ok"] = (messages["responded_at"] - messages["received_at"]) <= pd.Timedelta(hours=24)
    resolved_on = violations["status_date"].fillna(violations["date"])

    rows: list = []
    day = first
    while day <= last:
        d = pd.Timestamp(day)
        days = lambda n: pd.Timedelta(days=n)  # noqa: E731
        frame = orders[["account", "marketplace_id", "fulfillment_channel"]].copy()
        frame.columns = ["account", "marketplace_id", "scope"]
        # ODR
        negative = feedback[
            (feedback["rating"] <= NEGATIVE_MAX)
            & (feedback["feedback_date"] <= d)
            & ~(feedback["removed_date"] <= d)
            & ~(feedback["struck_through_date"] <= d)
        ]
        known = statuses[statuses["effective_date"] <= d].sort_values("effective_date")
        last_status = known.groupby(["account", "order_id", "claim_date"])["status"].last()
        c = claims[claims["claim_date"] <= d].join(
            last_status, on=["account", "order_id", "claim_date"]
        )
        c = c[c["status"].fillna("pending").isin(COUNTED_CLAIMS) & ~c["protected"]]
        cb_known = cb_statuses[cb_statuses["effective_date"] <= d].sort_values("effective_date")
        cb_last = cb_known.groupby(["account", "order_id", "chargeback_date"])["status"].last()
        cb = chargebacks[
            (chargebacks["chargeback_date"] <= d) & (chargebacks["reason"] == "service")
        ]
        cb = cb.join(cb_last, on=["account", "order_id", "chargeback_date"])
        cb = cb[cb["status"].fillna("pending") != "seller_won"]
        n = len(orders)
        flags = {}
        for name, events in (("negativeFeedback", negative), ("claims", c), ("chargebacks", cb)):
            flag = np.zeros(n, dtype=bool)
            flag[events["oi"].to_numpy()] = True
            flags[name] = flag
        in_window = ((p >= d - days(73)) & (p <= d - days(14))).to_numpy()
        frame["orders"] = in_window
        frame["defective"] = in_window & (
            flags["negativeFeedback"] | flags["claims"] | flags["chargebacks"]
        )
        for name, flag in flags.items():
            frame[name] = in_window & flag
        _emit(rows, day, frame, ["account", "marketplace_id", "scope"], {
            "orders": ("odr", "orders", None, None), "defective": ("odr", "defective", None, None),
            **{k: ("odr", k, None, None) for k in flags},
        })  # fmt: skip
        # Late shipment (10 and 30 days), pre-fulfilment cancellations
        lsr = orders[["account", "marketplace_id"]].copy()
        latest = orders["latest_ship_date"]
        for width in (10, 30):
            due = (mfn & (latest >= d - days(width - 1)) & (latest <= d) & (p <= d)).to_numpy()
            lsr[f"due{width}"] = due
            lsr[f"late{width}"] = (
                due & (confirm <= d.to_datetime64()) & (confirm > latest.to_numpy())
            )
        pf = (mfn & (p >= d - days(6)) & (p <= d)).to_numpy()
        lsr["pf"] = pf
        lsr["pfc"] = pf & (first_cancel <= d.to_datetime64())
        _emit(rows, day, lsr, ["account", "marketplace_id"], {
            "due10": ("lateShipmentRate", "orders", "10d", None),
            "late10": ("lateShipmentRate", "late", "10d", None),
            "due30": ("lateShipmentRate", "orders", "30d", None),
            "late30": ("lateShipmentRate", "late", "30d", None),
            "pf": ("preFulfillmentCancellationRate", "orders", "", None),
            "pfc": ("preFulfillmentCancellationRate", "cancelled", "", None),
        })  # fmt: skip
        # Valid tracking (overall and per category), on-time delivery in units
        q = ship["promised_delivery_date"]
        tracked = (ship["tracked_from"] <= d).to_numpy()
        base = (ship["ship_confirm_date"] <= d) & (ship["purchase_date"] <= d)
        vtr = ship[["account"]].copy()
        vtr["marketplace_id"] = orders["marketplace_id"].to_numpy()[ship["oi"].to_numpy()]
        vtr["shipments"] = (base & (q >= d - days(43)) & (q <= d - days(14))).to_numpy()
        vtr["valid"] = vtr["shipments"] & tracked
        vtr["scope"] = ""
        by_category = vtr.copy()
        by_category["scope"] = ship["category"].to_numpy()
        otd = (base & (q >= d - days(21)) & (q <= d - days(8))).to_numpy() & tracked
        vtr["units"] = np.where(otd, ship["w"], 0)
        on_time = (ship["delivered_date"] <= q) & (ship["delivered_date"] <= d)
        vtr["onTime"] = np.where(otd & on_time.to_numpy(), ship["w"], 0)
        _emit(rows, day, pd.concat([vtr[by_category.columns], by_category[by_category["scope"].notna()]]),
              ["account", "marketplace_id", "scope"], {
                  "shipments": ("validTrackingRate", "shipments", None, None),
                  "valid": ("validTrackingRate", "valid", None, None)})  # fmt: skip
        _emit(rows, day, vtr, ["account", "marketplace_id"], {
            "units": ("unitOnTimeDeliveryRate", "units", "", None),
            "onTime": ("unitOnTimeDeliveryRate", "onTime", "", None),
        })  # fmt: skip
        # Contact response
        judged = (messages["r"] >= d - days(29)) & (messages["r"] <= d) & (messages["due"] <= d)
        msg = messages[["account"]].copy()
        msg["messages"] = judged
        msg["onTime"] = judged & messages["ok"]
        _emit(rows, day, msg, ["account"], {
            "messages": ("contactResponse", "messages", "", "*"),
            "onTime": ("contactResponse", "onTime", "", "*"),
        })  # fmt: skip
        # Policy compliance and the AHR's parts
        open_now = ((violations["date"] >= d - days(179)) & (violations["date"] <= d)
                    & ((violations["status"] != "resolved") | (resolved_on > d)))  # fmt: skip
        vio = violations[["account"]].copy()
        vio["scope"] = violations["category"]
        vio["violations"] = open_now
        _emit(
            rows,
            day,
            vio,
            ["account", "scope"],
            {"violations": ("policyCompliance", "violations", None, "*")},
        )
        vio["violationPoints"] = np.where(open_now, violations["severity"].map(POINTS).fillna(0), 0)
        vio["critical"] = open_now & (violations["severity"] == "critical")
        _emit(rows, day, vio, ["account"], {
            "violationPoints": ("ahr", "violationPoints", "", "*"),
            "critical": ("ahr", "critical", "", "*"),
        })  # fmt: skip
        ahr = orders[["account", "marketplace_id"]].copy()
        ahr["orders"] = ((p >= d - days(179)) & (p <= d)).to_numpy()
        _emit(
            rows, day, ahr, ["account", "marketplace_id"], {"orders": ("ahr", "orders", "", None)}
        )
        day += timedelta(days=1)
    return pd.DataFrame(
        rows, columns=["account", "marketplace_id", "scope", "metric", "part", "day", "value"]
    )
