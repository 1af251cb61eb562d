"""A mutation fuzzer over every importer kind, the command line and the API's query parameters.

Seeds are the first rows of each of the sample seller's files (`sellerhealth.sample`) and the
Orders API examples; each case mutates one seed (bytes, cells, lines, encodings, nesting) and
imports it through the real command line, in process, into a reused store. What must hold:

- no traceback and no exit status but 0, 1 or 2;
- a refused import (status 1 or 2) leaves the store exactly as it was;
- an accepted import imported again changes nothing (idempotence);
- a mutation that keeps the meaning (gzip, UTF-16, Windows-1252, CRLF, a BOM) stores the same
  rows as the seed itself;
- a reading command or an API query answers with 0/1/2, or an HTTP status the API documents
  with a JSON body.

`tests/fuzz/test_fuzz.py` runs a few hundred cases in `make test`; `bench/fuzz.py --cases N`
runs many more on demand.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import random
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sellerhealth.cli import main
from sellerhealth.sample.generate import write_sample

ROWS_PER_SEED = 12
ORDERS_API_SEED = Path(__file__).parents[1] / "data" / "amazon" / "orders-api.json"
TOKENS = (
    "\x00",
    "\t",
    '"',
    ",",
    "\n",
    "\r",
    "\ufeff",
    "é",
    "–",
    "\u202e",
    "🙂",
    "9223372036854775808",
    "-1",
    "0",
    "1e999",
    "NaN",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01",
    "2026-02-30",
    "13/45/26",
    "../../etc/passwd",
    "x" * 5000,
    "AFN",
    "Merchant",
    "granted",
    "true",
    "",
)
JSON_TOKENS = ('"\\ud800"', '"\\u0000"', "1e999", "NaN", "[" * 3000, "null", "{}", "[]", "-1")
GOOD_ACCOUNTS = ("default", "acme", "Acme EU.de_2@x-1")
BAD_ACCOUNTS = ("", " ", "a/b", "..", "x" * 65, "tab\there")
API_PATHS = (
    "/api/accounts",
    "/api/portfolio",
    "/api/accounts/{a}/report",
    "/api/accounts/{a}/history",
    "/api/accounts/{a}/status",
    "/api/accounts/{a}/timeline",
    "/api/accounts/{a}/triage",
    "/api/accounts/{a}/shipments",
    "/api/accounts/{a}/reconcile",
)
API_STATUSES = {200, 400, 404, 422, 503}
DAYS = ("2026-11-20", "2026-09-01", "2026-06-15", "2025-12-31", "2026-11-20T23:00:00-08:00")


@dataclass
class Tally:
    cases: int = 0
    imports_accepted: int = 0
    imports_refused: int = 0
    equivalence_checks: int = 0
    commands: int = 0
    api_queries: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"cases={self.cases} accepted={self.imports_accepted} refused={self.imports_refused} "
            f"equivalent={self.equivalence_checks} commands={self.commands} "
            f"api={self.api_queries} crashes_or_corruptions={len(self.failures)}"
        )


@dataclass(frozen=True)
class Seed:
    name: str
    data: bytes


def seeds(folder: Path) -> list[Seed]:
    """The first rows of every sample file (the performance report whole)."""
    found = []
    for path in write_sample(folder / "sample"):
        data = path.read_bytes()
        if path.suffix != ".json":
            data = b"".join(data.splitlines(keepends=True)[: ROWS_PER_SEED + 1])
        found.append(Seed(path.name, data))
    document = json.loads(ORDERS_API_SEED.read_text())
    found.append(Seed("orders-api.json", json.dumps(document, indent=2).encode()))
    return found


def run_cli(*args: str) -> tuple[int, str, str, str | None]:
    """(exit status, stdout, stderr, traceback or None) of the real entry point, in process."""
    out, err = io.StringIO(), io.StringIO()
    crash = None
    code = 0
    saved = sys.argv
    sys.argv = ["sellerhealth", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # a crash: exactly what the fuzzer is looking for
        crash = traceback.format_exc()
        code = -1
    finally:
        sys.argv = saved
    return code, out.getvalue(), err.getvalue(), crash


# --- mutations ------------------------------------------------------------------------------
# Each takes the seed's bytes and a random source and returns new bytes.

Mutation = Callable[[bytes, random.Random], bytes]


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def insert_token(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    pool = JSON_TOKENS if data.lstrip().startswith((b"{", b"[")) else TOKENS
    token = rng.choice(pool + TOKENS)
    return data[:at] + _bytes(token) + data[at:]


def replace_cell(data: bytes, rng: random.Random) -> bytes:
    lines = _text(data).split("\n")
    if len(lines) < 2:
        return insert_token(data, rng)
    row = rng.randrange(len(lines))
    sep = "\t" if "\t" in lines[0] else ","
    cells = lines[row].split(sep)
    cells[rng.randrange(len(cells))] = rng.choice(TOKENS)
    lines[row] = sep.join(cells)
    return _bytes("\n".join(lines))


def replace_json_value(data: bytes, rng: random.Random) -> bytes:
    text = _text(data)
    quotes = [i for i, c in enumerate(text) if c == ":"]
    if not quotes:
        return insert_token(data, rng)
    at = rng.choice(quotes) + 1
    end = at
    while end < len(text) and text[end] not in ",}\n":
        end += 1
    return _bytes(text[:at] + " " + rng.choice(JSON_TOKENS + TOKENS[:5]) + text[end:])


def duplicate_header_cell(data: bytes, rng: random.Random) -> bytes:
    lines = _text(data).split("\n")
    sep = "\t" if "\t" in lines[0] else ","
    cells = lines[0].split(sep)
    cells.insert(rng.randrange(len(cells) + 1), rng.choice(cells).upper())
    return _bytes("\n".join([sep.join(cells), *lines[1:]]))


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def shuffle_lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    action = rng.choice(("duplicate", "delete", "swap"))
    at = rng.randrange(len(lines))
    if action == "duplicate":
        lines.insert(at, lines[at])
    elif action == "delete":
        del lines[at]
    else:
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
    return b"\n".join(lines)


def nest_deeply(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((65, 500, 5000, 20000))
    return b'{"payload": {"Orders": ' + b"[" * depth + b"]" * depth + b"}}"


MUTATIONS: tuple[Mutation, ...] = (
    flip_bytes,
    insert_token,
    insert_token,
    replace_cell,
    replace_cell,
    replace_json_value,
    duplicate_header_cell,
    truncate,
    shuffle_lines,
    nest_deeply,
)


# Meaning-keeping re-encodings: the store must end up with the very rows of the seed.
def to_gzip(data: bytes) -> bytes:
    return gzip.compress(data)


def to_utf16(data: bytes) -> bytes:
    return data.decode("utf-8").encode("utf-16")


def to_cp1252(data: bytes) -> bytes:
    return data.decode("utf-8").encode("cp1252")


def to_crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def with_bom(data: bytes) -> bytes:
    return codecs.BOM_UTF8 + data


EQUIVALENTS: tuple[Callable[[bytes], bytes], ...] = (
    to_gzip,
    to_utf16,
    to_cp1252,
    to_crlf,
    with_bom,
)
