"""Running the fuzzer's cases (tests/fuzz/harness.py has the seeds, mutations and checks'
definitions): one store reused across cases, reset every `RESET_EVERY` cases."""

from __future__ import annotations

import random
import shutil
import tempfile
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.fuzz.harness import (
    API_PATHS,
    API_STATUSES,
    BAD_ACCOUNTS,
    DAYS,
    EQUIVALENTS,
    GOOD_ACCOUNTS,
    MUTATIONS,
    TOKENS,
    Seed,
    Tally,
    run_cli,
    seeds,
)
from tests.store_dump import dump

from sellerhealth.ingest.registry import kinds

RESET_EVERY = 40
JSON = ("--format", "json")
PERSONAL = ("@marketplace.amazon.com", "BuyerInfo", "ShippingAddress", "BuyerEmail")
COMMAND_SHARE = 0.03  # of cases that also run a reading command
API_SHARE = 0.03  # of cases that also query the API
EQUIVALENT_SHARE = 0.05  # of cases that check a meaning-keeping re-encoding


def _discard(db: str) -> None:
    """Delete a SQLite store the fuzzer is done with (a long run makes thousands)."""
    if "://" not in db:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)


def _without_import_log(found: dict[str, Any]) -> dict[str, Any]:
    return {name: rows for name, rows in found.items() if name != "imports"}


class Fuzzer:
    def __init__(self, folder: Path, seed: int, store: Callable[[int], str] | None = None) -> None:
        self.folder = folder
        self.rng = random.Random(seed)
        self.seeds = seeds(folder)
        self.tally = Tally()
        self._fresh = store or (lambda n: str(folder / f"store-{n}.db"))
        self._stores = 0
        self.db = self._new_store()
        self._client: Any = None

    def _new_store(self) -> str:
        if self._stores:
            _discard(self.db)
        self._stores += 1
        self._client = None
        return self._fresh(self._stores)

    def fail(self, what: str, detail: str) -> None:
        self.tally.failures.append(f"{what}\n{detail}")

    def run(self, cases: int) -> Tally:
        for n in range(cases):
            if n and n % RESET_EVERY == 0:
                self.db = self._new_store()
            self.case(n)
        return self.tally

    def case(self, n: int) -> None:
        rng = self.rng
        seed = rng.choice(self.seeds)
        data = seed.data
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            data = rng.choice(MUTATIONS)(data, rng)
        path = self.folder / f"case-{n % 8}-{seed.name}"
        path.write_bytes(data)
        self.tally.cases += 1
        self.check_import(path, self.import_args(rng))
        if rng.random() < EQUIVALENT_SHARE:
            self.check_equivalent(seed, n)
        if rng.random() < COMMAND_SHARE:
            self.check_command()
        if rng.random() < API_SHARE:
            self.check_api()

    def import_args(self, rng: random.Random) -> list[str]:
        args: list[str] = []
        if rng.random() < 0.3:
            args += ["--skip-bad-rows"]
        if rng.random() < 0.2:
            args += ["--kind", rng.choice(kinds())]
        if rng.random() < 0.2:
            args += ["--account", rng.choice(GOOD_ACCOUNTS + BAD_ACCOUNTS)]
        if rng.random() < 0.05:
            args += [rng.choice(("--from", "--to", "--report-date")), rng.choice(DAYS + TOKENS)]
        return args

    def check_import(self, path: Path, args: list[str]) -> None:
        before = dump(self.db)
        code, _out, err, crash = run_cli("--db", self.db, "import", str(path), *args)
        what = f"import {path.name} {args}"
        if crash or code not in (0, 1, 2) or "Traceback" in err:
            self.fail(f"crash: {what} exit {code}", crash or err)
            return
        if code != 0:
            self.tally.imports_refused += 1
            if dump(self.db) != before:
                self.fail(f"refused import changed the store: {what}", err)
            return
        self.tally.imports_accepted += 1
        rejects = Path(f"{path}.rejects.csv")
        if rejects.exists():
            text = rejects.read_text(encoding="utf-8", errors="replace")
            rejects.unlink()
            if any(personal in text for personal in PERSONAL):
                self.fail(f"personal data in the rejects file: {what}", text[:500])
        after = dump(self.db)
        code, _out, err, crash = run_cli("--db", self.db, "import", str(path), *args)
        if crash or code != 0:
            self.fail(f"re-import failed: {what} exit {code}", crash or err)
        elif dump(self.db) != after:
            self.fail(f"re-import changed the store: {what}", err)

    def check_equivalent(self, seed: Seed, n: int) -> None:
        encode = self.rng.choice(EQUIVALENTS)
        try:
            data = encode(seed.data)
        except UnicodeEncodeError:
            return  # the seed has a character the encoding lacks
        stores = []
        for label, content in (("plain", seed.data), (encode.__name__, data)):
            path = self.folder / f"eq-{label}-{seed.name}"
            path.write_bytes(content)
            db = self._fresh(10_000_000 + n * 2 + len(stores))
            code, _out, err, crash = run_cli("--db", db, "import", str(path))
            if crash or code != 0:
                self.fail(f"equivalent import failed: {encode.__name__} {seed.name}", crash or err)
                return
            stores.append(_without_import_log(dump(db)))
            _discard(db)
        self.tally.equivalence_checks += 1
        if stores[0] != stores[1]:
            self.fail(f"misread: {encode.__name__} of {seed.name} stores other rows", "")

    def check_command(self) -> None:
        rng = self.rng
        account = rng.choice(("demo", *GOOD_ACCOUNTS, *BAD_ACCOUNTS))
        day = rng.choice(DAYS + TOKENS[:12])
        command = rng.choice(
            (
                ["report", "--account", account, "--as-of", day, "--format", "json"],
                ["history", "--account", account, "--from", "2026-11-01", "--to", day, *JSON],
                ["history", "--account", account, "--metric", rng.choice(("odr", "x")), *JSON],
                ["status", "--account", account, "--as-of", day, "--format", "json"],
                ["timeline", "--account", account, "--format", "json"],
                ["triage", "--account", account, "--format", "json"],
                ["portfolio", "--as-of", day, "--format", "json"],
                ["account", "set", account, "--program", rng.choice(("business", "x"))],
                ["account", "list"],
            )
        )
        self.tally.commands += 1
        code, _out, err, crash = run_cli("--db", self.db, *command)
        if crash or code not in (0, 1, 2):
            self.fail(f"crash: {command} exit {code}", crash or err)

    def check_api(self) -> None:
        from sellerhealth.web import create_app

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient

        if self._client is None:
            self._client = TestClient(create_app(self.db), raise_server_exceptions=False)
        rng = self.rng
        account = rng.choice(("default", "acme", "a b", "%2e%2e", "x" * 300))
        url = rng.choice(API_PATHS).format(a=account)
        params = {
            name: rng.choice(DAYS + TOKENS)
            for name in rng.sample(("as_of", "from", "to", "metric"), rng.randint(0, 3))
        }
        self.tally.api_queries += 1
        answer = self._client.get(url, params=params)
        body_ok = answer.headers.get("content-type", "").startswith("application/json")
        if answer.status_code not in API_STATUSES or not body_ok:
            self.fail(
                f"api: {url} {params} -> {answer.status_code}", self._server_error(url, params)
            )

    def _server_error(self, url: str, params: dict[str, str]) -> str:
        """The server's traceback behind a failed answer (the answer itself only says "see the
        log"), from the same request on a client that raises what the app raised."""
        from fastapi.testclient import TestClient

        from sellerhealth.web import create_app

        try:
            TestClient(create_app(self.db)).get(url, params=params)
        except Exception as error:  # any exception is the finding
            lines: list[str] = []
            cause: BaseException | None = error
            while cause is not None:  # a StopIteration comes back as anyio's RuntimeError
                frames = traceback.extract_tb(cause.__traceback__)
                ours = [frame for frame in frames if "sellerhealth" in frame.filename]
                lines[:0] = traceback.format_list(ours) + traceback.format_exception_only(cause)
                cause = cause.__cause__ or cause.__context__
            return "".join(lines)
        return "the request did not fail again"


def fuzz(cases: int, seed: int, store: Callable[[int], str] | None = None) -> Tally:
    """Run `cases` cases in a scratch folder; the tally of what was checked and what failed."""
    folder = Path(tempfile.mkdtemp(prefix="sellerhealth-fuzz-"))
    try:
        return Fuzzer(folder, seed, store).run(cases)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
