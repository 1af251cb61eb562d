"""The fuzzer in the suite: a few hundred mutated files through the command line (and some
reading commands and API queries), on SQLite and PostgreSQL. `bench/fuzz.py` runs more."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from tests.fuzz.runner import fuzz

PG_URL = os.environ.get("SELLERHEALTH_TEST_PG")
CASES = {"sqlite": 300, "postgres": 30}


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> Iterator[tuple[str, object]]:
    if request.param == "sqlite":
        yield "sqlite", None
        return
    if not PG_URL:
        pytest.skip("SELLERHEALTH_TEST_PG not set: run through `make test`")
    import psycopg

    made: list[str] = []

    def fresh(_n: int) -> str:
        name = f"f_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        made.append(name)
        return PG_URL.rsplit("/", 1)[0] + f"/{name}"

    yield "postgres", fresh
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        for name in made:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_no_crash_no_corruption(backend):
    kind, store = backend
    tally = fuzz(CASES[kind], seed=20261120, store=store)  # type: ignore[arg-type]

    assert tally.failures == [], "\n\n".join(tally.failures[:5])
    # Both outcomes were exercised (about a quarter of the mutated files are still good).
    assert tally.imports_accepted > CASES[kind] // 10
    assert tally.imports_refused > CASES[kind] // 10
