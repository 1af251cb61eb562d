"""Finding rows by entity key (binary search behind a bit filter) equals a plain filter."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerhealth.engine import rowstore
from sellerhealth.engine.rowstore import KEY, POSITION, KeyedRows

SCHEMA = pa.schema([("name", pa.string()), (KEY, pa.uint64())])
# Few distinct keys, so chunks share keys and every key has several rows.
keys = st.integers(min_value=0, max_value=40).map(lambda k: k * 0x9E3779B97F4A7C15 % 2**64)
chunk = st.lists(keys, max_size=30)


def rows(chunk_keys: list[int], tag: str) -> pa.Table:
    names = [f"{tag}{i}" for i in range(len(chunk_keys))]
    return pa.table({"name": names, KEY: pa.array(chunk_keys, pa.uint64())}, schema=SCHEMA)


def plain_find(live: list[tuple[str, int]], wanted: set[int]) -> list[str]:
    return sorted(name for name, key in live if key in wanted)


@settings(max_examples=60, deadline=None)
@given(st.lists(chunk, min_size=1, max_size=5), st.lists(keys, max_size=20), st.data())
def test_find_returns_the_live_rows_of_the_keys_like_a_plain_filter(chunks, wanted, data):
    table = KeyedRows(SCHEMA)
    live: list[tuple[str, int]] = []
    for number, chunk_keys in enumerate(chunks):
        new = rows(chunk_keys, f"c{number}-")
        # Replace some of the rows found for a few keys, as a batch does.
        touched = np.unique(np.array(data.draw(st.lists(keys, max_size=4)), dtype=np.uint64))
        found = table.find(touched)
        dead = (
            data.draw(st.sets(st.sampled_from(range(found.num_rows)))) if found.num_rows else set()
        )
        positions = found[POSITION].to_numpy()[sorted(dead)]
        dead_names = {found["name"][i].as_py() for i in dead}
        table.replace(positions, table.prepare(new))
        live = [row for row in live if row[0] not in dead_names]
        live += list(zip(new["name"].to_pylist(), chunk_keys, strict=True))

    asked = np.unique(np.array(wanted, dtype=np.uint64))
    assert sorted(table.find(asked)["name"].to_pylist()) == plain_find(live, set(wanted))
    assert sorted(table.table()["name"].to_pylist()) == sorted(name for name, _ in live)
    assert table.num_rows == len(live)


def test_merging_chunks_keeps_the_live_rows_and_their_keys(monkeypatch):
    monkeypatch.setattr(rowstore, "MAX_CHUNKS", 2)
    table = KeyedRows(SCHEMA)
    for number in range(5):  # more chunks than allowed: the small ones are merged
        table.replace(np.empty(0, dtype=np.int64), table.prepare(rows([7, number], f"c{number}-")))
    assert len(table.chunks) <= 2
    found = table.find(np.array([7], dtype=np.uint64))
    assert sorted(found["name"].to_pylist()) == [f"c{n}-0" for n in range(5)]


def test_a_file_backed_table_keeps_its_chunks_in_memory_mapped_files(tmp_path):
    table = KeyedRows(SCHEMA, tmp_path / "t")
    table.replace(np.empty(0, dtype=np.int64), table.prepare(rows([1, 2, 2], "a")))
    table.replace(np.empty(0, dtype=np.int64), table.prepare(rows([2, 3], "b")))
    assert len(list((tmp_path / "t").glob("*.arrow"))) == 2
    found = table.find(np.array([2], dtype=np.uint64))
    assert sorted(found["name"].to_pylist()) == ["a1", "a2", "b0"]
    table.merge()  # one file again: the merged ones are removed
    assert len(list((tmp_path / "t").glob("*.arrow"))) == 1
    assert sorted(table.find(np.array([2], dtype=np.uint64))["name"].to_pylist()) == [
        "a1", "a2", "b0"
    ]  # fmt: skip


def test_the_key_filter_grows_with_the_table_and_still_finds_every_key():
    table = KeyedRows(SCHEMA)
    all_keys = np.random.default_rng(3).integers(0, 2**63, 5_000, dtype=np.uint64)
    for part in np.array_split(all_keys, 10):  # the filter is redrawn as rows arrive
        table.replace(np.empty(0, dtype=np.int64), table.prepare(rows(part.tolist(), "k")))
    assert table.find(np.unique(all_keys)).num_rows == len(all_keys)
    absent = np.unique(np.random.default_rng(4).integers(0, 2**63, 5_000, dtype=np.uint64))
    assert table.find(np.setdiff1d(absent, all_keys)).num_rows == 0
