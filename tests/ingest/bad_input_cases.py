"""Helpers for the bad-input tests (issue 10's cases, and what the fuzz runs found), each run
through the real command line on both stores: a clear `file:line: column: problem` error with
exit status 1 and nothing stored, or a correct read."""

from __future__ import annotations

from pathlib import Path

from tests.store_dump import dump

from sellerhealth.store.store import Store

HEADER_ORDERS = "order_id,purchase_date,fulfillment_channel,units\n"
FEEDBACK_HEADER = "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def refused(cli, target: str, path: Path, *expected: str, extra: tuple[str, ...] = ()) -> str:
    """Import `path`: exit 1, every expected line on stderr, no traceback, nothing stored."""
    before = dump(target)
    code, _out, err = cli("--db", target, "import", str(path), *extra)
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.splitlines()
    for line in expected:
        assert line in lines, err
    assert dump(target) == before
    return err


def stored(target: str, sql: str) -> list[tuple]:
    with Store.open(target) as store:
        return store.backend.query(sql)
