"""The kept replay: an account's states stepped once, stored, and extended as data arrives.

Every write that changes what the states rest on (an import, an account's settings, an
appeal) refreshes it: the replay resumes from its last checkpoint before the first day the
write changed (`ImportSummary.changed_from`), not from the account's first order, and runs
to the day the account's data settles (`replay.quiet_until`), after which nothing changes.
A question for any day is then answered from the checkpoint nearest before that day, a few
weeks of days at most, instead of a replay of the whole history.

The kept replay carries a stamp: the counters' policy, its version, the counters' version
(bumped by every change) and a digest of the appeals. A replay whose stamp is not the current
one is never used: the states are stepped from the first order day, as without it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sellerhealth.domain.states import AccountState, ReviewKind, StateSnapshot, Transition
from sellerhealth.domain.windows import MAX_RANGE_DAYS
from sellerhealth.engine import kept
from sellerhealth.errors import UsageError
from sellerhealth.service.metrics import policy_for, recounting
from sellerhealth.service.replay import (
    Replay,
    first_order_day_or_none,
    last_order_day,
    quiet_until,
    run_states,
)
from sellerhealth.service.states import json_ready
from sellerhealth.store import counters as c
from sellerhealth.store.counters import STATE_REPLAYS
from sellerhealth.store.store import Store


@dataclass(frozen=True)
class KeptReplay:
    stamp: str
    first: date  # the first order day it starts from
    through: date  # its last day: no state changes after it
    checkpoints: list[tuple[date, StateSnapshot]]  # the state at the end of each day, in order
    transitions: list[Transition]


def stamp(store: Store, account: str) -> str | None:
    """What the kept replay must have been stepped from, or None without current counters."""
    identity = kept.current(store, account)
    if identity is None:
        return None
    version = c.counter_version(store.backend, account)
    appeals = json.dumps([json_ready(asdict(a)) for a in store.appeals(account)], sort_keys=True)
    digest = hashlib.sha256(appeals.encode()).hexdigest()[:16]
    end = last_order_day(store, account)
    return f"{identity.policy}|{identity.digest}|{version}|{digest}|{end}"


def _data_end(kept_stamp: str) -> date | None:
    """The last order day a kept replay was stepped with (the stamp's last part)."""
    end = kept_stamp.rsplit("|", 1)[-1]
    return date.fromisoformat(end) if end not in ("", "None") else None


def load(store: Store, account: str) -> KeptReplay | None:
    found = store.backend.query(
        f"SELECT {', '.join(STATE_REPLAYS.names[1:])} FROM state_replays WHERE account = ?",
        (account,),
    )
    if not found:
        return None
    kept_stamp, first, through, checkpoints, transitions = found[0]
    return KeptReplay(
        kept_stamp,
        date.fromisoformat(first),
        date.fromisoformat(through),
        [(date.fromisoformat(day), _snapshot(s)) for day, s in json.loads(checkpoints)],
        [_transition(t) for t in json.loads(transitions)],
    )


def from_kept(store: Store, account: str, first: date, last: date) -> Replay | None:
    """The replay up to `last` from the kept one, when it is current (else None)."""
    if recounting():
        return None
    found = store.memo(("kept-replay", account), lambda: load(store, account))
    if found is None or found.first != first or found.stamp != stamp(store, account):
        return None
    settings, policy = policy_for(store, account, None)
    if last >= found.through:
        final = found.checkpoints[-1][1]
        return Replay(account, policy, first, last, final, list(found.transitions))
    begin, start = _resume_point(found, first, last + timedelta(days=1))
    run = run_states(store, settings, policy, first, start, begin, last, store.appeals(account))
    before = [t for t in found.transitions if t.day < begin]
    return Replay(account, policy, first, last, run.final, before + run.transitions)


def refresh(store: Store, account: str, changed_from: date | None = None) -> None:
    """Bring the kept replay up to date after a write that changed days from `changed_from`
    on (None: anything may have changed). Stored in a transaction of its own: a replay that
    did not get stored is only stale, and a stale one is never used."""
    current = stamp(store, account)
    first = first_order_day_or_none(store, account, date.max)
    if current is None or first is None:
        with store.backend.transaction():
            store.backend.execute("DELETE FROM state_replays WHERE account = ?", (account,))
        return
    settings, policy = policy_for(store, account, None)
    appeals = store.appeals(account)
    found = load(store, account)
    begin, start = first, StateSnapshot(AccountState.HEALTHY, ReviewKind.NONE, first)
    if found is not None and found.first == first and changed_from is not None:
        # The days after the data's end were stepped as a projection: when the end moves,
        # they are stepped again from the day after the earlier end.
        old_end, new_end = _data_end(found.stamp), last_order_day(store, account)
        if old_end != new_end:
            ends = [d for d in (old_end, new_end) if d is not None]
            changed_from = min([changed_from, *(d + timedelta(days=1) for d in ends)])
        begin, start = _resume_point(found, first, changed_from)
    stop = quiet_until(store, account, first, policy, appeals)
    _check_span(account, first, stop)
    run = run_states(store, settings, policy, first, start, begin, stop, appeals)
    earlier = [] if found is None or begin == first else found.checkpoints
    checkpoints = [(day, s) for day, s in earlier if day < begin] + run.checkpoints
    transitions = [t for t in (found.transitions if found else []) if t.day < begin]
    row = (
        account,
        current,
        first.isoformat(),
        stop.isoformat(),
        json.dumps([(day.isoformat(), json_ready(vars_of(s))) for day, s in checkpoints]),
        json.dumps([t.to_dict() for t in transitions + run.transitions], sort_keys=True),
    )
    with store.backend.transaction():
        store.backend.execute(STATE_REPLAYS.upsert(store.backend.placeholder), row)
    store.forget_cached()


def check_span(store: Store, account: str) -> None:
    """UsageError when the account's days, first order to the day its data settles, are more
    than one question may span: raised inside an import's transaction, it refuses the import
    instead of storing records no replay can follow (a year typed 2037 for 2027)."""
    first = first_order_day_or_none(store, account, date.max)
    if first is not None:
        _, policy = policy_for(store, account, None)
        stop = quiet_until(store, account, first, policy, store.appeals(account))
        _check_span(account, first, stop)


def _check_span(account: str, first: date, stop: date) -> None:
    days = (stop - first).days + 1
    if days > MAX_RANGE_DAYS:
        raise UsageError(
            f"account {account!r} would span {first} .. {stop} ({days} days, its first order "
            f"to the day its last record ages out); sellerhealth follows one account over at "
            f"most {MAX_RANGE_DAYS} days: check the file's dates"
        )


def _resume_point(found: KeptReplay, first: date, changed_from: date) -> tuple[date, StateSnapshot]:
    """The day to step from and the state before it: the day after the last checkpoint before
    `changed_from` (the first order day and its start state when there is none)."""
    before = [(day, s) for day, s in found.checkpoints if day < changed_from]
    if not before:
        return first, StateSnapshot(AccountState.HEALTHY, ReviewKind.NONE, first)
    day, state = before[-1]
    return day + timedelta(days=1), state


def vars_of(snapshot: StateSnapshot) -> dict[str, Any]:
    return {name: getattr(snapshot, name) for name in StateSnapshot.__dataclass_fields__}


def _snapshot(raw: dict[str, Any]) -> StateSnapshot:
    return StateSnapshot(
        AccountState(raw["state"]),
        ReviewKind(raw["kind"]),
        date.fromisoformat(raw["since"]),
        date.fromisoformat(raw["plan_submitted_on"]) if raw["plan_submitted_on"] else None,
        raw["unsuccessful_appeals"],
    )


def _transition(raw: dict[str, Any]) -> Transition:
    return Transition(
        day=date.fromisoformat(raw["day"]),
        from_state=AccountState(raw["from_state"]),
        to_state=AccountState(raw["to_state"]),
        kind=ReviewKind(raw["kind"]),
        rule=raw["rule"],
        evidence=raw["evidence"],
        from_kind=ReviewKind(raw["from_kind"]),
        trigger=raw["trigger"],
        source=raw["source"],
    )
