"""The bundled demo seller in a SQLite store, built once per test session (about a second);
tests that write to their store get a copy."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from sellerhealth.ingest.base import ReadOptions
from sellerhealth.sample.generate import DEMO_AS_OF, write_sample
from sellerhealth.service.imports import import_files
from sellerhealth.store.store import Store

DEMO_ACCOUNT = "demo-seller"
__all__ = ["DEMO_ACCOUNT", "DEMO_AS_OF", "demo_db"]


@lru_cache(maxsize=1)
def _built() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="sellerhealth-demo-test-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    db = folder / "demo.db"
    with Store.open(db) as store:
        for path in write_sample(folder / "data", DEMO_AS_OF):
            import_files(store, [path], ReadOptions(account=DEMO_ACCOUNT))
    return db


def demo_db(into: Path) -> Path:
    """A fresh copy of the demo store in `into`."""
    into.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(_built(), into / "demo.db"))
