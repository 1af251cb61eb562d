"""How long an API read waits while an import writes to the same embedded store.

    python bench/readers.py --rows 300000

Imports the sample seller, then starts `sellerhealth import` of a large orders file (a fresh
process holding SQLite's write lock for seconds) and, while it runs, asks `/api/accounts`
again and again through the app in this process. Before issue 10 every request migrated the
store under the write lock and waited for the import (10.6 s in the report).

Last line: `rows=… import_s=… requests=… median_ms=… max_ms=… failed=…`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from make_orders_file import write_orders_file
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.sample.generate import write_sample
from sellerhealth.service.imports import import_files
from sellerhealth.store.store import Store
from sellerhealth.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=300_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sellerhealth-readers-") as folder:
        db, big = Path(folder) / "store.db", Path(folder) / "orders.tsv"
        with Store.open(db) as store:
            import_files(store, write_sample(Path(folder) / "sample"), ReadOptions(account="demo"))
        write_orders_file(big, args.rows)
        client = TestClient(create_app(str(db)), raise_server_exceptions=False)
        started = time.perf_counter()
        writer = subprocess.Popen(
            [sys.executable, "-m", "sellerhealth.cli", "--db", str(db), "import", str(big)],
            stdout=subprocess.DEVNULL,
        )
        waits, failed = [], 0
        while writer.poll() is None:
            asked = time.perf_counter()
            answer = client.get("/api/accounts")
            waits.append((time.perf_counter() - asked) * 1000)
            failed += answer.status_code != 200
            time.sleep(0.05)
        import_s = time.perf_counter() - started
        if writer.returncode != 0:
            raise SystemExit(f"the import failed with status {writer.returncode}")
    print(
        f"rows={args.rows} import_s={import_s:.1f} requests={len(waits)} "
        f"median_ms={statistics.median(waits):.1f} max_ms={max(waits):.1f} failed={failed}"
    )


if __name__ == "__main__":
    main()
