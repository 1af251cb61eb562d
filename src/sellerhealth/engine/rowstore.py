"""The incremental engine's tables: Arrow rows that can be found by entity key without a scan.

A day's batch touches a few hundred existing orders among millions. Finding their rows with a
database scan costs a pass over every table; here each table keeps its rows as a list of Arrow
chunks, and each chunk a sorted copy of its entity keys, so finding the rows of a set of keys
is a binary search and a `take`. Appending a batch adds a chunk (its rows are never copied
again until a merge), and a row replaced by a newer version is only marked dead.

Chunks live in memory, or in Arrow IPC files under a folder, memory-mapped, for data sets
larger than memory (the operating system then keeps only the pages in use).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pyarrow as pa

KEY = "k"  # the entity-key column every chunk carries (a 64-bit hash, see engine.incremental)
POSITION = "_position"  # added to found rows: where each lives, to mark it dead later
_CHUNK_BITS = 40  # a position is chunk_number << 40 | row (2^40 rows per chunk is plenty)
MAX_CHUNKS = 16  # beyond this, the small chunks are merged into one (a search per chunk)
BATCH_ROWS = 1 << 21  # rows per record batch (few batches: a `take` costs a call per batch)


@dataclass
class _Chunk:
    rows: pa.Table
    batches: list[pa.RecordBatch]  # the rows' record batches, and the row each one starts at
    starts: np.ndarray  # (taking from a many-batch table would first concatenate them all)
    sorted_keys: np.ndarray  # the rows' keys, sorted
    order: np.ndarray  # row numbers in key order: sorted_keys[i] is the key of row order[i]
    live: np.ndarray  # False once the row was replaced by a newer version
    file: Path | None = None  # the file the rows are mapped from, if any

    @classmethod
    def of(cls, rows: pa.Table, file: Path | None = None) -> _Chunk:
        keys = rows.column(KEY).to_numpy()
        order = np.argsort(keys, kind="stable")
        batches = rows.to_batches()
        starts = np.cumsum([0] + [b.num_rows for b in batches[:-1]])
        live = np.ones(rows.num_rows, dtype=bool)
        return cls(rows, batches, starts, keys[order], order, live, file)

    def rows_with(self, keys: np.ndarray) -> np.ndarray:
        """Row numbers of the live rows whose key is one of `keys` (sorted, unique)."""
        first = np.searchsorted(self.sorted_keys, keys, "left")
        here = first < len(self.sorted_keys)
        here[here] = self.sorted_keys[first[here]] == keys[here]
        keys, first = keys[here], first[here]  # the keys this chunk has, and their first rows
        runs = np.searchsorted(self.sorted_keys, keys, "right") - first
        # each key's run of equal keys, flattened: first[j], first[j] + 1, ... for every key j
        run_starts = np.repeat(first - (np.cumsum(runs) - runs), runs)
        rows = self.order[run_starts + np.arange(runs.sum())]
        return np.sort(rows[self.live[rows]])

    def take(self, rows: np.ndarray) -> pa.Table:
        """The rows with these (sorted) row numbers, taken batch by batch."""
        batch_of = np.searchsorted(self.starts, rows, "right") - 1
        parts = [
            self.batches[b].take(pa.array(rows[batch_of == b] - self.starts[b]))
            for b in np.unique(batch_of)
        ]
        return pa.Table.from_batches(parts, self.rows.schema)

    def live_rows(self) -> pa.Table:
        return self.rows if self.live.all() else self.rows.filter(pa.array(self.live))


# a table, or a stream of them (e.g. read from files)
Rows: TypeAlias = pa.Table | Iterable[pa.Table]


def _parts(rows: Rows) -> Iterable[pa.Table]:
    return [rows] if isinstance(rows, pa.Table) else rows


class _KeyFilter:
    """A bit per key hash slot, set when some row's key falls in it: most keys of a batch are
    new, and one bit rules each of those out before any search. Dead rows keep their bit (it
    only costs a search), and the bits are redrawn as the table grows (16 slots per row, so
    about 1 new key in 16 needs a search)."""

    def __init__(self) -> None:
        self.bits = np.zeros(8, dtype=np.uint8)
        self.rows = 0

    def maybe_present(self, keys: np.ndarray) -> np.ndarray:
        slots = keys & np.uint64(len(self.bits) * 8 - 1)
        return keys[(self.bits[slots >> np.uint64(3)] >> (slots & np.uint64(7))) & 1 == 1]

    def add(self, keys: np.ndarray, every_key: Callable[[], Iterable[np.ndarray]]) -> None:
        """Remember `keys`; when the table outgrew the bits, redraw them from `every_key()`."""
        self.rows += len(keys)
        if self.rows <= len(self.bits):  # a byte per row: still 8 slots per row, at least
            self._set(keys)
            return
        self.bits = np.zeros(1 << max(3, (2 * self.rows - 1).bit_length()), dtype=np.uint8)
        for part in every_key():
            self._set(part)

    def _set(self, keys: np.ndarray) -> None:
        slots = keys & np.uint64(len(self.bits) * 8 - 1)
        byte, bit = slots >> np.uint64(3), (slots & np.uint64(7)).astype(np.uint8)
        for b in range(8):  # one bit position at a time, so keys sharing a byte cannot clash
            self.bits[byte[bit == b]] |= np.uint8(1 << b)


def _rebatched(rows: Rows) -> Iterator[pa.RecordBatch]:
    """`rows` in record batches of about BATCH_ROWS rows (readers yield many small ones)."""
    pending: list[pa.RecordBatch] = []
    for batch in (b for part in _parts(rows) for b in part.to_batches()):
        pending.append(batch)
        if sum(b.num_rows for b in pending) >= BATCH_ROWS:
            yield from pa.Table.from_batches(pending).combine_chunks().to_batches()
            pending = []
    if pending:
        yield from pa.Table.from_batches(pending).combine_chunks().to_batches()


class KeyedRows:
    """One table's rows, findable by entity key; replaced rows are masked, never rewritten."""

    def __init__(self, schema: pa.Schema, folder: Path | None = None) -> None:
        self.schema = schema
        self.folder = folder
        self.chunks: list[_Chunk] = []
        self._files = count()
        self._none_found = schema.empty_table().append_column(POSITION, pa.array([], pa.int64()))
        self._filter = _KeyFilter()

    @property
    def num_rows(self) -> int:
        return sum(int(c.live.sum()) for c in self.chunks)

    def find(self, keys: np.ndarray) -> pa.Table:
        """The live rows of the given entity keys (sorted, unique), with their positions."""
        found = [self._none_found]
        keys = self._filter.maybe_present(keys)
        for number, chunk in enumerate(self.chunks):
            rows = chunk.rows_with(keys) if len(keys) else np.empty(0, dtype=np.int64)
            if len(rows):
                position = pa.array((number << _CHUNK_BITS) | rows)
                found.append(chunk.take(rows).append_column(POSITION, position))
        return found[0] if len(found) == 1 else pa.concat_tables(found)

    def prepare(self, rows: Rows) -> _Chunk | None:
        """A chunk for `rows` (stored and indexed), not yet part of the table."""
        stored, file = self._stored(rows)
        return _Chunk.of(stored, file) if stored.num_rows else None

    def replace(self, dead: np.ndarray, chunk: _Chunk | None) -> None:
        """Mark the rows at `dead` (positions from `find`) dead and add the prepared chunk."""
        for number in np.unique(dead >> _CHUNK_BITS):
            rows = dead[(dead >> _CHUNK_BITS) == number] & ((1 << _CHUNK_BITS) - 1)
            self.chunks[number].live[rows] = False
        if chunk is not None:
            self.chunks.append(chunk)
            self._filter.add(chunk.sorted_keys, lambda: (c.sorted_keys for c in self.chunks))
        if len(self.chunks) > MAX_CHUNKS:
            self.merge(keep_first=True)

    def table(self) -> pa.Table:
        """Every live row, for a full recount."""
        return self._live_rows(self.chunks)

    def merge(self, keep_first: bool = False) -> None:
        """Rewrite the chunks (all, or all but the first, usually the big one) as one."""
        kept, merged = (self.chunks[:1], self.chunks[1:]) if keep_first else ([], self.chunks)
        chunk = self.prepare(self._live_rows(merged))
        self.chunks = kept + ([chunk] if chunk else [])
        for old in merged:  # a mapped file outlives its unlinking until its last reader is gone
            if old.file is not None:
                old.file.unlink(missing_ok=True)

    def _live_rows(self, chunks: list[_Chunk]) -> pa.Table:
        return pa.concat_tables([self.schema.empty_table(), *(c.live_rows() for c in chunks)])

    def _stored(self, rows: Rows) -> tuple[pa.Table, Path | None]:
        """`rows` as this table keeps them: in memory, or written out (a batch at a time, so a
        large stream never sits in memory whole) and memory-mapped from the file returned."""
        batches = (b.select(self.schema.names).cast(self.schema) for b in _rebatched(rows))
        if self.folder is None:
            return pa.Table.from_batches(batches, self.schema), None
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{next(self._files):06d}.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, self.schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
        return pa.ipc.open_file(pa.memory_map(str(path))).read_all(), path
