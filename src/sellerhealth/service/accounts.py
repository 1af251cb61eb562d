"""Which account a reading command is about: one check, used by the CLI and the API alike, so
a mistyped name is refused instead of answered with an empty account's clean report."""

from __future__ import annotations

from sellerhealth.errors import UsageError
from sellerhealth.store.store import Store

HOW_TO_CREATE = (
    "create one with `sellerhealth import FILE --account NAME` or "
    "`sellerhealth account set NAME --create`"
)


class UnknownAccount(UsageError):
    """An account the store has neither settings nor data for."""


def known(store: Store) -> list[str]:
    return store.accounts()


def listed(names: list[str]) -> str:
    return ", ".join(names) if names else "none"


def require_account(store: Store, name: str | None, among: list[str] | None = None) -> str:
    """`name` when the store has it; with no name, the store's only account. Otherwise a
    usage error that lists the accounts the store has and says how to create one. `among`:
    only these accounts count (a tenant's: the others answer as if they did not exist)."""
    names = known(store) if among is None else among
    if name is None:
        if len(names) == 1:
            return names[0]
        if not names:
            raise UnknownAccount(f"the store has no account yet: {HOW_TO_CREATE}")
        raise UnknownAccount(
            f"the store has {len(names)} accounts: give --account (one of: {listed(names)})"
        )
    if name not in names:
        raise UnknownAccount(
            f"no such account {name!r}; the store has: {listed(names)} ({HOW_TO_CREATE})"
        )
    return name
