"""The import's column-at-a-time rows equal the plain record-by-record conversion."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from sellerhealth.domain import records as r
from sellerhealth.store import tables as t
from sellerhealth.store.rows import rows_of

# Aware UTC instants, as the records keep them (naive ones never reach the store).
st.register_type_strategy(datetime, st.datetimes(timezones=st.just(UTC)))
JSON = st.dictionaries(st.text(max_size=5), st.one_of(st.none(), st.integers(), st.text()))


def records_of(record_type: type) -> st.SearchStrategy:
    if record_type is r.PerformanceSnapshot:  # its report document is JSON of any shape
        return st.builds(record_type, document=JSON)
    return st.from_type(record_type)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_rows_of_equals_row_of_for_every_record_table(data):
    for record_type, (spec, extra) in t.RECORD_TABLES.items():
        records = data.draw(st.lists(records_of(record_type), max_size=4))
        assert rows_of(spec, records, extra) == [t.row_of(spec, rec, extra) for rec in records]
