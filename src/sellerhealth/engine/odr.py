"""ODR for many accounts and many as-of days in one columnar pass (DuckDB over Arrow).

Same rules as `domain.odr` (a property test holds them equal), expressed as as-of-day
intervals (see `engine.intervals`): a defect is *active* on the days it counts, e.g. a
negative feedback from its date until the day before its removal; a claim during each stretch
of its status history whose status counts. An order contributes to day D's numerator when one
of its defects is active on D and D is one of the 60 days whose window holds its purchase day.
"""

from __future__ import annotations

from datetime import date, timedelta

from sellerhealth.domain.defects import counted_claim_statuses
from sellerhealth.domain.metrics import OdrMetric
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import Channel
from sellerhealth.domain.windows import Window
from sellerhealth.engine.intervals import Days, pid

# SQL twin of domain.records.is_cancelled_status.
CANCELLED_SQL = "coalesce(starts_with(lower(trim(order_status)), 'cancel'), FALSE)"


def _sql_list(values: tuple[str, ...] | frozenset[str]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values)) + ")"


def _delivery_reason_sql(policy: Policy) -> str:
    """SQL twin of domain.defects.is_delivery_reason."""
    text = "replace(replace(lower(c.reason), '_', ' '), '-', ' ')"
    keywords = (
        k.replace("_", " ").replace("-", " ").replace("'", "''")
        for k in policy.claims.delivery_reason_keywords
    )
    matches = " OR ".join(f"contains({text}, '{k}')" for k in keywords) or "FALSE"
    return f"(c.reason IS NULL OR c.reason = '' OR {matches})"


def _status_segments(cases: str, statuses: str, date_col: str) -> str:
    """Each case's status history as day stretches [e, next change - 1]; pending until the
    first change (a status dated after D did not exist yet on D)."""
    return f"""
        SELECT account, order_id, {date_col}, e, status,
               lead(e) OVER (PARTITION BY account, order_id, {date_col} ORDER BY e) - 1 AS b
        FROM (
            SELECT account, order_id, CAST({date_col} AS DATE) AS {date_col},
                   CAST(effective_date AS DATE) AS e, status FROM {statuses}
            UNION ALL
            SELECT c.account, c.order_id, CAST(c.{date_col} AS DATE), CAST(c.{date_col} AS DATE),
                   'pending'
            FROM {cases} c
            WHERE NOT EXISTS (
                SELECT 1 FROM {statuses} s
                WHERE s.account = c.account AND s.order_id = c.order_id
                  AND s.{date_col} = c.{date_col} AND s.effective_date = c.{date_col})
        )"""


def _merge(source: str, keys: str) -> str:
    """Overlapping [a, b] day intervals merged per `keys`, so an order counts once a day.

    Intervals starting the same day are combined first, so the start days are unique and both
    window passes below see the rows in the same order (with ties, each pass could order the
    tied rows differently and split one island in two).
    """
    far = "DATE '9999-12-31'"
    longest = "CASE WHEN bool_or(b IS NULL) THEN NULL ELSE max(b) END"
    return f"""
        SELECT {keys}, min(a) AS a, {longest} AS b
        FROM (
            SELECT *, sum(is_new) OVER (PARTITION BY {keys} ORDER BY a ROWS UNBOUNDED PRECEDING)
                AS island
            FROM (
                SELECT *, CASE WHEN a <= max(coalesce(b, {far})) OVER (
                    PARTITION BY {keys} ORDER BY a
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1
                THEN 0 ELSE 1 END AS is_new
                FROM (SELECT {keys}, a, {longest} AS b FROM ({source}) GROUP BY {keys}, a)
            )
        ) GROUP BY {keys}, island"""


def odr_intervals_sql(policy: Policy, days: Days | None = None) -> list[str]:
    """ODR intervals, scope = channel: parts `orders`, `defective` and one per component; of
    the orders that can count on one of `days` (in the window of one of them) when given.

    Orders are counted per purchase day first, so the interval rows grow with accounts x days,
    not with orders; only defective orders are handled one by one.
    """
    lag, last_offset = policy.odr.lag_days, policy.odr.lag_days + policy.odr.window_days - 1
    wanted = [] if policy.odr.count_cancelled_orders else [f"NOT {CANCELLED_SQL}"]
    if days is not None:
        purchased = "CAST(purchase_date AS DATE)"
        wanted += [
            f"{purchased} >= DATE '{days.first - timedelta(days=last_offset)}'",
            f"{purchased} <= DATE '{days.last - timedelta(days=lag)}'",
        ]
    claim_ok = _sql_list(counted_claim_statuses(policy))
    protected = (
        f"(c.buy_shipping_protected = 1 AND {_delivery_reason_sql(policy)})"
        if policy.claims.buy_shipping_protection
        else "FALSE"
    )
    chargeback_ok = "TRUE" if policy.chargebacks.count_won else "s.status <> 'seller_won'"
    defects = f"""
        SELECT account, order_id, {pid("odr", "negativeFeedback")} AS component,
               CAST(feedback_date AS DATE) AS a,
               least(CAST(removed_date AS DATE), CAST(struck_through_date AS DATE)) - 1 AS b
        FROM feedback WHERE rating <= {policy.feedback.negative_max_rating}
        UNION ALL
        SELECT s.account, s.order_id, {pid("odr", "claims")}, s.e, s.b
        FROM ({_status_segments("claims", "claim_statuses", "claim_date")}) s
        JOIN claims c ON c.account = s.account AND c.order_id = s.order_id
             AND CAST(c.claim_date AS DATE) = s.claim_date
        WHERE s.status IN {claim_ok} AND NOT {protected}
        UNION ALL
        SELECT s.account, s.order_id, {pid("odr", "chargebacks")}, s.e, s.b
        FROM ({_status_segments("chargebacks", "chargeback_statuses", "chargeback_date")}) s
        JOIN chargebacks c ON c.account = s.account AND c.order_id = s.order_id
             AND CAST(c.chargeback_date AS DATE) = s.chargeback_date
        WHERE c.reason IN {_sql_list(policy.chargebacks.counted_reasons)} AND {chargeback_ok}
    """
    end = f"o.p + {last_offset}"
    clip = f"greatest(x.a, o.p + {lag}) AS d_from, least(coalesce(x.b, {end}), {end}) AS d_to"
    orders = f"""
        SELECT account, marketplace_id, fulfillment_channel AS scope, order_id,
               CAST(purchase_date AS DATE) AS p
        FROM orders {"WHERE " + " AND ".join(wanted) if wanted else ""}"""
    with_defects = f"""
        WITH o AS ({orders}),
        d AS (SELECT * FROM ({defects}) WHERE b IS NULL OR b >= a),
        by_component AS ({_merge("SELECT * FROM d", "account, order_id, component")}),
        any_defect AS ({_merge("SELECT account, order_id, a, b FROM d", "account, order_id")})
        SELECT o.account, o.marketplace_id, o.scope, x.component AS pid, 1 AS weight,
               {clip}
        FROM o JOIN by_component x USING (account, order_id)
        UNION ALL
        SELECT o.account, o.marketplace_id, o.scope, {pid("odr", "defective")}, 1, {clip}
        FROM o JOIN any_defect x USING (account, order_id)"""
    return [
        f"""SELECT account, marketplace_id, scope, {pid("odr", "orders")} AS pid,
               count(*) AS weight, p + {lag} AS d_from, p + {last_offset} AS d_to
        FROM ({orders}) GROUP BY account, marketplace_id, scope, p""",
        with_defects,
    ]


def odr_metric(
    channel: Channel, day: date, parts: dict[str, int], policy: Policy, is_business: bool
) -> OdrMetric:
    return OdrMetric(
        channel=channel,
        window=Window.ending(day, policy.odr.window_days, policy.odr.lag_days),
        order_count=parts.get("orders", 0),
        defective_orders=parts.get("defective", 0),
        negative_feedback=parts.get("negativeFeedback", 0),
        claims=parts.get("claims", 0),
        chargebacks=parts.get("chargebacks", 0),
        target=policy.odr_target(is_business),
    )
