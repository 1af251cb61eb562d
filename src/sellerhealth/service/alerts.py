"""Watching accounts: gather the facts, raise alerts by the configured rules, store each cause
once, and deliver through the configured channels.

One run (`run_once`), for a day D and a moment (the radar's clock):

1. For each account, gather the facts the rules need (only those: a forecast or a state replay
   is not computed when no rule asks for it) and evaluate the rules (`domain.alert_rules`).
2. Store the alerts whose cause is new (`Store.save_alerts`); a cause already stored, sent or
   not, is never raised again.
3. Deliver every pending alert (new ones and those a channel failed to take before) to every
   channel that has not got it yet, with retries and backoff (`connectors.notify.deliver`), and
   record each delivery per channel. An alert a channel still refuses stays pending for the
   next run: it is never lost, and a channel that has it never gets it twice.

With `digest = true` in `[watch]`, the pending alerts are folded into one message per day and
channel (`domain.alerts.digest`): the day's digest covers every alert pending when it is made;
alerts raised after it wait for the next day's digest.

Channels are named by their `name` key (default `email-1`, `webhook-2`, ... by position), and
deliveries are recorded under that name: give each channel a name so that reordering the file
does not look like new channels. Secrets stay in the channel objects; results and errors name
channels only by their name and a redacted URL.
"""

from __future__ import annotations

import dataclasses
import os
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sellerhealth.connectors.notify import Channel, ChannelConfigError
from sellerhealth.connectors.notify_config import channels_from_config
from sellerhealth.domain.alert_account_rules import (
    AmazonStatusRule,
    AtRiskShipmentRule,
    StateChangeRule,
)
from sellerhealth.domain.alert_config import AlertConfig, AlertConfigError, parse_alert_config
from sellerhealth.domain.alert_facts import (
    AmazonStatusFact,
    Facts,
    FeedbackFact,
    HeadroomFact,
    StateChangeFact,
    StateFact,
)
from sellerhealth.domain.alert_rules import (
    ForecastBreachRule,
    HeadroomRule,
    NewNegativeFeedbackRule,
    Rule,
    TriageDeadlineRule,
    evaluate,
)
from sellerhealth.domain.alerts import (
    Alert,
    digest,
    make_cause_key,
    severity_rank,
    stale_data_alert,
)
from sellerhealth.domain.freshness import Freshness
from sellerhealth.domain.headroom import headroom
from sellerhealth.domain.history import metric_rows
from sellerhealth.domain.metrics import Condition
from sellerhealth.domain.states import state_label
from sellerhealth.errors import InputError, UsageError
from sellerhealth.service import metrics, shipments, triage
from sellerhealth.service.delivery import Delivery, deliver_pending
from sellerhealth.service.forecasts import odr_forecast
from sellerhealth.service.freshness import freshness
from sellerhealth.service.states import account_status
from sellerhealth.store.alert_store import StoredAlert
from sellerhealth.store.store import Store

DIGEST_RULE = "digest"


@dataclass(frozen=True)
class NamedChannel:
    name: str
    kind: str  # email / webhook
    channel: Channel


@dataclass(frozen=True)
class WatchConfig:
    alerts: AlertConfig
    channels: tuple[NamedChannel, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.channels)


def load_watch_config(path: Path, env: Mapping[str, str] | None = None) -> WatchConfig:
    """Read an alerts config file: rules, `[watch]` and channels, every problem reported."""
    env = os.environ if env is None else env
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--config: no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as problem:
        raise InputError(f"{path}: cannot be read: {problem}") from None
    except tomllib.TOMLDecodeError as problem:
        raise InputError(f"{path}: not valid TOML: {problem}; fix the file") from None
    return watch_config_from_dict(raw, env, origin=str(path))


def watch_config_from_dict(
    raw: Mapping[str, Any], env: Mapping[str, str], origin: str = "alerts config"
) -> WatchConfig:
    """The parsed config: rules and `[watch]` (domain), channels (`channels_from_config`, each
    table's own `name` key taken out first); InputError listing every problem."""
    problems: list[str] = []
    try:
        config = parse_alert_config(raw)
    except AlertConfigError as error:
        problems += error.problems
        config = None
    entries = raw.get("channels", [])
    names: list[str] = []
    stripped: list[Any] = []
    if isinstance(entries, list):
        for index, table in enumerate(entries):
            if isinstance(table, Mapping):
                kind = table.get("type", "channel")
                name = table.get("name", f"{kind}-{index + 1}")
                if not isinstance(name, str) or not name:
                    problems.append(f"channels[{index}]: name must be a non-empty string")
                names.append(str(name))
                stripped.append({k: v for k, v in table.items() if k != "name"})
            else:
                stripped.append(table)
    channels: list[Channel] = []
    try:
        listed = stripped if isinstance(entries, list) else entries
        channels = channels_from_config({"channels": listed}, env)
    except ChannelConfigError as error:
        problems += error.problems
    if not entries and not problems:
        problems.append("no [[channels]]: add an email or webhook channel to send alerts to")
    problems += [
        f"channels: the name {name!r} is used twice; names must differ"
        for name in sorted({n for n in names if names.count(n) > 1})
    ]
    if problems or config is None:
        text = "\n".join(f"{origin}: {p}" for p in problems)
        raise InputError(f"{text}\nfix the alerts config; nothing was sent")
    kinds = [t.get("type", "") for t in stripped]
    return WatchConfig(
        config,
        tuple(NamedChannel(n, k, c) for n, k, c in zip(names, kinds, channels, strict=True)),
    )


# --- facts ---------------------------------------------------------------------------------


def gather_facts(
    store: Store, account: str, as_of: date, moment: datetime, rules: Sequence[Rule]
) -> Facts:
    """What the rules that apply to `account` need, as of `as_of` (the radar at `moment`)."""
    mine = [rule for rule in rules if rule.applies_to(account)]

    def wants(*kinds: type[Rule]) -> bool:
        return any(isinstance(rule, kinds) for rule in mine)

    found: dict[str, Any] = {}
    # Stale data: figures past the data's end are not covered, so the rules that read them
    # (headroom, forecast, the radar) get nothing; `stale_alerts` says "no data" once instead.
    fresh = freshness(store, account, as_of)
    if wants(NewNegativeFeedbackRule, TriageDeadlineRule):
        found["feedback"] = tuple(
            _feedback_fact(item) for item in triage.triage_queue(store, account, as_of)
        )
    if wants(HeadroomRule):
        found["headroom"] = _headroom(store, account, as_of, fresh)
    if wants(ForecastBreachRule) and store.marketplaces(account) and not fresh.stale:
        found["forecasts"] = dict(odr_forecast(store, account, as_of).warnings)
    if wants(StateChangeRule, AmazonStatusRule):
        found["state"], found["amazon_status"] = _state(store, account, as_of)
    if wants(AtRiskShipmentRule) and not fresh.stale:
        found["risks"] = tuple(shipments.at_risk(store, account, moment))
    return Facts(account=account, as_of=as_of, **found)


def _feedback_fact(item: triage.TriageItem) -> FeedbackFact:
    ground = item.classification.ground
    return FeedbackFact(
        order_id=item.order_id,
        feedback_date=item.feedback_date,
        rating=item.rating,
        verdict=item.verdict.value,
        request_by=item.request_by,
        act_by=item.act_by,
        expired=item.expired,
        ground=None if ground is None else ground.value,
        channel=None if item.channel is None else item.channel.value,
        odr_impact=item.odr_impact,
        comment=item.comment,
    )


def _headroom(
    store: Store, account: str, as_of: date, fresh: Freshness
) -> tuple[HeadroomFact, ...]:
    settings, policy = metrics.policy_for(store, account, None)
    found = []
    for health in metrics.marketplace_health(store, settings, as_of, policy):
        for row in metric_rows(as_of, health, policy):
            if row.condition == Condition.EQUALS.value or row.denominator is None:
                continue  # compliance counts and the rating have no rate to make room in
            first, last = row.window.first, row.window.last
            if fresh.gap(row.marketplace_id, row.metric, row.scope, first, last) is not None:
                continue  # the data does not reach the window: no figure to alert on
            room = headroom(row.numerator, row.denominator, row.target, Condition(row.condition))
            found.append(
                HeadroomFact(
                    marketplace_id=row.marketplace_id,
                    metric=row.metric,
                    scope=row.scope,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    target=row.target,
                    status=row.status,
                    extra_defects_before_bad=room.extra_defects_before_bad,
                    condition=row.condition,
                )
            )
    return tuple(found)


def _state(
    store: Store, account: str, as_of: date
) -> tuple[StateFact | None, AmazonStatusFact | None]:
    try:
        view = account_status(store, account, as_of)
    except InputError:  # no order yet: no state to speak of
        return None, None
    last = view.last_transition
    change = None
    if last is not None:
        change = StateChangeFact(
            day=last.day,
            from_state=state_label(last.from_state, last.from_kind),
            to_state=state_label(last.to_state, last.kind),
            rule=last.rule,
            evidence=last.evidence,
        )
    state = StateFact(view.label, view.since, change)
    amazon = None
    if view.amazon_statuses:
        theirs = ", ".join(sorted(set(view.amazon_statuses.values())))
        amazon = AmazonStatusFact(
            amazon=theirs,
            computed=view.amazon_equivalent,
            report_date=view.amazon_snapshot_date,
            differs=view.differs,
        )
    return state, amazon


# --- one run -------------------------------------------------------------------------------


@dataclass
class RunResult:
    day: date
    raised: list[Alert] = field(default_factory=list)  # new causes stored in this run
    deliveries: list[Delivery] = field(default_factory=list)
    pending: int = 0  # alerts still waiting for a channel after the run

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if not d.delivered]


def run_once(
    store: Store,
    config: WatchConfig,
    accounts: Sequence[str],
    as_of: date,
    moment: datetime,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    monotonic: Callable[[], float] = time.monotonic,
) -> RunResult:
    """Raise, store and deliver the alerts of `accounts` for day `as_of` (see the module)."""
    result = RunResult(as_of)
    rules = config.alerts.rules
    known = store.known_cause_keys()
    first_runs = [a for a in accounts if not any(k.startswith(f"{a}|") for k in known)]
    for account in accounts:
        facts = gather_facts(store, account, as_of, moment, rules)
        raised = evaluate(rules, facts)
        fresh = freshness(store, account, as_of)
        if fresh.stale and fresh.last_order is not None:
            raised.append(stale_data_alert(account, as_of, fresh.last_order))
        result.raised += store.save_alerts(raised)
    pending = [p for p in store.pending_alerts() if _watched(p.alert, accounts)]
    pending.sort(key=lambda p: (p.alert.created_on, -severity_rank(p.alert.severity)))
    if config.alerts.digest:
        pending = _digests(store, pending, accounts, as_of)
    else:
        pending = _first_run_digests(store, pending, first_runs, as_of)
    result.deliveries = deliver_pending(config, pending, sleep=sleep, monotonic=monotonic)
    _record(store, config, result.deliveries, clock())
    result.pending = sum(1 for p in store.pending_alerts() if _watched(p.alert, accounts))
    return result


def _watched(alert: Alert, accounts: Iterable[str]) -> bool:
    accounts = set(accounts)
    if alert.rule == DIGEST_RULE:
        return set(alert.evidence.get("accounts", ())) <= accounts
    return alert.account in accounts


def _digests(
    store: Store, pending: list[StoredAlert], accounts: Sequence[str], day: date
) -> list[StoredAlert]:
    """The digests to deliver: those pending from earlier runs, and today's for the alerts no
    digest covers yet (unless today's was already made: those wait for tomorrow's)."""
    digests = [p for p in pending if p.alert.rule == DIGEST_RULE]
    covered = {key for p in digests for key in p.alert.evidence.get("cause_keys", ())}
    loose = [p.alert for p in pending if p.alert.rule != DIGEST_RULE]
    loose = [a for a in loose if a.cause_key not in covered]
    if loose:
        made = digest(loose, day)
        key = make_cause_key(",".join(sorted(accounts)), DIGEST_RULE, day)
        made = dataclasses.replace(made, cause_key=key)
        if store.save_alerts([made]):
            digests.append(StoredAlert(made, {}, None))
    return digests


def _first_run_digests(
    store: Store, pending: list[StoredAlert], first_runs: Sequence[str], day: date
) -> list[StoredAlert]:
    """An account watched for the first time gets its alerts as one digest, not one message
    each (the backlog of a new account is news once); the alerts a pending digest covers are
    not sent again one by one."""
    keys = {p.alert.cause_key for p in pending}
    for account in first_runs:
        mine = [p.alert for p in pending if p.alert.account == account]
        mine = [a for a in mine if a.rule != DIGEST_RULE]
        if len(mine) > 1:
            made = digest(mine, day)
            made = dataclasses.replace(made, cause_key=make_cause_key(account, DIGEST_RULE, day))
            keys |= {a.cause_key for a in store.save_alerts([made])}
    pending = [p for p in store.pending_alerts() if p.alert.cause_key in keys]
    digests = [p for p in pending if p.alert.rule == DIGEST_RULE]
    covered = {key for p in digests for key in p.alert.evidence.get("cause_keys", ())}
    loose = [p for p in pending if p.alert.rule != DIGEST_RULE and p.alert.cause_key not in covered]
    return [*digests, *loose]


def _record(store: Store, config: WatchConfig, deliveries: list[Delivery], at: datetime) -> None:
    """Mark what reached a channel; a digest marks the alerts it covers too."""
    known: set[str] | None = None
    for d in deliveries:
        if not d.delivered:
            continue
        store.mark_sent(d.alert.cause_key, d.channel, at, config.names)
        if d.alert.rule == DIGEST_RULE:  # the alerts it covers reached this channel too
            known = store.known_cause_keys() if known is None else known
            for key in d.alert.evidence.get("cause_keys", ()):
                if key in known:
                    store.mark_sent(key, d.channel, at, config.names)
