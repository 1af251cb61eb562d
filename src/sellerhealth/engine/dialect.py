"""The engine's SQL for other engines: the DuckDB SQL of `engine.intervals`, `engine.odr`,
`engine.shipping` and `engine.account` translated by sqlglot, so each rule is written once.

The generators write DuckDB SQL (the embedded engine runs it as is); for Spark the same text
is parsed and written back in Spark's dialect. The only construct changed on the way is a
planner hint Spark has no syntax for: `WITH x AS MATERIALIZED (...)` (DuckDB computes such a
shared part once; Spark decides that itself, reusing exchanges), which becomes a plain CTE.
Nothing else is rewritten by hand: a rule that does not translate fails here, loudly, in
`tests/spark`, rather than being forked into a Spark twin.
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp


@lru_cache(maxsize=64)
def spark_sql(duckdb_sql: str) -> str:
    """`duckdb_sql` in Spark SQL (same columns, same results)."""
    tree = sqlglot.parse_one(duckdb_sql, read="duckdb")
    for cte in tree.find_all(exp.CTE):
        cte.set("materialized", None)
    return tree.sql(dialect="spark")
