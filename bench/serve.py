"""Benchmark: the server under load, from kept counters against recounting from records.

    python bench/serve.py --orders 10000000 --accounts 1000 [--pg postgresql://...]

1. generates synthetic seller data (bench/synthetic.py) and bulk-loads it into a fresh store
   (the embedded one, then PostgreSQL when --pg or SELLERHEALTH_TEST_PG names a server); the
   kept counters are counted by the full engine from the same data (what `rebuild` does), and
   the kept state replays of the accounts the clients ask for are refreshed as imports do;
2. starts `sellerhealth serve` on 127.0.0.1 and sends GET report, history (90 days), status
   and portfolio from 32 concurrent clients, each endpoint for at most --seconds seconds and
   --requests requests, and prints p50, p99 and requests/s per endpoint;
3. does the same against a server that counts every figure from the records on each request
   (SELLERHEALTH_COUNTERS=recount, the path before kept counters) and prints the ratios;
4. imports one account's day of new data (~1,000 orders, their feedback and claims) with the
   command line while the server runs and times until the next report shows it;
5. prints the server's peak memory (VmHWM).

Every request loop is bounded in count and time and targets 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import httpx
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
from sellerhealth.engine.count import count
from sellerhealth.policy_files import DEFAULT_POLICY, load_policy, policy_digest
from sellerhealth.service import kept_replay
from sellerhealth.store import counters as c
from sellerhealth.store.store import Store

END = synthetic.END
ENDPOINTS = {
    "report": "/api/accounts/{a}/report?as_of={d}",
    "history": "/api/accounts/{a}/history?as_of={d}&from={f}",
    "status": "/api/accounts/{a}/status?as_of={d}",
    "portfolio": "/api/portfolio?as_of={d}",
}


def bulk_load(target: str, data: Path) -> None:
    """The generated tables into the store as they are (set-up, not the import path)."""
    with Store.open(target) as store:
        backend = store.backend
        for spec in c.ENGINE_TABLES:
            if not (data / spec.name).is_dir():
                continue
            source = ds.dataset(data / spec.name, format="parquet")
            names = [n for n in spec.names if n in source.schema.names]
            with backend.transaction():
                for batch in source.to_batches(columns=names, batch_size=200_000):
                    columns = [_cells(batch.column(i)) for i in range(batch.num_columns)]
                    _insert(backend, spec.name, names, list(zip(*columns, strict=True)))
        with backend.transaction():  # as the importer does: every case has a first status
            for cases, date_column in (
                ("claims", "claim_date"),
                ("chargebacks", "chargeback_date"),
            ):
                backend.execute(
                    f"INSERT INTO {cases[:-1]}_statuses SELECT account, order_id, {date_column}, "
                    f"{date_column}, 'pending' FROM {cases} x WHERE NOT EXISTS (SELECT 1 FROM "
                    f"{cases[:-1]}_statuses s WHERE s.account = x.account "
                    f"AND s.order_id = x.order_id AND s.{date_column} = x.{date_column})"
                )


def _cells(column: pa.Array) -> list:
    """A column as the store keeps it: dates and instants as ISO text."""
    if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
        column = pc.cast(column, pa.string())
    return column.to_pylist()


def _insert(backend, table: str, names: list[str], rows: list[tuple]) -> None:
    if backend.placeholder == "%s":  # PostgreSQL: COPY is the bulk path
        with (
            backend._db.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(names))
    backend.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)


def count_kept(target: str, data: Path, sample: list[str]) -> float:
    """Every account's kept counters from the full engine over the data; the sampled
    accounts' kept replays. Returns the seconds the counting took."""
    started = time.perf_counter()
    policy = load_policy()
    con = duckdb.connect()
    for spec in c.ENGINE_TABLES:
        if (data / spec.name).is_dir():
            con.execute(
                f"CREATE VIEW {spec.name} AS SELECT * FROM read_parquet('{data / spec.name}/*')"
            )
        else:
            con.register(spec.name, c.ENGINE_SCHEMAS[spec.name].empty_table())
    series = count(con, policy, slices=4).series()
    counted = time.perf_counter() - started
    by_account: dict[str, dict] = {}
    for key, found in series.items():
        by_account.setdefault(key[0], {})[key] = found
    digest = policy_digest(DEFAULT_POLICY)
    with Store.open(target) as store, store.backend.transaction():
        for account, mine in by_account.items():
            c.replace_series(store.backend, account, mine, DEFAULT_POLICY, digest)
    with Store.open(target) as store:
        for account in sample:
            kept_replay.refresh(store, account)
    return counted


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(target: str, recount: bool):
    port = free_port()
    env = {**os.environ, "SELLERHEALTH_COUNTERS": "recount" if recount else "kept"}
    log = Path(tempfile.gettempdir()) / f"sellerhealth-serve-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "sellerhealth.cli", "--db", target, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/accounts", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, process.pid
    except Exception:
        print(f"the server's log: {log}", file=sys.stderr)
        raise
    finally:
        process.terminate()
        process.wait(timeout=30)


def peak_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


async def _load(base: str, path: str, accounts: list[str], clients: int, seconds: float,
                requests: int) -> tuple[list[float], float]:  # fmt: skip
    """`clients` concurrent clients, at most `requests` requests and `seconds` in all."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    rng = random.Random(7)
    day, first = END.isoformat(), (END - synthetic.timedelta(days=89)).isoformat()

    async def client(http: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline and len(latencies) < requests:
            url = path.format(a=rng.choice(accounts), d=day, f=first)
            started = time.perf_counter()
            answer = await http.get(url)
            answer.raise_for_status()
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return latencies, time.perf_counter() - started


def measure(base: str, accounts: list[str], args: argparse.Namespace, requests: int) -> dict:
    out = {}
    for name, path in ENDPOINTS.items():
        latencies, took = asyncio.run(
            _load(base, path, accounts, args.clients, args.seconds, requests)
        )
        latencies.sort()
        out[name] = {
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "rps": len(latencies) / took,
            "n": len(latencies),
        }
    return out


def new_day(base: str, target: str, account: str, folder: Path) -> float:
    """Seconds from importing one account's day of new data to a report that shows it."""
    day = END + synthetic.timedelta(days=1)
    orders = folder / "orders.csv"
    with orders.open("w") as out:
        out.write("order_id,purchase_date,fulfillment_channel\n")
        for i in range(1000):
            out.write(f"new-{i},{day},{'AFN' if i % 3 else 'MFN'}\n")
    feedback = folder / "feedback.csv"
    feedback.write_text(
        "order_id,feedback_date,rating\n" + "".join(f"new-{i},{day},1\n" for i in range(20))
    )
    claims = folder / "claims.csv"
    claims.write_text(
        "order_id,claim_date,status\n" + "".join(f"new-{i},{day},pending\n" for i in range(20, 25))
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sellerhealth.cli", "--db", target, "import",
         str(orders), str(feedback), str(claims), "--account", account],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    answer = httpx.get(f"{base}/api/accounts/{account}/report?as_of={day}", timeout=600)
    took = time.perf_counter() - started
    answer.raise_for_status()
    [block] = answer.json()["performanceMetrics"]
    assert block["orderDefectRate"], "the report after the import has no ODR"
    return took


def run(target: str, label: str, data: Path, args: argparse.Namespace) -> None:
    sample = [f"acct{i}" for i in range(min(args.sample, args.accounts))]
    started = time.perf_counter()
    bulk_load(target, data)
    loaded = time.perf_counter() - started
    counted = count_kept(target, data, sample)
    print(f"[{label}] bulk load {loaded:.1f} s, counters counted {counted:.1f} s", flush=True)
    results = {}
    for recount in (False, True):
        with server(target, recount) as (base, pid):
            requests = args.requests if not recount else max(8, args.requests // 20)
            results[recount] = measure(base, sample, args, requests)
            if not recount:
                visible = new_day(base, target, sample[0], Path(tempfile.mkdtemp()))
                memory = peak_mb(pid)
    for name in ENDPOINTS:
        kept, slow = results[False][name], results[True][name]
        print(
            f"[{label}] {name}: kept p50={kept['p50_ms']:.1f}ms p99={kept['p99_ms']:.1f}ms "
            f"rps={kept['rps']:.1f} (n={kept['n']}) | recount p50={slow['p50_ms']:.1f}ms "
            f"p99={slow['p99_ms']:.1f}ms rps={slow['rps']:.2f} (n={slow['n']}) | "
            f"p50 ratio={slow['p50_ms'] / kept['p50_ms']:.1f}",
            flush=True,
        )
    print(f"[{label}] new day imported and visible in {visible:.2f} s; server peak {memory} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=50, help="accounts the clients ask for")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--pg", default=os.environ.get("SELLERHEALTH_TEST_PG"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sellerhealth-serve-") as folder:
        data = Path(folder) / "data"
        synthetic.generate(data, args.orders, args.accounts)
        run(str(Path(folder) / "store.db"), "embedded", data, args)
        if args.pg:
            import psycopg

            name = f"bench_{os.getpid()}"
            with psycopg.connect(args.pg, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {name}")
            try:
                run(args.pg.rsplit("/", 1)[0] + f"/{name}", "postgresql", data, args)
            finally:
                with psycopg.connect(args.pg, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
