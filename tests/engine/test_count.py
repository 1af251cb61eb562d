"""The fast count (integer keys, dense arrays) equals the plain text-keyed counters SQL (the
form Spark runs), and a count of some days only equals the full count on those days."""

from __future__ import annotations

from datetime import date

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.strategies import POLICY, seller_data, tables

from sellerhealth.engine import dense
from sellerhealth.engine.count import all_counters_sql, count
from sellerhealth.engine.intervals import Days


def connected(rows):
    con = duckdb.connect()
    for name, table in rows.items():
        con.register(name, table)
    return con


def as_set(values):
    return set(zip(*(values.column(c).to_pylist() for c in values.column_names), strict=True))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seller_data(), st.integers(0, 60), st.integers(0, 40))
def test_fast_count_equals_plain_counters_and_days_equal_the_year(records, start, length):
    con = connected(tables(records))
    full = count(con, POLICY)
    plain = dense.series_of(con.sql(all_counters_sql(POLICY)).to_arrow_table())
    assert full.series() == plain
    first = date.fromordinal(date(2026, 1, 10).toordinal() + start)
    last = date.fromordinal(first.toordinal() + length)
    some = count(con, POLICY, Days(first, last))
    assert as_set(some.values_table(first, last)) == as_set(full.values_table(first, last))


def test_a_count_of_nothing_is_empty():
    con = connected(tables([]))
    assert count(con, POLICY).series() == {}
    assert count(con, POLICY, Days(date(2026, 2, 1), date(2026, 2, 3))).series() == {}
