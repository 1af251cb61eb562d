"""An import killed (SIGKILL) at any point leaves records and kept counters as they were and
consistent with each other (`verify` passes), on both stores."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import pytest

from sellerhealth.domain import records as r
from sellerhealth.service import counters
from sellerhealth.store.store import Store

BASE = [
    *(r.Order("a", f"o{i}", date(2026, 5, 1 + i % 20), r.Channel.MFN) for i in range(40)),
    r.Feedback("a", "o3", date(2026, 5, 20), 1),
]

# The child imports a batch that changes stored orders and adds new ones, and kills itself
# at the point named: while writing the records, while counting, or between writing two
# counter series.
KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import date
    from sellerhealth.domain import records as r
    from sellerhealth.engine import change, kept
    from sellerhealth.store import counters
    from sellerhealth.store.store import Store

    def die(*_args, **_kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    point = sys.argv[2]

    def rows():
        for i in range(30):
            if point == "records" and i == 20:
                die()
            yield r.Order("a", f"o{i}", date(2026, 5, 2), r.Channel.AFN)
        yield r.Feedback("a", "o4", date(2026, 5, 21), 2)

    if point == "counting":
        kept.counted_change = die
    if point == "series":
        original = counters.write_series
        def half(backend, account, changed, emptied):
            first = dict(list(changed.items())[:1])
            original(backend, account, first, ())
            die()
        kept.c.write_series = half

    Store.open(sys.argv[1]).import_records(rows())
    """
)


def figures(store: Store) -> tuple:
    orders = sorted((o.order_id, o.fulfillment_channel) for o in store.records(r.Order, "a"))
    feedback = sorted(f.order_id for f in store.records(r.Feedback, "a"))
    return orders, feedback, store.backend.query("SELECT COUNT(*) FROM counter_series")[0][0]


@pytest.mark.parametrize("point", ["records", "counting", "series"])
def test_killed_import_leaves_records_and_counters_as_they_were(target, point):
    with Store.open(target) as store:
        store.import_records(BASE)
        before = figures(store)
    done = subprocess.run(
        [sys.executable, "-c", KILLED, target, point],
        check=False,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr.decode()
    with Store.open(target) as store:
        assert figures(store) == before
        assert counters.verify(store, ["a"]) == []


def test_one_day_values_read_in_the_database_equal_the_series(target):
    """`values_on` slices each stored series inside SQLite or PostgreSQL; it must give what
    the series themselves give, before their first day, inside and after their last."""
    from sellerhealth.engine.dense import day_number
    from sellerhealth.store.counters import read_series, values_on

    with Store.open(target) as store:
        store.import_records(BASE)
        store.import_records([r.Order("b", "x", date(2026, 6, 1), r.Channel.AFN)])
        for day in (date(2026, 5, 1), date(2026, 5, 20), date(2026, 7, 10), date(2030, 1, 1)):
            n = day_number(day)
            want = {
                key: s.at(n)
                for account in ("a", "b")
                for key, s in read_series(store.backend, account).items()
                if s.at(n)
            }
            assert dict(values_on(store.backend, n)) == want, day
