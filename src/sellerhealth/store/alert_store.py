"""Stored alerts (migration 3): stored once per cause, delivered per channel, pending until every
channel has it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sellerhealth.domain.alerts import Alert, dedupe
from sellerhealth.store import tables as t
from sellerhealth.store.backends import Backend


class AlertStore:
    """The alerts half of `Store`."""

    backend: Backend

    def save_alerts(self, alerts: Iterable[Alert]) -> list[Alert]:
        """Store the alerts whose cause is not stored yet; return those, in the order given."""
        with self.backend.transaction():
            new = dedupe(alerts, self.known_cause_keys())
            rows = [(*(t.to_cell(getattr(a, n)) for n in _ALERT_FIELDS), None, "{}") for a in new]
            self.backend.executemany(
                f"INSERT INTO {t.ALERTS.name} ({', '.join(t.ALERTS.names)}) VALUES "
                f"({', '.join('?' * len(t.ALERTS.names))}) ON CONFLICT (cause_key) DO NOTHING",
                rows,
            )
        return new

    def known_cause_keys(self, account: str | None = None) -> set[str]:
        """The cause keys of every stored alert (of one account, when given)."""
        sql = "SELECT cause_key FROM alerts"
        params: tuple[str, ...] = ()
        if account is not None:
            sql, params = sql + " WHERE account = ?", (account,)
        return {row[0] for row in self.backend.query(sql, params)}

    def pending_alerts(self) -> list[StoredAlert]:
        """Alerts not yet delivered to every channel, oldest first."""
        return self._alerts("sent_at IS NULL")

    def stored_alert(self, cause_key: str) -> StoredAlert | None:
        found = self._alerts("cause_key = ?", (cause_key,))
        return found[0] if found else None

    def mark_sent(
        self, cause_key: str, channel: str, at: datetime, channels: Iterable[str]
    ) -> bool:
        """Record that `channel` got the alert at `at`; once every one of `channels` has it,
        the alert is sent (no longer pending). Returns whether it is."""
        wanted = set(channels)
        with self.backend.transaction():
            found = self.backend.query(
                "SELECT channels_delivered FROM alerts WHERE cause_key = ?", (cause_key,)
            )
            if not found:
                raise KeyError(f"no stored alert {cause_key!r}")
            delivered = json.loads(found[0][0] or "{}")
            delivered.setdefault(channel, at.isoformat())
            complete = wanted <= set(delivered)
            self.backend.execute(
                "UPDATE alerts SET channels_delivered = ?, sent_at = ? WHERE cause_key = ?",
                (
                    json.dumps(delivered, sort_keys=True),
                    at.isoformat() if complete else None,
                    cause_key,
                ),
            )
        return complete

    def _alerts(self, where: str, params: Sequence[Any] = ()) -> list[StoredAlert]:
        names = t.ALERTS.names
        types = [c.type for c in t.ALERTS.columns]
        found = self.backend.query(
            f"SELECT {', '.join(names)} FROM alerts WHERE {where} ORDER BY created_on, cause_key",
            params,
        )
        out = []
        for values in found:
            row = {n: t.from_cell(v, ty) for n, v, ty in zip(names, values, types, strict=True)}
            alert = Alert(**{n: row[n] for n in _ALERT_FIELDS})
            out.append(StoredAlert(alert, row["channels_delivered"] or {}, row["sent_at"]))
        return out


_ALERT_FIELDS = (
    "cause_key",
    "account",
    "rule",
    "severity",
    "title",
    "body",
    "evidence",
    "created_on",
)


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """A stored alert: the channels that got it (name -> ISO time) and when all of them had."""

    alert: Alert
    channels_delivered: dict[str, str]
    sent_at: datetime | None

    def delivered_to(self, channel: str) -> bool:
        return channel in self.channels_delivered
