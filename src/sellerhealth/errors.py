"""One exception tree. Expected problems in user data are values (`RowError`), collected and
reported together; exceptions are for a whole operation that cannot go on, and their message
says what to do next.

    SellerhealthError
    ├── InputError        a file that cannot be imported as it is (exit status 1)
    ├── PolicyError       a policy file with problems (exit status 1)
    ├── StoreError        the store cannot be opened, migrated or written (exit status 1)
    │   ├── StoreBusy     another process held the store longer than the bound
    │   └── StoreValueError  the database refused a value (a bug in the checks before it)
    └── UsageError        a command used wrongly (exit status 2)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one input row: `file:line: column: what is wrong`."""

    file: str
    line: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.problem}"


class SellerhealthError(Exception):
    """Base of every error sellerhealth raises on purpose."""

    exit_code = 1


class InputError(SellerhealthError):
    """A file could not be imported; nothing from it was stored."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []

    def __str__(self) -> str:
        lines = [str(error) for error in self.errors]
        return "\n".join([*lines, self.args[0]])


class PolicyError(SellerhealthError):
    """A policy file is malformed; every problem is listed."""

    def __init__(self, origin: str, problems: list[str]) -> None:
        self.origin = origin
        self.problems = problems
        listed = "\n".join(f"{origin}: {p}" for p in problems)
        super().__init__(f"{listed}\nfix the policy file; nothing was changed")


class StoreError(SellerhealthError):
    """The store cannot be opened, migrated or written."""

    retry_after = 30  # seconds, for the API's 503 answer


class StoreBusy(StoreError):
    """Another process held the lock longer than the store waits (the busy timeout)."""

    retry_after = 5


class StoreValueError(StoreError):
    """The database refused a value the importers let through."""


class UsageError(SellerhealthError):
    """A command was used wrongly."""

    exit_code = 2
