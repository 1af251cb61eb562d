"""Opening and updating appeals in the store: what `sellerhealth appeal open|update` and the
server's appeal endpoints both call (the rules themselves are `domain.appeals`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sellerhealth.domain.appeals import Appeal, apply_appeal_update
from sellerhealth.errors import UsageError
from sellerhealth.service import kept_replay
from sellerhealth.service.metrics import policy_for
from sellerhealth.store.store import Store


def next_appeal_id(store: Store, account: str) -> str:
    n = len(store.appeals(account)) + 1
    while store.appeal(f"{account}-appeal-{n}") is not None:
        n += 1
    return f"{account}-appeal-{n}"


def open_appeal(store: Store, account: str, day: date, appeal_id: str | None = None) -> Appeal:
    """A new appeal of the account opened on `day` (stored; the kept replay follows)."""
    chosen = appeal_id or next_appeal_id(store, account)
    if store.appeal(chosen) is not None:
        raise UsageError(
            f"appeal {chosen} exists already: change it with `sellerhealth appeal update "
            f"{chosen}`, or pass another --id"
        )
    appeal = Appeal(chosen, account, day)
    store.save_appeal(appeal)
    kept_replay.refresh(store, appeal.account)
    return appeal


def update_appeal(store: Store, appeal: Appeal, changes: dict[str, Any]) -> Appeal:
    """`appeal` with `changes` (checked by `domain.appeals.apply_appeal_update`), stored."""
    if not changes:
        raise UsageError("nothing to change: give a part of the plan, --evidence, --submit ...")
    _, policy = policy_for(store, appeal.account, None)
    updated = apply_appeal_update(appeal, policy=policy, **changes)
    store.save_appeal(updated)
    kept_replay.refresh(store, updated.account)
    return updated
