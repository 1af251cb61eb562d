"""Delivering one run's pending alerts: every channel at once, within a time bound.

`watch --once` once took 815 s with both receivers down: 29 alerts x 2 channels x 4 attempts,
one after another. Now the channels are worked concurrently (one thread each, its alerts in
order), a channel that still fails an alert after its retries is down for the rest of the run
(its other alerts are not tried: they stay pending for the next run), and the whole run's
deliveries stop at `[watch] deadline` seconds (a retry's wait is cut to what is left; one
attempt in flight is bounded by the channel's own timeout).

The threads only talk to the receivers; what was delivered is written to the store by the
caller's thread afterwards (a store connection is not shared between threads).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sellerhealth.connectors.notify import deliver
from sellerhealth.domain.alerts import Alert
from sellerhealth.store.alert_store import StoredAlert

if TYPE_CHECKING:
    from sellerhealth.service.alerts import NamedChannel, WatchConfig


@dataclass(frozen=True)
class Delivery:
    alert: Alert
    channel: str
    delivered: bool
    attempts: int
    error: str | None = None


def deliver_pending(
    config: WatchConfig,
    pending: Sequence[StoredAlert],
    *,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> list[Delivery]:
    """Every pending alert to every channel that has not got it, channel by channel in
    `config.channels` order, each channel's alerts in the order given."""
    settings = config.alerts
    end = monotonic() + settings.deadline

    def nap(seconds: float) -> None:
        sleep(max(0.0, min(seconds, end - monotonic())))

    def work(named: NamedChannel) -> list[Delivery]:
        done: list[Delivery] = []
        down: str | None = None
        for stored in pending:
            alert = stored.alert
            if stored.delivered_to(named.name):
                continue
            if down is not None:
                why = f"not tried: {named.name} is down for this run ({down})"
                done.append(Delivery(alert, named.name, False, 0, why))
                continue
            if monotonic() >= end:
                why = f"not tried: the run's {settings.deadline:g} s for deliveries are used up"
                done.append(Delivery(alert, named.name, False, 0, why))
                continue
            outcome = deliver(
                alert,
                named.channel,
                attempts=settings.attempts,
                backoff=settings.backoff,
                sleep=nap,
            )
            done.append(
                Delivery(alert, named.name, outcome.delivered, outcome.attempts, outcome.error)
            )
            if not outcome.delivered:
                down = outcome.error
        return done

    channels = list(config.channels)
    if not channels or not pending:
        return []
    with ThreadPoolExecutor(max_workers=len(channels), thread_name_prefix="deliver") as pool:
        per_channel = list(pool.map(work, channels))
    return [d for found in per_channel for d in found]
