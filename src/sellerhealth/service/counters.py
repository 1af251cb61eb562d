"""Recounting and checking the kept counters: `sellerhealth rebuild` and `verify`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sellerhealth.engine import dense, kept
from sellerhealth.engine.spark_session import SparkEngine
from sellerhealth.errors import UsageError
from sellerhealth.policy_files import load_policy
from sellerhealth.service import kept_replay
from sellerhealth.store import counters as c
from sellerhealth.store.store import Store


@dataclass(frozen=True, slots=True)
class Difference:
    """One way an account's kept counters are not what a recount gives."""

    account: str
    what: str  # the counter key ("orderDefectRate AFN defective ...") or "counter set"
    detail: str

    def __str__(self) -> str:
        return f"{self.account}: {self.what}: {self.detail}"


def chosen_accounts(store: Store, accounts: Iterable[str] = ()) -> list[str]:
    """The accounts named (each must exist), or every account of the store."""
    known = store.accounts()
    wanted = list(accounts)
    unknown = [a for a in wanted if a not in known]
    if unknown:
        raise UsageError(
            f"--account: no account {', '.join(map(repr, unknown))} in the store; "
            f"known accounts: {', '.join(known) or 'none'}"
        )
    return wanted or known


def rebuild(
    store: Store,
    accounts: Iterable[str],
    done: Callable[[str], None] = lambda _a: None,
    spark: SparkEngine | None = None,
) -> int:
    """Recount each account's kept counters from its records with the full engine, one
    transaction per account (a failure leaves every account either as it was or recounted).
    With `spark`, every account is counted on Spark first and only then written, so a failed
    Spark job changes nothing. Returns the number of accounts recounted."""
    accounts = list(accounts)
    counted = None
    if spark is not None:
        from sellerhealth.engine.spark import counted_series

        counted = counted_series(store, accounts, spark)
    count = 0
    for account in accounts:
        store.forget_cached()
        with store.backend.transaction():
            if counted is None:
                kept.recount(store, account)
            else:
                identity, series = counted[account]
                c.replace_series(store.backend, account, series, identity.policy, identity.digest)
        store.forget_cached()
        kept_replay.refresh(store, account)
        done(account)
        count += 1
    return count


def verify(
    store: Store, accounts: Iterable[str], done: Callable[[str], None] = lambda _a: None
) -> list[Difference]:
    """Recount each account in memory and list every difference from its kept counters."""
    found: list[Difference] = []
    for account in accounts:
        found += list(_differences(store, account))
        done(account)
    return found


def _differences(store: Store, account: str) -> Iterator[Difference]:
    identity = kept.Identity.of(store, account)
    stored = c.counter_set(store.backend, account)
    counted = kept.counted_series(store, account, load_policy(identity.policy))
    if stored is None:
        if counted:  # an account with nothing to count needs no counters
            yield Difference(account, "counter set", "no kept counters: run sellerhealth rebuild")
        return
    if (stored.policy, stored.digest) != (identity.policy, identity.digest):
        yield Difference(
            account,
            "counter set",
            f"counted under {stored.policy} ({stored.digest}), the account's policy is "
            f"{identity.policy} ({identity.digest}): run sellerhealth rebuild",
        )
        return
    for key, mine, theirs in kept.differences(c.read_series(store.backend, account), counted):
        yield Difference(
            account, " ".join(part for part in key[1:] if part), _first_gap(mine, theirs)
        )


def _first_gap(mine: dense.Series | None, theirs: dense.Series | None) -> str:
    """The first day the kept and the recounted values differ, and both values."""
    days = [s for s in (mine, theirs) if s is not None]
    first = min(s.first for s in days)
    last = max(s.last for s in days)
    for number in range(first, last + 1):
        kept_value = mine.at(number) if mine else 0
        counted_value = theirs.at(number) if theirs else 0
        if kept_value != counted_value:
            return f"from {dense.day_of(number)}: kept {kept_value}, recount {counted_value}"
    return "same values, stored differently"
