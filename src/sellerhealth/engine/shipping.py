"""Seller-fulfilled shipping metrics as as-of-day intervals (twins of `domain.shipping`).

For each metric: the days D on which a row is in the denominator, and the days it is also in
the numerator. E.g. Late Shipment Rate over n days: an MFN order purchased on p with latest
ship date L is due on every D in [max(L, p), L+n-1]; it is late from the day its first ship
confirmation c > L is known, i.e. on [max(L, p, c), L+n-1].

All four metrics read the same joined rows, built once per query: the MFN orders (`mfn`), their
shipments with the order's facts (`ship`), and each order's first confirmation (`conf`).
"""

from __future__ import annotations

from sellerhealth.domain.policy import Policy
from sellerhealth.engine.intervals import Days, pid
from sellerhealth.engine.odr import CANCELLED_SQL


def _reaching(policy: Policy, days: Days | None) -> tuple[str, str, str]:
    """The CTEs, join and condition that keep the MFN orders that can count on one of `days`.

    Every interval of an order ends by l + (the longest LSR window) - 1, p + (the
    cancellation window) - 1 or, for each of its shipments, q + (the later of valid
    tracking's and on-time delivery's ends): an order whose ends all fall before the first
    day counts on none of them. A kept order keeps all of its shipments, so its first
    confirmation is exact."""
    if days is None:
        return "", "", "TRUE"
    first = f"DATE '{days.first}'"
    lsr = max(policy.late_shipment.windows_days) - 1
    cancel = policy.cancellation.window_days - 1
    tracked = max(
        policy.valid_tracking.lag_days + policy.valid_tracking.window_days - 1,
        policy.on_time_delivery.lag_days + policy.on_time_delivery.window_days - 1,
    )
    recent = f"""
    recent AS (
        SELECT DISTINCT account, order_id FROM shipments
        WHERE CAST(promised_delivery_date AS DATE) + {tracked} >= {first}
    ),"""
    joined = "LEFT JOIN recent r ON r.account = o.account AND r.order_id = o.order_id"
    reaching = f"""(CAST(o.latest_ship_date AS DATE) + {lsr} >= {first}
            OR CAST(o.purchase_date AS DATE) + {cancel} >= {first}
            OR r.order_id IS NOT NULL)"""
    return recent, joined, reaching


def shared_sql(policy: Policy, days: Days | None = None) -> str:
    """The CTEs the shipping metrics read (see the module's doc), of the MFN orders that can
    count on one of `days` (all of them when None)."""
    recent, joined, reaching = _reaching(policy, days)
    return f"""{recent}
    mfn AS MATERIALIZED (
        SELECT o.account, o.marketplace_id, o.order_id, CAST(o.purchase_date AS DATE) AS p,
               CAST(o.latest_ship_date AS DATE) AS l, o.category, o.units,
               {CANCELLED_SQL} AS cancelled
        FROM orders o {joined} WHERE o.fulfillment_channel = 'MFN' AND {reaching}
    ),
    ship AS MATERIALIZED (
        SELECT m.account, m.order_id, m.marketplace_id, m.category, m.p, m.l,
               m.units AS order_units, s.units,
               CAST(s.ship_confirm_date AS DATE) AS c,
               CAST(s.promised_delivery_date AS DATE) AS q,
               CAST(s.delivered_date AS DATE) AS delivered,
               -- the day tracking became valid: always if marked valid, else the first scan
               CASE WHEN s.tracking_valid = 1 THEN DATE '0001-01-01'
                    ELSE CAST(s.first_scan_date AS DATE) END AS t
        FROM shipments s JOIN mfn m USING (account, order_id)
    ),
    conf AS MATERIALIZED (
        SELECT account, order_id, marketplace_id, p, l, min(c) AS c FROM ship GROUP BY ALL
    )"""


def _late_shipment(policy: Policy) -> list[str]:
    parts, lsr = [], "lateShipmentRate"
    for days in policy.late_shipment.windows_days:
        end = f"l + {days - 1}"
        parts += [
            f"""SELECT account, marketplace_id, '{days}d' AS scope, {pid(lsr, "orders")} AS pid,
                   count(*) AS weight, greatest(l, p) AS d_from, {end} AS d_to
            FROM mfn WHERE l IS NOT NULL GROUP BY ALL""",
            f"""SELECT account, marketplace_id, '{days}d', {pid(lsr, "late")}, count(*),
                   greatest(l, p, c), {end}
            FROM conf WHERE l IS NOT NULL AND c > l GROUP BY ALL""",
        ]
    return parts


def _cancellation(policy: Policy) -> list[str]:
    """Counted from the first seller/system cancellation made before any ship confirmation."""
    initiators = ", ".join(f"'{i}'" for i in policy.cancellation.counted_initiators)
    last = policy.cancellation.window_days - 1
    rate = "preFulfillmentCancellationRate"
    return [
        f"""SELECT account, marketplace_id, '' AS scope,
               {pid(rate, "orders")} AS pid, count(*) AS weight,
               p AS d_from, p + {last} AS d_to
        FROM mfn GROUP BY ALL""",
        f"""SELECT m.account, m.marketplace_id, '', {pid(rate, "cancelled")}, count(*),
               greatest(m.p, k.k), m.p + {last}
        FROM mfn m JOIN (
            SELECT x.account, x.order_id, min(CAST(x.cancel_date AS DATE)) AS k
            FROM cancellations x LEFT JOIN conf f USING (account, order_id)
            WHERE x.initiator IN ({initiators})
              AND (f.c IS NULL OR f.c > CAST(x.cancel_date AS DATE))
            GROUP BY ALL
        ) k USING (account, order_id) GROUP BY ALL""",
        # Cancelled with no cancellations row (who cancelled is unknown), until confirmed.
        f"""SELECT m.account, m.marketplace_id, '', {pid(rate, "unattributed")}, count(*), m.p,
               CASE WHEN f.c IS NULL THEN m.p + {last} ELSE least(m.p + {last}, f.c - 1) END
        FROM mfn m LEFT JOIN conf f USING (account, order_id)
        WHERE m.cancelled AND (f.c IS NULL OR f.c > m.p) AND NOT EXISTS (
            SELECT 1 FROM cancellations x WHERE x.account = m.account AND x.order_id = m.order_id
        ) GROUP BY ALL""",
    ]


def _valid_tracking(policy: Policy) -> list[str]:
    lag = policy.valid_tracking.lag_days
    end = lag + policy.valid_tracking.window_days - 1
    scoped = (
        "(SELECT *, '' AS scope FROM ship WHERE q IS NOT NULL UNION ALL "
        "SELECT *, category FROM ship WHERE q IS NOT NULL AND category IS NOT NULL)"
    )
    return [
        f"""SELECT account, marketplace_id, scope, {pid("validTrackingRate", "shipments")} AS pid,
               count(*) AS weight, greatest(q + {lag}, c, p) AS d_from, q + {end} AS d_to
        FROM {scoped} GROUP BY ALL""",
        f"""SELECT account, marketplace_id, scope, {pid("validTrackingRate", "valid")}, count(*),
               greatest(q + {lag}, c, p, t), q + {end}
        FROM {scoped} WHERE t IS NOT NULL GROUP BY ALL""",
    ]


def _on_time_delivery(policy: Policy) -> list[str]:
    lag = policy.on_time_delivery.lag_days
    end = lag + policy.on_time_delivery.window_days - 1
    tracked = (
        "(SELECT *, coalesce(units, order_units, 1) AS w FROM ship "
        "WHERE q IS NOT NULL AND t IS NOT NULL)"
    )
    return [
        f"""SELECT account, marketplace_id, '' AS scope, {pid("unitOnTimeDeliveryRate", "units")}
               AS pid, sum(w) AS weight, greatest(q + {lag}, c, p, t) AS d_from, q + {end} AS d_to
        FROM {tracked} GROUP BY ALL""",
        f"""SELECT account, marketplace_id, '', {pid("unitOnTimeDeliveryRate", "onTime")}, sum(w),
               greatest(q + {lag}, c, p, t, delivered), q + {end}
        FROM {tracked} WHERE delivered IS NOT NULL AND delivered <= q GROUP BY ALL""",
    ]


def shipping_intervals_sql(policy: Policy) -> list[str]:
    """The shipping metrics' interval queries, over the CTEs of `shared_sql`."""
    return [
        *_late_shipment(policy),
        *_cancellation(policy),
        *_valid_tracking(policy),
        *_on_time_delivery(policy),
    ]
