"""Import throughput and report time, as a user runs them.

    python bench/import_orders.py --rows 1000000

Writes a synthetic Amazon all-orders flat file (bench/make_orders_file.py), then times, each in
a fresh process of the real command line on a fresh embedded store:

- `sellerhealth import FILE` (read, check every row, merge item rows, store in one transaction);
- `sellerhealth report --format json` for that account, as of the file's last day.

Last line: `rows=<int> import_s=<float> rows_per_s=<int> report_s=<float>`.
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sellerhealth-import-") as folder:
        path, db = Path(folder) / "orders.tsv", Path(folder) / "store.db"
        write_orders_file(path, args.rows)
        import_s = timed("import", str(path), db=db)
        report_s = timed("report", "--as-of", DEMO_AS_OF.isoformat(), "--format", "json", db=db)
    print(
        f"rows={args.rows} import_s={import_s:.2f} rows_per_s={args.rows / import_s:.0f} "
        f"report_s={report_s:.2f}"
    )


if __name__ == "__main__":
    main()
