"""One run's deliveries (issue 11: `watch --once` took 815 s with both receivers down, 29
alerts x 2 channels x 4 attempts one after another): the channels are worked at once, a
receiver down after its retries is not tried again in the run, and the run stops delivering
at `[watch] deadline` seconds."""

from __future__ import annotations

import threading
from datetime import date

from sellerhealth.connectors.notify import DeliveryError
from sellerhealth.domain.alert_config import AlertConfig
from sellerhealth.domain.alerts import Alert
from sellerhealth.service.alerts import NamedChannel, WatchConfig
from sellerhealth.service.delivery import deliver_pending
from sellerhealth.store.alert_store import StoredAlert

D = date(2026, 12, 3)


def alerts(n: int) -> list[StoredAlert]:
    return [
        StoredAlert(Alert("acme", "r", f"acme|r|{i}", "warning", f"t{i}", "b", {}, D), {}, None)
        for i in range(n)
    ]


class Down:
    """A receiver that refuses every connection, counting the tries."""

    def __init__(self) -> None:
        self.tries = 0

    def send(self, alert: Alert) -> None:
        self.tries += 1
        raise DeliveryError("connection refused", retryable=True)


class Meeting:
    """A receiver that takes an alert only while the other channel's receiver is taking one
    too: run one channel after the other, and the first waits in vain."""

    def __init__(self, barrier: threading.Barrier) -> None:
        self.barrier, self.got = barrier, 0

    def send(self, alert: Alert) -> None:
        self.barrier.wait(timeout=10)  # BrokenBarrierError if the other is not running
        self.got += 1


def settings(*channels: object, **watch: float) -> WatchConfig:
    named = tuple(NamedChannel(f"c{i}", "webhook", c) for i, c in enumerate(channels))  # type: ignore[arg-type]
    return WatchConfig(AlertConfig(rules=(), attempts=4, backoff=2.0, **watch), named)  # type: ignore[arg-type]


def test_a_receiver_down_is_tried_once_per_run_with_its_retries_then_skipped():
    mail, hook = Down(), Down()
    naps: list[float] = []

    done = deliver_pending(settings(mail, hook), alerts(29), sleep=naps.append)

    assert (mail.tries, hook.tries) == (4, 4)  # 4 attempts for the first alert, none after
    assert sorted(naps) == sorted([2.0, 4.0, 8.0] * 2)  # one backoff series per channel
    assert len(done) == 58 and not any(d.delivered for d in done)
    skipped = [d for d in done if d.attempts == 0]
    assert len(skipped) == 56
    assert all(d.error.startswith("not tried: c") and "is down for this run" in d.error
               for d in skipped)  # fmt: skip


def test_the_channels_are_delivered_to_at_once():
    barrier = threading.Barrier(2)
    first, second = Meeting(barrier), Meeting(barrier)

    done = deliver_pending(settings(first, second), alerts(5))

    assert (first.got, second.got) == (5, 5)
    assert all(d.delivered for d in done)


def test_the_run_stops_delivering_at_its_deadline():
    now = [0.0]
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        now[0] += seconds

    hook = Down()
    done = deliver_pending(
        settings(hook, deadline=5.0), alerts(3), sleep=sleep, monotonic=lambda: now[0]
    )

    # Backoff 2 s, then 4 s cut to the 3 s left, then nothing left to wait.
    assert naps == [2.0, 3.0, 0.0]
    assert done[0].attempts == 4 and not done[0].delivered
    assert [d.attempts for d in done[1:]] == [0, 0]


def test_the_deadline_is_said_for_the_alerts_left():
    now = [0.0]

    class Slow:
        def send(self, alert: Alert) -> None:
            now[0] += 3.0  # each delivery takes 3 s

    done = deliver_pending(settings(Slow(), deadline=5.0), alerts(4), monotonic=lambda: now[0])

    assert [d.delivered for d in done] == [True, True, False, False]
    assert done[2].error == "not tried: the run's 5 s for deliveries are used up"
