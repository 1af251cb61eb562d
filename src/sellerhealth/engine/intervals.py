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

Interval queries have the columns: account, marketplace_id, scope, metric, part, weight,
d_from, d_to (both inclusive).
"""

from __future__ import annotations

from datetime import date

KEYS = ("account", "marketplace_id", "scope", "metric", "part")
_KEY_LIST = ", ".join(KEYS)


def counters_sql(intervals: str, summed: bool = True) -> str:
    """The counters (keys, day, delta) of an interval query: each interval gives +weight on its
    first day and -weight on the day after its last. Summed per key and day unless `summed` is
    false (a small batch's counters barely share a key and day: summing them costs more than
    it saves)."""
    intervals = (
        f"WITH i AS MATERIALIZED (SELECT * FROM ({intervals}) WHERE d_to >= d_from AND weight <> 0)"
    )
    ends = f"""
        SELECT {_KEY_LIST}, d_from AS day, weight AS delta FROM i
        UNION ALL
        SELECT {_KEY_LIST}, d_to + 1 AS day, -weight AS delta FROM i"""
    if not summed:
        return f"{intervals} {ends}"
    return f"""{intervals}
        SELECT {_KEY_LIST}, day, CAST(sum(delta) AS BIGINT) AS delta FROM ({ends})
        GROUP BY ALL HAVING sum(delta) <> 0"""


def values_sql(counters: str, first: date, last: date) -> str:
    """Every (keys, day) value for the days first..last: the running sum of the counters."""
    return f"""
        WITH c AS (SELECT * FROM ({counters}) WHERE day <= DATE '{last}'),
        base AS (
            SELECT {_KEY_LIST}, sum(delta) AS delta FROM c WHERE day < DATE '{first}' GROUP BY ALL
        ),
        inside AS (
            SELECT {_KEY_LIST}, day, sum(delta) AS delta FROM c WHERE day >= DATE '{first}'
            GROUP BY ALL
        ),
        groups AS (SELECT {_KEY_LIST} FROM base UNION SELECT {_KEY_LIST} FROM inside),
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
            LEFT JOIN inside i USING ({_KEY_LIST}, day)
            LEFT JOIN base b USING ({_KEY_LIST})
        )
        SELECT * FROM (
            SELECT {_KEY_LIST}, day, CAST(sum(delta) OVER (
                PARTITION BY {_KEY_LIST} ORDER BY day ROWS UNBOUNDED PRECEDING) AS BIGINT) AS value
            FROM steps
        ) WHERE value <> 0"""
