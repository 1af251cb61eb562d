"""Import throughput and report time, as a user runs them.

    python bench/import_orders.py --rows 1000000

Writes a synthetic Amazon all-orders flat file (bench/make_orders_file.py), then times, each in
a fresh process of the real command line on a fresh embedded store:

- `sellerhealth import FILE` (read, check every row, merge item rows, store in one transaction);
- `sellerhealth report --format json` for that account, as of the file's last day, as a
  command (a new process) and as a running server makes it (in process, median of 5).

Last line: `rows=<int> import_s=<float> rows_per_s=<int> report_s=<float>
report_in_process_ms=<int>`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from make_orders_file import write_orders_file
from sellerhealth.sample.generate import DEMO_AS_OF


def timed(*args: str, db: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sellerhealth.cli", "--db", str(db), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "200"},
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Keep the file and the store in this folder.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sellerhealth-import-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path, db = folder / "orders.tsv", folder / "store.db"
        db.unlink(missing_ok=True)
        write_orders_file(path, args.rows)
        import_s = timed("import", str(path), db=db)
        report_s = timed("report", "--as-of", DEMO_AS_OF.isoformat(), "--format", "json", db=db)
        served_ms = in_process_report_ms(db)
    print(
        f"rows={args.rows} import_s={import_s:.2f} rows_per_s={args.rows / import_s:.0f} "
        f"report_s={report_s:.2f} report_in_process_ms={served_ms:.0f}"
    )


def in_process_report_ms(db: Path, repeats: int = 5) -> float:
    """The report as a running server makes it (the process and its imports already up):
    the median of `repeats`, each on a freshly opened store."""
    from sellerhealth.service.report import report
    from sellerhealth.store.store import Store

    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        with Store.open(db) as store:
            report(store, "default", DEMO_AS_OF)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    main()
