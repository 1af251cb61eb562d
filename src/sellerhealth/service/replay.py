"""Replaying an account's states day by day, from its first order day.

The day's figures come from the counters (`service.metrics.health_by_day`: every metric for
every day of the range); the plain rules run only on the days a rule fires, to put the order
and violation ids in the evidence. The state machine itself is `domain.states`: the policy's
transition table, evaluated day by day.

The negative-feedback share (`negative_feedback` rule) is judged only when the account's
feedback includes positive ratings (4-5 stars): Amazon's feedback report lists 1-3 star
feedback only, so from it alone every rating in the window looks negative and the share is
unknown, not 70%.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from sellerhealth.domain import records as r
from sellerhealth.domain.appeals import Appeal, appeal_events
from sellerhealth.domain.compliance import account_health_rating, policy_compliance
from sellerhealth.domain.metrics import OdrMetric, RateMetric, Status
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.domain.state_facts import DayFacts, FeedbackShare, negative_feedback_share
from sellerhealth.domain.state_machine import settle_days, step
from sellerhealth.domain.states import AccountState, ReviewKind, StateSnapshot, Transition
from sellerhealth.domain.windows import LATEST_DAY, Window
from sellerhealth.engine.dense import day_of
from sellerhealth.errors import InputError
from sellerhealth.service.metrics import (
    account_series,
    health_by_day,
    policy_for,
    with_defective_ids,
)
from sellerhealth.store.store import Store

# Ratings from this many stars up are positive feedback (Amazon: 4-5 stars).
POSITIVE_MIN_RATING = 4

# Triggers whose evidence names orders or violations: re-run with the plain rules' ids.
_EVIDENCE_IDS = frozenset({"metric_breach", "violations", "ahr_band", "negative_feedback_share"})


# --- Replay ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Replay:
    """The account's states from its first order day to `last`."""

    account: str
    policy: Policy
    first: date
    last: date
    final: StateSnapshot
    transitions: list[Transition]
    states: dict[date, StateSnapshot] = field(default_factory=dict)  # the days asked for


@dataclass(frozen=True)
class _Records:
    """What the replay reads beyond the counters: the orders of each day of the growth window
    (counted in the store), the feedback (for its share of negatives) and the violations (for
    the evidence)."""

    early_orders: dict[date, int]  # purchase day -> orders, from the first order day on
    feedback: list[r.Feedback]
    violations: list[r.Violation]
    data_end: date  # the last order day: the days after it are a projection

    @classmethod
    def load(cls, store: Store, account: str, first: date, policy: Policy) -> _Records:
        last = first + timedelta(days=policy.states.growth_window_days - 1)
        early = store.backend.query(
            "SELECT purchase_date, COUNT(*) FROM orders WHERE account = ? "
            "AND purchase_date BETWEEN ? AND ? GROUP BY purchase_date",
            (account, first.isoformat(), last.isoformat()),
        )
        return cls(
            {date.fromisoformat(day): count for day, count in early},
            store.records(r.Feedback, account),
            store.records(r.Violation, account),
            last_order_day(store, account) or first,
        )


def first_order_day_or_none(store: Store, account: str, as_of: date) -> date | None:
    """The account's first order day on or before `as_of`, or None when it had sold nothing."""
    found = store.backend.query(
        "SELECT MIN(purchase_date) FROM orders WHERE account = ? AND purchase_date <= ?",
        (account, as_of.isoformat()),
    )[0][0]
    return None if found is None else date.fromisoformat(found)


def last_order_day(store: Store, account: str) -> date | None:
    """The account's last order day: where its data ends."""
    found = store.backend.query(
        "SELECT MAX(purchase_date) FROM orders WHERE account = ?", (account,)
    )[0][0]
    return None if found is None else date.fromisoformat(found)


def first_order_day(store: Store, account: str, as_of: date) -> date:
    """The account's first order day, or InputError when it has no order by `as_of`."""
    found = first_order_day_or_none(store, account, as_of)
    if found is None:
        raise InputError(
            f"account {account!r} has no order on or before {as_of}: import its orders first "
            f"(sellerhealth import FILE --account {account}) or pass a later --as-of"
        )
    return found


def replay_states(
    store: Store,
    account: str,
    last: date,
    *,
    appeals: Sequence[Appeal] | None = None,
    keep: Iterable[date] = (),
) -> Replay:
    """The account's states day by day from its first order day to `last`.

    `appeals` default to the stored ones; `keep` names the days whose state to return in
    `Replay.states`. Nothing is stored. With the stored appeals the kept replay answers
    (`service.kept_replay`: resumed from its checkpoint nearest before `last`, a few weeks of days
    at most); otherwise the states are stepped from the first order day. Either way no day
    after the account's data has settled is stepped (`quiet_until`): nothing changes then.
    """
    from sellerhealth.service import kept_replay

    settings, policy = policy_for(store, account, None)
    first = first_order_day(store, account, last)
    wanted = set(keep)
    if appeals is None and not wanted:
        found = kept_replay.from_kept(store, account, first, last)
        if found is not None:
            return found
    if appeals is None:
        appeals = store.appeals(account)
    stop = min(last, quiet_until(store, account, first, policy, appeals))
    start = StateSnapshot(AccountState.HEALTHY, ReviewKind.NONE, first)
    run = run_states(store, settings, policy, first, start, first, stop, appeals, wanted)
    states = {**run.states, **{day: run.final for day in wanted if day > stop}}
    return Replay(account, policy, first, last, run.final, run.transitions, states)


CHECKPOINT_DAYS = 28  # a kept replay keeps the state every this many days (service.kept_replay)


@dataclass(frozen=True)
class Run:
    """States stepped from `begin` to `stop`: the last one, the transitions on the way, the
    days asked for, and a checkpoint (the state at the end of that day) every CHECKPOINT_DAYS
    days and on `stop`."""

    final: StateSnapshot
    transitions: list[Transition]
    states: dict[date, StateSnapshot]
    checkpoints: list[tuple[date, StateSnapshot]]


def run_states(
    store: Store,
    settings: r.AccountSettings,
    policy: Policy,
    first: date,
    start: StateSnapshot,
    begin: date,
    stop: date,
    appeals: Sequence[Appeal],
    keep: Iterable[date] = (),
) -> Run:
    """Step the states of the account from `start` (its state at the end of the day before
    `begin`) through `stop`; `first` is its first order day."""
    account = settings.account
    if stop < begin:
        return Run(start, [], {}, [])
    _, by_day = health_by_day(store, account, begin, stop, policy)
    records = _Records.load(store, account, first, policy)
    events = appeal_events(a for a in appeals if a.opened_on <= stop)
    shares = _feedback_shares(records.feedback, begin, stop, policy)
    early = _early_orders(records.early_orders, first, policy)
    markets: dict[date, list[MarketplaceHealth]] = {}
    for (_, day), health in sorted(by_day.items()):
        markets.setdefault(day, []).append(health)
    wanted = set(keep)
    current = start
    transitions: list[Transition] = []
    states: dict[date, StateSnapshot] = {}
    checkpoints: list[tuple[date, StateSnapshot]] = []
    for offset in range((stop - begin).days + 1):
        day = begin + timedelta(days=offset)
        facts = _facts(day, markets.get(day, []), shares, early, first, events.get(day, ()))
        if day > records.data_end:  # past the data: a projection (state_triggers.INACTION_TRIGGERS)
            facts = dataclasses.replace(facts, projected=True)
        before = current
        current, transition = step(current, facts, policy)
        if transition is not None and transition.trigger in _EVIDENCE_IDS:
            facts = _with_ids(store, facts, markets.get(day, []), records, settings, policy)
            current, transition = step(before, facts, policy)
        if transition is not None:
            transitions.append(transition)
        if day in wanted:
            states[day] = current
        if (offset + 1) % CHECKPOINT_DAYS == 0 or day == stop:
            checkpoints.append((day, current))
    return Run(current, transitions, states, checkpoints)


def quiet_until(
    store: Store, account: str, first: date, policy: Policy, appeals: Sequence[Appeal]
) -> date:
    """The last day the account's states can still change: its facts settle once its last
    counter has aged out (the counters' last day), its last feedback has left the share
    window, its growth window and its last appeal event are past; after that only timed
    rules fire, within `settle_days` (a property test holds later days unchanged)."""
    _, series = account_series(store, account, policy)
    days = [first + timedelta(days=policy.states.growth_window_days)]
    days += [day_of(s.last) for s in series.values()]
    feedback = store.records(r.Feedback, account)
    window = timedelta(days=policy.states.negative_feedback_window_days)
    days += [f.feedback_date + window for f in feedback]
    days += list(appeal_events(appeals))
    return min(max(days) + timedelta(days=settle_days(policy)), LATEST_DAY)


def _worst(metrics: Iterable[Any]) -> Any:
    """Of one metric in several marketplaces, the one that fires first: BAD, then the highest
    rate (LESS_THAN metrics), then the most items."""
    found = [m for m in metrics if m is not None]
    if not found:
        return None
    return max(found, key=lambda m: (m.status is Status.BAD, m.rate or 0.0, _items(m)))


def _items(metric: OdrMetric | RateMetric) -> int:
    return metric.order_count if isinstance(metric, OdrMetric) else metric.denominator


def _facts(
    day: date,
    healths: list[MarketplaceHealth],
    shares: Mapping[date, FeedbackShare],
    early: Any,
    first: date,
    events: tuple[Any, ...],
) -> DayFacts:
    """The day's facts from the engine's figures; several marketplaces give their worst."""
    if not healths:
        return DayFacts(day=day, first_order_date=first, early_orders=early(day))
    odr = {ch: _worst(h.odr.get(ch) for h in healths) for ch in r.Channel}
    windows = max(len(h.late_shipment) for h in healths)
    late = tuple(
        _worst(h.late_shipment[i] for h in healths if i < len(h.late_shipment))
        for i in range(windows)
    )
    ahrs = [h.ahr for h in healths if h.ahr is not None]
    return DayFacts(
        day=day,
        odr={ch: m for ch, m in odr.items() if m is not None},
        late_shipment=late,
        cancellation=_worst(h.cancellation for h in healths),
        ahr=min(ahrs, key=lambda a: a.score) if ahrs else None,
        compliance=healths[0].compliance,  # account-wide: the same in every marketplace
        feedback=shares.get(day),
        first_order_date=first,
        early_orders=early(day),
        appeal_events=events,
    )


def _with_ids(
    store: Store,
    facts: DayFacts,
    healths: list[MarketplaceHealth],
    records: _Records,
    settings: r.AccountSettings,
    policy: Policy,
) -> DayFacts:
    """The facts with the ids the evidence names: the defective orders (in the marketplace
    whose figure was taken, see `with_defective_ids`), the open violations and the orders with
    negative feedback."""
    day = facts.day
    odr = dict(facts.odr)
    for channel, metric in facts.odr.items():
        health = next(h for h in healths if h.odr.get(channel) is metric)
        named = with_defective_ids(store, settings, health, day, policy)
        odr[channel] = dataclasses.replace(
            metric, defective_order_ids=named.odr[channel].defective_order_ids
        )
    ahr = facts.ahr
    if ahr is not None:
        counted = account_health_rating((), records.violations, day, policy).violations_counted
        ahr = dataclasses.replace(ahr, violations_counted=counted)
    share = facts.feedback
    if share is not None:
        share = negative_feedback_share(records.feedback, day, policy)
    return dataclasses.replace(
        facts,
        odr=odr,
        ahr=ahr,
        compliance=policy_compliance(records.violations, day, policy),
        feedback=share,
    )


def _feedback_shares(
    feedback: Sequence[r.Feedback], first: date, last: date, policy: Policy
) -> dict[date, FeedbackShare]:
    """Negative and total feedback in the window of each day, as counts (difference arrays:
    a feedback is in the window from its date for window_days, until it is removed or struck
    through). Empty when the feedback has no positive rating (see the module docstring)."""
    if not any(f.rating >= POSITIVE_MIN_RATING for f in feedback):
        return {}
    length = policy.states.negative_feedback_window_days
    span = (last - first).days + 1
    total, negative = [0] * (span + 1), [0] * (span + 1)
    for f in feedback:
        gone = min(
            (d for d in (f.removed_date, f.struck_through_date) if d is not None), default=None
        )
        end = f.feedback_date + timedelta(days=length - 1)
        if gone is not None:
            end = min(end, gone - timedelta(days=1))
        a, b = max((f.feedback_date - first).days, 0), min((end - first).days, span - 1)
        if a > b:
            continue
        total[a] += 1
        total[b + 1] -= 1
        if f.rating <= policy.feedback.negative_max_rating:
            negative[a] += 1
            negative[b + 1] -= 1
    shares, n, bad = {}, 0, 0
    for offset in range(span):
        n, bad = n + total[offset], bad + negative[offset]
        day = first + timedelta(days=offset)
        shares[day] = FeedbackShare(Window.ending(day, length), bad, n)
    return shares


def _early_orders(per_day: dict[date, int], first: date, policy: Policy) -> Any:
    """day -> orders purchased from the first order day to the end of the growth window, as
    known on that day (see `domain.state_facts.early_orders`)."""
    last = first + timedelta(days=policy.states.growth_window_days - 1)
    days = sorted(per_day)
    running = list(accumulate(per_day[day] for day in days))
    return lambda day: (
        running[bisect_right(days, min(day, last)) - 1] if days and day >= days[0] else 0
    )
