"""Every input kind, and which one a file is (SPEC section 3: detected from the header)."""

from __future__ import annotations

from pathlib import Path

from sellerhealth.errors import InputError, UsageError
from sellerhealth.ingest.amazon_feedback import AMAZON_FEEDBACK
from sellerhealth.ingest.amazon_finances import AMAZON_FINANCES
from sellerhealth.ingest.amazon_orders import AMAZON_ORDERS
from sellerhealth.ingest.amazon_orders_api import AMAZON_ORDERS_API
from sellerhealth.ingest.amazon_performance import AMAZON_PERFORMANCE
from sellerhealth.ingest.base import (
    Importer,
    ReadOptions,
    ReadResult,
    TabularImporter,
    _header_cells,
)
from sellerhealth.ingest.canonical import CANONICAL
from sellerhealth.ingest.text import head_text

JSON_IMPORTERS: tuple[Importer, ...] = (AMAZON_PERFORMANCE, AMAZON_ORDERS_API, AMAZON_FINANCES)
TABULAR_IMPORTERS: tuple[TabularImporter, ...] = (AMAZON_ORDERS, AMAZON_FEEDBACK, *CANONICAL)
IMPORTERS: tuple[Importer, ...] = (*JSON_IMPORTERS, *TABULAR_IMPORTERS)

HEAD_BYTES = 64 * 1024


def kinds() -> list[str]:
    return [importer.kind for importer in IMPORTERS]


def importer_for(kind: str) -> Importer:
    for importer in IMPORTERS:
        if importer.kind == kind:
            return importer
    raise UsageError(f"unknown kind {kind!r}; expected one of: {', '.join(kinds())}")


def _head(path: Path) -> str:
    # getReportDocument hands reports over gzip-compressed: head_text reads through that.
    return head_text(path, HEAD_BYTES)


def _closest_tabular(head: str) -> TabularImporter | None:
    """The delimited kind whose identifying columns are most present: strictly the best, and
    with at least two, so a file missing one required column is still read as its kind (and
    the missing column is reported) rather than refused as unknown."""
    names = {cell.strip().lower() for cell in _header_cells(head)}
    scores = sorted(
        ((len((i.signature or frozenset(i.required())) & names), i) for i in TABULAR_IMPORTERS),
        key=lambda scored: scored[0],
        reverse=True,
    )
    best, runner_up = scores[0][0], scores[1][0]
    return scores[0][1] if best >= 2 and best > runner_up else None


def detect_kind(path: Path) -> Importer:
    """The importer for `path`, from its first 64 KB; InputError when that is not clear."""
    head = _head(path)
    is_json = head.lstrip().startswith(("{", "["))
    candidates = JSON_IMPORTERS if is_json else TABULAR_IMPORTERS
    found = [importer for importer in candidates if importer.identify(head)]
    if len(found) == 1:
        return found[0]
    closest = None if is_json else _closest_tabular(head)
    if closest is not None:
        return closest
    what = "is empty" if not head.strip() else "is not a kind sellerhealth can tell from its start"
    if len(found) > 1:
        what = f"could be any of: {', '.join(i.kind for i in found)}"
    raise InputError(f"{path} {what}; pass --kind, one of: {', '.join(kinds())}")


def read_file(path: Path, options: ReadOptions, kind: str | None = None) -> ReadResult:
    """Read `path` as `kind`, or as the kind detected from its start."""
    importer = importer_for(kind) if kind else detect_kind(path)
    try:
        return importer.read(path, options)
    except OSError as problem:
        raise InputError(f"{path}: cannot read the file: {problem.strerror}") from None
