"""The engine's one idea: every metric count is a sum of "as-of-day intervals".

An order counts in ODR as of day D when its purchase day p is in [D-73, D-14], i.e. for every
D in [p+14, p+73]. It counts as defective on D when, in addition, one of its defects is active
on D (a negative feedback not yet removed, a claim in a counted status, ...). Each such fact is
an interval of as-of days. Turning facts into intervals once, then into +1/-1 deltas at the
interval ends, gives every day's count for every account by one prefix sum: no per-day loop,
no range join, and the cost grows with the number of facts, not facts times days.

`deltas` and `daily_sums` are the shared SQL; the metric modules only say which intervals.
"""

from __future__ import annotations

from datetime import date

import duckdb


def deltas_sql(intervals: str, first: date, last: date) -> str:
    """+weight at each interval's first day, -weight the day after its last, clipped to the range.

    `intervals` is a query with columns: keys..., metric, part, weight, d_from, d_to (inclusive;
    d_to NULL means open-ended).
    """
    return f"""
    SELECT * EXCLUDE (d_from, d_to, weight), greatest(d_from, DATE '{first}') AS day, weight AS delta
    FROM ({intervals}) WHERE d_from <= DATE '{last}' AND (d_to IS NULL OR d_to >= DATE '{first}')
      AND (d_to IS NULL OR d_to >= d_from)
    UNION ALL
    SELECT * EXCLUDE (d_from, d_to, weight), d_to + 1 AS day, -weight AS delta
    FROM ({intervals}) WHERE d_to IS NOT NULL AND d_to < DATE '{last}' AND d_to >= DATE '{first}'
      AND d_to >= d_from
    """


def daily_sums(
    con: duckdb.DuckDBPyConnection, intervals: str, keys: list[str], first: date, last: date
) -> duckdb.DuckDBPyRelation:
    """Dense per-day sums for every (keys, metric, part) group over [first, last]."""
    key_list = ", ".join([*keys, "metric", "part"])
    return con.sql(
        f"""
        WITH d AS ({deltas_sql(intervals, first, last)}),
        per_day AS (SELECT {key_list}, day, sum(delta) AS delta FROM d GROUP BY ALL),
        groups AS (SELECT DISTINCT {key_list} FROM per_day),
        days AS (
            SELECT CAST(unnest(generate_series(DATE '{first}', DATE '{last}', INTERVAL 1 DAY)) AS DATE)
                AS day
        ),
        grid AS (SELECT * FROM groups CROSS JOIN days)
        SELECT {key_list}, day,
               CAST(sum(COALESCE(p.delta, 0)) OVER (
                   PARTITION BY {", ".join(f"g.{k}" for k in [*keys, "metric", "part"])}
                   ORDER BY day ROWS UNBOUNDED PRECEDING) AS BIGINT) AS value
        FROM grid g LEFT JOIN per_day p USING ({key_list}, day)
        """
    )
