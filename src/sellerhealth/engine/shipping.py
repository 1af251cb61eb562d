"""Seller-fulfilled shipping metrics as as-of-day intervals (twins of `domain.shipping`).

For each metric: the days D on which a row is in the denominator, and the days it is also in
the numerator. E.g. Late Shipment Rate over n days: an MFN order purchased on p with latest
ship date L is due on every D in [max(L, p), L+n-1]; it is late from the day its first ship
confirmation c > L is known, i.e. on [max(L, p, c), L+n-1].
"""

from __future__ import annotations

from sellerhealth.domain.policy import Policy


def _mfn_orders() -> str:
    return """
        SELECT account, marketplace_id, order_id, CAST(purchase_date AS DATE) AS p,
               CAST(latest_ship_date AS DATE) AS l, category, units
        FROM orders WHERE fulfillment_channel = 'MFN'"""


def _first_confirmation() -> str:
    return """
        SELECT account, order_id, min(CAST(ship_confirm_date AS DATE)) AS c
        FROM shipments GROUP BY account, order_id"""


def late_shipment_sql(policy: Policy) -> str:
    parts = []
    for days in policy.late_shipment.windows_days:
        end = f"l + {days - 1}"
        parts.append(f"""
        SELECT account, marketplace_id, '{days}d' AS scope, 'lateShipmentRate' AS metric,
               'orders' AS part, count(*) AS weight, greatest(l, p) AS d_from, {end} AS d_to
        FROM o WHERE l IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT account, marketplace_id, '{days}d', 'lateShipmentRate', 'late', count(*),
               greatest(l, p, c), {end}
        FROM o WHERE l IS NOT NULL AND c > l GROUP BY ALL""")
    return f"""
        WITH o AS (SELECT m.*, f.c FROM ({_mfn_orders()}) m
                   LEFT JOIN ({_first_confirmation()}) f USING (account, order_id))
        {" UNION ALL ".join(parts)}"""


def cancellation_sql(policy: Policy) -> str:
    """Counted from the first seller/system cancellation made before any ship confirmation."""
    initiators = ", ".join(f"'{i}'" for i in policy.cancellation.counted_initiators)
    last = policy.cancellation.window_days - 1
    return f"""
        WITH o AS ({_mfn_orders()}),
        k AS (
            SELECT x.account, x.order_id, min(CAST(x.cancel_date AS DATE)) AS k
            FROM cancellations x LEFT JOIN ({_first_confirmation()}) f USING (account, order_id)
            WHERE x.initiator IN ({initiators})
              AND (f.c IS NULL OR f.c > CAST(x.cancel_date AS DATE))
            GROUP BY ALL
        )
        SELECT account, marketplace_id, '' AS scope, 'preFulfillmentCancellationRate' AS metric,
               'orders' AS part, count(*) AS weight, p AS d_from, p + {last} AS d_to
        FROM o GROUP BY ALL
        UNION ALL
        SELECT o.account, o.marketplace_id, '', 'preFulfillmentCancellationRate', 'cancelled',
               count(*), greatest(o.p, k.k), o.p + {last}
        FROM o JOIN k USING (account, order_id) GROUP BY ALL"""


def _tracked_shipments() -> str:
    """MFN shipments with the day their tracking became valid (`t`; NULL = never)."""
    return f"""
        SELECT o.account, o.marketplace_id, o.category, o.p, o.units AS order_units,
               CAST(s.ship_confirm_date AS DATE) AS c,
               CAST(s.promised_delivery_date AS DATE) AS q,
               CAST(s.delivered_date AS DATE) AS delivered,
               s.units,
               CASE WHEN s.tracking_valid = 1 THEN DATE '0001-01-01'
                    ELSE CAST(s.first_scan_date AS DATE) END AS t
        FROM shipments s JOIN ({_mfn_orders()}) o USING (account, order_id)
        WHERE s.promised_delivery_date IS NOT NULL"""


def valid_tracking_sql(policy: Policy) -> str:
    lag = policy.valid_tracking.lag_days
    end = lag + policy.valid_tracking.window_days - 1
    return f"""
        WITH s AS ({_tracked_shipments()}),
        scoped AS (
            SELECT *, '' AS scope FROM s
            UNION ALL SELECT *, category FROM s WHERE category IS NOT NULL
        )
        SELECT account, marketplace_id, scope, 'validTrackingRate' AS metric, 'shipments' AS part,
               count(*) AS weight, greatest(q + {lag}, c, p) AS d_from, q + {end} AS d_to
        FROM scoped GROUP BY ALL
        UNION ALL
        SELECT account, marketplace_id, scope, 'validTrackingRate', 'valid', count(*),
               greatest(q + {lag}, c, p, t), q + {end}
        FROM scoped WHERE t IS NOT NULL GROUP BY ALL"""


def on_time_delivery_sql(policy: Policy) -> str:
    lag = policy.on_time_delivery.lag_days
    end = lag + policy.on_time_delivery.window_days - 1
    return f"""
        WITH s AS (SELECT *, coalesce(units, order_units, 1) AS w FROM ({_tracked_shipments()})
                   WHERE t IS NOT NULL)
        SELECT account, marketplace_id, '' AS scope, 'unitOnTimeDeliveryRate' AS metric,
               'units' AS part, sum(w) AS weight, greatest(q + {lag}, c, p, t) AS d_from,
               q + {end} AS d_to
        FROM s GROUP BY ALL
        UNION ALL
        SELECT account, marketplace_id, '', 'unitOnTimeDeliveryRate', 'onTime', sum(w),
               greatest(q + {lag}, c, p, t, delivered), q + {end}
        FROM s WHERE delivered IS NOT NULL AND delivered <= q GROUP BY ALL"""


def shipping_intervals_sql(policy: Policy) -> str:
    return " UNION ALL ".join(
        f"SELECT * FROM ({sql})"
        for sql in (
            late_shipment_sql(policy),
            cancellation_sql(policy),
            valid_tracking_sql(policy),
            on_time_delivery_sql(policy),
        )
    )
