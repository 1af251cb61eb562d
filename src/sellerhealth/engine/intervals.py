"""The engine's one idea: every metric count is a sum of "as-of-day intervals".

An order counts in ODR as of day D when its purchase day p is in [D-73, D-14], i.e. for every
D in [p+14, p+73]. It counts as defective on D when, in addition, one of its defects is active
on D (a negative feedback not yet removed, a claim in a counted status, ...). Each such fact is
an interval of as-of days. An interval becomes two counters, +weight on its first day and
-weight on the day after its last; a metric's value on D is the sum of its counters dated on or
before D. So:

- every day's figure for every account comes from one prefix sum: no per-day loop, no range
  join, and the cost grows with the number of facts, not facts times days;
- the counters are additive: new events update only the counters of what they touch (retract
  the touched facts' old intervals, add their new ones), which is the incremental path.

Interval queries have the columns: account, marketplace_id, scope, pid (the metric part, a
number of `PARTS`), weight, d_from, d_to (both inclusive). `encoded_sql` turns the text keys
into integers (`KEY_TABLES`, numbered per recount) right after each query's own grouping, so
the counting after it groups and sums integers only. A question about some days only
(`Days`) clips every interval to them: the facts of the rest of the year are never summed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sellerhealth.domain.policy import Policy

KEYS = ("account", "marketplace_id", "scope", "metric", "part")
# The integer columns standing for KEYS in the counting: account, marketplace, scope, part.
CODES = ("aid", "mid", "sid", "pid")
_CODE_LIST = ", ".join(CODES)
_INTERVAL_COLUMNS = "account, marketplace_id, scope, pid, weight, d_from, d_to"

# Every (metric, part) an interval query counts; `pid` is the index in this tuple.
PARTS: tuple[tuple[str, str], ...] = (
    ("odr", "orders"),
    ("odr", "defective"),
    ("odr", "negativeFeedback"),
    ("odr", "claims"),
    ("odr", "chargebacks"),
    ("lateShipmentRate", "orders"),
    ("lateShipmentRate", "late"),
    ("preFulfillmentCancellationRate", "orders"),
    ("preFulfillmentCancellationRate", "cancelled"),
    ("preFulfillmentCancellationRate", "unattributed"),
    ("validTrackingRate", "shipments"),
    ("validTrackingRate", "valid"),
    ("unitOnTimeDeliveryRate", "units"),
    ("unitOnTimeDeliveryRate", "onTime"),
    ("contactResponse", "messages"),
    ("contactResponse", "onTime"),
    ("policyCompliance", "violations"),
    ("policyCompliance", "dated"),
    ("ahr", "orders"),
    ("ahr", "violationPoints"),
    ("ahr", "critical"),
)
_PID = {pair: number for number, pair in enumerate(PARTS)}


def pid(metric: str, part: str) -> int:
    """The number of a metric part in the counting (see PARTS)."""
    return _PID[(metric, part)]


def key_tables_sql(policy: Policy) -> dict[str, str]:
    """The numbering of the text keys, one small table each (name -> query): every account,
    marketplace and scope the tables can produce, numbered from 0 in sorted order."""
    windows = " ".join(f"UNION SELECT '{days}d'" for days in policy.late_shipment.windows_days)
    found = {
        "key_accounts": (
            "account",
            "aid",
            "SELECT account FROM orders UNION SELECT account FROM messages "
            "UNION SELECT account FROM violations",
        ),
        "key_markets": (
            "marketplace_id",
            "mid",
            "SELECT marketplace_id FROM orders UNION SELECT '*'",
        ),
        "key_scopes": (
            "scope",
            "sid",
            "SELECT fulfillment_channel AS scope FROM orders "
            "UNION SELECT category FROM orders WHERE category IS NOT NULL "
            f"UNION SELECT category FROM violations UNION SELECT '' {windows}",
        ),
    }
    return {
        table: f"SELECT {column}, CAST(row_number() OVER (ORDER BY {column}) - 1 AS INTEGER) "
        f"AS {code} FROM ({values})"
        for table, (column, code, values) in found.items()
    }


KEY_TABLES = ("key_accounts", "key_markets", "key_scopes")


@dataclass(frozen=True, slots=True)
class Days:
    """The as-of days a question is about (both inclusive)."""

    first: date
    last: date

    @classmethod
    def last_n(cls, last: date, n: int) -> Days:
        return cls(last - timedelta(days=n - 1), last)


def clipped_sql(intervals: str, days: Days | None) -> str:
    """`intervals` cut to `days`: intervals outside them dropped, the others clipped to them
    (a value inside `days` is the same, and nothing outside them is summed)."""
    if days is None:
        return intervals
    first, last = f"DATE '{days.first}'", f"DATE '{days.last}'"
    return f"""
        SELECT account, marketplace_id, scope, pid, weight,
               greatest(d_from, {first}) AS d_from, least(d_to, {last}) AS d_to
        FROM ({intervals}) AS x({_INTERVAL_COLUMNS})
        WHERE d_to >= {first} AND d_from <= {last}"""


def encoded_sql(intervals: str) -> str:
    """Interval rows with their text keys replaced by the numbers of `KEY_TABLES`."""
    return f"""
        SELECT a.aid, m.mid, s.sid, x.pid, x.weight, x.d_from, x.d_to
        FROM ({intervals}) x
        JOIN key_accounts a ON a.account = x.account
        JOIN key_markets m ON m.marketplace_id = x.marketplace_id
        JOIN key_scopes s ON s.scope = x.scope"""


def ends_sql(encoded: str) -> str:
    """The counters (CODES, day, delta) of encoded intervals, one per interval end: +weight on
    its first day and -weight on the day after its last (not summed: see `summed_sql`)."""
    return f"""
        WITH i AS MATERIALIZED (SELECT * FROM ({encoded}) WHERE d_to >= d_from AND weight <> 0)
        SELECT {_CODE_LIST}, d_from AS day, weight AS delta FROM i
        UNION ALL
        SELECT {_CODE_LIST}, d_to + 1 AS day, -weight AS delta FROM i"""


def summed_sql(ends: str) -> str:
    """Counters summed per key and day (the zero sums dropped)."""
    return f"""
        SELECT {_CODE_LIST}, day, CAST(sum(delta) AS BIGINT) AS delta FROM ({ends})
        GROUP BY {_CODE_LIST}, day HAVING sum(delta) <> 0"""


def decoded_sql(counters: str) -> str:
    """Counters (CODES, day, delta) with their text keys (KEYS, day, delta): what Spark returns,
    and the plain form tests compare."""
    parts = ", ".join(f"({n}, '{metric}', '{part}')" for n, (metric, part) in enumerate(PARTS))
    return f"""
        SELECT a.account, m.marketplace_id, s.scope, p.metric, p.part, c.day, c.delta
        FROM ({counters}) c
        JOIN key_accounts a ON a.aid = c.aid
        JOIN key_markets m ON m.mid = c.mid
        JOIN key_scopes s ON s.sid = c.sid
        JOIN (SELECT * FROM (VALUES {parts}) AS t(pid, metric, part)) p ON p.pid = c.pid"""


def with_key_tables(policy: Policy, sql: str) -> str:
    """`sql` with the key tables defined in front of it (a self-contained query, for Spark)."""
    tables = ", ".join(f"{name} AS ({query})" for name, query in key_tables_sql(policy).items())
    return f"WITH {tables} SELECT * FROM ({sql})"


def values_sql(counters: str, first: date, last: date) -> str:
    """Every (keys, day) value for the days first..last: the running sum of text-keyed
    counters (KEYS, day, delta)."""
    keys = ", ".join(KEYS)
    return f"""
        WITH c AS (SELECT * FROM ({counters}) WHERE day <= DATE '{last}'),
        base AS (
            SELECT {keys}, sum(delta) AS delta FROM c WHERE day < DATE '{first}' GROUP BY ALL
        ),
        inside AS (
            SELECT {keys}, day, sum(delta) AS delta FROM c WHERE day >= DATE '{first}'
            GROUP BY ALL
        ),
        groups AS (SELECT {keys} FROM base UNION SELECT {keys} FROM inside),
        days AS (  -- the cast outside the generator: Spark allows no generator inside one
            SELECT CAST(day AS DATE) AS day FROM (
                SELECT unnest(generate_series(DATE '{first}', DATE '{last}', INTERVAL 1 DAY))
                       AS day
            )
        ),
        steps AS (
            SELECT g.*, d.day, coalesce(i.delta, 0) + CASE WHEN d.day = DATE '{first}'
                   THEN coalesce(b.delta, 0) ELSE 0 END AS delta
            FROM groups g CROSS JOIN days d
            LEFT JOIN inside i USING ({keys}, day)
            LEFT JOIN base b USING ({keys})
        )
        SELECT * FROM (
            SELECT {keys}, day, CAST(sum(delta) OVER (
                PARTITION BY {keys} ORDER BY day ROWS UNBOUNDED PRECEDING) AS BIGINT) AS value
            FROM steps
        ) WHERE value <> 0"""
