"""The two databases behind the store: SQLite (embedded default) and PostgreSQL.

Why SQLite for the embedded default: in WAL mode readers never block the one writer and the
writer never blocks readers, across processes, so `sellerhealth import` works while
`sellerhealth serve` holds the same file open. (DuckDB, the engine's columnar workhorse, takes
an exclusive file lock per process and would refuse the second one.) A killed import leaves
SQLite's rollback journal behind and the half-written transaction is undone on next open.

Transactions nest by joining: a `transaction()` inside another is part of the outer one, so a
command can make several writes (every file of one `import`) land together or not at all.

Waiting is bounded: a write waits at most `BUSY_TIMEOUT_S` for another writer (SQLite's busy
timeout, PostgreSQL's lock_timeout), then fails with `StoreBusy`. Every database error comes
out as a `StoreError` that names the store, never as the driver's own exception.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sellerhealth.errors import StoreBusy, StoreError, StoreValueError

BUSY_TIMEOUT_S = 30.0  # how long a write waits for another process's write to finish


def busy_message(description: str) -> str:
    return (
        f"the store at {description} is busy: another process has been writing to it for "
        f"over {BUSY_TIMEOUT_S:g} s; try again when it has finished"
    )


class Backend(Protocol):
    """The few operations the store needs; SQL is written with `?` placeholders."""

    placeholder: str
    description: str

    def transaction(self) -> Any: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def table_exists(self, name: str) -> bool: ...

    def close(self) -> None: ...


class SqliteBackend:
    placeholder = "?"

    def __init__(self, path: Path) -> None:
        self.description = str(path)
        self._depth = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
            )
        except (sqlite3.Error, OSError) as problem:
            raise StoreError(
                f"cannot open the store at {path}: {problem}; check the path and its permissions"
            ) from None
        with self._errors():
            self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            # A no-op once the file is in WAL mode: an open by a reader writes nothing.
            if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """sqlite3's exceptions as the store's: busy, a refused value, anything else."""
        try:
            yield
        except sqlite3.OperationalError as problem:
            if "locked" in str(problem) or "busy" in str(problem):
                raise StoreBusy(busy_message(self.description)) from None
            raise StoreError(f"the store at {self.description} failed: {problem}") from None
        except (OverflowError, UnicodeEncodeError, sqlite3.DataError) as problem:
            raise StoreValueError(f"the store refused a value: {problem}") from None
        except sqlite3.DatabaseError as problem:
            raise StoreError(
                f"the store at {self.description} cannot be read: {problem}; "
                "is it a sellerhealth store?"
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:  # inside another transaction: part of it
            yield
            return
        with self._errors():
            # IMMEDIATE takes the write lock up front, so two writers queue instead of
            # deadlocking; the wait is bounded by the busy timeout.
            self._db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._depth = 0
        with self._errors():
            self._db.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._errors():
            self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._errors():
            self._db.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._errors():
            return self._db.execute(sql, params).fetchall()

    def table_exists(self, name: str) -> bool:
        rows = self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return bool(rows)

    def close(self) -> None:
        self._db.close()


class PostgresBackend:
    placeholder = "%s"

    def __init__(self, url: str) -> None:
        import psycopg

        self._psycopg = psycopg
        self.description = _redact(url)
        self._depth = 0
        try:
            self._db = psycopg.connect(url, autocommit=True)
        except psycopg.Error as problem:
            raise StoreError(
                f"cannot connect to PostgreSQL at {self.description}: {problem}".strip()
                + "; check that the server runs and the URL is right"
            ) from None
        with self._errors():
            # A statement waiting on another session's lock gives up after the bound.
            self._db.execute(f"SET lock_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """psycopg's exceptions as the store's: busy, a refused value, anything else."""
        errors = self._psycopg.errors
        try:
            yield
        except errors.LockNotAvailable:
            raise StoreBusy(busy_message(self.description)) from None
        except (self._psycopg.DataError, OverflowError, UnicodeEncodeError) as problem:
            raise StoreValueError(f"the store refused a value: {problem}") from None
        except self._psycopg.OperationalError as problem:
            raise StoreError(
                f"lost the connection to PostgreSQL at {self.description}: {problem}"
            ) from None
        except self._psycopg.Error as problem:
            raise StoreError(f"the store at {self.description} failed: {problem}") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:  # inside another transaction: part of it
            yield
            return
        self._depth = 1
        try:
            with self._errors(), self._db.transaction():
                yield
        finally:
            self._depth = 0

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._errors():
            self._db.execute(self._sql(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._errors(), self._db.cursor() as cursor:
            cursor.executemany(self._sql(sql), list(rows))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._errors():
            return self._db.execute(self._sql(sql), params).fetchall()

    def table_exists(self, name: str) -> bool:
        return bool(self.query("SELECT to_regclass(?) IS NOT NULL", (name,))[0][0])

    def close(self) -> None:
        self._db.close()


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}" if ":" in credentials else url


def open_backend(target: str | Path) -> Backend:
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresBackend(text)
    return SqliteBackend(Path(text).expanduser())
