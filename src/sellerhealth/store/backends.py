"""The two databases behind the store: SQLite (embedded default) and PostgreSQL.

Why SQLite for the embedded default: in WAL mode readers never block the one writer and the
writer never blocks readers, across processes, so `sellerhealth import` works while
`sellerhealth serve` holds the same file open. (DuckDB, the engine's columnar workhorse, takes
an exclusive file lock per process and would refuse the second one.) A killed import leaves
SQLite's rollback journal behind and the half-written transaction is undone on next open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sellerhealth.errors import StoreError


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
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout = 30000")  # wait for a concurrent writer
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.Error, OSError) as problem:
            raise StoreError(
                f"cannot open the store at {path}: {problem}; check the path and its permissions"
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
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

        self.description = _redact(url)
        try:
            self._db = psycopg.connect(url, autocommit=True)
        except psycopg.Error as problem:
            raise StoreError(
                f"cannot connect to PostgreSQL at {self.description}: {problem}".strip()
                + "; check that the server runs and the URL is right"
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._db.transaction():
            yield

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._db.execute(self._sql(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._db.cursor() as cursor:
            cursor.executemany(self._sql(sql), list(rows))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
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
